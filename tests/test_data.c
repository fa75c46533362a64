/* Data files: YAML/JSON group files, CSV grouping, and their errors. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "data.h"
#include "diag.h"
#include "support.h"
#include "value.h"

#define SAMPLES WS_TEST_SOURCE_DIR "/examples/data/"

static ws_dataset *load_ok_as(const char *name, const char *src)
{
	ws_diags *d = ws_diags_new();
	ws_dataset *ds = NULL;
	int rc = ws_data_load_buffer(&ds, src, strlen(src), name, d);
	for (size_t i = 0; rc != WS_OK && i < ws_diags_count(d); i++) {
		char *s = ws_diag_format(ws_diags_at(d, i));
		cr_log_error("%s", s);
		g_free(s);
	}
	cr_assert_eq(rc, WS_OK);
	cr_assert(!ws_diags_has_errors(d));
	ws_diags_free(d);
	return ds;
}

static ws_dataset *load_file_ok(const char *path)
{
	ws_diags *d = ws_diags_new();
	ws_dataset *ds = NULL;
	int rc = ws_data_load_file(&ds, path, d);
	for (size_t i = 0; rc != WS_OK && i < ws_diags_count(d); i++) {
		char *s = ws_diag_format(ws_diags_at(d, i));
		cr_log_error("%s", s);
		g_free(s);
	}
	cr_assert_eq(rc, WS_OK, "%s", path);
	cr_assert_eq(ws_diags_count(d), 0, "%s", path);
	ws_diags_free(d);
	return ds;
}

/* Loading `src` as `name` fails; the first error is at line:col and
 * mentions `what`.  Returns the diagnostics for further checks. */
static ws_diags *expect_error_as(const char *name, const char *src, unsigned line, unsigned col,
                                 const char *what)
{
	ws_diags *d = ws_diags_new();
	ws_dataset *ds = (ws_dataset *)0x1;
	cr_assert_eq(ws_data_load_buffer(&ds, src, strlen(src), name, d), WS_EINPUT, "%s", what);
	cr_assert_null(ds, "%s: nothing half-loaded", what);
	const ws_diag *e = NULL;
	for (size_t i = 0; i < ws_diags_count(d) && !e; i++)
		if (ws_diags_at(d, i)->severity == WS_SEVERITY_ERROR)
			e = ws_diags_at(d, i);
	cr_assert_not_null(e, "%s: no error", what);
	char *s = ws_diag_format(e);
	cr_assert_str_eq(e->loc.file, name, "%s: in %s", what, s);
	cr_assert(e->loc.line == line && e->loc.column == col, "%s: expected %u:%u, got: %s", what, line, col, s);
	cr_assert(strstr(e->message, what) != NULL, "expected '%s' in: %s", what, s);
	g_free(s);
	return d;
}

static void expect_error(const char *name, const char *src, unsigned line, unsigned col,
                         const char *what)
{
	ws_diags_free(expect_error_as(name, src, line, col, what));
}

/* The first note of `d` is at line:col. */
static void expect_note(const ws_diags *d, unsigned line, unsigned col)
{
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		const ws_diag *n = ws_diags_at(d, i);
		if (n->severity == WS_SEVERITY_NOTE) {
			cr_assert(n->loc.line == line && n->loc.column == col, "note at %u:%u, expected %u:%u",
			          n->loc.line, n->loc.column, line, col);
			return;
		}
	}
	cr_assert_fail("no note");
}

static void assert_loc(ws_loc l, unsigned line, unsigned col)
{
	cr_assert(l.line == line && l.column == col, "expected %u:%u, got %u:%u", line, col,
	          l.line, l.column);
}

Test(data, bundled_yaml_samples)
{
	struct { const char *file, *id; size_t applicants; } s[] = {
		{"self-beijing.yaml", "G2025-TEST-001", 1},
		{"delegated-shanghai.yaml", "G2025-TEST-002", 3},
		{"invalid.yaml", "G2025-TEST-BAD", 2},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(s); i++) {
		char *path = g_strconcat(SAMPLES, s[i].file, NULL);
		ws_dataset *ds = load_file_ok(path);
		cr_assert_eq(ws_dataset_count(ds), 1);
		cr_assert_str_eq(ws_dataset_path(ds), path);
		ws_value *g = ws_dataset_group(ds, 0);
		cr_assert_str_eq(ws_value_text(ws_value_map_get(g, "group_id")), s[i].id);
		cr_assert_eq(ws_value_length(ws_value_map_get(g, "applicants")), s[i].applicants);
		cr_assert_eq(ws_dataset_find(ds, s[i].id), g);
		cr_assert_null(ws_dataset_group(ds, 1));
		ws_dataset_free(ds);
		g_free(path);
	}
	ws_dataset_free(NULL);
	cr_assert_eq(ws_dataset_count(NULL), 0);
}

Test(data, json_data_file)
{
	ws_dataset *ds = load_file_ok(WS_TEST_SOURCE_DIR "/tests/data/group.json");
	cr_assert_eq(ws_dataset_count(ds), 1);
	ws_value *g = ws_dataset_find(ds, "G2025-JSON-001");
	cr_assert_not_null(g);
	cr_assert_str_eq(ws_value_text(ws_value_lookup(g, "us_itinerary[1]")), "纽约");
	ws_dataset_free(ds);
}

Test(data, groups_list_and_duplicate_ids)
{
	ws_dataset *ds = load_ok_as("d.yaml", "groups:\n  - {group_id: G1}\n  - group_id: G2\n"
	                                      "    route: self\n");
	cr_assert_eq(ws_dataset_count(ds), 2);
	cr_assert_str_eq(ws_value_text(ws_value_map_get(ws_dataset_group(ds, 1), "route")), "self");
	ws_dataset_free(ds);

	ws_diags *d = expect_error_as("d.yaml", "groups:\n  - {group_id: G1}\n  - {group_id: G2}\n"
	                              "  - {group_id: G1}\n", 4, 16, "duplicate group_id 'G1'");
	expect_note(d, 2, 16);
	ws_diags_free(d);
}

/* A data file that fails to load: its name (the type is its extension),
 * its text, and the error's line:col and message. */
typedef struct load_error {
	const char *name, *src;
	unsigned line, col;
	const char *what;
} load_error;

static const load_error shape_errors[] = {
	{"d.yaml", "- a\n- b\n", 1, 1, "must be a map with 'group:' or 'groups:', not a list"},
	{"d.yaml", "", 1, 1, "the data file is empty"},
	{"d.yaml", "group: {group_id: G1}\nextra: 1\n", 2, 1, "unknown top-level key 'extra'"},
	{"d.yaml", "meta: 1\n", 1, 1, "unknown top-level key 'meta'"},
	{"d.yaml", "group: [1, 2]\n", 1, 8, "'group' must be a map"},
	{"d.yaml", "groups: {group_id: G1}\n", 1, 9, "'groups' must be a list"},
	{"d.yaml", "groups: []\n", 1, 9, "'groups' is empty"},
	{"d.yaml", "groups:\n  - G1\n", 2, 5, "a group must be a map"},
	{"d.yaml", "group:\n  route: self\n", 2, 3, "group has no group_id"},
	{"d.yaml", "group:\n  group_id: ~\n", 2, 13, "group has no group_id"},
	{"d.yaml", "group:\n  group_id: [a]\n", 2, 13, "group_id must be text"},
	/* Loader errors come through with their positions. */
	{"d.json", "{\"group\": {\"group_id\": \"G1\", \"group_id\": \"G2\"}}", 1, 30, "duplicate key 'group_id'"},
};

ParameterizedTestParameters(data, top_level_shape_errors)
{
	return wst_case_indices(G_N_ELEMENTS(shape_errors));
}

ParameterizedTest(size_t *i, data, top_level_shape_errors)
{
	const load_error *c = &shape_errors[*i];
	expect_error(c->name, c->src, c->line, c->col, c->what);
}

/* The second of `group:` and `groups:` is the error; a note points at the
 * first. */
Test(data, group_and_groups_together)
{
	ws_diags *d = expect_error_as("d.yaml", "group: {group_id: G1}\ngroups: []\n", 2, 1, "not both");
	expect_note(d, 1, 1);
	ws_diags_free(d);
}

Test(data, unknown_extension)
{
	expect_error("d.txt", "group: {group_id: G1}\n", 0, 0, "unknown data file type '.txt'");
	ws_diags *d = ws_diags_new();
	ws_dataset *ds = NULL;
	cr_assert_eq(ws_data_load_file(&ds, "/nonexistent/x.xlsx", d), WS_EINPUT);
	cr_assert(strstr(ws_diags_at(d, 0)->message, "'.xlsx'"));
	ws_diags_clear(d);
	cr_assert_eq(ws_data_load_file(&ds, "/nonexistent/x.csv", d), WS_EIO);
	cr_assert_null(ds);
	ws_diags_free(d);
}

Test(data, csv_fifo_is_refused, .timeout = 10)
{
	GError *err = NULL;
	char *dir = g_dir_make_tmp("wenshu-data-XXXXXX", &err);
	cr_assert_not_null(dir);
	char *fifo = g_build_filename(dir, "rows.csv", NULL);
	cr_assert_eq(mkfifo(fifo, 0600), 0, "mkfifo: %s", g_strerror(errno));
	ws_diags *d = ws_diags_new();
	ws_dataset *ds = NULL;
	cr_assert_eq(ws_data_load_file(&ds, fifo, d), WS_EINPUT);
	cr_assert(strstr(ws_diags_at(d, 0)->message, "not a regular file"));
	ws_diags_free(d);
	g_unlink(fifo);
	g_rmdir(dir);
	g_free(fifo);
	g_free(dir);
}

/* Every value the YAML group holds, the CSV group holds equally (the CSV
 * may hold more: its columns are the union of both groups' fields). */
static void assert_contained(const ws_value *yaml, const ws_value *csv, const char *path)
{
	if (ws_value_get_type(yaml) == WS_VALUE_MAP) {
		cr_assert_eq(ws_value_get_type(csv), WS_VALUE_MAP, "%s is not a map in the CSV", path);
		for (size_t i = 0; i < ws_value_length(yaml); i++) {
			const char *k = ws_value_map_key_at(yaml, i);
			char *sub = g_strdup_printf("%s.%s", path, k);
			ws_value *c = ws_value_map_get(csv, k);
			cr_assert(c != NULL || ws_value_is_null(ws_value_map_value_at(yaml, i)),
			          "%s missing from the CSV", sub);
			assert_contained(ws_value_map_value_at(yaml, i), c, sub);
			g_free(sub);
		}
		return;
	}
	if (ws_value_get_type(yaml) == WS_VALUE_LIST &&
	    ws_value_get_type(ws_value_list_at(yaml, 0)) == WS_VALUE_MAP) {
		cr_assert_eq(ws_value_length(csv), ws_value_length(yaml), "%s: length", path);
		for (size_t i = 0; i < ws_value_length(yaml); i++) {
			char *sub = g_strdup_printf("%s[%zu]", path, i);
			assert_contained(ws_value_list_at(yaml, i), ws_value_list_at(csv, i), sub);
			g_free(sub);
		}
		return;
	}
	char *a = ws_value_to_string(yaml), *b = ws_value_to_string(csv);
	cr_assert(ws_value_equal(yaml, csv), "%s: YAML %s (%s) but CSV %s (%s)", path, a,
	          ws_value_type_name(ws_value_get_type(yaml)), b,
	          ws_value_type_name(ws_value_get_type(csv)));
	g_free(a);
	g_free(b);
}

Test(data, csv_sample_matches_the_yaml_samples)
{
	ws_dataset *csv = load_file_ok(SAMPLES "sample-groups.csv");
	cr_assert_eq(ws_dataset_count(csv), 2);
	const char *yamls[] = {SAMPLES "self-beijing.yaml", SAMPLES "delegated-shanghai.yaml"};
	for (size_t i = 0; i < 2; i++) {
		ws_dataset *y = load_file_ok(yamls[i]);
		ws_value *yg = ws_dataset_group(y, 0), *cg = ws_dataset_group(csv, i);
		assert_contained(yg, cg, "group");
		/* Key fields, named explicitly so a broken walk cannot hide them. */
		const char *keys[] = {"group_id", "route", "us_itinerary", "contact.mobile",
		                      "payment.total_cny", "payment.applicant_count", "note.number",
		                      "delivery.address.postal_code", "applicants[0].passport_no",
		                      "applicants[0].date_of_birth", "applicants[0].home_phone"};
		for (size_t k = 0; k < G_N_ELEMENTS(keys); k++)
			cr_assert(ws_value_equal(ws_value_lookup(yg, keys[k]), ws_value_lookup(cg, keys[k])),
			          "%s differs", keys[k]);
		cr_assert_eq(ws_value_length(ws_value_map_get(cg, "applicants")),
		             ws_value_length(ws_value_map_get(yg, "applicants")));
		ws_dataset_free(y);
	}
	ws_dataset_free(csv);
}

Test(data, csv_groups_rows_in_first_appearance_order)
{
	const char *src =
		"group_id,group.route,group.contact.mobile,group.us_itinerary,applicants.name_zh,"
		"applicants.address.city,applicants.count\n"
		"G2,self,\"13800000000\",华盛顿;纽约,甲,北京市,1\n"
		"G1,delegated,,洛杉矶、 旧金山,乙,,\n"
		"G2,,,,丙,上海市,2\n"
		",,,,,,\n"
		"G1,delegated,\"13900000000\",洛杉矶、旧金山,,,\n";
	ws_dataset *ds = load_ok_as("g.csv", src);
	cr_assert_eq(ws_dataset_count(ds), 2);
	ws_value *g2 = ws_dataset_group(ds, 0), *g1 = ws_dataset_group(ds, 1);
	cr_assert_str_eq(ws_value_text(ws_value_map_get(g2, "group_id")), "G2");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(g1, "group_id")), "G1");
	/* Quoted cells are strings; unquoted ones are typed. */
	ws_value *mobile = ws_value_lookup(g2, "contact.mobile");
	cr_assert_eq(ws_value_get_type(mobile), WS_VALUE_STRING);
	cr_assert_str_eq(ws_value_text(mobile), "13800000000");
	assert_loc(ws_value_loc(mobile), 2, 9);
	cr_assert_eq(ws_value_get_type(ws_value_lookup(g2, "applicants[1].count")), WS_VALUE_NUMBER);
	/* An empty cell on the first row is null until a later row fills it. */
	ws_value *m1 = ws_value_lookup(g1, "contact.mobile");
	cr_assert_str_eq(ws_value_text(m1), "13900000000");
	assert_loc(ws_value_loc(m1), 6, 14);
	/* Applicants in row order; a row with no applicant cells adds none. */
	ws_value *apps = ws_value_map_get(g2, "applicants");
	cr_assert_eq(ws_value_length(apps), 2);
	cr_assert_str_eq(ws_value_text(ws_value_lookup(apps, "[0].name_zh")), "甲");
	cr_assert_str_eq(ws_value_text(ws_value_lookup(apps, "[1].address.city")), "上海市");
	assert_loc(ws_value_loc(ws_value_lookup(apps, "[1].name_zh")), 4, 7);
	cr_assert_eq(ws_value_length(ws_value_map_get(g1, "applicants")), 1);
	cr_assert(ws_value_is_null(ws_value_lookup(g1, "applicants[0].address.city")));
	cr_assert(ws_value_is_null(ws_value_lookup(g1, "applicants[0].count")));
	/* Lists split on ';' and '、', trimmed, each item at its own column. */
	ws_value *it = ws_value_map_get(g1, "us_itinerary");
	cr_assert_eq(ws_value_length(it), 2);
	cr_assert_str_eq(ws_value_text(ws_value_list_at(it, 0)), "洛杉矶");
	cr_assert_str_eq(ws_value_text(ws_value_list_at(it, 1)), "旧金山");
	assert_loc(ws_value_loc(ws_value_list_at(it, 0)), 3, 15);
	assert_loc(ws_value_loc(ws_value_list_at(it, 1)), 3, 20);
	assert_loc(ws_value_loc(ws_value_list_at(ws_value_map_get(g2, "us_itinerary"), 1)), 2, 27);
	/* Keys are located at their header cell. */
	assert_loc(ws_value_map_key_loc(g2, 1), 1, 10);
	ws_dataset_free(ds);
}

Test(data, csv_conflicting_rows_name_both_lines)
{
	ws_diags *d = expect_error_as("c.csv", "group.group_id,group.route,applicants.name_zh\n"
	                              "G1,self,甲\nG1,self,乙\nG1,delegated,丙\n",
	                              4, 4, "group 'G1': group.route is \"delegated\" on line 4 "
	                              "but \"self\" on line 2");
	expect_note(d, 2, 4);
	ws_diags_free(d);
	/* Numbers compare by value, lists by content. */
	ws_dataset *ds = load_ok_as("c.csv", "group_id,n,us_itinerary\nG1,1,a;b\nG1,1.0,a ; b\n");
	ws_dataset_free(ds);
	d = expect_error_as("c.csv", "group_id,us_itinerary\nG1,a;b\nG1,a;c\n", 3, 4,
	                    "us_itinerary is [\"a\", \"c\"] on line 3");
	ws_diags_free(d);
}

Test(data, csv_bad_quotes)
{
	expect_error("q.csv", "group_id,name\nG1,\"open\nG2,x\n", 2, 4, "quoted cell is not closed");
	expect_error("q.csv", "group_id,name\nG1,ab\"c\n", 2, 6, "quote character inside an unquoted");
	expect_error("q.csv", "group_id,name\nG1,\"ab\"c\n", 2, 8, "text after the closing quote");
	/* Quotes done right: doubled quotes, delimiters and line breaks inside. */
	ws_dataset *ds = load_ok_as("q.csv", "group_id,name,n\nG1,\"a \"\"b\"\", c\nd\",x\n");
	ws_value *g = ws_dataset_group(ds, 0);
	cr_assert_str_eq(ws_value_text(ws_value_map_get(g, "name")), "a \"b\", c\nd");
	assert_loc(ws_value_loc(ws_value_map_get(g, "n")), 3, 4);
	ws_dataset_free(ds);
}

static const load_error csv_errors[] = {
	{"h.csv", "route,name\nself,x\n", 1, 1, "no group.group_id column"},
	{"h.csv", "group_id,contact,contact.mobile\nG1,a,b\n", 1, 18, "column 'contact.mobile' is inside column 'contact'"},
	{"h.csv", "group_id,contact.mobile,contact\nG1,a,b\n", 1, 25, "column 'contact' holds a value"},
	{"h.csv", "group_id,,x\nG1,a,b\n", 1, 10, "empty column name"},
	{"h.csv", "group_id,a..b\nG1,a\n", 1, 10, "bad column name 'a..b'"},
	{"h.csv", "group_id,applicants\nG1,a\n", 1, 10, "applicant fields are named"},
	{"h.csv", "group_id,a\nG1,x,extra\n", 2, 6, "this row has 3 cells"},
	{"h.csv", "group_id,a\nG1,x\n,y\n", 3, 1, "this row has no group.group_id"},
	{"h.csv", "group_id,a\nG1,1e999\n", 2, 4, "number out of range"},
	{"h.csv", "", 1, 1, "the CSV file is empty"},
	{"h.csv", "group_id,a\n", 1, 1, "no data rows"},
	{"h.csv", "group_id,a\nG1,\xff\n", 2, 4, "invalid UTF-8"},
};

ParameterizedTestParameters(data, csv_header_and_row_errors)
{
	return wst_case_indices(G_N_ELEMENTS(csv_errors));
}

ParameterizedTest(size_t *i, data, csv_header_and_row_errors)
{
	const load_error *c = &csv_errors[*i];
	expect_error(c->name, c->src, c->line, c->col, c->what);
}

/* A duplicate column is the error at the second; a note points at the
 * first. */
Test(data, csv_duplicate_column_notes_the_first)
{
	ws_diags *d = expect_error_as("h.csv", "group_id,route,group.route\nG1,a,b\n", 1, 16,
	                              "duplicate column 'group.route'");
	expect_note(d, 1, 10);
	ws_diags_free(d);
}

Test(data, csv_bom_is_stripped)
{
	ws_diags *d = ws_diags_new();
	ws_dataset *ds = NULL;
	const char *src = "\xEF\xBB\xBFgroup_id,name\r\nG1,贾\r\n";
	cr_assert_eq(ws_data_load_buffer(&ds, src, strlen(src), "b.csv", d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 1);
	cr_assert_eq(ws_diags_at(d, 0)->severity, WS_SEVERITY_WARNING);
	ws_value *g = ws_dataset_find(ds, "G1");
	cr_assert_not_null(g, "the first column is group_id, not \"\\uFEFFgroup_id\"");
	assert_loc(ws_value_loc(ws_value_map_get(g, "name")), 2, 4);
	ws_dataset_free(ds);
	ws_diags_free(d);
}

/* ---- ws_data_each: the same file, group by group ----------------------- */

static char *write_temp(const char *name, const char *src)
{
	char *dir = g_dir_make_tmp("wsdata-XXXXXX", NULL);
	cr_assert_not_null(dir);
	char *path = g_build_filename(dir, name, NULL);
	cr_assert(g_file_set_contents(path, src, -1, NULL));
	g_free(dir);
	return path;
}

static char *diags_text(const ws_diags *d)
{
	GString *s = g_string_new(NULL);
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		char *line = ws_diag_format(ws_diags_at(d, i));
		g_string_append_printf(s, "%s\n", line);
		g_free(line);
	}
	return g_string_free(s, FALSE);
}

typedef struct seen {
	GPtrArray *ids;  /* group_id per call */
	GArray *index;   /* index per call */
	size_t stop_after;
} seen;

static bool record(ws_value *group, size_t index, void *user)
{
	seen *s = user;
	g_ptr_array_add(s->ids, g_strdup(ws_value_text(ws_value_map_get(group, "group_id"))));
	g_array_append_val(s->index, index);
	return s->ids->len < s->stop_after;
}

static seen *seen_new(size_t stop_after)
{
	seen *s = g_new0(seen, 1);
	s->ids = g_ptr_array_new_with_free_func(g_free);
	s->index = g_array_new(FALSE, FALSE, sizeof(size_t));
	s->stop_after = stop_after;
	return s;
}

static void seen_free(seen *s)
{
	g_ptr_array_unref(s->ids);
	g_array_unref(s->index);
	g_free(s);
}

Test(data, each_reports_what_loading_reports)
{
	/* Every shape error of a whole load, found reading group by group: the
	 * same messages at the same places. */
	const char *cases[] = {
		"- a\n- b\n", "", "group: {group_id: G1}\nextra: 1\n", "group: {group_id: G1}\ngroups: []\n",
		"meta: 1\n", "group: [1, 2]\n", "groups: {group_id: G1}\n", "groups: []\n", "groups:\n  - G1\n",
		"group:\n  route: self\n", "groups:\n  - {group_id: G1}\n  - {group_id: G2}\n  - {group_id: G1}\n",
		"groups:\n  - {group_id: G1}\n  - {group_id: [x]}\n  - {group_id: G3}\n",
		"groups:\n  - {group_id: G1}\n  - {group_id: G2\n", "extra: 1\ngroups:\n  - {group_id: G1}\n",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *path = write_temp("d.yaml", cases[i]);
		ws_diags *whole = ws_diags_new(), *each = ws_diags_new();
		ws_dataset *ds = NULL;
		int rc_whole = ws_data_load_file(&ds, path, whole);
		seen *s = seen_new(SIZE_MAX);
		int rc_each = ws_data_each(path, record, s, each);
		cr_assert_eq(rc_whole, WS_EINPUT, "case %zu", i);
		cr_assert_eq(rc_each, rc_whole, "case %zu", i);
		char *a = diags_text(whole), *b = diags_text(each);
		cr_assert_str_eq(b, a, "case %zu:\n%s", i, cases[i]);
		g_free(a);
		g_free(b);
		seen_free(s);
		ws_diags_free(whole);
		ws_diags_free(each);
		g_free(path);
	}
}

Test(data, each_hands_over_groups_in_order)
{
	/* An anchor in one group used by a later one still resolves. */
	char *path = write_temp("d.yaml", "groups:\n"
	                                  "  - {group_id: G1, contact: &c {name: 张三}}\n"
	                                  "  - {group_id: G2, contact: *c}\n"
	                                  "  - {group_id: G3}\n");
	seen *s = seen_new(SIZE_MAX);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_data_each(path, record, s, d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 0);
	cr_assert_eq(s->ids->len, 3);
	for (guint i = 0; i < 3; i++) {
		char want[8];
		g_snprintf(want, sizeof want, "G%u", i + 1);
		cr_assert_str_eq(g_ptr_array_index(s->ids, i), want);
		cr_assert_eq(g_array_index(s->index, size_t, i), i);
	}
	seen_free(s);

	/* Stopping after the second: the third is never seen. */
	s = seen_new(2);
	cr_assert_eq(ws_data_each(path, record, s, d), WS_OK);
	cr_assert_eq(s->ids->len, 2);
	seen_free(s);

	/* A bad group is reported and skipped; the index still counts it. */
	g_free(path);
	path = write_temp("d.yaml", "groups:\n  - {group_id: G1}\n  - {route: self}\n  - {group_id: G3}\n");
	s = seen_new(SIZE_MAX);
	cr_assert_eq(ws_data_each(path, record, s, d), WS_EINPUT);
	cr_assert_eq(s->ids->len, 2);
	cr_assert_eq(g_array_index(s->index, size_t, 1), 2);
	seen_free(s);
	ws_diags_free(d);
	g_free(path);

	/* One `group:` and a CSV file come through the same way. */
	const char *files[] = {SAMPLES "self-beijing.yaml", SAMPLES "sample-groups.csv",
	                       WS_TEST_SOURCE_DIR "/tests/data/group.json"};
	size_t counts[] = {1, 2, 1};
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		ws_dataset *ds = load_file_ok(files[i]);
		s = seen_new(SIZE_MAX);
		d = ws_diags_new();
		cr_assert_eq(ws_data_each(files[i], record, s, d), WS_OK, "%s", files[i]);
		cr_assert_eq(s->ids->len, counts[i], "%s", files[i]);
		for (guint k = 0; k < s->ids->len; k++)
			cr_assert_str_eq(g_ptr_array_index(s->ids, k),
			                 ws_value_text(ws_value_map_get(ws_dataset_group(ds, k), "group_id")));
		seen_free(s);
		ws_diags_free(d);
		ws_dataset_free(ds);
	}
}

/* note.number is the note's number; note.no (PyYAML reads `no:` as false)
 * is still accepted: either way both spellings hold it, at the place it
 * was written; two different numbers are an error at the first. */
Test(data, note_number_and_its_old_spelling)
{
	ws_dataset *ds = load_ok_as("n.yaml", "groups:\n"
	                                      "  - {group_id: A, note: {number: （2025）测签字第001号}}\n"
	                                      "  - {group_id: B, note: {\"no\": （2025）测签字第002号}}\n");
	for (size_t i = 0; i < 2; i++) {
		const ws_value *g = ws_dataset_group(ds, i);
		ws_value *number = ws_value_lookup(g, "note.number"), *no = ws_value_lookup(g, "note.no");
		cr_assert(number && no && ws_value_equal(number, no));
		assert_loc(ws_value_loc(number), 2 + (unsigned)i, i ? 32 : 34);
	}
	ws_dataset_free(ds);
	ws_diags *d = expect_error_as("n.yaml", "group:\n  group_id: A\n  note:\n    number: X1\n    \"no\": X2\n", 4, 13,
	                              "two numbers");
	expect_note(d, 5, 11);
	ws_diags_free(d);
}
