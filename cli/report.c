/* The command line's one voice (report.h). */
#include <glib.h>
#include <unistd.h>

#include "report.h"

volatile sig_atomic_t ws_cli_interrupted;

int ws_cli_exit_status(int rc)
{
	switch (rc) {
	case WS_OK:
		return 0;
	case WS_EINPUT:
		return 1;
	case WS_EUSAGE:
		return 2;
	case WS_EINTERRUPTED:
		return 4;
	default:
		return 3;
	}
}

const char *ws_cli_safe(const char *s)
{
	static char *ring[16];
	static unsigned next;
	unsigned k = next++ % G_N_ELEMENTS(ring);
	g_free(ring[k]);
	ring[k] = ws_diag_escape(s ? s : "", -1);
	return ring[k];
}

void ws_cli_print_diags(const ws_diags *diags, bool quiet_notes)
{
	GString *buf = g_string_new(NULL);
	/* A packet validates one record once per document: say each thing once. */
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (size_t i = 0; i < ws_diags_count(diags); i++) {
		const ws_diag *d = ws_diags_at(diags, i);
		if (quiet_notes && d->severity == WS_SEVERITY_NOTE)
			continue;
		char *s = ws_diag_format(d);
		if (g_hash_table_add(seen, s))
			g_string_append_printf(buf, "%s\n", s);
	}
	g_hash_table_unref(seen);
	/* One write, so parallel workers never interleave inside a message. */
	if (buf->len)
		(void)!write(STDERR_FILENO, buf->str, buf->len);
	g_string_free(buf, TRUE);
}

int ws_cli_engine_open(ws_engine **out, bool prepare_fonts)
{
	ws_engine_options opts = WS_ENGINE_OPTIONS_INIT;
	opts.prepare_fonts = prepare_fonts;
	ws_diags *d = ws_diags_new();
	int rc = ws_engine_new(out, &opts, d);
	ws_cli_print_diags(d, true);
	ws_diags_free(d);
	return rc;
}
