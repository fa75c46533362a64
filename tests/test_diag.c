#include <criterion/criterion.h>
#include <glib.h>
#include "diag.h"

Test(diag, formats_file_line_column_rule_and_path)
{
	ws_diags *d = ws_diags_new();
	ws_loc loc = {g_intern_string("layouts/receipt.yaml"), 12, 7};
	int rc = ws_diag_add(d, WS_SEVERITY_ERROR, loc, "X1", "group.interview_post",
	                     "interview post %s differs", "BEIJING");
	cr_assert_eq(rc, WS_EINPUT);
	cr_assert_eq(ws_warning_at(d, WS_LOC_NONE, "no location"), WS_OK);
	cr_assert_eq(ws_diags_count(d), 2);
	char *s = ws_diag_format(ws_diags_at(d, 0));
	cr_assert_str_eq(s, "layouts/receipt.yaml:12:7: error: [X1] interview post BEIJING differs (group.interview_post)");
	g_free(s);
	s = ws_diag_format(ws_diags_at(d, 1));
	cr_assert_str_eq(s, "warning: no location");
	g_free(s);
	cr_assert(ws_diags_has_errors(d));
	cr_assert_not_null(ws_diags_find_rule(d, "X1"));
	cr_assert_null(ws_diags_find_rule(d, "X2"));
	ws_diags *all = ws_diags_new();
	ws_diags_move(all, d);
	cr_assert_eq(ws_diags_count(d), 0);
	cr_assert_eq(ws_diags_count(all), 2);
	ws_diags_free(d);
	ws_diags_free(all);
	ws_diags_free(NULL);
}
