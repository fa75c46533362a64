/* Fuzz target: the data loader (ws_data_load_buffer), and the group by
 * group reader (ws_data_each_buffer) checked against it.  The first byte
 * selects the format by the file name's extension (.yaml, .json, .csv);
 * the rest is the file. */
#include <glib.h>
#include <string.h>

#include "fuzz.h"
#include "wenshu.h"

/* Collects the group ids ws_data_each_buffer() hands over. */
static bool collect_id(ws_value *group, size_t index, void *user)
{
	(void)index;
	g_ptr_array_add(user, g_strdup(ws_value_text(ws_value_map_get(group, "group_id"))));
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"fuzz.yaml", "fuzz.json", "fuzz.csv"};
	if (size < 1)
		return 0;
	const char *name = names[data[0] % 3];
	ws_diags *d = ws_diags_new();
	ws_dataset *ds = NULL;
	int rc = ws_data_load_buffer(&ds, (const char *)data + 1, size - 1, name, d);
	if ((rc == WS_OK) != (ds != NULL) || (rc != WS_OK && !ws_diags_has_errors(d)))
		__builtin_trap();
	/* Walk what was loaded the way the CLI does. */
	for (size_t i = 0; i < ws_dataset_count(ds); i++) {
		ws_value *g = ws_dataset_group(ds, i);
		const char *id = ws_value_text(ws_value_map_get(g, "group_id"));
		if (!g || !id || ws_dataset_find(ds, id) == NULL)
			__builtin_trap();
	}
	/* Group by group (the batch path) must agree with the whole load:
	 * the same verdict, every diagnostic of the whole load (it may say
	 * more: a bad group read before a syntax error further down is
	 * reported too), and for a good file the same groups in order. */
	ws_diags *d2 = ws_diags_new();
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	int rc2 = ws_data_each_buffer((const char *)data + 1, size - 1, name, collect_id, ids, d2);
	if (rc2 != rc || (rc == WS_OK && ws_diags_count(d2) != ws_diags_count(d)))
		__builtin_trap();
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		char *want = ws_diag_format(ws_diags_at(d, i));
		bool found = false;
		for (size_t k = 0; k < ws_diags_count(d2) && !found; k++) {
			char *got = ws_diag_format(ws_diags_at(d2, k));
			found = strcmp(want, got) == 0;
			g_free(got);
		}
		g_free(want);
		if (!found)
			__builtin_trap();
	}
	if (rc == WS_OK) {
		if (ids->len != ws_dataset_count(ds))
			__builtin_trap();
		for (guint i = 0; i < ids->len; i++)
			if (g_strcmp0(g_ptr_array_index(ids, i),
			              ws_value_text(ws_value_map_get(ws_dataset_group(ds, i), "group_id"))) != 0)
				__builtin_trap();
	}
	g_ptr_array_unref(ids);
	ws_diags_free(d2);
	ws_fuzz_diags(d);
	ws_dataset_free(ds);
	ws_diags_free(d);
	return 0;
}
