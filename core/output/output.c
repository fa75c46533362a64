/* Output: documents into PDF, PNG and SVG files (see output.h). */
#include "output.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "allocfail.h"
#include "atomicfile.h"
#include "cancel.h"
#include "host.h"
#include "pdf-text.h"
#include "ws-config.h"

static const char *const format_names[] = {"pdf", "png", "svg"};

int ws_format_from_name(const char *name, ws_format *out)
{
	if (!name)
		return WS_EUSAGE;
	for (size_t i = 0; i < G_N_ELEMENTS(format_names); i++) {
		if (g_ascii_strcasecmp(name, format_names[i]) == 0) {
			*out = (ws_format)i;
			return WS_OK;
		}
	}
	return WS_EUSAGE;
}

int ws_format_from_path(const char *path, ws_format *out)
{
	if (!path)
		return WS_EUSAGE;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	const char *dot = strrchr(base, '.');
	if (!dot || dot == base)
		return WS_EUSAGE;
	return ws_format_from_name(dot + 1, out);
}

const char *ws_format_name(ws_format format)
{
	if ((unsigned)format < G_N_ELEMENTS(format_names))
		return format_names[format];
	return "unknown";
}

/* ---- Pages and file names ------------------------------------------- */

static size_t total_pages(ws_document *const *docs, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		if (docs[i])
			total += ws_document_page_count(docs[i]);
	return total;
}

/* Page `k` (1-based) of `total`: see output.h for the rule. */
static char *page_file_name(const char *path, size_t k, size_t total)
{
	if (total == 1)
		return g_strdup(path);
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	const char *dot = strrchr(base, '.');
	if (!dot || dot == base) /* no extension, or a dot file such as ".png" */
		return g_strdup_printf("%s-%zu", path, k);
	return g_strdup_printf("%.*s-%zu%s", (int)(dot - path), path, k, dot);
}

static const ws_output_options default_options = WS_OUTPUT_OPTIONS_INIT;

char **ws_output_file_names(ws_document *const *docs, size_t n, const char *path,
                            const ws_output_options *opts)
{
	if (!opts)
		opts = &default_options;
	size_t total = total_pages(docs, n);
	if (opts->format == WS_FORMAT_PDF) {
		char **v = g_new0(char *, 2);
		if (total > 0)
			v[0] = g_strdup(path);
		return v;
	}
	char **v = g_new0(char *, total + 1);
	for (size_t k = 0; k < total; k++)
		v[k] = page_file_name(path, k + 1, total);
	return v;
}

/* ---- Checks done before anything is allocated or opened --------------- */

typedef struct page_ref {
	const ws_document *doc;
	size_t page;
	double width, height; /* pt */
} page_ref;

/* Adds an error and returns `status`. */
static int fail(ws_diags *diags, int status, const char *rule, const char *fmt, ...)
	WS_PRINTF(4, 5);
static int fail(ws_diags *diags, int status, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ws_diag_addv(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, rule, NULL, fmt, ap);
	va_end(ap);
	return status;
}

/* The caller's options (NULL: the defaults) as this version reads them,
 * into *out, checked.  A version-1 struct ends before `twins` and is not
 * read past its end. */
static int read_options(const ws_output_options *opts, ws_output_options *out, ws_diags *diags)
{
	*out = default_options;
	if (!opts)
		return WS_OK;
	if (opts->version == 0 || opts->version > WS_OUTPUT_OPTIONS_VERSION)
		return fail(diags, WS_EUSAGE, NULL,
		            "output options version %u is not supported (this wenshu knows 1 to %d; "
		            "initialize with WS_OUTPUT_OPTIONS_INIT)",
		            opts->version, WS_OUTPUT_OPTIONS_VERSION);
	/* Version 2's last field, a bool where `commit_batch` is, is not read
	 * (output.h): its files are committed at once. */
	memcpy(out, opts, opts->version == 1   ? offsetof(ws_output_options, twins)
	                  : opts->version == 2 ? offsetof(ws_output_options, commit_batch)
	                                       : sizeof *out);
	out->version = WS_OUTPUT_OPTIONS_VERSION;
	opts = out;
	if ((unsigned)opts->format >= G_N_ELEMENTS(format_names))
		return fail(diags, WS_EUSAGE, NULL, "unknown output format %d", (int)opts->format);
	/* written as a negated range so that NaN is refused too */
	if (opts->format == WS_FORMAT_PNG &&
	    !(opts->dpi >= WS_OUTPUT_DPI_MIN && opts->dpi <= WS_OUTPUT_DPI_MAX))
		return fail(diags, WS_EUSAGE, "limit",
		            "resolution %g dpi is outside the allowed range %g..%g dpi", opts->dpi,
		            WS_OUTPUT_DPI_MIN, WS_OUTPUT_DPI_MAX);
	return WS_OK;
}

/* Collects every page in output order and checks its size. */
static int collect_pages(ws_document *const *docs, size_t n, const ws_output_options *opts,
                         GArray *pages, ws_diags *diags)
{
	for (size_t i = 0; i < n; i++) {
		if (!docs[i])
			continue;
		size_t count = ws_document_page_count(docs[i]);
		for (size_t p = 0; p < count; p++) {
			page_ref r = {docs[i], p, 0, 0};
			ws_document_page_size(docs[i], p, &r.width, &r.height);
			size_t k = pages->len + 1;
			if (!(isfinite(r.width) && isfinite(r.height) && r.width > 0 && r.height > 0))
				return fail(diags, WS_EUSAGE, NULL, "page %zu has an invalid size %g × %g pt",
				            k, r.width, r.height);
			if (opts->format == WS_FORMAT_PNG) {
				double w = round(r.width / 72.0 * opts->dpi);
				double h = round(r.height / 72.0 * opts->dpi);
				if (w > WS_OUTPUT_MAX_SIDE || h > WS_OUTPUT_MAX_SIDE)
					return fail(diags, WS_ENOMEM, "limit",
					            "page %zu would be %.0f × %.0f pixels at %g dpi; the limit is %.0f pixels a side",
					            k, w, h, opts->dpi, WS_OUTPUT_MAX_SIDE);
				if (w * h > WS_OUTPUT_MAX_PIXELS)
					return fail(diags, WS_ENOMEM, "limit",
					            "page %zu would be %.0f × %.0f = %.0f pixels at %g dpi; the limit is %.0f pixels",
					            k, w, h, w * h, opts->dpi, WS_OUTPUT_MAX_PIXELS);
			}
			g_array_append_val(pages, r);
		}
	}
	if (pages->len == 0)
		return fail(diags, WS_EUSAGE, NULL, "nothing to write: the documents have no pages");
	return WS_OK;
}

/* ---- Writing --------------------------------------------------------- */

static cairo_status_t stream_write(void *closure, const unsigned char *data, unsigned int len)
{
	return ws_atomic_write(closure, data, len) == WS_OK ? CAIRO_STATUS_SUCCESS
	                                                    : CAIRO_STATUS_WRITE_ERROR;
}

/* What a PDF surface writes into.  A write given up part-way (an
 * interrupt) sets `dropped`: Cairo still writes the file's tail when the
 * surface is finished, and that is refused at once instead of being
 * written into a file that is about to be removed. */
typedef struct pdf_sink {
	ws_atomic_file *file;
	bool dropped;
} pdf_sink;

static cairo_status_t pdf_sink_write(void *closure, const unsigned char *data, unsigned int len)
{
	pdf_sink *sink = closure;
	if (sink->dropped)
		return CAIRO_STATUS_WRITE_ERROR;
	return stream_write(sink->file, data, len);
}

/* Puts a finished file in place now, or queues it in the caller's batch
 * for the joint commit. */
static int commit_file(ws_atomic_file *f, ws_atomic_batch *batch, ws_diags *diags)
{
	return batch ? ws_atomic_commit_later(f, batch, diags) : ws_atomic_commit(f, diags);
}

/* ---- Fonts that cannot draw ------------------------------------------ */

/* Pango makes a font's Cairo scaled font when text is first drawn with it.
 * When that fails (an allocation inside Cairo or FreeType, a font file
 * changed since typesetting), Pango prints a warning, draws empty boxes
 * and leaves the context's status alone: the file came out without its
 * text, with exit 0.  Every line of every format is offered to this
 * painter first; it checks the fonts of the line's runs and turns a font
 * that cannot draw into a failed file. */
typedef struct font_check {
	const ws_text_painter *inner; /* the PDF line painter, or NULL: Pango draws */
	char *failed;                 /* the first font that could not draw, or NULL */
} font_check;

static bool run_font_draws(const PangoGlyphItem *run)
{
	PangoFont *font = run->item->analysis.font;
	if (!font || !PANGO_IS_CAIRO_FONT(font))
		return true; /* no font at all: hex boxes, reported by the typesetter */
	bool glyphs = false;
	for (int i = 0; i < run->glyphs->num_glyphs && !glyphs; i++) {
		PangoGlyph g = run->glyphs->glyphs[i].glyph;
		glyphs = g != PANGO_GLYPH_EMPTY && !(g & PANGO_GLYPH_UNKNOWN_FLAG);
	}
	if (!glyphs)
		return true;
	cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
	return sf && cairo_scaled_font_status(sf) == CAIRO_STATUS_SUCCESS;
}

static bool check_line(void *self, cairo_t *cr, PangoLayoutLine *line, double x, double y)
{
	font_check *fc = self;
	for (GSList *l = line ? line->runs : NULL; l && !fc->failed; l = l->next) {
		const PangoGlyphItem *run = l->data;
		if (!run_font_draws(run)) {
			PangoFontDescription *d = pango_font_describe(run->item->analysis.font);
			fc->failed = pango_font_description_to_string(d);
			pango_font_description_free(d);
		}
	}
	if (fc->failed)
		return true; /* the file fails: nothing more is worth drawing */
	return fc->inner && fc->inner->paint_line(fc->inner->self, cr, line, x, y);
}

/* Draws a page with its text checked (and painted by fc->inner). */
static void draw_page_checked(const ws_document *doc, size_t page, cairo_t *cr, font_check *fc)
{
	ws_text_painter p = {check_line, fc};
	ws_document_draw_page_with(doc, page, cr, &p);
}

/* "cannot write 'PATH': ..." for a font that could not draw. */
static int fail_font(ws_diags *diags, const char *path, const font_check *fc)
{
	return fail(diags, WS_ENOMEM, NULL,
	            "cannot write '%s': the font '%s' could not be made ready to draw the text "
	            "(out of memory, or its file changed since it was laid out)",
	            path, fc->failed);
}

/* Ends the rendering of one file.  A failed write is reported with its
 * errno by the commit; a font that could not draw (fc, may be NULL) by
 * its name; an allocation that failed since `allocs` (ws_alloc_failures()
 * when its first document was made) as running out of memory, whatever
 * Cairo said; any other Cairo failure with Cairo's message.  On success the
 * file is left for the caller to commit (synced, unless the commits are
 * deferred: then the joint commit flushes it). */
static int end_file(ws_atomic_file *f, cairo_status_t status, const font_check *fc,
                    unsigned long allocs, ws_atomic_batch *batch, ws_diags *diags)
{
	if (batch ? ws_atomic_failed(f) : ws_atomic_sync(f) != WS_OK) {
		ws_atomic_commit(f, diags); /* reports the errno, removes the file */
		return WS_EIO;
	}
	if (ws_alloc_failures() != allocs) {
		/* Cairo 1.16 reports success after losing a font to a failed
		 * allocation (allocfail.h): no file rather than a damaged one. */
		fail(diags, WS_ENOMEM, NULL,
		     "cannot write '%s': out of memory while it was being typeset or drawn (the file is not written)",
		     ws_atomic_path(f));
		ws_atomic_abort(f);
		return WS_ENOMEM;
	}
	if (fc && fc->failed) {
		int rc = fail_font(diags, ws_atomic_path(f), fc);
		ws_atomic_abort(f);
		return rc;
	}
	if (status != CAIRO_STATUS_SUCCESS) {
		fail(diags, WS_EIO, NULL, "cannot write '%s': %s", ws_atomic_path(f),
		     cairo_status_to_string(status));
		ws_atomic_abort(f);
		return status == CAIRO_STATUS_NO_MEMORY ? WS_ENOMEM : WS_EIO;
	}
	return WS_OK;
}

/* The first failure of a context or its surface: an error set on the
 * surface (a metadata string that could not be copied, a page size) is
 * not the context's. */
static cairo_status_t draw_status(cairo_surface_t *s, cairo_t *cr)
{
	cairo_status_t status = cairo_status(cr);
	return status != CAIRO_STATUS_SUCCESS ? status : cairo_surface_status(s);
}

/* The render time as ISO 8601 in China time, the office's zone (UTC+8,
 * no daylight saving), as cairo_pdf_surface_set_metadata() wants it. */
static void render_date(char buf[32])
{
	time_t t = (time_t)(ws_host_render_time() + 8 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

static void set_meta(cairo_surface_t *s, cairo_pdf_metadata_t key, const char *value)
{
	if (value && *value)
		cairo_pdf_surface_set_metadata(s, key, value);
}

/* A PDF surface on an atomic file, with the first document's metadata.
 * Shared by ws_output_write() and the streaming ws_output_pdf_*(), so
 * both give the same bytes for the same pages. */
static cairo_surface_t *pdf_surface_new(pdf_sink *sink, const ws_document *first, double width,
                                        double height)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(pdf_sink_write, sink, width, height);
	const ws_document_meta *m = ws_document_get_meta(first);
	set_meta(s, CAIRO_PDF_METADATA_TITLE, m->title);
	set_meta(s, CAIRO_PDF_METADATA_AUTHOR, m->author);
	set_meta(s, CAIRO_PDF_METADATA_SUBJECT, m->subject);
	set_meta(s, CAIRO_PDF_METADATA_KEYWORDS, m->keywords);
	set_meta(s, CAIRO_PDF_METADATA_CREATOR, m->creator ? m->creator : "wenshu " WS_VERSION);
	/* Cairo 1.16 stamps CreationDate with time(NULL) unless told
	 * otherwise; both dates come from the render time so that
	 * SOURCE_DATE_EPOCH makes the file reproducible.  (Cairo 1.16 writes
	 * the dates without the recommended "D:" prefix; readers such as
	 * poppler parse them all the same, and the prefix cannot be passed
	 * through this API.)  Nothing else in Cairo 1.16's PDF depends on the
	 * clock or on addresses: there is no /ID, and font subset tags are
	 * derived from the subset, which tests/test_output.c checks by
	 * rendering twice. */
	char date[32];
	render_date(date);
	set_meta(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
	set_meta(s, CAIRO_PDF_METADATA_MOD_DATE, date);
	return s;
}

/* Draws one page; returns the first failure of the context or the
 * surface (fc->failed: a font could not draw).  Text lines go to the PDF
 * line painter (pdf-text.h), which draws them with `twins`. */
static cairo_status_t pdf_page(cairo_surface_t *s, cairo_t *cr, const page_ref *r, ws_twins *twins,
                               font_check *fc)
{
	/* must precede any drawing on the page */
	cairo_pdf_surface_set_size(s, r->width, r->height);
	ws_text_painter painter = ws_pdf_text_painter(twins);
	fc->inner = &painter;
	draw_page_checked(r->doc, r->page, cr, fc);
	fc->inner = NULL;
	cairo_show_page(cr);
	return draw_status(s, cr);
}

/* Destroys `cr` and finishes and destroys `s`: the first error of the
 * drawing or of the finish (which writes the vector file's body). */
static cairo_status_t finish_surface(cairo_surface_t *s, cairo_t *cr)
{
	cairo_status_t status = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return status;
}

/* Gives up a PDF that was interrupted: nothing more is written, the
 * temporary file is removed, and the interruption is the status (the
 * command line reports it; there is nothing to say about the file). */
static int pdf_drop(cairo_surface_t *s, cairo_t *cr, pdf_sink *sink)
{
	sink->dropped = true;
	finish_surface(s, cr);
	ws_atomic_abort(sink->file);
	sink->file = NULL;
	return WS_EINTERRUPTED;
}

/* Finishes the surface and the file (committed on success).  An interrupt
 * that arrived while the tail was written still drops the file: the
 * user asked to stop, and a commit is the one step that cannot be taken
 * back. */
static int pdf_finish(cairo_surface_t *s, cairo_t *cr, pdf_sink *sink, const font_check *fc,
                      unsigned long allocs, ws_atomic_batch *batch, ws_diags *diags)
{
	if (ws_cancel_requested())
		return pdf_drop(s, cr, sink);
	cairo_status_t status = finish_surface(s, cr); /* writes through the sink */
	ws_atomic_file *f = sink->file;
	sink->file = NULL;
	int rc = end_file(f, status, fc, allocs, batch, diags);
	if (rc != WS_OK)
		return rc;
	if (ws_cancel_requested()) {
		ws_atomic_abort(f);
		return WS_EINTERRUPTED;
	}
	return commit_file(f, batch, diags);
}

static int write_pdf(const GArray *pages, const ws_document *first, const char *path,
                     const ws_output_options *opts, ws_diags *diags)
{
	unsigned long allocs = ws_alloc_failures();
	for (guint i = 0; i < pages->len; i++)
		allocs = MIN(allocs, ws_document_alloc_failures(g_array_index(pages, page_ref, i).doc));
	pdf_sink sink = {NULL, false};
	int rc = ws_atomic_open(&sink.file, path, diags);
	if (rc != WS_OK)
		return rc;
	const page_ref *p0 = &g_array_index(pages, page_ref, 0);
	cairo_surface_t *s = pdf_surface_new(&sink, first, p0->width, p0->height);
	cairo_t *cr = cairo_create(s);
	font_check fc = {NULL, NULL};
	/* A surface or context that failed to be made (or to take the
	 * metadata) draws nothing: pdf_finish() reports its status. */
	for (guint i = 0; i < pages->len && draw_status(s, cr) == CAIRO_STATUS_SUCCESS; i++) {
		/* Between pages: a SIGTERM during a 1000-page file stops it
		 * within a page, not after the last (cancel.h). */
		if (ws_cancel_requested()) {
			g_free(fc.failed);
			return pdf_drop(s, cr, &sink);
		}
		const page_ref *r = &g_array_index(pages, page_ref, i);
		if (opts->twins && (i == 0 || r->doc != g_array_index(pages, page_ref, i - 1).doc))
			ws_twins_begin_document(opts->twins);
		if (pdf_page(s, cr, r, opts->twins, &fc) != CAIRO_STATUS_SUCCESS || fc.failed)
			break;
	}
	rc = pdf_finish(s, cr, &sink, &fc, allocs, opts->commit_batch, diags);
	g_free(fc.failed);
	return rc;
}

/* ws_output_page_image() with its text checked by `fc`: an error surface
 * when Cairo failed; the image, for the caller to drop, when fc->failed. */
static cairo_surface_t *page_image(const ws_document *doc, size_t page, double dpi, font_check *fc)
{
	double pw = 0, ph = 0;
	ws_document_page_size(doc, page, &pw, &ph);
	int w = (int)round(pw / 72.0 * dpi);
	int h = (int)round(ph / 72.0 * dpi);
	/* RGB24: the page is opaque white, so no alpha channel is stored */
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w > 0 ? w : 1,
	                                                  h > 0 ? h : 1);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS)
		return img;
	cairo_t *cr = cairo_create(img);
	cairo_save(cr); /* ops start from Cairo's defaults: black source */
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_restore(cr);
	cairo_scale(cr, dpi / 72.0, dpi / 72.0);
	/* Unhinted outlines and unhinted metrics: glyphs sit where the
	 * typesetter put them in pt, at any resolution.  (Options that could
	 * not be allocated put the context in error.) */
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_set_font_options(cr, fo);
	cairo_font_options_destroy(fo);
	if (cairo_status(cr) == CAIRO_STATUS_SUCCESS)
		draw_page_checked(doc, page, cr, fc);
	cairo_surface_flush(img);
	cairo_status_t status = draw_status(img, cr);
	cairo_destroy(cr);
	if (status != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		return cairo_image_surface_create(CAIRO_FORMAT_INVALID, 0, 0);
	}
	return img;
}

cairo_surface_t *ws_output_page_image(const ws_document *doc, size_t page, double dpi)
{
	font_check fc = {NULL, NULL};
	cairo_surface_t *img = page_image(doc, page, dpi, &fc);
	if (fc.failed) {
		/* Text that could not be drawn: no page rather than one without it. */
		cairo_surface_destroy(img);
		img = cairo_image_surface_create(CAIRO_FORMAT_INVALID, 0, 0);
	}
	g_free(fc.failed);
	return img;
}

static cairo_status_t render_png(const page_ref *r, double dpi, ws_atomic_file *f, font_check *fc)
{
	cairo_surface_t *img = page_image(r->doc, r->page, dpi, fc);
	cairo_status_t status = cairo_surface_status(img);
	if (status == CAIRO_STATUS_SUCCESS && !fc->failed)
		status = cairo_surface_write_to_png_stream(img, stream_write, f);
	cairo_surface_destroy(img);
	return status;
}

static cairo_status_t buffer_write(void *closure, const unsigned char *data, unsigned int len)
{
	g_byte_array_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* Cairo names an SVG page group "surfaceN" and an embedded image "imageN"
 * after a process-wide counter of surfaces created so far, so the same
 * page would come out differently depending on what the process drew
 * before.  Every such id (after `id="` or `#`) is renumbered in order of
 * first appearance, which makes the file depend on the page alone. */
static void write_svg_renumbered(const GByteArray *svg, ws_atomic_file *f)
{
	static const char *const kinds[] = {"surface", "image"};
	GHashTable *ids[2] = {g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
	                      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
	const char *p = (const char *)svg->data, *end = p + svg->len, *copied = p;
	while (p < end) {
		size_t skip = 0;
		if (*p == '#')
			skip = 1;
		else if (end - p >= 4 && memcmp(p, "id=\"", 4) == 0)
			skip = 4;
		if (!skip) {
			p++;
			continue;
		}
		const char *q = p + skip;
		for (int k = 0; k < 2; k++) {
			size_t kl = strlen(kinds[k]);
			const char *digits = q + kl;
			if ((size_t)(end - q) <= kl || memcmp(q, kinds[k], kl) != 0 ||
			    !g_ascii_isdigit(*digits))
				continue;
			const char *e = digits;
			while (e < end && g_ascii_isdigit(*e))
				e++;
			char *old_id = g_strndup(digits, (gsize)(e - digits));
			gpointer n = g_hash_table_lookup(ids[k], old_id);
			if (!n) {
				n = GUINT_TO_POINTER(g_hash_table_size(ids[k]) + 1);
				g_hash_table_insert(ids[k], old_id, n);
			} else {
				g_free(old_id);
			}
			ws_atomic_write(f, copied, (size_t)(digits - copied));
			char num[16];
			int nl = snprintf(num, sizeof num, "%u", GPOINTER_TO_UINT(n));
			ws_atomic_write(f, num, (size_t)nl);
			copied = e;
			q = e;
			break;
		}
		p = q > p + skip ? q : p + skip;
	}
	ws_atomic_write(f, copied, (size_t)(end - copied));
	g_hash_table_unref(ids[0]);
	g_hash_table_unref(ids[1]);
}

static cairo_status_t render_svg(const page_ref *r, ws_atomic_file *f, font_check *fc)
{
	GByteArray *svg = g_byte_array_new();
	cairo_surface_t *s = cairo_svg_surface_create_for_stream(buffer_write, svg, r->width,
	                                                         r->height);
	cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
	cairo_t *cr = cairo_create(s);
	if (draw_status(s, cr) == CAIRO_STATUS_SUCCESS)
		draw_page_checked(r->doc, r->page, cr, fc);
	cairo_status_t status = finish_surface(s, cr);
	if (status == CAIRO_STATUS_SUCCESS && !fc->failed)
		write_svg_renumbered(svg, f);
	g_byte_array_unref(svg);
	return status;
}

/* Pages of an earlier, longer run of the same output (a group that went
 * from three pages to two) would otherwise lie beside the new ones and be
 * printed with them.  Only names this writer gives (`NAME-K.EXT`), only
 * regular files, only numbers past the new last page (from 1 when the new
 * output is one unnumbered file), stopping at the first number missing. */
static void remove_stale_pages(const char *path, size_t pages, ws_diags *diags)
{
	size_t removed = 0;
	for (size_t k = pages == 1 ? 1 : pages + 1;; k++) {
		char *name = page_file_name(path, k, 2);
		struct stat st;
		bool stale = lstat(name, &st) == 0 && S_ISREG(st.st_mode);
		if (stale && unlink(name) == 0)
			removed++;
		g_free(name);
		if (!stale)
			break;
	}
	if (removed > 0)
		ws_diag_add(diags, WS_SEVERITY_NOTE, (ws_loc){0}, NULL, NULL,
		            "removed %zu page file(s) beyond the last page of '%s', left by an earlier run",
		            removed, path);
}

/* remove_stale_pages() waiting in a commit batch. */
typedef struct stale_pages {
	char *path;
	size_t pages;
} stale_pages;

static void *stale_pages_new(const char *path, size_t pages)
{
	stale_pages *s = g_new(stale_pages, 1);
	s->path = g_strdup(path);
	s->pages = pages;
	return s;
}

static void stale_pages_free(void *data)
{
	stale_pages *s = data;
	g_free(s->path);
	g_free(s);
}

static void remove_stale_pages_then(void *data, ws_diags *diags)
{
	const stale_pages *s = data;
	remove_stale_pages(s->path, s->pages, diags);
}

/* One file per page.  Every page is rendered into its temporary file
 * first and the files are renamed into place only when all succeeded, so
 * a failure on page 7 does not leave pages 1–6 of the new run next to
 * pages 7– of an old one. */
static int write_per_page(const GArray *pages, const char *path, const ws_output_options *opts,
                          ws_diags *diags)
{
	ws_atomic_file **files = g_new0(ws_atomic_file *, pages->len);
	int rc = WS_OK;
	guint done = 0;
	font_check fc = {NULL, NULL};
	for (; done < pages->len; done++) {
		if (ws_cancel_requested()) { /* between pages, as write_pdf() */
			rc = WS_EINTERRUPTED;
			break;
		}
		const page_ref *r = &g_array_index(pages, page_ref, done);
		unsigned long allocs = MIN(ws_alloc_failures(), ws_document_alloc_failures(r->doc));
		char *name = page_file_name(path, done + 1, pages->len);
		rc = ws_atomic_open(&files[done], name, diags);
		g_free(name);
		if (rc != WS_OK)
			break;
		cairo_status_t status = opts->format == WS_FORMAT_PNG
		                                ? render_png(r, opts->dpi, files[done], &fc)
		                                : render_svg(r, files[done], &fc);
		rc = end_file(files[done], status, &fc, allocs, opts->commit_batch, diags);
		if (rc != WS_OK) {
			files[done] = NULL; /* end_file consumed it */
			break;
		}
	}
	if (rc == WS_OK && ws_cancel_requested())
		rc = WS_EINTERRUPTED; /* no page is put in place after an interrupt */
	if (rc != WS_OK) {
		for (guint i = 0; i < done; i++)
			ws_atomic_abort(files[i]);
	} else {
		guint i = 0;
		for (; i < pages->len && rc == WS_OK; i++)
			rc = commit_file(files[i], opts->commit_batch, diags);
		for (; i < pages->len; i++)
			ws_atomic_abort(files[i]);
		/* Deferred commits may still fail or be dropped: then the old
		 * pages stay whole, so only a committed run clears what it
		 * replaced — now, or once the batch put every new page in place. */
		if (rc == WS_OK && !opts->commit_batch)
			remove_stale_pages(path, pages->len, diags);
		else if (rc == WS_OK)
			ws_atomic_batch_then(opts->commit_batch, pages->len, remove_stale_pages_then,
			                     stale_pages_new(path, pages->len), stale_pages_free);
	}
	g_free(files);
	g_free(fc.failed);
	return rc;
}

int ws_output_write(ws_document *const *docs, size_t n, const char *path,
                    const ws_output_options *caller_opts, ws_diags *diags)
{
	ws_output_options o;
	int rc = read_options(caller_opts, &o, diags);
	if (rc != WS_OK)
		return rc;
	const ws_output_options *opts = &o;
	if (!path || !*path)
		return fail(diags, WS_EUSAGE, NULL, "no output path given");
	GArray *pages = g_array_new(FALSE, FALSE, sizeof(page_ref));
	rc = collect_pages(docs, n, opts, pages, diags);
	if (rc == WS_OK) {
		if (opts->format == WS_FORMAT_PDF)
			rc = write_pdf(pages, g_array_index(pages, page_ref, 0).doc, path, opts, diags);
		else
			rc = write_per_page(pages, path, opts, diags);
	}
	g_array_free(pages, TRUE);
	return rc;
}

/* ---- Streaming PDF ---------------------------------------------------- */

struct ws_output_pdf {
	pdf_sink sink;           /* the temporary file, committed by close */
	cairo_surface_t *surface; /* made with the first page */
	cairo_t *cr;
	size_t pages;            /* written so far */
	int status;              /* first failure, or WS_OK */
	ws_twins *twins;         /* borrowed from the options, or NULL */
	ws_atomic_batch *commit_batch; /* borrowed from the options, or NULL */
	font_check fc;           /* the fonts every page drew with */
	unsigned long allocs;    /* ws_alloc_failures() when opened or its first document was made */
};

int ws_output_pdf_open(ws_output_pdf **out, const char *path, const ws_output_options *caller_opts,
                       ws_diags *diags)
{
	if (!out)
		return fail(diags, WS_EUSAGE, NULL, "no handle to return the PDF in");
	*out = NULL;
	ws_output_options o;
	int rc = read_options(caller_opts, &o, diags);
	if (rc != WS_OK)
		return rc;
	const ws_output_options *opts = &o;
	if (opts->format != WS_FORMAT_PDF)
		return fail(diags, WS_EUSAGE, NULL, "streaming output is PDF only (not %s)",
		            ws_format_name(opts->format));
	if (!path || !*path)
		return fail(diags, WS_EUSAGE, NULL, "no output path given");
	ws_output_pdf *p = g_new0(ws_output_pdf, 1);
	p->allocs = ws_alloc_failures();
	rc = ws_atomic_open(&p->sink.file, path, diags);
	if (rc != WS_OK) {
		g_free(p);
		return rc;
	}
	p->twins = opts->twins;
	p->commit_batch = opts->commit_batch;
	*out = p;
	return WS_OK;
}

int ws_output_pdf_add(ws_output_pdf *p, const ws_document *doc, ws_diags *diags)
{
	if (!p || !doc)
		return fail(diags, WS_EUSAGE, NULL, "no PDF or no document to add");
	if (p->status != WS_OK)
		return p->status;
	/* A document without pages adds nothing; it is not an error unless
	 * the whole file ends up empty (ws_output_pdf_close). */
	if (ws_document_page_count(doc) == 0)
		return WS_OK;
	/* The same checks as ws_output_write() (page numbers within `doc`). */
	static const ws_output_options pdf = WS_OUTPUT_OPTIONS_INIT;
	GArray *pages = g_array_new(FALSE, FALSE, sizeof(page_ref));
	ws_document *one = (ws_document *)doc;
	int rc = collect_pages(&one, 1, &pdf, pages, diags);
	if (rc != WS_OK) {
		g_array_free(pages, TRUE);
		p->status = rc;
		return rc;
	}
	if (!p->surface) {
		const page_ref *p0 = &g_array_index(pages, page_ref, 0);
		p->surface = pdf_surface_new(&p->sink, doc, p0->width, p0->height);
		p->cr = cairo_create(p->surface);
	}
	/* A surface or context that failed to be made draws nothing. */
	cairo_status_t made = draw_status(p->surface, p->cr);
	if (made != CAIRO_STATUS_SUCCESS) {
		fail(diags, WS_EIO, NULL, "cannot write '%s': %s", ws_atomic_path(p->sink.file),
		     cairo_status_to_string(made));
		p->status = made == CAIRO_STATUS_NO_MEMORY ? WS_ENOMEM : WS_EIO;
		g_array_free(pages, TRUE);
		return p->status;
	}
	p->allocs = MIN(p->allocs, ws_document_alloc_failures(doc));
	if (p->twins)
		ws_twins_begin_document(p->twins);
	for (guint i = 0; i < pages->len; i++) {
		if (ws_cancel_requested()) {
			p->status = WS_EINTERRUPTED; /* close discards the file */
			break;
		}
		cairo_status_t st = pdf_page(p->surface, p->cr, &g_array_index(pages, page_ref, i), p->twins, &p->fc);
		if (p->fc.failed) {
			p->status = fail_font(diags, ws_atomic_path(p->sink.file), &p->fc);
			break;
		}
		if (st != CAIRO_STATUS_SUCCESS) {
			fail(diags, WS_EIO, NULL, "cannot write '%s': %s", ws_atomic_path(p->sink.file),
			     cairo_status_to_string(st));
			p->status = st == CAIRO_STATUS_NO_MEMORY ? WS_ENOMEM : WS_EIO;
			break;
		}
		p->pages++;
	}
	g_array_free(pages, TRUE);
	return p->status;
}

size_t ws_output_pdf_page_count(const ws_output_pdf *p)
{
	return p ? p->pages : 0;
}

static void pdf_stream_discard(ws_output_pdf *p)
{
	/* Cairo's tail of the file is refused, not written and removed. */
	p->sink.dropped = true;
	if (p->cr)
		cairo_destroy(p->cr);
	if (p->surface) {
		cairo_surface_finish(p->surface);
		cairo_surface_destroy(p->surface);
	}
	p->cr = NULL;
	p->surface = NULL;
	if (p->sink.file)
		ws_atomic_abort(p->sink.file);
	p->sink.file = NULL;
	g_free(p->fc.failed);
	p->fc.failed = NULL;
}

int ws_output_pdf_close(ws_output_pdf *p, ws_diags *diags)
{
	if (!p)
		return fail(diags, WS_EUSAGE, NULL, "no PDF to close");
	int rc = p->status;
	if (rc == WS_OK && p->pages == 0)
		rc = fail(diags, WS_EUSAGE, NULL, "nothing to write: the documents have no pages");
	if (rc != WS_OK) {
		pdf_stream_discard(p);
		g_free(p);
		return rc;
	}
	rc = pdf_finish(p->surface, p->cr, &p->sink, NULL, p->allocs, p->commit_batch, diags);
	g_free(p->fc.failed);
	g_free(p);
	return rc;
}

void ws_output_pdf_abort(ws_output_pdf *p)
{
	if (!p)
		return;
	pdf_stream_discard(p);
	g_free(p);
}
