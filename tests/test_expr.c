/* Tests for the expression and template language (core/expr.h).  Scopes
 * are built by hand so that these tests depend on values only, not on the
 * YAML loader. */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "expr.h"
#include "wsyaml.h"

/* Every template in these tests starts at line 3, column 10 of t.yaml, as
 * if written `  text: "..."` there; a character k of the template is at
 * column 10 + k. */
#define LINE 3
#define COL 10

static ws_loc here(void)
{
	return (ws_loc){g_intern_string("t.yaml"), LINE, COL};
}

static ws_value *str(const char *s)
{
	return ws_value_new_string(s, WS_LOC_NONE);
}

static ws_value *num(const char *text)
{
	return ws_value_new_number_text(g_ascii_strtod(text, NULL), text, WS_LOC_NONE);
}

static void put(ws_value *map, const char *key, ws_value *v)
{
	ws_value_map_set(map, key, v, WS_LOC_NONE);
}

static ws_value *applicant(const char *surname, const char *name_zh, const char *passport)
{
	ws_value *a = ws_value_new_map(WS_LOC_NONE);
	put(a, "surname", str(surname));
	put(a, "name_zh", str(name_zh));
	put(a, "passport_no", str(passport));
	return a;
}

/* A group like samples/delegated-shanghai.yaml, plus page, doc and a few
 * values the tests need (`it`, `n`, `big`). */
static ws_value *make_scope(void)
{
	ws_value *scope = ws_value_new_map(WS_LOC_NONE);
	ws_value *g = ws_value_new_map(WS_LOC_NONE);
	put(g, "route", str("delegated"));
	put(g, "group_name", str("  示例交流团　"));
	ws_value *appt = ws_value_new_map(WS_LOC_NONE);
	put(appt, "date", str("2025-03-18"));
	put(appt, "at", str("2025-03-18T08:30"));
	put(appt, "bad", str("2025-13-40"));
	put(appt, "count", num("1"));
	put(g, "appointment", appt);
	ws_value *pay = ws_value_new_map(WS_LOC_NONE);
	put(pay, "fee_usd_per_applicant", str("185.00"));
	put(pay, "cny_per_usd", str("7.40"));
	put(pay, "applicant_count", num("3"));
	put(pay, "total_cny", str("4107.00"));
	put(g, "payment", pay);
	put(g, "mfa_pickup_fee_cny", ws_value_new_null(WS_LOC_NONE));
	put(g, "contact_landline", str(""));
	ws_value *it = ws_value_new_list(WS_LOC_NONE);
	ws_value_list_append(it, str("华盛顿"));
	ws_value_list_append(it, str("纽约"));
	put(g, "us_itinerary", it);
	ws_value *apps = ws_value_new_list(WS_LOC_NONE);
	ws_value_list_append(apps, applicant("JIA", "贾测试", "PE0000001"));
	ws_value_list_append(apps, applicant("YI", "易示例", "PE0000002"));
	ws_value_list_append(apps, applicant("BING", "丙样本", "SE0000004"));
	put(g, "applicants", apps);
	put(scope, "group", g);
	put(scope, "it", applicant("JIA", "贾测试", "PE0000001"));
	ws_value *page = ws_value_new_map(WS_LOC_NONE);
	put(page, "number", ws_value_new_number(2, WS_LOC_NONE));
	put(page, "count", ws_value_new_number(3, WS_LOC_NONE));
	put(scope, "page", page);
	ws_value *doc = ws_value_new_map(WS_LOC_NONE);
	put(doc, "title", str("面谈确认单"));
	put(scope, "doc", doc);
	return scope;
}

static ws_value *scope;
static ws_diags *diags;

static void setup(void)
{
	scope = make_scope();
	diags = ws_diags_new();
}

static void teardown(void)
{
	ws_value_unref(scope);
	ws_diags_free(diags);
}

TestSuite(expr, .init = setup, .fini = teardown);

static const char *first_message(void)
{
	return ws_diags_count(diags) ? ws_diags_at(diags, 0)->message : "(no diagnostic)";
}

/* Renders `src` and checks the text; the template must compile and
 * evaluate without a diagnostic. */
static void expect(const char *src, const char *want)
{
	ws_template *t = NULL;
	int rc = ws_template_compile(&t, src, here(), diags);
	cr_assert_eq(rc, WS_OK, "compile %s: %s", src, first_message());
	char *out = NULL;
	rc = ws_template_render(t, scope, &out, diags);
	cr_assert_eq(rc, WS_OK, "render %s: %s", src, first_message());
	cr_expect_str_eq(out, want, "%s", src);
	cr_expect_eq(ws_diags_count(diags), 0, "%s: %s", src, first_message());
	g_free(out);
	ws_template_free(t);
}

/* `{{ e }}` rendered. */
static void expect_expr(const char *e, const char *want)
{
	char *src = g_strdup_printf("{{ %s }}", e);
	expect(src, want);
	g_free(src);
}

/* Checks the one error of `src`: at compile time when `at_compile`, else at
 * render time; its line, column and a piece of its message. */
static void expect_error_at(const char *src, bool at_compile, unsigned line, unsigned col,
                            const char *part)
{
	ws_diags_clear(diags);
	ws_template *t = NULL;
	int rc = ws_template_compile(&t, src, here(), diags);
	if (at_compile) {
		cr_assert_eq(rc, WS_EINPUT, "%s should not compile", src);
		cr_assert_null(t, "%s: no half-compiled template", src);
	} else {
		cr_assert_eq(rc, WS_OK, "compile %s: %s", src, first_message());
		char *out = (char *)"untouched";
		rc = ws_template_render(t, scope, &out, diags);
		cr_assert_eq(rc, WS_EINPUT, "%s should fail to render", src);
		cr_assert_null(out, "%s: no half-rendered text", src);
		ws_template_free(t);
	}
	cr_assert_eq(ws_diags_count(diags), 1, "%s: %zu diagnostics", src, ws_diags_count(diags));
	const ws_diag *d = ws_diags_at(diags, 0);
	cr_expect_eq(d->severity, WS_SEVERITY_ERROR, "%s: an error", src);
	cr_expect_str_eq(d->loc.file, "t.yaml", "%s", src);
	cr_expect_eq(d->loc.line, line, "%s: line %u, want %u", src, d->loc.line, line);
	cr_expect_eq(d->loc.column, col, "%s: column %u, want %u (%s)", src, d->loc.column, col,
	             d->message);
	cr_expect(strstr(d->message, part) != NULL, "%s: message '%s' lacks '%s'", src, d->message,
	          part);
	ws_diags_clear(diags);
}

static void expect_error(const char *src, bool at_compile, unsigned col, const char *part)
{
	expect_error_at(src, at_compile, LINE, col, part);
}

/* Case tables: one row a case, checked in order; every row runs (the
 * checks are cr_expect), and a failure names the row's source. */
typedef struct text_case {
	const char *src, *want;
} text_case;
typedef struct expr_case {
	const char *expr, *want;
} expr_case;
typedef struct error_case {
	const char *src;
	bool at_compile;
	unsigned col;       /* on line LINE */
	const char *part;   /* a piece of the message */
} error_case;

static void expect_texts(const text_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		expect(c[i].src, c[i].want);
}

static void expect_exprs(const expr_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		expect_expr(c[i].expr, c[i].want);
}

static void expect_errors(const error_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		expect_error(c[i].src, c[i].at_compile, c[i].col, c[i].part);
}

/* ------------------------------------------------------------------ */

Test(expr, literals)
{
	static const expr_case cases[] = {
		{"'single'", "single"},
		{"\"double\"", "double"},
		{"'it\\'s \\\"q\\\" \\\\ \\u4E2D'", "it's \"q\" \\ 中"},
		{"'a\\tb\\nc'", "a\tb\nc"},
		{"42", "42"},
		{"185.00", "185.00"},
		{"-7.5", "-7.5"},
		{"true", "true"},
		{"false", "false"},
		{"null", ""},
		{"[1, 'a', [2]] | length", "3"},
		{"[] | length", "0"},
		{"['x', 'y',] | join('+')", "x+y"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
}

Test(expr, text_outside_braces_is_literal)
{
	static const text_case texts[] = {
		{"面谈日期：{{ group.appointment.date }}。", "面谈日期：2025-03-18。"},
		{"plain } and { text }}", "plain } and { text }}"},
		{"{{ 'a' }}{{ 'b' }}-{{ '}}' }}", "ab-}}"},
		{"", ""},
	};
	expect_texts(texts, G_N_ELEMENTS(texts));
}

Test(expr, paths)
{
	static const expr_case cases[] = {
		{"group.applicants[0].surname", "JIA"},
		{"group.applicants[2].name_zh", "丙样本"},
		{"group.applicants[-1].passport_no", "SE0000004"},
		{"group.applicants[page.number - 1].surname", "YI"},
		{"group['route']", "delegated"},
		{"it.name_zh", "贾测试"},
		{"page.number ~ '/' ~ page.count", "2/3"},
		{"doc.title", "面谈确认单"},
		{"(group.appointment).date", "2025-03-18"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
}

Test(expr, missing_paths_are_null)
{
	static const expr_case cases[] = {
		{"group.nothing", ""},
		{"group.nothing.deeper[3].still", ""},
		{"group.applicants[7].surname", ""},
		{"group.route.length", ""},
		{"group.nothing == null", "true"},
		{"group.nothing | default('—')", "—"},
		{"group.nothing | upper | default('—')", "—"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
}

Test(expr, unknown_variable_is_an_error)
{
	/* column of `grup`: 10 + 3 */
	expect_error("{{ grup.route }}", false, 13, "unknown name 'grup' (did you mean 'group'?)");
	expect_error("{{ xyzzy }}", false, 13, "unknown name 'xyzzy'");
}

Test(expr, list_index_must_be_whole)
{
	expect_error("{{ group.applicants[1.5] }}", false, 29, "whole number");
	expect_error("{{ group.applicants['a'] }}", false, 29, "whole number");
}

Test(expr, comparisons)
{
	static const expr_case cases[] = {
		{"group.route == 'delegated'", "true"},
		{"group.route != 'delegated'", "false"},
		{"10 > 9", "true"},
		{"'10' > '9'", "false"}, /* text compares as text */
		{"3 == 3.00", "true"},
		{"3 < 3", "false"},
		{"3 <= 3", "true"},
		{"-2 >= -1", "false"},
		{"group.payment.fee_usd_per_applicant == 185", "true"},
		{"group.payment.fee_usd_per_applicant > 99.5", "true"},
		{"group.payment.fee_usd_per_applicant == '185'", "false"},
		{"'2025-03-18' < '2025-04-01'", "true"},
		{"group.appointment.date >= '2025-03-18'", "true"},
		{"'2025-12-31' < '2026-01-01'", "true"},
		{"'中' > '一'", "true"}, /* code-point order: U+4E2D > U+4E00 */
		{"null == null", "true"},
		{"[1, 'a'] == [1, 'a']", "true"},
		{"[1] != [2]", "true"},
		{"true == 'true'", "false"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
}

Test(expr, ordering_mixed_types_is_an_error)
{
	expect_error("{{ group.route < 3 }}", false, 25, "cannot order string \"delegated\" and number 3");
	expect_error("{{ group.nothing > '2025-01-01' }}", false, 27, "cannot order null");
}

Test(expr, logic)
{
	static const expr_case cases[] = {
		{"true and false", "false"},
		{"true or false", "true"},
		{"not group.nothing", "true"},
		{"not not 'x'", "true"},
		{"not 1 == 2", "true"},
		{"group.applicants and group.route == 'delegated'", "true"},
		/* Short-circuit: the unknown name on the right is never evaluated. */
		{"false and nosuch", "false"},
		{"true or nosuch", "true"},
		{"'' or 0 or [] or null", "false"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
}

Test(expr, membership)
{
	static const expr_case cases[] = {
		{"'纽约' in group.us_itinerary", "true"},
		{"'芝加哥' not in group.us_itinerary", "true"},
		{"'leg' in group.route", "true"},
		{"'route' in group", "true"},
		{"3 in [1, 2, 3.0]", "true"},
		{"'x' in group.nothing", "false"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
	expect_error("{{ 'x' in 5 }}", false, 17, "'in' needs a list");
	expect_error("{{ [1] in 'abc' }}", false, 17, "'in' looks for text");
}

Test(expr, concatenation)
{
	static const expr_case cases[] = {
		{"group.applicants[0].surname ~ ' ' ~ it.name_zh", "JIA 贾测试"},
		{"'n=' ~ 3 ~ true ~ group.nothing", "n=3true"},
		{"'a' ~ 1 + 2", "a3"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
	expect_error("{{ 'a' ~ group.us_itinerary }}", false, 17, "'~' joins text");
}

Test(expr, arithmetic)
{
	static const expr_case cases[] = {
		{"1 + 2 * 3", "7"},
		{"(1 + 2) * 3", "9"},
		{"10 - 4 - 3", "3"},
		{"185.00 + 0.5", "185.50"},
		{"185.00 * 7.40", "1369.0000"},
		{"group.payment.applicant_count * group.payment.fee_usd_per_applicant", "555.00"},
		{"7.40 / 2", "3.70"},
		{"10 / 4", "2.5"},
		{"1 / 3", "0.3333333333"},
		{"2 / 3", "0.6666666667"},
		{"-(2 - 5)", "3"},
		{"- group.payment.applicant_count", "-3"},
		{"0.1 + 0.2 == 0.3", "true"}, /* exact decimals, no binary float */
		{"9223372036854775807 - 1", "9223372036854775806"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
}

Test(expr, arithmetic_errors)
{
	static const error_case errors[] = {
		{"{{ 1 / 0 }}", false, 15, "division by zero"},
		{"{{ 5 / (2 - 2.0) }}", false, 15, "division by zero"},
		{"{{ 9223372036854775807 + 1 }}", false, 33, "number overflow in '+'"},
		{"{{ 4294967296 * 4294967296 }}", false, 24, "number overflow in '*'"},
		{"{{ 'a' + 'b' }}", false, 17, "use '~' to join text"},
		{"{{ group.route * 2 }}", false, 25, "'*' needs numbers, got string \"delegated\""},
		{"{{ 1 + group.nothing }}", false, 15, "got null"},
		{"{{ -'x' }}", false, 13, "'-' needs a number"},
	};
	expect_errors(errors, G_N_ELEMENTS(errors));
	cr_assert_eq(ws_diags_count(diags), 0);
	/* A path operand is named in the diagnostic's path. */
	ws_template *t;
	cr_assert_eq(ws_template_compile(&t, "{{ group.route * 2 }}", here(), diags), WS_OK);
	char *out;
	cr_assert_eq(ws_template_render(t, scope, &out, diags), WS_EINPUT);
	cr_assert_str_eq(ws_diags_at(diags, 0)->path, "group.route");
	ws_template_free(t);
}

Test(expr, conditional)
{
	static const expr_case cases[] = {
		{"'委托' if group.route == 'delegated' else '自行'", "委托"},
		{"'委托' if group.route == 'self' else '自行'", "自行"},
		{"'（续）' if page.number > 1", "（续）"},
		{"'（续）' if page.number > 5", ""},
		{"'a' if false else 'b' if true else 'c'", "b"},
		{"'x' if true else nosuch", "x"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
}

/* ------------------------------------------------------------------ */
/* Filters                                                              */

Test(expr, text_filters)
{
	static const expr_case cases[] = {
		{"'Jia Ceshi' | upper", "JIA CESHI"},
		{"'JIA' | lower", "jia"},
		{"'ärger' | upper", "ÄRGER"},
		{"group.group_name | trim", "示例交流团"},
		{"'  x ' | trim | length", "1"},
		{"'贾测试' | length", "3"},
		{"group.applicants | length", "3"},
		{"group | length", "8"},
		{"group.nothing | length", "0"},
		{"'B座11层' | replace('B', '乙')", "乙座11层"},
		{"'a-b-c' | replace('-', '')", "abc"},
		{"'aaa' | replace('a', 'bb')", "bbbbbb"},
		{"7 | pad(3)", "007"},
		/* The filter applies to the negated number, as in Jinja. */
		{"-7 | pad(3)", "-07"},
		{"-page.number | pad(3)", "-02"},
		{"'12345' | pad(3)", "12345"},
		{"'贾' | pad(2)", "0贾"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
}

Test(expr, default_filter)
{
	static const expr_case cases[] = {
		{"group.nothing | default('无')", "无"},
		{"group.contact_landline | default('无')", "无"},
		{"group.route | default('无')", "delegated"},
		{"0 | default(5)", "0"},
		{"group.mfa_pickup_fee_cny | money | default('（待定）')", "（待定）"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
}

Test(expr, list_filters)
{
	static const expr_case cases[] = {
		{"group.us_itinerary | join('、')", "华盛顿、纽约"},
		{"group.us_itinerary | join", "华盛顿纽约"},
		{"[1, null, 'x'] | join(',')", "1,,x"},
		{"group.applicants | first | index('surname')", "JIA"},
		{"(group.applicants | last).name_zh", "丙样本"},
		{"group.us_itinerary | index(1)", "纽约"},
		{"group.us_itinerary | index(-2)", "华盛顿"},
		{"group.us_itinerary | index(9) | default('-')", "-"},
		{"'贾测试' | first", "贾"},
		{"'贾测试' | last", "试"},
		{"'贾测试' | index(1)", "测"},
		{"[] | first | default('empty')", "empty"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
	static const error_case errors[] = {
		{"{{ [[1]] | join }}", false, 21, "join: item 0 is a list"},
		{"{{ 'abc' | join }}", false, 21, "join needs a list"},
		{"{{ 5 | first }}", false, 17, "first needs a list or text"},
		{"{{ true | length }}", false, 20, "length needs a list"},
	};
	expect_errors(errors, G_N_ELEMENTS(errors));
}

Test(expr, date_filter)
{
	static const expr_case cases[] = {
		{"group.appointment.date | date('YYYY/MM/DD')", "2025/03/18"},
		{"group.appointment.date | date('MM/DD/YYYY')", "03/18/2025"},
		{"'2025-03-05' | date('YYYY年M月D日')", "2025年3月5日"},
		{"'2025-03-05' | date('YYYY-MM-DD (D/M)')", "2025-03-05 (5/3)"},
		{"group.appointment.at | date('YYYY/MM/DD HH:mm')", "2025/03/18 08:30"},
		{"'2024-02-29' | date('M月D日')", "2月29日"},
		{"group.nothing | date('YYYY')", ""},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
}

Test(expr, date_errors_name_the_value)
{
	/* `date` is at offset 27 of the template */
	expect_error("{{ group.appointment.bad | date('YYYY/MM/DD') }}", false, 37,
	             "date: \"2025-13-40\" is not a date (expected YYYY-MM-DD");
	ws_template *t;
	cr_assert_eq(ws_template_compile(&t, "{{ group.appointment.bad | date('YYYY') }}", here(),
	                                 diags), WS_OK);
	char *out;
	cr_assert_eq(ws_template_render(t, scope, &out, diags), WS_EINPUT);
	cr_expect_str_eq(ws_diags_at(diags, 0)->path, "group.appointment.bad");
	ws_template_free(t);
	ws_diags_clear(diags);
	static const error_case errors[] = {
		{"{{ '2023-02-29' | date('YYYY') }}", false, 28, "\"2023-02-29\" is not a date"},
		{"{{ '2025-3-5' | cn_date }}", false, 26, "cn_date: \"2025-3-5\" is not a date"},
		{"{{ '2025-03-05T24:00' | date('HH') }}", false, 34, "is not a date"},
		{"{{ 20250305 | date('YYYY') }}", false, 24, "is not a date"},
		{"{{ group.appointment.date | date('HH:mm') }}", false, 38,
		 "\"2025-03-18\" has no time for 'HH'"},
		{"{{ group.appointment.date | date('YY/MM/DD') }}", false, 38,
		 "'YY' is not a date token"},
	};
	expect_errors(errors, G_N_ELEMENTS(errors));
}

Test(expr, cn_date_filter)
{
	static const expr_case cases[] = {
		{"'2025-03-05' | cn_date", "二〇二五年三月五日"},
		{"'2025-12-31' | cn_date", "二〇二五年十二月三十一日"},
		{"'2020-10-20' | cn_date", "二〇二〇年十月二十日"},
		{"'2000-01-01' | cn_date", "二〇〇〇年一月一日"},
		{"'2025-11-21' | cn_date", "二〇二五年十一月二十一日"},
		{"'2025-03-18T08:30' | cn_date", "二〇二五年三月十八日"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
	/* 〇 is U+3007 IDEOGRAPHIC NUMBER ZERO, not 零 or ○ (U+25CB). */
	ws_template *t;
	cr_assert_eq(ws_template_compile(&t, "{{ '2020-01-01' | cn_date }}", here(), diags), WS_OK);
	char *out;
	cr_assert_eq(ws_template_render(t, scope, &out, diags), WS_OK);
	cr_expect_eq(g_utf8_get_char(g_utf8_offset_to_pointer(out, 1)), 0x3007);
	g_free(out);
	ws_template_free(t);
}

Test(expr, money_filter)
{
	static const expr_case cases[] = {
		{"1369.005 | money", "1369.01"}, /* half-up, exactly */
		{"'1369.005' | money", "1369.01"}, /* decimal text too */
		{"1369.004999 | money", "1369.00"},
		{"-0.005 | money", "-0.01"}, /* half away from zero */
		{"185 | money", "185.00"},
		{"0 | money", "0.00"},
		{"(3 * 185.00 * 7.40) | money", "4107.00"},
		{"(group.payment.applicant_count * group.payment.fee_usd_per_applicant"
		 " * group.payment.cny_per_usd) | money('CNY')",
		 "4107.00 CNY"},
		{"(185.00 * 7.40) | money('CNY')", "1369.00 CNY"},
		{"group.payment.total_cny | money('元')", "4107.00 元"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
	/* The literal 1369.005 as a double is 1369.00499999...: printf would
	 * give 1369.00.  The value path must not go through a double either. */
	ws_value_map_set(scope, "n", ws_value_new_number_text(1369.005, "1369.005", WS_LOC_NONE),
	                 WS_LOC_NONE);
	expect_expr("n | money", "1369.01");
	expect_error("{{ group.route | money }}", false, 27, "money needs a number, got string");
	expect_error("{{ 1 | money(5) }}", true, 23, "argument 1 of 'money' must be a string");
}

Test(expr, fixed_and_cn_num_filters)
{
	static const expr_case cases[] = {
		{"2.345 | fixed(2)", "2.35"},
		{"2 | fixed(3)", "2.000"},
		{"7.40 | fixed(0)", "7"},
		{"'2.5' | fixed(0)", "3"},
	};
	expect_exprs(cases, G_N_ELEMENTS(cases));
	expect_error("{{ 1 | fixed(13) }}", false, 17, "out of range 0..12");
	expect_error("{{ 1 | fixed(1.5) }}", true, 23, "must be a whole number");
	static const struct {
		const char *in, *want;
	} cn_nums[] = {
		{"0", "零"}, {"1", "一"}, {"2", "二"}, {"10", "十"}, {"11", "十一"}, {"12", "十二"},
		{"20", "二十"}, {"21", "二十一"}, {"99", "九十九"}, {"100", "一百"}, {"105", "一百零五"},
		{"110", "一百一十"}, {"1001", "一千零一"}, {"1010", "一千零一十"}, {"10000", "一万"},
		{"10010", "一万零一十"}, {"100000", "十万"}, {"120034", "十二万零三十四"},
		{"3.00", "三"}, {"-5", "负五"}, {"99999999", "九千九百九十九万九千九百九十九"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cn_nums); i++) {
		char *e = g_strdup_printf("%s | cn_num", cn_nums[i].in);
		expect_expr(e, cn_nums[i].want);
		g_free(e);
	}
	expect_error("{{ 1.5 | cn_num }}", false, 19, "whole number");
	expect_error("{{ 100000000 | cn_num }}", false, 25, "whole number within");
}

Test(expr, filter_errors_at_compile_time)
{
	static const error_case errors[] = {
		{"{{ group.route | uper }}", true, 27, "unknown filter 'uper' (did you mean 'upper'?)"},
		{"{{ x | cndate }}", true, 17, "did you mean 'cn_date'?"},
		{"{{ x | qqqqqq }}", true, 17, "unknown filter 'qqqqqq'"},
		{"{{ x | date }}", true, 17, "filter 'date' takes 1 argument, got 0"},
		{"{{ x | upper(1) }}", true, 17, "filter 'upper' takes 0 arguments, got 1"},
		{"{{ x | join(',', ';') }}", true, 17, "takes 0 to 1 arguments, got 2"},
		{"{{ x | replace('a') }}", true, 17, "takes 2 arguments, got 1"},
		{"{{ x | date(5) }}", true, 22, "argument 1 of 'date' must be a string, got 5"},
		{"{{ x | pad('3') }}", true, 21, "must be a whole number"},
		{"{{ 'x' | replace('', 'b') }}", false, 19, "must not be empty"},
	};
	expect_errors(errors, G_N_ELEMENTS(errors));
}

Test(expr, filter_argument_types_checked_at_run_time)
{
	/* A path argument cannot be checked before its value is known. */
	expect_error("{{ 'x' | pad(group.route) }}", false, 23, "argument 1 of 'pad' must be a whole number");
}

/* ------------------------------------------------------------------ */
/* Syntax errors and their columns                                     */

Test(expr, unclosed_braces)
{
	static const error_case errors[] = {
		{"abc {{ group.route", true, 14, "'{{' is not closed by '}}'"},
		/* columns count characters: 面谈日期： is 5 characters, 15 bytes */
		{"面谈日期：{{ group.route", true, 15, "'{{' is not closed"},
		{"{{ 'a' }} and {{ 'b'", true, 24, "'{{' is not closed"},
	};
	expect_errors(errors, G_N_ELEMENTS(errors));
}

Test(expr, syntax_errors)
{
	static const error_case errors[] = {
		{"{{ }}", true, 13, "expected an expression, found '}}'"},
		{"{{ 'abc }}", true, 13, "unterminated string"},
		{"{{ 'a\\qb' }}", true, 15, "unknown escape '\\q'"},
		{"{{ '\\u12' }}", true, 14, "\\u needs 4 hex digits"},
		{"{{ 'a\\中' }}", true, 15, "unknown escape '\\中'"},
		{"{{ '\\", true, 13, "unterminated string"},
		{"{{ a = 'b' }}", true, 15, "use '=='"},
		{"{{ a && b }}", true, 15, "use 'and'"},
		{"{{ a || b }}", true, 15, "use 'or'"},
		{"{{ !a }}", true, 13, "use 'not'"},
		{"{{ a # b }}", true, 15, "unexpected character '#'"},
		{"{{ 名字 }}", true, 13, "unexpected character '名'"},
		{"{{ x | date（'YYYY'） }}", true, 21, "full-width character (use '(')"},
		{"{{ 1 < 2 < 3 }}", true, 19, "comparisons cannot be chained"},
		{"{{ 'a' in b not in c }}", true, 22, "cannot be chained"},
		{"{{ (1 + 2 }}", true, 20, "expected ')', found '}}'"},
		{"{{ [1, 2 }}", true, 19, "expected ',' or ']'"},
		{"{{ group. }}", true, 20, "expected a field name after '.'"},
		{"{{ x | 5 }}", true, 17, "expected a filter name"},
		{"{{ a b }}", true, 15, "expected an operator or '}}', found 'b'"},
		{"{{ 1 + }}", true, 17, "expected an expression"},
		{"{{ 'a' if }}", true, 20, "expected an expression"},
		{"{{ a }} }", false, 13, "unknown name 'a'"}, /* a lone } is text */
	};
	expect_errors(errors, G_N_ELEMENTS(errors));
}

Test(expr, every_bad_part_is_reported)
{
	ws_template *t = NULL;
	cr_assert_eq(ws_template_compile(&t, "{{ x | uper }} and {{ y = 1 }}", here(), diags),
	             WS_EINPUT);
	cr_assert_eq(ws_diags_count(diags), 2);
	cr_expect_eq(ws_diags_at(diags, 0)->loc.column, COL + 7);
	cr_expect_eq(ws_diags_at(diags, 1)->loc.column, COL + 24);
}

Test(expr, multi_line_columns)
{
	/* A YAML literal block: every line starts at the block's indentation
	 * (column COL); the error is on the template's third line. */
	expect_error_at("第一行\n第二行 {{ it.name_zh }}\n  {{ it | nope }}", true, LINE + 2, COL + 10,
	                "unknown filter 'nope'");
}

Test(expr, unknown_location)
{
	ws_template *t = NULL;
	cr_assert_eq(ws_template_compile(&t, "ab {{ 1 +", WS_LOC_NONE, diags), WS_EINPUT);
	const ws_diag *d = ws_diags_at(diags, 0);
	cr_expect_null(d->loc.file);
	cr_expect_eq(d->loc.line, 1);
	cr_expect_eq(d->loc.column, 4);
}

Test(expr, invalid_utf8_is_refused)
{
	expect_error("ab\xff{{ x }}", true, 12, "not valid UTF-8");
}

/* ------------------------------------------------------------------ */
/* API                                                                  */

Test(expr, constant_and_single)
{
	ws_template *t;
	cr_assert_eq(ws_template_compile(&t, "面谈确认单", here(), diags), WS_OK);
	cr_expect(ws_template_is_constant(t));
	cr_expect(!ws_template_is_single_expr(t));
	cr_expect_str_eq(ws_template_source(t), "面谈确认单");
	cr_expect_eq(ws_template_loc(t).line, LINE);
	cr_expect_eq(ws_template_loc(t).column, COL);
	cr_expect_eq(ws_template_loc(NULL).line, 0);
	ws_value *v;
	cr_assert_eq(ws_template_eval(t, scope, &v, diags), WS_OK);
	cr_expect_str_eq(ws_value_text(v), "面谈确认单");
	ws_value_unref(v);
	ws_template_free(t);

	cr_assert_eq(ws_template_compile(&t, "  {{ group.applicants }}\n", here(), diags), WS_OK);
	cr_expect(!ws_template_is_constant(t));
	cr_expect(ws_template_is_single_expr(t));
	cr_assert_eq(ws_template_eval(t, scope, &v, diags), WS_OK);
	cr_expect_eq(ws_value_get_type(v), WS_VALUE_LIST, "a list stays a list");
	cr_expect_eq(ws_value_length(v), 3);
	ws_value_unref(v);
	char *s = (char *)"untouched";
	cr_expect_eq(ws_template_render(t, scope, &s, diags), WS_EINPUT,
	             "a list cannot be rendered as text");
	cr_expect_null(s);
	cr_expect(strstr(first_message(), "a list cannot be shown as text") != NULL);
	cr_expect_eq(ws_diags_at(diags, 0)->loc.column, COL + 5);
	ws_template_free(t);
	ws_diags_clear(diags);

	cr_assert_eq(ws_template_compile(&t, "{{ group.route == 'delegated' }}", here(), diags), WS_OK);
	cr_assert_eq(ws_template_eval(t, scope, &v, diags), WS_OK);
	cr_expect_eq(ws_value_get_type(v), WS_VALUE_BOOL);
	cr_expect(ws_value_truthy(v));
	ws_value_unref(v);
	ws_template_free(t);

	cr_assert_eq(ws_template_compile(&t, "{{ group.nothing }}", here(), diags), WS_OK);
	cr_assert_eq(ws_template_eval(t, scope, &v, diags), WS_OK);
	cr_expect_eq(ws_value_get_type(v), WS_VALUE_NULL, "null stays null");
	ws_value_unref(v);
	ws_template_free(t);

	cr_assert_eq(ws_template_compile(&t, "第{{ page.number }}页", here(), diags), WS_OK);
	cr_expect(!ws_template_is_single_expr(t));
	cr_assert_eq(ws_template_eval(t, scope, &v, diags), WS_OK);
	cr_expect_eq(ws_value_get_type(v), WS_VALUE_STRING);
	cr_expect_str_eq(ws_value_text(v), "第2页");
	ws_value_unref(v);
	ws_template_free(t);

	cr_assert_eq(ws_template_compile(&t, "{{ 1 }}{{ 2 }}", here(), diags), WS_OK);
	cr_expect(!ws_template_is_single_expr(t));
	ws_template_free(t);
	cr_expect_eq(ws_diags_count(diags), 0);
}

Test(expr, bare_expressions)
{
	ws_template *t;
	ws_value *v;
	cr_assert_eq(ws_template_compile_expr(&t, "group.applicants", here(), diags), WS_OK);
	cr_expect(ws_template_is_single_expr(t));
	cr_assert_eq(ws_template_eval(t, scope, &v, diags), WS_OK);
	cr_expect_eq(ws_value_length(v), 3);
	ws_value_unref(v);
	ws_template_free(t);

	cr_assert_eq(ws_template_compile_expr(&t, " {{ group.us_itinerary }} ", here(), diags), WS_OK);
	cr_assert_eq(ws_template_eval(t, scope, &v, diags), WS_OK);
	cr_expect_eq(ws_value_length(v), 2);
	ws_value_unref(v);
	ws_template_free(t);

	cr_expect_eq(ws_template_compile_expr(&t, "{{ a }} and {{ b }}", here(), diags), WS_EINPUT);
	cr_expect_null(t);
	cr_expect(strstr(first_message(), "single expression") != NULL);
	ws_diags_clear(diags);

	cr_expect_eq(ws_template_compile_expr(&t, "group.applicants }}", here(), diags), WS_EINPUT);
	cr_expect_eq(ws_diags_at(diags, 0)->loc.column, COL + 17);
	cr_expect(strstr(first_message(), "unexpected character '}'") != NULL);
	ws_diags_clear(diags);

	cr_expect_eq(ws_template_compile_expr(&t, "a b", here(), diags), WS_EINPUT);
	cr_expect_eq(ws_diags_at(diags, 0)->loc.column, COL + 2);
	cr_expect(strstr(first_message(), "expected an operator, found 'b'") != NULL);
}

Test(expr, usage_errors)
{
	ws_template *t = (ws_template *)1;
	cr_expect_eq(ws_template_compile(&t, NULL, here(), diags), WS_EUSAGE);
	cr_expect_eq(ws_template_compile(NULL, "x", here(), diags), WS_EUSAGE);
	cr_expect_eq(ws_template_compile_expr(NULL, "x", here(), diags), WS_EUSAGE);
	char *s;
	ws_value *v;
	cr_expect_eq(ws_template_render(NULL, scope, &s, diags), WS_EUSAGE);
	cr_expect_eq(ws_template_eval(NULL, scope, &v, diags), WS_EUSAGE);
	ws_template_free(NULL);
	/* diags may be NULL: errors are then only returned. */
	cr_expect_eq(ws_template_compile(&t, "{{", here(), NULL), WS_EINPUT);
	cr_assert_eq(ws_template_compile(&t, "{{ nosuch }}", here(), NULL), WS_OK);
	cr_expect_eq(ws_template_render(t, scope, &s, NULL), WS_EINPUT);
	ws_template_free(t);
}

Test(expr, filter_names)
{
	const char *const *names = ws_expr_filter_names();
	size_t n = 0;
	for (; names[n]; n++)
		if (n)
			cr_expect(strcmp(names[n - 1], names[n]) < 0, "sorted");
	cr_expect_eq(n, 17);
	/* Every listed name is a filter the compiler accepts. */
	for (size_t i = 0; i < n; i++) {
		ws_template *t;
		char *src = g_strdup_printf("{{ x | %s }}", names[i]);
		ws_template_compile(&t, src, here(), diags);
		for (size_t k = 0; k < ws_diags_count(diags); k++)
			cr_expect(strstr(ws_diags_at(diags, k)->message, "unknown filter") == NULL, "%s", src);
		ws_diags_clear(diags);
		ws_template_free(t);
		g_free(src);
	}
}

/* ------------------------------------------------------------------ */
/* Limits                                                               */

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	GString *s = g_string_new(head);
	for (size_t i = 0; i < n; i++)
		g_string_append(s, unit);
	g_string_append(s, tail);
	return g_string_free(s, FALSE);
}

Test(expr, source_length_limit)
{
	/* "{{ '" + x... + "' }}" is 8 bytes of frame. */
	char *ok = repeat("{{ '", "x", WS_EXPR_MAX_SOURCE - 8, "' }}");
	cr_assert_eq(strlen(ok), 4096);
	ws_template *t;
	cr_expect_eq(ws_template_compile(&t, ok, here(), diags), WS_OK);
	ws_template_free(t);
	char *bad = repeat("{{ '", "x", WS_EXPR_MAX_SOURCE - 7, "' }}");
	cr_assert_eq(strlen(bad), 4097);
	cr_expect_eq(ws_template_compile(&t, bad, here(), diags), WS_EINPUT);
	cr_expect_null(t);
	const ws_diag *d = ws_diags_at(diags, 0);
	cr_expect_str_eq(d->rule, "limit");
	cr_expect_eq(d->loc.column, COL);
	cr_expect(strstr(d->message, "4097 bytes, more than the limit of 4096") != NULL, "%s",
	          d->message);
	g_free(ok);
	g_free(bad);
	ws_diags_clear(diags);

	/* The bound is per {{ }} part: the second part is the long one, and
	 * the error points at its braces. */
	char *second = repeat("前文{{ 1 }} 后文{{ '", "x", WS_EXPR_MAX_SOURCE - 7, "' }}");
	cr_expect_eq(ws_template_compile(&t, second, here(), diags), WS_EINPUT);
	cr_expect_eq(ws_diags_at(diags, 0)->loc.column, COL + 12);
	cr_expect_str_eq(ws_diags_at(diags, 0)->rule, "limit");
	g_free(second);
	ws_diags_clear(diags);

	/* A bare expression (each:) is held to the same bound. */
	char *bare_ok = repeat("'", "x", WS_EXPR_MAX_SOURCE - 2, "'");
	cr_expect_eq(ws_template_compile_expr(&t, bare_ok, here(), diags), WS_OK);
	ws_template_free(t);
	char *bare_bad = repeat("'", "x", WS_EXPR_MAX_SOURCE - 1, "'");
	cr_expect_eq(ws_template_compile_expr(&t, bare_bad, here(), diags), WS_EINPUT);
	cr_expect_str_eq(ws_diags_at(diags, 0)->rule, "limit");
	g_free(bare_ok);
	g_free(bare_bad);
}

Test(expr, long_literal_text_is_not_an_expression)
{
	/* A note's paragraph: far more than 4096 bytes of literal text. */
	char *para = repeat("{{ doc.title }}：", "兹有我国官员赴美参加会议。", 400, "");
	cr_assert_gt(strlen(para), WS_EXPR_MAX_SOURCE);
	ws_template *t;
	cr_assert_eq(ws_template_compile(&t, para, here(), diags), WS_OK, "%s", first_message());
	char *out;
	cr_assert_eq(ws_template_render(t, scope, &out, diags), WS_OK);
	cr_expect(g_str_has_prefix(out, "面谈确认单：兹有"));
	g_free(out);
	ws_template_free(t);
	g_free(para);
	/* The whole template is still bounded, by the string limit. */
	char *huge = repeat("", "x", WS_EXPR_MAX_STRING + 1, "");
	cr_expect_eq(ws_template_compile(&t, huge, here(), diags), WS_EINPUT);
	cr_expect_str_eq(ws_diags_at(diags, 0)->rule, "limit");
	cr_expect(strstr(first_message(), "1048577 bytes") != NULL, "%s", first_message());
	g_free(huge);
}

static void depth_case(const char *head, const char *open, size_t n, const char *close,
                       bool want_ok)
{
	GString *s = g_string_new("{{ ");
	g_string_append(s, head);
	for (size_t i = 0; i < n; i++)
		g_string_append(s, open);
	g_string_append(s, "1");
	for (size_t i = 0; i < n; i++)
		g_string_append(s, close);
	g_string_append(s, " }}");
	ws_template *t;
	ws_diags_clear(diags);
	int rc = ws_template_compile(&t, s->str, here(), diags);
	if (want_ok) {
		cr_expect_eq(rc, WS_OK, "%zu × '%s': %s", n, open, first_message());
		ws_value *v;
		cr_expect_eq(ws_template_eval(t, scope, &v, diags), WS_OK, "%s", first_message());
		ws_value_unref(v);
	} else {
		cr_expect_eq(rc, WS_EINPUT, "%zu × '%s' should be too deep", n, open);
		cr_expect_str_eq(ws_diags_at(diags, 0)->rule, "limit");
		cr_expect(strstr(first_message(), "more than 64 levels") != NULL, "%s", first_message());
	}
	ws_template_free(t);
	g_string_free(s, TRUE);
}

Test(expr, nesting_limit)
{
	/* Levels count the whole expression as one: n parentheses, lists or
	 * prefix operators around a literal make n + 1. */
	depth_case("", "(", WS_EXPR_MAX_DEPTH - 1, ")", true);
	depth_case("", "(", WS_EXPR_MAX_DEPTH, ")", false);
	depth_case("", "[", WS_EXPR_MAX_DEPTH - 1, "]", true);
	depth_case("", "[", WS_EXPR_MAX_DEPTH, "]", false);
	depth_case("", "not ", WS_EXPR_MAX_DEPTH - 1, "", true);
	depth_case("", "not ", WS_EXPR_MAX_DEPTH, "", false);
	depth_case("", "- ", WS_EXPR_MAX_DEPTH - 1, "", true);
	depth_case("", "- ", WS_EXPR_MAX_DEPTH, "", false);
	/* A flat chain is parsed by a loop but builds a deep tree, and the
	 * evaluator recurses over the tree: it is bounded the same way. */
	depth_case("", "1 + ", WS_EXPR_MAX_DEPTH - 1, "", true);
	depth_case("", "1 + ", WS_EXPR_MAX_DEPTH, "", false);
	/* Thousands of parentheses: refused, not a stack overflow. */
	depth_case("", "(", 2000, ")", false);
}

Test(expr, step_limit)
{
	/* `'z' in big` costs 3 steps (three nodes) plus one per item. */
	ws_value *big = ws_value_new_list(WS_LOC_NONE);
	for (size_t i = 0; i < WS_EXPR_MAX_STEPS - 3; i++)
		ws_value_list_append(big, ws_value_new_number((double)(i % 10), WS_LOC_NONE));
	ws_value_map_set(scope, "big", big, WS_LOC_NONE);
	expect_expr("'z' in big", "false");
	ws_value_list_append(big, ws_value_new_number(1, WS_LOC_NONE));
	expect_error("{{ 'z' in big }}", false, 17, "more than 100000 steps");
	expect_expr("big | length", "99998");
	expect_error("{{ big | join(',') }}", false, 19, "more than 100000 steps");
}

Test(expr, string_limit)
{
	expect_expr("'' | pad(1048576) | length", "1048576");
	expect_error("{{ '' | pad(1048577) }}", false, 18, "more than the limit of 1048576");
	char *mib = repeat("", "x", WS_EXPR_MAX_STRING, "");
	ws_value_map_set(scope, "mib", ws_value_new_string_take(mib, WS_LOC_NONE), WS_LOC_NONE);
	expect_expr("mib | length", "1048576");
	expect_error("{{ mib ~ 'y' }}", false, 17, "1048577 bytes, more than the limit");
	/* 60000 replacements (steps) that would grow 600000 bytes to 1200000 */
	char *half = repeat("", "abcdefghij", 60000, "");
	ws_value_map_set(scope, "half", ws_value_new_string_take(half, WS_LOC_NONE), WS_LOC_NONE);
	expect_expr("half | replace('abcdefghij', 'ABCDEFGHIJ') | length", "600000");
	expect_expr("half | replace('j', 'jj') | length", "660000");
	static const error_case errors[] = {
		{"{{ half | replace('abcdefghij', 'abcdefghijabcdefghij') }}", false, 20,
		 "1200000 bytes, more than the limit"},
		/* 1048576 occurrences are more work than the step limit allows. */
		{"{{ mib | replace('x', 'y') }}", false, 19, "more than 100000 steps"},
		{"{{ mib }}!", false, 13, "more than the limit"},
		{"{{ [mib, mib] | join }}", false, 26, "more than the limit"},
	};
	expect_errors(errors, G_N_ELEMENTS(errors));
	cr_expect_eq(ws_diags_count(diags), 0);
}

/* ------------------------------------------------------------------ */
/* Threads                                                              */

typedef struct job {
	const ws_template *t;
	ws_value *scope;
	const char *want;
	int failures;
} job;

static gpointer run_job(gpointer data)
{
	job *j = data;
	ws_diags *d = ws_diags_new();
	for (int i = 0; i < 2000; i++) {
		char *out = NULL;
		if (ws_template_render(j->t, j->scope, &out, d) != WS_OK || strcmp(out, j->want) != 0)
			j->failures++;
		g_free(out);
	}
	ws_diags_free(d);
	return NULL;
}

Test(expr, one_template_two_threads)
{
	ws_template *t;
	cr_assert_eq(ws_template_compile(&t,
	                                 "{{ it.name_zh }}（{{ it.surname | lower }}）"
	                                 "{{ group.appointment.date | cn_date }} "
	                                 "{{ (3 * 185.00 * 7.40) | money('CNY') }}",
	                                 here(), diags),
	             WS_OK);
	/* Each thread has its own scope (as each page of a batch would); the
	 * group is shared, read by both. */
	ws_value *other = ws_value_new_map(WS_LOC_NONE);
	put(other, "group", ws_value_ref(ws_value_map_get(scope, "group")));
	put(other, "it", applicant("YI", "易示例", "PE0000002"));
	job a = {t, scope, "贾测试（jia）二〇二五年三月十八日 4107.00 CNY", 0};
	job b = {t, other, "易示例（yi）二〇二五年三月十八日 4107.00 CNY", 0};
	GThread *ta = g_thread_new("a", run_job, &a);
	GThread *tb = g_thread_new("b", run_job, &b);
	g_thread_join(ta);
	g_thread_join(tb);
	cr_expect_eq(a.failures, 0);
	cr_expect_eq(b.failures, 0);
	ws_value_unref(other);
	ws_template_free(t);
}

Test(expr, results_carry_their_location)
{
	/* A computed value points at its operator or filter; a value taken
	 * from the data keeps the data's own location. */
	ws_template *t;
	ws_value *v;
	cr_assert_eq(ws_template_compile(&t, "{{ 1 + 2 }}", here(), diags), WS_OK);
	cr_assert_eq(ws_template_eval(t, scope, &v, diags), WS_OK);
	cr_expect_eq(ws_value_loc(v).line, LINE);
	cr_expect_eq(ws_value_loc(v).column, COL + 5);
	ws_value_unref(v);
	ws_template_free(t);
	ws_value_map_set(scope, "d", ws_value_new_string("x", (ws_loc){"data.yaml", 7, 3}), WS_LOC_NONE);
	cr_assert_eq(ws_template_compile(&t, "{{ d }}", here(), diags), WS_OK);
	cr_assert_eq(ws_template_eval(t, scope, &v, diags), WS_OK);
	cr_expect_str_eq(ws_value_loc(v).file, "data.yaml");
	cr_expect_eq(ws_value_loc(v).line, 7);
	ws_value_unref(v);
	ws_template_free(t);
}

/* all / all('field'): "has every applicant a receipt number" (packets.yaml). */
Test(expr, all_asks_every_item)
{
	ws_value *sc = NULL;
	const char *y = "group: {applicants: [{r: a}, {r: b}], some: [{r: a}, {r: ''}], none: [], flags: [true, 1]}";
	cr_assert_eq(ws_yaml_load_buffer(&sc, y, strlen(y), "s.yaml", NULL), WS_OK);
	static const struct { const char *src; const char *want; } cases[] = {
		{"{{ group.applicants | all('r') }}", "true"}, {"{{ group.some | all('r') }}", "false"},
		{"{{ group.none | all('r') }}", "false"},     {"{{ group.flags | all }}", "true"},
		{"{{ group.missing | all('r') }}", "false"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		ws_template *t = NULL;
		cr_assert_eq(ws_template_compile(&t, cases[i].src, here(), diags), WS_OK, "%s", cases[i].src);
		char *out = NULL;
		cr_assert_eq(ws_template_render(t, sc, &out, diags), WS_OK, "%s", cases[i].src);
		cr_expect_str_eq(out, cases[i].want, "%s", cases[i].src);
		g_free(out);
		ws_template_free(t);
	}
	ws_value_unref(sc);
}
