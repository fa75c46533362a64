/* Debug overlay (overlay.h). */
#include "overlay.h"

#include <math.h>
#include <string.h>
#include <pango/pangocairo.h>

#include "layout-private.h"

#define MM (72.0 / 25.4)

static void label(cairo_t *cr, double x, double y, const char *text, double r, double g, double b)
{
	/* Cairo's toy text: the overlay must not depend on the layout's fonts
	 * (nor disturb Pango's caches), and labels are ASCII. */
	cairo_save(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 6.0);
	cairo_text_extents_t ext;
	cairo_text_extents(cr, text, &ext);
	cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
	cairo_rectangle(cr, x, y - 5.5, ext.x_advance + 2, 6.5);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, r, g, b);
	cairo_move_to(cr, x + 1, y);
	cairo_show_text(cr, text);
	cairo_restore(cr);
}

/* True when `b` pokes out of `limit` by more than rounding (0.05 pt). */
static bool outside(ws_rect b, ws_rect limit)
{
	if (limit.width <= 0 && limit.height <= 0)
		return false;
	const double eps = 0.05;
	return b.x < limit.x - eps || b.y < limit.y - eps || b.x + b.width > limit.x + limit.width + eps ||
	       b.y + b.height > limit.y + limit.height + eps;
}

static bool is_a4(double w, double h)
{
	return fabs(w - 210 * MM) < 1 && fabs(h - 297 * MM) < 1;
}

static void draw_grid(cairo_t *cr)
{
	double x0 = WS_GBT9704_LEFT_MM * MM, y0 = WS_GBT9704_TOP_MM * MM;
	double w = WS_GBT9704_WIDTH_MM * MM, h = WS_GBT9704_HEIGHT_MM * MM;
	cairo_save(cr);
	cairo_set_line_width(cr, 0.2);
	cairo_set_source_rgba(cr, 0.0, 0.6, 0.3, 0.35);
	for (int c = 0; c <= WS_GBT9704_COLUMNS; c++) {
		double x = x0 + w * c / WS_GBT9704_COLUMNS;
		cairo_move_to(cr, x, y0);
		cairo_line_to(cr, x, y0 + h);
	}
	for (int l = 0; l <= WS_GBT9704_LINES; l++) {
		double y = y0 + h * l / WS_GBT9704_LINES;
		cairo_move_to(cr, x0, y);
		cairo_line_to(cr, x0 + w, y);
	}
	cairo_stroke(cr);
	cairo_restore(cr);
	label(cr, x0, y0 - 1.5, "GB/T 9704 grid 28 x 22", 0.0, 0.5, 0.25);
}

cairo_status_t ws_overlay_draw(const ws_document *doc, size_t page, const ws_layout *layout, cairo_t *cr)
{
	double pw = 0, ph = 0;
	ws_document_page_size(doc, page, &pw, &ph);
	cairo_save(cr);
	cairo_set_dash(cr, NULL, 0, 0);

	if (is_a4(pw, ph))
		draw_grid(cr);

	/* Margins: the content frame, dashed magenta. */
	if (layout) {
		ws_rect f = ws_layout_frame(layout);
		double dash[] = {3, 2};
		cairo_save(cr);
		cairo_set_dash(cr, dash, 2, 0);
		cairo_set_line_width(cr, 1.0);
		cairo_set_source_rgb(cr, 0.8, 0.0, 0.8);
		cairo_rectangle(cr, f.x, f.y, f.width, f.height);
		cairo_stroke(cr);
		cairo_restore(cr);
		label(cr, f.x + 1, f.y + f.height + 6, "margins", 0.8, 0.0, 0.8);
	}

	/* What the typesetter recorded (document.h, ws_record): every text
	 * line's box in blue with its baseline in orange, frames and boxed
	 * elements in green, table rows in grey; anything outside the box it
	 * must stay in, in red with that box dashed. */
	const char *last_file = NULL;
	unsigned last_line = 0;
	for (size_t i = 0; i < ws_document_record_count(doc); i++) {
		const ws_record *r = ws_document_record_at(doc, i);
		if (r->page != page)
			continue;
		bool over = r->kind == WS_RECORD_TEXT && (r->shrunk_out || outside(r->box, r->limit));
		cairo_save(cr);
		cairo_set_line_width(cr, over ? 1.0 : 0.3);
		switch (r->kind) {
		case WS_RECORD_TEXT:
		case WS_RECORD_LINE:
			if (over)
				cairo_set_source_rgb(cr, 0.9, 0.0, 0.0);
			else
				cairo_set_source_rgba(cr, 0.1, 0.3, 0.9, 0.7);
			break;
		case WS_RECORD_ROW:
			cairo_set_source_rgba(cr, 0.4, 0.4, 0.4, 0.6);
			break;
		default:
			cairo_set_source_rgba(cr, 0.0, 0.55, 0.2, 0.8);
			break;
		}
		cairo_rectangle(cr, r->box.x, r->box.y, r->box.width, r->box.height);
		cairo_stroke(cr);
		if (r->kind == WS_RECORD_TEXT && r->baseline > 0) {
			cairo_set_source_rgba(cr, 1.0, 0.5, 0.0, 0.9);
			cairo_move_to(cr, r->box.x, r->baseline);
			cairo_line_to(cr, r->box.x + r->box.width, r->baseline);
			cairo_stroke(cr);
		}
		if (over) {
			double dash[] = {2, 1.5};
			cairo_set_dash(cr, dash, 2, 0);
			cairo_set_source_rgb(cr, 0.9, 0.0, 0.0);
			cairo_rectangle(cr, r->limit.x, r->limit.y, r->limit.width, r->limit.height);
			cairo_stroke(cr);
		}
		cairo_restore(cr);
		/* The element's name and layout line, once per element. */
		if (r->loc.file && r->kind != WS_RECORD_ROW && (r->loc.file != last_file || r->loc.line != last_line)) {
			char *tag = g_strdup_printf("%s :%u%s", r->type ? r->type : "?", r->loc.line, over ? " OVERFLOW" : "");
			if (over)
				label(cr, r->box.x, r->box.y - 0.5, tag, 0.9, 0.0, 0.0);
			else
				label(cr, r->box.x, r->box.y - 0.5, tag, 0.1, 0.3, 0.7);
			g_free(tag);
			last_file = r->loc.file;
			last_line = r->loc.line;
		}
	}
	cairo_restore(cr);
	return cairo_status(cr);
}

bool ws_overlay_find(const ws_document *doc, ws_loc loc, size_t *page, ws_rect *box)
{
	/* The union of the records the element made on the first page it
	 * reached: a finding points at the whole element there. */
	bool found = false;
	for (size_t i = 0; loc.file && i < ws_document_record_count(doc); i++) {
		const ws_record *r = ws_document_record_at(doc, i);
		if (!r->loc.file || r->loc.line != loc.line || strcmp(r->loc.file, loc.file) != 0 ||
		    (loc.column && r->loc.column != loc.column))
			continue;
		if (!found) {
			*page = r->page;
			*box = r->box;
			found = true;
		} else if (r->page == *page) {
			double x1 = fmax(box->x + box->width, r->box.x + r->box.width);
			double y1 = fmax(box->y + box->height, r->box.y + r->box.height);
			box->x = fmin(box->x, r->box.x);
			box->y = fmin(box->y, r->box.y);
			box->width = x1 - box->x;
			box->height = y1 - box->y;
		}
	}
	return found;
}
