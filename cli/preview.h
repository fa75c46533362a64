/* wenshu preview's parts: preview.c parses the command line and picks one
 * of files (watch.c), a local web page (serve.c) or a contact sheet
 * (sheet.c); all three work on a session (session.h). */
#ifndef WS_CLI_PREVIEW_H
#define WS_CLI_PREVIEW_H

#include <stdbool.h>
#include "session.h"

/* Events of one save are merged for this long before rendering: short
 * enough to stay well inside the 300 ms a refresh may take, long enough
 * for an editor's write + rename + attribute change. */
#define WS_PV_SETTLE_MS 25

/* PNG pages into `out_dir`, once or on every change.  Returns the exit status. */
int ws_cli_preview_files(ws_pv_session *s, const char *out_dir, double dpi, bool watch);
/* The web page on 127.0.0.1:port (0: any free port).  Returns the exit status. */
int ws_cli_preview_serve(ws_pv_session *s, unsigned port, double dpi);
/* Every page of every group as labelled thumbnails in one PNG or PDF. */
int ws_cli_preview_sheet(ws_pv_session *s, const char *path);

#endif
