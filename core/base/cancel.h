/* Cancellation: one process-wide flag that a SIGINT/SIGTERM handler raises
 * and the long loops poll — the typesetting loops (the elements of the
 * flow, the lines of a paragraph, the rows of a table, the items of
 * `each`, the trials of `fit: shrink`), so that a single huge group stops
 * within a fraction of a second instead of after it is done.  A cancelled
 * typesetting returns WS_EINTERRUPTED and no document; nothing is written.
 *
 * Process-wide because signals are: the command line's handler cannot
 * know which engine is busy. */
#ifndef WS_CANCEL_H
#define WS_CANCEL_H

#include <stdbool.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Asks every loop to stop.  Async-signal-safe (it stores one sig_atomic_t). */
WS_EXPORT void ws_cancel_request(void);
/* Whether ws_cancel_request() was called (and not cleared since). */
WS_EXPORT bool ws_cancel_requested(void);
/* Forgets a request (a long-lived process that goes on after one). */
WS_EXPORT void ws_cancel_clear(void);

#ifdef __cplusplus
}
#endif
#endif
