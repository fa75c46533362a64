/* `line:` — a straight line: from one point to another on the page
 * (`from`, `to`), or a rule across the flow. */
#include "elements.h"

#include "flow.h"
#include "layout-load.h"

typedef struct line_elem {
	ws_stroke stroke;
	double x2, y2;           /* pt: the end; the start is the element's box.x, box.y */
} line_elem;

static const char *const line_keys[] = {"from", "to", "stroke", "stroke_width", "dash", NULL};
static const char *const *const line_lists[] = {line_keys, ws__ld_common_keys, NULL};

static bool load_point(ws_loader *ld, const ws_value *v, double *x, double *y)
{
	if (ws_value_get_type(v) != WS_VALUE_LIST || ws_value_length(v) != 2) {
		ws__ld_err(ld, v, "a point is [x, y]");
		return false;
	}
	return ws__ld_length(ld, ws_value_list_at(v, 0), "x", true, x) &&
	       ws__ld_length(ld, ws_value_list_at(v, 1), "y", true, y);
}

static void *line_load(ws_loader *ld, ws_elem *e, const ws_elem_src *src)
{
	line_elem *x = g_new0(line_elem, 1);
	ws__ld_check_keys_in(ld, src->props, line_lists, "a line");
	ws__ld_stroke(ld, src->props, &x->stroke);
	const ws_value *f = ws_value_map_get(src->props, "from"), *to = ws_value_map_get(src->props, "to");
	if (f || to) {
		if (!f || !to)
			ws__ld_err(ld, src->elem, "a line needs both from and to");
		else if (load_point(ld, f, &e->box.x, &e->box.y) && load_point(ld, to, &x->x2, &x->y2))
			e->has_box = true;
	}
	return x;
}

static void line_place_box(ws_flow *t, const ws_elem *e, ws_rect r)
{
	const line_elem *x = e->data;
	ws_flow_add_elem_shape(t, e, WS_SHAPE_LINE, (ws_rect){r.x, r.y, x->x2 - r.x, x->y2 - r.y}, &x->stroke);
}

/* In the flow a line takes its stroke's width, drawn through the middle. */
static double line_height(ws_flow *t, const ws_elem *e)
{
	const line_elem *x = e->data;
	return x->stroke.width;
}

static void line_place_flow(ws_flow *t, const ws_elem *e, double x0, double width)
{
	const line_elem *x = e->data;
	double h = line_height(t, e);
	ws_flow_ensure_room(t, h);
	ws_flow_add_elem_shape(t, e, WS_SHAPE_LINE, (ws_rect){x0, t->y + h / 2, width, 0}, &x->stroke);
	t->y += h;
	t->page_has_flow = true;
}

const ws_elem_class ws__elem_line = {
	.name = "line",
	.keys = line_lists,
	.load = line_load,
	.free = g_free,
	.place_box = line_place_box,
	.place_flow = line_place_flow,
	.start_height = line_height,
};
