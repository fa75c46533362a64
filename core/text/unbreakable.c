/* Runs of text that never break inside (see unbreakable.h). */
#include "unbreakable.h"

#include <string.h>

/* Part of a word that a line must not split: ASCII and Latin-1/Extended
 * letters, digits, and the marks that sit inside names, numbers, dates,
 * e-mail addresses and URLs.  A space is the only break a name may take. */
gboolean ws_word_char(gunichar c)
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

/* "user@host", "scheme://…", "www.…": a token that reads as an address. */
gboolean ws_is_address(const char *w, size_t len)
{
	gboolean at = FALSE, scheme = FALSE;
	for (size_t i = 0; i < len; i++) {
		at |= w[i] == '@' && i > 0 && i + 1 < len;
		scheme |= i + 3 <= len && memcmp(w + i, "://", 3) == 0;
	}
	return at || scheme || (len > 4 && g_ascii_strncasecmp(w, "www.", 4) == 0);
}

gboolean ws_url_break_before(const char *w, size_t len, size_t i)
{
	if (i == 0 || i >= len)
		return FALSE;
	char p = w[i - 1], c = w[i];
	/* Never inside "://" nor right after the scheme's "//". */
	if (c == '/' || (p == '/' && i >= 2 && w[i - 2] == '/') || p == ':')
		return FALSE;
	/* Chicago / url.sty: after a slash or an @, before a dot (a line
	 * ending in "." would read as a full stop) and before ? & = #; never
	 * at a hyphen (it would read as one the text did not have).  Not at
	 * the last character: "…cn" + "。" is not worth a break. */
	if (i + 1 >= len)
		return FALSE;
	return p == '/' || p == '@' || ((c == '.' || c == '?' || c == '&' || c == '=' || c == '#') && p != '.');
}

/* A phone number written in groups, "010-6596 1114", "+86 10 6596 1114":
 * word tokens [w, w + len) of digits joined by hyphens, a leading + on the
 * first.  Counts its digits into *digits and returns FALSE for anything
 * else or for a group of one digit (a single digit after a year, "2025
 * 30 3", is no phone number), except where `one` allows it: a country
 * code and the area code after it may be one digit ("+1 212 555 0100",
 * "+33 1 45 68 10 00"), the + saying it is a phone number. */
static gboolean digit_groups(const char *w, size_t len, gboolean first, gboolean one, int *digits)
{
	size_t i = first && len > 0 && w[0] == '+' ? 1 : 0;
	int run = 0;
	if (i >= len)
		return FALSE;
	for (; i <= len; i++) {
		if (i < len && g_ascii_isdigit(w[i])) {
			run++;
			continue;
		}
		if (run < (one ? 1 : 2) || run > 4 || (i < len && w[i] != '-'))
			return FALSE;
		*digits += run;
		run = 0;
	}
	return TRUE;
}

/* "30,000", "185.00": digits with the separators of an amount. */
static gboolean amount(const char *w, size_t len)
{
	if (len == 0 || !g_ascii_isdigit(w[0]) || !g_ascii_isdigit(w[len - 1]))
		return FALSE;
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isdigit(w[i]) && w[i] != ',' && w[i] != '.')
			return FALSE;
	return TRUE;
}

/* "EUR", "USD", "CNY": a currency code (ISO 4217: three capitals). */
static gboolean currency(const char *w, size_t len)
{
	return len == 3 && g_ascii_isupper(w[0]) && g_ascii_isupper(w[1]) && g_ascii_isupper(w[2]);
}

static const char *word_end(const char *p)
{
	while (*p && ws_word_char(g_utf8_get_char(p)))
		p = g_utf8_next_char(p);
	return p;
}

/* A number written with spaces that reads as one (issue 12): the end of
 * the unit that starts with the word [p, end), or `end`.  A line broken
 * inside "EUR 30,000" or "+86 10 / 6596 1114" gives a reader two values.
 *  - an amount and its currency code, either way round: "EUR 30,000",
 *    "185.00 USD";
 *  - a phone number in groups of 2–4 digits with single spaces, 7 to 15
 *    digits in all (E.164's bound). */
static const char *spaced_number_end(const char *p, const char *end)
{
	size_t len = (size_t)(end - p);
	if (end[0] == ' ' && end[1] && ws_word_char(g_utf8_get_char(end + 1))) {
		const char *q = end + 1, *qe = word_end(q);
		size_t ql = (size_t)(qe - q);
		if ((currency(p, len) && amount(q, ql)) || (amount(p, len) && currency(q, ql)))
			return qe;
	}
	int digits = 0;
	gboolean intl = p[0] == '+';
	if (!digit_groups(p, len, TRUE, intl, &digits))
		return end;
	const char *unit = end;
	while (unit[0] == ' ' && g_ascii_isdigit(unit[1])) {
		const char *q = unit + 1, *qe = word_end(q);
		int d = digits;
		if (!digit_groups(q, (size_t)(qe - q), FALSE, intl && unit == end, &d) || d > 15)
			break;
		digits = d;
		unit = qe;
	}
	return unit > end && digits >= 7 ? unit : end;
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
		if (ws_word_char(c)) {
			const char *end = next;
			while (*end && ws_word_char(g_utf8_get_char(end)))
				end = g_utf8_next_char(end);
			/* In running text an e-mail address or a URL may break
			 * where ws_url_break_before() says (cjk.c adds the break
			 * points); only the pieces between stay whole. */
			const char *from = p;
			if (!cell && ws_is_address(p, (size_t)(end - p)))
				for (const char *q = next; q < end; q = g_utf8_next_char(q))
					if (ws_url_break_before(p, (size_t)(end - p), (size_t)(q - p))) {
						if (q - from > 1)
							forbid(attrs, (size_t)(from - text), (size_t)(q - text));
						from = q;
					}
			if (from == p)
				end = spaced_number_end(p, end);
			if (end - from > 1)
				forbid(attrs, (size_t)(from - text), (size_t)(end - text));
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
