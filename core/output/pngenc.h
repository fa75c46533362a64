/* A fast PNG encoder for previews.  Cairo's PNG writer compresses with
 * zlib's default level (≈200 ms for an A4 page at 100 dpi), which alone
 * would spend most of the 300 ms a preview may take to refresh; pages are
 * mostly white, so the fastest zlib level makes files barely larger at a
 * tenth of the time.  Files meant to be kept still go through
 * ws_output_write(). */
#ifndef WS_PNGENC_H
#define WS_PNGENC_H

#include <cairo.h>
#include <glib.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Encodes an RGB24 or ARGB32 image surface (alpha dropped) as an 8-bit RGB
 * PNG with zlib level `level` (0..9).  Returns NULL when the surface is
 * not such an image or zlib fails.  Caller g_bytes_unref()s. */
WS_EXPORT GBytes *ws_png_encode(cairo_surface_t *image, int level);

#ifdef __cplusplus
}
#endif
#endif
