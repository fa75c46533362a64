/* The filters of the template language (core/expr/filters.c), one table
 * row per behaviour: what `{{ x | f(args) }}` prints for a scope read
 * from YAML, and which error, at which column, a misuse gets.  The
 * evaluator around them is test_expr's; here each filter is taken at its
 * word. */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "expr.h"
#include "filters.h"
#include "wsyaml.h"

/* The scope every case sees. */
static const char SCOPE[] =
	"name: ilik-uerban\n"
	"spaced: \"\\u3000 Ab  Cd \\t\"\n"
	"n: 7\n"
	"neg: -7\n"
	"amount: 1369.005\n"
	"big: 100000000\n"
	"letters: [a, b, c]\n"
	"nums: [1, 2]\n"
	"people: [{ok: true}, {ok: ''}]\n"
	"everyone: [{ok: true}, {ok: x}]\n"
	"empty_list: []\n"
	"office: {city: 上海}\n"
	"d: '2025-03-18'\n"
	"dt: '2025-03-08T08:05'\n"
	"leap: '2024-02-29'\n"
	"bad: '2025-02-29'\n"
	"nothing: null\n"
	"blank: ''\n";

static ws_value *scope;

static void setup(void)
{
	cr_assert_eq(ws_yaml_load_buffer(&scope, SCOPE, strlen(SCOPE), "scope.yaml", NULL), WS_OK);
}

static void teardown(void)
{
	ws_value_unref(scope);
}

TestSuite(filters, .init = setup, .fini = teardown);

/* Templates are placed at t.yaml:1:1, so an error's column is the byte
 * offset (ASCII templates) of what it points at plus one. */
static int render(const char *src, char **out, ws_diags *d)
{
	ws_template *t = NULL;
	int rc = ws_template_compile(&t, src, (ws_loc){g_intern_string("t.yaml"), 1, 1}, d);
	if (rc == WS_OK)
		rc = ws_template_render(t, scope, out, d);
	ws_template_free(t);
	return rc;
}

typedef struct ok_case {
	const char *tpl, *want;
} ok_case;

static const ok_case OK[] = {
	/* text */
	{"{{ name | upper }}", "ILIK-UERBAN"},
	{"{{ 'ÜBER İ' | lower }}", "über i"},
	{"{{ spaced | trim }}", "Ab  Cd"},
	{"{{ name | replace('-', '·') }}", "ilik·uerban"},
	{"{{ 'aaa' | replace('a', 'bb') }}", "bbbbbb"},
	{"{{ n | pad(3) }}", "007"},
	{"{{ neg | pad(3) }}", "-07"},
	{"{{ '12345' | pad(3) }}", "12345"},
	{"{{ '中' | pad(2) }}", "0中"},
	{"{{ nothing | default('—') }}", "—"},
	{"{{ blank | default('—') }}", "—"},
	{"{{ n | default('—') }}", "7"},
	{"{{ nothing | upper }}", ""}, /* null passes through a text filter */
	/* lists */
	{"{{ letters | length }}", "3"},
	{"{{ '中文字' | length }}", "3"},
	{"{{ office | length }}", "1"},
	{"{{ nothing | length }}", "0"},
	{"{{ people | all('ok') }}", "false"},
	{"{{ everyone | all('ok') }}", "true"},
	{"{{ empty_list | all }}", "false"},
	{"{{ letters | all }}", "true"},
	{"{{ letters | first }}", "a"},
	{"{{ letters | last }}", "c"},
	{"{{ letters | index(-2) }}", "b"},
	{"{{ letters | index(5) | default('none') }}", "none"},
	{"{{ '中文字' | index(1) }}", "文"},
	{"{{ '中文字' | last }}", "字"},
	{"{{ office | index('city') }}", "上海"},
	{"{{ letters | join('、') }}", "a、b、c"},
	{"{{ letters | join }}", "abc"},
	{"{{ nums | join('+') }}", "1+2"},
	/* numbers: decimal, rounded half-up, never through a double */
	{"{{ amount | money }}", "1369.01"},
	{"{{ amount | money('元') }}", "1369.01 元"},
	{"{{ amount | fixed(1) }}", "1369.0"},
	{"{{ n | fixed(2) }}", "7.00"},
	{"{{ '2.5' | fixed(0) }}", "3"},
	{"{{ 0 | cn_num }}", "零"},
	{"{{ 12 | cn_num }}", "十二"},
	{"{{ 105 | cn_num }}", "一百零五"},
	{"{{ 10010 | cn_num }}", "一万零一十"},
	{"{{ 100000 | cn_num }}", "十万"},
	{"{{ -3 | cn_num }}", "负三"},
	/* dates */
	{"{{ d | date('YYYY年M月D日') }}", "2025年3月18日"},
	{"{{ dt | date('DD.MM.YYYY HH:mm') }}", "08.03.2025 08:05"},
	{"{{ leap | date('D/M') }}", "29/2"},
	{"{{ d | cn_date }}", "二〇二五年三月十八日"},
	{"{{ '2010-11-21' | cn_date }}", "二〇一〇年十一月二十一日"},
	{"{{ nothing | cn_date }}", ""},
};

Test(filters, each_filter_prints_what_it_promises)
{
	for (size_t i = 0; i < G_N_ELEMENTS(OK); i++) {
		ws_diags *d = ws_diags_new();
		char *out = NULL;
		int rc = render(OK[i].tpl, &out, d);
		const char *why = ws_diags_count(d) ? ws_diags_at(d, 0)->message : "";
		cr_assert_eq(rc, WS_OK, "%s: %s", OK[i].tpl, why);
		cr_expect_str_eq(out, OK[i].want, "%s", OK[i].tpl);
		g_free(out);
		ws_diags_free(d);
	}
}

typedef struct err_case {
	const char *tpl;
	unsigned col;     /* where the error points: the filter's name */
	const char *what; /* in the message */
} err_case;

static const err_case ERR[] = {
	{"{{ letters | upper }}", 14, "upper needs text, got list"},
	{"{{ office | trim }}", 13, "trim needs text"},
	{"{{ 'x' | replace('', 'y') }}", 10, "the text to replace must not be empty"},
	{"{{ n | pad(-1) }}", 8, "pad: width -1 is negative"},
	{"{{ true | pad(2) }}", 11, "pad needs a number or text"},
	{"{{ name | length | fixed(13) }}", 20, "fixed: 13 decimals is out of range 0..12"},
	{"{{ name | money }}", 11, "money needs a number"},
	{"{{ big | cn_num }}", 10, "cn_num needs a whole number within ±99999999"},
	{"{{ 1.5 | cn_num }}", 10, "cn_num needs a whole number"},
	{"{{ bad | date('YYYY') }}", 10, "is not a date"},
	{"{{ n | cn_date }}", 8, "is not a date"},
	{"{{ d | date('YY') }}", 8, "'YY' is not a date token"},
	{"{{ d | date('DDD') }}", 8, "'DDD' is not a date token"},
	{"{{ d | date('HH:mm') }}", 8, "has no time for 'HH'"},
	{"{{ people | join }}", 13, "join: item 0 is a map, not text"},
	{"{{ name | join }}", 11, "join needs a list"},
	{"{{ name | all }}", 11, "all needs a list"},
	{"{{ letters | index(office) }}", 20, "argument 1 of 'index' must be a whole number or a string"},
	{"{{ n | length }}", 8, "length needs a list, a map or text"},
	{"{{ name | uper }}", 11, "did you mean 'upper'"},
};

Test(filters, each_misuse_is_an_error_at_the_filter)
{
	for (size_t i = 0; i < G_N_ELEMENTS(ERR); i++) {
		ws_diags *d = ws_diags_new();
		char *out = NULL;
		int rc = render(ERR[i].tpl, &out, d);
		cr_assert_eq(rc, WS_EINPUT, "%s printed '%s'", ERR[i].tpl, out ? out : "");
		cr_assert_null(out);
		cr_assert(ws_diags_count(d) > 0, "%s", ERR[i].tpl);
		const ws_diag *e = ws_diags_at(d, 0);
		cr_expect(strstr(e->message, ERR[i].what) != NULL, "%s: expected '%s' in: %s", ERR[i].tpl,
		          ERR[i].what, e->message);
		cr_expect(e->loc.line == 1 && e->loc.column == ERR[i].col, "%s: at 1:%u, expected 1:%u (%s)",
		          ERR[i].tpl, e->loc.column, ERR[i].col, e->message);
		ws_diags_free(d);
	}
}

/* The table the evaluator reads: every listed name is found, with the
 * argument counts its documentation gives; names are listed sorted (for
 * `wenshu list` and editor completion). */
Test(filters, the_table_lists_every_filter_once_sorted)
{
	const char *const *names = ws_expr_filter_names();
	size_t n = 0;
	for (; names[n]; n++) {
		const expr_filter *f = expr_filter_find(names[n], strlen(names[n]));
		cr_assert_not_null(f, "%s is listed but not found", names[n]);
		cr_assert_str_eq(f->name, names[n]);
		cr_assert(f->min_args <= f->max_args && strlen(f->arg_kinds) == f->max_args, "%s", names[n]);
		if (n)
			cr_assert(strcmp(names[n - 1], names[n]) < 0, "%s before %s", names[n - 1], names[n]);
	}
	cr_assert_eq(n, 17);
	/* found by length, not by prefix */
	cr_assert_null(expr_filter_find("upperx", 5 + 1));
	cr_assert_eq(expr_filter_find("upperx", 5), expr_filter_find("upper", 5));
	cr_assert_null(expr_filter_find("", 0));
	const expr_filter *pad = expr_filter_find("pad", 3);
	cr_assert(pad->min_args == 1 && pad->max_args == 1 && pad->arg_kinds[0] == 'i' && pad->null_passes);
	const expr_filter *def = expr_filter_find("default", 7);
	cr_assert(!def->null_passes, "default must see the null it replaces");
}

Test(filters, suggestions_and_argument_kinds)
{
	cr_assert_str_eq(expr_filter_suggest("cn_dat", 6), "cn_date");
	cr_assert_str_eq(expr_filter_suggest("lenght", 6), "length");
	cr_assert_null(expr_filter_suggest("zzzzzz", 6));
	/* only the first `len` bytes are the name */
	cr_assert_str_eq(expr_filter_suggest("jion | x", 4), "join");

	ws_value *s = ws_value_new_string("3", WS_LOC_NONE);
	ws_value *whole = ws_value_new_number_text(3, "3", WS_LOC_NONE);
	ws_value *frac = ws_value_new_number_text(1.5, "1.5", WS_LOC_NONE);
	cr_assert(expr_arg_fits('s', s) && !expr_arg_fits('s', whole));
	cr_assert(expr_arg_fits('i', whole) && !expr_arg_fits('i', frac) && !expr_arg_fits('i', s));
	cr_assert(expr_arg_fits('k', whole) && expr_arg_fits('k', s) && !expr_arg_fits('k', frac));
	cr_assert(expr_arg_fits('a', frac));
	cr_assert_str_eq(expr_arg_kind_name('i'), "a whole number");
	cr_assert_str_eq(expr_arg_kind_name('k'), "a whole number or a string");
	ws_value_unref(s);
	ws_value_unref(whole);
	ws_value_unref(frac);
}
