/* `page_break:` — the flow goes on at the top of a new page. */
#include "elements.h"

#include "flow.h"
#include "layout-load.h"

static const char *const *const page_break_lists[] = {ws__ld_common_keys, NULL};

static void *page_break_load(ws_loader *ld, ws_elem *e, const ws_elem_src *src)
{
	ws__ld_check_keys_in(ld, src->props, page_break_lists, "a page break");
	return NULL;
}

static void page_break_place(ws_flow *t, const ws_elem *e, bool absolute_only)
{
	if (!absolute_only)
		ws_flow_new_page(t);
}

const ws_elem_class ws__elem_page_break = {
	.name = "page_break",
	.keys = page_break_lists,
	.load = page_break_load,
	.place = page_break_place,
};
