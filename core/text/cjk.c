/* Chinese typography on top of Pango (DOMAIN.md §2, W3C clreq).
 *
 * How Pango 1.50.12 applies letter spacing (measured, Noto Serif CJK SC
 * 16 pt, 72 dpi, metric hinting off):
 *  - a letter-spacing value LS on a grapheme adds LS/2 before and LS/2
 *    after it (3000 units on "三" alone: "三" drawn 1.465 pt later, "四"
 *    2.93 pt later);
 *  - at the start and end of a line the outer half is removed;
 *  - but line breaking measures each grapheme with its full LS: ten 16 pt
 *    hanzi with LS 2 pt need a 180 pt wide layout, although they end at 178;
 *  - an LS that is an odd multiple of PANGO_SCALE is split unevenly
 *    (1024 → 1024 before, 0 after).
 * So the extra space of the gap between graphemes b−1 and b is
 * (LS[b−1] + LS[b]) / 2.  To set chosen gaps e[b] on a line we solve that
 * chain from the line start (LS[0] = e[1], LS[b] = 2·e[b] − LS[b−1]); the
 * halves that stick out at both ends are dropped by Pango.  Because Pango's
 * measurement would then disagree with the drawing, each adjusted line is
 * frozen: PANGO_ATTR_ALLOW_BREAKS=FALSE over its interior keeps Pango from
 * breaking it anywhere else.
 *
 * The work is done in two phases:
 *  A. the breaks.  L3/L4 forbidden breaks, L7, grid spacing (L11) and an
 *     approximate L9 width are set first.  A justified paragraph then has
 *     its breaks chosen over the whole paragraph (total_fit: L6, push-in
 *     and L14 weighed in one choice) and held; any other paragraph, or one
 *     total fit cannot set, is broken line by line by Pango, L6 and L14
 *     iterated with relayout (at most WS_CJK_MAX_PASSES);
 *  B. with the breaks known: L8, exact L9, L10/L13 gaps, then freeze.
 */
#include "cjk.h"
#include "unbreakable.h"

#include <math.h>
#include <string.h>
#include <hb.h>
#include <hb-ot.h>

/* Bound on relayout passes of the line-by-line phase A: an L6 trial needs
 * two passes to settle, an L14 fix two more; the bound keeps a
 * pathological paragraph from looping (each mark is tried once, each
 * orphan twice). */
#define WS_CJK_MAX_PASSES 24

typedef struct cjk_state {
	PangoLayout *layout;
	ws_cjk_options o;
	const char *text;
	int n;                   /* characters */
	int *off;                /* byte offset of each character, off[n] = length */
	gunichar *ch;
	PangoAttrList *orig;     /* owned copy of the caller's attributes, or NULL */
	int *ls_base;            /* Pango units: caller's letter spacing + L11 grid */
	int *ls_l9;              /* Pango units: phase-A estimate of L9 */
	int *ls_orphan;          /* Pango units: L14 spacing of a tightened line */
	bool *halt;              /* set half width with the `halt` feature */
	bool *l6;                /* halt[] set by L6 (line end), re-decided each pass */
	bool *l6_tried;          /* L6 already tried to pull this mark up a line */
	bool *l6_end;            /* l6[] was set because the mark ended a line */
	bool *l6_blocked;        /* L6 gave up on this mark (it would oscillate) */
	int *push_line;          /* first character of the line whose push-in squeezed this mark, or −1 */
	bool *nobreak_before;    /* L3/L4: no line break before this character */
	bool *cursor;            /* grapheme starts */
	int *rise;               /* Pango units: fallback glyphs raised onto the body's em box */
	bool *fallback;          /* drawn from a fallback face (not the body font) */
	bool *full_only;         /* a mark whose glyph does not fit half its width */
	bool *spread;            /* phase B: a mark sharing its line's push-in squeeze */
	int *hold_to;            /* total fit: a line starts here and runs to hold_to[i] (next line's start), or −1 */
	bool *sealed;            /* total fit: an added break point inside a line, to become WJ */
	bool *held_space;        /* a space inside a unit the caller keeps whole (a phone number) */
	int size;                /* Pango units: font size of the layout's description */
} cjk_state;

static bool is_closing(gunichar c)
{
	/* GB/T 15834 marks whose blank half is on the right in mainland (SC)
	 * glyphs: stops, pauses, closing brackets and quotes. */
	switch (c) {
	case 0xFF0C: case 0x3002: case 0x3001: case 0xFF1B: case 0xFF1A:
	case 0xFF1F: case 0xFF01: case 0xFF09: case 0x300B: case 0x300D:
	case 0x300F: case 0x3011: case 0x3015: case 0x3017: case 0x3009:
	case 0x201D: case 0x2019: case 0xFF3D: case 0xFF5D: case 0xFF0E:
		return true;
	default:
		return false;
	}
}

static bool is_opening(gunichar c)
{
	/* Opening brackets and quotes: blank half on the left. */
	switch (c) {
	case 0xFF08: case 0x300A: case 0x300C: case 0x300E: case 0x3010:
	case 0x3014: case 0x3016: case 0x3008: case 0x201C: case 0x2018:
	case 0xFF3B: case 0xFF5B:
		return true;
	default:
		return false;
	}
}

/* 开明 style keeps the sentence-end marks 。？！ full width (clreq §3.1.6). */
static bool is_sentence_end(gunichar c)
{
	return c == 0x3002 || c == 0xFF1F || c == 0xFF01 || c == 0xFF0E;
}

static bool is_han(gunichar c)
{
	switch (g_unichar_get_script(c)) {
	case G_UNICODE_SCRIPT_HAN:
	case G_UNICODE_SCRIPT_HIRAGANA:
	case G_UNICODE_SCRIPT_KATAKANA:
	case G_UNICODE_SCRIPT_BOPOMOFO:
		return g_unichar_isalpha(c) || g_unichar_type(c) == G_UNICODE_LETTER_NUMBER;
	default:
		return false;
	}
}

/* L9 partners: Latin/Greek/Cyrillic letters and digits, but not the
 * full-width forms (U+FF00–U+FFEF), which already sit on the CJK grid. */
static bool is_western(gunichar c)
{
	if (c >= 0xFF00 && c <= 0xFFEF)
		return false;
	if (c < 0x80)
		return g_ascii_isalnum((char)c);
	switch (g_unichar_get_script(c)) {
	case G_UNICODE_SCRIPT_LATIN:
	case G_UNICODE_SCRIPT_GREEK:
	case G_UNICODE_SCRIPT_CYRILLIC:
		return g_unichar_isalnum(c);
	default:
		return false;
	}
}

/* L3: interpuncts that must stay with the previous character. */
static bool is_l3_nonstarter(gunichar c)
{
	return c == 0x00B7 || c == 0x30FB || c == 0x2027;
}

/* U+200B ZERO WIDTH SPACE: the break opportunities ws_cjk_apply() adds
 * (add_break_points) are ZWSPs; like white space they draw nothing, never
 * start a grapheme of their own here and are trimmed from a line's end. */
#define ZWSP 0x200B
/* U+2060 WORD JOINER: what an added break point that did not end a line
 * becomes before phase B (seal_break_points). */
#define WJ 0x2060

static bool is_zw(gunichar c)
{
	return c == ZWSP || c == WJ;
}

static bool is_white(gunichar c)
{
	return g_unichar_isspace(c) || c == 0x2028 || c == 0x2029 || is_zw(c);
}

/* The two halves Pango gives a letter spacing are equal except for odd
 * multiples of PANGO_SCALE (see top of file); one unit (1/1024 pt) off
 * keeps the chain of gaps exact. */
static int even_split(int ls)
{
	if (ls != 0 && ls % PANGO_SCALE == 0 && (ls / PANGO_SCALE) % 2 != 0)
		return ls + 1;
	return ls;
}

static void insert(PangoAttrList *l, PangoAttribute *a, int start, int end)
{
	a->start_index = (guint)start;
	a->end_index = (guint)end;
	pango_attr_list_insert(l, a);
}

/* Letter spacing as runs of equal values, so equal neighbours share an item
 * and keep their kerning and shaping context. */
static void insert_spacing(cjk_state *s, PangoAttrList *l, const int *ls)
{
	int i = 0;
	while (i < s->n) {
		int j = i + 1;
		while (j < s->n && ls[j] == ls[i])
			j++;
		insert(l, pango_attr_letter_spacing_new(even_split(ls[i])), s->off[i], s->off[j]);
		i = j;
	}
}

static PangoAttrList *base_attrs(cjk_state *s)
{
	PangoAttrList *l = s->orig ? pango_attr_list_copy(s->orig) : pango_attr_list_new();
	/* Where this module sets letter spacing, Pango splits Latin words into
	 * items (losing kerning across them) and drops ligatures, while
	 * measure() (spacing 0) saw them kerned and ligated: justified lines
	 * with Latin words overshot the measure by ~1 pt.  So when spacing is
	 * set (justify, 均排, grid, L9), set Latin without kerning or ligatures
	 * and measurement equals drawing; otherwise keep them. */
	if (s->o.justify || s->o.distribute || s->o.grid_pitch > 0 || s->o.han_latin_space)
		insert(l, pango_attr_font_features_new("liga 0, clig 0, dlig 0, kern 0"), 0, s->off[s->n]);
	for (int i = 0; i < s->n; i++) {
		int end = s->off[i + 1];
		if (s->fallback[i]) {
			/* A fallback face has its own ascent, descent and em box: on
			 * its own it sits off the body's baseline (+0.4 pt with Noto,
			 * +1.5 pt with Fandol) and, with an absolute line height, its
			 * run box (centred on its own metrics) makes the line taller
			 * than the grid pitch.  Raise it onto the body's em box and
			 * give its run a one-unit line height, so it never sets the
			 * line's extents: the body's runs do. */
			if (s->rise[i] != 0)
				insert(l, pango_attr_rise_new(s->rise[i]), s->off[i], end);
			insert(l, pango_attr_line_height_new_absolute(1), s->off[i], end);
		}
		if (s->halt[i])
			insert(l, pango_attr_font_features_new("halt 1"), s->off[i], end);
		/* ALLOW_BREAKS=FALSE on [previous, this] removes only the break
		 * between them (Pango leaves the range's edges breakable). */
		if (s->nobreak_before[i] && i > 0)
			insert(l, pango_attr_allow_breaks_new(FALSE), s->off[i - 1], s->off[i + 1]);
		/* Total fit: no break inside a chosen line. */
		if (s->hold_to[i] > i + 1)
			insert(l, pango_attr_allow_breaks_new(FALSE), s->off[i], s->off[s->hold_to[i]]);
	}
	return l;
}

static void set_attrs(cjk_state *s, PangoAttrList *l)
{
	pango_layout_set_attributes(s->layout, l);
	pango_attr_list_unref(l);
}

static int char_at(const cjk_state *s, int byte)
{
	int lo = 0, hi = s->n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (s->off[mid] < byte)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* One laid-out line as grapheme indices [first, last] (characters),
 * trailing white space excluded.  n = 0 for an empty line. */
typedef struct line_info {
	int first_char, end_char; /* characters [first_char, end_char) of the line */
	int *clusters;            /* owned: character index of each grapheme */
	int n;
	bool para_start, para_end;
	int avail;                /* Pango units: width available to the line */
	int width;                /* Pango units: logical width as laid out */
	int start_byte;
} line_info;

static line_info *get_lines(cjk_state *s, int *count)
{
	GSList *lines = pango_layout_get_lines_readonly(s->layout);
	int nl = (int)g_slist_length(lines);
	line_info *li = g_new0(line_info, nl > 0 ? nl : 1);
	int width = pango_layout_get_width(s->layout);
	int indent = pango_layout_get_indent(s->layout);
	int k = 0;
	for (GSList *p = lines; p; p = p->next, k++) {
		PangoLayoutLine *line = p->data;
		line_info *L = &li[k];
		L->start_byte = line->start_index;
		L->first_char = char_at(s, line->start_index);
		L->end_char = char_at(s, line->start_index + line->length);
		L->para_start = line->is_paragraph_start;
		int e = L->end_char;
		while (e > L->first_char && is_white(s->ch[e - 1]))
			e--;
		L->clusters = g_new(int, e - L->first_char + 1);
		for (int i = L->first_char; i < e; i++)
			if (s->cursor[i] || i == L->first_char)
				L->clusters[L->n++] = i;
		PangoRectangle log;
		pango_layout_line_get_extents(line, NULL, &log);
		L->width = log.width;
		/* Pango's indent (L12) narrows the first line (positive indent) or
		 * the others (negative, hanging). */
		int cut = L->para_start ? MAX(indent, 0) : MAX(-indent, 0);
		L->avail = width < 0 ? -1 : width - cut;
	}
	for (int i = 0; i < nl; i++)
		li[i].para_end = (i + 1 == nl) || li[i + 1].para_start;
	*count = nl;
	return li;
}

static void free_lines(line_info *li, int n)
{
	for (int i = 0; i < n; i++)
		g_free(li[i].clusters);
	g_free(li);
}

/* Does the font carry the OpenType `halt` feature (DOMAIN.md §3: Noto CJK
 * yes; AR PL, WenQuanYi, LXGW, cwTeX no)? */
static bool font_has_halt(PangoFont *font, GHashTable *cache)
{
	if (!font)
		return false;
	hb_font_t *hb = pango_font_get_hb_font(font);
	if (!hb)
		return false;
	hb_face_t *face = hb_font_get_face(hb);
	gpointer v;
	if (g_hash_table_lookup_extended(cache, face, NULL, &v))
		return GPOINTER_TO_INT(v);
	hb_tag_t want[] = {HB_TAG('h', 'a', 'l', 't'), HB_TAG_NONE};
	hb_set_t *found = hb_set_create();
	hb_ot_layout_collect_features(face, HB_OT_TAG_GPOS, NULL, NULL, want, found);
	bool has = !hb_set_is_empty(found);
	hb_set_destroy(found);
	g_hash_table_insert(cache, face, GINT_TO_POINTER(has));
	return has;
}

/* Natural advance of every grapheme (Pango units, on its first character)
 * with the current compression but no letter spacing, and whether the
 * font of each character has `halt`.  Returns whether graphemes were
 * merged (see the end): the caller's line records are then stale. */
static bool measure(cjk_state *s, int *adv, bool *has_halt)
{
	bool *starts = g_new0(bool, s->n + 1);
	PangoLayout *m = pango_layout_copy(s->layout);
	PangoAttrList *l = base_attrs(s);
	insert(l, pango_attr_letter_spacing_new(0), 0, s->off[s->n]);
	pango_layout_set_attributes(m, l);
	pango_attr_list_unref(l);
	pango_layout_set_width(m, -1);
	pango_layout_set_indent(m, 0);
	memset(adv, 0, sizeof(int) * (size_t)s->n);
	GHashTable *cache = g_hash_table_new(g_direct_hash, g_direct_equal);
	PangoLayoutIter *it = pango_layout_get_iter(m);
	do {
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		if (!run)
			continue;
		bool h = font_has_halt(run->item->analysis.font, cache);
		int first = char_at(s, run->item->offset);
		int last = char_at(s, run->item->offset + run->item->length);
		for (int i = first; i < last; i++)
			has_halt[i] = h;
		for (int g = 0; g < run->glyphs->num_glyphs; g++) {
			int c = char_at(s, run->item->offset + run->glyphs->log_clusters[g]);
			starts[c] = true;
			while (c > 0 && !s->cursor[c])
				c--;
			adv[c] += run->glyphs->glyphs[g].geometry.width;
		}
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	g_hash_table_destroy(cache);
	g_object_unref(m);
	/* A grapheme the font drew as part of the previous one's glyph: Noto
	 * Serif CJK shapes "——" as one dash two ems long (17.75 pt at 10.5 pt
	 * between Latin words; two dashes shaped apart are 18.69 pt).  From
	 * here on it belongs to that grapheme: one letter spacing for both
	 * (Pango gives a glyph cluster one), so they stay in one item and keep
	 * the glyph measured here.  With a spacing each, the chain gave the two
	 * dashes +1.9 and −1.9 pt, Pango shaped them apart, and "…ICAO——USD
	 * 预果治考经" ended 0.94 pt past the measure. */
	bool changed = false;
	for (int i = 1; i < s->n; i++)
		if (s->cursor[i] && !starts[i] && !is_white(s->ch[i])) {
			s->cursor[i] = false;
			changed = true;
		}
	g_free(starts);
	return changed;
}

static bool compressible(const cjk_state *s, int i)
{
	return is_closing(s->ch[i]) || is_opening(s->ch[i]);
}

/* May the mark at i be set half width (L6–L8, push-in)? */
static bool halvable(const cjk_state *s, int i)
{
	return compressible(s, i) && !s->full_only[i];
}

/* Marks whose glyph, set half width, would draw outside it.  Half width is
 * the `halt` advance where the font has the feature, else the half of the
 * em that keeps the ink (line_spacing() takes the other half away).
 * FandolFang centres ？ and ！ (ink 5.1–10.9 pt of 16 pt) but its `halt`
 * halves their advance all the same: a line ending "地？" drew the mark's
 * ink 2.9 pt past the column.  Such a mark keeps its full width.  One
 * shaping per distinct mark of the paragraph. */
/* The caller's attributes that cover character i, moved onto a text of
 * that one character ([0, len)).  The whole list on the short text would
 * run past its end, and Pango's break pass reads such attributes out of
 * bounds (an ASan SEGV in pango_attr_break, as 7324897 found for the
 * middle dot). */
static PangoAttrList *attrs_of_char(const cjk_state *s, int i, int len)
{
	PangoAttrList *l = pango_attr_list_new();
	if (!s->orig)
		return l;
	guint a = (guint)s->off[i], b = (guint)s->off[i + 1];
	GSList *all = pango_attr_list_get_attributes(s->orig);
	for (GSList *p = all; p; p = p->next) {
		PangoAttribute *at = p->data;
		if (at->start_index < b && at->end_index > a) {
			at->start_index = 0;
			at->end_index = (guint)len;
			pango_attr_list_insert(l, at); /* takes it */
		} else {
			pango_attribute_destroy(at);
		}
	}
	g_slist_free(all);
	return l;
}

static void find_full_only(cjk_state *s)
{
	GHashTable *seen = NULL;
	for (int i = 0; i < s->n; i++) {
		if (!compressible(s, i))
			continue;
		if (!seen)
			seen = g_hash_table_new(g_direct_hash, g_direct_equal);
		gpointer v;
		if (g_hash_table_lookup_extended(seen, GUINT_TO_POINTER(s->ch[i]), NULL, &v)) {
			s->full_only[i] = GPOINTER_TO_INT(v);
			continue;
		}
		char u[8];
		int len = g_unichar_to_utf8(s->ch[i], u);
		PangoLayout *m = pango_layout_copy(s->layout);
		PangoAttrList *l = attrs_of_char(s, i, len);
		insert(l, pango_attr_font_features_new("halt 1"), 0, len);
		pango_layout_set_text(m, u, len);
		pango_layout_set_attributes(m, l);
		pango_attr_list_unref(l);
		pango_layout_set_width(m, -1);
		pango_layout_set_indent(m, 0);
		bool fits = true;
		PangoLayoutLine *line = pango_layout_get_line_readonly(m, 0);
		PangoLayoutRun *run = line && line->runs ? line->runs->data : NULL;
		if (run && run->glyphs->num_glyphs == 1) {
			PangoGlyphInfo *gi = &run->glyphs->glyphs[0];
			PangoRectangle ink, lg;
			pango_font_get_glyph_extents(run->item->analysis.font, gi->glyph, &ink, &lg);
			int w = gi->geometry.width, full = lg.width, tol = full / 50;
			int x0 = gi->geometry.x_offset + ink.x, x1 = x0 + ink.width;
			if (ink.width <= 0 || full <= 0)
				fits = true;
			else if (w < full * 3 / 4) /* the font's `halt` */
				fits = x0 >= -tol && x1 <= w + tol;
			else if (is_closing(s->ch[i]))
				fits = x1 <= full / 2 + tol;
			else
				fits = x0 >= full / 2 - tol;
		}
		g_object_unref(m);
		s->full_only[i] = !fits;
		g_hash_table_insert(seen, GUINT_TO_POINTER(s->ch[i]), GINT_TO_POINTER(!fits));
	}
	if (seen)
		g_hash_table_destroy(seen);
}

/* Punctuation widths that do not depend on line breaks: L7 (GB) or the
 * whole 开明/half style. */
static void static_compression(cjk_state *s)
{
	for (int i = 0; i < s->n; i++) {
		gunichar c = s->ch[i];
		/* An added break point between two marks ("，​“") leaves them
		 * adjacent: look past it. */
		int nx = i + 1, pv = i - 1;
		while (nx < s->n && is_zw(s->ch[nx]))
			nx++;
		while (pv >= 0 && is_zw(s->ch[pv]))
			pv--;
		switch (s->o.punct) {
		case WS_PUNCT_HALF:
			s->halt[i] = halvable(s, i);
			break;
		case WS_PUNCT_KAIMING:
			s->halt[i] = halvable(s, i) && !is_sentence_end(c);
			break;
		case WS_PUNCT_GB:
			/* L7: of two adjacent marks the inner blanks meet; trim the
			 * closing mark's right blank, or the second opening mark's
			 * left blank ("。”" and "（“" become 1.5 em). */
			if (nx < s->n && is_closing(c) && compressible(s, nx) && halvable(s, i))
				s->halt[i] = true;
			if (pv >= 0 && is_opening(c) && is_opening(s->ch[pv]) && halvable(s, i))
				s->halt[i] = true;
			break;
		case WS_PUNCT_FULL:
			break;
		}
	}
}

/* L6 for the current breaks: a closing mark ending a line loses its blank.
 * Returns whether anything changed. */
static bool line_end_compression(cjk_state *s, line_info *li, int nl)
{
	bool changed = false;
	bool *want = g_new0(bool, s->n);
	bool *is_line_end = g_new0(bool, s->n);
	for (int k = 0; k < nl; k++) {
		if (li[k].n == 0)
			continue;
		int last = li[k].clusters[li[k].n - 1];
		is_line_end[last] = true;
		if (is_closing(s->ch[last]) && halvable(s, last) && !s->l6_blocked[last])
			want[last] = true;
		/* L1 carried a character down with the mark after it; half the
		 * mark's width may be what the previous line lacked.  Try once;
		 * the next pass drops the halt if the mark did not move up. */
		if (k > 0 && li[k].n > 1 && !li[k].para_start) {
			int mark = li[k].clusters[1];
			if (is_closing(s->ch[mark]) && halvable(s, mark) && !s->l6_tried[mark] && !s->halt[mark]) {
				s->l6_tried[mark] = true;
				want[mark] = true;
			}
		}
	}
	for (int i = 0; i < s->n; i++) {
		if (want[i] == s->l6[i])
			continue;
		/* A mark L7 already compresses stays compressed. */
		if (!want[i] && s->halt[i] && !s->l6[i])
			continue;
		if (want[i] && s->halt[i])
			continue;
		if (!want[i] && s->l6_end[i]) {
			/* The mark ended a line, half width let the next unit up and
			 * now it is inside the line.  Made full again it would end
			 * the line again, and so on (passes ran out flipping it, so
			 * L14 never ran).  It goes back to full width and stays so
			 * at that line end: keeping it half inside the line (a
			 * squeeze) was tried and piled up to four squeezed marks in a
			 * paragraph. */
			s->l6_end[i] = false;
			s->l6[i] = false;
			s->l6_blocked[i] = true;
			s->halt[i] = false;
			changed = true;
			continue;
		}
		s->l6[i] = want[i];
		s->halt[i] = want[i];
		s->l6_end[i] = want[i] && is_line_end[i];
		changed = true;
	}
	g_free(is_line_end);
	g_free(want);
	return changed;
}

/* Graphemes of the line that are not punctuation. */
static int count_non_punct(const cjk_state *s, const line_info *L)
{
	int c = 0;
	for (int j = 0; j < L->n; j++) {
		gunichar ch = s->ch[L->clusters[j]];
		if (!g_unichar_ispunct(ch) && !compressible(s, L->clusters[j]))
			c++;
	}
	return c;
}

/* L14: a paragraph's last line holding a single character (+ marks) pulls
 * one more character down: the previous line gets just enough extra
 * spacing that its last grapheme no longer fits.  Returns whether a line
 * was changed. */
static bool fix_orphans(cjk_state *s, line_info *li, int nl, int *tries)
{
	bool changed = false;
	for (int k = 1; k < nl; k++) {
		line_info *L = &li[k], *P = &li[k - 1];
		if (!L->para_end || L->para_start || P->avail < 0 || P->n < 3)
			continue;
		if (count_non_punct(s, L) != 1 || tries[k] >= 2)
			continue;
		tries[k]++;
		/* δ·n > slack makes the whole line too wide, while n−1 graphemes
		 * with δ each still fit since (n−1)·δ < slack + one grapheme.  On
		 * the grid a full line has no slack (Pango even measures it a
		 * little over the measure, the tracking's outer halves): δ gets
		 * half a grapheme spread over the line on top, or the last line
		 * of one character + "。" stayed. */
		int slack = MAX(P->avail - P->width, 0);
		int delta = slack / P->n + s->size / (2 * P->n) + 2;
		for (int i = P->first_char; i < P->end_char; i++)
			s->ls_orphan[i] += delta;
		changed = true;
	}
	return changed;
}

/* A mid-line mark push-in may set half width: not yet compressed, and not
 * a sentence end (。？！ keep their full width inside a line). */
static bool squeezable(const cjk_state *s, int i)
{
	if (s->halt[i] || !halvable(s, i) || is_sentence_end(s->ch[i]))
		return false;
	/* A mark next to another mark: L7 already made the pair 1.5 em;
	 * squeezing the second one too left "”（" and "）；" at 1 em. */
	int nx = i + 1, pv = i - 1;
	while (nx < s->n && is_zw(s->ch[nx]))
		nx++;
	while (pv >= 0 && is_zw(s->ch[pv]))
		pv--;
	return !(nx < s->n && compressible(s, nx)) && !(pv >= 0 && compressible(s, pv));
}

static void phase_a_attrs(cjk_state *s)
{
	PangoAttrList *l = base_attrs(s);
	int *ls = g_new(int, s->n);
	for (int i = 0; i < s->n; i++)
		ls[i] = is_zw(s->ch[i]) ? 0 : s->ls_base[i] + s->ls_l9[i] + s->ls_orphan[i];
	insert_spacing(s, l, ls);
	g_free(ls);
	set_attrs(s, l);
}

static bool l9_boundary(const cjk_state *s, int a, int b)
{
	return (is_han(s->ch[a]) && is_western(s->ch[b])) ||
	       (is_western(s->ch[a]) && is_han(s->ch[b]));
}

/* Latin-script text and its punctuation: letters, digits and the ASCII /
 * Latin-1 marks that belong to a word or number ("B-1", "1369.00",
 * "(fictional)").  Inside such a run no spacing is ever added (clreq
 * §3.2.2); the middle dot U+00B7 of transliterated names is CJK here. */
static bool is_latin_like(gunichar c)
{
	if (c == 0x00B7 || is_white(c))
		return false;
	if (c < 0x2000)
		return !g_unichar_iscntrl(c);
	return is_western(c);
}

/* How justification may adjust the gap between two graphemes (clreq
 * §3.2.2 and §3.4): never inside a Latin word or number; at a word space
 * (after it); at inter-character positions between Han characters and
 * punctuation; at a Han/Latin boundary only as a last resort, within
 * [⅛, ½] em. */
typedef enum gap_kind {
	GAP_WORD,     /* inside a Latin word or number: fixed at 0 */
	GAP_SPACE,    /* after a word space: stretches */
	GAP_FIXED,    /* before a word space: fixed */
	GAP_HAN,      /* Han / CJK punctuation: stretches */
	GAP_L9,       /* Han/Latin boundary: ¼ em, adjusts only as a last resort */
} gap_kind;

static gap_kind classify_gap(const cjk_state *s, int pa, int pb)
{
	gunichar a = s->ch[pa], b = s->ch[pb];
	if (is_white(b))
		return GAP_FIXED;
	/* The spaces of a number the caller keeps whole ("+33 1 45 68 10
	 * 00", "EUR 30,000") are part of it: no stretch, like its digits. */
	if (is_white(a))
		return s->held_space[pa] ? GAP_WORD : GAP_SPACE;
	if (is_latin_like(a) && is_latin_like(b))
		return GAP_WORD;
	/* "……" and "——" are one 2-em mark: never spread, never tracked. */
	if (a == b && (a == 0x2026 || a == 0x2014))
		return GAP_WORD;
	if (l9_boundary(s, pa, pb))
		return GAP_L9;
	return GAP_HAN;
}

/* Total fit (issue 12; Knuth and Plass, "Breaking paragraphs into lines",
 * 1981): a justified paragraph's breaks are chosen over the whole
 * paragraph, not line by line.  The candidates are the break opportunities
 * Pango offers (UAX #14 with L1–L4, the caller's unbreakable runs and the
 * added break points); for every candidate line the widths are known in
 * advance: the advances with L7 and, for the line's last mark, L6; the
 * grid's tracking; ¼ em at each Han/Latin boundary inside the line; L8 at
 * its start.  A line may stretch only where line_spacing() stretches
 * (between hanzi and marks, at word spaces: never inside a word or
 * number), and shrink only by squeezing its mid-line ，、；：（） towards ½ em
 * (push-in, spread over the line's marks by spread_squeeze()).  Each line
 * costs (FIT_LINE + badness)² + FIT_NEW_LINE, badness = 100·r³ with r the
 * stretch per gap in quarter ems or the squeeze as a share of what the
 * marks can give; a squeezed line pays FIT_SQUEEZE on top and a last line
 * of one character (L14) FIT_ORPHAN.  The sequence with the least total
 * wins, so one loose line ahead of an English name that no break lets in
 * becomes several slightly looser ones, and a squeeze is taken where it
 * saves a looser line or a line.  The weights were set on the typography
 * texts (docs/typography.md): with FIT_NEW_LINE 0 and FIT_SQUEEZE 2500 the
 * specimen's second paragraph took a sixth line to avoid two squeezes. */
#define FIT_LINE 10.0
#define FIT_SQUEEZE 1000.0  /* about a line 2.4 pt loose a gap */
#define FIT_NEW_LINE 5000.0 /* a paragraph a line longer can move the page */
#define FIT_ORPHAN 1e9
#define FIT_RAGGED 1e8 /* a non-last line that cannot be made flush */

typedef struct fit_para {
	int m;          /* graphemes */
	int *g;         /* first character of each */
	double *pw;     /* prefix: width as Pango's breaker measures it (advance + letter spacing) */
	double *adv;    /* prefix: advances */
	double *gap;    /* prefix over gaps 1..k: fixed extra (grid, L9) between graphemes k−1 and k */
	int *nstretch;  /* prefix over gaps: gaps justification stretches */
	int *nl9;       /* prefix over gaps: Han/Latin boundaries */
	double *room;   /* prefix: what squeezable marks can give (half their advance) */
	int *nchar;     /* prefix: graphemes that are not punctuation (L14) */
} fit_para;

/* Can the mark at i give half its width to push-in?  Only in a font with
 * `halt`, or Pango's breaker would not see the squeeze. */
static bool fit_squeezable(const cjk_state *s, const bool *has_halt, int i)
{
	return s->o.punct == WS_PUNCT_GB && has_halt[i] && squeezable(s, i);
}

/* L6 on a mark ending a line, as Pango's breaker sees it. */
static bool fit_l6(const cjk_state *s, const bool *has_halt, int i)
{
	return s->o.punct == WS_PUNCT_GB && is_closing(s->ch[i]) && halvable(s, i) && !s->halt[i] && has_halt[i];
}

typedef struct fit_line {
	double pw;      /* Pango's measure, L6 included */
	double natural; /* drawn width before justification */
	double room;    /* squeeze available */
	double stretch; /* gaps that stretch */
	int l9;
	int chars;
} fit_line;

static fit_line fit_measure(const cjk_state *s, const fit_para *p, const int *adv, const bool *has_halt, int i, int e)
{
	fit_line f;
	int first = p->g[i], last = p->g[e - 1];
	f.pw = p->pw[e] - p->pw[i];
	f.natural = p->adv[e] - p->adv[i] + p->gap[e - 1] - p->gap[i];
	f.stretch = p->nstretch[e - 1] - p->nstretch[i];
	f.l9 = p->nl9[e - 1] - p->nl9[i];
	/* Not the line's last mark (it ends the line), nor an opening mark
	 * starting it (L8 halves it; spread_squeeze leaves it alone). */
	f.room = p->room[e - 1] - p->room[i];
	if (fit_squeezable(s, has_halt, first) && is_opening(s->ch[first]))
		f.room -= adv[first] / 2.0;
	f.chars = p->nchar[e] - p->nchar[i];
	if (fit_l6(s, has_halt, last)) {
		f.pw -= adv[last] / 2.0;
		f.natural -= adv[last] / 2.0;
	}
	if (e - i > 1 && s->o.punct == WS_PUNCT_GB && is_opening(s->ch[first]) && halvable(s, first) &&
	    !s->halt[first] && has_halt[first])
		f.natural -= adv[first] / 2.0;
	return f;
}

/* Demerits of a line of width `avail`; < 0: the line cannot be set. */
static double fit_cost(const cjk_state *s, const fit_line *f, double avail, bool last, bool first_line)
{
	double em = s->size;
	/* Pango must take the line as it is: its measure within the width
	 * (two units to spare for rounding), with whole marks squeezed. */
	double slack = avail - f->pw;
	if (last) {
		if (slack < 0)
			return -1;
		return FIT_NEW_LINE + ((s->o.avoid_orphans && !first_line && f->chars == 1) ? FIT_ORPHAN : 0);
	}
	if (slack + f->room < 0)
		return -1;
	double need = avail - f->natural;
	double bad, extra = 0;
	/* Within a quarter point the Han gaps absorb it (the grid's tracking
	 * makes a full line 0.2 pt over). */
	if (need >= -PANGO_SCALE / 4.0 || slack >= 0) {
		need = MAX(need, 0);
		if (f->stretch > 0) {
			double r = need / f->stretch / (em / 4);
			bad = 100 * r * r * r;
		} else if (f->l9 > 0 && need / f->l9 <= em / 4) {
			double r = need / f->l9 / (em / 4);
			bad = 100 * r * r * r;
		} else {
			bad = need > PANGO_SCALE / 2 ? FIT_RAGGED : 0;
		}
	} else {
		if (-need > f->room)
			return -1;
		double r = -need / f->room;
		bad = 100 * r * r * r;
		extra = FIT_SQUEEZE;
	}
	return (FIT_LINE + bad) * (FIT_LINE + bad) + extra + FIT_NEW_LINE;
}

static void fit_para_free(fit_para *p)
{
	g_free(p->g);
	g_free(p->pw);
	g_free(p->adv);
	g_free(p->gap);
	g_free(p->nstretch);
	g_free(p->nl9);
	g_free(p->room);
	g_free(p->nchar);
}

/* The graphemes of characters [first, end) and their running sums. */
static void fit_para_init(fit_para *p, const cjk_state *s, const int *adv, const bool *has_halt, int first, int end)
{
	p->g = g_new(int, end - first + 1);
	p->m = 0;
	for (int i = first; i < end; i++)
		if (i == first || s->cursor[i])
			p->g[p->m++] = i;
	/* The paragraph separator and trailing spaces are no line's content. */
	while (p->m > 0 && is_white(s->ch[p->g[p->m - 1]]))
		p->m--;
	int m = p->m;
	p->pw = g_new0(double, m + 1);
	p->adv = g_new0(double, m + 1);
	p->gap = g_new0(double, m + 1);
	p->nstretch = g_new0(int, m + 1);
	p->nl9 = g_new0(int, m + 1);
	p->room = g_new0(double, m + 1);
	p->nchar = g_new0(int, m + 1);
	for (int k = 0; k < m; k++) {
		int c = p->g[k];
		int ls = is_zw(s->ch[c]) ? 0 : s->ls_base[c] + s->ls_l9[c];
		p->pw[k + 1] = p->pw[k] + adv[c] + ls;
		p->adv[k + 1] = p->adv[k] + adv[c];
		p->room[k + 1] = p->room[k] + (fit_squeezable(s, has_halt, c) ? adv[c] / 2.0 : 0);
		p->nchar[k + 1] = p->nchar[k] + (!g_unichar_ispunct(s->ch[c]) && !compressible(s, c));
		double e = 0;
		int st = 0, l9 = 0;
		if (k > 0) {
			/* As line_spacing_try() sets the gap before stretching. */
			int pa = p->g[k - 1];
			gap_kind kind = classify_gap(s, pa, c);
			if (kind == GAP_HAN || kind == GAP_L9)
				e = (s->ls_base[pa] + s->ls_base[c]) / 2.0;
			if (kind == GAP_L9 && s->o.han_latin_space) {
				e += adv[is_han(s->ch[pa]) ? pa : c] / 4.0;
				l9 = 1;
			}
			st = kind == GAP_HAN || kind == GAP_SPACE;
		}
		p->gap[k + 1] = p->gap[k] + e;
		p->nstretch[k + 1] = p->nstretch[k] + st;
		p->nl9[k + 1] = p->nl9[k] + l9;
	}
}

/* The end of the content of a line broken before grapheme j: trailing
 * spaces excluded. */
static int fit_content_end(const cjk_state *s, const fit_para *p, int i, int j)
{
	while (j > i && is_white(s->ch[p->g[j - 1]]))
		j--;
	return j;
}

/* Chooses the breaks of one paragraph (characters [first, end)) and sets
 * what makes Pango take them: L6 and push-in halts, a hold over each
 * line's interior, added break points inside a line sealed.  Returns false
 * when no sequence of lines fits (a word wider than the measure). */
static bool fit_paragraph(cjk_state *s, const int *adv, const bool *has_halt, const PangoLogAttr *la, int nla,
                          int first, int end, double avail_first, double avail)
{
	fit_para p;
	fit_para_init(&p, s, adv, has_halt, first, end);
	int m = p.m;
	if (m == 0) {
		fit_para_free(&p);
		return true;
	}
	double *best = g_new(double, m + 1);
	int *from = g_new(int, m + 1);
	for (int j = 0; j <= m; j++) {
		best[j] = -1;
		from[j] = -1;
	}
	best[0] = 0;
	for (int i = 0; i < m; i++) {
		if (best[i] < 0)
			continue;
		double w = i == 0 ? avail_first : avail;
		for (int j = i + 1; j <= m; j++) {
			int c = j < m ? p.g[j] : -1;
			if (j < m && !(c < nla && la[c].is_line_break))
				continue;
			int e = fit_content_end(s, &p, i, j);
			if (e == i)
				continue;
			fit_line f = fit_measure(s, &p, adv, has_halt, i, e);
			/* Longer lines only get wider than any squeeze can help. */
			if (f.pw - f.room - adv[p.g[e - 1]] > w)
				break;
			double d = fit_cost(s, &f, w, j == m, i == 0);
			if (d < 0)
				continue;
			if (best[j] < 0 || best[i] + d < best[j]) {
				best[j] = best[i] + d;
				from[j] = i;
			}
		}
	}
	bool ok = best[m] >= 0;
	if (ok) {
		for (int j = m; j > 0; j = from[j]) {
			int i = from[j], e = fit_content_end(s, &p, i, j);
			int fc = p.g[i], lc = p.g[e - 1];
			fit_line f = fit_measure(s, &p, adv, has_halt, i, e);
			double w = i == 0 ? avail_first : avail;
			if (fit_l6(s, has_halt, lc)) {
				s->halt[lc] = true;
				s->l6[lc] = true;
			}
			/* Push-in: whole marks from the line's end until Pango's
			 * breaker sees the line fit; phase B shares the squeeze out
			 * (spread_squeeze). */
			double over = f.pw - w;
			for (int k = e - 2; k >= i && over > 0 && j < m; k--) {
				int c = p.g[k];
				if (!fit_squeezable(s, has_halt, c) || (k == i && is_opening(s->ch[c])))
					continue;
				s->halt[c] = true;
				s->push_line[c] = fc;
				over -= adv[c] / 2.0;
			}
			/* Only the chosen breaks: Pango keeps a ZWSP's break inside
			 * a hold, so the added break points the line does not end at
			 * become word joiners (seal_break_points). */
			int next = j < m ? p.g[j] : end;
			for (int c = fc + 1; c < next - 1; c++)
				if (s->ch[c] == ZWSP)
					s->sealed[c] = true;
			s->hold_to[fc] = next;
		}
	}
	g_free(from);
	g_free(best);
	fit_para_free(&p);
	return ok;
}

/* Total fit for a justified paragraph: chooses every paragraph's breaks
 * (fit_paragraph), seals the added break points no line ends at, and lays
 * the text out with each line's interior held, checking that Pango took
 * exactly those lines.  Returns false, with the state as it was, where it
 * cannot (a word wider than the measure, Pango measuring a line otherwise);
 * the caller then breaks line by line. */
static bool total_fit(cjk_state *s)
{
	int width = pango_layout_get_width(s->layout);
	if (!s->o.justify || s->o.distribute || s->size <= 0 || width <= 0)
		return false;
	phase_a_attrs(s);
	int *adv = g_new(int, s->n);
	bool *has_halt = g_new0(bool, s->n);
	measure(s, adv, has_halt);
	int nla;
	const PangoLogAttr *lla = pango_layout_get_log_attrs_readonly(s->layout, &nla);
	PangoLogAttr *la = g_memdup2(lla, sizeof(PangoLogAttr) * (size_t)nla);
	int nl;
	line_info *li = get_lines(s, &nl);
	int indent = pango_layout_get_indent(s->layout);
	size_t nb = sizeof(bool) * (size_t)(s->n + 1);
	bool *halt0 = g_memdup2(s->halt, nb), *l60 = g_memdup2(s->l6, nb);
	int *push0 = g_memdup2(s->push_line, sizeof(int) * (size_t)(s->n + 1));
	bool ok = true;
	for (int k = 0; k < nl && ok;) {
		int q = k;
		while (q + 1 < nl && !li[q + 1].para_start)
			q++;
		ok = fit_paragraph(s, adv, has_halt, la, nla, li[k].first_char, li[q].end_char,
		                   width - MAX(indent, 0), width - MAX(-indent, 0));
		k = q + 1;
	}
	free_lines(li, nl);
	char *text0 = g_strdup(s->text);
	if (ok) {
		char *t = g_strdup(s->text);
		bool sealed = false;
		for (int i = 0; i < s->n; i++)
			if (s->sealed[i]) {
				g_unichar_to_utf8(WJ, t + s->off[i]);
				s->ch[i] = WJ;
				sealed = true;
			}
		if (sealed) {
			pango_layout_set_text(s->layout, t, s->off[s->n]);
			s->text = pango_layout_get_text(s->layout);
		}
		g_free(t);
		phase_a_attrs(s);
		li = get_lines(s, &nl);
		int holds = 0, lines = 0;
		for (int i = 0; i < s->n; i++)
			holds += s->hold_to[i] >= 0;
		for (int k = 0; k < nl && ok; k++) {
			if (li[k].n == 0)
				continue;
			lines++;
			ok = s->hold_to[li[k].first_char] >= 0;
		}
		ok &= lines == holds;
		free_lines(li, nl);
	}
	if (!ok) {
		memcpy(s->halt, halt0, nb);
		memcpy(s->l6, l60, nb);
		memcpy(s->push_line, push0, sizeof(int) * (size_t)(s->n + 1));
		for (int i = 0; i <= s->n; i++) {
			s->hold_to[i] = -1;
			s->sealed[i] = false;
			if (s->ch[i] == WJ && i < s->n)
				s->ch[i] = ZWSP;
		}
		if (strcmp(text0, s->text) != 0) {
			pango_layout_set_text(s->layout, text0, s->off[s->n]);
			s->text = pango_layout_get_text(s->layout);
		}
	}
	g_free(text0);
	g_free(halt0);
	g_free(l60);
	g_free(push0);
	g_free(la);
	g_free(has_halt);
	g_free(adv);
	return ok;
}

/* The chain's free value a for a line of n graphemes c[] (see
 * line_spacing), moved as little as needed so that Pango's box of the
 * line is where the line is drawn.  Pango 1.50 takes a line's logical box
 * from its runs' pen positions, the running sums of the graphemes' widths
 * (advance + letter spacing; at the line's start, and at its end when
 * `end_half`, half the spacing: Pango drops the outer halves; `zw_end`:
 * the line ends at an added break point, see line_spacing): the box
 * starts at the lowest sum and ends at the highest.  The chain alternates
 * in sign and Han/Latin gaps make its values grow along the line, so the
 * first grapheme could get a negative width: "（虚构）一行30人…DS-160…",
 * a ½ em "（" (5.25 pt) with LS −15.75 pt, gave the line a box starting at
 * −2.6 pt, and Pango, drawing a line at its box's start, set the whole
 * line that far left of the column (preflight: 1.9 mm outside its box);
 * a last grapheme with a negative width would put the box's end past the
 * last glyph's.  Every running sum must lie within [0, the line's
 * width].  Each is linear in a, so the sums give bounds on a; `fits`
 * says whether they can all hold. */
static int keep_box(int n, const int *c, const int *adv, const int *chain0, bool end_half, bool zw_end, int a,
                    bool *fits)
{
	/* S_k = B_k + C_k·a, the pen position after k graphemes. */
	double *B = g_new0(double, n + 1), *C = g_new0(double, n + 1);
	for (int j = 0; j < n; j++) {
		double f = (j == 0 || (j == n - 1 && end_half)) ? 0.5 : 1.0;
		B[j + 1] = B[j] + adv[c[j]] + f * chain0[j];
		C[j + 1] = C[j] + f * ((j % 2 == 0) ? 1 : -1);
	}
	double lo = -INFINITY, hi = INFINITY;
	int sign = ((n - 1) % 2 == 0) ? 1 : -1; /* of a in the last grapheme's spacing */
	for (int k = 1; k <= n; k++) {
		/* S_k ≥ 0 and S_n − S_k ≥ 0, each as b + m·a ≥ 0; and where the
		 * last grapheme keeps its whole spacing (a line ending at an added
		 * break point) that spacing ≤ 0, or the box ends past the width
		 * the gaps were chosen for. */
		double b[2] = {B[k], B[n] - B[k]}, m[2] = {C[k], C[n] - C[k]};
		if (k == n) {
			b[0] = zw_end ? -chain0[n - 1] : 0;
			m[0] = zw_end ? -sign : 0;
			b[1] = m[1] = 0;
		}
		for (int q = 0; q < 2; q++) {
			if (m[q] > 0)
				lo = MAX(lo, -b[q] / m[q]);
			else if (m[q] < 0)
				hi = MIN(hi, -b[q] / m[q]);
		}
	}
	g_free(B);
	g_free(C);
	/* When they cannot all hold, the middle of the two bounds keeps the
	 * worst overhang smallest. */
	*fits = lo <= hi;
	if (lo > hi)
		return (int)lround((lo + hi) / 2);
	if (a < lo)
		a = (int)ceil(lo);
	else if (a > hi)
		a = (int)floor(hi);
	return a;
}

/* line_spacing() for one way of setting the line: `allow_stretch` false
 * leaves it ragged.  Returns false, having set nothing, when the line is
 * to be stretched and its gaps cannot be set inside its box. */
static bool line_spacing_try(cjk_state *s, const line_info *L, const int *adv, const bool *has_halt, int *ls,
                             PangoAttrList *freeze, bool allow_stretch)
{
	int n = L->n;
	if (n == 0)
		return true;
	const int *c = L->clusters;
	bool stretch = allow_stretch && (s->o.distribute || (s->o.justify && !L->para_end));
	if (n == 1) {
		ls[c[0]] = s->ls_base[c[0]];
		return true;
	}
	double *e = g_new0(double, n);
	gap_kind *kind = g_new0(gap_kind, n);
	double natural = 0;
	for (int j = 0; j < n; j++)
		natural += adv[c[j]];
	int n_main = 0, n_l9 = 0;
	for (int b = 1; b < n; b++) {
		int pa = c[b - 1], pb = c[b];
		kind[b] = classify_gap(s, pa, pb);
		if (kind[b] == GAP_WORD || kind[b] == GAP_FIXED || kind[b] == GAP_SPACE)
			e[b] = 0; /* a word keeps its own letter fit, the grid too */
		else
			e[b] = (s->ls_base[pa] + s->ls_base[pb]) / 2.0;
		if (!stretch)
			e[b] += (s->ls_orphan[pa] + s->ls_orphan[pb]) / 2.0;
		/* L9: a quarter of the Han character's em; only inside the line, so
		 * never at its edges, and never next to punctuation. */
		if (kind[b] == GAP_L9 && s->o.han_latin_space) {
			int han = is_han(s->ch[pa]) ? pa : pb;
			e[b] += adv[han] / 4.0;
		}
		/* L7 in a font without `halt`: take the blank half away from the
		 * gap on its side instead. */
		if (s->halt[pa] && !has_halt[pa] && is_closing(s->ch[pa]))
			e[b] -= adv[pa] / 2.0;
		if (s->halt[pb] && !has_halt[pb] && is_opening(s->ch[pb]))
			e[b] -= adv[pb] / 2.0;
		natural += e[b];
		if (kind[b] == GAP_HAN || kind[b] == GAP_SPACE)
			n_main++;
		else if (kind[b] == GAP_L9 && s->o.han_latin_space)
			n_l9++;
	}
	if (stretch && L->avail > 0) {
		double target = L->avail;
		int last = c[n - 1];
		/* L6 in a font without `halt`: the blank half may overhang. */
		if (s->halt[last] && !has_halt[last] && is_closing(s->ch[last]))
			target += adv[last] / 2.0;
		double need = target - natural;
		/* Push-in's squeeze, shared by the line's marks (see
		 * spread_squeeze): each takes an equal part of what the line
		 * is over, at most its blank half, from the gap on its blank
		 * side. */
		if (need < 0 && !s->o.distribute) {
			double *cut = g_new0(double, n);
			int open = 0;
			for (int j = 0; j + 1 < n; j++)
				open += s->spread[c[j]] && !(j == 0 && is_opening(s->ch[c[j]]));
			double left = -need;
			while (left > 0.5 && open > 0) {
				double share = left / open;
				open = 0;
				for (int j = 0; j + 1 < n; j++) {
					if (!s->spread[c[j]] || (j == 0 && is_opening(s->ch[c[j]])) || cut[j] >= adv[c[j]] / 2.0)
						continue;
					double take = MIN(share, adv[c[j]] / 2.0 - cut[j]);
					cut[j] += take;
					left -= take;
					open += cut[j] < adv[c[j]] / 2.0;
				}
			}
			for (int j = 0; j + 1 < n; j++) {
				if (cut[j] <= 0)
					continue;
				e[is_closing(s->ch[c[j]]) ? j + 1 : j] -= cut[j];
				natural -= cut[j];
				need += cut[j];
			}
			g_free(cut);
		}
		if (s->o.distribute) {
			/* 均排 spreads the gaps between Han characters, marks and
			 * words, never inside a Latin word or number ("Post 类别"
			 * must not become "P o s t"); only a label that is one
			 * word and nothing else has its letters spread. */
			int n_open = 0;
			for (int b = 1; b < n; b++)
				n_open += kind[b] != GAP_WORD && kind[b] != GAP_FIXED;
			for (int b = 1; b < n; b++)
				if (n_open == 0 || (kind[b] != GAP_WORD && kind[b] != GAP_FIXED))
					e[b] += need / (n_open ? n_open : n - 1);
		} else if (n_main > 0) {
			for (int b = 1; b < n; b++)
				if (kind[b] == GAP_HAN || kind[b] == GAP_SPACE)
					e[b] += need / n_main;
		} else if (n_l9 > 0) {
			/* Only Han/Latin boundaries: each within [⅛, ½] em; what is
			 * left stays ragged. */
			for (int b = 1; b < n; b++) {
				if (kind[b] != GAP_L9)
					continue;
				double em = s->size > 0 ? s->size : adv[is_han(s->ch[c[b]]) ? c[b] : c[b - 1]];
				double v = e[b] + need / n_l9;
				e[b] = CLAMP(v, em / 8.0, em / 2.0);
			}
		}
	}
	/* A word space draws nothing, so only the sum of the gaps on its two
	 * sides shows: split it evenly.  Stretch put all of it after the
	 * space, and the chain then carried it on as ± spacing through the
	 * next word (LS[space] + LS[next] = 2·gap), growing at every space: a
	 * justified line of three numbers 30 pt apart set their digits ±47 pt
	 * and Pango's box of the line started 21 pt left of the column.  Even
	 * halves leave the chain's value after the space what it was before. */
	for (int b = 1; b + 1 < n; b++)
		if (kind[b] == GAP_FIXED && kind[b + 1] == GAP_SPACE && !is_zw(s->ch[c[b]])) {
			double half = (e[b] + e[b + 1]) / 2;
			e[b] = e[b + 1] = half;
		}
	/* Round the cumulative position, not each gap, so rounding errors do
	 * not add up along the line. */
	int *gap = g_new(int, n);
	double pos = 0;
	int ipos = 0;
	for (int b = 1; b < n; b++) {
		pos += e[b];
		int r = (int)lround(pos);
		gap[b] = r - ipos;
		ipos = r;
	}
	/* The chain has one free value, LS of the first grapheme; every
	 * choice a gives LS[j] = chain0[j] + (−1)^j·a. */
	int *chain0 = g_new(int, n);
	chain0[0] = 0;
	for (int b = 1; b < n; b++)
		chain0[b] = 2 * gap[b] - chain0[b - 1];
	/* A Latin word keeps its shaping context only if all its letters
	 * share one item, i.e. one LS: inside a word the gaps are 0, so the
	 * letters alternate ±x and x = 0 needs the right a.  Pick the a most
	 * letters agree on, within the bound above. */
	int a = gap[1], best = 0;
	for (int j = 0; j + 1 < n; j++) {
		if (kind[j + 1] != GAP_WORD)
			continue;
		int want = (j % 2 == 0) ? -chain0[j] : chain0[j];
		int votes = 0;
		for (int m = 0; m + 1 < n; m++)
			if (kind[m + 1] == GAP_WORD && ((m % 2 == 0) ? -chain0[m] : chain0[m]) == want)
				votes++;
		if (votes > best) {
			best = votes;
			a = want;
		}
	}
	/* A line that ends at an added break point (ZWSP, see phase_b): Pango
	 * keeps the last grapheme's outer half, so pick the a that makes its
	 * spacing 0, and the line's logical end is its last glyph's.  Where
	 * the letters voted for an a that leaves a positive half, zeroing it
	 * wins over the vote: a word on such a line keeps its zero gaps but
	 * is shaped in pieces, whereas the half put the line's end past the
	 * measure ("…7B.12第5段" before “: 3.9 pt, a preflight error, no
	 * document).  A negative half ends the line's box short of its last
	 * glyph by as much (total fit broke "…并参观" before “ with the digits
	 * of "2026年7月6日—16日" voting: the box ended 7 pt short, the glyphs
	 * flush).  A ZWSP's own spacing cannot cancel it (Pango ignores a
	 * negative one there). */
	bool zw_end = L->end_char - 1 > c[n - 1] && s->ch[L->end_char - 1] == ZWSP;
	if (zw_end)
		a = (n - 1) % 2 == 0 ? -chain0[n - 1] : chain0[n - 1];
	bool fits = true;
	a = keep_box(n, c, adv, chain0, !zw_end && L->end_char - 1 == c[n - 1], zw_end, a, &fits);
	/* A stretched line whose gaps no chain can set inside its box: one
	 * wide gap between two rigid groups ("……" 78 pt before "B1/B2", the
	 * only stretchable gap of a line the next unit did not fit) gives the
	 * letters of both ±156 pt and Pango's box of the line started 39 pt
	 * left of the column.  It stays ragged, as a line of only Han/Latin
	 * gaps does. */
	if (!fits && stretch) {
		g_free(chain0);
		g_free(gap);
		g_free(kind);
		g_free(e);
		return false;
	}
	/* A spacing that cancels a grapheme's advance exactly makes its glyph
	 * zero-width, which Pango 1.50 takes for a trimmed space at the line
	 * start and mis-pads: "6．经费…" (a = −8 pt on an 8 pt digit) started
	 * 4 pt left of the indent and ended 4 pt short.  Two units (0.002 pt)
	 * off avoids it.  Not for what has no advance of its own: a nudge
	 * splits the line's words into one item per letter, and "——" then
	 * drew as two dashes with a gap (Noto Serif CJK). */
	for (int tries = 0; tries < 4; tries++) {
		bool zero = false;
		for (int j = 0; j < n && !zero; j++)
			zero = adv[c[j]] > 0 && adv[c[j]] + chain0[j] + ((j % 2 == 0) ? a : -a) == 0;
		if (!zero)
			break;
		a += 2;
	}
	for (int j = 0; j < n; j++)
		ls[c[j]] = chain0[j] + ((j % 2 == 0) ? a : -a);
	g_free(chain0);
	for (int j = 0; j < n; j++) {
		int end = j + 1 < n ? c[j + 1] : L->end_char;
		for (int i = c[j] + 1; i < end; i++)
			ls[i] = ls[c[j]];
	}
	/* Freeze the line's breaks only when the line, as Pango measures it,
	 * fits.  Pango 1.50 aborts (process_line: "result ==
	 * BREAK_SOME_FIT || result == BREAK_EMPTY_FIT") when a run without
	 * break opportunities is wider than the line (found by fuzzing: a long
	 * Latin run on a tight grid).  An unfrozen line may re-wrap; phase_b
	 * then keeps the phase-A result, which is correct, just not stretched. */
	double set_width = 0;
	for (int j = 0; j < n; j++)
		set_width += adv[c[j]];
	set_width += ipos; /* the gaps, as rounded */
	/* A Latin word wider than the measure was cut between two letters
	 * (PANGO_WRAP_WORD_CHAR); freezing such a line with negative spacing
	 * made Pango 1.50 measure the unbreakable run two ways and abort. */
	bool split_word = (L->first_char > 0 && is_western(s->ch[L->first_char - 1]) &&
	                   is_western(s->ch[L->first_char])) ||
	                  (L->end_char < s->n && is_western(s->ch[L->end_char - 1]) &&
	                   is_western(s->ch[L->end_char]));
	/* The frozen range takes in the line's trailing white space: its
	 * edges stay breakable, and Pango measures a stretched line as up to
	 * one gap wider than drawn (the outer halves of LS[0] and LS[n−1]), so
	 * a range ending before the space let Pango break there and set the
	 * space on a line of its own (a paragraph whose English name wrapped
	 * at a space fell back to ragged lines and ⅛ em Han/Latin gaps). */
	if (!split_word && L->avail > 0 && set_width <= L->avail + PANGO_SCALE / 2)
		insert(freeze, pango_attr_allow_breaks_new(FALSE), s->off[c[0]], s->off[MAX(L->end_char, c[n - 1] + 1)]);
	g_free(gap);
	g_free(kind);
	g_free(e);
	return true;
}

/* Phase B on one line: gaps e[1..n−1] → letter spacing chain (see top). */
static void line_spacing(cjk_state *s, const line_info *L, const int *adv, const bool *has_halt, int *ls,
                         PangoAttrList *freeze)
{
	if (line_spacing_try(s, L, adv, has_halt, ls, freeze, true))
		return;
	/* Left ragged, a line push-in squeezed takes its whole ½ em marks
	 * back (spread_squeeze took them away to share the squeeze out):
	 * without them it was over the measure ("DS-160约济造照DS-160、——《通知》
	 * B1/B2", 10 pt at 10.5 pt). */
	for (int i = L->first_char; i < L->end_char; i++)
		if (s->push_line[i] == L->first_char && s->spread[i])
			s->halt[i] = true;
	line_spacing_try(s, L, adv, has_halt, ls, freeze, false);
}

static int *line_starts(cjk_state *s, int *count)
{
	GSList *lines = pango_layout_get_lines_readonly(s->layout);
	*count = (int)g_slist_length(lines);
	int *st = g_new(int, *count + 1);
	int k = 0;
	for (GSList *p = lines; p; p = p->next)
		st[k++] = ((PangoLayoutLine *)p->data)->start_index;
	return st;
}

/* Pango keeps the break after a ZWSP even inside an ALLOW_BREAKS=FALSE
 * range (1.50.12, measured), so phase B's freeze could not hold a line
 * across an added break point it did not take: Pango broke there as soon
 * as the justified line measured a hair over the measure.  Each one that
 * does not end a line becomes U+2060 WORD JOINER (no break on either
 * side, the same three UTF-8 bytes, so no offset moves). */
static void seal_break_points(cjk_state *s)
{
	bool any = false;
	for (int i = 0; i < s->n && !any; i++)
		any = s->ch[i] == ZWSP;
	if (!any)
		return;
	int nl;
	line_info *li = get_lines(s, &nl);
	bool *ends = g_new0(bool, s->n + 1);
	for (int k = 0; k < nl; k++)
		if (li[k].end_char > 0)
			ends[li[k].end_char - 1] = true;
	free_lines(li, nl);
	char *t = g_strdup(s->text);
	bool changed = false;
	for (int i = 0; i < s->n; i++) {
		if (s->ch[i] != ZWSP || ends[i])
			continue;
		g_unichar_to_utf8(WJ, t + s->off[i]);
		s->ch[i] = WJ;
		changed = true;
	}
	if (changed) {
		pango_layout_set_text(s->layout, t, s->off[s->n]);
		s->text = pango_layout_get_text(s->layout);
	}
	g_free(t);
	g_free(ends);
}

/* Total fit's push-in decided the breaks by setting whole marks ½ em, the
 * ones nearest the line's end: a line then showed one comma squeezed and
 * its other commas full.  With the breaks known, a justified line push-in
 * squeezed gets its marks back full width, and line_spacing() takes what
 * the line is over evenly from every mark push-in could have squeezed
 * (closing marks on their right, opening marks on their left, not the
 * line's last, nor an opening mark starting it). */
static void spread_squeeze(cjk_state *s, const line_info *li, int nl)
{
	for (int k = 0; k < nl; k++) {
		const line_info *L = &li[k];
		bool squeezed = false;
		for (int j = 0; j + 1 < L->n && !squeezed; j++)
			squeezed = s->push_line[L->clusters[j]] == L->first_char && s->halt[L->clusters[j]];
		if (!squeezed || L->para_end)
			continue;
		for (int j = 0; j + 1 < L->n; j++) {
			int i = L->clusters[j];
			/* An opening mark starting the line has no gap on its
			 * blank side: L8 sets it half width. */
			if (j == 0 && is_opening(s->ch[i]))
				continue;
			if (s->push_line[i] == L->first_char && s->halt[i]) {
				s->halt[i] = false;
				s->spread[i] = true;
			} else if (squeezable(s, i)) {
				s->spread[i] = true;
			}
		}
	}
}

static void phase_b(cjk_state *s)
{
	seal_break_points(s);
	int nl;
	line_info *li = get_lines(s, &nl);
	int nb;
	int *before = line_starts(s, &nb);

	spread_squeeze(s, li, nl);
	/* L8: an opening mark starting a line loses its leading blank. */
	if (s->o.punct == WS_PUNCT_GB)
		for (int k = 0; k < nl; k++)
			if (li[k].n > 0 && is_opening(s->ch[li[k].clusters[0]]) && halvable(s, li[k].clusters[0]))
				s->halt[li[k].clusters[0]] = true;

	int *adv = g_new(int, s->n);
	bool *has_halt = g_new0(bool, s->n);
	if (measure(s, adv, has_halt)) {
		free_lines(li, nl);
		li = get_lines(s, &nl);
	}

	PangoAttrList *saved = pango_layout_get_attributes(s->layout);
	if (saved)
		pango_attr_list_ref(saved);

	int *ls = g_new(int, s->n);
	for (int i = 0; i < s->n; i++)
		ls[i] = s->ls_base[i] + s->ls_orphan[i];
	PangoAttrList *freeze = pango_attr_list_new();
	for (int k = 0; k < nl; k++)
		line_spacing(s, &li[k], adv, has_halt, ls, freeze);
	PangoAttrList *l = base_attrs(s);
	/* Added break points: Pango makes each its own grapheme, so with
	 * spacing 0 the gap around one inside a line (a WJ by now) is the
	 * chain's (LS[a]/2 + 0 + LS[b]/2).  At a line end Pango zeroes the
	 * ZWSP's glyph but then leaves the outer half of the grapheme before
	 * it (it drops only the last run's); line_spacing() makes that
	 * grapheme's spacing 0. */
	for (int k = 0; k < nl; k++)
		for (int i = li[k].first_char; i < li[k].end_char; i++)
			if (is_zw(s->ch[i]))
				ls[i] = 0;
	insert_spacing(s, l, ls);
	GSList *fl = pango_attr_list_get_attributes(freeze);
	for (GSList *p = fl; p; p = p->next)
		pango_attr_list_insert(l, p->data);
	g_slist_free(fl);
	pango_attr_list_unref(freeze);
	set_attrs(s, l);

	/* The freeze must have kept every break; if Pango still moved one (a
	 * line whose new measure lets the next grapheme in), fall back to the
	 * phase-A result, which is correct but not justified. */
	int na;
	int *after = line_starts(s, &na);
	bool same = na == nb && memcmp(before, after, sizeof(int) * (size_t)nb) == 0;
	if (!same)
		pango_layout_set_attributes(s->layout, saved);
	if (saved)
		pango_attr_list_unref(saved);
	g_free(after);
	g_free(before);
	g_free(ls);
	g_free(has_halt);
	g_free(adv);
	free_lines(li, nl);
}

/* The WJs seal_break_points() left inside lines did their work (Pango
 * could not break there while phase B froze the lines); the breaks they
 * hold were never Pango's own, so without them the lines stay the same.
 * Drawn, each would add an empty /ActualText span to the PDF.  Removes
 * them, moving the attributes with the text, and checks the lines held;
 * if not (never seen), puts them back. */
static void strip_joiners(cjk_state *s)
{
	bool any = false;
	for (int i = 0; i < s->n && !any; i++)
		any = s->ch[i] == WJ;
	if (!any)
		return;
	char *old_text = g_strdup(s->text);
	int len = s->off[s->n];
	PangoAttrList *old_attrs = pango_layout_get_attributes(s->layout);
	old_attrs = old_attrs ? pango_attr_list_ref(old_attrs) : NULL;
	/* Line starts, counted in characters other than WJ. */
	int nb;
	int *before = line_starts(s, &nb);
	for (int k = 0; k < nb; k++) {
		int drop = 0;
		for (int i = 0; i < s->n && s->off[i] < before[k]; i++)
			drop += s->ch[i] == WJ ? 3 : 0;
		before[k] -= drop;
	}
	GString *t = g_string_sized_new((gsize)len);
	PangoAttrList *attrs = old_attrs ? pango_attr_list_copy(old_attrs) : NULL;
	for (int i = s->n - 1; i >= 0; i--)
		if (s->ch[i] == WJ && attrs)
			pango_attr_list_update(attrs, s->off[i], 3, 0);
	for (int i = 0; i < s->n; i++)
		if (s->ch[i] != WJ)
			g_string_append_len(t, old_text + s->off[i], s->off[i + 1] - s->off[i]);
	pango_layout_set_text(s->layout, t->str, (int)t->len);
	pango_layout_set_attributes(s->layout, attrs);
	int na;
	int *after = line_starts(s, &na);
	if (na != nb || memcmp(before, after, sizeof(int) * (size_t)nb) != 0) {
		pango_layout_set_text(s->layout, old_text, len);
		pango_layout_set_attributes(s->layout, old_attrs);
	}
	s->text = pango_layout_get_text(s->layout);
	if (attrs)
		pango_attr_list_unref(attrs);
	if (old_attrs)
		pango_attr_list_unref(old_attrs);
	g_free(after);
	g_free(before);
	g_string_free(t, TRUE);
	g_free(old_text);
}

/* Bottom of the ideographic em box of `font`, in Pango units (negative:
 * below the baseline).  BASE table if the font has one, else HarfBuzz's
 * synthesis from the font's ascent and descent. */
static int ideo_bottom(PangoFont *font)
{
	hb_font_t *hb = pango_font_get_hb_font(font);
	if (!hb)
		return 0;
	hb_position_t v = 0;
	hb_ot_layout_get_baseline_with_fallback(hb, HB_OT_LAYOUT_BASELINE_TAG_IDEO_EMBOX_BOTTOM_OR_LEFT,
	                                        HB_DIRECTION_LTR, HB_TAG('h', 'a', 'n', 'i'), HB_TAG_NONE, &v);
	/* Pango scales its HarfBuzz fonts to PANGO_SCALE × size (pangofc). */
	int xs = 0, ys = 0;
	hb_font_get_scale(hb, &xs, &ys);
	PangoFontDescription *d = pango_font_describe(font);
	int size = pango_font_description_get_size(d);
	pango_font_description_free(d);
	if (ys == 0 || size == 0)
		return 0;
	return (int)lround((double)v * size / ys);
}

/* Bottom of the ink of full-frame hanzi in `font` (国 吉 永, averaged;
 * Pango units, negative: below the baseline), or `fallback` when the
 * font lacks them all.  The declared em boxes do not say where a face
 * draws: FandolFang and Noto Serif CJK SC both declare −120..880, yet
 * Fandol's hanzi sit 70–100 units lower (国 −148 against −78), so a Noto
 * glyph aligned by em box stood 1.2 pt high in a Fandol line. */
static int ink_bottom(PangoFont *font, int fallback)
{
	static const gunichar ref[] = {0x56FD, 0x5409, 0x6C38};
	hb_font_t *hb = pango_font_get_hb_font(font);
	if (!hb)
		return fallback;
	int xs = 0, ys = 0;
	hb_font_get_scale(hb, &xs, &ys);
	PangoFontDescription *d = pango_font_describe(font);
	int size = pango_font_description_get_size(d);
	pango_font_description_free(d);
	if (ys == 0 || size == 0)
		return fallback;
	double sum = 0;
	int n = 0;
	for (size_t k = 0; k < G_N_ELEMENTS(ref); k++) {
		hb_codepoint_t g;
		hb_glyph_extents_t e;
		if (!hb_font_get_nominal_glyph(hb, ref[k], &g) || !hb_font_get_glyph_extents(hb, g, &e))
			continue;
		sum += (double)(e.y_bearing + e.height) * size / ys;
		n++;
	}
	return n ? (int)lround(sum / n) : fallback;
}

/* L5 (issue 12): characters the body font lacks (CJK Ext-B, GBK hanzi
 * outside FandolFang's GB2312) come from a fallback face.  Marks them and
 * the rise that puts each fallback em box on the body's.  Costs one extra
 * layout, and only when the body font misses a character. */
static void find_fallbacks(cjk_state *s)
{
	PangoContext *ctx = pango_layout_get_context(s->layout);
	const PangoFontDescription *d = pango_layout_get_font_description(s->layout);
	if (!d)
		d = pango_context_get_font_description(ctx);
	if (!d)
		return;
	PangoFont *body = pango_context_load_font(ctx, d);
	if (!body)
		return;
	hb_font_t *hb = pango_font_get_hb_font(body);
	bool missing = false;
	for (int i = 0; i < s->n && !missing; i++) {
		hb_codepoint_t g;
		if (is_han(s->ch[i]) && hb && !hb_font_get_nominal_glyph(hb, s->ch[i], &g))
			missing = true;
	}
	if (!missing) {
		g_object_unref(body);
		return;
	}
	hb_face_t *body_face = hb ? hb_font_get_face(hb) : NULL;
	int body_em = ideo_bottom(body), body_bottom = ink_bottom(body, body_em);
	PangoLayout *m = pango_layout_copy(s->layout);
	pango_layout_set_width(m, -1);
	PangoLayoutIter *it = pango_layout_get_iter(m);
	do {
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		if (!run)
			continue;
		PangoFont *f = run->item->analysis.font;
		hb_font_t *fh = f ? pango_font_get_hb_font(f) : NULL;
		if (!fh || hb_font_get_face(fh) == body_face)
			continue;
		int first = char_at(s, run->item->offset);
		int last = char_at(s, run->item->offset + run->item->length);
		bool han = false;
		for (int i = first; i < last; i++)
			han |= is_han(s->ch[i]);
		if (!han)
			continue;
		/* Both faces' ink of full-frame hanzi on one line; when either
		 * lacks the reference characters, their em boxes. */
		int fb_em = ideo_bottom(f), fb_bottom = ink_bottom(f, fb_em);
		bool both = body_bottom != body_em && fb_bottom != fb_em;
		int rise = both ? body_bottom - fb_bottom : body_em - fb_em;
		/* Pango 1.50 already shifts a run whose font differs from the
		 * previous run's by the difference of their BASE `romn`
		 * baselines (apply_baseline_shift): +1.17 pt for Noto after
		 * FandolFang, which is what put 𠮷 high.  The rise attribute
		 * adds to that shift, so ask for the difference. */
		rise -= run->y_offset;
		for (int i = first; i < last; i++) {
			s->fallback[i] = true;
			s->rise[i] = rise;
		}
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	g_object_unref(m);
	g_object_unref(body);
}

/* Natural advance of the U+00B7 at character i, in its own font and
 * attributes, Pango units.  Measured in place, in the text the caller's
 * attributes were made for: those attributes on a text of one character
 * would run past its end, which Pango's break pass reads out of bounds
 * (an ASan SEGV in pango_attr_break). */
static int middle_dot_advance(cjk_state *s, int i)
{
	PangoLayout *m = pango_layout_copy(s->layout);
	pango_layout_set_attributes(m, s->orig);
	pango_layout_set_width(m, -1);
	pango_layout_set_indent(m, 0);
	PangoRectangle r;
	pango_layout_index_to_pos(m, s->off[i], &r);
	g_object_unref(m);
	return ABS(r.width);
}

/* The middle dot of transliterated names (买买提·吐尔逊) is half an em
 * wide with the dot centred: in Mainland China interpuncts take half the
 * space of a hanzi and are never adjusted (clreq, "interpuncts", and its
 * list of unadjustable marks; GB/T 15834: 间隔号 占半个字位置).  Fonts give it
 * a narrow Latin advance (Noto Serif CJK SC, 0.33 em) or a full cell
 * (FandolFang, 1 em).  The difference goes half before, half after it
 * (letter spacing), so the dot stays in the middle.  A name with a Latin
 * initial (威廉·R·休利特) takes the same ½ em dot: it kept FandolFang's full
 * cell there, a gap twice as wide as beside hanzi.  Only a dot between two
 * Latin letters (Catalan "l·l") is Latin punctuation, left as the font
 * sets it. */
static void middle_dot_width(cjk_state *s)
{
	int adv = -1;
	for (int i = 1; i + 1 < s->n; i++) {
		if (s->ch[i] != 0x00B7 || (is_latin_like(s->ch[i - 1]) && is_latin_like(s->ch[i + 1])))
			continue;
		if (adv < 0)
			adv = middle_dot_advance(s, i);
		int half = s->size / 2;
		if (adv != half)
			s->ls_base[i] += half - adv;
	}
}

/* True when phase B cannot change what phase A set: no stretching (justify,
 * 均排, grid), no punctuation whose width depends on the line (any mark that
 * could be compressed, unless every mark stays full width), no L9 boundary,
 * the same letter spacing on every character.  Then each line's gaps are
 * the base spacing, the chain of letter spacings (line_spacing) gives that
 * same value back for every grapheme, L8 has nothing to do, and `halt` is
 * never set; only phase B's freeze would be added, which keeps breaks that
 * nothing moves (L14 moving a line is caught by the caller: more than one
 * pass).  Decided before the passes, from the text and the options. */
static bool plain_paragraph(const cjk_state *s)
{
	if (s->o.justify || s->o.distribute || s->o.grid_pitch > 0)
		return false;
	bool han = false, western = false;
	for (int i = 0; i < s->n; i++) {
		if (s->ls_base[i] != s->ls_base[0] || s->halt[i])
			return false;
		if (s->o.punct != WS_PUNCT_FULL && compressible(s, i))
			return false;
		if (s->o.han_latin_space) {
			han |= is_han(s->ch[i]);
			western |= is_western(s->ch[i]);
			if (han && western)
				return false;
		}
	}
	return true;
}

static void state_init(cjk_state *s, PangoLayout *layout, const ws_cjk_options *o)
{
	memset(s, 0, sizeof(*s));
	s->layout = layout;
	s->o = *o;
	s->text = pango_layout_get_text(layout);
	s->n = (int)g_utf8_strlen(s->text, -1);
	s->off = g_new(int, s->n + 1);
	s->ch = g_new(gunichar, s->n + 1);
	const char *p = s->text;
	for (int i = 0; i < s->n; i++, p = g_utf8_next_char(p)) {
		s->off[i] = (int)(p - s->text);
		s->ch[i] = g_utf8_get_char(p);
	}
	s->off[s->n] = (int)(p - s->text);
	PangoAttrList *orig = pango_layout_get_attributes(layout);
	s->orig = orig ? pango_attr_list_copy(orig) : NULL;
	s->ls_base = g_new0(int, s->n + 1);
	s->ls_l9 = g_new0(int, s->n + 1);
	s->ls_orphan = g_new0(int, s->n + 1);
	s->halt = g_new0(bool, s->n + 1);
	s->l6 = g_new0(bool, s->n + 1);
	s->l6_tried = g_new0(bool, s->n + 1);
	s->l6_end = g_new0(bool, s->n + 1);
	s->l6_blocked = g_new0(bool, s->n + 1);
	s->push_line = g_new(int, s->n + 1);
	for (int i = 0; i <= s->n; i++)
		s->push_line[i] = -1;
	s->nobreak_before = g_new0(bool, s->n + 1);
	s->cursor = g_new0(bool, s->n + 1);
	s->rise = g_new0(int, s->n + 1);
	s->fallback = g_new0(bool, s->n + 1);
	s->full_only = g_new0(bool, s->n + 1);
	s->spread = g_new0(bool, s->n + 1);
	s->hold_to = g_new(int, s->n + 1);
	for (int i = 0; i <= s->n; i++)
		s->hold_to[i] = -1;
	s->sealed = g_new0(bool, s->n + 1);
	s->held_space = g_new0(bool, s->n + 1);

	/* Grapheme starts from Pango's break algorithm on the text alone:
	 * asking the layout (pango_layout_get_log_attrs_readonly) would lay
	 * the paragraph out once more with attributes about to be replaced.
	 * Cursor positions depend on the text only (attributes such as
	 * ALLOW_BREAKS change line breaks, not graphemes). */
	int nattrs = s->n + 1;
	PangoLogAttr *la = g_new0(PangoLogAttr, nattrs);
	pango_get_log_attrs(s->text, s->off[s->n], -1, pango_context_get_language(pango_layout_get_context(layout)),
	                    la, nattrs);
	for (int i = 0; i < s->n; i++)
		s->cursor[i] = la[i].is_cursor_position && !is_zw(s->ch[i]);
	g_free(la);

	const PangoFontDescription *d = pango_layout_get_font_description(layout);
	if (!d)
		d = pango_context_get_font_description(pango_layout_get_context(layout));
	s->size = d ? pango_font_description_get_size(d) : 0;

	/* The caller's own letter spacing is the base every rule adds to. */
	if (s->orig) {
		PangoAttrIterator *it = pango_attr_list_get_iterator(s->orig);
		do {
			int a, b;
			pango_attr_iterator_range(it, &a, &b);
			PangoAttribute *ls = pango_attr_iterator_get(it, PANGO_ATTR_LETTER_SPACING);
			if (ls)
				for (int i = char_at(s, a); i < s->n && s->off[i] < b; i++)
					s->ls_base[i] = ((PangoAttrInt *)ls)->value;
		} while (pango_attr_iterator_next(it));
		pango_attr_iterator_destroy(it);
	}
}

static void state_free(cjk_state *s)
{
	if (s->orig)
		pango_attr_list_unref(s->orig);
	g_free(s->off);
	g_free(s->ch);
	g_free(s->ls_base);
	g_free(s->ls_l9);
	g_free(s->ls_orphan);
	g_free(s->halt);
	g_free(s->l6);
	g_free(s->l6_tried);
	g_free(s->l6_end);
	g_free(s->l6_blocked);
	g_free(s->push_line);
	g_free(s->nobreak_before);
	g_free(s->cursor);
	g_free(s->rise);
	g_free(s->fallback);
	g_free(s->full_only);
	g_free(s->spread);
	g_free(s->hold_to);
	g_free(s->sealed);
	g_free(s->held_space);
}

/* Should a line be allowed to break before character i (issue 12)?
 *  - before an opening quote “ ‘ after a hanzi, a closing mark or a
 *    dash/ellipsis: UAX #14 class QU forbids a break on both sides, which
 *    suits Western quotes but glues "局“" together in Chinese (clreq #245;
 *    ICU tailors QU for zh the same way);
 *  - before "……" (class IN: no break before it) and "——" after a hanzi or
 *    a closing mark, unless the strict set (L4) keeps them off a line's
 *    start.  The pair itself never splits (IN × IN, B2 × B2). */
static bool want_break_before(const gunichar *ch, int n, int i, bool strict)
{
	if (i <= 0 || i >= n)
		return false;
	gunichar p = ch[i - 1], c = ch[i];
	bool after_ok = is_han(p) || is_closing(p) || p == 0x2026 || p == 0x2014;
	if ((c == 0x201C || c == 0x2018) && after_ok)
		return true;
	if (!strict && (c == 0x2026 || c == 0x2014) && i + 1 < n && ch[i + 1] == c && p != c &&
	    (is_han(p) || is_closing(p)))
		return true;
	return false;
}

/* Does the caller forbid a break at byte `at` (ALLOW_BREAKS=FALSE around
 * it: unbreakable.h's names, numbers and short parentheticals)?  A ZWSP
 * there would break anyway: Pango keeps a ZWSP's break whatever the
 * attributes say. */
static bool inside_no_break(PangoAttrList *attrs, int at)
{
	if (!attrs)
		return false;
	bool inside = false;
	GSList *all = pango_attr_list_get_attributes(attrs);
	for (GSList *p = all; p; p = p->next) {
		PangoAttribute *a = p->data;
		if (a->klass->type == PANGO_ATTR_ALLOW_BREAKS && !((PangoAttrInt *)a)->value &&
		    (int)a->start_index < at && at < (int)MIN(a->end_index, (guint)G_MAXINT))
			inside = true;
		pango_attribute_destroy(a);
	}
	g_slist_free(all);
	return inside;
}

/* Issue 12: the spaces inside a range where the caller forbids breaks
 * (ALLOW_BREAKS=FALSE: unbreakable.h keeps phone numbers and amounts whole
 * at their spaces) belong to one number, so justification does not widen
 * them: "+33 1 45 68 10 00" spread at its spaces reads as six numbers.
 * A space at the range's edge (Pango leaves the edges breakable) is not
 * held. */
static void find_held_spaces(cjk_state *s)
{
	if (!s->orig)
		return;
	GSList *all = pango_attr_list_get_attributes(s->orig);
	for (GSList *p = all; p; p = p->next) {
		PangoAttribute *a = p->data;
		if (a->klass->type == PANGO_ATTR_ALLOW_BREAKS && !((PangoAttrInt *)a)->value) {
			int end = (int)MIN(a->end_index, (guint)G_MAXINT);
			/* The space's break is after it, at off[i + 1]. */
			for (int i = char_at(s, (int)a->start_index); i < s->n && s->off[i + 1] < end; i++)
				if (s->off[i] >= (int)a->start_index && is_white(s->ch[i]) && !is_zw(s->ch[i]))
					s->held_space[i] = true;
		}
		pango_attribute_destroy(a);
	}
	g_slist_free(all);
}

/* Pango's breaker (1.50) takes no tailoring and attributes can only take
 * break opportunities away, so the ones want_break_before() asks for are
 * made with U+200B ZERO WIDTH SPACE (UAX #14 LB8: a break after ZW), only
 * where Pango offers none.  The caller's attributes move with the text
 * (pango_attr_list_update).  The ZWSPs draw nothing (Pango shapes them as
 * empty glyphs; their spacing is set in phase B); text read back from
 * the layout must skip them (paragraph.c's line records do). */
static void add_break_points(PangoLayout *layout, const ws_cjk_options *o)
{
	const char *text = pango_layout_get_text(layout);
	int len = (int)strlen(text);
	int n = (int)g_utf8_strlen(text, len);
	if (n < 2)
		return;
	gunichar *ch = g_new(gunichar, n);
	int *off = g_new(int, n);
	const char *p = text;
	for (int i = 0; i < n; i++, p = g_utf8_next_char(p)) {
		off[i] = (int)(p - text);
		ch[i] = g_utf8_get_char(p);
	}
	PangoLogAttr *la = NULL;
	GString *out = NULL;
	int copied = 0;
	int *at = g_new(int, n);
	int nat = 0;
	/* Break points inside e-mail addresses and URLs (unbreakable.h). */
	bool *url = g_new0(bool, n + 1);
	for (int i = 0; i < n;) {
		if (!ws_word_char(ch[i])) {
			i++;
			continue;
		}
		int e = i;
		while (e < n && ws_word_char(ch[e]))
			e++;
		size_t w = (size_t)((e < n ? off[e] : len) - off[i]);
		if (ws_is_address(text + off[i], w))
			for (int j = i + 1; j < e; j++)
				url[j] = ws_url_break_before(text + off[i], w, (size_t)(off[j] - off[i]));
		i = e;
	}
	for (int i = 1; i < n; i++) {
		if (!url[i] && !want_break_before(ch, n, i, o->strict_breaks))
			continue;
		if (!la) {
			la = g_new0(PangoLogAttr, n + 1);
			pango_get_log_attrs(text, len, -1, pango_context_get_language(pango_layout_get_context(layout)),
			                    la, n + 1);
		}
		if (la[i].is_line_break || inside_no_break(pango_layout_get_attributes(layout), off[i]))
			continue;
		if (!out)
			out = g_string_sized_new((gsize)len + 16);
		g_string_append_len(out, text + copied, off[i] - copied);
		g_string_append(out, "\u200B");
		copied = off[i];
		at[nat++] = off[i];
	}
	if (out) {
		g_string_append_len(out, text + copied, len - copied);
		PangoAttrList *attrs = pango_layout_get_attributes(layout);
		attrs = attrs ? pango_attr_list_copy(attrs) : NULL;
		/* From the end, so every position is still in the old text. */
		for (int k = nat - 1; k >= 0 && attrs; k--)
			pango_attr_list_update(attrs, at[k], 0, 3);
		pango_layout_set_text(layout, out->str, (int)out->len);
		pango_layout_set_attributes(layout, attrs);
		if (attrs)
			pango_attr_list_unref(attrs);
		g_string_free(out, TRUE);
	}
	g_free(url);
	g_free(at);
	g_free(la);
	g_free(off);
	g_free(ch);
}

int ws_cjk_apply(PangoLayout *layout, const ws_cjk_options *opts)
{
	return ws_cjk_apply_traced(layout, opts, NULL);
}

int ws_cjk_apply_traced(PangoLayout *layout, const ws_cjk_options *opts, ws_cjk_path *path)
{
	static const ws_cjk_options defaults = WS_CJK_OPTIONS_INIT;
	if (path)
		*path = WS_CJK_PATH_NONE;
	if (!layout)
		return WS_EUSAGE;
	if (!opts)
		opts = &defaults;
	if (opts->version != WS_CJK_OPTIONS_VERSION)
		return WS_EUSAGE;
	if (opts->grid_pitch < 0 || !isfinite(opts->grid_pitch))
		return WS_EUSAGE;

	add_break_points(layout, opts);
	cjk_state s;
	state_init(&s, layout, opts);
	if (s.n == 0) {
		state_free(&s);
		return WS_OK;
	}
	find_held_spaces(&s);

	/* L11: pitch − size, floored: rounding up makes 28 × 15.79 pt exceed
	 * 156 mm and costs a character per line (DOMAIN.md §2, measured). */
	if (opts->grid_pitch > 0) {
		int grid = (int)floor(opts->grid_pitch * PANGO_SCALE) - s.size;
		/* Latin words and numbers keep their own letter fit (clreq
		 * §3.2.2): only CJK characters take the grid's tracking. */
		for (int i = 0; i < s.n; i++)
			s.ls_base[i] = is_latin_like(s.ch[i]) ? 0 : grid;
	}
	for (int i = 0; i < s.n; i++) {
		if (is_l3_nonstarter(s.ch[i]))
			s.nobreak_before[i] = true;
		/* L4 strict set: —— and …… never start a line. */
		if (opts->strict_breaks && i + 1 < s.n && s.ch[i] == s.ch[i + 1] &&
		    (s.ch[i] == 0x2014 || s.ch[i] == 0x2026))
			s.nobreak_before[i] = true;
		/* L9 estimate for breaking: a quarter em per boundary, carried by
		 * the western character next to the hanzi. */
		if (opts->han_latin_space && is_western(s.ch[i])) {
			if (i > 0 && is_han(s.ch[i - 1]))
				s.ls_l9[i] += s.size / 4;
			if (i + 1 < s.n && is_han(s.ch[i + 1]))
				s.ls_l9[i] += s.size / 4;
		}
	}
	find_full_only(&s);
	static_compression(&s);
	middle_dot_width(&s);
	find_fallbacks(&s);

	bool plain = plain_paragraph(&s);
	bool fitted = total_fit(&s);
	/* A layout never has more lines than characters + 1. */
	int *tries = g_new0(int, s.n + 2);
	int passes = 0;
	for (int pass = 0; pass < WS_CJK_MAX_PASSES && !fitted; pass++) {
		phase_a_attrs(&s);
		passes++;
		int nl;
		line_info *li = get_lines(&s, &nl);
		bool changed = false;
		if (opts->punct == WS_PUNCT_GB)
			changed |= line_end_compression(&s, li, nl);
		if (!changed && opts->avoid_orphans)
			changed |= fix_orphans(&s, li, nl, tries);
		free_lines(li, nl);
		if (!changed)
			break;
	}
	g_free(tries);
	/* A plain paragraph whose first pass changed nothing is done: phase B
	 * would compute, line by line, exactly the spacing phase A set (see
	 * plain_paragraph), so its measuring layout and its relayout would
	 * give back the same lines and glyphs. */
	if (plain && passes == 1) {
		/* Added break points the lines did not take go (see phase_b). */
		seal_break_points(&s);
		strip_joiners(&s);
		if (path)
			*path = WS_CJK_PATH_SHORT;
	} else {
		phase_a_attrs(&s);
		phase_b(&s);
		strip_joiners(&s);
		if (path)
			*path = WS_CJK_PATH_FULL;
	}
	state_free(&s);
	return WS_OK;
}
