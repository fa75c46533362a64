/* Font preparation: desubroutinized working copies of CFF fonts, cached.
 * See fontprep.h for why and for the cache's rules. */
#include "fontprep.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <hb.h>
#include <hb-subset.h>

#include "atomicfile.h"
#include "loader-private.h"

/* Part of every cache key and sidecar.  Bump it whenever what a prepared
 * copy contains changes (subset flags, kept sets, sidecar fields), so that
 * copies made by an older wenshu are rebuilt rather than trusted. */
#define WS_FONTPREP_FORMAT 1

#define SIDECAR_GROUP "wenshu-fontprep"
/* A temporary file this old was left by a process that died mid-write;
 * younger ones may belong to a process writing right now. */
#define TEMP_STALE_SECONDS (24 * 3600)
/* Hex digits of the SHA-256 kept in an entry's name: 128 bits. */
#define KEY_HEX_LEN 32

struct ws_fontprep {
	char *cache_dir;  /* owned */
	gboolean usable;  /* FALSE when the folder could not be created: originals are used */
};

/* What identifies a source face; every field goes into the key and the
 * sidecar. */
typedef struct fp_source {
	char *real_path;       /* owned; realpath() of the font file */
	guint64 size;          /* bytes */
	gint64 mtime_ns;       /* st_mtim, nanoseconds since the epoch */
	unsigned int index;    /* face index in a collection */
	unsigned int glyphs;   /* glyph count of the face */
} fp_source;

static void warn(ws_diags *diags, const char *fmt, ...) WS_PRINTF(2, 3);
static void warn(ws_diags *diags, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ws_diag_addv(diags, WS_SEVERITY_WARNING, WS_LOC_NONE, "fontprep", NULL, fmt, ap);
	va_end(ap);
}

static void fail(ws_diags *diags, const char *fmt, ...) WS_PRINTF(2, 3);
static void fail(ws_diags *diags, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ws_diag_addv(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, "fontprep", NULL, fmt, ap);
	va_end(ap);
}

int ws_fontprep_new(ws_fontprep **out, const char *cache_dir, ws_diags *diags)
{
	if (!out)
		return WS_EUSAGE;
	*out = NULL;
	ws_fontprep *p = g_try_new0(ws_fontprep, 1);
	if (!p)
		return WS_ENOMEM;
	/* Absolute, because fontconfig records the path of each prepared
	 * file and may open it after the working folder changed. */
	if (cache_dir)
		p->cache_dir = g_canonicalize_filename(cache_dir, NULL);
	else
		p->cache_dir = g_build_filename(g_get_user_cache_dir(), "wenshu", "fonts", NULL);

	/* 0700: the cache holds copies of the user's fonts, which may be
	 * licensed to that user only. */
	if (g_mkdir_with_parents(p->cache_dir, 0700) != 0) {
		warn(diags, "font cache '%s' cannot be created (%s); using the original fonts, "
		     "PDF output will be larger and slower", p->cache_dir, g_strerror(errno));
		p->usable = FALSE;
	} else {
		p->usable = TRUE;
	}
	*out = p;
	return WS_OK;
}

void ws_fontprep_free(ws_fontprep *p)
{
	if (!p)
		return;
	g_free(p->cache_dir);
	g_free(p);
}

const char *ws_fontprep_cache_dir(const ws_fontprep *p)
{
	return p ? p->cache_dir : NULL;
}

static gboolean face_has_cff(hb_face_t *face, guint *cff_len)
{
	static const hb_tag_t tags[] = {HB_TAG('C', 'F', 'F', ' '), HB_TAG('C', 'F', 'F', '2')};
	for (size_t i = 0; i < G_N_ELEMENTS(tags); i++) {
		hb_blob_t *t = hb_face_reference_table(face, tags[i]);
		unsigned int len = hb_blob_get_length(t);
		hb_blob_destroy(t);
		if (len > 0) {
			if (cff_len)
				*cff_len = len;
			return TRUE;
		}
	}
	return FALSE;
}

/* The entry's file stem: a readable prefix from the source name (for
 * people looking in the folder), then the face index and the key. */
static char *entry_stem(const fp_source *src)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	char *id = g_strdup_printf("wenshu-fontprep %d|harfbuzz %s|%s|%" G_GUINT64_FORMAT "|%" G_GINT64_FORMAT "|%u",
	                           WS_FONTPREP_FORMAT, hb_version_string(), src->real_path, src->size,
	                           src->mtime_ns, src->index);
	/* The path goes in with its length, so no choice of path can make
	 * two identities hash the same text. */
	char *len = g_strdup_printf("%zu:", strlen(src->real_path));
	g_checksum_update(ck, (const guchar *)len, -1);
	g_checksum_update(ck, (const guchar *)id, -1);
	g_free(len);
	g_free(id);

	char *base = g_path_get_basename(src->real_path);
	char *dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	for (char *c = base; *c; c++)
		if (!g_ascii_isalnum(*c) && *c != '-' && *c != '_')
			*c = '_';
	if (strlen(base) > 48)
		base[48] = '\0';
	char *stem = g_strdup_printf("%s-%u-%.*s", base, src->index, KEY_HEX_LEN, g_checksum_get_string(ck));
	g_free(base);
	g_checksum_free(ck);
	return stem;
}

/* Reads a sidecar.  The cache folder is shared and writable: a FIFO put
 * where a sidecar should be made every render wait for a writer
 * (g_key_file_load_from_file() opens it blocking), so the file is opened
 * without blocking and read only when it is a regular file of sidecar
 * size. */
static gboolean load_sidecar(GKeyFile *kf, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	if (ws__read_file(path, 64 * 1024, &text, &len, NULL) != WS_OK)
		return FALSE;
	gboolean ok = g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, NULL);
	g_free(text);
	return ok;
}

/* Does the cache entry (font + sidecar) belong to `src` and look whole? */
static gboolean entry_valid(const fp_source *src, const char *font_file, const char *id_file)
{
	gboolean ok = FALSE;
	GKeyFile *kf = g_key_file_new();
	char *path = NULL, *hb = NULL;
	hb_blob_t *blob = NULL;
	hb_face_t *face = NULL;

	if (!load_sidecar(kf, id_file))
		goto out;
	GError *err = NULL;
	gint64 format = g_key_file_get_int64(kf, SIDECAR_GROUP, "format", &err);
	path = g_key_file_get_string(kf, SIDECAR_GROUP, "source", &err);
	hb = g_key_file_get_string(kf, SIDECAR_GROUP, "harfbuzz", &err);
	guint64 size = g_key_file_get_uint64(kf, SIDECAR_GROUP, "size", &err);
	gint64 mtime_ns = g_key_file_get_int64(kf, SIDECAR_GROUP, "mtime_ns", &err);
	guint64 index = g_key_file_get_uint64(kf, SIDECAR_GROUP, "index", &err);
	guint64 glyphs = g_key_file_get_uint64(kf, SIDECAR_GROUP, "glyphs", &err);
	guint64 length = g_key_file_get_uint64(kf, SIDECAR_GROUP, "length", &err);
	guint64 cff_length = g_key_file_get_uint64(kf, SIDECAR_GROUP, "cff_length", &err);
	/* GLib keeps the first error; one missing key fails the entry. */
	if (err) {
		g_error_free(err);
		goto out;
	}
	if (format != WS_FONTPREP_FORMAT || !path || strcmp(path, src->real_path) != 0 || !hb ||
	    strcmp(hb, hb_version_string()) != 0 || size != src->size || mtime_ns != src->mtime_ns ||
	    index != src->index || glyphs != src->glyphs)
		goto out;

	/* A truncated or overwritten copy differs in length first. */
	GStatBuf st;
	if (g_stat(font_file, &st) != 0 || !S_ISREG(st.st_mode) || (guint64)st.st_size != length)
		goto out;
	/* Then it must parse as one face with every glyph and an intact
	 * outline table (HarfBuzz clamps a table reaching past the end). */
	blob = hb_blob_create_from_file_or_fail(font_file);
	if (!blob || hb_face_count(blob) != 1)
		goto out;
	face = hb_face_create(blob, 0);
	guint cff_len = 0;
	if (hb_face_get_glyph_count(face) != src->glyphs || !face_has_cff(face, &cff_len) ||
	    cff_len != cff_length)
		goto out;
	ok = TRUE;
out:
	hb_face_destroy(face);
	hb_blob_destroy(blob);
	g_free(hb);
	g_free(path);
	g_key_file_free(kf);
	return ok;
}

/* HarfBuzz's subsetter asked to drop nothing but the subroutines: every
 * glyph (with its id), every code point, every name record and layout
 * feature, every table.  Returns the new font, or NULL. */
static hb_blob_t *desubroutinize(hb_face_t *face, unsigned int glyphs)
{
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	if (!in)
		return NULL;
	hb_set_add_range(hb_subset_input_glyph_set(in), 0, glyphs - 1);
	/* An inverted empty set is "everything"; the subsetter tests these
	 * sets by membership, so it never walks the whole code space. */
	static const hb_subset_sets_t all[] = {
		HB_SUBSET_SETS_UNICODE, HB_SUBSET_SETS_NAME_ID, HB_SUBSET_SETS_NAME_LANG_ID,
		HB_SUBSET_SETS_LAYOUT_FEATURE_TAG, HB_SUBSET_SETS_LAYOUT_SCRIPT_TAG,
	};
	for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
		hb_set_t *s = hb_subset_input_set(in, all[i]);
		hb_set_clear(s);
		hb_set_invert(s);
	}
	/* By default BASE, DSIG, kern and others are dropped; CJK line
	 * layout wants BASE, and the copy should differ only in its CFF. */
	hb_set_clear(hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG));
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_DESUBROUTINIZE | HB_SUBSET_FLAGS_RETAIN_GIDS |
	                                  HB_SUBSET_FLAGS_NOTDEF_OUTLINE | HB_SUBSET_FLAGS_GLYPH_NAMES |
	                                  HB_SUBSET_FLAGS_NAME_LEGACY |
	                                  HB_SUBSET_FLAGS_NO_PRUNE_UNICODE_RANGES |
	                                  HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED);
	hb_face_t *out = hb_subset_or_fail(face, in);
	hb_subset_input_destroy(in);
	if (!out)
		return NULL;
	hb_blob_t *blob = hb_face_reference_blob(out);
	hb_face_destroy(out);
	if (hb_blob_get_length(blob) == 0) {
		hb_blob_destroy(blob);
		return NULL;
	}
	return blob;
}

/* Writes `data` to `final_path` so that no reader ever sees part of it:
 * a temporary file in the same folder (hence the same file system),
 * flushed to disk, then renamed over the target. */
/* Writes `data` to `path` through the atomic file writer (hidden
 * temporary file, flushed, renamed; removed by a signal).  On failure
 * *why says what went wrong. */
static gboolean write_atomic(const char *path, const char *data, size_t len, char **why)
{
	ws_diags *d = ws_diags_new();
	ws_atomic_file *f = NULL;
	int rc = ws_atomic_open(&f, path, d);
	if (rc == WS_OK) {
		ws_atomic_write(f, data, len);
		rc = ws_atomic_commit(f, d);
	}
	if (rc != WS_OK)
		*why = ws_diags_count(d) ? g_strdup(ws_diags_at(d, 0)->message) : g_strdup("cannot write the cache");
	ws_diags_free(d);
	return rc == WS_OK;
}

/* After a rebuild: delete the entries made from older versions of the
 * same source face (same path and index, another key) and temporary files
 * left by dead processes, so that a font update does not leave 20 MB
 * behind each time.  Best effort; failures only leave files. */
static void prune(const char *dir, const fp_source *src, const char *keep_stem)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (!d)
		return;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	const char *name;
	while ((name = g_dir_read_name(d))) {
		char *full = g_build_filename(dir, name, NULL);
		if (name[0] == '.' && g_str_has_suffix(name, ".tmp")) {
			GStatBuf st;
			if (g_stat(full, &st) == 0 && now - (gint64)st.st_mtime > TEMP_STALE_SECONDS)
				g_unlink(full);
		} else if (g_str_has_suffix(name, ".id") && !g_str_has_prefix(name, keep_stem)) {
			GKeyFile *kf = g_key_file_new();
			if (load_sidecar(kf, full)) {
				char *path = g_key_file_get_string(kf, SIDECAR_GROUP, "source", NULL);
				guint64 index = g_key_file_get_uint64(kf, SIDECAR_GROUP, "index", NULL);
				if (path && strcmp(path, src->real_path) == 0 && index == src->index) {
					char *stem = g_strndup(full, strlen(full) - strlen(".id"));
					char *font = g_strconcat(stem, ".otf", NULL);
					/* Sidecar first: an entry without one is never used. */
					g_unlink(full);
					g_unlink(font);
					g_free(font);
					g_free(stem);
				}
				g_free(path);
			}
			g_key_file_free(kf);
		}
		g_free(full);
	}
	g_dir_close(d);
}

/* Makes the copy and commits it: font first, sidecar last, so a sidecar
 * on disk always describes a complete font. */
static gboolean build_entry(ws_fontprep *p, const fp_source *src, hb_face_t *face,
                            const char *font_file, const char *id_file, ws_diags *diags)
{
	hb_blob_t *blob = desubroutinize(face, src->glyphs);
	if (!blob) {
		warn(diags, "cannot desubroutinize face %u of '%s'; using the original font",
		     src->index, src->real_path);
		return FALSE;
	}
	/* Check the copy before caching it, as a later run would. */
	hb_face_t *copy = hb_face_create(blob, 0);
	guint cff_len = 0;
	gboolean sane = hb_face_get_glyph_count(copy) == src->glyphs && face_has_cff(copy, &cff_len);
	hb_face_destroy(copy);
	if (!sane) {
		hb_blob_destroy(blob);
		warn(diags, "the desubroutinized copy of face %u of '%s' lost glyphs; using the original font",
		     src->index, src->real_path);
		return FALSE;
	}

	unsigned int len = 0;
	const char *data = hb_blob_get_data(blob, &len);
	char *why = NULL;
	gboolean ok = write_atomic(font_file, data, len, &why);
	hb_blob_destroy(blob);
	if (ok) {
		GKeyFile *kf = g_key_file_new();
		g_key_file_set_int64(kf, SIDECAR_GROUP, "format", WS_FONTPREP_FORMAT);
		g_key_file_set_string(kf, SIDECAR_GROUP, "harfbuzz", hb_version_string());
		g_key_file_set_string(kf, SIDECAR_GROUP, "source", src->real_path);
		g_key_file_set_uint64(kf, SIDECAR_GROUP, "size", src->size);
		g_key_file_set_int64(kf, SIDECAR_GROUP, "mtime_ns", src->mtime_ns);
		g_key_file_set_uint64(kf, SIDECAR_GROUP, "index", src->index);
		g_key_file_set_uint64(kf, SIDECAR_GROUP, "glyphs", src->glyphs);
		g_key_file_set_uint64(kf, SIDECAR_GROUP, "length", len);
		g_key_file_set_uint64(kf, SIDECAR_GROUP, "cff_length", cff_len);
		gsize kf_len = 0;
		char *text = g_key_file_to_data(kf, &kf_len, NULL);
		ok = write_atomic(id_file, text, kf_len, &why);
		g_free(text);
		g_key_file_free(kf);
	}
	if (!ok) {
		warn(diags, "font cache: %s; using the original font '%s' (PDF output will be larger and slower)",
		     why, src->real_path);
		g_free(why);
	}
	return ok;
}

int ws_fontprep_prepare(ws_fontprep *p, const char *font_path, unsigned int index,
                        char **prepared_path, ws_diags *diags)
{
	if (!prepared_path)
		return WS_EUSAGE;
	*prepared_path = NULL;
	if (!p || !font_path)
		return WS_EUSAGE;

	int rc = WS_OK;
	fp_source src = {.index = index};
	hb_blob_t *blob = NULL;
	hb_face_t *face = NULL;
	char *stem = NULL, *font_file = NULL, *id_file = NULL;

	src.real_path = realpath(font_path, NULL);
	GStatBuf st;
	if (!src.real_path || g_stat(src.real_path, &st) != 0) {
		fail(diags, "cannot read font '%s': %s", font_path, g_strerror(errno));
		rc = WS_EIO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		fail(diags, "cannot read font '%s': not a regular file", font_path);
		rc = WS_EIO;
		goto out;
	}
	src.size = (guint64)st.st_size;
	src.mtime_ns = (gint64)st.st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + st.st_mtim.tv_nsec;

	blob = hb_blob_create_from_file_or_fail(src.real_path);
	unsigned int faces = blob ? hb_face_count(blob) : 0;
	if (faces == 0) {
		fail(diags, "'%s' is not an OpenType font or collection", font_path);
		rc = WS_EIO;
		goto out;
	}
	if (index >= faces) {
		fail(diags, "'%s' has %u face%s; there is no face %u", font_path, faces,
		     faces == 1 ? "" : "s", index);
		rc = WS_EUSAGE;
		goto out;
	}
	face = hb_face_create(blob, index);
	src.glyphs = hb_face_get_glyph_count(face);
	/* glyf outlines are embedded glyph by glyph already; only CFF
	 * carries the subroutines Cairo 1.16 copies whole. */
	if (!face_has_cff(face, NULL) || src.glyphs == 0)
		goto out;
	if (!p->usable)
		goto out; /* warned once, by ws_fontprep_new() */

	stem = entry_stem(&src);
	char *base = g_build_filename(p->cache_dir, stem, NULL);
	font_file = g_strconcat(base, ".otf", NULL);
	id_file = g_strconcat(base, ".id", NULL);
	g_free(base);

	if (!entry_valid(&src, font_file, id_file)) {
		if (!build_entry(p, &src, face, font_file, id_file, diags))
			goto out;
		prune(p->cache_dir, &src, stem);
	}
	*prepared_path = font_file;
	font_file = NULL;
out:
	hb_face_destroy(face);
	hb_blob_destroy(blob);
	free(src.real_path);
	g_free(stem);
	g_free(font_file);
	g_free(id_file);
	return rc;
}

/* Copies the diagnostics of one face's preparation into `to`, errors
 * lowered to warnings: in apply() a face that cannot be prepared keeps
 * its original font, which is not an error of the document. */
static void move_as_warnings(ws_diags *to, ws_diags *from)
{
	for (size_t i = 0; i < ws_diags_count(from); i++) {
		const ws_diag *d = ws_diags_at(from, i);
		ws_severity sev = d->severity == WS_SEVERITY_ERROR ? WS_SEVERITY_WARNING : d->severity;
		ws_diag_add(to, sev, d->loc, d->rule, d->path, "%s", d->message);
	}
	ws_diags_clear(from);
}

static gboolean path_is_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

int ws_fontprep_apply(ws_fontprep *p, FcConfig *config, const char *const *families, ws_diags *diags)
{
	if (!p || !config)
		return WS_EUSAGE;
	if (!families)
		return WS_OK;
	/* A config parsed but not yet built lists no fonts. */
	if (!FcConfigGetFonts(config, FcSetSystem) && !FcConfigBuildFonts(config)) {
		fail(diags, "fontconfig could not build its font list");
		return WS_EINTERNAL;
	}

	int rc = WS_OK;
	char *cache_real = realpath(p->cache_dir, NULL);
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	ws_diags *local = ws_diags_new();
	GString *rejects = g_string_new("<?xml version=\"1.0\"?>\n<fontconfig><selectfont><rejectfont>\n");
	unsigned int n_rejects = 0;
	FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, NULL);
	if (!os) {
		rc = WS_ENOMEM;
		goto out;
	}

	for (const char *const *fam = families; *fam; fam++) {
		FcPattern *pat = FcPatternCreate();
		if (!pat || !FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)*fam)) {
			FcPatternDestroy(pat);
			rc = WS_ENOMEM;
			goto out;
		}
		FcFontSet *fs = FcFontList(config, pat, os);
		FcPatternDestroy(pat);
		/* Only a note: preparing is an optimisation, and whether a missing
		 * family matters depends on the layout, which says so itself
		 * (ws_engine_report_layout_fonts) — a layout that never uses
		 * FangSong hears nothing about it. */
		if (!fs || fs->nfont == 0)
			ws_diag_add(diags, WS_SEVERITY_NOTE, WS_LOC_NONE, "fontprep", NULL,
			            "no font of family '%s' is installed; nothing to prepare", *fam);
		for (int i = 0; fs && i < fs->nfont; i++) {
			FcChar8 *file = NULL;
			int index = 0;
			if (FcPatternGetString(fs->fonts[i], FC_FILE, 0, &file) != FcResultMatch)
				continue;
			FcPatternGetInteger(fs->fonts[i], FC_INDEX, 0, &index);
			const char *f = (const char *)file;
			/* Our own copies (from an earlier apply()) are already
			 * prepared; a named instance (index >> 16) of a
			 * variable font cannot be a static copy. */
			if ((cache_real && path_is_inside(f, cache_real)) || path_is_inside(f, p->cache_dir) ||
			    index < 0 || (index >> 16) != 0)
				continue;
			char *key = g_strdup_printf("%d:%s", index, f);
			if (!g_hash_table_add(seen, key))
				continue;

			char *prepared = NULL;
			int prc = ws_fontprep_prepare(p, f, (unsigned int)index, &prepared, local);
			move_as_warnings(diags, local);
			if (prc != WS_OK || !prepared)
				continue;
			if (!FcConfigAppFontAddFile(config, (const FcChar8 *)prepared)) {
				warn(diags, "fontconfig refused the prepared font '%s'; using '%s'", prepared, f);
				g_free(prepared);
				continue;
			}
			g_free(prepared);
			/* Reject this face only: the other faces of a
			 * collection (JP, KR, Mono...) stay usable. */
			char *elt = g_markup_printf_escaped(
				"<pattern><patelt name=\"file\"><string>%s</string></patelt>"
				"<patelt name=\"index\"><int>%d</int></patelt></pattern>\n", f, index);
			g_string_append(rejects, elt);
			g_free(elt);
			n_rejects++;
		}
		if (fs)
			FcFontSetDestroy(fs);
	}

	if (n_rejects > 0) {
		g_string_append(rejects, "</rejectfont></selectfont></fontconfig>\n");
		if (!FcConfigParseAndLoadFromMemory(config, (const FcChar8 *)rejects->str, FcFalse)) {
			fail(diags, "fontconfig did not accept the rule rejecting the original fonts");
			rc = WS_EINTERNAL;
			goto out;
		}
		/* The rejection applies when fonts are added: rebuild the
		 * system set (application fonts are kept). */
		if (!FcConfigBuildFonts(config)) {
			fail(diags, "fontconfig could not rebuild its font list");
			rc = WS_EINTERNAL;
			goto out;
		}
	}
out:
	if (rc == WS_ENOMEM)
		fail(diags, "out of memory while preparing fonts");
	if (os)
		FcObjectSetDestroy(os);
	g_string_free(rejects, TRUE);
	ws_diags_free(local);
	g_hash_table_unref(seen);
	free(cache_real);
	return rc;
}
