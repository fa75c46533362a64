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
	return g_strdup_printf("%s/support-check-%s.png", WS_TEST_BUILD_DIR, suffix);
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
