/* Chinese typography: the clreq / GB/T 15834 rules that Pango does not
 * apply by itself (DOMAIN.md §2).  Pango already does L1, L2, L4 (pairs),
 * L5 and L12; this module adds L3, L4 (strict set), L6–L11, L13 and L14.
 *
 * The typesetter creates a PangoLayout (text, font description, width,
 * alignment, base attributes; Pango's own justification off) and calls
 * ws_cjk_apply() once.  The function replaces the layout's attribute list
 * and may insert U+200B ZERO WIDTH SPACE where a line may break but Pango
 * offers no break (before “ after a hanzi, before …… and ——); width and
 * other settings are untouched.  Text read back from the layout should
 * skip U+200B.
 *
 * Thread-safety: as for the layout's PangoContext (one thread at a time).
 */
#ifndef WS_CJK_H
#define WS_CJK_H

#include <stdbool.h>
#include <pango/pango.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Punctuation width styles (clreq §3.1.6, GB/T 15834 §5.1.10). */
typedef enum ws_punct_style {
	WS_PUNCT_GB = 0,   /* full width; half width at line end (L6), adjacent pairs
	                    * compressed (L7), opening bracket at line start half (L8) */
	WS_PUNCT_FULL,     /* every mark full width */
	WS_PUNCT_KAIMING,  /* 开明: 。？！ full width, every other mark half width */
	WS_PUNCT_HALF,     /* every mark half width */
} ws_punct_style;

#define WS_CJK_OPTIONS_VERSION 1

typedef struct ws_cjk_options {
	unsigned int version;   /* WS_CJK_OPTIONS_VERSION */
	bool han_latin_space;   /* L9: 1/4 em between Han and Latin letters/digits */
	ws_punct_style punct;   /* L6–L8 compression style */
	bool strict_breaks;     /* L4 strict set: —— and …… never start a line */
	bool avoid_orphans;     /* L14: no last line holding one character (+ punctuation) */
	bool justify;           /* L10: lines flush both sides with equal gaps; the last
	                         * line of a paragraph stays ragged */
	bool distribute;        /* L13 均排: every line, the last too, spread over the
	                         * full width, first character at 0, last flush right */
	double grid_pitch;      /* L11: character pitch in pt (156 mm / 28); 0 = off */
} ws_cjk_options;

#define WS_CJK_OPTIONS_INIT { WS_CJK_OPTIONS_VERSION, true, WS_PUNCT_GB, false, true, false, false, 0 }

/* Applies the rules to `layout` (NULL opts = WS_CJK_OPTIONS_INIT).
 * Mechanisms: letter spacing (PANGO_ATTR_LETTER_SPACING) for gaps, the
 * OpenType `halt` feature for half-width punctuation, PANGO_ATTR_ALLOW_BREAKS
 * to forbid breaks (L3, L4) and to keep each line's break points once the
 * line is justified.  Returns WS_OK, or WS_EUSAGE for a NULL layout or an
 * unknown options version. */
WS_EXPORT int ws_cjk_apply(PangoLayout *layout, const ws_cjk_options *opts);

/* Which way ws_cjk_apply_traced() set a paragraph: nothing to do (empty
 * text or bad arguments), the short path (one layout: a plain paragraph,
 * see cjk.c, whose first pass changed nothing), or the full one through
 * phase B.  Per call, so that two engines in one process, or two threads,
 * never see each other's paragraphs. */
typedef enum ws_cjk_path {
	WS_CJK_PATH_NONE = 0,
	WS_CJK_PATH_SHORT,
	WS_CJK_PATH_FULL,
} ws_cjk_path;

/* ws_cjk_apply(), and which path it took in `*path` (may be NULL).  For
 * tests and benchmarks. */
WS_EXPORT int ws_cjk_apply_traced(PangoLayout *layout, const ws_cjk_options *opts, ws_cjk_path *path);

#ifdef __cplusplus
}
#endif
#endif
