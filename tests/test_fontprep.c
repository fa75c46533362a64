/* Tests for core/fontprep: desubroutinized, cached copies of CFF fonts.
 *
 * The fonts under test are the Noto CJK collections the engine targets
 * (WENSHU_TEST_NOTO_DIR, default /usr/share/fonts/opentype/noto); the
 * fontconfig used for the end-to-end check names only that folder, with
 * its cache in the build tree.  The tests share one cache folder in the
 * build tree, so the expensive full-face preparation (about half a second
 * per face) happens once per build tree; the tests that need a fresh build
 * force it (corrupt entry, changed source) on a small subset font made
 * here from Noto Sans CJK SC.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <hb-subset.h>
#include <malloc.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <cairo-pdf.h>
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fontprep.h"

#define SANS_SC_FAMILY "Noto Sans CJK SC"
#define SERIF_SC_FAMILY "Noto Serif CJK SC"

/* `meson test` sets MALLOC_PERTURB_, so glibc fills every block it hands
 * out or takes back.  HarfBuzz 6.0's CFF subsetter churns through large
 * blocks, and under that setting preparing Noto Serif CJK SC goes from
 * 0.7 s to 6 s (measured), enough to push the end-to-end test past its
 * timeout on a loaded machine.  Memory errors are valgrind's job here
 * (`meson test --setup valgrind`), so the perturbation is switched off. */
static void no_malloc_perturb(void)
{
	mallopt(M_PERTURB, 0);
}

TestSuite(fontprep, .init = no_malloc_perturb);

static const char *noto_dir(void)
{
	const char *d = g_getenv("WENSHU_TEST_NOTO_DIR");
	return d ? d : "/usr/share/fonts/opentype/noto";
}

static char *noto_file(const char *name)
{
	char *f = g_build_filename(noto_dir(), name, NULL);
	cr_assert(g_file_test(f, G_FILE_TEST_IS_REGULAR), "test font %s is missing", f);
	return f;
}

/* Face index of `family` in a collection, by its name table (ID 1 or 16). */
static unsigned int face_of_family(const char *file, const char *family)
{
	hb_blob_t *blob = hb_blob_create_from_file_or_fail(file);
	cr_assert_not_null(blob);
	unsigned int n = hb_face_count(blob);
	for (unsigned int i = 0; i < n; i++) {
		hb_face_t *face = hb_face_create(blob, i);
		char buf[128];
		gboolean hit = FALSE;
		static const hb_ot_name_id_t ids[] = {HB_OT_NAME_ID_TYPOGRAPHIC_FAMILY, HB_OT_NAME_ID_FONT_FAMILY};
		for (size_t k = 0; k < G_N_ELEMENTS(ids) && !hit; k++) {
			unsigned int len = sizeof buf;
			hb_ot_name_get_utf8(face, ids[k], hb_language_from_string("en", -1), &len, buf);
			hit = strcmp(buf, family) == 0;
		}
		hb_face_destroy(face);
		if (hit) {
			hb_blob_destroy(blob);
			return i;
		}
	}
	hb_blob_destroy(blob);
	cr_assert_fail("no face of %s in %s", family, file);
	return 0;
}

static char *shared_cache(void)
{
	return g_build_filename(WS_TEST_BUILD_DIR, "test-cache", "fontprep-shared", NULL);
}

static char *scratch_dir(void)
{
	GError *err = NULL;
	char *d = g_dir_make_tmp("wenshu-fontprep-XXXXXX", &err);
	cr_assert_not_null(d, "%s", err ? err->message : "");
	return d;
}

static void rm_rf(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (!d)
		return;
	const char *name;
	while ((name = g_dir_read_name(d))) {
		char *f = g_build_filename(dir, name, NULL);
		if (g_file_test(f, G_FILE_TEST_IS_DIR))
			rm_rf(f);
		else
			g_unlink(f);
		g_free(f);
	}
	g_dir_close(d);
	g_rmdir(dir);
}

static gint64 mtime_ns(const char *path)
{
	GStatBuf st;
	cr_assert_eq(g_stat(path, &st), 0, "stat %s: %s", path, g_strerror(errno));
	return (gint64)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

/* ---- A minimal CFF reader: just enough to find subroutines. ---- */

typedef struct cff_index {
	guint count;
	size_t data;      /* offset of byte 0 of element data, minus 1 (CFF offsets are 1-based) */
	size_t end;       /* offset just past the INDEX */
	size_t off_start; /* offset of the offset array */
	guint off_size;
} cff_index;

static guint32 be(const guint8 *p, guint n)
{
	guint32 v = 0;
	for (guint i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static gboolean cff_read_index(const guint8 *d, size_t n, size_t at, cff_index *ix)
{
	if (at + 2 > n)
		return FALSE;
	ix->count = be(d + at, 2);
	if (ix->count == 0) {
		ix->end = at + 2;
		return TRUE;
	}
	if (at + 3 > n)
		return FALSE;
	ix->off_size = d[at + 2];
	if (ix->off_size < 1 || ix->off_size > 4)
		return FALSE;
	ix->off_start = at + 3;
	ix->data = ix->off_start + (size_t)(ix->count + 1) * ix->off_size - 1;
	size_t last_at = ix->off_start + (size_t)ix->count * ix->off_size;
	if (last_at + ix->off_size > n)
		return FALSE;
	ix->end = ix->data + be(d + last_at, ix->off_size);
	return ix->end <= n;
}

static void cff_element(const guint8 *d, const cff_index *ix, guint i, size_t *start, size_t *end)
{
	*start = ix->data + be(d + ix->off_start + (size_t)i * ix->off_size, ix->off_size);
	*end = ix->data + be(d + ix->off_start + (size_t)(i + 1) * ix->off_size, ix->off_size);
}

/* Calls `op` for each operator of a DICT with its last two integer
 * operands (reals count as 0). */
typedef void (*dict_op_fn)(int op, long a, long b, void *ud);

static void cff_dict(const guint8 *d, size_t start, size_t end, dict_op_fn fn, void *ud)
{
	long st[48];
	int sp = 0;
	size_t i = start;
	while (i < end) {
		guint8 b0 = d[i];
		long v;
		if (b0 <= 21) {
			int op = b0;
			i++;
			if (b0 == 12 && i < end)
				op = 1200 + d[i++];
			fn(op, sp >= 2 ? st[sp - 2] : 0, sp >= 1 ? st[sp - 1] : 0, ud);
			sp = 0;
			continue;
		}
		if (b0 == 28) {
			v = (gint16)be(d + i + 1, 2);
			i += 3;
		} else if (b0 == 29) {
			v = (gint32)be(d + i + 1, 4);
			i += 5;
		} else if (b0 == 30) {
			i++;
			while (i < end && (d[i] & 0x0f) != 0x0f && (d[i] >> 4) != 0x0f)
				i++;
			i++;
			v = 0;
		} else if (b0 >= 32 && b0 <= 246) {
			v = b0 - 139;
			i++;
		} else if (b0 >= 247 && b0 <= 250) {
			v = (b0 - 247) * 256 + d[i + 1] + 108;
			i += 2;
		} else if (b0 >= 251 && b0 <= 254) {
			v = -(b0 - 251) * 256 - d[i + 1] - 108;
			i += 2;
		} else {
			cr_assert_fail("bad DICT byte %u", b0);
			return;
		}
		if (sp < (int)G_N_ELEMENTS(st))
			st[sp++] = v;
	}
}

typedef struct top_info {
	long fdarray;     /* offset of the FDArray INDEX, 0 if not CID-keyed */
	long priv_size, priv_off;
	gboolean subrs;   /* a Private DICT names local Subrs */
} top_info;

static void top_op(int op, long a, long b, void *ud)
{
	top_info *t = ud;
	if (op == 1236)
		t->fdarray = b;
	else if (op == 18) {
		t->priv_size = a;
		t->priv_off = b;
	} else if (op == 19)
		t->subrs = TRUE;
}

typedef struct cff_facts {
	guint global_subrs;
	guint private_dicts;
	gboolean local_subrs;
} cff_facts;

static void check_private(const guint8 *d, size_t n, long size, long off, cff_facts *f)
{
	cr_assert(off > 0 && size >= 0 && (size_t)(off + size) <= n, "Private DICT out of bounds");
	top_info pi = {0};
	cff_dict(d, (size_t)off, (size_t)(off + size), top_op, &pi);
	f->private_dicts++;
	f->local_subrs |= pi.subrs;
}

static cff_facts cff_inspect(hb_face_t *face)
{
	hb_blob_t *blob = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
	unsigned int n = 0;
	const guint8 *d = (const guint8 *)hb_blob_get_data(blob, &n);
	cr_assert(n > 4, "no CFF table");
	cff_facts f = {0};
	cff_index name, top, strings, gsubrs;
	cr_assert(cff_read_index(d, n, d[2], &name));
	cr_assert(cff_read_index(d, n, name.end, &top));
	cr_assert(cff_read_index(d, n, top.end, &strings));
	cr_assert(cff_read_index(d, n, strings.end, &gsubrs));
	f.global_subrs = gsubrs.count;
	cr_assert_eq(top.count, 1);
	size_t s, e;
	cff_element(d, &top, 0, &s, &e);
	top_info ti = {0};
	cff_dict(d, s, e, top_op, &ti);
	if (ti.fdarray > 0) {
		cff_index fds;
		cr_assert(cff_read_index(d, n, (size_t)ti.fdarray, &fds));
		for (guint i = 0; i < fds.count; i++) {
			cff_element(d, &fds, i, &s, &e);
			top_info fi = {0};
			cff_dict(d, s, e, top_op, &fi);
			check_private(d, n, fi.priv_size, fi.priv_off, &f);
		}
	} else {
		check_private(d, n, ti.priv_size, ti.priv_off, &f);
	}
	hb_blob_destroy(blob);
	return f;
}

/* Distinct feature tags of GSUB or GPOS.  The subsetter may merge
 * duplicate language-system records, so the raw record count can differ
 * while the features are all there. */
static hb_set_t *feature_tags(hb_face_t *face, hb_tag_t table)
{
	hb_set_t *set = hb_set_create();
	unsigned int total = hb_ot_layout_table_get_feature_tags(face, table, 0, NULL, NULL);
	for (unsigned int start = 0; start < total;) {
		hb_tag_t tags[64];
		unsigned int n = G_N_ELEMENTS(tags);
		hb_ot_layout_table_get_feature_tags(face, table, start, &n, tags);
		for (unsigned int i = 0; i < n; i++)
			hb_set_add(set, tags[i]);
		start += n;
	}
	return set;
}

static void assert_same_features(hb_face_t *a, hb_face_t *b, hb_tag_t table)
{
	hb_set_t *fa = feature_tags(a, table), *fb = feature_tags(b, table);
	cr_assert_gt(hb_set_get_population(fa), 0);
	cr_assert(hb_set_is_equal(fa, fb), "the copy lost layout features");
	cr_assert_eq(hb_ot_layout_table_get_lookup_count(a, table),
	             hb_ot_layout_table_get_lookup_count(b, table));
	hb_set_destroy(fa);
	hb_set_destroy(fb);
}

/* Shapes `text` with both faces and demands the same glyphs and
 * positions: the copy must typeset exactly like the original. */
static void assert_same_shaping(hb_face_t *a, hb_face_t *b, const char *text, hb_direction_t dir,
                                const char *features)
{
	hb_feature_t feats[4];
	unsigned int nf = 0;
	if (features) {
		char **list = g_strsplit(features, ",", -1);
		for (char **it = list; *it && nf < G_N_ELEMENTS(feats); it++)
			cr_assert(hb_feature_from_string(*it, -1, &feats[nf++]), "bad feature %s", *it);
		g_strfreev(list);
	}
	hb_font_t *fa = hb_font_create(a), *fb = hb_font_create(b);
	hb_buffer_t *ba = hb_buffer_create(), *bb = hb_buffer_create();
	hb_buffer_t *bufs[] = {ba, bb};
	hb_font_t *fonts[] = {fa, fb};
	for (int k = 0; k < 2; k++) {
		hb_buffer_add_utf8(bufs[k], text, -1, 0, -1);
		hb_buffer_set_direction(bufs[k], dir);
		hb_buffer_set_script(bufs[k], HB_SCRIPT_HAN);
		hb_buffer_set_language(bufs[k], hb_language_from_string("zh-Hans", -1));
		hb_shape(fonts[k], bufs[k], feats, nf);
	}
	unsigned int na = 0, nb = 0;
	hb_glyph_info_t *ia = hb_buffer_get_glyph_infos(ba, &na), *ib = hb_buffer_get_glyph_infos(bb, &nb);
	hb_glyph_position_t *pa = hb_buffer_get_glyph_positions(ba, NULL);
	hb_glyph_position_t *pb = hb_buffer_get_glyph_positions(bb, NULL);
	cr_assert_eq(na, nb);
	for (unsigned int i = 0; i < na; i++) {
		cr_assert_eq(ia[i].codepoint, ib[i].codepoint, "glyph %u differs (%s)", i, features ? features : "");
		cr_assert_eq(pa[i].x_advance, pb[i].x_advance);
		cr_assert_eq(pa[i].y_advance, pb[i].y_advance);
		cr_assert_eq(pa[i].x_offset, pb[i].x_offset);
		cr_assert_eq(pa[i].y_offset, pb[i].y_offset);
	}
	hb_buffer_destroy(ba);
	hb_buffer_destroy(bb);
	hb_font_destroy(fa);
	hb_font_destroy(fb);
}

static unsigned int unicode_count(hb_face_t *face)
{
	hb_set_t *s = hb_set_create();
	hb_face_collect_unicodes(face, s);
	unsigned int n = hb_set_get_population(s);
	hb_set_destroy(s);
	return n;
}

/* A small CFF font with subroutines, made from Noto Sans CJK SC (plain
 * subset, subroutines kept): cheap to prepare, so the cache tests can
 * rebuild it freely. */
static char *make_small_cff(const char *dir)
{
	char *src = noto_file("NotoSansCJK-Regular.ttc");
	hb_blob_t *blob = hb_blob_create_from_file_or_fail(src);
	hb_face_t *face = hb_face_create(blob, face_of_family(src, SANS_SC_FAMILY));
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	const char *text = "面谈确认单预约签证中心护照号码 AA00TEST01 1369.00 CNY";
	for (const char *c = text; *c; c = g_utf8_next_char(c))
		hb_set_add(hb_subset_input_unicode_set(in), g_utf8_get_char(c));
	hb_face_t *sub = hb_subset_or_fail(face, in);
	cr_assert_not_null(sub);
	hb_blob_t *out = hb_face_reference_blob(sub);
	unsigned int len = 0;
	const char *data = hb_blob_get_data(out, &len);
	char *path = g_build_filename(dir, "small-cff.otf", NULL);
	cr_assert(g_file_set_contents(path, data, len, NULL));
	hb_blob_destroy(out);
	hb_face_destroy(sub);
	hb_subset_input_destroy(in);
	hb_face_destroy(face);
	hb_blob_destroy(blob);
	g_free(src);
	return path;
}

static char *prepare_ok(ws_fontprep *p, const char *font, unsigned int index, ws_diags *d)
{
	char *out = NULL;
	int rc = ws_fontprep_prepare(p, font, index, &out, d);
	cr_assert_eq(rc, WS_OK, "prepare %s: %s", font, ws_status_name(rc));
	cr_assert_eq(ws_diags_count(d), 0, "unexpected diagnostic: %s",
	             ws_diags_count(d) ? ws_diags_at(d, 0)->message : "");
	cr_assert_not_null(out);
	return out;
}

Test(fontprep, full_face_keeps_every_glyph_and_drops_subroutines)
{
	char *cache = shared_cache();
	char *src = noto_file("NotoSansCJK-Regular.ttc");
	unsigned int index = face_of_family(src, SANS_SC_FAMILY);
	ws_diags *d = ws_diags_new();
	ws_fontprep *p = NULL;
	cr_assert_eq(ws_fontprep_new(&p, cache, d), WS_OK);
	char *copy = prepare_ok(p, src, index, d);
	cr_assert(g_str_has_prefix(copy, cache));

	hb_blob_t *sb = hb_blob_create_from_file_or_fail(src);
	hb_face_t *sf = hb_face_create(sb, index);
	hb_blob_t *cb = hb_blob_create_from_file_or_fail(copy);
	cr_assert_eq(hb_face_count(cb), 1, "the copy of a collection face is a single font");
	hb_face_t *cf = hb_face_create(cb, 0);

	cr_assert_eq(hb_face_get_glyph_count(cf), hb_face_get_glyph_count(sf));
	cr_assert_gt(hb_face_get_glyph_count(cf), 60000);
	cr_assert_eq(unicode_count(cf), unicode_count(sf));
	assert_same_features(sf, cf, HB_OT_TAG_GSUB);
	assert_same_features(sf, cf, HB_OT_TAG_GPOS);
	const char *sample = "面谈确认单（预约确认）「AA00TEST01」1369.00 CNY，请于09:30前到达。";
	assert_same_shaping(sf, cf, sample, HB_DIRECTION_LTR, NULL);
	assert_same_shaping(sf, cf, sample, HB_DIRECTION_LTR, "palt,kern");
	assert_same_shaping(sf, cf, sample, HB_DIRECTION_TTB, NULL);
	assert_same_shaping(sf, cf, "ＡＢＣ１２３ ABC123", HB_DIRECTION_LTR, "hwid");
	unsigned int sn = 0, cn = 0;
	hb_ot_name_list_names(sf, &sn);
	hb_ot_name_list_names(cf, &cn);
	cr_assert_eq(cn, sn, "name records: %u in the copy, %u in the source", cn, sn);

	cff_facts before = cff_inspect(sf), after = cff_inspect(cf);
	cr_assert_gt(before.global_subrs, 0, "the source should have subroutines to drop");
	cr_assert(before.local_subrs);
	cr_assert_eq(after.global_subrs, 0);
	cr_assert_not(after.local_subrs, "a Private DICT of the copy still names Subrs");
	cr_assert_eq(after.private_dicts, before.private_dicts);

	hb_face_destroy(cf);
	hb_blob_destroy(cb);
	hb_face_destroy(sf);
	hb_blob_destroy(sb);
	g_free(copy);
	ws_fontprep_free(p);
	ws_diags_free(d);
	g_free(src);
	g_free(cache);
}

Test(fontprep, second_call_hits_the_cache)
{
	char *cache = shared_cache();
	char *src = noto_file("NotoSansCJK-Regular.ttc");
	unsigned int index = face_of_family(src, SANS_SC_FAMILY);
	ws_diags *d = ws_diags_new();
	ws_fontprep *p = NULL;
	cr_assert_eq(ws_fontprep_new(&p, cache, d), WS_OK);
	char *first = prepare_ok(p, src, index, d);
	gint64 t = mtime_ns(first);
	gint64 start = g_get_monotonic_time();
	char *second = prepare_ok(p, src, index, d);
	gint64 took_us = g_get_monotonic_time() - start;
	cr_assert_str_eq(second, first);
	cr_assert_eq(mtime_ns(second), t, "a valid entry was rebuilt");
	/* A hit reads a sidecar and maps two files (0.1 ms); a rebuild takes
	 * 0.4 s or more.  The mtime above is the real proof; this bound only
	 * catches a hit that silently got slow. */
	cr_assert_lt(took_us, 250000, "cache hit took %" G_GINT64_FORMAT " us", took_us);
	/* So does a second handle, as a second process would. */
	ws_fontprep *p2 = NULL;
	cr_assert_eq(ws_fontprep_new(&p2, cache, d), WS_OK);
	char *third = prepare_ok(p2, src, index, d);
	cr_assert_str_eq(third, first);
	cr_assert_eq(mtime_ns(third), t);
	g_free(first);
	g_free(second);
	g_free(third);
	ws_fontprep_free(p2);
	ws_fontprep_free(p);
	ws_diags_free(d);
	g_free(src);
	g_free(cache);
}

static void truncate_file(const char *path, goffset len)
{
	cr_assert_eq(truncate(path, len), 0, "truncate %s: %s", path, g_strerror(errno));
}

Test(fontprep, corrupt_entry_is_rebuilt)
{
	char *dir = scratch_dir();
	char *cache = g_build_filename(dir, "cache", NULL);
	char *src = make_small_cff(dir);
	ws_diags *d = ws_diags_new();
	ws_fontprep *p = NULL;
	cr_assert_eq(ws_fontprep_new(&p, cache, d), WS_OK);
	char *copy = prepare_ok(p, src, 0, d);
	GStatBuf st;
	cr_assert_eq(g_stat(copy, &st), 0);
	goffset good_size = st.st_size;
	hb_blob_t *b = hb_blob_create_from_file_or_fail(src);
	hb_face_t *f = hb_face_create(b, 0);
	unsigned int glyphs = hb_face_get_glyph_count(f);
	hb_face_destroy(f);
	hb_blob_destroy(b);

	/* Truncated (a crash or a full disk while someone copied it). */
	truncate_file(copy, good_size / 2);
	char *again = prepare_ok(p, src, 0, d);
	cr_assert_str_eq(again, copy);
	cr_assert_eq(g_stat(again, &st), 0);
	cr_assert_eq(st.st_size, good_size, "the truncated entry was not rebuilt");
	g_free(again);

	/* Same length but garbage: it no longer parses as the same font. */
	char *zeros = g_malloc0((gsize)good_size);
	cr_assert(g_file_set_contents(copy, zeros, good_size, NULL));
	g_free(zeros);
	again = prepare_ok(p, src, 0, d);
	b = hb_blob_create_from_file_or_fail(again);
	f = hb_face_create(b, 0);
	cr_assert_eq(hb_face_get_glyph_count(f), glyphs, "the zeroed entry was not rebuilt");
	hb_face_destroy(f);
	hb_blob_destroy(b);
	g_free(again);

	/* A sidecar that describes another source. */
	char *stem = g_strndup(copy, strlen(copy) - strlen(".otf"));
	char *id = g_strconcat(stem, ".id", NULL);
	g_free(stem);
	char *text = NULL;
	cr_assert(g_file_get_contents(id, &text, NULL, NULL));
	char *bad = g_strdup(text);
	char *at = strstr(bad, "glyphs=");
	cr_assert_not_null(at);
	at[strlen("glyphs=")] = at[strlen("glyphs=")] == '9' ? '8' : '9';
	cr_assert(g_file_set_contents(id, bad, -1, NULL));
	gint64 before = mtime_ns(copy);
	again = prepare_ok(p, src, 0, d);
	cr_assert_neq(mtime_ns(again), before, "an entry with a wrong sidecar was used");
	char *fixed = NULL;
	cr_assert(g_file_get_contents(id, &fixed, NULL, NULL));
	cr_assert_str_eq(fixed, text);

	/* No sidecar at all: the font is not trusted either. */
	cr_assert_eq(g_unlink(id), 0);
	before = mtime_ns(copy);
	g_free(again);
	again = prepare_ok(p, src, 0, d);
	cr_assert_neq(mtime_ns(again), before);
	cr_assert(g_file_test(id, G_FILE_TEST_EXISTS));

	g_free(fixed);
	g_free(bad);
	g_free(text);
	g_free(id);
	g_free(again);
	g_free(copy);
	ws_fontprep_free(p);
	ws_diags_free(d);
	rm_rf(dir);
	g_free(src);
	g_free(cache);
	g_free(dir);
}

static guint count_entries(const char *cache, const char *suffix)
{
	GDir *d = g_dir_open(cache, 0, NULL);
	cr_assert_not_null(d);
	guint n = 0;
	const char *name;
	while ((name = g_dir_read_name(d)))
		n += g_str_has_suffix(name, suffix);
	g_dir_close(d);
	return n;
}

Test(fontprep, changed_source_gets_a_new_key)
{
	char *dir = scratch_dir();
	char *cache = g_build_filename(dir, "cache", NULL);
	char *src = make_small_cff(dir);
	ws_diags *d = ws_diags_new();
	ws_fontprep *p = NULL;
	cr_assert_eq(ws_fontprep_new(&p, cache, d), WS_OK);
	char *a = prepare_ok(p, src, 0, d);

	/* Same bytes, new mtime: a reinstalled or updated font. */
	GStatBuf st;
	cr_assert_eq(g_stat(src, &st), 0);
	struct timespec ts[2] = {st.st_atim, st.st_mtim};
	ts[1].tv_sec += 60;
	cr_assert_eq(utimensat(AT_FDCWD, src, ts, 0), 0);
	char *b = prepare_ok(p, src, 0, d);
	cr_assert_str_neq(a, b);
	/* The entry for the old version is pruned, not left to pile up. */
	cr_assert_not(g_file_test(a, G_FILE_TEST_EXISTS));
	cr_assert_eq(count_entries(cache, ".otf"), 1);
	cr_assert_eq(count_entries(cache, ".id"), 1);

	/* Same path and mtime, other size (trailing bytes do not disturb
	 * the font, so only the identity changes). */
	cr_assert_eq(g_stat(src, &st), 0);
	struct timespec keep[2] = {st.st_atim, st.st_mtim};
	FILE *fh = fopen(src, "ab");
	cr_assert_not_null(fh);
	cr_assert_eq(fwrite("\0\0\0\0", 1, 4, fh), 4);
	cr_assert_eq(fclose(fh), 0);
	cr_assert_eq(utimensat(AT_FDCWD, src, keep, 0), 0);
	char *c = prepare_ok(p, src, 0, d);
	cr_assert_str_neq(c, b);

	/* Another path to the same bytes is another source. */
	char *other = g_build_filename(dir, "renamed.otf", NULL);
	char *data = NULL;
	gsize len = 0;
	cr_assert(g_file_get_contents(src, &data, &len, NULL));
	cr_assert(g_file_set_contents(other, data, (gssize)len, NULL));
	g_free(data);
	char *e = prepare_ok(p, other, 0, d);
	cr_assert_str_neq(e, c);
	cr_assert(g_file_test(c, G_FILE_TEST_EXISTS), "another source's entry was pruned");

	g_free(a);
	g_free(b);
	g_free(c);
	g_free(e);
	g_free(other);
	ws_fontprep_free(p);
	ws_diags_free(d);
	rm_rf(dir);
	g_free(src);
	g_free(cache);
	g_free(dir);
}

Test(fontprep, truetype_needs_no_preparation)
{
	char *dir = scratch_dir();
	ws_diags *d = ws_diags_new();
	ws_fontprep *p = NULL;
	cr_assert_eq(ws_fontprep_new(&p, dir, d), WS_OK);
	const char *ttf = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
	cr_assert(g_file_test(ttf, G_FILE_TEST_IS_REGULAR), "test font %s is missing", ttf);
	char *out = (char *)"unset";
	cr_assert_eq(ws_fontprep_prepare(p, ttf, 0, &out, d), WS_OK);
	cr_assert_null(out);
	cr_assert_eq(ws_diags_count(d), 0);
	cr_assert_eq(count_entries(dir, ".otf"), 0);
	ws_fontprep_free(p);
	ws_diags_free(d);
	rm_rf(dir);
	g_free(dir);
}

Test(fontprep, bad_inputs_are_errors)
{
	char *dir = scratch_dir();
	ws_diags *d = ws_diags_new();
	ws_fontprep *p = NULL;
	cr_assert_eq(ws_fontprep_new(&p, dir, d), WS_OK);
	char *out = NULL;

	cr_assert_eq(ws_fontprep_prepare(p, "/nonexistent/font.otf", 0, &out, d), WS_EIO);
	cr_assert_null(out);
	cr_assert_eq(ws_diags_count_severity(d, WS_SEVERITY_ERROR), 1);
	cr_assert_not_null(strstr(ws_diags_at(d, 0)->message, "/nonexistent/font.otf"));
	ws_diags_clear(d);

	char *junk = g_build_filename(dir, "junk.otf", NULL);
	cr_assert(g_file_set_contents(junk, "not a font at all", -1, NULL));
	cr_assert_eq(ws_fontprep_prepare(p, junk, 0, &out, d), WS_EIO);
	cr_assert_null(out);
	cr_assert(ws_diags_has_errors(d));
	ws_diags_clear(d);

	char *src = noto_file("NotoSansCJK-Regular.ttc");
	cr_assert_eq(ws_fontprep_prepare(p, src, 99, &out, d), WS_EUSAGE);
	cr_assert_null(out);
	cr_assert_not_null(strstr(ws_diags_at(d, 0)->message, "no face 99"));
	ws_diags_clear(d);

	cr_assert_eq(ws_fontprep_prepare(p, NULL, 0, &out, d), WS_EUSAGE);
	cr_assert_eq(ws_fontprep_prepare(NULL, src, 0, &out, d), WS_EUSAGE);
	cr_assert_eq(ws_fontprep_apply(p, NULL, NULL, d), WS_EUSAGE);
	cr_assert_eq(ws_fontprep_new(NULL, dir, d), WS_EUSAGE);
	ws_fontprep_free(NULL);

	g_free(src);
	g_free(junk);
	ws_fontprep_free(p);
	ws_diags_free(d);
	rm_rf(dir);
	g_free(dir);
}

Test(fontprep, unusable_cache_warns_and_uses_the_original)
{
	char *dir = scratch_dir();
	char *src = make_small_cff(dir);
	ws_diags *d = ws_diags_new();

	/* A folder under a regular file cannot be created, even by root. */
	char *blocker = g_build_filename(dir, "blocker", NULL);
	cr_assert(g_file_set_contents(blocker, "", 0, NULL));
	char *cache = g_build_filename(blocker, "fonts", NULL);
	ws_fontprep *p = NULL;
	cr_assert_eq(ws_fontprep_new(&p, cache, d), WS_OK);
	cr_assert_not_null(p);
	cr_assert_eq(ws_diags_count_severity(d, WS_SEVERITY_WARNING), 1);
	cr_assert_not_null(strstr(ws_diags_at(d, 0)->message, cache));
	ws_diags_clear(d);
	char *out = (char *)"unset";
	cr_assert_eq(ws_fontprep_prepare(p, src, 0, &out, d), WS_OK);
	cr_assert_null(out, "an unusable cache must hand back the original font");
	ws_fontprep_free(p);

	/* A folder that disappears after creation: the write fails. */
	char *gone = g_build_filename(dir, "gone", NULL);
	cr_assert_eq(ws_fontprep_new(&p, gone, d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 0);
	cr_assert_eq(g_rmdir(gone), 0);
	cr_assert(g_file_set_contents(gone, "", 0, NULL));
	out = (char *)"unset";
	cr_assert_eq(ws_fontprep_prepare(p, src, 0, &out, d), WS_OK);
	cr_assert_null(out);
	cr_assert_eq(ws_diags_count_severity(d, WS_SEVERITY_WARNING), 1);
	cr_assert_not_null(strstr(ws_diags_at(d, 0)->message, "original font"));
	ws_fontprep_free(p);

	g_free(gone);
	g_free(cache);
	g_free(blocker);
	g_free(src);
	ws_diags_free(d);
	rm_rf(dir);
	g_free(dir);
}

Test(fontprep, default_cache_follows_xdg_cache_home)
{
	char *dir = scratch_dir();
	/* GLib reads XDG_CACHE_HOME once per process; each Criterion test
	 * runs in its own process, before any other GLib directory query. */
	g_setenv("XDG_CACHE_HOME", dir, TRUE);
	ws_diags *d = ws_diags_new();
	ws_fontprep *p = NULL;
	cr_assert_eq(ws_fontprep_new(&p, NULL, d), WS_OK);
	char *want = g_build_filename(dir, "wenshu", "fonts", NULL);
	cr_assert_str_eq(ws_fontprep_cache_dir(p), want);
	GStatBuf st;
	cr_assert_eq(g_stat(want, &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(st.st_mode & 0777, 0700);
	ws_fontprep_free(p);
	ws_diags_free(d);
	g_free(want);
	rm_rf(dir);
	g_free(dir);
}

/* ---- End to end: Pango → Cairo PDF with and without the copies. ---- */

static FcConfig *test_config(void)
{
	char *fc_cache = g_build_filename(WS_TEST_BUILD_DIR, "test-cache", "fontconfig", NULL);
	/* The system cache goes second, read-only in effect: when it already
	 * describes the folder, the test skips a cold scan of ~30 CJK faces
	 * (tens of seconds); otherwise the scan lands in the build tree. */
	char *xml = g_markup_printf_escaped("<?xml version=\"1.0\"?>\n<fontconfig><dir>%s</dir>"
	                                    "<cachedir>%s</cachedir><cachedir>/var/cache/fontconfig</cachedir>"
	                                    "</fontconfig>", noto_dir(), fc_cache);
	FcConfig *c = FcConfigCreate();
	cr_assert(FcConfigParseAndLoadFromMemory(c, (const FcChar8 *)xml, FcTrue));
	cr_assert(FcConfigBuildFonts(c));
	g_free(xml);
	g_free(fc_cache);
	return c;
}

/* A one-page bilingual form: two families, two weights, a few hundred
 * distinct Hanzi, the shape of the paperwork wenshu sets. */
static const char form_markup[] =
	"<span font_family='" SERIF_SC_FAMILY "' weight='bold' size='16pt'>面谈确认单 Interview Confirmation</span>\n"
	"<b>预约确认 Appointment confirmed</b>  AA00TEST01\n"
	"申请人姓名 Applicant name: 张伟 ZHANG WEI    性别 Sex: 男 M\n"
	"出生日期 Date of birth: 1990-01-01    出生地 Place of birth: 北京市朝阳区\n"
	"护照号码 Passport number: E12345678    签发机关 Issuing authority: 国家移民管理局\n"
	"签证类别 Visa class: B1/B2 商务旅游    申请费用 Fee: 1369.00 CNY\n"
	"<b>面谈地点 Interview location</b>: 北京市朝阳区安家楼路55号 美国驻华大使馆\n"
	"面谈日期 Date: 2025年3月5日 星期三 上午九点三十分 09:30\n"
	"<span font_family='" SERIF_SC_FAMILY "'>请携带以下材料：有效护照、确认页打印件、近六个月内拍摄的白底彩色照片一张、"
	"缴费收据原件、在职证明或在读证明、银行流水、房产证明、户口簿复印件、婚姻状况证明。"
	"未满十四周岁的儿童须由父母或法定监护人陪同。请提前十五分钟到达，迟到者须重新预约。</span>\n"
	"<span font_family='" SERIF_SC_FAMILY "' weight='bold'>重要提示 Important</span>: 使馆内禁止携带电子设备、"
	"液体、打火机、锐器及大件行李，安检处不提供寄存服务。\n"
	"联系电话 Telephone: +86 10 5679 4700    电子邮箱 Email: support@example.cn\n"
	"本确认单由系统自动生成，无需盖章。如信息有误，请登录预约网站修改或致电客服中心。\n"
	"签名 Signature: ____________    日期 Date: ____________";

typedef struct pdf_result {
	gsize size;
	char *text;   /* pdftotext output, owned */
	char *fonts;  /* pdffonts output, owned */
	char *file0;  /* FC_FILE of the first run's font, owned */
} pdf_result;

static char *run_tool(const char *tool, const char *pdf, gboolean to_stdout)
{
	char *out = NULL;
	int status = 0;
	GError *err = NULL;
	const char *argv_text[] = {tool, "-enc", "UTF-8", pdf, "-", NULL};
	const char *argv_plain[] = {tool, pdf, NULL};
	gboolean ok = g_spawn_sync(NULL, (char **)(to_stdout ? argv_text : argv_plain), NULL,
	                           G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
	                           NULL, &status, &err);
	cr_assert(ok, "cannot run %s: %s", tool, err ? err->message : "");
	cr_assert(g_spawn_check_wait_status(status, NULL), "%s failed on %s", tool, pdf);
	return out;
}

static pdf_result draw_form(FcConfig *config, const char *pdf)
{
	PangoFontMap *fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fm), config);
	PangoContext *ctx = pango_font_map_create_context(fm);
	cairo_surface_t *s = cairo_pdf_surface_create(pdf, 595.276, 841.89);
	cairo_t *cr = cairo_create(s);
	pango_cairo_update_context(cr, ctx);
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_from_string(SANS_SC_FAMILY " 10.5");
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, 500 * PANGO_SCALE);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_markup(l, form_markup, -1);
	cairo_move_to(cr, 48, 48);
	pango_cairo_show_layout(cr, l);

	pdf_result r = {0};
	PangoLayoutIter *it = pango_layout_get_iter(l);
	PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
	cr_assert_not_null(run);
	FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(run->item->analysis.font));
	FcChar8 *file = NULL;
	cr_assert_eq(FcPatternGetString(pat, FC_FILE, 0, &file), FcResultMatch);
	r.file0 = g_strdup((const char *)file);
	pango_layout_iter_free(it);

	g_object_unref(l);
	pango_font_description_free(fd);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	g_object_unref(ctx);
	/* Drops the font map's cached fonts and its hold on `config` now,
	 * so the caller's FcConfigDestroy() really frees it. */
	pango_fc_font_map_shutdown(PANGO_FC_FONT_MAP(fm));
	g_object_unref(fm);

	GStatBuf st;
	cr_assert_eq(g_stat(pdf, &st), 0);
	r.size = (gsize)st.st_size;
	r.text = run_tool("pdftotext", pdf, TRUE);
	r.fonts = run_tool("pdffonts", pdf, FALSE);
	return r;
}

Test(fontprep, applied_config_makes_small_pdfs_with_the_real_font_names, .timeout = 110)
{
	char *dir = scratch_dir();
	char *cache = shared_cache();
	ws_diags *d = ws_diags_new();

	FcConfig *stock_cfg = test_config();
	char *stock_pdf = g_build_filename(dir, "stock.pdf", NULL);
	pdf_result stock = draw_form(stock_cfg, stock_pdf);

	FcConfig *cfg = test_config();
	ws_fontprep *p = NULL;
	cr_assert_eq(ws_fontprep_new(&p, cache, d), WS_OK);
	const char *const families[] = {SANS_SC_FAMILY, SERIF_SC_FAMILY, NULL};
	cr_assert_eq(ws_fontprep_apply(p, cfg, families, d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 0, "unexpected diagnostic: %s",
	             ws_diags_count(d) ? ws_diags_at(d, 0)->message : "");

	/* Only the SC faces were swapped: the other faces of the same
	 * collections are still there, from the original files. */
	FcPattern *jp = FcPatternBuild(NULL, FC_FAMILY, FcTypeString, "Noto Sans CJK JP", (char *)NULL);
	FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, (char *)NULL);
	FcFontSet *fs = FcFontList(cfg, jp, os);
	cr_assert(fs && fs->nfont >= 1, "rejecting the SC face took the JP face with it");
	FcFontSetDestroy(fs);
	FcPatternDestroy(jp);
	FcPattern *sc = FcPatternBuild(NULL, FC_FAMILY, FcTypeString, SANS_SC_FAMILY, (char *)NULL);
	fs = FcFontList(cfg, sc, os);
	cr_assert(fs && fs->nfont >= 2, "Noto Sans CJK SC should still have Regular and Bold");
	for (int i = 0; i < fs->nfont; i++) {
		FcChar8 *f = NULL;
		cr_assert_eq(FcPatternGetString(fs->fonts[i], FC_FILE, 0, &f), FcResultMatch);
		cr_assert(g_str_has_prefix((const char *)f, cache), "%s is still offered", f);
	}
	FcFontSetDestroy(fs);
	FcPatternDestroy(sc);
	FcObjectSetDestroy(os);

	/* Applying twice prepares nothing new and adds nothing. */
	cr_assert_eq(ws_fontprep_apply(p, cfg, families, d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 0);

	char *prep_pdf = g_build_filename(dir, "prepared.pdf", NULL);
	pdf_result prep = draw_form(cfg, prep_pdf);

	cr_assert(g_str_has_prefix(prep.file0, cache), "Pango picked %s, not the prepared copy", prep.file0);
	cr_assert_not(g_str_has_prefix(stock.file0, cache));
	cr_assert_gt(stock.size, 500 * 1024, "stock PDF is %zu bytes", stock.size);
	cr_assert_lt(prep.size, 200 * 1024, "prepared PDF is %zu bytes", prep.size);
	cr_assert_str_eq(prep.text, stock.text);
	cr_assert_not_null(strstr(prep.text, "面谈确认单"));
	cr_assert_not_null(strstr(prep.text, "1369.00 CNY"));
	const char *names[] = {"NotoSansCJKsc-Regular", "NotoSansCJKsc-Bold", "NotoSerifCJKsc-Regular",
	                       "NotoSerifCJKsc-Bold"};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		cr_assert_not_null(strstr(stock.fonts, names[i]), "stock PDF lacks %s:\n%s", names[i], stock.fonts);
		cr_assert_not_null(strstr(prep.fonts, names[i]), "prepared PDF lacks %s:\n%s", names[i], prep.fonts);
	}

	g_free(stock.text);
	g_free(stock.fonts);
	g_free(stock.file0);
	g_free(prep.text);
	g_free(prep.fonts);
	g_free(prep.file0);
	g_free(stock_pdf);
	g_free(prep_pdf);
	ws_fontprep_free(p);
	FcConfigDestroy(cfg);
	FcConfigDestroy(stock_cfg);
	ws_diags_free(d);
	rm_rf(dir);
	g_free(cache);
	g_free(dir);
}
