/* Fast text: small per-process font twins for PDF output.  See fasttext.h
 * for why and for the rules. */
#include "fasttext.h"

#include <cairo-ft.h>
#include <fontconfig/fcfreetype.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <glib.h>
#include <glib/gstdio.h>
#include <hb-subset.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>
#include <zlib.h>

#include "atomicfile.h"

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
	hb_font_t *hb;     /* owned reference: Pango's font on `full`, for cmap lookups */
	hb_set_t *wanted;  /* owned: glyph ids typeset so far */
	hb_set_t *have;    /* owned: glyph ids in `cur` */
	ft_gen *cur;       /* owned reference; NULL before the first build */
	unsigned int serial; /* bumped at every build */
	unsigned int expected_seen; /* value of `expected_serial` last merged into `wanted` */
	char *identity;    /* owned: what a saved twin must have been made from */
	bool cff;          /* only CFF faces have a twin */
	bool broken;       /* a build failed: draw with Pango's font from now on */

	/* The dense twin (see "Dense twins" below). */
	hb_set_t *first;     /* owned: glyphs noted before the first document began */
	hb_set_t *doc_notes; /* owned: glyphs noted since the last document began */
	ft_gen *dense;       /* owned reference; NULL until built */
	hb_set_t *dense_set; /* owned: glyph ids (the face's) it holds */
	hb_map_t *dense_map; /* owned: the face's glyph id → the dense twin's */
	bool dense_failed;   /* its build failed: the retained twin serves */
	bool use_dense;      /* this document's glyphs all are in the dense twin */
} ft_entry;

/* Per PangoFont (object data): its face record and, for the current
 * build, the twin's scaled font. */
typedef struct ft_font {
	ft_entry *entry;         /* borrowed from the face table */
	unsigned int serial;     /* of the build `sf` was made from */
	cairo_scaled_font_t *sf; /* owned reference, or NULL */
	cairo_scaled_font_t *dense_sf; /* owned reference to the dense twin's, or NULL */
} ft_font;

static GHashTable *faces;  /* "path\nindex" → ft_entry*, both owned; process lifetime */
static FT_Library ft_lib;  /* process lifetime: twins may outlive any caller */
static unsigned int n_builds;
static unsigned int n_loads;
static unsigned int n_dense_builds;
static unsigned int docs_begun;
static GQuark font_quark;
/* Where twins are kept between runs (twin-*.bin); NULL: not kept. */
static char *twin_dir;
/* Code points the caller expects to draw (ws_fasttext_expect_text). */
static hb_set_t *expected;
static unsigned int expected_serial;
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
	if (f->dense_sf)
		cairo_scaled_font_destroy(f->dense_sf);
	g_free(f);
}

static bool face_has_cff(hb_face_t *face)
{
	hb_blob_t *t = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
	bool yes = hb_blob_get_length(t) > 0;
	hb_blob_destroy(t);
	return yes;
}

/* ---- Twins kept between runs ------------------------------------------
 *
 * Building a twin means subsetting the whole 17–30 MB face, 10–30 ms per
 * face: most of a one-document run.  So a twin, once built, is saved in
 * the font cache and the next process starts from it; it rebuilds only
 * when a document needs a glyph the saved twin lacks.  Which glyphs a twin
 * holds beyond the document's own does not change the PDF: the glyph ids
 * are the face's own (RETAIN_GIDS) and Cairo embeds only the glyphs the
 * document uses.
 *
 * File: TWIN_MAGIC, then three parts, each a u32 (little-endian) length
 * and the bytes: the identity of the face it was made from, the glyph ids
 * it holds (u32 each, ascending), the twin font; last the CRC-32 of all
 * that.  It is written whole to a temporary file and renamed; one that is
 * short or long, damaged, made from another face or by another HarfBuzz,
 * or that does not load is ignored, and replaced at the next build.  (The
 * CRC matters: FreeType would load a twin whose outlines were damaged, and
 * Cairo embed them.) */

#define TWIN_MAGIC "WSTWIN1\n"
#define TWIN_PREFIX "twin-"
#define TWIN_SUFFIX ".bin"
/* Past this many glyphs a saved twin would cost every PDF more (Cairo
 * copies the whole twin's CFF table per document) than rebuilding saves;
 * such a twin serves this process only. */
#define TWIN_SAVE_MAX_GLYPHS 6000

/* "format|harfbuzz|path|size|mtime|index|glyphs" of the face file: it
 * changes whenever the file does, so a twin of an older font is never
 * used.  NULL when the file cannot be examined. */
static char *face_identity(const char *path, int index, hb_face_t *face)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return NULL;
	return g_strdup_printf("1|%s|%s|%lld|%lld.%09ld|%d|%u", hb_version_string(), path, (long long)st.st_size,
	                       (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec, index,
	                       hb_face_get_glyph_count(face));
}

static char *twin_path(const ft_entry *e)
{
	if (!twin_dir || !e->identity)
		return NULL;
	char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, e->identity, -1);
	sum[32] = '\0';
	char *name = g_strconcat(TWIN_PREFIX, sum, TWIN_SUFFIX, NULL);
	char *path = g_build_filename(twin_dir, name, NULL);
	g_free(name);
	g_free(sum);
	return path;
}

/* Reads the length-prefixed part at *pos; false when it runs past `len`. */
static bool read_part(const char *data, size_t len, size_t *pos, const char **part, guint32 *part_len)
{
	guint32 n;
	if (len - *pos < sizeof n)
		return false;
	memcpy(&n, data + *pos, sizeof n);
	n = GUINT32_FROM_LE(n);
	*pos += sizeof n;
	if (len - *pos < n)
		return false;
	*part = data + *pos;
	*part_len = n;
	*pos += n;
	return true;
}

static void append_part(GByteArray *buf, const void *data, guint32 len)
{
	guint32 le = GUINT32_TO_LE(len);
	g_byte_array_append(buf, (const guint8 *)&le, sizeof le);
	g_byte_array_append(buf, data, len);
}

static void mapped_file_unref(void *data)
{
	g_mapped_file_unref(data);
}

static ft_gen *gen_new(hb_blob_t *blob);

/* Maps `path` if it is a regular file.  Opened without blocking and
 * checked before anything is read: a FIFO or device planted under a twin's
 * name must not hang the process. */
static GMappedFile *map_regular_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	struct stat st;
	GMappedFile *mf = NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		mf = g_mapped_file_new_from_fd(fd, FALSE, NULL);
	close(fd);
	return mf;
}

/* Starts `e` from its saved twin, when there is a good one. */
static void load_saved(ft_entry *e)
{
	char *path = twin_path(e);
	if (!path)
		return;
	GMappedFile *mf = map_regular_file(path);
	g_free(path);
	if (!mf)
		return;
	const char *data = g_mapped_file_get_contents(mf);
	size_t len = g_mapped_file_get_length(mf), pos = strlen(TWIN_MAGIC);
	guint32 crc = 0;
	if (len >= pos + sizeof crc) {
		len -= sizeof crc;
		memcpy(&crc, data + len, sizeof crc);
		crc = GUINT32_FROM_LE(crc);
	}
	const char *id = NULL, *gids = NULL, *font = NULL;
	guint32 id_len = 0, gids_len = 0, font_len = 0;
	unsigned int n_glyphs = hb_face_get_glyph_count(e->full);
	bool ok = len > pos && memcmp(data, TWIN_MAGIC, pos) == 0 &&
	          crc32(0L, (const Bytef *)data, (uInt)len) == crc && read_part(data, len, &pos, &id, &id_len) &&
	          read_part(data, len, &pos, &gids, &gids_len) && read_part(data, len, &pos, &font, &font_len) &&
	          pos == len && id_len == strlen(e->identity) && memcmp(id, e->identity, id_len) == 0 &&
	          gids_len % 4 == 0 && font_len > 0;
	hb_set_t *set = hb_set_create();
	for (guint32 i = 0; ok && i < gids_len / 4; i++) {
		guint32 g;
		memcpy(&g, gids + 4 * (size_t)i, sizeof g);
		g = GUINT32_FROM_LE(g);
		ok = g < n_glyphs;
		hb_set_add(set, g);
	}
	if (ok) {
		/* Read in place: the mapping lives as long as the blob. */
		hb_blob_t *blob = hb_blob_create(font, font_len, HB_MEMORY_MODE_READONLY, g_mapped_file_ref(mf),
		                                 mapped_file_unref);
		hb_face_t *face = hb_face_create(blob, 0);
		/* It must reach every glyph id it claims, with outlines. */
		ok = hb_set_is_empty(set) ? false
		                          : hb_face_get_glyph_count(face) > hb_set_get_max(set) && face_has_cff(face);
		hb_face_destroy(face);
		ft_gen *g = ok ? gen_new(blob) : NULL;
		hb_blob_destroy(blob);
		if (g) {
			e->cur = g;
			hb_set_set(e->have, set);
			hb_set_union(e->wanted, set);
			e->serial++;
			n_loads++;
		}
	}
	hb_set_destroy(set);
	g_mapped_file_unref(mf);
}

/* Deletes saved twins of face files that are gone (a prepared copy is
 * replaced by one under a new name when its source font changes), so
 * they do not pile up.  Best effort. */
static void prune_orphans(const char *keep)
{
	GDir *d = g_dir_open(twin_dir, 0, NULL);
	if (!d)
		return;
	const char *name;
	while ((name = g_dir_read_name(d))) {
		if (!g_str_has_prefix(name, TWIN_PREFIX) || !g_str_has_suffix(name, TWIN_SUFFIX))
			continue;
		char *full = g_build_filename(twin_dir, name, NULL);
		GMappedFile *mf = strcmp(full, keep) != 0 ? map_regular_file(full) : NULL;
		const char *head = mf ? g_mapped_file_get_contents(mf) : NULL;
		size_t got = mf ? g_mapped_file_get_length(mf) : 0;
		size_t pos = strlen(TWIN_MAGIC);
		const char *id = NULL;
		guint32 id_len = 0;
		if (got > pos && memcmp(head, TWIN_MAGIC, pos) == 0 && read_part(head, got, &pos, &id, &id_len)) {
			/* identity: format|harfbuzz|path|… — the path holds no '|'
			 * only if we wrote it; otherwise leave the file alone. */
			char *text = g_strndup(id, id_len);
			char **f = g_strsplit(text, "|", 0);
			if (g_strv_length(f) == 7 && !g_file_test(f[2], G_FILE_TEST_EXISTS))
				g_unlink(full);
			g_strfreev(f);
			g_free(text);
		}
		if (mf)
			g_mapped_file_unref(mf);
		g_free(full);
	}
	g_dir_close(d);
}

/* Saves e->cur, which holds e->have.  Best effort: a twin that cannot be
 * saved is only built again by the next process. */
static void save_twin(const ft_entry *e)
{
	if (hb_set_get_population(e->have) > TWIN_SAVE_MAX_GLYPHS)
		return;
	char *path = twin_path(e);
	if (!path)
		return;
	GByteArray *buf = g_byte_array_new();
	g_byte_array_append(buf, (const guint8 *)TWIN_MAGIC, strlen(TWIN_MAGIC));
	append_part(buf, e->identity, (guint32)strlen(e->identity));
	GArray *gids = g_array_new(FALSE, FALSE, sizeof(guint32));
	for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(e->have, &g);) {
		guint32 le = GUINT32_TO_LE(g);
		g_array_append_val(gids, le);
	}
	append_part(buf, gids->data, gids->len * (guint32)sizeof(guint32));
	g_array_free(gids, TRUE);
	unsigned int font_len = 0;
	const char *font = hb_blob_get_data(e->cur->blob, &font_len);
	append_part(buf, font, font_len);
	guint32 crc = GUINT32_TO_LE((guint32)crc32(0L, buf->data, buf->len));
	g_byte_array_append(buf, (const guint8 *)&crc, sizeof crc);
	ws_atomic_file *f = NULL;
	if (ws_atomic_open(&f, path, NULL) == WS_OK) {
		ws_atomic_write(f, buf->data, buf->len);
		if (ws_atomic_commit(f, NULL) == WS_OK)
			prune_orphans(path);
	}
	g_byte_array_free(buf, TRUE);
	g_free(path);
}

void ws_fasttext_set_cache_dir(const char *dir)
{
	g_free(twin_dir);
	twin_dir = dir ? g_strdup(dir) : NULL;
}

const char *ws_fasttext_cache_dir(void)
{
	return twin_dir;
}

void ws_fasttext_expect_text(const char *utf8)
{
	if (!utf8 || !ws_fasttext_enabled())
		return;
	if (!expected)
		expected = hb_set_create();
	bool grew = false;
	for (const char *p = utf8; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2)
			break;
		if (!hb_set_has(expected, c) && !g_unichar_isspace(c) && !g_unichar_iscntrl(c)) {
			hb_set_add(expected, c);
			grew = true;
		}
	}
	if (grew)
		expected_serial++;
}

/* Adds the face's glyphs for the expected code points to `wanted`: only
 * each code point's own glyph; contextual forms join when typeset. */
static void merge_expected(ft_entry *e)
{
	if (!expected || e->expected_seen == expected_serial)
		return;
	e->expected_seen = expected_serial;
	for (hb_codepoint_t c = HB_SET_VALUE_INVALID; hb_set_next(expected, &c);) {
		hb_codepoint_t g;
		if (hb_font_get_nominal_glyph(e->hb, c, &g) && g != 0)
			hb_set_add(e->wanted, g);
	}
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
		e->hb = hb_font_reference(hb);
		e->full = hb_face_reference(hb_font_get_face(hb));
		e->cff = face_has_cff(e->full);
		e->wanted = hb_set_create();
		e->have = hb_set_create();
		e->first = hb_set_create();
		e->doc_notes = hb_set_create();
		e->identity = face_identity((const char *)file, index, e->full);
		g_hash_table_insert(faces, key, e);
		if (e->cff)
			load_saved(e);
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
		if (glyph_drawable(g)) {
			hb_set_add(f->entry->wanted, g);
			hb_set_add(f->entry->doc_notes, g);
			if (docs_begun == 0)
				hb_set_add(f->entry->first, g);
		}
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

/* A twin generation over `blob` (a new reference is taken), or NULL when
 * FreeType cannot load it. */
static ft_gen *gen_new(hb_blob_t *blob)
{
	if (!ft_lib && FT_Init_FreeType(&ft_lib) != 0) {
		ft_lib = NULL;
		return NULL;
	}
	unsigned int len = 0;
	const char *data = hb_blob_get_data(blob, &len);
	FT_Face ft = NULL;
	if (len == 0 || FT_New_Memory_Face(ft_lib, (const FT_Byte *)data, (FT_Long)len, 0, &ft) != 0)
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
	return g;
}

/* Builds a twin holding `e->wanted`; on success it becomes `e->cur`. */
static bool rebuild(ft_entry *e)
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
	ft_gen *g = gen_new(blob);
	hb_blob_destroy(blob);
	if (!g)
		return false;
	gen_unref(e->cur);
	e->cur = g;
	hb_set_set(e->have, e->wanted);
	e->serial++;
	n_builds++;
	save_twin(e);
	return true;
}

/* A scaled font like Pango's `psf` for `font`, but on the twin `gen`; NULL
 * when Cairo refuses it. */
static cairo_scaled_font_t *twin_scaled_font(PangoFont *font, cairo_scaled_font_t *psf, ft_gen *gen)
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
	if (cairo_font_face_set_user_data(face, &gen_key, gen, gen_unref) != CAIRO_STATUS_SUCCESS) {
		gen_unref(gen);
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
 * (ws_fasttext_expect_text: the batch's data) plus the glyphs of the first
 * document the process typeset — which the CLI makes the batch's first
 * group in every process (batch.c).  It never grows.  A document whose
 * glyphs for a face are all in it is drawn with it; any other document
 * draws that face with the retained twin, which depends on nothing but
 * the document.  Without an expectation there is no dense twin. */

static bool rebuild(ft_entry *e);

static void build_dense(ft_entry *e)
{
	hb_set_t *set = hb_set_create();
	hb_set_add(set, 0);
	for (hb_codepoint_t c = HB_SET_VALUE_INVALID; hb_set_next(expected, &c);) {
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
		if (!rebuild(e)) {
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
		e->dense = gen_new(blob);
		hb_blob_destroy(blob);
		hb_face_destroy(out);
	}
	hb_subset_plan_destroy(plan);
	hb_face_destroy(src);
	hb_set_destroy(set);
	if (e->dense)
		n_dense_builds++;
	else
		e->dense_failed = true;
}

void ws_fasttext_begin_document(void)
{
	docs_begun++;
	if (!faces)
		return;
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, faces);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		ft_entry *e = v;
		e->use_dense = false;
		if (expected && e->cff && !e->broken && !e->dense_failed && ws_fasttext_enabled()) {
			if (!e->dense)
				build_dense(e);
			e->use_dense = e->dense && hb_set_is_subset(e->doc_notes, e->dense_set);
		}
		hb_set_clear(e->doc_notes);
	}
}

static bool run_in_set(const PangoGlyphString *glyphs, const hb_set_t *set)
{
	for (int i = 0; i < glyphs->num_glyphs; i++) {
		PangoGlyph g = glyphs->glyphs[i].glyph;
		if (glyph_drawable(g) && !hb_set_has(set, g))
			return false;
	}
	return true;
}

/* The scaled font to draw `font` with: a twin's, or Pango's own when the
 * face has no twin.  Borrowed.  NULL when neither is usable.  *map: NULL,
 * or how to renumber the glyphs for the (dense) twin. */
static cairo_scaled_font_t *run_font(PangoFont *font, PangoGlyphString *glyphs, const hb_map_t **map)
{
	*map = NULL;
	cairo_scaled_font_t *psf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
	if (!psf || cairo_scaled_font_status(psf) != CAIRO_STATUS_SUCCESS)
		return NULL;
	ft_font *f = font_data(font);
	if (!f || !f->entry->cff || f->entry->broken)
		return psf;
	ft_entry *e = f->entry;
	/* A run drawn without having been noted may hold other glyphs: the
	 * retained twin takes it. */
	if (e->use_dense && run_in_set(glyphs, e->dense_set)) {
		if (!f->dense_sf)
			f->dense_sf = twin_scaled_font(font, psf, e->dense);
		if (f->dense_sf) {
			*map = e->dense_map;
			return f->dense_sf;
		}
		e->dense_failed = true;
		e->use_dense = false;
	}
	/* Glyphs typeset without a note (or never typeset here) join now;
	 * normally everything was noted before drawing began. */
	for (int i = 0; i < glyphs->num_glyphs; i++)
		if (glyph_drawable(glyphs->glyphs[i].glyph))
			hb_set_add(e->wanted, glyphs->glyphs[i].glyph);
	merge_expected(e);
	if (!e->cur || !hb_set_is_equal(e->wanted, e->have)) {
		if (!rebuild(e)) {
			e->broken = true;
			return psf;
		}
	}
	if (f->sf && f->serial == e->serial)
		return f->sf;
	cairo_scaled_font_t *sf = twin_scaled_font(font, psf, e->cur);
	if (!sf) {
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
	const hb_map_t *map = NULL;
	if (!unknown && font && PANGO_IS_CAIRO_FONT(font))
		sf = run_font(font, glyphs, &map);
	if (!sf) {
		/* Hex boxes and odd fonts: Pango's renderer, same origin. */
		cairo_move_to(cr, base_x, base_y);
		pango_cairo_show_glyph_item(cr, text, run);
		return;
	}

	cairo_glyph_t *cg = g_new(cairo_glyph_t, glyphs->num_glyphs > 0 ? glyphs->num_glyphs : 1);
	/* Pango units (1/1024 pt) summed over the run: a very long unbroken
	 * line passes INT_MAX (about 2.1 million pt), which in an int was
	 * signed overflow and wrapped glyph positions. */
	int count = 0;
	int64_t x_position = 0;
	for (int i = 0; i < glyphs->num_glyphs; i++) {
		PangoGlyphInfo *gi = &glyphs->glyphs[i];
		if (glyph_drawable(gi->glyph)) {
			cg[count].index = map ? hb_map_get(map, gi->glyph) : gi->glyph;
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

bool ws_fasttext_show_line(cairo_t *cr, PangoLayoutLine *line, double x, double y)
{
	if (!ws_fasttext_enabled() || !line || !line->layout)
		return false;
	cairo_surface_t *target = cairo_get_target(cr);
	if (cairo_surface_get_type(target) != CAIRO_SURFACE_TYPE_PDF || !cairo_surface_has_show_text_glyphs(target))
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
	/* Summed over the line's runs in 64 bits, like x_position in
	 * show_run(): a very long unbroken line passes INT_MAX Pango units. */
	int64_t x_off = 0;
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

unsigned int ws_fasttext_cache_loads(void)
{
	return n_loads;
}

unsigned int ws_fasttext_dense_builds(void)
{
	return n_dense_builds;
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
