/* The element types (core/elements/): what each type refuses when a layout
 * is loaded, at its exact file:line:col, and where each places itself —
 * at its box, or in the flow, measured so that what does not fit goes to
 * the next page.  Placement is read back from the document's records
 * (document.h), the same ones the preflight checks. */
#include <criterion/criterion.h>
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "layout-private.h"
#include "support.h"

#define MM (72.0 / 25.4)
/* A4 with 20 mm margins: the flow's column */
#define FRAME_X (20 * MM)
#define FRAME_Y (20 * MM)
#define FRAME_W (170 * MM)
#define FRAME_BOTTOM (277 * MM)

static ws_engine *engine;
static char *dir;  /* the layouts' folder, with the images they name */

static void write_png(const char *name, int w, int h)
{
	char *path = g_build_filename(dir, name, NULL);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cr_assert_eq(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	g_free(path);
}

static void setup(void)
{
	ws_engine_options o = WS_ENGINE_OPTIONS_INIT;
	o.prepare_fonts = false;
	cr_assert_eq(ws_engine_new(&engine, &o, NULL), WS_OK);
	dir = wst_tmpdir();
	write_png("seal.png", 40, 20);
	char *sub = g_build_filename(dir, "folder.png", NULL);
	cr_assert_eq(g_mkdir(sub, 0700), 0);
	g_free(sub);
	char *txt = g_build_filename(dir, "notes.txt", NULL);
	cr_assert(g_file_set_contents(txt, "not an image", -1, NULL));
	g_free(txt);
	/* a link that leads out of the layout's folder, to a PNG beside it */
	char *base = g_path_get_basename(dir);
	char *outside = g_strdup_printf("../%s-outside.png", base);
	write_png(outside, 1, 1);
	char *link = g_build_filename(dir, "escape.png", NULL);
	cr_assert_eq(symlink(outside, link), 0);
	g_free(link);
	g_free(outside);
	g_free(base);
}

static void teardown(void)
{
	ws_engine_free(engine);
	g_free(dir);
}

TestSuite(elements, .init = setup, .fini = teardown);

/* Writes `src` as DIR/t.yaml and loads it with the engine's plugins. */
static ws_layout *load(const char *src, ws_diags *d)
{
	char *path = g_build_filename(dir, "t.yaml", NULL);
	cr_assert(g_file_set_contents(path, src, -1, NULL));
	ws_layout *l = NULL;
	ws_layout_load_file(&l, path, ws_engine_registry(engine), d);
	g_free(path);
	return l;
}

static void log_diags(const ws_diags *d)
{
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		char *s = ws_diag_format(ws_diags_at(d, i));
		cr_log_info("%s", s);
		g_free(s);
	}
}

/* specimen: a kind that needs no data, so nothing but the elements is checked */
#define HEAD "wenshu: 1\nkind: specimen\npage: {size: A4, margins: 20mm}\nelements:\n"
/* the first element of HEAD's list is on this line */
#define FIRST 5

/* ------------------------------------------------------------ loading */

typedef struct load_case {
	const char *type;
	const char *elements;  /* YAML after HEAD */
	unsigned line, col;    /* of the first error */
	const char *message;   /* the whole message of the first error */
} load_case;

/* `$` stands for the layouts' folder in a message. */
static const load_case load_cases[] = {
	{"text", "  - text: {size: 12pt}\n", 0, 11,
	 "text takes a string; put the style keys beside it"},
	{"text", "  - text: x\n    colour: red\n", 1, 5,
	 "unknown key 'colour' in a text element (did you mean 'color'?)"},
	/* at the `{{` (a plain scalar: in a quoted one the column is one short, the quote's) */
	{"text", "  - text: 第 {{ page.number 页\n", 0, 13, "'{{' is not closed by '}}'"},
	{"rect", "  - rect: {stroke: black}\n", 0, 5, "a rect needs a box, or a height in the flow"},
	{"rect", "  - rect: {height: 5mm, radius: 2}\n", 0, 33, NULL},
	{"rect", "  - rect: {height: 5mm, fil: red}\n", 0, 25,
	 "unknown key 'fil' in a rect (did you mean 'fill'?)"},
	{"line", "  - line: {from: [0, 0]}\n", 0, 5, "a line needs both from and to"},
	{"line", "  - line: {from: [0], to: [1mm, 1mm]}\n", 0, 18, "a point is [x, y]"},
	{"line", "  - line: {from: [0, 0], to: [1mm, 1]}\n", 0, 36, NULL},
	{"table", "  - table: x\n", 0, 12, "table takes a map (columns, header, rows, each, ...)"},
	{"table", "  - table: {rows: [[a]]}\n", 0, 5,
	 "a table needs columns: a list of 1 to 64 widths (e.g. [30mm, 1fr])"},
	{"table", "  - table: {columns: [1fr, 2000fr], rows: [[a, b]]}\n", 0, 28,
	 "a column fraction must be more than 0fr and at most 1000fr"},
	{"table", "  - table: {columns: [1fr, 0fr], rows: [[a, b]]}\n", 0, 28,
	 "a column fraction must be more than 0fr and at most 1000fr"},
	{"table", "  - table: {columns: [1fr]}\n", 0, 5, "a table needs header or rows"},
	{"table", "  - table: {columns: [1fr], rows: [[a], b]}\n", 0, 41, "a table row must be a list of cells"},
	{"checkbox", "  - checkbox: {label: 是, size2: 3mm}\n", 0, 26,
	 "unknown key 'size2' in a checkbox (did you mean 'size'?)"},
	{"checkbox", "  - checkbox: {label: 是, box_size: 3}\n", 0, 36, "box_size '3' has no unit: write 3mm or 3pt"},
	/* a full-width colon makes one key of `box_size：3mm`: at the colon */
	{"checkbox", "  - checkbox: {label: 是, box_size：3mm}\n", 0, 34,
	 "a full-width colon '：' after 'box_size': write 'box_size: 3mm'"},
	{"image", "  - image: {box: [0, 0, 10mm, 10mm]}\n", 0, 5, "an image needs src"},
	{"image", "  - image: {src: seal.png}\n", 0, 5, "an image needs a box, or a height in the flow"},
	{"image", "  - image: {src: ../seal.png, height: 5mm}\n", 0, 18,
	 "image '../seal.png' must be a relative path inside the layout's folder"},
	{"image", "  - image: {src: /etc/hostname, height: 5mm}\n", 0, 18,
	 "image '/etc/hostname' must be a relative path inside the layout's folder"},
	{"image", "  - image: {src: lost.png, height: 5mm}\n", 0, 18, "image 'lost.png' not found (looked in $)"},
	{"image", "  - image: {src: escape.png, height: 5mm}\n", 0, 18,
	 "image 'escape.png' resolves outside the layout's folder"},
	{"image", "  - image: {src: folder.png, height: 5mm}\n", 0, 18, "image 'folder.png' is not a regular file"},
	{"image", "  - image: {src: notes.txt, height: 5mm}\n", 0, 18, "image 'notes.txt' must be a .png or .svg file"},
	{"image", "  - image: seal.png\n    height: 5mm\n    scale: 2\n", 2, 5,
	 "unknown key 'scale' in an image"},
	{"elements", "  - elements: [{text: a}]\n    frame: 3\n", 1, 12,
	 "frame is a map such as {stroke: black, stroke_width: 0.5pt, padding: 2mm}"},
	{"elements", "  - elements: [{text: a}]\n    frame: {padd: 1mm}\n", 1, 13,
	 "unknown key 'padd' in a frame"},
	{"elements", "  - elements: [{text: a}]\n    each: group.(\n", 1, 17, "expected a field name after '.', found '('"},
	{"elements", "  - elements: [{rect: {}}]\n", 0, 16, "a rect needs a box, or a height in the flow"},
	{"page_break", "  - page_break: {}\n    box: [0, 0, 1mm, 1mm]\n    columns: 2\n", 2, 5,
	 "unknown key 'columns' in a page break"},
	{"space", "  - space: 12\n", 0, 12, NULL},
	{"space", "  - space: 6mm\n    style: body\n", 1, 5, "unknown key 'style' in a space"},
	{"barcode", "  - barcode: {symbology: qr, value: x}\n", 0, 5,
	 "a barcode element needs a box, or a height in the flow"},
	{"barcode", "  - barcode: {symbology: qr, value: x, height: 20mm, colour: red}\n", 0, 54,
	 "unknown key 'colour' in barcode (did you mean 'color'?)"},
};

Test(elements, load_errors_stand_where_they_were_written)
{
	for (size_t i = 0; i < G_N_ELEMENTS(load_cases); i++) {
		const load_case *k = &load_cases[i];
		char *src = g_strconcat(HEAD, k->elements, NULL);
		ws_diags *d = ws_diags_new();
		ws_layout *l = load(src, d);
		log_diags(d);
		cr_assert_null(l, "%s: refused:\n%s", k->type, k->elements);
		cr_assert(ws_diags_has_errors(d));
		const ws_diag *e = NULL;
		for (size_t j = 0; j < ws_diags_count(d) && !e; j++)
			if (ws_diags_at(d, j)->severity == WS_SEVERITY_ERROR)
				e = ws_diags_at(d, j);
		cr_assert(g_str_has_prefix(e->loc.file, dir) && g_str_has_suffix(e->loc.file, "/t.yaml"),
		          "%s: in the layout: %s", k->type, e->loc.file);
		cr_assert_eq(e->loc.line, FIRST + k->line, "%s: line %u of '%s'\n%s", k->type, e->loc.line, e->message,
		             k->elements);
		cr_assert_eq(e->loc.column, k->col, "%s: column %u of '%s'\n%s", k->type, e->loc.column, e->message,
		             k->elements);
		if (k->message) {
			char *want = g_strdup(k->message);
			char *dollar = strchr(want, '$');
			if (dollar) {
				*dollar = 0;
				char *full = g_strconcat(want, dir, dollar + 1, NULL);
				g_free(want);
				want = full;
			}
			cr_assert_str_eq(e->message, want, "%s: %s", k->type, e->message);
			g_free(want);
		}
		ws_diags_free(d);
		g_free(src);
	}
}

/* Every built-in type has a row above, and every type is found by the
 * key that names it. */
Test(elements, every_builtin_type_is_tested_and_found_by_its_name)
{
	size_t n = 0;
	for (const ws_elem_class *c; (c = ws__elem_class_at(n)); n++) {
		cr_assert_eq(ws__elem_class_find(c->name), c, "%s", c->name);
		bool tested = false;
		for (size_t i = 0; i < G_N_ELEMENTS(load_cases); i++)
			tested = tested || strcmp(load_cases[i].type, c->name) == 0;
		cr_assert(tested, "no load case for '%s'", c->name);
	}
	cr_assert_eq(n, 9);
	cr_assert_null(ws__elem_class_find("barcode"), "a plugin's type is no built-in");
	cr_assert_null(ws__elem_class_find("Text"));
}

/* ------------------------------------------------------------ placing */

static ws_document *render(const char *elements, ws_diags *d)
{
	char *src = g_strconcat(HEAD, elements, NULL);
	ws_layout *l = load(src, d);
	log_diags(d);
	cr_assert_not_null(l, "loads:\n%s", elements);
	ws_document *doc = NULL;
	int rc = ws_engine_render(engine, l, NULL, &doc, d);
	log_diags(d);
	cr_assert_eq(rc, WS_OK);
	ws_layout_free(l);
	g_free(src);
	return doc;
}

/* The n-th record of `type` (0-based), or NULL. */
static const ws_record *record_of(const ws_document *doc, const char *type, size_t n)
{
	for (size_t i = 0; i < ws_document_record_count(doc); i++) {
		const ws_record *r = ws_document_record_at(doc, i);
		if (r->type && strcmp(r->type, type) == 0 && r->kind != WS_RECORD_LINE && n-- == 0)
			return r;
	}
	return NULL;
}

static const ws_text_run *run_of(const ws_document *doc, const char *text)
{
	for (size_t i = 0; i < ws_document_text_run_count(doc); i++)
		if (strcmp(ws_document_text_run_at(doc, i)->text, text) == 0)
			return ws_document_text_run_at(doc, i);
	return NULL;
}

#define assert_rect_eq(r, X, Y, W, H, what)                                                          \
	do {                                                                                         \
		cr_assert_float_eq((r).x, (X), 1e-6, "%s: x %f", what, (r).x);                       \
		cr_assert_float_eq((r).y, (Y), 1e-6, "%s: y %f", what, (r).y);                       \
		cr_assert_float_eq((r).width, (W), 1e-6, "%s: width %f", what, (r).width);           \
		cr_assert_float_eq((r).height, (H), 1e-6, "%s: height %f", what, (r).height);        \
	} while (0)

/* The three types drawn whole in a box: a rect, an image, a plugin's
 * barcode.  They share their measure and their place in the flow. */
typedef struct boxed_case {
	const char *type;
	const char *yaml;      /* one element, "%s" where its placement keys go */
	ws_record_kind kind;   /* how it is recorded */
} boxed_case;

static const boxed_case boxed[] = {
	{"rect", "  - rect: {%s}\n", WS_RECORD_FRAME},
	{"image", "  - image: {src: seal.png, %s}\n", WS_RECORD_BOX},
	{"barcode", "  - barcode: {symbology: qr, value: AA00TEST01, %s}\n", WS_RECORD_BOX},
};

/* Renders `before`, the element with `keys`, then `after`. */
static ws_document *render_boxed(const boxed_case *b, const char *before, const char *keys, const char *after,
                                 ws_diags *d)
{
	char *el = g_strdup_printf(b->yaml, keys);
	char *els = g_strconcat(before, el, after, NULL);
	ws_document *doc = render(els, d);
	g_free(els);
	g_free(el);
	return doc;
}

Test(elements, boxed_types_sit_at_their_box)
{
	for (size_t i = 0; i < G_N_ELEMENTS(boxed); i++) {
		ws_diags *d = ws_diags_new();
		ws_document *doc = render_boxed(&boxed[i], "  - text: 甲\n", "box: [30mm, 40mm, 25mm, 25mm]", "", d);
		const ws_record *r = record_of(doc, boxed[i].type, 0);
		cr_assert_not_null(r, "%s is recorded", boxed[i].type);
		cr_assert_eq(r->kind, boxed[i].kind, "%s", boxed[i].type);
		cr_assert_not(r->flow, "%s: a box is no part of the flow", boxed[i].type);
		cr_assert_eq(r->loc.line, FIRST + 1, "%s: recorded with its layout line", boxed[i].type);
		assert_rect_eq(r->box, 30 * MM, 40 * MM, 25 * MM, 25 * MM, boxed[i].type);
		cr_assert_eq(ws_document_page_count(doc), 1);
		ws_document_free(doc);
		ws_diags_free(d);
	}
}

Test(elements, boxed_types_in_the_flow_take_their_height_across_the_column)
{
	for (size_t i = 0; i < G_N_ELEMENTS(boxed); i++) {
		ws_diags *d = ws_diags_new();
		ws_document *doc = render_boxed(&boxed[i], "  - text: 甲\n", "height: 30mm", "  - text: 乙\n", d);
		const ws_text_run *before = run_of(doc, "甲"), *after = run_of(doc, "乙");
		const ws_record *r = record_of(doc, boxed[i].type, 0);
		cr_assert_not_null(r, "%s", boxed[i].type);
		cr_assert_eq(r->page, 0);
		/* right below the text before it, across the whole column */
		double top = before->box.y + before->box.height;
		cr_assert(r->box.y >= top - 1e-6 && r->box.y < top + 6, "%s: y %f after %f", boxed[i].type, r->box.y,
		          top);
		assert_rect_eq(r->box, FRAME_X, r->box.y, FRAME_W, 30 * MM, boxed[i].type);
		/* and what follows starts where it ends */
		cr_assert_eq(after->page, 0);
		cr_assert(after->box.y >= r->box.y + 30 * MM - 1e-6 && after->box.y < r->box.y + 30 * MM + 6,
		          "%s: the next text at %f, the element ends at %f", boxed[i].type, after->box.y,
		          r->box.y + 30 * MM);
		ws_document_free(doc);
		ws_diags_free(d);
	}
}

/* Measured before it is placed: 60 mm do not fit in the 50 mm left, so the
 * element starts the next page; 45 mm still fit on this one. */
Test(elements, boxed_types_that_do_not_fit_start_the_next_page)
{
	for (size_t i = 0; i < G_N_ELEMENTS(boxed); i++) {
		for (int fits = 0; fits < 2; fits++) {
			ws_diags *d = ws_diags_new();
			/* a first line of text, then space down to 50 mm above the frame's bottom */
			ws_document *doc = render_boxed(&boxed[i], "  - text: 甲\n  - space: 200mm\n",
			                                fits ? "height: 45mm" : "height: 60mm", "", d);
			const ws_text_run *first = run_of(doc, "甲");
			cr_assert_lt(first->box.y + first->box.height + 200 * MM, FRAME_BOTTOM - 45 * MM,
			             "the test leaves room for 45 mm");
			const ws_record *r = record_of(doc, boxed[i].type, 0);
			cr_assert_not_null(r, "%s", boxed[i].type);
			cr_assert_eq(r->page, fits ? 0u : 1u, "%s, fits=%d", boxed[i].type, fits);
			if (!fits)
				cr_assert_float_eq(r->box.y, FRAME_Y, 1e-6, "%s: at the top of the new page", boxed[i].type);
			cr_assert_eq(ws_document_page_count(doc), fits ? 1u : 2u);
			ws_document_free(doc);
			ws_diags_free(d);
		}
	}
}

Test(elements, a_line_in_the_flow_is_a_rule_its_stroke_thick)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render("  - text: 甲\n  - line: {stroke_width: 2pt}\n  - text: 乙\n"
	                          "  - line: {from: [120mm, 200mm], to: [160mm, 210mm]}\n",
	                          d);
	const ws_record *rule = record_of(doc, "line", 0), *free_line = record_of(doc, "line", 1);
	const ws_text_run *before = run_of(doc, "甲"), *after = run_of(doc, "乙");
	cr_assert_eq(rule->kind, WS_RECORD_FRAME);
	/* drawn through the middle of the 2 pt it takes */
	double top = rule->box.y - 1;
	cr_assert(top >= before->box.y + before->box.height - 1e-6, "below the text before it");
	assert_rect_eq(rule->box, FRAME_X, rule->box.y, FRAME_W, 0, "rule");
	cr_assert(after->box.y >= top + 2 - 1e-6 && after->box.y < top + 2 + 6, "the next text 2 pt lower");
	/* from/to: the box runs from the first point to the second */
	assert_rect_eq(free_line->box, 120 * MM, 200 * MM, 40 * MM, 10 * MM, "from/to");
	cr_assert_not(free_line->flow);
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(elements, checkbox_square_and_its_label_beside_it)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render("  - checkbox: {label: 已缴费, box_size: 4mm, size: 12pt, box: [30mm, 40mm, 60mm, 10mm]}\n"
	                          "  - checkbox: {label: 未缴费, size: 10pt}\n",
	                          d);
	const ws_record *sq = record_of(doc, "checkbox", 0);
	cr_assert_eq(sq->kind, WS_RECORD_BOX);
	cr_assert_float_eq(sq->box.width, 4 * MM, 1e-6);
	cr_assert_float_eq(sq->box.height, 4 * MM, 1e-6);
	cr_assert_float_eq(sq->box.x, 30 * MM, 1e-6);
	/* centred on the first line: the line is taller than the square */
	cr_assert_gt(sq->box.y, 40 * MM);
	const ws_text_run *label = run_of(doc, "已缴费");
	cr_assert_not_null(label);
	cr_assert_float_eq(label->box.x, 30 * MM + 4 * MM * 1.6, 0.01, "the label 0.6 side after the square");
	/* without box_size the square is 0.85 em of the label */
	const ws_text_run *flow_label = run_of(doc, "未缴费");
	const ws_record *flow_sq = NULL;
	for (size_t n = 0; (flow_sq = record_of(doc, "checkbox", n)); n++)
		if (flow_sq->box.x == FRAME_X && flow_sq->kind == WS_RECORD_BOX)
			break;
	cr_assert_not_null(flow_sq, "the flow's checkbox at the column's left edge");
	cr_assert_float_eq(flow_sq->box.width, 8.5, 1e-6);
	cr_assert_float_eq(flow_label->box.x, FRAME_X + 8.5 * 1.6, 0.01);
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(elements, space_moves_the_flow_down_except_at_the_top_of_a_page)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render("  - space: 30mm\n  - text: 甲\n  - text: 乙\n  - space: 12mm\n  - text: 丙\n", d);
	const ws_text_run *a = run_of(doc, "甲"), *b = run_of(doc, "乙"), *c = run_of(doc, "丙");
	cr_assert_lt(a->box.y, FRAME_Y + 5, "a space never pushes the first line of a page down");
	double pitch = b->box.y - a->box.y;
	cr_assert_float_eq(c->box.y - b->box.y, pitch + 12 * MM, 1e-6);
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(elements, page_break_goes_on_at_the_top_of_a_new_page)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render("  - text: 甲\n  - page_break: {}\n  - text: 乙\n", d);
	cr_assert_eq(ws_document_page_count(doc), 2);
	const ws_text_run *a = run_of(doc, "甲"), *b = run_of(doc, "乙");
	cr_assert_eq(a->page, 0);
	cr_assert_eq(b->page, 1);
	cr_assert_float_eq(b->box.y, a->box.y, 1e-6, "at the same height as the first page's first line");
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(elements, group_frame_surrounds_what_it_placed_with_its_padding)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render("  - elements:\n"
	                          "      - rect: {box: [40mm, 50mm, 30mm, 20mm]}\n"
	                          "      - image: {src: seal.png, box: [60mm, 60mm, 30mm, 20mm]}\n"
	                          "    frame: {padding: 3mm}\n",
	                          d);
	const ws_record *f = record_of(doc, "elements", 0);
	cr_assert_not_null(f, "the frame is recorded as the group's");
	cr_assert_eq(f->kind, WS_RECORD_FRAME);
	assert_rect_eq(f->box, 37 * MM, 47 * MM, 56 * MM, 36 * MM, "frame");
	ws_document_free(doc);
	ws_diags_free(d);
}

Test(elements, text_in_a_box_and_in_the_flow)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = render("  - text: 甲\n    box: [50mm, 60mm, 30mm, 10mm]\n  - text: 乙\n    x: 15mm\n", d);
	const ws_text_run *a = run_of(doc, "甲"), *b = run_of(doc, "乙");
	cr_assert_float_eq(a->box.x, 50 * MM, 1e-6);
	cr_assert_geq(a->box.y, 60 * MM - 1e-6);
	cr_assert_float_eq(b->box.x, FRAME_X + 15 * MM, 1e-6, "x moves the flow text right");
	cr_assert_lt(b->box.y, FRAME_Y + 5);
	ws_document_free(doc);
	ws_diags_free(d);
}
