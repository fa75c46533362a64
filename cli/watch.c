/* wenshu preview without a browser: PNG files in a folder, written again
 * on every save (--watch).  The folder always holds exactly the pages of
 * the last render: page files a document no longer has are removed (a
 * document that shrinks from 2 pages to 1 loses "-2.png"), and a failed
 * render is marked by STALE.txt beside the last good pages, removed once
 * a render succeeds again. */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#include "monitor.h"
#include "names.h"
#include "preview.h"
#include "report.h"

typedef struct files_run {
	ws_pv_session *s;
	char *out_dir;
	double dpi;
	GHashTable *written;   /* group id → char** of the files it has now (owned) */
	GMainLoop *loop;
	int status;
} files_run;

static cairo_status_t png_write(void *f, const unsigned char *data, unsigned int len)
{
	return ws_atomic_write(f, data, len) == WS_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int write_png(cairo_surface_t *img, const char *path, ws_diags *d)
{
	ws_atomic_file *f = NULL;
	int rc = ws_atomic_open(&f, path, d);
	if (rc != WS_OK)
		return rc;
	if (cairo_surface_write_to_png_stream(img, png_write, f) != CAIRO_STATUS_SUCCESS) {
		ws_atomic_abort(f);
		ws_diag_add(d, WS_SEVERITY_ERROR, (ws_loc){g_intern_string(path), 0, 0}, NULL, NULL,
		            "cannot write the page image");
		return WS_EIO;
	}
	return ws_atomic_commit(f, d);
}

/* The page files of one group: NAME.png for one page, NAME-k.png for
 * several (output.h's rule). */
static char **page_names(const char *base, size_t pages)
{
	char **names = g_new0(char *, pages + 1);
	for (size_t p = 0; p < pages; p++)
		names[p] = pages == 1 ? g_strdup_printf("%s.png", base) : g_strdup_printf("%s-%zu.png", base, p + 1);
	return names;
}

static void remove_gone(char **before, char **now)
{
	for (char **b = before; b && *b; b++)
		if (!now || !g_strv_contains((const char *const *)now, *b)) {
			if (g_unlink(*b) != 0 && errno != ENOENT)
				fprintf(stderr, "wenshu: cannot remove %s: %s\n", ws_cli_safe(*b), g_strerror(errno));
			else
				printf("removed %s\n", ws_cli_safe(*b));
		}
}

static void mark_stale(files_run *r, const char *why)
{
	char *path = g_build_filename(r->out_dir, "STALE.txt", NULL);
	if (why) {
		char *text = g_strdup_printf("The last render failed: the pages of a group that failed are the last good "
		                             "ones (STALE), or a DRAFT where only the page check refused them.\n%s",
		                             why);
		g_file_set_contents(path, text, -1, NULL);
		g_free(text);
	} else {
		g_unlink(path);
	}
	g_free(path);
}

/* On a draft's page: the places its errors point at, outlined in red,
 * and a stamp saying it is not for print (a draft PNG that reached the
 * printer would say so itself). */
static void mark_draft(const ws_pv_group *g, size_t page, cairo_surface_t *img, double dpi)
{
	cairo_t *cr = cairo_create(img);
	cairo_scale(cr, dpi / 72.0, dpi / 72.0);
	cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
	cairo_set_line_width(cr, 1.5);
	for (size_t i = 0; i < ws_diags_count(g->findings); i++) {
		const ws_diag *d = ws_diags_at(g->findings, i);
		size_t fp;
		ws_rect b;
		if (d->severity == WS_SEVERITY_ERROR && ws_overlay_find(g->doc, d->loc, &fp, &b) && fp == page) {
			cairo_rectangle(cr, b.x - 1.5, b.y - 1.5, b.width + 3, b.height + 3);
			cairo_stroke(cr);
		}
	}
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, 14);
	cairo_move_to(cr, 20, 20);
	cairo_show_text(cr, "DRAFT - not printable: see the errors outlined in red");
	cairo_destroy(cr);
}

static void render_all(files_run *r)
{
	ws_pv_session *s = r->s;
	GString *failures = g_string_new(NULL);
	ws_cli_print_diags(s->load_diags, true);
	if (s->load_failed) {
		for (size_t i = 0; i < ws_diags_count(s->load_diags); i++) {
			char *line = ws_diag_format(ws_diags_at(s->load_diags, i));
			g_string_append_printf(failures, "%s\n", line);
			g_free(line);
		}
	}
	size_t ok = 0, failed = 0, pages = 0;
	for (size_t i = 0; !s->load_failed && i < s->groups->len; i++) {
		ws_pv_group *g = g_ptr_array_index(s->groups, i);
		if (s->only_group && strcmp(g->id, s->only_group) != 0)
			continue;
		bool fresh = ws_pv_group_render(s, i);
		ws_cli_print_diags(g->findings, true);
		if (!fresh) {
			failed++;
			g_string_append_printf(failures, "group %s: the render failed\n", g->id);
			continue;
		}
		ws_diags *nd = ws_diags_new();
		char *tmpl = g_build_filename(r->out_dir, "{group.group_id}-{kind}", NULL);
		char *base = ws_cli_expand_name(tmpl, ws_dataset_group(s->data, i), ws_layout_name(s->layout), "png", i, nd);
		g_free(tmpl);
		size_t n = ws_document_page_count(g->doc);
		char **names = base ? page_names(base, n) : NULL;
		g_free(base);
		bool wrote = names != NULL;
		for (size_t p = 0; wrote && p < n; p++) {
			/* A draft is drawn with the boxes, so what the errors
			 * name can be found on the page. */
			cairo_surface_t *img = ws_pv_page_image(s, i, p, r->dpi, g->draft);
			if (g->draft && img && cairo_surface_status(img) == CAIRO_STATUS_SUCCESS)
				mark_draft(g, p, img, r->dpi);
			wrote = img && cairo_surface_status(img) == CAIRO_STATUS_SUCCESS &&
			        write_png(img, names[p], nd) == WS_OK;
			if (img)
				cairo_surface_destroy(img);
		}
		ws_cli_print_diags(nd, false);
		ws_diags_free(nd);
		if (!wrote) {
			g_strfreev(names);
			failed++;
			g_string_append_printf(failures, "group %s: the pages could not be written\n", g->id);
			continue;
		}
		remove_gone(g_hash_table_lookup(r->written, g->id), names);
		for (char **nm = names; *nm; nm++)
			printf("wrote %s\n", ws_cli_safe(*nm));
		pages += n;
		g_hash_table_insert(r->written, g_strdup(g->id), names);
		if (g->draft) {
			failed++;
			g_string_append_printf(failures,
			                       "group %s: not printable, the page check found errors; its pages are a DRAFT, "
			                       "drawn with the element boxes, showing where\n",
			                       g->id);
			continue;
		}
		ok++;
	}
	if (failures->len) {
		/* The reasons were printed as they came; STALE.txt keeps them. */
		fprintf(stderr, "wenshu: RENDER FAILED — %s; the pages in %s are stale or drafts (see STALE.txt)\n",
		        s->load_failed ? "the layout or data has errors" : "a group failed", ws_cli_safe(r->out_dir));
		mark_stale(r, failures->str);
		r->status = s->load_failed ? ws_cli_exit_status(WS_EINPUT) : 1;
	} else {
		mark_stale(r, NULL);
		r->status = 0;
	}
	printf("preview: %zu group(s) rendered, %zu page(s), %zu failed (generation %u)\n", ok, pages, failed, s->gen);
	fflush(stdout);
	g_string_free(failures, TRUE);
}

static void on_change(unsigned what, void *p)
{
	files_run *r = p;
	ws_pv_session_reload(r->s, what);
	render_all(r);
}

static gboolean on_quit(void *p)
{
	g_main_loop_quit(((files_run *)p)->loop);
	return G_SOURCE_CONTINUE;
}

int ws_cli_preview_files(ws_pv_session *s, const char *out_dir, double dpi, bool watch)
{
	files_run r = {.s = s, .out_dir = g_strdup(out_dir), .dpi = dpi};
	r.written = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_strfreev);
	if (ws_cli_make_folder(out_dir) != 0) {
		g_hash_table_destroy(r.written);
		g_free(r.out_dir);
		return 3;
	}
	render_all(&r);
	if (watch) {
		ws_monitor *m = ws_monitor_new(WS_PV_SETTLE_MS, on_change, &r);
		if (ws_pv_session_watch(s, m)) {
			fprintf(stderr, "wenshu: watching %s and %s (Ctrl-C to stop)\n",
			        ws_cli_safe(s->layout_path ? s->layout_path : s->layout_arg), ws_cli_safe(s->data_path));
			r.loop = g_main_loop_new(NULL, FALSE);
			guint sig1 = g_unix_signal_add(SIGINT, on_quit, &r);
			guint sig2 = g_unix_signal_add(SIGTERM, on_quit, &r);
			g_main_loop_run(r.loop);
			g_source_remove(sig1);
			g_source_remove(sig2);
			g_main_loop_unref(r.loop);
			r.status = 0;
		} else {
			r.status = 3;
		}
		ws_monitor_free(m);
	}
	g_hash_table_destroy(r.written);
	g_free(r.out_dir);
	return r.status;
}
