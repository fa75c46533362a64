/* The layout loader's toolkit, for the element types (core/elements/):
 * everything an element type's load() needs to read its keys the way the
 * rest of the layout is read — lengths with units, colours, enums,
 * templates, styles — each reporting a mistake at its file:line:col and
 * returning false (or NULL, or -1) so that loading goes on and every
 * mistake of a layout is reported at once.  Implemented in layout.c.
 * Not installed. */
#ifndef WS_LAYOUT_LOAD_H
#define WS_LAYOUT_LOAD_H

#include <glib.h>
#include "layout-private.h"
#include "plugin.h"

struct ws_loader {
	ws_layout *layout;           /* the layout being loaded (its styles, its folder) */
	const ws_registry *registry; /* plugin element types, or NULL */
	ws_diags *diags;
	size_t n_elements;           /* against WS_LIMIT_ELEMENTS */
	int depth;                   /* nesting of element lists */
};

/* An error at `at`'s location, or at `loc`. */
void ws__ld_err(ws_loader *ld, const ws_value *at, const char *fmt, ...) WS_PRINTF(3, 4);
void ws__ld_err_loc(ws_loader *ld, ws_loc loc, const char *fmt, ...) WS_PRINTF(3, 4);

/* Keys every element accepts (read before the type's load()), and the text
 * style keys (font, size, align, ...). NULL-terminated. */
extern const char *const ws__ld_common_keys[];
extern const char *const ws__ld_style_keys[];

/* The key and value lists the loader checks the rest of a layout against
 * (layout.c), for the JSON Schema of `wenshu schema layout` (schema.c):
 * the same arrays, so the schema cannot drift from the loader. */
typedef struct ws__ld_tables {
	const char *const *top, *const *page, *const *orientation, *const *style_def, *const *field,
		*const *field_types, *const *field_levels, *const *grid, *const *align, *const *valign, *const *fit,
		*const *punctuation;
} ws__ld_tables;
extern const ws__ld_tables ws__ld_tables_of_the_loader;

/* Reports every key of `map` in none of the NULL-terminated `lists`
 * ("unknown key 'colour' in a rect (did you mean 'color'?)"); `what` names
 * the element for the message.  Returns the number of bad keys.
 * ws__ld_check_keys: the same for two lists (either may be NULL). */
int ws__ld_check_keys_in(ws_loader *ld, const ws_value *map, const char *const *const *lists,
                         const char *what);
int ws__ld_check_keys(ws_loader *ld, const ws_value *map, const char *const *allowed,
                      const char *const *also, const char *what);

/* A scalar's text; NULL (reported) for a list or a map. */
const char *ws__ld_scalar_text(ws_loader *ld, const ws_value *v, const char *what);
/* A length in pt ("12mm", "3pt", "三号"); `allow_negative` for offsets. */
bool ws__ld_length(ws_loader *ld, const ws_value *v, const char *what, bool allow_negative,
                   double *out);
/* A length, or "auto" (WS_AUTO). */
bool ws__ld_length_or_auto(ws_loader *ld, const ws_value *v, const char *what, double *out);
bool ws__ld_bool(ws_loader *ld, const ws_value *v, const char *what, bool *out);
bool ws__ld_number(ws_loader *ld, const ws_value *v, const char *what, double lo, double hi,
                   double *out);
bool ws__ld_color(ws_loader *ld, const ws_value *v, const char *what, ws_color *out);
/* The index of the value in NULL-terminated `names`, or -1 (reported). */
int ws__ld_enum(ws_loader *ld, const ws_value *v, const char *what, const char *const *names);
/* A template ("第 {{ page.number }} 页"), or a bare expression
 * (`each: group.applicants`) for ws__ld_expr.  Owned by the caller. */
ws_template *ws__ld_template(ws_loader *ld, const ws_value *v, const char *what);
ws_template *ws__ld_expr(ws_loader *ld, const ws_value *v, const char *what);
/* Merges the named style `name_v` (with its inherit chain) into *out. */
bool ws__ld_lookup_style(ws_loader *ld, const ws_value *name_v, ws_style *out);
/* An element's text style: `base` ← its `style:` ← its own style keys. */
void ws__ld_elem_style(ws_loader *ld, const ws_value *props, ws_style *st, const ws_style *base);
/* stroke, stroke_width (default 0.75 pt black), fill, radius, dash. */
void ws__ld_stroke(ws_loader *ld, const ws_value *props, ws_stroke *s);
/* Loads a list of elements (a group's children) into `out`. */
void ws__ld_element_list(ws_loader *ld, const ws_value *list, GPtrArray *out, const char *what);

#endif
