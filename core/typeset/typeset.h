/* Typesetting: a layout filled with one group's data, set with Pango into
 * pages of drawing operations (a ws_document).
 *
 * The typesetter binds templates against the group as it goes (bind.h),
 * lays text out with Pango and the Chinese rules of cjk.h, flows elements
 * without a box down the content frame onto as many pages as they need
 * (tables repeat their header; rows never split), places boxed elements at
 * their absolute positions, and finally draws the `every_page` elements
 * once the page count is known.
 *
 * What cannot be shown faithfully is reported, never hidden: a character
 * no font has, a character drawn from a fallback font, text that overflows
 * its box.  Each diagnostic names the layout's file:line:col.
 */
#ifndef WS_TYPESET_H
#define WS_TYPESET_H

#include <pango/pango.h>
#include "common.h"
#include "diag.h"
#include "document.h"
#include "layout.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ws_registry;

typedef struct ws_typeset_env {
	unsigned int version;
	PangoContext *pango;                /* borrowed: from ws_fonts_create_context() */
	const struct ws_registry *registry; /* borrowed, may be NULL: plugin element types */
	const char *doc_date;               /* "YYYY-MM-DD" the document carries; NULL → today */
	/* Version 2.  When not NULL and the document was typeset whole but
	 * the preflight refused it (text outside its box, an overlap), the
	 * refused document is handed here instead of being freed, for a
	 * preview to show where the errors are.  Never print it. */
	ws_document **refused;
} ws_typeset_env;

#define WS_TYPESET_ENV_VERSION 2

/* Typesets `layout` with `group` (a map; may be NULL for a layout that uses
 * no data).  On success *out is a new document the caller frees with
 * ws_document_free().  Returns WS_EINPUT when an error was reported (no
 * document is returned then). */
WS_EXPORT int ws_typeset(const ws_layout *layout, const ws_value *group,
                         const ws_typeset_env *env, ws_document **out, ws_diags *diags);

/* Drops the layouts of constant text that ws_typeset() caches on `pango`
 * (they reference the context, so the context cannot go while they live).
 * Call before the last g_object_unref() of the context. */
WS_EXPORT void ws_typeset_clear_cache(PangoContext *pango);

#ifdef __cplusplus
}
#endif
#endif
