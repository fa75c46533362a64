/* The debug overlay of a preview: what the typesetter did, drawn over a
 * rendered page — the page margins (the content frame), the GB/T 9704
 * type-area grid, every placed text line's box and baseline, the element
 * boxes with their type and layout line, and anything that overflows its
 * box in red.
 *
 * It draws from what the document recorded (document.h: text runs and
 * element records) and the layout's page geometry; it never typesets
 * again, so the overlay shows exactly the page that is printed.
 */
#ifndef WS_OVERLAY_H
#define WS_OVERLAY_H

#include <cairo.h>
#include <stdbool.h>
#include "common.h"
#include "document.h"
#include "layout.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Draws the overlay of `page` onto `cr`, whose user space is the page in
 * points (as for ws_document_draw_page).  Leaves the cairo state as found.
 * Returns cairo_status(cr) afterwards: not CAIRO_STATUS_SUCCESS when
 * Cairo failed (out of memory), and the overlay is then incomplete. */
WS_EXPORT cairo_status_t ws_overlay_draw(const ws_document *doc, size_t page, const ws_layout *layout, cairo_t *cr);

/* Where the element written at `loc` (a layout position) landed: its
 * first page and box (pt).  False when the document recorded no element
 * there.  For pointing a finding at its place on the page. */
WS_EXPORT bool ws_overlay_find(const ws_document *doc, ws_loc loc, size_t *page, ws_rect *box);

/* GB/T 9704-2012 §5.2.1: the A4 type area is 156 mm × 225 mm, 37 mm from
 * the top and 28 mm from the left edge, set as 22 lines of 28 characters
 * (3号).  The overlay draws this grid on A4 pages. */
#define WS_GBT9704_TOP_MM 37.0
#define WS_GBT9704_LEFT_MM 28.0
#define WS_GBT9704_WIDTH_MM 156.0
#define WS_GBT9704_HEIGHT_MM 225.0
#define WS_GBT9704_COLUMNS 28
#define WS_GBT9704_LINES 22

#ifdef __cplusplus
}
#endif
#endif
