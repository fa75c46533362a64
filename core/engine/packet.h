/* The mailing packet of a group: a cover with the enclosure checklist of
 * the group's route, then every document of the route that can exist yet,
 * in mailing order — assembled by the library, so the command line (and
 * any other program) only writes the documents where it wants them.
 *
 * What each route's packet holds, in what order, with which checklist
 * wording, and when a document is still pending (the confirmation before
 * the appointment is booked) is the office's to say: a YAML file,
 * `packets.yaml` in the layout folders (docs/packets.md), loaded by
 * ws_packets_load().  A pending document is named on the cover, never
 * faked.  The cover reads what this module computes as `group.packet`:
 *
 *   route, leg (outbound | return), checklist [{item, note, printed, kind}],
 *   documents [{kind, title, status: ready|pending, reason, order}],
 *   ready_count, pending_count
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

typedef struct ws_packets ws_packets;

/* Which way the packet travels: what the group mails to 护签部, or — on a
 * route whose entry has `return:` — what 护签部 mails back to the sending
 * 外事部门 (seed 二(二)), with that leg's own cover. */
typedef enum ws_packet_leg {
	WS_PACKET_OUTBOUND = 0,
	WS_PACKET_RETURN = 1,
} ws_packet_leg;

/* The file name looked up in the layout folders (the first found wins, so
 * an office folder's copy replaces the shipped one). */
#define WS_PACKETS_FILE "packets.yaml"

/* Loads `path`, or WS_PACKETS_FILE from the engine's layout folders when
 * `path` is NULL, and checks it whole: keys, routes, every document named
 * (a kind or a form the engine finds), every condition and note template —
 * each mistake reported at its file:line:col.  Caller frees with
 * ws_packets_free(). */
WS_EXPORT int ws_packets_load(ws_engine *engine, const char *path, ws_packets **out, ws_diags *diags);
WS_EXPORT void ws_packets_free(ws_packets *packets);
/* The file it was read from (borrowed). */
WS_EXPORT const char *ws_packets_path(const ws_packets *packets);

/* group.packet for `group` (derived with the cover's derive first), or a
 * null value for a route the file does not name.  Caller unrefs. */
WS_EXPORT int ws_packets_plan(ws_engine *engine, const ws_packets *packets, const ws_value *group,
                              ws_value **out, ws_diags *diags);
/* The same for one leg; for WS_PACKET_RETURN a route without a return leg
 * is an error naming the group (WS_EINPUT). */
WS_EXPORT int ws_packets_plan_leg(ws_engine *engine, const ws_packets *packets, const ws_value *group,
                                  ws_packet_leg leg, ws_value **out, ws_diags *diags);

/* Renders the packet of `group`: *docs receives the cover and then each
 * ready document (caller frees with ws_documents_free()).  The layouts are
 * loaded once per engine.  Returns WS_EINPUT when errors were reported;
 * then *docs is NULL. */
WS_EXPORT int ws_engine_render_packet(ws_engine *engine, const ws_packets *packets, const ws_value *group,
                                      ws_document ***docs, size_t *n_docs, ws_diags *diags);
/* The packet of one leg (ws_engine_render_packet is the outbound one). */
WS_EXPORT int ws_engine_render_packet_leg(ws_engine *engine, const ws_packets *packets, const ws_value *group,
                                          ws_packet_leg leg, ws_document ***docs, size_t *n_docs,
                                          ws_diags *diags);

WS_EXPORT void ws_documents_free(ws_document **docs, size_t n);

#ifdef __cplusplus
}
#endif
#endif
