/* The mailing packet of a group: the cover with the enclosure checklist of
 * the group's route, then every document of the route that can exist yet,
 * in mailing order — rendered by the library, so the command line (and any
 * other program) only writes the documents where it wants them.
 *
 * Which documents a route needs, and which are still pending (the
 * confirmation before a delegated appointment is booked), is listed in
 * group.derived.packet as {kind, title, status: ready|pending, reason} by
 * the cover's derive; a pending document is named on the cover and never
 * faked.
 */
#ifndef WS_PACKET_H
#define WS_PACKET_H

#include "common.h"
#include "diag.h"
#include "document.h"
#include "engine.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The kind whose layout is the packet's first page. */
#define WS_PACKET_COVER_KIND "packet-cover"

/* Renders the packet of `group`: *docs receives the cover and then each
 * ready document (caller frees with ws_documents_free()).  The layouts are
 * loaded once per engine.  Returns WS_EINPUT when errors were reported;
 * then *docs is NULL. */
WS_EXPORT int ws_engine_render_packet(ws_engine *engine, const ws_value *group, ws_document ***docs,
                                      size_t *n_docs, ws_diags *diags);

WS_EXPORT void ws_documents_free(ws_document **docs, size_t n);

#ifdef __cplusplus
}
#endif
#endif
