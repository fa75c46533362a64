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
 * (without a newline).  Caller frees with g_free(). */
WS_EXPORT char *ws_diag_format(const ws_diag *diag);

WS_EXPORT const char *ws_severity_name(ws_severity sev);

#ifdef __cplusplus
}
#endif
#endif
