/* wenshu schema layout|data: the JSON Schema of layout files or of data
 * files on standard output, for an editor's YAML language server (docs/
 * layout-format.md, docs/fields.md show the one-line set-up).  Both are
 * made by the library from the tables its loaders use; the layout schema
 * includes the element types of the plugins this installation loads. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "report.h"
#include "suggest.h"

static const char schema_usage[] =
	"Usage: wenshu schema layout|data\n"
	"\n"
	"Prints the JSON Schema of layout files (layout) or of data files (data), for an\n"
	"editor with a YAML language server, e.g. in VS Code's settings.json:\n"
	"  \"yaml.schemas\": {\"wenshu-layout.json\": \"layouts/*.yaml\", \"wenshu-data.json\": \"data/*.yaml\"}\n"
	"or one line at the top of a file:\n"
	"  # yaml-language-server: $schema=wenshu-layout.json\n";

int ws_cli_schema(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(schema_usage, stdout);
		return 0;
	}
	static const char *const topics[] = {"layout", "data", NULL};
	if (argc != 2 || !g_strv_contains(topics, argv[1])) {
		const char *hint = argc == 2 ? ws_suggest(argv[1], topics, 2) : NULL;
		if (argc != 2)
			fprintf(stderr, "wenshu: schema needs one topic: layout or data\n");
		else if (hint)
			fprintf(stderr, "wenshu: unknown schema '%s' (did you mean '%s'?)\n", ws_cli_safe(argv[1]), hint);
		else
			fprintf(stderr, "wenshu: unknown schema '%s' (layout or data)\n", ws_cli_safe(argv[1]));
		fputs("wenshu: usage: wenshu schema layout|data (see 'wenshu schema --help')\n", stderr);
		return 2;
	}
	char *text = NULL;
	if (strcmp(argv[1], "data") == 0) {
		text = ws_data_json_schema();
	} else {
		/* The plugins' element types (barcode, …) are part of the language. */
		ws_engine *engine = NULL;
		if (ws_cli_engine_open(&engine, false) != WS_OK)
			return 3;
		ws_diags *d = ws_diags_new();
		ws_engine_load_plugins(engine, d);
		ws_cli_print_diags(d, true);
		ws_diags_free(d);
		text = ws_layout_json_schema(ws_engine_registry(engine));
		ws_engine_free(engine);
	}
	fputs(text, stdout);
	g_free(text);
	return 0;
}
