/* Where a template error inside a layout's YAML scalar points: at the
 * template's own character, whatever the scalar's style — inside the
 * quotes of a quoted scalar and past any escape before it.  Across three
 * modules (the YAML loader maps a quoted scalar's text to its columns,
 * the value keeps the map, the template asks it), so a file of its own. */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "layout.h"
#include "wsyaml.h"

typedef struct loc_case {
	const char *line;  /* line 5 of the layout */
	unsigned col;      /* of the error: the 'u' of the unknown filter 'uper' */
} loc_case;

static const loc_case CASES[] = {
	/* the plain scalar starts at column 11: "ab {{ group.x | " is 16 characters */
	{"  - text: ab {{ group.x | uper }}", 27},
	/* quoted: its text starts one column later, past the quote */
	{"  - text: \"ab {{ group.x | uper }}\"", 28},
	{"  - text: 'ab {{ group.x | uper }}'", 28},
	/* escapes before the error: \t is two characters written, one read */
	{"  - text: \"\\t{{ group.x | uper }}\"", 27},
	{"  - text: \"\\u00e9中 {{ group.x | uper }}\"", 33},
	{"  - text: \"\\x41\\\\ {{ group.x | uper }}\"", 32},
	{"  - text: 'it''s {{ group.x | uper }}'", 31},
	/* Hanzi count one column each, quoted or not */
	{"  - text: \"签证 {{ group.x | uper }}\"", 28},
	/* a bare expression (`when:`) in quotes, on its element's second line */
	{"  - text: a\n    when: \"x | uper\"", 16},
	/* an escape after the error does not move it */
	{"  - text: \"{{ group.x | uper }}\\t\"", 25},
};

Test(template_loc, errors_point_at_the_character_as_written)
{
	for (size_t i = 0; i < G_N_ELEMENTS(CASES); i++) {
		char *src = g_strdup_printf("wenshu: 1\nkind: test\npage: {size: A4, margins: 20mm}\nelements:\n%s\n",
		                            CASES[i].line);
		unsigned line = strchr(CASES[i].line, '\n') ? 6 : 5;
		ws_diags *d = ws_diags_new();
		ws_layout *l = NULL;
		cr_assert_eq(ws_layout_load_buffer(&l, src, strlen(src), "quoted.yaml", NULL, d), WS_EINPUT, "%s",
		             CASES[i].line);
		const ws_diag *e = NULL;
		for (size_t k = 0; k < ws_diags_count(d) && !e; k++)
			if (strstr(ws_diags_at(d, k)->message, "uper"))
				e = ws_diags_at(d, k);
		cr_assert(e && strstr(e->message, "unknown filter 'uper'"), "%s: no error about 'uper'", CASES[i].line);
		char *got = ws_diag_format(e);
		char *want = g_strdup_printf("quoted.yaml:%u:%u: error: unknown filter 'uper' (did you mean 'upper'?)",
		                             line, CASES[i].col);
		cr_expect_str_eq(got, want, "%s\n got %s", CASES[i].line, got);
		g_free(want);
		g_free(got);
		ws_diags_free(d);
		g_free(src);
	}
}

/* The map is the value's: a copy keeps it, and text_loc walks on from the
 * last escape (a line down at a line break of a plain scalar). */
Test(template_loc, text_loc_of_loaded_values)
{
	const char *src = "a: \"x\\ty\"\nb: |\n  one\n  two\nc: 'q''r'\n";
	ws_value *root = NULL;
	cr_assert_eq(ws_yaml_load_buffer(&root, src, strlen(src), "v.yaml", NULL), WS_OK);
	ws_value *a = ws_value_map_get(root, "a");
	ws_loc l = ws_value_text_loc(a, 0);
	cr_assert(l.line == 1 && l.column == 5, "x at 1:5, got %u:%u", l.line, l.column);
	l = ws_value_text_loc(a, 2); /* y, after the two-character \t */
	cr_assert(l.line == 1 && l.column == 8, "y at 1:8, got %u:%u", l.line, l.column);
	ws_value *copy = ws_value_copy(a);
	l = ws_value_text_loc(copy, 2);
	cr_assert(l.line == 1 && l.column == 8, "the copy: y at 1:8, got %u:%u", l.line, l.column);
	ws_value_unref(copy);
	cr_assert_eq(ws_value_loc(a).column, 4, "the value itself still starts at its quote");
	ws_value *c = ws_value_map_get(root, "c");
	l = ws_value_text_loc(c, 2); /* r, after '' */
	cr_assert(l.line == 5 && l.column == 8, "r at 5:8, got %u:%u", l.line, l.column);
	ws_value_unref(root);
	/* a value made in code: its own location, moved along its text */
	ws_value *s = ws_value_new_string("ab\ncd", (ws_loc){"m", 3, 7});
	l = ws_value_text_loc(s, 4);
	cr_assert(l.line == 4 && l.column == 8, "d at 4:8, got %u:%u", l.line, l.column);
	ws_value_unref(s);
	cr_assert_null(ws_value_text_loc(NULL, 0).file);
}
