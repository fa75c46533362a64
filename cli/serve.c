/* wenshu preview --serve: a local web page showing every page of the
 * groups on screen, with the findings beside them, refreshed by
 * server-sent events when the layout, the data or a plugin is saved.
 *
 * Why libsoup 3: it runs on the GLib main loop that the file monitor
 * (GFileMonitor) already needs, so the server, the monitor and the
 * renders share one thread and one loop with no locking; Debian 12
 * packages it (libsoup-3.0-dev).  libmicrohttpd would bring its own
 * threads, and every render would then have to be handed back to the
 * thread that owns the engine (an engine is used by one thread at a
 * time, engine.h).
 *
 * The server binds 127.0.0.1 only: the page shows applicants' personal
 * data.  Rendering is lazy: after a change the page asks again for the
 * groups it shows, and only those are rendered (a 300-group file costs a
 * save no more than one group).
 *
 *   GET /              the page (preview.html, compiled in)
 *   GET /api/state     generation, load errors, groups
 *   GET /api/group?i=N renders group N if needed: pages, findings
 *   GET /page?i=N&p=P  page P of group N as PNG (&debug=1: the overlay)
 *   GET /events        text/event-stream: "change" with the generation
 */
#include <gio/gio.h>
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#include "monitor.h"
#include "preview.h"
#include "report.h"

GResource *ws_preview_get_resource(void);

typedef struct server {
	ws_pv_session *s;
	SoupServer *soup;
	GPtrArray *clients;     /* of SoupServerMessage* (ref) streaming events */
	ws_monitor *monitor;
	GMainLoop *loop;
	double dpi;
	gint64 changed_at;      /* monotonic µs of the last change seen, for the log */
} server;

/* ---- JSON ----------------------------------------------------------- */

static void json_str(GString *j, const char *s)
{
	g_string_append_c(j, '"');
	for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
		switch (*c) {
		case '"': g_string_append(j, "\\\""); break;
		case '\\': g_string_append(j, "\\\\"); break;
		case '\n': g_string_append(j, "\\n"); break;
		case '\r': g_string_append(j, "\\r"); break;
		case '\t': g_string_append(j, "\\t"); break;
		default:
			if (*c < 0x20)
				g_string_append_printf(j, "\\u%04x", *c);
			else
				g_string_append_c(j, (char)*c);
		}
	}
	g_string_append_c(j, '"');
}

/* Where on the page a finding is: the first element the document recorded
 * at the finding's layout position.  False when the document does not say
 * (a data rule about a field no element shows). */
static bool finding_place(const ws_document *doc, const ws_diag *d, size_t *page, ws_rect *box)
{
	return ws_overlay_find(doc, d->loc, page, box);
}

static void json_diags(GString *j, const ws_diags *ds, const ws_document *doc)
{
	g_string_append_c(j, '[');
	for (size_t i = 0; i < ws_diags_count(ds); i++) {
		const ws_diag *d = ws_diags_at(ds, i);
		char *text = ws_diag_format(d);
		g_string_append_printf(j, "%s{\"severity\":", i ? "," : "");
		json_str(j, ws_severity_name(d->severity));
		g_string_append(j, ",\"text\":");
		json_str(j, text);
		g_string_append(j, ",\"message\":");
		json_str(j, d->message);
		g_string_append(j, ",\"rule\":");
		json_str(j, d->rule);
		g_string_append(j, ",\"file\":");
		json_str(j, d->loc.file);
		g_string_append_printf(j, ",\"line\":%u,\"col\":%u", d->loc.line, d->loc.column);
		size_t page = 0;
		ws_rect b;
		if (doc && d->loc.file && finding_place(doc, d, &page, &b))
			g_string_append_printf(j, ",\"page\":%zu,\"box\":[%.2f,%.2f,%.2f,%.2f]", page, b.x, b.y, b.width,
			                       b.height);
		g_string_append_c(j, '}');
		g_free(text);
	}
	g_string_append_c(j, ']');
}

static void reply(SoupServerMessage *msg, int status, const char *type, GBytes *body)
{
	soup_server_message_set_status(msg, status, NULL);
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	/* Every answer describes one generation: never cached. */
	soup_message_headers_replace(h, "Cache-Control", "no-store");
	soup_server_message_set_response(msg, type, SOUP_MEMORY_COPY, g_bytes_get_data(body, NULL),
	                                 g_bytes_get_size(body));
}

static void reply_json(SoupServerMessage *msg, GString *j)
{
	GBytes *b = g_string_free_to_bytes(j);
	reply(msg, 200, "application/json; charset=utf-8", b);
	g_bytes_unref(b);
}

static void reply_text(SoupServerMessage *msg, int status, const char *text)
{
	GBytes *b = g_bytes_new(text, strlen(text));
	reply(msg, status, "text/plain; charset=utf-8", b);
	g_bytes_unref(b);
}

/* ---- handlers -------------------------------------------------------- */

static void state_json(server *sv, GString *j)
{
	ws_pv_session *s = sv->s;
	g_string_append_printf(j, "{\"gen\":%u,\"ok\":%s,\"title\":", s->gen, s->load_failed ? "false" : "true");
	json_str(j, s->layout ? ws_layout_title(s->layout) : NULL);
	g_string_append(j, ",\"kind\":");
	json_str(j, s->layout ? ws_layout_name(s->layout) : NULL);
	g_string_append(j, ",\"layout\":");
	json_str(j, s->layout_path ? s->layout_path : s->layout_arg);
	g_string_append(j, ",\"data\":");
	json_str(j, s->data_path);
	g_string_append(j, ",\"only\":");
	if (s->only_group)
		json_str(j, s->only_group);
	else
		g_string_append(j, "null");
	g_string_append_printf(j, ",\"debug\":%s,\"errors\":", s->debug ? "true" : "false");
	json_diags(j, s->load_diags, NULL);
	g_string_append(j, ",\"groups\":[");
	for (guint i = 0; i < s->groups->len; i++) {
		ws_pv_group *g = g_ptr_array_index(s->groups, i);
		g_string_append_printf(j, "%s{\"i\":%u,\"id\":", i ? "," : "", i);
		json_str(j, g->id);
		g_string_append_c(j, '}');
	}
	g_string_append(j, "]}");
}

static void group_json(server *sv, size_t i, GString *j)
{
	ws_pv_session *s = sv->s;
	ws_pv_group *g = g_ptr_array_index(s->groups, i);
	bool fresh = !s->load_failed && ws_pv_group_render(s, i);
	g_string_append_printf(j, "{\"i\":%zu,\"id\":", i);
	json_str(j, g->id);
	g_string_append_printf(j, ",\"gen\":%u,\"good_gen\":%u,\"fresh\":%s,\"draft\":%s,\"render_ms\":%.1f,\"pages\":[",
	                       s->gen, g->good_gen, fresh ? "true" : "false", fresh && g->draft ? "true" : "false",
	                       g->render_ms);
	size_t n = g->doc ? ws_document_page_count(g->doc) : 0;
	for (size_t p = 0; p < n; p++) {
		double w = 0, h = 0;
		ws_document_page_size(g->doc, p, &w, &h);
		g_string_append_printf(j, "%s{\"w\":%.2f,\"h\":%.2f}", p ? "," : "", w, h);
	}
	g_string_append(j, "],\"findings\":");
	json_diags(j, g->findings, g->doc);
	g_string_append_c(j, '}');
}

static size_t query_index(GHashTable *q, const char *key, bool *ok)
{
	const char *v = q ? g_hash_table_lookup(q, key) : NULL;
	guint64 n = 0;
	*ok = v && g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT32, &n, NULL);
	return (size_t)n;
}

static void page_png(server *sv, SoupServerMessage *msg, GHashTable *q)
{
	bool ok_i, ok_p;
	size_t i = query_index(q, "i", &ok_i), p = query_index(q, "p", &ok_p);
	const char *dbg = q ? g_hash_table_lookup(q, "debug") : NULL;
	cairo_surface_t *img = ok_i && ok_p ? ws_pv_page_image(sv->s, i, p, sv->dpi, dbg && strcmp(dbg, "1") == 0) : NULL;
	if (!img || cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		if (img)
			cairo_surface_destroy(img);
		reply_text(msg, 404, "no such page");
		return;
	}
	GBytes *b = ws_png_encode(img, 1);
	cairo_surface_destroy(img);
	if (!b) {
		reply_text(msg, 500, "cannot encode the page");
		return;
	}
	reply(msg, 200, "image/png", b);
	g_bytes_unref(b);
}

static void on_client_finished(SoupServerMessage *msg, void *p)
{
	server *sv = p;
	if (g_ptr_array_remove(sv->clients, msg))
		g_object_unref(msg);
}

static void send_event(SoupServerMessage *msg, const char *event, const char *data)
{
	char *chunk = g_strdup_printf("event: %s\ndata: %s\n\n", event, data);
	soup_message_body_append(soup_server_message_get_response_body(msg), SOUP_MEMORY_TAKE, chunk, strlen(chunk));
	soup_server_message_unpause(msg);
}

static void events(server *sv, SoupServerMessage *msg)
{
	soup_server_message_set_status(msg, 200, NULL);
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	soup_message_headers_set_content_type(h, "text/event-stream", NULL);
	soup_message_headers_set_encoding(h, SOUP_ENCODING_CHUNKED);
	soup_message_headers_replace(h, "Cache-Control", "no-store");
	soup_message_body_set_accumulate(soup_server_message_get_response_body(msg), FALSE);
	g_ptr_array_add(sv->clients, g_object_ref(msg));
	g_signal_connect(msg, "finished", G_CALLBACK(on_client_finished), sv);
	char gen[32];
	g_snprintf(gen, sizeof gen, "%u", sv->s->gen);
	send_event(msg, "hello", gen);
}

static void handle(SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, void *p)
{
	server *sv = p;
	if (strcmp(soup_server_message_get_method(msg), "GET") != 0) {
		reply_text(msg, 405, "GET only");
		return;
	}
	if (strcmp(path, "/") == 0) {
		GBytes *page = g_resource_lookup_data(ws_preview_get_resource(), "/org/wenshu/preview/preview.html",
		                                      G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
		reply(msg, 200, "text/html; charset=utf-8", page);
		g_bytes_unref(page);
	} else if (strcmp(path, "/api/state") == 0) {
		GString *j = g_string_new(NULL);
		state_json(sv, j);
		reply_json(msg, j);
	} else if (strcmp(path, "/api/group") == 0) {
		bool ok;
		size_t i = query_index(query, "i", &ok);
		if (!ok || i >= sv->s->groups->len) {
			reply_text(msg, 404, "no such group");
			return;
		}
		GString *j = g_string_new(NULL);
		group_json(sv, i, j);
		reply_json(msg, j);
	} else if (strcmp(path, "/page") == 0) {
		page_png(sv, msg, query);
	} else if (strcmp(path, "/events") == 0) {
		events(sv, msg);
	} else {
		reply_text(msg, 404, "not found");
	}
}

/* ---- changes ---------------------------------------------------------- */

static void on_change(unsigned what, void *p)
{
	server *sv = p;
	gint64 t0 = g_get_monotonic_time();
	bool ok = ws_pv_session_reload(sv->s, what);
	char data[64];
	g_snprintf(data, sizeof data, "{\"gen\":%u,\"ok\":%s}", sv->s->gen, ok ? "true" : "false");
	for (guint i = 0; i < sv->clients->len; i++)
		send_event(g_ptr_array_index(sv->clients, i), "change", data);
	fprintf(stderr, "wenshu: generation %u: %s (reloaded in %.1f ms)\n", sv->s->gen,
	        ok ? "layout and data loaded" : "LOAD FAILED, the page shows the last good pages as stale",
	        (g_get_monotonic_time() - t0) / 1000.0);
	ws_cli_print_diags(sv->s->load_diags, true);
}

static gboolean ping(void *p)
{
	/* A comment line keeps proxies and the browser from timing the stream
	 * out, and finds clients that went away. */
	server *sv = p;
	for (guint i = 0; i < sv->clients->len; i++) {
		SoupServerMessage *m = g_ptr_array_index(sv->clients, i);
		soup_message_body_append(soup_server_message_get_response_body(m), SOUP_MEMORY_STATIC, ": ping\n\n", 8);
		soup_server_message_unpause(m);
	}
	return G_SOURCE_CONTINUE;
}

static gboolean on_quit(void *p)
{
	g_main_loop_quit(((server *)p)->loop);
	return G_SOURCE_CONTINUE;
}

int ws_cli_preview_serve(ws_pv_session *s, unsigned port, double dpi)
{
	server sv = {.s = s, .dpi = dpi};
	sv.clients = g_ptr_array_new();
	sv.soup = soup_server_new("server-header", "wenshu-preview ", NULL);
	GError *err = NULL;
	/* IPv4 loopback only: 127.0.0.1, never every interface. */
	if (!soup_server_listen_local(sv.soup, port, SOUP_SERVER_LISTEN_IPV4_ONLY, &err)) {
		fprintf(stderr, "wenshu: cannot listen on 127.0.0.1:%u: %s\n", port, ws_cli_safe(err->message));
		g_error_free(err);
		g_object_unref(sv.soup);
		g_ptr_array_free(sv.clients, TRUE);
		return 3;
	}
	soup_server_add_handler(sv.soup, NULL, handle, &sv, NULL);
	sv.monitor = ws_monitor_new(WS_PV_SETTLE_MS, on_change, &sv);
	int status = 3;
	if (ws_pv_session_watch(s, sv.monitor)) {
		GSList *uris = soup_server_get_uris(sv.soup);
		char *url = uris ? g_uri_to_string(uris->data) : g_strdup("?");
		g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
		/* On stdout, alone on its line: scripts and the tests read it. */
		printf("%s\n", url);
		fflush(stdout);
		fprintf(stderr, "wenshu: preview of %s with %s at %s (Ctrl-C to stop)\n",
		        ws_cli_safe(s->layout_path ? s->layout_path : s->layout_arg), ws_cli_safe(s->data_path), url);
		ws_cli_print_diags(s->load_diags, true);
		g_free(url);
		sv.loop = g_main_loop_new(NULL, FALSE);
		guint sig1 = g_unix_signal_add(SIGINT, on_quit, &sv);
		guint sig2 = g_unix_signal_add(SIGTERM, on_quit, &sv);
		guint tick = g_timeout_add_seconds(15, ping, &sv);
		g_main_loop_run(sv.loop);
		g_source_remove(tick);
		g_source_remove(sig1);
		g_source_remove(sig2);
		g_main_loop_unref(sv.loop);
		status = 0;
	}
	ws_monitor_free(sv.monitor);
	for (guint i = 0; i < sv.clients->len; i++) {
		SoupServerMessage *m = g_ptr_array_index(sv.clients, i);
		g_signal_handlers_disconnect_by_data(m, &sv);
		g_object_unref(m);
	}
	g_ptr_array_free(sv.clients, TRUE);
	soup_server_disconnect(sv.soup);
	g_object_unref(sv.soup);
	return status;
}
