/* `text:` — a paragraph or several, from a template, in a box or in the
 * flow (where it breaks across pages line by line). */
#include "elements.h"

#include "flow.h"
#include "layout-load.h"

typedef struct text_elem {
	ws_template *text;       /* owned */
	ws_style style;          /* resolved */
} text_elem;

static const char *const text_keys[] = {"text", "style", NULL};
static const char *const *const text_lists[] = {text_keys, ws__ld_common_keys, ws__ld_style_keys, NULL};

static void *text_load(ws_loader *ld, ws_elem *e, const ws_elem_src *src)
{
	text_elem *x = g_new0(text_elem, 1);
	ws__ld_check_keys_in(ld, src->props, text_lists, "a text element");
	/* style keys are allowed beside text */
	if (ws_value_get_type(src->value) == WS_VALUE_MAP)
		ws__ld_err(ld, src->value, "text takes a string; put the style keys beside it");
	else
		x->text = ws__ld_template(ld, src->value, "text");
	ws__ld_elem_style(ld, src->props, &x->style, &ld->layout->base_style);
	return x;
}

static void text_free(void *data)
{
	text_elem *x = data;
	ws_template_free(x->text);
	ws_style_free_contents(&x->style);
	g_free(x);
}

static ws_text_src text_src(const ws_elem *e)
{
	const text_elem *x = e->data;
	return (ws_text_src){&x->style, x->text, e->loc, e->type_name, e->keep_with_next};
}

static void text_place_box(ws_flow *t, const ws_elem *e, ws_rect box)
{
	const text_elem *x = e->data;
	ws_text_src src = text_src(e);
	char *text = NULL;
	if (ws_bind_text(x->text, t->scope, &text, t->diags) == WS_OK)
		ws_flow_text_box(t, &src, text, box);
	g_free(text);
}

static void text_place_flow(ws_flow *t, const ws_elem *e, double x0, double width)
{
	const text_elem *x = e->data;
	ws_text_src src = text_src(e);
	char *text = NULL;
	if (ws_bind_text(x->text, t->scope, &text, t->diags) != WS_OK)
		return;
	if (e->height != WS_AUTO) {
		ws_flow_ensure_room(t, e->height);
		ws_flow_text_box(t, &src, text, (ws_rect){x0, t->y, width, e->height});
		t->y += e->height;
		t->page_has_flow = true;
	} else {
		ws_flow_text_flow(t, &src, text, x0, width);
	}
	g_free(text);
}

static double text_start_height(ws_flow *t, const ws_elem *e)
{
	const text_elem *x = e->data;
	return ws_flow_line_pitch(t, &x->style, x->style.size) * WS_KEEP_LINES;
}

/* The height of the text as it will be set in the flow, pt. */
static double text_content_height(ws_flow *t, const ws_elem *e)
{
	const text_elem *x = e->data;
	char *text = NULL;
	ws_diags *quiet = ws_diags_new(); /* errors are reported when the element is placed */
	double h = 0;
	if (ws_bind_text(x->text, t->scope, &text, quiet) == WS_OK) {
		double width = e->width == WS_AUTO ? t->frame.width - e->x_offset : e->width;
		char **paras = ws_flow_split_paragraphs(text);
		ws_para_set ps = {0};
		ws_para_set_make(t, &ps, paras, &x->style, x->style.size, width, ws_template_is_constant(x->text));
		h = ps.height;
		ws_para_set_free(&ps);
		g_strfreev(paras);
	}
	g_free(text);
	ws_diags_free(quiet);
	return h;
}

static double text_block_height(ws_flow *t, const ws_elem *e)
{
	return e->space_before + (e->height != WS_AUTO ? e->height : text_content_height(t, e)) + e->space_after;
}

static const ws_style *text_style(const ws_elem *e)
{
	const text_elem *x = e->data;
	return &x->style;
}

const ws_elem_class ws__elem_text = {
	.name = "text",
	.keys = text_lists,
	.load = text_load,
	.free = text_free,
	.place_box = text_place_box,
	.place_flow = text_place_flow,
	.start_height = text_start_height,
	.style = text_style,
	.block_height = text_block_height,
	.content_height = text_content_height,
};
