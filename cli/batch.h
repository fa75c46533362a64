/* The batch runner: many groups, one layout, parallel worker processes. */
#ifndef WS_CLI_BATCH_H
#define WS_CLI_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "wenshu.h"

typedef struct ws_batch_item {
	size_t group_index;
	char *label;        /* group id, for the summary */
	char **outputs;     /* files to write, one per format (NULL-terminated) */
} ws_batch_item;

/* Renders each item with the layout, in `jobs` worker processes (1: in
 * this process), reading the groups from `data_path` again one by one
 * (items come from a first reading of the same file, in file order).
 * Prints diagnostics as it goes, a progress bar on a terminal, and a
 * summary.  Returns the worst status. */
int ws_cli_run_batch(ws_engine *engine, const ws_layout *layout, const char *data_path,
                     ws_batch_item *items, size_t n, const ws_output_options *formats,
                     size_t n_formats, int jobs);

/* True when `group`, read at file index `index`, is the group `it` was
 * planned for; otherwise prints that the data file changed while the
 * batch ran (it was read twice) and returns false. */
bool ws_cli_same_group(const ws_batch_item *it, const ws_value *group, size_t index);

#endif
