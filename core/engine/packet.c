/* The mailing packet of a group (packet.h), as the office's packets.yaml
 * says it. */
#include "packet.h"

#include <glib.h>
#include <string.h>

#include "bind.h"
#include "expr.h"
#include "host.h"
#include "suggest.h"
#include "wsyaml.h"

#define PACKETS_FORMAT_VERSION 1

typedef struct pending_rule {
	ws_template *when;   /* true: the document cannot exist yet */
	char *reason;        /* said on the cover */
} pending_rule;

typedef struct packet_doc {
	char *kind;          /* a kind or a form's name */
	char *title;         /* or NULL: the layout's title */
	GPtrArray *pending;  /* of pending_rule*, first true one wins */
} packet_doc;

typedef struct check_item {
	char *item;          /* the checklist wording */
	ws_template *note;   /* or NULL */
	char *document;      /* the printed document it is, or NULL (enclosed by the group) */
} check_item;

typedef struct route {
	char *name;          /* group.route */
	char *cover;         /* the leg's own cover, or NULL: the file's */
	GPtrArray *checklist; /* of check_item* */
	GPtrArray *documents; /* of packet_doc* */
	struct route *ret;   /* the return leg (what 护签部 mails back), or NULL */
} route;

struct ws_packets {
	char *path;
	char *cover;         /* the cover's kind or form */
	GPtrArray *routes;   /* of route* */
};

static void pending_free(gpointer p)
{
	pending_rule *r = p;
	ws_template_free(r->when);
	g_free(r->reason);
	g_free(r);
}

static void doc_free(gpointer p)
{
	packet_doc *d = p;
	g_free(d->kind);
	g_free(d->title);
	g_ptr_array_free(d->pending, TRUE);
	g_free(d);
}

static void item_free(gpointer p)
{
	check_item *c = p;
	g_free(c->item);
	ws_template_free(c->note);
	g_free(c->document);
	g_free(c);
}

static void route_free(gpointer p)
{
	route *r = p;
	if (!r)
		return;
	g_free(r->name);
	g_free(r->cover);
	g_ptr_array_free(r->checklist, TRUE);
	g_ptr_array_free(r->documents, TRUE);
	route_free(r->ret);
	g_free(r);
}

void ws_packets_free(ws_packets *p)
{
	if (!p)
		return;
	g_free(p->path);
	g_free(p->cover);
	g_ptr_array_free(p->routes, TRUE);
	g_free(p);
}

const char *ws_packets_path(const ws_packets *p)
{
	return p->path;
}

/* ---------------------------------------------------------------- loading */

typedef struct loader {
	ws_engine *engine;
	ws_diags *diags;
} loader;

static void keys_only(loader *ld, const ws_value *map, const char *const *allowed, const char *what)
{
	size_t n = g_strv_length((char **)allowed);
	for (size_t i = 0; i < ws_value_length(map); i++) {
		const char *key = ws_value_map_key_at(map, i);
		if (g_strv_contains(allowed, key))
			continue;
		const char *hint = ws_suggest(key, allowed, n);
		if (hint)
			ws_error_at(ld->diags, ws_value_map_key_loc(map, i), "unknown key '%s' in %s (did you mean '%s'?)",
			            key, what, hint);
		else
			ws_error_at(ld->diags, ws_value_map_key_loc(map, i), "unknown key '%s' in %s", key, what);
	}
}

static const char *text_of(loader *ld, const ws_value *v, const char *what)
{
	ws_value_type t = ws_value_get_type(v);
	if (t == WS_VALUE_LIST || t == WS_VALUE_MAP || t == WS_VALUE_NULL || !*ws_value_text(v)) {
		ws_error_at(ld->diags, ws_value_loc(v), "%s must be a text", what);
		return NULL;
	}
	return ws_value_text(v);
}

static bool is_map(loader *ld, const ws_value *v, const char *what)
{
	if (ws_value_get_type(v) == WS_VALUE_MAP)
		return true;
	ws_error_at(ld->diags, ws_value_loc(v), "%s must be a map", what);
	return false;
}

static bool is_list(loader *ld, const ws_value *v, const char *what)
{
	if (ws_value_get_type(v) == WS_VALUE_LIST)
		return true;
	ws_error_at(ld->diags, ws_value_loc(v), "%s must be a list", what);
	return false;
}

/* A document the engine can find by name: a kind or an office form. */
static char *known_document(loader *ld, const ws_value *v, const char *what)
{
	const char *name = text_of(ld, v, what);
	if (!name)
		return NULL;
	char *path = NULL;
	ws_diags *quiet = ws_diags_new();
	int rc = ws_engine_find_layout(ld->engine, name, &path, quiet);
	ws_diags_free(quiet);
	g_free(path);
	if (rc == WS_OK)
		return g_strdup(name);
	char *hint = ws_engine_suggest_layout(ld->engine, name);
	if (hint)
		ws_error_at(ld->diags, ws_value_loc(v), "'%s' is no kind or form the layout folders hold (did you mean '%s'?)",
		            name, hint);
	else
		ws_error_at(ld->diags, ws_value_loc(v), "'%s' is no kind or form the layout folders hold (see 'wenshu list')",
		            name);
	g_free(hint);
	return NULL;
}

static ws_template *condition(loader *ld, const ws_value *v)
{
	const char *src = text_of(ld, v, "when");
	ws_template *t = NULL;
	if (src)
		ws_template_compile_value(&t, v, true, ld->diags);
	return t;
}

static void load_documents(loader *ld, const ws_value *list, GPtrArray *out)
{
	static const char *const doc_keys[] = {"document", "title", "pending", NULL};
	static const char *const pending_keys[] = {"when", "reason", NULL};
	if (!is_list(ld, list, "documents"))
		return;
	for (size_t i = 0; i < ws_value_length(list); i++) {
		const ws_value *e = ws_value_list_at(list, i);
		const ws_value *name = e;
		if (ws_value_get_type(e) == WS_VALUE_MAP) {
			keys_only(ld, e, doc_keys, "a packet document");
			name = ws_value_map_get(e, "document");
			if (!name) {
				ws_error_at(ld->diags, ws_value_loc(e), "a packet document needs 'document: KIND-OR-FORM'");
				continue;
			}
		}
		char *kind = known_document(ld, name, "document");
		if (!kind)
			continue;
		packet_doc *d = g_new0(packet_doc, 1);
		d->kind = kind;
		d->pending = g_ptr_array_new_with_free_func(pending_free);
		g_ptr_array_add(out, d);
		if (e == name)
			continue;
		const ws_value *v;
		if ((v = ws_value_map_get(e, "title")) && text_of(ld, v, "title"))
			d->title = g_strdup(ws_value_text(v));
		if (!(v = ws_value_map_get(e, "pending")) || !is_list(ld, v, "pending"))
			continue;
		for (size_t k = 0; k < ws_value_length(v); k++) {
			const ws_value *p = ws_value_list_at(v, k);
			if (!is_map(ld, p, "a pending rule"))
				continue;
			keys_only(ld, p, pending_keys, "a pending rule");
			const ws_value *w = ws_value_map_get(p, "when"), *r = ws_value_map_get(p, "reason");
			if (!w || !r) {
				ws_error_at(ld->diags, ws_value_loc(p), "a pending rule needs 'when:' and 'reason:'");
				continue;
			}
			pending_rule *pr = g_new0(pending_rule, 1);
			pr->when = condition(ld, w);
			pr->reason = g_strdup(text_of(ld, r, "reason"));
			g_ptr_array_add(d->pending, pr);
		}
	}
}

static void load_checklist(loader *ld, const ws_value *list, GPtrArray *out)
{
	static const char *const item_keys[] = {"item", "note", "document", NULL};
	if (!is_list(ld, list, "checklist"))
		return;
	for (size_t i = 0; i < ws_value_length(list); i++) {
		const ws_value *e = ws_value_list_at(list, i);
		if (!is_map(ld, e, "a checklist item"))
			continue;
		keys_only(ld, e, item_keys, "a checklist item");
		const ws_value *v = ws_value_map_get(e, "item");
		if (!v) {
			ws_error_at(ld->diags, ws_value_loc(e), "a checklist item needs 'item:' (its wording)");
			continue;
		}
		check_item *c = g_new0(check_item, 1);
		c->item = g_strdup(text_of(ld, v, "item"));
		if ((v = ws_value_map_get(e, "note")) && text_of(ld, v, "note"))
			ws_template_compile_value(&c->note, v, false, ld->diags);
		if ((v = ws_value_map_get(e, "document")))
			c->document = known_document(ld, v, "document");
		g_ptr_array_add(out, c);
	}
}

/* One route (ret false) or its return leg (ret true): the return leg may
 * name its own cover and has no further leg. */
static route *load_route(loader *ld, const char *name, const ws_value *rv, bool ret)
{
	static const char *const route_keys[] = {"checklist", "documents", "return", NULL};
	static const char *const return_keys[] = {"cover", "checklist", "documents", NULL};
	if (!is_map(ld, rv, ret ? "a return leg (cover:, checklist:, documents:)" : "a route (checklist:, documents:)"))
		return NULL;
	keys_only(ld, rv, ret ? return_keys : route_keys, ret ? "a return leg" : "a route");
	route *r = g_new0(route, 1);
	r->name = g_strdup(name);
	r->checklist = g_ptr_array_new_with_free_func(item_free);
	r->documents = g_ptr_array_new_with_free_func(doc_free);
	const ws_value *x;
	if (ret && (x = ws_value_map_get(rv, "cover")))
		r->cover = known_document(ld, x, "cover");
	if ((x = ws_value_map_get(rv, "checklist")))
		load_checklist(ld, x, r->checklist);
	if ((x = ws_value_map_get(rv, "documents")))
		load_documents(ld, x, r->documents);
	else
		ws_error_at(ld->diags, ws_value_loc(rv), ret ? "the return leg of '%s' has no 'documents:'"
		                                             : "the route '%s' has no 'documents:'", name);
	if (!ret && (x = ws_value_map_get(rv, "return")))
		r->ret = load_route(ld, name, x, true);
	return r;
}

static char *find_packets_file(ws_engine *e)
{
	for (size_t i = 0; i < ws_engine_layout_dir_count(e); i++) {
		char *p = g_build_filename(ws_engine_layout_dir_at(e, i, NULL), WS_PACKETS_FILE, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
			return p;
		g_free(p);
	}
	return NULL;
}

int ws_packets_load(ws_engine *engine, const char *path, ws_packets **out, ws_diags *diags)
{
	*out = NULL;
	char *found = path ? g_strdup(path) : find_packets_file(engine);
	if (!found) {
		char *dirs = ws_engine_describe_layout_dirs(engine);
		ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, NULL, NULL,
		            "no %s (what each route's packet holds) in the layout folders; searched: %s", WS_PACKETS_FILE,
		            dirs);
		g_free(dirs);
		return WS_EINPUT;
	}
	ws_value *root = NULL;
	int rc = ws_yaml_load_file(&root, found, diags);
	if (rc != WS_OK) {
		g_free(found);
		return rc;
	}
	ws_diags *mine = ws_diags_new();
	loader ld = {engine, mine};
	ws_packets *p = g_new0(ws_packets, 1);
	p->path = found;
	p->routes = g_ptr_array_new_with_free_func(route_free);
	static const char *const top_keys[] = {"wenshu", "cover", "routes", NULL};
	if (!is_map(&ld, root, "a packets file (wenshu: 1, cover:, routes:)"))
		goto done;
	keys_only(&ld, root, top_keys, "the packets file");
	const ws_value *v = ws_value_map_get(root, "wenshu");
	if (!v || ws_value_get_type(v) != WS_VALUE_NUMBER || ws_value_number(v) != PACKETS_FORMAT_VERSION) {
		ws_error_at(mine, ws_value_loc(v ? v : root), "the packets file must start with 'wenshu: 1' (the format version)");
		goto done;
	}
	v = ws_value_map_get(root, "cover");
	p->cover = v ? known_document(&ld, v, "cover") : g_strdup("packet-cover");
	v = ws_value_map_get(root, "routes");
	if (!v) {
		ws_error_at(mine, ws_value_loc(root), "the packets file has no 'routes:' (e.g. routes: {self: {documents: [...]}})");
		goto done;
	}
	if (!is_map(&ld, v, "routes"))
		goto done;
	for (size_t i = 0; i < ws_value_length(v); i++) {
		route *r = load_route(&ld, ws_value_map_key_at(v, i), ws_value_map_value_at(v, i), false);
		if (r)
			g_ptr_array_add(p->routes, r);
	}
done:;
	bool failed = ws_diags_has_errors(mine);
	ws_diags_move(diags, mine);
	ws_diags_free(mine);
	ws_value_unref(root);
	if (failed) {
		ws_packets_free(p);
		return WS_EINPUT;
	}
	*out = p;
	return WS_OK;
}

/* --------------------------------------------------------------- planning */

static const route *route_of(const ws_packets *p, const ws_value *group, ws_packet_leg leg)
{
	const char *name = ws_value_text(ws_value_map_get(group, "route"));
	for (guint i = 0; name && i < p->routes->len; i++) {
		const route *r = g_ptr_array_index(p->routes, i);
		if (strcmp(r->name, name) == 0)
			return leg == WS_PACKET_RETURN ? r->ret : r;
	}
	return NULL;
}

static const char *cover_of(const ws_packets *p, const route *r)
{
	return r && r->cover ? r->cover : p->cover;
}

/* The return leg exists only where the file gives one: a group of another
 * route has nothing coming back, which is said rather than printed. */
static int no_return_leg(const ws_value *group, ws_diags *d)
{
	const char *id = ws_value_text(ws_value_map_get(group, "group_id"));
	const char *name = ws_value_text(ws_value_map_get(group, "route"));
	ws_diag_add(d, WS_SEVERITY_ERROR, WS_LOC_NONE, NULL, NULL,
	            "group %s: its route '%s' has no return leg in %s (only a route with 'return:' has one; "
	            "on the seed's delegated route 护签部 mails the materials back)",
	            id && *id ? id : "(no group_id)", name && *name ? name : "(none)", WS_PACKETS_FILE);
	return WS_EINPUT;
}

static void set_text(ws_value *map, const char *key, const char *text)
{
	ws_value_map_set(map, key, text ? ws_value_new_string(text, WS_LOC_NONE) : ws_value_new_null(WS_LOC_NONE),
	                 WS_LOC_NONE);
}

int ws_packets_plan(ws_engine *engine, const ws_packets *p, const ws_value *group, ws_value **out,
                    ws_diags *diags)
{
	return ws_packets_plan_leg(engine, p, group, WS_PACKET_OUTBOUND, out, diags);
}

int ws_packets_plan_leg(ws_engine *engine, const ws_packets *p, const ws_value *group, ws_packet_leg leg,
                        ws_value **out, ws_diags *diags)
{
	*out = NULL;
	const route *r = route_of(p, group, leg);
	if (!r) {
		if (leg == WS_PACKET_RETURN)
			return no_return_leg(group, diags);
		*out = ws_value_new_null(WS_LOC_NONE);
		return WS_OK;
	}
	const ws_layout *cover = NULL;
	int rc = ws_engine_layout(engine, cover_of(p, r), &cover, diags);
	if (rc != WS_OK)
		return rc;
	/* Conditions and notes read the derived fields (group.derived) of the
	 * cover's derive; its findings are the cover's to report, later. */
	ws_value *prepared = ws_value_copy(group);
	ws_diags *quiet = ws_diags_new();
	ws_engine_prepare(engine, cover, prepared, quiet);
	ws_diags_free(quiet);
	ws_value *scope = ws_bind_scope_new(prepared, ws_layout_name(cover), ws_layout_title(cover), ws_host_today());
	ws_diags *mine = ws_diags_new();

	ws_value *plan = ws_value_new_map(WS_LOC_NONE);
	set_text(plan, "route", r->name);
	set_text(plan, "leg", leg == WS_PACKET_RETURN ? "return" : "outbound");
	ws_value *checklist = ws_value_new_list(WS_LOC_NONE);
	for (guint i = 0; i < r->checklist->len; i++) {
		const check_item *c = g_ptr_array_index(r->checklist, i);
		ws_value *m = ws_value_new_map(WS_LOC_NONE);
		char *note = NULL;
		if (c->note)
			ws_template_render(c->note, scope, &note, mine);
		set_text(m, "item", c->item);
		set_text(m, "note", note && *note ? note : NULL);
		ws_value_map_set(m, "printed", ws_value_new_bool(c->document != NULL, WS_LOC_NONE), WS_LOC_NONE);
		set_text(m, "kind", c->document);
		ws_value_list_append(checklist, m);
		g_free(note);
	}
	ws_value_map_set(plan, "checklist", checklist, WS_LOC_NONE);

	ws_value *docs = ws_value_new_list(WS_LOC_NONE);
	int ready = 0;
	for (guint i = 0; i < r->documents->len; i++) {
		const packet_doc *d = g_ptr_array_index(r->documents, i);
		const char *reason = NULL;
		for (guint k = 0; k < d->pending->len && !reason; k++) {
			const pending_rule *pr = g_ptr_array_index(d->pending, k);
			ws_value *v = NULL;
			if (pr->when && ws_template_eval(pr->when, scope, &v, mine) == WS_OK && ws_value_truthy(v))
				reason = pr->reason;
			ws_value_unref(v);
		}
		const char *title = d->title;
		const ws_layout *layout = NULL;
		if (!title && ws_engine_layout(engine, d->kind, &layout, mine) == WS_OK)
			title = ws_layout_title(layout);
		ws_value *m = ws_value_new_map(WS_LOC_NONE);
		set_text(m, "kind", d->kind);
		set_text(m, "title", title);
		set_text(m, "status", reason ? "pending" : "ready");
		set_text(m, "reason", reason);
		/* its place among the printed ones (the packet's page order) */
		ws_value_map_set(m, "order",
		                 reason ? ws_value_new_null(WS_LOC_NONE) : ws_value_new_number(++ready, WS_LOC_NONE),
		                 WS_LOC_NONE);
		ws_value_list_append(docs, m);
	}
	ws_value_map_set(plan, "ready_count", ws_value_new_number(ready, WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(plan, "pending_count", ws_value_new_number((double)r->documents->len - ready, WS_LOC_NONE),
	                 WS_LOC_NONE);
	ws_value_map_set(plan, "documents", docs, WS_LOC_NONE);
	ws_value_unref(scope);
	ws_value_unref(prepared);
	bool failed = ws_diags_has_errors(mine);
	ws_diags_move(diags, mine);
	ws_diags_free(mine);
	if (failed) {
		ws_value_unref(plan);
		return WS_EINPUT;
	}
	*out = plan;
	return WS_OK;
}

/* -------------------------------------------------------------- rendering */

void ws_documents_free(ws_document **docs, size_t n)
{
	for (size_t i = 0; docs && i < n; i++)
		ws_document_free(docs[i]);
	g_free(docs);
}

int ws_engine_render_packet(ws_engine *engine, const ws_packets *p, const ws_value *group, ws_document ***docs,
                            size_t *n_docs, ws_diags *d)
{
	return ws_engine_render_packet_leg(engine, p, group, WS_PACKET_OUTBOUND, docs, n_docs, d);
}

int ws_engine_render_packet_leg(ws_engine *engine, const ws_packets *p, const ws_value *group, ws_packet_leg leg,
                                ws_document ***docs, size_t *n_docs, ws_diags *d)
{
	*docs = NULL;
	*n_docs = 0;
	if (leg == WS_PACKET_RETURN && !route_of(p, group, leg))
		return no_return_leg(group, d);
	const ws_layout *cover = NULL;
	int rc = ws_engine_layout(engine, cover_of(p, route_of(p, group, leg)), &cover, d);
	if (rc != WS_OK)
		return rc;
	ws_value *plan = NULL;
	if ((rc = ws_packets_plan_leg(engine, p, group, leg, &plan, d)) != WS_OK)
		return rc;
	/* The cover reads the plan as group.packet. */
	ws_value *with_plan = ws_value_copy(group);
	ws_value_map_set(with_plan, "packet", ws_value_ref(plan), WS_LOC_NONE);
	GPtrArray *out = g_ptr_array_new();
	ws_document *doc = NULL;
	rc = ws_engine_render(engine, cover, with_plan, &doc, d);
	ws_value_unref(with_plan);
	if (rc == WS_OK)
		g_ptr_array_add(out, doc);
	const ws_value *list = ws_value_map_get(plan, "documents");
	for (size_t i = 0; rc == WS_OK && i < ws_value_length(list); i++) {
		const ws_value *entry = ws_value_list_at(list, i);
		if (g_strcmp0(ws_value_text(ws_value_map_get(entry, "status")), "ready") != 0)
			continue;
		const ws_layout *layout = NULL;
		if ((rc = ws_engine_layout(engine, ws_value_text(ws_value_map_get(entry, "kind")), &layout, d)) != WS_OK)
			break;
		doc = NULL;
		if ((rc = ws_engine_render(engine, layout, group, &doc, d)) == WS_OK)
			g_ptr_array_add(out, doc);
	}
	ws_value_unref(plan);
	if (rc != WS_OK) {
		ws_documents_free((ws_document **)out->pdata, out->len);
		g_ptr_array_free(out, FALSE);
		return rc;
	}
	*n_docs = out->len;
	*docs = (ws_document **)g_ptr_array_free(out, FALSE);
	return WS_OK;
}
