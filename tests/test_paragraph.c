/* Paragraphs (core/typeset/paragraph.c): text split at its line ends,
 * wrapped, shrunk or refused in a box, aligned in it, and carried across
 * pages in the flow — read back from where the lines landed. */
#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include "engine.h"
#include "support.h"

#define MM (72.0 / 25.4)

TestSuite(paragraph, .init = wst_engine_setup, .fini = wst_engine_teardown);

static ws_document *render_rc(const char *head, const char *elements, ws_diags *d, int want_rc)
{
	char *src = g_strconcat(head, "elements:\n", elements, NULL);
	ws_layout *l = NULL;
	int rc = ws_layout_load_buffer(&l, src, strlen(src), "para.yaml", NULL, d);
	for (size_t i = 0; i < ws_diags_count(d); i++)
		cr_log_info("%s", ws_diags_at(d, i)->message);
	cr_assert_eq(rc, WS_OK);
	ws_document *doc = NULL;
	int got = ws_engine_render(wst_engine, l, NULL, &doc, d);
	for (size_t i = 0; got != want_rc && i < ws_diags_count(d); i++)
		cr_log_error("%s", ws_diags_at(d, i)->message);
	cr_assert_eq(got, want_rc);
	ws_layout_free(l);
	g_free(src);
	return doc;
}

static ws_document *render(const char *elements, ws_diags *d)
{
	return render_rc(WST_HEAD, elements, d, WS_OK);
}

static const ws_diag *diag_with(const ws_diags *d, const char *rule)
{
	for (size_t i = 0; i < ws_diags_count(d); i++)
		if (g_strcmp0(ws_diags_at(d, i)->rule, rule) == 0)
			return ws_diags_at(d, i);
	return NULL;
}

/* The TEXT records, in placing order. */
static GPtrArray *lines_of(const ws_document *doc)
{
	GPtrArray *a = g_ptr_array_new();
	for (size_t i = 0; i < ws_document_record_count(doc); i++)
		if (ws_document_record_at(doc, i)->kind == WS_RECORD_TEXT)
			g_ptr_array_add(a, (gpointer)ws_document_record_at(doc, i));
	return a;
}

Test(paragraph, every_line_end_starts_a_paragraph)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render("  - text: \"甲\\r\\n乙\\r丙\\n丁\"\n    box: [20mm, 20mm, 60mm, auto]\n", d);
	GPtrArray *l = lines_of(doc);
	cr_assert_eq(l->len, 4, "CR LF, CR and LF each end one paragraph: %u lines", l->len);
	const char *want[] = {"甲", "乙", "丙", "丁"};
	double pitch = 0;
	for (guint i = 0; i < l->len; i++) {
		const ws_record *r = g_ptr_array_index(l, i);
		cr_assert_str_eq(r->text, want[i]);
		if (i) {
			double step = r->baseline - ((const ws_record *)g_ptr_array_index(l, i - 1))->baseline;
			cr_assert_gt(step, 12, "line %u goes down by at least the size", i);
			if (pitch)
				cr_assert_float_eq(step, pitch, 0.01, "one pitch for every line");
			pitch = step;
		}
	}
	g_ptr_array_free(l, TRUE);
	ws_document_free(doc);
	ws_diags_free(d);
}

#define LONG "中华人民共和国外交部向美利坚合众国驻华大使馆致意，并谨通知如下：应邀请经批准赴美国参加学术交流会议。"

Test(paragraph, shrink_sets_the_text_smaller_until_it_fits)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render("  - text: " LONG "\n    box: [20mm, 20mm, 50mm, 12mm]\n    fit: shrink\n    min_size: 5pt\n"
	                          "  - text: " LONG "\n    box: [20mm, 60mm, 50mm, 12mm]\n", d);
	GPtrArray *l = lines_of(doc);
	double bottom_fit = 0, height_fit = 0, bottom_wrap = 0, height_wrap = 0;
	for (guint i = 0; i < l->len; i++) {
		const ws_record *r = g_ptr_array_index(l, i);
		if (r->limit.y < 40 * MM) {
			cr_assert(!r->shrunk_out);
			bottom_fit = MAX(bottom_fit, r->box.y + r->box.height);
			height_fit = r->box.height;
		} else {
			bottom_wrap = MAX(bottom_wrap, r->box.y + r->box.height);
			height_wrap = r->box.height;
		}
	}
	cr_assert_leq(bottom_fit, 32 * MM + 0.01, "the shrunk text stays in its 12 mm box (ends at %.2f mm)",
	              bottom_fit / MM);
	cr_assert_lt(height_fit, height_wrap * 0.9, "it was set smaller (line %.2f pt, at 12 pt %.2f pt)", height_fit,
	             height_wrap);
	cr_assert_gt(bottom_wrap, 72 * MM, "unshrunk, the same text runs past its box (to %.2f mm)", bottom_wrap / MM);
	const ws_diag *o = diag_with(d, "overflow");
	cr_assert_not_null(o, "the wrapped text's overflow is reported");
	cr_assert_eq(o->severity, WS_SEVERITY_WARNING);
	cr_assert_eq(o->loc.line, 10, "at the second text element, not the shrunk one (line %u)", o->loc.line);
	g_ptr_array_free(l, TRUE);
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(paragraph, shrunk_to_min_size_and_still_too_big_is_an_error)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render_rc(WST_HEAD, "  - text: " LONG "\n    box: [20mm, 20mm, 50mm, 12mm]\n    fit: shrink\n    min_size: 11pt\n",
	                             d, WS_EINPUT);
	const ws_diag *o = diag_with(d, "overflow");
	cr_assert_not_null(o);
	cr_assert_eq(o->severity, WS_SEVERITY_ERROR);
	cr_assert(strstr(o->message, "text (shrunk to its minimum size) overflows its box by") &&
	          g_str_has_suffix(o->message, " mm"), "%s", o->message);
	cr_assert(o->loc.line == 6 && o->loc.column == 5, "at the element: %u:%u", o->loc.line, o->loc.column);
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(paragraph, fit_error_refuses_text_that_does_not_fit)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render_rc(WST_HEAD, "  - text: " LONG "\n    box: [20mm, 20mm, 30mm, 8mm]\n    fit: error\n", d,
	                             WS_EINPUT);
	const ws_diag *o = diag_with(d, "overflow");
	cr_assert_not_null(o);
	cr_assert_eq(o->severity, WS_SEVERITY_ERROR);
	cr_assert(o->loc.line == 6 && o->loc.column == 5, "at the element: %u:%u", o->loc.line, o->loc.column);
	ws_document_free(doc);
	ws_diags_free(d);
}

typedef struct align_case {
	const char *style;
	double want_x_mm;    /* the line's left edge, or -1 */
	double want_right;   /* its right edge, or -1 */
	double want_top_mm;  /* its top, or -1 */
	double want_bottom;  /* its bottom, or -1 */
} align_case;

Test(paragraph, align_and_valign_place_the_line_in_its_box)
{
	/* box [20mm, 20mm, 100mm, 40mm]: left 20, right 120, top 20, bottom 60 mm */
	const align_case cases[] = {
		{"align: left", 20, -1, 20, -1},
		{"align: right", -1, 120, -1, -1},
		{"align: center", -1, -1, -1, -1},
		{"valign: bottom", 20, -1, -1, 60},
		{"valign: middle", -1, -1, -1, -1},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		ws_diags *d = ws_diags_new();
		char *el = g_strdup_printf("  - text: 示例文本\n    box: [20mm, 20mm, 100mm, 40mm]\n    %s\n", cases[i].style);
		ws_document *doc = render(el, d);
		GPtrArray *l = lines_of(doc);
		cr_assert_eq(l->len, 1);
		const ws_record *r = g_ptr_array_index(l, 0);
		double x0 = r->box.x / MM, x1 = (r->box.x + r->box.width) / MM;
		double y0 = r->box.y / MM, y1 = (r->box.y + r->box.height) / MM;
		cr_assert_float_eq(r->box.width, 4 * 12, 0.5, "%s: four Hanzi at 12 pt", cases[i].style);
		if (cases[i].want_x_mm >= 0)
			cr_expect_float_eq(x0, cases[i].want_x_mm, 0.05, "%s: left %.2f", cases[i].style, x0);
		if (cases[i].want_right >= 0)
			cr_expect_float_eq(x1, cases[i].want_right, 0.05, "%s: right %.2f", cases[i].style, x1);
		if (cases[i].want_top_mm >= 0)
			cr_expect_float_eq(y0, cases[i].want_top_mm, 0.05, "%s: top %.2f", cases[i].style, y0);
		if (cases[i].want_bottom >= 0)
			cr_expect_float_eq(y1, cases[i].want_bottom, 0.05, "%s: bottom %.2f", cases[i].style, y1);
		if (strstr(cases[i].style, "center"))
			cr_expect_float_eq((x0 + x1) / 2, 70, 0.05, "centred: %.2f..%.2f", x0, x1);
		if (strstr(cases[i].style, "middle"))
			cr_expect_float_eq((y0 + y1) / 2, 40, 0.05, "middle: %.2f..%.2f", y0, y1);
		g_ptr_array_free(l, TRUE);
		ws_document_free(doc);
		ws_diags_free(d);
		g_free(el);
	}
}

/* A long paragraph in the flow of a small page breaks line by line across
 * pages, never leaving or carrying a single line (WS_KEEP_LINES). */
Test(paragraph, flow_text_breaks_across_pages_without_lone_lines)
{
	GString *el = g_string_new("  - text: \"");
	for (int i = 0; i < 9; i++)
		g_string_append(el, LONG);
	g_string_append(el, "\"\n");
	for (double top = 0; top <= 12; top += 3) {
		/* a rule in front moves the paragraph's start down, so some start
		 * lands a line or two from the foot */
		char *head = g_strdup_printf("wenshu: 1\nkind: test\npage: {size: [80mm, 60mm], margins: 5mm}\n"
		                             "defaults: {font: hei, size: 12pt}\n");
		char *elements = g_strdup_printf("  - space: %gmm\n%s", 30 + top, el->str);
		ws_diags *d = ws_diags_new();
		ws_document *doc = render_rc(head, elements, d, WS_OK);
		size_t pages = ws_document_page_count(doc);
		cr_assert_geq(pages, 3, "%zu pages", pages);
		GPtrArray *l = lines_of(doc);
		GString *all = g_string_new(NULL);
		for (size_t p = 0; p < pages; p++) {
			int n = 0;
			for (guint i = 0; i < l->len; i++) {
				const ws_record *r = g_ptr_array_index(l, i);
				if (r->page != p)
					continue;
				n++;
				cr_assert_leq(r->box.y + r->box.height, 55 * MM + 0.01, "page %zu: a line below the frame", p);
				cr_assert(r->flow);
			}
			cr_expect(n == 0 || n >= 2, "space %g mm: page %zu holds a lone line", 30 + top, p);
		}
		for (guint i = 0; i < l->len; i++)
			g_string_append(all, ((const ws_record *)g_ptr_array_index(l, i))->text);
		GString *w = g_string_new(NULL);
		for (int i = 0; i < 9; i++)
			g_string_append(w, LONG);
		cr_assert_str_eq(all->str, w->str, "every character placed once, in order");
		g_string_free(w, TRUE);
		g_string_free(all, TRUE);
		g_ptr_array_free(l, TRUE);
		ws_document_free(doc);
		ws_diags_free(d);
		g_free(head);
		g_free(elements);
	}
	g_string_free(el, TRUE);
}
