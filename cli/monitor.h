/* Watching a preview's input files with GFileMonitor (inotify on Linux):
 * no polling, so a save is seen within milliseconds, and two saves in the
 * same second are two changes.
 *
 * Editors save in different ways — writing in place, or writing a new
 * file and renaming it over the old one (vim, most IDEs) — so the folder of
 * each file is watched and events are matched by name.  Bursts (one save
 * is often several events) are merged: `changed` runs once, `settle_ms`
 * after the last event.
 */
#ifndef WS_CLI_MONITOR_H
#define WS_CLI_MONITOR_H

#include <stdbool.h>

typedef struct ws_monitor ws_monitor;

/* `plugin` is true when a plugin file changed (the engine must load the
 * plugins again). */
typedef void (*ws_monitor_fn)(bool plugin, void *user);

/* Watches `files` (the data and layout) and `plugin_files`.  Runs on the
 * thread-default GMainContext.  Returns NULL when a folder cannot be
 * watched (with a message printed). */
ws_monitor *ws_monitor_new(const char *const *files, const char *const *plugin_files, unsigned settle_ms,
                           ws_monitor_fn changed, void *user);
/* Watches a new set of files (the layout path may change with a plugin). */
void ws_monitor_set_files(ws_monitor *m, const char *const *files, const char *const *plugin_files);
void ws_monitor_free(ws_monitor *m);

#endif
