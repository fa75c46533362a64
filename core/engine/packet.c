/* The mailing packet of a group (packet.h). */
#include "packet.h"

#include <glib.h>
#include <string.h>

void ws_documents_free(ws_document **docs, size_t n)
{
	for (size_t i = 0; docs && i < n; i++)
		ws_document_free(docs[i]);
	g_free(docs);
}

int ws_engine_render_packet(ws_engine *engine, const ws_value *group, ws_document ***docs,
                            size_t *n_docs, ws_diags *d)
{
	*docs = NULL;
	*n_docs = 0;
	GPtrArray *out = g_ptr_array_new();
	const ws_layout *cover = NULL;
	int rc = ws_engine_layout(engine, WS_PACKET_COVER_KIND, &cover, d);
	if (rc != WS_OK) {
		g_ptr_array_free(out, TRUE);
		return rc;
	}
	/* The cover derives the packet list; render it from a prepared copy. */
	ws_value *copy = ws_value_copy(group);
	rc = ws_engine_prepare(engine, cover, copy, d);
	ws_document *doc = NULL;
	if (rc == WS_OK)
		rc = ws_engine_render(engine, cover, group, &doc, d);
	if (rc == WS_OK)
		g_ptr_array_add(out, doc);
	const ws_value *list = ws_value_lookup(copy, "derived.packet");
	for (size_t i = 0; rc == WS_OK && i < ws_value_length(list); i++) {
		const ws_value *entry = ws_value_list_at(list, i);
		const char *kind = ws_value_text(ws_value_map_get(entry, "kind"));
		const char *status = ws_value_text(ws_value_map_get(entry, "status"));
		if (!kind || g_strcmp0(status, "ready") != 0)
			continue;
		const ws_layout *layout = NULL;
		if ((rc = ws_engine_layout(engine, kind, &layout, d)) != WS_OK)
			break;
		doc = NULL;
		if ((rc = ws_engine_render(engine, layout, group, &doc, d)) == WS_OK)
			g_ptr_array_add(out, doc);
	}
	ws_value_unref(copy);
	if (rc != WS_OK) {
		ws_documents_free((ws_document **)out->pdata, out->len);
		g_ptr_array_free(out, FALSE);
		return rc;
	}
	*n_docs = out->len;
	*docs = (ws_document **)g_ptr_array_free(out, FALSE);
	return WS_OK;
}
