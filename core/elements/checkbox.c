/* `checkbox:` — a square, ticked when `checked` holds, with an optional
 * label set beside it in the checkbox's style. */
#include "elements.h"

#include "flow.h"
#include "layout-load.h"

typedef struct checkbox_elem {
	ws_template *checked;    /* owned or NULL: the condition */
	ws_template *label;      /* owned or NULL */
	ws_style style;          /* resolved: the label's, and the square's size */
	ws_stroke stroke;        /* the square's outline (no fill, no dash) */
	double box_size;         /* pt, the square's side; 0 = 0.85 em */
} checkbox_elem;

/* `box_size`, not `size`: size is the label's font size, a style key. */
static const char *const checkbox_keys[] = {"checked", "label", "box_size", "style", "stroke",
                                            "stroke_width", NULL};
static const char *const *const checkbox_lists[] = {checkbox_keys, ws__ld_common_keys, ws__ld_style_keys, NULL};

static void *checkbox_load(ws_loader *ld, ws_elem *e, const ws_elem_src *src)
{
	checkbox_elem *x = g_new0(checkbox_elem, 1);
	ws__ld_check_keys_in(ld, src->props, checkbox_lists, "a checkbox");
	ws_stroke s = {0};
	ws__ld_stroke(ld, src->props, &s);
	x->stroke.stroke = s.stroke;
	x->stroke.width = s.width;
	const ws_value *c = ws_value_map_get(src->props, "checked");
	if (c)
		x->checked = ws__ld_template(ld, c, "checked");
	const ws_value *lab = ws_value_map_get(src->props, "label");
	if (lab)
		x->label = ws__ld_template(ld, lab, "label");
	ws__ld_elem_style(ld, src->props, &x->style, &ld->layout->base_style);
	const ws_value *sz = ws_value_map_get(src->props, "box_size");
	if (sz)
		ws__ld_length(ld, sz, "box_size", false, &x->box_size);
	return x;
}

static void checkbox_free(void *data)
{
	checkbox_elem *x = data;
	ws_template_free(x->checked);
	ws_template_free(x->label);
	ws_style_free_contents(&x->style);
	g_free(x);
}

static double side_of(const checkbox_elem *x)
{
	return x->box_size > 0 ? x->box_size : x->style.size * 0.85;
}

/* `row`: the checkbox is a row of the flow (not at a fixed box).  The
 * square and its label are recorded as a box and text like any other,
 * and a flow row is also one line of the document: the preflight counts
 * lines to tell a heading left alone at a page foot and a widow page, and
 * a checklist is lines to a reader. */
static void place(ws_flow *t, const ws_elem *e, ws_rect r, bool row)
{
	const checkbox_elem *x = e->data;
	bool checked = false;
	if (x->checked && ws_bind_condition(x->checked, t->scope, &checked, t->diags) != WS_OK)
		return;
	double side = side_of(x);
	double pitch = ws_flow_line_pitch(t, &x->style, x->style.size);
	double line_h = MAX(side, pitch);
	ws_rect square = {r.x, r.y + (line_h - side) / 2, side, side};
	ws_flow_add_shape(t, WS_SHAPE_TICK_BOX, square, &x->stroke, checked);
	ws_flow_record_box(t, e, WS_RECORD_BOX, square);
	char *label = NULL;
	if (x->label && ws_bind_text(x->label, t->scope, &label, t->diags) == WS_OK && *label) {
		double gap = side * 0.6;
		ws_rect lb = {r.x + side + gap, r.y, MAX(1, r.width - side - gap), WS_AUTO};
		/* the label is the checkbox's own text: same location and style */
		ws_text_src src = {&x->style, x->label, e->loc, e->type_name, false};
		ws_flow_text_box(t, &src, label, lb);
	}
	if (row) {
		ws_record rec = {.kind = WS_RECORD_LINE, .page = t->page, .loc = e->loc, .type = e->type_name,
		                 .box = r, .limit = t->frame, .flow = true, .keep_with_next = e->keep_with_next,
		                 .text = label ? label : "",
		                 .source = x->label ? ws_template_source(x->label) : NULL};
		ws_document_add_record(t->doc, &rec);
	}
	g_free(label);
}

static void checkbox_place_box(ws_flow *t, const ws_elem *e, ws_rect r)
{
	place(t, e, r, false);
}

static double checkbox_height(ws_flow *t, const ws_elem *e)
{
	const checkbox_elem *x = e->data;
	return MAX(side_of(x), ws_flow_line_pitch(t, &x->style, x->style.size));
}

/* In the flow, a label that wraps takes its full height (else the next
 * element is drawn over its second line). */
static double checkbox_flow_height(ws_flow *t, const ws_elem *e, double width)
{
	const checkbox_elem *x = e->data;
	double h = checkbox_height(t, e);
	char *label = NULL;
	if (x->label && ws_bind_text(x->label, t->scope, &label, t->diags) == WS_OK && *label) {
		char **paras = ws_flow_split_paragraphs(label);
		ws_para_set ps = {0};
		ws_para_set_make(t, &ps, paras, &x->style, x->style.size, MAX(1, width - side_of(x) * 1.6),
		                 ws_template_is_constant(x->label));
		h = MAX(h, ps.height);
		ws_para_set_free(&ps);
		g_strfreev(paras);
	}
	g_free(label);
	return h;
}

static void checkbox_place_flow(ws_flow *t, const ws_elem *e, double x0, double width)
{
	double h = checkbox_flow_height(t, e, width);
	ws_flow_ensure_room(t, h);
	place(t, e, (ws_rect){x0, t->y, width, h}, true);
	t->y += h;
	t->page_has_flow = true;
}

static const ws_style *checkbox_style(const ws_elem *e)
{
	const checkbox_elem *x = e->data;
	return &x->style;
}

static double checkbox_block_height(ws_flow *t, const ws_elem *e)
{
	double width = e->width == WS_AUTO ? t->frame.width - e->x_offset : e->width;
	return e->space_before + checkbox_flow_height(t, e, width) + e->space_after;
}

const ws_elem_class ws__elem_checkbox = {
	.name = "checkbox",
	.keys = checkbox_lists,
	.load = checkbox_load,
	.free = checkbox_free,
	.place_box = checkbox_place_box,
	.place_flow = checkbox_place_flow,
	.start_height = checkbox_height,
	.block_height = checkbox_block_height,
	.style = checkbox_style,
};
