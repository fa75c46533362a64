/* Font twins kept between runs in the font cache (see twins.h). */
#include "twins-private.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <hb.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "atomicfile.h"

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
char *ws__twin_identity(const char *path, int index, hb_face_t *face)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return NULL;
	return g_strdup_printf("1|%s|%s|%lld|%lld.%09ld|%d|%u", hb_version_string(), path, (long long)st.st_size,
	                       (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec, index,
	                       hb_face_get_glyph_count(face));
}

static char *twin_path(const ws_twins *t, const ft_entry *e)
{
	if (!t->dir || !e->identity)
		return NULL;
	char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, e->identity, -1);
	sum[32] = '\0';
	char *name = g_strconcat(TWIN_PREFIX, sum, TWIN_SUFFIX, NULL);
	char *path = g_build_filename(t->dir, name, NULL);
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

void ws__twin_load_saved(ws_twins *t, ft_entry *e)
{
	char *path = twin_path(t, e);
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
		                          : hb_face_get_glyph_count(face) > hb_set_get_max(set) && ws__twin_face_has_cff(face);
		hb_face_destroy(face);
		ft_gen *g = ok ? ws__twin_gen_new(t, blob) : NULL;
		hb_blob_destroy(blob);
		if (g) {
			e->cur = g;
			hb_set_set(e->have, set);
			hb_set_union(e->wanted, set);
			e->serial++;
			t->n_loads++;
		}
	}
	hb_set_destroy(set);
	g_mapped_file_unref(mf);
}

/* Deletes saved twins of face files that are gone (a prepared copy is
 * replaced by one under a new name when its source font changes), so
 * they do not pile up.  Best effort. */
static void prune_orphans(const char *dir, const char *keep)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (!d)
		return;
	const char *name;
	while ((name = g_dir_read_name(d))) {
		if (!g_str_has_prefix(name, TWIN_PREFIX) || !g_str_has_suffix(name, TWIN_SUFFIX))
			continue;
		char *full = g_build_filename(dir, name, NULL);
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
void ws__twin_save(ws_twins *t, ft_entry *e)
{
	if (hb_set_get_population(e->have) > TWIN_SAVE_MAX_GLYPHS)
		return;
	char *path = twin_path(t, e);
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
			prune_orphans(t->dir, path);
	}
	g_byte_array_free(buf, TRUE);
	g_free(path);
}
