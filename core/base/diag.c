/* Diagnostics list.  See diag.h. */
#include "diag.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

struct ws_diags {
	GArray *items; /* of ws_diag */
};

ws_diags *ws_diags_new(void)
{
	ws_diags *d = g_new0(ws_diags, 1);
	d->items = g_array_new(FALSE, TRUE, sizeof(ws_diag));
	return d;
}

static void diag_clear(ws_diag *d)
{
	g_free(d->rule);
	g_free(d->path);
	g_free(d->message);
}

void ws_diags_clear(ws_diags *diags)
{
	if (!diags)
		return;
	for (guint i = 0; i < diags->items->len; i++)
		diag_clear(&g_array_index(diags->items, ws_diag, i));
	g_array_set_size(diags->items, 0);
}

void ws_diags_free(ws_diags *diags)
{
	if (!diags)
		return;
	ws_diags_clear(diags);
	g_array_unref(diags->items);
	g_free(diags);
}

int ws_diag_addv(ws_diags *diags, ws_severity sev, ws_loc loc, const char *rule,
                 const char *path, const char *fmt, va_list ap)
{
	if (diags) {
		ws_diag d = {
			.severity = sev,
			.loc = loc,
			.rule = g_strdup(rule),
			.path = g_strdup(path),
			.message = g_strdup_vprintf(fmt, ap),
		};
		g_array_append_val(diags->items, d);
	}
	return sev == WS_SEVERITY_ERROR ? WS_EINPUT : WS_OK;
}

int ws_diag_add(ws_diags *diags, ws_severity sev, ws_loc loc, const char *rule,
                const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = ws_diag_addv(diags, sev, loc, rule, path, fmt, ap);
	va_end(ap);
	return rc;
}

size_t ws_diags_count(const ws_diags *diags)
{
	return diags ? diags->items->len : 0;
}

const ws_diag *ws_diags_at(const ws_diags *diags, size_t i)
{
	if (!diags || i >= diags->items->len)
		return NULL;
	return &g_array_index(diags->items, ws_diag, i);
}

size_t ws_diags_count_severity(const ws_diags *diags, ws_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < ws_diags_count(diags); i++)
		if (ws_diags_at(diags, i)->severity == sev)
			n++;
	return n;
}

int ws_diags_has_errors(const ws_diags *diags)
{
	return ws_diags_count_severity(diags, WS_SEVERITY_ERROR) > 0;
}

void ws_diags_move(ws_diags *to, ws_diags *from)
{
	if (!from)
		return;
	if (!to) {
		ws_diags_clear(from);
		return;
	}
	g_array_append_vals(to->items, from->items->data, from->items->len);
	/* ownership of the strings moved with the structs */
	g_array_set_size(from->items, 0);
}

const ws_diag *ws_diags_find_rule(const ws_diags *diags, const char *rule)
{
	for (size_t i = 0; i < ws_diags_count(diags); i++) {
		const ws_diag *d = ws_diags_at(diags, i);
		if (d->rule && rule && strcmp(d->rule, rule) == 0)
			return d;
	}
	return NULL;
}

const char *ws_severity_name(ws_severity sev)
{
	switch (sev) {
	case WS_SEVERITY_ERROR: return "error";
	case WS_SEVERITY_WARNING: return "warning";
	case WS_SEVERITY_NOTE: return "note";
	}
	return "error";
}

/* True for the characters ws_diag_escape() shows as an escape: controls,
 * invisible format characters (bidi controls among them) and the line and
 * paragraph separators, which a terminal would act on or hide. */
static bool must_escape(gunichar c)
{
	switch (g_unichar_type(c)) {
	case G_UNICODE_CONTROL:         /* C0, DEL, C1 */
	case G_UNICODE_FORMAT:          /* U+200B..200F, 202A..202E, 2060..2069, FEFF, tags */
	case G_UNICODE_LINE_SEPARATOR:  /* U+2028 */
	case G_UNICODE_PARAGRAPH_SEPARATOR: /* U+2029 */
	case G_UNICODE_SURROGATE:
		return true;
	default:
		return false;
	}
}

static void escape_append(GString *out, const char *s, ptrdiff_t len)
{
	if (!s)
		return;
	const char *end = s + (len < 0 ? (ptrdiff_t)strlen(s) : len);
	const char *p = s;
	while (p < end) {
		unsigned char b = (unsigned char)*p;
		if (b >= 0x20 && b < 0x7f) { /* printable ASCII: the common case */
			g_string_append_c(out, (char)b);
			p++;
			continue;
		}
		if (b < 0x80) {
			if (b == '\n')
				g_string_append(out, "\\n");
			else if (b == '\t')
				g_string_append(out, "\\t");
			else if (b == '\r')
				g_string_append(out, "\\r");
			else
				g_string_append_printf(out, "\\x%02x", b);
			p++;
			continue;
		}
		gunichar c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			/* Not UTF-8 (or cut short): this byte alone, then resync. */
			g_string_append_printf(out, "\\x%02x", b);
			p++;
			continue;
		}
		const char *next = g_utf8_next_char(p);
		if (!must_escape(c))
			g_string_append_len(out, p, next - p);
		else if (c <= 0xffff)
			g_string_append_printf(out, "\\u%04X", c);
		else
			g_string_append_printf(out, "\\U%08X", c);
		p = next;
	}
}

char *ws_diag_escape(const char *s, ptrdiff_t len)
{
	GString *out = g_string_new(NULL);
	escape_append(out, s, len);
	return g_string_free(out, FALSE);
}

char *ws_diag_format(const ws_diag *d)
{
	GString *out = g_string_new(NULL);
	/* The command line speaks one language: every message starts with
	 * "file:line:col: severity: " or, when there is no line to point at,
	 * "wenshu: " (then the file, when known, follows). */
	if (!d->loc.file || !d->loc.line)
		g_string_append(out, "wenshu: ");
	if (d->loc.file) {
		escape_append(out, d->loc.file, -1);
		if (d->loc.line) {
			g_string_append_printf(out, ":%u", d->loc.line);
			if (d->loc.column)
				g_string_append_printf(out, ":%u", d->loc.column);
		}
		g_string_append(out, ": ");
	}
	g_string_append_printf(out, "%s: ", ws_severity_name(d->severity));
	if (d->rule) {
		g_string_append_c(out, '[');
		escape_append(out, d->rule, -1);
		g_string_append(out, "] ");
	}
	escape_append(out, d->message, -1);
	if (d->path) {
		g_string_append(out, " (");
		escape_append(out, d->path, -1);
		g_string_append_c(out, ')');
	}
	return g_string_free(out, FALSE);
}

const char *ws_status_name(int status)
{
	switch (status) {
	case WS_OK: return "success";
	case WS_EINPUT: return "input error";
	case WS_EUSAGE: return "usage error";
	case WS_EIO: return "I/O error";
	case WS_ENOMEM: return "out of memory";
	case WS_EPLUGIN: return "plugin error";
	case WS_EINTERNAL: return "internal error";
	case WS_EINTERRUPTED: return "interrupted";
	}
	return "unknown error";
}
