/* The adapter that puts a plugin's element type (ws_element_desc,
 * plugin-abi.h) behind the same table as the built-in types: its keys are
 * checked against the descriptor's, string values are templates bound per
 * group, and the plugin's check() and draw() run on the bound values. */
#include "elements.h"

#include <string.h>

#include "flow.h"
#include "host.h"
#include "layout-load.h"

typedef struct plugin_elem {
	const ws_element_desc *desc;  /* borrowed from the registry */
	GPtrArray *keys;              /* of char* (owned) */
	GPtrArray *templates;         /* of ws_template* (owned); NULL entry = non-string value */
	GPtrArray *values;            /* of ws_value* (owned): the raw values */
} plugin_elem;

static void *plugin_load(ws_loader *ld, ws_elem *e, const ws_elem_src *src)
{
	const ws_element_desc *d = src->plugin;
	const ws_value *props = src->props;
	plugin_elem *x = g_new0(plugin_elem, 1);
	x->desc = d;
	ws__ld_check_keys(ld, props, d->keys, ws__ld_common_keys, e->type_name);
	if (!e->has_box && e->height == WS_AUTO)
		ws__ld_err(ld, props, "a %s element needs a box, or a height in the flow", e->type_name);
	x->keys = g_ptr_array_new_with_free_func(g_free);
	x->templates = g_ptr_array_new_with_free_func((GDestroyNotify)ws_template_free);
	x->values = g_ptr_array_new_with_free_func((GDestroyNotify)ws_value_unref);
	for (size_t i = 0; i < ws_value_length(props); i++) {
		const char *k = ws_value_map_key_at(props, i);
		bool common = false;
		for (size_t c = 0; ws__ld_common_keys[c]; c++)
			common = common || strcmp(k, ws__ld_common_keys[c]) == 0;
		if (common)
			continue;
		const ws_value *pv = ws_value_map_value_at(props, i);
		g_ptr_array_add(x->keys, g_strdup(k));
		g_ptr_array_add(x->values, ws_value_ref((ws_value *)pv));
		g_ptr_array_add(x->templates, ws_value_get_type(pv) == WS_VALUE_STRING
		                                      ? ws__ld_template(ld, pv, k) : NULL);
	}
	return x;
}

static void plugin_free(void *data)
{
	plugin_elem *x = data;
	g_ptr_array_free(x->keys, TRUE);
	g_ptr_array_free(x->templates, TRUE);
	g_ptr_array_free(x->values, TRUE);
	g_free(x);
}

/* ------------------------------------------------------------ drawing */

typedef struct plugin_op {
	const ws_element_desc *desc;
	ws_rect box;
	ws_value *props; /* owned */
} plugin_op;

static void plugin_op_draw(cairo_t *cr, void *data)
{
	plugin_op *op = data;
	cairo_save(cr);
	op->desc->draw(op->desc, ws_host_services_get(), cr, op->box, op->props, NULL);
	cairo_restore(cr);
}

static void plugin_op_free(void *data)
{
	plugin_op *op = data;
	ws_value_unref(op->props);
	g_free(op);
}

static void plugin_place_box(ws_flow *t, const ws_elem *e, ws_rect r)
{
	const plugin_elem *x = e->data;
	ws_value *props = ws_value_new_map(e->loc);
	for (guint i = 0; i < x->keys->len; i++) {
		ws_template *tpl = g_ptr_array_index(x->templates, i);
		ws_value *raw = g_ptr_array_index(x->values, i);
		ws_value *v = NULL;
		if (tpl) {
			if (ws_template_eval(tpl, t->scope, &v, t->diags) != WS_OK) {
				ws_value_unref(props);
				return;
			}
		} else {
			v = ws_value_ref(raw);
		}
		ws_value_map_set(props, g_ptr_array_index(x->keys, i), v, ws_value_loc(raw));
	}
	const ws_host_services *host = ws_host_services_get();
	if (x->desc->check) {
		ws_diags *mine = ws_diags_new();
		x->desc->check(x->desc, host, props, mine);
		bool bad = ws_diags_has_errors(mine);
		ws_diags_move(t->diags, mine);
		ws_diags_free(mine);
		if (bad) {
			ws_value_unref(props);
			return;
		}
	}
	plugin_op *op = g_new0(plugin_op, 1);
	op->desc = x->desc;
	op->box = r;
	op->props = props;
	ws_document_add_op(t->doc, t->page, plugin_op_draw, op, plugin_op_free);
	ws_flow_record_box(t, e, WS_RECORD_BOX, r);
}

const ws_elem_class ws__elem_plugin_class = {
	.name = "(plugin)",
	.load = plugin_load,
	.free = plugin_free,
	.place_box = plugin_place_box,
	.place_flow = ws__elem_boxed_place_flow,
	.start_height = ws__elem_boxed_height,
};
