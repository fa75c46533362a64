/* Data files: the groups (团组) to typeset.
 *
 * A data file is YAML, JSON or CSV, chosen by its extension:
 *
 *   .yaml .yml .json  a map holding either `group:` (one group map) or
 *                     `groups:` (a list of group maps), nothing else;
 *                     loaded by the YAML loader (wsyaml.h), so typing,
 *                     NFC and locations are the same.
 *   .csv              one applicant per row.  The first row names the
 *                     columns with dotted paths: `group.group_id`,
 *                     `group.contact.mobile`, `applicants.passport_no`,
 *                     `applicants.mailing_address.street`, ...  The `group.`
 *                     prefix is optional.  Nested paths build nested maps;
 *                     `applicants.*` cells of one row form one applicant,
 *                     appended to its group's `applicants` list.  Rows are
 *                     grouped by group.group_id in order of first
 *                     appearance.  A group cell may be left empty on the
 *                     group's later rows; a value that differs from an
 *                     earlier row of the same group is an error naming both.
 *                     A column named `x[]`, and group.us_itinerary, hold a
 *                     list: the cell is split on ';' or '、'.  Empty cells are
 *                     null; unquoted cells are typed like plain YAML scalars
 *                     (numbers, true/false), quoted cells are strings.
 *
 * Every group must have a group_id, unique in the file.  Every value
 * carries the file:line:col of its first character.
 *
 * Thread-safety: a loaded dataset is immutable and may be read by several
 * threads at once.
 */
#ifndef WS_DATA_H
#define WS_DATA_H

#include "common.h"
#include "diag.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_dataset ws_dataset;

/* Loads the data file at `path`.  Returns WS_OK and a dataset with at least
 * one group in *out (caller frees with ws_dataset_free()), or WS_EINPUT /
 * WS_EIO / WS_ENOMEM with the reasons in `diags` and *out NULL. */
WS_EXPORT int ws_data_load_file(ws_dataset **out, const char *path, ws_diags *diags);

/* Same, from memory; the format is chosen by the extension of `name`, which
 * is also the file name used in locations. */
WS_EXPORT int ws_data_load_buffer(ws_dataset **out, const char *buf, size_t len,
                                  const char *name, ws_diags *diags);

WS_EXPORT size_t ws_dataset_count(const ws_dataset *ds); /* NULL → 0 */

/* The i-th group map, in file order.  Borrowed, valid while the dataset
 * lives; NULL when i is out of range. */
WS_EXPORT ws_value *ws_dataset_group(const ws_dataset *ds, size_t i);

/* The group whose group_id reads `group_id`, or NULL.  Borrowed. */
WS_EXPORT ws_value *ws_dataset_find(const ws_dataset *ds, const char *group_id);

/* Called by ws_data_each() with each good group, in file order: the group
 * map (borrowed for the call; ws_value_ref() it to keep it) and its index
 * among the file's groups (bad ones included, so indices are stable).
 * Returns false to stop reading. */
typedef bool (*ws_data_each_fn)(ws_value *group, size_t index, void *user);

/* Reads the data file at `path` group by group, for batches: a YAML or
 * JSON `groups:` list is parsed as a stream and each group is handed to
 * `fn` as soon as it is read and dropped after, so memory holds one group
 * at a time however long the file (plus anchored values).  A CSV file is
 * read whole (a group's rows may be anywhere in it).  The checks are
 * those of ws_data_load_file(), but a problem can be found after earlier
 * groups were handed over: a caller that must not act on a bad file reads
 * it twice, once to check (and count, and name the outputs), then to act.
 * (So a bad group read before a syntax error further down is reported
 * with it, where ws_data_load_file() reports only the syntax error.)
 * Returns WS_OK when the whole file was read and is good; when `fn`
 * stopped early, the status of what was read. */
WS_EXPORT int ws_data_each(const char *path, ws_data_each_fn fn, void *user, ws_diags *diags);

/* Same, from memory; the format is chosen by the extension of `name`. */
WS_EXPORT int ws_data_each_buffer(const char *buf, size_t len, const char *name, ws_data_each_fn fn,
                                  void *user, ws_diags *diags);

/* The file name the dataset was loaded from.  Interned; never freed. */
WS_EXPORT const char *ws_dataset_path(const ws_dataset *ds);

WS_EXPORT void ws_dataset_free(ws_dataset *ds); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif
