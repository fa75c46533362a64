/* The PNG pixel limit, checked against the layout before anything is
 * typeset: a page at --dpi that would need more pixels than
 * WS_OUTPUT_MAX_PIXELS is the layout's page size (or the resolution asked
 * for), so it is an input error reported at the layout's `page:`, exit 1
 * — not an I/O failure found when the first file is written.
 * output.c keeps its own check for documents that come from elsewhere. */
#include "output.h"

#include <math.h>

#include "layout.h"

int ws_output_check_layout(const ws_layout *layout, const ws_output_options *opts, ws_diags *diags)
{
	if (!opts || opts->format != WS_FORMAT_PNG)
		return WS_OK;
	double wpt = 0, hpt = 0;
	ws_layout_page_size(layout, &wpt, &hpt);
	double w = round(wpt / 72.0 * opts->dpi), h = round(hpt / 72.0 * opts->dpi);
	ws_loc at = ws_layout_page_loc(layout);
	if (w > WS_OUTPUT_MAX_SIDE || h > WS_OUTPUT_MAX_SIDE) {
		ws_diag_add(diags, WS_SEVERITY_ERROR, at, "limit", NULL,
		            "the page would be %.0f × %.0f pixels at %g dpi; the limit is %.0f pixels a side", w, h,
		            opts->dpi, WS_OUTPUT_MAX_SIDE);
		return WS_EINPUT;
	}
	if (w * h > WS_OUTPUT_MAX_PIXELS) {
		ws_diag_add(diags, WS_SEVERITY_ERROR, at, "limit", NULL,
		            "the page would be %.0f × %.0f = %.0f pixels at %g dpi; the limit is %.0f pixels", w, h, w * h,
		            opts->dpi, WS_OUTPUT_MAX_PIXELS);
		return WS_EINPUT;
	}
	return WS_OK;
}
