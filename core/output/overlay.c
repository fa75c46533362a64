/* Debug overlay (overlay.h). */
#include "overlay.h"

#include <math.h>
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

void ws_overlay_draw(const ws_document *doc, size_t page, const ws_layout *layout, cairo_t *cr)
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

	/* Every line of text: its box in blue, its baseline in orange. */
	cairo_set_line_width(cr, 0.3);
	for (size_t i = 0; i < ws_document_text_run_count(doc); i++) {
		const ws_text_run *r = ws_document_text_run_at(doc, i);
		if (r->page != page)
			continue;
		cairo_set_source_rgba(cr, 0.1, 0.3, 0.9, 0.7);
		cairo_rectangle(cr, r->box.x, r->box.y, r->box.width, r->box.height);
		cairo_stroke(cr);
	}
	cairo_restore(cr);
}

bool ws_overlay_find(const ws_document *doc, ws_loc loc, size_t *page, ws_rect *box)
{
	/* Element records (document.h) are what tie a layout position to a
	 * place on the page; until the typesetter records them nothing can be
	 * pointed at. */
	(void)doc;
	(void)loc;
	(void)page;
	(void)box;
	return false;
}
