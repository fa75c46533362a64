/* wenshu list: what this installation knows — kinds, layouts, plugins,
 * fonts, filters. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "report.h"
#include "suggest.h"

/* The office's own forms (name: without kind:) in the layout folders:
 * they render by name like a kind. */
static void list_forms(ws_engine *engine)
{
	char **files = ws_engine_list_layouts(engine);
	for (char **f = files; *f; f++) {
		ws_layout *l = NULL;
		ws_diags *d = ws_diags_new();
		if (ws_layout_load_file(&l, *f, ws_engine_registry(engine), d) == WS_OK && !ws_layout_kind(l))
			printf("%-24s %s (form: %s)\n", ws_cli_safe(ws_layout_name(l)), ws_cli_safe(ws_layout_title(l)),
			       ws_cli_safe(*f));
		ws_layout_free(l);
		ws_diags_free(d);
	}
	g_strfreev(files);
}

static const char *const topics[] = {"kinds", "forms", "layouts", "plugins", "fonts", "filters"};
static const char usage[] = "wenshu list [kinds|forms|layouts|plugins|fonts|filters]";

int ws_cli_list(int argc, char **argv)
{
	GOptionContext *ctx = g_option_context_new(
		"[TOPIC] - what this installation knows: kinds (the default) and forms, layouts, plugins, fonts, filters");
	static const GOptionEntry no_options[] = {{NULL, 0, 0, 0, NULL, NULL, NULL}};
	g_option_context_add_main_entries(ctx, no_options, NULL);
	bool parsed = ws_cli_parse(ctx, no_options, "list", &argc, &argv);
	g_option_context_free(ctx);
	if (!parsed)
		return 2;
	if (argc > 2)
		return ws_cli_usage_error(usage, "give at most one topic");
	const char *what = argc > 1 ? argv[1] : "kinds";
	bool known = false;
	for (size_t i = 0; i < G_N_ELEMENTS(topics); i++)
		known = known || strcmp(what, topics[i]) == 0;
	if (!known) {
		const char *hint = ws_suggest(what, topics, G_N_ELEMENTS(topics));
		if (hint)
			return ws_cli_usage_error(usage, "unknown topic '%s' (did you mean '%s'?)", ws_cli_safe(what), hint);
		return ws_cli_usage_error(usage, "unknown topic '%s'", ws_cli_safe(what));
	}
	if (strcmp(what, "filters") == 0) {
		for (const char *const *f = ws_expr_filter_names(); *f; f++)
			printf("%s\n", ws_cli_safe(*f));
		return 0;
	}
	ws_engine *engine = NULL;
	if (ws_cli_engine_open(&engine, strcmp(what, "fonts") != 0) != WS_OK)
		return 3;
	const ws_registry *r = ws_engine_registry(engine);
	if (strcmp(what, "kinds") == 0 || strcmp(what, "plugins") == 0) {
		/* Plugins load on first use; listing them is asking for all. */
		ws_diags *d = ws_diags_new();
		ws_engine_load_plugins(engine, d);
		ws_cli_print_diags(d, true);
		ws_diags_free(d);
	}
	if (strcmp(what, "kinds") == 0 || strcmp(what, "forms") == 0) {
		if (strcmp(what, "kinds") == 0)
			for (size_t i = 0; i < ws_registry_kind_count(r); i++) {
				const ws_kind_desc *k = ws_registry_kind_at(r, i);
				printf("%-24s %s\n", ws_cli_safe(k->name), ws_cli_safe(k->title));
			}
		list_forms(engine);
	} else if (strcmp(what, "plugins") == 0) {
		for (size_t i = 0; i < ws_registry_plugin_count(r); i++) {
			const ws_plugin_desc *p = ws_registry_plugin_at(r, i);
			/* A plugin's strings are input like any other: escaped. */
			printf("%-24s %-8s %s\n   %s\n", ws_cli_safe(p->name), ws_cli_safe(p->version),
			       ws_cli_safe(p->description), ws_cli_safe(ws_registry_plugin_path(r, i)));
			for (size_t k = 0; k < p->n_kinds; k++)
				printf("   kind     %s\n", ws_cli_safe(p->kinds[k].name));
			for (size_t k = 0; k < p->n_elements; k++)
				printf("   element  %s\n", ws_cli_safe(p->elements[k].name));
		}
	} else if (strcmp(what, "layouts") == 0) {
		char **l = ws_engine_list_layouts(engine);
		for (char **p = l; *p; p++)
			printf("%s\n", ws_cli_safe(*p));
		g_strfreev(l);
	} else { /* fonts */
		ws_diags *d = ws_diags_new();
		ws_engine_report_fonts(engine, d);
		for (size_t i = 0; i < ws_diags_count(d); i++)
			printf("%s%s\n", ws_diags_at(d, i)->severity == WS_SEVERITY_WARNING ? "warning: " : "",
			       ws_cli_safe(ws_diags_at(d, i)->message));
		ws_diags_free(d);
	}
	ws_engine_free(engine);
	return 0;
}
