/* The fast PNG encoder of previews (core/output/pngenc.c): what it writes
 * is a valid PNG (every chunk's CRC checks) that any reader decodes to
 * exactly the pixels of the surface, at every compression level. */
#include <criterion/criterion.h>
#include <cairo.h>
#include <glib.h>
#include <string.h>
#include <zlib.h>

#include "pngenc.h"

/* A surface no two neighbouring pixels of which are alike: any swapped
 * channel, shifted row or dropped column shows. */
static cairo_surface_t *pattern(cairo_format_t fmt, int w, int h)
{
	cairo_surface_t *s = cairo_image_surface_create(fmt, w, h);
	cairo_surface_flush(s);
	unsigned char *px = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	for (int y = 0; y < h; y++) {
		guint32 *row = (guint32 *)(px + (size_t)y * stride);
		for (int x = 0; x < w; x++)
			row[x] = 0xFF000000u | (guint32)((x * 37 + y) & 0xFF) << 16 |
			         (guint32)((y * 11 + 3 * x) & 0xFF) << 8 | (guint32)((x ^ y) & 0xFF);
	}
	cairo_surface_mark_dirty(s);
	return s;
}

typedef struct reader {
	const guint8 *p;
	size_t left;
} reader;

static cairo_status_t read_bytes(void *closure, unsigned char *data, unsigned int len)
{
	reader *r = closure;
	if (len > r->left)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p, len);
	r->p += len;
	r->left -= len;
	return CAIRO_STATUS_SUCCESS;
}

static guint32 be32(const guint8 *p)
{
	return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

/* Walks the chunks: signature, IHDR first, IEND last, every CRC right. */
static void assert_png_structure(GBytes *png, int w, int h)
{
	gsize len;
	const guint8 *b = g_bytes_get_data(png, &len);
	static const guint8 sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	cr_assert(len > 8 && memcmp(b, sig, 8) == 0, "PNG signature");
	size_t off = 8;
	int n = 0;
	char last[5] = "";
	while (off + 12 <= len) {
		guint32 clen = be32(b + off);
		cr_assert(off + 12 + clen <= len, "chunk %d runs past the end", n);
		const guint8 *type = b + off + 4;
		uLong crc = crc32(0, type, 4 + clen);
		cr_assert_eq(be32(type + 4 + clen), (guint32)crc, "CRC of chunk %.4s", type);
		if (n == 0) {
			cr_assert(memcmp(type, "IHDR", 4) == 0 && clen == 13, "IHDR comes first");
			cr_assert_eq(be32(type + 4), (guint32)w);
			cr_assert_eq(be32(type + 8), (guint32)h);
			cr_assert_eq(type[12], 8, "bit depth");
			cr_assert_eq(type[13], 2, "colour type RGB");
			cr_assert(type[14] == 0 && type[15] == 0 && type[16] == 0, "deflate, filter 0, no interlace");
		}
		memcpy(last, type, 4);
		off += 12 + clen;
		n++;
	}
	cr_assert_eq(off, len, "trailing bytes after the last chunk");
	cr_assert_str_eq(last, "IEND");
	cr_assert_geq(n, 3);
}

/* Decodes with cairo's own reader (libpng) and compares every pixel. */
static void assert_same_pixels(GBytes *png, cairo_surface_t *src)
{
	gsize len;
	reader r = {g_bytes_get_data(png, &len), 0};
	r.left = len;
	cairo_surface_t *back = cairo_image_surface_create_from_png_stream(read_bytes, &r);
	cr_assert_eq(cairo_surface_status(back), CAIRO_STATUS_SUCCESS, "libpng reads it back");
	int w = cairo_image_surface_get_width(src), h = cairo_image_surface_get_height(src);
	cr_assert_eq(cairo_image_surface_get_width(back), w);
	cr_assert_eq(cairo_image_surface_get_height(back), h);
	const unsigned char *a = cairo_image_surface_get_data(src), *b = cairo_image_surface_get_data(back);
	int sa = cairo_image_surface_get_stride(src), sb = cairo_image_surface_get_stride(back);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			guint32 pa = ((const guint32 *)(a + (size_t)y * sa))[x] & 0xFFFFFF;
			guint32 pb = ((const guint32 *)(b + (size_t)y * sb))[x] & 0xFFFFFF;
			if (pa != pb)
				cr_assert_fail("pixel (%d, %d): wrote %06x, read %06x", x, y, pa, pb);
		}
	cairo_surface_destroy(back);
}

Test(pngenc, round_trip_every_level_and_format)
{
	const cairo_format_t fmts[] = {CAIRO_FORMAT_RGB24, CAIRO_FORMAT_ARGB32};
	/* 1×1, odd widths (stride padding), and taller than one 64 KiB
	 * output buffer of deflate at level 0 */
	const int sizes[][2] = {{1, 1}, {3, 2}, {61, 17}, {257, 300}};
	for (size_t f = 0; f < G_N_ELEMENTS(fmts); f++)
		for (size_t s = 0; s < G_N_ELEMENTS(sizes); s++)
			for (int level = 0; level <= 9; level += 3) {
				cairo_surface_t *img = pattern(fmts[f], sizes[s][0], sizes[s][1]);
				GBytes *png = ws_png_encode(img, level);
				cr_assert_not_null(png, "format %d, %dx%d, level %d", fmts[f], sizes[s][0],
				                   sizes[s][1], level);
				assert_png_structure(png, sizes[s][0], sizes[s][1]);
				assert_same_pixels(png, img);
				g_bytes_unref(png);
				cairo_surface_destroy(img);
			}
}

/* What previews draw: cairo's drawing, not a filled buffer. */
Test(pngenc, drawn_page_reads_back)
{
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 120, 80);
	cairo_t *cr = cairo_create(img);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0.8, 0, 0);
	cairo_rectangle(cr, 10, 10, 30, 20);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 3);
	cairo_move_to(cr, 0, 79);
	cairo_line_to(cr, 119, 0);
	cairo_stroke(cr);
	cairo_destroy(cr);
	GBytes *png = ws_png_encode(img, 1);
	cr_assert_not_null(png);
	assert_png_structure(png, 120, 80);
	assert_same_pixels(png, img);
	/* a corner pixel: white; inside the rectangle: red (204, 0, 0) */
	const guint32 *px = (const guint32 *)cairo_image_surface_get_data(img);
	cr_assert_eq(px[0] & 0xFFFFFF, 0xFFFFFFu);
	cr_assert_eq(px[15 * 120 + 15] & 0xFFFFFF, 0xCC0000u);
	g_bytes_unref(png);
	cairo_surface_destroy(img);
}

/* The reason for the module: a mostly white page costs little. */
Test(pngenc, white_page_compresses)
{
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 827, 1170);
	cairo_t *cr = cairo_create(img);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_destroy(cr);
	GBytes *fast = ws_png_encode(img, 1), *stored = ws_png_encode(img, 0);
	cr_assert(fast && stored);
	cr_assert_lt(g_bytes_get_size(fast), 20000, "an A4 page at 100 dpi, white: %zu bytes",
	             g_bytes_get_size(fast));
	/* level 0 stores: at least the raw scanlines */
	cr_assert_geq(g_bytes_get_size(stored), (size_t)1170 * (1 + 827 * 3));
	assert_same_pixels(fast, img);
	g_bytes_unref(fast);
	g_bytes_unref(stored);
	cairo_surface_destroy(img);
}

Test(pngenc, refuses_what_it_cannot_encode)
{
	cr_assert_null(ws_png_encode(NULL, 1));
	cairo_surface_t *a8 = cairo_image_surface_create(CAIRO_FORMAT_A8, 4, 4);
	cr_assert_null(ws_png_encode(a8, 1), "an alpha-only surface is not an RGB image");
	cairo_surface_destroy(a8);
	cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, NULL);
	cr_assert_null(ws_png_encode(rec, 1), "a recording surface has no pixels");
	cairo_surface_destroy(rec);
	/* an out-of-range level falls back to a valid one */
	cairo_surface_t *img = pattern(CAIRO_FORMAT_RGB24, 5, 5);
	GBytes *png = ws_png_encode(img, 42);
	cr_assert_not_null(png);
	assert_same_pixels(png, img);
	g_bytes_unref(png);
	cairo_surface_destroy(img);
}
