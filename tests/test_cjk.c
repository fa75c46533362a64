#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "cjk.h"
#include "fonts.h"
#include "support.h"
#include "unbreakable.h"


#define EM 16.0
#define PT(u) ((double)(u) / PANGO_SCALE)

/* Every test lays text out in support.c's fonts and Pango context. */
TestSuite(cjk, .init = wst_pango_setup, .fini = wst_pango_teardown);

static PangoLayout *make(const char *text, double width_pt)
{
	PangoLayout *l = pango_layout_new(wst_pango);
	PangoFontDescription *fd = pango_font_description_from_string("Wenshu Song 16");
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(l, text, -1);
	pango_layout_set_width(l, width_pt < 0 ? -1 : (int)lround(width_pt * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	return l;
}

/* Where each character is drawn: the pen position of its first glyph
 * (run position + advances + x_offset), in pt, and its line. */
typedef struct pos {
	gunichar ch;
	double x;
	int line;
} pos;

/* ws_cjk_apply() may add break points (U+200B, or U+2060 where unused)
 * to the layout's text; tests count characters of the text as given. */
static bool added(gunichar c)
{
	return c == 0x200B || c == 0x2060;
}

static int user_offset(const char *t, const char *at)
{
	int k = 0;
	for (const char *p = t; p < at; p = g_utf8_next_char(p))
		k += !added(g_utf8_get_char(p));
	return k;
}

typedef struct {
	const char *text;
	pos *p;
} positions_of;

/* The first glyph of each character of the text gives its position. */
static void note_position(const wst_glyph *g, void *user)
{
	positions_of *po = user;
	int ci = user_offset(po->text, g->at);
	if (!added(g_utf8_get_char(g->at)) && isnan(po->p[ci].x)) {
		po->p[ci].x = PT(g->x);
		po->p[ci].ch = g_utf8_get_char(g->at);
		po->p[ci].line = g->line;
	}
}

static pos *positions(PangoLayout *l, int *n)
{
	const char *t = pango_layout_get_text(l);
	int nc = user_offset(t, t + strlen(t));
	pos *p = g_new0(pos, nc + 1);
	for (int i = 0; i < nc; i++)
		p[i].x = NAN;
	positions_of po = {t, p};
	wst_each_glyph(l, note_position, &po);
	*n = nc;
	return p;
}

static double line_width(PangoLayout *l, int k)
{
	PangoRectangle log;
	pango_layout_line_get_extents(pango_layout_get_line_readonly(l, k), NULL, &log);
	return PT(log.width);
}

/* First character of each line. */
static gunichar line_first(PangoLayout *l, int k)
{
	return g_utf8_get_char(pango_layout_get_text(l) + pango_layout_get_line_readonly(l, k)->start_index);
}

static int line_chars(PangoLayout *l, int k)
{
	PangoLayoutLine *line = pango_layout_get_line_readonly(l, k);
	const char *t = pango_layout_get_text(l) + line->start_index;
	return user_offset(t, t + line->length);
}

Test(cjk, l9_quarter_em_between_han_and_latin)
{
	PangoLayout *l = make("护照号码E12345678已核验", -1);
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	int n;
	pos *p = positions(l, &n);
	/* 码 is char 3 (ends at 4 em), E char 4; 8 char 12, 已 char 13. */
	cr_expect_float_eq(p[4].x - (p[3].x + EM), EM / 4, 0.02 * EM, "码|E gap %f", p[4].x - p[3].x - EM);
	double eight_end = p[13].x - EM / 4;
	PangoLayout *plain = make("E12345678", -1);
	PangoRectangle r;
	pango_layout_get_extents(plain, NULL, &r);
	cr_expect_float_eq(eight_end - p[4].x, PT(r.width), 0.02 * EM, "8|已 gap");
	/* Han–Han spacing untouched. */
	cr_expect_float_eq(p[1].x - p[0].x, EM, 1e-3);
	cr_expect_float_eq(p[14].x - p[13].x, EM, 1e-3);
	g_free(p);
	g_object_unref(plain);
	g_object_unref(l);
}

Test(cjk, l9_none_at_line_edges_or_next_to_punctuation)
{
	PangoLayout *l = make("AB护照，CD", -1);
	cr_assert_eq(ws_cjk_apply(l, NULL), WS_OK);
	int n;
	pos *p = positions(l, &n);
	cr_expect_float_eq(p[0].x, 0, 1e-3, "line starts with the Latin letter");
	cr_expect_float_eq(p[3].x - p[2].x, EM, 1e-3);
	/* No gap between ， and C: C starts where the full-width comma ends. */
	cr_expect_float_eq(p[5].x - p[4].x, EM, 1e-3);
	/* B|护 has the quarter em. */
	PangoLayout *ab = make("AB", -1);
	/* ws_cjk_apply sets Latin without kerning or ligatures (Pango drops
	 * them wherever letter spacing splits a word, so measuring with them
	 * made justified lines overshoot); measure the reference the same way. */
	PangoAttrList *nokern = pango_attr_list_new();
	pango_attr_list_insert(nokern, pango_attr_font_features_new("liga 0, clig 0, dlig 0, kern 0"));
	pango_layout_set_attributes(ab, nokern);
	pango_attr_list_unref(nokern);
	PangoRectangle r;
	pango_layout_get_extents(ab, NULL, &r);
	cr_expect_float_eq(p[2].x, PT(r.width) + EM / 4, 0.02 * EM);
	g_free(p);
	g_object_unref(ab);
	g_object_unref(l);

	/* Latin at the end of a wrapped line: no trailing quarter em counted. */
	l = make("一二三四五六七八九AB", -1);
	cr_assert_eq(ws_cjk_apply(l, NULL), WS_OK);
	p = positions(l, &n);
	PangoRectangle all;
	pango_layout_get_extents(l, NULL, &all);
	cr_expect_float_eq(PT(all.width), 9 * EM + EM / 4 + PT(r.width), 0.02);
	g_free(p);
	g_object_unref(l);
}

Test(cjk, l6_line_end_full_stop_is_half_width)
{
	/* Width 10.5 em: "十。" only fits when the 。 is half width; without L6
	 * Pango carries 十 down (L1). */
	PangoLayout *l = make("一二三四五六七八九十。一二三", 10.5 * EM);
	cr_assert_eq(ws_cjk_apply(l, NULL), WS_OK);
	cr_assert_eq(pango_layout_get_line_count(l), 2);
	cr_expect_eq(line_chars(l, 0), 11);
	cr_expect_float_eq(line_width(l, 0), 10.5 * EM, 1e-3);

	/* The FULL style keeps the mark full width, so 十 moves down. */
	g_object_unref(l);
	l = make("一二三四五六七八九十。一二三", 10.5 * EM);
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	o.punct = WS_PUNCT_FULL;
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	cr_expect_eq(line_chars(l, 0), 9);
	g_object_unref(l);
}

Test(cjk, l6_mark_ending_a_line_loses_its_blank)
{
	PangoLayout *l = make("一二三四五六七八九，十一二", 10 * EM);
	cr_assert_eq(ws_cjk_apply(l, NULL), WS_OK);
	cr_assert_eq(line_chars(l, 0), 10);
	cr_expect_float_eq(line_width(l, 0), 9.5 * EM, 1e-3);
	g_object_unref(l);
}

Test(cjk, l7_adjacent_marks_take_one_and_a_half_em)
{
	PangoLayout *l = make("他说：“好。”然后（“签证”）走了", -1);
	cr_assert_eq(ws_cjk_apply(l, NULL), WS_OK);
	int n;
	pos *p = positions(l, &n);
	/* 。” : 。 char 5, ” char 6, 然 char 7. */
	cr_expect_float_eq(p[7].x - p[5].x, 1.5 * EM, 1e-3);
	/* ：“ : ： char 2, “ char 3, 好 char 4. */
	cr_expect_float_eq(p[4].x - p[2].x, 1.5 * EM, 1e-3);
	/* （“ : 后 char 8 ends at +16; （ char 9, “ char 10, 签 char 11. */
	cr_expect_float_eq(p[11].x - (p[8].x + EM), 1.5 * EM, 1e-3);
	/* ”） : 证 char 12, ” 13, ） 14, 走 15. */
	cr_expect_float_eq(p[15].x - (p[12].x + EM), 1.5 * EM, 1e-3);
	g_free(p);
	g_object_unref(l);
}

Test(cjk, l3_middle_dot_never_starts_a_line)
{
	/* · is 5.232 pt wide: without the rule Pango breaks before it. */
	PangoLayout *l = make("申请人约翰·史密斯先生", 5.2 * EM);
	cr_assert_eq(ws_cjk_apply(l, NULL), WS_OK);
	int lines = pango_layout_get_line_count(l);
	cr_assert_geq(lines, 2);
	for (int k = 0; k < lines; k++)
		cr_expect_neq(line_first(l, k), 0x00B7, "line %d starts with ·", k);
	g_object_unref(l);

	PangoLayout *raw = make("申请人约翰·史密斯先生", 5.2 * EM);
	cr_expect_eq(line_first(raw, 1), 0x00B7, "premise: Pango alone breaks before ·");
	g_object_unref(raw);
}

Test(cjk, l4_strict_dashes_never_start_a_line)
{
	PangoLayout *l = make("一二三四五六七八九——十一", 10 * EM);
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	o.strict_breaks = true;
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	for (int k = 0; k < pango_layout_get_line_count(l); k++)
		cr_expect_neq(line_first(l, k), 0x2014);
	g_object_unref(l);
}

Test(cjk, l14_no_single_character_last_line)
{
	PangoLayout *l = make("一二三四五六七八九十百", 10 * EM);
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	o.avoid_orphans = false;
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	cr_assert_eq(line_chars(l, 1), 1, "premise: an orphan without L14");
	g_object_unref(l);

	l = make("一二三四五六七八九十百", 10 * EM);
	cr_assert_eq(ws_cjk_apply(l, NULL), WS_OK);
	cr_assert_eq(pango_layout_get_line_count(l), 2);
	cr_expect_eq(line_chars(l, 1), 2);
	g_object_unref(l);

	/* One character plus its full stop is an orphan too. */
	l = make("一二三四五六七八九十百。", 10 * EM);
	cr_assert_eq(ws_cjk_apply(l, NULL), WS_OK);
	cr_expect_geq(line_chars(l, pango_layout_get_line_count(l) - 1), 3);
	g_object_unref(l);
}

static const char *mixed =
	"申请人张伟的护照号码为E12345678，预约时间为2025年3月5日上午九点，"
	"请准时到达美国驻华大使馆签证处。面谈时请携带DS-160确认页、护照及缴费收据。";

Test(cjk, l10_justified_lines_have_equal_gaps_and_flush_edges)
{
	const double W = 300;
	PangoLayout *l = make(mixed, W);
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	o.justify = true;
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	int lines = pango_layout_get_line_count(l);
	cr_assert_geq(lines, 3);
	int n;
	pos *p = positions(l, &n);
	for (int k = 0; k < lines - 1; k++) {
		cr_expect_float_eq(line_width(l, k), W, 0.01, "line %d width %f", k, line_width(l, k));
		/* Pitch between neighbouring hanzi is the same along the line. */
		double pitch = NAN;
		for (int i = 1; i < n; i++) {
			if (p[i].line != k || p[i - 1].line != k)
				continue;
			if (g_unichar_get_script(p[i].ch) != G_UNICODE_SCRIPT_HAN ||
			    g_unichar_get_script(p[i - 1].ch) != G_UNICODE_SCRIPT_HAN)
				continue;
			double d = p[i].x - p[i - 1].x;
			if (isnan(pitch))
				pitch = d;
			cr_expect_float_eq(d, pitch, 0.01, "line %d char %d", k, i);
		}
		cr_expect(!isnan(pitch));
		cr_expect_geq(pitch, EM);
	}
	/* Line starts are flush left. */
	for (int i = 0; i < n; i++)
		if (i == 0 || p[i].line != p[i - 1].line)
			cr_expect_float_eq(p[i].x, 0, 1e-3);
	/* The last line keeps natural spacing. */
	cr_expect_lt(line_width(l, lines - 1), W - 1);
	g_free(p);
	g_object_unref(l);
}

Test(cjk, l11_grid_gives_28_hanzi_per_156mm_line)
{
	/* GB/T 9704 §4.2.3: 156 mm type area, 28 characters of 3号 (16 pt). */
	const double W = 156.0 / 25.4 * 72.0;
	GString *s = g_string_new(NULL);
	for (int i = 0; i < 28 * 3; i++)
		g_string_append(s, "文");
	PangoLayout *l = make(s->str, W);
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	o.grid_pitch = W / 28;
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	cr_assert_eq(pango_layout_get_line_count(l), 3);
	for (int k = 0; k < 3; k++)
		cr_expect_eq(line_chars(l, k), 28);
	int n;
	pos *p = positions(l, &n);
	/* Floored letter spacing: pitch is W/28 minus under 1/1024 pt. */
	cr_expect_float_eq(p[27].x - p[0].x, 27 * (W / 28), 27.0 / PANGO_SCALE + 1e-6);
	cr_expect_float_eq(p[28].x, 0, 1e-3);
	g_free(p);
	g_string_free(s, TRUE);
	g_object_unref(l);
}

Test(cjk, l13_distribute_puts_first_at_0_and_last_flush_right)
{
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	o.distribute = true;
	PangoLayout *l = make("王伟", 3 * EM);
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	cr_assert_eq(pango_layout_get_line_count(l), 1);
	int n;
	pos *p = positions(l, &n);
	cr_expect_float_eq(p[0].x, 0, 1e-3);
	cr_expect_float_eq(p[1].x + EM, 3 * EM, 0.01);
	g_free(p);
	g_object_unref(l);

	l = make("出生日期", 6 * EM);
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	p = positions(l, &n);
	cr_expect_float_eq(p[0].x, 0, 1e-3);
	cr_expect_float_eq(p[3].x + EM, 6 * EM, 0.01);
	cr_expect_float_eq(p[2].x - p[1].x, p[1].x - p[0].x, 0.01);
	cr_expect_float_eq(p[1].x - p[0].x, EM + 2 * EM / 3, 0.01);
	g_free(p);
	g_object_unref(l);
}

/* 均排 of a label holding a Latin word ("Post 类别" on the delegated
 * form): the word keeps its own letter fit, the space and the Han gap
 * take the spread. */
Test(cjk, l13_distribute_never_spreads_inside_a_latin_word)
{
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	o.distribute = true;
	PangoLayout *l = make("Post 类别", 8 * EM);
	PangoLayout *natural = make("Post", -1);
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	cr_assert_eq(pango_layout_get_line_count(l), 1);
	int n, nn;
	pos *p = positions(l, &n);
	pos *q = positions(natural, &nn);
	/* spread, each letter would move by a sixth of the 4.5 em to spare;
	 * 0.5 pt allows the pair kerning of "Po", which the letter spacing
	 * chain may not keep when it must stay inside the line (see
	 * line_spacing_try) */
	for (int i = 1; i < 4; i++)
		cr_expect_float_eq(p[i].x - p[0].x, q[i].x - q[0].x, 0.5, "letter %d of Post moved by 均排: %.2f vs %.2f",
		                   i, p[i].x - p[0].x, q[i].x - q[0].x);
	for (int i = 2; i < 4; i++)
		cr_expect_float_eq(p[i].x - p[i - 1].x, q[i].x - q[i - 1].x, 0.01, "o-s-t keep their fit");
	cr_expect_float_eq(p[0].x, 0, 1e-3);
	cr_expect_float_eq(p[6].x + EM, 8 * EM, 0.05, "别 flush right");
	cr_expect_gt(p[6].x - p[5].x, 1.5 * EM, "the Han gap is spread");
	g_free(p);
	g_free(q);
	g_object_unref(l);
	g_object_unref(natural);

	/* a label that is one word and nothing else is still spread */
	l = make("Email", 6 * EM);
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	p = positions(l, &n);
	cr_expect_float_eq(p[0].x, 0, 1e-3);
	cr_expect_gt(p[4].x, 4 * EM, "the letters of a one-word label are spread");
	g_free(p);
	g_object_unref(l);
}

Test(cjk, kaiming_and_half_styles)
{
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	o.punct = WS_PUNCT_KAIMING;
	PangoLayout *l = make("好，走。来", -1);
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	int n;
	pos *p = positions(l, &n);
	cr_expect_float_eq(p[2].x - p[1].x, EM / 2, 1e-3, "，half in 开明 style");
	cr_expect_float_eq(p[4].x - p[3].x, EM, 1e-3, "。full in 开明 style");
	g_free(p);
	g_object_unref(l);

	o.punct = WS_PUNCT_HALF;
	l = make("好，走。来", -1);
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	p = positions(l, &n);
	cr_expect_float_eq(p[4].x - p[3].x, EM / 2, 1e-3);
	g_free(p);
	g_object_unref(l);
}

Test(cjk, caller_attributes_are_kept)
{
	PangoLayout *l = make("签证ABC", -1);
	PangoAttrList *a = pango_attr_list_new();
	pango_attr_list_insert(a, pango_attr_weight_new(PANGO_WEIGHT_BOLD));
	pango_layout_set_attributes(l, a);
	pango_attr_list_unref(a);
	cr_assert_eq(ws_cjk_apply(l, NULL), WS_OK);
	PangoAttrIterator *it = pango_attr_list_get_iterator(pango_layout_get_attributes(l));
	bool bold = false;
	do {
		PangoAttribute *w = pango_attr_iterator_get(it, PANGO_ATTR_WEIGHT);
		bold |= w && ((PangoAttrInt *)w)->value == PANGO_WEIGHT_BOLD;
	} while (pango_attr_iterator_next(it));
	pango_attr_iterator_destroy(it);
	cr_expect(bold);
	g_object_unref(l);
}

Test(cjk, rejects_bad_arguments)
{
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	cr_expect_eq(ws_cjk_apply(NULL, &o), WS_EUSAGE);
	PangoLayout *l = make("文", -1);
	o.version = 99;
	cr_expect_eq(ws_cjk_apply(l, &o), WS_EUSAGE);
	o.version = WS_CJK_OPTIONS_VERSION;
	o.grid_pitch = -1;
	cr_expect_eq(ws_cjk_apply(l, &o), WS_EUSAGE);
	PangoLayout *empty = make("", 100);
	cr_expect_eq(ws_cjk_apply(empty, NULL), WS_OK);
	g_object_unref(empty);
	g_object_unref(l);
}

/* Which path a paragraph took: 1 = short (one layout), 0 = full. */
static int took_short_path(PangoLayout *l, const ws_cjk_options *o)
{
	ws_cjk_path path = WS_CJK_PATH_NONE;
	cr_assert_eq(ws_cjk_apply_traced(l, o, &path), WS_OK);
	cr_assert_neq(path, WS_CJK_PATH_NONE);
	return path == WS_CJK_PATH_SHORT;
}

Test(cjk, plain_paragraphs_take_the_short_path_with_the_same_result)
{
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	/* Plain hanzi wrapping over three lines, no marks: one layout. */
	const char *text = "签证申请费不予退还也不得转让他人缴费收据自缴费之日起一年内有效请提前十五分钟到达使馆";
	PangoLayout *l = make(text, 15 * EM);
	cr_assert_eq(took_short_path(l, &o), 1);
	cr_assert_eq(pango_layout_get_line_count(l), 3);
	/* the same lines and positions as the same paragraph put through
	 * phase B (a justified copy of it is not; the L10 stretch of a
	 * 15-em measure filled with 1-em hanzi is zero) */
	PangoLayout *full = make(text, 15 * EM);
	ws_cjk_options oj = o;
	oj.justify = true;
	cr_assert_eq(took_short_path(full, &oj), 0);
	int n, nf;
	pos *p = positions(l, &n);
	pos *q = positions(full, &nf);
	int nc = (int)g_utf8_strlen(text, -1);
	for (int i = 0; i < nc; i++) {
		cr_expect_eq(p[i].line, q[i].line, "char %d", i);
		cr_expect_float_eq(p[i].x, q[i].x, 1e-3, "char %d: %f vs %f", i, p[i].x, q[i].x);
	}
	for (int k = 0; k < 3; k++)
		cr_expect_eq(line_chars(l, k), line_chars(full, k));
	g_free(p);
	g_free(q);
	g_object_unref(full);
	g_object_unref(l);

	/* Anything line-dependent goes the full way: a mark under GB rules
	 * (L6/L8), an L9 boundary, an orphan to fix. */
	PangoLayout *m = make("本确认单是凭证，请妥善保管。", -1);
	cr_expect_eq(took_short_path(m, &o), 0);
	g_object_unref(m);
	ws_cjk_options of = o;
	of.punct = WS_PUNCT_FULL;
	m = make("本确认单是凭证，请妥善保管。", -1);
	cr_expect_eq(took_short_path(m, &of), 1);
	g_object_unref(m);
	m = make("护照号码E12345678已核验", -1);
	cr_expect_eq(took_short_path(m, &o), 0);
	g_object_unref(m);
	ws_cjk_options on = o;
	on.han_latin_space = false;
	m = make("护照号码E12345678已核验", -1);
	cr_expect_eq(took_short_path(m, &on), 1);
	g_object_unref(m);
	/* 16 hanzi on a 15-em measure: the last line would hold one */
	m = make("签证申请费不予退还也不得转让他人", 15 * EM);
	cr_expect_eq(took_short_path(m, &o), 0);
	cr_expect_gt(line_chars(m, pango_layout_get_line_count(m) - 1), 1);
	g_object_unref(m);
}

/* ---- Measured over a GB/T 9704 note body (tests/data/typography-specimen.txt):
 * the note's body style as the typesetter builds it (3号 仿宋 = FandolFang
 * 16 pt, 156 mm measure, 28-character grid, 28.99 pt line pitch, 2-cell
 * indent, justified), then every line checked from Pango's glyph positions:
 *  - Han/Latin gaps 0.25 ± 0.02 em;
 *  - no added space inside a Latin word or a number;
 *  - justified (non-last) lines flush to ±0.1 pt;
 *  - baselines exactly one grid pitch apart, fallback glyphs included;
 *  - no last line of one character (+ punctuation). */

typedef struct glyph_at {
	gunichar ch;
	double x, adv; /* pen position and the glyph's own advance (no spacing), pt */
	int line;
} glyph_at;

static void append_glyph_at(const wst_glyph *g, void *user)
{
	PangoRectangle lg;
	pango_font_get_glyph_extents(g->run->item->analysis.font, g->info->glyph, NULL, &lg);
	glyph_at ga = {g_utf8_get_char(g->at), PT(g->x), PT(lg.width), g->line};
	if (!added(ga.ch))
		g_array_append_val((GArray *)user, ga);
}

static glyph_at *glyphs_of(PangoLayout *l, int *count)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(glyph_at));
	wst_each_glyph(l, append_glyph_at, a);
	*count = (int)a->len;
	return (glyph_at *)g_array_free(a, FALSE);
}

static bool western(gunichar c)
{
	return c < 0x2000 && g_unichar_isalnum(c);
}

static bool hanzi(gunichar c)
{
	return g_unichar_get_script(c) == G_UNICODE_SCRIPT_HAN;
}

Test(cjk, measured_note_body_specimen)
{
	const double W = 156.0 / 25.4 * 72.0, PITCH = 225.0 / 25.4 * 72.0 / 22, CELL = W / 28, SIZE = 16;
	char *path = g_build_filename(WS_TEST_SOURCE_DIR, "tests", "data", "typography-specimen.txt", NULL);
	char *all = NULL;
	cr_assert(g_file_get_contents(path, &all, NULL, NULL), "%s", path);
	char **paras = g_strsplit(all, "\n", -1);
	int checked_l9 = 0, checked_words = 0, checked_flush = 0, checked_pitch = 0;
	bool saw_fallback = false;
	for (char **para = paras; *para; para++) {
		if (!**para)
			continue;
		PangoLayout *l = pango_layout_new(wst_pango);
		PangoFontDescription *fd = pango_font_description_from_string("Wenshu FangSong");
		pango_font_description_set_absolute_size(fd, SIZE * PANGO_SCALE);
		pango_layout_set_font_description(l, fd);
		pango_font_description_free(fd);
		pango_layout_set_text(l, *para, -1);
		pango_layout_set_width(l, (int)lround(W * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_indent(l, (int)(2 * floor(CELL * PANGO_SCALE)));
		PangoAttrList *al = pango_attr_list_new();
		pango_attr_list_insert(al, pango_attr_line_height_new_absolute((int)lround(PITCH * PANGO_SCALE)));
		pango_layout_set_attributes(l, al);
		pango_attr_list_unref(al);
		ws_cjk_options o = WS_CJK_OPTIONS_INIT;
		o.justify = true;
		o.grid_pitch = CELL;
		cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);

		int n;
		glyph_at *g = glyphs_of(l, &n);
		for (int i = 1; i < n; i++) {
			if (g[i].line != g[i - 1].line)
				continue;
			double gap = g[i].x - (g[i - 1].x + g[i - 1].adv);
			gunichar a = g[i - 1].ch, b = g[i].ch;
			if ((hanzi(a) && western(b)) || (western(a) && hanzi(b))) {
				char ca[8] = {0}, cb[8] = {0};
				g_unichar_to_utf8(a, ca);
				g_unichar_to_utf8(b, cb);
				cr_expect_float_eq(gap / SIZE, 0.25, 0.02, "Han/Latin gap %s|%s on line %d: %.3f em", ca, cb,
				                   g[i].line, gap / SIZE);
				checked_l9++;
			}
			if (western(a) && western(b)) {
				cr_expect_float_eq(gap, 0, 0.01, "space inside a word or number: %.3f pt (line %d)", gap,
				                   g[i].line);
				checked_words++;
			}
		}

		int lines = pango_layout_get_line_count(l);
		PangoLayoutIter *it = pango_layout_get_iter(l);
		double prev_base = NAN;
		int k = 0;
		do {
			PangoRectangle log;
			pango_layout_iter_get_line_extents(it, NULL, &log);
			double base = PT(pango_layout_iter_get_baseline(it));
			if (!isnan(prev_base)) {
				cr_expect_float_eq(base - prev_base, PITCH, 0.002, "line %d pitch %.3f", k, base - prev_base);
				checked_pitch++;
			}
			prev_base = base;
			if (k < lines - 1) {
				cr_expect_float_eq(PT(log.x + log.width), W, 0.1, "%s: line %d ends at %.3f of %.3f", *para, k,
				                   PT(log.x + log.width), W);
				checked_flush++;
			}
			k++;
		} while (pango_layout_iter_next_line(it));
		pango_layout_iter_free(it);

		/* L14: the last line holds more than one character besides marks. */
		if (lines > 1) {
			int non_punct = 0;
			for (int i = 0; i < n; i++)
				if (g[i].line == lines - 1 && !g_unichar_ispunct(g[i].ch))
					non_punct++;
			cr_expect_gt(non_punct, 1, "%s: one-character last line", *para);
		}
		for (int i = 0; i < n; i++)
			saw_fallback |= g[i].ch == 0x20BB7;
		g_free(g);
		g_object_unref(l);
	}
	/* The specimen exercises what it claims to. */
	cr_expect_geq(checked_l9, 20, "%d Han/Latin boundaries", checked_l9);
	cr_expect_geq(checked_words, 40, "%d word-internal gaps", checked_words);
	cr_expect_geq(checked_flush, 8, "%d justified lines", checked_flush);
	cr_expect_geq(checked_pitch, 10, "%d line pitches", checked_pitch);
	cr_expect(saw_fallback, "𠮷 (Ext-B, fallback face) is in the specimen");
	g_strfreev(paras);
	g_free(all);
	g_free(path);
}

/* Issue 12: a line may break before an opening quote after a hanzi, and
 * before "……" / "——" (which never split); Pango (UAX #14 QU, IN) offers
 * none of these breaks, so "局“" and "附……" travelled as one unit and
 * left the line a character short. */
Test(cjk, breaks_before_opening_quote_and_ellipsis)
{
	static const struct {
		const char *text;
		gunichar second_line_starts;
	} cases[] = {
		{"一二三四五六七八九局“技术交流”议程", 0x201C},
		{"一二三四五六七八九附……请大使馆协助", 0x2026},
		{"一二三四五六七八九助——以便成行", 0x2014},
		{"一二三四五六七八九，“技术交流”议程", 0x201C},
	};
	for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
		PangoLayout *raw = make(cases[k].text, 10 * EM);
		PangoLayout *l = make(cases[k].text, 10 * EM);
		ws_cjk_options o = WS_CJK_OPTIONS_INIT;
		o.justify = true;
		cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
		cr_expect_eq(line_chars(l, 0), 10, "%s: first line %d characters", cases[k].text, line_chars(l, 0));
		cr_expect_eq(line_first(l, 1), cases[k].second_line_starts, "%s: second line starts U+%04X",
		             cases[k].text, line_first(l, 1));
		if (k < 2)
			cr_expect_eq(line_chars(raw, 0), 9, "premise: Pango alone keeps %s's 10th character down",
			             cases[k].text);
		/* The pair is one unit; the line is flush (justified, not last). */
		cr_expect_float_eq(line_width(l, 0), 10 * EM, 0.01, "%s: line 0 %.3f pt", cases[k].text,
		                   line_width(l, 0));
		g_object_unref(raw);
		g_object_unref(l);
	}
	/* With the strict set (L4), …… never starts a line: 附 goes down with it. */
	PangoLayout *l = make("一二三四五六七八九附……请大使馆协助", 10 * EM);
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	o.strict_breaks = true;
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	cr_expect_neq(line_first(l, 1), 0x2026);
	g_object_unref(l);
	/* Inside an unbreakable range (a short parenthetical) no break is added. */
	l = make("一二三四五六七八九（局“甲”）议程", 10 * EM);
	PangoAttrList *al = pango_attr_list_new();
	PangoAttribute *a = pango_attr_allow_breaks_new(FALSE);
	a->start_index = (guint)strlen("一二三四五六七八九");
	a->end_index = (guint)strlen("一二三四五六七八九（局“甲”）");
	pango_attr_list_insert(al, a);
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	cr_expect_eq(line_first(l, 1), 0xFF08, "the parenthetical moved down whole: U+%04X", line_first(l, 1));
	g_object_unref(l);
}

/* The break points ws_cjk_apply() adds are text only where a line breaks
 * at one (U+200B ending the line); elsewhere they are gone again, so
 * nothing but the user's text reaches the PDF.  Justified, left-aligned
 * and plain (short path) paragraphs alike. */
Test(cjk, added_break_points_stay_only_where_a_line_breaks)
{
	const char *text = "甲乙局“技术”附……请协助——以便成行。一二三四五六七八九附……请大使馆协助。";
	for (int mode = 0; mode < 3; mode++) {
		PangoLayout *l = make(text, 10 * EM);
		ws_cjk_options o = WS_CJK_OPTIONS_INIT;
		o.justify = mode == 0;
		if (mode == 2) {
			o.punct = WS_PUNCT_FULL; /* no mark changes width: the short path */
			o.han_latin_space = false;
		}
		cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
		const char *t = pango_layout_get_text(l);
		int breaks_at_zw = 0;
		for (const char *p = t; *p; p = g_utf8_next_char(p)) {
			gunichar c = g_utf8_get_char(p);
			if (!added(c))
				continue;
			cr_expect_eq(c, 0x200B, "mode %d: U+%04X left in the text", mode, c);
			int idx = (int)(p - t);
			bool at_end = false;
			for (int k = 0; k < pango_layout_get_line_count(l); k++) {
				PangoLayoutLine *line = pango_layout_get_line_readonly(l, k);
				at_end |= idx + 3 == line->start_index + line->length;
			}
			cr_expect(at_end, "mode %d: a ZWSP inside a line at byte %d", mode, idx);
			breaks_at_zw++;
		}
		cr_expect_geq(breaks_at_zw, 1, "mode %d: premise: a line breaks at an added point", mode);
		g_object_unref(l);
	}
}

/* Issue 12, property: whatever the mix of hanzi, Latin words, numbers,
 * identifiers and marks, every line stays inside its column as the
 * document paints it, and no character is lost.  A line is painted the
 * way paragraph.c places it and pdf-text.c draws it (Pango 1.50's
 * pango_renderer_draw_layout_line): its origin at the start of the line's
 * logical box in layout coordinates, runs left to right, each shifted by
 * its start_x_offset.  Checked per line: the logical box the preflight
 * sees lies within [0, width] (a line's trailing spaces aside), and no
 * glyph's ink, within its own advance, ends past the right edge; 0.05 pt
 * tolerance.  300 generated paragraphs (fixed seed) and the delegated
 * form's declaration, × 4 widths × ragged/justified.  Before keep_box()
 * and its companions 127 of the 2408 paragraphs failed: the declaration's
 * second line 2.6 pt left of the column (the preflight said 1.9 mm),
 * lines of Latin words starting up to 112 pt left of it, lines with "——"
 * 0.94 pt too long, FandolFang's ？ ending 2.9 pt past the edge. */
static const char *const prop_han = "委托护照签证部代为预约自治区地区经济技术合作与城市规划建设考察交流团一行人的美国面谈时间本"
                                    "表所填信息真实准确各申请一致因有误造成后果由派出单位承担会议参加访问出发日期";
static const char *const prop_latin[] = {
	"DS-160", "ICAO", "Beijing", "E12345678", "AA00ABCDE1", "30", "3", "2025", "1369.00", "185.00",
	"USD", "PE0000001", "G2025-TEST-002", "ZHANG San", "No. 5", "B1/B2", "WANG Xiaoming", "12",
};
static const char *const prop_marks[] = {
	"，", "。", "、", "；", "：", "（虚构）", "（", "）", "“技术”", "《通知》", "……", "——", "？", "！",
};

static char *prop_text(GRand *r)
{
	GString *s = g_string_new(NULL);
	int target = g_rand_int_range(r, 30, 170);
	glong nhan = g_utf8_strlen(prop_han, -1);
	while (g_utf8_strlen(s->str, -1) < target) {
		int kind = g_rand_int_range(r, 0, 10);
		if (kind < 5) {
			int k = g_rand_int_range(r, 1, 7);
			for (int i = 0; i < k; i++) {
				const char *p = g_utf8_offset_to_pointer(prop_han, g_rand_int_range(r, 0, (gint32)nhan));
				g_string_append_len(s, p, g_utf8_next_char(p) - p);
			}
		} else if (kind < 8) {
			/* Two Latin words in a row are two words. */
			if (s->len > 0 && g_ascii_isalnum(s->str[s->len - 1]))
				g_string_append_c(s, ' ');
			g_string_append(s, prop_latin[g_rand_int_range(r, 0, G_N_ELEMENTS(prop_latin))]);
		} else {
			g_string_append(s, prop_marks[g_rand_int_range(r, 0, G_N_ELEMENTS(prop_marks))]);
		}
	}
	return g_string_free(s, FALSE);
}

/* Lines of `l` that leave [0, width] (box or ink), with a message. */
static int prop_check(PangoLayout *l, const char *input, double width, GString *why)
{
	int bad = 0;
	const char *t = pango_layout_get_text(l);
	GString *all = g_string_new(NULL);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	int k = 0;
	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		PangoRectangle lg, ext;
		pango_layout_iter_get_line_extents(it, NULL, &lg);
		pango_layout_line_get_extents(line, NULL, &ext);
		double origin = PT(lg.x), box0 = origin + PT(ext.x), box1 = box0 + PT(ext.width);
		double ink1 = -INFINITY;
		int64_t x_off = 0;
		for (GSList *p = line->runs; p; p = p->next) {
			PangoGlyphItem *run = p->data;
			x_off += run->start_x_offset;
			int64_t pen = 0;
			for (int g = 0; g < run->glyphs->num_glyphs; g++) {
				PangoGlyphInfo *gi = &run->glyphs->glyphs[g];
				PangoRectangle ink, adv;
				pango_font_get_glyph_extents(run->item->analysis.font, gi->glyph, &ink, &adv);
				/* Ink within the glyph's own advance: Noto Serif CJK
				 * draws some strokes past it by design (填: 0.8 pt at
				 * 12 pt), as it does in any column. */
				if (ink.width > 0)
					ink1 = MAX(ink1, origin + PT(x_off + pen + gi->geometry.x_offset +
					                             MIN(ink.x + ink.width, adv.x + adv.width)));
				pen += gi->geometry.width;
			}
			x_off += pen + run->end_x_offset;
		}
		/* Trailing spaces hang past the measure and draw nothing
		 * (paragraph.c's line_ink_width leaves them out too). */
		int len = line->length;
		while (len > 0 && t[line->start_index + len - 1] == ' ')
			len--;
		bool has_space = len < line->length;
		if (box0 < -0.05 || (!has_space && box1 > width + 0.05) || ink1 > width + 0.05) {
			g_string_append_printf(why, "  line %d: box %.2f..%.2f, ink to %.2f (width %.2f): %.*s\n", k, box0,
			                       box1, ink1, width, line->length, t + line->start_index);
			bad++;
		}
		g_string_append_len(all, t + line->start_index, line->length);
		k++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	/* Nothing lost: the lines hold the input, less the added break points. */
	GString *back = g_string_new(NULL);
	for (const char *p = all->str; *p; p = g_utf8_next_char(p))
		if (!added(g_utf8_get_char(p)))
			g_string_append_unichar(back, g_utf8_get_char(p));
	if (strcmp(back->str, input) != 0) {
		g_string_append_printf(why, "  text changed: %s\n", back->str);
		bad++;
	}
	g_string_free(back, TRUE);
	g_string_free(all, TRUE);
	return bad;
}

/* A paragraph as paragraph.c sets a body text (make_layout_uncached). */
static PangoLayout *prop_layout(const char *text, const char *family, double size, double width, double indent,
                                bool justify)
{
	PangoLayout *l = pango_layout_new(wst_pango);
	PangoFontDescription *fd = pango_font_description_from_string(family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(l, text, -1);
	pango_layout_set_width(l, (int)lround(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (indent != 0)
		pango_layout_set_indent(l, (int)lround(indent * PANGO_SCALE));
	PangoAttrList *al = pango_attr_list_new();
	pango_attr_list_insert(al, pango_attr_language_new(pango_language_from_string("zh-cn")));
	pango_attr_list_insert(al, pango_attr_line_height_new_absolute((int)lround(1.5 * size * PANGO_SCALE)));
	ws_unbreakable_attrs(text, al, FALSE);
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	o.justify = justify;
	cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
	return l;
}

Test(cjk, mixed_paragraphs_stay_inside_their_column, .timeout = 240)
{
	/* 170 mm: A4 with 20 mm margins, the delegated form's body. */
	const double widths[] = {170.0 / 25.4 * 72.0, 331.3, 207.5, 151.0};
	const char *const families[] = {"Wenshu FangSong", "Wenshu Song"};
	const double sizes[] = {10.5, 12, 16};
	enum { N_TEXTS = 300 };
	GRand *r = g_rand_new_with_seed(12);
	int paragraphs = 0, lines = 0, bad = 0;
	GString *why = g_string_new(NULL);
	for (int i = 0; i <= N_TEXTS; i++) {
		char *text = i == 0 ? g_strdup("委托声明：兹委托护照签证部代为预约某某自治区某某地区经济技术合作与城市规划建设考察交流团"
		                               "（虚构）一行30人的美国签证面谈时间。本表所填信息真实、准确，与各申请人DS-160表一"
		                               "致；因所填信息有误造成的后果由派出单位承担。")
		                     : prop_text(r);
		const char *family = families[i % 2];
		double size = i == 0 ? 10.5 : sizes[i % 3];
		for (size_t w = 0; w < G_N_ELEMENTS(widths); w++) {
			for (int justify = 0; justify < 2; justify++) {
				double indent = (i % 4 == 3) ? 2 * size : 0;
				PangoLayout *l = prop_layout(text, family, size, widths[w], indent, justify);
				GString *one = g_string_new(NULL);
				int b = prop_check(l, text, widths[w], one);
				if (b && bad < 12)
					g_string_append_printf(why, "text %d (%s %.1f pt, width %.1f, %s): %s\n%s", i, family, size,
					                       widths[w], justify ? "justify" : "left", text, one->str);
				bad += b > 0;
				paragraphs++;
				lines += pango_layout_get_line_count(l);
				g_string_free(one, TRUE);
				g_object_unref(l);
			}
		}
		g_free(text);
	}
	cr_log_info("%d paragraphs, %d lines checked", paragraphs, lines);
	cr_expect_eq(bad, 0, "%d of %d paragraphs leave their column:\n%s", bad, paragraphs, why->str);
	g_string_free(why, TRUE);
	g_rand_free(r);
}

/* Push-in (issue 12): a justified line that squeezes punctuation so that
 * the next character fits spreads the squeeze over all its marks that may
 * be squeezed, rather than setting one ½ em beside full ones.  Checked at
 * widths where push-in has to act (some comma narrower than an em): the
 * commas inside each such line are equally wide (± 0.1 pt), and the line
 * stays flush. */
Test(cjk, push_in_squeezes_a_line_evenly)
{
	const char *text = "甲乙，丙丁戊，己庚辛，壬癸甲乙丙丁戊己庚辛壬癸甲乙，丙丁戊己，庚辛壬癸甲乙丙丁戊己庚辛。";
	ws_cjk_options o = WS_CJK_OPTIONS_INIT;
	o.justify = true;
	int squeezed_lines = 0;
	for (double w = 12 * EM; w <= 24 * EM; w += 0.05 * EM) {
		PangoLayout *l = make(text, w);
		cr_assert_eq(ws_cjk_apply(l, &o), WS_OK);
		int n;
		pos *p = positions(l, &n);
		int lines = pango_layout_get_line_count(l);
		for (int k = 0; k + 1 < lines; k++) {
			double lo = INFINITY, hi = -INFINITY;
			int commas = 0;
			for (int i = 0; i + 1 < n; i++) {
				if (p[i].line != k || p[i + 1].line != k || p[i].ch != 0xFF0C)
					continue;
				double adv = p[i + 1].x - p[i].x;
				lo = MIN(lo, adv);
				hi = MAX(hi, adv);
				commas++;
			}
			if (commas < 2 || lo > EM - 0.5)
				continue;
			squeezed_lines++;
			cr_expect_leq(hi - lo, 0.1, "width %.2f em, line %d: commas %.2f to %.2f pt wide", w / EM, k, lo, hi);
			cr_expect_float_eq(line_width(l, k), w, 0.05, "width %.2f em, line %d not flush", w / EM, k);
		}
		g_free(p);
		g_object_unref(l);
	}
	cr_expect_gt(squeezed_lines, 0, "premise: push-in squeezed a line with two commas or more");
}

/* The text of line k, less the added break points. */
static char *line_text(PangoLayout *l, int k)
{
	PangoLayoutLine *line = pango_layout_get_line_readonly(l, k);
	const char *t = pango_layout_get_text(l) + line->start_index;
	GString *s = g_string_new(NULL);
	for (const char *p = t; p < t + line->length; p = g_utf8_next_char(p))
		if (!added(g_utf8_get_char(p)))
			g_string_append_unichar(s, g_utf8_get_char(p));
	return g_string_free(s, FALSE);
}

/* Issue 12: a phone number kept whole at its spaces (unbreakable.h) is
 * not spread at them either when its line is justified: its characters
 * stand where they stand in its natural setting, and the stretch goes to
 * the line's other gaps, the line still flush. */
Test(cjk, justification_never_spreads_a_phone_number)
{
	const char *text = "联系人：王某（+33 1 45 68 10 00，wang.mou@unesco-delegation.example.org），紧急情况请拨打"
	                   "24小时热线12308。";
	const double widths[] = {331.3, 300.0, 270.0};
	const char *phone = "+33 1 45 68 10 00";
	int start = user_offset(text, strstr(text, phone)), len = (int)g_utf8_strlen(phone, -1);
	PangoLayout *nat = prop_layout(text, "Wenshu FangSong", 16, 2000, 0, false);
	int nn;
	pos *q = positions(nat, &nn);
	for (size_t w = 0; w < G_N_ELEMENTS(widths); w++) {
		PangoLayout *l = prop_layout(text, "Wenshu FangSong", 16, widths[w], 0, true);
		int n;
		pos *p = positions(l, &n);
		cr_assert_eq(n, nn);
		int k = p[start].line;
		cr_assert_lt(k, pango_layout_get_line_count(l) - 1, "premise: the number is on a justified line");
		char *s = line_text(l, k);
		cr_log_info("width %.1f line %d: %s (%.2f pt)", widths[w], k, s, line_width(l, k));
		g_free(s);
		cr_expect_float_eq(line_width(l, k), widths[w], 0.1, "line %d width %.2f", k, line_width(l, k));
		for (int i = start + 1; i < start + len; i++) {
			if (p[i].ch == ' ')
				continue;
			cr_expect_eq(p[i].line, k);
			cr_expect_float_eq(p[i].x - p[start].x, q[i].x - q[start].x, 0.01,
			                   "width %.1f: U+%04X at %.2f pt from '+', naturally %.2f", widths[w], (unsigned)p[i].ch,
			                   p[i].x - p[start].x, q[i].x - q[start].x);
		}
		GString *why = g_string_new(NULL);
		cr_expect_eq(prop_check(l, text, widths[w], why), 0, "%s", why->str);
		g_string_free(why, TRUE);
		g_free(p);
		g_object_unref(l);
	}
	g_free(q);
	g_object_unref(nat);
}
