/* wenshu preview: look at every page before it is printed — as PNG files
 * (again on every save with --watch), on a local web page that refreshes
 * itself (--serve), or as one contact sheet of a whole batch (--sheet).
 * The parts are in watch.c, serve.c and sheet.c; session.c holds what they
 * share. */
#include <glib.h>
#include <stdio.h>

#include "commands.h"
#include "preview.h"
#include "report.h"

int ws_cli_preview(int argc, char **argv)
{
	char *data_path = NULL, *out_dir = NULL, *group = NULL, *sheet = NULL;
	gboolean watch = FALSE, serve = FALSE, debug = FALSE;
	double dpi = 100;
	int port = 0;
	GOptionEntry entries[] = {
		{"data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path, "Group data", "FILE"},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, "Folder for the PNGs (default out/preview)", "DIR"},
		{"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &dpi, "Resolution (default 100)", "N"},
		{"watch", 'w', 0, G_OPTION_ARG_NONE, &watch, "Render again on every save of the layout, data or a plugin", NULL},
		{"serve", 's', 0, G_OPTION_ARG_NONE, &serve, "Show the pages on a local web page that refreshes itself", NULL},
		{"port", 'p', 0, G_OPTION_ARG_INT, &port, "Port for --serve on 127.0.0.1 (default: any free port)", "N"},
		{"group", 'g', 0, G_OPTION_ARG_STRING, &group, "Only the group with this group_id", "ID"},
		{"debug", 0, 0, G_OPTION_ARG_NONE, &debug, "Draw element boxes, baselines, margins and the GB/T 9704 grid", NULL},
		{"sheet", 0, 0, G_OPTION_ARG_FILENAME, &sheet, "Write a contact sheet of every page (PNG or PDF)", "FILE"},
		{NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	GOptionContext *ctx = g_option_context_new("LAYOUT|KIND - look at the pages before printing");
	g_option_context_add_main_entries(ctx, entries, NULL);
	int status = 2;
	ws_pv_session *s = NULL;
	if (!ws_cli_parse(ctx, entries, "preview", &argc, &argv))
		goto out;
	if (argc != 2 || !data_path) {
		ws_cli_usage_error("wenshu preview LAYOUT|KIND --data FILE [-o DIR] [--watch] [--serve [--port N]] "
		                   "[--group ID] [--debug] [--sheet FILE.png|pdf]",
		                   "give one LAYOUT or KIND and --data FILE");
		goto out;
	}
	if (port < 0 || port > 65535 || (serve && sheet) || (watch && serve)) {
		fprintf(stderr, "wenshu: %s\n", port < 0 || port > 65535 ? "--port must be 0..65535"
		                                                                 : "choose one of --watch, --serve and --sheet");
		goto out;
	}
	if (!(dpi >= 10 && dpi <= 600)) {
		fprintf(stderr, "wenshu: --dpi must be between 10 and 600\n");
		goto out;
	}
	if ((status = ws_cli_need_layout(argv[1])) != 0 || (status = ws_cli_need_file(data_path, "data file")) != 0)
		goto out;
	status = 3;
	s = ws_pv_session_new(argv[1], data_path);
	if (!s)
		goto out;
	/* An unknown kind is a wrong command line whatever the mode: there is
	 * nothing to show or to watch.  A layout or data file with mistakes
	 * is shown (stale pages, the errors in the browser). */
	if (s->layout_rc == WS_EUSAGE || s->layout_rc == WS_EIO || s->data_rc == WS_EUSAGE || s->data_rc == WS_EIO) {
		ws_cli_print_diags(s->load_diags, true);
		status = ws_cli_exit_status(s->layout_rc != WS_OK && s->layout_rc != WS_EINPUT ? s->layout_rc : s->data_rc);
		goto out;
	}
	s->debug = debug;
	s->only_group = g_strdup(group);
	if (group && s->data && !ws_dataset_find(s->data, group)) {
		fprintf(stderr, "wenshu: no group '%s' in %s\n", ws_cli_safe(group), ws_cli_safe(data_path));
		status = 1;
		goto out;
	}
	if (serve)
		status = ws_cli_preview_serve(s, (unsigned)port, dpi);
	else if (sheet)
		status = ws_cli_preview_sheet(s, sheet);
	else
		status = ws_cli_preview_files(s, out_dir ? out_dir : "out/preview", dpi, watch);
out:
	ws_pv_session_free(s);
	g_free(data_path);
	g_free(out_dir);
	g_free(group);
	g_free(sheet);
	g_option_context_free(ctx);
	return status;
}
