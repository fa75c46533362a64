/* `rect:` — a box, stroked and/or filled, with rounded corners if asked:
 * at its box, or across the flow at its height. */
#include "elements.h"

#include "flow.h"
#include "layout-load.h"

static const char *const rect_keys[] = {"stroke", "stroke_width", "fill", "dash", "radius", NULL};
static const char *const *const rect_lists[] = {rect_keys, ws__ld_common_keys, NULL};

static void *rect_load(ws_loader *ld, ws_elem *e, const ws_elem_src *src)
{
	ws_stroke *s = g_new0(ws_stroke, 1);
	ws__ld_check_keys_in(ld, src->props, rect_lists, "a rect");
	ws__ld_stroke(ld, src->props, s);
	if (!e->has_box && e->height == WS_AUTO)
		ws__ld_err(ld, src->elem, "a rect needs a box, or a height in the flow");
	return s;
}

static void rect_place_box(ws_flow *t, const ws_elem *e, ws_rect box)
{
	ws_flow_add_elem_shape(t, e, WS_SHAPE_RECT, box, e->data);
}

const ws_elem_class ws__elem_rect = {
	.name = "rect",
	.keys = rect_lists,
	.load = rect_load,
	.free = g_free,
	.place_box = rect_place_box,
	.place_flow = ws__elem_boxed_place_flow,
	.start_height = ws__elem_boxed_height,
};
