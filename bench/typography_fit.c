/* How justified note-body paragraphs come out (docs/typography.md, "Total
 * fit"): each paragraph of the given files is set as test_typography sets
 * it (三号 FangSong, 28 × 15.79 pt grid, 2-cell indent, justified, the
 * note's no-break rules) and measured from Pango's glyph positions: its
 * lines, the most space justification added between two hanzi on a
 * justified line (the grid's tracking aside), and the marks inside a line
 * set narrower than 0.85 em (push-in).  V=1 prints every line.
 *   FONTCONFIG_FILE=fonts/fonts.conf build/bench/typography-fit tests/data/typography-*.txt */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cjk.h"
#include "fonts.h"
#include "unbreakable.h"

#define PT(u) ((double)(u) / PANGO_SCALE)
static const double SIZE = 16, W = 156.0 / 25.4 * 72.0, PITCH = 225.0 / 25.4 * 72.0 / 22;

static PangoContext *C;

static PangoLayout *body(const char *text)
{
	PangoLayout *l = pango_layout_new(C);
	PangoFontDescription *fd = pango_font_description_from_string("Wenshu FangSong");
	pango_font_description_set_absolute_size(fd, SIZE * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(l, text, -1);
	pango_layout_set_width(l, (int)lround(W * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	double cell = W / 28;
	pango_layout_set_indent(l, (int)(2 * floor(cell * PANGO_SCALE)));
	PangoAttrList *al = pango_attr_list_new();
	pango_attr_list_insert(al, pango_attr_language_new(pango_language_from_string("zh-cn")));
	pango_attr_list_insert(al, pango_attr_line_height_new_absolute((int)lround(PITCH * PANGO_SCALE)));
	ws_unbreakable_attrs(text, al, FALSE);
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	o.justify = true;
	o.grid_pitch = cell;
	ws_cjk_apply(l, &o);
	return l;
}

typedef struct {
	gunichar ch;
	double x, adv;
	int line;
} gl;

static bool hanzi(gunichar c)
{
	return g_unichar_get_script(c) == G_UNICODE_SCRIPT_HAN;
}

static bool mark(gunichar c)
{
	return c >= 0x3000 && g_unichar_ispunct(c);
}

int main(int argc, char **argv)
{
	ws_fonts *F;
	if (ws_fonts_new(&F, NULL, NULL, NULL) != WS_OK)
		return 1;
	C = ws_fonts_create_context(F);
	bool verbose = getenv("V") != NULL;
	int tl = 0, tsq = 0;
	double tworst = 0, tsum = 0;
	for (int a = 1; a < argc; a++) {
		char *all;
		if (!g_file_get_contents(argv[a], &all, NULL, NULL)) {
			fprintf(stderr, "typography-fit: cannot read %s\n", argv[a]);
			return 1;
		}
		char **paras = g_strsplit(all, "\n", -1);
		int pi = 0;
		int fl = 0, fsq = 0;
		double fw = 0;
		for (char **p = paras; *p; p++) {
			if (!**p)
				continue;
			PangoLayout *l = body(*p);
			const char *t = pango_layout_get_text(l);
			GArray *g = g_array_new(FALSE, FALSE, sizeof(gl));
			PangoLayoutIter *it = pango_layout_get_iter(l);
			int line = 0;
			PangoLayoutLine *cur = pango_layout_iter_get_line_readonly(it);
			do {
				if (pango_layout_iter_get_line_readonly(it) != cur) {
					cur = pango_layout_iter_get_line_readonly(it);
					line++;
				}
				PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
				if (!run)
					continue;
				PangoRectangle r;
				pango_layout_iter_get_run_extents(it, NULL, &r);
				int x = r.x;
				for (int k = 0; k < run->glyphs->num_glyphs; k++) {
					PangoGlyphInfo *gi = &run->glyphs->glyphs[k];
					PangoRectangle ink, lg;
					pango_font_get_glyph_extents(run->item->analysis.font, gi->glyph, &ink, &lg);
					gl e = {g_utf8_get_char(t + run->item->offset + run->glyphs->log_clusters[k]),
						PT(x + gi->geometry.x_offset), PT(lg.width), line};
					if (e.ch != 0x200B && e.ch != 0x2060)
						g_array_append_val(g, e);
					x += gi->geometry.width;
				}
			} while (pango_layout_iter_next_run(it));
			pango_layout_iter_free(it);
			int lines = pango_layout_get_line_count(l);
			gl *v = (gl *)g->data;
			int n = (int)g->len;
			double worst = 0, ssq = 0;
			int sq = 0;
			for (int k = 0; k + 1 < lines; k++) {
				double lw = 0;
				for (int i = 1; i < n; i++)
					if (v[i].line == k && v[i - 1].line == k && hanzi(v[i].ch) &&
					    hanzi(v[i - 1].ch)) {
						double extra = v[i].x - (v[i - 1].x + v[i - 1].adv) + (SIZE - W / 28);
						if (extra > lw)
							lw = extra;
					}
				if (lw > worst)
					worst = lw;
				ssq += lw * lw;
				if (verbose) {
					PangoLayoutLine *ll = pango_layout_get_line_readonly(l, k);
					PangoRectangle lr;
					pango_layout_line_get_extents(ll, NULL, &lr);
					double over = 0;
					for (int i = 0; i < n; i++)
						if (v[i].line == k)
							over = v[i].x + v[i].adv - PT(lr.x + lr.width);
					printf("   line %d worst %.2f end %.2f last glyph past it %.2f |%.*s|\n", k, lw,
					       PT(lr.width), over,
					       ll->length, t + ll->start_index);
				}
			}
			for (int i = 1; i + 1 < n; i++) {
				if (v[i - 1].line != v[i].line || v[i + 1].line != v[i].line)
					continue;
				if (!mark(v[i].ch) || mark(v[i - 1].ch) || mark(v[i + 1].ch))
					continue;
				if (v[i].ch == 0x2026 || v[i].ch == 0x2014 || v[i].ch == 0xB7)
					continue;
				double span = v[i + 1].x - (v[i - 1].x + v[i - 1].adv);
				if (span < 0.85 * SIZE)
					sq++;
			}
			printf("%s #%d: lines %d worst %.2f pt sumsq %.1f squeezed %d  %.30s\n", argv[a], pi, lines,
			       worst, ssq, sq, *p);
			fl += lines;
			fsq += sq;
			if (worst > fw)
				fw = worst;
			tsum += ssq;
			g_array_free(g, TRUE);
			g_object_unref(l);
			pi++;
		}
		printf("== %s: lines %d worst %.2f squeezed %d\n", argv[a], fl, fw, fsq);
		tl += fl;
		tsq += fsq;
		if (fw > tworst)
			tworst = fw;
		g_strfreev(paras);
		g_free(all);
	}
	printf("== total: lines %d worst %.2f squeezed %d sumsq %.1f\n", tl, tworst, tsq, tsum);
	g_object_unref(C);
	ws_fonts_free(F);
	return 0;
}
