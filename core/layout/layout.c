/* Layout loader: YAML (format v1) → ws_layout.  See docs/layout-format.md.
 *
 * Every check that can be made without data is made here, so a clerk
 * editing a layout sees all of its mistakes at once, each with file:line:col:
 * unknown keys (with "did you mean"), bad lengths and colours, unknown
 * styles and element types, and template syntax.
 */
#include "layout-private.h"
#include "layout-load.h"

#include <errno.h>
#include <math.h>
#include <pango/pango.h>
#include <stdlib.h>
#include <string.h>

#include "wslimits.h"
#include "plugin.h"
#include "suggest.h"
#include "wsyaml.h"
#include "ws-config.h"

#define WS_LAYOUT_FORMAT_VERSION 1


/* ---------------------------------------------------------------- helpers */

void ws__ld_err(ws_loader *ld, const ws_value *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ws_diag_addv(ld->diags, WS_SEVERITY_ERROR, ws_value_loc(at), NULL, NULL, fmt, ap);
	va_end(ap);
}

void ws__ld_err_loc(ws_loader *ld, ws_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ws_diag_addv(ld->diags, WS_SEVERITY_ERROR, loc, NULL, NULL, fmt, ap);
	va_end(ap);
}

/* Reports every key of `map` that is in none of the NULL-terminated key
 * lists, with the closest allowed key as a suggestion.  Returns the number
 * of bad keys. */
int ws__ld_check_keys_in(ws_loader *ld, const ws_value *map, const char *const *const *lists,
                         const char *what)
{
	GPtrArray *all = g_ptr_array_new();
	for (size_t l = 0; lists[l]; l++)
		for (size_t k = 0; lists[l][k]; k++)
			g_ptr_array_add(all, (gpointer)lists[l][k]);
	int bad = 0;
	for (size_t i = 0; i < ws_value_length(map); i++) {
		const char *key = ws_value_map_key_at(map, i);
		bool ok = false;
		for (guint k = 0; k < all->len && !ok; k++)
			ok = strcmp(key, g_ptr_array_index(all, k)) == 0;
		if (ok)
			continue;
		const char *fw = strstr(key, "\xEF\xBC\x9A"); /* U+FF1A ： */
		char *typed = fw ? g_strndup(key, (gsize)(fw - key)) : NULL;
		bool known = false;
		for (guint k = 0; typed && k < all->len && !known; k++)
			known = strcmp(typed, g_ptr_array_index(all, k)) == 0;
		const char *hint = known ? NULL : ws_suggest(key, (const char *const *)all->pdata, all->len);
		if (known) {
			/* `{font: hei, size：四号}` reads as the key 'size：四号': the
			 * clerk wrote a full-width colon. */
			ws_loc kl = ws_value_map_key_loc(map, i);
			ws__ld_err_loc(ld, ws_loc_along(kl, kl.column, key, (size_t)(fw - key)),
			               "a full-width colon '：' after '%s': write '%s: %s'", typed, typed, fw + 3);
		} else if (hint)
			ws__ld_err_loc(ld, ws_value_map_key_loc(map, i), "unknown key '%s' in %s (did you mean '%s'?)",
			        key, what, hint);
		else
			ws__ld_err_loc(ld, ws_value_map_key_loc(map, i), "unknown key '%s' in %s", key, what);
		g_free(typed);
		bad++;
	}
	g_ptr_array_free(all, TRUE);
	return bad;
}

static const char *const no_keys[] = {NULL};

int ws__ld_check_keys(ws_loader *ld, const ws_value *map, const char *const *allowed,
                      const char *const *also, const char *what)
{
	const char *const *const lists[] = {allowed ? allowed : no_keys, also ? also : no_keys, NULL};
	return ws__ld_check_keys_in(ld, map, lists, what);
}

const char *ws__ld_scalar_text(ws_loader *ld, const ws_value *v, const char *what)
{
	ws_value_type t = ws_value_get_type(v);
	if (t == WS_VALUE_LIST || t == WS_VALUE_MAP) {
		ws__ld_err(ld, v, "%s must be a single value, not a %s", what, ws_value_type_name(t));
		return NULL;
	}
	return ws_value_text(v);
}

/* Chinese type sizes (号), DOMAIN.md §1.3. */
static const struct {
	const char *name;
	double pt;
} cn_sizes[] = {
	{"初号", 42}, {"小初", 36}, {"一号", 26}, {"小一", 24}, {"二号", 22}, {"小二", 18},
	{"三号", 16}, {"小三", 15}, {"四号", 14}, {"小四", 12}, {"五号", 10.5}, {"小五", 9},
	{"六号", 7.5}, {"小六", 6.5}, {"七号", 5.5}, {"八号", 5},
};

bool ws_length_parse(const char *text, double *points)
{
	if (!text)
		return false;
	while (g_ascii_isspace(*text))
		text++;
	for (size_t i = 0; i < G_N_ELEMENTS(cn_sizes); i++)
		if (strcmp(text, cn_sizes[i].name) == 0) {
			*points = cn_sizes[i].pt;
			return true;
		}
	char *end;
	errno = 0;
	double n = g_ascii_strtod(text, &end);
	if (end == text || errno || !isfinite(n))
		return false;
	while (g_ascii_isspace(*end))
		end++;
	double factor;
	if (strcmp(end, "mm") == 0)
		factor = 72.0 / 25.4;
	else if (strcmp(end, "cm") == 0)
		factor = 720.0 / 25.4;
	else if (strcmp(end, "in") == 0)
		factor = 72.0;
	else if (strcmp(end, "pt") == 0)
		factor = 1.0;
	else if (*end == '\0' && n == 0)
		factor = 1.0;
	else
		return false;
	*points = n * factor;
	return true;
}

/* A length within the page-size limit.  `allow_negative` for offsets. */
bool ws__ld_length(ws_loader *ld, const ws_value *v, const char *what, bool allow_negative,
                       double *out)
{
	const char *t = ws__ld_scalar_text(ld, v, what);
	if (!t)
		return false;
	double pt;
	if (!ws_length_parse(t, &pt)) {
		char *end;
		double n = g_ascii_strtod(t, &end);
		if (end != t && *end == '\0' && isfinite(n))
			ws__ld_err(ld, v, "%s '%s' has no unit: write %smm or %spt", what, t, t, t);
		else
			ws__ld_err(ld, v, "%s '%s' is not a length (use mm, cm, pt, in or a Chinese size such as 三号)",
			    what, t);
		return false;
	}
	if (!allow_negative && pt < 0) {
		ws__ld_err(ld, v, "%s must not be negative (%s)", what, t);
		return false;
	}
	if (fabs(pt) > WS_LIMIT_PAGE_SIDE_PT) {
		ws__ld_err(ld, v, "%s '%s' is larger than the limit of %d pt", what, t, WS_LIMIT_PAGE_SIDE_PT);
		return false;
	}
	*out = pt;
	return true;
}

bool ws__ld_length_or_auto(ws_loader *ld, const ws_value *v, const char *what, double *out)
{
	const char *t = ws_value_text(v);
	if (t && strcmp(t, "auto") == 0) {
		*out = WS_AUTO;
		return true;
	}
	return ws__ld_length(ld, v, what, false, out);
}

bool ws__ld_bool(ws_loader *ld, const ws_value *v, const char *what, bool *out)
{
	if (ws_value_get_type(v) != WS_VALUE_BOOL) {
		ws__ld_err(ld, v, "%s must be true or false", what);
		return false;
	}
	*out = ws_value_bool(v);
	return true;
}

bool ws__ld_number(ws_loader *ld, const ws_value *v, const char *what, double lo, double hi,
                       double *out)
{
	if (ws_value_get_type(v) != WS_VALUE_NUMBER) {
		ws__ld_err(ld, v, "%s must be a number", what);
		return false;
	}
	double n = ws_value_number(v);
	if (!isfinite(n) || n < lo || n > hi) {
		ws__ld_err(ld, v, "%s must be between %g and %g", what, lo, hi);
		return false;
	}
	*out = n;
	return true;
}

static int hex_digit(char c)
{
	return g_ascii_xdigit_value(c);
}

static const struct {
	const char *name;
	ws_color c;
} named_colors[] = {
	{"black", {0, 0, 0, 1}},
	{"white", {1, 1, 1, 1}},
	{"gray", {0.5, 0.5, 0.5, 1}},
	{"grey", {0.5, 0.5, 0.5, 1}},
	{"red", {1, 0, 0, 1}},
	/* GB/T 9704 §5.2 red: CMYK (0, 80, 80, 0) → sRGB (255, 51, 51). */
	{"official-red", {1, 0.2, 0.2, 1}},
	{"blue", {0, 0, 1, 1}},
	{"none", {0, 0, 0, 0}},
	{"transparent", {0, 0, 0, 0}},
};

bool ws__ld_color(ws_loader *ld, const ws_value *v, const char *what, ws_color *out)
{
	const char *t = ws__ld_scalar_text(ld, v, what);
	if (!t)
		return false;
	for (size_t i = 0; i < G_N_ELEMENTS(named_colors); i++)
		if (g_ascii_strcasecmp(t, named_colors[i].name) == 0) {
			*out = named_colors[i].c;
			return true;
		}
	size_t n = strlen(t);
	if (t[0] == '#' && (n == 4 || n == 7 || n == 9)) {
		int d[8];
		bool ok = true;
		for (size_t i = 1; i < n; i++)
			ok = ok && (d[i - 1] = hex_digit(t[i])) >= 0;
		if (ok) {
			if (n == 4) {
				*out = (ws_color){d[0] / 15.0, d[1] / 15.0, d[2] / 15.0, 1};
			} else {
				out->r = (d[0] * 16 + d[1]) / 255.0;
				out->g = (d[2] * 16 + d[3]) / 255.0;
				out->b = (d[4] * 16 + d[5]) / 255.0;
				out->a = n == 9 ? (d[6] * 16 + d[7]) / 255.0 : 1.0;
			}
			return true;
		}
	}
	ws__ld_err(ld, v, "%s '%s' is not a colour (use #RRGGBB, #RGB or a name such as black, red, official-red)",
	    what, t);
	return false;
}

/* One of `names` (NULL-terminated); returns its index or -1 after reporting. */
int ws__ld_enum(ws_loader *ld, const ws_value *v, const char *what, const char *const *names)
{
	const char *t = ws__ld_scalar_text(ld, v, what);
	if (!t)
		return -1;
	size_t n = 0;
	for (; names[n]; n++)
		if (strcmp(t, names[n]) == 0)
			return (int)n;
	const char *hint = ws_suggest(t, names, n);
	GString *list = g_string_new(NULL);
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(list, "%s%s", i ? ", " : "", names[i]);
	if (hint)
		ws__ld_err(ld, v, "%s '%s' is not one of %s (did you mean '%s'?)", what, t, list->str, hint);
	else
		ws__ld_err(ld, v, "%s '%s' is not one of %s", what, t, list->str);
	g_string_free(list, TRUE);
	return -1;
}

/* Compiles a template from a scalar.  Numbers and booleans are taken as
 * their text, so `text: 2025` prints "2025". */
ws_template *ws__ld_template(ws_loader *ld, const ws_value *v, const char *what)
{
	if (!ws__ld_scalar_text(ld, v, what))
		return NULL;
	/* From the value, not its text: an error points at its own character
	 * inside quotes and past escapes (expr.h). */
	ws_template *tpl = NULL;
	if (ws_template_compile_value(&tpl, v, false, ld->diags) != WS_OK)
		return NULL;
	return tpl;
}

ws_template *ws__ld_expr(ws_loader *ld, const ws_value *v, const char *what)
{
	const char *t = ws__ld_scalar_text(ld, v, what);
	if (!t)
		return NULL;
	ws_template *tpl = NULL;
	/* `each: group.applicants` and `each: "{{ group.applicants }}"` both work. */
	if (ws_template_compile_value(&tpl, v, !strstr(t, "{{"), ld->diags) != WS_OK)
		return NULL;
	return tpl;
}

/* ------------------------------------------------------------------ styles */

void ws_style_free_contents(ws_style *s)
{
	g_free(s->font);
	s->font = NULL;
}

void ws_style_copy(ws_style *dst, const ws_style *src)
{
	*dst = *src;
	dst->font = g_strdup(src->font);
}

/* Copies into `dst` every field that `src` sets. */
static void style_merge(ws_style *dst, const ws_style *src)
{
	unsigned int s = src->set;
	if (s & WS_STYLE_SET_FONT) {
		g_free(dst->font);
		dst->font = g_strdup(src->font);
	}
	if (s & WS_STYLE_SET_SIZE)
		dst->size = src->size;
	if (s & WS_STYLE_SET_WEIGHT)
		dst->weight = src->weight;
	if (s & WS_STYLE_SET_ITALIC)
		dst->italic = src->italic;
	if (s & WS_STYLE_SET_COLOR)
		dst->color = src->color;
	if (s & WS_STYLE_SET_ALIGN)
		dst->align = src->align;
	if (s & WS_STYLE_SET_VALIGN)
		dst->valign = src->valign;
	if (s & WS_STYLE_SET_LINE_HEIGHT) {
		dst->line_height = src->line_height;
		dst->line_height_factor = src->line_height_factor;
	}
	if (s & WS_STYLE_SET_INDENT) {
		dst->indent = src->indent;
		dst->indent_em = src->indent_em;
	}
	if (s & WS_STYLE_SET_LETTER_SPACING)
		dst->letter_spacing = src->letter_spacing;
	if (s & WS_STYLE_SET_MIN_SIZE)
		dst->min_size = src->min_size;
	if (s & WS_STYLE_SET_FIT)
		dst->fit = src->fit;
	if (s & WS_STYLE_SET_GRID)
		dst->grid = src->grid;
	if (s & WS_STYLE_SET_HAN_LATIN)
		dst->cjk.han_latin_space = src->cjk.han_latin_space;
	if (s & WS_STYLE_SET_PUNCT)
		dst->cjk.punct = src->cjk.punct;
	if (s & WS_STYLE_SET_ORPHANS)
		dst->cjk.avoid_orphans = src->cjk.avoid_orphans;
	if (s & WS_STYLE_SET_STRICT)
		dst->cjk.strict_breaks = src->cjk.strict_breaks;
	dst->set |= s;
}

const char *const ws__ld_style_keys[] = {
	"font", "size", "weight", "italic", "color", "align", "valign", "line_height", "indent",
	"letter_spacing", "min_size", "fit", "grid", "han_latin_space", "punctuation",
	"avoid_orphans", "strict_breaks", NULL,
};

static const char *const align_names[] = {"left", "center", "right", "justify", "distribute", NULL};
static const char *const valign_names[] = {"top", "middle", "bottom", NULL};
static const char *const fit_names[] = {"wrap", "shrink", "error", NULL};
static const char *const punct_names[] = {"gb", "full", "kaiming", "half", NULL};

static const char *resolve_font(ws_loader *ld, const char *name, ws_loc loc)
{
	const char *family = g_hash_table_lookup(ld->layout->fonts, name);
	/* Recorded, with where it is first named, so `check` speaks only of
	 * the fonts this layout uses and points at a missing one. */
	const char *f = family ? family : name;
	if (g_hash_table_add(ld->layout->used_fonts, g_strdup(f))) {
		g_ptr_array_add(ld->layout->font_names, g_strdup(f));
		g_array_append_val(ld->layout->font_locs, loc);
	}
	return f;
}

/* Reads the style keys present in `map` into `st` (only those; the `set`
 * bits record which).  Keys that are not style keys are left alone. */
static void parse_style_keys(ws_loader *ld, const ws_value *map, ws_style *st)
{
	const ws_value *v;
	double d;
	bool b;
	int k;
	if ((v = ws_value_map_get(map, "font"))) {
		const char *t = ws__ld_scalar_text(ld, v, "font");
		if (t && *t) {
			g_free(st->font);
			st->font = g_strdup(resolve_font(ld, t, ws_value_loc(v)));
			st->set |= WS_STYLE_SET_FONT;
		} else if (t) {
			ws__ld_err(ld, v, "font must not be empty");
		}
	}
	if ((v = ws_value_map_get(map, "size"))) {
		if (ws__ld_length(ld, v, "size", false, &d)) {
			if (d < 1 || d > 1000)
				ws__ld_err(ld, v, "size must be between 1pt and 1000pt");
			else {
				st->size = d;
				st->set |= WS_STYLE_SET_SIZE;
			}
		}
	}
	if ((v = ws_value_map_get(map, "weight"))) {
		const char *t = ws_value_text(v);
		if (ws_value_get_type(v) == WS_VALUE_NUMBER && ws_value_number(v) >= 100 &&
		    ws_value_number(v) <= 1000) {
			st->weight = (int)ws_value_number(v);
			st->set |= WS_STYLE_SET_WEIGHT;
		} else if (t && strcmp(t, "bold") == 0) {
			st->weight = PANGO_WEIGHT_BOLD;
			st->set |= WS_STYLE_SET_WEIGHT;
		} else if (t && strcmp(t, "normal") == 0) {
			st->weight = PANGO_WEIGHT_NORMAL;
			st->set |= WS_STYLE_SET_WEIGHT;
		} else {
			ws__ld_err(ld, v, "weight must be normal, bold or a number from 100 to 1000");
		}
	}
	if ((v = ws_value_map_get(map, "italic")) && ws__ld_bool(ld, v, "italic", &b)) {
		st->italic = b;
		st->set |= WS_STYLE_SET_ITALIC;
	}
	if ((v = ws_value_map_get(map, "color")) && ws__ld_color(ld, v, "color", &st->color))
		st->set |= WS_STYLE_SET_COLOR;
	if ((v = ws_value_map_get(map, "align")) && (k = ws__ld_enum(ld, v, "align", align_names)) >= 0) {
		st->align = (ws_align)k;
		st->set |= WS_STYLE_SET_ALIGN;
	}
	if ((v = ws_value_map_get(map, "valign")) && (k = ws__ld_enum(ld, v, "valign", valign_names)) >= 0) {
		st->valign = (ws_valign)k;
		st->set |= WS_STYLE_SET_VALIGN;
	}
	if ((v = ws_value_map_get(map, "line_height"))) {
		/* A bare number is a multiple of the font size; a length is a fixed pitch. */
		if (ws_value_get_type(v) == WS_VALUE_NUMBER) {
			if (ws__ld_number(ld, v, "line_height", 0.5, 10, &d)) {
				st->line_height = 0;
				st->line_height_factor = d;
				st->set |= WS_STYLE_SET_LINE_HEIGHT;
			}
		} else if (ws__ld_length(ld, v, "line_height", false, &d)) {
			st->line_height = d;
			st->line_height_factor = 0;
			st->set |= WS_STYLE_SET_LINE_HEIGHT;
		}
	}
	if ((v = ws_value_map_get(map, "indent"))) {
		const char *t = ws__ld_scalar_text(ld, v, "indent");
		char *end = NULL;
		double em = t ? g_ascii_strtod(t, &end) : 0;
		if (t && end != t && (strcmp(end, "em") == 0 || strcmp(end, "字") == 0) && isfinite(em) &&
		    fabs(em) <= 100) {
			st->indent = 0;
			st->indent_em = em;
			st->set |= WS_STYLE_SET_INDENT;
		} else if (t && ws__ld_length(ld, v, "indent", true, &d)) {
			st->indent = d;
			st->indent_em = 0;
			st->set |= WS_STYLE_SET_INDENT;
		}
	}
	if ((v = ws_value_map_get(map, "letter_spacing")) &&
	    ws__ld_length(ld, v, "letter_spacing", true, &st->letter_spacing))
		st->set |= WS_STYLE_SET_LETTER_SPACING;
	if ((v = ws_value_map_get(map, "min_size")) && ws__ld_length(ld, v, "min_size", false, &d)) {
		if (d < 1)
			ws__ld_err(ld, v, "min_size must be at least 1pt");
		else {
			st->min_size = d;
			st->set |= WS_STYLE_SET_MIN_SIZE;
		}
	}
	if ((v = ws_value_map_get(map, "fit")) && (k = ws__ld_enum(ld, v, "fit", fit_names)) >= 0) {
		st->fit = (ws_fit)k;
		st->set |= WS_STYLE_SET_FIT;
	}
	if ((v = ws_value_map_get(map, "grid")) && ws__ld_bool(ld, v, "grid", &b)) {
		st->grid = b;
		st->set |= WS_STYLE_SET_GRID;
	}
	if ((v = ws_value_map_get(map, "han_latin_space")) && ws__ld_bool(ld, v, "han_latin_space", &b)) {
		st->cjk.han_latin_space = b;
		st->set |= WS_STYLE_SET_HAN_LATIN;
	}
	if ((v = ws_value_map_get(map, "punctuation")) &&
	    (k = ws__ld_enum(ld, v, "punctuation", punct_names)) >= 0) {
		st->cjk.punct = (ws_punct_style)k;
		st->set |= WS_STYLE_SET_PUNCT;
	}
	if ((v = ws_value_map_get(map, "avoid_orphans")) && ws__ld_bool(ld, v, "avoid_orphans", &b)) {
		st->cjk.avoid_orphans = b;
		st->set |= WS_STYLE_SET_ORPHANS;
	}
	if ((v = ws_value_map_get(map, "strict_breaks")) && ws__ld_bool(ld, v, "strict_breaks", &b)) {
		st->cjk.strict_breaks = b;
		st->set |= WS_STYLE_SET_STRICT;
	}
}

static void style_free(gpointer p)
{
	ws_style *s = p;
	ws_style_free_contents(s);
	g_free(s);
}

/* Resolves a named style with its `inherit` chain into a full style. */
bool ws__ld_lookup_style(ws_loader *ld, const ws_value *name_v, ws_style *out)
{
	const char *name = ws__ld_scalar_text(ld, name_v, "style");
	if (!name)
		return false;
	const ws_style *s = g_hash_table_lookup(ld->layout->styles, name);
	if (!s) {
		GPtrArray *names = g_ptr_array_new();
		GHashTableIter it;
		gpointer key;
		g_hash_table_iter_init(&it, ld->layout->styles);
		while (g_hash_table_iter_next(&it, &key, NULL))
			g_ptr_array_add(names, key);
		const char *hint = ws_suggest(name, (const char *const *)names->pdata, names->len);
		if (hint)
			ws__ld_err(ld, name_v, "unknown style '%s' (did you mean '%s'?)", name, hint);
		else
			ws__ld_err(ld, name_v, "unknown style '%s'", name);
		g_ptr_array_free(names, TRUE);
		return false;
	}
	style_merge(out, s);
	return true;
}

static const char *const style_def_keys[] = {"inherit", NULL};

/* `styles:` may reference each other through `inherit`; they are resolved
 * in dependency order and a cycle is an error. */
static void load_styles(ws_loader *ld, const ws_value *styles)
{
	if (ws_value_get_type(styles) != WS_VALUE_MAP) {
		ws__ld_err(ld, styles, "styles must be a map of style names to styles");
		return;
	}
	size_t n = ws_value_length(styles);
	bool *done = g_new0(bool, n);
	for (size_t round = 0; round <= n; round++) {
		bool progress = false;
		for (size_t i = 0; i < n; i++) {
			if (done[i])
				continue;
			const ws_value *def = ws_value_map_value_at(styles, i);
			const char *name = ws_value_map_key_at(styles, i);
			if (ws_value_get_type(def) != WS_VALUE_MAP) {
				ws__ld_err(ld, def, "style '%s' must be a map of style properties", name);
				done[i] = true;
				continue;
			}
			const ws_value *inh = ws_value_map_get(def, "inherit");
			ws_style *st = g_new0(ws_style, 1);
			if (inh) {
				const char *parent = ws_value_text(inh);
				if (!parent || !ws_value_map_get(styles, parent)) {
					ws__ld_lookup_style(ld, inh, st); /* reports unknown style */
					style_free(st);
					done[i] = true;
					continue;
				}
				if (!g_hash_table_contains(ld->layout->styles, parent)) {
					style_free(st); /* parent not resolved yet */
					continue;
				}
				style_merge(st, g_hash_table_lookup(ld->layout->styles, parent));
			}
			ws__ld_check_keys(ld, def, ws__ld_style_keys, style_def_keys, "a style");
			ws_style own = {0};
			parse_style_keys(ld, def, &own);
			style_merge(st, &own);
			ws_style_free_contents(&own);
			g_hash_table_insert(ld->layout->styles, g_strdup(name), st);
			done[i] = true;
			progress = true;
		}
		if (!progress)
			break;
	}
	for (size_t i = 0; i < n; i++)
		if (!done[i])
			ws__ld_err(ld, ws_value_map_value_at(styles, i), "style '%s' inherits from itself (a cycle)",
			    ws_value_map_key_at(styles, i));
	g_free(done);
}

/* ------------------------------------------------------------------- page */

static const struct {
	const char *name;
	double w_mm, h_mm;
} paper_sizes[] = {
	{"A3", 297, 420}, {"A4", 210, 297}, {"A5", 148, 210}, {"B5", 176, 250},
	{"Letter", 215.9, 279.4}, {"Legal", 215.9, 355.6}, {"DL", 110, 220}, {"C5", 162, 229},
};

static const char *const page_keys[] = {"size", "orientation", "margins", NULL};
static const char *const orientation_names[] = {"portrait", "landscape", NULL};

static void load_margins(ws_loader *ld, const ws_value *v)
{
	ws_layout *l = ld->layout;
	if (ws_value_get_type(v) != WS_VALUE_LIST) {
		double m;
		if (ws__ld_length(ld, v, "margins", false, &m))
			l->margin[0] = l->margin[1] = l->margin[2] = l->margin[3] = m;
		return;
	}
	size_t n = ws_value_length(v);
	double m[4];
	if (n != 1 && n != 2 && n != 4) {
		ws__ld_err(ld, v, "margins take 1, 2 ([vertical, horizontal]) or 4 ([top, right, bottom, left]) lengths, not %zu", n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!ws__ld_length(ld, ws_value_list_at(v, i), "margin", false, &m[i]))
			return;
	if (n == 1)
		m[1] = m[2] = m[3] = m[0];
	else if (n == 2) {
		m[2] = m[0];
		m[3] = m[1];
	}
	memcpy(l->margin, m, sizeof m);
}

static void load_page(ws_loader *ld, const ws_value *page)
{
	ws_layout *l = ld->layout;
	if (ws_value_get_type(page) != WS_VALUE_MAP) {
		ws__ld_err(ld, page, "page must be a map (size, orientation, margins)");
		return;
	}
	ws__ld_check_keys(ld, page, page_keys, NULL, "page");
	const ws_value *v;
	if ((v = ws_value_map_get(page, "size"))) {
		if (ws_value_get_type(v) == WS_VALUE_LIST) {
			double w, h;
			if (ws_value_length(v) != 2)
				ws__ld_err(ld, v, "a custom page size is [width, height]");
			else if (ws__ld_length(ld, ws_value_list_at(v, 0), "page width", false, &w) &&
			         ws__ld_length(ld, ws_value_list_at(v, 1), "page height", false, &h)) {
				if (w < 36 || h < 36)
					ws__ld_err(ld, v, "page size must be at least 36pt (half an inch) on each side");
				else {
					l->page_w = w;
					l->page_h = h;
				}
			}
		} else {
			const char *t = ws__ld_scalar_text(ld, v, "page size");
			size_t i;
			for (i = 0; t && i < G_N_ELEMENTS(paper_sizes); i++)
				if (g_ascii_strcasecmp(t, paper_sizes[i].name) == 0)
					break;
			if (t && i < G_N_ELEMENTS(paper_sizes)) {
				l->page_w = paper_sizes[i].w_mm * 72 / 25.4;
				l->page_h = paper_sizes[i].h_mm * 72 / 25.4;
			} else if (t) {
				ws__ld_err(ld, v, "unknown page size '%s' (use A3, A4, A5, B5, Letter, Legal, DL, C5 or [width, height])", t);
			}
		}
	}
	if ((v = ws_value_map_get(page, "orientation"))) {
		const char *const *o = orientation_names;
		int k = ws__ld_enum(ld, v, "orientation", o);
		double a = MIN(l->page_w, l->page_h), b = MAX(l->page_w, l->page_h);
		if (k == 0) {
			l->page_w = a;
			l->page_h = b;
		} else if (k == 1) {
			l->page_w = b;
			l->page_h = a;
		}
	}
	if ((v = ws_value_map_get(page, "margins")))
		load_margins(ld, v);
	if (l->margin[1] + l->margin[3] >= l->page_w - 36 || l->margin[0] + l->margin[2] >= l->page_h - 36)
		ws__ld_err(ld, page, "the margins leave no room on the page");
}

/* ---------------------------------------------------------------- elements */

static ws_elem *load_element(ws_loader *ld, const ws_value *v);

void ws__ld_element_list(ws_loader *ld, const ws_value *list, GPtrArray *out, const char *what)
{
	if (ws_value_get_type(list) != WS_VALUE_LIST) {
		ws__ld_err(ld, list, "%s must be a list of elements", what);
		return;
	}
	if (++ld->depth > 32) {
		ws__ld_err(ld, list, "elements are nested more than 32 levels deep");
		ld->depth--;
		return;
	}
	for (size_t i = 0; i < ws_value_length(list); i++) {
		ws_elem *e = load_element(ld, ws_value_list_at(list, i));
		if (e)
			g_ptr_array_add(out, e);
	}
	ld->depth--;
}

/* Keys every element accepts. */
const char *const ws__ld_common_keys[] = {
	"when", "box", "width", "height", "x", "space_before", "space_after", "keep_with_next",
	"keep_together", "keep_with_previous", NULL,
};

void ws_elem_free(ws_elem *e)
{
	if (!e)
		return;
	if (e->cls && e->cls->free && e->data)
		e->cls->free(e->data);
	g_free(e->type_name);
	ws_template_free(e->when);
	g_free(e);
}

/* Builds one merged property map from an element: its sibling keys and,
 * when the type key holds a map, that map's keys.  A key given both ways is
 * an error.  Caller unrefs. */
static ws_value *element_props(ws_loader *ld, const ws_value *v, const char *type_key)
{
	ws_value *props = ws_value_new_map(ws_value_loc(v));
	const ws_value *inner = ws_value_map_get(v, type_key);
	for (size_t i = 0; i < ws_value_length(v); i++) {
		const char *k = ws_value_map_key_at(v, i);
		if (strcmp(k, type_key) == 0)
			continue;
		ws_value_map_set(props, k, ws_value_ref(ws_value_map_value_at(v, i)), ws_value_map_key_loc(v, i));
	}
	if (ws_value_get_type(inner) == WS_VALUE_MAP) {
		for (size_t i = 0; i < ws_value_length(inner); i++) {
			const char *k = ws_value_map_key_at(inner, i);
			if (ws_value_map_get(props, k))
				ws__ld_err_loc(ld, ws_value_map_key_loc(inner, i),
				        "'%s' is given twice for this %s element", k, type_key);
			else
				ws_value_map_set(props, k, ws_value_ref(ws_value_map_value_at(inner, i)),
				                 ws_value_map_key_loc(inner, i));
		}
	}
	return props;
}

static bool load_box(ws_loader *ld, const ws_value *v, ws_rect *box)
{
	if (ws_value_get_type(v) != WS_VALUE_LIST || ws_value_length(v) != 4) {
		ws__ld_err(ld, v, "box must be [x, y, width, height]");
		return false;
	}
	double b[4];
	if (!ws__ld_length(ld, ws_value_list_at(v, 0), "box x", true, &b[0]) ||
	    !ws__ld_length(ld, ws_value_list_at(v, 1), "box y", true, &b[1]) ||
	    !ws__ld_length(ld, ws_value_list_at(v, 2), "box width", false, &b[2]) ||
	    !ws__ld_length_or_auto(ld, ws_value_list_at(v, 3), "box height", &b[3]))
		return false;
	*box = (ws_rect){b[0], b[1], b[2], b[3]};
	return true;
}

static void load_common(ws_loader *ld, ws_elem *e, const ws_value *props)
{
	const ws_value *v;
	e->width = WS_AUTO;
	e->height = WS_AUTO;
	if ((v = ws_value_map_get(props, "when")))
		e->when = ws__ld_expr(ld, v, "when"); /* a bare condition, or {{ … }} */
	if ((v = ws_value_map_get(props, "box")))
		e->has_box = load_box(ld, v, &e->box);
	if ((v = ws_value_map_get(props, "width")))
		ws__ld_length_or_auto(ld, v, "width", &e->width);
	if ((v = ws_value_map_get(props, "height")))
		ws__ld_length_or_auto(ld, v, "height", &e->height);
	if ((v = ws_value_map_get(props, "x")))
		ws__ld_length(ld, v, "x", true, &e->x_offset);
	if ((v = ws_value_map_get(props, "space_before")))
		ws__ld_length(ld, v, "space_before", true, &e->space_before);
	if ((v = ws_value_map_get(props, "space_after")))
		ws__ld_length(ld, v, "space_after", true, &e->space_after);
	if ((v = ws_value_map_get(props, "keep_with_next")))
		ws__ld_bool(ld, v, "keep_with_next", &e->keep_with_next);
	if ((v = ws_value_map_get(props, "keep_together")))
		ws__ld_bool(ld, v, "keep_together", &e->keep_together);
	if ((v = ws_value_map_get(props, "keep_with_previous")))
		ws__ld_bool(ld, v, "keep_with_previous", &e->keep_with_previous);
}

/* The element's text style: base ← named style ← inline overrides. */
void ws__ld_elem_style(ws_loader *ld, const ws_value *props, ws_style *st, const ws_style *base)
{
	ws_style_copy(st, base);
	const ws_value *v = ws_value_map_get(props, "style");
	if (v)
		ws__ld_lookup_style(ld, v, st);
	ws_style own = {0};
	parse_style_keys(ld, props, &own);
	style_merge(st, &own);
	ws_style_free_contents(&own);
}

void ws__ld_stroke(ws_loader *ld, const ws_value *props, ws_stroke *s)
{
	const ws_value *v;
	s->stroke = (ws_color){0, 0, 0, 1};
	s->width = 0.75;
	if ((v = ws_value_map_get(props, "stroke")))
		ws__ld_color(ld, v, "stroke", &s->stroke);
	if ((v = ws_value_map_get(props, "stroke_width")))
		ws__ld_length(ld, v, "stroke_width", false, &s->width);
	if ((v = ws_value_map_get(props, "fill")))
		ws__ld_color(ld, v, "fill", &s->fill);
	if ((v = ws_value_map_get(props, "radius")))
		ws__ld_length(ld, v, "radius", false, &s->radius);
	if ((v = ws_value_map_get(props, "dash"))) {
		if (ws_value_get_type(v) != WS_VALUE_LIST || ws_value_length(v) == 0 ||
		    ws_value_length(v) > G_N_ELEMENTS(s->dash)) {
			ws__ld_err(ld, v, "dash must be a list of 1 to 8 lengths, e.g. [2pt, 1pt]");
		} else {
			s->n_dash = (int)ws_value_length(v);
			for (int i = 0; i < s->n_dash; i++)
				ws__ld_length(ld, ws_value_list_at(v, (size_t)i), "dash", false, &s->dash[i]);
		}
	}
}

static ws_elem *load_element(ws_loader *ld, const ws_value *v)
{
	if (ws_value_get_type(v) != WS_VALUE_MAP) {
		ws__ld_err(ld, v, "an element must be a map such as {text: ...} or {table: ...}");
		return NULL;
	}
	if (++ld->n_elements > WS_LIMIT_ELEMENTS) {
		if (ld->n_elements == WS_LIMIT_ELEMENTS + 1)
			ws__ld_err(ld, v, "the layout has more than %d elements", WS_LIMIT_ELEMENTS);
		return NULL;
	}
	/* Find the type key: a built-in type (element.h), else a plugin's. */
	const char *type_key = NULL;
	const ws_elem_class *cls = NULL;
	const ws_element_desc *plugin = NULL;
	/* Plugins load on first use, found by the element type's name
	 * (plugin.h); a second pass, only when no type was found, loads every
	 * plugin: one may serve the type under a name of its own. */
	for (int pass = 0; pass < 2 && !type_key; pass++) {
		if (pass == 1) {
			if (!ld->registry)
				break;
			ws_registry_element_count(ld->registry);
		}
		for (size_t i = 0; i < ws_value_length(v); i++) {
			const char *k = ws_value_map_key_at(v, i);
			const ws_elem_class *c = ws__elem_class_find(k);
			const ws_element_desc *pd = NULL;
			if (!c && ld->registry && (pd = ws_registry_find_element(ld->registry, k)))
				c = &ws__elem_plugin_class;
			if (!c)
				continue;
			if (type_key) {
				ws__ld_err_loc(ld, ws_value_map_key_loc(v, i),
				               "an element has one type, but this one has both '%s' and '%s'", type_key, k);
				return NULL;
			}
			type_key = k;
			cls = c;
			plugin = pd;
		}
	}
	if (!type_key) {
		/* Suggest against every element type known. */
		GPtrArray *names = g_ptr_array_new();
		for (size_t b = 0; ws__elem_class_at(b); b++)
			g_ptr_array_add(names, (gpointer)ws__elem_class_at(b)->name);
		if (ld->registry)
			for (size_t i = 0; i < ws_registry_element_count(ld->registry); i++)
				g_ptr_array_add(names, (gpointer)ws_registry_element_at(ld->registry, i)->name);
		const char *hint = NULL;
		size_t bad = 0;
		for (size_t i = 0; i < ws_value_length(v) && !hint; i++) {
			hint = ws_suggest(ws_value_map_key_at(v, i), (const char *const *)names->pdata, names->len);
			bad = i;
		}
		if (hint)
			ws__ld_err_loc(ld, ws_value_map_key_loc(v, bad), "unknown element type '%s' (did you mean '%s'?)",
			        ws_value_map_key_at(v, bad), hint);
		else
			ws__ld_err_loc(ld, ws_value_map_key_loc(v, 0),
			        "an element needs a type: text, table, rect, line, checkbox, image, elements, page_break, space or a plugin element such as barcode");
		g_ptr_array_free(names, TRUE);
		return NULL;
	}

	ws_elem *e = g_new0(ws_elem, 1);
	e->cls = cls;
	e->loc = ws_value_loc(v);
	e->type_name = g_strdup(type_key);
	ws_value *props = element_props(ld, v, type_key);
	load_common(ld, e, props);
	ws_elem_src src = {v, ws_value_map_get(v, type_key), props, plugin};
	e->data = cls->load(ld, e, &src);
	ws_value_unref(props);
	return e;
}

/* ------------------------------------------------------------------ fields */

static const char *const field_keys[] = {"required", "type", "pattern", "enum", "message", "level", NULL};
static const char *const field_types[] = {"string", "number", "date", "list", "map", "bool", NULL};
static const char *const field_levels[] = {"error", "warning", NULL};

static void field_rule_free(gpointer p)
{
	ws_field_rule *r = p;
	g_free(r->path);
	g_free(r->type);
	if (r->pattern)
		g_regex_unref(r->pattern);
	g_free(r->pattern_text);
	if (r->enum_values)
		g_ptr_array_free(r->enum_values, TRUE);
	g_free(r->message);
	g_free(r);
}

static void load_fields(ws_loader *ld, const ws_value *fields)
{
	if (ws_value_get_type(fields) != WS_VALUE_MAP) {
		ws__ld_err(ld, fields, "fields must be a map of data paths to rules");
		return;
	}
	for (size_t i = 0; i < ws_value_length(fields); i++) {
		const ws_value *def = ws_value_map_value_at(fields, i);
		ws_field_rule *r = g_new0(ws_field_rule, 1);
		const char *path = ws_value_map_key_at(fields, i);
		r->path = g_strdup(g_str_has_prefix(path, "group.") ? path + 6 : path);
		r->loc = ws_value_map_key_loc(fields, i);
		g_ptr_array_add(ld->layout->fields, r);
		if (ws_value_get_type(def) != WS_VALUE_MAP) {
			ws__ld_err(ld, def, "the rule for '%s' must be a map (required, type, pattern, enum)", path);
			continue;
		}
		ws__ld_check_keys(ld, def, field_keys, NULL, "a field rule");
		const ws_value *v;
		if ((v = ws_value_map_get(def, "required")))
			ws__ld_bool(ld, v, "required", &r->required);
		if ((v = ws_value_map_get(def, "type"))) {
			const char *const *types = field_types;
			int k = ws__ld_enum(ld, v, "type", types);
			if (k >= 0)
				r->type = g_strdup(types[k]);
		}
		if ((v = ws_value_map_get(def, "pattern"))) {
			const char *pat = ws__ld_scalar_text(ld, v, "pattern");
			GError *gerr = NULL;
			if (pat) {
				r->pattern = g_regex_new(pat, G_REGEX_OPTIMIZE, 0, &gerr);
				if (!r->pattern) {
					ws__ld_err(ld, v, "pattern is not a valid regular expression: %s", gerr->message);
					g_error_free(gerr);
				} else {
					r->pattern_text = g_strdup(pat);
				}
			}
		}
		if ((v = ws_value_map_get(def, "enum"))) {
			if (ws_value_get_type(v) != WS_VALUE_LIST) {
				ws__ld_err(ld, v, "enum must be a list of allowed values");
			} else {
				r->enum_values = g_ptr_array_new_with_free_func(g_free);
				for (size_t k = 0; k < ws_value_length(v); k++)
					g_ptr_array_add(r->enum_values, g_strdup(ws_value_text(ws_value_list_at(v, k))));
			}
		}
		if ((v = ws_value_map_get(def, "message")))
			r->message = g_strdup(ws__ld_scalar_text(ld, v, "message"));
		if ((v = ws_value_map_get(def, "level"))) {
			const char *const *levels = field_levels;
			r->warning = ws__ld_enum(ld, v, "level", levels) == 1;
		}
	}
}

static bool is_iso_date(const char *t)
{
	int y, m, d;
	char tail;
	if (!t || strlen(t) != 10 || sscanf(t, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return false;
	return g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

/* The value at the first `len` bytes of `path`, or NULL. */
static const ws_value *lookup_prefix(const ws_value *group, const char *path, size_t len)
{
	char *prefix = g_strndup(path, len);
	const ws_value *v = ws_value_lookup(group, prefix);
	g_free(prefix);
	return v;
}

/* Expands "applicants[*].x" over every item; other paths are looked up directly. */
static void check_field_path(const ws_field_rule *r, const ws_value *group, const char *path,
                             const char *shown, ws_diags *diags)
{
	const char *star = strstr(path, "[*]");
	if (star) {
		char *prefix = g_strndup(path, (gsize)(star - path));
		const ws_value *list = ws_value_lookup(group, prefix);
		for (size_t i = 0; i < ws_value_length(list); i++) {
			char *p = g_strdup_printf("%s[%zu]%s", prefix, i, star + 3);
			char *s = g_strdup_printf("group.%s", p);
			check_field_path(r, group, p, s, diags);
			g_free(s);
			g_free(p);
		}
		g_free(prefix);
		return;
	}
	ws_severity sev = r->warning ? WS_SEVERITY_WARNING : WS_SEVERITY_ERROR;
	const ws_value *v = ws_value_lookup(group, path);
	if (ws_value_is_null(v) || (ws_value_get_type(v) == WS_VALUE_STRING && !*ws_value_text(v))) {
		if (r->required) {
			/* Point at the nearest parent that exists, so the clerk knows where to add it. */
			char *parent = g_strdup(path);
			const ws_value *at = v;
			while (!at) {
				char *dot = strrchr(parent, '.');
				char *br = strrchr(parent, '[');
				char *cut = dot > br ? dot : br;
				if (!cut) {
					at = group;
					break;
				}
				*cut = '\0';
				at = ws_value_lookup(group, parent);
			}
			g_free(parent);
			/* The rule's message names the field (护照号码); it does not
			 * say what is wrong with it. */
			GString *msg = g_string_new(r->message ? r->message : "");
			g_string_append(msg, r->message ? ": required field is missing" : "required field is missing");
			ws_loc loc = ws_value_loc(at);
			/* A key of the same map spelt nearly so (pasport_no) is most
			 * likely the field itself: point at it. */
			const char *cut = strrchr(path, '.');
			if (!v && cut && ws_value_get_type(at) == WS_VALUE_MAP && strlen(path) > strlen(cut) &&
			    at == lookup_prefix(group, path, (size_t)(cut - path))) {
				GPtrArray *keys = g_ptr_array_new();
				for (size_t k = 0; k < ws_value_length(at); k++)
					g_ptr_array_add(keys, (gpointer)ws_value_map_key_at(at, k));
				const char *near = ws_suggest(cut + 1, (const char *const *)keys->pdata, keys->len);
				for (size_t k = 0; near && k < ws_value_length(at); k++)
					if (ws_value_map_key_at(at, k) == near)
						loc = ws_value_map_key_loc(at, k);
				if (near)
					g_string_append_printf(msg, " (the data has '%s' here: write '%s')", near, cut + 1);
				g_ptr_array_free(keys, TRUE);
			}
			ws_diag_add(diags, sev, loc, "layout-field", shown, "%s", msg->str);
			g_string_free(msg, TRUE);
		}
		return;
	}
	const char *text = ws_value_text(v);
	if (r->type) {
		bool ok = true;
		ws_value_type t = ws_value_get_type(v);
		if (strcmp(r->type, "string") == 0)
			ok = t == WS_VALUE_STRING || t == WS_VALUE_NUMBER;
		else if (strcmp(r->type, "number") == 0)
			ok = t == WS_VALUE_NUMBER;
		else if (strcmp(r->type, "date") == 0)
			ok = t == WS_VALUE_STRING && is_iso_date(text);
		else if (strcmp(r->type, "list") == 0)
			ok = t == WS_VALUE_LIST;
		else if (strcmp(r->type, "map") == 0)
			ok = t == WS_VALUE_MAP;
		else if (strcmp(r->type, "bool") == 0)
			ok = t == WS_VALUE_BOOL;
		if (!ok) {
			char *shown_v = ws_value_to_string(v);
			ws_diag_add(diags, sev, ws_value_loc(v), "layout-field", shown, "%s: expected a %s%s, got %s",
			            r->message ? r->message : "wrong type", r->type,
			            strcmp(r->type, "date") == 0 ? " (YYYY-MM-DD)" : "", shown_v);
			g_free(shown_v);
			return;
		}
	}
	if (r->pattern && text && !g_regex_match(r->pattern, text, 0, NULL))
		ws_diag_add(diags, sev, ws_value_loc(v), "layout-field", shown, "%s: '%s' does not match %s",
		            r->message ? r->message : "invalid value", text, r->pattern_text);
	if (r->enum_values && text) {
		bool found = false;
		for (guint i = 0; i < r->enum_values->len && !found; i++)
			found = strcmp(text, g_ptr_array_index(r->enum_values, i)) == 0;
		if (!found)
			ws_diag_add(diags, sev, ws_value_loc(v), "layout-field", shown, "%s: '%s' is not an allowed value",
			            r->message ? r->message : "invalid value", text);
	}
}

int ws_layout_check_fields(const ws_layout *layout, const ws_value *group, ws_diags *diags)
{
	for (guint i = 0; i < layout->fields->len; i++) {
		const ws_field_rule *r = g_ptr_array_index(layout->fields, i);
		char *shown = g_strdup_printf("group.%s", r->path);
		check_field_path(r, group, r->path, shown, diags);
		g_free(shown);
	}
	return WS_OK;
}

/* A kind a plugin serves, or an error at `v` with the closest kind. */
static const char *known_kind(ws_loader *ld, const ws_value *v, const char *key)
{
	const char *kind = ws__ld_scalar_text(ld, v, key);
	if (!kind || !ld->registry || ws_registry_find_kind(ld->registry, kind))
		return kind;
	GPtrArray *names = g_ptr_array_new();
	for (size_t i = 0; i < ws_registry_kind_count(ld->registry); i++)
		g_ptr_array_add(names, (gpointer)ws_registry_kind_at(ld->registry, i)->name);
	/* Listing the kinds loaded every plugin (plugin.h): one that serves
	 * the kind under a name of its own is found now. */
	if (ws_registry_find_kind(ld->registry, kind)) {
		g_ptr_array_free(names, TRUE);
		return kind;
	}
	const char *hint = ws_suggest(kind, (const char *const *)names->pdata, names->len);
	/* Without a hint the plugin is likely not installed where wenshu looks:
	 * say where that is. */
	GString *dirs = g_string_new(NULL);
	for (size_t i = 0; i < ws_registry_dir_count(ld->registry); i++)
		g_string_append_printf(dirs, "%s%s", i ? ", " : "", ws_registry_dir_at(ld->registry, i));
	if (hint)
		ws__ld_err(ld, v, "no plugin serves the kind '%s' (did you mean '%s'?)", kind, hint);
	else
		ws__ld_err(ld, v, "no plugin serves the kind '%s' (see 'wenshu list kinds'; plugin folders searched: %s)", kind,
		    dirs->len ? dirs->str : "none");
	g_string_free(dirs, TRUE);
	g_ptr_array_free(names, TRUE);
	return kind;
}

/* A form name is also a file name and an output-name token: letters,
 * digits, '-' and '_', not starting with '-'. */
static bool good_name(const char *s)
{
	if (!s || !*s || *s == '-' || strlen(s) > 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
			return false;
	return true;
}

/* Who the document is.  `kind:` hands the data to a plugin kind, which
 * derives fields and validates the record by its rules.  A form of the
 * office's own says `name:` instead: then only its `fields:` rules
 * validate, and `derive: KIND` borrows that kind's derived fields
 * (group.derived) without its rules. */
static void load_identity(ws_loader *ld, const ws_value *root, const char *path)
{
	ws_layout *l = ld->layout;
	const ws_value *kv = ws_value_map_get(root, "kind");
	const ws_value *nv = ws_value_map_get(root, "name");
	const ws_value *dv = ws_value_map_get(root, "derive");
	/* ws_value_text() is NULL for a list or map (`kind:` followed by an
	 * indented list, found by fuzzing); ws__ld_scalar_text() reports those. */
	if (kv && ws_value_text(kv) && !*ws_value_text(kv))
		kv = NULL;
	if (nv) {
		const char *name = ws__ld_scalar_text(ld, nv, "name");
		if (name && !good_name(name))
			ws__ld_err(ld, nv, "the form's name '%s' must be letters, digits, '-' and '_' (e.g. name: passport-receipt)",
			    name);
		else if (name && ld->registry && ws_registry_find_kind(ld->registry, name) &&
		         g_strcmp0(name, kv ? ws_value_text(kv) : NULL) != 0)
			ws__ld_err(ld, nv, "the name '%s' is a plugin's kind; give the form a name of its own", name);
		else if (name)
			l->name = g_strdup(name);
		/* `wenshu render NAME` finds NAME.yaml: say so when they differ. */
		char *base = path ? g_path_get_basename(path) : NULL;
		char *stem = base && g_str_has_suffix(base, ".yaml") ? g_strndup(base, strlen(base) - 5) : NULL;
		if (l->name && stem && strcmp(stem, l->name) != 0)
			ws_diag_add(ld->diags, WS_SEVERITY_WARNING, ws_value_loc(nv), NULL, NULL,
			            "the form is named '%s' but its file is %s: 'wenshu render %s' finds only %s.yaml",
			            l->name, base, l->name, l->name);
		g_free(stem);
		g_free(base);
	}
	if (!kv && !nv) {
		ws__ld_err(ld, root,
		    "the layout must say what it is: 'name: my-form' (a form of its own) or 'kind: payment-receipt' (a plugin's kind)");
		return;
	}
	if (kv)
		l->kind = g_strdup(known_kind(ld, kv, "kind"));
	if (dv) {
		if (kv)
			ws__ld_err(ld, dv, "derive: is for a form without kind: (the kind '%s' derives its own fields)",
			    l->kind ? l->kind : "");
		else
			l->derive = g_strdup(known_kind(ld, dv, "derive"));
	}
	if (!l->name)
		l->name = g_strdup(l->kind);
}

/* ------------------------------------------------------------------ layout */

static const char *const grid_keys[] = {"chars", "lines", NULL};
static const char *const top_keys[] = {
	"wenshu", "name", "kind", "derive", "title", "author", "subject", "page", "fonts", "styles", "defaults",
	"grid", "fields", "elements", "every_page", NULL,
};

static void layout_init_defaults(ws_layout *l)
{
	l->page_w = 210 * 72 / 25.4;
	l->page_h = 297 * 72 / 25.4;
	for (int i = 0; i < 4; i++)
		l->margin[i] = 20 * 72 / 25.4;
	l->fonts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	l->used_fonts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	l->font_names = g_ptr_array_new_with_free_func(g_free);
	l->font_locs = g_array_new(FALSE, TRUE, sizeof(ws_loc));
	/* The role names of DESIGN.md work without a `fonts:` section. */
	static const char *const roles[][2] = {
		{"song", "Wenshu Song"}, {"hei", "Wenshu Hei"}, {"kai", "Wenshu Kai"},
		{"fangsong", "Wenshu FangSong"}, {"title", "Wenshu Title"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(roles); i++)
		g_hash_table_insert(l->fonts, g_strdup(roles[i][0]), g_strdup(roles[i][1]));
	l->styles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, style_free);
	l->elements = g_ptr_array_new_with_free_func((GDestroyNotify)ws_elem_free);
	l->every_page = g_ptr_array_new_with_free_func((GDestroyNotify)ws_elem_free);
	l->fields = g_ptr_array_new_with_free_func(field_rule_free);
	ws_style *b = &l->base_style;
	b->font = g_strdup("Wenshu Song");
	b->size = 12;
	b->weight = PANGO_WEIGHT_NORMAL;
	b->color = (ws_color){0, 0, 0, 1};
	b->line_height_factor = 1.4;
	b->min_size = 6;
	ws_cjk_options cjk = WS_CJK_OPTIONS_INIT;
	b->cjk = cjk;
	b->set = ~0u;
}

void ws_layout_free(ws_layout *l)
{
	if (!l)
		return;
	g_free(l->path);
	g_free(l->dir);
	g_free(l->kind);
	g_free(l->name);
	g_free(l->derive);
	g_free(l->title);
	g_free(l->author);
	g_free(l->subject);
	if (l->fonts)
		g_hash_table_unref(l->fonts);
	if (l->used_fonts)
		g_hash_table_unref(l->used_fonts);
	if (l->font_names)
		g_ptr_array_free(l->font_names, TRUE);
	if (l->font_locs)
		g_array_free(l->font_locs, TRUE);
	if (l->styles)
		g_hash_table_unref(l->styles);
	ws_style_free_contents(&l->base_style);
	if (l->elements)
		g_ptr_array_free(l->elements, TRUE);
	if (l->every_page)
		g_ptr_array_free(l->every_page, TRUE);
	if (l->fields)
		g_ptr_array_free(l->fields, TRUE);
	ws_value_unref(l->source);
	g_free(l);
}

static int load_from_value(ws_layout **out, ws_value *root, const char *path,
                           const ws_registry *registry, ws_diags *diags)
{
	ws_diags *mine = ws_diags_new();
	ws_loader ld = {.registry = registry, .diags = mine};
	ws_layout *l = g_new0(ws_layout, 1);
	ld.layout = l;
	layout_init_defaults(l);
	l->source = root;
	l->path = g_strdup(path);
	char *dir = g_path_get_dirname(path);
	char *abs = g_canonicalize_filename(dir, NULL);
	l->dir = abs;
	g_free(dir);

	if (ws_value_get_type(root) != WS_VALUE_MAP) {
		ws__ld_err(&ld, root, "a layout must be a map starting with 'wenshu: 1'");
		goto done;
	}
	ws__ld_check_keys(&ld, root, top_keys, NULL, "the layout");
	const ws_value *v = ws_value_map_get(root, "wenshu");
	if (!v) {
		ws__ld_err(&ld, root, "the layout must start with 'wenshu: 1' (the format version)");
	} else if (ws_value_get_type(v) != WS_VALUE_NUMBER || ws_value_number(v) != WS_LAYOUT_FORMAT_VERSION) {
		ws__ld_err(&ld, v, "this layout is format version '%s'; wenshu %s reads version %d", ws_value_text(v),
		    WS_VERSION, WS_LAYOUT_FORMAT_VERSION);
		goto done;
	}
	load_identity(&ld, root, path);
	if ((v = ws_value_map_get(root, "title")))
		l->title = g_strdup(ws__ld_scalar_text(&ld, v, "title"));
	if ((v = ws_value_map_get(root, "author")))
		l->author = g_strdup(ws__ld_scalar_text(&ld, v, "author"));
	if ((v = ws_value_map_get(root, "subject")))
		l->subject = g_strdup(ws__ld_scalar_text(&ld, v, "subject"));
	l->page_loc = ws_value_loc(root);
	if ((v = ws_value_map_get(root, "page"))) {
		l->page_loc = ws_value_loc(v);
		load_page(&ld, v);
	}
	if ((v = ws_value_map_get(root, "fonts"))) {
		if (ws_value_get_type(v) != WS_VALUE_MAP)
			ws__ld_err(&ld, v, "fonts must map role names to font families (song: Wenshu Song)");
		else
			for (size_t i = 0; i < ws_value_length(v); i++) {
				const char *fam = ws__ld_scalar_text(&ld, ws_value_map_value_at(v, i), "font family");
				if (fam)
					g_hash_table_insert(l->fonts, g_strdup(ws_value_map_key_at(v, i)), g_strdup(fam));
			}
	}
	if ((v = ws_value_map_get(root, "defaults"))) {
		if (ws_value_get_type(v) != WS_VALUE_MAP) {
			ws__ld_err(&ld, v, "defaults must be a map of style properties");
		} else {
			ws__ld_check_keys(&ld, v, ws__ld_style_keys, NULL, "defaults");
			ws_style own = {0};
			parse_style_keys(&ld, v, &own);
			style_merge(&l->base_style, &own);
			ws_style_free_contents(&own);
		}
	}
	/* The default font follows a remapped song role. */
	if (!(ws_value_map_get(ws_value_map_get(root, "defaults"), "font"))) {
		g_free(l->base_style.font);
		l->base_style.font = g_strdup(resolve_font(&ld, "song", WS_LOC_NONE));
	}
	if ((v = ws_value_map_get(root, "grid"))) {
		const char *const *gk = grid_keys;
		double c = 0, n = 0;
		if (ws_value_get_type(v) != WS_VALUE_MAP)
			ws__ld_err(&ld, v, "grid must be a map {chars: 28, lines: 22}");
		else {
			ws__ld_check_keys(&ld, v, gk, NULL, "grid");
			const ws_value *cv = ws_value_map_get(v, "chars"), *lv = ws_value_map_get(v, "lines");
			if (!cv || !lv)
				ws__ld_err(&ld, v, "grid needs both chars and lines");
			else if (ws__ld_number(&ld, cv, "grid chars", 1, 200, &c) && ws__ld_number(&ld, lv, "grid lines", 1, 200, &n)) {
				l->grid_chars = (int)c;
				l->grid_lines = (int)n;
			}
		}
	}
	if ((v = ws_value_map_get(root, "styles")))
		load_styles(&ld, v);
	if ((v = ws_value_map_get(root, "fields")))
		load_fields(&ld, v);
	v = ws_value_map_get(root, "elements");
	if (!v)
		ws__ld_err(&ld, root, "the layout has no elements");
	else
		ws__ld_element_list(&ld, v, l->elements, "elements");
	if ((v = ws_value_map_get(root, "every_page")))
		ws__ld_element_list(&ld, v, l->every_page, "every_page");
	if (!l->title)
		l->title = g_strdup(l->name ? l->name : "");

done:;
	bool failed = ws_diags_has_errors(mine);
	ws_diags_move(diags, mine);
	ws_diags_free(mine);
	if (failed) {
		ws_layout_free(l);
		*out = NULL;
		return WS_EINPUT;
	}
	*out = l;
	return WS_OK;
}

int ws_layout_load_file(ws_layout **out, const char *path, const ws_registry *registry,
                        ws_diags *diags)
{
	ws_value *root = NULL;
	*out = NULL;
	int rc = ws_yaml_load_file(&root, path, diags);
	if (rc != WS_OK)
		return rc;
	rc = load_from_value(out, root, path, registry, diags);
	/* Plugins the layout's kind and element types loaded (plugin.h). */
	ws_registry_take_diags(registry, diags);
	return rc;
}

int ws_layout_load_buffer(ws_layout **out, const char *buf, size_t len, const char *name,
                          const ws_registry *registry, ws_diags *diags)
{
	ws_value *root = NULL;
	*out = NULL;
	int rc = ws_yaml_load_buffer(&root, buf, len, name, diags);
	if (rc != WS_OK)
		return rc;
	rc = load_from_value(out, root, name, registry, diags);
	ws_registry_take_diags(registry, diags);
	return rc;
}

const char *ws_layout_kind(const ws_layout *l)
{
	return l->kind;
}

const char *ws_layout_name(const ws_layout *l)
{
	return l->name;
}

const char *ws_layout_derive(const ws_layout *l)
{
	return l->kind ? l->kind : l->derive;
}

bool ws_layout_uses_font(const ws_layout *l, const char *family)
{
	return g_hash_table_contains(l->used_fonts, family);
}

size_t ws_layout_font_count(const ws_layout *l)
{
	return l->font_names->len;
}

const char *ws_layout_font_at(const ws_layout *l, size_t i, ws_loc *loc)
{
	if (loc)
		*loc = g_array_index(l->font_locs, ws_loc, i);
	return g_ptr_array_index(l->font_names, i);
}

const char *ws_layout_title(const ws_layout *l)
{
	return l->title;
}

const char *ws_layout_path(const ws_layout *l)
{
	return l->path;
}

void ws_layout_page_size(const ws_layout *l, double *w, double *h)
{
	if (w)
		*w = l->page_w;
	if (h)
		*h = l->page_h;
}

/* The loader's own tables, for `wenshu schema layout` (schema.c). */
const ws__ld_tables ws__ld_tables_of_the_loader = {
	.top = top_keys,
	.page = page_keys,
	.orientation = orientation_names,
	.style_def = style_def_keys,
	.field = field_keys,
	.field_types = field_types,
	.field_levels = field_levels,
	.grid = grid_keys,
	.align = align_names,
	.valign = valign_names,
	.fit = fit_names,
	.punctuation = punct_names,
};

ws_loc ws_layout_page_loc(const ws_layout *layout)
{
	if (layout->page_loc.file)
		return layout->page_loc;
	return (ws_loc){g_intern_string(layout->path), 1, 1};
}
