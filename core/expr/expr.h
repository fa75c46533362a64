/* Expressions and templates: the small language layouts use in text
 * (`"面谈日期：{{ group.appointment.date | date('YYYY/MM/DD') }}"`), in
 * conditions (`when: "{{ group.route == 'delegated' }}"`) and in repeats
 * (`each: group.applicants`).
 *
 * The language is safe and bounded: no I/O, no loops, no user functions;
 * every compile and every evaluation ends within the limits below.
 *
 *   literals     'text' "text" (escapes \\ \' \" \n \t \uXXXX), 42, 185.00,
 *                true, false, null, [a, b]
 *   paths        group.applicants[0].surname, it.name_zh, x[expr]
 *                A missing key or index gives null, never an error, so
 *                layouts can test optional fields (`x | default('—')`).
 *                An unknown variable (a name not in the scope) is an error.
 *   operators    lowest to highest:
 *                  a if cond else b   (else optional: missing → null)
 *                  or     and     not
 *                  == != < <= > >= in, not in   (not chainable)
 *                  ~   (text concatenation; null → "")
 *                  + -   then   * /
 *                  | filter   (binds tighter than any binary operator, as
 *                              in Jinja: write `(a * b) | money`)
 *                  unary -    (`-5 | cn_num` filters -5, as in Jinja)
 *                  . [ ] ( )
 *   filters      upper lower trim length first last default(x) join(sep)
 *                date(fmt) cn_date money money(ccy) fixed(n) cn_num pad(n)
 *                replace(a, b) index(i)
 *
 * Numbers are exact decimals (a 64-bit integer and a scale), never binary
 * floating point, because money is computed in cents and must round the way
 * a cashier does: 185.00 * 7.40 is exactly 1369.0000.  A number keeps its
 * scale (185.00 stays "185.00"); + and - use the larger scale, * adds the
 * scales, / gives up to WS_EXPR_DIV_SCALE decimals.  Integer overflow and
 * division by zero are errors.  A string that is exactly a decimal number
 * ("185.00": data files quote money so YAML does not read it as a float)
 * acts as a number for arithmetic and when compared with a number.
 *
 * Comparisons: numbers numerically, strings by code point (so ISO dates
 * compare right), anything else only with == and !=.
 *
 * Positions: `loc` is where the template text starts in the layout file.
 * An error at character k of the first line is reported at column
 * loc.column + k (characters, not bytes).  On later lines of a multi-line
 * template the column is loc.column + the characters since the line break,
 * which is exact for YAML literal block scalars (every line starts at the
 * block's indentation).  With an unknown loc (line 0) the template counts
 * as its own source starting at 1:1.
 *
 * Thread-safety: a compiled template is immutable; any number of threads
 * may render or evaluate it at once, each with its own scope and diags.
 */
#ifndef WS_EXPR_H
#define WS_EXPR_H

#include <stdbool.h>
#include "common.h"
#include "diag.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits.  Each is an error when exceeded (rule "limit"), never a crash or
 * a hang: layout files come from office staff and must not be able to stall
 * a batch. */
/* Bytes of one `{{ ... }}` part (braces included) or of a bare
 * expression.  The literal text around the parts may be longer (a note's
 * paragraph is): a whole template may hold up to WS_EXPR_MAX_STRING bytes. */
#define WS_EXPR_MAX_SOURCE 4096
#define WS_EXPR_MAX_DEPTH 64           /* nesting of the expression tree */
/* Work units per evaluation: one per node evaluated, plus one per list item
 * that `in`, `==`/`!=` or `join` visits and one per match `replace` makes.
 * Without loops an expression's own size is bounded; this bounds the work
 * that large data can cause. */
#define WS_EXPR_MAX_STEPS 100000
#define WS_EXPR_MAX_STRING (1024 * 1024) /* bytes of any string result */
/* Decimals: the most digits after the point a number may carry (more are
 * rounded half-up), and the digits a division produces. */
#define WS_EXPR_MAX_SCALE 12
#define WS_EXPR_DIV_SCALE 10

typedef struct ws_template ws_template;

/* Compiles a template: literal text with `{{ expr }}` parts.  A `{{`
 * without its `}}` is an error at the `{{`.  On success *out is a new
 * template the caller frees with ws_template_free(); on failure *out is NULL,
 * the errors are in `diags` (may be NULL) and the result is WS_EINPUT
 * (WS_EUSAGE for NULL arguments).  `src` is copied. */
WS_EXPORT int ws_template_compile(ws_template **out, const char *src, ws_loc loc,
                                  ws_diags *diags);

/* Compiles a bare expression without braces (`each: group.applicants`).
 * For convenience a source that is a single `{{ e }}` means the same.
 * Ownership as for ws_template_compile(). */
WS_EXPORT int ws_template_compile_expr(ws_template **out, const char *src, ws_loc loc,
                                       ws_diags *diags);

/* Compiles the text of a scalar loaded from a file (a layout's `text:`),
 * as ws_template_compile(), or with `bare` as ws_template_compile_expr().
 * Errors point at the character as written: inside the quotes of a quoted
 * scalar and past its escapes (ws_value_text_loc), not at the quote.  The
 * template keeps a reference to a string `v`. */
WS_EXPORT int ws_template_compile_value(ws_template **out, const ws_value *v, bool bare,
                                        ws_diags *diags);

WS_EXPORT void ws_template_free(ws_template *t); /* NULL is a no-op */

/* True when the template has no `{{ }}` part (plain text). */
WS_EXPORT bool ws_template_is_constant(const ws_template *t);
/* True when the template is exactly one `{{ e }}` with only whitespace
 * around it, or was compiled with ws_template_compile_expr(). */
WS_EXPORT bool ws_template_is_single_expr(const ws_template *t);
/* The source text, as given (borrowed, valid while the template lives). */
WS_EXPORT const char *ws_template_source(const ws_template *t);
/* Where the template text starts in its file (the `loc` it was compiled
 * with); WS_LOC_NONE for NULL. */
WS_EXPORT ws_loc ws_template_loc(const ws_template *t);

/* Evaluates to a string: every part concatenated, null as "".  A list or a
 * map cannot be rendered as text (use join) and is an error.  `scope` is a
 * map of variable names (group, it, page, doc, ...) to values; it is only
 * read.  On success the caller g_free()s *out; on failure *out is NULL and
 * the errors are in `diags`. */
WS_EXPORT int ws_template_render(const ws_template *t, const ws_value *scope, char **out,
                                 ws_diags *diags);

/* Evaluates to a value: for a single-expression template the expression's
 * own value (a list stays a list, null stays null), else the rendered
 * string.  On success the caller releases *out with ws_value_unref(). */
WS_EXPORT int ws_template_eval(const ws_template *t, const ws_value *scope, ws_value **out,
                               ws_diags *diags);

/* The names of the filters, NULL-terminated, in a stable order (for
 * `wenshu list` and editor completion).  Static. */
WS_EXPORT const char *const *ws_expr_filter_names(void);

#ifdef __cplusplus
}
#endif
#endif
