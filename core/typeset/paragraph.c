/* Paragraphs: text set with Pango and the Chinese rules (cjk.h), placed
 * line by line on the pages of a document.  See flow.h. */
#include "flow.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "cjk.h"
#include "fonts.h"
#include "unbreakable.h"
#include "wslimits.h"


double ws_flow_line_pitch(const ws_flow *t, const ws_style *st, double size)
{
	if (st->grid && t->l->grid_lines > 0)
		return t->frame.height / t->l->grid_lines;
	if (st->line_height > 0)
		return st->line_height;
	return (st->line_height_factor > 0 ? st->line_height_factor : 1.4) * size;
}

/* Laid-out paragraphs of constant text, shared by every document typeset
 * with one PangoContext (one engine): labels, headings, notes are set once
 * per batch instead of once per group.  Keyed by every input ws_flow_make_layout()
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

static GHashTable *layout_cache(ws_flow *t)
{
	GQuark quark = layout_cache_quark();
	GHashTable *c = g_object_get_qdata(G_OBJECT(t->env->pango), quark);
	if (!c) {
		c = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
		g_object_set_qdata_full(G_OBJECT(t->env->pango), quark, c, (GDestroyNotify)g_hash_table_unref);
	}
	return c;
}

static PangoLayout *make_layout_uncached(ws_flow *t, const char *text, const ws_style *st, double size,
                                         double width);

/* Creates a Pango layout for one paragraph in `st` at `size` pt, `width`
 * pt wide (≤ 0: no wrapping), with the Chinese rules applied.  The caller
 * owns a reference.  `constant`: the text comes from a constant template
 * (the same in every group), so the layout may come from, and go to, the
 * cache above. */
PangoLayout *ws_flow_make_layout(ws_flow *t, const char *text, const ws_style *st, double size,
                                double width, bool constant)
{
	/* The budgets of one group: Pango's time grows with the square of a
	 * paragraph's length (WS_LIMIT_PARAGRAPH_CHARS), and the document's
	 * text adds up (WS_LIMIT_DOCUMENT_CHARS).  Over either, the document
	 * is dropped: the limit is reported once, and what is still asked for
	 * is set empty, so that every caller still gets a layout to free. */
	glong n = g_utf8_strlen(text, -1);
	t->n_chars += (size_t)n;
	if (!t->aborted && t->n_chars > WS_LIMIT_DOCUMENT_CHARS) {
		ws_diag_add(t->limits, WS_SEVERITY_ERROR, t->at, "limit", NULL,
		            "the document lays out more than %d characters of text (measuring included)",
		            WS_LIMIT_DOCUMENT_CHARS);
		t->aborted = true;
	}
	if (!t->aborted && n > WS_LIMIT_PARAGRAPH_CHARS) {
		ws_diag_add(t->limits, WS_SEVERITY_ERROR, t->at, "limit", NULL,
		            "a paragraph of %ld characters is longer than the limit of %d characters (a line end in the "
		            "text starts a new paragraph)", (long)n, WS_LIMIT_PARAGRAPH_CHARS);
		t->aborted = true;
	}
	if (t->aborted)
		return make_layout_uncached(t, "", st, size, width);
	if (!constant)
		return make_layout_uncached(t, text, st, size, width);
	bool grid_em = st->grid && t->l->grid_chars > 0 && width > 0;
	double grid_pitch = st->grid && t->l->grid_chars > 0 ? t->frame.width / t->l->grid_chars : 0;
	/* %a prints doubles exactly; the text goes last (it may hold anything). */
	char *key = g_strdup_printf("%s\x1f%a\x1f%a\x1f%d\x1f%d\x1f%d\x1f%a\x1f%a\x1f%a\x1f%a\x1f%d%d%d%d\x1f%d\x1f%a\x1f%a\x1f%d\x1f%s",
	                            st->font ? st->font : "", size, width, st->weight, st->italic, (int)st->align,
	                            st->indent, st->indent_em, ws_flow_line_pitch(t, st, size), st->letter_spacing,
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

static PangoLayout *make_layout_uncached(ws_flow *t, const char *text, const ws_style *st, double size,
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
		pango_layout_set_width(lay, WS_UNITS(width));
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
		pango_layout_set_indent(lay, WS_UNITS(indent));
	PangoAttrList *attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_language_new(pango_language_from_string("zh-cn")));
	pango_attr_list_insert(attrs, pango_attr_line_height_new_absolute(WS_UNITS(ws_flow_line_pitch(t, st, size))));
	if (st->letter_spacing != 0)
		pango_attr_list_insert(attrs, pango_attr_letter_spacing_new(WS_UNITS(st->letter_spacing)));
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

ws_line_info *ws_flow_layout_lines(PangoLayout *lay, int *n_out)
{
	int n = pango_layout_get_line_count(lay);
	ws_line_info *li = g_new0(ws_line_info, n > 0 ? n : 1);
	PangoLayoutIter *it = pango_layout_get_iter(lay);
	int i = 0;
	do {
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		li[i].top = WS_PT(logical.y);
		li[i].height = WS_PT(logical.height);
		li[i].baseline = WS_PT(pango_layout_iter_get_baseline(it));
		li[i].x = WS_PT(logical.x);
		i++;
	} while (i < n && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	*n_out = i;
	return li;
}

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
		return WS_PT(ext.width);
	int x0 = 0, x1 = 0;
	pango_layout_line_index_to_x(line, line->start_index, FALSE, &x0);
	pango_layout_line_index_to_x(line, k, FALSE, &x1);
	return WS_PT(ABS(x1 - x0));
}

static void record_line_text(ws_flow *t, PangoLayout *lay, int index, ws_rect box, double baseline,
                             const ws_place_ctx *pc)
{
	PangoLayoutLine *line = pango_layout_get_line_readonly(lay, index);
	const char *text = pango_layout_get_text(lay);
	char *s = g_strndup(text + line->start_index, (gsize)line->length);
	/* The break points cjk.c adds (U+200B, U+2060) are not the user's text. */
	char *w = s, *q = s;
	while (*q) {
		if (g_str_has_prefix(q, "\u200B") || g_str_has_prefix(q, "\u2060"))
			q += 3;
		else
			*w++ = *q++;
	}
	*w = '\0';
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
			.keep_with_next = pc->keep_with_next,
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
void ws_flow_place_lines(ws_flow *t, PangoLayout *lay, const ws_line_info *li, int first, int last,
                         double x, double top, ws_color color, const ws_place_ctx *pc)
{
	if (last <= first)
		return;
	int n = last - first;
	int *lines = g_new(int, n);
	double *xs = g_new(double, n), *ys = g_new(double, n);
	double shift = li[first].top;
	for (int i = first; i < last; i++) {
		int k = i - first;
		lines[k] = i;
		xs[k] = x + li[i].x;
		ys[k] = top + li[i].baseline - shift;
		PangoRectangle ext;
		pango_layout_line_get_extents(pango_layout_get_line_readonly(lay, i), NULL, &ext);
		record_line_text(t, lay, i,
		                 (ws_rect){x + li[i].x + WS_PT(ext.x), top + li[i].top - shift, WS_PT(ext.width), li[i].height},
		                 ys[k], pc);
	}
	/* A typed text op: the output decides how its lines are painted. */
	ws_document_add_text(t->doc, t->page, lay, n, lines, xs, ys, color);
	g_free(lines);
	g_free(xs);
	g_free(ys);
}

char **ws_flow_split_paragraphs(const char *text)
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

void ws_flow_check_glyphs(ws_flow *t, const ws_text_src *src, PangoLayout *lay)
{
	ws_fonts_check_layout(lay, src->loc, src->tpl ? ws_template_source(src->tpl) : NULL, t->diags);
}

void ws_para_set_free(ws_para_set *ps)
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

void ws_para_set_make(ws_flow *t, ws_para_set *ps, char **paras, const ws_style *st, double size,
                          double width, bool constant)
{
	ps->n = (int)g_strv_length(paras);
	ps->lays = g_new0(PangoLayout *, ps->n);
	ps->lines = g_new0(ws_line_info *, ps->n);
	ps->n_lines = g_new0(int, ps->n);
	ps->height = 0;
	for (int i = 0; i < ps->n; i++) {
		/* Interrupted or over a limit: the rest is set empty (and never
		 * placed: the document is dropped). */
		ps->lays[i] = ws_flow_make_layout(t, ws_flow_stop(t) ? "" : paras[i], st, size, width, constant);
		ps->lines[i] = ws_flow_layout_lines(ps->lays[i], &ps->n_lines[i]);
		PangoRectangle logical;
		pango_layout_get_extents(ps->lays[i], NULL, &logical);
		ps->height += WS_PT(logical.height);
	}
}

/* The widest line's logical width, pt. */
double ws_para_set_width(const ws_para_set *ps)
{
	double w = 0;
	for (int i = 0; i < ps->n; i++) {
		PangoRectangle logical;
		pango_layout_get_extents(ps->lays[i], NULL, &logical);
		w = MAX(w, WS_PT(logical.width));
	}
	return w;
}

void ws_flow_report_overflow(ws_flow *t, const ws_text_src *src, ws_severity sev, double over_pt,
                             const char *what)
{
	ws_diag_add(t->diags, sev, src->loc, "overflow", src->tpl ? ws_template_source(src->tpl) : NULL,
	            "%s overflows its box by %.1f mm", what, over_pt * 25.4 / 72);
}

/* Text that cannot fit its box is not laid out whole.  Pango's time grows
 * with the square of a paragraph's length (WS_LIMIT_PARAGRAPH_CHARS), and
 * 700 000 characters in a 20 × 10 mm box would take minutes to be told
 * they overflow.  Text longer than twice what the box could hold at its
 * smallest size (every line full of glyphs a tenth of an em wide), and at
 * least PROBE_MIN_CHARS, is first laid out in prefixes of that length,
 * doubled while they fit, paragraph
 * by paragraph, only until the lines that are final (all but the last of
 * a cut prefix) are taller than the box: then the whole text cannot fit,
 * and that is said without laying out the rest.  Shorter text takes the
 * ordinary path, and its overflow is measured exactly. */
#define PROBE_MIN_CHARS 512

static double box_capacity(ws_flow *t, const ws_style *st, double size, ws_rect box, double h)
{
	double lines = floor(h / MAX(ws_flow_line_pitch(t, st, size), 0.01)) + 1;
	double per_line = box.width > 0 ? floor(box.width / (0.1 * size)) + 1 : WS_LIMIT_PARAGRAPH_CHARS;
	return lines * per_line;
}

/* False when the text is certain to be taller than `h` pt at `size`, or
 * wider than `width`. */
static bool text_may_fit(ws_flow *t, char **paras, const ws_style *st, double size, double width, double h,
                         glong probe)
{
	double used = 0;
	for (char **p = paras; *p && !ws_flow_stop(t); p++) {
		glong len = g_utf8_strlen(*p, -1);
		glong take = MIN(len, probe);
		for (;;) {
			char *cut = g_strndup(*p, (gsize)(g_utf8_offset_to_pointer(*p, take) - *p));
			PangoLayout *lay = ws_flow_make_layout(t, cut, st, size, width, false);
			g_free(cut);
			int n;
			ws_line_info *li = ws_flow_layout_lines(lay, &n);
			/* The last line of a cut prefix may still change. */
			int final = take < len ? MAX(n - 1, 0) : n;
			double hh = ws_flow_lines_height(li, 0, final);
			PangoRectangle logical;
			pango_layout_get_extents(lay, NULL, &logical);
			if (take == len)
				hh = WS_PT(logical.height);
			g_free(li);
			g_object_unref(lay);
			/* A run that never breaks (a data word, unbreakable.h) only
			 * grows wider with more text. */
			if (used + hh > h + 0.01 || (width > 0 && WS_PT(logical.width) > width + 0.01))
				return false;
			if (take == len || take >= WS_LIMIT_PARAGRAPH_CHARS || ws_flow_stop(t)) {
				used += hh;
				break;
			}
			take = MIN(len, take * 2);
		}
	}
	return true;
}

/* Whether a set of paragraphs fits a box. */
static bool para_set_fits(const ws_para_set *ps, ws_rect box)
{
	return ps->height <= box.height + 0.01 && ws_para_set_width(ps) <= box.width + 0.01;
}

/* Most layouts `fit: shrink` tries for one text: a binary search over the
 * sizes from the style's down to min_size in WS_SHRINK_STEP steps (72 pt
 * to 1 pt is 284 steps, 9 trials). */
#define SHRINK_MAX_TRIALS 12

/* Text in a fixed box: wrap, shrink or refuse, then align vertically. */
void ws_flow_text_box(ws_flow *t, const ws_text_src *src, const char *text, ws_rect box)
{
	const ws_style *st = src->style;
	char **paras = ws_flow_split_paragraphs(text);
	double size = st->size;
	bool fixed_h = box.height != WS_AUTO;
	bool shrink = fixed_h && st->fit == WS_FIT_SHRINK;
	double min = shrink && st->min_size > 0 ? MIN(st->min_size, size) : size;
	/* An auto height still ends at the foot of the page. */
	double room = fixed_h ? box.height : t->l->page_h - box.y;
	glong n_chars = g_utf8_strlen(text, -1);
	double probe = MAX(PROBE_MIN_CHARS, 2 * box_capacity(t, st, min, box, room));
	if (n_chars > probe && !text_may_fit(t, paras, st, min, box.width, room, (glong)MIN(probe, WS_LIMIT_PARAGRAPH_CHARS))) {
		if (!t->aborted)
			ws_diag_add(t->diags, WS_SEVERITY_ERROR, src->loc, "overflow", src->tpl ? ws_template_source(src->tpl) : NULL,
			            "text of %ld characters cannot fit a %.0f × %.0f mm box", (long)n_chars, box.width * 25.4 / 72,
			            room * 25.4 / 72);
		g_strfreev(paras);
		return;
	}
	ws_para_set ps = {0};
	bool constant = src->tpl && ws_template_is_constant(src->tpl);
	ws_para_set_make(t, &ps, paras, st, size, box.width, constant);
	if (shrink && !para_set_fits(&ps, box) && !ws_flow_stop(t)) {
		/* The largest size on the WS_SHRINK_STEP grid below the style's
		 * that fits.  Invariant: `lo` steps down does not fit; `hi` steps
		 * down fits, or is min_size when nothing does.  min_size is tried
		 * first: when even that does not fit, it is the answer at once. */
		int lo = 0, hi = (int)floor((size - min) / WS_SHRINK_STEP + 1e-9);
		if (hi > 0) {
			ws_para_set_free(&ps);
			ws_para_set_make(t, &ps, paras, st, size - hi * WS_SHRINK_STEP, box.width, constant);
			int made = hi, trials = 1;
			if (para_set_fits(&ps, box)) {
				while (hi - lo > 1 && trials < SHRINK_MAX_TRIALS && !ws_flow_stop(t)) {
					int mid = lo + (hi - lo) / 2;
					ws_para_set_free(&ps);
					ws_para_set_make(t, &ps, paras, st, size - mid * WS_SHRINK_STEP, box.width, constant);
					made = mid;
					trials++;
					if (para_set_fits(&ps, box))
						hi = mid;
					else
						lo = mid;
				}
			}
			if (made != hi) {
				ws_para_set_free(&ps);
				ws_para_set_make(t, &ps, paras, st, size - hi * WS_SHRINK_STEP, box.width, constant);
			}
		}
		size -= hi * WS_SHRINK_STEP;
	}
	if (ws_flow_stop(t)) {
		ws_para_set_free(&ps);
		g_strfreev(paras);
		return;
	}
	ws_place_ctx pc = {src->type, src->loc, box, src->tpl ? ws_template_source(src->tpl) : NULL, false, false, false};
	if (!fixed_h)
		pc.limit.height = t->l->page_h - box.y;
	if (fixed_h && ps.height > box.height + 0.01) {
		/* Shrinking is declared for text that must fit (a name, a number):
		 * still too big at min_size is an error, not a warning. */
		ws_severity sev = st->fit == WS_FIT_WRAP ? WS_SEVERITY_WARNING : WS_SEVERITY_ERROR;
		ws_flow_report_overflow(t, src, sev, ps.height - box.height,
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
		ws_flow_check_glyphs(t, src, ps.lays[i]);
		ws_flow_place_lines(t, ps.lays[i], ps.lines[i], 0, ps.n_lines[i], box.x, top, st->color, &pc);
		PangoRectangle logical;
		pango_layout_get_extents(ps.lays[i], NULL, &logical);
		top += WS_PT(logical.height);
	}
	ws_para_set_free(&ps);
	g_strfreev(paras);
}

double ws_flow_lines_height(const ws_line_info *li, int a, int b)
{
	return b > a ? li[b - 1].top + li[b - 1].height - li[a].top : 0;
}

/* Text in the flow: paragraphs break across pages line by line, never
 * leaving a lone first line at the foot of a page or a lone last line at
 * the head of the next (WS_KEEP_LINES), and the last paragraph hands its last
 * lines to a keep_with_previous block that must follow it (t->tail_need). */
void ws_flow_text_flow(ws_flow *t, const ws_text_src *src, const char *text, double x, double width)
{
	const ws_style *st = src->style;
	bool constant = src->tpl && ws_template_is_constant(src->tpl);
	char **paras = ws_flow_split_paragraphs(text);
	ws_place_ctx pc = {src->type, src->loc, {x, t->frame.y, width, t->frame.height},
	                src->tpl ? ws_template_source(src->tpl) : NULL, true, false, src->keep_with_next};
	for (char **p = paras; *p && !ws_flow_stop(t); p++) {
		bool last_para = p[1] == NULL;
		PangoLayout *lay = ws_flow_make_layout(t, *p, st, st->size, width, constant);
		ws_flow_check_glyphs(t, src, lay);
		int n;
		ws_line_info *li = ws_flow_layout_lines(lay, &n);
		int first = 0;
		while (first < n && !ws_flow_stop(t)) {
			int last = first;
			while (last < n && t->y + ws_flow_lines_height(li, first, last + 1) <= ws_flow_frame_bottom(t) + 0.01)
				last++;
			if (last == first) {
				if (t->page_has_flow) {
					if (!ws_flow_new_page(t))
						break;
					continue;
				}
				/* A single line taller than the frame: place it and say so. */
				ws_flow_report_overflow(t, src, WS_SEVERITY_WARNING, li[first].height - (ws_flow_frame_bottom(t) - t->y), "a line");
				last = first + 1;
			}
			if (last < n) {
				/* Widow: the next page would start with one lone line. */
				if (n - last < WS_KEEP_LINES && last - first > WS_KEEP_LINES)
					last = n - WS_KEEP_LINES;
				/* Orphan: the paragraph's first line alone at the foot. */
				if (first == 0 && last < WS_KEEP_LINES && n >= WS_KEEP_LINES && t->page_has_flow) {
					if (!ws_flow_new_page(t))
						break;
					continue;
				}
			} else if (last_para && t->tail_need > 0 &&
			           t->y + ws_flow_lines_height(li, first, n) + t->tail_need > ws_flow_frame_bottom(t) + 0.01) {
				/* What must follow does not fit after the last line: the
				 * last lines go over with it, never one alone on either side. */
				int m = n - first, k = MIN(WS_KEEP_LINES, m);
				if (m - k > 0 && m - k < WS_KEEP_LINES && first == 0)
					k = m;
				if (ws_flow_lines_height(li, n - k, n) + t->tail_need <= t->frame.height) {
					if (k == m) {
						if (t->page_has_flow) {
							if (!ws_flow_new_page(t))
								break;
							t->tail_need = 0; /* it fits on the fresh page */
						}
					} else {
						last = n - k;
					}
				}
			}
			ws_flow_place_lines(t, lay, li, first, last, x, t->y, st->color, &pc);
			t->y += ws_flow_lines_height(li, first, last);
			t->page_has_flow = true;
			first = last;
			if (first < n && !ws_flow_new_page(t))
				break;
		}
		g_free(li);
		g_object_unref(lay);
	}
	g_strfreev(paras);
}

