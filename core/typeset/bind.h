/* Binding: evaluating a layout's templates against one group's data.
 *
 * The scope an expression sees is a map: `group` (the group being
 * rendered), `doc` (kind, title, date), `page` (number, count) and, inside
 * `each`, the loop variable (`it` unless the layout names another) and
 * `loop` (index from 0, number from 1, first, last, count).
 */
#ifndef WS_BIND_H
#define WS_BIND_H

#include "common.h"
#include "diag.h"
#include "expr.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A new scope holding `group` (referenced, may be NULL) and a `doc` map.
 * Caller unrefs. */
WS_EXPORT ws_value *ws_bind_scope_new(const ws_value *group, const char *kind, const char *title,
                                      const char *date);

/* Sets a variable of the scope and returns its previous value (a
 * reference the caller passes back to ws_bind_restore), or NULL. */
WS_EXPORT ws_value *ws_bind_push(ws_value *scope, const char *name, ws_value *value);
WS_EXPORT void ws_bind_restore(ws_value *scope, const char *name, ws_value *previous);

/* Sets `loop` for item `index` of `count`. */
WS_EXPORT void ws_bind_set_loop(ws_value *scope, size_t index, size_t count);
/* Sets `page` {number, count}; count 0 means not known yet (null). */
WS_EXPORT void ws_bind_set_page(ws_value *scope, size_t number, size_t count);

/* Renders a template to text; NULL template gives "".  Caller g_free()s. */
WS_EXPORT int ws_bind_text(const ws_template *t, const ws_value *scope, char **out, ws_diags *diags);
/* Evaluates a condition; a NULL template is true. */
WS_EXPORT int ws_bind_condition(const ws_template *t, const ws_value *scope, bool *out,
                                ws_diags *diags);
/* Evaluates an `each` expression to a list (null gives an empty list; a
 * map or scalar is an error at the template's location).  Caller unrefs. */
WS_EXPORT int ws_bind_list(const ws_template *t, const ws_value *scope, ws_value **out,
                           ws_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
