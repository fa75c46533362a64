/* The command line's one voice: how every command prints what the library
 * reports, opens the engine, and turns a status into an exit code.  Every
 * other cli/ file includes this one; it includes none of them. */
#ifndef WS_CLI_REPORT_H
#define WS_CLI_REPORT_H

#include <glib.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "wenshu.h"

/* Set by SIGINT/SIGTERM (wenshu.c); batches stop between groups. */
extern volatile sig_atomic_t ws_cli_interrupted;

/* The exit status of a ws_status: 0 success, 1 input, 2 usage,
 * 3 internal or I/O, 4 interrupted (README). */
int ws_cli_exit_status(int rc);

/* A progress bar is drawn on this terminal line (batch.c): messages
 * clear it first, so no message starts after the bar. */
void ws_cli_progress_shown(bool shown);

/* Prints each diagnostic once, in one write (parallel workers never
 * interleave inside a message); notes only when !quiet_notes.  Returns
 * the number of warnings printed (`check` counts them for its verdict). */
size_t ws_cli_print_diags(const ws_diags *diags, bool quiet_notes);

/* `s` escaped with ws_diag_escape() for printing: every string that came
 * from input (a path, a name, a group id, a plugin's description) passes
 * through here before a printf.  The result is borrowed and stays valid
 * for the next 15 calls (a ring of buffers, so one printf may take
 * several); the command line is single-threaded (workers are processes). */
const char *ws_cli_safe(const char *s);

/* Opens the engine the way every command does; prints what it reports. */
int ws_cli_engine_open(ws_engine **out, bool prepare_fonts);

/* ---- One command-line language ----------------------------------------
 * Every message starts "wenshu: " or "file:line:col: severity: "; the
 * exit status of each failure is the README's table:
 *   0 success, 1 the input has problems, 2 usage (a wrong option, a file
 *   named on the command line that does not exist or is a folder, an
 *   unknown kind or topic), 3 I/O (a file that exists but cannot be read,
 *   an output that cannot be written, a full disk), 4 interrupted. */

/* Parses a subcommand's options (`entries`: those added to `ctx`, for the
 * did-you-mean).  `cmd` is the subcommand ("render"): --help then prints
 * "Usage: wenshu render ..." and exits 0.  On a wrong option prints
 * "wenshu: unknown option '--x' (did you mean '--y'?)" — or, without a
 * near name, where to look — and returns false (exit 2). */
bool ws_cli_parse(GOptionContext *ctx, const GOptionEntry *entries, const char *cmd, int *argc, char ***argv);

/* Prints "wenshu: MESSAGE" and "wenshu: usage: USAGE" (one line each) and
 * returns 2. */
int ws_cli_usage_error(const char *usage, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* A file named on the command line (`what`: "data file", "layout file"):
 * 0 when it is a regular file that can be read; otherwise prints why and
 * returns 2 (no such file, a folder) or 3 (exists but cannot be read). */
int ws_cli_need_file(const char *path, const char *what);

/* The LAYOUT|KIND argument: when it names a file (a '/' in it, or
 * .yaml/.yml at the end, as the engine reads it), ws_cli_need_file(); a
 * kind's name is looked up later (an unknown one is a usage error too). */
int ws_cli_need_layout(const char *arg);

/* Creates the folder `dir` (with its parents) for outputs: every command
 * that writes files creates its folders here, in one way.  0, or prints
 * "wenshu: cannot create the folder DIR: REASON" and returns 3. */
int ws_cli_make_folder(const char *dir);
/* The same for the folder that will hold the file `path`. */
int ws_cli_make_folder_of(const char *path);

/* ---- Repeated warnings and errors -------------------------------------
 * A batch of 300 groups with the same warning says it once as it happens
 * and counts the rest: while repeats are on, a warning whose rule (or,
 * without a rule, whose text) was already printed for another group is
 * only counted; errors alike, apart from warnings.  The group that said
 * it first has all of its own said.  ws_cli_repeats_summary() then prints
 * one line per rule with something unsaid, "wenshu: warning X9 on 300
 * groups, first: FIRST" ("error X9 ..." for errors).  `check` does not
 * turn repeats on: it lists every one. */
void ws_cli_repeats_on(void);
/* The group (an index in the data file) whose diagnostics follow. */
void ws_cli_repeats_group(size_t group);
/* In a batch worker: warnings go to the parent as records on `fd`
 * instead of to the terminal (-1: back to printing). */
void ws_cli_repeats_forward(int fd);
/* In the parent: takes a worker's line if it is a forwarded warning
 * record (then true). */
bool ws_cli_repeats_take(const char *line);
/* The number of groups with at least one warning, and of distinct
 * warnings (errors are not counted here). */
size_t ws_cli_repeats_groups(size_t *distinct);
/* Prints the collapsed lines (warnings and errors not all said). */
void ws_cli_repeats_summary(void);

/* ---- Failed groups ------------------------------------------------------
 * A batch's summary names every group that failed, and says a reason once
 * for all the groups that failed for it (the same rule, or the same
 * text): "wenshu: 300 groups failed on X9: G001, G002, ...; first:
 * REASON" (or "...: G001, G002: REASON" for the same text); a reason of
 * one group alone reads "wenshu: group G001 failed: REASON". */
typedef struct ws_cli_failures ws_cli_failures;
ws_cli_failures *ws_cli_failures_new(void);
/* `label`: the group; `reason`: its first error as printed, or a status. */
void ws_cli_failures_add(ws_cli_failures *f, const char *label, const char *reason);
void ws_cli_failures_print(const ws_cli_failures *f);
void ws_cli_failures_free(ws_cli_failures *f);

#endif
