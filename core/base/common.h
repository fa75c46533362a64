/* wenshu — common definitions shared by every core module and by plugins.
 *
 * Conventions (see docs/conventions.md):
 *  - Fallible functions return WS_OK (0) or a negative ws_status, and report
 *    what went wrong into a ws_diags list given by the caller.
 *  - Source positions are 1-based (line and column); column counts Unicode
 *    characters, not bytes.  libyaml's 0-based marks are converted once, in
 *    the YAML loader.
 *  - Library code never prints and never exits.
 */
#ifndef WS_COMMON_H
#define WS_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define WS_EXPORT __attribute__((visibility("default")))
#define WS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define WS_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define WS_EXPORT
#define WS_PRINTF(f, a)
#define WS_WARN_UNUSED
#endif

/* Status codes.  The command line maps them onto exit statuses:
 * WS_EINPUT → 1, WS_EUSAGE → 2, everything else negative → 3. */
typedef enum ws_status {
	WS_OK = 0,
	WS_EINPUT = -1,    /* the input (layout, data) has problems; reported in the diags */
	WS_EUSAGE = -2,    /* the caller asked for something meaningless */
	WS_EIO = -3,       /* a file could not be read or written */
	WS_ENOMEM = -4,    /* an allocation failed or a limit on memory was hit */
	WS_EPLUGIN = -5,   /* a plugin was refused or failed */
	WS_EINTERNAL = -6, /* a bug in wenshu */
	WS_EINTERRUPTED = -7, /* the user interrupted a batch (SIGINT/SIGTERM) */
} ws_status;

/* A position in a source file.  `file` is interned (g_intern_string) and
 * never freed; line/column are 1-based, 0 when unknown. */
typedef struct ws_loc {
	const char *file;
	unsigned int line;
	unsigned int column;
} ws_loc;

#define WS_LOC_NONE ((ws_loc){NULL, 0, 0})

/* A rectangle in points (1/72 in), origin top-left of the page. */
typedef struct ws_rect {
	double x, y, width, height;
} ws_rect;

/* An sRGB colour, each channel 0..1. */
typedef struct ws_color {
	double r, g, b, a;
} ws_color;

/* Human-readable name of a status ("input error", "I/O error", ...). Static. */
WS_EXPORT const char *ws_status_name(int status);

#ifdef __cplusplus
}
#endif
#endif
