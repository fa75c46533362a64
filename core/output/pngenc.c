/* Fast PNG encoder (pngenc.h).  PNG: signature, IHDR, IDAT (zlib stream of
 * scanlines, each prefixed by its filter type), IEND; every chunk is
 * length, type, data, CRC-32 of type + data (PNG spec §5). */
#include "pngenc.h"

#include <string.h>
#include <zlib.h>

static void put32(GByteArray *b, guint32 v)
{
	guint8 x[4] = {v >> 24, v >> 16, v >> 8, v};
	g_byte_array_append(b, x, 4);
}

static void chunk(GByteArray *b, const char *type, const guint8 *data, size_t len)
{
	put32(b, (guint32)len);
	g_byte_array_append(b, (const guint8 *)type, 4);
	if (len)
		g_byte_array_append(b, data, (guint)len);
	uLong crc = crc32(0, (const Bytef *)type, 4);
	if (len)
		crc = crc32(crc, data, (uInt)len);
	put32(b, (guint32)crc);
}

GBytes *ws_png_encode(cairo_surface_t *image, int level)
{
	/* An error surface (a page Cairo failed to draw) is no image. */
	if (!image || cairo_surface_status(image) != CAIRO_STATUS_SUCCESS ||
	    cairo_surface_get_type(image) != CAIRO_SURFACE_TYPE_IMAGE)
		return NULL;
	cairo_format_t fmt = cairo_image_surface_get_format(image);
	if (fmt != CAIRO_FORMAT_RGB24 && fmt != CAIRO_FORMAT_ARGB32)
		return NULL;
	cairo_surface_flush(image);
	if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS)
		return NULL;
	int w = cairo_image_surface_get_width(image), h = cairo_image_surface_get_height(image);
	int stride = cairo_image_surface_get_stride(image);
	const unsigned char *px = cairo_image_surface_get_data(image);
	if (!px || w <= 0 || h <= 0)
		return NULL;

	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit(&z, level < 0 || level > 9 ? 1 : level) != Z_OK)
		return NULL;
	GByteArray *idat = g_byte_array_sized_new((guint)(w * h / 8 + 1024));
	size_t row_len = 1 + (size_t)w * 3;
	guint8 *row = g_malloc(row_len);
	guint8 out[65536];
	int zrc = Z_OK;
	for (int y = 0; y < h && zrc == Z_OK; y++) {
		const guint32 *src = (const guint32 *)(px + (size_t)y * stride);
		row[0] = 0; /* filter: none — fastest, and white rows compress to nothing anyway */
		for (int x = 0; x < w; x++) {
			guint32 p = src[x]; /* native-endian xRGB; RGB24 is opaque */
			row[1 + 3 * x] = (guint8)(p >> 16);
			row[2 + 3 * x] = (guint8)(p >> 8);
			row[3 + 3 * x] = (guint8)p;
		}
		z.next_in = row;
		z.avail_in = (uInt)row_len;
		int flush = y == h - 1 ? Z_FINISH : Z_NO_FLUSH;
		do {
			z.next_out = out;
			z.avail_out = sizeof out;
			zrc = deflate(&z, flush);
			g_byte_array_append(idat, out, (guint)(sizeof out - z.avail_out));
		} while (zrc == Z_OK && (z.avail_in > 0 || (flush == Z_FINISH && z.avail_out == 0)));
		if (flush == Z_FINISH && zrc == Z_STREAM_END)
			break;
	}
	deflateEnd(&z);
	g_free(row);
	if (zrc != Z_STREAM_END) {
		g_byte_array_free(idat, TRUE);
		return NULL;
	}
	GByteArray *png = g_byte_array_sized_new(idat->len + 64);
	static const guint8 sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	g_byte_array_append(png, sig, 8);
	guint8 ihdr[13] = {w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h,
	                   8 /* bit depth */, 2 /* RGB */, 0, 0, 0};
	chunk(png, "IHDR", ihdr, sizeof ihdr);
	chunk(png, "IDAT", idat->data, idat->len);
	chunk(png, "IEND", NULL, 0);
	g_byte_array_free(idat, TRUE);
	return g_byte_array_free_to_bytes(png);
}
