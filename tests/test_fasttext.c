/* Fast text (twins.h, pdf-text.h): PDFs drawn against the small font twins must be
 * the PDFs Pango's own drawing gives — same extracted text, same glyph
 * boxes, same fonts, same PNG pixels — and the twins must actually be used
 * and stop growing once a document's glyphs are in. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo.h>
#include <zlib.h>

#include "data.h"
#include "engine.h"
#include "twins.h"
#include "output.h"
#include "support.h"

static ws_engine *engine;
static ws_layout *layout;
static ws_dataset *data;
static char *dir;

static void teardown(void);

/* PDF output drawn with the engine's twins, as the command line does. */
static const ws_output_options *pdf_opts(void)
{
	static ws_output_options o;
	o = (ws_output_options)WS_OUTPUT_OPTIONS_INIT;
	o.twins = ws_engine_twins(engine);
	return &o;
}

/* Criterion may run the suite's and the test's .init both: start clean. */
static void open_engine(bool prepared)
{
	teardown();
	ws_engine_options o = WS_ENGINE_OPTIONS_INIT;
	o.prepare_fonts = prepared;
	cr_assert_eq(ws_engine_new(&engine, &o, NULL), WS_OK);
	ws_diags *d = ws_diags_new();
	/* The benchmark page: four CJK faces (Sans/Serif, regular/bold), a
	 * table of applicants, the real payment-receipt plugin. */
	cr_assert_eq(ws_engine_load_layout(engine, WS_TEST_SOURCE_DIR "/bench/bench-page.yaml", &layout, d), WS_OK);
	cr_assert_eq(ws_data_load_file(&data, WS_TEST_SOURCE_DIR "/examples/data/delegated-shanghai.yaml", d), WS_OK);
	ws_diags_free(d);
	dir = wst_tmpdir();
	/* Twins saved by other tests would spare this one its builds. */
	char *twins = g_build_filename(dir, "twins", NULL);
	cr_assert_eq(g_mkdir(twins, 0700), 0);
	ws_twins_set_cache_dir(ws_engine_twins(engine), twins);
	g_free(twins);
}

static void setup_prepared(void)
{
	open_engine(true);
}

static void setup_stock(void)
{
	open_engine(false);
}

static void teardown(void)
{
	ws_dataset_free(data);
	ws_layout_free(layout);
	ws_engine_free(engine);
	data = NULL;
	layout = NULL;
	engine = NULL;
	g_unsetenv("WENSHU_FAST_TEXT");
	g_free(dir);
	dir = NULL;
}

TestSuite(fasttext, .init = setup_prepared, .fini = teardown);

/* Renders the sample group with the fast path on or off into DIR/NAME. */
static char *render(bool fast, const char *name, const ws_output_options *oo)
{
	g_setenv("WENSHU_FAST_TEXT", fast ? "1" : "0", TRUE);
	ws_diags *d = ws_diags_new();
	ws_document *doc = NULL;
	cr_assert_eq(ws_engine_render(engine, layout, ws_dataset_group(data, 0), &doc, d), WS_OK);
	char *path = g_build_filename(dir, name, NULL);
	ws_output_options o = oo ? *oo : *pdf_opts();
	o.twins = ws_engine_twins(engine);
	cr_assert_eq(ws_output_write(&doc, 1, path, &o, d), WS_OK);
	ws_document_free(doc);
	ws_diags_free(d);
	return path;
}

static char *run_tool(const char *const *argv)
{
	char *out = NULL;
	int status = 0;
	cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
	                       NULL, &out, NULL, &status, NULL));
	cr_assert_eq(status, 0, "%s failed", argv[0]);
	return out;
}

typedef struct word {
	double x0, y0, x1, y1;
	char *text;
} word;

static void word_clear(void *p)
{
	g_free(((word *)p)->text);
}

/* The words of `pdftotext -bbox`, with their boxes in pt. */
static GArray *bbox_words(const char *pdf)
{
	const char *argv[] = {"pdftotext", "-bbox", "-enc", "UTF-8", pdf, "-", NULL};
	char *html = run_tool(argv);
	GArray *words = g_array_new(FALSE, FALSE, sizeof(word));
	g_array_set_clear_func(words, word_clear);
	GRegex *re = g_regex_new("<word xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\" xMax=\"([0-9.]+)\" yMax=\"([0-9.]+)\">([^<]*)</word>",
	                         0, 0, NULL);
	GMatchInfo *mi = NULL;
	g_regex_match(re, html, 0, &mi);
	while (g_match_info_matches(mi)) {
		word w;
		char *s;
		s = g_match_info_fetch(mi, 1), w.x0 = g_ascii_strtod(s, NULL), g_free(s);
		s = g_match_info_fetch(mi, 2), w.y0 = g_ascii_strtod(s, NULL), g_free(s);
		s = g_match_info_fetch(mi, 3), w.x1 = g_ascii_strtod(s, NULL), g_free(s);
		s = g_match_info_fetch(mi, 4), w.y1 = g_ascii_strtod(s, NULL), g_free(s);
		w.text = g_match_info_fetch(mi, 5);
		g_array_append_val(words, w);
		g_match_info_next(mi, NULL);
	}
	g_match_info_free(mi);
	g_regex_unref(re);
	g_free(html);
	return words;
}

/* pdffonts' table without the two header lines. */
static char *font_table(const char *pdf)
{
	char *all = wst_pdffonts(pdf);
	cr_assert_not_null(all);
	char *body = strchr(all, '\n');
	body = body ? strchr(body + 1, '\n') : NULL;
	char *out = g_strdup(body ? body + 1 : "");
	g_free(all);
	return out;
}

static void assert_same_pdf_reading(const char *slow, const char *fast, bool same_font_tags)
{
	char *t_slow = wst_pdftotext(slow, false), *t_fast = wst_pdftotext(fast, false);
	cr_assert_not_null(t_slow);
	cr_assert_not_null(t_fast);
	cr_assert(strstr(t_slow, "签证申请费缴费确认单") && strstr(t_slow, "FAN LIHUA"), "sample text present");
	cr_assert_str_eq(t_fast, t_slow, "pdftotext output is identical");

	GArray *w_slow = bbox_words(slow), *w_fast = bbox_words(fast);
	cr_assert_gt(w_slow->len, 50);
	cr_assert_eq(w_fast->len, w_slow->len);
	for (guint i = 0; i < w_slow->len; i++) {
		word *a = &g_array_index(w_slow, word, i), *b = &g_array_index(w_fast, word, i);
		cr_assert_str_eq(b->text, a->text);
		cr_assert(fabs(a->x0 - b->x0) <= 0.01 && fabs(a->y0 - b->y0) <= 0.01 && fabs(a->x1 - b->x1) <= 0.01 &&
		                  fabs(a->y1 - b->y1) <= 0.01,
		          "word %u '%s' at (%g, %g)-(%g, %g) vs (%g, %g)-(%g, %g)", i, a->text, a->x0, a->y0, a->x1,
		          a->y1, b->x0, b->y0, b->x1, b->y1);
	}
	g_array_free(w_slow, TRUE);
	g_array_free(w_fast, TRUE);

	char *f_slow = font_table(slow), *f_fast = font_table(fast);
	/* The real fonts, embedded as subsets with a ToUnicode map. */
	for (const char *n = "NotoSansCJKsc-Regular\0NotoSansCJKsc-Bold\0NotoSerifCJKsc-Regular\0NotoSerifCJKsc-Bold\0"; *n;
	     n += strlen(n) + 1)
		cr_assert(strstr(f_fast, n), "%s embedded:\n%s", n, f_fast);
	char **lines = g_strsplit(f_fast, "\n", -1);
	for (char **l = lines; *l; l++)
		if (**l)
			cr_assert(strstr(*l, "CID Type 0C") && strstr(*l, "yes yes yes"), "subset with ToUnicode: %s", *l);
	g_strfreev(lines);
	if (same_font_tags) {
		cr_assert_str_eq(f_fast, f_slow, "pdffonts lists the same fonts");
	} else {
		/* Same fonts, object numbers and types; the six-letter subset tags
		 * may differ (they hash the subset's glyph data). */
		char **a = g_strsplit(f_slow, "\n", -1), **b = g_strsplit(f_fast, "\n", -1);
		cr_assert_eq(g_strv_length(a), g_strv_length(b));
		for (guint i = 0; a[i]; i++)
			cr_assert_str_eq(strlen(a[i]) > 7 ? a[i] + 7 : a[i], strlen(b[i]) > 7 ? b[i] + 7 : b[i]);
		g_strfreev(a);
		g_strfreev(b);
	}
	g_free(f_slow);
	g_free(f_fast);
	g_free(t_slow);
	g_free(t_fast);
}

static gsize file_size(const char *path)
{
	GStatBuf st;
	cr_assert_eq(g_stat(path, &st), 0);
	return (gsize)st.st_size;
}

Test(fasttext, pdf_reads_the_same_both_ways)
{
	unsigned int faces0, builds0;
	ws_twins_stats(ws_engine_twins(engine), &faces0, &builds0, NULL);
	char *slow = render(false, "slow.pdf", NULL);
	unsigned int builds_after_slow;
	ws_twins_stats(ws_engine_twins(engine), NULL, &builds_after_slow, NULL);
	cr_assert_eq(builds_after_slow, builds0, "WENSHU_FAST_TEXT=0 builds no twin");

	char *fast = render(true, "fast.pdf", NULL);
	unsigned int faces, builds, glyphs;
	ws_twins_stats(ws_engine_twins(engine), &faces, &builds, &glyphs);
	cr_assert_geq(faces, 4, "a twin per CJK face on the page");
	cr_assert_gt(builds, builds0, "the fast path built twins");
	cr_assert_gt(glyphs, 100);

	assert_same_pdf_reading(slow, fast, true);
	/* RETAIN_GIDS keeps every glyph id, so Cairo sees the same glyphs and
	 * writes the same file, byte for byte. */
	gchar *a = NULL, *b = NULL;
	gsize la = 0, lb = 0;
	cr_assert(g_file_get_contents(slow, &a, &la, NULL) && g_file_get_contents(fast, &b, &lb, NULL));
	cr_assert(la == lb && memcmp(a, b, la) == 0, "identical PDFs (%zu vs %zu bytes)", la, lb);
	g_free(a);
	g_free(b);
	g_free(slow);
	g_free(fast);
}

/* Twins are the engine's, not the process's: a PDF written without them
 * is drawn by Pango and builds nothing, and a second engine's renders do
 * not touch the first engine's twins. */
Test(fasttext, twins_belong_to_the_engine)
{
	g_setenv("WENSHU_FAST_TEXT", "1", TRUE);
	ws_twins *mine = ws_engine_twins(engine);
	cr_assert_not_null(mine);
	unsigned int builds0;
	ws_twins_stats(mine, NULL, &builds0, NULL);

	ws_document *doc = NULL;
	cr_assert_eq(ws_engine_render(engine, layout, ws_dataset_group(data, 0), &doc, NULL), WS_OK);
	char *plain = g_build_filename(dir, "no-twins.pdf", NULL);
	ws_output_options none = WS_OUTPUT_OPTIONS_INIT;
	cr_assert_null(none.twins);
	cr_assert_eq(ws_output_write(&doc, 1, plain, &none, NULL), WS_OK);
	/* A caller built against version 1 of the options gets Pango too. */
	struct {
		unsigned int version;
		ws_format format;
		double dpi;
	} v1 = {1, WS_FORMAT_PDF, 150.0};
	char *old = g_build_filename(dir, "v1.pdf", NULL);
	cr_assert_eq(ws_output_write(&doc, 1, old, (const ws_output_options *)&v1, NULL), WS_OK);
	unsigned int builds;
	ws_twins_stats(mine, NULL, &builds, NULL);
	cr_assert_eq(builds, builds0, "no twins in the options, no twin built");

	ws_engine_options eo = WS_ENGINE_OPTIONS_INIT;
	ws_engine *other = NULL;
	cr_assert_eq(ws_engine_new(&other, &eo, NULL), WS_OK);
	cr_assert_neq(ws_engine_twins(other), mine);
	char *twins2 = g_build_filename(dir, "twins2", NULL);
	cr_assert_eq(g_mkdir(twins2, 0700), 0);
	ws_twins_set_cache_dir(ws_engine_twins(other), twins2);
	ws_document *doc2 = NULL;
	cr_assert_eq(ws_engine_render(other, layout, ws_dataset_group(data, 0), &doc2, NULL), WS_OK);
	char *theirs = g_build_filename(dir, "other-engine.pdf", NULL);
	ws_output_options oo = WS_OUTPUT_OPTIONS_INIT;
	oo.twins = ws_engine_twins(other);
	cr_assert_eq(ws_output_write(&doc2, 1, theirs, &oo, NULL), WS_OK);
	unsigned int other_faces = 0;
	ws_twins_stats(ws_engine_twins(other), &other_faces, NULL, NULL);
	cr_assert_geq(other_faces, 4, "the other engine's twins drew its PDF");
	ws_twins_stats(mine, NULL, &builds, NULL);
	cr_assert_eq(builds, builds0, "the other engine's render left these twins alone");
	ws_document_free(doc2);
	ws_engine_free(other);

	assert_same_pdf_reading(plain, theirs, true);
	assert_same_pdf_reading(plain, old, true);
	ws_document_free(doc);
	g_free(plain);
	g_free(old);
	g_free(theirs);
	g_free(twins2);
}

Test(fasttext, twins_stop_growing)
{
	char *first = render(true, "one.pdf", NULL);
	unsigned int builds;
	ws_twins_stats(ws_engine_twins(engine), NULL, &builds, NULL);
	/* Same glyphs again: no rebuild, and the same file. */
	char *second = render(true, "two.pdf", NULL);
	unsigned int again;
	ws_twins_stats(ws_engine_twins(engine), NULL, &again, NULL);
	cr_assert_eq(again, builds, "no rebuild for glyphs already in the twins");
	cr_assert_eq(file_size(first), file_size(second));

	/* Another group with other Hanzi: the twins grow, the text is right. */
	g_setenv("WENSHU_FAST_TEXT", "1", TRUE);
	ws_diags *d = ws_diags_new();
	ws_document *doc = NULL;
	cr_assert_eq(ws_engine_render(engine, layout, ws_dataset_group(data, 0), &doc, d), WS_OK);
	ws_document_free(doc);
	ws_dataset *other = NULL;
	const char *yaml_path = WS_TEST_SOURCE_DIR "/examples/data/self-beijing.yaml";
	cr_assert_eq(ws_data_load_file(&other, yaml_path, d), WS_OK);
	cr_assert_eq(ws_engine_render(engine, layout, ws_dataset_group(other, 0), &doc, d), WS_OK);
	char *pdf = g_build_filename(dir, "other.pdf", NULL);
	cr_assert_eq(ws_output_write(&doc, 1, pdf, pdf_opts(), d), WS_OK);
	ws_document_free(doc);
	unsigned int grown;
	ws_twins_stats(ws_engine_twins(engine), NULL, &grown, NULL);
	cr_assert_gt(grown, again, "new glyphs rebuild the twins");
	char *text = wst_pdftotext(pdf, false);
	cr_assert(strstr(text, "贾测试") && strstr(text, "某某省示例学术交流团（虚构）"), "%s", text);
	g_free(text);
	g_free(pdf);
	ws_dataset_free(other);
	ws_diags_free(d);
	g_free(first);
	g_free(second);
}

Test(fasttext, merged_pdf_reads_the_same)
{
	/* Several documents in one PDF: every glyph was noted at typesetting,
	 * so one twin serves the whole file. */
	char *paths[2];
	for (int mode = 0; mode < 2; mode++) {
		g_setenv("WENSHU_FAST_TEXT", mode ? "1" : "0", TRUE);
		ws_document *docs[3] = {NULL};
		for (int i = 0; i < 3; i++)
			cr_assert_eq(ws_engine_render(engine, layout, ws_dataset_group(data, 0), &docs[i], NULL), WS_OK);
		paths[mode] = g_build_filename(dir, mode ? "merged-fast.pdf" : "merged-slow.pdf", NULL);
		cr_assert_eq(ws_output_write(docs, 3, paths[mode], pdf_opts(), NULL), WS_OK);
		for (int i = 0; i < 3; i++)
			ws_document_free(docs[i]);
	}
	assert_same_pdf_reading(paths[0], paths[1], true);
	g_free(paths[0]);
	g_free(paths[1]);
}

Test(fasttext, png_pixels_are_the_same)
{
	ws_output_options o = WS_OUTPUT_OPTIONS_INIT;
	o.format = WS_FORMAT_PNG;
	o.dpi = 100;
	char *slow = render(false, "slow.png", &o);
	char *fast = render(true, "fast.png", &o);
	cairo_surface_t *a = cairo_image_surface_create_from_png(slow);
	cairo_surface_t *b = cairo_image_surface_create_from_png(fast);
	cr_assert_eq(cairo_surface_status(a), CAIRO_STATUS_SUCCESS);
	cr_assert_eq(cairo_surface_status(b), CAIRO_STATUS_SUCCESS);
	int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
	cr_assert(w == cairo_image_surface_get_width(b) && h == cairo_image_surface_get_height(b));
	int stride = cairo_image_surface_get_stride(a);
	cr_assert_eq(stride, cairo_image_surface_get_stride(b));
	const unsigned char *pa = cairo_image_surface_get_data(a), *pb = cairo_image_surface_get_data(b);
	/* Some text must be on the page for the comparison to mean anything. */
	size_t dark = 0;
	for (size_t i = 0; i < (size_t)stride * h; i++)
		dark += pa[i] < 128;
	cr_assert_gt(dark, 1000);
	cr_assert_eq(memcmp(pa, pb, (size_t)stride * h), 0, "identical pixels");
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
	g_free(slow);
	g_free(fast);
}

/* Stock (subroutinized) fonts: the twin is desubroutinized, so the PDF is
 * smaller, but reads the same: same text, boxes and fonts. */
Test(fasttext, stock_fonts_read_the_same, .init = setup_stock, .fini = teardown)
{
	char *slow = render(false, "stock-slow.pdf", NULL);
	char *fast = render(true, "stock-fast.pdf", NULL);
	assert_same_pdf_reading(slow, fast, false);
	cr_assert_lt(file_size(fast), file_size(slow), "the twins carry no subroutines");
	g_free(slow);
	g_free(fast);
}

/* ---- Twins kept between runs --------------------------------------------
 * The twin state is per process, so each "run" below is a forked child
 * that renders the sample group and reports through its exit status. */

typedef struct run_result {
	unsigned int builds, loads;
	bool ok;
} run_result;

/* Runs `body` in a forked child, which sends `out_len` bytes back into
 * `out` before exiting: a fresh process state for the twins, the engine
 * already loaded. */
static void in_child(void (*body)(void *arg, void *out), void *arg, void *out, size_t out_len)
{
	int pfd[2];
	cr_assert_eq(pipe(pfd), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(pfd[0]);
		body(arg, out);
		ssize_t w = write(pfd[1], out, out_len);
		_exit(w == (ssize_t)out_len ? 0 : 1);
	}
	close(pfd[1]);
	cr_assert_eq(read(pfd[0], out, out_len), (ssize_t)out_len);
	close(pfd[0]);
	int st = 0;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void render_sample(void *arg, void *out)
{
	run_result *r = out;
	ws_document *doc = NULL;
	g_setenv("WENSHU_FAST_TEXT", "1", TRUE);
	r->ok = ws_engine_render(engine, layout, ws_dataset_group(data, 0), &doc, NULL) == WS_OK &&
	        ws_output_write(&doc, 1, arg, pdf_opts(), NULL) == WS_OK;
	ws_document_free(doc);
	ws_twins_stats(ws_engine_twins(engine), NULL, &r->builds, NULL);
	r->loads = ws_twins_cache_loads(ws_engine_twins(engine));
}

static run_result run_in_child(const char *pdf)
{
	run_result r = {0};
	in_child(render_sample, (void *)pdf, &r, sizeof r);
	cr_assert(r.ok, "the child rendered %s", pdf);
	return r;
}

static GPtrArray *twin_files(void)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(ws_twins_cache_dir(ws_engine_twins(engine)), 0, NULL);
	cr_assert_not_null(d);
	const char *name;
	while ((name = g_dir_read_name(d)))
		if (g_str_has_prefix(name, "twin-") && g_str_has_suffix(name, ".bin"))
			g_ptr_array_add(files, g_build_filename(ws_twins_cache_dir(ws_engine_twins(engine)), name, NULL));
	g_dir_close(d);
	g_ptr_array_sort(files, (GCompareFunc)g_strcmp0);
	return files;
}

static void assert_same_bytes(const char *a, const char *b)
{
	gchar *x = NULL, *y = NULL;
	gsize lx = 0, ly = 0;
	cr_assert(g_file_get_contents(a, &x, &lx, NULL) && g_file_get_contents(b, &y, &ly, NULL));
	cr_assert(lx == ly && memcmp(x, y, lx) == 0, "%s and %s differ (%zu vs %zu bytes)", a, b, lx, ly);
	g_free(x);
	g_free(y);
}

Test(fasttext, twins_are_kept_between_runs)
{
	char *first = g_build_filename(dir, "first.pdf", NULL);
	run_result r1 = run_in_child(first);
	cr_assert_geq(r1.builds, 4, "a fresh cache: every face built");
	cr_assert_eq(r1.loads, 0);
	GPtrArray *files = twin_files();
	cr_assert_geq(files->len, 4, "one saved twin per CJK face");

	/* A second run starts from the saved twins and builds nothing. */
	char *second = g_build_filename(dir, "second.pdf", NULL);
	run_result r2 = run_in_child(second);
	cr_assert_eq(r2.builds, 0);
	cr_assert_geq(r2.loads, 4);
	assert_same_bytes(first, second);

	/* Damaged entries: one cut short, one with a bit flipped inside the
	 * font (it still loads: only the CRC can tell), one another face's twin
	 * under this name.  Each is refused, its face built again and the
	 * entry replaced; the PDF does not change. */
	gchar *bytes = NULL;
	gsize len = 0;
	cr_assert(g_file_get_contents(files->pdata[0], &bytes, &len, NULL));
	cr_assert(g_file_set_contents(files->pdata[0], bytes, (gssize)(len / 2), NULL));
	g_free(bytes);
	cr_assert(g_file_get_contents(files->pdata[1], &bytes, &len, NULL));
	bytes[len / 2] ^= 0x01;
	cr_assert(g_file_set_contents(files->pdata[1], bytes, (gssize)len, NULL));
	g_free(bytes);
	cr_assert(g_file_get_contents(files->pdata[3], &bytes, &len, NULL));
	cr_assert(g_file_set_contents(files->pdata[2], bytes, (gssize)len, NULL));
	g_free(bytes);
	/* The twin of a face file that is gone goes when a twin is saved;
	 * a file that is not a twin stays. */
	char *orphan = g_build_filename(ws_twins_cache_dir(ws_engine_twins(engine)), "twin-0000.bin", NULL);
	char *stranger = g_build_filename(ws_twins_cache_dir(ws_engine_twins(engine)), "twin-1111.bin", NULL);
	const char id[] = "1|x|/nonexistent/font.otf|1|1.000000000|0|1";
	GByteArray *b = g_byte_array_new();
	guint32 n = GUINT32_TO_LE((guint32)strlen(id));
	g_byte_array_append(b, (const guint8 *)"WSTWIN1\n", 8);
	g_byte_array_append(b, (const guint8 *)&n, 4);
	g_byte_array_append(b, (const guint8 *)id, (guint)strlen(id));
	cr_assert(g_file_set_contents(orphan, (const char *)b->data, b->len, NULL));
	g_byte_array_free(b, TRUE);
	cr_assert(g_file_set_contents(stranger, "not a twin", -1, NULL));

	char *third = g_build_filename(dir, "third.pdf", NULL);
	run_result r3 = run_in_child(third);
	cr_assert(!g_file_test(orphan, G_FILE_TEST_EXISTS), "the orphan twin was deleted");
	cr_assert(g_file_test(stranger, G_FILE_TEST_EXISTS));
	g_free(orphan);
	g_free(stranger);
	cr_assert_eq(r3.builds, 3, "the three damaged twins were built again");
	cr_assert_eq(r3.loads, r2.loads - 3);
	assert_same_bytes(first, third);
	char *fourth = g_build_filename(dir, "fourth.pdf", NULL);
	run_result r4 = run_in_child(fourth);
	cr_assert_eq(r4.builds, 0, "the rebuilt twins were saved whole");
	assert_same_bytes(first, fourth);

	/* A FIFO under a twin's name (and another among the twins) is never
	 * opened for reading: no hang, that face is built again. */
	cr_assert_eq(g_unlink(files->pdata[3]), 0);
	cr_assert_eq(mkfifo(files->pdata[3], 0600), 0);
	char *fifo = g_build_filename(ws_twins_cache_dir(ws_engine_twins(engine)), "twin-fifo.bin", NULL);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	char *fifth = g_build_filename(dir, "fifth.pdf", NULL);
	run_result r5 = run_in_child(fifth);
	cr_assert_eq(r5.builds, 1);
	assert_same_bytes(first, fifth);
	GStatBuf st;
	cr_assert(g_stat(files->pdata[3], &st) == 0 && S_ISREG(st.st_mode), "the FIFO was replaced by a twin");
	g_free(fifo);
	g_free(fifth);

	g_ptr_array_free(files, TRUE);
	g_free(first);
	g_free(second);
	g_free(third);
	g_free(fourth);
}

/* Renders group `i` of `ds` to DIR/NAME with the fast path on. */
static char *render_group(const ws_dataset *ds, size_t i, const char *name)
{
	g_setenv("WENSHU_FAST_TEXT", "1", TRUE);
	ws_document *doc = NULL;
	cr_assert_eq(ws_engine_render(engine, layout, ws_dataset_group(ds, i), &doc, NULL), WS_OK);
	char *path = g_build_filename(dir, name, NULL);
	cr_assert_eq(ws_output_write(&doc, 1, path, pdf_opts(), NULL), WS_OK);
	ws_document_free(doc);
	return path;
}

/* Rasterizes the first page of both PDFs with poppler: the same pixels.
 * Text extraction reads the ToUnicode maps, which come from the cluster
 * text: only the picture shows that the renumbered glyphs are the right
 * outlines. */
static void assert_same_pixels(const char *pdf_a, const char *pdf_b)
{
	char *png[2];
	const char *pdf[2] = {pdf_a, pdf_b};
	for (int i = 0; i < 2; i++) {
		char *stem = g_strdup_printf("%s-page", pdf[i]);
		const char *argv[] = {"pdftoppm", "-r", "100", "-png", "-singlefile", pdf[i], stem, NULL};
		g_free(run_tool(argv));
		png[i] = g_strdup_printf("%s.png", stem);
		g_free(stem);
	}
	cairo_surface_t *a = cairo_image_surface_create_from_png(png[0]);
	cairo_surface_t *b = cairo_image_surface_create_from_png(png[1]);
	cr_assert_eq(cairo_surface_status(a), CAIRO_STATUS_SUCCESS);
	cr_assert_eq(cairo_surface_status(b), CAIRO_STATUS_SUCCESS);
	int h = cairo_image_surface_get_height(a), stride = cairo_image_surface_get_stride(a);
	cr_assert(h == cairo_image_surface_get_height(b) && stride == cairo_image_surface_get_stride(b));
	const unsigned char *pa = cairo_image_surface_get_data(a), *pb = cairo_image_surface_get_data(b);
	size_t dark = 0;
	for (size_t i = 0; i < (size_t)stride * h; i++)
		dark += pa[i] < 128;
	cr_assert_gt(dark, 1000, "text on the page");
	cr_assert_eq(memcmp(pa, pb, (size_t)stride * h), 0, "%s and %s rasterize differently", pdf_a, pdf_b);
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
	g_free(png[0]);
	g_free(png[1]);
}

Test(fasttext, dense_twins_draw_what_the_batch_expects)
{
	char *plain = render(true, "plain.pdf", NULL);
	cr_assert_eq(ws_twins_dense_builds(ws_engine_twins(engine)), 0, "no expectation, no dense twin");

	ws_engine_expect_data(engine, data);
	char *dense = render(true, "dense.pdf", NULL);
	unsigned int faces, builds;
	ws_twins_stats(ws_engine_twins(engine), &faces, &builds, NULL);
	cr_assert_geq(faces, 4);
	cr_assert_eq(ws_twins_dense_builds(ws_engine_twins(engine)), faces, "one dense twin per face");
	/* Other glyph ids, the same document: text, boxes and fonts (the
	 * subset tags hash the glyph ids, so they differ), and the same
	 * picture. */
	assert_same_pdf_reading(plain, dense, false);
	assert_same_pixels(plain, dense);

	/* Frozen: the same bytes again, and a later expectation adds nothing. */
	ws_twins_expect_text(ws_engine_twins(engine), "鑫淼焱垚犇骉羴猋龘靐");
	char *again = render(true, "again.pdf", NULL);
	assert_same_bytes(dense, again);
	cr_assert_eq(ws_twins_dense_builds(ws_engine_twins(engine)), faces);

	/* A group with Hanzi outside the dense twins: those faces draw from
	 * the retained twins, and the text is right. */
	ws_dataset *other = NULL;
	cr_assert_eq(ws_data_load_file(&other, WS_TEST_SOURCE_DIR "/examples/data/self-beijing.yaml", NULL), WS_OK);
	char *pdf = render_group(other, 0, "other.pdf");
	g_setenv("WENSHU_FAST_TEXT", "0", TRUE);
	ws_document *doc = NULL;
	cr_assert_eq(ws_engine_render(engine, layout, ws_dataset_group(other, 0), &doc, NULL), WS_OK);
	char *slow = g_build_filename(dir, "other-slow.pdf", NULL);
	cr_assert_eq(ws_output_write(&doc, 1, slow, pdf_opts(), NULL), WS_OK);
	ws_document_free(doc);
	assert_same_pixels(slow, pdf);
	g_free(slow);
	char *text = wst_pdftotext(pdf, false);
	cr_assert(strstr(text, "贾测试") && strstr(text, "某某省示例学术交流团（虚构）"), "%s", text);
	g_free(text);
	ws_dataset_free(other);
	g_free(pdf);
	g_free(plain);
	g_free(dense);
	g_free(again);
}

/* What --jobs relies on: once the first document fixed the dense twins,
 * a document's bytes do not depend on what the process drew before. */
static void history_child(void *arg, void *out)
{
	bool detour = arg != NULL;
	ws_engine_expect_data(engine, data);
	g_free(render_group(data, 0, detour ? "a-first.pdf" : "b-first.pdf"));
	if (detour) {
		ws_dataset *other = NULL;
		if (ws_data_load_file(&other, WS_TEST_SOURCE_DIR "/examples/data/self-beijing.yaml", NULL) != WS_OK)
			_exit(2);
		ws_twins_expect_text(ws_engine_twins(engine), "鑫淼焱垚犇骉羴猋龘靐");
		g_free(render_group(other, 0, "a-detour.pdf"));
		ws_dataset_free(other);
	}
	g_free(render_group(data, 0, detour ? "a-last.pdf" : "b-last.pdf"));
	*(unsigned int *)out = ws_twins_dense_builds(ws_engine_twins(engine));
}

Test(fasttext, dense_output_does_not_depend_on_history)
{
	for (int detour = 0; detour < 2; detour++) {
		unsigned int n = 0;
		in_child(history_child, detour ? (void *)1 : NULL, &n, sizeof n);
		cr_assert_geq(n, 4, "the dense twins were used");
	}
	char *a = g_build_filename(dir, "a-last.pdf", NULL), *b = g_build_filename(dir, "b-last.pdf", NULL);
	assert_same_bytes(a, b);
	g_free(a);
	g_free(b);
}

/* The page content streams of a cairo PDF, inflated and joined. */
static GString *content_streams(const char *pdf)
{
	gchar *d = NULL;
	gsize len = 0;
	cr_assert(g_file_get_contents(pdf, &d, &len, NULL));
	GString *out = g_string_new(NULL);
	/* memmem(): the file holds binary streams, NULs included. */
	for (const char *p = d; (p = memmem(p, len - (gsize)(p - d), "stream\n", 7)) != NULL;) {
		p += 7;
		const char *end = memmem(p, len - (gsize)(p - d), "endstream", 9);
		if (!end)
			break;
		z_stream z = {0};
		cr_assert_eq(inflateInit(&z), Z_OK);
		z.next_in = (Bytef *)p;
		z.avail_in = (uInt)(end - p);
		unsigned char buf[16384];
		GString *s = g_string_new(NULL);
		int rc;
		do {
			z.next_out = buf;
			z.avail_out = sizeof buf;
			rc = inflate(&z, Z_NO_FLUSH);
			g_string_append_len(s, (const char *)buf, (gssize)(sizeof buf - z.avail_out));
		} while (rc == Z_OK);
		inflateEnd(&z);
		/* Fonts and images are streams too: keep those holding text. */
		if (rc == Z_STREAM_END && strstr(s->str, "BT\n"))
			g_string_append_len(out, s->str, (gssize)s->len);
		g_string_free(s, TRUE);
		p = end + 9;
	}
	g_free(d);
	return out;
}

/* Counts the /ActualText spans of a content stream that draw no glyph,
 * and those whose text is only U+200B / U+2060 (either is a stray
 * character or an empty span to a reader other than pdftotext). */
static void count_empty_spans(const char *content, int *spans, int *no_glyph, int *zero_width)
{
	*spans = *no_glyph = *zero_width = 0;
	for (const char *p = content; (p = strstr(p, "/ActualText")) != NULL;) {
		(*spans)++;
		const char *hex = strchr(p, '<');
		const char *hex_end = hex ? strchr(hex, '>') : NULL;
		const char *emc = strstr(p, "EMC");
		cr_assert(hex && hex_end && emc, "a well-formed span");
		char *text = g_ascii_strdown(hex + 1, hex_end - hex - 1);
		/* <feff>, <feff200b>, <feff2060200b>, ... */
		bool only_zw = g_str_has_prefix(text, "feff");
		for (const char *q = text + 4; only_zw && *q; q += 4)
			only_zw = strncmp(q, "200b", 4) == 0 || strncmp(q, "2060", 4) == 0;
		*zero_width += only_zw;
		g_free(text);
		char *body = g_strndup(hex_end, (gsize)(emc - hex_end));
		*no_glyph += !strstr(body, "Tj") && !strstr(body, "TJ");
		g_free(body);
		p = emc;
	}
}

/* Issue 12: a line that breaks at a break point ws_cjk_apply() added
 * (before “ after a hanzi, before ……) ends on a U+200B that Cairo drew as
 * a /Span with /ActualText <FEFF200B> and no glyph; other readers than
 * pdftotext copy it as a stray character.  Both painting paths (the fast
 * one, and Pango's for lines the fast one declines) leave such clusters
 * out of the PDF's text; what pdftotext reads is the paragraph as written,
 * and the pages look the same. */
Test(fasttext, no_empty_actualtext_at_added_breaks)
{
	static const char *const para =
	        "一二三四五六七八九十一二三四五六七八九十一二三四五局“技术交流”议程"
	        "一二三四五六七八九十一二三四五六七八九附……请大使馆协助办理。";
	char *yaml = g_strdup_printf("wenshu: 1\nkind: note\ntitle: 断行\n"
	                             "page: {size: A4, orientation: portrait, margins: [37mm, 26mm, 35mm, 28mm]}\n"
	                             "grid: {chars: 28, lines: 22}\n"
	                             "defaults: {font: fangsong, size: 三号}\n"
	                             "styles:\n  body: {font: fangsong, size: 三号, grid: true, indent: 2em, align: justify}\n"
	                             "elements:\n  - text: \"%s\"\n    style: body\n",
	                             para);
	char *src = g_build_filename(dir, "breaks.yaml", NULL);
	cr_assert(g_file_set_contents(src, yaml, -1, NULL));
	ws_layout *l = NULL;
	cr_assert_eq(ws_engine_load_layout(engine, src, &l, NULL), WS_OK);
	char *pdf[2];
	for (int fast = 0; fast < 2; fast++) {
		g_setenv("WENSHU_FAST_TEXT", fast ? "1" : "0", TRUE);
		ws_document *doc = NULL;
		cr_assert_eq(ws_engine_render(engine, l, ws_dataset_group(data, 0), &doc, NULL), WS_OK);
		pdf[fast] = g_build_filename(dir, fast ? "breaks-fast.pdf" : "breaks-slow.pdf", NULL);
		cr_assert_eq(ws_output_write(&doc, 1, pdf[fast], pdf_opts(), NULL), WS_OK);
		ws_document_free(doc);
	}
	/* The lines break at both added points: line 2 starts with “, line 3
	 * with …… (26 + 28 cells). */
	char *laid = wst_pdftotext(pdf[1], true);
	char **lines = g_strsplit(laid, "\n", -1);
	cr_assert(g_strv_length(lines) >= 3);
	cr_assert(g_str_has_prefix(g_strchug(lines[1]), "“技术交流”"), "line 2: %s", lines[1]);
	cr_assert(g_str_has_prefix(g_strchug(lines[2]), "……请"), "line 3: %s", lines[2]);
	g_strfreev(lines);
	g_free(laid);

	for (int fast = 0; fast < 2; fast++) {
		int spans, no_glyph, zw;
		GString *content = content_streams(pdf[fast]);
		cr_assert(strstr(content->str, "TJ"), "the page of %s was read", pdf[fast]);
		count_empty_spans(content->str, &spans, &no_glyph, &zw);
		cr_assert_eq(no_glyph, 0, "%s: %d /ActualText spans drawing no glyph", pdf[fast], no_glyph);
		cr_assert_eq(zw, 0, "%s: %d /ActualText spans of only zero-width characters", pdf[fast], zw);
		g_string_free(content, TRUE);

		/* The text reads exactly as written: no stray U+200B or U+2060,
		 * no character missing at either break. */
		char *text = wst_pdftotext(pdf[fast], false);
		char *squeezed = wst_squeeze(text);
		cr_assert(strstr(squeezed, para), "%s, pdftotext: %s", pdf[fast], squeezed);
		cr_assert(!strstr(text, "\u200B") && !strstr(text, "\u2060"), "%s: %s", pdf[fast], text);
		g_free(squeezed);
		g_free(text);
	}
	assert_same_pixels(pdf[0], pdf[1]);
	g_free(pdf[0]);
	g_free(pdf[1]);
	ws_layout_free(l);
	g_free(src);
	g_free(yaml);
}

/* Writes a one-element note of `text` (三号 FangSong body on the 28 × 22
 * grid, as the note sets it) to DIR/NAME.yaml and loads it. */
static ws_layout *grid_note(const char *name, const char *text)
{
	char *yaml = g_strdup_printf("wenshu: 1\nkind: note\ntitle: 排版\n"
	                             "page: {size: A4, orientation: portrait, margins: [37mm, 26mm, 35mm, 28mm]}\n"
	                             "grid: {chars: 28, lines: 22}\n"
	                             "defaults: {font: fangsong, size: 三号}\n"
	                             "styles:\n  body: {font: fangsong, size: 三号, grid: true, indent: 2em, align: justify}\n"
	                             "elements:\n  - text: \"%s\"\n    style: body\n",
	                             text);
	char *file = g_strdup_printf("%s.yaml", name);
	char *src = g_build_filename(dir, file, NULL);
	cr_assert(g_file_set_contents(src, yaml, -1, NULL));
	ws_layout *l = NULL;
	cr_assert_eq(ws_engine_load_layout(engine, src, &l, NULL), WS_OK);
	g_free(src);
	g_free(file);
	g_free(yaml);
	return l;
}

/* Lowest inked row of the box (x0, y0)-(x1, y1), pt on the page, in a
 * 1200 dpi rendering of the first page: the bottom of the ink, pt from
 * the page top. */
static double ink_bottom_at(const char *pdf, double x0, double y0, double x1, double y1)
{
	const double dpi = 1200, px = dpi / 72;
	char *stem = g_strdup_printf("%s-ink", pdf);
	char *xs = g_strdup_printf("%d", (int)floor(x0 * px)), *ys = g_strdup_printf("%d", (int)floor(y0 * px));
	char *ws = g_strdup_printf("%d", (int)ceil((x1 - x0) * px)), *hs = g_strdup_printf("%d", (int)ceil((y1 - y0) * px));
	const char *argv[] = {"pdftoppm", "-r", "1200", "-gray", "-singlefile", "-x", xs, "-y", ys, "-W", ws, "-H", hs,
	                      pdf, stem, NULL};
	g_free(run_tool(argv));
	char *pgm = g_strdup_printf("%s.pgm", stem);
	gchar *d = NULL;
	gsize len = 0;
	cr_assert(g_file_get_contents(pgm, &d, &len, NULL));
	int w = 0, h = 0, max = 0, n = 0;
	cr_assert_eq(sscanf(d, "P5 %d %d %d%n", &w, &h, &max, &n), 3);
	const unsigned char *p = (const unsigned char *)d + n + 1;
	cr_assert((gsize)(n + 1) + (gsize)w * (gsize)h <= len);
	int bottom = -1;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			if (p[y * w + x] < 128)
				bottom = y;
	cr_assert_geq(bottom, 0, "ink in (%g, %g)-(%g, %g)", x0, y0, x1, y1);
	double out = floor(y0 * px) / px + (bottom + 1) / px;
	g_free(d);
	g_free(pgm);
	g_free(xs);
	g_free(ys);
	g_free(ws);
	g_free(hs);
	g_free(stem);
	return out;
}

/* Issue 12: a hanzi FandolFang lacks (CJK Ext-B: 𠮷 U+20BB7, 𡈼 U+2123C)
 * comes from Noto Serif CJK SC, whose metrics would put it 1.2 pt high and
 * make its line taller than the grid pitch.  Measured on the PDF as a
 * reader with a ruler would: every line one grid pitch (225 mm / 22) below
 * the one before, lines with a fallback glyph too; 𠮷's ink (its lower
 * half is 口, as 吉's is) ends where its neighbours' does. */
Test(fasttext, ext_b_fallback_keeps_baseline_and_pitch_in_the_pdf)
{
	GString *t = g_string_new(NULL);
	for (int i = 0; i < 26 + 28 + 28 + 10; i++)
		g_string_append(t, i == 26 + 6 ? "𠮷" : i == 26 + 28 + 11 ? "𡈼" : "吉");
	ws_layout *l = grid_note("extb", t->str);
	char *pdf[2];
	for (int fast = 0; fast < 2; fast++) {
		g_setenv("WENSHU_FAST_TEXT", fast ? "1" : "0", TRUE);
		ws_document *doc = NULL;
		cr_assert_eq(ws_engine_render(engine, l, ws_dataset_group(data, 0), &doc, NULL), WS_OK);
		pdf[fast] = g_build_filename(dir, fast ? "extb-fast.pdf" : "extb-slow.pdf", NULL);
		cr_assert_eq(ws_output_write(&doc, 1, pdf[fast], pdf_opts(), NULL), WS_OK);
		ws_document_free(doc);
	}
	assert_same_pixels(pdf[0], pdf[1]);
	char *fonts = font_table(pdf[1]);
	cr_assert(strstr(fonts, "FandolFang") && strstr(fonts, "NotoSerifCJKsc"), "body and fallback faces:\n%s", fonts);
	g_free(fonts);

	char *text = wst_pdftotext(pdf[1], false), *squeezed = wst_squeeze(text);
	cr_assert_str_eq(squeezed, t->str, "pdftotext reads the text back");
	g_free(squeezed);
	g_free(text);

	/* Lines: the top of each line's first word (pdftotext's box of the
	 * body font's glyphs). */
	GArray *w = bbox_words(pdf[1]);
	const double pitch = 225.0 / 25.4 * 72 / 22;
	double line_top[4], line_x[4];
	int lines = 0;
	for (guint i = 0; i < w->len; i++) {
		word *a = &g_array_index(w, word, i);
		if (g_str_has_prefix(a->text, "吉") && (lines == 0 || a->y0 > line_top[lines - 1] + 1)) {
			cr_assert_lt(lines, 4);
			line_x[lines] = a->x0;
			line_top[lines++] = a->y0;
		}
	}
	cr_assert_eq(lines, 4, "four lines");
	for (int k = 1; k < lines; k++)
		cr_expect_float_eq(line_top[k] - line_top[k - 1], pitch, 0.01, "line %d: pitch %.3f pt, grid %.3f", k,
		                   line_top[k] - line_top[k - 1], pitch);

	/* 𠮷 is the 7th cell of line 2, between two 吉: a line of hanzi only
	 * is 28 cells of 156 mm / 28, unstretched. */
	const double cell = 156.0 / 25.4 * 72 / 28, top = line_top[1] - 4, bot = line_top[1] + 16 + 8;
	double b[3];
	for (int k = 0; k < 3; k++)
		b[k] = ink_bottom_at(pdf[1], line_x[1] + (5 + k) * cell + 1.5, top, line_x[1] + (6 + k) * cell - 1.5, bot);
	cr_expect_float_eq(b[0], b[2], 0.07, "premise: 吉 %.3f and %.3f", b[0], b[2]);
	cr_expect_float_eq(b[1], b[0], 0.15, "𠮷's ink ends at %.3f pt, 吉's at %.3f", b[1], b[0]);
	g_array_free(w, TRUE);
	g_free(pdf[0]);
	g_free(pdf[1]);
	ws_layout_free(l);
	g_string_free(t, TRUE);
}
