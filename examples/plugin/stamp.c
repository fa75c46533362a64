/* stamp: an element type that draws a round red "checked" stamp, e.g.
 *
 *   - stamp: {text: 已核验, box: [150mm, 20mm, 30mm, 30mm]}
 *
 * The smallest useful plugin: an element type (two, sharing their hooks
 * through `self`), checked before drawing, drawn with Cairo into the box
 * the layout gives.  Written against plugin ABI 2.1.  See docs/plugins.md. */
#include <math.h>
#include <string.h>

#include <plugin-abi.h>  /* from wenshu-plugin.pc (include/wenshu) */

/* Called with the element's properties after their templates are filled
 * in, before anything is drawn: refuse what cannot be drawn. */
static int stamp_check(const ws_element_desc *self, const ws_host_services *host, const ws_value *props,
                       ws_diags *diags)
{
	(void)self;
	const char *text = host->value_text(host->map_get(props, "text"));
	if (!text || !*text)
		return host->diag(diags, WS_SEVERITY_ERROR, props, "stamp", NULL, "a stamp needs a text");
	if (strlen(text) > 4 * 3)
		return host->diag(diags, WS_SEVERITY_ERROR, props, "stamp", NULL,
		                  "a stamp holds at most 4 characters, not '%s'", text);
	return WS_OK;
}

/* Draws into the box (points, page origin top-left) and leaves the Cairo
 * state as it found it. */
static int stamp_draw(const ws_element_desc *self, const ws_host_services *host, cairo_t *cr, ws_rect box,
                      const ws_value *props, ws_diags *diags)
{
	(void)diags;
	/* `self` is this element's entry: its data says which ink to use, so
	 * one draw function serves both "stamp" and "stamp-blue". */
	const ws_color *ink = self->data;
	const char *text = host->value_text(host->map_get(props, "text"));
	double r = fmin(box.width, box.height) / 2;
	double cx = box.x + box.width / 2, cy = box.y + box.height / 2;
	cairo_save(cr);
	cairo_set_source_rgb(cr, ink->r, ink->g, ink->b);
	cairo_set_line_width(cr, r * 0.08);
	cairo_arc(cr, cx, cy, r * 0.92, 0, 2 * M_PI);
	cairo_stroke(cr);
	cairo_select_font_face(cr, "Noto Sans CJK SC", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, r * 0.55);
	cairo_text_extents_t ext;
	cairo_text_extents(cr, text, &ext);
	cairo_move_to(cr, cx - ext.x_advance / 2, cy + ext.height / 2 - (ext.height + ext.y_bearing));
	cairo_show_text(cr, text);
	cairo_restore(cr);
	return WS_OK;
}

static const char *const stamp_keys[] = {"text", NULL};

static const ws_color seal_red = {0.80, 0.05, 0.05, 1};
static const ws_color ink_blue = {0.05, 0.15, 0.65, 1};

static const ws_element_desc elements[] = {
	{.name = "stamp", .keys = stamp_keys, .check = stamp_check, .draw = stamp_draw, .data = &seal_red},
	{.name = "stamp-blue", .keys = stamp_keys, .check = stamp_check, .draw = stamp_draw, .data = &ink_blue},
};

/* The one exported symbol: a versioned descriptor (ABI, sizes, name). */
WS_PLUGIN_DEFINE(.name = "stamp", .version = "1.0", .description = "a round red checked stamp",
                 .elements = elements, .n_elements = 2)
