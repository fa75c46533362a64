/* Fonts: private fontconfig configuration, role families, coverage checks. */
#include "fonts.h"

#include <string.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include "paths.h"

struct ws_fonts {
	FcConfig *config;     /* owned (one reference) */
	PangoFontMap *map;    /* owned */
};

/* L17: print geometry is in points, so the font map works at 72 dpi and a
 * 16 pt glyph is 16 units wide (DOMAIN.md §0.4). */
#define WS_FONTS_DPI 72.0

static char *default_conf_file(void)
{
	const char *env = g_getenv("FONTCONFIG_FILE");
	if (env && *env)
		return g_strdup(env);
	return ws_paths_default_fonts_conf();
}

int ws_fonts_new(ws_fonts **out, const char *conf_file, const char *const *extra_dirs,
                 ws_diags *diags)
{
	if (!out)
		return WS_EUSAGE;
	*out = NULL;

	char *path = conf_file ? g_strdup(conf_file) : default_conf_file();
	ws_loc loc = {g_intern_string(path), 0, 0};
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
		ws_error_at(diags, loc, "font configuration not found");
		g_free(path);
		return WS_EIO;
	}

	FcConfig *config = FcConfigCreate();
	if (!config) {
		g_free(path);
		return WS_ENOMEM;
	}
	/* complain=FcTrue: a malformed file is an error, not an empty config. */
	if (!FcConfigParseAndLoad(config, (const FcChar8 *)path, FcTrue)) {
		ws_error_at(diags, loc, "cannot load font configuration");
		FcConfigDestroy(config);
		g_free(path);
		return WS_EIO;
	}
	for (const char *const *d = extra_dirs; d && *d; d++) {
		if (!g_file_test(*d, G_FILE_TEST_IS_DIR) ||
		    !FcConfigAppFontAddDir(config, (const FcChar8 *)*d)) {
			ws_error_at(diags, loc, "cannot add font folder '%s'", *d);
			FcConfigDestroy(config);
			g_free(path);
			return WS_EIO;
		}
	}
	if (!FcConfigBuildFonts(config)) {
		ws_error_at(diags, loc, "cannot build the font list");
		FcConfigDestroy(config);
		g_free(path);
		return WS_ENOMEM;
	}
	g_free(path);

	ws_fonts *f = g_new0(ws_fonts, 1);
	f->config = config;
	f->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	if (!f->map) {
		FcConfigDestroy(config);
		g_free(f);
		return WS_EINTERNAL;
	}
	/* The font map takes its own reference on the configuration. */
	pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), config);
	/* Cairo's own font selection (a plugin drawing a barcode's text with
	 * cairo_select_font_face) uses the process's current configuration:
	 * make it this one, so the role families resolve there too and no
	 * stray DejaVu is embedded.  fontconfig takes its own reference. */
	FcConfigSetCurrent(config);
	pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(f->map), WS_FONTS_DPI);
	*out = f;
	return WS_OK;
}

void ws_fonts_free(ws_fonts *f)
{
	if (!f)
		return;
	g_object_unref(f->map);
	FcConfigDestroy(f->config);
	g_free(f);
}

PangoFontMap *ws_fonts_font_map(ws_fonts *f)
{
	return f ? f->map : NULL;
}

PangoContext *ws_fonts_create_context(ws_fonts *f)
{
	if (!f)
		return NULL;
	PangoContext *ctx = pango_font_map_create_context(f->map);
	cairo_font_options_t *opt = cairo_font_options_create();
	/* L17: unhinted metrics, else a 16 pt CJK advance becomes 21 px instead
	 * of 21.33 (DOMAIN.md §0.4). */
	cairo_font_options_set_hint_metrics(opt, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(opt, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_antialias(opt, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options(ctx, opt);
	cairo_font_options_destroy(opt);
	pango_cairo_context_set_resolution(ctx, WS_FONTS_DPI);
	/* L11: the GB/T 9704 grid pitch (15.79 pt) is fractional; rounded glyph
	 * positions would drift by up to 0.5 pt per character. */
	pango_context_set_round_glyph_positions(ctx, FALSE);
	/* L16: mainland punctuation positions come from zh-cn (locl). */
	pango_context_set_language(ctx, pango_language_from_string("zh-cn"));
	pango_context_set_base_dir(ctx, PANGO_DIRECTION_LTR);
	return ctx;
}

static bool font_has_family(FcPattern *font, const char *family)
{
	FcChar8 *s;
	for (int i = 0; FcPatternGetString(font, FC_FAMILY, i, &s) == FcResultMatch; i++)
		if (FcStrCmpIgnoreCase(s, (const FcChar8 *)family) == 0)
			return true;
	return false;
}

int ws_fonts_resolve_role(ws_fonts *f, const char *role, char **family_out,
                          char **file_out, bool *is_fallback)
{
	if (family_out)
		*family_out = NULL;
	if (file_out)
		*file_out = NULL;
	if (is_fallback)
		*is_fallback = false;
	if (!f || !role)
		return WS_EUSAGE;

	FcPattern *pat = FcPatternCreate();
	if (!pat)
		return WS_ENOMEM;
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)role);
	FcPatternAddString(pat, FC_LANG, (const FcChar8 *)"zh-cn");
	FcConfigSubstitute(f->config, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	/* After substitution a role's strong alias reads [prefer…, role,
	 * accept…] (fonts/fonts.conf): the families before the role name are
	 * its own faces, those after it declared fallbacks.  A name that is
	 * no role (no alias) has only itself in front. */
	GPtrArray *own = g_ptr_array_new_with_free_func(g_free);
	FcChar8 *fam_i = NULL;
	for (int i = 0; FcPatternGetString(pat, FC_FAMILY, i, &fam_i) == FcResultMatch; i++) {
		if (FcStrCmpIgnoreCase(fam_i, (const FcChar8 *)role) == 0)
			break;
		g_ptr_array_add(own, g_strdup((const char *)fam_i));
	}
	if (own->len == 0)
		g_ptr_array_add(own, g_strdup(role));

	FcResult res;
	FcPattern *match = FcFontMatch(f->config, pat, &res);
	FcPatternDestroy(pat);
	if (!match) {
		g_ptr_array_free(own, TRUE);
		return WS_EINPUT;
	}
	FcChar8 *family = NULL, *file = NULL;
	FcPatternGetString(match, FC_FAMILY, 0, &family);
	FcPatternGetString(match, FC_FILE, 0, &file);
	if (family_out)
		*family_out = g_strdup((const char *)family);
	if (file_out)
		*file_out = g_strdup((const char *)file);
	if (is_fallback) {
		bool mine = false;
		for (guint i = 0; i < own->len && !mine; i++)
			mine = font_has_family(match, own->pdata[i]);
		*is_fallback = !mine;
	}
	FcPatternDestroy(match);
	g_ptr_array_free(own, TRUE);
	return WS_OK;
}

static bool is_visible(gunichar ch)
{
	if (g_unichar_isspace(ch))
		return false;
	switch (g_unichar_type(ch)) {
	case G_UNICODE_CONTROL:
	case G_UNICODE_FORMAT:
	case G_UNICODE_LINE_SEPARATOR:
	case G_UNICODE_PARAGRAPH_SEPARATOR:
	case G_UNICODE_NON_SPACING_MARK:
	case G_UNICODE_ENCLOSING_MARK:
		return false;
	default:
		return true;
	}
}

/* The family of the font Pango picks for `desc` as a whole: the font that
 * serves the request, against which per-glyph fallback is judged. */
static char *primary_family_uncached(PangoContext *ctx, const PangoFontDescription *desc)
{
	PangoFont *font = pango_font_map_load_font(pango_context_get_font_map(ctx), ctx, desc);
	if (!font)
		return NULL;
	PangoFontDescription *d = pango_font_describe(font);
	char *fam = g_strdup(pango_font_description_get_family(d));
	pango_font_description_free(d);
	g_object_unref(font);
	return fam;
}

/* The family Pango picks for a description, remembered per font map and
 * its serial (which changes with the font configuration): a batch asks
 * the same few questions for every group, and loading a font to answer
 * is a fontconfig match.  Process lifetime, like the font maps. */
static char *primary_family(PangoContext *ctx, const PangoFontDescription *desc, const char *desc_key)
{
	static GHashTable *cache; /* "map@serial|desc" → family ("" for none), owned */
	PangoFontMap *map = pango_context_get_font_map(ctx);
	char *key = g_strdup_printf("%p@%u|%s", (void *)map, pango_font_map_get_serial(map), desc_key);
	if (!cache)
		cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	const char *hit = g_hash_table_lookup(cache, key);
	if (hit) {
		g_free(key);
		return *hit ? g_strdup(hit) : NULL;
	}
	char *fam = primary_family_uncached(ctx, desc);
	g_hash_table_insert(cache, key, g_strdup(fam ? fam : ""));
	return fam;
}

/* A family named by a style that no installed font has and that is no
 * alias (a role, a generic name: fontconfig puts other families in front
 * of those), remembered per font map and serial like primary_family(). */
static bool family_missing_uncached(PangoContext *ctx, const char *family)
{
	PangoFontMap *map = pango_context_get_font_map(ctx);
	if (!PANGO_IS_FC_FONT_MAP(map))
		return false;
	FcConfig *cfg = pango_fc_font_map_get_config(PANGO_FC_FONT_MAP(map));
	FcPattern *pat = FcPatternCreate();
	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
	FcConfigSubstitute(cfg, pat, FcMatchPattern);
	FcChar8 *first = NULL;
	bool alias = FcPatternGetString(pat, FC_FAMILY, 0, &first) == FcResultMatch &&
	             FcStrCmpIgnoreCase(first, (const FcChar8 *)family) != 0;
	FcPatternDestroy(pat);
	if (alias)
		return false;
	FcPattern *q = FcPatternBuild(NULL, FC_FAMILY, FcTypeString, family, (char *)NULL);
	FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)NULL);
	FcFontSet *fs = FcFontList(cfg, q, os);
	bool missing = !fs || fs->nfont == 0;
	if (fs)
		FcFontSetDestroy(fs);
	FcObjectSetDestroy(os);
	FcPatternDestroy(q);
	return missing;
}

static bool family_missing(PangoContext *ctx, const char *family)
{
	static GHashTable *cache; /* "map@serial|family" → GINT_TO_POINTER(1 + missing) */
	PangoFontMap *map = pango_context_get_font_map(ctx);
	char *key = g_strdup_printf("%p@%u|%s", (void *)map, pango_font_map_get_serial(map), family);
	if (!cache)
		cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	int hit = GPOINTER_TO_INT(g_hash_table_lookup(cache, key));
	if (hit) {
		g_free(key);
		return hit == 2;
	}
	bool missing = family_missing_uncached(ctx, family);
	g_hash_table_insert(cache, key, GINT_TO_POINTER(missing ? 2 : 1));
	return missing;
}

/* The family of the face `ctx` draws `sample` with in `family`. */
static char *face_for(PangoContext *ctx, const char *family, const char *sample)
{
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *d = pango_font_description_new();
	pango_font_description_set_family(d, family);
	pango_font_description_set_size(d, 12 * PANGO_SCALE);
	pango_layout_set_font_description(l, d);
	pango_layout_set_text(l, sample, -1);
	char *fam = NULL;
	PangoLayoutIter *it = pango_layout_get_iter(l);
	PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
	if (run && run->item->analysis.font) {
		PangoFontDescription *fd = pango_font_describe(run->item->analysis.font);
		fam = g_strdup(pango_font_description_get_family(fd));
		pango_font_description_free(fd);
	}
	pango_layout_iter_free(it);
	pango_font_description_free(d);
	g_object_unref(l);
	return fam ? fam : g_strdup("?");
}

char *ws_fonts_describe_faces(PangoContext *ctx, const char *family)
{
	static const struct {
		const char *sample, *what;
	} kinds[] = {{"中文", "Chinese"}, {"Aa", "Latin letters"}, {"0123", "digits"}};
	char *face[G_N_ELEMENTS(kinds)];
	bool one = true;
	for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
		face[k] = face_for(ctx, family, kinds[k].sample);
		one = one && strcmp(face[k], face[0]) == 0;
	}
	GString *s = g_string_new(NULL);
	if (one) {
		g_string_printf(s, "'%s'", face[0]);
	} else {
		/* Each face once, with the kinds of character it draws: at most
		 * three faces, so "A (..), B (..) and C (..)". */
		size_t faces = 0, said_faces = 0;
		for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
			bool said = false;
			for (size_t j = 0; j < k && !said; j++)
				said = strcmp(face[j], face[k]) == 0;
			faces += !said;
		}
		for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
			bool said = false;
			for (size_t j = 0; j < k && !said; j++)
				said = strcmp(face[j], face[k]) == 0;
			if (said)
				continue;
			said_faces++;
			g_string_append_printf(s, "%s'%s' (%s", said_faces == 1 ? "" : said_faces == faces ? " and " : ", ",
			                       face[k], kinds[k].what);
			for (size_t j = k + 1; j < G_N_ELEMENTS(kinds); j++)
				if (strcmp(face[j], face[k]) == 0)
					g_string_append_printf(s, ", %s", kinds[j].what);
			g_string_append_c(s, ')');
		}
	}
	for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++)
		g_free(face[k]);
	return g_string_free(s, FALSE);
}

static void describe_char(gunichar ch, char buf[8])
{
	int n = g_unichar_to_utf8(ch, buf);
	buf[n] = '\0';
}

/* A layout's check, kept on the layout: a laid-out paragraph reused from
 * the typesetter's cache (constant text) is checked once, and its
 * findings are repeated for every document that draws it. */
typedef struct check_memo {
	guint serial;   /* pango_layout_get_serial() when checked */
	ws_loc loc;
	char *path;     /* owned, may be NULL */
	ws_diags *found; /* owned */
	int missing;
} check_memo;

static void check_memo_free(void *data)
{
	check_memo *m = data;
	g_free(m->path);
	ws_diags_free(m->found);
	g_free(m);
}

static int check_layout_uncached(PangoLayout *layout, ws_loc loc, const char *path, ws_diags *diags);

int ws_fonts_check_layout(PangoLayout *layout, ws_loc loc, const char *path, ws_diags *diags)
{
	if (!layout)
		return WS_EUSAGE;
	static GQuark quark;
	if (!quark)
		quark = g_quark_from_static_string("ws-fonts-check");
	check_memo *m = g_object_get_qdata(G_OBJECT(layout), quark);
	if (!m || m->serial != pango_layout_get_serial(layout) || m->loc.file != loc.file ||
	    m->loc.line != loc.line || m->loc.column != loc.column ||
	    g_strcmp0(m->path, path) != 0) {
		m = g_new0(check_memo, 1);
		m->found = ws_diags_new();
		m->missing = check_layout_uncached(layout, loc, path, m->found);
		m->serial = pango_layout_get_serial(layout);
		m->loc = loc;
		m->path = g_strdup(path);
		g_object_set_qdata_full(G_OBJECT(layout), quark, m, check_memo_free);
	}
	for (size_t i = 0; i < ws_diags_count(m->found); i++) {
		const ws_diag *d = ws_diags_at(m->found, i);
		ws_diag_add(diags, d->severity, d->loc, d->rule, d->path, "%s", d->message);
	}
	return m->missing;
}

/* Characters of one paragraph drawn from one fallback font instead of
 * the family asked for.  A few are named one by one (an Ext-B character
 * in a body font); many mean the family itself is not installed (a
 * clerk's "FangSong_GB2312"), which is said once, naming it, instead of
 * one warning per character that never says what was asked for. */
#define FALLBACK_ONE_BY_ONE 3

typedef struct fallback_run {
	char *wanted, *actual; /* owned */
	GArray *chars;         /* of gunichar, in order of first use */
} fallback_run;

static void fallback_run_free(void *data)
{
	fallback_run *f = data;
	g_free(f->wanted);
	g_free(f->actual);
	g_array_unref(f->chars);
	g_free(f);
}

static void note_fallback(GPtrArray *runs, const char *wanted, const char *actual, gunichar ch)
{
	fallback_run *f = NULL;
	for (guint i = 0; i < runs->len && !f; i++) {
		fallback_run *r = g_ptr_array_index(runs, i);
		if (strcmp(r->wanted, wanted) == 0 && strcmp(r->actual, actual) == 0)
			f = r;
	}
	if (!f) {
		f = g_new0(fallback_run, 1);
		f->wanted = g_strdup(wanted);
		f->actual = g_strdup(actual);
		f->chars = g_array_new(FALSE, FALSE, sizeof(gunichar));
		g_ptr_array_add(runs, f);
	}
	g_array_append_val(f->chars, ch);
}

static void report_fallbacks(GPtrArray *runs, ws_loc loc, const char *path, ws_diags *diags)
{
	for (guint i = 0; i < runs->len; i++) {
		const fallback_run *f = g_ptr_array_index(runs, i);
		char buf[8];
		if (f->chars->len <= FALLBACK_ONE_BY_ONE) {
			for (guint k = 0; k < f->chars->len; k++) {
				gunichar ch = g_array_index(f->chars, gunichar, k);
				describe_char(ch, buf);
				ws_diag_add(diags, WS_SEVERITY_WARNING, loc, NULL, path,
				            "character U+%04X '%s' drawn from fallback font '%s'", (unsigned)ch, buf, f->actual);
			}
			continue;
		}
		GString *some = g_string_new(NULL);
		for (guint k = 0; k < f->chars->len && k < 5; k++) {
			describe_char(g_array_index(f->chars, gunichar, k), buf);
			g_string_append_printf(some, "%s'%s'", k ? ", " : "", buf);
		}
		ws_diag_add(diags, WS_SEVERITY_WARNING, loc, NULL, path,
		            "font '%s' has no glyph for %u characters of this text (%s%s): drawn from fallback font '%s'; "
		            "is '%s' installed?",
		            f->wanted, f->chars->len, some->str, f->chars->len > 5 ? ", …" : "", f->actual, f->wanted);
		g_string_free(some, TRUE);
	}
}

static int check_layout_uncached(PangoLayout *layout, ws_loc loc, const char *path, ws_diags *diags)
{
	const char *text = pango_layout_get_text(layout);
	PangoContext *ctx = pango_layout_get_context(layout);
	const PangoFontDescription *layout_desc = pango_layout_get_font_description(layout);
	PangoFontDescription *base = pango_font_description_copy(
		layout_desc ? layout_desc : pango_context_get_font_description(ctx));
	PangoAttrList *attrs = pango_layout_get_attributes(layout);

	GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
	GHashTable *primaries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GPtrArray *fallbacks = g_ptr_array_new_with_free_func(fallback_run_free);
	int missing = 0;

	PangoLayoutIter *it = pango_layout_get_iter(layout);
	do {
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		if (!run)
			continue;
		PangoItem *item = run->item;
		PangoFontDescription *want = pango_font_description_copy(base);
		if (attrs) {
			PangoAttrIterator *ai = pango_attr_list_get_iterator(attrs);
			do {
				int s, e;
				pango_attr_iterator_range(ai, &s, &e);
				if (item->offset >= s && item->offset < e) {
					pango_attr_iterator_get_font(ai, want, NULL, NULL);
					break;
				}
			} while (pango_attr_iterator_next(ai));
			pango_attr_iterator_destroy(ai);
		}
		char *key = pango_font_description_to_string(want);
		char *wanted = g_strdup(pango_font_description_get_family(want)); /* as the style names it */
		const char *primary = g_hash_table_lookup(primaries, key);
		if (!primary) {
			char *fam = primary_family(ctx, want, key);
			primary = fam ? fam : "";
			g_hash_table_insert(primaries, key, fam ? fam : g_strdup(""));
		} else {
			g_free(key);
		}
		pango_font_description_free(want);
		/* A family that is not installed: said once at its style. */
		bool gone = wanted && family_missing(ctx, wanted);

		char *actual = NULL;
		if (item->analysis.font) {
			PangoFontDescription *d = pango_font_describe(item->analysis.font);
			actual = g_strdup(pango_font_description_get_family(d));
			pango_font_description_free(d);
		}

		PangoGlyphString *gs = run->glyphs;
		for (int i = 0; i < gs->num_glyphs; i++) {
			/* The first glyph of each cluster names the cluster's text. */
			if (i > 0 && gs->log_clusters[i] == gs->log_clusters[i - 1])
				continue;
			const char *p = text + item->offset + gs->log_clusters[i];
			gunichar ch = g_utf8_get_char(p);
			if (!is_visible(ch) || g_hash_table_contains(seen, GUINT_TO_POINTER(ch)))
				continue;
			PangoGlyph g = gs->glyphs[i].glyph;
			char buf[8];
			describe_char(ch, buf);
			if ((g & PANGO_GLYPH_UNKNOWN_FLAG) || g == PANGO_GLYPH_EMPTY) {
				g_hash_table_add(seen, GUINT_TO_POINTER(ch));
				missing++;
				ws_diag_add(diags, WS_SEVERITY_ERROR, loc, NULL, path,
				            "character U+%04X '%s' is not in any installed font",
				            (unsigned)ch, buf);
			} else if (actual && *primary && g_ascii_strcasecmp(actual, primary) != 0 && !gone) {
				g_hash_table_add(seen, GUINT_TO_POINTER(ch));
				note_fallback(fallbacks, wanted ? wanted : primary, actual, ch);
			}
		}
		g_free(actual);
		g_free(wanted);
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	report_fallbacks(fallbacks, loc, path, diags);
	g_ptr_array_free(fallbacks, TRUE);

	g_hash_table_destroy(primaries);
	g_hash_table_destroy(seen);
	pango_font_description_free(base);
	return missing;
}
