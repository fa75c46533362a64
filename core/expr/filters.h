/* The filters of the expression language (`x | upper`, `d | cn_date`):
 * the contract between the evaluator (expr.c) and the filter table
 * (filters.c).  Not installed, not part of the API.
 *
 * The evaluator looks a filter up in the table (expr_filter_find) and calls
 * it with an expr_call; the filter reports errors, charges work and checks
 * result sizes only through the expr_call_* functions below, which the
 * evaluator implements.  So filters.c knows nothing of the evaluator's
 * internals and expr.c nothing of a filter's: one header both sides
 * include, no circle of headers. */
#ifndef WS_FILTERS_H
#define WS_FILTERS_H

#include <stdbool.h>
#include <stdint.h>
#include "expr.h"

/* ---- The call site: implemented by the evaluator (expr.c) ---- */

/* One evaluation in progress (opaque to the filters). */
typedef struct expr_eval expr_eval;
typedef struct expr_node expr_node;

/* What a filter is handed about its own call site. */
typedef struct expr_call {
	expr_eval *cx;
	const expr_node *node; /* the filter node: its name is where errors point */
	const char *name;      /* the filter's name */
} expr_call;

/* Reports a runtime error at the filter's name, naming the data path of the
 * filter's input when it is one.  Returns WS_EINPUT. */
int expr_call_fail(const expr_call *c, const char *fmt, ...) WS_PRINTF(2, 3);
/* Charges `steps` work units; WS_EINPUT (reported) past WS_EXPR_MAX_STEPS. */
int expr_call_charge(const expr_call *c, size_t steps);
/* WS_EINPUT (reported) when a result of `len` bytes would pass
 * WS_EXPR_MAX_STRING. */
int expr_call_check_len(const expr_call *c, size_t len);
/* Where the filter is written, for the locations of result values. */
ws_loc expr_call_loc(const expr_call *c);

/* A short rendering of a value for messages ("\"2025-13-40\"", "[1, 2]"),
 * cut at about 60 characters.  Caller g_free()s. */
char *expr_describe(const ws_value *v);

/* ---- The table: implemented by filters.c ---- */

/* A filter receives its input (never NULL; a null value for null) and its
 * evaluated arguments, already checked against `arg_kinds`; it stores a new
 * reference in *out and returns WS_OK, or reports and returns an error. */
typedef int (*expr_filter_fn)(const expr_call *c, ws_value *in, ws_value *const *args,
                              size_t nargs, ws_value **out);

typedef struct expr_filter {
	const char *name;
	unsigned min_args, max_args;
	/* One letter per argument: 's' string, 'i' whole number (or decimal
	 * text of one), 'k' whole number or string, 'a' anything. */
	const char *arg_kinds;
	/* Null input gives null without calling fn, so `x | upper | default('—')`
	 * works for an optional x. */
	bool null_passes;
	expr_filter_fn fn;
} expr_filter;

const expr_filter *expr_filter_find(const char *name, size_t len);
/* The closest filter name within a small edit distance, or NULL. */
const char *expr_filter_suggest(const char *name, size_t len);
/* The closest of `n` candidates to the first `len` bytes of `name`, by
 * ws_suggest() (suggest.h), or NULL. */
const char *expr_suggest(const char *name, size_t len, const char *const *candidates, size_t n);
/* Whether `v` suits argument kind `kind`, and the kind's name for messages. */
bool expr_arg_fits(char kind, const ws_value *v);
const char *expr_arg_kind_name(char kind);

#endif
