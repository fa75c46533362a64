#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include "fonts.h"

static ws_fonts *F;
static PangoContext *C;

static void setup(void)
{
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_fonts_new(&F, NULL, NULL, d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 0);
	ws_diags_free(d);
	C = ws_fonts_create_context(F);
}

static void teardown(void)
{
	g_object_unref(C);
	ws_fonts_free(F);
}

static PangoLayout *layout_for(const char *text, const char *font)
{
	PangoLayout *l = pango_layout_new(C);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(l, text, -1);
	return l;
}

Test(fonts, roles_resolve_to_expected_families, .init = setup, .fini = teardown)
{
	static const struct { const char *role, *family; bool fallback; } cases[] = {
		{"Wenshu Song", "Noto Serif CJK SC", false},
		{"Wenshu Hei", "Noto Sans CJK SC", false},
		{"Wenshu Kai", "AR PL UKai CN", false},
		/* FandolFang, shipped in fonts/: the role's own face, no warning. */
		{"Wenshu FangSong", "FandolFang", false},
		{"Wenshu Title", "Noto Serif CJK SC", false},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *fam = NULL, *file = NULL;
		bool fb = !cases[i].fallback;
		cr_assert_eq(ws_fonts_resolve_role(F, cases[i].role, &fam, &file, &fb), WS_OK);
		cr_expect_str_eq(fam, cases[i].family, "%s", cases[i].role);
		cr_expect_eq(fb, cases[i].fallback, "%s", cases[i].role);
		cr_expect_not_null(file);
		if (strcmp(cases[i].role, "Wenshu Title") == 0)
			cr_expect(strstr(file, "Bold") != NULL, "title file %s", file);
		g_free(fam);
		g_free(file);
	}
	cr_expect_eq(ws_fonts_resolve_role(F, NULL, NULL, NULL, NULL), WS_EUSAGE);
	cr_expect_eq(ws_fonts_resolve_role(NULL, "Wenshu Song", NULL, NULL, NULL), WS_EUSAGE);
}

Test(fonts, cwtex_fangsong_is_never_chosen, .init = setup, .fini = teardown)
{
	char *fam = NULL;
	bool fb = false;
	cr_assert_eq(ws_fonts_resolve_role(F, "cwTeXFangSong", &fam, NULL, &fb), WS_OK);
	cr_expect_str_neq(fam, "cwTeXFangSong");
	cr_expect(fb);
	g_free(fam);
}

Test(fonts, context_is_unhinted_72_dpi_zh_cn, .init = setup, .fini = teardown)
{
	cr_expect_float_eq(pango_cairo_context_get_resolution(C), 72.0, 1e-9);
	cr_expect_str_eq(pango_language_to_string(pango_context_get_language(C)), "zh-cn");
	cr_expect_eq(pango_context_get_base_dir(C), PANGO_DIRECTION_LTR);
	const cairo_font_options_t *o = pango_cairo_context_get_font_options(C);
	cr_assert_not_null(o);
	cr_expect_eq(cairo_font_options_get_hint_metrics(o), CAIRO_HINT_METRICS_OFF);
	cr_expect_eq(cairo_font_options_get_hint_style(o), CAIRO_HINT_STYLE_NONE);
	cr_expect_eq(cairo_font_options_get_antialias(o), CAIRO_ANTIALIAS_GRAY);
	/* L17: a 16 pt hanzi is exactly 16 pt wide (hinted metrics give 21 px
	 * at 96 dpi instead of 21.33). */
	PangoLayout *l = layout_for("签证处", "Wenshu Song 16");
	PangoRectangle log;
	pango_layout_get_extents(l, NULL, &log);
	cr_expect_eq(log.width, 48 * PANGO_SCALE);
	g_object_unref(l);
}

Test(fonts, ext_b_character_falls_back_to_hanazono_with_warning, .init = setup, .fini = teardown)
{
	/* 𠮷 (U+20BB7) is in Noto Serif CJK SC 2.001 itself (Japanese names);
	 * U+20001 𠀁 is not, and only HanaMinB has it. */
	PangoLayout *yoshi = layout_for("吉𠮷野家", "Wenshu Song 16");
	cr_expect_eq(ws_fonts_check_layout(yoshi, WS_LOC_NONE, NULL, NULL), 0);
	g_object_unref(yoshi);

	PangoLayout *l = layout_for("吉\xf0\xa0\x80\x81野家", "Wenshu Song 16");
	ws_diags *d = ws_diags_new();
	ws_loc loc = {g_intern_string("layouts/note.yaml"), 3, 5};
	cr_expect_eq(ws_fonts_check_layout(l, loc, "group.name", d), 0);
	cr_assert_eq(ws_diags_count(d), 1);
	const ws_diag *w = ws_diags_at(d, 0);
	cr_expect_eq(w->severity, WS_SEVERITY_WARNING);
	cr_expect_str_eq(w->message, "character U+20001 '\xf0\xa0\x80\x81' drawn from fallback font 'HanaMinB'");
	cr_expect_eq(w->loc.line, 3);
	cr_expect_eq(w->loc.column, 5);
	cr_expect_str_eq(w->path, "group.name");
	ws_diags_free(d);
	g_object_unref(l);
}

/* Issue 12: the face drawing the CJK Ext-B hanzi FandolFang lacks in a
 * 仿宋 body.  Looked at side by side at 200 and 400 dpi (docs/typography.md):
 * AR PL UKai CN's 𠮷 is a heavy sans-like glyph, not a 楷体 one, and
 * HanaMinB (lighter, 明朝) has no BMP hanzi, so cjk.c could not line up its
 * ink with the body's (it sat 1.7 pt high, aligned by em box); Noto Serif
 * CJK SC has both the glyphs and the reference hanzi 国吉永. */
Test(fonts, fangsong_ext_b_falls_back_to_a_face_cjk_can_align, .init = setup, .fini = teardown)
{
	PangoLayout *l = layout_for("张\xf0\xa0\xae\xb7祥与\xf0\xa1\x88\xbc某", "Wenshu FangSong 16");
	PangoLayoutIter *it = pango_layout_get_iter(l);
	int fallback_runs = 0;
	do {
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		if (!run)
			continue;
		const char *t = pango_layout_get_text(l) + run->item->offset;
		PangoFontDescription *d = pango_font_describe(run->item->analysis.font);
		const char *fam = pango_font_description_get_family(d);
		if (g_utf8_get_char(t) > 0xFFFF) {
			fallback_runs++;
			cr_expect_str_eq(fam, "Noto Serif CJK SC", "U+%X", g_utf8_get_char(t));
			hb_font_t *hb = pango_font_get_hb_font(run->item->analysis.font);
			hb_codepoint_t g;
			for (const char *r = "国吉永"; *r; r = g_utf8_next_char(r))
				cr_expect(hb_font_get_nominal_glyph(hb, g_utf8_get_char(r), &g), "%s has no reference hanzi", fam);
		} else {
			cr_expect_str_eq(fam, "FandolFang");
		}
		pango_font_description_free(d);
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	cr_expect_eq(fallback_runs, 2);
	g_object_unref(l);
}

Test(fonts, character_in_no_font_is_an_error, .init = setup, .fini = teardown)
{
	/* U+10FFFD: plane-16 private use, in no installed font. */
	PangoLayout *l = layout_for("签\xf4\x8f\xbf\xbd证", "Wenshu Song 16");
	ws_diags *d = ws_diags_new();
	cr_expect_eq(ws_fonts_check_layout(l, WS_LOC_NONE, NULL, d), 1);
	cr_assert_eq(ws_diags_count_severity(d, WS_SEVERITY_ERROR), 1);
	const ws_diag *e = ws_diags_at(d, 0);
	cr_expect_str_eq(e->message, "character U+10FFFD '\xf4\x8f\xbf\xbd' is not in any installed font");
	ws_diags_free(d);
	g_object_unref(l);
	cr_expect_eq(ws_fonts_check_layout(NULL, WS_LOC_NONE, NULL, NULL), WS_EUSAGE);
}

/* Every hanzi of a double-byte code page, in code order. */
static GString *hanzi_of(const char *charset, int lead_lo, int lead_hi, int trail_lo, int *count)
{
	GString *s = g_string_new(NULL);
	*count = 0;
	for (int a = lead_lo; a <= lead_hi; a++) {
		for (int b = trail_lo; b <= 0xFE; b++) {
			if (b == 0x7F)
				continue;
			char in[2] = {(char)a, (char)b};
			gsize w = 0;
			char *u = g_convert(in, 2, "UTF-8", charset, NULL, &w, NULL);
			if (!u)
				continue;
			gunichar ch = g_utf8_get_char(u);
			if (g_unichar_get_script(ch) == G_UNICODE_SCRIPT_HAN && g_unichar_isalpha(ch)) {
				g_string_append(s, u);
				(*count)++;
			}
			g_free(u);
		}
	}
	return s;
}

Test(fonts, all_gb2312_hanzi_have_glyphs_in_song, .init = setup, .fini = teardown, .timeout = 60)
{
	int n;
	/* GB2312 hanzi: rows 16–87 (lead bytes 0xB0–0xF7), cells 0xA1–0xFE. */
	GString *s = hanzi_of("GB2312", 0xB0, 0xF7, 0xA1, &n);
	cr_assert_eq(n, 6763);
	PangoLayout *l = layout_for(s->str, "Wenshu Song 16");
	ws_diags *d = ws_diags_new();
	cr_expect_eq(ws_fonts_check_layout(l, WS_LOC_NONE, NULL, d), 0);
	cr_expect_eq(ws_diags_count(d), 0, "first: %s",
	             ws_diags_count(d) ? ws_diags_at(d, 0)->message : "");
	ws_diags_free(d);
	g_object_unref(l);
	g_string_free(s, TRUE);
}

Test(fonts, all_gbk_hanzi_have_glyphs_in_song, .init = setup, .fini = teardown, .timeout = 120)
{
	int n;
	GString *s = hanzi_of("GBK", 0x81, 0xFE, 0x40, &n);
	/* GBK: the 20,902 URO hanzi plus 〇 and the compatibility ideographs. */
	cr_assert_geq(n, 20902);
	PangoLayout *l = layout_for(s->str, "Wenshu Song 16");
	ws_diags *d = ws_diags_new();
	cr_expect_eq(ws_fonts_check_layout(l, WS_LOC_NONE, NULL, d), 0);
	cr_expect_eq(ws_diags_count_severity(d, WS_SEVERITY_ERROR), 0);
	ws_diags_free(d);
	g_object_unref(l);
	g_string_free(s, TRUE);
}

Test(fonts, missing_configuration_or_folder_is_an_io_error)
{
	ws_fonts *f = (ws_fonts *)1;
	ws_diags *d = ws_diags_new();
	cr_expect_eq(ws_fonts_new(&f, "/nonexistent/fonts.conf", NULL, d), WS_EIO);
	cr_expect_null(f);
	cr_assert_eq(ws_diags_count(d), 1);
	char *msg = ws_diag_format(ws_diags_at(d, 0));
	cr_expect_str_eq(msg, "wenshu: /nonexistent/fonts.conf: error: font configuration not found");
	g_free(msg);
	ws_diags_clear(d);

	const char *dirs[] = {"/nonexistent-fonts", NULL};
	cr_expect_eq(ws_fonts_new(&f, NULL, dirs, d), WS_EIO);
	cr_expect_null(f);
	cr_expect(strstr(ws_diags_at(d, 0)->message, "/nonexistent-fonts") != NULL);

	/* A file that is not a fontconfig document. */
	char *bad = g_build_filename(WS_TEST_BUILD_DIR, "bad-fonts.conf", NULL);
	cr_assert(g_file_set_contents(bad, "<fontconfig><bogus", -1, NULL));
	ws_diags_clear(d);
	cr_expect_eq(ws_fonts_new(&f, bad, NULL, d), WS_EIO);
	cr_expect_eq(ws_diags_count_severity(d, WS_SEVERITY_ERROR), 1);
	g_unlink(bad);
	g_free(bad);

	cr_expect_eq(ws_fonts_new(NULL, NULL, NULL, d), WS_EUSAGE);
	ws_diags_free(d);
	ws_fonts_free(NULL);
}

Test(fonts, extra_folder_is_added)
{
	ws_fonts *f = NULL;
	const char *dirs[] = {"/usr/share/fonts/truetype/hanazono", NULL};
	cr_assert_eq(ws_fonts_new(&f, NULL, dirs, NULL), WS_OK);
	cr_expect_not_null(ws_fonts_font_map(f));
	char *fam = NULL;
	cr_assert_eq(ws_fonts_resolve_role(f, "HanaMinB", &fam, NULL, NULL), WS_OK);
	cr_expect_str_eq(fam, "HanaMinB");
	g_free(fam);
	ws_fonts_free(f);
}
