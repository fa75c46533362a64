/* Strokes and fills (core/typeset/shape.c): the rects, rules, lines and
 * checkbox squares a layout asks for, as pixels on the rendered page, and
 * the frames the preflight is told about. */
#include <criterion/criterion.h>
#include <cairo.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "engine.h"
#include "support.h"

#define MM (72.0 / 25.4)
#define HEAD "wenshu: 1\nkind: test\npage: {size: [100mm, 100mm], margins: 5mm}\ndefaults: {font: hei, size: 10pt}\n"

static ws_document *doc;
static cairo_surface_t *page;
static const unsigned char *px;
static int stride;
#define SCALE 4.0 /* pixels per pt: a 2 pt stroke is 8 pixels wide */

static void teardown(void)
{
	ws_document_free(doc);
	if (page)
		cairo_surface_destroy(page);
	wst_engine_teardown();
}

TestSuite(shape, .init = wst_engine_setup, .fini = teardown);

/* Renders the elements and draws page 1 on white at SCALE px per pt. */
static void draw(const char *elements)
{
	const char *src = g_strconcat(HEAD "elements:\n", elements, NULL);
	ws_diags *d = ws_diags_new();
	ws_layout *l = NULL;
	int rc = ws_layout_load_buffer(&l, src, strlen(src), "shapes.yaml", NULL, d);
	for (size_t i = 0; i < ws_diags_count(d); i++)
		cr_log_error("%s", ws_diags_at(d, i)->message);
	cr_assert_eq(rc, WS_OK);
	cr_assert_eq(ws_engine_render(wst_engine, l, NULL, &doc, d), WS_OK);
	double w, h;
	ws_document_page_size(doc, 0, &w, &h);
	page = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(w * SCALE), (int)(h * SCALE));
	cairo_t *cr = cairo_create(page);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, SCALE, SCALE);
	ws_document_draw_page(doc, 0, cr);
	cairo_destroy(cr);
	cairo_surface_flush(page);
	px = cairo_image_surface_get_data(page);
	stride = cairo_image_surface_get_stride(page);
	ws_layout_free(l);
	ws_diags_free(d);
	g_free((char *)src);
}

/* The colour at (x, y) mm. */
static uint32_t at(double x_mm, double y_mm)
{
	int x = (int)(x_mm * MM * SCALE), y = (int)(y_mm * MM * SCALE);
	return *(const uint32_t *)(px + (size_t)y * stride + 4 * (size_t)x) & 0xFFFFFF;
}

/* Pixels darker than mid-grey in a rectangle of mm. */
static int ink(double x0, double y0, double x1, double y1)
{
	int n = 0;
	for (int y = (int)(y0 * MM * SCALE); y < (int)(y1 * MM * SCALE); y++)
		for (int x = (int)(x0 * MM * SCALE); x < (int)(x1 * MM * SCALE); x++)
			n += (*(const uint32_t *)(px + (size_t)y * stride + 4 * (size_t)x) & 0xFF) < 128;
	return n;
}

static size_t count_records(ws_record_kind kind, const char *type)
{
	size_t n = 0;
	for (size_t i = 0; i < ws_document_record_count(doc); i++) {
		const ws_record *r = ws_document_record_at(doc, i);
		n += r->kind == kind && g_strcmp0(r->type, type) == 0;
	}
	return n;
}

Test(shape, rect_is_filled_then_stroked)
{
	draw("  - rect: {box: [10mm, 10mm, 30mm, 20mm], fill: '#00ff00', stroke: '#0000ff', stroke_width: 2pt}\n"
	     "  - rect: {box: [50mm, 10mm, 30mm, 20mm], fill: '#ff0000', stroke_width: 0}\n"
	     "  - rect: {box: [10mm, 50mm, 30mm, 20mm]}\n");
	cr_assert_eq(at(25, 20), 0x00ff00u, "the inside is filled");
	cr_assert_eq(at(10, 20), 0x0000ffu, "the left edge is stroked over the fill");
	cr_assert_eq(at(25, 30), 0x0000ffu, "the bottom edge");
	cr_assert_eq(at(25, 10.5), 0x00ff00u, "the stroke is 2 pt (0.7 mm), centred on the edge");
	cr_assert_eq(at(9, 20), 0xffffffu, "nothing outside");
	cr_assert_eq(at(65, 20), 0xff0000u);
	cr_assert_eq(at(50.1, 20), 0xff0000u, "no stroke: the fill goes to the edge");
	cr_assert_eq(at(49.9, 20), 0xffffffu);
	/* by default: a black 0.75 pt stroke and no fill */
	cr_assert_eq(at(10, 60), 0u, "the default stroke");
	cr_assert_eq(at(25, 60), 0xffffffu, "no fill by default");
	/* a visible stroke is a frame for the preflight; a fill alone is not */
	cr_assert_eq(count_records(WS_RECORD_FRAME, "rect"), 2);
}

Test(shape, radius_rounds_the_corners)
{
	draw("  - rect: {box: [10mm, 10mm, 40mm, 40mm], fill: '#ff0000', radius: 10mm}\n");
	cr_assert_eq(at(30, 30), 0xff0000u);
	cr_assert_eq(at(10.5, 10.5), 0xffffffu, "the corner is cut");
	cr_assert_eq(at(49.5, 49.5), 0xffffffu, "every corner");
	cr_assert_eq(at(30, 10.3), 0xff0000u, "the straight part of the edge is filled");
	cr_assert_eq(at(13.5, 13.5), 0xff0000u, "inside the 10 mm arc");
}

Test(shape, lines_go_from_to_and_dash)
{
	draw("  - line: {from: [10mm, 20mm], to: [90mm, 20mm], stroke: black, stroke_width: 2pt}\n"
	     "  - line: {from: [10mm, 60mm], to: [90mm, 60mm], stroke: black, stroke_width: 2pt, dash: [5mm, 5mm]}\n"
	     "  - line: {from: [10mm, 70mm], to: [50mm, 90mm], stroke: black, stroke_width: 1pt}\n");
	cr_assert_eq(at(50, 20), 0u, "on the line");
	cr_assert_eq(at(50, 21), 0xffffffu, "2 pt is 0.7 mm thick: 1 mm below is white");
	cr_assert_eq(at(9.5, 20), 0xffffffu, "butt caps: nothing before the start");
	cr_assert_eq(at(90.5, 20), 0xffffffu, "nor after the end");
	/* dashes of 5 mm on, 5 mm off from the start */
	cr_assert_eq(at(12.5, 60), 0u, "first dash");
	cr_assert_eq(at(17.5, 60), 0xffffffu, "first gap");
	cr_assert_eq(at(22.5, 60), 0u, "second dash");
	int solid = ink(10, 19, 90, 21), dashed = ink(10, 59, 90, 61);
	cr_assert(dashed > solid * 4 / 10 && dashed < solid * 6 / 10, "half the ink: %d of %d", dashed, solid);
	/* the diagonal passes through its midpoint */
	cr_assert_eq(at(30, 80), 0u, "the diagonal's midpoint");
	cr_assert_eq(at(30, 75), 0xffffffu);
}

Test(shape, ticked_box_has_a_tick_the_empty_one_none)
{
	draw("  - checkbox: {checked: '{{ 1 == 1 }}', box_size: 10mm, box: [10mm, 10mm, 10mm, 10mm], stroke_width: 1pt}\n"
	     "  - checkbox: {checked: '{{ 1 == 2 }}', box_size: 10mm, box: [40mm, 10mm, 10mm, 10mm], stroke_width: 1pt}\n");
	/* the squares' frames: ink along the left edge of both */
	cr_assert_gt(ink(9.5, 12, 10.5, 18), 0);
	cr_assert_gt(ink(39.5, 12, 40.5, 18), 0);
	/* inside, well clear of the frame: a tick in the first only */
	int ticked = ink(11, 11, 19, 19), empty = ink(41, 11, 49, 19);
	cr_assert_gt(ticked, 200, "the drawn tick: %d dark pixels", ticked);
	cr_assert_eq(empty, 0, "an unticked square is empty inside");
	/* the tick's corner point (0.42, 0.78) of the square */
	cr_assert_eq(at(10 + 4.2, 10 + 7.8) & 0xFF, 0u);
}
