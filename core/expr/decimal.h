/* Exact decimals: what the expression language computes numbers with
 * (expr.c) and what the number filters format (filters.c).  Not installed,
 * not part of the API. */
#ifndef WS_DECIMAL_H
#define WS_DECIMAL_H

#include <stdbool.h>
#include <stdint.h>
#include "expr.h"
#include "value.h"

/* An exact decimal: m / 10^scale.  m stays within ±INT64_MAX (never
 * INT64_MIN, so negation and absolute value cannot overflow) and
 * 0 <= scale <= WS_EXPR_MAX_SCALE. */
typedef struct ws_dec {
	int64_t m;
	int scale;
} ws_dec;

/* Parses decimal text: [+-]digits[.digits][(e|E)[+-]digits], nothing else
 * (no spaces, no "nan").  Digits beyond WS_EXPR_MAX_SCALE are rounded
 * half-up.  False when the text is not a number or does not fit. */
bool ws_dec_parse(const char *s, size_t len, ws_dec *out);
/* A number value, or a string that is exactly decimal text.  False for
 * anything else. */
bool ws_dec_from_value(const ws_value *v, ws_dec *out);
/* Rounds half away from zero (the cashier's half-up) or extends to
 * `scale` decimals.  False on overflow. */
bool ws_dec_round(ws_dec a, int scale, ws_dec *out);
/* True when `a` has no fractional part; *out receives the integer. */
bool ws_dec_to_int(ws_dec a, int64_t *out);
/* "-12.50": every decimal of the scale, no exponent.  Caller g_free()s. */
char *ws_dec_to_text(ws_dec a);

/* Arithmetic.  Each returns false on overflow and leaves *out unspecified.
 * A sum keeps the larger scale; a product is cut to WS_EXPR_MAX_SCALE
 * (rounded half away from zero); a quotient (b.m must not be 0) gets up to
 * WS_EXPR_DIV_SCALE decimals but never fewer than its operands had. */
bool ws_dec_add(ws_dec a, ws_dec b, bool subtract, ws_dec *out);
bool ws_dec_mul(ws_dec a, ws_dec b, ws_dec *out);
bool ws_dec_div(ws_dec a, ws_dec b, ws_dec *out);
/* -1, 0 or 1, by value (1.50 == 1.5). */
int ws_dec_cmp(ws_dec a, ws_dec b);
/* A number value holding `a` with its decimal text.  Caller unrefs. */
ws_value *ws_dec_value(ws_dec a, ws_loc loc);

#endif
