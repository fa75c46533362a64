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
	bool failed;          /* the last render failed: `doc` is stale, or a draft */
	bool draft;           /* `doc` is this generation's, typeset whole but refused by the
	                       * preflight: shown with its errors, never for print */
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
	ws_diags *load_diags; /* what the last reload reported: layout's then data's (owned) */
	ws_diags *layout_diags, *data_diags; /* the last load of each (owned) */
	bool layout_failed, data_failed;
	int layout_rc, data_rc; /* the status of the last load of each (ws_status) */
	bool load_failed;     /* either failed: the layout or data shown is stale */
	bool debug;           /* draw the debug overlay on page images */
	char *only_group;     /* --group ID, or NULL (owned) */
} ws_pv_session;

/* Opens the engine and does the first load.  Returns NULL (after
 * printing why) only when the engine cannot start; a bad layout or data
 * file is a failed load, reported in load_diags. */
ws_pv_session *ws_pv_session_new(const char *layout_arg, const char *data_path);
void ws_pv_session_free(ws_pv_session *s);

/* What changed, for ws_pv_session_reload (the monitor's tags). */
enum { WS_PV_LAYOUT = 1, WS_PV_DATA = 2, WS_PV_PLUGIN = 4 };

/* Loads again what changed (`what`: WS_PV_*): the layout, the data, or the
 * plugins (a new engine, then the layout too), plus whatever failed last
 * time.  Bumps `gen`.  Returns true when layout and data are both good;
 * on failure the last good ones stay. */
bool ws_pv_session_reload(ws_pv_session *s, unsigned what);

/* Renders group `i` unless it was rendered in this generation.  Returns
 * true when the group has pages of this generation: good ones, or a draft
 * (g->draft) when only the preflight refused them — a clerk needs to see
 * the page to see what is wrong on it. */
bool ws_pv_group_render(ws_pv_session *s, size_t i);

/* Watches the files the session depends on — the layout, the data and
 * every loaded plugin — with `m`.  False when one cannot be watched. */
struct ws_monitor;
bool ws_pv_session_watch(const ws_pv_session *s, struct ws_monitor *m);

/* One page of group i's last good render as an image (with the overlay
 * when s->debug or `debug`).  Caller cairo_surface_destroy()s; NULL when
 * there is no such page. */
cairo_surface_t *ws_pv_page_image(const ws_pv_session *s, size_t i, size_t page, double dpi, bool debug);

#endif
