/* The command line's one voice: how every command prints what the library
 * reports, opens the engine, and turns a status into an exit code.  Every
 * other cli/ file includes this one; it includes none of them. */
#ifndef WS_CLI_REPORT_H
#define WS_CLI_REPORT_H

#include <signal.h>
#include <stdbool.h>

#include "wenshu.h"

/* Set by SIGINT/SIGTERM (wenshu.c); batches stop between groups. */
extern volatile sig_atomic_t ws_cli_interrupted;

/* The exit status of a ws_status: 0 success, 1 input, 2 usage,
 * 3 internal or I/O, 4 interrupted (README). */
int ws_cli_exit_status(int rc);

/* Prints each diagnostic once, in one write (parallel workers never
 * interleave inside a message); notes only when !quiet_notes. */
void ws_cli_print_diags(const ws_diags *diags, bool quiet_notes);

/* `s` escaped with ws_diag_escape() for printing: every string that came
 * from input (a path, a name, a group id, a plugin's description) passes
 * through here before a printf.  The result is borrowed and stays valid
 * for the next 15 calls (a ring of buffers, so one printf may take
 * several); the command line is single-threaded (workers are processes). */
const char *ws_cli_safe(const char *s);

/* Opens the engine the way every command does; prints what it reports. */
int ws_cli_engine_open(ws_engine **out, bool prepare_fonts);

#endif
