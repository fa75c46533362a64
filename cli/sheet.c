/* wenshu preview --sheet: every page of a batch as labelled thumbnails on
 * one sheet, for a last look before mailing.  Each thumbnail is labelled
 * "group · kind · page k/n"; a group with findings gets a red (errors) or
 * orange (warnings) frame and the counts under it, and the places the
 * findings point at are outlined on the thumbnail.  A group that failed to
 * render gets a red cross over an empty frame and its first error.
 *
 * PNG: one image, 8 thumbnails a row.  PDF: A4 landscape sheets of 6 × 3,
 * vector (thumbnails stay sharp when zoomed). */
#include <cairo-pdf.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "preview.h"
#include "report.h"

#define THUMB_W 160.0   /* pt on the sheet, the page scaled to this width */
#define THUMB_H 226.0   /* A4 proportions; other sizes are fitted inside */
#define LABEL_H 36.0
#define GAP 12.0
#define PNG_COLUMNS 8
#define PDF_COLUMNS 6
#define PDF_ROWS 3
#define MM (72.0 / 25.4)

typedef struct cell {
	size_t group, page, pages;  /* page is meaningless when failed */
	bool failed;
} cell;

static void text(cairo_t *cr, double x, double y, double size, const char *s)
{
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

static void draw_cell(cairo_t *cr, ws_pv_session *s, const cell *c, double x, double y)
{
	ws_pv_group *g = g_ptr_array_index(s->groups, c->group);
	size_t ne = ws_diags_count_severity(g->findings, WS_SEVERITY_ERROR);
	size_t nw = ws_diags_count_severity(g->findings, WS_SEVERITY_WARNING);
	cairo_save(cr);
	double scale = 1, ox = x, oy = y;
	if (!c->failed) {
		double pw, ph;
		ws_document_page_size(g->doc, c->page, &pw, &ph);
		scale = fmin(THUMB_W / pw, THUMB_H / ph);
		ox = x + (THUMB_W - pw * scale) / 2;
		oy = y + (THUMB_H - ph * scale) / 2;
		cairo_save(cr);
		cairo_translate(cr, ox, oy);
		cairo_scale(cr, scale, scale);
		cairo_rectangle(cr, 0, 0, pw, ph);
		cairo_clip(cr);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_new_path(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		ws_document_draw_page(g->doc, c->page, cr);
		/* The places the findings point at. */
		for (size_t i = 0; i < ws_diags_count(g->findings); i++) {
			const ws_diag *d = ws_diags_at(g->findings, i);
			size_t fp;
			ws_rect b;
			if (d->severity >= WS_SEVERITY_WARNING && ws_overlay_find(g->doc, d->loc, &fp, &b) && fp == c->page) {
				cairo_set_line_width(cr, 2.0 / scale);
				cairo_set_source_rgb(cr, d->severity == WS_SEVERITY_ERROR ? 0.85 : 0.95, d->severity == WS_SEVERITY_ERROR ? 0.1 : 0.55, 0.1);
				cairo_rectangle(cr, b.x, b.y, b.width, b.height);
				cairo_stroke(cr);
			}
		}
		cairo_restore(cr);
	} else {
		cairo_set_source_rgb(cr, 0.97, 0.93, 0.93);
		cairo_rectangle(cr, x, y, THUMB_W, THUMB_H);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
		cairo_set_line_width(cr, 2);
		cairo_move_to(cr, x, y);
		cairo_line_to(cr, x + THUMB_W, y + THUMB_H);
		cairo_move_to(cr, x + THUMB_W, y);
		cairo_line_to(cr, x, y + THUMB_H);
		cairo_stroke(cr);
	}
	/* Frame: red for errors or a failed render, orange for warnings. */
	if (c->failed || ne)
		cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
	else if (nw)
		cairo_set_source_rgb(cr, 0.95, 0.55, 0.1);
	else
		cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(cr, c->failed || ne || nw ? 2.5 : 0.5);
	cairo_rectangle(cr, x, y, THUMB_W, THUMB_H);
	cairo_stroke(cr);

	/* Three short lines, each within the thumbnail's width: group, then
	 * document and page, then the findings. */
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, x, y + THUMB_H + 10, 8, g->id);
	char *l2 = c->failed ? g_strdup_printf("%s · FAILED", ws_layout_name(s->layout))
	                     : g_strdup_printf("%s · page %zu/%zu%s", ws_layout_name(s->layout), c->page + 1, c->pages,
	                                       g->draft ? " · DRAFT" : "");
	text(cr, x, y + THUMB_H + 19, 7, l2);
	g_free(l2);
	if (ne || nw || c->failed) {
		const ws_diag *first = NULL;
		for (size_t i = 0; i < ws_diags_count(g->findings) && !first; i++)
			if (ws_diags_at(g->findings, i)->severity >= WS_SEVERITY_WARNING)
				first = ws_diags_at(g->findings, i);
		char *l3 = g_strdup_printf("%zu error(s), %zu warning(s)%s%s", ne, nw, first ? ": " : "",
		                           first ? first->message : "");
		if (strlen(l3) > 40) /* keep to the thumbnail's width; the terminal has the rest */
			strcpy(g_utf8_find_prev_char(l3, l3 + 38), "…");
		cairo_set_source_rgb(cr, ne || c->failed ? 0.8 : 0.75, ne || c->failed ? 0.05 : 0.4, 0.05);
		text(cr, x, y + THUMB_H + 28, 7, l3);
		g_free(l3);
	}
	cairo_restore(cr);
}

static cairo_status_t atomic_write(void *f, const unsigned char *data, unsigned int len)
{
	return ws_atomic_write(f, data, len) == WS_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int ws_cli_preview_sheet(ws_pv_session *s, const char *path)
{
	bool pdf = g_str_has_suffix(path, ".pdf") || g_str_has_suffix(path, ".PDF");
	if (!pdf && !g_str_has_suffix(path, ".png") && !g_str_has_suffix(path, ".PNG")) {
		fprintf(stderr, "wenshu: --sheet must end in .png or .pdf: %s\n", ws_cli_safe(path));
		return 2;
	}
	ws_cli_print_diags(s->load_diags, true);
	if (s->load_failed)
		return 1;
	if (ws_cli_make_folder_of(path) != 0)
		return 3;
	/* Written atomically like every output: no half sheet at `path`. */
	ws_atomic_file *file = NULL;
	ws_diags *fd = ws_diags_new();
	if (ws_atomic_open(&file, path, fd) != WS_OK) {
		ws_cli_print_diags(fd, false);
		ws_diags_free(fd);
		return 3;
	}
	GArray *cells = g_array_new(FALSE, FALSE, sizeof(cell));
	size_t failed = 0, flagged = 0, drafts = 0;
	for (size_t i = 0; i < s->groups->len; i++) {
		ws_pv_group *g = g_ptr_array_index(s->groups, i);
		if (s->only_group && strcmp(g->id, s->only_group) != 0)
			continue;
		bool ok = ws_pv_group_render(s, i);
		ws_cli_print_diags(g->findings, true);
		if (ws_diags_count_severity(g->findings, WS_SEVERITY_WARNING) || ws_diags_count_severity(g->findings, WS_SEVERITY_ERROR))
			flagged++;
		/* A draft's pages are shown (its errors outlined on them), and
		 * the sheet still says the batch is not printable. */
		if (ok && g->draft)
			drafts++;
		size_t n = ok ? ws_document_page_count(g->doc) : 0;
		if (!ok) {
			cell c = {i, 0, 0, true};
			g_array_append_val(cells, c);
			failed++;
		}
		for (size_t p = 0; p < n; p++) {
			cell c = {i, p, n, false};
			g_array_append_val(cells, c);
		}
	}
	double cw = THUMB_W + GAP, ch = THUMB_H + LABEL_H + GAP;
	cairo_surface_t *surf;
	int columns = pdf ? PDF_COLUMNS : PNG_COLUMNS;
	double scale = 1.5; /* PNG: 108 dpi thumbnails, legible labels */
	if (pdf) {
		surf = cairo_pdf_surface_create_for_stream(atomic_write, file, 297 * MM, 210 * MM);
	} else {
		size_t rows = (cells->len + columns - 1) / columns;
		double w = GAP + columns * cw, h = GAP + (rows ? rows : 1) * ch + 14;
		if (h * scale > 32767)
			scale = 32767 / h;
		surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w * scale), (int)ceil(h * scale));
	}
	cairo_t *cr = cairo_create(surf);
	if (pdf) {
		/* Fit 6 × 3 cells and the title line on the landscape sheet. */
		double fit = fmin(297 * MM / (GAP + PDF_COLUMNS * cw), 210 * MM / (18 + PDF_ROWS * ch));
		cairo_scale(cr, fit, fit);
	} else {
		cairo_scale(cr, scale, scale);
		cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
		cairo_paint(cr);
	}
	size_t per_sheet = pdf ? PDF_COLUMNS * PDF_ROWS : cells->len;
	char *title = g_strdup_printf("%s — %s — %zu page(s), %zu group(s) flagged, %zu failed", s->data_path,
	                              ws_layout_name(s->layout), cells->len - failed, flagged, failed);
	for (guint k = 0; k < cells->len; k++) {
		size_t slot = per_sheet ? k % per_sheet : k;
		if (pdf && slot == 0) {
			if (k)
				cairo_show_page(cr);
			cairo_set_source_rgb(cr, 0, 0, 0);
			text(cr, GAP, 12, 9, title);
		}
		if (!pdf && k == 0) {
			cairo_set_source_rgb(cr, 0, 0, 0);
			text(cr, GAP, 12, 9, title);
		}
		double x = GAP + (slot % columns) * cw;
		double y = 18 + (slot / columns) * ch;
		draw_cell(cr, s, &g_array_index(cells, cell, k), x, y);
	}
	g_free(title);
	cairo_destroy(cr);
	cairo_surface_flush(surf);
	cairo_status_t st = cairo_surface_status(surf);
	if (!pdf && st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(surf, atomic_write, file);
	cairo_surface_finish(surf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
	g_array_free(cells, TRUE);
	if (st != CAIRO_STATUS_SUCCESS) {
		ws_atomic_abort(file);
		ws_diags_free(fd);
		fprintf(stderr, "wenshu: cannot write %s: %s\n", ws_cli_safe(path), cairo_status_to_string(st));
		return 3;
	}
	int rc = ws_atomic_commit(file, fd);
	ws_cli_print_diags(fd, false);
	ws_diags_free(fd);
	if (rc != WS_OK)
		return 3;
	printf("wrote %s\n", ws_cli_safe(path));
	return failed || drafts ? 1 : 0;
}
