/* The command line's modules: one file per command, plus the batch runner. */
#ifndef WS_CLI_H
#define WS_CLI_H

#include <signal.h>
#include <stdbool.h>

#include "wenshu.h"

extern volatile sig_atomic_t ws_cli_interrupted;

int ws_cli_exit_status(int rc);
void ws_cli_print_diags(const ws_diags *diags, bool quiet_notes);

int ws_cli_render(int argc, char **argv);
int ws_cli_check(int argc, char **argv);
int ws_cli_packet(int argc, char **argv);
int ws_cli_preview(int argc, char **argv);
int ws_cli_list(int argc, char **argv);

/* Opens the engine the way every command does; prints what it reports. */
int ws_cli_engine_open(ws_engine **out, bool prepare_fonts);

/* Output names ------------------------------------------------------- */

/* Expands an output template such as "out/{group.group_id}-{kind}.pdf".
 * Values taken from data are sanitized so they can never leave the
 * template's folder: '/', '\\', control characters and a leading '.' become
 * '_'.  Returns NULL and reports when the result would still escape (an
 * absolute or ".." template is the user's own choice and is kept).
 * Caller g_free()s. */
char *ws_cli_expand_name(const char *tmpl, const ws_value *group, const char *kind,
                         const char *format, size_t index, ws_diags *diags);

/* Batch -------------------------------------------------------------- */

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
