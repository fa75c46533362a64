/* Tests of the test helpers themselves (tests/support.c): the reference
 * image comparison must fail on one changed pixel, name it, and leave its
 * -actual/-diff pictures in the build folder, never the source tree. */
#include <cairo.h>
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "support.h"

/* tests/reference/support-check.png is this picture: a white 16x8 square
 * with a black bar; `poke` turns one pixel at (5, 3) red. */
static char *draw(bool poke)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 16, 8);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_rectangle(cr, 2, 5, 12, 2);
	cairo_fill(cr);
	if (poke) {
		cairo_set_source_rgb(cr, 1, 0, 0);
		cairo_rectangle(cr, 5, 3, 1, 1);
		cairo_fill(cr);
	}
	cairo_destroy(cr);
	char *dir = wst_tmpdir();
	char *png = g_build_filename(dir, poke ? "poked.png" : "same.png", NULL);
	cr_assert_eq(cairo_surface_write_to_png(s, png), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	g_free(dir);
	return png;
}

static char *built(const char *suffix)
{
	return g_strdup_printf("%s/support-check-%s.png", wst_output_dir(), suffix);
}

Test(support, identical_image_matches_exactly)
{
	char *png = draw(false);
	cr_assert_eq(wst_compare_reference(png, "support-check", 0), 0.0);
	wst_assert_reference(png, "support-check", 0);
	g_free(png);
}

Test(support, one_changed_pixel_fails_and_writes_into_build_dir)
{
	char *actual = built("actual"), *diff = built("diff");
	g_unlink(actual);
	g_unlink(diff);
	char *png = draw(true);
	double f = wst_compare_reference(png, "support-check", 0);
	cr_assert_eq(f, 1.0 / (16 * 8), "exactly one pixel of 128 differs (got %g)", f);
	cr_assert(g_file_test(actual, G_FILE_TEST_IS_REGULAR), "%s written", actual);
	cr_assert(g_file_test(diff, G_FILE_TEST_IS_REGULAR), "%s written", diff);
	char *src_actual = g_strdup_printf("%s/tests/reference/support-check-actual.png", WS_TEST_SOURCE_DIR);
	cr_assert_not(g_file_test(src_actual, G_FILE_TEST_EXISTS), "nothing written into the source tree");
	/* meson's build folder of the tests, as tests/meson.build says */
	cr_assert(g_str_has_prefix(wst_output_dir(), WS_TEST_BUILD_DIR "/"), "%s is in the build folder",
	          wst_output_dir());
	g_free(src_actual);
	g_free(actual);
	g_free(diff);
	g_free(png);
}

/* A stated tolerance of two pixels lets the one red pixel pass. */
Test(support, stated_tolerance_lets_one_pixel_pass)
{
	char *png = draw(true);
	wst_assert_reference(png, "support-check", 2.0 / (16 * 8));
	g_free(png);
}

/* ------------------------------------- docs/conventions.md's test list */

/* The "## Tests" section of docs/conventions.md. */
static char *tests_section(void)
{
	char *doc = NULL;
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/docs/conventions.md", &doc, NULL, NULL));
	char *start = strstr(doc, "\n## Tests\n");
	cr_assert_not_null(start, "docs/conventions.md has no ## Tests section");
	char *end = strstr(start + 1, "\n## ");
	char *section = end ? g_strndup(start, (size_t)(end - start)) : g_strdup(start);
	g_free(doc);
	return section;
}

static bool names(const char *section, const char *name)
{
	char *quoted = g_strdup_printf("`%s`", name);
	bool yes = strstr(section, quoted) != NULL;
	g_free(quoted);
	return yes;
}

/* The module → test file list of docs/conventions.md is the tree: every
 * source file of core/ and every tests/test_*.c is in it, and every file
 * it names exists. */
Test(support, conventions_list_the_tests_of_every_module)
{
	char *section = tests_section();
	GDir *core = g_dir_open(WS_TEST_SOURCE_DIR "/core", 0, NULL);
	cr_assert_not_null(core);
	size_t sources = 0;
	for (const char *folder; (folder = g_dir_read_name(core));) {
		char *dir = g_build_filename(WS_TEST_SOURCE_DIR, "core", folder, NULL);
		GDir *d = g_dir_open(dir, 0, NULL);
		char *glob = g_strdup_printf("core/%s/*.c", folder);
		for (const char *f; d && (f = g_dir_read_name(d));) {
			if (!g_str_has_suffix(f, ".c"))
				continue;
			char *rel = g_strdup_printf("core/%s/%s", folder, f);
			cr_assert(names(section, rel) || names(section, glob),
			          "docs/conventions.md does not say which test file tests %s", rel);
			g_free(rel);
			sources++;
		}
		if (d)
			g_dir_close(d);
		g_free(glob);
		g_free(dir);
	}
	g_dir_close(core);
	cr_assert_geq(sources, 40);

	GDir *tests = g_dir_open(WS_TEST_SOURCE_DIR "/tests", 0, NULL);
	cr_assert_not_null(tests);
	for (const char *f; (f = g_dir_read_name(tests));)
		if (g_str_has_prefix(f, "test_") && g_str_has_suffix(f, ".c"))
			cr_assert(names(section, f), "docs/conventions.md does not list tests/%s", f);
	g_dir_close(tests);

	/* And the other way: what it names is there. */
	GRegex *re = g_regex_new("`((core|tests)/[^`*<]+\\.c|test_[a-z_]+\\.c)`", 0, 0, NULL);
	GMatchInfo *m = NULL;
	size_t named = 0;
	for (g_regex_match(re, section, 0, &m); g_match_info_matches(m); g_match_info_next(m, NULL)) {
		char *name = g_match_info_fetch(m, 1);
		char *path = g_str_has_prefix(name, "test_") ? g_build_filename(WS_TEST_SOURCE_DIR, "tests", name, NULL)
		                                              : g_build_filename(WS_TEST_SOURCE_DIR, name, NULL);
		cr_assert(g_file_test(path, G_FILE_TEST_EXISTS), "docs/conventions.md names %s, which is gone", name);
		g_free(path);
		g_free(name);
		named++;
	}
	g_match_info_free(m);
	g_regex_unref(re);
	cr_assert_geq(named, 80);
	g_free(section);
}
