/* Element types as modules: the one interface every element type — built in
 * or added by a plugin — implements (the shape of Lua's luaL_Reg and of
 * PipeWire SPA's method tables: a table of operations per type instead of a
 * switch over types).
 *
 * The layout loader (layout.c) finds a type by the key that names it
 * (`text:`, `table:`, `barcode:`) and hands the element's keys to the type's
 * load(); the typesetter (typeset.c) knows elements only through the
 * placement operations below.  Each built-in type is one file in
 * core/elements/ holding its own fields, its loading, its measuring, its
 * placing and the drawing of what it places; core/elements/elements.c lists
 * them.  An element type from a plugin goes through the same table: the
 * adapter in core/elements/plugin-element.c is its class.
 *
 * docs/architecture.md walks through adding a type.  Not installed: plugins
 * describe their element types with ws_element_desc (plugin-abi.h).
 */
#ifndef WS_ELEMENT_H
#define WS_ELEMENT_H

#include <stdbool.h>
#include "common.h"
#include "plugin-abi.h"
#include "value.h"

typedef struct ws_elem ws_elem;
typedef struct ws_style ws_style;
/* The layout loader's state (layout-load.h). */
typedef struct ws_loader ws_loader;
/* The typesetter's state for one document (flow.h, core/typeset/). */
typedef struct ws_flow ws_flow;

/* What load() is handed about one element of the layout. */
typedef struct ws_elem_src {
	const ws_value *elem;           /* the element's map, as written */
	const ws_value *value;          /* the value of the type key (`text: "…"` → "…") */
	const ws_value *props;          /* every key, the type map's merged in (see layout.c) */
	const ws_element_desc *plugin;  /* the plugin's descriptor; NULL for a built-in type */
} ws_elem_src;

typedef struct ws_elem_class {
	const char *name;               /* the key that names the type in a layout */
	/* The key lists load() checks the element's keys against (the type
	 * key, its own, the common and style keys it takes): NULL-terminated
	 * lists, NULL-terminated.  `wenshu schema layout` describes the type
	 * from the same lists, so the schema cannot drift from the loader.
	 * NULL for the plugin class (a plugin's ws_element_desc keys). */
	const char *const *const *keys;
	/* Reads the type's own keys (the common ones — when, box, width,
	 * height, x, space_before, space_after, keep_with_next — are read
	 * already) and returns the type's own data (freed with free()), or
	 * NULL when it has none.  Reports every mistake through the loader
	 * (layout-load.h) with its file:line:col; loading goes on. */
	void *(*load)(ws_loader *ld, ws_elem *e, const ws_elem_src *src);
	void (*free)(void *data);

	/* Placement.  `place` takes over completely (groups, page breaks,
	 * spaces: elements that are not a box of their own); NULL means the
	 * common path: the `when` condition, then place_box() for an element
	 * with a box (also under every_page), or space_before, place_flow()
	 * and space_after in the flow. */
	void (*place)(ws_flow *f, const ws_elem *e, bool absolute_only);
	void (*place_box)(ws_flow *f, const ws_elem *e, ws_rect box);
	void (*place_flow)(ws_flow *f, const ws_elem *e, double x, double width);

	/* Measuring, for keeping things together (pt; NULL means 0).
	 * start_height: the least room the start of the element needs in the
	 *   flow (its first line, a table's header and first row);
	 * block_height: all of it, space_before and space_after included
	 *   (NULL: space_before + start_height + space_after);
	 * content_height: the height its content will take when set at its
	 *   natural height (only text has one: keep_with_next uses it). */
	double (*start_height)(ws_flow *f, const ws_elem *e);
	double (*block_height)(ws_flow *f, const ws_elem *e);
	double (*content_height)(ws_flow *f, const ws_elem *e);
	/* True when keep_together holds for each item the element repeats
	 * (an `each` group keeps each applicant's block whole), not for the
	 * whole: place() then keeps them itself.  NULL: false. */
	bool (*keeps_items)(const ws_elem *e);
	/* How many rows the element's flow may be split between (a table's
	 * body rows); NULL: not split by rows.  keep_with_next uses it to
	 * know whether a table can open on this page and end on the next
	 * with WS_KEEP_ROWS rows on each side, or must move whole with the
	 * heading before it. */
	size_t (*flow_rows)(ws_flow *f, const ws_elem *e);

	/* The element's resolved text style, for inspection (tests, tools);
	 * NULL when the type sets no text.  Borrowed from the element. */
	const ws_style *(*style)(const ws_elem *e);
} ws_elem_class;

/* The built-in types, in the order "did you mean" considers them; defined
 * in core/elements/elements.c.  NULL when `name` is no built-in type. */
const ws_elem_class *ws__elem_class_find(const char *name);
/* The i-th built-in type (NULL past the last). */
const ws_elem_class *ws__elem_class_at(size_t i);
/* The class of every element type a plugin adds (plugin-element.c). */
extern const ws_elem_class ws__elem_plugin_class;

#endif
