/* The PDF line painter: draws a document's text lines into a PDF against
 * the font twins (twins.h) instead of Pango's fonts, glyph run by glyph
 * run, exactly where pango_cairo_show_layout_line() would put them.
 *
 * The painter declines a line (returns false, having drawn nothing) when
 * the fast path does not apply: turned off (WENSHU_FAST_TEXT=0), not a PDF
 * target, a line with colours, decorations or shapes from attributes; the
 * document then lets Pango draw it.  Runs it cannot speed up (non-CFF
 * fonts, unknown glyphs, a twin that failed to build) are drawn the normal
 * way. */
#ifndef WS_PDF_TEXT_H
#define WS_PDF_TEXT_H

#include "document.h"
#include "twins.h"

/* A painter drawing with `twins` (borrowed; it must outlive the painter's
 * use).  NULL twins: a painter that declines every line. */
ws_text_painter ws_pdf_text_painter(ws_twins *twins);

#endif
