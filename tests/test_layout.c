/* Layout loader: every error path reports its exact line:col. */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "layout-private.h"
#include "plugin.h"

static ws_registry *registry;

static void setup(void)
{
	ws_registry_new(&registry);
	ws_registry_add_dir(registry, WS_TEST_BUILD_DIR "/plugins", NULL);
	ws_registry_load_all(registry, NULL);
}

static void teardown(void)
{
	ws_registry_free(registry);
}

TestSuite(layout, .init = setup, .fini = teardown);

/* Loads `src`; returns the layout (or NULL) and the diagnostics. */
static ws_layout *load(const char *src, ws_diags **diags)
{
	ws_layout *l = NULL;
	*diags = ws_diags_new();
	ws_layout_load_buffer(&l, src, strlen(src), "t.yaml", registry, *diags);
	return l;
}

/* Asserts that the first error is at line:col and mentions `needle`. */
static void expect_error(const char *src, unsigned line, unsigned col, const char *needle)
{
	ws_diags *d;
	ws_layout *l = load(src, &d);
	cr_assert_null(l, "layout should be refused");
	const ws_diag *first = NULL;
	for (size_t i = 0; i < ws_diags_count(d) && !first; i++)
		if (ws_diags_at(d, i)->severity == WS_SEVERITY_ERROR)
			first = ws_diags_at(d, i);
	cr_assert_not_null(first, "an error is reported");
	char *s = ws_diag_format(first);
	cr_assert_eq(first->loc.line, line, "line of: %s", s);
	cr_assert_eq(first->loc.column, col, "column of: %s", s);
	cr_assert(strstr(s, needle) != NULL, "'%s' should mention '%s'", s, needle);
	cr_assert(g_str_has_prefix(s, "t.yaml:"), "message starts with the file: %s", s);
	g_free(s);
	ws_diags_free(d);
}

#define HEAD "wenshu: 1\nkind: payment-receipt\n"

Test(layout, loads_a_complete_layout)
{
	ws_diags *d;
	ws_layout *l = load(HEAD "title: 测试\n"
	                         "page: {size: A5, orientation: landscape, margins: [10mm, 15mm]}\n"
	                         "styles:\n"
	                         "  label: {font: hei, size: 五号, color: \"#333\"}\n"
	                         "  value: {inherit: label, font: song, weight: bold}\n"
	                         "elements:\n"
	                         "  - text: \"{{ group.group_id }}\"\n"
	                         "    style: value\n"
	                         "    box: [10mm, 10mm, 50mm, auto]\n"
	                         "  - table:\n"
	                         "      columns: [20mm, 1fr, 2fr]\n"
	                         "      header: [a, b, c]\n"
	                         "      each: group.applicants\n"
	                         "      rows: [[\"{{ loop.number }}\", \"{{ it.name_zh }}\", {text: x}]]\n"
	                         "  - barcode: {symbology: code128, value: AA00TEST01, box: [0, 0, 40mm, 10mm]}\n",
	                   &d);
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		char *s = ws_diag_format(ws_diags_at(d, i));
		cr_log_info("%s", s);
		g_free(s);
	}
	cr_assert_not_null(l);
	double w, h;
	ws_layout_page_size(l, &w, &h);
	cr_assert_float_eq(w, 210 * 72 / 25.4, 0.01, "landscape A5 is 210 mm wide");
	cr_assert_float_eq(h, 148 * 72 / 25.4, 0.01);
	cr_assert_float_eq(l->margin[0], 10 * 72 / 25.4, 0.001);
	cr_assert_float_eq(l->margin[1], 15 * 72 / 25.4, 0.001);
	const ws_elem *t = g_ptr_array_index(l->elements, 0);
	cr_assert_eq(t->cls, ws__elem_class_find("text"));
	const ws_style *st = t->cls->style(t);
	cr_assert_str_eq(st->font, "Wenshu Song");
	cr_assert_float_eq(st->size, 10.5, 1e-9, "五号 is 10.5pt, inherited");
	cr_assert_eq(st->weight, 700);
	cr_assert_float_eq(st->color.r, 0x33 / 255.0, 1e-6);
	cr_assert_eq(t->box.height, WS_AUTO);
	const ws_elem *tb = g_ptr_array_index(l->elements, 1);
	cr_assert_eq(tb->cls, ws__elem_class_find("table"), "column widths: typeset/table_columns_fixed_and_fractions");
	const ws_elem *bc = g_ptr_array_index(l->elements, 2);
	cr_assert_eq(bc->cls, &ws__elem_plugin_class, "a plugin's element type goes through the adapter");
	cr_assert_str_eq(bc->type_name, "barcode");
	ws_layout_free(l);
	ws_diags_free(d);
}

Test(layout, lengths_and_chinese_sizes)
{
	double pt;
	cr_assert(ws_length_parse("25.4mm", &pt));
	cr_assert_float_eq(pt, 72, 1e-9);
	cr_assert(ws_length_parse("1in", &pt));
	cr_assert_float_eq(pt, 72, 1e-9);
	cr_assert(ws_length_parse("2.54cm", &pt));
	cr_assert_float_eq(pt, 72, 1e-9);
	cr_assert(ws_length_parse("三号", &pt));
	cr_assert_float_eq(pt, 16, 1e-9);
	cr_assert(ws_length_parse("小四", &pt));
	cr_assert_float_eq(pt, 12, 1e-9);
	cr_assert(ws_length_parse("0", &pt));
	cr_assert(!ws_length_parse("12", &pt), "a bare number has no unit");
	cr_assert(!ws_length_parse("12px", &pt));
	cr_assert(!ws_length_parse("nanmm", &pt));
	cr_assert(!ws_length_parse("infpt", &pt));
}

Test(layout, missing_version)
{
	expect_error("kind: payment-receipt\nelements: []\n", 1, 1, "wenshu: 1");
}

Test(layout, wrong_version)
{
	expect_error("wenshu: 2\nkind: payment-receipt\nelements: []\n", 1, 9, "version");
}

Test(layout, unknown_top_level_key_suggests)
{
	expect_error(HEAD "elemnts: []\nelements: []\n", 3, 1, "did you mean 'elements'?");
}

Test(layout, unknown_kind_suggests)
{
	expect_error("wenshu: 1\nkind: payment-reciept\nelements: []\n", 2, 7, "did you mean 'payment-receipt'?");
}

Test(layout, unknown_element_type_suggests)
{
	expect_error(HEAD "elements:\n  - barcod: {value: x, box: [0, 0, 10mm, 10mm]}\n", 4, 5,
	             "did you mean 'barcode'?");
}

Test(layout, length_without_unit)
{
	expect_error(HEAD "elements:\n  - text: hi\n    box: [20, 0, 10mm, 10mm]\n", 5, 11, "no unit");
}

Test(layout, bad_length)
{
	expect_error(HEAD "page: {margins: 1.5parsecs}\nelements: []\n", 3, 17, "not a length");
}

Test(layout, unknown_style)
{
	expect_error(HEAD "styles: {label: {size: 10pt}}\nelements:\n  - text: x\n    style: lable\n", 6, 12,
	             "did you mean 'label'?");
}

Test(layout, style_cycle)
{
	expect_error(HEAD "styles:\n  a: {inherit: b}\n  b: {inherit: a}\nelements: []\n", 4, 6, "cycle");
}

Test(layout, bad_colour)
{
	expect_error(HEAD "elements:\n  - text: x\n    color: \"#12345\"\n", 5, 12, "not a colour");
}

Test(layout, bad_enum_suggests)
{
	expect_error(HEAD "elements:\n  - text: x\n    align: centre\n", 5, 12, "did you mean 'center'?");
}

Test(layout, template_syntax_error_column)
{
	/* The template starts at column 11; "{{ group. }}" fails inside it. */
	ws_diags *d;
	ws_layout *l = load(HEAD "elements:\n  - text: \"{{ group. }}\"\n", &d);
	cr_assert_null(l);
	cr_assert_geq(ws_diags_count(d), 1);
	const ws_diag *e = ws_diags_at(d, 0);
	cr_assert_eq(e->loc.line, 4);
	cr_assert_geq(e->loc.column, 11, "points into the template, not before it");
	ws_diags_free(d);
}

Test(layout, table_row_width_must_match_columns)
{
	expect_error(HEAD "elements:\n  - table:\n      columns: [10mm, 10mm]\n      rows: [[a, b, c]]\n", 6, 14,
	             "3 cells but the table has 2 columns");
}

Test(layout, image_outside_the_layout_folder_is_refused)
{
	expect_error(HEAD "elements:\n  - image: {src: ../../etc/passwd, box: [0, 0, 10mm, 10mm]}\n", 4, 18,
	             "inside the layout's folder");
	expect_error(HEAD "elements:\n  - image: {src: /etc/passwd, box: [0, 0, 10mm, 10mm]}\n", 4, 18,
	             "inside the layout's folder");
}

Test(layout, two_types_in_one_element)
{
	expect_error(HEAD "elements:\n  - text: a\n    rect: {}\n", 5, 5, "both 'text' and 'rect'");
}

Test(layout, margins_leave_no_room)
{
	expect_error(HEAD "page: {size: A5, margins: 80mm}\nelements: []\n", 3, 7, "no room");
}

Test(layout, field_rules_check_data)
{
	ws_diags *d;
	ws_layout *l = load(HEAD "fields:\n"
	                         "  applicants[*].ds160_confirmation_no: {required: true, pattern: \"^AA[0-9A-Z]{8}$\"}\n"
	                         "  interview_post: {enum: [BEIJING, SHANGHAI]}\n"
	                         "  travel_start_date: {type: date}\n"
	                         "elements: []\n",
	                    &d);
	cr_assert_not_null(l);
	ws_loc at = {g_intern_string("data.yaml"), 7, 3};
	ws_value *g = ws_value_new_map(at);
	ws_value *apps = ws_value_new_list(at);
	ws_value *a0 = ws_value_new_map(at);
	ws_value_map_set(a0, "ds160_confirmation_no", ws_value_new_string("AB12345", (ws_loc){at.file, 9, 30}), at);
	ws_value_list_append(apps, a0);
	ws_value_list_append(apps, ws_value_new_map((ws_loc){at.file, 11, 7}));
	ws_value_map_set(g, "applicants", apps, at);
	ws_value_map_set(g, "interview_post", ws_value_new_string("WUHANN", (ws_loc){at.file, 3, 19}), at);
	ws_value_map_set(g, "travel_start_date", ws_value_new_string("2025-02-30", (ws_loc){at.file, 4, 22}), at);
	ws_diags *dd = ws_diags_new();
	ws_layout_check_fields(l, g, dd);
	cr_assert_eq(ws_diags_count_severity(dd, WS_SEVERITY_ERROR), 4);
	const ws_diag *e0 = ws_diags_at(dd, 0);
	cr_assert_str_eq(e0->path, "group.applicants[0].ds160_confirmation_no");
	cr_assert_eq(e0->loc.line, 9);
	cr_assert_eq(e0->loc.column, 30);
	const ws_diag *e1 = ws_diags_at(dd, 1);
	cr_assert_str_eq(e1->path, "group.applicants[1].ds160_confirmation_no");
	cr_assert_eq(e1->loc.line, 11, "a missing field points at its parent");
	cr_assert_eq(ws_diags_at(dd, 2)->loc.line, 3);
	cr_assert_eq(ws_diags_at(dd, 3)->loc.line, 4, "2025-02-30 is not a date");
	ws_diags_free(dd);
	ws_value_unref(g);
	ws_layout_free(l);
	ws_diags_free(d);
}

/* A missing required field says it is missing, after the rule's own
 * message (which names the field: 护照号码), and a key of the same map
 * spelt nearly so is pointed at as the likely field. */
Test(layout, a_missing_required_field_says_so_and_finds_its_misspelling)
{
	ws_diags *d;
	ws_layout *l = load(HEAD "fields:\n"
	                         "  applicants[*].passport_no: {required: true, message: 护照号码}\n"
	                         "  applicants[*].employer: {required: true}\n"
	                         "elements: []\n",
	                    &d);
	cr_assert_not_null(l);
	ws_loc at = {g_intern_string("data.yaml"), 7, 3};
	ws_value *g = ws_value_new_map(at);
	ws_value *apps = ws_value_new_list(at);
	ws_value *a0 = ws_value_new_map((ws_loc){at.file, 8, 7});
	ws_value_map_set(a0, "pasport_no", ws_value_new_string("PE0000001", (ws_loc){at.file, 9, 19}),
	                 (ws_loc){at.file, 9, 7});
	ws_value_map_set(a0, "employer", ws_value_new_null((ws_loc){at.file, 10, 17}), (ws_loc){at.file, 10, 7});
	ws_value_list_append(apps, a0);
	ws_value_map_set(g, "applicants", apps, at);
	ws_diags *dd = ws_diags_new();
	ws_layout_check_fields(l, g, dd);
	cr_assert_eq(ws_diags_count_severity(dd, WS_SEVERITY_ERROR), 2);
	const ws_diag *e0 = ws_diags_at(dd, 0);
	cr_assert_str_eq(e0->message,
	                 "护照号码: required field is missing (the data has 'pasport_no' here: write 'passport_no')");
	cr_assert_eq(e0->loc.line, 9, "at the misspelt key");
	cr_assert_eq(e0->loc.column, 7);
	const ws_diag *e1 = ws_diags_at(dd, 1);
	cr_assert_str_eq(e1->message, "required field is missing", "employer: null is written, not misspelt");
	cr_assert_eq(e1->loc.line, 10, "at the null");
	ws_diags_free(dd);
	ws_value_unref(g);
	ws_layout_free(l);
	ws_diags_free(d);
}

/* Every shipped layout loads with the real loader and the real plugins. */
Test(layout, every_shipped_layout_loads)
{
	GDir *dir = g_dir_open(WS_TEST_SOURCE_DIR "/layouts", 0, NULL);
	cr_assert_not_null(dir);
	const char *name;
	int n = 0;
	while ((name = g_dir_read_name(dir))) {
		/* packets.yaml is the packet file (test_packet.c), not a layout */
		if (!g_str_has_suffix(name, ".yaml") || strcmp(name, "packets.yaml") == 0)
			continue;
		char *path = g_build_filename(WS_TEST_SOURCE_DIR "/layouts", name, NULL);
		ws_layout *l = NULL;
		ws_diags *d = ws_diags_new();
		int rc = ws_layout_load_file(&l, path, registry, d);
		for (size_t i = 0; i < ws_diags_count(d); i++) {
			char *s = ws_diag_format(ws_diags_at(d, i));
			cr_log_error("%s", s);
			g_free(s);
		}
		cr_expect_eq(rc, WS_OK, "%s loads", name);
		ws_layout_free(l);
		ws_diags_free(d);
		g_free(path);
		n++;
	}
	g_dir_close(dir);
	cr_assert_geq(n, 1, "layouts/ holds layouts");
}
