/* Typesetting: positions, wrapping, fit, page flow, tables, diagnostics. */
#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include <cairo.h>
#include <stdint.h>

#include "engine.h"
#include "support.h"

#define MM (72.0 / 25.4)

TestSuite(typeset, .init = wst_engine_setup, .fini = wst_engine_teardown);

/* Renders `layout` (no kind plugin: pure typesetting) with `group`. */
static ws_document *render(const char *layout_src, ws_value *group, ws_diags *d, int expect_rc)
{
	ws_layout *l = NULL;
	int rc = ws_layout_load_buffer(&l, layout_src, strlen(layout_src), "t.yaml", NULL, d);
	wst_log_diags(d);
	cr_assert_eq(rc, WS_OK, "layout loads");
	ws_document *doc = NULL;
	rc = ws_engine_render(wst_engine, l, group, &doc, d);
	wst_log_diags(d);
	cr_assert_eq(rc, expect_rc);
	ws_layout_free(l);
	return doc;
}

static const ws_text_run *find_run(const ws_document *doc, const char *needle)
{
	for (size_t i = 0; i < ws_document_text_run_count(doc); i++) {
		const ws_text_run *r = ws_document_text_run_at(doc, i);
		if (strstr(r->text, needle))
			return r;
	}
	return NULL;
}

Test(typeset, boxed_text_sits_at_its_box)
{
	ws_diags *d = ws_diags_new();
	ws_value *g = wst_group_from("group: {id: AA00TEST01}\n");
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                "  - text: \"DS-160：{{ group.id }}\"\n"
	                                "    box: [30mm, 50mm, 100mm, 10mm]\n",
	                          g, d, WS_OK);
	const ws_text_run *r = find_run(doc, "AA00TEST01");
	cr_assert_not_null(r);
	cr_assert_str_eq(r->text, "DS-160：AA00TEST01");
	cr_assert_float_eq(r->box.x, 30 * MM, 0.5, "x %f", r->box.x);
	cr_assert(r->box.y >= 50 * MM - 0.01 && r->box.y < 52 * MM, "top at the box: %f", r->box.y);
	cr_assert_eq(r->page, 0);
	cr_assert_eq(ws_document_page_count(doc), 1);
	ws_document_free(doc);
	ws_value_unref(g);
	ws_diags_free(d);
}

Test(typeset, text_wraps_within_its_width)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                "  - text: 中华人民共和国外交部向美利坚合众国驻华大使馆致意，并谨通知如下：应邀请经批准赴美国参加学术交流会议。\n"
	                                "    box: [20mm, 20mm, 60mm, auto]\n",
	                          NULL, d, WS_OK);
	size_t n = ws_document_text_run_count(doc);
	cr_assert_geq(n, 3, "60 mm at 12 pt holds 14 hanzi a line: %zu lines", n);
	double prev_y = -1;
	for (size_t i = 0; i < n; i++) {
		const ws_text_run *r = ws_document_text_run_at(doc, i);
		cr_assert_leq(r->box.x + r->box.width, 80 * MM + 0.5, "line %zu within the box", i);
		cr_assert_gt(r->box.y, prev_y, "lines go down");
		prev_y = r->box.y;
		/* L1: no line starts with a closing mark */
		cr_assert(!g_str_has_prefix(r->text, "，") && !g_str_has_prefix(r->text, "。") &&
		          !g_str_has_prefix(r->text, "："), "line %zu starts with punctuation: %s", i, r->text);
	}
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(typeset, shrink_fits_a_long_value_into_one_line)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                "  - text: 某某省人民政府外事办公室示例研究院国际合作交流处\n"
	                                "    box: [20mm, 20mm, 60mm, 6mm]\n"
	                                "    fit: shrink\n"
	                                "    min_size: 5pt\n",
	                          NULL, d, WS_OK);
	cr_assert_eq(ws_document_text_run_count(doc), 1, "one line after shrinking");
	const ws_text_run *r = ws_document_text_run_at(doc, 0);
	cr_assert_leq(r->box.width, 60 * MM + 0.5);
	cr_assert_leq(r->box.height, 6 * MM + 0.5);
	cr_assert_eq(ws_diags_count_severity(d, WS_SEVERITY_WARNING), 0, "no overflow left");
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(typeset, overflow_is_reported_with_the_layout_line)
{
	ws_diags *d = ws_diags_new();
	ws_value *g = wst_group_from("group: {long: 一二三四五六七八九十一二三四五六七八九十}\n");
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                "  - text: 甲\n"
	                                "    box: [20mm, 8mm, 50mm, 10mm]\n"
	                                "  - text: \"{{ group.long }}\"\n"
	                                "    box: [20mm, 20mm, 20mm, 5mm]\n",
	                          g, d, WS_OK);
	const ws_diag *w = ws_diags_find_rule(d, "overflow");
	cr_assert_not_null(w);
	cr_assert_eq(w->severity, WS_SEVERITY_WARNING);
	cr_assert_eq(w->loc.line, 8, "names the layout line of the element");
	cr_assert_str_eq(w->path, "{{ group.long }}");
	ws_value_unref(g);
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(typeset, fit_error_refuses_the_document)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                "  - text: 一二三四五六七八九十一二三四五六七八九十\n"
	                                "    box: [20mm, 20mm, 20mm, 5mm]\n"
	                                "    fit: error\n",
	                          NULL, d, WS_EINPUT);
	cr_assert_null(doc);
	const ws_diag *e = ws_diags_find_rule(d, "overflow");
	cr_assert_not_null(e);
	cr_assert_eq(e->severity, WS_SEVERITY_ERROR);
	cr_assert_eq(e->loc.line, 6);
	ws_diags_free(d);
}

Test(typeset, a_character_no_font_has_is_an_error)
{
	ws_diags *d = ws_diags_new();
	/* U+10FFFD is a private-use code point no installed font covers. */
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                "  - text: \"姓名：\\U0010FFFD\"\n"
	                                "    box: [20mm, 20mm, 60mm, 10mm]\n",
	                          NULL, d, WS_EINPUT);
	cr_assert_null(doc);
	bool found = false;
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		const ws_diag *e = ws_diags_at(d, i);
		if (e->severity == WS_SEVERITY_ERROR && strstr(e->message, "10FFFD")) {
			found = true;
			cr_assert_eq(e->loc.line, 6);
		}
	}
	cr_assert(found, "the missing glyph is named");
	ws_diags_free(d);
}

Test(typeset, flow_text_continues_on_new_pages)
{
	GString *para = g_string_new(NULL);
	for (int i = 0; i < 60; i++)
		g_string_append(para, "第一段测试文字，用于检查分页。");
	char *layout = g_strdup_printf(WST_HEAD "elements:\n  - text: \"%s\\n%s\\n%s\"\n    indent: 2em\n"
	                                        "every_page:\n  - text: \"{{ page.number }}/{{ page.count }}\"\n"
	                                        "    box: [100mm, 285mm, 20mm, 6mm]\n",
	                               para->str, para->str, para->str);
	ws_diags *d = ws_diags_new();
	ws_document *doc = render(layout, NULL, d, WS_OK);
	size_t pages = ws_document_page_count(doc);
	cr_assert_geq(pages, 2, "long text needs more pages: %zu", pages);
	char *last = g_strdup_printf("%zu/%zu", pages, pages);
	const ws_text_run *r = find_run(doc, last);
	cr_assert_not_null(r, "page number %s", last);
	cr_assert_eq(r->page, pages - 1);
	/* every flowed line is inside the frame of its page */
	for (size_t i = 0; i < ws_document_text_run_count(doc); i++) {
		const ws_text_run *t = ws_document_text_run_at(doc, i);
		if (strchr(t->text, '/'))
			continue;
		cr_assert_geq(t->box.y, 20 * MM - 0.01);
		cr_assert_leq(t->box.y + t->box.height, 277 * MM + 0.5, "line %zu inside the frame", i);
	}
	g_free(last);
	g_free(layout);
	g_string_free(para, TRUE);
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(typeset, table_rows_repeat_and_header_repeats_on_new_pages)
{
	GString *data = g_string_new("group:\n  applicants:\n");
	for (int i = 0; i < 45; i++)
		g_string_append_printf(data, "    - {name: 申请人%02d, passport_no: PE00000%02d}\n", i, i);
	ws_value *g = wst_group_from(data->str);
	ws_diags *d = ws_diags_new();
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                "  - table:\n"
	                                "      columns: [15mm, 1fr, 50mm]\n"
	                                "      header: [序号, 姓名, 护照号码]\n"
	                                "      each: group.applicants\n"
	                                "      rows: [[\"{{ loop.number }}\", \"{{ it.name }}\", \"{{ it.passport_no }}\"]]\n"
	                                "      min_row_height: 8mm\n",
	                          g, d, WS_OK);
	size_t pages = ws_document_page_count(doc);
	cr_assert_geq(pages, 2, "45 rows of 8 mm need two pages");
	size_t headers_per_page[8] = {0};
	for (size_t i = 0; i < ws_document_text_run_count(doc); i++) {
		const ws_text_run *r = ws_document_text_run_at(doc, i);
		if (strcmp(r->text, "护照号码") == 0 && r->page < 8)
			headers_per_page[r->page]++;
	}
	for (size_t p = 0; p < pages; p++)
		cr_assert_eq(headers_per_page[p], 1, "page %zu has the header once", p + 1);
	const ws_text_run *last = find_run(doc, "PE0000044");
	cr_assert_not_null(last);
	cr_assert_eq(last->page, pages - 1);
	const ws_text_run *first = find_run(doc, "申请人00");
	cr_assert_eq(first->page, 0);
	ws_document_free(doc);
	ws_value_unref(g);
	g_string_free(data, TRUE);
	ws_diags_free(d);
}

/* A footer (合计) is no row of the list: the page that carries it over
 * holds two rows of the list at least, never one stray row above the
 * total.  Every count of rows from one page to two, so that one of them
 * leaves the last row alone with the footer unless the break moves up. */
Test(typeset, a_table_footer_never_goes_over_with_one_row_alone)
{
	/* alone, and with a closing that must not stand alone either (its
	 * keep_with_previous takes the last rows of the list along) */
	static const char *const after[] = {"", "  - text: 派出单位（盖章）\n    keep_with_previous: true\n"};
	for (int a = 0; a < 2; a++) {
		char *layout = g_strdup_printf(WST_HEAD "elements:\n"
		                                        "  - table:\n"
		                                        "      columns: [15mm, 1fr]\n"
		                                        "      header: [序号, 姓名]\n"
		                                        "      each: group.applicants\n"
		                                        "      rows: [[\"{{ loop.number }}\", \"{{ it.name }}\"]]\n"
		                                        "      footer: [[{text: \"合计 {{ group.applicants | length }} 人\", colspan: 2}]]\n"
		                                        "      min_row_height: 8mm\n"
		                                        "%s",
		                               after[a]);
		for (int n = 24; n <= 36; n++) {
			GString *data = g_string_new("group:\n  applicants:\n");
			for (int i = 0; i < n; i++)
				g_string_append_printf(data, "    - {name: 申请人%02d}\n", i + 1);
			ws_value *g = wst_group_from(data->str);
			ws_diags *d = ws_diags_new();
			ws_document *doc = render(layout, g, d, WS_OK);
			const ws_text_run *total = find_run(doc, "合计");
			cr_assert_not_null(total);
			size_t rows_with_total = 0, rows_before = 0;
			for (size_t i = 0; i < ws_document_text_run_count(doc); i++) {
				const ws_text_run *r = ws_document_text_run_at(doc, i);
				if (strstr(r->text, "申请人"))
					r->page == total->page ? rows_with_total++ : rows_before++;
			}
			cr_assert(rows_with_total >= 2 || (total->page == 0 && rows_with_total == (size_t)n),
			          "%d rows%s: the total's page %zu holds %zu row(s) of the list", n,
			          a ? " and a closing" : "", total->page + 1, rows_with_total);
			cr_assert_eq(rows_with_total + rows_before, (size_t)n, "every row is drawn once");
			ws_document_free(doc);
			ws_value_unref(g);
			g_string_free(data, TRUE);
			ws_diags_free(d);
		}
		g_free(layout);
	}
}

/* Fixed columns wider than the frame: one error at the table that says
 * by how much, not an error for every character of the crushed 1fr
 * column ("text outside its box by 1.7 mm: 工", "作", "单" …). */
Test(typeset, fixed_columns_wider_than_the_table_are_one_error_at_the_table)
{
	ws_diags *d = ws_diags_new();
	ws_value *g = wst_group_from("group: {id: x}\n");
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                "  - table:\n"
	                                "      columns: [100mm, 80mm, 1fr]\n"
	                                "      rows: [[甲, 乙, 工作单位]]\n",
	                          g, d, WS_EINPUT);
	cr_assert_null(doc);
	cr_assert_eq(ws_diags_count_severity(d, WS_SEVERITY_ERROR), 1);
	const ws_diag *e = ws_diags_at(d, 0);
	for (size_t i = 0; e->severity != WS_SEVERITY_ERROR; i++)
		e = ws_diags_at(d, i);
	cr_assert_eq(e->loc.line, 6);
	cr_assert_eq(e->loc.column, 5);
	cr_assert_str_eq(e->message,
	                 "the table's fixed columns take 180.0 mm but it is 170.0 mm wide: make them 10.0 mm narrower");
	ws_value_unref(g);
	ws_diags_free(d);
}

/* columns: [20mm, 1fr, 2fr] on A4 with 20 mm margins: the fractions share
 * what the fixed column leaves (170 mm - 20 mm = 150 mm) one to two.  A
 * left-aligned cell's text starts at its column's left plus the default
 * padding (1.5 mm). */
Test(typeset, table_columns_fixed_and_fractions)
{
	ws_value *g = wst_group_from("group: {id: x}\n");
	ws_diags *d = ws_diags_new();
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                "  - table:\n"
	                                "      columns: [20mm, 1fr, 2fr]\n"
	                                "      rows: [[甲, 乙, 丙]]\n",
	                          g, d, WS_OK);
	const ws_text_run *a = find_run(doc, "甲"), *b = find_run(doc, "乙"), *c = find_run(doc, "丙");
	cr_assert(a && b && c);
	double pad = 1.5 * MM;
	cr_assert_float_eq(a->box.x, 20 * MM + pad, 0.01);
	cr_assert_float_eq(b->box.x, 40 * MM + pad, 0.01);
	cr_assert_float_eq(c->box.x, 90 * MM + pad, 0.01);
	ws_document_free(doc);
	ws_value_unref(g);
	ws_diags_free(d);
}

Test(typeset, when_and_each_choose_what_is_drawn)
{
	ws_value *g = wst_group_from("group: {route: delegated, items: [甲, 乙, 丙]}\n");
	ws_diags *d = ws_diags_new();
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                "  - text: 自行预约\n"
	                                "    when: \"{{ group.route == 'self' }}\"\n"
	                                "  - text: 委托预约\n"
	                                "    when: \"{{ group.route == 'delegated' }}\"\n"
	                                "  - each: group.items\n"
	                                "    as: x\n"
	                                "    elements:\n"
	                                "      - text: \"{{ loop.number }}.{{ x }}{{ '' if loop.last else '，' }}\"\n",
	                          g, d, WS_OK);
	cr_assert_null(find_run(doc, "自行预约"));
	cr_assert_not_null(find_run(doc, "委托预约"));
	cr_assert_not_null(find_run(doc, "1.甲，"));
	cr_assert_not_null(find_run(doc, "2.乙，"));
	const ws_text_run *r = find_run(doc, "3.丙");
	cr_assert_not_null(r);
	cr_assert_str_eq(r->text, "3.丙");
	ws_document_free(doc);
	ws_value_unref(g);
	ws_diags_free(d);
}

Test(typeset, each_over_a_non_list_is_an_error)
{
	ws_value *g = wst_group_from("group: {items: 3}\n");
	ws_diags *d = ws_diags_new();
	ws_document *doc = render(WST_HEAD "elements:\n  - each: group.items\n    elements: [{text: x}]\n", g, d, WS_EINPUT);
	cr_assert_null(doc);
	const ws_diag *e = ws_diags_at(d, ws_diags_count(d) - 1);
	cr_assert_eq(e->loc.line, 6, "points at the layout's each");
	cr_assert_eq(e->loc.column, 11);
	ws_value_unref(g);
	ws_diags_free(d);
}

Test(typeset, every_page_elements_need_a_box)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render(WST_HEAD "elements: [{text: a}]\nevery_page:\n  - text: x\n", NULL, d, WS_EINPUT);
	cr_assert_null(doc);
	cr_assert_eq(ws_diags_at(d, 0)->loc.line, 7);
	ws_diags_free(d);
}

/* Images: PNG through Cairo and SVG through librsvg, drawn whole in their box. */
Test(typeset, png_and_svg_images_are_drawn_in_their_boxes)
{
	char *dir = g_dir_make_tmp("wenshu-img-XXXXXX", NULL);
	char *png = g_build_filename(dir, "red.png", NULL);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 40, 20);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 0, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
	cr_assert_eq(cairo_surface_write_to_png(s, png), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	char *svg = g_build_filename(dir, "blue.svg", NULL);
	cr_assert(g_file_set_contents(svg,
	                              "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
	                              "<rect width='10' height='10' fill='#0000ff'/></svg>",
	                              -1, NULL));
	char *layout_path = g_build_filename(dir, "img.yaml", NULL);
	cr_assert(g_file_set_contents(layout_path,
	                              WST_HEAD "elements:\n"
	                                       "  - image: {src: red.png, box: [10mm, 10mm, 40mm, 40mm]}\n"
	                                       "  - image: {src: blue.svg, box: [60mm, 10mm, 20mm, 20mm]}\n",
	                              -1, NULL));
	ws_diags *d = ws_diags_new();
	ws_layout *l = NULL;
	cr_assert_eq(ws_layout_load_file(&l, layout_path, NULL, d), WS_OK);
	ws_document *doc = NULL;
	cr_assert_eq(ws_engine_render(wst_engine, l, NULL, &doc, d), WS_OK);
	/* Draw at 1 px per pt and sample the pixels. */
	double w, h;
	ws_document_page_size(doc, 0, &w, &h);
	cairo_surface_t *page = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
	cr = cairo_create(page);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	ws_document_draw_page(doc, 0, cr);
	cairo_destroy(cr);
	cairo_surface_flush(page);
	unsigned char *px = cairo_image_surface_get_data(page);
	int stride = cairo_image_surface_get_stride(page);
#define PIXEL(x, y) (*(uint32_t *)(px + (int)(y) * stride + 4 * (int)(x)) & 0xffffff)
	/* the 2:1 PNG is contained in the 40 mm square: centred vertically */
	cr_assert_eq(PIXEL(30 * MM, 30 * MM), 0xff0000u, "red in the middle of its box");
	cr_assert_eq(PIXEL(30 * MM, 12 * MM), 0xffffffu, "aspect kept: nothing at the top of the box");
	cr_assert_eq(PIXEL(70 * MM, 20 * MM), 0x0000ffu, "the SVG square fills its box");
	cr_assert_eq(PIXEL(85 * MM, 20 * MM), 0xffffffu, "nothing outside");
#undef PIXEL
	cairo_surface_destroy(page);
	ws_document_free(doc);
	ws_layout_free(l);
	ws_diags_free(d);
	g_free(layout_path);
	g_free(svg);
	g_free(png);
	g_free(dir);
}

Test(typeset, keep_with_next_moves_a_heading_to_the_next_page)
{
	const char *tmpl = WST_HEAD "elements:\n"
	                            "  - text: 开头\n"
	                            "  - space: 242mm\n"
	                            "  - text: 第二部分标题\n"
	                            "    keep_with_next: %s\n"
	                            "  - text: 第二部分正文\n";
	for (int keep = 0; keep < 2; keep++) {
		char *src = g_strdup_printf(tmpl, keep ? "true" : "false");
		ws_diags *d = ws_diags_new();
		ws_document *doc = render(src, NULL, d, WS_OK);
		const ws_text_run *h = find_run(doc, "第二部分标题"), *b = find_run(doc, "第二部分正文");
		cr_assert_eq(b->page, 1, "the body does not fit on page 1");
		cr_assert_eq(h->page, keep ? 1u : 0u, "keep_with_next=%d", keep);
		ws_document_free(doc);
		ws_diags_free(d);
		g_free(src);
	}
}

Test(typeset, keep_together_moves_a_closing_and_its_date_as_one)
{
	const char *tmpl = WST_HEAD "elements:\n"
	                            "  - text: 正文\n"
	                            "  - space: 236mm\n"
	                            "  - keep_together: %s\n"
	                            "    elements:\n"
	                            "      - text: 顺致崇高的敬意。\n"
	                            "      - space: 10mm\n"
	                            "      - text: 二〇二五年三月五日于北京\n";
	for (int keep = 0; keep < 2; keep++) {
		char *src = g_strdup_printf(tmpl, keep ? "true" : "false");
		ws_diags *d = ws_diags_new();
		ws_document *doc = render(src, NULL, d, WS_OK);
		const ws_text_run *c = find_run(doc, "顺致崇高的敬意。"), *date = find_run(doc, "于北京");
		cr_assert_eq(date->page, 1, "the date does not fit on page 1");
		cr_assert_eq(c->page, keep ? 1u : 0u, "keep_together=%d", keep);
		ws_document_free(doc);
		ws_diags_free(d);
		g_free(src);
	}
}
