/* Output: draws typeset documents into PDF, PNG or SVG files.
 *
 * Every file is written atomically (atomicfile.h): a failed write leaves
 * no partial file and never damages a file already at the path.
 *
 * PDF  — all pages of all documents, in order, in one file; each page
 *        keeps its own size; fonts are subset and embedded once per file.
 *        The Info dictionary takes Title, Author, Subject, Keywords and
 *        Creator from the first document's metadata, and CreationDate /
 *        ModDate from ws_host_render_time(), written in China time
 *        (+08:00).  With SOURCE_DATE_EPOCH set, rendering the same
 *        documents twice gives byte-identical files.
 * PNG  — one file per page, white background, dpi pixels per inch; a page
 *        of w × h pt becomes round(w/72·dpi) × round(h/72·dpi) pixels (A4
 *        at 150 dpi: 1240 × 1754).  Text is rasterised without hinting so
 *        glyph positions do not depend on the resolution.
 * SVG  — one file per page, in pt units.
 *
 * File names for PNG and SVG: when all documents together have one page,
 * it is written to `path` itself; with several pages, page k (1-based,
 * counted across all documents) goes to `path` with "-k" inserted before
 * the extension: "out/receipt.png" → "out/receipt-1.png",
 * "out/receipt-2.png", ...  (no extension: "out/receipt-1", ...).
 *
 * Thread-safety: the documents' ops hold PangoLayouts, so a given document
 * must not be written from two threads at once.
 */
#ifndef WS_OUTPUT_H
#define WS_OUTPUT_H

#include <stddef.h>
#include "common.h"
#include "diag.h"
#include "document.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ws_format {
	WS_FORMAT_PDF,
	WS_FORMAT_PNG,
	WS_FORMAT_SVG,
} ws_format;

typedef struct ws_output_options {
	unsigned int version; /* WS_OUTPUT_OPTIONS_VERSION */
	ws_format format;
	double dpi;           /* PNG only: pixels per inch, WS_OUTPUT_DPI_MIN..MAX */
} ws_output_options;

#define WS_OUTPUT_OPTIONS_VERSION 1
#define WS_OUTPUT_OPTIONS_INIT {WS_OUTPUT_OPTIONS_VERSION, WS_FORMAT_PDF, 150.0}

/* Limits on PNG output, checked before any pixel memory is allocated. */
#define WS_OUTPUT_DPI_MIN 10.0
#define WS_OUTPUT_DPI_MAX 2400.0
#define WS_OUTPUT_MAX_PIXELS 100000000.0 /* per page: 400 MB of RGB24 */
#define WS_OUTPUT_MAX_SIDE 32767.0       /* pixels: Cairo's image size limit */

/* "pdf", "png", "svg" (ASCII case-insensitive).  Returns WS_OK, or
 * WS_EUSAGE with *out untouched. */
WS_EXPORT int ws_format_from_name(const char *name, ws_format *out);
/* By the extension of `path` (".pdf", ".PNG", ...).  Returns WS_OK, or
 * WS_EUSAGE when there is no known extension. */
WS_EXPORT int ws_format_from_path(const char *path, ws_format *out);
/* "pdf", "png" or "svg".  Static. */
WS_EXPORT const char *ws_format_name(ws_format format);

/* Writes `n` documents (`docs` borrowed) to `path` (see the naming rules
 * above); `opts` may be NULL for the defaults.  n = 1 is the normal case,
 * n > 1 merges (--merge).  Returns WS_OK; WS_EUSAGE for bad options or
 * nothing to write; WS_ENOMEM when a PNG page exceeds a pixel limit; WS_EIO
 * when a file cannot be written — each with an error in `diags` (may be
 * NULL).  For PNG/SVG, either every page file is written or none is
 * replaced, except when a final rename itself fails part-way. */
WS_EXPORT int ws_output_write(ws_document *const *docs, size_t n, const char *path,
                              const ws_output_options *opts, ws_diags *diags);

/* The file names ws_output_write() would produce with the same arguments,
 * for collision checks before writing.  NULL-terminated; empty when the
 * documents have no pages.  Caller frees with g_strfreev(). */
WS_EXPORT char **ws_output_file_names(ws_document *const *docs, size_t n, const char *path,
                                      const ws_output_options *opts);

#ifdef __cplusplus
}
#endif
#endif
