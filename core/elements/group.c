/* `elements:` — a group: its children placed in order, once, or once per
 * item of `each` (with the item as `it`, or the name in `as`, and `loop`).
 * keep_together moves the whole group to the next page when it would
 * break and fits on one. */
#include "elements.h"

#include "flow.h"
#include "layout-load.h"

typedef struct group_elem {
	GPtrArray *children;     /* of ws_elem* (owned) */
	ws_template *each;       /* owned or NULL */
	char *each_as;           /* owned: the loop variable's name, default "it" */
	bool has_frame;          /* a rect (stroke, dash, radius) around what it placed */
	ws_stroke frame;
	double frame_padding;    /* pt, between the content and the frame */
	double frame_min_height; /* pt: the frame is at least this tall (0: as its content) */
} group_elem;

static const char *const group_keys[] = {"elements", "each", "as", "frame", NULL};
static const char *const *const group_lists[] = {group_keys, ws__ld_common_keys, NULL};
static const char *const frame_keys[] = {"stroke", "stroke_width", "dash", "radius", "padding", "min_height", NULL};

/* `frame:` on a group: a rect drawn around whatever the group placed, so
 * it grows with its content (a routing slip whose group name wraps). */
static void load_group_frame(ws_loader *ld, group_elem *x, const ws_value *v)
{
	if (ws_value_get_type(v) != WS_VALUE_MAP) {
		ws__ld_err(ld, v, "frame is a map such as {stroke: black, stroke_width: 0.5pt, padding: 2mm}");
		return;
	}
	ws__ld_check_keys(ld, v, frame_keys, NULL, "a frame");
	ws__ld_stroke(ld, v, &x->frame);
	x->has_frame = true;
	x->frame_padding = 2 * 72 / 25.4;
	const ws_value *p = ws_value_map_get(v, "padding");
	if (p)
		ws__ld_length(ld, p, "padding", true, &x->frame_padding);
	/* a box that grows with its content from a declared size: room for a
	 * handwritten note or a seal however little is printed in it */
	const ws_value *mh = ws_value_map_get(v, "min_height");
	if (mh)
		ws__ld_length(ld, mh, "min_height", false, &x->frame_min_height);
}

static void *group_load(ws_loader *ld, ws_elem *e, const ws_elem_src *src)
{
	group_elem *x = g_new0(group_elem, 1);
	ws__ld_check_keys_in(ld, src->props, group_lists, "a group of elements");
	x->children = g_ptr_array_new_with_free_func((GDestroyNotify)ws_elem_free);
	const ws_value *each = ws_value_map_get(src->props, "each");
	if (each)
		x->each = ws__ld_expr(ld, each, "each");
	const ws_value *as = ws_value_map_get(src->props, "as");
	x->each_as = g_strdup(as ? ws_value_text(as) : "it");
	const ws_value *fr = ws_value_map_get(src->props, "frame");
	if (fr)
		load_group_frame(ld, x, fr);
	ws__ld_element_list(ld, src->value, x->children, "elements");
	return x;
}

static void group_free(void *data)
{
	group_elem *x = data;
	g_ptr_array_free(x->children, TRUE);
	ws_template_free(x->each);
	g_free(x->each_as);
	g_free(x);
}

/* A group's frame: a rect around everything the group placed from record
 * `first` on, one per page it reached, so it grows with its content.
 * `flowed`: the group's content ran in the flow, which then goes on below
 * the frame's rule, not through its padding. */
static void frame_group(ws_flow *t, const ws_elem *e, size_t first, bool flowed)
{
	const group_elem *x = e->data;
	size_t n = ws_document_record_count(t->doc);
	size_t pages = ws_document_page_count(t->doc);
	for (size_t pg = 0; pg < pages; pg++) {
		double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
		for (size_t i = first; i < n; i++) {
			const ws_record *r = ws_document_record_at(t->doc, i);
			if (r->page != pg || r->kind == WS_RECORD_LINE)
				continue;
			/* a text line counts with its box, not past it: a wrapped
			 * cell's limit may be wider than what it holds */
			x0 = MIN(x0, r->box.x);
			y0 = MIN(y0, r->box.y);
			x1 = MAX(x1, r->box.x + r->box.width);
			y1 = MAX(y1, r->box.y + r->box.height);
		}
		if (x1 < x0)
			continue;
		double p = x->frame_padding;
		ws_rect r = {x0 - p, y0 - p, x1 - x0 + 2 * p, y1 - y0 + 2 * p};
		/* on the page where the group ends, the frame keeps its minimum
		 * height and the flow goes on below it */
		if (pg == t->page && r.height < x->frame_min_height) {
			r.height = x->frame_min_height;
			if (!e->has_box)
				t->y = MAX(t->y, r.y + r.height + p); /* clear of the rule */
		}
		if (pg == t->page && flowed)
			t->y = MAX(t->y, r.y + r.height);
		size_t save = t->page;
		t->page = pg;
		ws_flow_add_elem_shape(t, e, WS_SHAPE_RECT, r, &x->frame);
		t->page = save;
	}
}

/* The height of item k of an `each` group's list. */
static double item_height(ws_flow *t, const group_elem *x, const ws_value *items, size_t k, size_t n)
{
	ws_value *prev = ws_bind_push(t->scope, x->each_as, ws_value_ref(ws_value_list_at(items, k)));
	ws_value *prev_loop = ws_value_ref(ws_value_map_get(t->scope, "loop"));
	ws_bind_set_loop(t->scope, k, n);
	double h = ws_flow_list_height(t, x->children);
	ws_bind_restore(t->scope, x->each_as, prev);
	ws_bind_restore(t->scope, "loop", prev_loop);
	return h;
}

/* Widow and orphan control for the items of `each` (checkbox rows, a
 * label–value list, applicant blocks), as for table rows: the list never
 * leaves its first item alone at the foot of a page nor carries its last
 * item alone onto the next, when moving one more would do; and the last
 * items go over with a keep_with_previous block that follows the list
 * (`tail`) rather than leave it alone.  Called before item k is placed. */
static void keep_items(ws_flow *t, const ws_elem *e, const ws_value *items, size_t k, size_t n, double tail)
{
	const group_elem *x = e->data;
	double need = 0;
	if (n >= WS_KEEP_ROWS && (k == 0 || k == n - WS_KEEP_ROWS)) {
		/* the first two items together; the last two together */
		for (size_t j = k; j < k + WS_KEEP_ROWS; j++)
			need += item_height(t, x, items, j, n);
		if (k + WS_KEEP_ROWS == n && need + tail <= t->frame.height)
			need += tail;
	} else if (n == 1 && tail > 0) {
		need = item_height(t, x, items, 0, n) + tail;
	}
	if (need > 0 && need <= t->frame.height)
		ws_flow_ensure_room(t, need);
}

/* A framed group in the flow holds its padding inside the frame: the
 * content starts `padding` below where the flow stood, and the flow goes
 * on at the frame's rule — else the rule, drawn `padding` outside the
 * content, crosses the text above and below the group.  Returns the
 * padding it stepped down (0: no frame, or not in the flow). */
static double frame_open(ws_flow *t, const ws_elem *e, bool absolute_only)
{
	const group_elem *x = e->data;
	if (!x->has_frame || absolute_only || e->has_box)
		return 0;
	t->y += x->frame_padding;
	return x->frame_padding;
}

/* Draws the frame; `pad`, `page0`, `y0`: what frame_open() did and where
 * the flow stood before it.  A group of boxed elements only moved no
 * flow: the flow is put back where it was. */
static void frame_close(ws_flow *t, const ws_elem *e, size_t first_record, double pad, size_t page0, double y0)
{
	const group_elem *x = e->data;
	if (!x->has_frame)
		return;
	bool flowed = pad > 0 && (t->page != page0 || t->y > y0 + pad + 0.001);
	if (pad > 0 && !flowed)
		t->y = y0;
	frame_group(t, e, first_record, flowed);
}

/* The each loop: one pass over the children per item. */
static void group_place(ws_flow *t, const ws_elem *e, bool absolute_only)
{
	const group_elem *x = e->data;
	size_t first_record = ws_document_record_count(t->doc);
	size_t page0 = t->page;
	double y0 = t->y;
	if (!x->each) {
		double pad = frame_open(t, e, absolute_only);
		ws_flow_place_list(t, x->children, absolute_only);
		frame_close(t, e, first_record, pad, page0, y0);
		return;
	}
	ws_value *items = NULL;
	if (ws_bind_list(x->each, t->scope, &items, t->diags) != WS_OK)
		return;
	double pad = frame_open(t, e, absolute_only);
	size_t n = ws_value_length(items);
	double tail = t->tail_need; /* a keep_with_previous block after the whole list */
	bool flow = !absolute_only && !e->has_box;
	/* items kept together are whole blocks (an applicant's), each its own
	 * unit: they are not paired like rows */
	bool blocks = e->keep_together;
	for (guint c = 0; c < x->children->len; c++)
		blocks |= ((const ws_elem *)g_ptr_array_index(x->children, c))->keep_together;
	/* The element limit is reported at the outermost `each` (typeset.c):
	 * it is the one that multiplies everything inside it. */
	ws_loc saved_each = t->each_at;
	if (!t->each_at.line)
		t->each_at = e->loc;
	for (size_t k = 0; k < n && !ws_flow_stop(t); k++) {
		if (flow && !blocks)
			keep_items(t, e, items, k, n, tail);
		ws_value *prev = ws_bind_push(t->scope, x->each_as, ws_value_ref(ws_value_list_at(items, k)));
		ws_value *prev_loop = ws_value_ref(ws_value_map_get(t->scope, "loop"));
		ws_bind_set_loop(t->scope, k, n);
		/* keep_together on `each`: each item's block (one applicant)
		 * stays on one page when it fits on one. */
		if (e->keep_together && flow) {
			double need = ws_flow_list_height(t, x->children);
			if (need <= t->frame.height)
				ws_flow_ensure_room(t, need);
		}
		/* only the last item is followed by the block that keeps with the list */
		t->tail_need = k + 1 == n ? tail : 0;
		ws_flow_place_list(t, x->children, absolute_only);
		ws_bind_restore(t->scope, x->each_as, prev);
		ws_bind_restore(t->scope, "loop", prev_loop);
	}
	t->tail_need = tail;
	t->each_at = saved_each;
	ws_value_unref(items);
	frame_close(t, e, first_record, pad, page0, y0);
}

/* The padding a frame holds above and below its content in the flow. */
static double frame_pads(const ws_elem *e)
{
	const group_elem *x = e->data;
	return x->has_frame && !e->has_box ? 2 * x->frame_padding : 0;
}

static double group_start_height(ws_flow *t, const ws_elem *e)
{
	const group_elem *x = e->data;
	return (x->children->len ? ws_flow_start_height(t, g_ptr_array_index(x->children, 0)) : 0) +
	       frame_pads(e) / 2;
}

/* All children, once per item of `each`. */
static double group_block_height(ws_flow *t, const ws_elem *e)
{
	const group_elem *x = e->data;
	if (!x->each)
		return MAX(ws_flow_list_height(t, x->children) + frame_pads(e), x->frame_min_height);
	ws_value *items = NULL;
	ws_diags *quiet = ws_diags_new();
	double h = 0;
	if (ws_bind_list(x->each, t->scope, &items, quiet) == WS_OK) {
		size_t n = ws_value_length(items);
		ws_loc saved_each = t->each_at;
		if (!t->each_at.line)
			t->each_at = e->loc;
		for (size_t k = 0; k < n && !ws_flow_stop(t); k++) {
			ws_value *prev = ws_bind_push(t->scope, x->each_as, ws_value_ref(ws_value_list_at(items, k)));
			ws_value *prev_loop = ws_value_ref(ws_value_map_get(t->scope, "loop"));
			ws_bind_set_loop(t->scope, k, n);
			h += ws_flow_list_height(t, x->children);
			ws_bind_restore(t->scope, x->each_as, prev);
			ws_bind_restore(t->scope, "loop", prev_loop);
		}
		t->each_at = saved_each;
	}
	ws_value_unref(items);
	ws_diags_free(quiet);
	return h + frame_pads(e);
}

static bool group_keeps_items(const ws_elem *e)
{
	const group_elem *x = e->data;
	return x->each != NULL;
}

const ws_elem_class ws__elem_group = {
	.name = "elements",
	.keys = group_lists,
	.load = group_load,
	.free = group_free,
	.place = group_place,
	.start_height = group_start_height,
	.block_height = group_block_height,
	.keeps_items = group_keeps_items,
};
