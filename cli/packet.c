/* wenshu packet: per group, one PDF to mail — the cover with the enclosure
 * checklist of the group's route, then every document that can exist yet,
 * in order — and a PNG of every page.  The library assembles the packet
 * (ws_engine_render_packet, core packet.h); this command names the files
 * and writes them.
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "report.h"

static int write_group_packet(ws_engine *engine, const ws_packets *packets, const ws_value *group,
                              ws_packet_leg leg, const char *dir, double dpi, char **pdf_out)
{
	ws_diags *d = ws_diags_new();
	const char *id = ws_value_text(ws_value_map_get(group, "group_id"));
	ws_document **docs = NULL;
	size_t n_docs = 0;
	int worst = ws_engine_render_packet_leg(engine, packets, group, leg, &docs, &n_docs, d);
	if (worst == WS_OK) {
		char *name = g_strdup_printf("%s-%s", id && *id ? id : "group", leg == WS_PACKET_RETURN ? "return" : "packet");
		for (char *p = name; *p; p++)
			if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20)
				*p = '_';
		if (name[0] == '.')
			name[0] = '_';
		char *pdf = g_strdup_printf("%s/%s.pdf", dir, name);
		char *png = g_strdup_printf("%s/%s.png", dir, name);
		ws_output_options oo = WS_OUTPUT_OPTIONS_INIT;
		oo.twins = ws_engine_twins(engine);
		worst = ws_output_write((ws_document *const *)docs, n_docs, pdf, &oo, d);
		oo.format = WS_FORMAT_PNG;
		oo.dpi = dpi;
		if (worst == WS_OK)
			worst = ws_output_write((ws_document *const *)docs, n_docs, png, &oo, d);
		if (worst == WS_OK)
			*pdf_out = g_strdup(pdf);
		g_free(pdf);
		g_free(png);
		g_free(name);
	}
	ws_cli_print_diags(d, true);
	ws_diags_free(d);
	ws_documents_free(docs, n_docs);
	return worst;
}

int ws_cli_packet(int argc, char **argv)
{
	char *data_path = NULL, *out_dir = NULL, *packets_path = NULL;
	double dpi = 150;
	gboolean return_leg = FALSE;
	GOptionEntry entries[] = {
		{"data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path, "Group data (YAML, JSON or CSV)", "FILE"},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, "Output folder (default out/packets)", "DIR"},
		{"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &dpi, "PNG resolution (default 150)", "N"},
		{"packets", 0, 0, G_OPTION_ARG_FILENAME, &packets_path,
		 "What each route's packet holds (default: packets.yaml in the layout folders)", "FILE"},
		{"return", 0, 0, G_OPTION_ARG_NONE, &return_leg,
		 "The return leg: what 护签部 mails back to the sending office (delegated route), as ID-return.pdf", NULL},
		{NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	GOptionContext *ctx = g_option_context_new("- the mailing packet of each group: checklist cover + documents");
	g_option_context_add_main_entries(ctx, entries, NULL);
	int status = 2;
	ws_engine *engine = NULL;
	ws_dataset *data = NULL;
	ws_packets *packets = NULL;
	if (!ws_cli_parse(ctx, entries, "packet", &argc, &argv))
		goto out;
	if (argc != 1 || !data_path) {
		ws_cli_usage_error("wenshu packet --data FILE [-o DIR] [--packets FILE] [--return]",
		                   argc != 1 ? "packet takes no LAYOUT or KIND; give --data FILE" : "give --data FILE");
		goto out;
	}
	if (!(dpi >= WS_OUTPUT_DPI_MIN && dpi <= WS_OUTPUT_DPI_MAX)) {
		fprintf(stderr, "wenshu: --dpi must be between %g and %g\n", WS_OUTPUT_DPI_MIN, WS_OUTPUT_DPI_MAX);
		goto out;
	}
	const char *dir = out_dir ? out_dir : "out/packets";
	if ((status = ws_cli_need_file(data_path, "data file")) != 0 ||
	    (packets_path && (status = ws_cli_need_file(packets_path, "packets file")) != 0))
		goto out;
	ws_cli_repeats_on();
	status = 3;
	if (ws_cli_engine_open(&engine, true) != WS_OK)
		goto out;
	ws_diags *d = ws_diags_new();
	/* The packets file first: its mistakes are said before the data is read. */
	int rc = ws_packets_load(engine, packets_path, &packets, d);
	if (rc == WS_OK)
		rc = ws_data_load_file(&data, data_path, d);
	ws_cli_print_diags(d, false);
	ws_diags_free(d);
	if (rc != WS_OK) {
		status = ws_cli_exit_status(rc);
		goto out;
	}
	if ((status = ws_cli_make_folder(dir)) != 0)
		goto out;
	size_t n = ws_dataset_count(data), ok = 0;
	int worst = WS_OK;
	ws_cli_failures *failures = ws_cli_failures_new();
	for (size_t i = 0; i < n && !ws_cli_interrupted; i++) {
		const ws_value *group = ws_dataset_group(data, i);
		char *pdf = NULL;
		ws_cli_repeats_group(i);
		rc = write_group_packet(engine, packets, group, return_leg ? WS_PACKET_RETURN : WS_PACKET_OUTBOUND, dir,
		                        dpi, &pdf);
		if (rc == WS_OK) {
			ok++;
			printf("%s\n", ws_cli_safe(pdf));
		} else {
			const char *id = ws_value_text(ws_value_map_get(group, "group_id"));
			ws_cli_failures_add(failures, id && *id ? id : "?", ws_status_name(rc));
			if (worst == WS_OK || rc != WS_EINPUT)
				worst = rc;
		}
		g_free(pdf);
	}
	size_t distinct = 0, warned = ws_cli_repeats_groups(&distinct);
	fprintf(stderr, "wenshu: %zu of %zu packet(s) written to %s", ok, n, ws_cli_safe(dir));
	if (warned)
		fprintf(stderr, ", %zu with warnings (%zu different)", warned, distinct);
	fputc('\n', stderr);
	ws_cli_repeats_summary();
	ws_cli_failures_print(failures);
	ws_cli_failures_free(failures);
	status = ws_cli_interrupted ? 4 : ws_cli_exit_status(worst);
out:
	ws_packets_free(packets);
	g_free(packets_path);
	ws_dataset_free(data);
	ws_engine_free(engine);
	g_option_context_free(ctx);
	g_free(data_path);
	g_free(out_dir);
	return status;
}
