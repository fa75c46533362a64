/* Fuzz target: the data loader (ws_data_load_buffer).  The first byte
 * selects the format by the file name's extension (.yaml, .json, .csv);
 * the rest is the file. */
#include <string.h>

#include "fuzz.h"
#include "wenshu.h"

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
	ws_fuzz_diags(d);
	ws_dataset_free(ds);
	ws_diags_free(d);
	return 0;
}
