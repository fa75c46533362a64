/* The PNG pixel limit checked against the layout (core/output/pixels.c):
 * a page that at --dpi would pass Cairo's side limit or the pixel budget
 * is an input error at the layout's `page:` (line 3, column 7 below), exit
 * status 1 — found before typesetting, not when the first file is written.
 * PDF and SVG have no pixels and pass at any size. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glib.h>
#include <string.h>

#include "output.h"

TestSuite(pixels);

/* Arrays, not pointers: Criterion copies the cases into the test's
 * process (as test_host.c's date cases). */
typedef struct {
	char size[24]; /* the layout's page size */
	ws_format format;
	double dpi;
	int rc;
	char want[160]; /* the formatted diagnostic, "" for none */
} pixels_case;

ParameterizedTestParameters(pixels, limit)
{
	static pixels_case cases[] = {
		/* A4 at the default and the highest resolution: 1240 × 1754, 19843 × 28063 */
		{"A4", WS_FORMAT_PNG, 150, WS_OK, ""},
		{"A4", WS_FORMAT_PNG, 2400, WS_EINPUT,
		 "p.yaml:3:7: error: [limit] the page would be 19843 × 28063 = 556854109 pixels at 2400 dpi; "
		 "the limit is 100000000 pixels"},
		/* exactly 10000 × 10000 = the budget is allowed, one pixel column more is not */
		{"[7200pt, 7200pt]", WS_FORMAT_PNG, 100, WS_OK, ""},
		{"[7201pt, 7200pt]", WS_FORMAT_PNG, 100, WS_EINPUT,
		 "p.yaml:3:7: error: [limit] the page would be 10001 × 10000 = 100010000 pixels at 100 dpi; "
		 "the limit is 100000000 pixels"},
		/* a long strip: few pixels, but one side too long for Cairo */
		{"[14400pt, 72pt]", WS_FORMAT_PNG, 200, WS_EINPUT,
		 "p.yaml:3:7: error: [limit] the page would be 40000 × 200 pixels at 200 dpi; "
		 "the limit is 32767 pixels a side"},
		{"[14400pt, 72pt]", WS_FORMAT_PNG, 163, WS_OK, ""},
		/* no pixels, no limit */
		{"[14400pt, 14400pt]", WS_FORMAT_PDF, 2400, WS_OK, ""},
		{"[14400pt, 14400pt]", WS_FORMAT_SVG, 2400, WS_OK, ""},
	};
	return cr_make_param_array(pixels_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(pixels_case *c, pixels, limit)
{
	char *src = g_strdup_printf("wenshu: 1\nkind: test\npage: {size: %s, margins: 5mm}\n"
	                            "defaults: {font: hei, size: 10pt}\nelements: []\n",
	                            c->size);
	ws_diags *d = ws_diags_new();
	ws_layout *l = NULL;
	cr_assert_eq(ws_layout_load_buffer(&l, src, strlen(src), "p.yaml", NULL, d), WS_OK, "%s", src);
	cr_assert_eq(ws_diags_count(d), 0);
	ws_output_options o = WS_OUTPUT_OPTIONS_INIT;
	o.format = c->format;
	o.dpi = c->dpi;
	cr_assert_eq(ws_output_check_layout(l, &o, d), c->rc, "%s at %g dpi", c->size, c->dpi);
	if (*c->want) {
		cr_assert_eq(ws_diags_count(d), 1);
		char *got = ws_diag_format(ws_diags_at(d, 0));
		cr_assert_str_eq(got, c->want);
		g_free(got);
	} else {
		cr_assert_eq(ws_diags_count(d), 0);
	}
	/* No options: nothing to check. */
	cr_assert_eq(ws_output_check_layout(l, NULL, d), WS_OK);
	ws_layout_free(l);
	ws_diags_free(d);
	g_free(src);
}
