/* wenshu packet: per group, one PDF to mail — a cover with the enclosure
 * checklist of the group's route, then every document that can exist yet,
 * in order — and a PNG of every page.
 *
 * Which documents a route needs, and which are still pending (the
 * confirmation before a delegated appointment is booked), is domain
 * knowledge: the `packet-cover` kind's derive hook lists it in
 * group.derived.packet as {kind, title, status: ready|pending, reason}.
 * This command only follows that list, so a pending document is listed on
 * the cover and never faked.
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define PACKET_COVER_KIND "packet-cover"

static int render_group_packet(ws_engine *engine, const ws_layout *cover, GHashTable *layouts,
                               const ws_value *group, const char *dir, double dpi, char **pdf_out)
{
	ws_diags *d = ws_diags_new();
	const char *id = ws_value_text(ws_value_map_get(group, "group_id"));
	GPtrArray *docs = g_ptr_array_new_with_free_func((GDestroyNotify)ws_document_free);
	int worst = WS_OK;

	/* The cover derives the packet list; render it from a prepared copy. */
	ws_value *copy = ws_value_copy(group);
	int rc = ws_engine_prepare(engine, cover, copy, d);
	ws_document *doc = NULL;
	if (rc == WS_OK)
		rc = ws_engine_render(engine, cover, group, &doc, d);
	if (rc == WS_OK)
		g_ptr_array_add(docs, doc);
	else
		worst = rc;
	const ws_value *list = ws_value_lookup(copy, "derived.packet");
	for (size_t i = 0; worst == WS_OK && i < ws_value_length(list); i++) {
		const ws_value *entry = ws_value_list_at(list, i);
		const char *kind = ws_value_text(ws_value_map_get(entry, "kind"));
		const char *status = ws_value_text(ws_value_map_get(entry, "status"));
		if (!kind || strcmp(status, "ready") != 0)
			continue;
		ws_layout *layout = g_hash_table_lookup(layouts, kind);
		if (!layout) {
			if ((rc = ws_engine_load_layout(engine, kind, &layout, d)) != WS_OK) {
				worst = rc;
				break;
			}
			g_hash_table_insert(layouts, g_strdup(kind), layout);
		}
		doc = NULL;
		rc = ws_engine_render(engine, layout, group, &doc, d);
		if (rc != WS_OK) {
			worst = rc;
			break;
		}
		g_ptr_array_add(docs, doc);
	}
	ws_value_unref(copy);

	if (worst == WS_OK) {
		char *name = g_strdup_printf("%s-packet", id && *id ? id : "group");
		for (char *p = name; *p; p++)
			if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20)
				*p = '_';
		if (name[0] == '.')
			name[0] = '_';
		char *pdf = g_strdup_printf("%s/%s.pdf", dir, name);
		char *png = g_strdup_printf("%s/%s.png", dir, name);
		ws_output_options oo = WS_OUTPUT_OPTIONS_INIT;
		worst = ws_output_write((ws_document *const *)docs->pdata, docs->len, pdf, &oo, d);
		oo.format = WS_FORMAT_PNG;
		oo.dpi = dpi;
		if (worst == WS_OK)
			worst = ws_output_write((ws_document *const *)docs->pdata, docs->len, png, &oo, d);
		if (worst == WS_OK)
			*pdf_out = g_strdup(pdf);
		g_free(pdf);
		g_free(png);
		g_free(name);
	}
	ws_cli_print_diags(d, true);
	ws_diags_free(d);
	g_ptr_array_free(docs, TRUE);
	return worst;
}

int ws_cli_packet(int argc, char **argv)
{
	char *data_path = NULL, *out_dir = NULL;
	double dpi = 150;
	GOptionEntry entries[] = {
		{"data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path, "Group data (YAML, JSON or CSV)", "FILE"},
		{"output", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, "Output folder (default out/packets)", "DIR"},
		{"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &dpi, "PNG resolution (default 150)", "N"},
		{NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	GOptionContext *ctx = g_option_context_new("- the mailing packet of each group: checklist cover + documents");
	g_option_context_add_main_entries(ctx, entries, NULL);
	GError *gerr = NULL;
	int status = 2;
	ws_engine *engine = NULL;
	ws_dataset *data = NULL;
	ws_layout *cover = NULL;
	GHashTable *layouts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)ws_layout_free);
	if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
		fprintf(stderr, "wenshu packet: %s\n", gerr->message);
		g_error_free(gerr);
		goto out;
	}
	if (argc != 1 || !data_path) {
		fprintf(stderr, "usage: wenshu packet --data FILE [-o DIR]\n");
		goto out;
	}
	if (!(dpi >= WS_OUTPUT_DPI_MIN && dpi <= WS_OUTPUT_DPI_MAX)) {
		fprintf(stderr, "wenshu packet: --dpi must be between %g and %g\n", WS_OUTPUT_DPI_MIN, WS_OUTPUT_DPI_MAX);
		goto out;
	}
	const char *dir = out_dir ? out_dir : "out/packets";
	status = 3;
	if (ws_cli_engine_open(&engine, true) != WS_OK)
		goto out;
	ws_diags *d = ws_diags_new();
	int rc = ws_engine_load_layout(engine, PACKET_COVER_KIND, &cover, d);
	if (rc == WS_OK)
		rc = ws_data_load_file(&data, data_path, d);
	ws_cli_print_diags(d, false);
	ws_diags_free(d);
	if (rc != WS_OK) {
		status = ws_cli_exit_status(rc);
		goto out;
	}
	if (g_mkdir_with_parents(dir, 0755) != 0) {
		fprintf(stderr, "wenshu packet: cannot create %s: %s\n", dir, g_strerror(errno));
		goto out;
	}
	size_t n = ws_dataset_count(data), ok = 0;
	int worst = WS_OK;
	GString *failures = g_string_new(NULL);
	for (size_t i = 0; i < n && !ws_cli_interrupted; i++) {
		const ws_value *group = ws_dataset_group(data, i);
		char *pdf = NULL;
		rc = render_group_packet(engine, cover, layouts, group, dir, dpi, &pdf);
		if (rc == WS_OK) {
			ok++;
			printf("%s\n", pdf);
		} else {
			const char *id = ws_value_text(ws_value_map_get(group, "group_id"));
			g_string_append_printf(failures, "  %s: %s\n", id && *id ? id : "group", ws_status_name(rc));
			if (worst == WS_OK || rc != WS_EINPUT)
				worst = rc;
		}
		g_free(pdf);
	}
	fprintf(stderr, "wenshu: %zu of %zu packet(s) written to %s\n%s", ok, n, dir, failures->str);
	g_string_free(failures, TRUE);
	status = ws_cli_interrupted ? 4 : ws_cli_exit_status(worst);
out:
	g_hash_table_unref(layouts);
	ws_layout_free(cover);
	ws_dataset_free(data);
	ws_engine_free(engine);
	g_option_context_free(ctx);
	g_free(data_path);
	g_free(out_dir);
	return status;
}
