/* Layouts: a document form described in YAML (format v1, docs/layout-format.md).
 *
 * ws_layout_load_file() reads and checks a layout completely — unknown keys
 * and element types, bad lengths, colours and styles, template syntax — so
 * that every mistake is reported with its file:line:col before any data is
 * seen.  A loaded layout is immutable and may be shared by worker threads.
 */
#ifndef WS_LAYOUT_H
#define WS_LAYOUT_H

#include "common.h"
#include "diag.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_layout ws_layout;
struct ws_registry;

/* Loads the layout at `path`.  `registry` (may be NULL) supplies the
 * element types that plugins add; without it only built-in elements are
 * known.  Caller frees with ws_layout_free(). */
WS_EXPORT int ws_layout_load_file(ws_layout **out, const char *path,
                                  const struct ws_registry *registry, ws_diags *diags);
WS_EXPORT int ws_layout_load_buffer(ws_layout **out, const char *buf, size_t len,
                                    const char *name, const struct ws_registry *registry,
                                    ws_diags *diags);
WS_EXPORT void ws_layout_free(ws_layout *layout);

/* The JSON Schema (draft-07) of a layout file, as text (caller frees):
 * made from the key and value lists the loader checks against (the
 * layout's, each element type's, and the element types `registry` adds;
 * may be NULL), so an editor with a YAML language server flags what
 * `wenshu check` would refuse. */
WS_EXPORT char *ws_layout_json_schema(const struct ws_registry *registry);

/* Borrowed, valid while the layout lives.
 * kind: the plugin kind that derives and validates (`kind:`), or NULL for a
 *       form of the office's own (`name:` without `kind:`);
 * name: the form's name — `name:`, else the kind; {kind} and {layout} in
 *       output names, doc.kind, the PDF's subject and keywords;
 * derive: the kind whose derive hook runs — the kind, or `derive:`, or NULL. */
WS_EXPORT const char *ws_layout_kind(const ws_layout *layout);
WS_EXPORT const char *ws_layout_name(const ws_layout *layout);
WS_EXPORT const char *ws_layout_derive(const ws_layout *layout);
WS_EXPORT const char *ws_layout_title(const ws_layout *layout);
/* True when a style of the layout names `family` (directly or by a role
 * such as `fangsong` that maps to it). */
WS_EXPORT bool ws_layout_uses_font(const ws_layout *layout, const char *family);
/* Those families in the order first named, with where (*loc may be
 * WS_LOC_NONE for the default song role). */
WS_EXPORT size_t ws_layout_font_count(const ws_layout *layout);
WS_EXPORT const char *ws_layout_font_at(const ws_layout *layout, size_t i, ws_loc *loc);
WS_EXPORT const char *ws_layout_path(const ws_layout *layout);
/* Page size in points, after orientation. */
WS_EXPORT void ws_layout_page_size(const ws_layout *layout, double *width, double *height);
/* Where the page size is set (`page:`), else the layout's first line: the
 * place a limit on the page (PNG pixels) is reported at. */
WS_EXPORT ws_loc ws_layout_page_loc(const ws_layout *layout);

/* Checks the layout's `fields:` rules against a group; reports into diags
 * with the data value's location.  Returns WS_OK (errors are counted by the caller). */
WS_EXPORT int ws_layout_check_fields(const ws_layout *layout, const ws_value *group,
                                     ws_diags *diags);

/* Reports (warnings, rule "path") every template path of the layout —
 * `group.…`, or `it.…` inside an `each` — that no group of `groups` has,
 * with the closest key that exists; `groups` are prepared (derived fields
 * in).  A misspelt path would otherwise print blank. */
WS_EXPORT int ws_layout_check_data_paths(const ws_layout *layout, const ws_value *const *groups, size_t n,
                                         const char *data_name, ws_diags *diags);

/* Parses a length ("20mm", "10.5pt", "1.2cm", "0.5in", "三号", "小四").
 * Returns false when the text is not a length. */
WS_EXPORT bool ws_length_parse(const char *text, double *points);

#ifdef __cplusplus
}
#endif
#endif
