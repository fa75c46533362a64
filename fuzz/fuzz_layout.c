/* Fuzz target: the layout loader (ws_layout_load_buffer) with the real
 * plugin registry from the build tree, so plugin element types (barcode)
 * and the visa kinds are checked as in production. */
#include <stdlib.h>

#include "fuzz.h"
#include "wenshu.h"
#include "ws-config.h"

static ws_registry *registry;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ws_fuzz_setup_env();
	ws_diags *d = ws_diags_new();
	if (ws_registry_new(&registry) != WS_OK ||
	    ws_registry_add_dir(registry, WS_BUILD_DIR "/plugins", d) != WS_OK ||
	    ws_registry_load_all(registry, d) != WS_OK || ws_registry_kind_count(registry) == 0)
		abort();
	ws_diags_free(d);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ws_diags *d = ws_diags_new();
	ws_layout *l = NULL;
	int rc = ws_layout_load_buffer(&l, (const char *)data, size, WS_SOURCE_DIR "/fuzz/l.yaml",
	                               registry, d);
	if ((rc == WS_OK) != (l != NULL) || (rc != WS_OK && !ws_diags_has_errors(d)))
		__builtin_trap();
	if (l) {
		double w, h;
		ws_layout_page_size(l, &w, &h);
		/* A loaded layout's page is finite, positive and within the limit. */
		if (!(w > 0 && h > 0 && w <= WS_LIMIT_PAGE_SIDE_PT && h <= WS_LIMIT_PAGE_SIDE_PT))
			__builtin_trap();
		(void)ws_layout_kind(l);
		(void)ws_layout_title(l);
	}
	ws_fuzz_diags(d);
	ws_layout_free(l);
	ws_diags_free(d);
	return 0;
}
