/* Documents: typeset pages as display lists, ready to be drawn onto any
 * Cairo surface (PDF, PNG, SVG) without typesetting again.
 *
 * The typesetter appends drawing operations to pages; the output module
 * replays them.  Text is a typed operation (ws_document_add_text): the
 * typesetter says which lines of which laid-out paragraph go where, and the
 * output chooses how a line is painted (ws_text_painter: the PDF writer
 * draws against its font twins, PNG and SVG let Pango draw).  All coordinates are points (1/72 in), origin top-left.
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

#include <stdbool.h>
#include <stdint.h>
#include <cairo.h>
#include <pango/pango.h>
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

/* What the typesetter placed, element by element: the preflight
 * (preflight.h) checks these against each other and against the page, and
 * a debug overlay can draw them.  One record per text line, shape, table
 * row, boxed element; `loc` is the layout element (file:line:col) that
 * made it. */
typedef enum ws_record_kind {
	WS_RECORD_TEXT,     /* one line of text; `limit` is the box it must stay in */
	WS_RECORD_FRAME,    /* a stroked rect or a rule drawn by the layout */
	WS_RECORD_BOX,      /* a boxed element drawn whole (image, barcode, checkbox square) */
	WS_RECORD_ROW,      /* a table row in the flow (`header`: a repeated header row) */
	WS_RECORD_LINE,     /* a line of flow text (also recorded as TEXT) */
} ws_record_kind;

typedef struct ws_record {
	ws_record_kind kind;
	size_t page;        /* 0-based */
	ws_loc loc;         /* the layout element; file interned (g_intern_string), never freed */
	ws_rect box;        /* pt: what was placed (text: its logical box) */
	ws_rect limit;      /* pt: TEXT: the box it must stay in (a cell's inner box,
	                     * the element's box, the flow's column) */
	bool header;        /* ROW: a (repeated) table header */
	bool flow;          /* placed by the flow (not at a fixed box, not every_page) */
	bool keep_with_next; /* TEXT/LINE: a line of a keep_with_next element (a heading) */
	bool shrunk_out;    /* TEXT: shrunk to its min_size and still too big */
	const char *text;   /* TEXT: the line; borrowed from the document, else NULL */
	const char *source; /* the template it came from (for messages), or NULL */
	const char *type;   /* the layout element's type name ("text", "table", "barcode" …) */
	double baseline;    /* TEXT: pt from the page top to the line's baseline */
} ws_record;

WS_EXPORT ws_document *ws_document_new(const ws_document_meta *meta);
WS_EXPORT void ws_document_free(ws_document *doc); /* NULL is a no-op */

/* Appends a page of the given size in points; returns its 0-based index. */
WS_EXPORT size_t ws_document_add_page(ws_document *doc, double width, double height);
/* Appends an operation to `page`; the document owns `data` and frees it
 * with `free_data` (may be NULL). */
WS_EXPORT void ws_document_add_op(ws_document *doc, size_t page, ws_draw_fn draw,
                                  void *data, ws_free_fn free_data);
/* Appends text to `page`: lines lines[0..n) of `layout` (a reference is
 * taken), line k with its origin (left end of the baseline) at (x[k], y[k])
 * pt, in `color`.  The arrays are copied. */
WS_EXPORT void ws_document_add_text(ws_document *doc, size_t page, PangoLayout *layout, int n,
                                    const int *lines, const double *x, const double *y, ws_color color);
/* The laid-out paragraphs of the document's text, in the order they were
 * added (an output that prepares fonts reads them before drawing).
 * Borrowed, valid while the document lives; NULL past the end. */
WS_EXPORT size_t ws_document_text_count(const ws_document *doc);
WS_EXPORT PangoLayout *ws_document_text_layout(const ws_document *doc, size_t i);

/* How an output paints a line of text.  `paint_line` draws `line` with its
 * origin at (x, y) as pango_cairo_show_layout_line() would after
 * cairo_move_to(cr, x, y), the source colour already set, and returns true;
 * or returns false having drawn nothing, and the document lets Pango draw
 * the line. */
typedef struct ws_text_painter {
	bool (*paint_line)(void *self, cairo_t *cr, PangoLayoutLine *line, double x, double y);
	void *self;
} ws_text_painter;

/* Records a placed text run (copied). */
WS_EXPORT void ws_document_add_text_run(ws_document *doc, size_t page, ws_rect box,
                                        const char *text);

/* Appends a copy of `r` (its strings copied). */
WS_EXPORT void ws_document_add_record(ws_document *doc, const ws_record *r);
WS_EXPORT size_t ws_document_record_count(const ws_document *doc);
/* Borrowed, valid while the document lives; NULL past the end. */
WS_EXPORT const ws_record *ws_document_record_at(const ws_document *doc, size_t i);

/* ws_alloc_failures() (allocfail.h) when the document was made: a failed
 * allocation since then may have been swallowed by a library while it was
 * typeset or drawn, and the writer does not put such a file in place. */
WS_EXPORT unsigned long ws_document_alloc_failures(const ws_document *doc);
WS_EXPORT size_t ws_document_page_count(const ws_document *doc);
WS_EXPORT void ws_document_page_size(const ws_document *doc, size_t page,
                                     double *width, double *height);
/* Draws every op of `page` onto `cr` (user space in points); text is
 * drawn by Pango. */
WS_EXPORT void ws_document_draw_page(const ws_document *doc, size_t page, cairo_t *cr);
/* The same, with text lines offered to `painter` first (NULL: Pango). */
WS_EXPORT void ws_document_draw_page_with(const ws_document *doc, size_t page, cairo_t *cr,
                                          const ws_text_painter *painter);

WS_EXPORT const ws_document_meta *ws_document_get_meta(const ws_document *doc);
/* Replaces the metadata (strings copied). */
WS_EXPORT void ws_document_set_meta(ws_document *doc, const ws_document_meta *meta);

WS_EXPORT size_t ws_document_text_run_count(const ws_document *doc);
WS_EXPORT const ws_text_run *ws_document_text_run_at(const ws_document *doc, size_t i);

#ifdef __cplusplus
}
#endif
#endif
