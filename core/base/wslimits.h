/* Input limits.  (Named wslimits.h, not limits.h: core/ is on the include
 * path, and a limits.h there would shadow the C library's <limits.h>.)
 *
 * Every file wenshu reads comes from an office PC, a shared
 * drive or an e-mail attachment, so each loader bounds the work and memory an
 * input can cost.  A limit that is hit is reported as an error at the place
 * that hit it (rule "limit"), never silently truncated.
 *
 * The values are far above anything a real layout or data file needs (the
 * largest realistic data file — a year of groups — is a few MiB), and low
 * enough that a hostile or corrupt file is refused in milliseconds.
 */
#ifndef WS_WSLIMITS_H
#define WS_WSLIMITS_H

/* Largest file any loader reads (layouts, data, CSV): 32 MiB.  Checked with
 * fstat() before reading, so a huge file costs nothing. */
#define WS_LIMIT_FILE_SIZE (32u * 1024u * 1024u)

/* Deepest nesting of YAML lists and maps.  libyaml 0.2.5 has no limit of its
 * own, and its simple-key bookkeeping makes deep flow nesting ("[[[[...")
 * quadratic and its state stack unbounded; the loader counts depth on every
 * start event and stops at once.  Real layouts nest fewer than 15 levels. */
#define WS_LIMIT_YAML_DEPTH 64

/* Most alias nodes (`*name`) in one YAML file.  Layouts use a handful of
 * anchors for shared styles; thousands of aliases only appear in attacks. */
#define WS_LIMIT_YAML_ALIASES 1000

/* Most nodes a YAML file may expand to, counting every node reached through
 * an alias as often as it is reached.  Aliases share the anchored value
 * (no copy), but every later tree walk (validation, binding) visits the
 * expanded size, so a "billion laughs" file (each level doubling the last)
 * must be refused while it is loaded. */
#define WS_LIMIT_YAML_NODES 1000000

/* Longest single scalar (bytes).  The longest legitimate scalar is a
 * paragraph of a note verbale (a few KiB). */
#define WS_LIMIT_SCALAR_LENGTH (1024u * 1024u)

/* Longest `{{ expression }}` source text (bytes). */
#define WS_LIMIT_EXPR_LENGTH 4096

/* Most evaluation steps of one expression, so filter chains over long lists
 * cannot stall a batch. */
#define WS_LIMIT_EXPR_STEPS 100000

/* Most elements in one document, counted as they are placed: every item
 * of `each` counts its elements again, so three nested `each` over a
 * 100-item list (10^6 elements) are refused at the `each`, long before
 * their display lists would fill memory.  The loader counts the layout's
 * own elements against the same number. */
#define WS_LIMIT_ELEMENTS 100000

/* Most elements measured for keep_together / keep_with_next /
 * keep_with_previous in one document (measuring walks `each` as well, once
 * per enclosing item). */
#define WS_LIMIT_MEASURED (4 * WS_LIMIT_ELEMENTS)

/* Most characters Pango lays out in one paragraph.  Pango 1.50 finds each
 * line's break attributes by walking from the start of the paragraph, so
 * the time to lay one out grows with the square of its length (32 k / 64 k
 * / 128 k characters in a narrow box: 2 / 8 / 33 s).  Text in a fixed box
 * is laid out only as far as the box could possibly hold (paragraph.c);
 * a paragraph in the flow longer than this is refused at its element.
 * 16384 characters is some eight pages of solid text without a line end. */
#define WS_LIMIT_PARAGRAPH_CHARS 16384

/* Most characters laid out for one document, measuring for keep_* and the
 * trials of `fit: shrink` included: the budget of one group.  Elements,
 * pages and paragraphs are bounded each, but not their product (1000
 * items of `each`, each a paragraph of 16 000 characters).  A 30-person
 * delegation's documents lay out some 20 000. */
#define WS_LIMIT_DOCUMENT_CHARS 2000000

/* Most pages in one rendered document. */
#define WS_LIMIT_PAGES 10000

/* Longest page side in points: 14400 pt = 200 in, the largest page PDF
 * allows without a UserUnit (ISO 32000-1, Annex C). */
#define WS_LIMIT_PAGE_SIDE_PT 14400

/* Most pixels in one PNG page (width × height), 100 Mpx ≈ 400 MB of ARGB.
 * A4 at 600 dpi is about 35 Mpx, so any sensible preview fits. */
#define WS_LIMIT_PNG_PIXELS 100000000

/* Most groups in one data file (YAML `groups:` or distinct CSV group ids). */
#define WS_LIMIT_GROUPS 100000

#endif
