/* The host-services table handed to plugins (see plugin-abi.h). */
#ifndef WS_HOST_H
#define WS_HOST_H

#include "plugin-abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The process-wide services table.  Borrowed, static, thread-safe. */
WS_EXPORT const ws_host_services *ws_host_services_get(void);

/* The render date as "YYYY-MM-DD" in Asia/Shanghai (UTC+8, no DST): from
 * SOURCE_DATE_EPOCH when set, else now.  Static storage, computed once. */
WS_EXPORT const char *ws_host_today(void);
/* The render time in seconds since the epoch (SOURCE_DATE_EPOCH or now). */
WS_EXPORT int64_t ws_host_render_time(void);

#ifdef __cplusplus
}
#endif
#endif
