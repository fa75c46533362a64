/* Font twins, inside: the records shared by twins.c (the object),
 * twin-build.c (building), twin-cache.c (saved twins) and pdf-text.c (the
 * painter).  See twins.h for what twins are and why. */
#ifndef WS_TWINS_PRIVATE_H
#define WS_TWINS_PRIVATE_H

#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <glib.h>
#include <hb.h>
#include <pango/pango.h>

#include "twins.h"

/* The FreeType library twins are loaded with.  Reference-counted: the
 * ws_twins holds one reference and every twin generation one, because
 * Cairo may keep a twin's font face (and so its FT_Face) after the
 * ws_twins is gone. */
typedef struct twin_ftlib {
	gint refs;
	FT_Library lib; /* owned */
} twin_ftlib;

/* One build of a face's twin.  Reference-counted: the face record holds
 * one reference for the current build, and every cairo_font_face_t made
 * from it holds one (released by Cairo when it drops the font face), so
 * a build replaced mid-batch lives on while a PDF still uses it. */
typedef struct ft_gen {
	gint refs;
	hb_blob_t *blob;  /* owned: the twin's bytes, read in place by FreeType */
	FT_Face ft;       /* owned */
	twin_ftlib *lib;  /* owned reference: `ft` was made with it */
} ft_gen;

/* A source face: one file and face index. */
typedef struct ft_entry {
	hb_face_t *full;   /* owned reference: the face Pango shapes with */
	hb_font_t *hb;     /* owned reference: Pango's font on `full`, for cmap lookups */
	hb_set_t *wanted;  /* owned: glyph ids typeset so far */
	hb_set_t *have;    /* owned: glyph ids in `cur` */
	ft_gen *cur;       /* owned reference; NULL before the first build */
	unsigned int serial; /* bumped at every build */
	unsigned int expected_seen; /* value of `expected_serial` last merged into `wanted` */
	char *identity;    /* owned: what a saved twin must have been made from */
	bool cff;          /* only CFF faces have a twin */
	bool broken;       /* a build failed: draw with Pango's font from now on */

	/* The dense twin (see "Dense twins" in twin-build.c). */
	hb_set_t *first;     /* owned: glyphs noted before the first document began */
	hb_set_t *doc_notes; /* owned: glyphs noted since the last document began */
	ft_gen *dense;       /* owned reference; NULL until built */
	hb_set_t *dense_set; /* owned: glyph ids (the face's) it holds */
	hb_map_t *dense_map; /* owned: the face's glyph id → the dense twin's */
	bool dense_failed;   /* its build failed: the retained twin serves */
	bool use_dense;      /* this document's glyphs all are in the dense twin */
} ft_entry;

/* Per PangoFont: its face record and, for the current build, the twin's
 * scaled font. */
typedef struct ft_font {
	ft_entry *entry;         /* borrowed from the face table */
	unsigned int serial;     /* of the build `sf` was made from */
	cairo_scaled_font_t *sf; /* owned reference, or NULL */
	cairo_scaled_font_t *dense_sf; /* owned reference to the dense twin's, or NULL */
} ft_font;

struct ws_twins {
	GHashTable *faces;   /* "path\nindex" → ft_entry*, both owned */
	GHashTable *fonts;   /* PangoFont* (weakly referenced) → ft_font*, owned */
	twin_ftlib *ftlib;   /* owned reference; NULL until the first twin loads */
	unsigned int n_builds;
	unsigned int n_loads;
	unsigned int n_dense_builds;
	unsigned int docs_begun;
	char *dir;           /* owned: where twins are kept between runs; NULL: not kept */
	hb_set_t *expected;  /* owned: code points the caller expects to draw, or NULL */
	unsigned int expected_serial;
};

static inline bool ws__twin_glyph_drawable(PangoGlyph g)
{
	return g != PANGO_GLYPH_EMPTY && !(g & PANGO_GLYPH_UNKNOWN_FLAG);
}

/* twins.c */
/* The record for `font`'s face, made on first sight; NULL for fonts that
 * are not fontconfig fonts. */
ft_font *ws__twins_font(ws_twins *t, PangoFont *font);
/* Adds the face's glyphs for the expected code points to `e->wanted`. */
void ws__twins_merge_expected(ws_twins *t, ft_entry *e);

/* twin-build.c */
void ws__twin_ftlib_unref(twin_ftlib *lib); /* NULL is a no-op */
bool ws__twin_face_has_cff(hb_face_t *face);
/* A twin generation over `blob` (a new reference is taken), or NULL when
 * FreeType cannot load it. */
ft_gen *ws__twin_gen_new(ws_twins *t, hb_blob_t *blob);
void ws__twin_gen_unref(void *gen); /* NULL is a no-op */
/* Builds a twin holding `e->wanted`; on success it becomes `e->cur`. */
bool ws__twin_rebuild(ws_twins *t, ft_entry *e);
/* Builds `e`'s dense twin from the expected text and `e->first`. */
void ws__twin_build_dense(ws_twins *t, ft_entry *e);
/* A scaled font like Pango's `psf` for `font`, but on the twin `gen`; NULL
 * when Cairo refuses it. */
cairo_scaled_font_t *ws__twin_scaled_font(PangoFont *font, cairo_scaled_font_t *psf, ft_gen *gen);

/* twin-cache.c */
/* What a saved twin of the face `path`/`index` must have been made from;
 * NULL when the file cannot be examined.  Caller g_free()s. */
char *ws__twin_identity(const char *path, int index, hb_face_t *face);
/* Starts `e` from its saved twin, when there is a good one. */
void ws__twin_load_saved(ws_twins *t, ft_entry *e);
/* Saves `e->cur` (small enough twins only). */
void ws__twin_save(ws_twins *t, ft_entry *e);

#endif
