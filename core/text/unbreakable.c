/* Runs of text that never break inside (see unbreakable.h). */
#include "unbreakable.h"

#include <string.h>

/* Part of a word that a line must not split: ASCII and Latin-1/Extended
 * letters, digits, and the marks that sit inside names, numbers, dates,
 * e-mail addresses and URLs.  A space is the only break a name may take. */
static gboolean is_word_char(gunichar c)
{
	if (c < 0x80)
		return g_ascii_isalnum((int)c) || (c && strchr(".,@-_+/:'&#%=~*", (int)c) != NULL);
	/* Latin letters with diacritics (Ü in a pinyin name written by hand). */
	return c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7;
}

static void forbid(PangoAttrList *attrs, size_t start, size_t end)
{
	PangoAttribute *a = pango_attr_allow_breaks_new(FALSE);
	a->start_index = (guint)start;
	a->end_index = (guint)end;
	pango_attr_list_insert(attrs, a);
}

/* Terms of the trade a table cell never splits. */
static const char *const terms[] = {"登记表", "确认单", "照会", "护照", "签证", "凭证", "回执", "批件", "外事", NULL};

static void forbid_terms(const char *text, PangoAttrList *attrs)
{
	for (const char *const *t = terms; *t; t++)
		for (const char *p = strstr(text, *t); p; p = strstr(p + 1, *t))
			forbid(attrs, (size_t)(p - text), (size_t)(p - text) + strlen(*t));
}

/* "1980年1月1日", "2025年3月": a date written the Chinese way is one unit
 * (a birth date split over two lines reads as two values).  Returns the
 * end of the date starting at p, or p. */
static const char *cn_date_end(const char *p)
{
	const char *q = p, *end = p;
	static const char *const units[] = {"年", "月", "日"};
	for (int u = 0; u < 3; u++) {
		const char *d = q;
		while (g_ascii_isdigit(*d))
			d++;
		if (d == q || strncmp(d, units[u], strlen(units[u])) != 0)
			break;
		q = d + strlen(units[u]);
		end = q;
	}
	return end;
}

void ws_unbreakable_attrs(const char *text, PangoAttrList *attrs, gboolean cell)
{
	if (cell)
		forbid_terms(text, attrs);
	/* A hyphen is a character the data did not have. */
	pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
	const char *p = text;
	while (*p) {
		gunichar c = g_utf8_get_char(p);
		const char *next = g_utf8_next_char(p);
		const char *date =
		    cell && g_ascii_isdigit(*p) && (p == text || !g_ascii_isdigit(p[-1])) ? cn_date_end(p) : p;
		if (date > p && strstr(p, "年") && date - p > 5) {
			forbid(attrs, (size_t)(p - text), (size_t)(date - text));
			p = date;
			continue;
		}
		if (is_word_char(c)) {
			const char *end = next;
			while (*end && is_word_char(g_utf8_get_char(end)))
				end = g_utf8_next_char(end);
			if (end - p > 1)
				forbid(attrs, (size_t)(p - text), (size_t)(end - text));
			p = end;
			continue;
		}
		if (c == 0xFF08) { /* （ */
			const char *q = next;
			int n = 1;
			while (*q && n < WS_UNBREAKABLE_PAREN_MAX) {
				gunichar d = g_utf8_get_char(q);
				q = g_utf8_next_char(q);
				n++;
				if (d == 0xFF09 || d == 0xFF08)
					break;
			}
			if (q > next && g_utf8_get_char(g_utf8_prev_char(q)) == 0xFF09) {
				forbid(attrs, (size_t)(p - text), (size_t)(q - text));
				p = q;
				continue;
			}
		}
		p = next;
	}
}
