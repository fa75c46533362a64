/* Diagnostics: the errors, warnings and notes found while loading,
 * validating and typesetting.  A ws_diags list collects them in order; the
 * command line prints them as
 *
 *     path:line:col: error: [X1] message (group.applicants[0].ds160_location)
 *
 * Thread-safety: a ws_diags belongs to one thread at a time.
 */
#ifndef WS_DIAG_H
#define WS_DIAG_H

#include <stdarg.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ws_severity {
	WS_SEVERITY_NOTE = 0,
	WS_SEVERITY_WARNING = 1,
	WS_SEVERITY_ERROR = 2,
} ws_severity;

typedef struct ws_diag {
	ws_severity severity;
	ws_loc loc;      /* where the offending text is; file NULL when unknown */
	char *rule;      /* owned; rule id such as "X1", "L14", "limit", or NULL */
	char *path;      /* owned; data path such as "group.applicants[1].gender", or NULL */
	char *message;   /* owned; one line, no trailing period needed */
} ws_diag;

typedef struct ws_diags ws_diags;

/* Caller frees with ws_diags_free(). */
WS_EXPORT ws_diags *ws_diags_new(void);
WS_EXPORT void ws_diags_free(ws_diags *diags);

/* Appends a diagnostic; `diags` may be NULL (then nothing is recorded).
 * `rule` and `path` may be NULL.  Returns WS_EINPUT for errors and WS_OK
 * otherwise, so loaders can write `return ws_diag_add(...)`. */
WS_EXPORT int ws_diag_add(ws_diags *diags, ws_severity sev, ws_loc loc,
                          const char *rule, const char *path,
                          const char *fmt, ...) WS_PRINTF(6, 7);
WS_EXPORT int ws_diag_addv(ws_diags *diags, ws_severity sev, ws_loc loc,
                           const char *rule, const char *path,
                           const char *fmt, va_list ap);

/* Shorthands for the common cases. */
#define ws_error_at(d, loc, ...) ws_diag_add((d), WS_SEVERITY_ERROR, (loc), NULL, NULL, __VA_ARGS__)
#define ws_warning_at(d, loc, ...) ws_diag_add((d), WS_SEVERITY_WARNING, (loc), NULL, NULL, __VA_ARGS__)

WS_EXPORT size_t ws_diags_count(const ws_diags *diags);
/* Borrowed; valid until the list is modified or freed. */
WS_EXPORT const ws_diag *ws_diags_at(const ws_diags *diags, size_t i);
WS_EXPORT size_t ws_diags_count_severity(const ws_diags *diags, ws_severity sev);
WS_EXPORT int ws_diags_has_errors(const ws_diags *diags);
/* Moves every diagnostic of `from` to the end of `to`; `from` is left empty. */
WS_EXPORT void ws_diags_move(ws_diags *to, ws_diags *from);
WS_EXPORT void ws_diags_clear(ws_diags *diags);
/* Finds the first diagnostic carrying `rule`, or NULL.  Borrowed. */
WS_EXPORT const ws_diag *ws_diags_find_rule(const ws_diags *diags, const char *rule);

/* Formats one diagnostic in the "file:line:col: error: message" form
 * (without a newline).  The file, rule, message and path go through
 * ws_diag_escape(), so the result is safe to print on a terminal whatever
 * the input held.  Caller frees with g_free(). */
WS_EXPORT char *ws_diag_format(const ws_diag *diag);

WS_EXPORT const char *ws_severity_name(ws_severity sev);

/* Makes text that came from input (a key, a data value, a file name, a
 * plugin's description) safe to show on a terminal: the one function every
 * message path uses before it prints.  A layout key "\e]0;owned\a\e[2J"
 * must not retitle and clear the clerk's terminal, and "invoice\u202Efdp.exe"
 * must not display as "invoiceexe.pdf".
 *
 * Escaped, so that each stays visible and nothing is lost:
 *   - C0 controls and DEL as \t \n \r or \xHH (ESC is \x1b);
 *   - C1 controls (U+0080..U+009F; ESC-less CSI is U+009B) as \u0080..;
 *   - bidi embeddings, overrides and isolates (U+202A..U+202E,
 *     U+2066..U+2069), marks (U+200E, U+200F, U+061C) and every other
 *     invisible format character (Unicode category Cf: zero-width space
 *     and joiners, U+2060..U+2064, BOM, tags U+E0001..) as \uXXXX or
 *     \UXXXXXXXX, and the line and paragraph separators U+2028/U+2029;
 *   - each byte that is not part of valid UTF-8 as \xHH.
 * Everything else (Han, Latin, punctuation, a backslash) is copied as is.
 * `len` is the length in bytes, or -1 for a NUL-terminated string; NULL
 * gives "".  Caller frees with g_free(). */
WS_EXPORT char *ws_diag_escape(const char *s, ptrdiff_t len);

#ifdef __cplusplus
}
#endif
#endif
