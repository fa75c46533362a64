/* The engine: registry + fonts + layouts + the per-group pipeline. */
#include "engine.h"

#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <pango/pangofc-fontmap.h>
#include <string.h>

#include "element.h"
#include "fontprep.h"
#include "fonts.h"
#include "host.h"
#include "suggest.h"
#include "layout-private.h"
#include "paths.h"
#include "twins.h"
#include "typeset.h"
#include "ws-config.h"

struct ws_engine {
	ws_registry *registry;
	ws_fonts *fonts;
	ws_fontprep *fontprep;   /* NULL when preparation is off or impossible */
	bool want_fontprep;      /* prepare on the first render */
	char *cache_dir;         /* owned, or NULL for the default */
	PangoContext *pango;
	GArray *layout_dirs;     /* of layout_dir, search order (paths.h) */
	GHashTable *layouts;     /* name → ws_layout*, loaded once (ws_engine_layout) */
	ws_twins *twins;         /* owned: the PDF font twins (twins.h) */
};

typedef struct layout_dir {
	char *dir;               /* owned, absolute; may not exist */
	ws_search_origin origin;
} layout_dir;

/* The role families whose CJK faces are worth preparing: every document
 * uses them, and they are the CFF fonts Cairo 1.16 embeds slowly. */
static const char *const prepared_families[] = {
	"Noto Serif CJK SC", "Noto Sans CJK SC", "FandolFang", NULL,
};

/* Folders are kept whether they exist or not: a "not found" message lists
 * every folder searched, and the office folder may be created while a
 * preview runs. */
static void add_layout_dir(ws_engine *e, const char *dir, ws_search_origin origin)
{
	if (!dir || !*dir || !g_path_is_absolute(dir))
		return;
	char *canon = g_canonicalize_filename(dir, NULL);
	for (guint i = 0; i < e->layout_dirs->len; i++)
		if (strcmp(g_array_index(e->layout_dirs, layout_dir, i).dir, canon) == 0) {
			g_free(canon);
			return;
		}
	layout_dir d = {canon, origin};
	g_array_append_val(e->layout_dirs, d);
}

static void layout_dir_clear(void *p)
{
	g_free(((layout_dir *)p)->dir);
}

static bool builtin_element(const char *name)
{
	return ws__elem_class_find(name) != NULL;
}

int ws_engine_new(ws_engine **out, const ws_engine_options *opts, ws_diags *diags)
{
	ws_engine_options defaults = WS_ENGINE_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	*out = NULL;
	/* A struct of another version has its fields at other offsets: refuse
	 * it before reading any (docs/conventions.md, options structs). */
	if (opts->version == 0 || opts->version > WS_ENGINE_OPTIONS_VERSION) {
		ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, NULL, NULL,
		            "engine options version %u is not supported (this wenshu knows 1 to %d; "
		            "initialize with WS_ENGINE_OPTIONS_INIT)",
		            opts->version, WS_ENGINE_OPTIONS_VERSION);
		return WS_EUSAGE;
	}
	ws_engine *e = g_new0(ws_engine, 1);
	e->layout_dirs = g_array_new(FALSE, FALSE, sizeof(layout_dir));
	g_array_set_clear_func(e->layout_dirs, layout_dir_clear);
	e->layouts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)ws_layout_free);
	int rc = ws_twins_new(&e->twins);
	if (rc != WS_OK)
		goto fail;
	rc = ws_registry_new(&e->registry);
	if (rc != WS_OK)
		goto fail;
	for (const char *const *d = opts->plugin_dirs; d && *d; d++)
		if ((rc = ws_registry_add_dir(e->registry, *d, diags)) != WS_OK)
			goto fail;
	ws_registry_add_default_dirs(e->registry, diags);
	/* Listed, not opened: a plugin is loaded when a layout first uses
	 * its kind or element type, so the constructors of plugins a render
	 * does not use never run (plugin.h). */
	ws_registry_set_builtin_elements(e->registry, builtin_element);
	ws_registry_scan(e->registry, diags);

	const char *conf = opts->fonts_conf;
	char *conf_owned = NULL;
	if (!conf && !g_getenv("FONTCONFIG_FILE"))
		conf = conf_owned = ws_paths_default_fonts_conf();
	rc = ws_fonts_new(&e->fonts, conf, NULL, diags);
	g_free(conf_owned);
	if (rc != WS_OK)
		goto fail;
	/* The prepared fonts are made on the first render, not here: a command
	 * that only checks, or input refused while loading, never waits for
	 * the one-time preparation (seconds on a new machine). */
	e->want_fontprep = opts->prepare_fonts && !g_getenv("WENSHU_NO_FONTPREP");
	e->cache_dir = g_strdup(opts->cache_dir);
	e->pango = ws_fonts_create_context(e->fonts);

	for (const char *const *d = opts->layout_dirs; d && *d; d++) {
		char *abs = g_canonicalize_filename(*d, NULL);
		add_layout_dir(e, abs, WS_SEARCH_OPTION);
		g_free(abs);
	}
	const char *env = g_getenv("WENSHU_LAYOUT_PATH");
	if (env) {
		/* Relative and empty entries are skipped: what a layout name
		 * means must not depend on the current directory. */
		char **parts = g_strsplit(env, ":", -1);
		for (char **p = parts; *p; p++)
			add_layout_dir(e, *p, WS_SEARCH_ENV);
		g_strfreev(parts);
	}
	char *office = ws_paths_office_layout_dir();
	add_layout_dir(e, office, WS_SEARCH_OFFICE);
	g_free(office);
	if (ws_paths_running_from_build_tree())
		add_layout_dir(e, WS_SOURCE_DIR "/layouts", WS_SEARCH_BUILD_TREE);
	add_layout_dir(e, ws_paths_installed_layout_dir(), WS_SEARCH_INSTALLED);
	*out = e;
	return WS_OK;
fail:
	ws_engine_free(e);
	return rc != WS_OK ? rc : WS_EINTERNAL;
}

void ws_engine_free(ws_engine *e)
{
	if (!e)
		return;
	/* Before the fonts: the twins let go of the Pango fonts they shadow. */
	ws_twins_free(e->twins);
	if (e->pango) {
		ws_typeset_clear_cache(e->pango);
		g_object_unref(e->pango);
	}
	ws_fonts_free(e->fonts);
	ws_fontprep_free(e->fontprep);
	g_free(e->cache_dir);
	ws_registry_free(e->registry);
	if (e->layout_dirs)
		g_array_free(e->layout_dirs, TRUE);
	g_hash_table_unref(e->layouts);
	g_free(e);
}

const ws_registry *ws_engine_registry(const ws_engine *e)
{
	return e->registry;
}

void ws_engine_load_plugins(ws_engine *e, ws_diags *diags)
{
	ws_registry_take_diags(e->registry, diags);
	ws_registry_load_all(e->registry, diags);
}

ws_twins *ws_engine_twins(const ws_engine *e)
{
	return e->twins;
}

static bool looks_like_path(const char *s)
{
	return strchr(s, '/') || g_str_has_suffix(s, ".yaml") || g_str_has_suffix(s, ".yml");
}

size_t ws_engine_layout_dir_count(const ws_engine *e)
{
	return e ? e->layout_dirs->len : 0;
}

const char *ws_engine_layout_dir_at(const ws_engine *e, size_t i, ws_search_origin *origin)
{
	if (!e || i >= e->layout_dirs->len)
		return NULL;
	const layout_dir *d = &g_array_index(e->layout_dirs, layout_dir, i);
	if (origin)
		*origin = d->origin;
	return d->dir;
}

char *ws_engine_describe_layout_dirs(const ws_engine *e)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < e->layout_dirs->len; i++) {
		const layout_dir *d = &g_array_index(e->layout_dirs, layout_dir, i);
		const char *why = d->origin == WS_SEARCH_ENV ? "$WENSHU_LAYOUT_PATH" : ws_search_origin_name(d->origin);
		g_string_append_printf(s, "%s%s (%s%s)", i ? ", " : "", d->dir, why,
		                       g_file_test(d->dir, G_FILE_TEST_IS_DIR) ? "" : ", missing");
	}
	if (!s->len)
		g_string_append(s, "no folder");
	return g_string_free(s, FALSE);
}

/* The first <dir>/<name> that is a regular file, or NULL (g_free). */
static char *search_layout_dirs(const ws_engine *e, const char *name)
{
	for (guint i = 0; i < e->layout_dirs->len; i++) {
		char *p = g_build_filename(g_array_index(e->layout_dirs, layout_dir, i).dir, name, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
			return p;
		g_free(p);
	}
	return NULL;
}

/* A bare name that may stand for <name>.yaml in a layout folder. */
static bool plain_layout_name(const char *s)
{
	if (!*s || *s == '.')
		return false;
	for (const char *c = s; *c; c++)
		if (!g_ascii_isalnum(*c) && *c != '-' && *c != '_' && *c != '.')
			return false;
	return true;
}

char *ws_engine_suggest_layout(ws_engine *e, const char *arg)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const ws_registry *r = e->registry;
	for (size_t i = 0; i < ws_registry_kind_count(r); i++)
		g_ptr_array_add(names, g_strdup(ws_registry_kind_at(r, i)->name));
	char **files = ws_engine_list_layouts(e);
	for (char **f = files; *f; f++) {
		char *base = g_path_get_basename(*f);
		base[strlen(base) - 5] = '\0'; /* ".yaml" */
		g_ptr_array_add(names, base);
	}
	g_strfreev(files);
	const char *hint = ws_suggest(arg, (const char *const *)names->pdata, names->len);
	char *out = g_strdup(hint);
	g_ptr_array_free(names, TRUE);
	return out;
}

static int find_layout(ws_engine *e, const char *arg, char **path, ws_diags *diags)
{
	*path = NULL;
	if (looks_like_path(arg)) {
		if (!g_file_test(arg, G_FILE_TEST_IS_REGULAR)) {
			ws_diag_add(diags, WS_SEVERITY_ERROR, (ws_loc){g_intern_string(arg), 0, 0}, NULL, NULL,
			            "no such layout file");
			/* A name typed on the command line: a usage error (exit 2),
			 * like an unknown kind. */
			return WS_EUSAGE;
		}
		*path = g_strdup(arg);
		return WS_OK;
	}
	const ws_kind_desc *kind = ws_registry_find_kind(e->registry, arg);
	if (!kind) {
		/* A layout of its own (an office form) is found by its file name. */
		char *file = plain_layout_name(arg) ? g_strdup_printf("%s.yaml", arg) : NULL;
		*path = file ? search_layout_dirs(e, file) : NULL;
		g_free(file);
		if (*path)
			return WS_OK;
		char *dirs = ws_engine_describe_layout_dirs(e);
		char *hint = ws_engine_suggest_layout(e, arg);
		if (hint)
			ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, NULL, NULL,
			            "'%s' is neither a layout file nor a known kind or form (did you mean '%s'?); "
			            "layout folders searched: %s", arg, hint, dirs);
		else
			ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, NULL, NULL,
			            "'%s' is neither a layout file nor a known kind or form (see 'wenshu list'); "
			            "layout folders searched: %s", arg, dirs);
		g_free(hint);
		g_free(dirs);
		return WS_EUSAGE;
	}
	char *name = kind->layout ? g_strdup(kind->layout) : g_strdup_printf("%s.yaml", kind->name);
	*path = search_layout_dirs(e, name);
	if (*path) {
		g_free(name);
		return WS_OK;
	}
	char *dirs = ws_engine_describe_layout_dirs(e);
	ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, NULL, NULL,
	            "no layout '%s' for the kind '%s' in the layout folders; searched: %s", name, arg, dirs);
	g_free(dirs);
	g_free(name);
	return WS_EINPUT;
}

int ws_engine_find_layout(ws_engine *e, const char *arg, char **path, ws_diags *diags)
{
	int rc = find_layout(e, arg, path, diags);
	/* The kind's plugin was loaded just now, or every plugin was for a
	 * suggestion: what that had to say (a refusal) goes with the result. */
	ws_registry_take_diags(e->registry, diags);
	return rc;
}

int ws_engine_load_layout(ws_engine *e, const char *arg, ws_layout **out, ws_diags *diags)
{
	char *path = NULL;
	*out = NULL;
	int rc = ws_engine_find_layout(e, arg, &path, diags);
	if (rc != WS_OK)
		return rc;
	rc = ws_layout_load_file(out, path, e->registry, diags);
	g_free(path);
	return rc;
}

int ws_engine_layout(ws_engine *e, const char *arg, const ws_layout **out, ws_diags *diags)
{
	ws_layout *l = g_hash_table_lookup(e->layouts, arg);
	if (!l) {
		int rc = ws_engine_load_layout(e, arg, &l, diags);
		if (rc != WS_OK) {
			*out = NULL;
			return rc;
		}
		g_hash_table_insert(e->layouts, g_strdup(arg), l);
	}
	*out = l;
	return WS_OK;
}

char **ws_engine_list_layouts(ws_engine *e)
{
	GPtrArray *out = g_ptr_array_new();
	for (guint i = 0; i < e->layout_dirs->len; i++) {
		const char *dir = g_array_index(e->layout_dirs, layout_dir, i).dir;
		GDir *d = g_dir_open(dir, 0, NULL);
		if (!d)
			continue;
		GPtrArray *names = g_ptr_array_new();
		const char *n;
		while ((n = g_dir_read_name(d)))
			/* packets.yaml (packet.h) lives beside the layouts but is none */
			if (g_str_has_suffix(n, ".yaml") && strcmp(n, "packets.yaml") != 0)
				g_ptr_array_add(names, g_build_filename(dir, n, NULL));
		g_dir_close(d);
		g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
		for (guint k = 0; k < names->len; k++)
			g_ptr_array_add(out, g_ptr_array_index(names, k));
		g_ptr_array_free(names, TRUE);
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

int ws_engine_prepare(ws_engine *e, const ws_layout *layout, ws_value *group, ws_diags *diags)
{
	/* A form of the office's own (no kind) may borrow a kind's derive
	 * (derive:) but never its validation: its fields: rules are its rules. */
	const ws_kind_desc *kind = layout->kind ? ws_registry_find_kind(e->registry, layout->kind) : NULL;
	const ws_kind_desc *deriver =
		ws_layout_derive(layout) ? ws_registry_find_kind(e->registry, ws_layout_derive(layout)) : NULL;
	const ws_host_services *host = ws_host_services_get();
	ws_diags *mine = ws_diags_new();
	if (deriver && deriver->derive)
		deriver->derive(deriver, host, group, mine);
	ws_layout_check_fields(layout, group, mine);
	if (kind && kind->validate)
		kind->validate(kind, host, group, mine);
	bool failed = ws_diags_has_errors(mine);
	ws_diags_move(diags, mine);
	ws_diags_free(mine);
	return failed ? WS_EINPUT : WS_OK;
}

/* Swaps the CJK fonts for their prepared copies, once.  Preparation is an
 * optimisation: its problems are warnings and rendering goes on with the
 * original fonts.  Before anything is typeset, so every layout sees one
 * font configuration. */
static void prepare_fonts_once(ws_engine *e, ws_diags *diags)
{
	if (!e->want_fontprep)
		return;
	e->want_fontprep = false;
	ws_diags *prep = ws_diags_new();
	FcConfig *config = pango_fc_font_map_get_config(PANGO_FC_FONT_MAP(ws_fonts_font_map(e->fonts)));
	if (ws_fontprep_new(&e->fontprep, e->cache_dir, prep) == WS_OK &&
	    ws_fontprep_apply(e->fontprep, config, prepared_families, prep) == WS_OK) {
		pango_fc_font_map_config_changed(PANGO_FC_FONT_MAP(ws_fonts_font_map(e->fonts)));
		/* The PDF twins of the prepared faces live beside them. */
		if (!ws_twins_cache_dir(e->twins))
			ws_twins_set_cache_dir(e->twins, ws_fontprep_cache_dir(e->fontprep));
	}
	for (size_t i = 0; i < ws_diags_count(prep); i++) {
		const ws_diag *d = ws_diags_at(prep, i);
		ws_diag_add(diags, d->severity == WS_SEVERITY_ERROR ? WS_SEVERITY_WARNING : d->severity, d->loc,
		            d->rule, d->path, "%s", d->message);
	}
	ws_diags_free(prep);
}

static int render(ws_engine *e, const ws_layout *layout, const ws_value *group, ws_document **out,
                  ws_document **draft, ws_diags *diags)
{
	prepare_fonts_once(e, diags);
	*out = NULL;
	if (draft)
		*draft = NULL;
	ws_value *copy = group ? ws_value_copy(group) : ws_value_new_map(WS_LOC_NONE);
	int rc = ws_engine_prepare(e, layout, copy, diags);
	if (rc == WS_OK) {
		ws_typeset_env env = {.version = WS_TYPESET_ENV_VERSION, .pango = e->pango, .registry = e->registry,
		                      .refused = draft};
		rc = ws_typeset(layout, copy, &env, out, diags);
		/* The twins learn the glyphs a PDF of it will need, so a twin
		 * is built at most once per document, before it is drawn. */
		if (*out)
			ws_twins_note_document(e->twins, *out);
	}
	ws_value_unref(copy);
	return rc;
}

int ws_engine_render(ws_engine *e, const ws_layout *layout, const ws_value *group, ws_document **out,
                     ws_diags *diags)
{
	return render(e, layout, group, out, NULL, diags);
}

int ws_engine_render_draft(ws_engine *e, const ws_layout *layout, const ws_value *group, ws_document **out,
                           ws_document **draft, ws_diags *diags)
{
	return render(e, layout, group, out, draft, diags);
}

static void expect_strings(ws_twins *twins, const ws_value *v, int depth)
{
	/* Data nests a few levels; the loader bounds depth anyway. */
	if (depth > 64)
		return;
	switch (ws_value_get_type(v)) {
	case WS_VALUE_STRING:
		ws_twins_expect_text(twins, ws_value_text(v));
		break;
	case WS_VALUE_LIST:
		for (size_t i = 0; i < ws_value_length(v); i++)
			expect_strings(twins, ws_value_list_at(v, i), depth + 1);
		break;
	case WS_VALUE_MAP:
		for (size_t i = 0; i < ws_value_length(v); i++)
			expect_strings(twins, ws_value_map_value_at(v, i), depth + 1);
		break;
	default:
		break;
	}
}

void ws_engine_expect_group(ws_engine *e, const ws_value *group)
{
	expect_strings(e->twins, group, 0);
}

void ws_engine_expect_data(ws_engine *e, const ws_dataset *data)
{
	for (size_t i = 0; i < ws_dataset_count(data); i++)
		ws_engine_expect_group(e, ws_dataset_group(data, i));
}

static const char *const roles[] = {
	"Wenshu Song", "Wenshu Hei", "Wenshu Kai", "Wenshu FangSong", "Wenshu Title", NULL,
};

/* A family the layout names that is no role: say when it is not
 * installed, at the style that names it (a clerk types FangSong_GB2312
 * on a machine without it and would get a fallback silently). */
static void report_named_fonts(ws_engine *e, const ws_layout *layout, ws_diags *diags)
{
	for (size_t i = 0; i < ws_layout_font_count(layout); i++) {
		ws_loc loc;
		const char *name = ws_layout_font_at(layout, i, &loc);
		if (g_strv_contains(roles, name))
			continue;
		char *family = NULL, *file = NULL;
		bool fallback = false;
		/* The faces named are the ones the text is drawn with (Pango's
		 * choice, by kind of character), not fontconfig's best match
		 * for the name: that one need not be what is printed. */
		if (ws_fonts_resolve_role(e->fonts, name, &family, &file, &fallback) == WS_OK && fallback) {
			char *faces = ws_fonts_describe_faces(e->pango, name);
			ws_diag_add(diags, WS_SEVERITY_WARNING, loc, "font", NULL,
			            "font '%s' is not installed: its text is drawn with %s instead; install it, or drop its font file into fonts/, or use a role (song, hei, kai, fangsong, title)",
			            name, faces);
			g_free(faces);
		}
		g_free(family);
		g_free(file);
	}
}

int ws_engine_report_fonts(ws_engine *e, ws_diags *diags)
{
	return ws_engine_report_layout_fonts(e, NULL, diags);
}

int ws_engine_report_layout_fonts(ws_engine *e, const ws_layout *layout, ws_diags *diags)
{
	for (const char *const *r = roles; *r; r++) {
		if (layout && !ws_layout_uses_font(layout, *r))
			continue;
		char *family = NULL, *file = NULL;
		bool fallback = false;
		if (ws_fonts_resolve_role(e->fonts, *r, &family, &file, &fallback) != WS_OK) {
			ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, "font", NULL, "no font serves the role '%s'", *r);
			continue;
		}
		if (fallback)
			ws_diag_add(diags, WS_SEVERITY_WARNING, WS_LOC_NONE, "font", NULL,
			            "role '%s' falls back to '%s' (%s): its preferred fonts are not installed; drop a licensed font into fonts/ to use it",
			            *r, family, file ? file : "?");
		else
			ws_diag_add(diags, WS_SEVERITY_NOTE, WS_LOC_NONE, "font", NULL, "role '%s' is served by '%s' (%s)", *r,
			            family, file ? file : "?");
		g_free(family);
		g_free(file);
	}
	if (layout)
		report_named_fonts(e, layout, diags);
	return WS_OK;
}

