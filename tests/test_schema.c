/* The input fields (core/load/fields.h) against the samples, and `wenshu
 * schema` as a command; the table against docs/fields.md is test_fields.c.
 * tests/schema_check.py validates the shipped layouts and samples against
 * the schemas themselves. */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "support.h"
#include "wenshu.h"

static bool known(const char *path, bool address)
{
	for (size_t i = 0; !address && ws_data_field_at(i); i++)
		if (strcmp(ws_data_field_at(i)->path, path) == 0)
			return true;
	for (size_t i = 0; address && ws_address_field_at(i); i++)
		if (strcmp(ws_address_field_at(i)->path, path) == 0)
			return true;
	return false;
}

/* Every key of `v` (at `prefix`) is a field of the table. */
static void walk(const ws_value *v, const char *prefix, bool address, const char *file)
{
	for (size_t i = 0; ws_value_get_type(v) == WS_VALUE_MAP && i < ws_value_length(v); i++) {
		const char *k = ws_value_map_key_at(v, i);
		char *path = g_strconcat(prefix, k, NULL);
		cr_assert(known(path, address), "%s: the key %s is in no table of core/load/fields.c", file, path);
		const ws_data_field *f = NULL;
		for (size_t j = 0; !address && ws_data_field_at(j); j++)
			if (strcmp(ws_data_field_at(j)->path, path) == 0)
				f = ws_data_field_at(j);
		const ws_value *c = ws_value_map_value_at(v, i);
		if (f && f->type == WS_FIELD_ADDRESS) {
			walk(c, "", true, file);
		} else if (f && f->type == WS_FIELD_MAP) {
			char *below = g_strconcat(path, ".", NULL);
			walk(c, below, false, file);
			g_free(below);
		} else if (f && f->type == WS_FIELD_LIST) {
			char *below = g_strconcat(path, "[].", NULL);
			for (size_t j = 0; j < ws_value_length(c); j++)
				walk(ws_value_list_at(c, j), below, false, file);
			g_free(below);
		}
		g_free(path);
	}
}

/* The samples hold no field the table (and so the schema and the docs)
 * does not know: a field added to the data format is added there. */
Test(schema, samples_hold_only_fields_of_the_table)
{
	const char *files[] = {"examples/data/self-beijing.yaml", "examples/data/delegated-shanghai.yaml",
	                       "examples/data/invalid.yaml", "examples/data/sample-groups.csv",
	                       "tests/data/group-30.yaml"};
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		char *path = g_build_filename(WS_TEST_SOURCE_DIR, files[i], NULL);
		ws_diags *d = ws_diags_new();
		ws_dataset *ds = NULL;
		cr_assert_eq(ws_data_load_file(&ds, path, d), WS_OK, "%s", path);
		for (size_t g = 0; g < ws_dataset_count(ds); g++)
			walk(ws_dataset_group(ds, g), "", false, files[i]);
		ws_dataset_free(ds);
		ws_diags_free(d);
		g_free(path);
	}
}

Test(schema, the_command)
{
	char *out = NULL, *err = NULL;
	const char *help[] = {"schema", "--help", NULL};
	cr_assert_eq(wst_wenshu(help, &out, &err), 0);
	cr_assert(strstr(out, "Usage: wenshu schema layout|data") && strstr(out, "yaml-language-server: $schema="), "%s",
	          out);
	g_free(out);
	g_free(err);
	const char *typo[] = {"schema", "layuot", NULL};
	cr_assert_eq(wst_wenshu(typo, &out, &err), 2);
	cr_assert(strstr(err, "wenshu: unknown schema 'layuot' (did you mean 'layout'?)"), "%s", err);
	cr_assert_str_eq(out, "");
	g_free(out);
	g_free(err);
	const char *none[] = {"schema", NULL};
	cr_assert_eq(wst_wenshu(none, &out, &err), 2);
	g_free(out);
	g_free(err);
	const char *data[] = {"schema", "data", NULL};
	cr_assert_eq(wst_wenshu(data, &out, &err), 0);
	cr_assert(g_str_has_prefix(out, "{\"$schema\": \"http://json-schema.org/draft-07/schema#\""), "%.200s", out);
	cr_assert(strstr(out, "\"fao_name\"") && strstr(out, "\"number\""), "%.200s", out);
	g_free(out);
	g_free(err);
}
