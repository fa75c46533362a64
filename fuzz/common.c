/* Environment for the fuzz targets: the same isolation the test suite
 * gets from tests/meson.build, set here because libFuzzer runs the binary
 * directly, outside meson. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "wenshu.h"
#include "ws-config.h"

void ws_fuzz_setup_env(void)
{
	/* overwrite = 0: an explicit setting (meson's test env) wins. */
	setenv("FONTCONFIG_FILE", WS_SOURCE_DIR "/fonts/fonts.conf", 0);
	setenv("WENSHU_PLUGIN_PATH", WS_BUILD_DIR "/plugins", 0);
	setenv("WENSHU_LAYOUT_PATH", WS_SOURCE_DIR "/layouts", 0);
	setenv("XDG_CACHE_HOME", WS_BUILD_DIR "/test-cache", 0);
	setenv("SOURCE_DATE_EPOCH", "1741132800", 0);
	/* Font preparation writes a cache; it is not what is being fuzzed. */
	setenv("WENSHU_NO_FONTPREP", "1", 0);
}

void ws_fuzz_diags(const ws_diags *d)
{
	static int debug = -1;
	if (debug < 0)
		debug = g_getenv("WS_FUZZ_DEBUG") != NULL;
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		char *s = ws_diag_format(ws_diags_at(d, i));
		if (debug)
			fprintf(stderr, "%s\n", s);
		g_free(s);
	}
}
