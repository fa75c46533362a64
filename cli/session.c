/* A preview session (session.h). */
#include "session.h"

#include <stdio.h>
#include <string.h>

#include "monitor.h"
#include "report.h"

static void group_free(void *p)
{
	ws_pv_group *g = p;
	g_free(g->id);
	ws_document_free(g->doc);
	ws_diags_free(g->findings);
	g_free(g);
}

static char *group_label(const ws_value *group, size_t i)
{
	const char *id = ws_value_text(ws_value_map_get(group, "group_id"));
	return id && *id ? g_strdup(id) : g_strdup_printf("#%zu", i + 1);
}

/* Keeps the rendered pages of groups that are still there (same id at the
 * same place), so a data edit shows the old pages marked stale until the
 * new ones arrive instead of an empty page. */
static void set_groups(ws_pv_session *s, ws_dataset *data)
{
	GPtrArray *old = s->groups;
	s->groups = g_ptr_array_new_with_free_func(group_free);
	for (size_t i = 0; i < ws_dataset_count(data); i++) {
		char *id = group_label(ws_dataset_group(data, i), i);
		ws_pv_group *g = NULL;
		if (old && i < old->len && strcmp(((ws_pv_group *)g_ptr_array_index(old, i))->id, id) == 0) {
			g = g_ptr_array_index(old, i);
			g_ptr_array_index(old, i) = NULL;
			g_free(id);
		} else {
			g = g_new0(ws_pv_group, 1);
			g->id = id;
			g->findings = ws_diags_new();
		}
		g_ptr_array_add(s->groups, g);
	}
	if (old) {
		for (guint i = 0; i < old->len; i++)
			if (g_ptr_array_index(old, i))
				group_free(g_ptr_array_index(old, i));
		g_ptr_array_set_free_func(old, NULL);
		g_ptr_array_free(old, TRUE);
	}
}

static bool open_engine(ws_pv_session *s)
{
	ws_engine *e = NULL;
	if (ws_cli_engine_open(&e, true) != WS_OK)
		return false;
	/* Documents hold Pango layouts of the old engine's font map: they go
	 * first. */
	for (guint i = 0; s->groups && i < s->groups->len; i++) {
		ws_pv_group *g = g_ptr_array_index(s->groups, i);
		ws_document_free(g->doc);
		g->doc = NULL;
		g->gen = g->good_gen = 0;
	}
	ws_layout_free(s->layout);
	s->layout = NULL;
	ws_engine_free(s->engine);
	s->engine = e;
	return true;
}

bool ws_pv_session_reload(ws_pv_session *s, unsigned what)
{
	s->gen++;
	if (what & WS_PV_PLUGIN) {
		ws_diags_clear(s->layout_diags);
		if (!open_engine(s)) {
			ws_diag_add(s->layout_diags, WS_SEVERITY_ERROR, WS_LOC_NONE, NULL, NULL,
			            "the plugins could not be loaded again (see the terminal)");
			s->layout_failed = true;
			goto done;
		}
		what |= WS_PV_LAYOUT; /* the layout names the new engine's element types */
	}
	/* Only what changed is read again (a 300-group data file is not
	 * parsed for a layout edit), and whatever failed last time. */
	if ((what & WS_PV_LAYOUT) || s->layout_failed || !s->layout) {
		ws_diags_clear(s->layout_diags);
		char *path = NULL;
		ws_layout *layout = NULL;
		int rc = ws_engine_find_layout(s->engine, s->layout_arg, &path, s->layout_diags);
		if (rc == WS_OK)
			rc = ws_layout_load_file(&layout, path, ws_engine_registry(s->engine), s->layout_diags);
		if (path) {
			g_free(s->layout_path);
			s->layout_path = path;
		}
		s->layout_failed = rc != WS_OK;
		s->layout_rc = rc;
		if (rc == WS_OK) {
			ws_layout_free(s->layout);
			s->layout = layout;
			/* The fonts it names, as render and check say them: a family
			 * that is not installed is told once, at its style (no
			 * paragraph repeats it).  Which face serves each role is
			 * check's business (notes), not the preview's. */
			ws_diags *fd = ws_diags_new();
			ws_engine_report_layout_fonts(s->engine, layout, fd);
			for (size_t i = 0; i < ws_diags_count(fd); i++) {
				const ws_diag *d = ws_diags_at(fd, i);
				if (d->severity != WS_SEVERITY_NOTE)
					ws_diag_add(s->layout_diags, d->severity, d->loc, d->rule, d->path, "%s", d->message);
			}
			ws_diags_free(fd);
		}
	}
	if ((what & WS_PV_DATA) || s->data_failed || !s->data) {
		ws_diags_clear(s->data_diags);
		ws_dataset *data = NULL;
		int rc = ws_data_load_file(&data, s->data_path, s->data_diags);
		s->data_failed = rc != WS_OK;
		s->data_rc = rc;
		if (rc == WS_OK) {
			ws_dataset_free(s->data);
			s->data = data;
			ws_engine_expect_data(s->engine, data);
			set_groups(s, data);
		} else {
			ws_dataset_free(data);
		}
	}
done:
	ws_diags_clear(s->load_diags);
	for (size_t i = 0; i < ws_diags_count(s->layout_diags); i++) {
		const ws_diag *d = ws_diags_at(s->layout_diags, i);
		ws_diag_add(s->load_diags, d->severity, d->loc, d->rule, d->path, "%s", d->message);
	}
	for (size_t i = 0; i < ws_diags_count(s->data_diags); i++) {
		const ws_diag *d = ws_diags_at(s->data_diags, i);
		ws_diag_add(s->load_diags, d->severity, d->loc, d->rule, d->path, "%s", d->message);
	}
	s->load_failed = s->layout_failed || s->data_failed;
	return !s->load_failed;
}

ws_pv_session *ws_pv_session_new(const char *layout_arg, const char *data_path)
{
	ws_pv_session *s = g_new0(ws_pv_session, 1);
	s->layout_arg = g_strdup(layout_arg);
	s->data_path = g_strdup(data_path);
	s->load_diags = ws_diags_new();
	s->layout_diags = ws_diags_new();
	s->data_diags = ws_diags_new();
	s->groups = g_ptr_array_new_with_free_func(group_free);
	if (!open_engine(s)) {
		ws_pv_session_free(s);
		return NULL;
	}
	ws_pv_session_reload(s, WS_PV_LAYOUT | WS_PV_DATA);
	return s;
}

void ws_pv_session_free(ws_pv_session *s)
{
	if (!s)
		return;
	g_ptr_array_free(s->groups, TRUE); /* documents before their engine */
	ws_layout_free(s->layout);
	ws_dataset_free(s->data);
	ws_engine_free(s->engine);
	ws_diags_free(s->load_diags);
	ws_diags_free(s->layout_diags);
	ws_diags_free(s->data_diags);
	g_free(s->layout_arg);
	g_free(s->data_path);
	g_free(s->layout_path);
	g_free(s->only_group);
	g_free(s);
}

bool ws_pv_group_render(ws_pv_session *s, size_t i)
{
	if (i >= s->groups->len || !s->layout || !s->data)
		return false;
	ws_pv_group *g = g_ptr_array_index(s->groups, i);
	if (g->gen == s->gen)
		return g->good_gen == s->gen;
	g->gen = s->gen;
	ws_diags_clear(g->findings);
	ws_document *doc = NULL, *draft = NULL;
	gint64 t0 = g_get_monotonic_time();
	int rc = ws_engine_render_draft(s->engine, s->layout, ws_dataset_group(s->data, i), &doc, &draft, g->findings);
	g->render_ms = (g_get_monotonic_time() - t0) / 1000.0;
	bool is_draft = rc != WS_OK && draft && ws_document_page_count(draft) > 0;
	if (is_draft) {
		ws_document_free(doc);
		doc = draft;
	} else {
		ws_document_free(draft);
	}
	if (!is_draft && (rc != WS_OK || !doc || ws_document_page_count(doc) == 0)) {
		ws_document_free(doc);
		g->failed = true;
		return false;
	}
	ws_document_free(g->doc);
	g->doc = doc;
	g->good_gen = s->gen;
	g->failed = is_draft;
	g->draft = is_draft;
	return true;
}

bool ws_pv_session_watch(const ws_pv_session *s, ws_monitor *m)
{
	bool ok = ws_monitor_add(m, s->data_path, WS_PV_DATA);
	if (s->layout_path)
		ok = ws_monitor_add(m, s->layout_path, WS_PV_LAYOUT) && ok;
	/* A rebuilt plugin reloads the engine. */
	const ws_registry *r = ws_engine_registry(s->engine);
	for (size_t i = 0; i < ws_registry_plugin_count(r); i++)
		ok = ws_monitor_add(m, ws_registry_plugin_path(r, i), WS_PV_PLUGIN) && ok;
	return ok;
}

cairo_surface_t *ws_pv_page_image(const ws_pv_session *s, size_t i, size_t page, double dpi, bool debug)
{
	if (i >= s->groups->len)
		return NULL;
	const ws_pv_group *g = g_ptr_array_index(s->groups, i);
	if (!g->doc || page >= ws_document_page_count(g->doc))
		return NULL;
	cairo_surface_t *img = ws_output_page_image(g->doc, page, dpi);
	if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS && (debug || s->debug) && s->layout) {
		cairo_t *cr = cairo_create(img);
		cairo_scale(cr, dpi / 72.0, dpi / 72.0);
		cairo_status_t st = ws_overlay_draw(g->doc, page, s->layout, cr);
		cairo_destroy(cr);
		if (st != CAIRO_STATUS_SUCCESS) {
			/* A half-drawn overlay would pass for a finding-free page. */
			cairo_surface_destroy(img);
			img = cairo_image_surface_create(CAIRO_FORMAT_INVALID, 0, 0);
		}
	}
	return img;
}
