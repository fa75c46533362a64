/* Typesetting: layout + group → pages of drawing operations.  See typeset.h. */
#include "typeset.h"

#include <librsvg/rsvg.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "bind.h"
#include "cjk.h"
#include "fasttext.h"
#include "fonts.h"
#include "host.h"
#include "layout-private.h"
#include "plugin.h"
#include "preflight.h"
#include "unbreakable.h"
#include "wslimits.h"

#define PT(units) ((double)(units) / PANGO_SCALE)
#define UNITS(pt) ((int)lround((pt) * PANGO_SCALE))

/* Text that does not fit a box is shrunk in steps of this size (pt). */
#define SHRINK_STEP 0.25

typedef struct ts {
	const ws_layout *l;
	const ws_typeset_env *env;
	ws_diags *diags;
	ws_document *doc;
	ws_value *scope;
	ws_rect frame;       /* content frame of every page, pt */
	size_t page;         /* current page (0-based) */
	double y;            /* flow cursor, pt from the page top */
	bool page_has_flow;  /* something flowed onto the current page */
	bool aborted;        /* a limit was hit: stop placing */
	bool in_cell;        /* laying out a table cell: trade terms never split (unbreakable.h) */
	double tail_need;    /* pt: a keep_with_previous block that must follow the element
	                      * being placed on the same page (0: none) */
} ts;

/* Widow and orphan control for the flow: a paragraph or a table never
 * leaves fewer than this many lines or rows at the foot of a page, nor
 * carries fewer onto the next one, when moving one more would do. */
#define KEEP_LINES 2
#define KEEP_ROWS 2

/* ------------------------------------------------------------ draw ops */

typedef struct text_op {
	PangoLayout *layout; /* owned reference */
	int n;               /* lines drawn */
	int *lines;          /* line indices */
	double *x, *y;       /* pt: line origin at the baseline */
	ws_color color;
} text_op;

static void text_op_draw(cairo_t *cr, void *data)
{
	text_op *op = data;
	cairo_save(cr);
	cairo_set_source_rgba(cr, op->color.r, op->color.g, op->color.b, op->color.a);
	for (int i = 0; i < op->n; i++) {
		PangoLayoutLine *line = pango_layout_get_line_readonly(op->layout, op->lines[i]);
		/* PDF: drawn against a small twin of each font (fasttext.h). */
		if (ws_fasttext_show_line(cr, line, op->x[i], op->y[i]))
			continue;
		cairo_move_to(cr, op->x[i], op->y[i]);
		pango_cairo_show_layout_line(cr, line);
	}
	cairo_restore(cr);
}

static void text_op_free(void *data)
{
	text_op *op = data;
	g_object_unref(op->layout);
	g_free(op->lines);
	g_free(op->x);
	g_free(op->y);
	g_free(op);
}

typedef struct shape_op {
	ws_elem_type type;   /* RECT, LINE or CHECKBOX */
	ws_rect r;           /* rect; for lines (x, y) → (x + width, y + height) */
	ws_color stroke, fill;
	double stroke_width;
	double dash[8];
	int n_dash;
	double radius;
	bool checked;
} shape_op;

static void path_rounded_rect(cairo_t *cr, ws_rect r, double rad)
{
	if (rad <= 0) {
		cairo_rectangle(cr, r.x, r.y, r.width, r.height);
		return;
	}
	rad = MIN(rad, MIN(r.width, r.height) / 2);
	cairo_new_sub_path(cr);
	cairo_arc(cr, r.x + r.width - rad, r.y + rad, rad, -G_PI / 2, 0);
	cairo_arc(cr, r.x + r.width - rad, r.y + r.height - rad, rad, 0, G_PI / 2);
	cairo_arc(cr, r.x + rad, r.y + r.height - rad, rad, G_PI / 2, G_PI);
	cairo_arc(cr, r.x + rad, r.y + rad, rad, G_PI, 3 * G_PI / 2);
	cairo_close_path(cr);
}

static void shape_op_draw(cairo_t *cr, void *data)
{
	shape_op *op = data;
	cairo_save(cr);
	cairo_set_line_width(cr, op->stroke_width);
	if (op->n_dash)
		cairo_set_dash(cr, op->dash, op->n_dash, 0);
	if (op->type == WS_ELEM_LINE) {
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
		cairo_move_to(cr, op->r.x, op->r.y);
		cairo_line_to(cr, op->r.x + op->r.width, op->r.y + op->r.height);
		cairo_set_source_rgba(cr, op->stroke.r, op->stroke.g, op->stroke.b, op->stroke.a);
		cairo_stroke(cr);
	} else {
		path_rounded_rect(cr, op->r, op->radius);
		if (op->fill.a > 0) {
			cairo_set_source_rgba(cr, op->fill.r, op->fill.g, op->fill.b, op->fill.a);
			cairo_fill_preserve(cr);
		}
		if (op->stroke.a > 0 && op->stroke_width > 0) {
			cairo_set_source_rgba(cr, op->stroke.r, op->stroke.g, op->stroke.b, op->stroke.a);
			cairo_stroke(cr);
		}
		cairo_new_path(cr);
		if (op->type == WS_ELEM_CHECKBOX && op->checked) {
			/* A drawn tick, so the box never depends on a font having ✓. */
			ws_rect r = op->r;
			cairo_set_line_width(cr, MAX(op->stroke_width * 1.6, r.width * 0.12));
			cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
			cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
			cairo_move_to(cr, r.x + r.width * 0.2, r.y + r.height * 0.55);
			cairo_line_to(cr, r.x + r.width * 0.42, r.y + r.height * 0.78);
			cairo_line_to(cr, r.x + r.width * 0.82, r.y + r.height * 0.22);
			cairo_set_source_rgba(cr, op->stroke.r, op->stroke.g, op->stroke.b, op->stroke.a);
			cairo_stroke(cr);
		}
	}
	cairo_restore(cr);
}

typedef struct image_op {
	ws_rect box;
	cairo_surface_t *png;   /* owned, or NULL */
	RsvgHandle *svg;        /* owned, or NULL */
	double w, h;            /* intrinsic size */
} image_op;

static void image_op_draw(cairo_t *cr, void *data)
{
	image_op *op = data;
	/* Contain: the whole image, centred, aspect kept. */
	double s = MIN(op->box.width / op->w, op->box.height / op->h);
	double dw = op->w * s, dh = op->h * s;
	double x = op->box.x + (op->box.width - dw) / 2, y = op->box.y + (op->box.height - dh) / 2;
	cairo_save(cr);
	if (op->png) {
		cairo_translate(cr, x, y);
		cairo_scale(cr, s, s);
		cairo_set_source_surface(cr, op->png, 0, 0);
		cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
		cairo_rectangle(cr, 0, 0, op->w, op->h);
		cairo_fill(cr);
	} else if (op->svg) {
		RsvgRectangle vp = {x, y, dw, dh};
		rsvg_handle_render_document(op->svg, cr, &vp, NULL);
	}
	cairo_restore(cr);
}

static void image_op_free(void *data)
{
	image_op *op = data;
	if (op->png)
		cairo_surface_destroy(op->png);
	if (op->svg)
		g_object_unref(op->svg);
	g_free(op);
}

typedef struct plugin_op {
	const ws_element_desc *desc;
	ws_rect box;
	ws_value *props; /* owned */
} plugin_op;

static void plugin_op_draw(cairo_t *cr, void *data)
{
	plugin_op *op = data;
	cairo_save(cr);
	op->desc->draw(op->desc, ws_host_services_get(), cr, op->box, op->props, NULL);
	cairo_restore(cr);
}

static void plugin_op_free(void *data)
{
	plugin_op *op = data;
	ws_value_unref(op->props);
	g_free(op);
}

/* ------------------------------------------------------------ pages */

static bool new_page(ts *t)
{
	if (ws_document_page_count(t->doc) >= WS_LIMIT_PAGES) {
		if (!t->aborted)
			ws_diag_add(t->diags, WS_SEVERITY_ERROR, (ws_loc){t->l->path, 0, 0}, "limit", NULL,
			            "the document would have more than %d pages", WS_LIMIT_PAGES);
		t->aborted = true;
		return false;
	}
	t->page = ws_document_add_page(t->doc, t->l->page_w, t->l->page_h);
	t->y = t->frame.y;
	t->page_has_flow = false;
	ws_bind_set_page(t->scope, t->page + 1, 0);
	return true;
}

static double frame_bottom(const ts *t)
{
	return t->frame.y + t->frame.height;
}

/* Makes room for `h` pt of flow; starts a new page when the current one
 * has flow already and the block does not fit.  A block taller than a
 * whole frame goes on a fresh page anyway (and is reported by the caller). */
static bool ensure_room(ts *t, double h)
{
	if (t->y + h <= frame_bottom(t) + 0.01 || !t->page_has_flow)
		return true;
	return new_page(t);
}

/* ------------------------------------------------------------ text */

static double style_line_pitch(const ts *t, const ws_style *st, double size)
{
	if (st->grid && t->l->grid_lines > 0)
		return t->frame.height / t->l->grid_lines;
	if (st->line_height > 0)
		return st->line_height;
	return (st->line_height_factor > 0 ? st->line_height_factor : 1.4) * size;
}

/* Laid-out paragraphs of constant text, shared by every document typeset
 * with one PangoContext (one engine): labels, headings, notes are set once
 * per batch instead of once per group.  Keyed by every input make_layout()
 * reads (the text, the font, size, width, alignment, indent, line pitch,
 * spacing, the Chinese options), so equal keys give equal layouts whatever
 * element they come from.  A cached layout is never changed after it is
 * made; documents take their own reference to it.  Only text that comes
 * from constant templates is cached, so the cache is bounded by the
 * layouts' constant text; LAYOUT_CACHE_MAX is a guard on top of that. */
#define LAYOUT_CACHE_MAX 4096

static GQuark layout_cache_quark(void)
{
	return g_quark_from_static_string("ws-typeset-layout-cache");
}

/* Cached layouts hold a reference to the context that holds the cache:
 * the owner of the context breaks that cycle before letting it go. */
void ws_typeset_clear_cache(PangoContext *pango)
{
	if (pango)
		g_object_set_qdata(G_OBJECT(pango), layout_cache_quark(), NULL);
}

static GHashTable *layout_cache(ts *t)
{
	GQuark quark = layout_cache_quark();
	GHashTable *c = g_object_get_qdata(G_OBJECT(t->env->pango), quark);
	if (!c) {
		c = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
		g_object_set_qdata_full(G_OBJECT(t->env->pango), quark, c, (GDestroyNotify)g_hash_table_unref);
	}
	return c;
}

static PangoLayout *make_layout_uncached(ts *t, const char *text, const ws_style *st, double size,
                                         double width);

/* Creates a Pango layout for one paragraph in `st` at `size` pt, `width`
 * pt wide (≤ 0: no wrapping), with the Chinese rules applied.  The caller
 * owns a reference.  `constant`: the text comes from a constant template
 * (the same in every group), so the layout may come from, and go to, the
 * cache above. */
static PangoLayout *make_layout(ts *t, const char *text, const ws_style *st, double size,
                                double width, bool constant)
{
	if (!constant)
		return make_layout_uncached(t, text, st, size, width);
	bool grid_em = st->grid && t->l->grid_chars > 0 && width > 0;
	double grid_pitch = st->grid && t->l->grid_chars > 0 ? t->frame.width / t->l->grid_chars : 0;
	/* %a prints doubles exactly; the text goes last (it may hold anything). */
	char *key = g_strdup_printf("%s\x1f%a\x1f%a\x1f%d\x1f%d\x1f%d\x1f%a\x1f%a\x1f%a\x1f%a\x1f%d%d%d%d\x1f%d\x1f%a\x1f%a\x1f%d\x1f%s",
	                            st->font ? st->font : "", size, width, st->weight, st->italic, (int)st->align,
	                            st->indent, st->indent_em, style_line_pitch(t, st, size), st->letter_spacing,
	                            st->cjk.han_latin_space, (int)st->cjk.punct, st->cjk.strict_breaks,
	                            st->cjk.avoid_orphans, grid_em, grid_em ? t->frame.width / t->l->grid_chars : 0.0,
	                            grid_pitch, t->in_cell, text);
	GHashTable *cache = layout_cache(t);
	PangoLayout *lay = g_hash_table_lookup(cache, key);
	if (lay) {
		g_free(key);
		return g_object_ref(lay);
	}
	lay = make_layout_uncached(t, text, st, size, width);
	if (g_hash_table_size(cache) < LAYOUT_CACHE_MAX)
		g_hash_table_insert(cache, key, g_object_ref(lay));
	else
		g_free(key);
	return lay;
}

static PangoLayout *make_layout_uncached(ts *t, const char *text, const ws_style *st, double size,
                                         double width)
{
	PangoLayout *lay = pango_layout_new(t->env->pango);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, st->font ? st->font : "Wenshu Song");
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, (PangoWeight)(st->weight ? st->weight : PANGO_WEIGHT_NORMAL));
	pango_font_description_set_style(fd, st->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(lay, text, -1);
	if (width > 0) {
		pango_layout_set_width(lay, UNITS(width));
		pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	}
	switch (st->align) {
	case WS_ALIGN_CENTER:
		pango_layout_set_alignment(lay, PANGO_ALIGN_CENTER);
		break;
	case WS_ALIGN_RIGHT:
		pango_layout_set_alignment(lay, PANGO_ALIGN_RIGHT);
		break;
	default:
		pango_layout_set_alignment(lay, PANGO_ALIGN_LEFT);
		break;
	}
	/* On the grid an em is one grid cell (156 mm / 28), not the font size:
	 * a 2em indent of 2 × 16 pt would leave 26 cells and lose a character. */
	double em = size;
	if (st->grid && t->l->grid_chars > 0 && width > 0)
		em = floor(t->frame.width / t->l->grid_chars * PANGO_SCALE) / PANGO_SCALE;
	double indent = st->indent + st->indent_em * em;
	if (indent != 0)
		pango_layout_set_indent(lay, UNITS(indent));
	PangoAttrList *attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_language_new(pango_language_from_string("zh-cn")));
	pango_attr_list_insert(attrs, pango_attr_line_height_new_absolute(UNITS(style_line_pitch(t, st, size))));
	if (st->letter_spacing != 0)
		pango_attr_list_insert(attrs, pango_attr_letter_spacing_new(UNITS(st->letter_spacing)));
	ws_unbreakable_attrs(text, attrs, t->in_cell);
	pango_layout_set_attributes(lay, attrs);
	pango_attr_list_unref(attrs);

	ws_cjk_options o = st->cjk;
	o.version = WS_CJK_OPTIONS_VERSION;
	o.justify = st->align == WS_ALIGN_JUSTIFY && width > 0;
	o.distribute = st->align == WS_ALIGN_DISTRIBUTE && width > 0;
	o.grid_pitch = st->grid && t->l->grid_chars > 0 ? t->frame.width / t->l->grid_chars : 0;
	ws_cjk_apply(lay, &o);
	return lay;
}

/* Line metrics of a laid-out paragraph, in pt relative to its top. */
typedef struct line_info {
	double top, height, baseline, x;
} line_info;

static line_info *layout_lines(PangoLayout *lay, int *n_out)
{
	int n = pango_layout_get_line_count(lay);
	line_info *li = g_new0(line_info, n > 0 ? n : 1);
	PangoLayoutIter *it = pango_layout_get_iter(lay);
	int i = 0;
	do {
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		li[i].top = PT(logical.y);
		li[i].height = PT(logical.height);
		li[i].baseline = PT(pango_layout_iter_get_baseline(it));
		li[i].x = PT(logical.x);
		i++;
	} while (i < n && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	*n_out = i;
	return li;
}

/* Where placed text comes from, for the records the preflight checks
 * (document.h): the layout element, the box its lines must stay in, the
 * template, and whether the flow put it there. */
typedef struct place_ctx {
	const char *type;   /* the element's type name */
	ws_loc loc;
	ws_rect limit;      /* pt */
	const char *source; /* template text, or NULL */
	bool flow;
	bool shrunk_out;    /* fit: shrink reached min_size and still overflows */
} place_ctx;

/* The line's logical box without the spaces it ends with: Pango lets
 * trailing white space hang past the wrap width, and it draws nothing. */
static double line_ink_width(PangoLayoutLine *line, const char *text)
{
	PangoRectangle ext;
	pango_layout_line_get_extents(line, NULL, &ext);
	int end = line->start_index + line->length;
	int k = end;
	while (k > line->start_index && (text[k - 1] == ' ' || text[k - 1] == '\t'))
		k--;
	if (k == end || k == line->start_index)
		return PT(ext.width);
	int x0 = 0, x1 = 0;
	pango_layout_line_index_to_x(line, line->start_index, FALSE, &x0);
	pango_layout_line_index_to_x(line, k, FALSE, &x1);
	return PT(ABS(x1 - x0));
}

static void record_line_text(ts *t, PangoLayout *lay, int index, ws_rect box, double baseline,
                             const place_ctx *pc)
{
	PangoLayoutLine *line = pango_layout_get_line_readonly(lay, index);
	const char *text = pango_layout_get_text(lay);
	char *s = g_strndup(text + line->start_index, (gsize)line->length);
	ws_document_add_text_run(t->doc, t->page, box, s);
	if (pc) {
		ws_rect ink = box;
		ink.width = line_ink_width(line, text);
		ws_record r = {
			.kind = WS_RECORD_TEXT,
			.page = t->page,
			.loc = pc->loc,
			.box = ink,
			.limit = pc->limit,
			.flow = pc->flow,
			.shrunk_out = pc->shrunk_out,
			.text = s,
			.source = pc->source,
			.type = pc->type,
			.baseline = baseline,
		};
		ws_document_add_record(t->doc, &r);
		if (pc->flow) {
			r.kind = WS_RECORD_LINE;
			ws_document_add_record(t->doc, &r);
		}
	}
	g_free(s);
}

/* Adds lines [first, last) of `lay` to the current page with the
 * paragraph's top at (x, top). */
static void place_lines(ts *t, PangoLayout *lay, const line_info *li, int first, int last,
                        double x, double top, ws_color color, const place_ctx *pc)
{
	if (last <= first)
		return;
	text_op *op = g_new0(text_op, 1);
	op->layout = g_object_ref(lay);
	ws_fasttext_note_layout(lay);
	op->n = last - first;
	op->lines = g_new(int, op->n);
	op->x = g_new(double, op->n);
	op->y = g_new(double, op->n);
	op->color = color;
	double shift = li[first].top;
	for (int i = first; i < last; i++) {
		int k = i - first;
		op->lines[k] = i;
		op->x[k] = x + li[i].x;
		op->y[k] = top + li[i].baseline - shift;
		PangoRectangle ext;
		pango_layout_line_get_extents(pango_layout_get_line_readonly(lay, i), NULL, &ext);
		record_line_text(t, lay, i,
		                 (ws_rect){x + li[i].x + PT(ext.x), top + li[i].top - shift, PT(ext.width), li[i].height},
		                 op->y[k], pc);
	}
	ws_document_add_op(t->doc, t->page, text_op_draw, op, text_op_free);
}

static char **split_paragraphs(const char *text)
{
	/* Data may carry Windows line ends; a paragraph is a line of text. */
	char *norm = g_strdup(text);
	for (char *p = norm; *p; p++)
		if (*p == '\r')
			*p = p[1] == '\n' ? ' ' : '\n';
	char **paras = g_strsplit(norm, "\n", -1);
	g_free(norm);
	for (char **p = paras; *p; p++)
		g_strchomp(*p);
	return paras;
}

static void check_glyphs(ts *t, const ws_elem *e, PangoLayout *lay)
{
	ws_fonts_check_layout(lay, e->loc, e->text ? ws_template_source(e->text) : NULL, t->diags);
}

/* A set of paragraphs laid out at one size. */
typedef struct para_set {
	int n;
	PangoLayout **lays;
	line_info **lines;
	int *n_lines;
	double height;
} para_set;

static void para_set_free(para_set *ps)
{
	for (int i = 0; i < ps->n; i++) {
		g_object_unref(ps->lays[i]);
		g_free(ps->lines[i]);
	}
	g_free(ps->lays);
	g_free(ps->lines);
	g_free(ps->n_lines);
	memset(ps, 0, sizeof *ps);
}

static void para_set_make(ts *t, para_set *ps, char **paras, const ws_style *st, double size,
                          double width, bool constant)
{
	ps->n = (int)g_strv_length(paras);
	ps->lays = g_new0(PangoLayout *, ps->n);
	ps->lines = g_new0(line_info *, ps->n);
	ps->n_lines = g_new0(int, ps->n);
	ps->height = 0;
	for (int i = 0; i < ps->n; i++) {
		ps->lays[i] = make_layout(t, paras[i], st, size, width, constant);
		ps->lines[i] = layout_lines(ps->lays[i], &ps->n_lines[i]);
		PangoRectangle logical;
		pango_layout_get_extents(ps->lays[i], NULL, &logical);
		ps->height += PT(logical.height);
	}
}

/* The widest line's logical width, pt. */
static double para_set_width(const para_set *ps)
{
	double w = 0;
	for (int i = 0; i < ps->n; i++) {
		PangoRectangle logical;
		pango_layout_get_extents(ps->lays[i], NULL, &logical);
		w = MAX(w, PT(logical.width));
	}
	return w;
}

static void report_overflow(ts *t, const ws_elem *e, ws_severity sev, double over_pt, const char *what)
{
	ws_diag_add(t->diags, sev, e->loc, "overflow", e->text ? ws_template_source(e->text) : NULL,
	            "%s overflows its box by %.1f mm", what, over_pt * 25.4 / 72);
}

/* Text in a fixed box: wrap, shrink or refuse, then align vertically. */
static void place_text_box(ts *t, const ws_elem *e, const char *text, ws_rect box)
{
	const ws_style *st = &e->style;
	char **paras = split_paragraphs(text);
	double size = st->size;
	para_set ps = {0};
	bool constant = e->text && ws_template_is_constant(e->text);
	para_set_make(t, &ps, paras, st, size, box.width, constant);
	bool fixed_h = box.height != WS_AUTO;
	if (fixed_h && st->fit == WS_FIT_SHRINK) {
		double min = st->min_size > 0 ? MIN(st->min_size, size) : size;
		while ((ps.height > box.height + 0.01 || para_set_width(&ps) > box.width + 0.01) &&
		       size - SHRINK_STEP >= min - 1e-9) {
			size -= SHRINK_STEP;
			para_set_free(&ps);
			para_set_make(t, &ps, paras, st, size, box.width, constant);
		}
	}
	place_ctx pc = {e->type_name, e->loc, box, e->text ? ws_template_source(e->text) : NULL, false, false};
	if (!fixed_h)
		pc.limit.height = t->l->page_h - box.y;
	if (fixed_h && ps.height > box.height + 0.01) {
		/* Shrinking is declared for text that must fit (a name, a number):
		 * still too big at min_size is an error, not a warning. */
		ws_severity sev = st->fit == WS_FIT_WRAP ? WS_SEVERITY_WARNING : WS_SEVERITY_ERROR;
		report_overflow(t, e, sev, ps.height - box.height,
		                st->fit == WS_FIT_SHRINK ? "text (shrunk to its minimum size)" : "text");
		pc.shrunk_out = true; /* reported here: the preflight checks only the width */
	}
	double top = box.y;
	if (fixed_h && ps.height < box.height) {
		if (st->valign == WS_VALIGN_MIDDLE)
			top += (box.height - ps.height) / 2;
		else if (st->valign == WS_VALIGN_BOTTOM)
			top += box.height - ps.height;
	}
	for (int i = 0; i < ps.n; i++) {
		check_glyphs(t, e, ps.lays[i]);
		place_lines(t, ps.lays[i], ps.lines[i], 0, ps.n_lines[i], box.x, top, st->color, &pc);
		PangoRectangle logical;
		pango_layout_get_extents(ps.lays[i], NULL, &logical);
		top += PT(logical.height);
	}
	para_set_free(&ps);
	g_strfreev(paras);
}

/* Height of lines [a, b) of a paragraph, pt. */
static double lines_height(const line_info *li, int a, int b)
{
	return b > a ? li[b - 1].top + li[b - 1].height - li[a].top : 0;
}

/* Text in the flow: paragraphs break across pages line by line, never
 * leaving a lone first line at the foot of a page or a lone last line at
 * the head of the next (KEEP_LINES), and the last paragraph hands its last
 * lines to a keep_with_previous block that must follow it (t->tail_need). */
static void place_text_flow(ts *t, const ws_elem *e, const char *text, double x, double width)
{
	const ws_style *st = &e->style;
	bool constant = e->text && ws_template_is_constant(e->text);
	char **paras = split_paragraphs(text);
	place_ctx pc = {e->type_name, e->loc, {x, t->frame.y, width, t->frame.height},
	                e->text ? ws_template_source(e->text) : NULL, true, false};
	for (char **p = paras; *p && !t->aborted; p++) {
		bool last_para = p[1] == NULL;
		PangoLayout *lay = make_layout(t, *p, st, st->size, width, constant);
		check_glyphs(t, e, lay);
		int n;
		line_info *li = layout_lines(lay, &n);
		int first = 0;
		while (first < n && !t->aborted) {
			int last = first;
			while (last < n && t->y + lines_height(li, first, last + 1) <= frame_bottom(t) + 0.01)
				last++;
			if (last == first) {
				if (t->page_has_flow) {
					if (!new_page(t))
						break;
					continue;
				}
				/* A single line taller than the frame: place it and say so. */
				report_overflow(t, e, WS_SEVERITY_WARNING, li[first].height - (frame_bottom(t) - t->y), "a line");
				last = first + 1;
			}
			if (last < n) {
				/* Widow: the next page would start with one lone line. */
				if (n - last < KEEP_LINES && last - first > KEEP_LINES)
					last = n - KEEP_LINES;
				/* Orphan: the paragraph's first line alone at the foot. */
				if (first == 0 && last < KEEP_LINES && n >= KEEP_LINES && t->page_has_flow) {
					if (!new_page(t))
						break;
					continue;
				}
			} else if (last_para && t->tail_need > 0 &&
			           t->y + lines_height(li, first, n) + t->tail_need > frame_bottom(t) + 0.01) {
				/* What must follow does not fit after the last line: the
				 * last lines go over with it, never one alone on either side. */
				int m = n - first, k = MIN(KEEP_LINES, m);
				if (m - k > 0 && m - k < KEEP_LINES && first == 0)
					k = m;
				if (lines_height(li, n - k, n) + t->tail_need <= t->frame.height) {
					if (k == m) {
						if (t->page_has_flow) {
							if (!new_page(t))
								break;
							t->tail_need = 0; /* it fits on the fresh page */
						}
					} else {
						last = n - k;
					}
				}
			}
			place_lines(t, lay, li, first, last, x, t->y, st->color, &pc);
			t->y += lines_height(li, first, last);
			t->page_has_flow = true;
			first = last;
			if (first < n && !new_page(t))
				break;
		}
		g_free(li);
		g_object_unref(lay);
	}
	g_strfreev(paras);
}

/* ------------------------------------------------------------ tables */

typedef struct cell_box {
	PangoLayout **lays;  /* paragraphs */
	line_info **lines;
	int *n_lines;
	int n;
	double height;       /* text height, pt */
	const ws_cell *cell;
	int col;
	double x, width;     /* pt, relative to the table's left */
} cell_box;

typedef struct row_box {
	GArray *cells;       /* of cell_box */
	double height;
	bool header;
} row_box;

static void row_box_free(row_box *r)
{
	for (guint i = 0; i < r->cells->len; i++) {
		cell_box *c = &g_array_index(r->cells, cell_box, i);
		for (int k = 0; k < c->n; k++) {
			g_object_unref(c->lays[k]);
			g_free(c->lines[k]);
		}
		g_free(c->lays);
		g_free(c->lines);
		g_free(c->n_lines);
	}
	g_array_unref(r->cells);
}

static void table_columns(const ws_elem *e, double width, double *cols)
{
	double fixed = 0, fr = 0;
	for (int i = 0; i < e->n_cols; i++) {
		if (e->col_spec[i] >= 0)
			fixed += e->col_spec[i];
		else
			fr += -e->col_spec[i];
	}
	double rest = MAX(0, width - fixed);
	for (int i = 0; i < e->n_cols; i++)
		cols[i] = e->col_spec[i] >= 0 ? e->col_spec[i] : rest * (-e->col_spec[i]) / fr;
}

static bool measure_row(ts *t, const ws_elem *e, const ws_row *row, const double *cols, bool header,
                        row_box *out)
{
	out->cells = g_array_new(FALSE, TRUE, sizeof(cell_box));
	out->header = header;
	out->height = e->min_row_height;
	int col = 0;
	double x = 0;
	for (guint i = 0; i < row->cells->len; i++) {
		const ws_cell *c = g_ptr_array_index(row->cells, i);
		cell_box cb = {0};
		cb.cell = c;
		cb.col = col;
		cb.x = x;
		for (int k = 0; k < c->colspan && col + k < e->n_cols; k++)
			cb.width += cols[col + k];
		col += c->colspan;
		x += cb.width;
		char *text = NULL;
		if (ws_bind_text(c->text, t->scope, &text, t->diags) != WS_OK)
			text = g_strdup("");
		char **paras = split_paragraphs(text);
		cb.n = (int)g_strv_length(paras);
		cb.lays = g_new0(PangoLayout *, cb.n);
		cb.lines = g_new0(line_info *, cb.n);
		cb.n_lines = g_new0(int, cb.n);
		double inner = MAX(1, cb.width - e->padding[1] - e->padding[3]);
		bool constant = c->text && ws_template_is_constant(c->text);
		/* fit: shrink in a cell: a word that breaks only at spaces (a
		 * passport name, an e-mail address) is set smaller, down to
		 * min_size, until every line fits the column. */
		double size = c->style.size;
		double min = c->style.fit == WS_FIT_SHRINK && c->style.min_size > 0 ? MIN(c->style.min_size, size) : size;
		for (;;) {
			double widest = 0;
			t->in_cell = true;
			for (int k = 0; k < cb.n; k++) {
				cb.lays[k] = make_layout(t, paras[k], &c->style, size, inner, constant);
				PangoRectangle logical;
				pango_layout_get_extents(cb.lays[k], NULL, &logical);
				widest = MAX(widest, PT(logical.width));
			}
			t->in_cell = false;
			if (widest <= inner + 0.01 || size - SHRINK_STEP < min - 1e-9)
				break;
			for (int k = 0; k < cb.n; k++)
				g_clear_object(&cb.lays[k]);
			size -= SHRINK_STEP;
		}
		for (int k = 0; k < cb.n; k++) {
			ws_fonts_check_layout(cb.lays[k], c->loc, ws_template_source(c->text), t->diags);
			cb.lines[k] = layout_lines(cb.lays[k], &cb.n_lines[k]);
			PangoRectangle logical;
			pango_layout_get_extents(cb.lays[k], NULL, &logical);
			cb.height += PT(logical.height);
		}
		g_strfreev(paras);
		g_free(text);
		out->height = MAX(out->height, cb.height + e->padding[0] + e->padding[2]);
		g_array_append_val(out->cells, cb);
	}
	return true;
}

static void add_shape(ts *t, ws_elem_type type, ws_rect r, ws_color stroke, ws_color fill, double sw)
{
	shape_op *op = g_new0(shape_op, 1);
	op->type = type;
	op->r = r;
	op->stroke = stroke;
	op->fill = fill;
	op->stroke_width = sw;
	ws_document_add_op(t->doc, t->page, shape_op_draw, op, g_free);
}

static void draw_row(ts *t, const ws_elem *e, const row_box *r, double x0, double y, double width)
{
	bool all = strcmp(e->borders, "all") == 0;
	bool horizontal = strcmp(e->borders, "horizontal") == 0;
	if (r->header && e->fill.a > 0)
		add_shape(t, WS_ELEM_RECT, (ws_rect){x0, y, width, r->height}, (ws_color){0, 0, 0, 0}, e->fill, 0);
	for (guint i = 0; i < r->cells->len; i++) {
		const cell_box *c = &g_array_index(r->cells, cell_box, i);
		const ws_style *st = &c->cell->style;
		double inner_h = r->height - e->padding[0] - e->padding[2];
		double top = y + e->padding[0];
		if (st->valign == WS_VALIGN_MIDDLE)
			top += (inner_h - c->height) / 2;
		else if (st->valign == WS_VALIGN_BOTTOM)
			top += inner_h - c->height;
		place_ctx pc = {"cell", c->cell->loc,
		                {x0 + c->x + e->padding[3], y + e->padding[0],
		                 MAX(1, c->width - e->padding[1] - e->padding[3]), MAX(1, inner_h)},
		                c->cell->text ? ws_template_source(c->cell->text) : NULL, false, false};
		for (int k = 0; k < c->n; k++) {
			place_lines(t, c->lays[k], c->lines[k], 0, c->n_lines[k], x0 + c->x + e->padding[3], top,
			            st->color, &pc);
			PangoRectangle logical;
			pango_layout_get_extents(c->lays[k], NULL, &logical);
			top += PT(logical.height);
		}
		if (all)
			add_shape(t, WS_ELEM_RECT, (ws_rect){x0 + c->x, y, c->width, r->height}, e->stroke,
			          (ws_color){0, 0, 0, 0}, e->stroke_width);
	}
	if (horizontal)
		add_shape(t, WS_ELEM_LINE, (ws_rect){x0, y + r->height, width, 0}, e->stroke, (ws_color){0, 0, 0, 0},
		          e->stroke_width);
	ws_record rec = {.kind = WS_RECORD_ROW, .page = t->page, .loc = e->loc, .type = e->type_name,
	                 .box = {x0, y, width, r->height}, .limit = t->frame, .header = r->header, .flow = true};
	ws_document_add_record(t->doc, &rec);
}

static void outer_border(ts *t, const ws_elem *e, double x, double top, double width, double bottom)
{
	if (strcmp(e->borders, "outer") == 0 && bottom > top)
		add_shape(t, WS_ELEM_RECT, (ws_rect){x, top, width, bottom - top}, e->stroke, (ws_color){0, 0, 0, 0},
		          e->stroke_width);
}

/* A table's rows laid out for a width: header rows, and the body (rows
 * once, or once per item of `each`, then the footer). */
typedef struct table_rows {
	GArray *headers;     /* of row_box */
	GArray *body;        /* of row_box */
	double header_h;     /* pt */
	double *cols;        /* pt, n_cols */
} table_rows;

static void table_rows_free(table_rows *tr)
{
	for (guint i = 0; i < tr->headers->len; i++)
		row_box_free(&g_array_index(tr->headers, row_box, i));
	for (guint i = 0; i < tr->body->len; i++)
		row_box_free(&g_array_index(tr->body, row_box, i));
	g_array_unref(tr->headers);
	g_array_unref(tr->body);
	g_free(tr->cols);
}

static void table_measure(ts *t, const ws_elem *e, double width, table_rows *tr, ws_diags *diags)
{
	ws_diags *save = t->diags;
	t->diags = diags;
	tr->cols = g_new(double, e->n_cols);
	table_columns(e, width, tr->cols);
	tr->headers = g_array_new(FALSE, TRUE, sizeof(row_box));
	for (guint i = 0; i < e->header_rows->len; i++) {
		row_box rb;
		measure_row(t, e, g_ptr_array_index(e->header_rows, i), tr->cols, true, &rb);
		g_array_append_val(tr->headers, rb);
	}
	tr->header_h = 0;
	for (guint i = 0; i < tr->headers->len; i++)
		tr->header_h += g_array_index(tr->headers, row_box, i).height;

	tr->body = g_array_new(FALSE, TRUE, sizeof(row_box));
	ws_value *items = NULL;
	size_t n_items = 1;
	if (e->each) {
		if (ws_bind_list(e->each, t->scope, &items, t->diags) != WS_OK)
			n_items = 0;
		else
			n_items = ws_value_length(items);
	}
	for (size_t k = 0; k < n_items; k++) {
		ws_value *prev = NULL, *prev_loop = NULL;
		if (items) {
			prev = ws_bind_push(t->scope, e->each_as, ws_value_ref(ws_value_list_at(items, k)));
			prev_loop = ws_value_ref(ws_value_map_get(t->scope, "loop"));
			ws_bind_set_loop(t->scope, k, n_items);
		}
		for (guint i = 0; i < e->body_rows->len; i++) {
			row_box rb;
			measure_row(t, e, g_ptr_array_index(e->body_rows, i), tr->cols, false, &rb);
			g_array_append_val(tr->body, rb);
		}
		if (items) {
			ws_bind_restore(t->scope, e->each_as, prev);
			ws_bind_restore(t->scope, "loop", prev_loop);
		}
	}
	ws_value_unref(items);
	for (guint i = 0; i < e->footer_rows->len; i++) {
		row_box rb;
		measure_row(t, e, g_ptr_array_index(e->footer_rows, i), tr->cols, false, &rb);
		g_array_append_val(tr->body, rb);
	}
	t->diags = save;
}

static double rows_height(const GArray *rows, guint a, guint b)
{
	double h = 0;
	for (guint i = a; i < b && i < rows->len; i++)
		h += g_array_index(rows, row_box, i).height;
	return h;
}

/* Height of a table in the flow: whole (`whole`), or its header and the
 * rows that must open it on a page (KEEP_ROWS), pt. */
static double table_flow_height(ts *t, const ws_elem *e, bool whole)
{
	double width = e->width == WS_AUTO ? t->frame.width - e->x_offset : e->width;
	ws_diags *quiet = ws_diags_new(); /* reported when the table is placed */
	table_rows tr;
	table_measure(t, e, width, &tr, quiet);
	double h = tr.header_h + rows_height(tr.body, 0, whole ? tr.body->len : KEEP_ROWS);
	table_rows_free(&tr);
	ws_diags_free(quiet);
	return h;
}

/* The "续表" mark above a repeated header, laid out; NULL when none. */
static PangoLayout *continued_mark(ts *t, const ws_elem *e, double width, double *h)
{
	*h = 0;
	if (!e->continued)
		return NULL;
	char *text = NULL;
	PangoLayout *lay = NULL;
	if (ws_bind_text(e->continued, t->scope, &text, t->diags) == WS_OK && *text) {
		/* Flush right above the header, as Chinese forms mark a table
		 * carried over ("续表"), whatever the header's own alignment. */
		ws_style st = e->header_style;
		st.align = WS_ALIGN_RIGHT;
		lay = make_layout(t, text, &st, st.size, width, ws_template_is_constant(e->continued));
		PangoRectangle logical;
		pango_layout_get_extents(lay, NULL, &logical);
		*h = PT(logical.height);
	}
	g_free(text);
	return lay;
}

/* Page breaks of a table, before any row is drawn: rows never split; a
 * page never opens or ends the table with fewer than KEEP_ROWS rows when
 * moving one more would do; with keep_together the table moves whole when
 * it fits on a page; a keep_with_previous block after the table takes the
 * last rows with it (t->tail_need).  Returns the index of the first row of
 * each page after the first; *fresh: start the table on a new page. */
static GArray *table_plan(ts *t, const ws_elem *e, const table_rows *tr, double cont_h, bool *fresh)
{
	GArray *breaks = g_array_new(FALSE, FALSE, sizeof(guint));
	guint n = tr->body->len;
	double full = t->frame.height - tr->header_h - cont_h; /* room for rows on a continuation page */
	double total = rows_height(tr->body, 0, n);
	double need = tr->header_h + rows_height(tr->body, 0, MIN(KEEP_ROWS, n));
	if (e->keep_together && tr->header_h + total <= t->frame.height)
		need = tr->header_h + total;
	*fresh = t->page_has_flow && t->y + need > frame_bottom(t) + 0.01;
	double room = (*fresh ? t->frame.height : frame_bottom(t) - t->y) - tr->header_h;
	guint start = 0;
	for (guint i = 0; i < n; i++) {
		double h = g_array_index(tr->body, row_box, i).height;
		if (h > room + 0.01 && i > start) {
			g_array_append_val(breaks, i);
			start = i;
			room = full;
		}
		room -= h;
	}
	/* Widow: the last page would hold fewer than KEEP_ROWS rows. */
	if (breaks->len) {
		guint last = g_array_index(breaks, guint, breaks->len - 1);
		guint prev = breaks->len > 1 ? g_array_index(breaks, guint, breaks->len - 2) : 0;
		if (n - last < KEEP_ROWS && last - prev > KEEP_ROWS && n >= KEEP_ROWS)
			g_array_index(breaks, guint, breaks->len - 1) = n - KEEP_ROWS;
	}
	/* What must follow the table does not fit after its last row. */
	if (t->tail_need > 0 && room < t->tail_need - 0.01) {
		guint last = breaks->len ? g_array_index(breaks, guint, breaks->len - 1) : 0;
		guint m = n - last, k = MIN(KEEP_ROWS, m);
		if (m - k > 0 && m - k < KEEP_ROWS)
			k = m;
		if (rows_height(tr->body, n - k, n) + t->tail_need <= full) {
			guint at = n - k;
			if (at > last)
				g_array_append_val(breaks, at);
			else if (!breaks->len)
				*fresh = t->page_has_flow; /* the whole table goes over */
		}
	}
	return breaks;
}

static void place_table(ts *t, const ws_elem *e, double x, double width)
{
	table_rows tr;
	table_measure(t, e, width, &tr, t->diags);
	double cont_h = 0;
	PangoLayout *cont = continued_mark(t, e, width, &cont_h);
	bool fresh = false;
	GArray *breaks = table_plan(t, e, &tr, cont_h, &fresh);
	if (fresh && !new_page(t))
		goto done;
	double top = t->y;
	for (guint h = 0; h < tr.headers->len; h++) {
		row_box *hb = &g_array_index(tr.headers, row_box, h);
		draw_row(t, e, hb, x, t->y, width);
		t->y += hb->height;
	}
	t->page_has_flow = true;
	guint next_break = 0;
	for (guint i = 0; i < tr.body->len && !t->aborted; i++) {
		row_box *rb = &g_array_index(tr.body, row_box, i);
		if (next_break < breaks->len && g_array_index(breaks, guint, next_break) == i) {
			next_break++;
			/* Rows never split: the row moves to the next page under a repeated header. */
			outer_border(t, e, x, top, width, t->y);
			if (!new_page(t))
				break;
			if (cont) {
				int nl;
				line_info *li = layout_lines(cont, &nl);
				place_ctx pc = {e->type_name, e->loc, {x, t->y, width, cont_h}, ws_template_source(e->continued), true, false};
				place_lines(t, cont, li, 0, nl, x, t->y, e->header_style.color, &pc);
				g_free(li);
				t->y += cont_h;
			}
			top = t->y;
			for (guint h = 0; h < tr.headers->len; h++) {
				row_box *hb = &g_array_index(tr.headers, row_box, h);
				draw_row(t, e, hb, x, t->y, width);
				t->y += hb->height;
			}
			t->page_has_flow = true;
		}
		if (t->y + rb->height > frame_bottom(t) + 0.01)
			ws_diag_add(t->diags, WS_SEVERITY_WARNING, e->loc, "overflow", NULL,
			            "a table row is taller than the page (%.1f mm)", rb->height * 25.4 / 72);
		draw_row(t, e, rb, x, t->y, width);
		t->y += rb->height;
	}
	outer_border(t, e, x, top, width, t->y);
done:
	if (cont)
		g_object_unref(cont);
	g_array_unref(breaks);
	table_rows_free(&tr);
}

/* ------------------------------------------------------------ other elements */

/* Draws `e`'s stroke, fill and dash as a shape of `type` (a rect or line
 * element, or a group's frame). */
static void place_shape_as(ts *t, const ws_elem *e, ws_elem_type type, ws_rect r)
{
	shape_op *op = g_new0(shape_op, 1);
	op->type = type;
	op->r = r;
	op->stroke = e->stroke;
	op->fill = e->fill;
	op->stroke_width = e->stroke_width;
	op->radius = e->radius;
	op->n_dash = MIN(e->n_dash, 8);
	for (int i = 0; i < op->n_dash; i++)
		op->dash[i] = e->dash[i];
	ws_document_add_op(t->doc, t->page, shape_op_draw, op, g_free);
	if (e->stroke.a > 0 && e->stroke_width > 0) {
		ws_record rec = {.kind = WS_RECORD_FRAME, .page = t->page, .loc = e->loc, .type = e->type_name, .box = r, .flow = !e->has_box};
		ws_document_add_record(t->doc, &rec);
	}
}

static void place_shape(ts *t, const ws_elem *e, ws_rect r)
{
	place_shape_as(t, e, e->type, r);
}

/* A group's frame: a rect around everything the group placed from record
 * `first` on, one per page it reached, so it grows with its content. */
static void frame_group(ts *t, const ws_elem *e, size_t first)
{
	size_t n = ws_document_record_count(t->doc);
	size_t pages = ws_document_page_count(t->doc);
	for (size_t pg = 0; pg < pages; pg++) {
		double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
		for (size_t i = first; i < n; i++) {
			const ws_record *r = ws_document_record_at(t->doc, i);
			if (r->page != pg || r->kind == WS_RECORD_LINE)
				continue;
			/* a text line counts with its box, not past it: a wrapped
			 * cell's limit may be wider than what it holds */
			x0 = MIN(x0, r->box.x);
			y0 = MIN(y0, r->box.y);
			x1 = MAX(x1, r->box.x + r->box.width);
			y1 = MAX(y1, r->box.y + r->box.height);
		}
		if (x1 < x0)
			continue;
		double p = e->frame_padding;
		ws_rect r = {x0 - p, y0 - p, x1 - x0 + 2 * p, y1 - y0 + 2 * p};
		size_t save = t->page;
		t->page = pg;
		place_shape_as(t, e, WS_ELEM_RECT, r);
		t->page = save;
	}
}

/* A boxed thing drawn whole (image, barcode, checkbox square). */
static void record_box(ts *t, const ws_elem *e, ws_rect r)
{
	ws_record rec = {.kind = WS_RECORD_BOX, .page = t->page, .loc = e->loc, .type = e->type_name, .box = r, .flow = !e->has_box};
	ws_document_add_record(t->doc, &rec);
}

static void place_checkbox(ts *t, const ws_elem *e, ws_rect r)
{
	bool checked = false;
	if (e->checked && ws_bind_condition(e->checked, t->scope, &checked, t->diags) != WS_OK)
		return;
	double side = e->box_size > 0 ? e->box_size : e->style.size * 0.85;
	double pitch = style_line_pitch(t, &e->style, e->style.size);
	double line_h = MAX(side, pitch);
	shape_op *op = g_new0(shape_op, 1);
	op->type = WS_ELEM_CHECKBOX;
	op->r = (ws_rect){r.x, r.y + (line_h - side) / 2, side, side};
	op->stroke = e->stroke;
	op->stroke_width = e->stroke_width;
	op->checked = checked;
	ws_document_add_op(t->doc, t->page, shape_op_draw, op, g_free);
	record_box(t, e, op->r);
	if (e->text) {
		char *label = NULL;
		if (ws_bind_text(e->text, t->scope, &label, t->diags) == WS_OK && *label) {
			double gap = side * 0.6;
			ws_rect lb = {r.x + side + gap, r.y, MAX(1, r.width - side - gap), WS_AUTO};
			/* the label is the checkbox's own text: same location and style */
			place_text_box(t, e, label, lb);
		}
		g_free(label);
	}
}

static double checkbox_height(const ts *t, const ws_elem *e)
{
	double side = e->box_size > 0 ? e->box_size : e->style.size * 0.85;
	return MAX(side, style_line_pitch(t, &e->style, e->style.size));
}

/* In the flow, a label that wraps takes its full height (else the next
 * element is drawn over its second line). */
static double checkbox_flow_height(ts *t, const ws_elem *e, double width)
{
	double h = checkbox_height(t, e);
	char *label = NULL;
	if (e->text && ws_bind_text(e->text, t->scope, &label, t->diags) == WS_OK && *label) {
		double side = e->box_size > 0 ? e->box_size : e->style.size * 0.85;
		char **paras = split_paragraphs(label);
		para_set ps = {0};
		para_set_make(t, &ps, paras, &e->style, e->style.size, MAX(1, width - side * 1.6),
		              ws_template_is_constant(e->text));
		h = MAX(h, ps.height);
		para_set_free(&ps);
		g_strfreev(paras);
	}
	g_free(label);
	return h;
}

static void place_image(ts *t, const ws_elem *e, ws_rect r)
{
	if (!e->src)
		return;
	image_op *op = g_new0(image_op, 1);
	op->box = r;
	if (g_str_has_suffix(e->src, ".svg")) {
		GError *gerr = NULL;
		op->svg = rsvg_handle_new_from_file(e->src, &gerr);
		if (!op->svg) {
			ws_diag_add(t->diags, WS_SEVERITY_ERROR, e->loc, NULL, NULL, "cannot read SVG '%s': %s", e->src,
			            gerr ? gerr->message : "unknown error");
			g_clear_error(&gerr);
			g_free(op);
			return;
		}
		gdouble w = 0, h = 0;
		if (!rsvg_handle_get_intrinsic_size_in_pixels(op->svg, &w, &h) || w <= 0 || h <= 0) {
			w = r.width;
			h = r.height;
		}
		op->w = w;
		op->h = h;
	} else {
		op->png = cairo_image_surface_create_from_png(e->src);
		if (cairo_surface_status(op->png) != CAIRO_STATUS_SUCCESS) {
			ws_diag_add(t->diags, WS_SEVERITY_ERROR, e->loc, NULL, NULL, "cannot read PNG '%s': %s", e->src,
			            cairo_status_to_string(cairo_surface_status(op->png)));
			cairo_surface_destroy(op->png);
			g_free(op);
			return;
		}
		op->w = cairo_image_surface_get_width(op->png);
		op->h = cairo_image_surface_get_height(op->png);
	}
	if (op->w <= 0 || op->h <= 0 || r.width <= 0 || r.height <= 0) {
		image_op_free(op);
		return;
	}
	ws_document_add_op(t->doc, t->page, image_op_draw, op, image_op_free);
	record_box(t, e, r);
}

static void place_plugin(ts *t, const ws_elem *e, ws_rect r)
{
	ws_value *props = ws_value_new_map(e->loc);
	for (guint i = 0; i < e->prop_keys->len; i++) {
		ws_template *tpl = g_ptr_array_index(e->prop_templates, i);
		ws_value *raw = g_ptr_array_index(e->prop_values, i);
		ws_value *v = NULL;
		if (tpl) {
			if (ws_template_eval(tpl, t->scope, &v, t->diags) != WS_OK) {
				ws_value_unref(props);
				return;
			}
		} else {
			v = ws_value_ref(raw);
		}
		ws_value_map_set(props, g_ptr_array_index(e->prop_keys, i), v, ws_value_loc(raw));
	}
	const ws_host_services *host = ws_host_services_get();
	if (e->plugin->check) {
		ws_diags *mine = ws_diags_new();
		e->plugin->check(e->plugin, host, props, mine);
		bool bad = ws_diags_has_errors(mine);
		ws_diags_move(t->diags, mine);
		ws_diags_free(mine);
		if (bad) {
			ws_value_unref(props);
			return;
		}
	}
	plugin_op *op = g_new0(plugin_op, 1);
	op->desc = e->plugin;
	op->box = r;
	op->props = props;
	ws_document_add_op(t->doc, t->page, plugin_op_draw, op, plugin_op_free);
	record_box(t, e, r);
}

/* ------------------------------------------------------------ placement */

static void place_list(ts *t, const GPtrArray *elems, bool absolute_only);
static double list_block_height(ts *t, const GPtrArray *elems);
static double each_block_height(ts *t, const ws_elem *e);

/* Height an element takes in the flow, before placing (0 when unknown). */
static double fixed_flow_height(const ts *t, const ws_elem *e)
{
	switch (e->type) {
	case WS_ELEM_RECT:
	case WS_ELEM_IMAGE:
	case WS_ELEM_PLUGIN:
		return e->height == WS_AUTO ? 0 : e->height;
	case WS_ELEM_LINE:
		return e->stroke_width;
	case WS_ELEM_CHECKBOX:
		return checkbox_height(t, e);
	default:
		return 0;
	}
}

static void place_element(ts *t, const ws_elem *e, bool absolute_only)
{
	if (t->aborted)
		return;
	bool show = true;
	if (ws_bind_condition(e->when, t->scope, &show, t->diags) != WS_OK || !show)
		return;

	if (e->type == WS_ELEM_GROUP) {
		size_t first_record = ws_document_record_count(t->doc);
		if (!e->each) {
			place_list(t, e->children, absolute_only);
			if (e->has_frame)
				frame_group(t, e, first_record);
			return;
		}
		ws_value *items = NULL;
		if (ws_bind_list(e->each, t->scope, &items, t->diags) != WS_OK)
			return;
		size_t n = ws_value_length(items);
		for (size_t k = 0; k < n && !t->aborted; k++) {
			ws_value *prev = ws_bind_push(t->scope, e->each_as, ws_value_ref(ws_value_list_at(items, k)));
			ws_value *prev_loop = ws_value_ref(ws_value_map_get(t->scope, "loop"));
			ws_bind_set_loop(t->scope, k, n);
			/* keep_together on `each`: each item's block (one applicant)
			 * stays on one page when it fits on one. */
			if (e->keep_together && !absolute_only) {
				double need = list_block_height(t, e->children);
				if (need <= t->frame.height)
					ensure_room(t, need);
			}
			place_list(t, e->children, absolute_only);
			ws_bind_restore(t->scope, e->each_as, prev);
			ws_bind_restore(t->scope, "loop", prev_loop);
		}
		ws_value_unref(items);
		if (e->has_frame)
			frame_group(t, e, first_record);
		return;
	}
	if (e->type == WS_ELEM_PAGE_BREAK) {
		if (!absolute_only)
			new_page(t);
		return;
	}
	if (e->type == WS_ELEM_SPACE) {
		if (!absolute_only && t->page_has_flow)
			t->y = MIN(t->y + e->height, frame_bottom(t));
		return;
	}

	bool boxed = e->has_box;
	if (absolute_only && !boxed) {
		ws_diag_add(t->diags, WS_SEVERITY_ERROR, e->loc, NULL, NULL,
		            "elements under every_page need a box (they are drawn at a fixed place on each page)");
		return;
	}
	if (boxed) {
		ws_rect r = e->box;
		switch (e->type) {
		case WS_ELEM_TEXT: {
			char *text = NULL;
			if (ws_bind_text(e->text, t->scope, &text, t->diags) == WS_OK)
				place_text_box(t, e, text, r);
			g_free(text);
			break;
		}
		case WS_ELEM_TABLE: {
			/* A boxed table starts at its box and flows from there. */
			double save_y = t->y;
			size_t save_page = t->page;
			t->y = r.y;
			bool had = t->page_has_flow;
			t->page_has_flow = true;
			place_table(t, e, r.x, r.width);
			if (t->page == save_page) {
				t->y = MAX(save_y, t->y);
				t->page_has_flow = had || t->page_has_flow;
			}
			break;
		}
		case WS_ELEM_LINE:
			place_shape(t, e, (ws_rect){r.x, r.y, e->x2 - r.x, e->y2 - r.y});
			break;
		case WS_ELEM_RECT:
			place_shape(t, e, r);
			break;
		case WS_ELEM_CHECKBOX:
			place_checkbox(t, e, r);
			break;
		case WS_ELEM_IMAGE:
			place_image(t, e, r);
			break;
		case WS_ELEM_PLUGIN:
			place_plugin(t, e, r);
			break;
		default:
			break;
		}
		return;
	}

	/* Flow. */
	double x = t->frame.x + e->x_offset;
	double width = e->width == WS_AUTO ? t->frame.width - e->x_offset : e->width;
	if (width <= 0) {
		ws_diag_add(t->diags, WS_SEVERITY_ERROR, e->loc, NULL, NULL, "the element has no width left in the frame");
		return;
	}
	if (t->page_has_flow)
		t->y += e->space_before;
	switch (e->type) {
	case WS_ELEM_TEXT: {
		char *text = NULL;
		if (ws_bind_text(e->text, t->scope, &text, t->diags) != WS_OK)
			break;
		if (e->height != WS_AUTO) {
			ensure_room(t, e->height);
			place_text_box(t, e, text, (ws_rect){x, t->y, width, e->height});
			t->y += e->height;
			t->page_has_flow = true;
		} else {
			place_text_flow(t, e, text, x, width);
		}
		g_free(text);
		break;
	}
	case WS_ELEM_TABLE:
		place_table(t, e, x, width);
		break;
	default: {
		double h = e->type == WS_ELEM_CHECKBOX ? checkbox_flow_height(t, e, width) : fixed_flow_height(t, e);
		ensure_room(t, h);
		ws_rect r = {x, t->y, width, h};
		if (e->type == WS_ELEM_LINE)
			place_shape(t, e, (ws_rect){x, t->y + h / 2, width, 0});
		else if (e->type == WS_ELEM_CHECKBOX)
			place_checkbox(t, e, r);
		else if (e->type == WS_ELEM_IMAGE)
			place_image(t, e, r);
		else if (e->type == WS_ELEM_PLUGIN)
			place_plugin(t, e, r);
		else
			place_shape(t, e, r);
		t->y += h;
		t->page_has_flow = true;
		break;
	}
	}
	t->y += e->space_after;
}

/* The least room the start of a flow element needs: its first lines, or
 * a table's header and first rows (KEEP_ROWS).  Used to keep a heading
 * with what follows it. */
static double flow_start_height(ts *t, const ws_elem *e)
{
	if (e->has_box)
		return 0;
	switch (e->type) {
	case WS_ELEM_TEXT:
		return style_line_pitch(t, &e->style, e->style.size) * KEEP_LINES;
	case WS_ELEM_TABLE:
		return e->space_before + table_flow_height(t, e, e->keep_together);
	case WS_ELEM_GROUP:
		return e->children->len ? flow_start_height(t, g_ptr_array_index(e->children, 0)) : 0;
	default:
		return fixed_flow_height(t, e);
	}
}

/* The height of a flow text element as it will be set, pt. */
static double flow_text_height(ts *t, const ws_elem *e)
{
	char *text = NULL;
	ws_diags *quiet = ws_diags_new(); /* errors are reported when the element is placed */
	double h = 0;
	if (ws_bind_text(e->text, t->scope, &text, quiet) == WS_OK) {
		double width = e->width == WS_AUTO ? t->frame.width - e->x_offset : e->width;
		char **paras = split_paragraphs(text);
		para_set ps = {0};
		para_set_make(t, &ps, paras, &e->style, e->style.size, width, ws_template_is_constant(e->text));
		h = ps.height;
		para_set_free(&ps);
		g_strfreev(paras);
	}
	g_free(text);
	ws_diags_free(quiet);
	return h;
}

static bool shown(ts *t, const ws_elem *e)
{
	bool show = true;
	ws_diags *quiet = ws_diags_new();
	if (ws_bind_condition(e->when, t->scope, &show, quiet) != WS_OK)
		show = false;
	ws_diags_free(quiet);
	return show;
}

/* The height a flow element takes, for keep_together and
 * keep_with_previous: texts are laid out and tables measured. */
static double flow_block_height(ts *t, const ws_elem *e)
{
	if (e->has_box || !shown(t, e))
		return 0;
	switch (e->type) {
	case WS_ELEM_TEXT:
		return e->space_before + (e->height != WS_AUTO ? e->height : flow_text_height(t, e)) + e->space_after;
	case WS_ELEM_SPACE:
		return e->height;
	case WS_ELEM_TABLE:
		return e->space_before + table_flow_height(t, e, true) + e->space_after;
	case WS_ELEM_GROUP:
		return e->each ? each_block_height(t, e) : list_block_height(t, e->children);
	case WS_ELEM_CHECKBOX: {
		double width = e->width == WS_AUTO ? t->frame.width - e->x_offset : e->width;
		return e->space_before + checkbox_flow_height(t, e, width) + e->space_after;
	}
	default:
		return e->space_before + flow_start_height(t, e) + e->space_after;
	}
}

/* An `each` group's height: its elements once per item. */
static double each_block_height(ts *t, const ws_elem *e)
{
	ws_value *items = NULL;
	ws_diags *quiet = ws_diags_new();
	double h = 0;
	if (ws_bind_list(e->each, t->scope, &items, quiet) == WS_OK) {
		size_t n = ws_value_length(items);
		for (size_t k = 0; k < n; k++) {
			ws_value *prev = ws_bind_push(t->scope, e->each_as, ws_value_ref(ws_value_list_at(items, k)));
			ws_value *prev_loop = ws_value_ref(ws_value_map_get(t->scope, "loop"));
			ws_bind_set_loop(t->scope, k, n);
			h += list_block_height(t, e->children);
			ws_bind_restore(t->scope, e->each_as, prev);
			ws_bind_restore(t->scope, "loop", prev_loop);
		}
	}
	ws_value_unref(items);
	ws_diags_free(quiet);
	return h;
}

static double list_block_height(ts *t, const GPtrArray *elems)
{
	double h = 0;
	for (guint i = 0; i < elems->len; i++)
		h += flow_block_height(t, g_ptr_array_index(elems, i));
	return h;
}

/* The next element of `elems` after i that will be drawn, or NULL;
 * *at: its index. */
static const ws_elem *next_shown(ts *t, const GPtrArray *elems, guint i, guint *at)
{
	for (guint k = i + 1; k < elems->len; k++) {
		const ws_elem *n = g_ptr_array_index(elems, k);
		if (shown(t, n)) {
			*at = k;
			return n;
		}
	}
	return NULL;
}

static void place_list(ts *t, const GPtrArray *elems, bool absolute_only)
{
	for (guint i = 0; i < elems->len && !t->aborted; i++) {
		const ws_elem *e = g_ptr_array_index(elems, i);
		bool flow = !absolute_only && !e->has_box;
		guint next_at = 0;
		const ws_elem *next = flow ? next_shown(t, elems, i, &next_at) : NULL;
		/* keep_with_next: a heading never ends a page; it moves on with
		 * the start of the element after it. */
		if (flow && e->keep_with_next && next && e->type == WS_ELEM_TEXT && e->height == WS_AUTO && shown(t, e)) {
			/* When what follows is itself followed by a block that takes
			 * its last lines along (a declaration and its seal), the
			 * heading goes with all of it. */
			guint after_at = 0;
			const ws_elem *after = next_shown(t, elems, next_at, &after_at);
			double start = after && after->keep_with_previous
			                   ? flow_block_height(t, next) + flow_block_height(t, after)
			                   : flow_start_height(t, next);
			if (start > t->frame.height)
				start = flow_start_height(t, next);
			double need = (t->page_has_flow ? e->space_before : 0) + flow_text_height(t, e) + e->space_after + start;
			if (need <= t->frame.height)
				ensure_room(t, need);
		}
		/* keep_together: a closing formula, the date and the room for the
		 * seal move to the next page together (GB/T 9704: a seal never
		 * stands on a page without text); keep_with_previous implies it. */
		if (flow && (e->keep_together || e->keep_with_previous) && !(e->type == WS_ELEM_GROUP && e->each)) {
			double need = flow_block_height(t, e);
			if (need <= t->frame.height)
				ensure_room(t, need);
		}
		/* keep_with_previous after this element: its last lines or rows
		 * go over with that block rather than leave it alone. */
		double saved_tail = t->tail_need;
		t->tail_need = 0;
		if (next && next->keep_with_previous && !next->has_box) {
			double need = flow_block_height(t, next);
			if (need <= t->frame.height)
				t->tail_need = need;
		}
		place_element(t, e, absolute_only);
		t->tail_need = saved_tail;
	}
}

int ws_typeset(const ws_layout *layout, const ws_value *group, const ws_typeset_env *env,
               ws_document **out, ws_diags *diags)
{
	*out = NULL;
	if (!env || !env->pango)
		return WS_EUSAGE;
	ws_diags *mine = ws_diags_new();
	ws_document_meta meta = {
		.title = layout->title,
		.author = layout->author,
		.subject = layout->subject ? layout->subject : layout->name,
		.keywords = layout->name,
	};
	ts t = {
		.l = layout,
		.env = env,
		.diags = mine,
		.doc = ws_document_new(&meta),
		.frame = ws_layout_frame(layout),
	};
	t.scope = ws_bind_scope_new(group, layout->name, layout->title,
	                            env->doc_date ? env->doc_date : ws_host_today());
	new_page(&t);
	place_list(&t, layout->elements, false);
	size_t n = ws_document_page_count(t.doc);
	for (size_t p = 0; p < n && !t.aborted; p++) {
		t.page = p;
		ws_bind_set_page(t.scope, p + 1, n);
		place_list(&t, layout->every_page, true);
	}
	ws_value_unref(t.scope);
	if (!t.aborted) {
		const ws_value *gid = group ? ws_value_map_get(group, "group_id") : NULL;
		ws_preflight_document(t.doc, t.frame, gid ? ws_value_text(gid) : NULL, mine);
	}
	bool failed = ws_diags_has_errors(mine);
	ws_diags_move(diags, mine);
	ws_diags_free(mine);
	if (failed) {
		ws_document_free(t.doc);
		return WS_EINPUT;
	}
	*out = t.doc;
	return WS_OK;
}
