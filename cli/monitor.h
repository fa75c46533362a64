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

/* `what`: the tags of the files that changed in the burst, OR-ed. */
typedef void (*ws_monitor_fn)(unsigned what, void *user);

/* An empty monitor on the thread-default GMainContext. */
ws_monitor *ws_monitor_new(unsigned settle_ms, ws_monitor_fn changed, void *user);
/* Watches `path` (its folder, matched by name) with `tag` (non-zero).
 * Returns false (with a message printed) when the folder cannot be
 * watched. */
bool ws_monitor_add(ws_monitor *m, const char *path, unsigned tag);
void ws_monitor_free(ws_monitor *m);

#endif
