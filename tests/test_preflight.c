/* Preflight of the typeset page (core/preflight.c) and the pagination it
 * guards (core/typeset.c, issue 11).
 *
 * Deliberately broken layouts each produce their finding, naming the
 * layout element (line:col), the group and the page; then every shipped
 * kind and both routes' packets, over the groups of tools/gen-groups
 * (1, 2, 3, 4, 8, 30 applicants × short/long names and work units × self/
 * delegated), produce none. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glib.h>
#include <string.h>

#include "engine.h"
#include "support.h"

TestSuite(preflight, .init = wst_engine_setup, .fini = wst_engine_teardown);

#define GROUP "group: {group_id: G-PF-1, name: ABUDUREYIMU AIKEBAIER ILIK UERBAN}\n"

static ws_document *render(const char *layout_src, ws_diags *d, int *rc)
{
	ws_value *g = wst_group_from(GROUP);
	ws_layout *l = NULL;
	cr_assert_eq(ws_layout_load_buffer(&l, layout_src, strlen(layout_src), "t.yaml", NULL, d), WS_OK);
	ws_document *doc = NULL;
	*rc = ws_engine_render(wst_engine, l, g, &doc, d);
	wst_log_diags(d);
	ws_layout_free(l);
	ws_value_unref(g);
	return doc;
}

/* The first diagnostic whose message holds `needle`, or NULL. */
static const ws_diag *find(const ws_diags *d, const char *needle)
{
	for (size_t i = 0; i < ws_diags_count(d); i++)
		if (strstr(ws_diags_at(d, i)->message, needle))
			return ws_diags_at(d, i);
	return NULL;
}

static void expect(const char *layout_src, const char *needle, ws_severity sev, unsigned line, unsigned col,
                   const char *page)
{
	ws_diags *d = ws_diags_new();
	int rc = 0;
	ws_document *doc = render(layout_src, d, &rc);
	const ws_diag *f = find(d, needle);
	cr_assert_not_null(f, "a finding \"%s\"", needle);
	cr_assert_eq(f->severity, sev);
	cr_assert_eq(f->loc.line, line, "line %u, want %u", f->loc.line, line);
	cr_assert_eq(f->loc.column, col, "column %u, want %u", f->loc.column, col);
	if (page) {
		cr_assert(strstr(f->message, "group G-PF-1"), "names the group: %s", f->message);
		cr_assert(strstr(f->message, page), "names the page: %s", f->message);
	}
	/* render refuses on errors and goes on with warnings */
	cr_assert_eq(rc, sev == WS_SEVERITY_ERROR ? WS_EINPUT : WS_OK);
	cr_assert(sev == WS_SEVERITY_ERROR ? doc == NULL : doc != NULL);
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(preflight, name_wider_than_its_cell_is_outside_its_box_never_hyphenated)
{
	expect(WST_HEAD "elements:\n"
	                "  - table:\n"
	                "      columns: [20mm, 1fr]\n"
	                "      rows: [[\"{{ group.name }}\", x]]\n",
	       "text outside its box", WS_SEVERITY_ERROR, 8, 15, "page 1");
}

Test(preflight, text_outside_the_printable_area)
{
	expect(WST_HEAD "elements:\n"
	                "  - text: 页边\n"
	                "    box: [1mm, 100mm, 30mm, 10mm]\n",
	       "outside the printable area", WS_SEVERITY_ERROR, 6, 5, "page 1");
}

Test(preflight, text_over_text)
{
	expect(WST_HEAD "elements:\n"
	                "  - text: 第一段文字\n"
	                "    box: [30mm, 50mm, 60mm, 10mm]\n"
	                "  - text: 第二段文字\n"
	                "    box: [40mm, 51mm, 60mm, 10mm]\n",
	       "overlaps other text", WS_SEVERITY_ERROR, 6, 5, "page 1");
}

Test(preflight, frame_crossing_text)
{
	expect(WST_HEAD "elements:\n"
	                "  - rect: {box: [30mm, 40mm, 50mm, 20mm]}\n"
	                "  - text: 团组名称很长很长很长很长很长\n"
	                "    box: [60mm, 45mm, 60mm, 10mm]\n",
	       "overlaps a frame (t.yaml:6:5)", WS_SEVERITY_ERROR, 7, 5, "page 1");
}

Test(preflight, boxed_element_over_text)
{
	expect(WST_HEAD "elements:\n"
	                "  - text: 已附材料\n"
	                "    box: [30mm, 40mm, 50mm, 10mm]\n"
	                "  - checkbox: {box: [31mm, 40mm, 20mm, 8mm], box_size: 6mm}\n",
	       "overlaps a boxed element", WS_SEVERITY_ERROR, 6, 5, "page 1");
}

Test(preflight, shrunk_to_its_minimum_and_still_too_big)
{
	expect(WST_HEAD "elements:\n"
	                "  - text: \"{{ group.name }} {{ group.name }} {{ group.name }}\"\n"
	                "    box: [30mm, 40mm, 30mm, 6mm]\n"
	                "    fit: shrink\n"
	                "    min_size: 10pt\n",
	       "shrunk to its minimum size", WS_SEVERITY_ERROR, 6, 5, NULL);
}

Test(preflight, row_taller_than_the_page_is_split)
{
	GString *tall = g_string_new("");
	for (int i = 0; i < 60; i++)
		g_string_append(tall, "一行\\n");
	char *src = g_strdup_printf(WST_HEAD "elements:\n"
	                                     "  - table:\n"
	                                     "      columns: [1fr]\n"
	                                     "      rows: [[\"%s\"]]\n",
	                            tall->str);
	expect(src, "a table row does not fit on the page", WS_SEVERITY_ERROR, 6, 5, "page 1");
	g_free(src);
	g_string_free(tall, TRUE);
}

Test(preflight, widow_page)
{
	/* 44 one-line paragraphs as separate elements: one more than page 1
	 * holds (257 mm at 16.8 pt), so page 2 holds one line only. */
	GString *src = g_string_new(WST_HEAD "elements:\n");
	for (int i = 0; i < 44; i++)
		g_string_append_printf(src, "  - text: 第%d行\n", i + 1);
	expect(src->str, "widow page", WS_SEVERITY_WARNING, 49, 5, "page 2");
	g_string_free(src, TRUE);
}

/* A heading parted from what it heads: the engine keeps a keep_with_next
 * element with what follows whenever that fits, so it is the layout that
 * puts a break between them (here a page_break; in a real one, a block
 * taller than a page).  Seen by check, at the heading. */
Test(preflight, heading_alone_at_the_foot_of_a_page)
{
	expect(WST_HEAD "elements:\n"
	                "  - text: 申请人名单如下：\n"
	                "    keep_with_next: true\n"
	                "  - page_break: true\n"
	                "  - text: 王伟\n",
	       "heading alone at the foot of page 1", WS_SEVERITY_WARNING, 6, 5, "page 1");
	/* the same heading with what it heads under it: nothing to say */
	ws_diags *d = ws_diags_new();
	int rc = 0;
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                   "  - text: 申请人名单如下：\n"
	                                   "    keep_with_next: true\n"
	                                   "  - text: 王伟\n"
	                                   "  - page_break: true\n"
	                                   "  - text: 李娜\n",
	                          d, &rc);
	cr_assert_eq(rc, WS_OK);
	cr_assert_null(find(d, "heading alone"));
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(preflight, missing_glyph)
{
	/* U+10FFFD is private use: no font has it. */
	expect(WST_HEAD "elements:\n"
	                "  - text: \"\xf4\x8f\xbf\xbd\"\n"
	                "    box: [30mm, 40mm, 30mm, 10mm]\n",
	       "is not in any installed font", WS_SEVERITY_ERROR, 6, 5, NULL);
}

/* ------------------------------------------------------------ pagination */

static size_t page_of(const ws_document *doc, const char *needle)
{
	for (size_t i = 0; i < ws_document_text_run_count(doc); i++) {
		const ws_text_run *r = ws_document_text_run_at(doc, i);
		if (strstr(r->text, needle))
			return r->page;
	}
	cr_assert_fail("no text run holds %s", needle);
	return 0;
}

Test(preflight, no_hyphen_and_names_break_only_at_spaces)
{
	ws_diags *d = ws_diags_new();
	int rc = 0;
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                   "  - table:\n"
	                                   "      columns: [40mm, 1fr]\n"
	                                   "      rows: [[\"{{ group.name }}\", 某某研究院（虚构）登记表]]\n",
	                          d, &rc);
	cr_assert_eq(rc, WS_OK);
	const char *words[] = {"ABUDUREYIMU", "AIKEBAIER", "ILIK", "UERBAN", NULL};
	for (size_t i = 0; i < ws_document_text_run_count(doc); i++) {
		const char *t = ws_document_text_run_at(doc, i)->text;
		cr_assert_null(strstr(t, "\xe2\x80\x90"), "no inserted hyphen in '%s'", t);
		cr_assert_null(strchr(t, '-'), "no inserted hyphen in '%s'", t);
		if (g_ascii_isupper(t[0])) {
			/* every line of the name is whole words */
			char *line = g_strstrip(g_strdup(t));
			char **w = g_strsplit(line, " ", -1);
			g_free(line);
			for (char **p = w; *p; p++)
				cr_assert(g_strv_contains(words, *p), "'%s' is a whole word of the name", *p);
			g_strfreev(w);
		}
	}
	bool paren_whole = false;
	for (size_t i = 0; i < ws_document_text_run_count(doc); i++)
		paren_whole |= strstr(ws_document_text_run_at(doc, i)->text, "（虚构）") != NULL;
	cr_assert(paren_whole, "（虚构） stays on one line");
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(preflight, seal_block_takes_the_last_rows_along)
{
	/* 40 rows fill page 1; the closing with keep_with_previous cannot
	 * follow on page 1, so it takes the last two rows to page 2. */
	ws_diags *d = ws_diags_new();
	int rc = 0;
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                   "  - space: 40mm\n"
	                                   "  - table:\n"
	                                   "      columns: [1fr]\n"
	                                   "      header: [名单]\n"
	                                   "      continued: 续表\n"
	                                   "      each: \"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32]\"\n"
	                                   "      rows: [[\"第{{ it }}行\"]]\n"
	                                   "  - keep_with_previous: true\n"
	                                   "    elements:\n"
	                                   "      - text: 顺致崇高的敬意。\n"
	                                   "      - space: 40mm\n"
	                                   "      - text: 二〇二五年三月五日于北京\n",
	                          d, &rc);
	cr_assert_eq(rc, WS_OK);
	size_t closing = page_of(doc, "顺致崇高的敬意");
	cr_assert_eq(closing, page_of(doc, "二〇二五年"));
	cr_assert_eq(page_of(doc, "第32行"), closing);
	cr_assert_eq(page_of(doc, "第31行"), closing, "two rows go along, never one");
	if (closing > 0) {
		cr_assert_eq(page_of(doc, "续表"), closing, "the continuation is marked");
		cr_assert_null(find(d, "widow page"));
	}
	ws_document_free(doc);
	ws_diags_free(d);
}

/* The (last) frame record of `doc`; fails the test when there is none. */
static const ws_record *the_frame(const ws_document *doc)
{
	const ws_record *frame = NULL;
	for (size_t i = 0; i < ws_document_record_count(doc); i++)
		if (ws_document_record_at(doc, i)->kind == WS_RECORD_FRAME)
			frame = ws_document_record_at(doc, i);
	cr_assert_not_null(frame, "a frame is drawn");
	return frame;
}

Test(preflight, frame_grows_with_its_content)
{
	ws_diags *d = ws_diags_new();
	int rc = 0;
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                   "  - frame: {stroke: black, dash: [3pt, 2pt], padding: 2mm}\n"
	                                   "    elements:\n"
	                                   "      - table:\n"
	                                   "          box: [40mm, 40mm, 60mm, auto]\n"
	                                   "          columns: [20mm, 1fr]\n"
	                                   "          rows: [[团组名称, \"某某自治区某某地区经济技术合作与城市规划建设考察交流团（虚构）\"]]\n",
	                          d, &rc);
	cr_assert_eq(rc, WS_OK, "no text crosses the frame");
	const ws_record *frame = the_frame(doc);
	double text_bottom = 0;
	for (size_t i = 0; i < ws_document_record_count(doc); i++) {
		const ws_record *r = ws_document_record_at(doc, i);
		if (r->kind == WS_RECORD_TEXT)
			text_bottom = MAX(text_bottom, r->box.y + r->box.height);
	}
	cr_assert_gt(frame->box.y + frame->box.height, text_bottom, "the frame encloses the last line");
	ws_document_free(doc);
	ws_diags_free(d);
}

/* A framed group between two texts in the flow, as docs/layout-format.md
 * writes it: its padding lies inside the frame, so the rule passes
 * between the texts and the group's own text, crossing none (it crossed
 * the text above and the text below, 2 mm into each). */
Test(preflight, frame_padding_stays_clear_of_the_text_around_it)
{
	static const char *const groups[] = {
		"  - frame: {stroke: \"#555555\", stroke_width: 0.5pt, dash: [3pt, 2pt], padding: 2mm}\n"
		"    elements: [{text: 框内}]\n",
		"  - each: \"[1, 2]\"\n"
		"    frame: {stroke: black, padding: 3mm}\n"
		"    elements: [{text: \"第{{ it }}项\"}]\n",
	};
	for (size_t g = 0; g < G_N_ELEMENTS(groups); g++) {
		char *src = g_strconcat(WST_HEAD "elements:\n  - text: 上一段\n", groups[g], "  - text: 下一段\n", NULL);
		ws_diags *d = ws_diags_new();
		int rc = 0;
		ws_document *doc = render(src, d, &rc);
		cr_assert_eq(rc, WS_OK, "nothing crosses the frame:\n%s", src);
		cr_assert_null(find(d, "overlaps"));
		const ws_record *frame = NULL;
		double above = 0, below = 0, inside_top = 0, inside_bottom = 0;
		for (size_t i = 0; i < ws_document_record_count(doc); i++) {
			const ws_record *r = ws_document_record_at(doc, i);
			if (r->kind == WS_RECORD_FRAME)
				frame = r;
			if (r->kind != WS_RECORD_TEXT)
				continue;
			if (strcmp(r->text, "上一段") == 0)
				above = r->box.y + r->box.height;
			else if (strcmp(r->text, "下一段") == 0)
				below = r->box.y;
			else if (!inside_top)
				inside_top = r->box.y;
			if (r->kind == WS_RECORD_TEXT && strcmp(r->text, "上一段") && strcmp(r->text, "下一段"))
				inside_bottom = r->box.y + r->box.height;
		}
		cr_assert_not_null(frame);
		cr_assert_geq(frame->box.y, above - 0.01, "the rule is below the text above");
		cr_assert_lt(frame->box.y, inside_top, "and above the group's text");
		cr_assert_gt(frame->box.y + frame->box.height, inside_bottom, "below the group's text");
		cr_assert_leq(frame->box.y + frame->box.height, below + 0.01, "and above the text below");
		ws_document_free(doc);
		ws_diags_free(d);
		g_free(src);
	}
}

/* A frame with a declared minimum: as tall as that with little in it (room
 * for the seal), the flow going on below it; taller when its content is. */
Test(preflight, frame_keeps_its_minimum_height_and_the_flow_goes_below)
{
	ws_diags *d = ws_diags_new();
	int rc = 0;
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                   "  - frame: {stroke: black, padding: 2mm, min_height: 60mm}\n"
	                                   "    elements:\n"
	                                   "      - text: 经办人意见：\n"
	                                   "  - text: 以下空白\n",
	                          d, &rc);
	cr_assert_eq(rc, WS_OK, "nothing crosses the frame");
	const ws_record *frame = the_frame(doc);
	cr_assert_float_eq(frame->box.height, 60 * 72 / 25.4, 0.01, "the declared minimum: %.1f pt", frame->box.height);
	double below = -1;
	for (size_t i = 0; i < ws_document_text_run_count(doc); i++) {
		const ws_text_run *r = ws_document_text_run_at(doc, i);
		if (strstr(r->text, "以下空白"))
			below = r->box.y;
	}
	cr_assert_gt(below, frame->box.y + frame->box.height, "the next text is below the frame");
	ws_document_free(doc);
	ws_diags_free(d);

	/* the content taller than the minimum: the frame grows past it */
	d = ws_diags_new();
	doc = render(WST_HEAD "elements:\n"
	                      "  - frame: {stroke: black, padding: 2mm, min_height: 10mm}\n"
	                      "    elements:\n"
	                      "      - text: \"第一行\\n第二行\\n第三行\\n第四行\"\n",
	             d, &rc);
	cr_assert_eq(rc, WS_OK);
	frame = the_frame(doc);
	cr_assert_gt(frame->box.height, 10 * 72 / 25.4 + 20, "grows with four lines: %.1f pt", frame->box.height);
	ws_document_free(doc);
	ws_diags_free(d);
}

/* Where rows and blocks that keep together land: each case renders its
 * layout and names the page (from 0) each text must be on, and why. */
typedef struct on_page {
	const char *text;
	size_t page;
	const char *why;
} on_page;

typedef struct keep_case {
	const char *name;
	const char *layout; /* after WST_HEAD "elements:\n" */
	on_page on[6];      /* up to the first with text NULL */
	bool no_widow_page; /* and no page holds a lone line or two */
} keep_case;

/* Checkbox rows of an `each` list (10 mm each). */
#define CHECKLIST(n)                                                                                        \
	"  - each: \"" n "\"\n"                                                                                 \
	"    elements:\n"                                                                                     \
	"      - checkbox: {label: \"第{{ it }}项材料\"}\n"                                                   \
	"        line_height: 10mm\n"

static const keep_case keep_cases[] = {
	/* A keep_with_previous chain: the signature lines (A) keep with the
	 * list, the seal block (B) keeps with A.  A fits under the list but A
	 * and B do not: the whole chain goes over with the list's last two
	 * rows, rather than A staying behind or going over alone. */
	{"a keep_with_previous chain travels whole",
	 "  - text: 名单\n"
	 "  - space: 170mm\n"
	 "  - table:\n"
	 "      columns: [1fr]\n"
	 "      each: \"[1,2,3,4,5,6,7,8]\"\n"
	 "      rows: [[\"第{{ it }}行\"]]\n"
	 "  - text: 填表人（签字）：＿＿＿＿\n"
	 "    keep_with_previous: true\n"
	 "  - keep_with_previous: true\n"
	 "    elements:\n"
	 "      - space: 40mm\n"
	 "      - text: 派出单位（盖章）\n",
	 {{"派出单位", 1, "the chain does not fit under the list"},
	  {"填表人", 1, "the signature lines stay with the seal block"},
	  {"第8行", 1, "the chain takes the list's last rows along"},
	  {"第7行", 1, "two rows, never one"},
	  {"第6行", 0, "the rest stays"}},
	 false},
	/* Room for one checkbox row only at the foot of a page: the list
	 * starts on the next page (no lone first row).  (A space at the top
	 * of a page is dropped: a line first.) */
	{"a checkbox list never leaves its first row alone",
	 "  - text: 随表寄送材料\n"
	 "  - space: 236mm\n" CHECKLIST("[1,2,3,4,5,6]"),
	 {{"第1项", 1, "the first row does not stand alone at the foot"}, {"第2项", 1, "the list goes on"}},
	 true},
	/* Room for five of six rows: the last row does not go over alone, the
	 * fifth goes with it. */
	{"a checkbox list never carries its last row alone",
	 "  - text: 随表寄送材料\n"
	 "  - space: 196mm\n" CHECKLIST("[1,2,3,4,5,6]"),
	 {{"第1项", 0, "the list starts under its heading"},
	  {"第4项", 0, "four rows stay"},
	  {"第5项", 1, "the fifth row goes with the last"},
	  {"第6项", 1, "the last row"}},
	 false},
	/* A label–value list (an `each` group) followed by a seal block that
	 * keeps with it: the last two rows go over with the block. */
	{"a list hands its last rows to a keep_with_previous block",
	 "  - text: 材料清单\n"
	 "  - space: 150mm\n"
	 "  - each: \"[1,2,3,4,5,6,7,8]\"\n"
	 "    elements:\n"
	 "      - text: \"第{{ it }}项：已附\"\n"
	 "        line_height: 10mm\n"
	 "  - keep_with_previous: true\n"
	 "    elements:\n"
	 "      - space: 30mm\n"
	 "      - text: 派出单位（盖章）\n",
	 {{"派出单位", 1, "the seal block does not fit under the list"},
	  {"第8项", 1, "the block never stands alone"},
	  {"第7项", 1, "two rows, never one"},
	  {"第6项", 0, "the rest stays"}},
	 false},
};

ParameterizedTestParameters(preflight, rows_kept_together_land_on_their_page)
{
	return wst_case_indices(G_N_ELEMENTS(keep_cases));
}

/* Each case alone; a failure names the case, the text and why. */
ParameterizedTest(size_t *i, preflight, rows_kept_together_land_on_their_page)
{
	const keep_case *k = &keep_cases[*i];
	ws_diags *d = ws_diags_new();
	int rc = 0;
	char *src = g_strconcat(WST_HEAD "elements:\n", k->layout, NULL);
	ws_document *doc = render(src, d, &rc);
	cr_assert_eq(rc, WS_OK, "%s: rendered", k->name);
	for (const on_page *o = k->on; o < k->on + G_N_ELEMENTS(k->on) && o->text; o++) {
		size_t got = page_of(doc, o->text);
		cr_assert_eq(got, o->page, "%s: %s on page %zu, want %zu: %s", k->name, o->text, got + 1, o->page + 1,
		             o->why);
	}
	if (k->no_widow_page)
		cr_assert_null(find(d, "widow page"), "%s: a widow page", k->name);
	ws_document_free(doc);
	g_free(src);
	ws_diags_free(d);
}

/* A checkbox row in the flow is a line of the document, as a line of
 * text is: a heading over a checklist that runs onto the next page is
 * not alone at the foot (it was reported so, and the page after it
 * "held only" the lines that followed the list), and a page that holds
 * two checkbox rows and nothing else is a widow page. */
Test(preflight, checkbox_rows_are_lines_of_the_flow)
{
	ws_diags *d = ws_diags_new();
	int rc = 0;
	ws_document *doc = render(WST_HEAD "elements:\n"
	                                   "  - text: 二、各申请人护照\n"
	                                   "    keep_with_next: true\n" CHECKLIST("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"
	                                                                          "21,22,23,24,25,26,27,28,29,30]")
	                                   "  - text: 移交人（签名）\n"
	                                   "  - text: 接收人（签名）\n",
	                          d, &rc);
	cr_assert_eq(rc, WS_OK);
	cr_assert_eq(page_of(doc, "二、各申请人护照"), 0);
	cr_assert_eq(page_of(doc, "第1项"), 0);
	cr_assert_eq(page_of(doc, "第30项"), 1);
	cr_assert_null(find(d, "heading alone"), "the heading has 25 rows under it");
	cr_assert_null(find(d, "widow page"), "page 2 holds checkbox rows and two lines");
	ws_document_free(doc);
	ws_diags_free(d);

	expect(WST_HEAD "elements:\n"
	                "  - text: 随表寄送材料\n"
	                "  - page_break: true\n" CHECKLIST("[1,2]"),
	       "widow page: page 2 holds only 2 lines", WS_SEVERITY_WARNING, 10, 9, "page 2");
}

/* ------------------------------------------------------------ the matrix */

static char *matrix_file(void)
{
	return g_build_filename(g_getenv("WENSHU_BUILD_DIR"), "tests", "groups-matrix.yaml", NULL);
}

/* `wenshu check KIND` over the generated groups: no preflight or overflow
 * finding, no missing glyph. */
static void check_kind_clean(const char *kind, const char *data)
{
	const char *args[] = {"check", kind, "--data", data, NULL};
	char *err = NULL;
	int rc = wst_wenshu(args, NULL, &err);
	cr_assert_null(strstr(err, "[preflight]"), "%s: preflight findings:\n%s", kind, err);
	cr_assert_null(strstr(err, "[overflow]"), "%s: overflow:\n%s", kind, err);
	cr_assert_null(strstr(err, "not in any installed font"), "%s: tofu:\n%s", kind, err);
	cr_assert_eq(rc, 0, "%s: exit %d\n%s", kind, rc, err);
	g_free(err);
}

/* Every layout shipped in layouts/ — the plugin kinds and the office's own
 * forms (passport-receipt) alike, and any added later — read from the
 * folder, so a new layout is in the matrix without a line here.  The two
 * registration forms take the groups of their own route (the other route
 * is refused by rule F-route, not by the page); packets.yaml is not a
 * layout but the packets' contents (docs/packets.md). */
Test(preflight, matrix_every_layout_every_group_size)
{
	char *all = matrix_file();
	char *self = g_build_filename(g_getenv("WENSHU_BUILD_DIR"), "tests", "groups-matrix-self.yaml", NULL);
	char *dlg = g_build_filename(g_getenv("WENSHU_BUILD_DIR"), "tests", "groups-matrix-delegated.yaml", NULL);
	char *dir = g_build_filename(WS_TEST_SOURCE_DIR, "layouts", NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	cr_assert_not_null(d, "%s", dir);
	size_t n = 0;
	bool seen_office_form = false;
	for (const char *f; (f = g_dir_read_name(d));) {
		if (!g_str_has_suffix(f, ".yaml") || strcmp(f, "packets.yaml") == 0)
			continue;
		char *name = g_strndup(f, strlen(f) - strlen(".yaml"));
		const char *data = strcmp(name, "registration-self") == 0        ? self
		                   : strcmp(name, "registration-delegated") == 0 ? dlg
		                   : strcmp(name, "return-cover") == 0           ? dlg /* the delegated route's return leg */
		                                                                 : all;
		check_kind_clean(name, data);
		seen_office_form |= strcmp(name, "passport-receipt") == 0;
		n++;
		g_free(name);
	}
	g_dir_close(d);
	cr_assert_geq(n, 9, "every shipped layout is checked (%zu)", n);
	cr_assert(seen_office_form, "the office's own forms are in the matrix");
	g_free(dir);
	g_free(all);
	g_free(self);
	g_free(dlg);
}

Test(preflight, matrix_both_routes_packets)
{
	char *all = matrix_file();
	char *dir = wst_tmpdir();
	const char *args[] = {"packet", "--data", all, "-o", dir, "--dpi", "20", NULL};
	char *err = NULL;
	int rc = wst_wenshu(args, NULL, &err);
	cr_assert_null(strstr(err, "[preflight]"), "packet preflight findings:\n%s", err);
	cr_assert_null(strstr(err, "[overflow]"), "packet overflow:\n%s", err);
	cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
	g_free(err);
	/* the delegated route's return leg (what 护签部 mails back) */
	char *dlg = g_build_filename(g_getenv("WENSHU_BUILD_DIR"), "tests", "groups-matrix-delegated.yaml", NULL);
	const char *rargs[] = {"packet", "--return", "--data", dlg, "-o", dir, "--dpi", "20", NULL};
	rc = wst_wenshu(rargs, NULL, &err);
	cr_assert_null(strstr(err, "[preflight]"), "return packet preflight findings:\n%s", err);
	cr_assert_null(strstr(err, "[overflow]"), "return packet overflow:\n%s", err);
	cr_assert_eq(rc, 0, "exit %d\n%s", rc, err);
	g_free(err);
	g_free(dlg);
	g_free(dir);
	g_free(all);
}
