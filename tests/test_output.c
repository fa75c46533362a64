/* Tests for core/document.c, core/output.c and core/atomicfile.c.
 *
 * The PDFs are read back with poppler-utils (pdftotext, pdffonts, pdfinfo)
 * rather than compared with reference bytes, so the assertions hold with
 * any FreeType/HarfBuzz version. */
#include <criterion/criterion.h>
#include <valgrind/valgrind.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomicfile.h"
#include "document.h"
#include "output.h"
#include "ws-config.h"

#define A4_W (210.0 / 25.4 * 72.0)
#define A4_H (297.0 / 25.4 * 72.0)
#define A5_W (148.0 / 25.4 * 72.0)
#define A5_H (210.0 / 25.4 * 72.0)
#define SAMPLE_TEXT "面谈确认单 AA00TEST01"
/* SOURCE_DATE_EPOCH=1741132800 (tests/meson.build) is 2025-03-05 00:00 UTC */
#define SDE_PDF_CHINA "20250305080000+08'00"

/* ---- Fixture: a Pango context at 72 dpi and a scratch folder ---------- */

static PangoFontMap *font_map;
static PangoContext *pango_ctx;
static char *dir;

static void setup(void)
{
	/* fonts/fonts.conf may not exist yet; fontconfig would then find no
	 * fonts at all, so fall back to the system configuration. */
	const char *fc = g_getenv("FONTCONFIG_FILE");
	if (fc && !g_file_test(fc, G_FILE_TEST_EXISTS))
		g_unsetenv("FONTCONFIG_FILE");
	font_map = pango_cairo_font_map_new();
	pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(font_map), 72.0);
	pango_ctx = pango_font_map_create_context(font_map);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(pango_ctx, fo);
	cairo_font_options_destroy(fo);
	dir = g_dir_make_tmp("wenshu-output-XXXXXX", NULL);
	cr_assert_not_null(dir);
}

static void remove_tree(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	if (d) {
		const char *name;
		while ((name = g_dir_read_name(d))) {
			char *p = g_build_filename(path, name, NULL);
			if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
				remove_tree(p);
			else
				g_unlink(p);
			g_free(p);
		}
		g_dir_close(d);
	}
	g_chmod(path, 0700);
	g_rmdir(path);
}

static void teardown(void)
{
	if (dir) {
		g_chmod(dir, 0700);
		remove_tree(dir);
		g_free(dir);
		dir = NULL;
	}
	g_clear_object(&pango_ctx);
	g_clear_object(&font_map);
}

TestSuite(output, .init = setup, .fini = teardown);

/* ---- Ops ----------------------------------------------------------- */

typedef struct rect_op {
	ws_rect r;
	ws_color c;
} rect_op;

static void draw_rect(cairo_t *cr, void *data)
{
	const rect_op *op = data;
	cairo_save(cr);
	cairo_set_source_rgba(cr, op->c.r, op->c.g, op->c.b, op->c.a);
	cairo_rectangle(cr, op->r.x, op->r.y, op->r.width, op->r.height);
	cairo_fill(cr);
	cairo_restore(cr);
}

typedef struct text_op {
	PangoLayout *layout; /* owned */
	double x, y;         /* pt */
} text_op;

static void draw_text(cairo_t *cr, void *data)
{
	const text_op *op = data;
	cairo_save(cr);
	cairo_move_to(cr, op->x, op->y);
	pango_cairo_show_layout(cr, op->layout);
	cairo_restore(cr);
}

static void free_text(void *data)
{
	text_op *op = data;
	g_object_unref(op->layout);
	g_free(op);
}

static void add_rect(ws_document *doc, size_t page, ws_rect r, ws_color c)
{
	rect_op *op = g_new(rect_op, 1);
	op->r = r;
	op->c = c;
	ws_document_add_op(doc, page, draw_rect, op, g_free);
}

static void add_text(ws_document *doc, size_t page, double x, double y, const char *text)
{
	text_op *op = g_new(text_op, 1);
	op->layout = pango_layout_new(pango_ctx);
	PangoFontDescription *fd = pango_font_description_from_string("Noto Sans CJK SC 16");
	pango_layout_set_font_description(op->layout, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(op->layout, text, -1);
	op->x = x;
	op->y = y;
	PangoRectangle logical;
	pango_layout_get_extents(op->layout, NULL, &logical);
	ws_rect box = {x, y, pango_units_to_double(logical.width),
	               pango_units_to_double(logical.height)};
	ws_document_add_op(doc, page, draw_text, op, free_text);
	ws_document_add_text_run(doc, page, box, text);
}

static const ws_document_meta sample_meta = {
	.title = "面谈确认单",
	.author = "外事办公室护签部",
	.subject = "美国签证面谈",
	.keywords = "签证, interview",
	.creator = NULL,
};

/* A document of `pages` A4 pages, each with a red box and the sample text. */
static ws_document *sample_doc(size_t pages)
{
	ws_document *doc = ws_document_new(&sample_meta);
	for (size_t i = 0; i < pages; i++) {
		size_t p = ws_document_add_page(doc, A4_W, A4_H);
		add_rect(doc, p, (ws_rect){0, 0, 72, 72}, (ws_color){1, 0, 0, 1});
		add_text(doc, p, 72, 144, SAMPLE_TEXT);
	}
	return doc;
}

/* ---- Helpers ------------------------------------------------------- */

static char *path_in(const char *name)
{
	return g_build_filename(dir, name, NULL);
}

/* Runs a poppler tool (arguments NULL-terminated); returns its stdout
 * (caller g_free()s). */
static char *run(const char *tool, ...)
{
	const char *argv[16] = {tool};
	va_list ap;
	va_start(ap, tool);
	for (int i = 1; i < 15 && (argv[i] = va_arg(ap, const char *)); i++)
		;
	va_end(ap);
	char *out = NULL, *err = NULL;
	int status = 0;
	GError *error = NULL;
	gboolean ok = g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
	                           &out, &err, &status, &error);
	cr_assert(ok, "cannot run %s: %s", tool, error ? error->message : "?");
	cr_assert(g_spawn_check_wait_status(status, NULL), "%s failed: %s", tool, err);
	g_free(err);
	return out;
}

static GBytes *slurp(const char *path)
{
	char *data = NULL;
	gsize len = 0;
	cr_assert(g_file_get_contents(path, &data, &len, NULL), "cannot read %s", path);
	return g_bytes_new_take(data, len);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in the scratch folder, sorted, joined by spaces. */
static char *listing(void)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	cr_assert_not_null(d);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	while ((name = g_dir_read_name(d)))
		g_ptr_array_add(names, g_strdup(name));
	g_dir_close(d);
	g_ptr_array_sort(names, compare_names);
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < names->len; i++)
		g_string_append_printf(s, "%s%s", i ? " " : "", (char *)names->pdata[i]);
	g_ptr_array_unref(names);
	return g_string_free(s, FALSE);
}

static int write_one(ws_document *doc, const char *path, ws_format fmt, double dpi,
                     ws_diags *diags)
{
	ws_output_options o = WS_OUTPUT_OPTIONS_INIT;
	o.format = fmt;
	o.dpi = dpi;
	return ws_output_write(&doc, 1, path, &o, diags);
}

static const char *first_message(const ws_diags *d)
{
	cr_assert_gt(ws_diags_count(d), 0);
	return ws_diags_at(d, 0)->message;
}

/* ---- Documents ----------------------------------------------------- */

static int freed;
static void count_free(void *data)
{
	freed++;
	g_free(data);
}
static void draw_nothing(cairo_t *cr, void *data)
{
}

Test(output, document_keeps_pages_ops_runs_and_copied_meta)
{
	char title[] = "面谈确认单";
	ws_document_meta m = {.title = title};
	ws_document *doc = ws_document_new(&m);
	title[0] = 'X'; /* the document holds its own copy */
	cr_assert_str_eq(ws_document_get_meta(doc)->title, "面谈确认单");
	cr_assert_str_eq(ws_document_get_meta(doc)->creator, "wenshu " WS_VERSION);
	cr_assert_null(ws_document_get_meta(doc)->author);

	cr_assert_eq(ws_document_add_page(doc, A4_W, A4_H), 0);
	cr_assert_eq(ws_document_add_page(doc, A5_W, A5_H), 1);
	cr_assert_eq(ws_document_page_count(doc), 2);
	double w, h;
	ws_document_page_size(doc, 1, &w, &h);
	cr_assert_float_eq(w, A5_W, 1e-9);
	cr_assert_float_eq(h, A5_H, 1e-9);
	ws_document_page_size(doc, 7, &w, &h);
	cr_assert(w == 0 && h == 0);

	freed = 0;
	ws_document_add_op(doc, 0, draw_nothing, g_new(int, 1), count_free);
	ws_document_add_op(doc, 1, draw_nothing, g_new(int, 1), count_free);
	/* an op for a page that does not exist is owned, hence freed, at once */
	ws_document_add_op(doc, 9, draw_nothing, g_new(int, 1), count_free);
	cr_assert_eq(freed, 1);

	char text[] = "AA00TEST01";
	ws_document_add_text_run(doc, 1, (ws_rect){10, 20, 30, 40}, text);
	text[0] = 'Z';
	cr_assert_eq(ws_document_text_run_count(doc), 1);
	const ws_text_run *run = ws_document_text_run_at(doc, 0);
	cr_assert_str_eq(run->text, "AA00TEST01");
	cr_assert_eq(run->page, 1);
	cr_assert_float_eq(run->box.height, 40, 1e-9);
	cr_assert_null(ws_document_text_run_at(doc, 1));

	ws_document_meta m2 = {.title = "缴费确认单", .creator = "office tool"};
	ws_document_set_meta(doc, &m2);
	cr_assert_str_eq(ws_document_get_meta(doc)->title, "缴费确认单");
	cr_assert_str_eq(ws_document_get_meta(doc)->creator, "office tool");
	ws_document_set_meta(doc, ws_document_get_meta(doc)); /* self-assignment is safe */
	cr_assert_str_eq(ws_document_get_meta(doc)->title, "缴费确认单");

	ws_document_free(doc);
	cr_assert_eq(freed, 3);
	ws_document_free(NULL);
}

Test(output, format_names_and_extensions)
{
	ws_format f = WS_FORMAT_SVG;
	cr_assert_eq(ws_format_from_name("pdf", &f), WS_OK);
	cr_assert_eq(f, WS_FORMAT_PDF);
	cr_assert_eq(ws_format_from_name("PNG", &f), WS_OK);
	cr_assert_eq(f, WS_FORMAT_PNG);
	cr_assert_eq(ws_format_from_name("jpeg", &f), WS_EUSAGE);
	cr_assert_eq(f, WS_FORMAT_PNG);
	cr_assert_eq(ws_format_from_path("out/面谈.v2.svg", &f), WS_OK);
	cr_assert_eq(f, WS_FORMAT_SVG);
	cr_assert_eq(ws_format_from_path("out.d/receipt", &f), WS_EUSAGE);
	cr_assert_eq(ws_format_from_path("dir/.pdf", &f), WS_EUSAGE);
	cr_assert_str_eq(ws_format_name(WS_FORMAT_PNG), "png");
}

/* ---- PDF ----------------------------------------------------------- */

Test(output, pdf_has_the_text_an_embedded_subset_font_and_the_metadata)
{
	ws_document *doc = sample_doc(1);
	char *pdf = path_in("面谈确认单.pdf");
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_output_write(&doc, 1, pdf, NULL, d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 0);

	char *txt = run("pdftotext", "-enc", "UTF-8", pdf, "-", NULL);
	cr_assert_not_null(strstr(txt, SAMPLE_TEXT), "pdftotext gave: %s", txt);

	char *fonts = run("pdffonts", pdf, NULL);
	gboolean embedded_subset = FALSE;
	char **lines = g_strsplit(fonts, "\n", -1);
	for (char **l = lines; *l; l++) {
		/* name type... encoding emb sub uni object ID */
		char **tok = g_strsplit_set(*l, " ", -1);
		GPtrArray *t = g_ptr_array_new();
		for (char **x = tok; *x; x++)
			if (**x)
				g_ptr_array_add(t, *x);
		if (t->len >= 6 && strchr(t->pdata[0], '+') &&
		    strcmp(t->pdata[t->len - 5], "yes") == 0 && strcmp(t->pdata[t->len - 4], "yes") == 0)
			embedded_subset = TRUE;
		g_ptr_array_unref(t);
		g_strfreev(tok);
	}
	g_strfreev(lines);
	cr_assert(embedded_subset, "no embedded subset font in:\n%s", fonts);

	char *info = run("pdfinfo", "-rawdates", pdf, NULL);
	cr_assert_not_null(strstr(info, "Title:           面谈确认单\n"), "%s", info);
	cr_assert_not_null(strstr(info, "Author:          外事办公室护签部\n"), "%s", info);
	cr_assert_not_null(strstr(info, "Subject:         美国签证面谈\n"), "%s", info);
	cr_assert_not_null(strstr(info, "Creator:         wenshu " WS_VERSION "\n"), "%s", info);
	cr_assert_not_null(strstr(info, "CreationDate:    " SDE_PDF_CHINA "\n"), "%s", info);
	cr_assert_not_null(strstr(info, "ModDate:         " SDE_PDF_CHINA "\n"), "%s", info);
	cr_assert_not_null(strstr(info, "Pages:           1\n"), "%s", info);
	g_free(info);
	/* and a reader takes it for the right instant */
	g_setenv("TZ", "UTC", TRUE);
	info = run("pdfinfo", pdf, NULL);
	cr_assert_not_null(strstr(info, "CreationDate:    Wed Mar  5 00:00:00 2025 UTC\n"), "%s", info);
	cr_assert_not_null(strstr(info, "Page size:       595.276 x 841.89 pts (A4)"), "%s", info);

	struct stat st;
	cr_assert_eq(stat(pdf, &st), 0);
	mode_t mask = umask(0);
	umask(mask);
	cr_assert_eq(st.st_mode & 0777, 0644 & ~mask);

	g_free(info);
	g_free(fonts);
	g_free(txt);
	g_free(pdf);
	ws_diags_free(d);
	ws_document_free(doc);
}

Test(output, pdf_is_byte_identical_under_source_date_epoch)
{
	ws_document *doc = sample_doc(2);
	char *a = path_in("a.pdf"), *b = path_in("b.pdf");
	cr_assert_eq(ws_output_write(&doc, 1, a, NULL, NULL), WS_OK);
	/* a clock second passes, and the heap is in another state, so any
	 * time or address leaking into the file would show */
	g_usleep(1100 * 1000);
	ws_document *doc2 = sample_doc(2);
	void *junk = g_malloc(12345);
	cr_assert_eq(ws_output_write(&doc2, 1, b, NULL, NULL), WS_OK);
	g_free(junk);
	GBytes *x = slurp(a), *y = slurp(b);
	cr_assert_gt(g_bytes_get_size(x), 1000);
	cr_assert(g_bytes_equal(x, y), "the two renders differ");
	g_bytes_unref(x);
	g_bytes_unref(y);
	g_free(a);
	g_free(b);
	ws_document_free(doc);
	ws_document_free(doc2);
}

Test(output, merged_pdf_has_every_page_in_order_and_one_font)
{
	ws_document *docs[3] = {sample_doc(2), ws_document_new(NULL), ws_document_new(NULL)};
	size_t p = ws_document_add_page(docs[1], A5_W, A5_H);
	add_text(docs[1], p, 36, 36, "缴费确认单 Confirm Receipt");
	/* docs[2] has no pages and contributes nothing */
	char *pdf = path_in("merged.pdf");
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_output_write(docs, 3, pdf, NULL, d), WS_OK);
	char **names = ws_output_file_names(docs, 3, pdf, NULL);
	cr_assert_eq(g_strv_length(names), 1);
	cr_assert_str_eq(names[0], pdf);
	g_strfreev(names);

	char *out = run("pdfinfo", "-f", "1", "-l", "3", pdf, NULL);
	cr_assert_not_null(strstr(out, "Pages:           3\n"), "%s", out);
	cr_assert_not_null(strstr(out, "Page    2 size:  595.276 x 841.89 pts (A4)"), "%s", out);
	cr_assert_not_null(strstr(out, "Page    3 size:  419.528 x 595.276 pts\n"), "%s", out);
	/* Title from the first document */
	cr_assert_not_null(strstr(out, "Title:           面谈确认单\n"), "%s", out);
	g_free(out);

	char *txt = run("pdftotext", "-enc", "UTF-8", pdf, "-", NULL);
	const char *first = strstr(txt, SAMPLE_TEXT);
	const char *last = strstr(txt, "缴费确认单 Confirm Receipt");
	cr_assert(first && last && first < last, "%s", txt);

	/* the same face on every page of every document: embedded once */
	char *fonts = run("pdffonts", pdf, NULL);
	char **lines = g_strsplit(fonts, "\n", -1);
	guint n_fonts = 0;
	for (char **l = lines + 2; *l; l++)
		if (**l)
			n_fonts++;
	cr_assert_eq(n_fonts, 1, "%s", fonts);
	g_strfreev(lines);
	g_free(fonts);
	g_free(txt);
	g_free(pdf);
	ws_diags_free(d);
	for (int i = 0; i < 3; i++)
		ws_document_free(docs[i]);
}

Test(output, nothing_to_write_is_refused)
{
	ws_document *doc = ws_document_new(NULL);
	char *pdf = path_in("empty.pdf");
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_output_write(&doc, 1, pdf, NULL, d), WS_EUSAGE);
	cr_assert_str_eq(first_message(d), "nothing to write: the documents have no pages");
	cr_assert_not(g_file_test(pdf, G_FILE_TEST_EXISTS));
	char **names = ws_output_file_names(&doc, 1, pdf, NULL);
	cr_assert_null(names[0]);
	g_strfreev(names);
	ws_output_options bad = WS_OUTPUT_OPTIONS_INIT;
	bad.version = WS_OUTPUT_OPTIONS_VERSION + 1;
	cr_assert_eq(ws_output_write(&doc, 1, pdf, &bad, NULL), WS_EUSAGE);
	bad.version = 0;
	cr_assert_eq(ws_output_write(&doc, 1, pdf, &bad, NULL), WS_EUSAGE);
	g_free(pdf);
	ws_diags_free(d);
	ws_document_free(doc);
}

/* ---- PNG and SVG --------------------------------------------------- */

static void assert_png_size(const char *path, int w, int h)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(path);
	cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS, "%s", path);
	cr_assert_eq(cairo_image_surface_get_width(s), w);
	cr_assert_eq(cairo_image_surface_get_height(s), h);
	cairo_surface_destroy(s);
}

/* 0xRRGGBB of a pixel */
static guint32 pixel(const char *path, int x, int y)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(path);
	cairo_surface_flush(s);
	const unsigned char *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	guint32 v = *(const guint32 *)(data + y * stride + x * 4) & 0xFFFFFF;
	cairo_surface_destroy(s);
	return v;
}

Test(output, png_of_a4_has_the_standard_pixel_sizes)
{
	ws_document *doc = sample_doc(1);
	char *p150 = path_in("a4-150.png"), *p300 = path_in("a4-300.png");
	cr_assert_eq(write_one(doc, p150, WS_FORMAT_PNG, 150, NULL), WS_OK);
	cr_assert_eq(write_one(doc, p300, WS_FORMAT_PNG, 300, NULL), WS_OK);
	assert_png_size(p150, 1240, 1754);
	assert_png_size(p300, 2480, 3508);
	/* the red inch square is drawn in pt: 150 px at 150 dpi, white beyond */
	cr_assert_eq(pixel(p150, 10, 10), 0xFF0000);
	cr_assert_eq(pixel(p150, 148, 148), 0xFF0000);
	cr_assert_eq(pixel(p150, 152, 152), 0xFFFFFF);
	cr_assert_eq(pixel(p300, 298, 298), 0xFF0000);
	cr_assert_eq(pixel(p300, 302, 302), 0xFFFFFF);
	/* some ink where the text is: its box starts 1 in right, 2 in down */
	cairo_surface_t *s = cairo_image_surface_create_from_png(p150);
	const unsigned char *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	int dark = 0;
	for (int y = 300; y < 360; y++)
		for (int x = 150; x < 600; x++)
			if ((*(const guint32 *)(data + y * stride + x * 4) & 0xFF) < 0x80)
				dark++;
	cairo_surface_destroy(s);
	cr_assert_gt(dark, 100);
	g_free(p150);
	g_free(p300);
	ws_document_free(doc);
}

Test(output, several_pages_go_to_numbered_files)
{
	ws_document *docs[2] = {sample_doc(2), sample_doc(1)};
	char *png = path_in("preview.png");
	ws_output_options o = WS_OUTPUT_OPTIONS_INIT;
	o.format = WS_FORMAT_PNG;
	o.dpi = 30;
	char **names = ws_output_file_names(docs, 2, png, &o);
	cr_assert_eq(g_strv_length(names), 3);
	for (int i = 0; i < 3; i++) {
		char *want = g_strdup_printf("%s/preview-%d.png", dir, i + 1);
		cr_assert_str_eq(names[i], want);
		g_free(want);
	}
	cr_assert_eq(ws_output_write(docs, 2, png, &o, NULL), WS_OK);
	char *ls = listing();
	cr_assert_str_eq(ls, "preview-1.png preview-2.png preview-3.png");
	g_free(ls);
	for (int i = 0; i < 3; i++)
		assert_png_size(names[i], 248, 351);
	g_strfreev(names);

	/* a single page keeps the name as given; no extension: "-k" appended */
	char *one = path_in("single.png");
	cr_assert_eq(ws_output_write(&docs[1], 1, one, &o, NULL), WS_OK);
	assert_png_size(one, 248, 351);
	char *bare = path_in("bare");
	o.format = WS_FORMAT_SVG;
	names = ws_output_file_names(docs, 1, bare, &o);
	cr_assert_eq(g_strv_length(names), 2);
	cr_assert(g_str_has_suffix(names[1], "/bare-2"));
	g_strfreev(names);
	g_free(bare);
	g_free(one);
	g_free(png);
	ws_document_free(docs[0]);
	ws_document_free(docs[1]);
}

/* A group that shrank from three pages to two: its old page 3 must not
 * stay beside the new pages (a clerk would print it); a one-page output
 * takes the numbered pages of a longer run away too.  Other files stay. */
Test(output, a_shorter_run_removes_the_old_extra_pages)
{
	ws_document *three = sample_doc(3), *two = sample_doc(2), *one = sample_doc(1);
	char *png = path_in("form.png");
	char *other = path_in("form-notes.txt");
	cr_assert(g_file_set_contents(other, "keep", -1, NULL));
	ws_output_options o = WS_OUTPUT_OPTIONS_INIT;
	o.format = WS_FORMAT_PNG;
	o.dpi = 20;
	cr_assert_eq(ws_output_write(&three, 1, png, &o, NULL), WS_OK);
	char *ls = listing();
	cr_assert_str_eq(ls, "form-1.png form-2.png form-3.png form-notes.txt");
	g_free(ls);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_output_write(&two, 1, png, &o, d), WS_OK);
	ls = listing();
	cr_assert_str_eq(ls, "form-1.png form-2.png form-notes.txt");
	g_free(ls);
	cr_assert_eq(ws_diags_count(d), 1);
	cr_assert(strstr(ws_diags_at(d, 0)->message, "removed 1 page file(s)"), "%s",
	          ws_diags_at(d, 0)->message);
	cr_assert_eq(ws_output_write(&one, 1, png, &o, NULL), WS_OK);
	ls = listing();
	cr_assert_str_eq(ls, "form-notes.txt form.png");
	g_free(ls);
	ws_diags_free(d);
	g_free(other);
	g_free(png);
	ws_document_free(three);
	ws_document_free(two);
	ws_document_free(one);
}

static ino_t inode_of(const char *path)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0, "%s", path);
	return st.st_ino;
}

/* The same with the commits deferred to a batch (the command line's
 * render): the old page 3 goes only once the new pages 1-2 are in place
 * — not while they wait, not when the batch is dropped, not when the
 * joint commit fails. */
Test(output, a_deferred_shorter_run_removes_the_old_extra_pages_once_committed)
{
	ws_document *three = sample_doc(3), *two = sample_doc(2);
	char *png = path_in("form.png");
	char *p1 = path_in("form-1.png"), *p3 = path_in("form-3.png");
	ws_output_options o = WS_OUTPUT_OPTIONS_INIT;
	o.format = WS_FORMAT_PNG;
	o.dpi = 20;
	cr_assert_eq(ws_output_write(&three, 1, png, &o, NULL), WS_OK);
	ino_t old1 = inode_of(p1), old3 = inode_of(p3);

	/* Dropped: the old three pages stay as they were. */
	o.commit_batch = ws_atomic_batch_new();
	cr_assert_eq(ws_output_write(&two, 1, png, &o, NULL), WS_OK);
	cr_assert_eq(ws_atomic_batch_count(o.commit_batch), 2);
	cr_assert_eq(inode_of(p3), old3, "page 3 goes only after the commit");
	ws_atomic_batch_free(o.commit_batch);
	char *ls = listing();
	cr_assert_str_eq(ls, "form-1.png form-2.png form-3.png");
	g_free(ls);
	cr_assert_eq(inode_of(p1), old1);

	/* The joint commit fails (the waiting files vanished): page 3 stays. */
	o.commit_batch = ws_atomic_batch_new();
	cr_assert_eq(ws_output_write(&two, 1, png, &o, NULL), WS_OK);
	ws_atomic_cleanup_all();
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_atomic_batch_commit(o.commit_batch, NULL, NULL, d), WS_EIO);
	ws_diags_free(d);
	ws_atomic_batch_free(o.commit_batch);
	ls = listing();
	cr_assert_str_eq(ls, "form-1.png form-2.png form-3.png");
	g_free(ls);
	cr_assert_eq(inode_of(p3), old3);

	/* Committed: new pages 1-2, no page 3, and a note that says so. */
	o.commit_batch = ws_atomic_batch_new();
	cr_assert_eq(ws_output_write(&two, 1, png, &o, NULL), WS_OK);
	d = ws_diags_new();
	cr_assert_eq(ws_atomic_batch_commit(o.commit_batch, NULL, NULL, d), WS_OK);
	ws_atomic_batch_free(o.commit_batch);
	ls = listing();
	cr_assert_str_eq(ls, "form-1.png form-2.png");
	g_free(ls);
	cr_assert_neq(inode_of(p1), old1, "page 1 is the new one");
	cr_assert_eq(ws_diags_count(d), 1);
	cr_assert_eq(ws_diags_at(d, 0)->severity, WS_SEVERITY_NOTE);
	cr_assert(strstr(ws_diags_at(d, 0)->message, "removed 1 page file(s)"), "%s",
	          ws_diags_at(d, 0)->message);
	ws_diags_free(d);
	g_free(p1);
	g_free(p3);
	g_free(png);
	ws_document_free(three);
	ws_document_free(two);
}

/* A version-2 caller's `defer_commits = true` named the process-wide list
 * that is gone: its files are in place when the call returns. */
Test(output, version_2_options_commit_at_once)
{
	ws_document *doc = sample_doc(1);
	char *png = path_in("v2.png");
	ws_output_options o = WS_OUTPUT_OPTIONS_INIT;
	o.version = 2;
	o.format = WS_FORMAT_PNG;
	o.dpi = 20;
	memset(&o.commit_batch, 0, sizeof o.commit_batch);
	*(bool *)(void *)&o.commit_batch = true; /* where version 2 had its bool */
	cr_assert_eq(ws_output_write(&doc, 1, png, &o, NULL), WS_OK);
	char *ls = listing();
	cr_assert_str_eq(ls, "v2.png");
	g_free(ls);
	g_free(png);
	ws_document_free(doc);
}

Test(output, svg_pages_are_in_points_and_reproducible)
{
	ws_document *doc = sample_doc(2);
	char *svg = path_in("note.svg");
	ws_output_options o = WS_OUTPUT_OPTIONS_INIT;
	o.format = WS_FORMAT_SVG;
	cr_assert_eq(ws_output_write(&doc, 1, svg, &o, NULL), WS_OK);
	char *p1 = path_in("note-1.svg"), *p2 = path_in("note-2.svg");
	char *text = NULL;
	cr_assert(g_file_get_contents(p1, &text, NULL, NULL));
	cr_assert_not_null(strstr(text, "<svg"));
	cr_assert_not_null(strstr(text, "width=\"595.275591pt\""), "%.300s", text);
	cr_assert_not_null(strstr(text, "height=\"841.889764pt\""), "%.300s", text);
	g_free(text);
	cr_assert(g_file_test(p2, G_FILE_TEST_EXISTS));
	GBytes *first = slurp(p1);
	cr_assert_eq(ws_output_write(&doc, 1, svg, &o, NULL), WS_OK);
	GBytes *again = slurp(p1);
	cr_assert(g_bytes_equal(first, again), "two SVG renders differ");
	g_bytes_unref(first);
	g_bytes_unref(again);
	g_free(p1);
	g_free(p2);
	g_free(svg);
	ws_document_free(doc);
}

Test(output, too_many_pixels_or_a_bad_dpi_are_refused_before_rendering)
{
	ws_document *doc = ws_document_new(NULL);
	/* 4900 pt at 150 dpi is 10208 px a side: 104 million pixels */
	size_t p = ws_document_add_page(doc, 4900, 4900);
	add_rect(doc, p, (ws_rect){0, 0, 10, 10}, (ws_color){0, 0, 0, 1});
	char *png = path_in("huge.png");
	ws_diags *d = ws_diags_new();
	cr_assert_eq(write_one(doc, png, WS_FORMAT_PNG, 150, d), WS_ENOMEM);
	cr_assert_str_eq(first_message(d),
	                 "page 1 would be 10208 × 10208 = 104203264 pixels at 150 dpi; the limit is 100000000 pixels");
	cr_assert_str_eq(ws_diags_at(d, 0)->rule, "limit");
	ws_diags_clear(d);
	/* the same page is fine where it stays within the limit */
	cr_assert_eq(write_one(doc, png, WS_FORMAT_PNG, 10, d), WS_OK);
	g_unlink(png);

	cr_assert_eq(write_one(doc, png, WS_FORMAT_PNG, 9.5, d), WS_EUSAGE);
	cr_assert_str_eq(first_message(d),
	                 "resolution 9.5 dpi is outside the allowed range 10..2400 dpi");
	ws_diags_clear(d);
	cr_assert_eq(write_one(doc, png, WS_FORMAT_PNG, 2401, d), WS_EUSAGE);
	cr_assert_eq(write_one(doc, png, WS_FORMAT_PNG, NAN, d), WS_EUSAGE);
	char *ls = listing();
	cr_assert_str_eq(ls, "");
	g_free(ls);
	g_free(png);
	ws_diags_free(d);
	ws_document_free(doc);
}

/* ---- Failures ------------------------------------------------------ */

static const char good[] = "%PDF-1.5 the good file from yesterday\n";

static void put_good(const char *path)
{
	cr_assert(g_file_set_contents(path, good, -1, NULL));
}

static void assert_good(const char *path)
{
	char *data = NULL;
	gsize len = 0;
	cr_assert(g_file_get_contents(path, &data, &len, NULL), "%s is gone", path);
	cr_assert_eq(len, strlen(good));
	cr_assert_eq(memcmp(data, good, len), 0, "%s was changed", path);
	g_free(data);
}

static void assert_cannot_write(const ws_diags *d, const char *path, int err)
{
	char *want = g_strdup_printf("cannot write '%s': %s", path, g_strerror(err));
	cr_assert_str_eq(first_message(d), want);
	cr_assert_eq(ws_diags_at(d, 0)->severity, WS_SEVERITY_ERROR);
	g_free(want);
}

Test(output, missing_folder_is_reported)
{
	ws_document *doc = sample_doc(2);
	char *pdf = path_in("no/such/folder/x.pdf");
	ws_diags *d = ws_diags_new();
	cr_assert_eq(write_one(doc, pdf, WS_FORMAT_PDF, 150, d), WS_EIO);
	assert_cannot_write(d, pdf, ENOENT);
	ws_diags_clear(d);
	/* per-page formats: the first file already fails, nothing is left */
	char *png = path_in("no/such/folder/x.png");
	char *png1 = path_in("no/such/folder/x-1.png");
	cr_assert_eq(write_one(doc, png, WS_FORMAT_PNG, 20, d), WS_EIO);
	assert_cannot_write(d, png1, ENOENT);
	char *ls = listing();
	cr_assert_str_eq(ls, "");
	g_free(ls);
	g_free(png1);
	g_free(png);
	g_free(pdf);
	ws_diags_free(d);
	ws_document_free(doc);
}

/* Runs `fn` in a child process, so that a dropped uid or a file size
 * limit stays there; returns the child's exit status. */
static int in_child(int (*fn)(const char *), const char *arg)
{
	/* Under memcheck the child is traced too: its own log file meets the
	 * file-size limit, and its leak check at _exit changes its exit status.
	 * These tests run in the normal and the ASan suites. */
	if (RUNNING_ON_VALGRIND)
		cr_skip_test("forked failure-injection children are not run under valgrind");
	fflush(NULL);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(fn(arg));
	int status = 0;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "child died with signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}

/* 0 when writing `path` fails with "cannot write 'PATH': <expected>". */
static int expect_write_failure(const char *path, ws_format fmt, int expected_errno,
                                const char *reported_path)
{
	ws_document *doc = sample_doc(1);
	ws_diags *d = ws_diags_new();
	int rc = write_one(doc, path, fmt, 150, d);
	if (rc != WS_EIO)
		return 20;
	char *want = g_strdup_printf("cannot write '%s': %s", reported_path,
	                             g_strerror(expected_errno));
	if (ws_diags_count(d) != 1 || strcmp(ws_diags_at(d, 0)->message, want) != 0)
		return 21;
	return 0;
}

static int write_unprivileged(const char *path)
{
	/* root ignores folder permissions: become nobody for the attempt */
	if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
		return 10;
	return expect_write_failure(path, WS_FORMAT_PDF, EACCES, path);
}

Test(output, read_only_folder_is_reported_and_the_old_file_kept)
{
	char *pdf = path_in("interview.pdf");
	put_good(pdf);
	cr_assert_eq(g_chmod(dir, 0555), 0);
	cr_assert_eq(in_child(write_unprivileged, pdf), 0);
	cr_assert_eq(g_chmod(dir, 0700), 0);
	assert_good(pdf);
	char *ls = listing();
	cr_assert_str_eq(ls, "interview.pdf");
	g_free(ls);
	g_free(pdf);
}

/* `ulimit -f` in the child: a write past 2 KiB fails with EFBIG (the
 * signal SIGXFSZ it would also raise is ignored, as the CLI does). */
static void limit_file_size(void)
{
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit rl = {2048, 2048};
	setrlimit(RLIMIT_FSIZE, &rl);
}

static int write_pdf_past_limit(const char *path)
{
	limit_file_size();
	return expect_write_failure(path, WS_FORMAT_PDF, EFBIG, path);
}

Test(output, a_write_failing_midway_leaves_no_partial_file)
{
	char *pdf = path_in("interview.pdf");
	ws_document *doc = sample_doc(1);
	/* the real file is well past the limit, so the write does fail midway */
	char *probe = path_in("probe.pdf");
	cr_assert_eq(ws_output_write(&doc, 1, probe, NULL, NULL), WS_OK);
	struct stat st;
	cr_assert_eq(stat(probe, &st), 0);
	cr_assert_gt(st.st_size, 4 * 2048);
	g_unlink(probe);

	put_good(pdf);
	cr_assert_eq(in_child(write_pdf_past_limit, pdf), 0);
	assert_good(pdf);
	char *ls = listing();
	cr_assert_str_eq(ls, "interview.pdf");
	g_free(ls);
	g_free(probe);
	g_free(pdf);
	ws_document_free(doc);
}

/* Page 1 is tiny and fits under the limit, page 2 does not. */
static int write_pngs_past_limit(const char *path)
{
	limit_file_size();
	ws_document *doc = ws_document_new(NULL);
	ws_document_add_page(doc, 72, 72);
	size_t p = ws_document_add_page(doc, A4_W, A4_H);
	add_text(doc, p, 72, 72, SAMPLE_TEXT);
	add_rect(doc, p, (ws_rect){100, 300, 300, 300}, (ws_color){0.2, 0.4, 0.6, 0.5});
	ws_diags *d = ws_diags_new();
	ws_output_options o = WS_OUTPUT_OPTIONS_INIT;
	o.format = WS_FORMAT_PNG;
	o.dpi = 300;
	if (ws_output_write(&doc, 1, path, &o, d) != WS_EIO)
		return 30;
	char *page2 = g_strdup_printf("%s/preview-2.png", dir);
	char *want = g_strdup_printf("cannot write '%s': %s", page2, g_strerror(EFBIG));
	return strcmp(first_message(d), want) == 0 ? 0 : 31;
}

Test(output, per_page_files_are_all_written_or_none)
{
	char *png = path_in("preview.png");
	char *png1 = path_in("preview-1.png");
	put_good(png1);
	cr_assert_eq(in_child(write_pngs_past_limit, png), 0);
	/* page 1 rendered fine, yet its old file was not replaced */
	assert_good(png1);
	char *ls = listing();
	cr_assert_str_eq(ls, "preview-1.png");
	g_free(ls);
	g_free(png1);
	g_free(png);
}

/* ---- The atomic file itself ----------------------------------------- */

Test(output, atomic_file_replaces_only_on_commit)
{
	char *path = path_in("回执.txt");
	put_good(path);
	ws_atomic_file *f;
	cr_assert_eq(ws_atomic_open(&f, path, NULL), WS_OK);
	cr_assert_str_eq(ws_atomic_path(f), path);
	cr_assert_eq(ws_atomic_write(f, "new", 3), WS_OK);
	char *ls = listing();
	cr_assert(g_str_has_prefix(ls, ".回执.txt.") && g_str_has_suffix(ls, ".tmp 回执.txt"), "%s", ls);
	g_free(ls);
	ws_atomic_abort(f);
	assert_good(path);
	ls = listing();
	cr_assert_str_eq(ls, "回执.txt");
	g_free(ls);

	/* larger than the internal buffer, in odd pieces */
	GString *big = g_string_new(NULL);
	for (int i = 0; i < 50000; i++)
		g_string_append_printf(big, "%d,", i);
	cr_assert_eq(ws_atomic_open(&f, path, NULL), WS_OK);
	for (gsize off = 0; off < big->len; off += 777)
		cr_assert_eq(ws_atomic_write(f, big->str + off, MIN(777, big->len - off)), WS_OK);
	cr_assert_not(ws_atomic_failed(f));
	cr_assert_eq(ws_atomic_commit(f, NULL), WS_OK);
	char *data = NULL;
	gsize len = 0;
	cr_assert(g_file_get_contents(path, &data, &len, NULL));
	cr_assert_eq(len, big->len);
	cr_assert_eq(memcmp(data, big->str, len), 0);
	g_free(data);
	g_string_free(big, TRUE);
	ws_atomic_abort(NULL);
	g_free(path);
}

static void count_done(const char *path, int status, void *user)
{
	(void)path;
	int *counts = user;
	counts[status == WS_OK ? 0 : 1]++;
}

Test(output, deferred_commits_rename_only_when_committed_together)
{
	char *a = path_in("a.pdf"), *b = path_in("b.pdf"), *c = path_in("c.pdf");
	put_good(a);
	ws_atomic_file *f;
	ws_atomic_batch *batch = ws_atomic_batch_new(), *other = ws_atomic_batch_new();
	const char *paths[] = {a, b};
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(ws_atomic_open(&f, paths[i], NULL), WS_OK);
		cr_assert_eq(ws_atomic_write(f, "new", 3), WS_OK);
		cr_assert_eq(ws_atomic_commit_later(f, batch, NULL), WS_OK);
	}
	/* Committed, but not yet in place: the old a.pdf stays, b.pdf does
	 * not exist, both new ones wait under temporary names. */
	cr_assert_eq(ws_atomic_batch_count(batch), 2);
	/* Another batch holds none of them and commits nothing of them. */
	cr_assert_eq(ws_atomic_batch_count(other), 0);
	cr_assert_eq(ws_atomic_batch_commit(other, NULL, NULL, NULL), WS_OK);
	cr_assert(!g_file_test(b, G_FILE_TEST_EXISTS));
	assert_good(a);
	cr_assert(!g_file_test(b, G_FILE_TEST_EXISTS));
	char *ls = listing();
	cr_assert(strstr(ls, ".a.pdf.") && strstr(ls, ".b.pdf."), "%s", ls);
	g_free(ls);
	/* A signal now would leave nothing behind but the old file. */
	ws_atomic_cleanup_all();
	ls = listing();
	cr_assert_str_eq(ls, "a.pdf");
	g_free(ls);
	int counts[2] = {0, 0};
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_atomic_batch_commit(batch, count_done, counts, d), WS_EIO);
	cr_assert(counts[0] == 0 && counts[1] == 2, "both lost their temporary file");
	ws_diags_free(d);
	assert_good(a);

	/* The normal case: all in place at once, with their contents. */
	const char *all[] = {a, b, c};
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(ws_atomic_open(&f, all[i], NULL), WS_OK);
		cr_assert_eq(ws_atomic_write(f, "new", 3), WS_OK);
		cr_assert_eq(ws_atomic_commit_later(f, batch, NULL), WS_OK);
	}
	counts[0] = counts[1] = 0;
	cr_assert_eq(ws_atomic_batch_commit(batch, count_done, counts, NULL), WS_OK);
	cr_assert(counts[0] == 3 && counts[1] == 0);
	cr_assert_eq(ws_atomic_batch_count(batch), 0);
	for (int i = 0; i < 3; i++) {
		char *data = NULL;
		cr_assert(g_file_get_contents(all[i], &data, NULL, NULL));
		cr_assert_str_eq(data, "new");
		g_free(data);
	}
	ls = listing();
	cr_assert_str_eq(ls, "a.pdf b.pdf c.pdf");
	g_free(ls);
	cr_assert_eq(ws_atomic_batch_commit(batch, NULL, NULL, NULL), WS_OK, "nothing waiting");

	/* A batch freed uncommitted drops its files: the old ones stay. */
	cr_assert_eq(ws_atomic_open(&f, a, NULL), WS_OK);
	cr_assert_eq(ws_atomic_write(f, "newer", 5), WS_OK);
	cr_assert_eq(ws_atomic_commit_later(f, other, NULL), WS_OK);
	ws_atomic_batch_free(other);
	ls = listing();
	cr_assert_str_eq(ls, "a.pdf b.pdf c.pdf");
	g_free(ls);
	char *data = NULL;
	cr_assert(g_file_get_contents(a, &data, NULL, NULL));
	cr_assert_str_eq(data, "new");
	g_free(data);
	ws_atomic_batch_free(batch);
	g_free(a);
	g_free(b);
	g_free(c);
}

Test(output, atomic_file_mode_follows_the_umask)
{
	char *path = path_in("private.pdf");
	mode_t old = umask(077);
	ws_atomic_file *f;
	cr_assert_eq(ws_atomic_open(&f, path, NULL), WS_OK);
	cr_assert_eq(ws_atomic_commit(f, NULL), WS_OK);
	umask(old);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	g_free(path);
}

Test(output, cleanup_all_removes_every_temporary_file)
{
	char *a = path_in("a.pdf"), *b = path_in("b.png");
	put_good(a);
	ws_atomic_file *fa, *fb;
	cr_assert_eq(ws_atomic_open(&fa, a, NULL), WS_OK);
	cr_assert_eq(ws_atomic_open(&fb, b, NULL), WS_OK);
	cr_assert_eq(ws_atomic_write(fa, "x", 1), WS_OK);
	ws_atomic_cleanup_all(); /* what the CLI's SIGINT handler calls */
	char *ls = listing();
	cr_assert_str_eq(ls, "a.pdf");
	g_free(ls);
	/* the interrupted write cannot be committed any more */
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_atomic_commit(fa, d), WS_EIO);
	assert_cannot_write(d, a, ENOENT);
	ws_atomic_abort(fb);
	assert_good(a);
	/* the registry slots are usable again */
	for (int i = 0; i < WS_ATOMIC_MAX_REGISTERED + 4; i++) {
		cr_assert_eq(ws_atomic_open(&fb, b, NULL), WS_OK);
		cr_assert_eq(ws_atomic_commit(fb, NULL), WS_OK);
	}
	ws_diags_free(d);
	g_free(a);
	g_free(b);
}

Test(output, a_folder_as_target_is_reported)
{
	char *sub = path_in("sub");
	cr_assert_eq(g_mkdir(sub, 0755), 0);
	ws_diags *d = ws_diags_new();
	ws_atomic_file *f;
	cr_assert_eq(ws_atomic_open(&f, sub, NULL), WS_OK);
	cr_assert_eq(ws_atomic_commit(f, d), WS_EIO);
	assert_cannot_write(d, sub, EISDIR);
	char *ls = listing();
	cr_assert_str_eq(ls, "sub");
	g_free(ls);
	ws_diags_free(d);
	g_free(sub);
}

/* ---- Streaming PDF (ws_output_pdf_*) -------------------------------- */

Test(output, streamed_pdf_is_the_merged_pdf_byte_for_byte)
{
	/* The documents of merged_pdf_has_every_page_in_order_and_one_font. */
	ws_document *docs[3] = {sample_doc(2), ws_document_new(NULL), ws_document_new(NULL)};
	size_t p = ws_document_add_page(docs[1], A5_W, A5_H);
	add_text(docs[1], p, 36, 36, "缴费确认单 Confirm Receipt");
	char *a = path_in("a.pdf"), *b = path_in("b.pdf");
	cr_assert_eq(ws_output_write(docs, 3, a, NULL, NULL), WS_OK);

	ws_diags *d = ws_diags_new();
	ws_output_pdf *pdf = NULL;
	cr_assert_eq(ws_output_pdf_open(&pdf, b, NULL, d), WS_OK);
	cr_assert_not_null(pdf);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(ws_output_pdf_add(pdf, docs[i], d), WS_OK);
		/* borrowed only for the call: the caller frees it at once */
		ws_document_free(docs[i]);
		docs[i] = NULL;
	}
	cr_assert_eq(ws_output_pdf_page_count(pdf), 3);
	/* nothing at the path before the close */
	cr_assert_not(g_file_test(b, G_FILE_TEST_EXISTS));
	cr_assert_eq(ws_output_pdf_close(pdf, d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 0);
	char *ls = listing();
	cr_assert_str_eq(ls, "a.pdf b.pdf");
	g_free(ls);

	GBytes *x = slurp(a), *y = slurp(b);
	cr_assert_gt(g_bytes_get_size(x), 1000);
	cr_assert(g_bytes_equal(x, y), "the streamed PDF differs from the merged one");
	g_bytes_unref(x);
	g_bytes_unref(y);
	char *out = run("pdfinfo", b, NULL);
	cr_assert_not_null(strstr(out, "Pages:           3\n"), "%s", out);
	cr_assert_not_null(strstr(out, "Title:           面谈确认单\n"), "%s", out);
	g_free(out);
	ws_diags_free(d);
	g_free(a);
	g_free(b);
}

Test(output, streamed_pdf_refuses_bad_input_and_leaves_no_file)
{
	char *pdf = path_in("s.pdf");
	ws_diags *d = ws_diags_new();
	ws_output_pdf *s = NULL;

	/* PDF only; a path is needed */
	ws_output_options png = WS_OUTPUT_OPTIONS_INIT;
	png.format = WS_FORMAT_PNG;
	cr_assert_eq(ws_output_pdf_open(&s, pdf, &png, d), WS_EUSAGE);
	cr_assert_null(s);
	cr_assert_eq(ws_output_pdf_open(&s, "", NULL, d), WS_EUSAGE);
	cr_assert_null(s);

	/* no page at all: nothing written; documents without pages are no error */
	cr_assert_eq(ws_output_pdf_open(&s, pdf, NULL, NULL), WS_OK);
	ws_document *empty = ws_document_new(NULL);
	cr_assert_eq(ws_output_pdf_add(s, empty, NULL), WS_OK);
	ws_diags_free(d);
	d = ws_diags_new();
	cr_assert_eq(ws_output_pdf_close(s, d), WS_EUSAGE);
	cr_assert_str_eq(first_message(d), "nothing to write: the documents have no pages");
	char *ls = listing();
	cr_assert_str_eq(ls, "");
	g_free(ls);

	/* abort after pages were drawn: no file, an older one is kept */
	put_good(pdf);
	cr_assert_eq(ws_output_pdf_open(&s, pdf, NULL, NULL), WS_OK);
	ws_document *doc = sample_doc(1);
	cr_assert_eq(ws_output_pdf_add(s, doc, NULL), WS_OK);
	ws_output_pdf_abort(s);
	ws_output_pdf_abort(NULL);
	assert_good(pdf);
	ls = listing();
	cr_assert_str_eq(ls, "s.pdf");
	g_free(ls);

	/* a page of invalid size spoils the PDF: later adds and the close
	 * fail, and the older file stays */
	ws_document *bad = ws_document_new(NULL);
	ws_document_add_page(bad, 0, A4_H);
	cr_assert_eq(ws_output_pdf_open(&s, pdf, NULL, NULL), WS_OK);
	cr_assert_eq(ws_output_pdf_add(s, doc, NULL), WS_OK);
	ws_diags_free(d);
	d = ws_diags_new();
	cr_assert_eq(ws_output_pdf_add(s, bad, d), WS_EUSAGE);
	cr_assert_not_null(strstr(first_message(d), "invalid size"), "%s", first_message(d));
	cr_assert_eq(ws_output_pdf_add(s, doc, NULL), WS_EUSAGE);
	cr_assert_eq(ws_output_pdf_page_count(s), 1);
	cr_assert_eq(ws_output_pdf_close(s, NULL), WS_EUSAGE);
	assert_good(pdf);
	ls = listing();
	cr_assert_str_eq(ls, "s.pdf");
	g_free(ls);

	ws_document_free(bad);
	ws_document_free(doc);
	ws_document_free(empty);
	ws_diags_free(d);
	g_free(pdf);
}
