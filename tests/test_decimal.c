/* Tests for the exact decimals of core/expr/decimal.c: what a fee, a
 * total or a rounded amount on a printed form is computed with.  Each
 * table row is one case; a failure names the row's input. */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "decimal.h"

static ws_dec parse_ok(const char *s)
{
	ws_dec d;
	cr_assert(ws_dec_parse(s, strlen(s), &d), "'%s' should parse", s);
	return d;
}

static void assert_text(ws_dec d, const char *want, const char *what)
{
	char *got = ws_dec_to_text(d);
	cr_assert_str_eq(got, want, "%s: got '%s', want '%s'", what, got, want);
	g_free(got);
}

/* Parsed text comes back as entered: trailing zeros are the clerk's
 * precision, not noise. */
Test(decimal, parse_keeps_text_as_entered)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"7.0010", "7.0010"},
		{"185.00", "185.00"},
		{"0", "0"},
		{"-12.50", "-12.50"},
		{"+3", "3"},
		{"1e3", "1000"},
		{"1.5E-2", "0.015"},
		{"9223372036854775807", "9223372036854775807"},
		{"-9223372036854775807", "-9223372036854775807"},
		/* beyond 12 decimals: rounded half-up to 12 */
		{"0.0000000000005", "0.000000000001"},
		{"0.0000000000004", "0.000000000000"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
		assert_text(parse_ok(cases[i].in), cases[i].out, cases[i].in);
}

Test(decimal, parse_refuses_what_is_not_a_number)
{
	static const char *const bad[] = {
		"", " 1", "1 ", "nan", "inf", "1.2.3", "--1", "1e", "e3",
		"0x10", "1,5", "12abc", "+", ".", "9223372036854775808",
		"99999999999999999999",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		ws_dec d;
		cr_assert_not(ws_dec_parse(bad[i], strlen(bad[i]), &d),
			      "'%s' should not parse", bad[i]);
	}
}

/* Only the given length is read: a number inside a longer template. */
Test(decimal, parse_reads_only_len_bytes)
{
	ws_dec d;
	cr_assert(ws_dec_parse("12.5}}", 4, &d));
	assert_text(d, "12.5", "12.5 of 12.5}}");
}

Test(decimal, multiply_exact)
{
	static const struct {
		const char *a, *b, *out;
	} cases[] = {
		{"185.00", "3", "555.00"},
		{"0.1", "0.2", "0.02"},
		{"-1.5", "1.5", "-2.25"},
		{"7.0010", "1000", "7001.0000"},
		/* a product is cut to 12 decimals, half away from zero */
		{"0.0000001", "0.0000005", "0.000000000000"},
		{"0.000001", "0.0000005", "0.000000000001"},
		{"-0.000001", "0.0000005", "-0.000000000001"},
		{"3037000499", "3037000499", "9223372030926249001"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		ws_dec p;
		char *what = g_strdup_printf("%s * %s", cases[i].a, cases[i].b);
		cr_assert(ws_dec_mul(parse_ok(cases[i].a), parse_ok(cases[i].b), &p),
			  "%s overflowed", what);
		assert_text(p, cases[i].out, what);
		g_free(what);
	}
}

Test(decimal, multiply_overflow_is_refused)
{
	static const struct {
		const char *a, *b;
	} cases[] = {
		{"9223372036854775807", "2"},
		{"3037000500", "3037000500"},
		{"-9223372036854775807", "10"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		ws_dec p;
		cr_assert_not(ws_dec_mul(parse_ok(cases[i].a), parse_ok(cases[i].b), &p),
			      "%s * %s should overflow", cases[i].a, cases[i].b);
	}
}

/* The cashier's rounding: half away from zero, both signs. */
Test(decimal, round_half_away_from_zero)
{
	static const struct {
		const char *in;
		int scale;
		const char *out;
	} cases[] = {
		{"2.345", 2, "2.35"},
		{"2.344", 2, "2.34"},
		{"-2.345", 2, "-2.35"},
		{"-2.344", 2, "-2.34"},
		{"0.5", 0, "1"},
		{"-0.5", 0, "-1"},
		{"7.0010", 3, "7.001"},
		{"7", 2, "7.00"},
		{"185", 0, "185"},
		{"9.995", 2, "10.00"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		ws_dec r;
		char *what = g_strdup_printf("round(%s, %d)", cases[i].in, cases[i].scale);
		cr_assert(ws_dec_round(parse_ok(cases[i].in), cases[i].scale, &r),
			  "%s overflowed", what);
		assert_text(r, cases[i].out, what);
		g_free(what);
	}
}

Test(decimal, round_extending_a_big_value_overflows)
{
	ws_dec r;
	cr_assert_not(ws_dec_round(parse_ok("9223372036854775807"), 2, &r));
}

Test(decimal, compare_by_value_not_text)
{
	cr_assert_eq(ws_dec_cmp(parse_ok("1.50"), parse_ok("1.5")), 0);
	cr_assert_eq(ws_dec_cmp(parse_ok("7.0010"), parse_ok("7.001")), 0);
	cr_assert_eq(ws_dec_cmp(parse_ok("-2"), parse_ok("1.5")), -1);
	cr_assert_eq(ws_dec_cmp(parse_ok("10"), parse_ok("9.999")), 1);
}
