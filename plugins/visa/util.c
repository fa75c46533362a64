/* Dates, fixed-point money, patterns and text helpers for the visa plugins. */
#include "visa.h"

#include <glib.h>
#include <string.h>

/* ---- dates ---- */

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool visa_date_parse(const char *s, visa_date *out)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !g_ascii_isdigit(s[i]))
			return false;
	visa_date d = {
		.year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'),
		.month = (s[5] - '0') * 10 + (s[6] - '0'),
		.day = (s[8] - '0') * 10 + (s[9] - '0'),
	};
	if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > month_days(d.year, d.month))
		return false;
	if (out)
		*out = d;
	return true;
}

/* Howard Hinnant's days_from_civil. */
long visa_date_days(visa_date d)
{
	long y = d.year - (d.month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long mp = (d.month + 9) % 12;
	long doy = (153 * mp + 2) / 5 + d.day - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

visa_date visa_date_add_months(visa_date d, int months)
{
	int m0 = d.year * 12 + (d.month - 1) + months;
	visa_date r = {m0 / 12, m0 % 12 + 1, d.day};
	if (r.day > month_days(r.year, r.month))
		r.day = month_days(r.year, r.month);
	return r;
}

char *visa_date_iso(visa_date d)
{
	return g_strdup_printf("%04d-%02d-%02d", d.year, d.month, d.day);
}

char *visa_date_slash(visa_date d)
{
	return g_strdup_printf("%04d/%02d/%02d", d.year, d.month, d.day);
}

char *visa_date_us(visa_date d)
{
	return g_strdup_printf("%02d/%02d/%04d", d.month, d.day, d.year);
}

char *visa_date_zh(visa_date d)
{
	return g_strdup_printf("%d年%d月%d日", d.year, d.month, d.day);
}

static const char *const cn_digit[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

/* 1–10 → 一…十, 11–19 → 十一…, 20 → 二十, 21 → 二十一 … 31 → 三十一 (DOMAIN §1.2). */
static void cn_small(GString *s, int n)
{
	if (n >= 20)
		g_string_append(s, cn_digit[n / 10]);
	if (n >= 10)
		g_string_append(s, "十");
	if (n % 10 || n == 0)
		g_string_append(s, cn_digit[n % 10]);
}

char *visa_date_cn(visa_date d)
{
	GString *s = g_string_new(NULL);
	char year[8];
	g_snprintf(year, sizeof year, "%04d", d.year);
	/* Each year digit maps to 〇一二…九; 〇 is U+3007, never 零 or ○. */
	for (const char *p = year; *p; p++)
		g_string_append(s, cn_digit[*p - '0']);
	g_string_append(s, "年");
	cn_small(s, d.month);
	g_string_append(s, "月");
	cn_small(s, d.day);
	g_string_append(s, "日");
	return g_string_free(s, FALSE);
}

/* ---- money ---- */

#define VISA_DECIMAL_MAX INT64_C(1000000000000) /* 10^12 units: far above any fee */

bool visa_decimal_parse(const char *s, int max_decimals, int scale, int64_t *out)
{
	if (!s || !*s || max_decimals > scale)
		return false;
	int64_t v = 0;
	const char *p = s;
	int intdigits = 0;
	for (; g_ascii_isdigit(*p); p++, intdigits++) {
		v = v * 10 + (*p - '0');
		if (v > VISA_DECIMAL_MAX)
			return false;
	}
	if (intdigits == 0)
		return false;
	int decimals = 0;
	if (*p == '.') {
		p++;
		for (; g_ascii_isdigit(*p); p++, decimals++) {
			if (decimals >= max_decimals)
				return false;
			v = v * 10 + (*p - '0');
		}
		if (decimals == 0)
			return false;
	}
	if (*p)
		return false;
	for (int i = decimals; i < scale; i++)
		v *= 10;
	if (v > VISA_DECIMAL_MAX)
		return false;
	if (out)
		*out = v;
	return true;
}

char *visa_cents_format(int64_t cents)
{
	const char *sign = cents < 0 ? "-" : "";
	int64_t a = cents < 0 ? -cents : cents;
	return g_strdup_printf("%s%" G_GINT64_FORMAT ".%02d", sign, a / 100, (int)(a % 100));
}

bool visa_cny_cents(int64_t n, int64_t fee_cents, int64_t rate_e4, int64_t *out)
{
	if (n < 0 || fee_cents < 0 || rate_e4 < 0)
		return false;
	/* cents × 10^-4 = 10^-6 CNY; n ≤ 10^4 and the parse limits keep the
	 * product far inside int64 except for absurd inputs, which we refuse. */
	if (n > 10000 || fee_cents > INT64_C(100000000) || rate_e4 > INT64_C(100000000))
		return false;
	int64_t micro = n * fee_cents * rate_e4;
	*out = (micro + 5000) / 10000; /* round half up to the cent */
	return true;
}

/* ---- patterns ---- */

/* The patterns compiled so far, freed when the plugin is unloaded: the
 * host dlclose()s plugins when its registry is freed, and the static
 * visa_re structs (and the only pointers to their GRegex) go with the
 * module, so without this every compiled pattern was reported as leaked
 * by LeakSanitizer and memcheck (found by the render fuzz target). */
G_LOCK_DEFINE_STATIC(compiled);
static GSList *compiled_res; /* of GRegex *, owned */

__attribute__((destructor)) static void free_compiled(void)
{
	g_slist_free_full(compiled_res, (GDestroyNotify)g_regex_unref);
	compiled_res = NULL;
}

bool visa_re_match(visa_re *r, const char *s)
{
	if (g_once_init_enter(&r->once)) {
		/* $ matches only at the very end, so "13800000000\n" is refused. */
		r->re = g_regex_new(r->pattern, G_REGEX_DOLLAR_ENDONLY, 0, NULL);
		if (r->re) {
			G_LOCK(compiled);
			compiled_res = g_slist_prepend(compiled_res, r->re);
			G_UNLOCK(compiled);
		}
		g_once_init_leave(&r->once, 1);
	}
	return r->re && s && g_regex_match((GRegex *)r->re, s, 0, NULL);
}

/* ---- text ---- */

static bool is_han(gunichar c)
{
	return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

bool visa_has_han(const char *s)
{
	if (!s || !g_utf8_validate(s, -1, NULL))
		return false;
	for (const char *p = s; *p; p = g_utf8_next_char(p))
		if (is_han(g_utf8_get_char(p)))
			return true;
	return false;
}

size_t visa_utf8_len(const char *s)
{
	return s && g_utf8_validate(s, -1, NULL) ? (size_t)g_utf8_strlen(s, -1) : 0;
}

size_t visa_ascii_letter_run(const char *s)
{
	size_t best = 0, run = 0;
	for (const char *p = s; p && *p; p++) {
		if (g_ascii_isalpha(*p)) {
			if (++run > best)
				best = run;
		} else {
			run = 0;
		}
	}
	return best;
}
