/* The table of built-in element types: one row per type, in the order
 * "did you mean" considers them.  A new type is one file in this folder
 * and one row here (docs/architecture.md). */
#include "elements.h"

#include <glib.h>
#include <string.h>

#include "flow.h"

static const ws_elem_class *const builtin[] = {
	&ws__elem_text,
	&ws__elem_rect,
	&ws__elem_line,
	&ws__elem_table,
	&ws__elem_checkbox,
	&ws__elem_image,
	&ws__elem_group,
	&ws__elem_page_break,
	&ws__elem_space,
	NULL,
};

const ws_elem_class *ws__elem_class_find(const char *name)
{
	for (size_t i = 0; builtin[i]; i++)
		if (strcmp(builtin[i]->name, name) == 0)
			return builtin[i];
	return NULL;
}

const ws_elem_class *ws__elem_class_at(size_t i)
{
	return i < G_N_ELEMENTS(builtin) ? builtin[i] : NULL;
}

double ws__elem_boxed_height(ws_flow *t, const ws_elem *e)
{
	return e->height == WS_AUTO ? 0 : e->height;
}

void ws__elem_boxed_place_flow(ws_flow *t, const ws_elem *e, double x, double width)
{
	double h = e->cls->start_height(t, e);
	ws_flow_ensure_room(t, h);
	e->cls->place_box(t, e, (ws_rect){x, t->y, width, h});
	t->y += h;
	t->page_has_flow = true;
}
