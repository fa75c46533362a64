/* wenshu preview: PNG renders into a preview folder, again on every change
 * with --watch. */
#include <glib.h>
#include <stdio.h>
#include <sys/stat.h>

#include "commands.h"
#include "report.h"

static time_t mtime_of(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 ? st.st_mtime : 0;
}

int ws_cli_preview(int argc, char **argv)
{
	/* A preview is a PNG render into a preview folder, optionally repeated
	 * whenever the layout or the data changes. */
	char *data_path = NULL, *out_dir = NULL;
	gboolean watch = FALSE;
	double dpi = 100;
	GOptionEntry entries[] = {
		{"data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path, "Group data", "FILE"},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, "Folder for the PNGs (default out/preview)", "DIR"},
		{"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &dpi, "Resolution (default 100)", "N"},
		{"watch", 'w', 0, G_OPTION_ARG_NONE, &watch, "Render again whenever the layout or data changes", NULL},
		{NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	GOptionContext *ctx = g_option_context_new("LAYOUT|KIND - render PNG previews");
	g_option_context_add_main_entries(ctx, entries, NULL);
	GError *gerr = NULL;
	if (!g_option_context_parse(ctx, &argc, &argv, &gerr) || argc != 2 || !data_path) {
		fprintf(stderr, "usage: wenshu preview LAYOUT|KIND --data FILE [-o DIR] [--watch]%s%s\n",
		        gerr ? ": " : "", gerr ? ws_cli_safe(gerr->message) : "");
		g_clear_error(&gerr);
		g_option_context_free(ctx);
		return 2;
	}
	char *tmpl = g_build_filename(out_dir ? out_dir : "out/preview", "{group.group_id}-{kind}.png", NULL);
	char dpi_s[32];
	g_snprintf(dpi_s, sizeof dpi_s, "%g", dpi);
	char *args[] = {argv[0], argv[1], "--data", data_path, "-o", tmpl, "--format", "png", "--dpi", dpi_s, NULL};
	char **a = g_strdupv(args);
	int status = ws_cli_render(10, a);
	g_strfreev(a);
	if (watch) {
		/* Polling keeps this portable and simple; a clerk saves every few seconds at most. */
		char *layout_path = NULL;
		ws_engine *engine = NULL;
		if (ws_cli_engine_open(&engine, true) == WS_OK) {
			ws_diags *d = ws_diags_new();
			ws_engine_find_layout(engine, argv[1], &layout_path, d);
			ws_diags_free(d);
		}
		ws_engine_free(engine);
		time_t lm = mtime_of(layout_path), dm = mtime_of(data_path);
		fprintf(stderr, "watching %s and %s (Ctrl-C to stop)\n", ws_cli_safe(layout_path ? layout_path : argv[1]),
		        ws_cli_safe(data_path));
		while (!ws_cli_interrupted) {
			g_usleep(500 * 1000);
			time_t l2 = mtime_of(layout_path), d2 = mtime_of(data_path);
			if (l2 != lm || d2 != dm) {
				lm = l2;
				dm = d2;
				a = g_strdupv(args);
				status = ws_cli_render(10, a);
				g_strfreev(a);
			}
		}
		g_free(layout_path);
		status = 0;
	}
	g_free(tmpl);
	g_free(data_path);
	g_free(out_dir);
	g_option_context_free(ctx);
	return status;
}
