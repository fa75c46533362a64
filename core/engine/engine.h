/* The engine: everything a render needs, set up once and shared by every
 * group of a batch — the plugin registry, the fonts (with prepared copies
 * of the CJK fonts, see fontprep.h), the Pango context and the search
 * paths for layouts.
 *
 * Per group the engine copies the data, runs the kind's derive hook, checks
 * the layout's field rules and the kind's validate hook, and typesets.
 *
 * Thread-safety: an engine is used by one thread at a time (Pango's font
 * map is not thread-safe).  The command line runs parallel jobs as forked
 * worker processes, each with the engine it inherited.
 */
#ifndef WS_ENGINE_H
#define WS_ENGINE_H

#include "common.h"
#include "data.h"
#include "diag.h"
#include "document.h"
#include "layout.h"
#include "plugin.h"
#include "paths.h"
#include "twins.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_engine ws_engine;

typedef struct ws_engine_options {
	unsigned int version;
	const char *fonts_conf;          /* NULL: $FONTCONFIG_FILE or the project's fonts/fonts.conf */
	const char *const *plugin_dirs;  /* NULL-terminated extra trusted dirs, searched first; may be NULL */
	const char *const *layout_dirs;  /* NULL-terminated extra layout dirs, searched first; may be NULL */
	bool prepare_fonts;              /* desubroutinized font copies (fontprep.h) */
	const char *cache_dir;           /* NULL: $XDG_CACHE_HOME/wenshu */
} ws_engine_options;

#define WS_ENGINE_OPTIONS_VERSION 1
#define WS_ENGINE_OPTIONS_INIT {WS_ENGINE_OPTIONS_VERSION, NULL, NULL, NULL, true, NULL}

/* Caller frees with ws_engine_free().  Plugins that are refused are
 * reported as warnings in `diags`; the engine still starts. */
WS_EXPORT int ws_engine_new(ws_engine **out, const ws_engine_options *opts, ws_diags *diags);
WS_EXPORT void ws_engine_free(ws_engine *engine);

/* Borrowed, valid while the engine lives.  Plugins are loaded on first
 * use of their kind or element type (plugin.h). */
WS_EXPORT const ws_registry *ws_engine_registry(const ws_engine *engine);
/* Loads every plugin in the plugin folders now (`wenshu list`, `schema`:
 * an explicit request for all of them); refusals go to `diags`. */
WS_EXPORT void ws_engine_load_plugins(ws_engine *engine, ws_diags *diags);
/* The engine's PDF font twins (twins.h): pass them to the output
 * (ws_output_options.twins) to draw PDF text with them.  Every document
 * ws_engine_render() typesets has its glyphs noted in them.  Borrowed,
 * valid while the engine lives. */
WS_EXPORT ws_twins *ws_engine_twins(const ws_engine *engine);

/* Finds the layout file for LAYOUT|KIND|NAME: an argument with a '/' or
 * ending in .yaml/.yml is a file path, taken as it is; a kind name is
 * looked up as the kind's layout file (<kind>.yaml) in the layout folders;
 * any other plain name as <name>.yaml there (an office's own form).  The
 * folders and their order are paths.h's.  When nothing is found the error
 * lists every folder searched.  Caller g_free()s *path. */
WS_EXPORT int ws_engine_find_layout(ws_engine *engine, const char *layout_or_kind, char **path,
                                    ws_diags *diags);
/* The kind or form (a layout file's name) closest to `name`, for a
 * did-you-mean; NULL when none is close.  Caller g_free()s. */
WS_EXPORT char *ws_engine_suggest_layout(ws_engine *engine, const char *name);
WS_EXPORT int ws_engine_load_layout(ws_engine *engine, const char *layout_or_kind,
                                    ws_layout **out, ws_diags *diags);
/* The same, loaded once per engine and kept: a borrowed layout, valid
 * while the engine lives (packets render the same kinds group after
 * group).  A failed load is reported each time and not kept. */
WS_EXPORT int ws_engine_layout(ws_engine *engine, const char *layout_or_kind,
                               const ws_layout **out, ws_diags *diags);
/* The layout folders in search order (paths.h), existing or not.
 * Borrowed, valid while the engine lives; `origin` may be NULL. */
WS_EXPORT size_t ws_engine_layout_dir_count(const ws_engine *engine);
WS_EXPORT const char *ws_engine_layout_dir_at(const ws_engine *engine, size_t i,
                                              ws_search_origin *origin);
/* "DIR (origin), DIR (origin, missing), ..." for messages.  Caller g_free()s. */
WS_EXPORT char *ws_engine_describe_layout_dirs(const ws_engine *engine);
/* Every layout file in the layout directories (for `wenshu list layouts`).
 * Caller g_strfreev()s. */
WS_EXPORT char **ws_engine_list_layouts(ws_engine *engine);

/* Derive + field rules + validation for one group.  `group` is modified
 * (derived fields are added): pass a copy when the data is shared. */
WS_EXPORT int ws_engine_prepare(ws_engine *engine, const ws_layout *layout, ws_value *group,
                                ws_diags *diags);
/* Prepares a copy of `group` and typesets it.  *out: caller frees with
 * ws_document_free().  Returns WS_EINPUT when errors were reported. */
WS_EXPORT int ws_engine_render(ws_engine *engine, const ws_layout *layout, const ws_value *group,
                               ws_document **out, ws_diags *diags);
/* ws_engine_render() for a preview: when the group's document was typeset
 * whole and only the preflight refused it, *draft receives it (caller
 * frees), so the pages can be shown with the errors marked on them.
 * Returns what ws_engine_render() returns; *draft is NULL otherwise.  A
 * draft is never for print. */
WS_EXPORT int ws_engine_render_draft(ws_engine *engine, const ws_layout *layout, const ws_value *group,
                                     ws_document **out, ws_document **draft, ws_diags *diags);

/* Tells the engine that the groups of `data` are about to be rendered:
 * the PDF font twins (twins.h) are then built once with every
 * character of the data, instead of growing group by group.  Optional;
 * output is the same without it. */
WS_EXPORT void ws_engine_expect_data(ws_engine *engine, const ws_dataset *data);
/* The same for one group (batches read group by group: ws_data_each). */
WS_EXPORT void ws_engine_expect_group(ws_engine *engine, const ws_value *group);

/* Font roles and what serves them, for `wenshu list fonts` and `check`:
 * reports a note per role, and a warning for a role served by a fallback. */
WS_EXPORT int ws_engine_report_fonts(ws_engine *engine, ws_diags *diags);
/* The same for the roles `layout` uses only: a layout that never sets
 * FangSong hears nothing of its fallback. */
WS_EXPORT int ws_engine_report_layout_fonts(ws_engine *engine, const ws_layout *layout, ws_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
