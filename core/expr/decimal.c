/* Exact decimals for the expression language: money and quantities are
 * computed in base 10, never in binary floating point, so 0.1 + 0.2 is 0.3
 * and a receipt adds up to the cent.  See decimal.h. */
#include "decimal.h"

#include <glib.h>
#include <string.h>


/* 128-bit intermediates make every product and every scale alignment of
 * two in-range decimals exact; results are narrowed back to 64 bits with an
 * overflow check.  __extension__ keeps -Wpedantic quiet about the type. */
__extension__ typedef __int128 i128;

static const int64_t pow10_tab[19] = {
	1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL,
	1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
	100000000000000LL, 1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
	1000000000000000000LL,
};

static bool narrow(i128 v, int64_t *out)
{
	if (v > INT64_MAX || v < -(i128)INT64_MAX)
		return false;
	*out = (int64_t)v;
	return true;
}

/* Divides by 10^k rounding half away from zero. */
static i128 shrink128(i128 v, int k)
{
	i128 d = 1;
	for (int i = 0; i < k; i++)
		d *= 10;
	i128 q = v / d, r = v % d;
	if (r < 0)
		r = -r;
	if (r * 2 >= d)
		q += v < 0 ? -1 : 1;
	return q;
}

bool ws_dec_round(ws_dec a, int scale, ws_dec *out)
{
	if (scale < 0 || scale > WS_EXPR_MAX_SCALE)
		return false;
	i128 v = a.m;
	if (scale >= a.scale)
		v *= pow10_tab[scale - a.scale];
	else
		v = shrink128(v, a.scale - scale);
	out->scale = scale;
	return narrow(v, &out->m);
}

bool ws_dec_to_int(ws_dec a, int64_t *out)
{
	if (a.m % pow10_tab[a.scale] != 0)
		return false;
	*out = a.m / pow10_tab[a.scale];
	return true;
}

bool ws_dec_parse(const char *s, size_t len, ws_dec *out)
{
	size_t i = 0;
	bool neg = false;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	i128 m = 0;
	int scale = 0, digits = 0;
	bool point = false;
	for (; i < len; i++) {
		if (s[i] == '.' && !point) {
			point = true;
			continue;
		}
		if (!g_ascii_isdigit(s[i]))
			break;
		/* 36 significant digits stay exact in 128 bits; leading zeros
		 * do not count. */
		if (m != 0 || s[i] != '0')
			digits++;
		if (digits > 36)
			return false;
		m = m * 10 + (s[i] - '0');
		if (point)
			scale++;
	}
	if (i == 0 || !g_ascii_isdigit(s[i - 1]))
		return false; /* no digits, or a trailing point: "1." */
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		bool eneg = false;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		size_t start = i;
		int e = 0;
		for (; i < len && g_ascii_isdigit(s[i]); i++) {
			e = e * 10 + (s[i] - '0');
			if (e > 400)
				return false;
		}
		if (i == start)
			return false;
		scale += eneg ? e : -e;
	}
	if (i != len)
		return false;
	while (scale < 0) {
		m *= 10;
		scale++;
		if (m > INT64_MAX)
			return false;
	}
	if (scale > WS_EXPR_MAX_SCALE) {
		/* A value like 1e-400 would shift away every digit: bound the
		 * shift so the loop in shrink128 stays small and exact. */
		if (scale - WS_EXPR_MAX_SCALE > 38)
			m = 0;
		else
			m = shrink128(m, scale - WS_EXPR_MAX_SCALE);
		scale = WS_EXPR_MAX_SCALE;
	}
	out->scale = scale;
	return narrow(neg ? -m : m, &out->m);
}

bool ws_dec_from_value(const ws_value *v, ws_dec *out)
{
	ws_value_type t = ws_value_get_type(v);
	if (t != WS_VALUE_NUMBER && t != WS_VALUE_STRING)
		return false;
	return ws_dec_parse(ws_value_text(v), ws_value_text_len(v), out);
}

char *ws_dec_to_text(ws_dec a)
{
	uint64_t u = a.m < 0 ? (uint64_t)-a.m : (uint64_t)a.m;
	uint64_t p = (uint64_t)pow10_tab[a.scale];
	if (a.scale == 0)
		return g_strdup_printf("%s%" G_GUINT64_FORMAT, a.m < 0 ? "-" : "", u);
	return g_strdup_printf("%s%" G_GUINT64_FORMAT ".%0*" G_GUINT64_FORMAT, a.m < 0 ? "-" : "",
	                       u / p, a.scale, u % p);
}

bool ws_dec_add(ws_dec a, ws_dec b, bool subtract, ws_dec *out)
{
	int s = MAX(a.scale, b.scale);
	i128 x = (i128)a.m * pow10_tab[s - a.scale];
	i128 y = (i128)b.m * pow10_tab[s - b.scale];
	out->scale = s;
	return narrow(subtract ? x - y : x + y, &out->m);
}

bool ws_dec_mul(ws_dec a, ws_dec b, ws_dec *out)
{
	i128 p = (i128)a.m * b.m;
	int s = a.scale + b.scale;
	if (s > WS_EXPR_MAX_SCALE) {
		p = shrink128(p, s - WS_EXPR_MAX_SCALE);
		s = WS_EXPR_MAX_SCALE;
	}
	out->scale = s;
	return narrow(p, &out->m);
}

/* Long division, one decimal digit at a time, so that a large quotient gets
 * fewer decimals instead of overflowing.  b.m must not be 0. */
bool ws_dec_div(ws_dec a, ws_dec b, ws_dec *out)
{
	/* (a.m / 10^sa) / (b.m / 10^sb) = (|a.m| 10^sb) / (|b.m| 10^sa) */
	i128 n = (i128)(a.m < 0 ? -a.m : a.m) * pow10_tab[b.scale];
	i128 d = (i128)(b.m < 0 ? -b.m : b.m) * pow10_tab[a.scale];
	bool neg = (a.m < 0) != (b.m < 0);
	i128 q = n / d, r = n % d;
	if (q > INT64_MAX)
		return false;
	int s = 0;
	while (s < WS_EXPR_DIV_SCALE && q <= (INT64_MAX - 9) / 10) {
		r *= 10;
		q = q * 10 + r / d;
		r %= d;
		s++;
	}
	if (r * 10 / d >= 5)
		q++;
	/* Keep at least the operands' scale (7.40 / 2 = 3.70), drop the rest
	 * of the trailing zeros (10 / 4 = 2.5, not 2.5000000000). */
	int keep = MAX(a.scale, b.scale);
	while (s > keep && q % 10 == 0) {
		q /= 10;
		s--;
	}
	out->scale = s;
	return narrow(neg ? -q : q, &out->m);
}

int ws_dec_cmp(ws_dec a, ws_dec b)
{
	int s = MAX(a.scale, b.scale);
	i128 x = (i128)a.m * pow10_tab[s - a.scale];
	i128 y = (i128)b.m * pow10_tab[s - b.scale];
	return x < y ? -1 : x > y;
}

ws_value *ws_dec_value(ws_dec a, ws_loc loc)
{
	char *text = ws_dec_to_text(a);
	ws_value *v = ws_value_new_number_text(g_ascii_strtod(text, NULL), text, loc);
	g_free(text);
	return v;
}
