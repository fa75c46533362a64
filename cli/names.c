/* Output file names from templates such as "out/{group.group_id}-{kind}.pdf".
 *
 * The template is the user's; the values come from data files, which may
 * come from anywhere.  So a value can never add a folder, climb out with
 * "..", or start a hidden file: each substituted value is sanitized, and
 * the result is checked to stay inside the template's own folder.
 */
#include <glib.h>
#include <string.h>

#include "names.h"

static char *sanitize_component(const char *s)
{
	GString *out = g_string_new(NULL);
	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2)
			break;
		if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f || c == ':' || c == '*' || c == '?' ||
		    c == '"' || c == '<' || c == '>' || c == '|')
			g_string_append_c(out, '_');
		else
			g_string_append_unichar(out, c);
	}
	/* "." and ".." and hidden names are not allowed to come from data. */
	while (out->len && out->str[0] == '.')
		out->str[0] = '_';
	if (out->len == 0)
		g_string_append_c(out, '_');
	if (out->len > 120)
		g_string_truncate(out, 120);
	return g_string_free(out, FALSE);
}

char *ws_cli_expand_name(const char *tmpl, const ws_value *group, const char *kind,
                         const char *format, size_t index, ws_diags *diags)
{
	GString *out = g_string_new(NULL);
	const char *p = tmpl;
	while (*p) {
		if (*p != '{') {
			g_string_append_c(out, *p++);
			continue;
		}
		const char *end = strchr(p, '}');
		if (!end) {
			ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, NULL, NULL,
			            "output name '%s' has a '{' without '}'", tmpl);
			g_string_free(out, TRUE);
			return NULL;
		}
		char *key = g_strstrip(g_strndup(p + 1, (gsize)(end - p - 1)));
		char *value = NULL;
		/* {kind} of a form of the office's own is its name, like {layout}:
		 * a form never writes over the file of a kind it resembles. */
		if (strcmp(key, "kind") == 0 || strcmp(key, "layout") == 0)
			value = g_strdup(kind);
		else if (strcmp(key, "format") == 0)
			value = g_strdup(format);
		else if (strcmp(key, "index") == 0 || strcmp(key, "n") == 0)
			value = g_strdup_printf("%zu", index + 1);
		else if (g_str_has_prefix(key, "group.")) {
			const ws_value *v = ws_value_lookup(group, key + 6);
			if (!v || ws_value_get_type(v) == WS_VALUE_LIST || ws_value_get_type(v) == WS_VALUE_MAP ||
			    !*ws_value_text(v)) {
				ws_diag_add(diags, WS_SEVERITY_ERROR, ws_value_loc(group), NULL, key,
				            "output name '%s' needs '%s', which this group does not have", tmpl, key);
				g_free(key);
				g_string_free(out, TRUE);
				return NULL;
			}
			value = g_strdup(ws_value_text(v));
		} else {
			ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, NULL, NULL,
			            "output name '%s': unknown placeholder {%s} (use {group.FIELD}, {layout}, {kind}, {format} or {index})",
			            tmpl, key);
			g_free(key);
			g_string_free(out, TRUE);
			return NULL;
		}
		char *clean = sanitize_component(value);
		g_string_append(out, clean);
		g_free(clean);
		g_free(value);
		g_free(key);
		p = end + 1;
	}
	return g_string_free(out, FALSE);
}
