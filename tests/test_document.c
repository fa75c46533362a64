/* Documents as display lists (core/typeset/document.c): pages keep their
 * sizes and ops in order, the document owns and frees what it is given,
 * text lines go to the output's painter first, and what was placed is
 * recorded as copies. */
#include <criterion/criterion.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "document.h"
#include "ws-config.h"

/* An op that appends its tag to a log when drawn, and counts its free. */
typedef struct tag_op {
	GString *log;
	char tag;
	int *freed;
} tag_op;

static void tag_draw(cairo_t *cr, void *data)
{
	tag_op *op = data;
	g_string_append_c(op->log, op->tag);
	/* an op that forgets to restore its state: the page draw must contain it */
	cairo_set_line_width(cr, 17);
}

static void tag_free(void *data)
{
	tag_op *op = data;
	(*op->freed)++;
	g_free(op);
}

static void add_tag(ws_document *doc, size_t page, GString *log, char tag, int *freed)
{
	tag_op *op = g_new0(tag_op, 1);
	*op = (tag_op){log, tag, freed};
	ws_document_add_op(doc, page, tag_draw, op, tag_free);
}

Test(document, pages_replay_their_ops_in_order_and_free_them)
{
	ws_document *doc = ws_document_new(NULL);
	cr_assert_eq(ws_document_page_count(doc), 0);
	cr_assert_eq(ws_document_add_page(doc, 595.3, 841.9), 0);
	cr_assert_eq(ws_document_add_page(doc, 841.9, 595.3), 1);
	double w, h;
	ws_document_page_size(doc, 1, &w, &h);
	cr_assert(w == 841.9 && h == 595.3, "landscape page %gx%g", w, h);
	ws_document_page_size(doc, 7, &w, &h);
	cr_assert(w == 0 && h == 0, "a page that does not exist has no size");

	GString *log = g_string_new(NULL);
	int freed = 0;
	add_tag(doc, 0, log, 'a', &freed);
	add_tag(doc, 1, log, 'x', &freed);
	add_tag(doc, 0, log, 'b', &freed);
	add_tag(doc, 0, log, 'c', &freed);
	add_tag(doc, 9, log, 'z', &freed); /* no page 9: freed at once, never drawn */
	cr_assert_eq(freed, 1);

	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10);
	cairo_t *cr = cairo_create(s);
	cairo_set_line_width(cr, 2);
	ws_document_draw_page(doc, 0, cr);
	cr_assert_str_eq(log->str, "abc");
	cr_assert_eq(cairo_get_line_width(cr), 2, "the page draw leaves the cairo state as found");
	ws_document_draw_page(doc, 1, cr);
	ws_document_draw_page(doc, 5, cr); /* nothing to draw, no crash */
	cr_assert_str_eq(log->str, "abcx");
	cairo_destroy(cr);
	cairo_surface_destroy(s);

	ws_document_free(doc);
	cr_assert_eq(freed, 5, "every op's data is freed with the document");
	g_string_free(log, TRUE);
	ws_document_free(NULL);
}

Test(document, runs_records_and_meta_are_copies)
{
	ws_document_meta m = {.title = "签证申请", .author = "外事办"};
	ws_document *doc = ws_document_new(&m);
	const ws_document_meta *got = ws_document_get_meta(doc);
	cr_assert(got->title != m.title, "the title is copied");
	cr_assert_str_eq(got->title, "签证申请");
	cr_assert_str_eq(got->creator, "wenshu " WS_VERSION, "the default creator names the program");
	cr_assert_null(got->subject);
	/* setting the meta from itself is safe */
	ws_document_set_meta(doc, ws_document_get_meta(doc));
	cr_assert_str_eq(ws_document_get_meta(doc)->author, "外事办");
	ws_document_meta m2 = {.title = "照会", .creator = "office tool"};
	ws_document_set_meta(doc, &m2);
	cr_assert_str_eq(ws_document_get_meta(doc)->creator, "office tool");
	cr_assert_null(ws_document_get_meta(doc)->author, "set_meta replaces, it does not merge");

	ws_document_add_page(doc, 100, 100);
	char buf[32] = "ILIK-UERBAN";
	ws_document_add_text_run(doc, 0, (ws_rect){10, 20, 30, 12}, buf);
	ws_document_add_text_run(doc, 0, (ws_rect){0, 0, 0, 0}, NULL);
	char file[] = "layouts/note.yaml";
	ws_record r = {.kind = WS_RECORD_TEXT, .page = 0, .loc = {file, 12, 7}, .box = {1, 2, 3, 4},
	               .limit = {0, 0, 50, 50}, .text = buf, .source = "{{ group.name }}", .type = "text",
	               .baseline = 9.5};
	ws_document_add_record(doc, &r);
	strcpy(buf, "changed");
	strcpy(file, "elsewhere");

	cr_assert_eq(ws_document_text_run_count(doc), 2);
	const ws_text_run *run = ws_document_text_run_at(doc, 0);
	cr_assert_str_eq(run->text, "ILIK-UERBAN");
	cr_assert(run->box.x == 10 && run->box.y == 20 && run->box.width == 30 && run->box.height == 12);
	cr_assert_str_eq(ws_document_text_run_at(doc, 1)->text, "", "a NULL text is recorded empty");
	cr_assert_eq(ws_document_record_count(doc), 1);
	const ws_record *c = ws_document_record_at(doc, 0);
	cr_assert_str_eq(c->text, "ILIK-UERBAN");
	cr_assert_str_eq(c->loc.file, "layouts/note.yaml");
	cr_assert_eq(c->loc.file, g_intern_string("layouts/note.yaml"), "the file name is interned");
	cr_assert(c->loc.line == 12 && c->loc.column == 7 && c->baseline == 9.5 && c->kind == WS_RECORD_TEXT);
	cr_assert_str_eq(c->source, "{{ group.name }}");
	cr_assert_str_eq(c->type, "text");
	cr_assert_null(ws_document_record_at(doc, 1));
	ws_document_free(doc);
}

/* A painter that takes the first line it is offered and leaves the rest
 * to Pango, noting where each line was to go. */
typedef struct painter_log {
	GArray *xy; /* of double pairs */
	int taken;
} painter_log;

static bool take_first(void *self, cairo_t *cr, PangoLayoutLine *line, double x, double y)
{
	painter_log *p = self;
	double pt[2] = {x, y};
	g_array_append_vals(p->xy, pt, 2);
	if (p->taken)
		return false;
	p->taken++;
	return true;
}

/* Dark pixels in rows [y0, y1) of an image. */
static int ink(cairo_surface_t *s, int y0, int y1)
{
	cairo_surface_flush(s);
	const unsigned char *px = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s), w = cairo_image_surface_get_width(s), n = 0;
	for (int y = y0; y < y1; y++)
		for (int x = 0; x < w; x++)
			n += (((const guint32 *)(px + (size_t)y * stride))[x] & 0xFF) < 128;
	return n;
}

Test(document, text_lines_go_to_the_painter_first)
{
	PangoFontMap *fm = pango_cairo_font_map_new();
	PangoContext *ctx = pango_font_map_create_context(fm);
	PangoLayout *lay = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_from_string("Sans 20");
	pango_layout_set_font_description(lay, fd);
	pango_layout_set_text(lay, "First\nSecond", -1);
	cr_assert_eq(pango_layout_get_line_count(lay), 2);

	ws_document *doc = ws_document_new(NULL);
	ws_document_add_page(doc, 200, 200);
	int lines[] = {0, 1};
	double x[] = {10, 10}, y[] = {40, 140};
	ws_document_add_text(doc, 0, lay, 2, lines, x, y, (ws_color){0, 0, 0, 1});
	ws_document_add_text(doc, 3, lay, 2, lines, x, y, (ws_color){0, 0, 0, 1}); /* no page 3 */
	ws_document_add_text(doc, 0, lay, 0, lines, x, y, (ws_color){0, 0, 0, 1}); /* no lines */
	x[0] = 99; /* the arrays were copied */
	cr_assert_eq(ws_document_text_count(doc), 1);
	cr_assert_eq(ws_document_text_layout(doc, 0), lay);
	cr_assert_null(ws_document_text_layout(doc, 1));
	g_object_unref(lay); /* the document holds its own reference */

	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 200, 200);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	painter_log p = {g_array_new(FALSE, FALSE, sizeof(double)), 0};
	ws_text_painter painter = {take_first, &p};
	ws_document_draw_page_with(doc, 0, cr, &painter);
	cr_assert_eq(p.xy->len, 4, "both lines were offered");
	double *xy = (double *)p.xy->data;
	cr_assert(xy[0] == 10 && xy[1] == 40 && xy[2] == 10 && xy[3] == 140, "at (%g,%g) and (%g,%g)", xy[0],
	          xy[1], xy[2], xy[3]);
	/* the painter took line 1 and drew nothing; Pango drew line 2 */
	cr_assert_eq(ink(s, 0, 100), 0, "the line the painter took was not drawn again");
	cr_assert_gt(ink(s, 100, 200), 20, "the line the painter refused was drawn by Pango");

	/* without a painter, Pango draws both */
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	ws_document_draw_page(doc, 0, cr);
	cr_assert_gt(ink(s, 0, 100), 20);
	cr_assert_gt(ink(s, 100, 200), 20);

	g_array_free(p.xy, TRUE);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	ws_document_free(doc);
	pango_font_description_free(fd);
	g_object_unref(ctx);
	g_object_unref(fm);
}
