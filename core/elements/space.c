/* `space: 6mm` — vertical space in the flow; none at the top of a page
 * (a space never pushes the first line of a page down). */
#include "elements.h"

#include "flow.h"
#include "layout-load.h"

static const char *const *const space_lists[] = {ws__ld_common_keys, NULL};

static void *space_load(ws_loader *ld, ws_elem *e, const ws_elem_src *src)
{
	ws__ld_check_keys_in(ld, src->props, space_lists, "a space");
	double h = 0;
	if (ws__ld_length(ld, src->value, "space", false, &h))
		e->height = h;
	return NULL;
}

static void space_place(ws_flow *t, const ws_elem *e, bool absolute_only)
{
	if (!absolute_only && t->page_has_flow)
		t->y = MIN(t->y + e->height, ws_flow_frame_bottom(t));
}

static double space_block_height(ws_flow *t, const ws_elem *e)
{
	return e->height;
}

const ws_elem_class ws__elem_space = {
	.name = "space",
	.keys = space_lists,
	.load = space_load,
	.place = space_place,
	.block_height = space_block_height,
};
