/* The 中文照会 (layouts/note.yaml) and its cover, end to end: the real
 * binary, read back with pdftotext as a clerk would, glyph boxes from
 * pdftotext -bbox for the GB/T 9704 grid, and reference images. */
#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define LEFT 79.370  /* 28 mm */
#define RIGHT 521.575 /* 28 mm + 156 mm */

static char *render(const char *kind, const char *sample, const char *dir)
{
	char *data = g_strdup_printf("examples/data/%s.yaml", sample);
	char *tpl = g_strdup_printf("%s/%s-{kind}.{format}", dir, sample);
	const char *args[] = {"render", kind, "--data", data, "-f", "pdf,png", "-o", tpl, NULL};
	char *err = NULL;
	int rc = wst_wenshu(args, NULL, &err);
	cr_assert_eq(rc, 0, "render %s %s: %s", kind, sample, err);
	g_free(err);
	g_free(data);
	g_free(tpl);
	return g_strdup_printf("%s/%s-%s", dir, sample, kind);
}

typedef struct word {
	double x0, y0, x1;
	char *text;
} word;

/* The words of page 1 from pdftotext -bbox. */
static GArray *bbox_words(const char *pdf)
{
	const char *argv[] = {"pdftotext", "-bbox", "-f", "1", "-l", "1", pdf, "-", NULL};
	char *out = NULL;
	int status = 0;
	cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, NULL));
	GArray *w = g_array_new(FALSE, TRUE, sizeof(word));
	GRegex *re = g_regex_new("<word xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\" xMax=\"([0-9.]+)\" yMax=\"[0-9.]+\">([^<]*)</word>",
	                         0, 0, NULL);
	GMatchInfo *mi;
	g_regex_match(re, out, 0, &mi);
	while (g_match_info_matches(mi)) {
		word x;
		char *s;
		x.x0 = g_ascii_strtod(s = g_match_info_fetch(mi, 1), NULL), g_free(s);
		x.y0 = g_ascii_strtod(s = g_match_info_fetch(mi, 2), NULL), g_free(s);
		x.x1 = g_ascii_strtod(s = g_match_info_fetch(mi, 3), NULL), g_free(s);
		x.text = g_match_info_fetch(mi, 4);
		g_array_append_val(w, x);
		g_match_info_next(mi, NULL);
	}
	g_match_info_free(mi);
	g_regex_unref(re);
	g_free(out);
	return w;
}

/* The note's PNGs against tests/reference: a pixel differs when a channel
 * is off by more than 48/255, and 0.5 % of the page may differ, because
 * FreeType builds antialias glyph edges a little differently; a moved
 * line or a missing word changes far more than that. */
#define REF_TOLERANCE 0.005

static bool is_han(gunichar c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

/* Cells a line of text occupies on the 28-character grid: hanzi and
 * full-width marks one each; NAN when the line holds Latin or digits
 * (their widths are not grid cells). */
static double cells(const char *s)
{
	double n = 0;
	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == ' ')
			continue;
		if (c < 0x2000)
			return NAN;
		n++;
	}
	return n;
}

/* Every full line of the body (from the opening formula to the line
 * before the applicant list) ends at the right edge of the 156 mm type
 * area, ± 0.5 pt, and no glyph crosses it; lines of hanzi only hold
 * exactly 28 cells (the indent of a first line counts as 2). */
static void check_grid(const char *pdf, const char *first_word)
{
	GArray *w = bbox_words(pdf);
	double top = -1, bottom = -1;
	for (guint i = 0; i < w->len; i++) {
		word *x = &g_array_index(w, word, i);
		if (top < 0 && g_str_has_prefix(x->text, first_word))
			top = x->y0;
		if (strstr(x->text, "申请人名单如下"))
			bottom = x->y0;
	}
	cr_assert(top > 0 && bottom > top, "body found (%g..%g)", top, bottom);
	int full = 0, pure = 0;
	/* the lines' texts first, so a line can look at the next one */
	GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
	GArray *ys = g_array_new(FALSE, FALSE, sizeof(double));
	for (double y = top; y < bottom + 1;) {
		GString *t = g_string_new(NULL);
		double next = 1e9;
		for (guint i = 0; i < w->len; i++) {
			word *x = &g_array_index(w, word, i);
			if (fabs(x->y0 - y) < 0.5)
				g_string_append(t, x->text);
			else if (x->y0 > y + 0.5 && x->y0 < next)
				next = x->y0;
		}
		g_ptr_array_add(texts, g_string_free(t, FALSE));
		g_array_append_val(ys, y);
		y = next;
	}
	guint li = 0;
	for (double y = top; y < bottom - 1; li++) {
		double x0 = 1e9, x1 = 0, next = 1e9;
		GString *line = g_string_new(NULL);
		gunichar last = 0;
		for (guint i = 0; i < w->len; i++) {
			word *x = &g_array_index(w, word, i);
			if (fabs(x->y0 - y) < 0.5) {
				x0 = MIN(x0, x->x0);
				if (x->x1 > x1) {
					x1 = x->x1;
					last = g_utf8_get_char(g_utf8_prev_char(x->text + strlen(x->text)));
				}
				g_string_append(line, x->text);
			} else if (x->y0 > y + 0.5 && x->y0 < next) {
				next = x->y0;
			}
		}
		bool para_end = next >= bottom - 1 || x1 < RIGHT - 20;
		if (!para_end) {
			full++;
			cr_assert(x0 >= LEFT - 8.1, "line starts inside the type area (L8 allows half an em): %s at %g",
			          line->str, x0);
			if (is_han(last) || g_unichar_isalnum(last))
				cr_assert(fabs(x1 - RIGHT) <= 0.5, "full line ends at the right edge: %s ends at %.3f, want %.3f",
				          line->str, x1, RIGHT);
			double n = cells(line->str) + (x0 > LEFT + 20 ? 2 : 0);
			if (!isnan(n)) {
				pure++;
				/* 28 cells, or 27 when the 28th character had to go down
				 * with the mark that may not start a line (L1: no hanging
				 * punctuation), e.g. 致|意， */
				const char *nx = li + 1 < texts->len ? g_ptr_array_index(texts, li + 1) : "";
				gunichar second = *nx ? g_utf8_get_char(g_utf8_next_char(nx)) : 0;
				bool carried = second && g_utf8_strchr("，。、；：？！）》”’〕】", -1, second);
				cr_assert((int)n == 28 || ((int)n == 27 && carried),
				          "a full line of hanzi holds 28 characters: %s (%g), next %s", line->str, n, nx);
			}
		}
		g_string_free(line, TRUE);
		y = next;
	}
	cr_assert_geq(full, 2, "the body has full lines");
	cr_assert_geq(pure, 1, "at least one line is all hanzi");
	g_ptr_array_free(texts, TRUE);
	g_array_free(ys, TRUE);
	for (guint i = 0; i < w->len; i++)
		g_free(g_array_index(w, word, i).text);
	g_array_free(w, TRUE);
}

static void check_note(const char *sample, const char *no, const char *addressee, const char *const *names,
                       const char *const *passports, const char *date, const char *ref)
{
	char *dir = wst_tmpdir();
	char *base = render("note", sample, dir);
	char *pdf = g_strdup_printf("%s.pdf", base), *png = g_strdup_printf("%s.png", base);
	char *text = wst_pdftotext(pdf, false);
	cr_assert_not_null(text);
	char *flat = wst_squeeze(text);
	char *addr_line = g_strdup_printf("%s：", addressee);
	char *opening = g_strdup_printf("中华人民共和国外交部向%s致意，并谨通知如下：", addressee);
	char *request = g_strdup_printf("请%s惠予办理B1签证。", addressee);
	const char *order[] = {no, addr_line, opening, "经批准（测外任〔2025〕", request, "申请人名单如下：",
	                       names[0], passports[0],
	                       "顺致崇高的敬意。", date, NULL};
	wst_assert_in_order(flat, order);
	cr_assert(strstr(flat, "姓名") && strstr(flat, "性别") && strstr(flat, "出生日期") &&
	          strstr(flat, "工作单位及职务") && strstr(flat, "护照号码"), "the list's columns");
	for (int i = 0; names[i]; i++) {
		cr_assert(strstr(flat, names[i]), "%s listed", names[i]);
		cr_assert(strstr(flat, passports[i]), "%s listed", passports[i]);
	}
	/* note verbale: third person, full names (DOMAIN §1.2) */
	static const char *const banned[] = {"贵馆", "贵方", "我们", "你们", "我部", NULL};
	for (int i = 0; banned[i]; i++)
		cr_assert_null(strstr(flat, banned[i]), "third person: no %s", banned[i]);
	cr_assert(strstr(flat, "—1—"), "page number — 1 —");
	char *info = wst_pdfinfo(pdf);
	cr_assert(strstr(info, "Pages:           1"), "one page for a small group:\n%s", info);
	check_grid(pdf, "中华人民共和国外交部向");
	wst_assert_reference(png, ref, REF_TOLERANCE);
	g_free(info);
	g_free(addr_line);
	g_free(opening);
	g_free(request);
	g_free(flat);
	g_free(text);
	g_free(pdf);
	g_free(png);
	g_free(base);
	g_free(dir);
}

Test(docs_note, self_beijing)
{
	const char *names[] = {"贾测试", "JIACESHI", NULL};
	const char *pass[] = {"PE0000001", "PE0000001", NULL};
	check_note("self-beijing", "（2025）测签字第001号", "美利坚合众国驻华大使馆", names, pass,
	           "二〇二五年三月五日于北京", "note-self-beijing");
}

/* Three applicants, a long Latin inviting party on the first body line
 * (justified lines with Latin words once overshot the type area). */
Test(docs_note, delegated_shanghai)
{
	const char *names[] = {"甄示例", "贾样本", "范例华", NULL};
	const char *pass[] = {"PE0000002", "PE0000003", "SE0000004", NULL};
	check_note("delegated-shanghai", "（2025）测签字第002号", "美利坚合众国驻上海总领事馆", names, pass,
	           "二〇二五年三月二十一日于北京", "note-delegated-shanghai");
}

Test(docs_note, cover)
{
	char *dir = wst_tmpdir();
	char *base = render("note-cover", "delegated-shanghai", dir);
	char *pdf = g_strdup_printf("%s.pdf", base), *png = g_strdup_printf("%s.png", base);
	char *text = wst_pdftotext(pdf, false);
	char *flat = wst_squeeze(text);
	const char *order[] = {"（2025）测签字第002号", "照会", "美利坚合众国驻上海总领事馆", "某某市示例考察团（虚构）",
	                       "3人", "待预约", "中华人民共和国外交部", "二〇二五年三月二十一日于北京", NULL};
	wst_assert_in_order(flat, order);
	wst_assert_reference(png, "note-cover-delegated-shanghai", REF_TOLERANCE);
	g_free(flat);
	g_free(text);
	g_free(pdf);
	g_free(png);
	g_free(base);
	g_free(dir);

	/* the self route has a booked interview: its date is on the slip */
	dir = wst_tmpdir();
	base = render("note-cover", "self-beijing", dir);
	pdf = g_strdup_printf("%s.pdf", base);
	text = wst_pdftotext(pdf, false);
	flat = wst_squeeze(text);
	cr_assert(strstr(flat, "2025年3月18日08:30"), "interview date on the routing slip: %s", flat);
	cr_assert_null(strstr(flat, "待预约"));
	g_free(flat);
	g_free(text);
	g_free(pdf);
	g_free(base);
	g_free(dir);
}
