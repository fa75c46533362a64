/* The typesetter's toolkit, for the element types (core/elements/): the
 * state of one document being set (the flow cursor, the page, the scope
 * templates see) and the operations an element type places itself with —
 * paragraphs of text set with the Chinese rules, lines and boxes, page
 * breaks.  Implemented in typeset.c (pages, the element loop),
 * paragraph.c (text) and shape.c (strokes and fills).  Not installed.
 *
 * Units are pt, origin at the top left of the page. */
#ifndef WS_FLOW_H
#define WS_FLOW_H

#include <glib.h>
#include <pango/pango.h>
#include "bind.h"
#include "document.h"
#include "layout-private.h"
#include "typeset.h"

#define WS_PT(units) ((double)(units) / PANGO_SCALE)
#define WS_UNITS(pt) ((int)lround((pt) * PANGO_SCALE))

struct ws_flow {
	const ws_layout *l;
	const ws_typeset_env *env;
	ws_diags *diags;     /* may be a quiet list while measuring */
	ws_diags *limits;    /* the document's own list: limits are reported here, never lost */
	ws_document *doc;
	ws_value *scope;     /* what templates see (bind.h) */
	ws_rect frame;       /* content frame of every page, pt */
	size_t page;         /* current page (0-based) */
	double y;            /* flow cursor, pt from the page top */
	bool page_has_flow;  /* something flowed onto the current page */
	bool aborted;        /* a limit was hit, or cancelled: stop placing */
	bool cancelled;      /* stopped by ws_cancel_request() (cancel.h) */
	ws_loc at;           /* the element being placed, for errors with no element of their own */
	ws_loc each_at;      /* the outermost `each` being expanded (line 0: none) */
	size_t n_placed;     /* elements placed, each item of `each` counted (WS_LIMIT_ELEMENTS) */
	size_t n_measured;   /* elements measured for keep_* (WS_LIMIT_MEASURED) */
	size_t n_chars;      /* characters laid out (WS_LIMIT_DOCUMENT_CHARS) */
	bool in_cell;        /* laying out a table cell: trade terms never split (unbreakable.h) */
	double tail_need;    /* pt: a keep_with_previous block that must follow the element
	                      * being placed on the same page (0: none) */
};

/* Widow and orphan control for the flow: a paragraph or a table never
 * leaves fewer than this many lines or rows at the foot of a page, nor
 * carries fewer onto the next one, when moving one more would do. */
#define WS_KEEP_LINES 2
#define WS_KEEP_ROWS 2

/* Text that does not fit a box is shrunk in steps of this size (pt). */
#define WS_SHRINK_STEP 0.25

/* ---- Pages and the flow (typeset.c) ---- */

/* Whether placing must stop: a limit was hit (t->aborted) or the user
 * interrupted (ws_cancel_requested(): t->cancelled is set too).  Every
 * typesetting loop polls it, once per element, line, row, item or trial. */
bool ws_flow_stop(ws_flow *t);
/* Counts `n` more elements or table rows against WS_LIMIT_ELEMENTS; false
 * (reported once, at the outermost `each`, else at `at`) when over. */
bool ws_flow_count(ws_flow *t, size_t n, ws_loc at);

/* Starts a new page; false (reported once) past WS_LIMIT_PAGES. */
bool ws_flow_new_page(ws_flow *t);
/* The bottom of the content frame, pt from the page top. */
double ws_flow_frame_bottom(const ws_flow *t);
/* Makes room for `h` pt of flow: a new page when the current one has flow
 * already and `h` does not fit.  A block taller than a whole frame goes on
 * a fresh page anyway (the caller reports it). */
bool ws_flow_ensure_room(ws_flow *t, double h);
/* Places a list of elements (the flow, a group's children, every_page). */
void ws_flow_place_list(ws_flow *t, const GPtrArray *elems, bool absolute_only);
/* The least room the start of `e` needs, and its whole height (element.h);
 * 0 for an element with a box, and (block) for one whose `when` is false. */
double ws_flow_start_height(ws_flow *t, const ws_elem *e);
double ws_flow_block_height(ws_flow *t, const ws_elem *e);
/* The sum of ws_flow_block_height() over a list. */
double ws_flow_list_height(ws_flow *t, const GPtrArray *elems);
/* Whether `e`'s `when` holds (errors are reported when it is placed). */
bool ws_flow_shown(ws_flow *t, const ws_elem *e);
/* Records a thing drawn whole (an image, a barcode, a checkbox square) or
 * a frame, for the preflight (document.h). */
void ws_flow_record_box(ws_flow *t, const ws_elem *e, ws_record_kind kind, ws_rect r);

/* ---- Paragraphs (paragraph.c) ---- */

/* Where a text comes from, for its messages: its style, its template
 * (quoted in an overflow warning) and its place in the layout. */
typedef struct ws_text_src {
	const ws_style *style;
	const ws_template *tpl;  /* may be NULL */
	ws_loc loc;
	const char *type;        /* the element's type name, for the records */
	bool keep_with_next;     /* a heading: its lines' records say so (preflight) */
} ws_text_src;

/* Where placed lines come from, for the records the preflight checks
 * (document.h): the layout element, the box its lines must stay in, the
 * template, and whether the flow put them there. */
typedef struct ws_place_ctx {
	const char *type;   /* the element's type name */
	ws_loc loc;
	ws_rect limit;      /* pt */
	const char *source; /* template text, or NULL */
	bool flow;
	bool shrunk_out;    /* fit: shrink reached min_size and still overflows */
	bool keep_with_next; /* a heading's lines (preflight: never the foot of a page) */
} ws_place_ctx;

/* The line pitch of `st` at `size` pt: the grid's, the style's, or 1.4 em. */
double ws_flow_line_pitch(const ws_flow *t, const ws_style *st, double size);
/* A Pango layout of one paragraph in `st` at `size` pt, `width` pt wide
 * (≤ 0: no wrapping), with the Chinese rules applied.  The caller owns a
 * reference.  `constant`: the text is the same in every group, so the
 * layout may be shared through the engine's cache. */
PangoLayout *ws_flow_make_layout(ws_flow *t, const char *text, const ws_style *st, double size,
                                 double width, bool constant);
/* Line metrics of a laid-out paragraph, pt relative to its top. */
typedef struct ws_line_info {
	double top, height, baseline, x;
} ws_line_info;
/* Caller g_free()s; *n_out lines. */
ws_line_info *ws_flow_layout_lines(PangoLayout *lay, int *n_out);
/* Adds lines [first, last) of `lay` to the current page with the
 * paragraph's top at (x, top), recorded with `pc` when not NULL. */
void ws_flow_place_lines(ws_flow *t, PangoLayout *lay, const ws_line_info *li, int first, int last,
                         double x, double top, ws_color color, const ws_place_ctx *pc);
/* Height of lines [a, b) of a paragraph, pt. */
double ws_flow_lines_height(const ws_line_info *li, int a, int b);
/* Splits text into paragraphs at line ends (CR LF and CR too).  g_strfreev. */
char **ws_flow_split_paragraphs(const char *text);
/* Warns (or errs) that glyphs are missing from every font of the layout. */
void ws_flow_check_glyphs(ws_flow *t, const ws_text_src *src, PangoLayout *lay);
/* "text overflows its box by 2.1 mm", at the source. */
void ws_flow_report_overflow(ws_flow *t, const ws_text_src *src, ws_severity sev, double over_pt,
                             const char *what);

/* A set of paragraphs laid out at one size. */
typedef struct ws_para_set {
	int n;
	PangoLayout **lays;
	ws_line_info **lines;
	int *n_lines;
	double height;       /* pt, all paragraphs */
} ws_para_set;
void ws_para_set_make(ws_flow *t, ws_para_set *ps, char **paras, const ws_style *st, double size,
                      double width, bool constant);
void ws_para_set_free(ws_para_set *ps);
/* The widest line's logical width, pt. */
double ws_para_set_width(const ws_para_set *ps);

/* Text in a fixed box: wrap, shrink or refuse (the style's fit), then align
 * vertically.  box.height may be WS_AUTO. */
void ws_flow_text_box(ws_flow *t, const ws_text_src *src, const char *text, ws_rect box);
/* Text in the flow at (x, cursor), `width` wide: paragraphs break across
 * pages line by line. */
void ws_flow_text_flow(ws_flow *t, const ws_text_src *src, const char *text, double x, double width);

/* ---- Strokes and fills (shape.c) ---- */

typedef enum ws_shape_kind {
	WS_SHAPE_RECT,       /* r, rounded by radius; filled, then stroked */
	WS_SHAPE_LINE,       /* (r.x, r.y) → (r.x + r.width, r.y + r.height) */
	WS_SHAPE_TICK_BOX,   /* a square, with a drawn tick when checked */
} ws_shape_kind;

/* Adds a shape to the current page, drawn with `s` (copied). */
void ws_flow_add_shape(ws_flow *t, ws_shape_kind kind, ws_rect r, const ws_stroke *s, bool checked);
/* The same for an element's own stroke (a rect, a line, a group's frame),
 * recorded as a frame when the stroke is visible. */
void ws_flow_add_elem_shape(ws_flow *t, const ws_elem *e, ws_shape_kind kind, ws_rect r, const ws_stroke *s);

#endif
