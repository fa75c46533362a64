/* Font twins, the object: which faces have twins, which glyphs the
 * documents need, and per document whether the dense twin can draw it.
 * See twins.h for why. */
#include "twins-private.h"

#include <fontconfig/fontconfig.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>
#include <string.h>

static void entry_free(void *data)
{
	ft_entry *e = data;
	hb_font_destroy(e->hb);
	hb_face_destroy(e->full);
	hb_set_destroy(e->wanted);
	hb_set_destroy(e->have);
	ws__twin_gen_unref(e->cur);
	g_free(e->identity);
	hb_set_destroy(e->first);
	hb_set_destroy(e->doc_notes);
	ws__twin_gen_unref(e->dense);
	hb_set_destroy(e->dense_set);
	hb_map_destroy(e->dense_map);
	g_free(e);
}

static void font_record_free(void *data)
{
	ft_font *f = data;
	if (f->sf)
		cairo_scaled_font_destroy(f->sf);
	if (f->dense_sf)
		cairo_scaled_font_destroy(f->dense_sf);
	g_free(f);
}

/* A PangoFont is going away: its record goes with it (its key could be
 * reused by the next font allocated). */
static void font_gone(void *data, GObject *font)
{
	ws_twins *t = data;
	g_hash_table_remove(t->fonts, font);
}

int ws_twins_new(ws_twins **out)
{
	ws_twins *t = g_new0(ws_twins, 1);
	t->faces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, entry_free);
	t->fonts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, font_record_free);
	*out = t;
	return WS_OK;
}

void ws_twins_free(ws_twins *t)
{
	if (!t)
		return;
	GHashTableIter it;
	gpointer font;
	g_hash_table_iter_init(&it, t->fonts);
	while (g_hash_table_iter_next(&it, &font, NULL))
		g_object_weak_unref(font, font_gone, t);
	/* Records first: their scaled fonts hold twins of the faces. */
	g_hash_table_destroy(t->fonts);
	g_hash_table_destroy(t->faces);
	/* Twins Cairo still holds keep the FreeType library alive. */
	ws__twin_ftlib_unref(t->ftlib);
	if (t->expected)
		hb_set_destroy(t->expected);
	g_free(t->dir);
	g_free(t);
}

bool ws_twins_enabled(void)
{
	const char *v = g_getenv("WENSHU_FAST_TEXT");
	return !v || strcmp(v, "0") != 0;
}

void ws_twins_set_cache_dir(ws_twins *t, const char *dir)
{
	g_free(t->dir);
	t->dir = dir ? g_strdup(dir) : NULL;
}

const char *ws_twins_cache_dir(const ws_twins *t)
{
	return t->dir;
}

void ws_twins_expect_text(ws_twins *t, const char *utf8)
{
	if (!t || !utf8 || !ws_twins_enabled())
		return;
	if (!t->expected)
		t->expected = hb_set_create();
	bool grew = false;
	for (const char *p = utf8; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2)
			break;
		if (!hb_set_has(t->expected, c) && !g_unichar_isspace(c) && !g_unichar_iscntrl(c)) {
			hb_set_add(t->expected, c);
			grew = true;
		}
	}
	if (grew)
		t->expected_serial++;
}

/* Only each code point's own glyph; contextual forms join when typeset. */
void ws__twins_merge_expected(ws_twins *t, ft_entry *e)
{
	if (!t->expected || e->expected_seen == t->expected_serial)
		return;
	e->expected_seen = t->expected_serial;
	for (hb_codepoint_t c = HB_SET_VALUE_INVALID; hb_set_next(t->expected, &c);) {
		hb_codepoint_t g;
		if (hb_font_get_nominal_glyph(e->hb, c, &g) && g != 0)
			hb_set_add(e->wanted, g);
	}
}

ft_font *ws__twins_font(ws_twins *t, PangoFont *font)
{
	ft_font *f = g_hash_table_lookup(t->fonts, font);
	if (f)
		return f;
	if (!PANGO_IS_FC_FONT(font) || !PANGO_IS_CAIRO_FONT(font))
		return NULL;
	FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
	FcChar8 *file = NULL;
	int index = 0;
	if (FcPatternGetString(pat, FC_FILE, 0, &file) != FcResultMatch)
		return NULL;
	FcPatternGetInteger(pat, FC_INDEX, 0, &index);

	char *key = g_strdup_printf("%s\n%d", (const char *)file, index);
	ft_entry *e = g_hash_table_lookup(t->faces, key);
	if (!e) {
		e = g_new0(ft_entry, 1);
		/* Pango's own face: the file is already mapped, no second copy. */
		hb_font_t *hb = pango_font_get_hb_font(font);
		e->hb = hb_font_reference(hb);
		e->full = hb_face_reference(hb_font_get_face(hb));
		e->cff = ws__twin_face_has_cff(e->full);
		e->wanted = hb_set_create();
		e->have = hb_set_create();
		e->first = hb_set_create();
		e->doc_notes = hb_set_create();
		e->identity = ws__twin_identity((const char *)file, index, e->full);
		g_hash_table_insert(t->faces, key, e);
		if (e->cff)
			ws__twin_load_saved(t, e);
	} else {
		g_free(key);
	}
	f = g_new0(ft_font, 1);
	f->entry = e;
	g_hash_table_insert(t->fonts, font, f);
	g_object_weak_ref(G_OBJECT(font), font_gone, t);
	return f;
}

static void note_run(ws_twins *t, PangoGlyphItem *run)
{
	ft_font *f = ws__twins_font(t, run->item->analysis.font);
	if (!f || !f->entry->cff || f->entry->broken)
		return;
	for (int i = 0; i < run->glyphs->num_glyphs; i++) {
		PangoGlyph g = run->glyphs->glyphs[i].glyph;
		if (ws__twin_glyph_drawable(g)) {
			hb_set_add(f->entry->wanted, g);
			hb_set_add(f->entry->doc_notes, g);
			if (t->docs_begun == 0)
				hb_set_add(f->entry->first, g);
		}
	}
}

void ws_twins_note_layout(ws_twins *t, PangoLayout *layout)
{
	if (!t || !layout || !ws_twins_enabled())
		return;
	for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
		PangoLayoutLine *line = l->data;
		for (GSList *r = line->runs; r; r = r->next)
			note_run(t, r->data);
	}
}

void ws_twins_note_document(ws_twins *t, const ws_document *doc)
{
	if (!t || !doc || !ws_twins_enabled())
		return;
	size_t n = ws_document_text_count(doc);
	for (size_t i = 0; i < n; i++)
		ws_twins_note_layout(t, ws_document_text_layout(doc, i));
}

void ws_twins_begin_document(ws_twins *t)
{
	if (!t)
		return;
	t->docs_begun++;
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, t->faces);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		ft_entry *e = v;
		e->use_dense = false;
		if (t->expected && e->cff && !e->broken && !e->dense_failed && ws_twins_enabled()) {
			if (!e->dense)
				ws__twin_build_dense(t, e);
			e->use_dense = e->dense && hb_set_is_subset(e->doc_notes, e->dense_set);
		}
		hb_set_clear(e->doc_notes);
	}
}

unsigned int ws_twins_cache_loads(const ws_twins *t)
{
	return t->n_loads;
}

unsigned int ws_twins_dense_builds(const ws_twins *t)
{
	return t->n_dense_builds;
}

void ws_twins_stats(const ws_twins *t, unsigned int *n_faces, unsigned int *builds, unsigned int *glyphs)
{
	unsigned int nf = 0, ng = 0;
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, t->faces);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		ft_entry *e = v;
		if (e->cur) {
			nf++;
			ng += hb_set_get_population(e->have);
		}
	}
	if (n_faces)
		*n_faces = nf;
	if (builds)
		*builds = t->n_builds;
	if (glyphs)
		*glyphs = ng;
}
