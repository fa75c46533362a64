/* Documents: typeset pages as display lists, ready to be drawn onto any
 * Cairo surface (PDF, PNG, SVG) without typesetting again.
 *
 * The typesetter appends drawing operations to pages; the output module
 * replays them.  All coordinates are points (1/72 in), origin top-left.
 * A document also records every text run it draws (page, position, text)
 * so tests and `wenshu check` can inspect what landed where.
 *
 * Ownership: ws_document_new() returns a document the caller frees with
 * ws_document_free().  A finished document is read-only and may be drawn
 * from several threads at once only if its ops allow it (text ops hold
 * PangoLayouts, which are not thread-safe: draw one document per thread).
 */
#ifndef WS_DOCUMENT_H
#define WS_DOCUMENT_H

#include <stdint.h>
#include <cairo.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_document ws_document;

/* Document information, written into the PDF's Info dictionary. */
typedef struct ws_document_meta {
	const char *title;
	const char *author;
	const char *subject;
	const char *keywords;
	const char *creator;    /* defaults to "wenshu VERSION" */
} ws_document_meta;

/* One drawing operation.  `draw` must leave the cairo state as found. */
typedef void (*ws_draw_fn)(cairo_t *cr, void *data);
typedef void (*ws_free_fn)(void *data);

/* A run of text as placed on a page, for inspection. */
typedef struct ws_text_run {
	size_t page;            /* 0-based */
	ws_rect box;            /* pt: the ink-independent logical box of the run */
	const char *text;       /* UTF-8, borrowed from the document */
} ws_text_run;

WS_EXPORT ws_document *ws_document_new(const ws_document_meta *meta);
WS_EXPORT void ws_document_free(ws_document *doc); /* NULL is a no-op */

/* Appends a page of the given size in points; returns its 0-based index. */
WS_EXPORT size_t ws_document_add_page(ws_document *doc, double width, double height);
/* Appends an operation to `page`; the document owns `data` and frees it
 * with `free_data` (may be NULL). */
WS_EXPORT void ws_document_add_op(ws_document *doc, size_t page, ws_draw_fn draw,
                                  void *data, ws_free_fn free_data);
/* Records a placed text run (copied). */
WS_EXPORT void ws_document_add_text_run(ws_document *doc, size_t page, ws_rect box,
                                        const char *text);

WS_EXPORT size_t ws_document_page_count(const ws_document *doc);
WS_EXPORT void ws_document_page_size(const ws_document *doc, size_t page,
                                     double *width, double *height);
/* Draws every op of `page` onto `cr` (user space in points). */
WS_EXPORT void ws_document_draw_page(const ws_document *doc, size_t page, cairo_t *cr);

WS_EXPORT const ws_document_meta *ws_document_get_meta(const ws_document *doc);
/* Replaces the metadata (strings copied). */
WS_EXPORT void ws_document_set_meta(ws_document *doc, const ws_document_meta *meta);

WS_EXPORT size_t ws_document_text_run_count(const ws_document *doc);
WS_EXPORT const ws_text_run *ws_document_text_run_at(const ws_document *doc, size_t i);

#ifdef __cplusplus
}
#endif
#endif
