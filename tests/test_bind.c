/* Binding (core/typeset/bind.c): the scope a layout's templates see —
 * group, doc, page, loop and the `each` variable — and the three ways a
 * template is bound: as text, as a condition, as a list. */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "bind.h"

/* Templates in these tests stand at line 7, column 11 of t.yaml, as if
 * written `    when: "…"` there. */
static ws_loc here(void)
{
	return (ws_loc){g_intern_string("t.yaml"), 7, 11};
}

static ws_template *tpl(const char *src)
{
	ws_template *t = NULL;
	cr_assert_eq(ws_template_compile(&t, src, here(), NULL), WS_OK, "compiles: %s", src);
	return t;
}

static ws_template *expr(const char *src)
{
	ws_template *t = NULL;
	cr_assert_eq(ws_template_compile_expr(&t, src, here(), NULL), WS_OK, "compiles: %s", src);
	return t;
}

/* Renders `src` against `scope`; caller g_free()s. */
static char *render(const char *src, const ws_value *scope)
{
	ws_template *t = tpl(src);
	char *out = NULL;
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_bind_text(t, scope, &out, d), WS_OK, "renders: %s", src);
	cr_assert_eq(ws_diags_count(d), 0);
	ws_diags_free(d);
	ws_template_free(t);
	return out;
}

static void assert_renders(const char *src, const ws_value *scope, const char *want)
{
	char *got = render(src, scope);
	cr_assert_str_eq(got, want, "%s", src);
	g_free(got);
}

/* A group {name: 示例交流团, items: [甲, 乙], n: 3, none: null, m: {a: 1}}. */
static ws_value *group(void)
{
	ws_value *g = ws_value_new_map(WS_LOC_NONE);
	ws_value_map_set(g, "name", ws_value_new_string("示例交流团", WS_LOC_NONE), WS_LOC_NONE);
	ws_value *items = ws_value_new_list(WS_LOC_NONE);
	ws_value_list_append(items, ws_value_new_string("甲", WS_LOC_NONE));
	ws_value_list_append(items, ws_value_new_string("乙", WS_LOC_NONE));
	ws_value_map_set(g, "items", items, WS_LOC_NONE);
	ws_value_map_set(g, "n", ws_value_new_number(3, WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(g, "none", ws_value_new_null(WS_LOC_NONE), WS_LOC_NONE);
	ws_value *m = ws_value_new_map(WS_LOC_NONE);
	ws_value_map_set(m, "a", ws_value_new_number(1, WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(g, "m", m, WS_LOC_NONE);
	return g;
}

Test(bind, scope_holds_group_doc_and_the_first_page)
{
	ws_value *g = group();
	ws_value *s = ws_bind_scope_new(g, "visa-note", "签证照会", "2025-03-05");
	cr_assert_eq(ws_value_map_get(s, "group"), g, "the group itself, referenced, not a copy");
	assert_renders("{{ group.name }}|{{ doc.kind }}|{{ doc.title }}|{{ doc.date }}", s,
	               "示例交流团|visa-note|签证照会|2025-03-05");
	/* the page count is not known before the document is set */
	assert_renders("{{ page.number }}/{{ page.count }}", s, "1/");
	cr_assert(ws_value_is_null(ws_value_lookup(s, "page.count")));
	ws_value_unref(s);
	/* the scope held a reference: the group outlives it */
	cr_assert_str_eq(ws_value_text(ws_value_map_get(g, "name")), "示例交流团");
	ws_value_unref(g);
}

Test(bind, scope_without_group_or_doc_fields)
{
	ws_value *s = ws_bind_scope_new(NULL, NULL, NULL, NULL);
	cr_assert(ws_value_is_null(ws_value_map_get(s, "group")));
	cr_assert_eq(ws_value_get_type(ws_value_map_get(s, "group")), WS_VALUE_NULL,
	             "group is there, as null: a template reading it gets null, not an unknown name");
	assert_renders("[{{ doc.kind }}][{{ doc.title }}][{{ doc.date }}]", s, "[][][]");
	ws_value_unref(s);
}

Test(bind, push_and_restore_a_variable)
{
	ws_value *s = ws_bind_scope_new(NULL, "k", "t", "d");
	/* a new name: nothing to give back, restore removes it */
	ws_value *prev = ws_bind_push(s, "it", ws_value_new_string("甲", WS_LOC_NONE));
	cr_assert_null(prev);
	assert_renders("{{ it }}", s, "甲");
	/* nested each over the same name: the outer value comes back */
	ws_value *outer = ws_bind_push(s, "it", ws_value_new_string("乙", WS_LOC_NONE));
	cr_assert_not_null(outer);
	cr_assert_str_eq(ws_value_text(outer), "甲");
	assert_renders("{{ it }}", s, "乙");
	ws_bind_restore(s, "it", outer);
	assert_renders("{{ it }}", s, "甲");
	ws_bind_restore(s, "it", prev);
	cr_assert_null(ws_value_map_get(s, "it"), "the variable is gone after the loop");
	/* pushing over a scope field hands it back too */
	ws_value *doc = ws_bind_push(s, "doc", ws_value_new_null(WS_LOC_NONE));
	cr_assert_not_null(doc);
	ws_bind_restore(s, "doc", doc);
	assert_renders("{{ doc.kind }}", s, "k");
	ws_value_unref(s);
}

typedef struct loop_case {
	size_t index, count;
	const char *want;  /* index number count first last */
} loop_case;

Test(bind, loop_fields)
{
	static const loop_case cases[] = {
		{0, 1, "0 1 1 true true"},    /* a single item is first and last */
		{0, 3, "0 1 3 true false"},
		{1, 3, "1 2 3 false false"},
		{2, 3, "2 3 3 false true"},
		{9, 30, "9 10 30 false false"},
	};
	ws_value *s = ws_bind_scope_new(NULL, NULL, NULL, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		ws_bind_set_loop(s, cases[i].index, cases[i].count);
		char *got = render("{{ loop.index }} {{ loop.number }} {{ loop.count }} {{ loop.first }} {{ loop.last }}", s);
		cr_assert_str_eq(got, cases[i].want, "loop %zu of %zu", cases[i].index, cases[i].count);
		g_free(got);
	}
	ws_value_unref(s);
}

Test(bind, page_number_and_count)
{
	ws_value *s = ws_bind_scope_new(NULL, NULL, NULL, NULL);
	ws_bind_set_page(s, 3, 5);
	assert_renders("第{{ page.number }}页 共{{ page.count }}页", s, "第3页 共5页");
	ws_bind_set_page(s, 2, 0);
	assert_renders("{{ page.number }}/{{ page.count }}", s, "2/");
	cr_assert(ws_value_is_null(ws_value_lookup(s, "page.count")), "count 0 means not known: null");
	ws_value_unref(s);
}

Test(bind, no_template_binds_to_empty_text_and_true)
{
	ws_value *s = ws_bind_scope_new(NULL, NULL, NULL, NULL);
	char *out = NULL;
	cr_assert_eq(ws_bind_text(NULL, s, &out, NULL), WS_OK);
	cr_assert_str_eq(out, "");
	g_free(out);
	bool shown = false;
	cr_assert_eq(ws_bind_condition(NULL, s, &shown, NULL), WS_OK);
	cr_assert(shown, "an element without `when` is shown");
	ws_value_unref(s);
}

typedef struct cond_case {
	const char *when;
	bool shown;
} cond_case;

Test(bind, conditions)
{
	static const cond_case cases[] = {
		/* values: their truthiness */
		{"{{ group.n > 2 }}", true},
		{"{{ group.n > 3 }}", false},
		{"{{ group.none }}", false},
		{"{{ group.items }}", true},
		{"{{ group.n - 3 }}", false},
		/* text: true when non-empty, except the words that mean no */
		{"yes", true},
		{"no", true},
		{"{{ group.name }}", true},
		{"{{ group.missing_text | default('') }}", false},
		{"false", false},
		{"FALSE", false},
		{"False", false},
		{"0", false},
		{"00", true},
		{"{{ group.n }} items", true},
		{"{{ 'false' }}", false},
	};
	ws_value *g = group();
	ws_value *s = ws_bind_scope_new(g, NULL, NULL, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		ws_template *t = tpl(cases[i].when);
		ws_diags *d = ws_diags_new();
		bool shown = !cases[i].shown;
		cr_assert_eq(ws_bind_condition(t, s, &shown, d), WS_OK, "%s", cases[i].when);
		cr_assert_eq(shown, cases[i].shown, "when: %s", cases[i].when);
		cr_assert_eq(ws_diags_count(d), 0);
		ws_diags_free(d);
		ws_template_free(t);
	}
	ws_value_unref(s);
	ws_value_unref(g);
}

Test(bind, a_failing_condition_is_an_error_not_false)
{
	ws_value *s = ws_bind_scope_new(NULL, NULL, NULL, NULL);
	ws_template *t = tpl("{{ 1 + 'a' }}");
	ws_diags *d = ws_diags_new();
	bool shown = false;
	cr_assert_neq(ws_bind_condition(t, s, &shown, d), WS_OK);
	cr_assert(ws_diags_has_errors(d));
	cr_assert_str_eq(ws_diags_at(d, 0)->loc.file, "t.yaml");
	cr_assert_eq(ws_diags_at(d, 0)->loc.line, 7);
	ws_diags_free(d);
	ws_template_free(t);
	ws_value_unref(s);
}

Test(bind, each_over_a_list_gives_the_list)
{
	ws_value *g = group();
	ws_value *s = ws_bind_scope_new(g, NULL, NULL, NULL);
	ws_template *t = expr("group.items");
	ws_value *list = NULL;
	cr_assert_eq(ws_bind_list(t, s, &list, NULL), WS_OK);
	cr_assert_eq(list, ws_value_map_get(g, "items"), "the group's own list, referenced");
	cr_assert_eq(ws_value_length(list), 2);
	ws_value_unref(list);
	ws_template_free(t);
	ws_value_unref(s);
	ws_value_unref(g);
}

Test(bind, each_over_null_or_a_missing_field_is_empty)
{
	ws_value *g = group();
	ws_value *s = ws_bind_scope_new(g, NULL, NULL, NULL);
	static const char *const empty[] = {"group.none", "group.missing", "null"};
	for (size_t i = 0; i < G_N_ELEMENTS(empty); i++) {
		ws_template *t = expr(empty[i]);
		ws_value *list = NULL;
		ws_diags *d = ws_diags_new();
		cr_assert_eq(ws_bind_list(t, s, &list, d), WS_OK, "%s", empty[i]);
		cr_assert_eq(ws_value_get_type(list), WS_VALUE_LIST, "%s", empty[i]);
		cr_assert_eq(ws_value_length(list), 0);
		cr_assert_eq(ws_diags_count(d), 0);
		ws_diags_free(d);
		ws_value_unref(list);
		ws_template_free(t);
	}
	ws_value_unref(s);
	ws_value_unref(g);
}

typedef struct each_error_case {
	const char *each;
	const char *message;
} each_error_case;

Test(bind, each_over_a_scalar_or_a_map_is_an_error_at_the_template)
{
	static const each_error_case cases[] = {
		{"group.n", "each needs a list, but 'group.n' is a number: 3"},
		{"group.name", "each needs a list, but 'group.name' is a string: \"示例交流团\""},
		{"group.m", "each needs a list, but 'group.m' is a map: "},
	};
	ws_value *g = group();
	ws_value *s = ws_bind_scope_new(g, NULL, NULL, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		ws_template *t = expr(cases[i].each);
		ws_value *list = (ws_value *)1;
		ws_diags *d = ws_diags_new();
		cr_assert_eq(ws_bind_list(t, s, &list, d), WS_EINPUT, "%s", cases[i].each);
		cr_assert_null(list);
		cr_assert_eq(ws_diags_count(d), 1);
		const ws_diag *e = ws_diags_at(d, 0);
		cr_assert_eq(e->severity, WS_SEVERITY_ERROR);
		char *s_msg = ws_diag_format(e);
		cr_assert(g_str_has_prefix(s_msg, "t.yaml:7:11: error: "), "at the template: %s", s_msg);
		cr_assert(g_str_has_prefix(e->message, cases[i].message), "%s", e->message);
		g_free(s_msg);
		ws_diags_free(d);
		ws_template_free(t);
	}
	ws_value_unref(s);
	ws_value_unref(g);
}
