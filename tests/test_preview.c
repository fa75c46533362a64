/* wenshu preview without a browser: --watch re-renders on every save and
 * keeps the folder equal to the last render (2 pages → 1 removes the old
 * page files), marks a failed render, recovers; --debug draws the
 * overlay; --sheet draws a contact sheet.  (--serve is tested in headless
 * Chromium: tests/preview_e2e.py.) */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <cairo.h>

#include "support.h"

#define WENSHU WS_TEST_BUILD_DIR "/cli/wenshu"
#define DATA WS_TEST_SOURCE_DIR "/examples/data/self-beijing.yaml"

static const char *two_pages =
	"wenshu: 1\nkind: interview-confirmation\ntitle: 测试\n"
	"page: {size: A4, margins: [18mm, 18mm, 18mm, 18mm]}\n"
	"defaults: {font: hei, size: 10.5pt}\n"
	"elements:\n"
	"  - text: 第一页 {{ group.derived.primary_name_en }}\n"
	"  - page_break: true\n"
	"  - text: 第二页\n";

static void save(const char *path, const char *text)
{
	/* As an editor does: a new file renamed over the old one. */
	g_autofree char *tmp = g_strdup_printf("%s.swp", path);
	cr_assert(g_file_set_contents(tmp, text, -1, NULL));
	cr_assert_eq(g_rename(tmp, path), 0);
}

static bool wait_for(bool (*cond)(const char *), const char *arg, double seconds)
{
	for (gint64 end = g_get_monotonic_time() + (gint64)(seconds * 1e6); g_get_monotonic_time() < end;) {
		if (cond(arg))
			return true;
		g_usleep(10 * 1000);
	}
	return cond(arg);
}

static bool exists(const char *p) { return g_file_test(p, G_FILE_TEST_EXISTS); }
static bool missing(const char *p) { return !exists(p); }

static char *in(const char *dir, const char *name) { return g_build_filename(dir, name, NULL); }

Test(preview, watch_rerenders_removes_gone_pages_marks_failure_and_recovers)
{
	g_autofree char *dir = wst_tmpdir();
	g_autofree char *layout = in(dir, "form.yaml"), *out = in(dir, "out");
	save(layout, two_pages);
	const char *argv[] = {WENSHU, "preview", layout, "--data", DATA, "-o", out, "--watch", NULL};
	GPid pid;
	int err_fd = -1;
	cr_assert(g_spawn_async_with_pipes(dir, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
	                                   NULL, NULL, &pid, NULL, NULL, &err_fd, NULL));
	g_autofree char *p1 = in(out, "G2025-TEST-001-interview-confirmation-1.png");
	g_autofree char *p2 = in(out, "G2025-TEST-001-interview-confirmation-2.png");
	g_autofree char *one = in(out, "G2025-TEST-001-interview-confirmation.png");
	g_autofree char *stale = in(out, "STALE.txt");
	cr_assert(wait_for(exists, p2, 60), "two pages written");
	cr_assert(exists(p1));
	wst_assert_png_size(p1, 827, 1169); /* A4 at the default 100 dpi */
	g_usleep(300 * 1000); /* the watch is set up after the first render */

	/* 2 pages → 1: the page files of the old render go. */
	g_autofree char *short_layout = g_strdup(two_pages);
	*strstr(short_layout, "  - page_break: true\n") = '\0';
	save(layout, short_layout);
	cr_assert(wait_for(exists, one, 10), "one page written after the edit");
	cr_assert(wait_for(missing, p2, 5), "page 2 of the old render removed");
	cr_assert(missing(p1), "page 1 of the old render (now named without -1) removed");
	cr_assert(missing(stale));

	/* A broken layout: the last pages stay, marked STALE with the error. */
	g_autofree char *broken = g_strdup_printf("%s  - text: [unclosed\n", short_layout);
	save(layout, broken);
	cr_assert(wait_for(exists, stale, 10), "STALE.txt after a failed render");
	char *why = NULL;
	cr_assert(g_file_get_contents(stale, &why, NULL, NULL));
	cr_assert(strstr(why, "STALE") && strstr(why, "form.yaml:"), "%s", why);
	cr_assert(exists(one), "the last good page stays");

	/* The fix: STALE.txt goes. */
	save(layout, short_layout);
	cr_assert(wait_for(missing, stale, 10), "STALE.txt removed after the fix");
	cr_assert(exists(one));

	kill(pid, SIGTERM);
	int status = 0;
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "--watch ends cleanly on SIGTERM");
	char buf[65536];
	gssize n = read(err_fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	cr_assert(strstr(buf, "RENDER FAILED"), "the failure is on the terminal too: %s", buf);
	cr_assert(strstr(buf, "form.yaml:"), "with the layout's file:line:col: %s", buf);
	close(err_fd);
	g_free(why);
}

static int run(const char *const *args, char **err)
{
	int status = -1;
	cr_assert(g_spawn_sync(WS_TEST_SOURCE_DIR, (char **)args, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, err,
	                       &status, NULL));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Counts pixels of a colour close to (r, g, b) (0..255). */
static long count_colour(const char *png, int r, int g, int b)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(png);
	cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS, "%s", png);
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s);
	const unsigned char *d = cairo_image_surface_get_data(s);
	long n = 0;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			guint32 p = *(const guint32 *)(d + (size_t)y * stride + 4 * x);
			int pr = (p >> 16) & 255, pg = (p >> 8) & 255, pb = p & 255;
			if (abs(pr - r) < 40 && abs(pg - g) < 40 && abs(pb - b) < 40)
				n++;
		}
	cairo_surface_destroy(s);
	return n;
}

Test(preview, debug_draws_margins_grid_and_text_boxes)
{
	g_autofree char *dir = wst_tmpdir();
	g_autofree char *plain = in(dir, "plain"), *debug = in(dir, "debug");
	const char *a1[] = {WENSHU, "preview", "note", "--data", DATA, "-o", plain, NULL};
	const char *a2[] = {WENSHU, "preview", "note", "--data", DATA, "-o", debug, "--debug", NULL};
	cr_assert_eq(run(a1, NULL), 0);
	cr_assert_eq(run(a2, NULL), 0);
	g_autofree char *p = in(plain, "G2025-TEST-001-note.png"), *q = in(debug, "G2025-TEST-001-note.png");
	/* Magenta (margins) appears only with --debug. */
	cr_assert_eq(count_colour(p, 204, 0, 204), 0);
	cr_assert_gt(count_colour(q, 204, 0, 204), 300, "the margin frame is drawn");
}

/* A page the page check refuses (two texts over each other) is what a
 * clerk most needs to see: preview writes it as a DRAFT, drawn with the
 * element boxes, says why with the layout's file:line:col, exits 1, and
 * render still writes nothing. */
Test(preview, a_page_the_check_refuses_is_shown_as_a_draft)
{
	g_autofree char *dir = wst_tmpdir();
	g_autofree char *layout = in(dir, "overlap.yaml"), *out = in(dir, "out"), *pdf = in(dir, "x.pdf");
	save(layout, "wenshu: 1\nkind: interview-confirmation\ntitle: 测试\n"
	             "page: {size: A4, margins: [18mm, 18mm, 18mm, 18mm]}\n"
	             "defaults: {font: hei, size: 10.5pt}\n"
	             "elements:\n"
	             "  - text: 第一段文字\n"
	             "    box: [30mm, 50mm, 60mm, 10mm]\n"
	             "  - text: 第二段文字\n"
	             "    box: [40mm, 51mm, 60mm, 10mm]\n");
	const char *a[] = {WENSHU, "preview", layout, "--data", DATA, "-o", out, NULL};
	char *err = NULL;
	cr_assert_eq(run(a, &err), 1, "%s", err);
	cr_assert(strstr(err, "overlap.yaml:7:5: error:") && strstr(err, "overlaps other text"), "%s", err);
	g_autofree char *page = in(out, "G2025-TEST-001-interview-confirmation.png");
	cr_assert(exists(page), "the refused page is written: %s", err);
	cr_assert_gt(count_colour(page, 204, 0, 204), 300, "drawn with the debug boxes (the margin frame)");
	cr_assert_gt(count_colour(page, 217, 26, 26), 100, "the overlap outlined in red, with the DRAFT stamp");
	g_autofree char *stale = in(out, "STALE.txt");
	char *why = NULL;
	cr_assert(g_file_get_contents(stale, &why, NULL, NULL), "STALE.txt says the pages are not printable");
	cr_assert(strstr(why, "DRAFT") && strstr(why, "G2025-TEST-001"), "%s", why);
	g_free(why);
	g_free(err);
	err = NULL;
	/* Printing refuses it as before. */
	const char *r[] = {WENSHU, "render", layout, "--data", DATA, "-o", pdf, NULL};
	cr_assert_eq(run(r, &err), 1, "%s", err);
	cr_assert(missing(pdf), "render writes nothing: %s", err);
	g_free(err);
}

Test(preview, sheet_png_and_pdf_label_every_page)
{
	g_autofree char *dir = wst_tmpdir();
	g_autofree char *png = in(dir, "sheet.png"), *pdf = in(dir, "sheet.pdf");
	const char *a1[] = {WENSHU, "preview", "interview-confirmation", "--data", "tests/data/batch-9.yaml", "--sheet", png, NULL};
	char *err = NULL;
	int rc = run(a1, &err);
	cr_assert(rc == 0 || rc == 1, "%s", err);
	cairo_surface_t *s = cairo_image_surface_create_from_png(png);
	cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	/* 9 groups of one page each (1 to 3 applicants fit one 面谈确认单): two rows of 8 thumbnails. */
	cr_assert_gt(cairo_image_surface_get_height(s), cairo_image_surface_get_width(s) / 4);
	cairo_surface_destroy(s);
	g_free(err);
	const char *a2[] = {WENSHU, "preview", "interview-confirmation", "--data", "tests/data/batch-9.yaml", "--sheet", pdf, NULL};
	rc = run(a2, NULL);
	cr_assert(rc == 0 || rc == 1);
	char *text = wst_pdftotext(pdf, false);
	cr_assert_not_null(text);
	/* Every thumbnail is labelled with group, kind and page. */
	cr_assert(strstr(text, "G2025-BENCH-00009"), "%s", text);
	cr_assert(strstr(text, "page 1/1"), "%s", text);
	char *info = wst_pdfinfo(pdf);
	cr_assert(strstr(info, "Pages:"), "%s", info);
	g_free(text);
	g_free(info);
}

Test(preview, sheet_refuses_other_extensions)
{
	const char *a[] = {WENSHU, "preview", "note", "--data", DATA, "--sheet", "/tmp/x.jpg", NULL};
	cr_assert_eq(run(a, NULL), 2);
}
