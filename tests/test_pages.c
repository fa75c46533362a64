/* What fits on one page (README "What fits on one page", issue 11): every
 * shipped document rendered for the groups of tools/gen-groups (1, 2, 3,
 * 4, 8, 30 applicants × short/long names × self/delegated), its page count
 * read back with pdfinfo and compared with the table below.  A layout
 * change that pushes a usual group onto a second page — or a pagination
 * change that moves the closing alone onto a new one — fails here; an
 * intended change updates this table and the README's together.
 *
 * Under the sanitizers tests/meson.build generates only the sizes 1, 4 and
 * 30: the groups that exist are checked. */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

static const int sizes[] = {1, 2, 3, 4, 8, 30};

/* Pages for sizes[i], with short and with long names and work units (the
 * route changes nothing). */
static const struct {
	const char *kind;
	const char *data; /* the groups file: both routes, or one route's */
	int short_names[6];
	int long_names[6];
} expected[] = {
	/* both registration forms: one table row pair per applicant at 小五,
	 * the paper form's one page up to 4 (the self form, with fewer group
	 * fields and no fees, up to 8 short names or 7 long ones) */
	{"registration-self", "groups-matrix-self.yaml", {1, 1, 1, 1, 1, 3}, {1, 1, 1, 1, 2, 3}},
	{"registration-delegated", "groups-matrix-delegated.yaml", {1, 1, 1, 1, 2, 3}, {1, 1, 1, 1, 2, 4}},
	{"note", "groups-matrix.yaml", {1, 1, 1, 1, 2, 3}, {1, 1, 2, 2, 2, 4}},
	{"interview-confirmation", "groups-matrix.yaml", {1, 1, 1, 1, 2, 2}, {1, 1, 1, 1, 2, 2}},
	{"payment-receipt", "groups-matrix.yaml", {1, 1, 1, 1, 1, 2}, {1, 1, 1, 1, 1, 2}},
	{"note-cover", "groups-matrix.yaml", {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}},
	{"passport-receipt", "groups-matrix.yaml", {1, 1, 1, 1, 1, 2}, {1, 1, 1, 1, 1, 2}},
};

static int pages_of(const char *pdf)
{
	char *info = wst_pdfinfo(pdf);
	cr_assert_not_null(info, "pdfinfo %s", pdf);
	const char *p = strstr(info, "Pages:");
	cr_assert_not_null(p, "pdfinfo %s:\n%s", pdf, info);
	int n = atoi(p + strlen("Pages:"));
	g_free(info);
	return n;
}

/* Renders `kind` for every group of `data`, one of the groups files that
 * tests/meson.build generates with tools/gen-groups, into a new folder:
 * one PDF per group, named after its id.  Returns the folder (caller
 * g_free()s). */
static char *render_matrix(const char *kind, const char *data)
{
	char *path = g_build_filename(g_getenv("WENSHU_BUILD_DIR"), "tests", data, NULL);
	char *dir = wst_tmpdir();
	char *tmpl = g_strdup_printf("%s/{group.group_id}.pdf", dir);
	const char *args[] = {"render", kind, "--data", path, "-o", tmpl, NULL};
	char *err = NULL;
	int rc = wst_wenshu(args, NULL, &err);
	cr_assert_eq(rc, 0, "%s for %s: exit %d\n%s", kind, data, rc, err);
	g_free(err);
	g_free(tmpl);
	g_free(path);
	return dir;
}

/* The PDF of one gen-groups group in a render_matrix() folder (caller
 * g_free()s; it may not exist in the sanitizer build's smaller matrix). */
static char *matrix_pdf(const char *dir, int size, bool long_names, const char *route)
{
	return g_strdup_printf("%s/G-S%02d-%s-%s.pdf", dir, size, long_names ? "LONG" : "SHORT", route);
}

Test(pages, what_fits_on_one_page)
{
	for (size_t k = 0; k < G_N_ELEMENTS(expected); k++) {
		char *dir = render_matrix(expected[k].kind, expected[k].data);
		int checked = 0;
		for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++)
			for (int lng = 0; lng < 2; lng++)
				for (int dlg = 0; dlg < 2; dlg++) {
					char *pdf = matrix_pdf(dir, sizes[i], lng, dlg ? "DLG" : "SELF");
					if (g_file_test(pdf, G_FILE_TEST_EXISTS)) {
						int want = lng ? expected[k].long_names[i] : expected[k].short_names[i];
						int got = pages_of(pdf);
						cr_expect_eq(got, want, "%s, %d applicant(s), %s names, %s: %d page(s), want %d",
						             expected[k].kind, sizes[i], lng ? "long" : "short",
						             dlg ? "delegated" : "self", got, want);
						checked++;
					}
					g_free(pdf);
				}
		/* one applicant, both name lengths, at least */
		cr_assert_geq(checked, 2, "%s: only %d documents rendered", expected[k].kind, checked);
		g_free(dir);
	}
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* An applicant is two table rows on both registration forms: the first
 * with the DS-160 number, the second with the work unit (self: the
 * fictional unit's '（虚构）' and a space before the position) or the
 * e-mail address (delegated).  A page break between them would leave half
 * an applicant at the foot of a page; the rows of one `each` item go over
 * together.  Read back page by page from the 30-applicant groups. */
Test(pages, an_applicant_is_never_split_across_pages)
{
	static const struct {
		const char *kind, *data, *second; /* the second row's mark */
		int extra_on_first;                /* the same mark above the table on page 1 */
	} forms[] = {
		{"registration-self", "groups-matrix-self.yaml", "（虚构） ", 0},
		{"registration-delegated", "groups-matrix-delegated.yaml", "@", 1}, /* 联系邮箱 */
	};
	for (size_t k = 0; k < G_N_ELEMENTS(forms); k++) {
		char *dir = render_matrix(forms[k].kind, forms[k].data);
		int checked = 0;
		for (int lng = 0; lng < 2; lng++) {
			char *pdf = matrix_pdf(dir, 30, lng, strstr(forms[k].kind, "self") ? "SELF" : "DLG");
			char *text = wst_pdftotext(pdf, false);
			cr_assert_not_null(text, "%s", pdf);
			char **pages = g_strsplit(text, "\f", -1);
			int rows = 0;
			for (int p = 0; pages[p]; p++) {
				int first = count_of(pages[p], "AA00T");
				int second = count_of(pages[p], forms[k].second) - (p == 0 ? forms[k].extra_on_first : 0);
				cr_expect_eq(first, second, "%s %s page %d: %d first rows, %d second rows", forms[k].kind,
				             lng ? "long" : "short", p + 1, first, second);
				rows += first;
			}
			cr_expect_eq(rows, 30, "%s: %d applicants printed", pdf, rows);
			checked++;
			g_strfreev(pages);
			g_free(text);
			g_free(pdf);
		}
		cr_assert_eq(checked, 2);
		g_free(dir);
	}
}

/* A section heading is never the last thing on a page: it goes over with
 * the table under it, also when that table is kept together and moves on
 * whole (三、费用 of the 30-person delegated form with long names stood
 * alone at the foot of page 3).  Read back page by page over the matrix. */
Test(pages, a_heading_stays_with_its_table)
{
	static const struct {
		const char *heading, *under; /* text of the table's first row */
	} sections[] = {
		{"二、申请人信息", "中文姓名"},
		{"三、费用及材料回寄地址", "签证费"},
		{"四、随表寄送材料", "委托护照签证部预约美国签证面谈登记表"},
	};
	char *dir = render_matrix("registration-delegated", "groups-matrix-delegated.yaml");
	int checked = 0;
	for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++)
		for (int lng = 0; lng < 2; lng++) {
			char *pdf = matrix_pdf(dir, sizes[i], lng, "DLG");
			if (g_file_test(pdf, G_FILE_TEST_EXISTS)) {
				char *text = wst_pdftotext(pdf, false);
				cr_assert_not_null(text, "%s", pdf);
				char **pages = g_strsplit(text, "\f", -1);
				for (size_t k = 0; k < G_N_ELEMENTS(sections); k++) {
					int found = 0;
					for (int p = 0; pages[p]; p++) {
						char *sq = wst_squeeze(pages[p]); /* 均排 labels read whole */
						const char *h = strstr(sq, sections[k].heading);
						if (h) {
							found++;
							cr_expect(strstr(h, sections[k].under), "%d applicant(s), %s names: page %d ends with %s",
							          sizes[i], lng ? "long" : "short", p + 1, sections[k].heading);
						}
						g_free(sq);
					}
					cr_expect_eq(found, 1, "%s: %s printed %d times", pdf, sections[k].heading, found);
				}
				checked++;
				g_strfreev(pages);
				g_free(text);
			}
			g_free(pdf);
		}
	/* the 30-person groups at least (the sanitizer build has 1, 4 and 30) */
	cr_assert_geq(checked, 6, "%d documents", checked);
	g_free(dir);
}

/* A Chinese name is never wrapped inside a table cell: the long
 * compound names of tools/gen-groups (12 characters with the middle dot)
 * read whole on every page of the forms and the note that list them. */
Test(pages, chinese_names_stay_on_one_line)
{
	static const char *const names[] = {"阿不都热依木·艾克拜尔", "努尔艾合麦提·买买提依明", "欧阳庄爽",
	                                    "司马相如", "热孜万古丽·阿不都瓦依提", "叶尔兰·努尔兰别克"};
	static const struct {
		const char *kind, *data, *route;
	} docs[] = {
		{"registration-self", "groups-matrix-self.yaml", "SELF"},
		{"registration-delegated", "groups-matrix-delegated.yaml", "DLG"},
		{"note", "groups-matrix-self.yaml", "SELF"},
	};
	for (size_t k = 0; k < G_N_ELEMENTS(docs); k++) {
		char *dir = render_matrix(docs[k].kind, docs[k].data);
		char *pdf = matrix_pdf(dir, 30, true, docs[k].route);
		char *text = wst_pdftotext(pdf, false);
		cr_assert_not_null(text, "%s", pdf);
		for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
			cr_expect(count_of(text, names[i]) == 5, "%s: %s whole on its 5 rows (found %d)", docs[k].kind,
			          names[i], count_of(text, names[i]));
		g_free(text);
		g_free(pdf);
		g_free(dir);
	}
}

/* A name table long enough to split (4 rows: WS_KEEP_ROWS on each side)
 * opens under its heading on the page where the body ends and hands its
 * last rows to the closing, rather than go over whole and leave half of
 * page 1 empty; a 3-row table cannot split so and goes over whole with
 * its heading.  The note of 3 and 4 applicants with long names. */
Test(pages, a_table_that_can_split_opens_under_its_heading)
{
	char *dir = render_matrix("note", "groups-matrix.yaml");
	static const struct {
		int size;
		int on_page1, on_page2; /* passport numbers per page */
	} cases[] = {{3, 0, 3}, {4, 2, 2}};
	for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
		char *pdf = matrix_pdf(dir, cases[k].size, true, "SELF");
		if (!g_file_test(pdf, G_FILE_TEST_EXISTS)) { /* the sanitizer build's smaller matrix */
			g_free(pdf);
			continue;
		}
		char *text = wst_pdftotext(pdf, false);
		cr_assert_not_null(text, "%s", pdf);
		char **pages = g_strsplit(text, "\f", -1);
		cr_assert_not_null(pages[0]);
		cr_assert_not_null(pages[1], "%s: one page", pdf);
		cr_expect_eq(count_of(pages[0], "PE00000"), cases[k].on_page1, "%d applicants: %d rows on page 1, want %d",
		             cases[k].size, count_of(pages[0], "PE00000"), cases[k].on_page1);
		cr_expect_eq(count_of(pages[1], "PE00000"), cases[k].on_page2, "%d applicants: %d rows on page 2, want %d",
		             cases[k].size, count_of(pages[1], "PE00000"), cases[k].on_page2);
		/* the heading is where the table opens */
		cr_expect_eq(count_of(pages[0], "申请人名单如下") == 1, cases[k].on_page1 > 0, "%d applicants: heading",
		             cases[k].size);
		cr_expect(strstr(pages[1], "顺致崇高的敬意"), "%d applicants: the closing with the last rows", cases[k].size);
		g_strfreev(pages);
		g_free(text);
		g_free(pdf);
	}
	g_free(dir);
}
