/* The PDF line painter: text drawn against the font twins (see pdf-text.h
 * and twins.h). */
#include "pdf-text.h"

#include <cairo-pdf.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <stdint.h>

#include "twins-private.h"

static bool run_in_set(const PangoGlyphString *glyphs, const hb_set_t *set)
{
	for (int i = 0; i < glyphs->num_glyphs; i++) {
		PangoGlyph g = glyphs->glyphs[i].glyph;
		if (ws__twin_glyph_drawable(g) && !hb_set_has(set, g))
			return false;
	}
	return true;
}

/* The scaled font to draw `font` with: a twin's, or Pango's own when the
 * face has no twin.  Borrowed.  NULL when neither is usable.  *map: NULL,
 * or how to renumber the glyphs for the (dense) twin. */
static cairo_scaled_font_t *run_font(ws_twins *t, PangoFont *font, PangoGlyphString *glyphs, const hb_map_t **map)
{
	*map = NULL;
	cairo_scaled_font_t *psf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
	if (!psf || cairo_scaled_font_status(psf) != CAIRO_STATUS_SUCCESS)
		return NULL;
	ft_font *f = ws__twins_font(t, font);
	if (!f || !f->entry->cff || f->entry->broken)
		return psf;
	ft_entry *e = f->entry;
	/* A run drawn without having been noted may hold other glyphs: the
	 * retained twin takes it. */
	if (e->use_dense && run_in_set(glyphs, e->dense_set)) {
		if (!f->dense_sf)
			f->dense_sf = ws__twin_scaled_font(font, psf, e->dense);
		if (f->dense_sf) {
			*map = e->dense_map;
			return f->dense_sf;
		}
		e->dense_failed = true;
		e->use_dense = false;
	}
	/* Glyphs typeset without a note (or never typeset here) join now;
	 * normally everything was noted before drawing began.  Only new ones
	 * are added: an add changes the set even when the glyph is in it, and
	 * a changed set counts its population again (below). */
	for (int i = 0; i < glyphs->num_glyphs; i++) {
		PangoGlyph g = glyphs->glyphs[i].glyph;
		if (ws__twin_glyph_drawable(g) && !hb_set_has(e->wanted, g))
			hb_set_add(e->wanted, g);
	}
	ws__twins_merge_expected(t, e);
	/* `have` is always within `wanted` (a build takes all of `wanted`, a
	 * saved twin's glyphs join it), so the two are equal when their
	 * populations are; HarfBuzz keeps a set's population until the set
	 * changes, where hb_set_is_equal() walked both sets for every run
	 * (5 800 instructions a run, ~0.5 M a bench document). */
	if (!e->cur || hb_set_get_population(e->wanted) != hb_set_get_population(e->have)) {
		if (!ws__twin_rebuild(t, e)) {
			e->broken = true;
			return psf;
		}
	}
	if (f->sf && f->serial == e->serial)
		return f->sf;
	cairo_scaled_font_t *sf = ws__twin_scaled_font(font, psf, e->cur);
	if (!sf) {
		e->broken = true;
		return psf;
	}
	if (f->sf)
		cairo_scaled_font_destroy(f->sf);
	f->sf = sf;
	f->serial = e->serial;
	return sf;
}


/* Attributes that make Pango's renderer draw more than glyphs (colours,
 * decorations, shapes): lines carrying them are left to Pango. */
static bool run_plain(const PangoGlyphItem *run)
{
	if (run->item->analysis.flags & PANGO_ANALYSIS_FLAG_CENTERED_BASELINE)
		return false;
	for (GSList *a = run->item->analysis.extra_attrs; a; a = a->next) {
		switch (((PangoAttribute *)a->data)->klass->type) {
		case PANGO_ATTR_FOREGROUND:
		case PANGO_ATTR_BACKGROUND:
		case PANGO_ATTR_UNDERLINE:
		case PANGO_ATTR_UNDERLINE_COLOR:
		case PANGO_ATTR_STRIKETHROUGH:
		case PANGO_ATTR_STRIKETHROUGH_COLOR:
		case PANGO_ATTR_OVERLINE:
		case PANGO_ATTR_OVERLINE_COLOR:
		case PANGO_ATTR_SHAPE:
		case PANGO_ATTR_FOREGROUND_ALPHA:
		case PANGO_ATTR_BACKGROUND_ALPHA:
			return false;
		default:
			break;
		}
	}
	return true;
}

/* A cluster drawn with no glyph whose characters are all format
 * characters (U+200B ZERO WIDTH SPACE, U+2060 WORD JOINER, U+200D, U+FEFF,
 * a soft hyphen where the line does not break): the break points
 * ws_cjk_apply() leaves at line ends are such clusters.  Cairo writes a
 * cluster of no glyph as a /Span with an /ActualText and nothing in it;
 * pdftotext skips those, but other readers' copy and screen readers get
 * a stray U+200B or an empty span.  Nothing visible is lost by leaving
 * them out of the PDF's text. */
static bool invisible_text(const char *s, int len)
{
	if (len <= 0)
		return false;
	for (const char *p = s; p < s + len; p = g_utf8_next_char(p))
		if (g_unichar_type(g_utf8_get_char(p)) != G_UNICODE_FORMAT)
			return false;
	return true;
}

/* Glyphs waiting to be shown with one scaled font.  A justified line of
 * Latin text is one Pango run per letter (each letter carries its own
 * letter spacing, cjk.c), and every cairo_show_text_glyphs() is one more
 * operation that the PDF surface records, replays and adds to the page's
 * region at cairo_show_page(): the bench page drew 230 runs in 230 calls.
 * Consecutive forward runs drawn with the same scaled font go out in one
 * call instead (51 calls on that page): the same glyphs at the same
 * positions, the same clusters in the same order; Cairo had written those
 * calls into one TJ anyway, and the PDF's bytes do not change. */
typedef struct pending {
	cairo_scaled_font_t *sf; /* a reference, or NULL: nothing waiting */
	GArray *glyphs;          /* of cairo_glyph_t */
	GArray *clusters;        /* of cairo_text_cluster_t */
	GString *text;           /* the clusters' text, run after run */
} pending;

static void pending_flush(pending *pd, cairo_t *cr, cairo_text_cluster_flags_t flags)
{
	if (!pd->sf)
		return;
	cairo_save(cr);
	cairo_set_scaled_font(cr, pd->sf);
	cairo_show_text_glyphs(cr, pd->text->str, (int)pd->text->len, (cairo_glyph_t *)(void *)pd->glyphs->data,
	                       (int)pd->glyphs->len, (cairo_text_cluster_t *)(void *)pd->clusters->data,
	                       (int)pd->clusters->len, flags);
	cairo_restore(cr);
	cairo_scaled_font_destroy(pd->sf);
	pd->sf = NULL;
	g_array_set_size(pd->glyphs, 0);
	g_array_set_size(pd->clusters, 0);
	g_string_truncate(pd->text, 0);
}

/* One glyph run at (base_x, base_y), as Pango's cairo renderer draws it
 * (pangocairo-render.c, draw_glyph_item and show_text_glyphs of Pango
 * 1.50): the same positions, the same cluster table.  Added to `pd` when
 * it goes with what waits there; a backward run is shown on its own. */
static void show_run(ws_twins *t, cairo_t *cr, pending *pd, const char *text, PangoGlyphItem *run,
                     double base_x, double base_y)
{
	PangoGlyphString *glyphs = run->glyphs;
	PangoFont *font = run->item->analysis.font;
	bool unknown = false;
	for (int i = 0; i < glyphs->num_glyphs; i++) {
		PangoGlyph g = glyphs->glyphs[i].glyph;
		if (g != PANGO_GLYPH_EMPTY && (g & PANGO_GLYPH_UNKNOWN_FLAG) &&
		    g != (0x20 | PANGO_GLYPH_UNKNOWN_FLAG))
			unknown = true;
	}
	cairo_scaled_font_t *sf = NULL;
	const hb_map_t *map = NULL;
	if (!unknown && font && PANGO_IS_CAIRO_FONT(font))
		sf = run_font(t, font, glyphs, &map);
	bool backward = (run->item->analysis.level & 1) != 0;
	if (!sf || backward || sf != pd->sf)
		pending_flush(pd, cr, 0);
	if (!sf) {
		/* Hex boxes and odd fonts: Pango's renderer, same origin. */
		cairo_move_to(cr, base_x, base_y);
		pango_cairo_show_glyph_item(cr, text, run);
		return;
	}
	if (!pd->sf)
		pd->sf = cairo_scaled_font_reference(sf);

	guint count = pd->glyphs->len;
	g_array_set_size(pd->glyphs, count + (guint)glyphs->num_glyphs);
	cairo_glyph_t *cg = (cairo_glyph_t *)(void *)pd->glyphs->data;
	/* Pango units (1/1024 pt) summed over the run: a very long unbroken
	 * line passes INT_MAX (about 2.1 million pt), which in an int was
	 * signed overflow and wrapped glyph positions. */
	int64_t x_position = 0;
	for (int i = 0; i < glyphs->num_glyphs; i++) {
		PangoGlyphInfo *gi = &glyphs->glyphs[i];
		if (ws__twin_glyph_drawable(gi->glyph)) {
			cg[count].index = map ? hb_map_get(map, gi->glyph) : gi->glyph;
			cg[count].x = base_x + (double)(x_position + gi->geometry.x_offset) / PANGO_SCALE;
			cg[count].y = gi->geometry.y_offset == 0
			                      ? base_y
			                      : base_y + (double)(gi->geometry.y_offset) / PANGO_SCALE;
			count++;
		}
		x_position += gi->geometry.width;
	}
	g_array_set_size(pd->glyphs, count);

	const char *run_text = text + run->item->offset;
	int run_len = run->item->length;
	/* Bytes of run_text left out of the PDF's text (NULL: none). */
	bool *dropped = NULL;
	PangoGlyphItemIter it;
	if (pango_glyph_item_iter_init_start(&it, run, text)) {
		do {
			int num_bytes = it.end_index - it.start_index;
			int num_glyphs = backward ? it.start_glyph - it.end_glyph : it.end_glyph - it.start_glyph;
			for (int i = MIN(it.start_glyph, it.end_glyph + 1); i < MAX(it.start_glyph + 1, it.end_glyph); i++)
				if (!ws__twin_glyph_drawable(glyphs->glyphs[i].glyph))
					num_glyphs--;
			if (num_glyphs == 0 && invisible_text(text + it.start_index, num_bytes)) {
				if (!dropped)
					dropped = g_new0(bool, run_len > 0 ? run_len : 1);
				for (int b = 0; b < num_bytes; b++)
					dropped[it.start_index - run->item->offset + b] = true;
				continue;
			}
			cairo_text_cluster_t c = {num_bytes, num_glyphs};
			g_array_append_val(pd->clusters, c);
		} while (pango_glyph_item_iter_next_cluster(&it));
	}
	/* The run's text without the dropped clusters, in logical order: the
	 * kept clusters cover it in the same order as before (backward runs
	 * are read from the end either way). */
	if (dropped) {
		for (int b = 0; b < run_len; b++)
			if (!dropped[b])
				g_string_append_c(pd->text, run_text[b]);
	} else {
		g_string_append_len(pd->text, run_text, run_len);
	}
	g_free(dropped);
	if (backward)
		pending_flush(pd, cr, CAIRO_TEXT_CLUSTER_FLAG_BACKWARD);
}

/* The byte ranges (absolute, ascending; pairs in *out) of the clusters
 * of `run` that Pango's renderer would write as empty /ActualText spans:
 * no glyph but PANGO_GLYPH_EMPTY (the glyphs pangocairo leaves out of a
 * cluster's count) and only format characters.  Returns the number of
 * ranges. */
static int empty_clusters(const char *text, PangoGlyphItem *run, GArray *out)
{
	int n = 0;
	PangoGlyphItemIter it;
	if (!pango_glyph_item_iter_init_start(&it, run, text))
		return 0;
	do {
		bool glyphless = true;
		for (int i = MIN(it.start_glyph, it.end_glyph + 1); i < MAX(it.start_glyph + 1, it.end_glyph); i++)
			if (run->glyphs->glyphs[i].glyph != PANGO_GLYPH_EMPTY)
				glyphless = false;
		if (glyphless && invisible_text(text + it.start_index, it.end_index - it.start_index)) {
			int r[2] = {it.start_index, it.end_index};
			g_array_append_vals(out, r, 2);
			n++;
		}
	} while (pango_glyph_item_iter_next_cluster(&it));
	return n;
}

/* `run` cut around the byte ranges `cut` (n pairs, ascending, on cluster
 * boundaries) and prepended to `runs` (reversed order) as copies.  The
 * width of the glyphs cut out is kept as a start offset of the next piece
 * (*carry: the width still owed), so nothing after them moves. */
static GSList *cut_run(GSList *runs, const char *text, const PangoGlyphItem *run, const int *cut, int n, int *carry)
{
	PangoGlyphItem *rest = pango_glyph_item_copy((PangoGlyphItem *)run);
	int end_x = rest->end_x_offset;
	rest->end_x_offset = 0;
	*carry += rest->start_x_offset;
	rest->start_x_offset = 0;
	for (int k = 0; k < n && rest; k++) {
		int s = cut[2 * k] - rest->item->offset, e = cut[2 * k + 1] - rest->item->offset;
		if (s > 0) {
			PangoGlyphItem *head = pango_glyph_item_split(rest, text, s);
			head->start_x_offset = *carry;
			*carry = 0;
			runs = g_slist_prepend(runs, head);
			e -= s;
		}
		PangoGlyphItem *gone = rest;
		rest = NULL;
		if (e < gone->item->length) {
			rest = gone;
			gone = pango_glyph_item_split(rest, text, e);
		}
		*carry += pango_glyph_string_get_width(gone->glyphs);
		pango_glyph_item_free(gone);
	}
	if (rest) {
		rest->start_x_offset = *carry;
		*carry = 0;
		runs = g_slist_prepend(runs, rest);
	}
	*carry += end_x;
	return runs;
}

/* pango_cairo_show_layout_line() at (x, y), with the glyphless clusters
 * of format characters left out of the line's runs while it is drawn
 * (see invisible_text(); the line is put back as it was).  Pango's own
 * renderer writes each as an empty /ActualText span: the ZWSP of a line
 * ending at one of ws_cjk_apply()'s break points, a U+200B or U+2060 in
 * the source text.  Used for the lines the fast path declines. */
static void show_line_pango(cairo_t *cr, PangoLayoutLine *line, double x, double y)
{
	const char *text = pango_layout_get_text(line->layout);
	GArray *cut = g_array_new(FALSE, FALSE, sizeof(int));
	int *first = g_new0(int, g_slist_length(line->runs) + 1);
	int k = 0, total = 0;
	for (GSList *l = line->runs; l; l = l->next, k++) {
		first[k] = (int)cut->len / 2;
		total += empty_clusters(text, l->data, cut);
	}
	first[k] = (int)cut->len / 2;
	cairo_move_to(cr, x, y);
	if (total == 0) {
		pango_cairo_show_layout_line(cr, line);
	} else {
		GSList *runs = NULL;
		int carry = 0;
		k = 0;
		for (GSList *l = line->runs; l; l = l->next, k++)
			runs = cut_run(runs, text, l->data, &g_array_index(cut, int, 2 * first[k]), first[k + 1] - first[k],
			               &carry);
		if (runs)
			((PangoGlyphItem *)runs->data)->end_x_offset += carry;
		runs = g_slist_reverse(runs);
		GSList *saved = line->runs;
		line->runs = runs;
		pango_cairo_show_layout_line(cr, line);
		line->runs = saved;
		g_slist_free_full(runs, (GDestroyNotify)pango_glyph_item_free);
	}
	g_free(first);
	g_array_free(cut, TRUE);
}

static bool paint_line(void *self, cairo_t *cr, PangoLayoutLine *line, double x, double y)
{
	ws_twins *t = self;
	if (!line || !line->layout)
		return false;
	cairo_surface_t *target = cairo_get_target(cr);
	if (cairo_surface_get_type(target) != CAIRO_SURFACE_TYPE_PDF || !cairo_surface_has_show_text_glyphs(target))
		return false;
	bool fast = t && ws_twins_enabled();
	for (GSList *l = line->runs; l && fast; l = l->next)
		fast = run_plain(l->data);
	if (!fast) {
		show_line_pango(cr, line, x, y);
		return true;
	}

	/* Pango starts from Cairo's current point, which Cairo keeps in 24.8
	 * fixed point: round the origin the same way so that the glyphs land
	 * on exactly the same coordinates. */
	cairo_move_to(cr, x, y);
	cairo_get_current_point(cr, &x, &y);

	/* pango_renderer_draw_layout_line(), Pango 1.50: runs left to right,
	 * each at the sum of the widths before it, in Pango units. */
	const char *text = pango_layout_get_text(line->layout);
	pending waiting = {NULL, g_array_new(FALSE, FALSE, sizeof(cairo_glyph_t)),
	                   g_array_new(FALSE, FALSE, sizeof(cairo_text_cluster_t)), g_string_new(NULL)};
	pending *pd = &waiting;
	/* Summed over the line's runs in 64 bits, like x_position in
	 * show_run(): a very long unbroken line passes INT_MAX Pango units. */
	int64_t x_off = 0;
	for (GSList *l = line->runs; l; l = l->next) {
		PangoGlyphItem *run = l->data;
		int width = pango_glyph_string_get_width(run->glyphs);
		x_off += run->start_x_offset;
		show_run(t, cr, pd, text, run, x + (double)x_off / PANGO_SCALE, y - (double)run->y_offset / PANGO_SCALE);
		x_off += width + run->end_x_offset;
	}
	pending_flush(pd, cr, 0);
	g_array_unref(pd->glyphs);
	g_array_unref(pd->clusters);
	g_string_free(pd->text, TRUE);
	/* Pango leaves the current point where it was. */
	cairo_move_to(cr, x, y);
	return true;
}

ws_text_painter ws_pdf_text_painter(ws_twins *twins)
{
	return (ws_text_painter){paint_line, twins};
}
