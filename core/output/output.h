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
 * Once the new pages are in place, numbered pages past the last one that
 * an earlier, longer run left (receipt-3.png after a run of two pages;
 * every receipt-K.png after a run of one) are removed — regular files of
 * these names only, with a note — so they are not printed with the new
 * ones.  With a commit batch, that happens in ws_atomic_batch_commit(),
 * and only when all the new pages were put in place.
 *
 * Thread-safety: the documents' ops hold PangoLayouts, so a given document
 * must not be written from two threads at once.
 */
#ifndef WS_OUTPUT_H
#define WS_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include "atomicfile.h"
#include "common.h"
#include "diag.h"
#include "document.h"
#include "layout.h"
#include "twins.h"

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
	/* Version 2.  PDF only: the font twins to draw text with (twins.h;
	 * borrowed, e.g. ws_engine_twins()), which keeps Cairo from copying
	 * whole CJK fonts per document.  NULL: Pango draws the text (the same
	 * text and glyph positions; the file is larger and slower to make). */
	ws_twins *twins;
	/* Version 3.  Batches: the files this call finishes wait under their
	 * temporary names in this batch (borrowed; atomicfile.h) until the
	 * caller's ws_atomic_batch_commit() flushes them to disk together and
	 * renames them into place.  NULL: each file is flushed and in place
	 * when the call returns. */
	ws_atomic_batch *commit_batch;
} ws_output_options;

/* Versions 1 (no `twins`) and 2 are still read.  Version 2 had, where
 * `commit_batch` is, a `bool defer_commits` naming a process-wide list
 * that no longer exists: it is ignored, and the files are in place when
 * the call returns. */
#define WS_OUTPUT_OPTIONS_VERSION 3
#define WS_OUTPUT_OPTIONS_INIT {WS_OUTPUT_OPTIONS_VERSION, WS_FORMAT_PDF, 150.0, NULL, NULL}

/* Limits on PNG output, checked before any pixel memory is allocated. */
#define WS_OUTPUT_DPI_MIN 10.0
#define WS_OUTPUT_DPI_MAX 2400.0
#define WS_OUTPUT_MAX_PIXELS 100000000.0 /* per page: 400 MB of RGB24 */
#define WS_OUTPUT_MAX_SIDE 32767.0       /* pixels: Cairo's image size limit */

/* The limits above for `layout`'s page at opts->dpi (PNG only; WS_OK for
 * other formats): WS_EINPUT with an error at the layout's `page:`
 * (pixels.c).  Callers check before typesetting. */
WS_EXPORT int ws_output_check_layout(const ws_layout *layout, const ws_output_options *opts,
                                     ws_diags *diags);

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
 * NULL); WS_EINTERRUPTED, with nothing written and nothing said, when
 * ws_cancel_requested() (cancel.h) turned true, which is polled between
 * pages and before the files are put in place.  For PNG/SVG, either every
 * page file is written or none is replaced, except when a final rename
 * itself fails part-way. */
WS_EXPORT int ws_output_write(ws_document *const *docs, size_t n, const char *path,
                              const ws_output_options *opts, ws_diags *diags);

/* Streaming PDF: documents are drawn into one PDF as they are added, so
 * a caller merging many documents need not keep them all (--merge).  The
 * file is written atomically like ws_output_write()'s: nothing appears at
 * `path` before ws_output_pdf_close() succeeds.  Adding documents d1..dn
 * and closing gives the same bytes as ws_output_write() of d1..dn.
 *
 *   ws_output_pdf *pdf;
 *   if (ws_output_pdf_open(&pdf, "all.pdf", NULL, diags) == WS_OK) {
 *           for (...) { typeset doc; ws_output_pdf_add(pdf, doc, diags); ws_document_free(doc); }
 *           rc = ws_output_pdf_close(pdf, diags);
 *   }
 */
typedef struct ws_output_pdf ws_output_pdf;

/* Starts a PDF at `path` (its temporary file is created now).  `opts` may
 * be NULL; its format must be PDF.  Returns WS_OK, WS_EUSAGE (bad
 * options, no path) or WS_EIO, with an error in `diags`. */
WS_EXPORT int ws_output_pdf_open(ws_output_pdf **out, const char *path, const ws_output_options *opts,
                                 ws_diags *diags);
/* Draws every page of `doc` (borrowed; it may be freed once this returns)
 * into the PDF.  The first document with pages gives the file's metadata.
 * A document without pages adds nothing.  Returns WS_OK; WS_EUSAGE for a
 * page of invalid size; WS_EIO/WS_ENOMEM when Cairo fails; WS_EINTERRUPTED
 * when a cancellation was requested (polled between pages).  After a
 * failure the PDF is spoilt: later adds return the same status and
 * ws_output_pdf_close() discards the file. */
WS_EXPORT int ws_output_pdf_add(ws_output_pdf *pdf, const ws_document *doc, ws_diags *diags);
/* Pages added so far. */
WS_EXPORT size_t ws_output_pdf_page_count(const ws_output_pdf *pdf);
/* Finishes the PDF and puts it at its path; frees `pdf`.  Returns WS_OK;
 * WS_EUSAGE when no page was added (nothing is written); the status of an
 * earlier failed add; WS_EIO when the file cannot be written;
 * WS_EINTERRUPTED (the file discarded) when a cancellation was requested
 * before it was put in place. */
WS_EXPORT int ws_output_pdf_close(ws_output_pdf *pdf, ws_diags *diags);
/* Discards the PDF (nothing is written at its path); frees `pdf`.  NULL is
 * a no-op. */
WS_EXPORT void ws_output_pdf_abort(ws_output_pdf *pdf);

/* One page drawn onto a new opaque RGB24 image at `dpi`, exactly as a
 * PNG file of it would be (previews draw on top of it, or encode it
 * themselves).  Caller destroys with cairo_surface_destroy(); check
 * cairo_surface_status() (an error surface when Cairo failed). */
WS_EXPORT cairo_surface_t *ws_output_page_image(const ws_document *doc, size_t page, double dpi);

/* The file names ws_output_write() would produce with the same arguments,
 * for collision checks before writing.  NULL-terminated; empty when the
 * documents have no pages.  Caller frees with g_strfreev(). */
WS_EXPORT char **ws_output_file_names(ws_document *const *docs, size_t n, const char *path,
                                      const ws_output_options *opts);

#ifdef __cplusplus
}
#endif
#endif
