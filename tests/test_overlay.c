/* The preview's debug overlay (core/output/overlay.c): where an element
 * landed (ws_overlay_find), and what the overlay draws over a page — the
 * GB/T 9704 grid on A4 only, the margins, and overflowing lines in red
 * where lines that fit are not. */
#include <criterion/criterion.h>
#include <cairo.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "document.h"
#include "layout.h"
#include "overlay.h"

#define MM (72.0 / 25.4)
#define SCALE 2.0

static ws_record text_record(size_t page, const char *file, unsigned line, unsigned col, ws_rect box, ws_rect limit)
{
	return (ws_record){.kind = WS_RECORD_TEXT, .page = page, .loc = {file, line, col}, .box = box,
	                   .limit = limit, .text = "甲", .type = "text", .baseline = box.y + box.height * 0.8};
}

Test(overlay, find_gives_the_elements_box_on_its_first_page)
{
	ws_document *doc = ws_document_new(NULL);
	ws_document_add_page(doc, 595, 842);
	ws_document_add_page(doc, 595, 842);
	ws_rect lim = {0, 0, 595, 842};
	ws_record recs[] = {
		text_record(0, "a.yaml", 6, 5, (ws_rect){100, 700, 50, 12}, lim),
		text_record(0, "a.yaml", 9, 5, (ws_rect){10, 10, 5, 5}, lim), /* another element */
		text_record(0, "a.yaml", 6, 5, (ws_rect){80, 714, 200, 12}, lim),
		text_record(1, "a.yaml", 6, 5, (ws_rect){0, 0, 595, 842}, lim), /* its next page: not counted */
		text_record(0, "b.yaml", 6, 5, (ws_rect){0, 0, 595, 842}, lim), /* same line, other file */
	};
	for (size_t i = 0; i < G_N_ELEMENTS(recs); i++)
		ws_document_add_record(doc, &recs[i]);

	size_t page = 99;
	ws_rect box;
	cr_assert(ws_overlay_find(doc, (ws_loc){"a.yaml", 6, 5}, &page, &box));
	cr_assert_eq(page, 0);
	cr_assert(box.x == 80 && box.y == 700 && box.width == 200 && box.height == 26,
	          "the union of its lines on page 1: %g %g %g %g", box.x, box.y, box.width, box.height);
	/* column 0: any element on that line */
	cr_assert(ws_overlay_find(doc, (ws_loc){"a.yaml", 6, 0}, &page, &box));
	cr_assert(ws_overlay_find(doc, (ws_loc){"a.yaml", 9, 5}, &page, &box));
	cr_assert(box.x == 10 && box.width == 5);
	cr_assert(!ws_overlay_find(doc, (ws_loc){"a.yaml", 6, 7}, &page, &box), "another column");
	cr_assert(!ws_overlay_find(doc, (ws_loc){"a.yaml", 7, 5}, &page, &box), "no element there");
	cr_assert(!ws_overlay_find(doc, (ws_loc){"c.yaml", 6, 5}, &page, &box), "another file");
	cr_assert(!ws_overlay_find(doc, WS_LOC_NONE, &page, &box));
	ws_document_free(doc);
}

static cairo_surface_t *img;

/* Draws the overlay of page 0 over white at SCALE px per pt. */
static void draw(const ws_document *doc, const ws_layout *l)
{
	double w, h;
	ws_document_page_size(doc, 0, &w, &h);
	img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(w * SCALE), (int)(h * SCALE));
	cairo_t *cr = cairo_create(img);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, SCALE, SCALE);
	cairo_set_line_width(cr, 7);
	double dash[] = {1, 9};
	cairo_set_dash(cr, dash, 2, 0);
	ws_overlay_draw(doc, 0, l, cr);
	cr_assert_eq(cairo_get_line_width(cr), 7, "the cairo state is left as found");
	cr_assert_eq(cairo_get_dash_count(cr), 2);
	cairo_destroy(cr);
	cairo_surface_flush(img);
}

/* Pixels in a rectangle of pt for which `pred` holds. */
static int count(double x0, double y0, double x1, double y1, bool (*pred)(uint32_t))
{
	const unsigned char *px = cairo_image_surface_get_data(img);
	int stride = cairo_image_surface_get_stride(img), n = 0;
	int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
	for (int y = (int)(y0 * SCALE); y < (int)(y1 * SCALE) && y < h; y++)
		for (int x = (int)(x0 * SCALE); x < (int)(x1 * SCALE) && x < w; x++)
			n += pred(((const uint32_t *)(px + (size_t)y * stride))[x] & 0xFFFFFF);
	return n;
}

static bool red(uint32_t p)
{
	return (p >> 16 & 0xFF) > 180 && (p >> 8 & 0xFF) < 90 && (p & 0xFF) < 90;
}

static bool not_white(uint32_t p)
{
	return p != 0xFFFFFF;
}

static bool greenish(uint32_t p)
{
	return (p >> 8 & 0xFF) > (p >> 16 & 0xFF) + 20 && (p >> 8 & 0xFF) > (p & 0xFF);
}

static bool magenta(uint32_t p)
{
	return (p >> 16 & 0xFF) > 150 && (p >> 8 & 0xFF) < 100 && (p & 0xFF) > 150;
}

static ws_layout *layout(const char *size)
{
	char *src = g_strdup_printf("wenshu: 1\nkind: test\npage: {size: %s, margins: 20mm}\nelements: []\n", size);
	ws_layout *l = NULL;
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_layout_load_buffer(&l, src, strlen(src), "o.yaml", NULL, d), WS_OK);
	ws_diags_free(d);
	g_free(src);
	return l;
}

Test(overlay, a4_grid_margins_and_red_overflow)
{
	ws_layout *l = layout("A4");
	ws_document *doc = ws_document_new(NULL);
	ws_document_add_page(doc, 210 * MM, 297 * MM);
	ws_rect lim = {100, 300, 200, 40};
	ws_record fits = text_record(0, "o.yaml", 5, 5, (ws_rect){100, 300, 150, 14}, lim);
	ws_record over = text_record(0, "o.yaml", 7, 5, (ws_rect){100, 500, 260, 14}, (ws_rect){100, 500, 200, 14});
	ws_record shrunk = text_record(0, "o.yaml", 9, 5, (ws_rect){100, 600, 150, 14}, (ws_rect){100, 600, 200, 14});
	shrunk.shrunk_out = true;
	ws_document_add_record(doc, &fits);
	ws_document_add_record(doc, &over);
	ws_document_add_record(doc, &shrunk);
	draw(doc, l);

	/* the grid: 28 columns over 156 mm from 28 mm; between two column lines, nothing */
	double col = WS_GBT9704_WIDTH_MM / WS_GBT9704_COLUMNS;
	double gx = (WS_GBT9704_LEFT_MM + 3 * col) * MM, gy = 150 * MM;
	cr_assert_gt(count(gx - 1, gy, gx + 1, gy + 20, greenish), 0, "a grid column line");
	cr_assert_eq(count(gx + 2, 90 * MM, gx + col * MM - 2, 96 * MM, not_white), 0,
	             "nothing between grid lines (rows 5 and 6 are at 88.1 and 98.4 mm)");
	cr_assert_eq(count(0, 0, 27 * MM, 19 * MM, not_white), 0, "nothing left of and above the grid and margins");
	/* the margins: dashed magenta along the frame's left edge at 20 mm */
	cr_assert_gt(count(20 * MM - 1, 200, 20 * MM + 1, 400, magenta), 20);
	/* the line that fits: drawn, not red; the others red */
	cr_assert_gt(count(99, 299, 251, 315, not_white), 0);
	cr_assert_eq(count(95, 295, 305, 345, red), 0, "a line inside its box is not red");
	cr_assert_gt(count(95, 495, 365, 520, red), 50, "a line past its box is red");
	cr_assert_gt(count(95, 595, 305, 620, red), 50, "a line shrunk to its minimum and still too big is red");
	cairo_surface_destroy(img);
	ws_document_free(doc);
	ws_layout_free(l);
}

Test(overlay, no_grid_off_a4)
{
	ws_layout *l = layout("A5");
	ws_document *doc = ws_document_new(NULL);
	ws_document_add_page(doc, 148 * MM, 210 * MM);
	draw(doc, l);
	double gx = (WS_GBT9704_LEFT_MM + 3 * WS_GBT9704_WIDTH_MM / WS_GBT9704_COLUMNS) * MM;
	cr_assert_eq(count(gx - 2, 150, gx + 2, 300, greenish), 0, "the GB/T 9704 grid is for A4 only");
	cr_assert_gt(count(20 * MM - 1, 200, 20 * MM + 1, 400, magenta), 20, "margins are drawn on every size");
	cairo_surface_destroy(img);
	/* without a layout: no margins either */
	draw(doc, NULL);
	cr_assert_eq(count(0, 0, 148 * MM, 210 * MM, not_white), 0, "an empty page without a layout: nothing");
	cairo_surface_destroy(img);
	ws_document_free(doc);
	ws_layout_free(l);
}
