/* The filters of the expression language (`x | upper`, `d | cn_date`).
 * Each receives a non-NULL input and arguments already checked against its
 * arg_kinds; see filters.h for the calling convention and expr.h for
 * the language. */
#include "filters.h"
#include "decimal.h"
#include "suggest.h"

#include <glib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Helpers                                                              */

static int wrong_input(const expr_call *c, ws_value *in, const char *wanted)
{
	char *d = expr_describe(in);
	expr_call_fail(c, "%s needs %s, got %s %s", c->name, wanted,
	               ws_value_type_name(ws_value_get_type(in)), d);
	g_free(d);
	return WS_EINPUT;
}

/* The text of a scalar input (string, number, boolean); false for lists
 * and maps.  Null never reaches the filters that use this. */
static bool input_text(ws_value *in, const char **s, size_t *len)
{
	ws_value_type t = ws_value_get_type(in);
	if (t == WS_VALUE_LIST || t == WS_VALUE_MAP)
		return false;
	*s = ws_value_text(in);
	*len = ws_value_text_len(in);
	return true;
}

static int out_text(const expr_call *c, char *s, ws_value **out)
{
	int rc = expr_call_check_len(c, strlen(s));
	if (rc) {
		g_free(s);
		return rc;
	}
	*out = ws_value_new_string_take(s, expr_call_loc(c));
	return WS_OK;
}

static int64_t arg_int(ws_value *v)
{
	ws_dec d;
	int64_t i = 0;
	if (ws_dec_from_value(v, &d))
		ws_dec_to_int(d, &i);
	return i;
}

/* ------------------------------------------------------------------ */
/* Text                                                                 */

static int f_case(const expr_call *c, ws_value *in, bool upper, ws_value **out)
{
	const char *s;
	size_t len;
	if (!input_text(in, &s, &len))
		return wrong_input(c, in, "text");
	/* Per character and without the locale: g_utf8_strup() would turn
	 * "i" into "İ" under a Turkish locale, and output must not depend on
	 * the machine. */
	GString *r = g_string_sized_new(len);
	for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
		gunichar u = g_utf8_get_char(p);
		g_string_append_unichar(r, upper ? g_unichar_toupper(u) : g_unichar_tolower(u));
	}
	return out_text(c, g_string_free(r, FALSE), out);
}

static int f_upper(const expr_call *c, ws_value *in, ws_value *const *args, size_t n, ws_value **out)
{
	return f_case(c, in, true, out);
}

static int f_lower(const expr_call *c, ws_value *in, ws_value *const *args, size_t n, ws_value **out)
{
	return f_case(c, in, false, out);
}

static int f_trim(const expr_call *c, ws_value *in, ws_value *const *args, size_t n, ws_value **out)
{
	const char *s;
	size_t len;
	if (!input_text(in, &s, &len))
		return wrong_input(c, in, "text");
	/* Unicode spaces, so a 全角空格 (U+3000) typed into data goes too. */
	const char *b = s, *e = s + len;
	while (b < e && g_unichar_isspace(g_utf8_get_char(b)))
		b = g_utf8_next_char(b);
	while (e > b) {
		const char *prev = g_utf8_prev_char(e);
		if (!g_unichar_isspace(g_utf8_get_char(prev)))
			break;
		e = prev;
	}
	*out = ws_value_new_string_len(b, (size_t)(e - b), expr_call_loc(c));
	return WS_OK;
}

static int f_replace(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                     ws_value **out)
{
	const char *s;
	size_t len;
	if (!input_text(in, &s, &len))
		return wrong_input(c, in, "text");
	const char *from = ws_value_text(args[0]), *to = ws_value_text(args[1]);
	size_t fl = ws_value_text_len(args[0]), tl = ws_value_text_len(args[1]);
	if (fl == 0)
		return expr_call_fail(c, "replace: the text to replace must not be empty");
	/* Measure first, so a replacement that would blow past the limit is
	 * refused before it is built. */
	/* memmem over what is left, not strstr: the lengths are known, and a
	 * checking strstr (ASan's strict_string_checks) measures the whole
	 * rest of the text at every hit, 60 000 hits in 600 KB taking hours */
	const char *end = s + len;
	size_t count = 0;
	for (const char *p = memmem(s, len, from, fl); p; p = memmem(p + fl, (size_t)(end - p - fl), from, fl))
		count++;
	int rc = expr_call_charge(c, count);
	if (!rc && tl > fl)
		rc = expr_call_check_len(c, len + count * (tl - fl));
	if (rc)
		return rc;
	GString *r = g_string_sized_new(len);
	const char *p = s;
	for (const char *hit = memmem(p, len, from, fl); hit; hit = memmem(p, (size_t)(end - p), from, fl)) {
		g_string_append_len(r, p, hit - p);
		g_string_append_len(r, to, (gssize)tl);
		p = hit + fl;
	}
	g_string_append_len(r, p, end - p);
	return out_text(c, g_string_free(r, FALSE), out);
}

static int f_pad(const expr_call *c, ws_value *in, ws_value *const *args, size_t n, ws_value **out)
{
	const char *s;
	size_t len;
	ws_value_type t = ws_value_get_type(in);
	if (t == WS_VALUE_BOOL || !input_text(in, &s, &len))
		return wrong_input(c, in, "a number or text");
	int64_t width = arg_int(args[0]);
	if (width < 0)
		return expr_call_fail(c, "pad: width %" G_GINT64_FORMAT " is negative", width);
	size_t chars = (size_t)g_utf8_strlen(s, (gssize)len);
	if ((size_t)width <= chars) {
		*out = ws_value_ref(in);
		return WS_OK;
	}
	size_t zeros = (size_t)width - chars;
	int rc = expr_call_check_len(c, len + zeros);
	if (rc)
		return rc;
	/* Zeros go after the sign of a negative number: -7 | pad(3) is -07. */
	size_t sign = t == WS_VALUE_NUMBER && s[0] == '-' ? 1 : 0;
	GString *r = g_string_sized_new(len + zeros);
	g_string_append_len(r, s, (gssize)sign);
	for (size_t k = 0; k < zeros; k++)
		g_string_append_c(r, '0');
	g_string_append(r, s + sign);
	*out = ws_value_new_string_take(g_string_free(r, FALSE), expr_call_loc(c));
	return WS_OK;
}

static int f_default(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                     ws_value **out)
{
	bool empty = ws_value_is_null(in) ||
	             (ws_value_get_type(in) == WS_VALUE_STRING && ws_value_text_len(in) == 0);
	*out = ws_value_ref(empty ? args[0] : in);
	return WS_OK;
}

/* ------------------------------------------------------------------ */
/* Lists                                                                */

static int f_length(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                    ws_value **out)
{
	size_t len;
	switch (ws_value_get_type(in)) {
	case WS_VALUE_NULL: len = 0; break;
	case WS_VALUE_STRING: len = (size_t)g_utf8_strlen(ws_value_text(in), -1); break;
	case WS_VALUE_LIST: case WS_VALUE_MAP: len = ws_value_length(in); break;
	default: return wrong_input(c, in, "a list, a map or text");
	}
	*out = ws_value_new_number((double)len, expr_call_loc(c));
	return WS_OK;
}

/* True when the list has items and every one is true — or, with a field
 * name, has that field true (non-empty): `group.applicants | all('mrv_receipt_no')`.
 * Layouts and the packet file ask "has every applicant …" with it. */
static int f_all(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                 ws_value **out)
{
	if (ws_value_get_type(in) != WS_VALUE_LIST && ws_value_get_type(in) != WS_VALUE_NULL)
		return wrong_input(c, in, "a list");
	const char *field = n > 0 ? ws_value_text(args[0]) : NULL;
	bool all = ws_value_get_type(in) == WS_VALUE_LIST && ws_value_length(in) > 0;
	for (size_t i = 0; all && i < ws_value_length(in); i++) {
		const ws_value *item = ws_value_list_at(in, i);
		if (field)
			item = ws_value_get_type(item) == WS_VALUE_MAP ? ws_value_map_get(item, field) : NULL;
		all = item && ws_value_truthy(item);
	}
	*out = ws_value_new_bool(all, expr_call_loc(c));
	return WS_OK;
}

/* Item `i` of a list (negative counts from the end) or character `i` of a
 * text; null when out of range. */
static int pick(const expr_call *c, ws_value *in, int64_t i, ws_value **out)
{
	ws_value *found = NULL;
	switch (ws_value_get_type(in)) {
	case WS_VALUE_LIST: {
		int64_t len = (int64_t)ws_value_length(in);
		if (i < 0)
			i += len;
		if (i >= 0 && i < len)
			found = ws_value_list_at(in, (size_t)i);
		break;
	}
	case WS_VALUE_STRING: {
		const char *s = ws_value_text(in);
		int64_t len = g_utf8_strlen(s, -1);
		if (i < 0)
			i += len;
		if (i >= 0 && i < len) {
			const char *p = g_utf8_offset_to_pointer(s, (glong)i);
			*out = ws_value_new_string_len(p, (size_t)(g_utf8_next_char(p) - p),
			                               expr_call_loc(c));
			return WS_OK;
		}
		break;
	}
	default:
		return wrong_input(c, in, "a list or text");
	}
	*out = found ? ws_value_ref(found) : ws_value_new_null(expr_call_loc(c));
	return WS_OK;
}

static int f_first(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                   ws_value **out)
{
	return pick(c, in, 0, out);
}

static int f_last(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                  ws_value **out)
{
	return pick(c, in, -1, out);
}

static int f_index(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                   ws_value **out)
{
	if (ws_value_get_type(in) == WS_VALUE_MAP) {
		ws_value *v = ws_value_map_get(in, ws_value_text(args[0]));
		*out = v ? ws_value_ref(v) : ws_value_new_null(expr_call_loc(c));
		return WS_OK;
	}
	if (ws_value_get_type(args[0]) != WS_VALUE_NUMBER)
		return expr_call_fail(c, "index: a list or text is indexed by a whole number");
	return pick(c, in, arg_int(args[0]), out);
}

static int f_join(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                  ws_value **out)
{
	if (ws_value_get_type(in) != WS_VALUE_LIST)
		return wrong_input(c, in, "a list");
	const char *sep = n ? ws_value_text(args[0]) : "";
	size_t len = ws_value_length(in);
	int rc = expr_call_charge(c, len);
	if (rc)
		return rc;
	GString *r = g_string_new(NULL);
	for (size_t i = 0; i < len; i++) {
		ws_value *item = ws_value_list_at(in, i);
		const char *s;
		size_t sl;
		if (!input_text(item, &s, &sl)) {
			g_string_free(r, TRUE);
			return expr_call_fail(c, "join: item %zu is a %s, not text", i,
			                      ws_value_type_name(ws_value_get_type(item)));
		}
		if (i)
			g_string_append(r, sep);
		g_string_append_len(r, s, (gssize)sl);
		if ((rc = expr_call_check_len(c, r->len))) {
			g_string_free(r, TRUE);
			return rc;
		}
	}
	*out = ws_value_new_string_take(g_string_free(r, FALSE), expr_call_loc(c));
	return WS_OK;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                              */

static int number_input(const expr_call *c, ws_value *in, ws_dec *d)
{
	if (!ws_dec_from_value(in, d))
		return wrong_input(c, in, "a number");
	return WS_OK;
}

static int f_money(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                   ws_value **out)
{
	ws_dec d, r;
	int rc = number_input(c, in, &d);
	if (rc)
		return rc;
	/* Integer cents, rounded half-up: never a printf of a double, where
	 * 1369.005 is stored as 1369.00499... and would print 1369.00. */
	if (!ws_dec_round(d, 2, &r))
		return expr_call_fail(c, "money: amount is too large");
	char *text = ws_dec_to_text(r);
	if (n && ws_value_text_len(args[0])) {
		char *t = g_strconcat(text, " ", ws_value_text(args[0]), NULL);
		g_free(text);
		text = t;
	}
	return out_text(c, text, out);
}

static int f_fixed(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                   ws_value **out)
{
	ws_dec d, r;
	int rc = number_input(c, in, &d);
	if (rc)
		return rc;
	int64_t places = arg_int(args[0]);
	if (places < 0 || places > WS_EXPR_MAX_SCALE)
		return expr_call_fail(c, "fixed: %" G_GINT64_FORMAT " decimals is out of range 0..%d",
		                      places, WS_EXPR_MAX_SCALE);
	if (!ws_dec_round(d, (int)places, &r))
		return expr_call_fail(c, "fixed: number is too large for %" G_GINT64_FORMAT " decimals",
		                      places);
	return out_text(c, ws_dec_to_text(r), out);
}

static const char *const cn_digit[10] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

/* 0 < x < 10000 in positional Chinese: 一千零五, 三百二十. */
static void cn_section(GString *r, int x)
{
	static const char *const unit[4] = {"", "十", "百", "千"};
	bool started = false, zero = false;
	static const int place[4] = {1, 10, 100, 1000};
	for (int pos = 3; pos >= 0; pos--) {
		int d = x / place[pos] % 10;
		if (d == 0) {
			zero = started; /* one 零 stands for any run of zeros inside */
			continue;
		}
		if (zero)
			g_string_append(r, cn_digit[0]);
		zero = false;
		g_string_append(r, cn_digit[d]);
		g_string_append(r, unit[pos]);
		started = true;
	}
}

/* Cardinal numbers below 一亿: 十二, 一百零五, 一万零一十. */
static char *cn_number(int64_t v)
{
	GString *r = g_string_new(NULL);
	if (v < 0) {
		g_string_append(r, "负");
		v = -v;
	}
	if (v == 0) {
		g_string_append(r, cn_digit[0]);
		return g_string_free(r, FALSE);
	}
	size_t start = r->len;
	int high = (int)(v / 10000), low = (int)(v % 10000);
	if (high) {
		cn_section(r, high);
		g_string_append(r, "万");
		if (low && low < 1000)
			g_string_append(r, cn_digit[0]);
	}
	if (low)
		cn_section(r, low);
	/* 10–19 (and 十万…) are said without the leading 一: 十二, not 一十二. */
	if (g_str_has_prefix(r->str + start, "一十"))
		g_string_erase(r, (gssize)start, (gssize)strlen("一"));
	return g_string_free(r, FALSE);
}

#define CN_NUM_MAX 99999999 /* below 一亿: the largest unit handled is 万 */

static int f_cn_num(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                    ws_value **out)
{
	ws_dec d;
	int64_t v;
	int rc = number_input(c, in, &d);
	if (rc)
		return rc;
	if (!ws_dec_to_int(d, &v) || v > CN_NUM_MAX || v < -CN_NUM_MAX) {
		char *desc = expr_describe(in);
		expr_call_fail(c, "cn_num needs a whole number within ±%d, got %s", CN_NUM_MAX, desc);
		g_free(desc);
		return WS_EINPUT;
	}
	return out_text(c, cn_number(v), out);
}

/* ------------------------------------------------------------------ */
/* Dates                                                                */

typedef struct date_parts {
	int year, month, day, hour, minute;
	bool has_time;
} date_parts;

static bool digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (!g_ascii_isdigit(s[i]))
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM", checked against the calendar. */
static bool parse_date(const char *s, size_t len, date_parts *d)
{
	if (len != 10 && len != 16)
		return false;
	if (!digits(s, 4, &d->year) || s[4] != '-' || !digits(s + 5, 2, &d->month) || s[7] != '-' ||
	    !digits(s + 8, 2, &d->day))
		return false;
	/* GLib knows the calendar (leap years, 30-day months). */
	if (d->year < 1 || d->month < 1 || d->month > 12 || d->day < 1 ||
	    !g_date_valid_dmy((GDateDay)d->day, (GDateMonth)d->month, (GDateYear)d->year))
		return false;
	d->has_time = len == 16;
	d->hour = d->minute = 0;
	if (d->has_time && (s[10] != 'T' || !digits(s + 11, 2, &d->hour) || s[13] != ':' ||
	                    !digits(s + 14, 2, &d->minute) || d->hour > 23 || d->minute > 59))
		return false;
	return true;
}

static int date_input(const expr_call *c, ws_value *in, date_parts *d)
{
	if (ws_value_get_type(in) != WS_VALUE_STRING ||
	    !parse_date(ws_value_text(in), ws_value_text_len(in), d)) {
		char *desc = expr_describe(in);
		expr_call_fail(c, "%s: %s is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
		               c->name, desc);
		g_free(desc);
		return WS_EINPUT;
	}
	return WS_OK;
}

static int f_date(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                  ws_value **out)
{
	date_parts d;
	int rc = date_input(c, in, &d);
	if (rc)
		return rc;
	const char *fmt = ws_value_text(args[0]);
	GString *r = g_string_new(NULL);
	/* Tokens are the runs YYYY MM M DD D HH mm; any other character,
	 * 年月日 and punctuation included, is copied.  A run of Y that is not
	 * four long is refused: "YY" silently printing "YY" would only be
	 * noticed on paper. */
	for (const char *p = fmt; *p;) {
		size_t run = 1;
		while (p[run] == p[0])
			run++;
		switch (p[0]) {
		case 'Y':
			if (run != 4) {
				g_string_free(r, TRUE);
				return expr_call_fail(c, "date: '%.*s' is not a date token (use YYYY)", (int)run,
				                      p);
			}
			g_string_append_printf(r, "%04d", d.year);
			break;
		case 'M':
		case 'D':
			if (run > 2) {
				g_string_free(r, TRUE);
				return expr_call_fail(c, "date: '%.*s' is not a date token (use %c or %c%c)",
				                      (int)run, p, p[0], p[0], p[0]);
			}
			g_string_append_printf(r, run == 2 ? "%02d" : "%d", p[0] == 'M' ? d.month : d.day);
			break;
		case 'H':
		case 'm':
			if (run != 2) {
				g_string_append_len(r, p, (gssize)run);
				break;
			}
			if (!d.has_time) {
				g_string_free(r, TRUE);
				char *desc = expr_describe(in);
				expr_call_fail(c, "date: %s has no time for '%c%c'", desc, p[0], p[0]);
				g_free(desc);
				return WS_EINPUT;
			}
			g_string_append_printf(r, "%02d", p[0] == 'H' ? d.hour : d.minute);
			break;
		default:
			g_string_append_len(r, p, (gssize)run);
			break;
		}
		p += run;
	}
	return out_text(c, g_string_free(r, FALSE), out);
}

static int f_cn_date(const expr_call *c, ws_value *in, ws_value *const *args, size_t n,
                     ws_value **out)
{
	/* The note-verbale form (DOMAIN §1.2): the year digit by digit with
	 * 〇 (U+3007, not 零 or ○), month and day as numbers: 十一, 二十一. */
	static const char *const year_digit[10] = {"〇", "一", "二", "三", "四",
	                                           "五", "六", "七", "八", "九"};
	date_parts d;
	int rc = date_input(c, in, &d);
	if (rc)
		return rc;
	GString *r = g_string_new(NULL);
	char y[8];
	g_snprintf(y, sizeof y, "%04d", d.year);
	for (const char *p = y; *p; p++)
		g_string_append(r, year_digit[*p - '0']);
	char *m = cn_number(d.month), *dd = cn_number(d.day);
	g_string_append_printf(r, "年%s月%s日", m, dd);
	g_free(m);
	g_free(dd);
	return out_text(c, g_string_free(r, FALSE), out);
}

/* ------------------------------------------------------------------ */
/* Table                                                                */

/* Sorted by name, so ws_expr_filter_names() lists them in order. */
static const expr_filter filters[] = {
	{"all", 0, 1, "s", false, f_all},
	{"cn_date", 0, 0, "", true, f_cn_date},
	{"cn_num", 0, 0, "", true, f_cn_num},
	{"date", 1, 1, "s", true, f_date},
	{"default", 1, 1, "a", false, f_default},
	{"first", 0, 0, "", true, f_first},
	{"fixed", 1, 1, "i", true, f_fixed},
	{"index", 1, 1, "k", true, f_index},
	{"join", 0, 1, "s", true, f_join},
	{"last", 0, 0, "", true, f_last},
	{"length", 0, 0, "", false, f_length},
	{"lower", 0, 0, "", true, f_lower},
	{"money", 0, 1, "s", true, f_money},
	{"pad", 1, 1, "i", true, f_pad},
	{"replace", 2, 2, "ss", true, f_replace},
	{"trim", 0, 0, "", true, f_trim},
	{"upper", 0, 0, "", true, f_upper},
};

const expr_filter *expr_filter_find(const char *name, size_t len)
{
	for (size_t i = 0; i < G_N_ELEMENTS(filters); i++)
		if (strlen(filters[i].name) == len && memcmp(filters[i].name, name, len) == 0)
			return &filters[i];
	return NULL;
}

const char *const *ws_expr_filter_names(void)
{
	static const char *const names[G_N_ELEMENTS(filters) + 1] = {
		"all", "cn_date", "cn_num", "date", "default", "first", "fixed", "index", "join",
		"last", "length", "lower", "money", "pad", "replace", "trim", "upper", NULL,
	};
	return names;
}

const char *expr_filter_suggest(const char *name, size_t len)
{
	return expr_suggest(name, len, ws_expr_filter_names(), G_N_ELEMENTS(filters));
}

const char *expr_suggest(const char *name, size_t len, const char *const *candidates, size_t n)
{
	char *word = g_strndup(name, len);
	const char *hint = ws_suggest(word, candidates, n);
	g_free(word);
	return hint;
}

bool expr_arg_fits(char kind, const ws_value *v)
{
	ws_dec d;
	int64_t i;
	bool whole = ws_value_get_type(v) == WS_VALUE_NUMBER && ws_dec_from_value(v, &d) &&
	             ws_dec_to_int(d, &i);
	switch (kind) {
	case 's': return ws_value_get_type(v) == WS_VALUE_STRING;
	case 'i': return whole;
	case 'k': return whole || ws_value_get_type(v) == WS_VALUE_STRING;
	default: return true;
	}
}

const char *expr_arg_kind_name(char kind)
{
	switch (kind) {
	case 's': return "a string";
	case 'i': return "a whole number";
	case 'k': return "a whole number or a string";
	default: return "any value";
	}
}
