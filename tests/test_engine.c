/* The engine (core/engine/engine.h): options, layouts found by kind, and a
 * render from layout and group to a document. */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "engine.h"
#include "typeset.h"
#include "wsyaml.h"

static bool has_error(const ws_diags *d, const char *needle)
{
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		const ws_diag *g = ws_diags_at(d, i);
		if (g->severity == WS_SEVERITY_ERROR && strstr(g->message, needle))
			return true;
	}
	return false;
}

/* An options struct from a newer (or uninitialized) caller is refused
 * before any field is read: its fields may be at other offsets. */
Test(engine, refuses_options_of_an_unknown_version)
{
	static const unsigned int bad[] = {0, WS_ENGINE_OPTIONS_VERSION + 1, 0xffffffffu};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		ws_engine_options o = WS_ENGINE_OPTIONS_INIT;
		o.version = bad[i];
		ws_diags *d = ws_diags_new();
		ws_engine *e = (ws_engine *)0x1;
		cr_assert_eq(ws_engine_new(&e, &o, d), WS_EUSAGE, "version %u", bad[i]);
		cr_assert_null(e);
		cr_assert(has_error(d, "engine options version"), "version %u is named", bad[i]);
		ws_diags_free(d);
	}
}

Test(engine, renders_a_layout_found_by_kind)
{
	ws_engine_options o = WS_ENGINE_OPTIONS_INIT;
	o.prepare_fonts = false;
	ws_engine *e = NULL;
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_engine_new(&e, &o, d), WS_OK);
	ws_layout *l = NULL;
	cr_assert_eq(ws_engine_load_layout(e, "payment-receipt", &l, d), WS_OK);
	ws_value *root = NULL;
	cr_assert_eq(ws_yaml_load_file(&root, WS_TEST_SOURCE_DIR "/examples/data/self-beijing.yaml", d), WS_OK);
	const ws_value *groups = ws_value_map_get(root, "groups");
	const ws_value *g = groups ? ws_value_list_at(groups, 0) : ws_value_map_get(root, "group");
	cr_assert_not_null(g);
	ws_document *doc = NULL;
	cr_assert_eq(ws_engine_render(e, l, g, &doc, d), WS_OK);
	cr_assert_geq(ws_document_page_count(doc), 1);
	bool found = false;
	for (size_t i = 0; i < ws_document_text_run_count(doc) && !found; i++)
		found = strstr(ws_document_text_run_at(doc, i)->text, "确认收据") != NULL;
	cr_assert(found, "the receipt's title is typeset");
	ws_document_free(doc);
	ws_value_unref(root);
	ws_layout_free(l);
	ws_engine_free(e);
	ws_diags_free(d);
}

Test(engine, typeset_refuses_an_environment_of_an_unknown_version)
{
	ws_diags *d = ws_diags_new();
	ws_layout *l = NULL;
	const char *src = "wenshu: 1\nname: t\nelements:\n  - text: x\n";
	cr_assert_eq(ws_layout_load_buffer(&l, src, strlen(src), "t.yaml", NULL, d), WS_OK);
	ws_typeset_env env = {.version = WS_TYPESET_ENV_VERSION + 1, .pango = (PangoContext *)0x1};
	ws_document *doc = NULL;
	cr_assert_eq(ws_typeset(l, NULL, &env, &doc, d), WS_EUSAGE);
	cr_assert_null(doc);
	cr_assert(has_error(d, "typeset environment version"));
	ws_layout_free(l);
	ws_diags_free(d);
}
