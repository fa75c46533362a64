/* Output file names from templates such as "out/{group.group_id}-{kind}.pdf".
 *
 * The template is the user's; the values come from data files, which may
 * come from anywhere.  So a value can never add a folder, climb out with
 * "..", or start a hidden file: each substituted value is sanitized, and
 * the result is checked to stay inside the template's own folder.
 */
#include <glib.h>
#include <stdbool.h>
#include <string.h>

#include "names.h"

/* Longest part of a file name one value may give, in bytes: several
 * values and the template's own text must still fit the 255 bytes most
 * file systems allow for a name. */
#define NAME_VALUE_MAX 120

/* Characters a value may not bring into a file name at all: controls (C0,
 * DEL, C1), bidi controls and every other invisible format character, the
 * line and paragraph separators.  "invoice\u202Efdp.exe" would display as
 * "invoiceexe.pdf" in a file manager. */
static bool invisible(gunichar c)
{
	switch (g_unichar_type(c)) {
	case G_UNICODE_CONTROL:
	case G_UNICODE_FORMAT:
	case G_UNICODE_LINE_SEPARATOR:
	case G_UNICODE_PARAGRAPH_SEPARATOR:
	case G_UNICODE_SURROGATE:
		return true;
	default:
		return false;
	}
}

/* The value as one file name part: separators and the characters Windows
 * forbids become '_', invisible characters are removed, a byte that is not
 * UTF-8 becomes '_', and the result is cut at a character boundary to
 * NAME_VALUE_MAX bytes (*cut_at: characters kept, 0 when not cut). */
static char *sanitize_component(const char *s, size_t *cut_at)
{
	GString *out = g_string_new(NULL);
	size_t chars = 0;
	*cut_at = 0;
	for (const char *p = s; *p;) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		const char *next = (c == (gunichar)-1 || c == (gunichar)-2) ? p + 1 : g_utf8_next_char(p);
		char piece[8];
		int n;
		if (next == p + 1 && (unsigned char)*p >= 0x80)
			n = (piece[0] = '_', 1);
		else if (invisible(c))
			n = 0;
		else if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' ||
		         c == '>' || c == '|')
			n = (piece[0] = '_', 1);
		else
			n = g_unichar_to_utf8(c, piece);
		p = next;
		if (n == 0)
			continue;
		if (out->len + (size_t)n > NAME_VALUE_MAX) {
			*cut_at = chars;
			break;
		}
		g_string_append_len(out, piece, n);
		chars++;
	}
	/* "." and ".." and hidden names are not allowed to come from data. */
	while (out->len && out->str[0] == '.')
		out->str[0] = '_';
	if (out->len == 0)
		g_string_append_c(out, '_');
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
		size_t cut_at;
		char *clean = sanitize_component(value, &cut_at);
		if (cut_at) {
			const ws_value *v = g_str_has_prefix(key, "group.") ? ws_value_lookup(group, key + 6) : NULL;
			ws_diag_add(diags, WS_SEVERITY_NOTE, v ? ws_value_loc(v) : WS_LOC_NONE, NULL, NULL,
			            "output name: {%s} is %ld characters long; the file name keeps the first %zu (%d bytes)",
			            key, g_utf8_validate(value, -1, NULL) ? g_utf8_strlen(value, -1) : (long)strlen(value),
			            cut_at, NAME_VALUE_MAX);
		}
		g_string_append(out, clean);
		g_free(clean);
		g_free(value);
		g_free(key);
		p = end + 1;
	}
	return g_string_free(out, FALSE);
}
