/* Fuzz target: the YAML loader (ws_yaml_load_buffer).  Every input must
 * end in a value or in diagnostics, within the limits of wslimits.h. */
#include "fuzz.h"
#include "wenshu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ws_diags *d = ws_diags_new();
	ws_value *v = NULL;
	int rc = ws_yaml_load_buffer(&v, (const char *)data, size, "fuzz.yaml", d);
	/* The contract: a value exactly when WS_OK, an error otherwise. */
	if ((rc == WS_OK) != (v != NULL) || (rc != WS_OK && !ws_diags_has_errors(d)))
		__builtin_trap();
	ws_fuzz_diags(d);
	ws_value_unref(v);
	ws_diags_free(d);
	return 0;
}
