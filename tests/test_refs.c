/* Template paths checked against the data (core/layout/refs.c,
 * ws_layout_check_data_paths): a path that no group has is a warning at
 * the text that holds it, with the key that was probably meant; a path
 * some group has, or that the layout defaults, is not. */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "layout.h"
#include "wsyaml.h"

#define HEAD "wenshu: 1\nkind: test\npage: {size: A4, margins: 20mm}\n"

/* Two groups: only the second has a contact, neither has a `remark`. */
static const char DATA[] =
	"groups:\n"
	"  - group_id: G1\n"
	"    route: self\n"
	"    applicants:\n"
	"      - {surname: ZHANG, passport_no: E1}\n"
	"    inviter: null\n"
	"    visits: []\n"
	"  - group_id: G2\n"
	"    route: delegated\n"
	"    contact: {mobile: '138'}\n"
	"    applicants: [{surname: LI, passport_no: E2}]\n"
	"    inviter: null\n"
	"    visits: []\n";

/* The warnings of checking `elements` (after HEAD + "elements:\n")
 * against DATA, one "line:col message" a line. */
static char *check(const char *elements)
{
	char *src = g_strconcat(HEAD, "elements:\n", elements, NULL);
	ws_diags *d = ws_diags_new();
	ws_layout *l = NULL;
	int rc = ws_layout_load_buffer(&l, src, strlen(src), "refs.yaml", NULL, d);
	for (size_t i = 0; rc != WS_OK && i < ws_diags_count(d); i++)
		cr_log_error("%s", ws_diags_at(d, i)->message);
	cr_assert_eq(rc, WS_OK);
	cr_assert_eq(ws_diags_count(d), 0);
	ws_value *root = NULL;
	cr_assert_eq(ws_yaml_load_buffer(&root, DATA, strlen(DATA), "data.yaml", NULL), WS_OK);
	const ws_value *groups = ws_value_map_get(root, "groups");
	const ws_value *g[] = {ws_value_list_at(groups, 0), ws_value_list_at(groups, 1)};
	cr_assert_eq(ws_layout_check_data_paths(l, g, 2, "data.yaml", d), WS_OK);
	GString *out = g_string_new(NULL);
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		const ws_diag *w = ws_diags_at(d, i);
		cr_assert_eq(w->severity, WS_SEVERITY_WARNING);
		cr_assert_str_eq(w->rule, "path");
		cr_assert_str_eq(w->loc.file, "refs.yaml");
		g_string_append_printf(out, "%u:%u %s\n", w->loc.line, w->loc.column, w->message);
	}
	ws_value_unref(root);
	ws_layout_free(l);
	ws_diags_free(d);
	g_free(src);
	return g_string_free(out, FALSE);
}

typedef struct refs_case {
	const char *elements;
	const char *want; /* the warnings, "line:col message\n" each; "" none */
} refs_case;

/* Element lines start at line 5 of refs.yaml; `  - text: "{{ ` puts a
 * path at column 15: a warning stands at the path, not at the quote. */
static const refs_case CASES[] = {
	/* a misspelt key: the closest key the groups offer */
	{"  - text: \"{{ group.rute }}\"\n",
	 "5:15 'group.rute' is in no group of data.yaml: it prints blank (did you mean 'route'?)\n"},
	/* present in one group is enough */
	{"  - text: \"{{ group.contact.mobile }}\"\n", ""},
	{"  - text: \"{{ group.contact.mobil }}\"\n",
	 "5:15 'group.contact.mobil' is in no group of data.yaml: it prints blank (did you mean 'mobile'?)\n"},
	/* a null on the way proves nothing */
	{"  - text: \"{{ group.inviter.name }}\"\n", ""},
	/* a default says the layout expects it to be missing */
	{"  - text: \"{{ group.remark | default('—') }}\"\n", ""},
	{"  - text: \"{{ group.remark }}\"\n", "5:15 'group.remark' is in no group of data.yaml: it prints blank\n"},
	/* inside `each`: `it` (or the `as:` name) is an item of the list */
	{"  - each: group.applicants\n    elements:\n      - text: \"{{ it.surnme }}\"\n",
	 "7:19 'group.applicants[*].surnme' is in no group of data.yaml: it prints blank (did you mean 'surname'?)\n"},
	{"  - each: group.applicants\n    as: p\n    elements:\n      - text: \"{{ p.passport_no }}\"\n", ""},
	{"  - each: group.applicants\n    as: p\n    elements:\n      - text: \"{{ p.pasport_no }} {{ it.surname }}\"\n",
	 "8:19 'group.applicants[*].pasport_no' is in no group of data.yaml: it prints blank (did you mean 'passport_no'?)\n"},
	/* two paths in one scalar: each at its own column */
	{"  - text: \"{{ group.route }}（{{ group.rute }}）\"\n",
	 "5:33 'group.rute' is in no group of data.yaml: it prints blank (did you mean 'route'?)\n"},
	/* `when` is read too, and one path is reported once, at its first use */
	{"  - text: a\n    when: \"{{ group.rute == 'self' }}\"\n  - text: \"{{ group.rute }}\"\n",
	 "6:15 'group.rute' is in no group of data.yaml: it prints blank (did you mean 'route'?)\n"},
	/* an empty list in every group proves nothing about its items */
	{"  - each: group.visits\n    elements:\n      - text: \"{{ it.anything }}\"\n", ""},
	/* names other than group and the each aliases are not data paths */
	{"  - text: \"{{ page.number }} {{ doc.title }}\"\n", ""},
};

Test(refs, paths_no_group_has_are_named_with_a_suggestion)
{
	for (size_t i = 0; i < G_N_ELEMENTS(CASES); i++) {
		char *got = check(CASES[i].elements);
		cr_expect_str_eq(got, CASES[i].want, "for:\n%sgot:\n%swanted:\n%s", CASES[i].elements, got, CASES[i].want);
		g_free(got);
	}
}

/* With no groups at all there is nothing to check against. */
Test(refs, no_groups_no_warnings)
{
	const char *src = HEAD "elements:\n  - text: \"{{ group.anything }}\"\n";
	ws_diags *d = ws_diags_new();
	ws_layout *l = NULL;
	cr_assert_eq(ws_layout_load_buffer(&l, src, strlen(src), "refs.yaml", NULL, d), WS_OK);
	cr_assert_eq(ws_layout_check_data_paths(l, NULL, 0, NULL, d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 0);
	ws_layout_free(l);
	ws_diags_free(d);
}
