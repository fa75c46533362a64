/* The PDF line painter: draws a document's text lines into a PDF against
 * the font twins (twins.h) instead of Pango's fonts, glyph run by glyph
 * run, exactly where pango_cairo_show_layout_line() would put them.
 *
 * Where the fast path does not apply (turned off by WENSHU_FAST_TEXT=0,
 * no twins, a line with colours, decorations or shapes from attributes)
 * Pango draws the line, without the glyphless format characters (the
 * ZWSP of an added break point) that its renderer would write as empty
 * /ActualText spans.  The painter declines (returns false, having drawn
 * nothing) only a target that is not a PDF.  Runs it cannot speed up
 * (non-CFF fonts, unknown glyphs, a twin that failed to build) are drawn
 * the normal way. */
#ifndef WS_PDF_TEXT_H
#define WS_PDF_TEXT_H

#include "document.h"
#include "twins.h"

/* A painter drawing with `twins` (borrowed; it must outlive the painter's
 * use).  NULL twins: every line is drawn by Pango, as above. */
ws_text_painter ws_pdf_text_painter(ws_twins *twins);

#endif
