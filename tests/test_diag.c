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
	cr_assert_str_eq(s, "wenshu: warning: no location");
	g_free(s);
	/* A file without a line to point at: "wenshu: " first, then the file. */
	ws_diag_add(d, WS_SEVERITY_ERROR, (ws_loc){g_intern_string("x.yaml"), 0, 0}, NULL, NULL, "cannot open");
	s = ws_diag_format(ws_diags_at(d, 2));
	cr_assert_str_eq(s, "wenshu: x.yaml: error: cannot open");
	g_free(s);
	cr_assert(ws_diags_has_errors(d));
	cr_assert_not_null(ws_diags_find_rule(d, "X1"));
	cr_assert_null(ws_diags_find_rule(d, "X2"));
	ws_diags *all = ws_diags_new();
	ws_diags_move(all, d);
	cr_assert_eq(ws_diags_count(d), 0);
	cr_assert_eq(ws_diags_count(all), 3);
	ws_diags_free(d);
	ws_diags_free(all);
	ws_diags_free(NULL);
}

/* ---- escaping what came from input ----------------------------------- */

typedef struct escape_case {
	const char *what;
	const char *in;
	ptrdiff_t len; /* -1: NUL-terminated */
	const char *out;
} escape_case;

Test(diag, escapes_every_class_of_terminal_control)
{
	static const escape_case cases[] = {
		{"plain Han and Latin", "团组 G001 Zhang-San", -1, "团组 G001 Zhang-San"},
		{"a backslash stays", "C:\\x", -1, "C:\\x"},
		{"OSC title + clear screen", "\x1b]0;owned\x07\x1b[2J", -1, "\\x1b]0;owned\\x07\\x1b[2J"},
		{"tab, newline, return", "a\tb\nc\rd", -1, "a\\tb\\nc\\rd"},
		{"NUL inside a counted string", "a\0b", 3, "a\\x00b"},
		{"DEL", "x\x7fy", -1, "x\\x7fy"},
		{"C1 NEL and CSI", "\xc2\x85" "a\xc2\x9b" "2J", -1, "\\u0085a\\u009B2J"},
		{"right-to-left override", "invoice\xe2\x80\xae" "fdp.exe", -1, "invoice\\u202Efdp.exe"},
		{"bidi embeddings and pop", "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", -1,
		 "\\u202A\\u202B\\u202C\\u202D"},
		{"bidi isolates", "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", -1,
		 "\\u2066\\u2067\\u2068\\u2069"},
		{"LRM, RLM, ALM", "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", -1, "\\u200E\\u200F\\u061C"},
		{"zero-width space, joiner, BOM, word joiner", "a\xe2\x80\x8b" "b\xe2\x80\x8d" "c\xef\xbb\xbf" "d\xe2\x81\xa0",
		 -1, "a\\u200Bb\\u200Dc\\uFEFFd\\u2060"},
		{"line and paragraph separators", "\xe2\x80\xa8\xe2\x80\xa9", -1, "\\u2028\\u2029"},
		{"a tag character (outside the BMP)", "\xf3\xa0\x80\x81", -1, "\\U000E0001"},
		{"invalid UTF-8: lone continuation, cut sequence", "a\x80" "b\xe5\x9b", -1, "a\\x80b\\xe5\\x9b"},
		{"overlong encoding of '/'", "\xc0\xaf", -1, "\\xc0\\xaf"},
		{"UTF-16 surrogate encoded in UTF-8", "\xed\xa0\x80", -1, "\\xed\\xa0\\x80"},
		{"NULL", NULL, -1, ""},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = ws_diag_escape(cases[i].in, cases[i].len);
		cr_assert_str_eq(got, cases[i].out, "%s: got %s", cases[i].what, got);
		/* Escaping is idempotent: a message escaped twice (a worker's
		 * reason, printed again by the parent) reads the same. */
		char *again = ws_diag_escape(got, -1);
		cr_assert_str_eq(again, got, "%s: escaped twice", cases[i].what);
		g_free(again);
		g_free(got);
	}
}

Test(diag, format_escapes_file_message_and_path)
{
	ws_diags *d = ws_diags_new();
	ws_loc loc = {g_intern_string("l\x1b[2J.yaml"), 3, 1};
	ws_diag_add(d, WS_SEVERITY_ERROR, loc, NULL, "group.x\xe2\x80\xae", "unknown key '%s'",
	            "\x1b]0;owned\x07\x1b[2J");
	char *s = ws_diag_format(ws_diags_at(d, 0));
	cr_assert_str_eq(s, "l\\x1b[2J.yaml:3:1: error: unknown key '\\x1b]0;owned\\x07\\x1b[2J' (group.x\\u202E)");
	g_free(s);
	ws_diags_free(d);
}
