/* wenshu check: a layout, and data against it — layout errors, data rules,
 * overflow, missing glyphs, font fallbacks — without writing anything. */
#include <glib.h>
#include <stdio.h>

#include "commands.h"
#include "report.h"

static int load_data(const char *path, ws_dataset **out, size_t *warnings)
{
	ws_diags *d = ws_diags_new();
	int rc = ws_data_load_file(out, path, d);
	*warnings += ws_cli_print_diags(d, false);
	ws_diags_free(d);
	return rc;
}

/* Template paths that no group has (a misspelt field prints blank).
 * Returns the warnings printed. */
static size_t check_paths(ws_engine *engine, const ws_layout *layout, const ws_dataset *data, const char *data_path)
{
	size_t n = ws_dataset_count(data);
	ws_value **groups = g_new0(ws_value *, n);
	ws_diags *quiet = ws_diags_new();
	for (size_t i = 0; i < n; i++) {
		groups[i] = ws_value_copy(ws_dataset_group(data, i));
		ws_engine_prepare(engine, layout, groups[i], quiet);
	}
	ws_diags_free(quiet);
	ws_diags *d = ws_diags_new();
	char *name = g_path_get_basename(data_path);
	ws_layout_check_data_paths(layout, (const ws_value *const *)groups, n, name, d);
	size_t warnings = ws_cli_print_diags(d, false);
	if (ws_diags_count(d))
		fprintf(stderr, "wenshu: %zu template path(s) found in no group of %s\n", ws_diags_count(d),
		        ws_cli_safe(name));
	g_free(name);
	ws_diags_free(d);
	for (size_t i = 0; i < n; i++)
		ws_value_unref(groups[i]);
	g_free(groups);
	return warnings;
}

int ws_cli_check(int argc, char **argv)
{
	char *data_path = NULL;
	GOptionEntry entries[] = {
		{"data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path, "Group data to check against the layout", "FILE"},
		{NULL, 0, 0, 0, NULL, NULL, NULL},
	};
	GOptionContext *ctx = g_option_context_new(
		"LAYOUT|KIND - check a layout, and data against it: layout errors, data rules, overflow, missing glyphs, font fallbacks");
	g_option_context_add_main_entries(ctx, entries, NULL);
	int status = 2;
	ws_engine *engine = NULL;
	ws_layout *layout = NULL;
	ws_dataset *data = NULL;
	if (!ws_cli_parse(ctx, entries, "check", &argc, &argv))
		goto out;
	if (argc != 2) {
		ws_cli_usage_error("wenshu check LAYOUT|KIND [--data FILE]", "give one LAYOUT or KIND");
		goto out;
	}
	if ((status = ws_cli_need_layout(argv[1])) != 0 ||
	    (data_path && (status = ws_cli_need_file(data_path, "data file")) != 0))
		goto out;
	status = 3;
	if (ws_cli_engine_open(&engine, false) != WS_OK)
		goto out;
	ws_diags *d = ws_diags_new();
	int worst = ws_engine_load_layout(engine, argv[1], &layout, d);
	if (worst == WS_OK)
		ws_engine_report_layout_fonts(engine, layout, d);
	/* Every warning said is counted: a check that found some does not
	 * end "OK" (a clerk stops reading there). */
	size_t warnings = ws_cli_print_diags(d, true);
	ws_diags_free(d);
	if (worst == WS_OK && data_path) {
		worst = load_data(data_path, &data, &warnings);
		for (size_t i = 0; data && i < ws_dataset_count(data) && !ws_cli_interrupted; i++) {
			ws_diags *gd = ws_diags_new();
			ws_document *doc = NULL;
			/* Typesetting too: overflow and missing glyphs are found only there. */
			int rc = ws_engine_render(engine, layout, ws_dataset_group(data, i), &doc, gd);
			ws_document_free(doc);
			warnings += ws_cli_print_diags(gd, false);
			size_t ne = ws_diags_count_severity(gd, WS_SEVERITY_ERROR);
			size_t nw = ws_diags_count_severity(gd, WS_SEVERITY_WARNING);
			const char *id = ws_value_text(ws_value_map_get(ws_dataset_group(data, i), "group_id"));
			fprintf(stderr, "wenshu: %s: %zu error(s), %zu warning(s)\n", id && *id ? ws_cli_safe(id) : "group", ne,
			        nw);
			ws_diags_free(gd);
			if (rc != WS_OK && (worst == WS_OK || rc != WS_EINPUT))
				worst = rc;
		}
		if (data)
			warnings += check_paths(engine, layout, data, data_path);
	}
	/* An interrupted check has not checked everything: it must not say
	 * OK (exit 0) or merely "problems" (1). */
	if (ws_cli_interrupted) {
		fprintf(stderr, "wenshu: check interrupted; not every group was checked\n");
		worst = WS_EINTERRUPTED;
	}
	status = ws_cli_exit_status(worst);
	/* Warnings do not fail a check (exit 0, the README's table), but
	 * they are not "OK" either: the verdict counts them. */
	if (status == 0 && warnings == 0)
		fprintf(stderr, "wenshu: %s: OK\n", ws_cli_safe(argv[1]));
	else if (status == 0)
		fprintf(stderr, "wenshu: %s: no errors, %zu warning%s\n", ws_cli_safe(argv[1]), warnings,
		        warnings == 1 ? "" : "s");
out:
	ws_dataset_free(data);
	ws_layout_free(layout);
	ws_engine_free(engine);
	g_option_context_free(ctx);
	g_free(data_path);
	return status;
}
