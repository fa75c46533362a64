/* File monitor for preview (monitor.h). */
#include "monitor.h"
#include "report.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

typedef struct watched_dir {
	GFileMonitor *mon;
	char *dir;
	struct ws_monitor *owner;
} watched_dir;

struct ws_monitor {
	GPtrArray *dirs;        /* of watched_dir* */
	GHashTable *files;      /* absolute path → GUINT_TO_POINTER(tag) */
	unsigned settle_ms;
	unsigned timer;         /* pending settle timeout, 0: none */
	unsigned pending;       /* tags seen since the last callback */
	ws_monitor_fn changed;
	void *user;
};

static gboolean settled(void *p)
{
	ws_monitor *m = p;
	m->timer = 0;
	unsigned what = m->pending;
	m->pending = 0;
	m->changed(what, m->user);
	return G_SOURCE_REMOVE;
}

static void note_path(ws_monitor *m, GFile *f)
{
	if (!f)
		return;
	char *path = g_file_get_path(f);
	unsigned what = path ? GPOINTER_TO_UINT(g_hash_table_lookup(m->files, path)) : 0;
	g_free(path);
	if (!what)
		return;
	m->pending |= what;
	/* Restart the settle time on every event of a burst. */
	if (m->timer)
		g_source_remove(m->timer);
	m->timer = g_timeout_add(m->settle_ms, settled, m);
}

static void on_event(GFileMonitor *mon, GFile *file, GFile *other, GFileMonitorEvent ev, void *p)
{
	watched_dir *w = p;
	switch (ev) {
	case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
	case G_FILE_MONITOR_EVENT_CHANGED:
	case G_FILE_MONITOR_EVENT_CREATED:
	case G_FILE_MONITOR_EVENT_DELETED:
	case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
	case G_FILE_MONITOR_EVENT_MOVED_IN:
	case G_FILE_MONITOR_EVENT_MOVED_OUT:
	case G_FILE_MONITOR_EVENT_RENAMED:
		note_path(w->owner, file);
		note_path(w->owner, other); /* a rename onto a watched name */
		break;
	default:
		break;
	}
}

static void watched_dir_free(void *p)
{
	watched_dir *w = p;
	g_signal_handlers_disconnect_by_data(w->mon, w);
	g_file_monitor_cancel(w->mon);
	g_object_unref(w->mon);
	g_free(w->dir);
	g_free(w);
}

static bool watch_dir(ws_monitor *m, const char *dir)
{
	for (guint i = 0; i < m->dirs->len; i++)
		if (strcmp(((watched_dir *)g_ptr_array_index(m->dirs, i))->dir, dir) == 0)
			return true;
	GFile *f = g_file_new_for_path(dir);
	GError *err = NULL;
	GFileMonitor *mon = g_file_monitor_directory(f, G_FILE_MONITOR_WATCH_MOVES, NULL, &err);
	g_object_unref(f);
	if (!mon) {
		fprintf(stderr, "wenshu: cannot watch %s: %s\n", ws_cli_safe(dir), ws_cli_safe(err->message));
		g_error_free(err);
		return false;
	}
	/* The default rate limit (800 ms) would delay CHANGED events past the
	 * preview's 300 ms budget; bursts are merged by the settle timer. */
	g_file_monitor_set_rate_limit(mon, 0);
	watched_dir *w = g_new0(watched_dir, 1);
	w->mon = mon;
	w->dir = g_strdup(dir);
	w->owner = m;
	g_signal_connect(mon, "changed", G_CALLBACK(on_event), w);
	g_ptr_array_add(m->dirs, w);
	return true;
}

bool ws_monitor_add(ws_monitor *m, const char *path, unsigned tag)
{
	char *abs = g_canonicalize_filename(path, NULL);
	char *dir = g_path_get_dirname(abs);
	bool ok = watch_dir(m, dir);
	g_hash_table_insert(m->files, abs, GUINT_TO_POINTER(tag | GPOINTER_TO_UINT(g_hash_table_lookup(m->files, abs))));
	g_free(dir);
	return ok;
}

ws_monitor *ws_monitor_new(unsigned settle_ms, ws_monitor_fn changed, void *user)
{
	ws_monitor *m = g_new0(ws_monitor, 1);
	m->dirs = g_ptr_array_new_with_free_func(watched_dir_free);
	m->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	m->settle_ms = settle_ms;
	m->changed = changed;
	m->user = user;
	return m;
}

void ws_monitor_free(ws_monitor *m)
{
	if (!m)
		return;
	if (m->timer)
		g_source_remove(m->timer);
	g_ptr_array_free(m->dirs, TRUE);
	g_hash_table_destroy(m->files);
	g_free(m);
}
