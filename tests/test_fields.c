/* The field table of a group (core/load/fields.c): its shape (unique
 * paths, a parent for every nested one, closed sets only on text, examples
 * of the declared type and in their set) and docs/fields.md against it
 * both ways — every row of the doc's input-field tables is a field of the
 * table with the same 中文标签, value column and example, and every field
 * of the table is named in the doc.  The schema written from the table is
 * `wenshu schema data` (test_schema.c). */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "fields.h"

TestSuite(fields);

static const ws_data_field *group_field(const char *path)
{
	for (size_t i = 0; ws_data_field_at(i); i++)
		if (strcmp(ws_data_field_at(i)->path, path) == 0)
			return ws_data_field_at(i);
	return NULL;
}

static const ws_data_field *address_field(const char *path)
{
	for (size_t i = 0; ws_address_field_at(i); i++)
		if (strcmp(ws_address_field_at(i)->path, path) == 0)
			return ws_address_field_at(i);
	return NULL;
}

Test(fields, ends_with_null)
{
	size_t n = 0, a = 0;
	while (ws_data_field_at(n))
		n++;
	while (ws_address_field_at(a))
		a++;
	cr_assert_geq(n, 80, "%zu group fields", n);
	cr_assert_eq(a, 7, "%zu address fields (DOMAIN §4.3)", a);
	cr_assert_null(ws_data_field_at(n + 1));
	cr_assert_null(ws_address_field_at(a + 100));
	cr_assert_str_eq(ws_data_field_at(0)->path, "group_id");
}

/* "x.y" needs the map "x", "x[].y" the list "x", and no path twice. */
Test(fields, nested_paths_have_their_parent)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (size_t i = 0; ws_data_field_at(i); i++) {
		const ws_data_field *f = ws_data_field_at(i);
		cr_assert(g_hash_table_add(seen, (gpointer)f->path), "%s is in the table twice", f->path);
		const char *list = strstr(f->path, "[].");
		const char *dot = strchr(f->path, '.');
		if (!list && !dot)
			continue;
		const char *end = list ? list : dot;
		char *parent = g_strndup(f->path, (size_t)(end - f->path));
		const ws_data_field *p = group_field(parent);
		cr_assert_not_null(p, "%s has no parent %s", f->path, parent);
		cr_assert_eq(p->type, list ? WS_FIELD_LIST : WS_FIELD_MAP, "%s: %s is not a %s", f->path, parent,
		             list ? "list" : "map");
		g_free(parent);
	}
	g_hash_table_unref(seen);
}

static bool matches(const char *re, const char *s)
{
	return g_regex_match_simple(re, s, 0, 0);
}

/* An example is what the samples hold: of the field's type, in its set. */
static void check_example(const ws_data_field *f)
{
	if (f->values) {
		cr_assert_eq(f->type, WS_FIELD_TEXT, "%s: a closed set on a non-text field", f->path);
		cr_assert_not_null(f->values[0], "%s: an empty closed set", f->path);
		bool in = !f->example;
		for (size_t k = 0; f->values[k] && !in; k++)
			in = strcmp(f->values[k], f->example) == 0;
		cr_assert(in, "%s: the example %s is not one of its values", f->path, f->example);
	}
	if (!f->example)
		return;
	static const char *const pattern[] = {
		[WS_FIELD_DATE] = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
		[WS_FIELD_TIME] = "^[0-9]{1,2}:[0-9]{2}$",
		[WS_FIELD_INT] = "^[0-9]+$",
		[WS_FIELD_DECIMAL] = "^[0-9]+(\\.[0-9]+)?$",
	};
	if (f->type < G_N_ELEMENTS(pattern) && pattern[f->type])
		cr_assert(matches(pattern[f->type], f->example), "%s: the example %s", f->path, f->example);
	cr_assert(f->type != WS_FIELD_MAP && f->type != WS_FIELD_LIST && f->type != WS_FIELD_ADDRESS,
	          "%s: a map has no example", f->path);
}

Test(fields, examples_fit_their_type_and_set)
{
	for (size_t i = 0; ws_data_field_at(i); i++)
		check_example(ws_data_field_at(i));
	for (size_t i = 0; ws_address_field_at(i); i++)
		check_example(ws_address_field_at(i));
}

/* The doc's "value" column for a field. */
static char *value_column(const ws_data_field *f)
{
	if (f->values) {
		GString *s = g_string_new(NULL);
		for (size_t k = 0; f->values[k]; k++)
			g_string_append_printf(s, "%s`%s`", k ? " \\| " : "", f->values[k]);
		return g_string_free(s, FALSE);
	}
	static const char *const words[] = {
		[WS_FIELD_TEXT] = "text",
		[WS_FIELD_DATE] = "date YYYY-MM-DD",
		[WS_FIELD_TIME] = "time HH:MM",
		[WS_FIELD_INT] = "whole number",
		[WS_FIELD_DECIMAL] = "decimal",
		[WS_FIELD_TEXT_LIST] = "list of texts",
		[WS_FIELD_ADDRESS] = "address (below)",
		[WS_FIELD_MAP] = "map",
		[WS_FIELD_LIST] = "list of applicants",
	};
	return g_strdup(words[f->type]);
}

static char *doc_text(void)
{
	char *doc = NULL;
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/docs/fields.md", &doc, NULL, NULL));
	return doc;
}

/* Every row of the tables under "## Input fields" (up to the next "## ")
 * is a field of the table, described as the table describes it. */
Test(fields, doc_rows_are_fields_of_the_table)
{
	char *doc = doc_text();
	char *start = strstr(doc, "\n## Input fields");
	cr_assert_not_null(start);
	char *end = strstr(start + 1, "\n## ");
	cr_assert_not_null(end);
	*end = '\0';
	bool in_address = false;
	size_t rows = 0;
	char **lines = g_strsplit(start, "\n", -1);
	for (char **l = lines; *l; l++) {
		if (g_str_has_prefix(*l, "### Address fields"))
			in_address = true;
		if (!g_str_has_prefix(*l, "| `"))
			continue;
		/* | `path` | 标签 | value | example | */
		char **cell = g_strsplit(*l, " | ", -1);
		cr_assert_eq(g_strv_length(cell), 4, "a row of four columns: %s", *l);
		char *path = g_strndup(cell[0] + 3, strlen(cell[0]) - 4);
		const ws_data_field *f = in_address ? address_field(path) : group_field(path);
		cr_assert_not_null(f, "docs/fields.md documents `%s`, which is in no table of core/load/fields.c", path);
		cr_assert_str_eq(cell[1], f->label, "%s: the doc's 中文标签", path);
		char *value = value_column(f);
		cr_assert_str_eq(cell[2], value, "%s: the doc's value column", path);
		char *example = f->example ? g_strdup_printf("`%s` |", f->example) : g_strdup("|");
		cr_assert_str_eq(g_strstrip(cell[3]), example, "%s: the doc's example", path);
		g_free(example);
		g_free(value);
		g_free(path);
		g_strfreev(cell);
		rows++;
	}
	cr_assert_geq(rows, 80);
	g_strfreev(lines);
	g_free(doc);
}

/* And the other way: the doc names every field of the table, as `path`. */
Test(fields, every_field_is_in_the_doc)
{
	char *doc = doc_text();
	size_t n = 0;
	for (const ws_data_field *f; (f = ws_data_field_at(n)); n++) {
		char *want = g_strdup_printf("`%s`", f->path);
		cr_assert(strstr(doc, want), "docs/fields.md does not name the input field %s", want);
		g_free(want);
	}
	for (size_t i = 0; ws_address_field_at(i); i++) {
		char *want = g_strdup_printf("`%s`", ws_address_field_at(i)->path);
		cr_assert(strstr(doc, want), "docs/fields.md does not name the address field %s", want);
		g_free(want);
	}
	g_free(doc);
}
