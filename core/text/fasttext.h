/* Fast text: drawing Pango lines into PDF without Cairo copying whole fonts.
 *
 * Why: Cairo 1.16's CFF subsetter copies the whole `CFF ` table of every
 * face out of FreeType (FT_Load_Sfnt_Table), twice per face per PDF, and
 * reverse-maps every glyph through the face's cmap, which it also copies.
 * For the prepared Noto CJK faces that is ~17–30 MB of memcpy per face per
 * document, whatever the amount of text (bench/README.md).
 *
 * What: each CFF face in use gets a small twin, an hb-subset of the face
 * with HB_SUBSET_FLAGS_RETAIN_GIDS holding only the glyphs this process
 * has typeset so far, loaded with FreeType from memory.  Text is drawn
 * glyph run by glyph run, exactly as pango_cairo_show_layout_line() does
 * (same positions, same UTF-8 and clusters, so text extraction is
 * unchanged), but with a cairo_scaled_font made from the twin: the same
 * fontconfig pattern (hence load flags, synthetic bold), matrices and
 * options as Pango's own scaled font.  The twin keeps the face's names, so
 * the PDF names the real font (same PostScript name, embedded subset).
 * It carries no cmap: Cairo then takes each glyph's Unicode from the
 * cluster text instead of a reverse cmap search.
 *
 * The glyph set grows: ws_fasttext_note_layout() records the glyphs of a
 * laid-out paragraph when it is typeset, so by the time a document is
 * drawn its glyphs are known and the twin is rebuilt (union, re-subset) at
 * most once per document, and in a batch it soon stops growing.  A twin
 * that is replaced stays alive as long as Cairo holds it.  A batch tells
 * the text it will draw up front (ws_fasttext_expect_text): the first
 * build then holds every glyph the data needs, so forked workers and a
 * merged PDF start from one twin instead of each growing its own.  (A
 * merged PDF whose twin must grow mid-file embeds that face twice, two
 * subsets; the text and pages are the same.)
 *
 * Twins are kept between runs in the font cache
 * (ws_fasttext_set_cache_dir): a new process starts from the saved twin
 * and builds only if a document needs a glyph it lacks.
 *
 * Dense twins: a retained-gid twin still makes Cairo walk arrays as long
 * as the highest glyph id, per face and document.  When a batch has
 * announced its text, each face also gets a dense twin (glyphs renumbered
 * 1..n), fixed once per process from the expected text and the first
 * document, and every document whose glyphs it holds is drawn with it
 * (ws_fasttext_begin_document decides per document).  Fixed, so that the
 * glyph numbers in the PDF do not depend on which other groups a worker
 * drew: `--jobs N` gives the bytes of `--jobs 1`.  Details in fasttext.c.
 *
 * Only PDF targets use the twins; other surfaces (PNG, SVG) rasterize or
 * trace outlines and gain nothing, so they take Pango's path unchanged.
 * Setting WENSHU_FAST_TEXT=0 in the environment turns the whole path off.
 *
 * State is per process (forked batch workers each grow their own) and not
 * thread-safe, like the Pango font map it shadows.
 */
#ifndef WS_FASTTEXT_H
#define WS_FASTTEXT_H

#include <cairo.h>
#include <pango/pango.h>
#include <stdbool.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* True unless WENSHU_FAST_TEXT is "0" (read on every call, so tests may
 * switch it). */
WS_EXPORT bool ws_fasttext_enabled(void);

/* Records the glyphs of every line of `layout` as wanted by a document
 * about to be drawn.  Cheap; does nothing when the path is off. */
WS_EXPORT void ws_fasttext_note_layout(PangoLayout *layout);

/* Draws `line` with its origin (left end of the baseline) at (x, y) in
 * user space, as pango_cairo_show_layout_line() would after
 * cairo_move_to(cr, x, y).  Returns false, having drawn nothing, when the
 * fast path does not apply (turned off, not a PDF target, a line with
 * colours, decorations or shapes from attributes): the caller then draws
 * the line with Pango.  Runs it cannot speed up (non-CFF fonts, unknown
 * glyphs, a twin that failed to build) are drawn the normal way. */
WS_EXPORT bool ws_fasttext_show_line(cairo_t *cr, PangoLayoutLine *line, double x, double y);

/* Keeps twins in `dir` (files twin-*.bin) between runs; NULL: do not.
 * The engine sets its font cache when none was set before. */
WS_EXPORT void ws_fasttext_set_cache_dir(const char *dir);
WS_EXPORT const char *ws_fasttext_cache_dir(void); /* borrowed or NULL */

/* Announces text (UTF-8) that documents of this process are about to
 * draw, e.g. every string of a batch's data: the next twin builds include
 * each face's glyph for each of its characters. */
WS_EXPORT void ws_fasttext_expect_text(const char *utf8);

/* Marks the start of a document's pages in a PDF (the output module
 * calls it).  The glyphs noted since the previous call are the document's:
 * they decide, per face, whether the batch's dense twin can draw it. */
WS_EXPORT void ws_fasttext_begin_document(void);

/* Statistics of this process, for tests and the benchmark: faces with a
 * twin, twin builds so far, and glyphs in all current twins.  Any pointer
 * may be NULL. */
WS_EXPORT void ws_fasttext_stats(unsigned int *faces, unsigned int *builds, unsigned int *glyphs);

/* Twins this process started from a saved copy instead of building. */
WS_EXPORT unsigned int ws_fasttext_cache_loads(void);
/* Dense twins built by this process (one per face per batch at most). */
WS_EXPORT unsigned int ws_fasttext_dense_builds(void);

#ifdef __cplusplus
}
#endif
#endif
