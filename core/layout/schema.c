/* The JSON Schema of layouts (layout.h, ws_layout_json_schema).
 *
 * Nothing here lists a key: the layout's keys, its sections' keys and
 * the enum values are the loader's own arrays (ws__ld_tables_of_the_loader,
 * layout-load.h), each element type's keys are the lists its load()
 * checks (ws_elem_class.keys), and a plugin element's keys are its
 * descriptor's.  What this file adds is the shape: which key holds a
 * list of elements, a style, a map of styles or of field rules, and the
 * JSON types the loader's readers accept (ws__ld_bool takes true/false
 * only; lengths take 12, "12pt" or "6mm"; anything may be a template).
 * An element is a map with one type key; `anyOf` says it needs one and
 * `if`/`then` applies that type's keys, so an editor names the key that
 * is wrong and completes the right ones.
 */
#include <glib.h>
#include <string.h>

#include "element.h"
#include "json.h"
#include "layout-load.h"
#include "plugin.h"

static bool in(const char *const *list, const char *key)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strcmp(list[i], key) == 0)
			return true;
	return false;
}

/* The value of `key` wherever it appears.  Open ({}) unless the loader
 * reads it one way only. */
static void emit_value(GString *o, const char *key)
{
	const ws__ld_tables *t = &ws__ld_tables_of_the_loader;
	static const char *const bools[] = {"keep_with_next", "keep_together", "keep_with_previous", NULL};
	const struct {
		const char *key;
		const char *const *values;
	} enums[] = {
		{"align", t->align}, {"valign", t->valign}, {"fit", t->fit}, {"punctuation", t->punctuation},
		{"orientation", t->orientation},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(enums); i++)
		if (strcmp(key, enums[i].key) == 0) {
			g_string_append(o, "{\"enum\": ");
			ws__json_strings(o, enums[i].values);
			g_string_append(o, "}");
			return;
		}
	if (in(bools, key))
		g_string_append(o, "{\"type\": \"boolean\"}");
	else if (strcmp(key, "box") == 0)
		g_string_append(o, "{\"type\": \"array\", \"minItems\": 4, \"maxItems\": 4, "
		                   "\"items\": {\"type\": [\"number\", \"string\"]}}");
	else if (strcmp(key, "elements") == 0)
		g_string_append(o, "{\"$ref\": \"#/definitions/elements\"}");
	else if (strcmp(key, "when") == 0)
		g_string_append(o, "{\"type\": [\"string\", \"boolean\"]}");
	else
		g_string_append(o, "{}");
}

/* "properties": {…} of every key in `lists` (and `extra` first). */
static void emit_properties(GString *o, const char *extra, const char *const *const *lists)
{
	g_string_append(o, "\"properties\": {");
	bool first = true;
	if (extra) {
		ws__json_string(o, extra);
		g_string_append(o, ": ");
		emit_value(o, extra);
		first = false;
	}
	for (size_t l = 0; lists && lists[l]; l++)
		for (size_t k = 0; lists[l][k]; k++) {
			if (extra && strcmp(lists[l][k], extra) == 0)
				continue;
			g_string_append(o, first ? "" : ", ");
			first = false;
			ws__json_string(o, lists[l][k]);
			g_string_append(o, ": ");
			emit_value(o, lists[l][k]);
		}
	g_string_append(o, "}");
}

/* An element of type `name` accepting the keys of `lists`.  The type key
 * may hold the element's keys as a map (`table: {columns: …}`), as the
 * loader merges them (element_props in layout.c). */
static void emit_element_type(GString *o, const char *name, const char *const *const *lists)
{
	ws__json_string(o, name);
	g_string_append(o, ": {\"type\": \"object\", ");
	emit_properties(o, NULL, lists);
	/* The type key's own value: a list for `elements`, else its value or
	 * a map of the type's keys. */
	g_string_truncate(o, o->len - 1);
	if (o->str[o->len - 1] != '{')
		g_string_append(o, ", ");
	ws__json_string(o, name);
	if (strcmp(name, "elements") == 0) {
		g_string_append(o, ": {\"$ref\": \"#/definitions/elements\"}");
	} else {
		g_string_append(o, ": {\"anyOf\": [{\"not\": {\"type\": \"object\"}}, {\"type\": \"object\", ");
		emit_properties(o, NULL, lists);
		g_string_append(o, ", \"additionalProperties\": false}]}");
	}
	g_string_append(o, "}, \"additionalProperties\": false}");
}

char *ws_layout_json_schema(const ws_registry *registry)
{
	const ws__ld_tables *t = &ws__ld_tables_of_the_loader;
	/* Every element type: the built-in ones, then the plugins'. */
	GPtrArray *names = g_ptr_array_new();
	GPtrArray *lists = g_ptr_array_new();
	GPtrArray *owned = g_ptr_array_new_with_free_func(g_free);
	for (size_t i = 0; ws__elem_class_at(i); i++) {
		g_ptr_array_add(names, (gpointer)ws__elem_class_at(i)->name);
		g_ptr_array_add(lists, (gpointer)ws__elem_class_at(i)->keys);
	}
	/* A plugin element: its descriptor's keys and the common ones, as
	 * plugin-element.c checks them. */
	for (size_t i = 0; registry && i < ws_registry_element_count(registry); i++) {
		const ws_element_desc *d = ws_registry_element_at(registry, i);
		const char *const **l = g_new0(const char *const *, 3);
		l[0] = ws__ld_common_keys;
		l[1] = d->keys;
		g_ptr_array_add(names, (gpointer)d->name);
		g_ptr_array_add(lists, l);
		g_ptr_array_add(owned, l);
	}

	GString *o = g_string_new(NULL);
	g_string_append(o, "{\"$schema\": \"http://json-schema.org/draft-07/schema#\",\n"
	                   "\"title\": \"wenshu layout (format 1, docs/layout-format.md)\",\n"
	                   "\"type\": \"object\", \"required\": [\"wenshu\"], \"additionalProperties\": false,\n"
	                   "\"properties\": {");
	for (size_t i = 0; t->top[i]; i++) {
		const char *k = t->top[i];
		g_string_append(o, i ? ",\n  " : "\n  ");
		ws__json_string(o, k);
		g_string_append(o, ": ");
		if (strcmp(k, "wenshu") == 0)
			g_string_append(o, "{\"const\": 1}");
		else if (strcmp(k, "elements") == 0 || strcmp(k, "every_page") == 0)
			g_string_append(o, "{\"$ref\": \"#/definitions/elements\"}");
		else if (strcmp(k, "styles") == 0)
			g_string_append(o, "{\"type\": \"object\", \"additionalProperties\": {\"$ref\": \"#/definitions/style_def\"}}");
		else if (strcmp(k, "defaults") == 0)
			g_string_append(o, "{\"$ref\": \"#/definitions/style\"}");
		else if (strcmp(k, "fields") == 0)
			g_string_append(o, "{\"type\": \"object\", \"additionalProperties\": {\"$ref\": \"#/definitions/field\"}}");
		else if (strcmp(k, "fonts") == 0)
			g_string_append(o, "{\"type\": \"object\"}");
		else if (strcmp(k, "page") == 0 || strcmp(k, "grid") == 0) {
			const char *const *const l[] = {strcmp(k, "page") == 0 ? t->page : t->grid, NULL};
			g_string_append(o, "{\"type\": \"object\", ");
			emit_properties(o, NULL, l);
			g_string_append(o, ", \"additionalProperties\": false}");
		} else
			g_string_append(o, "{\"type\": [\"string\", \"number\"]}");
	}
	g_string_append(o, "},\n\"definitions\": {\n");

	/* Styles: `defaults:` and inline style keys; a named style may inherit. */
	const char *const *const style[] = {ws__ld_style_keys, NULL};
	const char *const *const style_def[] = {ws__ld_style_keys, t->style_def, NULL};
	g_string_append(o, "\"style\": {\"type\": \"object\", ");
	emit_properties(o, NULL, style);
	g_string_append(o, ", \"additionalProperties\": false},\n\"style_def\": {\"type\": \"object\", ");
	emit_properties(o, NULL, style_def);
	g_string_append(o, ", \"additionalProperties\": false},\n");

	/* A field rule: its type and level are closed sets. */
	g_string_append(o, "\"field\": {\"type\": \"object\", \"properties\": {");
	for (size_t i = 0; t->field[i]; i++) {
		const char *k = t->field[i];
		g_string_append(o, i ? ", " : "");
		ws__json_string(o, k);
		if (strcmp(k, "type") == 0 || strcmp(k, "level") == 0) {
			g_string_append(o, ": {\"enum\": ");
			ws__json_strings(o, strcmp(k, "type") == 0 ? t->field_types : t->field_levels);
			g_string_append(o, "}");
		} else if (strcmp(k, "required") == 0) {
			g_string_append(o, ": {\"type\": \"boolean\"}");
		} else {
			g_string_append(o, ": {}");
		}
	}
	g_string_append(o, "}, \"additionalProperties\": false},\n");

	/* Elements. */
	g_string_append(o, "\"elements\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/definitions/element\"}},\n"
	                   "\"element\": {\"type\": \"object\",\n  \"anyOf\": [");
	for (guint i = 0; i < names->len; i++) {
		g_string_append(o, i ? ", " : "");
		g_string_append(o, "{\"required\": [");
		ws__json_string(o, g_ptr_array_index(names, i));
		g_string_append(o, "]}");
	}
	g_string_append(o, "],\n  \"allOf\": [");
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index(names, i);
		g_string_append(o, i ? ",\n    " : "\n    ");
		g_string_append(o, "{\"if\": {\"required\": [");
		ws__json_string(o, n);
		g_string_append(o, "]}, \"then\": {\"$ref\": \"#/definitions/types/properties/");
		g_string_append(o, n);
		g_string_append(o, "\"}}");
	}
	/* The types, as properties of one object so that $ref can name them. */
	g_string_append(o, "]},\n\"types\": {\"properties\": {\n");
	for (guint i = 0; i < names->len; i++) {
		g_string_append(o, i ? ",\n" : "");
		emit_element_type(o, g_ptr_array_index(names, i), g_ptr_array_index(lists, i));
	}
	g_string_append(o, "}}}}\n");
	g_ptr_array_free(names, TRUE);
	g_ptr_array_free(lists, TRUE);
	g_ptr_array_free(owned, TRUE);
	return g_string_free(o, FALSE);
}
