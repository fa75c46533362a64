/* Building font twins: hb-subset of a face, loaded with FreeType from
 * memory, wrapped in a Cairo font face (see twins.h). */
#include "twins-private.h"

#include <cairo-ft.h>
#include <fontconfig/fcfreetype.h>
#include <hb-subset.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>

/* Only the key's address is used (Cairo user data): nothing is stored in it. */
static const cairo_user_data_key_t gen_key;

void ws__twin_ftlib_unref(twin_ftlib *lib)
{
	if (lib && g_atomic_int_dec_and_test(&lib->refs)) {
		FT_Done_FreeType(lib->lib);
		g_free(lib);
	}
}

void ws__twin_gen_unref(void *data)
{
	ft_gen *g = data;
	if (!g || !g_atomic_int_dec_and_test(&g->refs))
		return;
	FT_Done_Face(g->ft);
	hb_blob_destroy(g->blob);
	ws__twin_ftlib_unref(g->lib);
	g_free(g);
}

bool ws__twin_face_has_cff(hb_face_t *face)
{
	hb_blob_t *t = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
	bool yes = hb_blob_get_length(t) > 0;
	hb_blob_destroy(t);
	return yes;
}

/* Tables the twin does without: Cairo embeds outlines (CFF) and widths
 * (hmtx) and names the font from `name`; shaping was done on the real
 * face.  Dropping the layout tables also spares the subsetter their glyph
 * closure, and dropping cmap makes Cairo take each glyph's Unicode from
 * the cluster text rather than searching the cmap backwards per glyph. */
static const hb_tag_t dropped_tables[] = {
	HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
	HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
	HB_TAG('V', 'O', 'R', 'G'), HB_TAG('v', 'h', 'e', 'a'), HB_TAG('v', 'm', 't', 'x'),
	HB_TAG('c', 'm', 'a', 'p'), HB_TAG('D', 'S', 'I', 'G'), HB_TAG('k', 'e', 'r', 'n'),
	HB_TAG('C', 'O', 'L', 'R'), HB_TAG('C', 'P', 'A', 'L'), HB_TAG('S', 'V', 'G', ' '),
};

ft_gen *ws__twin_gen_new(ws_twins *t, hb_blob_t *blob)
{
	if (!t->ftlib) {
		FT_Library lib = NULL;
		if (FT_Init_FreeType(&lib) != 0)
			return NULL;
		t->ftlib = g_new0(twin_ftlib, 1);
		t->ftlib->refs = 1;
		t->ftlib->lib = lib;
	}
	unsigned int len = 0;
	const char *data = hb_blob_get_data(blob, &len);
	FT_Face ft = NULL;
	if (len == 0 || FT_New_Memory_Face(t->ftlib->lib, (const FT_Byte *)data, (FT_Long)len, 0, &ft) != 0)
		return NULL;
	/* The twin has no cmap, yet FreeType synthesizes a Unicode charmap
	 * for it from the CFF charset (standard-string SIDs, so the mapping
	 * is meaningless here).  Cairo's PDF surface looks up every new
	 * glyph of every document by walking the face's charmap backwards
	 * (_cairo_ft_index_to_ucs4), which cost ~10% of a batch.  With no
	 * active charmap that walk ends at once and Cairo takes each glyph's
	 * text from the cluster table, as it does for the dense faces. */
	ft->charmap = NULL;
	ft_gen *g = g_new0(ft_gen, 1);
	g->refs = 1;
	g->blob = hb_blob_reference(blob);
	g->ft = ft;
	g->lib = t->ftlib;
	g_atomic_int_inc(&t->ftlib->refs);
	return g;
}

bool ws__twin_rebuild(ws_twins *t, ft_entry *e)
{
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	if (!in)
		return false;
	hb_set_t *gs = hb_subset_input_glyph_set(in);
	hb_set_add(gs, 0);
	hb_set_union(gs, e->wanted);
	hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (size_t i = 0; i < G_N_ELEMENTS(dropped_tables); i++)
		hb_set_add(drop, dropped_tables[i]);
	/* RETAIN_GIDS: the glyph ids Pango shaped stay valid in the twin.
	 * DESUBROUTINIZE: a stock (unprepared) face also gives a twin whose
	 * glyphs Cairo can embed one by one. */
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_DESUBROUTINIZE |
	                                  HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
	hb_face_t *out = hb_subset_or_fail(e->full, in);
	hb_subset_input_destroy(in);
	if (!out)
		return false;
	hb_blob_t *blob = hb_face_reference_blob(out);
	hb_face_destroy(out);
	ft_gen *g = ws__twin_gen_new(t, blob);
	hb_blob_destroy(blob);
	if (!g)
		return false;
	ws__twin_gen_unref(e->cur);
	e->cur = g;
	hb_set_set(e->have, e->wanted);
	e->serial++;
	t->n_builds++;
	ws__twin_save(t, e);
	return true;
}

cairo_scaled_font_t *ws__twin_scaled_font(PangoFont *font, cairo_scaled_font_t *psf, ft_gen *gen)
{
	/* Pango's pattern, pointed at the twin: cairo_ft reads the same load
	 * flags, hinting and FC_EMBOLDEN (synthetic bold) from it as it did
	 * for Pango's font face. */
	FcPattern *pat = FcPatternDuplicate(pango_fc_font_get_pattern(PANGO_FC_FONT(font)));
	FcPatternDel(pat, FC_FT_FACE);
	FcPatternAddFTFace(pat, FC_FT_FACE, gen->ft);
	cairo_font_face_t *face = cairo_ft_font_face_create_for_pattern(pat);
	FcPatternDestroy(pat);
	if (cairo_font_face_status(face) != CAIRO_STATUS_SUCCESS) {
		cairo_font_face_destroy(face);
		return NULL;
	}
	/* Cairo may hand back a face it already has for this twin; setting
	 * the key again releases that face's earlier reference. */
	g_atomic_int_inc(&gen->refs);
	if (cairo_font_face_set_user_data(face, &gen_key, gen, ws__twin_gen_unref) != CAIRO_STATUS_SUCCESS) {
		ws__twin_gen_unref(gen);
		cairo_font_face_destroy(face);
		return NULL;
	}
	cairo_matrix_t fm, ctm;
	cairo_scaled_font_get_font_matrix(psf, &fm);
	cairo_scaled_font_get_ctm(psf, &ctm);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_scaled_font_get_font_options(psf, fo);
	cairo_scaled_font_t *sf = cairo_scaled_font_create(face, &fm, &ctm, fo);
	cairo_font_options_destroy(fo);
	cairo_font_face_destroy(face);
	if (cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS) {
		cairo_scaled_font_destroy(sf);
		return NULL;
	}
	return sf;
}

/* ---- Dense twins --------------------------------------------------------
 *
 * The retained-gid twin keeps every glyph id up to the highest in use, so
 * Cairo, per document and face, walks a CharStrings index and an hmtx of
 * tens of thousands of (empty) entries: a third of a batch's time.  A
 * dense twin renumbers its glyphs 1..n (HarfBuzz keeps their order) and
 * costs Cairo only what it holds.
 *
 * But the new ids are the PDF's: they name the glyphs in the page content
 * and in the font's subset tag.  So a dense twin must be the same in every
 * process that renders a batch, whatever it rendered before, or `--jobs 4`
 * would not give the bytes of `--jobs 1`.  Its glyphs are therefore fixed
 * once: each face's glyph for every expected character
 * (ws_twins_expect_text: the batch's data) plus the glyphs of the first
 * document the process typeset — which the CLI makes the batch's first
 * group in every process (cli/batch.c).  It never grows.  A document whose
 * glyphs for a face are all in it is drawn with it; any other document
 * draws that face with the retained twin, which depends on nothing but
 * the document.  Without an expectation there is no dense twin. */

void ws__twin_build_dense(ws_twins *t, ft_entry *e)
{
	hb_set_t *set = hb_set_create();
	hb_set_add(set, 0);
	for (hb_codepoint_t c = HB_SET_VALUE_INVALID; hb_set_next(t->expected, &c);) {
		hb_codepoint_t g;
		if (hb_font_get_nominal_glyph(e->hb, c, &g))
			hb_set_add(set, g);
	}
	hb_set_union(set, e->first);
	/* Made from the retained twin, grown (and saved) first when it lacks
	 * some of the glyphs: subsetting it takes a millisecond where the
	 * whole face takes tens, and the next run finds it ready. */
	if (!e->cur || !hb_set_is_subset(set, e->have)) {
		hb_set_union(e->wanted, set);
		if (!ws__twin_rebuild(t, e)) {
			hb_set_destroy(set);
			e->dense_failed = true;
			return;
		}
	}
	hb_face_t *src = hb_face_create(e->cur->blob, 0);
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	hb_subset_plan_t *plan = NULL;
	hb_face_t *out = NULL;
	if (in) {
		hb_set_union(hb_subset_input_glyph_set(in), set);
		hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
		for (size_t i = 0; i < G_N_ELEMENTS(dropped_tables); i++)
			hb_set_add(drop, dropped_tables[i]);
		hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_DESUBROUTINIZE | HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
		plan = hb_subset_plan_create_or_fail(src, in);
		hb_subset_input_destroy(in);
	}
	if (plan)
		out = hb_subset_plan_execute_or_fail(plan);
	if (out) {
		const hb_map_t *old_to_new = hb_subset_plan_old_to_new_glyph_mapping(plan);
		e->dense_map = hb_map_create();
		e->dense_set = hb_set_create();
		for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(set, &g);) {
			if (hb_map_has(old_to_new, g)) {
				hb_map_set(e->dense_map, g, hb_map_get(old_to_new, g));
				hb_set_add(e->dense_set, g);
			}
		}
		hb_blob_t *blob = hb_face_reference_blob(out);
		e->dense = ws__twin_gen_new(t, blob);
		hb_blob_destroy(blob);
		hb_face_destroy(out);
	}
	hb_subset_plan_destroy(plan);
	hb_face_destroy(src);
	hb_set_destroy(set);
	if (e->dense)
		t->n_dense_builds++;
	else
		e->dense_failed = true;
}
