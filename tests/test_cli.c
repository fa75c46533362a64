/* The command line as a user meets it: exit statuses, messages, outputs. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include <cairo.h>

#include "support.h"

#define SIMPLE "tests/data/layouts/simple.yaml"
#define SELF "examples/data/self-beijing.yaml"

static char *slurp(const char *path, gsize *len)
{
	char *data = NULL;
	cr_assert(g_file_get_contents(path, &data, len, NULL), "read %s", path);
	return data;
}

static void assert_info(const char *info, const char *key, const char *want)
{
	char *v = wst_pdfinfo_field(info, key);
	cr_assert_str_eq(v, want, "pdfinfo %s", key);
	g_free(v);
}

Test(cli, help_and_version)
{
	char *out = NULL;
	const char *help[] = {"--help", NULL};
	cr_assert_eq(wst_wenshu(help, &out, NULL), 0);
	cr_assert(strstr(out, "render") && strstr(out, "check") && strstr(out, "packet"));
	g_free(out);
	const char *ver[] = {"--version", NULL};
	cr_assert_eq(wst_wenshu(ver, &out, NULL), 0);
	cr_assert(g_str_has_prefix(out, "wenshu "));
	g_free(out);
}

Test(cli, usage_errors_exit_2)
{
	const char *none[] = {NULL};
	cr_assert_eq(wst_wenshu(none, NULL, NULL), 2);
	const char *bad[] = {"rendr", NULL};
	cr_assert_eq(wst_wenshu(bad, NULL, NULL), 2);
	const char *nodata[] = {"render", SIMPLE, NULL};
	cr_assert_eq(wst_wenshu(nodata, NULL, NULL), 2);
	const char *badfmt[] = {"render", SIMPLE, "--data", SELF, "--format", "docx", NULL};
	cr_assert_eq(wst_wenshu(badfmt, NULL, NULL), 2);
	char *err = NULL;
	const char *kind[] = {"render", "payment-reciept", "--data", SELF, NULL};
	cr_assert_eq(wst_wenshu(kind, NULL, &err), 2);
	cr_assert(strstr(err, "did you mean 'payment-receipt'?"), "%s", err);
	g_free(err);
}

Test(cli, a_broken_layout_names_file_line_column_and_exits_1)
{
	char *err = NULL;
	const char *args[] = {"check", "tests/data/layouts/broken.yaml", NULL};
	cr_assert_eq(wst_wenshu(args, NULL, &err), 1);
	cr_assert(strstr(err, "tests/data/layouts/broken.yaml:6:5: error: unknown element type 'barcod' (did you mean 'barcode'?)"),
	          "%s", err);
	g_free(err);
}

Test(cli, a_missing_file_is_a_usage_error)
{
	char *err = NULL;
	const char *args[] = {"render", SIMPLE, "--data", "no/such/file.yaml", NULL};
	cr_assert_eq(wst_wenshu(args, NULL, &err), 2);
	cr_assert(strstr(err, "wenshu: no/such/file.yaml: error: no such data file"), "%s", err);
	g_free(err);
}

Test(cli, renders_pdf_and_png_that_read_back)
{
	char *dir = wst_tmpdir();
	char *tmpl = g_strdup_printf("%s/{group.group_id}-{kind}", dir);
	const char *args[] = {"render", SIMPLE, "--data", SELF, "-o", tmpl, "--format", "pdf,png", NULL};
	char *err = NULL;
	cr_assert_eq(wst_wenshu(args, NULL, &err), 0, "%s", err);
	char *pdf = g_strdup_printf("%s/G2025-TEST-001-interview-confirmation.pdf", dir);
	char *png = g_strdup_printf("%s/G2025-TEST-001-interview-confirmation.png", dir);
	char *text = wst_pdftotext(pdf, false);
	cr_assert_not_null(text);
	const char *order[] = {"美国国务院官方签证预约服务", "JIA CESHI", "PE0000001", "AA00TEST01", "2025/03/18",
	                       "序号", "贾测试", NULL};
	wst_assert_in_order(text, order);
	char *fonts = wst_pdffonts(pdf);
	cr_assert(strstr(fonts, "NotoSansCJKsc"), "%s", fonts);
	cr_assert_null(strstr(fonts, "DejaVu"), "the barcode's text uses the Hei role too:\n%s", fonts);
	/* every CJK font embedded as a subset: "CID Type 0C ... yes yes" */
	char **lines = g_strsplit(fonts, "\n", -1);
	for (char **l = lines; *l; l++)
		if (strstr(*l, "CJK"))
			cr_assert(strstr(*l, "yes yes"), "embedded subset: %s", *l);
	g_strfreev(lines);
	char *info = wst_pdfinfo(pdf);
	assert_info(info, "Title", "测试文书");
	assert_info(info, "Author", "测试外事办公室");
	assert_info(info, "Creator", "wenshu 0.1.0");
	assert_info(info, "CreationDate", "Wed Mar  5 00:00:00 2025 UTC");
	assert_info(info, "Page size", "595.276 x 841.89 pts (A4)");
	g_free(info);
	g_free(fonts);
	g_free(text);
	cairo_surface_t *s = cairo_image_surface_create_from_png(png);
	cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cr_assert_eq(cairo_image_surface_get_width(s), 1240);
	cr_assert_eq(cairo_image_surface_get_height(s), 1754);
	cairo_surface_destroy(s);
	g_free(pdf);
	g_free(png);
	g_free(tmpl);
	g_free(err);
	g_free(dir);
}

/* A batch whose workers see different groups: --jobs 3 must give the
 * bytes of --jobs 1 for every file, including the groups of three whose
 * note needs glyphs outside the batch's dense font twins (fasttext.c). */
Test(cli, jobs_do_not_change_the_bytes_of_a_varied_batch)
{
	const char *layout = "tests/data/layouts/batch.yaml", *data = "tests/data/batch-9.yaml";
	char *dirs[3];
	const char *jobs[3] = {"1", "3", "2"};
	for (int k = 0; k < 3; k++) {
		dirs[k] = wst_tmpdir();
		char *tmpl = g_strdup_printf("%s/{group.group_id}.pdf", dirs[k]);
		const char *args[] = {"render", layout, "--data", data, "-o", tmpl, "--jobs", jobs[k], NULL};
		char *err = NULL;
		cr_assert_eq(wst_wenshu(args, NULL, &err), 0, "%s", err);
		cr_assert(strstr(err, "9 of 9 group(s) rendered"), "%s", err);
		g_free(err);
		g_free(tmpl);
	}
	for (int g = 1; g <= 9; g++) {
		char *name = g_strdup_printf("G2025-BENCH-%05d.pdf", g);
		char *p0 = g_build_filename(dirs[0], name, NULL);
		gsize l0 = 0;
		char *b0 = slurp(p0, &l0);
		for (int k = 1; k < 3; k++) {
			char *pk = g_build_filename(dirs[k], name, NULL);
			gsize lk = 0;
			char *bk = slurp(pk, &lk);
			cr_assert(l0 == lk && memcmp(b0, bk, l0) == 0, "%s: --jobs %s differs from --jobs 1", name, jobs[k]);
			g_free(bk);
			g_free(pk);
		}
		char *text = wst_pdftotext(p0, false);
		bool three = g == 3 || g == 5 || g == 7 || g == 8;
		cr_assert_eq(strstr(text, "鑫淼焱垚犇骉") != NULL, three, "%s:\n%s", name, text);
		g_free(text);
		g_free(b0);
		g_free(p0);
		g_free(name);
	}
	for (int k = 0; k < 3; k++)
		g_free(dirs[k]);
}

Test(cli, same_input_same_bytes_and_jobs_do_not_change_output)
{
	/* Three groups from the CSV sample plus the two YAML ones would need a
	 * merge; the CSV alone holds two groups. */
	char *dir1 = wst_tmpdir(), *dir2 = wst_tmpdir();
	char *t1 = g_strdup_printf("%s/{group.group_id}.pdf", dir1);
	char *t2 = g_strdup_printf("%s/{group.group_id}.pdf", dir2);
	const char *a1[] = {"render", SIMPLE, "--data", "examples/data/sample-groups.csv", "-o", t1, "--jobs", "1", NULL};
	const char *a2[] = {"render", SIMPLE, "--data", "examples/data/sample-groups.csv", "-o", t2, "--jobs", "2", NULL};
	char *err = NULL;
	/* the delegated group has no appointment: it fails validation, the batch goes on */
	int rc1 = wst_wenshu(a1, NULL, &err);
	cr_assert(strstr(err, "1 of 2 group(s) rendered, 1 failed"), "%s", err);
	g_free(err);
	int rc2 = wst_wenshu(a2, NULL, NULL);
	cr_assert_eq(rc1, 1);
	cr_assert_eq(rc2, 1);
	char *p1 = g_strdup_printf("%s/G2025-TEST-001.pdf", dir1), *p2 = g_strdup_printf("%s/G2025-TEST-001.pdf", dir2);
	gsize l1, l2;
	char *b1 = slurp(p1, &l1), *b2 = slurp(p2, &l2);
	cr_assert_eq(l1, l2);
	cr_assert(memcmp(b1, b2, l1) == 0, "identical bytes with --jobs 1 and 2 under SOURCE_DATE_EPOCH");
	char *failed = g_strdup_printf("%s/G2025-TEST-002.pdf", dir1);
	cr_assert(!g_file_test(failed, G_FILE_TEST_EXISTS), "a failed group writes nothing");
	g_free(failed);
	g_free(b1);
	g_free(b2);
	g_free(p1);
	g_free(p2);
	g_free(t1);
	g_free(t2);
	g_free(dir1);
	g_free(dir2);
}

Test(cli, two_groups_to_one_file_is_refused_before_writing)
{
	char *dir = wst_tmpdir();
	char *tmpl = g_strdup_printf("%s/same.pdf", dir);
	const char *args[] = {"render", SIMPLE, "--data", "examples/data/sample-groups.csv", "-o", tmpl, NULL};
	char *err = NULL;
	cr_assert_eq(wst_wenshu(args, NULL, &err), 2);
	cr_assert(strstr(err, "same file"), "%s", err);
	cr_assert(!g_file_test(tmpl, G_FILE_TEST_EXISTS));
	g_free(err);
	g_free(tmpl);
	g_free(dir);
}

Test(cli, check_reports_every_rule_of_the_invalid_sample)
{
	char *err = NULL;
	const char *args[] = {"check", SIMPLE, "--data", "examples/data/invalid.yaml", NULL};
	cr_assert_eq(wst_wenshu(args, NULL, &err), 1);
	const char *rules[] = {"[X1]", "[X2]", "[X3]", "[X4]", "[X5]", "[X8]", "[X9]", "[X11]", "[X12]", "[X13]", "[X16]"};
	for (size_t i = 0; i < G_N_ELEMENTS(rules); i++)
		cr_assert(strstr(err, rules[i]), "reports %s:\n%s", rules[i], err);
	/* positions point into the data file */
	cr_assert(strstr(err, "examples/data/invalid.yaml:"), "%s", err);
	g_free(err);
}

Test(cli, check_passes_a_valid_sample_and_names_the_fangsong_font)
{
	char *err = NULL;
	const char *args[] = {"check", SIMPLE, "--data", SELF, NULL};
	cr_assert_eq(wst_wenshu(args, NULL, &err), 0, "%s", err);
	/* FandolFang ships in fonts/: the 仿宋 role is served, no fallback warning. */
	cr_assert(!strstr(err, "falls back"), "%s", err);
	g_free(err);
	char *out = NULL;
	err = NULL;
	const char *fonts[] = {"list", "fonts", NULL};
	cr_assert_eq(wst_wenshu(fonts, &out, &err), 0, "%s", err);
	cr_assert(strstr(out, "role 'Wenshu FangSong' is served by 'FandolFang'"), "%s", out);
	g_free(out);
	g_free(err);
}

Test(cli, list_shows_kinds_plugins_and_filters)
{
	char *out = NULL;
	const char *kinds[] = {"list", "kinds", NULL};
	cr_assert_eq(wst_wenshu(kinds, &out, NULL), 0);
	cr_assert(strstr(out, "payment-receipt") && strstr(out, "note"));
	g_free(out);
	const char *plugins[] = {"list", "plugins", NULL};
	cr_assert_eq(wst_wenshu(plugins, &out, NULL), 0);
	cr_assert(strstr(out, "element  barcode"), "%s", out);
	g_free(out);
	const char *filters[] = {"list", "filters", NULL};
	cr_assert_eq(wst_wenshu(filters, &out, NULL), 0);
	cr_assert(strstr(out, "cn_date"));
	g_free(out);
}

Test(cli, merge_writes_one_pdf)
{
	char *dir = wst_tmpdir();
	char *merged = g_strdup_printf("%s/all.pdf", dir);
	const char *args[] = {"render", SIMPLE, "--data", SELF, "--merge", merged, NULL};
	cr_assert_eq(wst_wenshu(args, NULL, NULL), 0);
	char *info = wst_pdfinfo(merged);
	assert_info(info, "Pages", "1");
	g_free(info);
	g_free(merged);
	g_free(dir);
}

/* One group's data from tools/gen-groups (`size` applicants, short names,
 * self route) at `path`. */
static void gen_group(const char *path, const char *size)
{
	const char *argv[] = {"python3", "tools/gen-groups", path, "--sizes", size, "--names", "short",
	                      "--routes", "self", NULL};
	int status = -1;
	GError *e = NULL;
	cr_assert(g_spawn_sync(WS_TEST_SOURCE_DIR, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &e),
	          "%s", e ? e->message : "");
	cr_assert(g_spawn_check_wait_status(status, NULL), "gen-groups %s", size);
}

static ino_t inode_of(const char *path)
{
	GStatBuf st;
	cr_assert_eq(g_stat(path, &st), 0, "%s", path);
	return st.st_ino;
}

/* The note of a group of 30 is three pages; the same group cut to 8 is
 * two.  Rendered again with the same -o, the old page 3 must not stay
 * beside the new pages 1-2 (a clerk would print it with them) — the
 * command line's batch commits its files together, and only then is the
 * old page removed.  A run that fails (bad data) touches none of them. */
Test(cli, a_shorter_render_removes_the_old_extra_page_and_a_failed_one_keeps_all)
{
	char *dir = wst_tmpdir();
	char *g30 = g_build_filename(dir, "g30.yaml", NULL), *g8 = g_build_filename(dir, "g8.yaml", NULL);
	gen_group(g30, "30");
	gen_group(g8, "8");
	char *png = g_build_filename(dir, "out", "note.png", NULL);
	char *page[4];
	for (int k = 1; k <= 3; k++)
		page[k] = g_strdup_printf("%s/out/note-%d.png", dir, k);
	char *out = NULL, *err = NULL;
	const char *first[] = {"render", "note", "--data", g30, "-o", png, "--dpi", "20", NULL};
	cr_assert_eq(wst_wenshu(first, &out, &err), 0, "%s", err);
	char *want = g_strdup_printf("%s\n%s\n%s\n", page[1], page[2], page[3]);
	cr_assert_str_eq(out, want);
	g_free(want);
	g_free(out);
	g_free(err);
	ino_t old[4];
	for (int k = 1; k <= 3; k++)
		old[k] = inode_of(page[k]);

	const char *bad[] = {"render", "note", "--data", "examples/data/invalid.yaml", "-o", png, "--dpi", "20", NULL};
	cr_assert_eq(wst_wenshu(bad, NULL, &err), 1, "%s", err);
	cr_assert(!strstr(err, "removed"), "%s", err);
	g_free(err);
	for (int k = 1; k <= 3; k++)
		cr_assert_eq(inode_of(page[k]), old[k], "a failed run leaves page %d as it was", k);

	const char *second[] = {"render", "note", "--data", g8, "-o", png, "--dpi", "20", NULL};
	cr_assert_eq(wst_wenshu(second, &out, &err), 0, "%s", err);
	want = g_strdup_printf("%s\n%s\n", page[1], page[2]);
	cr_assert_str_eq(out, want, "only the new pages are named");
	g_free(want);
	char *note = g_strdup_printf("removed 1 page file(s) beyond the last page of '%s', left by an earlier run", png);
	cr_assert(strstr(err, note), "%s", err);
	g_free(note);
	cr_assert(!g_file_test(page[3], G_FILE_TEST_EXISTS), "the old page 3 is gone");
	for (int k = 1; k <= 2; k++)
		cr_assert_neq(inode_of(page[k]), old[k], "page %d is the new one", k);
	char *outdir = g_build_filename(dir, "out", NULL);
	GDir *d = g_dir_open(outdir, 0, NULL);
	int files = 0;
	for (const char *n; (n = g_dir_read_name(d));)
		files++;
	g_dir_close(d);
	cr_assert_eq(files, 2, "nothing else is left in the folder (no temporary files)");
	g_free(outdir);
	g_free(out);
	g_free(err);
	for (int k = 1; k <= 3; k++)
		g_free(page[k]);
	g_free(png);
	g_free(g8);
	g_free(g30);
	g_free(dir);
}

/* A page whose file cannot be put in place (a folder has its name) fails
 * its group — it was counted as rendered, exit 0, with its page 2
 * missing — and the old page 3 stays: the new pages did not all land. */
Test(cli, a_page_that_cannot_be_put_in_place_fails_its_group)
{
	char *dir = wst_tmpdir();
	char *g30 = g_build_filename(dir, "g30.yaml", NULL), *g8 = g_build_filename(dir, "g8.yaml", NULL);
	gen_group(g30, "30");
	gen_group(g8, "8");
	char *png = g_build_filename(dir, "note.png", NULL);
	char *p2 = g_build_filename(dir, "note-2.png", NULL), *p3 = g_build_filename(dir, "note-3.png", NULL);
	const char *first[] = {"render", "note", "--data", g30, "-o", png, "--dpi", "20", NULL};
	char *err = NULL;
	cr_assert_eq(wst_wenshu(first, NULL, &err), 0, "%s", err);
	g_free(err);
	cr_assert_eq(g_unlink(p2), 0);
	cr_assert_eq(g_mkdir(p2, 0755), 0);
	const char *second[] = {"render", "note", "--data", g8, "-o", png, "--dpi", "20", NULL};
	cr_assert_eq(wst_wenshu(second, NULL, &err), 3, "%s", err);
	char *why = g_strdup_printf("cannot write '%s': Is a directory", p2);
	cr_assert(strstr(err, why), "%s", err);
	cr_assert(strstr(err, "0 of 1 group(s) rendered, 1 failed"), "%s", err);
	cr_assert(!strstr(err, "removed"), "%s", err);
	cr_assert(g_file_test(p3, G_FILE_TEST_IS_REGULAR), "the old page 3 stays");
	g_free(why);
	g_free(err);
	g_free(p2);
	g_free(p3);
	g_free(png);
	g_free(g8);
	g_free(g30);
	g_free(dir);
}
