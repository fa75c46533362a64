/* Preflight: what a clerk would see on the printed page, checked on the
 * typeset document before anything is written (issue 11).
 *
 * The typesetter records every line of text, frame, boxed element and
 * table row it places (document.h, ws_record).  The preflight reads those
 * records page by page and reports, naming the layout element
 * (file:line:col), the group and the page:
 *   error    text outside its box (a cell, a text box, the flow's column)
 *   error    anything outside the printable area of the sheet
 *   error    text over other text, over a boxed element, or crossed by a
 *            frame or rule of the layout
 *   error    a table row that does not fit on its page (split), or a
 *            table header left at the foot of a page without its rows
 *   warning  a widow page: a page after the first holding fewer than
 *            WS_PREFLIGHT_MIN_UNITS lines or rows of the flow
 * Missing glyphs and text shrunk to its min_size and still too big are
 * reported by the typesetter itself when it sets the text.
 */
#ifndef WS_PREFLIGHT_H
#define WS_PREFLIGHT_H

#include "common.h"
#include "diag.h"
#include "document.h"

/* Printers leave about 4 mm unprinted at each edge; nothing may go there. */
#define WS_PREFLIGHT_PRINTABLE_INSET_MM 5.0
/* A page after the first with fewer lines or rows of flow than this is a
 * widow page (the closing and the date alone, one row under a header). */
#define WS_PREFLIGHT_MIN_UNITS 3

/* Checks `doc`, whose flow ran in `frame` (pt, the same on every page),
 * and adds its findings to `diags`.  `group_id` names the group in the
 * messages (may be NULL).  Returns the number of errors found. */
WS_EXPORT int ws_preflight_document(const ws_document *doc, ws_rect frame, const char *group_id,
                                    ws_diags *diags);

#endif
