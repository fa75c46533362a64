/* Binding templates to data.  See bind.h. */
#include "bind.h"

#include <glib.h>
#include <string.h>

ws_value *ws_bind_scope_new(const ws_value *group, const char *kind, const char *title,
                            const char *date)
{
	ws_value *scope = ws_value_new_map(WS_LOC_NONE);
	ws_value_map_set(scope, "group", group ? ws_value_ref((ws_value *)group) : ws_value_new_null(WS_LOC_NONE),
	                 WS_LOC_NONE);
	ws_value *doc = ws_value_new_map(WS_LOC_NONE);
	ws_value_map_set(doc, "kind", ws_value_new_string(kind ? kind : "", WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(doc, "title", ws_value_new_string(title ? title : "", WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(doc, "date", ws_value_new_string(date ? date : "", WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(scope, "doc", doc, WS_LOC_NONE);
	ws_bind_set_page(scope, 1, 0);
	return scope;
}

ws_value *ws_bind_push(ws_value *scope, const char *name, ws_value *value)
{
	ws_value *prev = ws_value_ref(ws_value_map_get(scope, name));
	ws_value_map_set(scope, name, value, WS_LOC_NONE);
	return prev;
}

void ws_bind_restore(ws_value *scope, const char *name, ws_value *previous)
{
	if (previous)
		ws_value_map_set(scope, name, previous, WS_LOC_NONE);
	else
		ws_value_map_remove(scope, name);
}

void ws_bind_set_loop(ws_value *scope, size_t index, size_t count)
{
	ws_value *loop = ws_value_new_map(WS_LOC_NONE);
	ws_value_map_set(loop, "index", ws_value_new_number((double)index, WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(loop, "number", ws_value_new_number((double)index + 1, WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(loop, "count", ws_value_new_number((double)count, WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(loop, "first", ws_value_new_bool(index == 0, WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(loop, "last", ws_value_new_bool(index + 1 == count, WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(scope, "loop", loop, WS_LOC_NONE);
}

void ws_bind_set_page(ws_value *scope, size_t number, size_t count)
{
	ws_value *page = ws_value_new_map(WS_LOC_NONE);
	ws_value_map_set(page, "number", ws_value_new_number((double)number, WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(page, "count",
	                 count ? ws_value_new_number((double)count, WS_LOC_NONE) : ws_value_new_null(WS_LOC_NONE),
	                 WS_LOC_NONE);
	ws_value_map_set(scope, "page", page, WS_LOC_NONE);
}

int ws_bind_text(const ws_template *t, const ws_value *scope, char **out, ws_diags *diags)
{
	if (!t) {
		*out = g_strdup("");
		return WS_OK;
	}
	return ws_template_render(t, scope, out, diags);
}

int ws_bind_condition(const ws_template *t, const ws_value *scope, bool *out, ws_diags *diags)
{
	*out = true;
	if (!t)
		return WS_OK;
	ws_value *v = NULL;
	int rc = ws_template_eval(t, scope, &v, diags);
	if (rc != WS_OK)
		return rc;
	/* A condition written as text ("{{ a }} and more") is true when non-empty,
	 * except the words a clerk would expect to mean no. */
	if (ws_value_get_type(v) == WS_VALUE_STRING) {
		const char *s = ws_value_text(v);
		*out = *s && g_ascii_strcasecmp(s, "false") != 0 && strcmp(s, "0") != 0;
	} else {
		*out = ws_value_truthy(v);
	}
	ws_value_unref(v);
	return WS_OK;
}

int ws_bind_list(const ws_template *t, const ws_value *scope, ws_value **out, ws_diags *diags)
{
	ws_value *v = NULL;
	*out = NULL;
	int rc = ws_template_eval(t, scope, &v, diags);
	if (rc != WS_OK)
		return rc;
	if (ws_value_is_null(v)) {
		ws_value_unref(v);
		*out = ws_value_new_list(WS_LOC_NONE);
		return WS_OK;
	}
	if (ws_value_get_type(v) != WS_VALUE_LIST) {
		char *shown = ws_value_to_string(v);
		rc = ws_diag_add(diags, WS_SEVERITY_ERROR, ws_template_loc(t), NULL, ws_template_source(t),
		                 "each needs a list, but '%s' is a %s: %.80s", ws_template_source(t),
		                 ws_value_type_name(ws_value_get_type(v)), shown);
		g_free(shown);
		ws_value_unref(v);
		return rc;
	}
	*out = v;
	return WS_OK;
}
