/* Writing JSON text (json.h). */
#include "json.h"

void ws__json_string(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf(out, "\\%c", *p);
		else if (*p == '\n')
			g_string_append(out, "\\n");
		else if (*p < 0x20)
			g_string_append_printf(out, "\\u%04x", *p);
		else
			g_string_append_c(out, (char)*p);
	}
	g_string_append_c(out, '"');
}

void ws__json_strings(GString *out, const char *const *list)
{
	g_string_append_c(out, '[');
	for (size_t i = 0; list && list[i]; i++) {
		if (i)
			g_string_append(out, ", ");
		ws__json_string(out, list[i]);
	}
	g_string_append_c(out, ']');
}
