/* Fast text: small per-process font twins for PDF output.  See fasttext.h
 * for why and for the rules. */
#include "fasttext.h"

#include <cairo-ft.h>
#include <fontconfig/fcfreetype.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <glib.h>
#include <hb-subset.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>
#include <string.h>

/* One build of a face's twin.  Reference-counted: the face record holds
 * one reference for the current build, and every cairo_font_face_t made
 * from it holds one (released by Cairo when it drops the font face), so
 * a build replaced mid-batch lives on while a PDF still uses it. */
typedef struct ft_gen {
	gint refs;
	hb_blob_t *blob; /* owned: the twin's bytes, read in place by FreeType */
	FT_Face ft;      /* owned */
} ft_gen;

/* A source face: one file and face index. */
typedef struct ft_entry {
	hb_face_t *full;   /* owned reference: the face Pango shapes with */
	hb_set_t *wanted;  /* owned: glyph ids typeset so far */
	hb_set_t *have;    /* owned: glyph ids in `cur` */
	ft_gen *cur;       /* owned reference; NULL before the first build */
	unsigned int serial; /* bumped at every build */
	bool cff;          /* only CFF faces have a twin */
	bool broken;       /* a build failed: draw with Pango's font from now on */
} ft_entry;

/* Per PangoFont (object data): its face record and, for the current
 * build, the twin's scaled font. */
typedef struct ft_font {
	ft_entry *entry;         /* borrowed from the face table */
	unsigned int serial;     /* of the build `sf` was made from */
	cairo_scaled_font_t *sf; /* owned reference, or NULL */
} ft_font;

static GHashTable *faces;  /* "path\nindex" → ft_entry*, both owned; process lifetime */
static FT_Library ft_lib;  /* process lifetime: twins may outlive any caller */
static unsigned int n_builds;
static GQuark font_quark;
static const cairo_user_data_key_t gen_key;

bool ws_fasttext_enabled(void)
{
	const char *v = g_getenv("WENSHU_FAST_TEXT");
	return !v || strcmp(v, "0") != 0;
}

static void gen_unref(void *data)
{
	ft_gen *g = data;
	if (!g || !g_atomic_int_dec_and_test(&g->refs))
		return;
	FT_Done_Face(g->ft);
	hb_blob_destroy(g->blob);
	g_free(g);
}

static void font_data_free(void *data)
{
	ft_font *f = data;
	if (f->sf)
		cairo_scaled_font_destroy(f->sf);
	g_free(f);
}

static bool face_has_cff(hb_face_t *face)
{
	hb_blob_t *t = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
	bool yes = hb_blob_get_length(t) > 0;
	hb_blob_destroy(t);
	return yes;
}

/* The record for `font`'s face, made on first sight; NULL for fonts that
 * are not fontconfig fonts. */
static ft_font *font_data(PangoFont *font)
{
	if (!font_quark)
		font_quark = g_quark_from_static_string("ws-fasttext-font");
	ft_font *f = g_object_get_qdata(G_OBJECT(font), font_quark);
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

	if (!faces)
		faces = g_hash_table_new(g_str_hash, g_str_equal);
	char *key = g_strdup_printf("%s\n%d", (const char *)file, index);
	ft_entry *e = g_hash_table_lookup(faces, key);
	if (!e) {
		e = g_new0(ft_entry, 1);
		/* Pango's own face: the file is already mapped, no second copy. */
		hb_font_t *hb = pango_font_get_hb_font(font);
		e->full = hb_face_reference(hb_font_get_face(hb));
		e->cff = face_has_cff(e->full);
		e->wanted = hb_set_create();
		e->have = hb_set_create();
		g_hash_table_insert(faces, key, e);
	} else {
		g_free(key);
	}
	f = g_new0(ft_font, 1);
	f->entry = e;
	g_object_set_qdata_full(G_OBJECT(font), font_quark, f, font_data_free);
	return f;
}

static bool glyph_drawable(PangoGlyph g)
{
	return g != PANGO_GLYPH_EMPTY && !(g & PANGO_GLYPH_UNKNOWN_FLAG);
}

static void note_run(PangoGlyphItem *run)
{
	ft_font *f = font_data(run->item->analysis.font);
	if (!f || !f->entry->cff || f->entry->broken)
		return;
	for (int i = 0; i < run->glyphs->num_glyphs; i++) {
		PangoGlyph g = run->glyphs->glyphs[i].glyph;
		if (glyph_drawable(g))
			hb_set_add(f->entry->wanted, g);
	}
}

void ws_fasttext_note_layout(PangoLayout *layout)
{
	if (!layout || !ws_fasttext_enabled())
		return;
	for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
		PangoLayoutLine *line = l->data;
		for (GSList *r = line->runs; r; r = r->next)
			note_run(r->data);
	}
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

/* Builds a twin holding `e->wanted`; on success it becomes `e->cur`. */
static bool rebuild(ft_entry *e)
{
	if (!ft_lib && FT_Init_FreeType(&ft_lib) != 0) {
		ft_lib = NULL;
		return false;
	}
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
	unsigned int len = 0;
	const char *data = hb_blob_get_data(blob, &len);
	FT_Face ft = NULL;
	if (len == 0 || FT_New_Memory_Face(ft_lib, (const FT_Byte *)data, (FT_Long)len, 0, &ft) != 0) {
		hb_blob_destroy(blob);
		return false;
	}
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
	g->blob = blob;
	g->ft = ft;
	gen_unref(e->cur);
	e->cur = g;
	hb_set_set(e->have, e->wanted);
	e->serial++;
	n_builds++;
	return true;
}

/* The scaled font to draw `font` with: the twin's, or Pango's own when
 * the face has no twin.  Borrowed.  NULL when neither is usable. */
static cairo_scaled_font_t *run_font(PangoFont *font, PangoGlyphString *glyphs)
{
	cairo_scaled_font_t *psf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
	if (!psf || cairo_scaled_font_status(psf) != CAIRO_STATUS_SUCCESS)
		return NULL;
	ft_font *f = font_data(font);
	if (!f || !f->entry->cff || f->entry->broken)
		return psf;
	ft_entry *e = f->entry;
	/* Glyphs typeset without a note (or never typeset here) join now;
	 * normally everything was noted before drawing began. */
	for (int i = 0; i < glyphs->num_glyphs; i++)
		if (glyph_drawable(glyphs->glyphs[i].glyph))
			hb_set_add(e->wanted, glyphs->glyphs[i].glyph);
	if (!e->cur || !hb_set_is_equal(e->wanted, e->have)) {
		if (!rebuild(e)) {
			e->broken = true;
			return psf;
		}
	}
	if (f->sf && f->serial == e->serial)
		return f->sf;

	/* Pango's pattern, pointed at the twin: cairo_ft reads the same load
	 * flags, hinting and FC_EMBOLDEN (synthetic bold) from it as it did
	 * for Pango's font face. */
	FcPattern *pat = FcPatternDuplicate(pango_fc_font_get_pattern(PANGO_FC_FONT(font)));
	FcPatternDel(pat, FC_FT_FACE);
	FcPatternAddFTFace(pat, FC_FT_FACE, e->cur->ft);
	cairo_font_face_t *face = cairo_ft_font_face_create_for_pattern(pat);
	FcPatternDestroy(pat);
	if (cairo_font_face_status(face) != CAIRO_STATUS_SUCCESS) {
		cairo_font_face_destroy(face);
		e->broken = true;
		return psf;
	}
	/* Cairo may hand back a face it already has for this twin; setting
	 * the key again releases that face's earlier reference. */
	g_atomic_int_inc(&e->cur->refs);
	if (cairo_font_face_set_user_data(face, &gen_key, e->cur, gen_unref) != CAIRO_STATUS_SUCCESS) {
		gen_unref(e->cur);
		cairo_font_face_destroy(face);
		e->broken = true;
		return psf;
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
		e->broken = true;
		return psf;
	}
	if (f->sf)
		cairo_scaled_font_destroy(f->sf);
	f->sf = sf;
	f->serial = e->serial;
	return sf;
}

/* Attributes that make Pango's renderer draw more than glyphs (colours,
 * decorations, shapes): lines carrying them are left to Pango. */
static bool run_plain(const PangoGlyphItem *run)
{
	if (run->item->analysis.flags & PANGO_ANALYSIS_FLAG_CENTERED_BASELINE)
		return false;
	for (GSList *a = run->item->analysis.extra_attrs; a; a = a->next) {
		switch (((PangoAttribute *)a->data)->klass->type) {
		case PANGO_ATTR_FOREGROUND:
		case PANGO_ATTR_BACKGROUND:
		case PANGO_ATTR_UNDERLINE:
		case PANGO_ATTR_UNDERLINE_COLOR:
		case PANGO_ATTR_STRIKETHROUGH:
		case PANGO_ATTR_STRIKETHROUGH_COLOR:
		case PANGO_ATTR_OVERLINE:
		case PANGO_ATTR_OVERLINE_COLOR:
		case PANGO_ATTR_SHAPE:
		case PANGO_ATTR_FOREGROUND_ALPHA:
		case PANGO_ATTR_BACKGROUND_ALPHA:
			return false;
		default:
			break;
		}
	}
	return true;
}

/* One glyph run at (base_x, base_y), as Pango's cairo renderer draws it
 * (pangocairo-render.c, draw_glyph_item and show_text_glyphs of Pango
 * 1.50): the same positions, the same cluster table. */
static void show_run(cairo_t *cr, const char *text, PangoGlyphItem *run, double base_x, double base_y)
{
	PangoGlyphString *glyphs = run->glyphs;
	PangoFont *font = run->item->analysis.font;
	bool unknown = false;
	for (int i = 0; i < glyphs->num_glyphs; i++) {
		PangoGlyph g = glyphs->glyphs[i].glyph;
		if (g != PANGO_GLYPH_EMPTY && (g & PANGO_GLYPH_UNKNOWN_FLAG) &&
		    g != (0x20 | PANGO_GLYPH_UNKNOWN_FLAG))
			unknown = true;
	}
	cairo_scaled_font_t *sf = NULL;
	if (!unknown && font && PANGO_IS_CAIRO_FONT(font))
		sf = run_font(font, glyphs);
	if (!sf) {
		/* Hex boxes and odd fonts: Pango's renderer, same origin. */
		cairo_move_to(cr, base_x, base_y);
		pango_cairo_show_glyph_item(cr, text, run);
		return;
	}

	cairo_glyph_t *cg = g_new(cairo_glyph_t, glyphs->num_glyphs > 0 ? glyphs->num_glyphs : 1);
	int count = 0, x_position = 0;
	for (int i = 0; i < glyphs->num_glyphs; i++) {
		PangoGlyphInfo *gi = &glyphs->glyphs[i];
		if (glyph_drawable(gi->glyph)) {
			cg[count].index = gi->glyph;
			cg[count].x = base_x + (double)(x_position + gi->geometry.x_offset) / PANGO_SCALE;
			cg[count].y = gi->geometry.y_offset == 0
			                      ? base_y
			                      : base_y + (double)(gi->geometry.y_offset) / PANGO_SCALE;
			count++;
		}
		x_position += gi->geometry.width;
	}

	bool backward = (run->item->analysis.level & 1) != 0;
	cairo_text_cluster_t *cl = g_new(cairo_text_cluster_t, glyphs->num_glyphs > 0 ? glyphs->num_glyphs : 1);
	int n_cl = 0;
	PangoGlyphItemIter it;
	if (pango_glyph_item_iter_init_start(&it, run, text)) {
		do {
			int num_bytes = it.end_index - it.start_index;
			int num_glyphs = backward ? it.start_glyph - it.end_glyph : it.end_glyph - it.start_glyph;
			for (int i = MIN(it.start_glyph, it.end_glyph + 1); i < MAX(it.start_glyph + 1, it.end_glyph); i++)
				if (!glyph_drawable(glyphs->glyphs[i].glyph))
					num_glyphs--;
			cl[n_cl].num_bytes = num_bytes;
			cl[n_cl].num_glyphs = num_glyphs;
			n_cl++;
		} while (pango_glyph_item_iter_next_cluster(&it));
	}
	cairo_save(cr);
	cairo_set_scaled_font(cr, sf);
	cairo_show_text_glyphs(cr, text + run->item->offset, run->item->length, cg, count, cl, n_cl,
	                       backward ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD : 0);
	cairo_restore(cr);
	g_free(cl);
	g_free(cg);
}

static const cairo_user_data_key_t decline_key;

void ws_fasttext_decline_surface(cairo_surface_t *surface)
{
	if (surface)
		cairo_surface_set_user_data(surface, &decline_key, (void *)&decline_key, NULL);
}

bool ws_fasttext_show_line(cairo_t *cr, PangoLayoutLine *line, double x, double y)
{
	if (!ws_fasttext_enabled() || !line || !line->layout)
		return false;
	cairo_surface_t *target = cairo_get_target(cr);
	if (cairo_surface_get_type(target) != CAIRO_SURFACE_TYPE_PDF ||
	    !cairo_surface_has_show_text_glyphs(target) || cairo_surface_get_user_data(target, &decline_key))
		return false;
	for (GSList *l = line->runs; l; l = l->next)
		if (!run_plain(l->data))
			return false;

	/* Pango starts from Cairo's current point, which Cairo keeps in 24.8
	 * fixed point: round the origin the same way so that the glyphs land
	 * on exactly the same coordinates. */
	cairo_move_to(cr, x, y);
	cairo_get_current_point(cr, &x, &y);

	/* pango_renderer_draw_layout_line(), Pango 1.50: runs left to right,
	 * each at the sum of the widths before it, in Pango units. */
	const char *text = pango_layout_get_text(line->layout);
	int x_off = 0;
	for (GSList *l = line->runs; l; l = l->next) {
		PangoGlyphItem *run = l->data;
		int width = pango_glyph_string_get_width(run->glyphs);
		x_off += run->start_x_offset;
		show_run(cr, text, run, x + (double)x_off / PANGO_SCALE, y - (double)run->y_offset / PANGO_SCALE);
		x_off += width + run->end_x_offset;
	}
	/* Pango leaves the current point where it was. */
	cairo_move_to(cr, x, y);
	return true;
}

void ws_fasttext_stats(unsigned int *n_faces, unsigned int *builds, unsigned int *glyphs)
{
	unsigned int nf = 0, ng = 0;
	if (faces) {
		GHashTableIter it;
		gpointer v;
		g_hash_table_iter_init(&it, faces);
		while (g_hash_table_iter_next(&it, NULL, &v)) {
			ft_entry *e = v;
			if (e->cur) {
				nf++;
				ng += hb_set_get_population(e->have);
			}
		}
	}
	if (n_faces)
		*n_faces = nf;
	if (builds)
		*builds = n_builds;
	if (glyphs)
		*glyphs = ng;
}
