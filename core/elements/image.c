/* `image:` — a PNG or SVG from the layout's folder, scaled to fit its box
 * with its aspect kept. */
#include "elements.h"

#include <librsvg/rsvg.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "layout-load.h"

static const char *const image_keys[] = {"src", NULL};
static const char *const *const image_lists[] = {image_keys, ws__ld_common_keys, NULL};

/* Images are confined to the layout's folder: no absolute paths, no "..",
 * and after resolving symlinks the file must still be inside, and be a
 * regular file (a FIFO or device is refused without being opened). */
static char *resolve_asset(ws_loader *ld, const ws_value *v)
{
	const char *src = ws__ld_scalar_text(ld, v, "src");
	if (!src)
		return NULL;
	if (!*src || g_path_is_absolute(src) || strstr(src, "..")) {
		ws__ld_err(ld, v, "image '%s' must be a relative path inside the layout's folder", src);
		return NULL;
	}
	char *joined = g_build_filename(ld->layout->dir, src, NULL);
	char *real = realpath(joined, NULL);
	char *dir_real = realpath(ld->layout->dir, NULL);
	char *result = NULL;
	if (!real) {
		ws__ld_err(ld, v, "image '%s' not found (looked in %s)", src, ld->layout->dir);
	} else if (!dir_real || !g_str_has_prefix(real, dir_real) || real[strlen(dir_real)] != '/') {
		ws__ld_err(ld, v, "image '%s' resolves outside the layout's folder", src);
	} else if (!g_file_test(real, G_FILE_TEST_IS_REGULAR)) {
		ws__ld_err(ld, v, "image '%s' is not a regular file", src);
	} else if (!g_str_has_suffix(real, ".png") && !g_str_has_suffix(real, ".svg")) {
		ws__ld_err(ld, v, "image '%s' must be a .png or .svg file", src);
	} else {
		result = g_strdup(real);
	}
	free(real);
	free(dir_real);
	g_free(joined);
	return result;
}

/* The element's data: the resolved absolute path (owned), or NULL. */
static void *image_load(ws_loader *ld, ws_elem *e, const ws_elem_src *src)
{
	char *path = NULL;
	ws__ld_check_keys_in(ld, src->props, image_lists, "an image");
	const ws_value *s = ws_value_map_get(src->props, "src");
	if (!s && ws_value_get_type(src->value) != WS_VALUE_MAP)
		s = src->value;
	if (!s)
		ws__ld_err(ld, src->elem, "an image needs src");
	else
		path = resolve_asset(ld, s);
	if (!e->has_box && e->height == WS_AUTO)
		ws__ld_err(ld, src->elem, "an image needs a box, or a height in the flow");
	return path;
}

/* ------------------------------------------------------------ drawing */

typedef struct image_op {
	ws_rect box;
	cairo_surface_t *png;   /* owned, or NULL */
	RsvgHandle *svg;        /* owned, or NULL */
	double w, h;            /* intrinsic size */
} image_op;

static void image_op_draw(cairo_t *cr, void *data)
{
	image_op *op = data;
	/* Contain: the whole image, centred, aspect kept. */
	double s = MIN(op->box.width / op->w, op->box.height / op->h);
	double dw = op->w * s, dh = op->h * s;
	double x = op->box.x + (op->box.width - dw) / 2, y = op->box.y + (op->box.height - dh) / 2;
	cairo_save(cr);
	if (op->png) {
		cairo_translate(cr, x, y);
		cairo_scale(cr, s, s);
		cairo_set_source_surface(cr, op->png, 0, 0);
		cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
		cairo_rectangle(cr, 0, 0, op->w, op->h);
		cairo_fill(cr);
	} else if (op->svg) {
		RsvgRectangle vp = {x, y, dw, dh};
		rsvg_handle_render_document(op->svg, cr, &vp, NULL);
	}
	cairo_restore(cr);
}

static void image_op_free(void *data)
{
	image_op *op = data;
	if (op->png)
		cairo_surface_destroy(op->png);
	if (op->svg)
		g_object_unref(op->svg);
	g_free(op);
}

/* Every placement decodes its own surface, and Cairo's PDF writer embeds
 * each surface as a new image object: a seal under `every_page:` was
 * embedded once per page (100 pages of a 500 × 500 image: 75 MB).  Cairo
 * merges surfaces that carry the same CAIRO_MIME_TYPE_UNIQUE_ID into one
 * object, so the id is a digest of the decoded pixels (and their shape):
 * the same image is one object, in the document and across the documents
 * of a merged PDF, and two different files never share one. */
static void mark_unique(cairo_surface_t *png)
{
	cairo_surface_flush(png);
	int w = cairo_image_surface_get_width(png), h = cairo_image_surface_get_height(png);
	int stride = cairo_image_surface_get_stride(png);
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	int shape[4] = {w, h, stride, (int)cairo_image_surface_get_format(png)};
	g_checksum_update(sum, (const guchar *)shape, sizeof shape);
	g_checksum_update(sum, cairo_image_surface_get_data(png), (gssize)((size_t)stride * (size_t)h));
	char *id = g_strdup_printf("wenshu-png-%s", g_checksum_get_string(sum));
	g_checksum_free(sum);
	if (cairo_surface_set_mime_data(png, CAIRO_MIME_TYPE_UNIQUE_ID, (const unsigned char *)id,
	                                strlen(id), g_free, id) != CAIRO_STATUS_SUCCESS)
		g_free(id); /* out of memory: the image is simply embedded again */
}

static void image_place_box(ws_flow *t, const ws_elem *e, ws_rect r)
{
	const char *path = e->data;
	if (!path)
		return;
	image_op *op = g_new0(image_op, 1);
	op->box = r;
	if (g_str_has_suffix(path, ".svg")) {
		GError *gerr = NULL;
		op->svg = rsvg_handle_new_from_file(path, &gerr);
		if (!op->svg) {
			ws_diag_add(t->diags, WS_SEVERITY_ERROR, e->loc, NULL, NULL, "cannot read SVG '%s': %s", path,
			            gerr ? gerr->message : "unknown error");
			g_clear_error(&gerr);
			g_free(op);
			return;
		}
		gdouble w = 0, h = 0;
		if (!rsvg_handle_get_intrinsic_size_in_pixels(op->svg, &w, &h) || w <= 0 || h <= 0) {
			w = r.width;
			h = r.height;
		}
		op->w = w;
		op->h = h;
	} else {
		op->png = cairo_image_surface_create_from_png(path);
		if (cairo_surface_status(op->png) != CAIRO_STATUS_SUCCESS) {
			ws_diag_add(t->diags, WS_SEVERITY_ERROR, e->loc, NULL, NULL, "cannot read PNG '%s': %s", path,
			            cairo_status_to_string(cairo_surface_status(op->png)));
			cairo_surface_destroy(op->png);
			g_free(op);
			return;
		}
		op->w = cairo_image_surface_get_width(op->png);
		op->h = cairo_image_surface_get_height(op->png);
		mark_unique(op->png);
	}
	if (op->w <= 0 || op->h <= 0 || r.width <= 0 || r.height <= 0) {
		image_op_free(op);
		return;
	}
	ws_document_add_op(t->doc, t->page, image_op_draw, op, image_op_free);
	ws_flow_record_box(t, e, WS_RECORD_BOX, r);
}

const ws_elem_class ws__elem_image = {
	.name = "image",
	.keys = image_lists,
	.load = image_load,
	.free = g_free,
	.place_box = image_place_box,
	.place_flow = ws__elem_boxed_place_flow,
	.start_height = ws__elem_boxed_height,
};
