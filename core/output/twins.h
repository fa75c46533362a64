/* Font twins: what lets the PDF writer draw text without Cairo copying
 * whole fonts.
 *
 * Why: Cairo 1.16's CFF subsetter copies the whole `CFF ` table of every
 * face out of FreeType (FT_Load_Sfnt_Table), twice per face per PDF, and
 * reverse-maps every glyph through the face's cmap, which it also copies.
 * For the prepared Noto CJK faces that is ~17–30 MB of memcpy per face per
 * document, whatever the amount of text (bench/README.md).
 *
 * What: each CFF face in use gets a small twin, an hb-subset of the face
 * with HB_SUBSET_FLAGS_RETAIN_GIDS holding only the glyphs typeset so far,
 * loaded with FreeType from memory.  The PDF line painter (pdf-text.h)
 * draws text glyph run by glyph run, exactly as
 * pango_cairo_show_layout_line() does (same positions, same UTF-8 and
 * clusters, so text extraction is unchanged), but with a cairo_scaled_font
 * made from the twin: the same fontconfig pattern (hence load flags,
 * synthetic bold), matrices and options as Pango's own scaled font.  The
 * twin keeps the face's names, so the PDF names the real font (same
 * PostScript name, embedded subset).  It carries no cmap: Cairo then takes
 * each glyph's Unicode from the cluster text instead of a reverse cmap
 * search.
 *
 * A ws_twins is an object: the engine owns one (ws_engine_twins) and
 * hands it to the output through ws_output_options.twins; nothing about
 * twins is process-global.  Its parts live in separate files:
 *   twins.c      the object: the face table, glyph notes, dense-twin choice
 *   twin-build.c building a twin (hb-subset, FreeType, Cairo font faces)
 *   twin-cache.c twins kept between runs in the font cache
 *   pdf-text.c   the PDF line painter that draws with them
 *
 * The glyph set grows: ws_twins_note_document() records the glyphs of a
 * typeset document (the engine calls it after typesetting), so by the
 * time a document is drawn its glyphs are known and the twin is rebuilt
 * (union, re-subset) at most once per document, and in a batch it soon
 * stops growing.  A twin that is replaced stays alive as long as Cairo
 * holds it.  A batch tells the text it will draw up front
 * (ws_twins_expect_text): the first build then holds every glyph the data
 * needs, so forked workers and a merged PDF start from one twin instead of
 * each growing its own.  (A merged PDF whose twin must grow mid-file
 * embeds that face twice, two subsets; the text and pages are the same.)
 *
 * Twins are kept between runs in the font cache (ws_twins_set_cache_dir):
 * a new process starts from the saved twin and builds only if a document
 * needs a glyph it lacks.
 *
 * Dense twins: a retained-gid twin still makes Cairo walk arrays as long
 * as the highest glyph id, per face and document.  When a batch has
 * announced its text, each face also gets a dense twin (glyphs renumbered
 * 1..n), fixed once from the expected text and the first document, and
 * every document whose glyphs it holds is drawn with it
 * (ws_twins_begin_document decides per document).  Fixed, so that the
 * glyph numbers in the PDF do not depend on which other groups a worker
 * drew: `--jobs N` gives the bytes of `--jobs 1`.  Details in twins.c.
 *
 * Only PDF targets use the twins; other surfaces (PNG, SVG) rasterize or
 * trace outlines and gain nothing, so they take Pango's path unchanged.
 * Setting WENSHU_FAST_TEXT=0 in the environment turns the whole path off.
 *
 * Thread-safety: a ws_twins is used by one thread at a time, like the
 * engine and the Pango font map whose fonts it shadows.  Forked batch
 * workers each grow their own copy.
 */
#ifndef WS_TWINS_H
#define WS_TWINS_H

#include <pango/pango.h>
#include <stdbool.h>

#include "common.h"
#include "document.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_twins ws_twins;

/* A new, empty set of twins in *out; caller frees with ws_twins_free()
 * (NULL: no-op).  Returns WS_OK.  Cairo may keep fonts made from a twin
 * after the set is freed: each twin (and the FreeType library it was
 * loaded with) lives until the last such font is gone. */
WS_EXPORT int ws_twins_new(ws_twins **out);
WS_EXPORT void ws_twins_free(ws_twins *twins);

/* True unless WENSHU_FAST_TEXT is "0" (read on every call, so tests may
 * switch it). */
WS_EXPORT bool ws_twins_enabled(void);

/* Keeps twins in `dir` (files twin-*.bin) between runs; NULL: do not.
 * The engine sets its font cache when none was set before. */
WS_EXPORT void ws_twins_set_cache_dir(ws_twins *twins, const char *dir);
WS_EXPORT const char *ws_twins_cache_dir(const ws_twins *twins); /* borrowed or NULL */

/* Records the glyphs of every line of `layout` as wanted by a document
 * about to be drawn.  Cheap; does nothing when the path is off. */
WS_EXPORT void ws_twins_note_layout(ws_twins *twins, PangoLayout *layout);
/* The same for every text of `doc` (ws_document_text_layout). */
WS_EXPORT void ws_twins_note_document(ws_twins *twins, const ws_document *doc);

/* Announces text (UTF-8) that documents are about to draw, e.g. every
 * string of a batch's data: the next twin builds include each face's
 * glyph for each of its characters. */
WS_EXPORT void ws_twins_expect_text(ws_twins *twins, const char *utf8);

/* Marks the start of a document's pages in a PDF (the output module
 * calls it).  The glyphs noted since the previous call are the document's:
 * they decide, per face, whether the batch's dense twin can draw it. */
WS_EXPORT void ws_twins_begin_document(ws_twins *twins);

/* Statistics, for tests and the benchmark: faces with a twin, twin builds
 * so far, and glyphs in all current twins.  Any pointer may be NULL. */
WS_EXPORT void ws_twins_stats(const ws_twins *twins, unsigned int *faces, unsigned int *builds,
                              unsigned int *glyphs);
/* Twins started from a saved copy instead of building. */
WS_EXPORT unsigned int ws_twins_cache_loads(const ws_twins *twins);
/* Dense twins built (one per face per batch at most). */
WS_EXPORT unsigned int ws_twins_dense_builds(const ws_twins *twins);

#ifdef __cplusplus
}
#endif
#endif
