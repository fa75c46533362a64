/* Strokes and fills: the lines and boxes of rects, lines, checkboxes and
 * table borders.  See flow.h. */
#include "flow.h"

#include <cairo.h>

typedef struct shape_op {
	ws_shape_kind kind;
	ws_rect r;           /* rect; for lines (x, y) → (x + width, y + height) */
	ws_color stroke, fill;
	double stroke_width;
	double dash[8];
	int n_dash;
	double radius;
	bool checked;
} shape_op;

static void path_rounded_rect(cairo_t *cr, ws_rect r, double rad)
{
	if (rad <= 0) {
		cairo_rectangle(cr, r.x, r.y, r.width, r.height);
		return;
	}
	rad = MIN(rad, MIN(r.width, r.height) / 2);
	cairo_new_sub_path(cr);
	cairo_arc(cr, r.x + r.width - rad, r.y + rad, rad, -G_PI / 2, 0);
	cairo_arc(cr, r.x + r.width - rad, r.y + r.height - rad, rad, 0, G_PI / 2);
	cairo_arc(cr, r.x + rad, r.y + r.height - rad, rad, G_PI / 2, G_PI);
	cairo_arc(cr, r.x + rad, r.y + rad, rad, G_PI, 3 * G_PI / 2);
	cairo_close_path(cr);
}

static void shape_op_draw(cairo_t *cr, void *data)
{
	shape_op *op = data;
	cairo_save(cr);
	cairo_set_line_width(cr, op->stroke_width);
	if (op->n_dash)
		cairo_set_dash(cr, op->dash, op->n_dash, 0);
	if (op->kind == WS_SHAPE_LINE) {
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
		cairo_move_to(cr, op->r.x, op->r.y);
		cairo_line_to(cr, op->r.x + op->r.width, op->r.y + op->r.height);
		cairo_set_source_rgba(cr, op->stroke.r, op->stroke.g, op->stroke.b, op->stroke.a);
		cairo_stroke(cr);
	} else {
		path_rounded_rect(cr, op->r, op->radius);
		if (op->fill.a > 0) {
			cairo_set_source_rgba(cr, op->fill.r, op->fill.g, op->fill.b, op->fill.a);
			cairo_fill_preserve(cr);
		}
		if (op->stroke.a > 0 && op->stroke_width > 0) {
			cairo_set_source_rgba(cr, op->stroke.r, op->stroke.g, op->stroke.b, op->stroke.a);
			cairo_stroke(cr);
		}
		cairo_new_path(cr);
		if (op->kind == WS_SHAPE_TICK_BOX && op->checked) {
			/* A drawn tick, so the box never depends on a font having ✓. */
			ws_rect r = op->r;
			cairo_set_line_width(cr, MAX(op->stroke_width * 1.6, r.width * 0.12));
			cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
			cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
			cairo_move_to(cr, r.x + r.width * 0.2, r.y + r.height * 0.55);
			cairo_line_to(cr, r.x + r.width * 0.42, r.y + r.height * 0.78);
			cairo_line_to(cr, r.x + r.width * 0.82, r.y + r.height * 0.22);
			cairo_set_source_rgba(cr, op->stroke.r, op->stroke.g, op->stroke.b, op->stroke.a);
			cairo_stroke(cr);
		}
	}
	cairo_restore(cr);
}

void ws_flow_add_shape(ws_flow *t, ws_shape_kind kind, ws_rect r, const ws_stroke *s, bool checked)
{
	shape_op *op = g_new0(shape_op, 1);
	op->kind = kind;
	op->r = r;
	op->stroke = s->stroke;
	op->fill = s->fill;
	op->stroke_width = s->width;
	op->radius = s->radius;
	op->n_dash = MIN(s->n_dash, 8);
	for (int i = 0; i < op->n_dash; i++)
		op->dash[i] = s->dash[i];
	op->checked = checked;
	ws_document_add_op(t->doc, t->page, shape_op_draw, op, g_free);
}

void ws_flow_add_elem_shape(ws_flow *t, const ws_elem *e, ws_shape_kind kind, ws_rect r, const ws_stroke *s)
{
	ws_flow_add_shape(t, kind, r, s, false);
	if (s->stroke.a > 0 && s->width > 0)
		ws_flow_record_box(t, e, WS_RECORD_FRAME, r);
}
