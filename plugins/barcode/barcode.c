/* The `barcode` element type: Code 128, QR Code, Data Matrix and PDF417
 * via libzint's vector output, drawn with Cairo.
 *
 *     - barcode: { box: [20, 250, 60, 18], symbology: code128,
 *                  value: "{{ group.application_id }}", show_text: true }
 *
 * Keys:
 *   symbology   code128 (default) | qr | datamatrix | pdf417
 *   value       the text to encode (UTF-8; numbers are encoded as written)
 *   show_text   bool, default true: human-readable text under a linear code
 *               (2-D codes have none)
 *   quiet_zone  true (default: the quiet zones the symbology's standard
 *               asks for), false (none), or a number of modules on each side
 *   color       "#rgb", "#rrggbb" or "#rrggbbaa", default black
 *
 * The symbol is scaled uniformly to fit the element box and centred.  A
 * linear code's bar height is chosen so the symbol fills the box; a 2-D
 * code keeps its aspect.  Nothing is drawn outside the box.
 *
 * This module talks to the core only through the ws_host_services table.
 */
#include <cairo.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <zint.h>

#include "plugin-abi.h"

typedef struct symbology {
	const char *name;
	int id;
	bool linear;
} symbology;

static const symbology symbologies[] = {
	{"code128", BARCODE_CODE128, true},
	{"qr", BARCODE_QRCODE, false},
	{"datamatrix", BARCODE_DATAMATRIX, false},
	{"pdf417", BARCODE_PDF417, false},
};
#define N_SYMBOLOGIES (sizeof symbologies / sizeof symbologies[0])

typedef struct opts {
	const symbology *sym;
	const char *text;
	const ws_value *value;  /* where the text came from, for diagnostics */
	bool show_text;
	bool quiet_default;     /* standard quiet zones */
	int quiet_modules;      /* explicit quiet zone, when !quiet_default */
	ws_color color;
} opts;

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_color(const char *s, ws_color *out)
{
	if (*s == '#')
		s++;
	size_t n = strlen(s);
	int v[8];
	if (n != 3 && n != 6 && n != 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((v[i] = hexval(s[i])) < 0)
			return false;
	if (n == 3) {
		*out = (ws_color){v[0] / 15.0, v[1] / 15.0, v[2] / 15.0, 1.0};
		return true;
	}
	out->r = (v[0] * 16 + v[1]) / 255.0;
	out->g = (v[2] * 16 + v[3]) / 255.0;
	out->b = (v[4] * 16 + v[5]) / 255.0;
	out->a = n == 8 ? (v[6] * 16 + v[7]) / 255.0 : 1.0;
	return true;
}

/* Reads and checks the properties; reports every problem.  WS_OK or
 * WS_EINPUT. */
static int parse_opts(const ws_host_services *h, const ws_value *props, ws_diags *diags,
                      opts *o)
{
	int rc = WS_OK;
	*o = (opts){.sym = &symbologies[0], .show_text = true, .quiet_default = true,
	            .color = {0, 0, 0, 1}};

	const ws_value *v = h->map_get(props, "symbology");
	if (v && h->value_type(v) != WS_VALUE_NULL) {
		const char *name = h->value_text(v);
		o->sym = NULL;
		for (size_t i = 0; name && i < N_SYMBOLOGIES; i++)
			if (strcmp(name, symbologies[i].name) == 0)
				o->sym = &symbologies[i];
		if (!o->sym) {
			h->diag(diags, WS_SEVERITY_ERROR, v, NULL, NULL,
			        "barcode: unknown symbology '%s' (want code128, qr, datamatrix or pdf417)",
			        name ? name : h->value_type(v) == WS_VALUE_LIST ? "(list)" : "(map)");
			rc = WS_EINPUT;
		}
	}

	v = h->map_get(props, "value");
	ws_value_type t = h->value_type(v);
	if (!v || t == WS_VALUE_NULL) {
		h->diag(diags, WS_SEVERITY_ERROR, v ? v : props, NULL, NULL,
		        "barcode: key 'value' is missing or empty");
		rc = WS_EINPUT;
	} else if (t == WS_VALUE_LIST || t == WS_VALUE_MAP) {
		h->diag(diags, WS_SEVERITY_ERROR, v, NULL, NULL,
		        "barcode: 'value' must be a string or a number, not a %s",
		        t == WS_VALUE_LIST ? "list" : "map");
		rc = WS_EINPUT;
	} else {
		o->text = h->value_text(v);
		o->value = v;
	}

	v = h->map_get(props, "show_text");
	if (v && h->value_type(v) != WS_VALUE_NULL) {
		if (h->value_type(v) != WS_VALUE_BOOL) {
			h->diag(diags, WS_SEVERITY_ERROR, v, NULL, NULL,
			        "barcode: 'show_text' must be true or false");
			rc = WS_EINPUT;
		} else {
			o->show_text = h->value_truthy(v);
		}
	}

	v = h->map_get(props, "quiet_zone");
	if (v && h->value_type(v) != WS_VALUE_NULL) {
		t = h->value_type(v);
		double n = t == WS_VALUE_NUMBER ? h->value_number(v) : -1;
		if (t == WS_VALUE_BOOL) {
			o->quiet_default = h->value_truthy(v);
			o->quiet_modules = 0;
		} else if (t == WS_VALUE_NUMBER && n >= 0 && n <= 100 && n == floor(n)) {
			o->quiet_default = false;
			o->quiet_modules = (int)n;
		} else {
			h->diag(diags, WS_SEVERITY_ERROR, v, NULL, NULL,
			        "barcode: 'quiet_zone' must be true, false or a whole number of "
			        "modules from 0 to 100");
			rc = WS_EINPUT;
		}
	}

	v = h->map_get(props, "color");
	if (v && h->value_type(v) != WS_VALUE_NULL) {
		const char *s = h->value_text(v);
		if (!s || !parse_color(s, &o->color)) {
			h->diag(diags, WS_SEVERITY_ERROR, v, NULL, NULL,
			        "barcode: 'color' must be \"#rgb\", \"#rrggbb\" or \"#rrggbbaa\"");
			rc = WS_EINPUT;
		}
	}
	return rc;
}

static struct zint_symbol *new_symbol(const opts *o)
{
	struct zint_symbol *s = ZBarcode_Create();
	if (!s)
		return NULL;
	s->symbology = o->sym->id;
	s->input_mode = UNICODE_MODE;
	s->show_hrt = o->sym->linear && o->show_text;
	if (o->quiet_default) {
		s->output_options |= BARCODE_QUIET_ZONES;
	} else {
		s->output_options |= BARCODE_NO_QUIET_ZONES;
		s->whitespace_width = o->quiet_modules;
		s->whitespace_height = o->quiet_modules;
	}
	return s;
}

/* Reports a zint failure; returns WS_EINPUT for errors, WS_OK for
 * warnings worth no more than a warning. */
static int report_zint(const ws_host_services *h, ws_diags *diags, const opts *o,
                       const struct zint_symbol *s, int zrc)
{
	if (zrc >= ZINT_ERROR) {
		h->diag(diags, WS_SEVERITY_ERROR, o->value, NULL, NULL,
		        "barcode: \"%s\" cannot be encoded as %s: %s", o->text, o->sym->name,
		        s->errtxt);
		return WS_EINPUT;
	}
	/* ECI 26 (UTF-8) for Chinese text in a QR code is expected. */
	if (zrc != 0 && zrc != ZINT_WARN_USES_ECI)
		h->diag(diags, WS_SEVERITY_WARNING, o->value, NULL, NULL, "barcode: %s: %s",
		        o->sym->name, s->errtxt);
	return WS_OK;
}

static int barcode_check(const ws_element_desc *self, const ws_host_services *h,
                         const ws_value *props, ws_diags *diags)
{
	(void)self;
	opts o;
	if (parse_opts(h, props, diags, &o) != WS_OK)
		return WS_EINPUT;
	struct zint_symbol *s = new_symbol(&o);
	if (!s) {
		h->diag(diags, WS_SEVERITY_ERROR, props, NULL, NULL, "barcode: out of memory");
		return WS_ENOMEM;
	}
	int zrc = ZBarcode_Encode(s, (const unsigned char *)o.text, (int)strlen(o.text));
	int rc = report_zint(h, diags, &o, s, zrc);
	ZBarcode_Delete(s);
	return rc;
}

/* Encodes into vector form; for a linear code, with the bar height that
 * makes the symbol's aspect match the box. */
static int encode_vector(const ws_host_services *h, ws_diags *diags, const opts *o, ws_rect box,
                         struct zint_symbol **out)
{
	struct zint_symbol *s = new_symbol(o);
	if (!s) {
		h->diag(diags, WS_SEVERITY_ERROR, o->value, NULL, NULL, "barcode: out of memory");
		return WS_ENOMEM;
	}
	const unsigned char *data = (const unsigned char *)o->text;
	int len = (int)strlen(o->text);
	int zrc = ZBarcode_Encode_and_Buffer_Vector(s, data, len, 0);
	int rc = report_zint(h, diags, o, s, zrc);
	if (rc == WS_OK && o->sym->linear && box.width > 0 && box.height > 0) {
		/* Vector height grows linearly with symbol->height; the bars'
		 * drawn height tells the factor. */
		float bar = 0;
		for (const struct zint_vector_rect *r = s->vector->rectangles; r; r = r->next)
			if (r->height > bar)
				bar = r->height;
		double k = s->height > 0 ? bar / s->height : 0;
		double want = s->vector->width * (box.height / box.width);
		if (k > 0 && fabs(want - s->vector->height) > 0.01) {
			double hgt = s->height + (want - s->vector->height) / k;
			if (hgt < 1)
				hgt = 1; /* box too flat: fit by height instead */
			if (hgt > 2000)
				hgt = 2000;
			ZBarcode_Clear(s);
			s->height = (float)hgt;
			zrc = ZBarcode_Encode_and_Buffer_Vector(s, data, len, 0);
			rc = zrc >= ZINT_ERROR ? report_zint(h, diags, o, s, zrc) : WS_OK;
		}
	}
	if (rc != WS_OK || !s->vector) {
		ZBarcode_Delete(s);
		return rc != WS_OK ? rc : WS_EINPUT;
	}
	*out = s;
	return WS_OK;
}

/* zint's colour codes for Ultracode; everything else is -1 (foreground). */
static void set_zint_colour(cairo_t *cr, int colour, const ws_color *fg)
{
	static const double palette[8][3] = {
		{0, 1, 1}, {0, 0, 1}, {1, 0, 1}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}, {0, 0, 0}, {1, 1, 1},
	};
	if (colour >= 1 && colour <= 8)
		cairo_set_source_rgba(cr, palette[colour - 1][0], palette[colour - 1][1],
		                      palette[colour - 1][2], fg->a);
	else
		cairo_set_source_rgba(cr, fg->r, fg->g, fg->b, fg->a);
}

static void draw_hexagon(cairo_t *cr, const struct zint_vector_hexagon *hx)
{
	/* rotation 0/180: a vertex at top and bottom; 90/270: at left and right */
	double start = (hx->rotation == 90 || hx->rotation == 270) ? 0 : M_PI / 2;
	double r = hx->diameter / 2.0;
	for (int i = 0; i < 6; i++) {
		double a = start + i * M_PI / 3;
		double x = hx->x + r * cos(a), y = hx->y + r * sin(a);
		if (i == 0)
			cairo_move_to(cr, x, y);
		else
			cairo_line_to(cr, x, y);
	}
	cairo_close_path(cr);
}

static void draw_string(cairo_t *cr, const struct zint_vector_string *str)
{
	const char *text = (const char *)str->text;
	cairo_save(cr);
	cairo_translate(cr, str->x, str->y);
	if (str->rotation)
		cairo_rotate(cr, str->rotation * M_PI / 180.0);
	/* The human-readable line is Latin digits and letters: the Hei role
	 * (Noto Sans CJK SC) draws them like the rest of a web-print form and
	 * adds no extra font to the PDF.  A generic "sans-serif" would follow
	 * the zh-cn preference of fonts.conf into a Kai face. */
	cairo_select_font_face(cr, "Wenshu Hei", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, str->fsize);
	cairo_text_extents_t ext;
	cairo_text_extents(cr, text, &ext);
	if (str->width > 0 && ext.x_advance > str->width) {
		cairo_set_font_size(cr, str->fsize * str->width / ext.x_advance);
		cairo_text_extents(cr, text, &ext);
	}
	double x = str->halign == 1 ? 0 : str->halign == 2 ? -ext.x_advance : -ext.x_advance / 2;
	cairo_move_to(cr, x, 0); /* y is the baseline */
	cairo_show_text(cr, text);
	cairo_restore(cr);
}

static void draw_vector(cairo_t *cr, const struct zint_vector *v, const ws_color *fg)
{
	/* Foreground rectangles as one path: adjacent bars merge without seams. */
	cairo_new_path(cr);
	for (const struct zint_vector_rect *r = v->rectangles; r; r = r->next)
		if (r->colour < 1 || r->colour > 8)
			cairo_rectangle(cr, r->x, r->y, r->width, r->height);
	set_zint_colour(cr, -1, fg);
	cairo_fill(cr);
	for (const struct zint_vector_rect *r = v->rectangles; r; r = r->next) {
		if (r->colour >= 1 && r->colour <= 8) {
			set_zint_colour(cr, r->colour, fg);
			cairo_rectangle(cr, r->x, r->y, r->width, r->height);
			cairo_fill(cr);
		}
	}
	set_zint_colour(cr, -1, fg);
	for (const struct zint_vector_hexagon *hx = v->hexagons; hx; hx = hx->next)
		draw_hexagon(cr, hx);
	cairo_fill(cr);
	for (const struct zint_vector_circle *c = v->circles; c; c = c->next) {
		/* colour != 0 asks for the background: the paper, taken as white */
		if (c->colour)
			cairo_set_source_rgba(cr, 1, 1, 1, fg->a);
		else
			set_zint_colour(cr, -1, fg);
		if (c->width > 0) {
			cairo_set_line_width(cr, c->width);
			cairo_arc(cr, c->x, c->y, (c->diameter + c->width) / 2.0, 0, 2 * M_PI);
			cairo_stroke(cr);
		} else {
			cairo_arc(cr, c->x, c->y, c->diameter / 2.0, 0, 2 * M_PI);
			cairo_fill(cr);
		}
	}
	set_zint_colour(cr, -1, fg);
	for (const struct zint_vector_string *s = v->strings; s; s = s->next)
		draw_string(cr, s);
}

static int barcode_draw(const ws_element_desc *self, const ws_host_services *h, cairo_t *cr,
                        ws_rect box, const ws_value *props, ws_diags *diags)
{
	(void)self;
	opts o;
	if (parse_opts(h, props, diags, &o) != WS_OK)
		return WS_EINPUT;
	if (!(box.width > 0 && box.height > 0)) {
		h->diag(diags, WS_SEVERITY_ERROR, props, NULL, NULL,
		        "barcode: the box must have a positive width and height (got %g x %g)",
		        box.width, box.height);
		return WS_EINPUT;
	}
	struct zint_symbol *s = NULL;
	int rc = encode_vector(h, diags, &o, box, &s);
	if (rc != WS_OK)
		return rc;
	const struct zint_vector *v = s->vector;
	if (!(v->width > 0 && v->height > 0)) {
		ZBarcode_Delete(s);
		h->diag(diags, WS_SEVERITY_ERROR, o.value, NULL, NULL,
		        "barcode: zint produced an empty %s symbol", o.sym->name);
		return WS_EINPUT;
	}

	/* The path is not part of cairo's saved state: keep the caller's. */
	cairo_path_t *caller_path = cairo_copy_path(cr);
	cairo_save(cr);
	cairo_new_path(cr);
	cairo_rectangle(cr, box.x, box.y, box.width, box.height);
	cairo_clip(cr);
	double scale = fmin(box.width / v->width, box.height / v->height);
	cairo_translate(cr, box.x + (box.width - v->width * scale) / 2,
	                box.y + (box.height - v->height * scale) / 2);
	cairo_scale(cr, scale, scale);
	draw_vector(cr, v, &o.color);
	cairo_status_t st = cairo_status(cr);
	cairo_restore(cr);
	cairo_new_path(cr);
	if (caller_path->status == CAIRO_STATUS_SUCCESS)
		cairo_append_path(cr, caller_path);
	cairo_path_destroy(caller_path);
	ZBarcode_Delete(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		h->diag(diags, WS_SEVERITY_ERROR, props, NULL, NULL, "barcode: drawing failed: %s",
		        cairo_status_to_string(st));
		return WS_EINTERNAL;
	}
	return WS_OK;
}

static const char *const barcode_keys[] = {
	"symbology", "value", "show_text", "quiet_zone", "color", NULL,
};

static const ws_element_desc elements[] = {
	{.name = "barcode", .keys = barcode_keys, .check = barcode_check, .draw = barcode_draw},
};

WS_PLUGIN_DEFINE(.name = "barcode", .version = "2.0",
                 .description = "barcode element: Code 128, QR Code, Data Matrix, PDF417 (libzint)",
                 .elements = elements, .n_elements = 1)
