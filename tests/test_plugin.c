/* The plugin registry and the barcode plugin. */
#include <criterion/criterion.h>
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"
#include "plugin.h"
#include "suggest.h"

#define TP_DIR WS_TEST_BUILD_DIR "/tests/plugins"
#define REAL_PLUGIN_DIR WS_TEST_BUILD_DIR "/plugins"

/* ---- helpers -------------------------------------------------------- */

static bool marked(const char *what, const char *name)
{
	char *var = g_strdup_printf("WS_TP_%s_%s", what, name);
	bool set = g_getenv(var) != NULL;
	g_free(var);
	return set;
}

static ws_registry *registry_with(const char *dir)
{
	ws_registry *r = NULL;
	cr_assert_eq(ws_registry_new(&r), WS_OK);
	if (dir) {
		ws_diags *d = ws_diags_new();
		cr_assert_eq(ws_registry_add_dir(r, dir, d), WS_OK, "cannot add %s", dir);
		ws_diags_free(d);
	}
	return r;
}

/* True when some diagnostic contains every one of the (NULL-terminated)
 * substrings. */
static bool diag_has(const ws_diags *d, ws_severity sev, ...)
{
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		const ws_diag *g = ws_diags_at(d, i);
		if (g->severity != sev)
			continue;
		bool all = true;
		va_list ap;
		va_start(ap, sev);
		for (const char *s; (s = va_arg(ap, const char *));)
			all = all && strstr(g->message, s) != NULL;
		va_end(ap);
		if (all)
			return true;
	}
	return false;
}

static void dump(const ws_diags *d)
{
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		char *s = ws_diag_format(ws_diags_at(d, i));
		cr_log_info("%s", s);
		g_free(s);
	}
}

static char *make_tmpdir(void)
{
	GError *err = NULL;
	char *dir = g_dir_make_tmp("wenshu-plugin-XXXXXX", &err);
	cr_assert_not_null(dir, "%s", err ? err->message : "");
	char *real = realpath(dir, NULL);
	g_free(dir);
	char *out = g_strdup(real);
	free(real);
	return out;
}

static void copy_file(const char *from, const char *to, int mode)
{
	char *data;
	gsize len;
	cr_assert(g_file_get_contents(from, &data, &len, NULL), "cannot read %s", from);
	cr_assert(g_file_set_contents(to, data, (gssize)len, NULL), "cannot write %s", to);
	cr_assert_eq(chmod(to, (mode_t)mode), 0);
	g_free(data);
}

static void rm_rf(const char *path)
{
	char *argv[] = {"rm", "-rf", (char *)path, NULL};
	g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* ---- loading -------------------------------------------------------- */

Test(plugin, loads_a_good_plugin_and_indexes_it)
{
	ws_registry *r = registry_with(TP_DIR);
	ws_diags *d = ws_diags_new();
	cr_assert_not(marked("CTOR", "good"));
	cr_assert_eq(ws_registry_load(r, "good", d), WS_OK);
	dump(d);
	cr_assert_eq(ws_diags_count(d), 0);
	cr_assert(marked("CTOR", "good"));
	cr_assert_eq(ws_registry_plugin_count(r), 1);
	const ws_plugin_desc *p = ws_registry_plugin_at(r, 0);
	cr_assert_str_eq(p->name, "good");
	cr_assert_str_eq(p->version, "1.0");
	cr_assert_eq(p->abi_major, WS_PLUGIN_ABI_MAJOR);
	cr_assert(g_str_has_suffix(ws_registry_plugin_path(r, 0), "/tests/plugins/good.so"));
	cr_assert_null(ws_registry_plugin_at(r, 1));
	cr_assert_null(ws_registry_plugin_path(r, 1));

	const ws_kind_desc *k = ws_registry_find_kind(r, "tp-kind");
	cr_assert_not_null(k);
	cr_assert_eq(ws_registry_kind_count(r), 1);
	cr_assert_eq(ws_registry_kind_at(r, 0), k);
	cr_assert_str_eq(ws_registry_kind_plugin(r, "tp-kind")->name, "good");
	const ws_element_desc *e = ws_registry_find_element(r, "tp-stamp");
	cr_assert_not_null(e);
	cr_assert_eq(ws_registry_element_count(r), 1);
	cr_assert_eq(ws_registry_element_at(r, 0), e);
	cr_assert_str_eq(ws_registry_element_plugin(r, "tp-stamp")->name, "good");
	cr_assert_null(ws_registry_find_kind(r, "tp-stamp"));
	cr_assert_null(ws_registry_find_element(r, "tp-kind"));
	cr_assert_null(ws_registry_kind_at(r, 1));

	const char **names = ws_registry_kind_names(r);
	cr_assert_str_eq(names[0], "tp-kind");
	cr_assert_null(names[1]);
	g_free(names);

	/* loading does not run hooks; the engine does */
	cr_assert_not(marked("HOOK", "good"));
	ws_value *group = ws_value_new_map(WS_LOC_NONE);
	cr_assert_eq(k->derive(k, ws_host_services_get(), group, d), WS_OK);
	cr_assert(marked("HOOK", "good"));
	ws_value_unref(group);

	/* loading again is a no-op */
	cr_assert_eq(ws_registry_load(r, "good", d), WS_OK);
	cr_assert_eq(ws_registry_plugin_count(r), 1);

	ws_registry_free(r);
	/* GModule's hooks are never called, on open or on close */
	cr_assert_not(marked("GMODULE", "good"));
	ws_diags_free(d);
}

typedef struct refusal {
	const char *name;
	const char *why;      /* substring of the message */
	bool entry_runs;      /* the entry function runs (ABI check and later) */
} refusal;

static void check_refused(const refusal *t)
{
	ws_registry *r = registry_with(TP_DIR);
	ws_diags *d = ws_diags_new();
	char *file = g_strdup_printf("%s/%s.so", TP_DIR, t->name);
	char *label = g_strdup_printf("plugin '%s' (%s) refused", t->name, file);
	cr_assert_eq(ws_registry_load(r, t->name, d), WS_EPLUGIN, "%s loaded", t->name);
	dump(d);
	cr_assert_eq(ws_diags_count(d), 1, "%s", t->name);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, label, t->why, NULL), "%s: %s", t->name,
	          ws_diags_at(d, 0)->message);
	cr_assert_str_eq(ws_diags_at(d, 0)->rule, "plugin");
	cr_assert_eq(ws_registry_plugin_count(r), 0);
	cr_assert_eq(ws_registry_kind_count(r), 0);
	cr_assert_eq(ws_registry_element_count(r), 0);
	cr_assert_eq(marked("ENTRY", t->name), t->entry_runs, "%s entry", t->name);
	cr_assert_not(marked("HOOK", t->name), "%s hook ran", t->name);
	cr_assert_not(marked("GMODULE", t->name), "%s GModule hook ran", t->name);
	ws_registry_free(r);
	ws_diags_free(d);
	g_free(label);
	g_free(file);
}

Test(plugin, refuses_bad_descriptors_naming_file_and_field)
{
	char major[96], minor[96], v1[96], short_size[96], short_kind[96];
	/* a plugin of the previous major is refused naming both versions */
	snprintf(v1, sizeof v1, "built for ABI 1.0, wenshu has %d.%d (field abi_major)",
	         WS_PLUGIN_ABI_MAJOR, WS_PLUGIN_ABI_MINOR);
	snprintf(short_size, sizeof short_size, "field struct_size is 8, ABI %d.%d needs at least %zu",
	         WS_PLUGIN_ABI_MAJOR, WS_PLUGIN_ABI_MINOR, sizeof(ws_plugin_desc));
	snprintf(short_kind, sizeof short_kind, "field kind_size is %zu, ABI %d.%d needs at least %zu",
	         offsetof(ws_kind_desc, data), WS_PLUGIN_ABI_MAJOR, WS_PLUGIN_ABI_MINOR,
	         sizeof(ws_kind_desc));
	snprintf(major, sizeof major, "built for ABI %d.%d, wenshu has %d.%d (field abi_major)",
	         WS_PLUGIN_ABI_MAJOR + 1, WS_PLUGIN_ABI_MINOR, WS_PLUGIN_ABI_MAJOR,
	         WS_PLUGIN_ABI_MINOR);
	snprintf(minor, sizeof minor, "built for ABI %d.%d, wenshu has %d.%d (field abi_minor)",
	         WS_PLUGIN_ABI_MAJOR, WS_PLUGIN_ABI_MINOR + 1, WS_PLUGIN_ABI_MAJOR,
	         WS_PLUGIN_ABI_MINOR);
	const refusal cases[] = {
		{"abi-major", major, true},
		{"abi-minor", minor, true},
		{"short-size", short_size, true},
		{"short-kind", short_kind, true},
		{"abi-v1", v1, true},
		{"no-entry", "entry symbol wenshu_plugin_entry not found", false},
		{"null-desc", "entry function wenshu_plugin_entry returned no descriptor", true},
		{"no-name", "field name is missing", true},
		{"no-version", "field version is missing", true},
		{"misnamed", "field name is 'someone-else', but the file is named 'misnamed'", true},
		{"bad-kind", "field kinds[0].name is 'Bad Kind'", true},
		{"no-draw", "field elements[0].draw is missing (element type 'no-draw-stamp')", true},
		{"undef", "undefined symbol: ws_tp_no_such_symbol", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_refused(&cases[i]);
	/* RTLD_NOW: a module with an unresolvable symbol never even runs its
	 * constructors, let alone a hook later in the batch */
	cr_assert_not(marked("CTOR", "undef"));
}

/* ABI 2.1 appended `data` to ws_kind_desc and ws_element_desc.  A plugin
 * built against the 2.0 structs (tests/plugins, TP_OLDER_MINOR: copies of
 * the smaller structs, two kinds so the stride matters) loads; its entries
 * are read with its own stride, the appended field reads as NULL, and each
 * hook receives its own entry as `self`. */
Test(plugin, loads_an_older_minor_and_hooks_see_their_own_entry)
{
	ws_registry *r = registry_with(TP_DIR);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_load(r, "older-minor", d), WS_OK);
	dump(d);
	cr_assert_eq(ws_diags_count(d), 0);
	const ws_plugin_desc *p = ws_registry_plugin_at(r, 0);
	cr_assert_eq(p->abi_major, 2);
	cr_assert_eq(p->abi_minor, 0);
	cr_assert_eq(ws_registry_kind_count(r), 2);
	const ws_kind_desc *k = ws_registry_find_kind(r, "older-minor-kind");
	const ws_kind_desc *k2 = ws_registry_find_kind(r, "older-minor-second");
	cr_assert_not_null(k);
	cr_assert_not_null(k2, "the second kind is read with the plugin's stride");
	cr_assert_str_eq(k2->title, "test");
	cr_assert_null(k->data);
	cr_assert_null(k2->data);
	const ws_element_desc *e = ws_registry_find_element(r, "older-minor-stamp");
	cr_assert_not_null(e);
	cr_assert_null(e->data);
	cr_assert_str_eq(e->keys[0], "ink");

	ws_value *group = ws_value_new_map(WS_LOC_NONE);
	cr_assert_not(marked("SELF", "older-minor"));
	cr_assert_eq(k->derive(k, ws_host_services_get(), group, d), WS_OK);
	cr_assert(marked("SELF", "older-minor"), "derive did not see its own entry as self");
	cr_assert_eq(e->check(e, ws_host_services_get(), group, d), WS_OK);

	/* a current plugin beside it: its hooks see their entry, data included */
	cr_assert_eq(ws_registry_load(r, "builtin-text", d), WS_OK);
	const ws_kind_desc *cur = ws_registry_find_kind(r, "builtin-text-kind");
	cr_assert_str_eq(cur->data, "tp-data");
	cr_assert_eq(cur->derive(cur, ws_host_services_get(), group, d), WS_OK);
	cr_assert(marked("SELF", "builtin-text"));
	ws_value_unref(group);
	ws_registry_free(r);
	ws_diags_free(d);
}

Test(plugin, refuses_duplicate_kind_and_element_naming_the_owner)
{
	ws_registry *r = registry_with(TP_DIR);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_load(r, "good", d), WS_OK);
	cr_assert_eq(ws_registry_load(r, "twin", d), WS_EPLUGIN);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "plugin 'twin' (", "/twin.so) refused",
	                   "field kinds[1].name: kind 'tp-kind' is already served by plugin 'good'",
	                   NULL));
	cr_assert_eq(ws_registry_load(r, "stamp-twin", d), WS_EPLUGIN);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "/stamp-twin.so) refused",
	                   "element type 'tp-stamp' is already added by plugin 'good'", NULL));
	dump(d);
	cr_assert_eq(ws_diags_count(d), 2);
	/* nothing of a refused plugin is registered, not even its other kinds */
	cr_assert_null(ws_registry_find_kind(r, "twin-only"));
	cr_assert_null(ws_registry_find_kind(r, "stamp-twin-kind"));
	cr_assert_eq(ws_registry_plugin_count(r), 1);
	cr_assert_str_eq(ws_registry_kind_plugin(r, "tp-kind")->name, "good");
	cr_assert_not(marked("HOOK", "twin"));
	ws_registry_free(r);
	ws_diags_free(d);
}

Test(plugin, load_all_refuses_bad_plugins_and_carries_on)
{
	static const char *const refused[] = {
		"abi-major", "abi-minor", "short-size", "short-kind", "abi-v1", "no-entry",
		"null-desc", "no-name", "no-version", "misnamed", "bad-kind", "no-draw", "undef",
		"twin", "stamp-twin",
	};
	ws_registry *r = registry_with(TP_DIR);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_load_all(r, d), WS_OK);
	dump(d);
	/* older-minor is a good plugin of an older ABI minor; builtin-text is
	 * well formed (its element's name is the layout's business) */
	cr_assert_eq(ws_registry_plugin_count(r), 4);
	cr_assert_str_eq(ws_registry_plugin_at(r, 0)->name, "builtin-text");
	cr_assert_str_eq(ws_registry_plugin_at(r, 1)->name, "good");
	cr_assert_str_eq(ws_registry_plugin_at(r, 2)->name, "lazy");
	cr_assert_str_eq(ws_registry_plugin_at(r, 3)->name, "older-minor");
	/* the batch goes on: refusals are warnings, one per file */
	cr_assert_eq(ws_diags_count_severity(d, WS_SEVERITY_ERROR), 0);
	size_t n = sizeof refused / sizeof refused[0];
	cr_assert_eq(ws_diags_count_severity(d, WS_SEVERITY_WARNING), n);
	for (size_t i = 0; i < n; i++) {
		char *file = g_strdup_printf("/%s.so) refused", refused[i]);
		cr_assert(diag_has(d, WS_SEVERITY_WARNING, file, NULL), "%s", refused[i]);
		g_free(file);
	}

	/* play the engine: run every hook that is registered */
	const ws_host_services *h = ws_host_services_get();
	ws_value *map = ws_value_new_map(WS_LOC_NONE);
	for (size_t i = 0; i < ws_registry_kind_count(r); i++) {
		const ws_kind_desc *k = ws_registry_kind_at(r, i);
		k->derive(k, h, map, d);
		k->validate(k, h, map, d);
	}
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8);
	cairo_t *cr = cairo_create(s);
	for (size_t i = 0; i < ws_registry_element_count(r); i++) {
		const ws_element_desc *e = ws_registry_element_at(r, i);
		e->check(e, h, map, d);
		e->draw(e, h, cr, (ws_rect){0, 0, 8, 8}, map, d);
	}
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	ws_value_unref(map);

	cr_assert(marked("HOOK", "good"));
	for (size_t i = 0; i < n; i++) {
		cr_assert_not(marked("HOOK", refused[i]), "hook of refused %s ran", refused[i]);
		cr_assert_not(marked("GMODULE", refused[i]));
	}
	ws_registry_free(r);
	ws_diags_free(d);
}

/* Loading on first use: a scan opens nothing; a lookup opens only the
 * plugin that serves the name (by its file name, a prefix before a
 * hyphen, or its sidecar); a refused file is tried once and its refusal
 * waits for ws_registry_take_diags(); an enumeration opens the rest.
 * WS_TP_CTOR_<name> is set by the module's ELF constructor. */
Test(plugin, plugins_are_opened_on_first_use_only)
{
	static const char *const all[] = {
		"abi-major", "abi-minor", "short-size", "short-kind", "abi-v1", "no-entry", "null-desc",
		"no-name", "no-version", "misnamed", "bad-kind", "no-draw", "undef", "twin",
		"stamp-twin", "good", "builtin-text", "older-minor", "lazy",
	};
	ws_registry *r = registry_with(TP_DIR);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_scan(r, d), WS_OK);
	dump(d);
	cr_assert_eq(ws_diags_count(d), 0);
	for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
		cr_assert_not(marked("CTOR", all[i]), "%s opened by the scan", all[i]);
	cr_assert_eq(ws_registry_plugin_count(r), 0);

	/* "lazy-kind" → the plugin "lazy" (the prefix before the hyphen) */
	const ws_kind_desc *k = ws_registry_find_kind(r, "lazy-kind");
	cr_assert_not_null(k);
	cr_assert_str_eq(ws_registry_kind_plugin(r, "lazy-kind")->name, "lazy");
	cr_assert_not_null(ws_registry_find_element(r, "lazy-stamp"), "the same plugin's element type");
	cr_assert(marked("CTOR", "lazy"));
	for (size_t i = 0; i + 1 < G_N_ELEMENTS(all); i++)
		cr_assert_not(marked("CTOR", all[i]), "%s opened for 'lazy-kind'", all[i]);

	/* names no file stands for open nothing: property keys are looked up
	 * as element types by the layout loader */
	cr_assert_null(ws_registry_find_element(r, "font"));
	cr_assert_null(ws_registry_find_element(r, "tp-stamp"), "good.so has no sidecar naming it");
	cr_assert_not(marked("CTOR", "good"));

	/* a refused file: its refusal is kept for the caller, once */
	cr_assert_null(ws_registry_find_kind(r, "undef-kind"));
	cr_assert_null(ws_registry_find_kind(r, "undef-kind"));
	ws_registry_take_diags(r, d);
	cr_assert_eq(ws_diags_count_severity(d, WS_SEVERITY_WARNING), 1);
	cr_assert(diag_has(d, WS_SEVERITY_WARNING, "/undef.so) refused", NULL));
	ws_registry_take_diags(r, d);
	cr_assert_eq(ws_diags_count(d), 1, "taken once");
	ws_diags_clear(d);

	/* an enumeration is a request for all of them */
	cr_assert_geq(ws_registry_kind_count(r), 3);
	cr_assert(marked("CTOR", "good"));
	cr_assert_not_null(ws_registry_find_element(r, "tp-stamp"));
	cr_assert_eq(ws_registry_plugin_count(r), 4);
	ws_registry_take_diags(r, d);
	cr_assert_eq(ws_diags_count_severity(d, WS_SEVERITY_WARNING), 14, "the other refusals");
	ws_registry_free(r);
	ws_diags_free(d);
}

/* A plugin whose kinds or element types are not named after it lists them
 * in a sidecar beside the module, read without opening it. */
Test(plugin, a_sidecar_names_what_a_plugin_serves)
{
	char *a = make_tmpdir();
	char *so = g_build_filename(a, "good.so", NULL);
	copy_file(TP_DIR "/good.so", so, 0644);
	char *lazy = g_build_filename(a, "lazy.so", NULL);
	copy_file(TP_DIR "/lazy.so", lazy, 0644);
	char *side = g_build_filename(a, "good.serves", NULL);
	cr_assert(g_file_set_contents(side, "# what good.so serves\ntp-kind\n  tp-stamp  # the stamp\nNot A Name\n", -1, NULL));
	ws_registry *r = registry_with(a);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_scan(r, d), WS_OK);
	dump(d);
	cr_assert(diag_has(d, WS_SEVERITY_WARNING, "good.serves: 'Not A Name' is not a kind or element type name", NULL));
	cr_assert_not(marked("CTOR", "good"));
	cr_assert_not_null(ws_registry_find_element(r, "tp-stamp"));
	cr_assert(marked("CTOR", "good"));
	cr_assert_not(marked("CTOR", "lazy"));
	cr_assert_eq(ws_registry_plugin_count(r), 1);
	ws_registry_free(r);
	ws_diags_free(d);
	rm_rf(a);
	g_free(side);
	g_free(lazy);
	g_free(so);
	g_free(a);
}

Test(plugin, load_all_without_directories_fails)
{
	ws_registry *r = registry_with(NULL);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_load_all(r, d), WS_EIO);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "no plugin directory configured", NULL));
	ws_registry_free(r);
	ws_diags_free(d);
}

Test(plugin, refuses_names_with_paths_before_touching_the_filesystem)
{
	ws_registry *r = registry_with(TP_DIR);
	ws_diags *d = ws_diags_new();
	/* the first names point at a real, loadable plugin file */
	const char *bad[] = {
		TP_DIR "/good", "../plugins/good", "good/../good", "./good", ".good", "..",
		"", "Good", "go od", "good.so", "a\\b", "tp:good", "-good",
		"a-name-that-is-far-too-long-to-be-a-plugin-name-of-any-kind-at-all-really",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ws_diags_clear(d);
		cr_assert_eq(ws_registry_load(r, bad[i], d), WS_EUSAGE, "'%s' accepted", bad[i]);
		cr_assert(diag_has(d, WS_SEVERITY_ERROR, "is not a plugin name", NULL), "%s", bad[i]);
		cr_assert_not(ws_plugin_name_valid(bad[i]));
	}
	cr_assert_eq(ws_registry_load(r, NULL, d), WS_EUSAGE);
	cr_assert_not(marked("CTOR", "good"), "a path-like name opened a file");
	cr_assert_eq(ws_registry_plugin_count(r), 0);
	cr_assert(ws_plugin_name_valid("payment-receipt"));
	cr_assert(ws_plugin_name_valid("visa_2"));

	/* a valid name that exists nowhere */
	ws_diags_clear(d);
	cr_assert_eq(ws_registry_load(r, "nowhere", d), WS_EPLUGIN);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "no plugin named 'nowhere'", TP_DIR, NULL));
	ws_registry_free(r);
	ws_diags_free(d);
}

Test(plugin, refuses_relative_missing_and_unsafe_directories)
{
	ws_registry *r = registry_with(NULL);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_add_dir(r, ".", d), WS_EUSAGE);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "'.' refused: not an absolute path", NULL));
	cr_assert_eq(ws_registry_add_dir(r, "tests/plugins", d), WS_EUSAGE);
	cr_assert_eq(ws_registry_add_dir(r, "", d), WS_EUSAGE);
	cr_assert_eq(ws_registry_add_dir(r, NULL, d), WS_EUSAGE);
	cr_assert_eq(ws_registry_add_dir(r, "/nonexistent/wenshu/plugins", d), WS_EUSAGE);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "/nonexistent/wenshu/plugins", "refused", NULL));
	cr_assert_eq(ws_registry_add_dir(r, TP_DIR "/good.so", d), WS_EUSAGE);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "not a directory", NULL));
	char *tmp = make_tmpdir();
	cr_assert_eq(chmod(tmp, 0777), 0);
	cr_assert_eq(ws_registry_add_dir(r, tmp, d), WS_EUSAGE);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, tmp, "world-writable", NULL));
	cr_assert_eq(ws_registry_dir_count(r), 0);
	cr_assert_eq(ws_diags_count(d), 7);

	/* an accepted directory is stored resolved, once */
	cr_assert_eq(chmod(tmp, 0755), 0);
	char *dotted = g_strdup_printf("%s/.", tmp);
	cr_assert_eq(ws_registry_add_dir(r, tmp, d), WS_OK);
	cr_assert_eq(ws_registry_add_dir(r, dotted, d), WS_OK);
	cr_assert_eq(ws_registry_dir_count(r), 1);
	cr_assert_str_eq(ws_registry_dir_at(r, 0), tmp);
	cr_assert_null(ws_registry_dir_at(r, 1));
	rm_rf(tmp);
	g_free(dotted);
	g_free(tmp);
	ws_registry_free(r);
	ws_diags_free(d);
}

Test(plugin, refuses_a_symlink_out_of_the_trusted_directory)
{
	char *tmp = make_tmpdir();
	char *link = g_build_filename(tmp, "good.so", NULL);
	cr_assert_eq(symlink(TP_DIR "/good.so", link), 0);
	ws_registry *r = registry_with(tmp);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_load(r, "good", d), WS_EPLUGIN);
	dump(d);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, link, "outside the trusted directory", tmp, NULL));
	cr_assert_not(marked("CTOR", "good"), "the file was opened");
	ws_registry_free(r);

	/* a symlink that stays inside is fine */
	cr_assert_eq(unlink(link), 0);
	char *real_dir = g_build_filename(tmp, "store", NULL);
	char *real = g_build_filename(real_dir, "good-1.0.so", NULL);
	cr_assert_eq(g_mkdir(real_dir, 0755), 0);
	copy_file(TP_DIR "/good.so", real, 0644);
	cr_assert_eq(symlink("store/good-1.0.so", link), 0);
	r = registry_with(tmp);
	ws_diags_clear(d);
	cr_assert_eq(ws_registry_load(r, "good", d), WS_OK);
	cr_assert_str_eq(ws_registry_plugin_path(r, 0), real);
	ws_registry_free(r);
	rm_rf(tmp);
	g_free(real);
	g_free(real_dir);
	g_free(link);
	g_free(tmp);
	ws_diags_free(d);
}

Test(plugin, refuses_a_world_writable_file)
{
	char *tmp = make_tmpdir();
	char *file = g_build_filename(tmp, "good.so", NULL);
	copy_file(TP_DIR "/good.so", file, 0646);
	ws_registry *r = registry_with(tmp);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_load(r, "good", d), WS_EPLUGIN);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, file, "the file is world-writable", NULL));
	cr_assert_not(marked("CTOR", "good"), "the file was opened");
	ws_registry_free(r);

	/* a directory "good.so" is not a plugin file either */
	cr_assert_eq(unlink(file), 0);
	char *sub = g_build_filename(tmp, "good", NULL);
	char *inner = g_build_filename(sub, "good.so", NULL);
	cr_assert_eq(g_mkdir(sub, 0755), 0);
	cr_assert_eq(g_mkdir(inner, 0755), 0);
	r = registry_with(tmp);
	ws_diags_clear(d);
	cr_assert_eq(ws_registry_load(r, "good", d), WS_EPLUGIN);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "no plugin named 'good'", NULL));
	ws_registry_free(r);

	/* world-writable subdirectory <dir>/<name>/ */
	cr_assert_eq(g_rmdir(inner), 0);
	copy_file(TP_DIR "/good.so", inner, 0644);
	cr_assert_eq(chmod(sub, 0777), 0);
	r = registry_with(tmp);
	ws_diags_clear(d);
	cr_assert_eq(ws_registry_load(r, "good", d), WS_EPLUGIN);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "its directory is world-writable", NULL));
	cr_assert_not(marked("CTOR", "good"));
	ws_registry_free(r);

	/* fixed permissions: the same file loads */
	cr_assert_eq(chmod(sub, 0755), 0);
	r = registry_with(tmp);
	ws_diags_clear(d);
	cr_assert_eq(ws_registry_load(r, "good", d), WS_OK);
	cr_assert(marked("CTOR", "good"));
	ws_registry_free(r);
	rm_rf(tmp);
	g_free(inner);
	g_free(sub);
	g_free(file);
	g_free(tmp);
	ws_diags_free(d);
}

Test(plugin, finds_meson_and_lib_layouts_first_directory_wins)
{
	char *a = make_tmpdir(), *b = make_tmpdir();
	char *sub = g_build_filename(a, "good", NULL);
	char *libgood = g_build_filename(sub, "libgood.so", NULL);
	cr_assert_eq(g_mkdir(sub, 0755), 0);
	copy_file(TP_DIR "/good.so", libgood, 0644);
	char *flat = g_build_filename(b, "good.so", NULL);
	copy_file(TP_DIR "/good.so", flat, 0644);
	char *junk = g_build_filename(b, "README", NULL);
	cr_assert(g_file_set_contents(junk, "not a plugin\n", -1, NULL));

	ws_registry *r = registry_with(a);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_add_dir(r, b, d), WS_OK);
	cr_assert_eq(ws_registry_load_all(r, d), WS_OK);
	dump(d);
	cr_assert_eq(ws_registry_plugin_count(r), 1);
	cr_assert_str_eq(ws_registry_plugin_path(r, 0), libgood);
	cr_assert(diag_has(d, WS_SEVERITY_NOTE, flat, "shadowed by", libgood, NULL));
	cr_assert_eq(ws_diags_count(d), 1);
	ws_registry_free(r);

	/* a plugin loaded by name is not reported again by load_all */
	r = registry_with(a);
	ws_diags_clear(d);
	cr_assert_eq(ws_registry_load(r, "good", d), WS_OK);
	cr_assert_eq(ws_registry_load_all(r, d), WS_OK);
	cr_assert_eq(ws_registry_load_all(r, d), WS_OK);
	dump(d);
	cr_assert_eq(ws_diags_count(d), 0);
	cr_assert_eq(ws_registry_plugin_count(r), 1);
	ws_registry_free(r);
	rm_rf(a);
	rm_rf(b);
	g_free(junk);
	g_free(flat);
	g_free(libgood);
	g_free(sub);
	g_free(a);
	g_free(b);
	ws_diags_free(d);
}

Test(plugin, default_dirs_come_from_the_environment_and_the_build_tree)
{
	char *tmp = make_tmpdir();
	char *build_plugins = realpath(REAL_PLUGIN_DIR, NULL);
	cr_assert_not_null(build_plugins);
	char *path = g_strdup_printf("relative/dir::%s:%s:", tmp, build_plugins);
	g_setenv("WENSHU_PLUGIN_PATH", path, TRUE);
	ws_registry *r = registry_with(NULL);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_add_default_dirs(r, d), WS_OK);
	dump(d);
	cr_assert(diag_has(d, WS_SEVERITY_WARNING, "$WENSHU_PLUGIN_PATH", "'relative/dir' refused",
	                   NULL));
	cr_assert_eq(ws_diags_count_severity(d, WS_SEVERITY_ERROR), 0);
	cr_assert_geq(ws_registry_dir_count(r), 2);
	cr_assert_str_eq(ws_registry_dir_at(r, 0), tmp);
	/* the build tree's plugins dir, named in both places, is listed once */
	cr_assert_str_eq(ws_registry_dir_at(r, 1), build_plugins);
	for (size_t i = 2; i < ws_registry_dir_count(r); i++)
		cr_assert_str_neq(ws_registry_dir_at(r, i), build_plugins);
	ws_registry_free(r);

	/* without the variable the test, running from the build tree, still
	 * finds the build tree's plugins first */
	g_unsetenv("WENSHU_PLUGIN_PATH");
	r = registry_with(NULL);
	ws_diags_clear(d);
	cr_assert_eq(ws_registry_add_default_dirs(r, d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 0);
	cr_assert_geq(ws_registry_dir_count(r), 1);
	cr_assert_str_eq(ws_registry_dir_at(r, 0), build_plugins);
	cr_assert_eq(ws_registry_load_all(r, d), WS_OK);
	cr_assert_not_null(ws_registry_find_element(r, "barcode"));
	ws_registry_free(r);
	rm_rf(tmp);
	free(build_plugins);
	g_free(path);
	g_free(tmp);
	ws_diags_free(d);
}

/* ---- suggestions ---------------------------------------------------- */

Test(plugin, suggests_close_names)
{
	cr_assert_eq(ws_edit_distance("kitten", "sitting"), 3);
	cr_assert_eq(ws_edit_distance("", "abc"), 3);
	cr_assert_eq(ws_edit_distance("barcode", "barcode"), 0);
	cr_assert_eq(ws_edit_distance("缴费确认单", "缴费确定单"), 1);
	const char *const names[] = {"payment-receipt", NULL, "barcode", "bardoce"};
	cr_assert_str_eq(ws_suggest("barcod", names, 4), "barcode");
	cr_assert_str_eq(ws_suggest("bracode", names, 4), "barcode");
	cr_assert_str_eq(ws_suggest("payment-reciept", names, 4), "payment-receipt");
	cr_assert_null(ws_suggest("passport", names, 4));
	cr_assert_null(ws_suggest("qr", (const char *const[]){"dm"}, 1));
	cr_assert_null(ws_suggest("x", (const char *const[]){"y"}, 1));
	cr_assert_null(ws_suggest(NULL, names, 4));

	ws_registry *r = registry_with(TP_DIR);
	cr_assert_null(ws_registry_suggest(r, "tp-kimd"));
	cr_assert_eq(ws_registry_load(r, "good", NULL), WS_OK);
	cr_assert_str_eq(ws_registry_suggest(r, "tp-kimd"), "tp-kind");
	cr_assert_str_eq(ws_registry_suggest_element(r, "tp-stam"), "tp-stamp");
	cr_assert_null(ws_registry_suggest(r, "passport"));
	ws_registry_free(r);
}

/* ---- the barcode plugin --------------------------------------------- */

static ws_registry *barcode_registry(void)
{
	ws_registry *r = registry_with(REAL_PLUGIN_DIR);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_load(r, "barcode", d), WS_OK);
	dump(d);
	ws_diags_free(d);
	cr_assert(g_str_has_suffix(ws_registry_plugin_path(r, 0), "/plugins/barcode/barcode.so"));
	return r;
}

static ws_value *props(const char *symbology, const char *value, ws_loc value_loc)
{
	ws_value *m = ws_value_new_map(WS_LOC_NONE);
	ws_value_map_set(m, "symbology", ws_value_new_string(symbology, WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(m, "value", ws_value_new_string(value, value_loc), WS_LOC_NONE);
	return m;
}

#define SCALE 4 /* pixels per point */

typedef struct render {
	cairo_surface_t *surface;
	int x0, y0, x1, y1; /* bounding box of dark pixels, in pixels (x1/y1 exclusive) */
	size_t outside;     /* dark pixels outside the element box */
} render;

static bool dark_at(cairo_surface_t *s, int x, int y)
{
	const unsigned char *data = cairo_image_surface_get_data(s);
	uint32_t px = *(const uint32_t *)(data + y * cairo_image_surface_get_stride(s) + x * 4);
	/* opaque white background; dark means each channel below half */
	return ((px >> 16) & 0xff) < 128 && ((px >> 8) & 0xff) < 128 && (px & 0xff) < 128;
}

static int draw_barcode(const ws_element_desc *e, ws_value *p, ws_rect box, render *out,
                        ws_diags *d)
{
	int w = 400 * SCALE, h = 300 * SCALE;
	out->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(out->surface);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, SCALE, SCALE);
	cairo_set_source_rgb(cr, 1, 0, 0);
	cairo_move_to(cr, 3, 4);
	cairo_matrix_t before, after;
	cairo_get_matrix(cr, &before);
	int rc = e->draw(e, ws_host_services_get(), cr, box, p, d);
	/* the element leaves cairo as it found it */
	cairo_get_matrix(cr, &after);
	cr_assert(memcmp(&before, &after, sizeof before) == 0);
	double r, g, b, a;
	cr_assert_eq(cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b, &a),
	             CAIRO_STATUS_SUCCESS);
	cr_assert(r == 1 && g == 0 && b == 0);
	double cx, cy;
	cairo_get_current_point(cr, &cx, &cy);
	cr_assert(cx == 3 && cy == 4, "current point lost: %g,%g", cx, cy);
	cr_assert_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	cairo_surface_flush(out->surface);

	out->x0 = w, out->y0 = h, out->x1 = 0, out->y1 = 0, out->outside = 0;
	int bx0 = (int)(box.x * SCALE), by0 = (int)(box.y * SCALE);
	int bx1 = (int)((box.x + box.width) * SCALE), by1 = (int)((box.y + box.height) * SCALE);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			if (!dark_at(out->surface, x, y))
				continue;
			if (x < bx0 || x >= bx1 || y < by0 || y >= by1)
				out->outside++;
			out->x0 = MIN(out->x0, x), out->y0 = MIN(out->y0, y);
			out->x1 = MAX(out->x1, x + 1), out->y1 = MAX(out->y1, y + 1);
		}
	}
	return rc;
}

/* Dark runs along row y between x0 and x1; their lengths go to runs[]. */
static int dark_runs(cairo_surface_t *s, int y, int x0, int x1, int *runs, int max)
{
	int n = 0, len = 0;
	for (int x = x0; x <= x1; x++) {
		bool dark = x < x1 && dark_at(s, x, y);
		if (dark) {
			len++;
		} else if (len) {
			if (n < max)
				runs[n] = len;
			n++;
			len = 0;
		}
	}
	return n;
}

Test(plugin, barcode_draws_code128_inside_its_box)
{
	ws_registry *r = barcode_registry();
	const ws_element_desc *e = ws_registry_find_element(r, "barcode");
	cr_assert_not_null(e);
	cr_assert_str_eq(ws_registry_element_plugin(r, "barcode")->name, "barcode");
	bool has_symbology = false;
	for (const char *const *k = e->keys; *k; k++)
		has_symbology = has_symbology || strcmp(*k, "symbology") == 0;
	cr_assert(has_symbology);

	ws_diags *d = ws_diags_new();
	ws_value *p = props("code128", "AA00TEST01", WS_LOC_NONE);
	cr_assert_eq(e->check(e, ws_host_services_get(), p, d), WS_OK);
	ws_rect box = {50, 40, 300, 100};
	render rd;
	cr_assert_eq(draw_barcode(e, p, box, &rd, d), WS_OK);
	dump(d);
	cr_assert_eq(ws_diags_count(d), 0);
	cr_assert_eq(rd.outside, 0, "%zu dark pixels outside the box", rd.outside);
	cr_assert_lt(rd.x0, rd.x1, "nothing drawn");
	/* fills the box: bars span most of the width (less the quiet zones),
	 * the symbol the full height */
	cr_assert_gt(rd.x1 - rd.x0, 0.8 * box.width * SCALE);
	cr_assert_gt(rd.y1 - rd.y0, 0.9 * box.height * SCALE);
	/* centred */
	double mid = (rd.x0 + rd.x1) / 2.0 / SCALE;
	cr_assert(mid > box.x + box.width / 2 - 2 && mid < box.x + box.width / 2 + 2);

	/* Code 128: start, data, check character and stop: 3 bars per
	 * character, 4 for the stop pattern; at least 10 data characters */
	int runs[128];
	int bars = dark_runs(rd.surface, (rd.y0 + rd.y1) / 3, rd.x0, rd.x1, runs, 128);
	cr_assert_eq((bars - 4) % 3, 0, "%d bars", bars);
	cr_assert_geq(bars, 3 * 12 + 4, "%d bars", bars);
	/* the stop pattern 2331112 ends with a 2-module bar: the widest
	 * module count a bar has is 4 */
	int narrow = runs[bars - 1] / 2;
	for (int i = 0; i < bars && i < 128; i++)
		cr_assert_leq(runs[i], 4 * narrow + 3, "bar %d is %d px", i, runs[i]);

	/* human-readable text: the bottom dark row is text, narrower than the bars */
	int bottom_runs[128];
	dark_runs(rd.surface, rd.y1 - 1, rd.x0, rd.x1, bottom_runs, 128);
	int first = -1, last = -1;
	for (int x = rd.x0; x < rd.x1; x++)
		if (dark_at(rd.surface, x, rd.y1 - 4))
			last = x, first = first < 0 ? x : first;
	cr_assert(first > rd.x0 + 10 && last < rd.x1 - 10, "no text under the bars");
	cairo_surface_destroy(rd.surface);

	/* without text the bars reach the bottom */
	ws_value_map_set(p, "show_text", ws_value_new_bool(false, WS_LOC_NONE), WS_LOC_NONE);
	cr_assert_eq(draw_barcode(e, p, box, &rd, d), WS_OK);
	cr_assert_eq(dark_runs(rd.surface, rd.y1 - 2, rd.x0, rd.x1, runs, 128), bars);
	cr_assert_eq(rd.outside, 0);
	cairo_surface_destroy(rd.surface);

	ws_value_unref(p);
	ws_registry_free(r);
	ws_diags_free(d);
}

Test(plugin, barcode_draws_2d_codes_square_and_centred)
{
	ws_registry *r = barcode_registry();
	const ws_element_desc *e = ws_registry_find_element(r, "barcode");
	ws_diags *d = ws_diags_new();
	ws_rect box = {50, 50, 250, 120};

	ws_value *p = props("qr", "AA00TEST01", WS_LOC_NONE);
	ws_value_map_set(p, "color", ws_value_new_string("#102030", WS_LOC_NONE), WS_LOC_NONE);
	cr_assert_eq(e->check(e, ws_host_services_get(), p, d), WS_OK);
	render rd;
	cr_assert_eq(draw_barcode(e, p, box, &rd, d), WS_OK);
	dump(d);
	cr_assert_eq(ws_diags_count(d), 0);
	cr_assert_eq(rd.outside, 0);
	int w = rd.x1 - rd.x0, h = rd.y1 - rd.y0;
	cr_assert(abs(w - h) <= 2, "QR is %d x %d px", w, h);
	/* version 1 is 21 modules, 4-module quiet zone on each side: 29 in all */
	double module = box.height * SCALE / 29.0;
	cr_assert(fabs(w - 21 * module) <= 3, "QR is %d px wide, module %g", w, module);
	double cx = (rd.x0 + rd.x1) / 2.0 / SCALE, cy = (rd.y0 + rd.y1) / 2.0 / SCALE;
	cr_assert(fabs(cx - (box.x + box.width / 2)) < 1 && fabs(cy - (box.y + box.height / 2)) < 1);
	/* finder patterns: the top row starts and ends with 7 dark modules */
	int runs[32];
	int n = dark_runs(rd.surface, rd.y0 + 1, rd.x0, rd.x1, runs, 32);
	cr_assert_geq(n, 2);
	cr_assert(fabs(runs[0] - 7 * module) <= 3 && fabs(runs[n - 1] - 7 * module) <= 3,
	          "finder runs %d, %d; module %g", runs[0], runs[n - 1], module);
	cairo_surface_destroy(rd.surface);
	ws_value_unref(p);

	const char *others[] = {"datamatrix", "pdf417"};
	for (size_t i = 0; i < 2; i++) {
		p = props(others[i], "签证申请 AA00TEST01", WS_LOC_NONE);
		ws_value_map_set(p, "quiet_zone", ws_value_new_number(2, WS_LOC_NONE), WS_LOC_NONE);
		cr_assert_eq(e->check(e, ws_host_services_get(), p, d), WS_OK, "%s", others[i]);
		cr_assert_eq(draw_barcode(e, p, box, &rd, d), WS_OK, "%s", others[i]);
		dump(d);
		cr_assert_eq(ws_diags_count_severity(d, WS_SEVERITY_ERROR), 0);
		cr_assert_eq(rd.outside, 0, "%s", others[i]);
		cr_assert_lt(rd.x0, rd.x1, "%s drew nothing", others[i]);
		cairo_surface_destroy(rd.surface);
		ws_value_unref(p);
	}
	ws_registry_free(r);
	ws_diags_free(d);
}

Test(plugin, barcode_check_reports_at_the_offending_value)
{
	ws_registry *r = barcode_registry();
	const ws_element_desc *e = ws_registry_find_element(r, "barcode");
	const ws_host_services *h = ws_host_services_get();
	ws_diags *d = ws_diags_new();
	ws_loc at = {g_intern_string("layouts/visa.yaml"), 12, 9};

	/* an unknown symbology, located at its value */
	ws_value *p = ws_value_new_map(WS_LOC_NONE);
	ws_value_map_set(p, "symbology", ws_value_new_string("ean13x", at), WS_LOC_NONE);
	ws_value_map_set(p, "value", ws_value_new_string("1", WS_LOC_NONE), WS_LOC_NONE);
	cr_assert_eq(e->check(e, h, p, d), WS_EINPUT);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "unknown symbology 'ean13x'", NULL));
	cr_assert_eq(ws_diags_at(d, 0)->loc.line, 12);
	ws_value_unref(p);

	/* Code 128 is Latin-1 only: zint's error text, at the value */
	ws_diags_clear(d);
	p = props("code128", "签证", at);
	cr_assert_eq(e->check(e, h, p, d), WS_EINPUT);
	dump(d);
	cr_assert_eq(ws_diags_count(d), 1);
	const ws_diag *g = ws_diags_at(d, 0);
	cr_assert(strstr(g->message, "cannot be encoded as code128: Error ") != NULL, "%s",
	          g->message);
	cr_assert_str_eq(g->loc.file, "layouts/visa.yaml");
	cr_assert_eq(g->loc.line, 12);
	cr_assert_eq(g->loc.column, 9);
	/* draw refuses the same way instead of drawing garbage */
	ws_diags_clear(d);
	render rd;
	cr_assert_eq(draw_barcode(e, p, (ws_rect){10, 10, 100, 40}, &rd, d), WS_EINPUT);
	cr_assert_eq(rd.x1, 0, "something was drawn");
	cairo_surface_destroy(rd.surface);
	ws_value_unref(p);

	/* the same text is fine in a QR code */
	ws_diags_clear(d);
	p = props("qr", "签证", at);
	cr_assert_eq(e->check(e, h, p, d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 0);
	ws_value_unref(p);

	/* bad option values, each reported */
	p = props("qr", "x", at);
	ws_value_map_set(p, "color", ws_value_new_string("#12345", at), WS_LOC_NONE);
	ws_value_map_set(p, "show_text", ws_value_new_string("yes", at), WS_LOC_NONE);
	ws_value_map_set(p, "quiet_zone", ws_value_new_number(-1, at), WS_LOC_NONE);
	cr_assert_eq(e->check(e, h, p, d), WS_EINPUT);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "'color' must be", NULL));
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "'show_text' must be true or false", NULL));
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "'quiet_zone' must be", NULL));
	ws_value_unref(p);

	/* a missing value */
	ws_diags_clear(d);
	p = ws_value_new_map(at);
	cr_assert_eq(e->check(e, h, p, d), WS_EINPUT);
	cr_assert(diag_has(d, WS_SEVERITY_ERROR, "key 'value' is missing", NULL));
	ws_value_unref(p);
	ws_registry_free(r);
	ws_diags_free(d);
}

/* Names a module exports: `nm -D --defined-only` (or --undefined-only). */
static char **dynamic_symbols(const char *path, const char *which)
{
	char *argv[] = {"nm", "-D", (char *)which, (char *)path, NULL};
	char *out = NULL, *err = NULL;
	int status = 0;
	GError *error = NULL;
	cr_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
	                       &status, &error),
	          "cannot run nm: %s", error ? error->message : "");
	cr_assert(g_spawn_check_wait_status(status, NULL), "nm failed: %s", err);
	GPtrArray *names = g_ptr_array_new();
	char **lines = g_strsplit(out, "\n", -1);
	for (char **l = lines; *l; l++) {
		char **f = g_strsplit_set(g_strstrip(*l), " \t", -1);
		guint n = g_strv_length(f);
		if (n >= 2)
			g_ptr_array_add(names, g_strdup(f[n - 1]));
		g_strfreev(f);
	}
	g_ptr_array_add(names, NULL);
	g_strfreev(lines);
	g_free(out);
	g_free(err);
	return (char **)g_ptr_array_free(names, FALSE);
}

Test(plugin, barcode_exports_only_the_entry_symbol)
{
	const char *so = REAL_PLUGIN_DIR "/barcode/barcode.so";
	char **defined = dynamic_symbols(so, "--defined-only");
	cr_assert_eq(g_strv_length(defined), 1, "exports %u symbols, first %s",
	             g_strv_length(defined), defined[0] ? defined[0] : "-");
	cr_assert_str_eq(defined[0], WS_PLUGIN_ENTRY_SYMBOL);
	g_strfreev(defined);
	/* and it reaches the core only through the services table */
	char **undefined = dynamic_symbols(so, "--undefined-only");
	bool zint = false;
	for (char **s = undefined; *s; s++) {
		cr_assert_not(g_str_has_prefix(*s, "ws_"), "barcode.so needs %s from the core", *s);
		zint = zint || g_str_has_prefix(*s, "ZBarcode_");
	}
	cr_assert(zint, "nm output not understood");
	g_strfreev(undefined);
}
