/* A preview session: the engine, the layout and the data of one `wenshu
 * preview`, loaded again when a file changes, and each group's last
 * render.  Shared by --watch (every group, to files) and --serve (only
 * the groups a browser shows).
 *
 * Generations: every reload bumps `gen`; a group is rendered at most once
 * per generation, when somebody asks for it (ws_pv_group_render).  A
 * failed load or render keeps the last good layout, data and pages, so a
 * preview can show them marked stale under the error.
 */
#ifndef WS_CLI_SESSION_H
#define WS_CLI_SESSION_H

#include <stdbool.h>
#include "wenshu.h"

typedef struct ws_pv_group {
	char *id;             /* group_id, or "#N" when it has none (owned) */
	unsigned int gen;     /* generation last rendered, 0: never */
	unsigned int good_gen;/* generation of `doc` */
	ws_document *doc;     /* last good render, or NULL (owned) */
	ws_diags *findings;   /* what the last render reported (owned) */
	bool failed;          /* the last render failed: `doc` is stale */
	double render_ms;     /* wall time of the last render */
} ws_pv_group;

typedef struct ws_pv_session {
	char *layout_arg;     /* LAYOUT|KIND as given (owned) */
	char *data_path;      /* owned */
	char *layout_path;    /* the file it stands for (owned), NULL before the first load */
	ws_engine *engine;
	ws_layout *layout;    /* last good (owned) */
	ws_dataset *data;     /* last good (owned) */
	GPtrArray *groups;    /* of ws_pv_group*, matching `data` */
	unsigned int gen;
	ws_diags *load_diags; /* what the last reload reported (owned) */
	bool load_failed;     /* the last reload failed: layout/data are stale */
	bool debug;           /* draw the debug overlay on page images */
	char *only_group;     /* --group ID, or NULL (owned) */
} ws_pv_session;

/* Opens the engine and does the first load.  Returns NULL (after
 * printing why) only when the engine cannot start; a bad layout or data
 * file is a failed load, reported in load_diags. */
ws_pv_session *ws_pv_session_new(const char *layout_arg, const char *data_path);
void ws_pv_session_free(ws_pv_session *s);

/* Loads the layout and the data again (and the plugins too when
 * `plugins_changed`: a new engine).  Bumps `gen`.  Returns true when both
 * loaded; on failure the last good ones stay. */
bool ws_pv_session_reload(ws_pv_session *s, bool plugins_changed);

/* Renders group `i` unless it was rendered in this generation.  Returns
 * true when the group has pages of this generation. */
bool ws_pv_group_render(ws_pv_session *s, size_t i);

/* The files a session depends on, to be watched: the layout, the data and
 * every loaded plugin.  Caller g_strfreev()s. */
char **ws_pv_session_inputs(const ws_pv_session *s);

/* The plugin files the engine loaded (a rebuilt plugin reloads the
 * engine).  Caller g_strfreev()s. */
char **ws_pv_session_plugin_files(const ws_pv_session *s);

/* One page of group i's last good render as an image (with the overlay
 * when s->debug or `debug`).  Caller cairo_surface_destroy()s; NULL when
 * there is no such page. */
cairo_surface_t *ws_pv_page_image(const ws_pv_session *s, size_t i, size_t page, double dpi, bool debug);

#endif
