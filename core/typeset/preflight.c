/* Preflight of the typeset page (see preflight.h). */
#include "preflight.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* pt: what counts as sticking out.  Half a point is below what a reader
 * sees and above the rounding of Pango units. */
#define TOL 0.5

typedef struct pf {
	const ws_document *doc;
	ws_rect frame;
	const char *group;
	ws_diags *diags;
	int errors;
} pf;

static double mm(double pt)
{
	return pt * 25.4 / 72;
}

static char *excerpt(const char *text)
{
	if (!text)
		return g_strdup("");
	char *s = g_utf8_make_valid(text, -1);
	g_strstrip(s);
	if (g_utf8_strlen(s, -1) > 24) {
		char *cut = g_utf8_offset_to_pointer(s, 24);
		*cut = '\0';
		char *t = g_strconcat(s, "…", NULL);
		g_free(s);
		return t;
	}
	return s;
}

static void report(pf *p, ws_severity sev, const ws_record *r, const char *fmt, ...) WS_PRINTF(4, 5);

static void report(pf *p, ws_severity sev, const ws_record *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* The field is the template the text came from, on one line. */
	char *field = NULL;
	if (r->source && strstr(r->source, "{{")) {
		field = g_strdup(r->source);
		g_strdelimit(field, "\r\n\t", ' ');
		if (g_utf8_strlen(field, -1) > 60) {
			*g_utf8_offset_to_pointer(field, 60) = '\0';
			char *t = g_strconcat(field, "…", NULL);
			g_free(field);
			field = t;
		}
	}
	ws_diag_add(p->diags, sev, r->loc, "preflight", NULL, "%s%s%s (group %s, page %zu)", what,
	            field ? "; field " : "", field ? field : "", p->group ? p->group : "?", r->page + 1);
	g_free(field);
	g_free(what);
	if (sev == WS_SEVERITY_ERROR)
		p->errors++;
}

/* The part of a line's logical box the glyphs cover, roughly: line
 * spacing above and below is not ink, so neighbours may share it. */
static ws_rect ink(const ws_rect *b)
{
	double dy = b->height * 0.18;
	return (ws_rect){b->x + TOL, b->y + dy, MAX(0, b->width - 2 * TOL), MAX(0, b->height - 2 * dy)};
}

static bool intersects(ws_rect a, ws_rect b)
{
	return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height &&
	       a.width > 0 && a.height > 0 && b.width > 0 && b.height > 0;
}

static bool same_loc(ws_loc a, ws_loc b)
{
	return a.line == b.line && a.column == b.column && g_strcmp0(a.file, b.file) == 0;
}

/* Text outside the box it was set in; returns true when it is. */
static bool check_limit(pf *p, const ws_record *r)
{
	const ws_rect *b = &r->box, *l = &r->limit;
	double over = 0;
	over = MAX(over, l->x - b->x);
	over = MAX(over, b->x + b->width - (l->x + l->width));
	if (!r->shrunk_out) {
		over = MAX(over, l->y - b->y);
		over = MAX(over, b->y + b->height - (l->y + l->height));
	}
	if (over <= TOL)
		return false;
	char *ex = excerpt(r->text);
	report(p, WS_SEVERITY_ERROR, r, "text outside its box by %.1f mm: \"%s\"", mm(over), ex);
	g_free(ex);
	return true;
}

static void check_printable(pf *p, const ws_record *r)
{
	double w = 0, h = 0;
	ws_document_page_size(p->doc, r->page, &w, &h);
	double in = WS_PREFLIGHT_PRINTABLE_INSET_MM * 72 / 25.4;
	const ws_rect *b = &r->box;
	if (b->x < in - TOL || b->y < in - TOL || b->x + b->width > w - in + TOL || b->y + b->height > h - in + TOL) {
		char *ex = excerpt(r->text);
		report(p, WS_SEVERITY_ERROR, r, "%s outside the printable area (%.0f mm from the edge of the sheet)%s%s%s",
		       r->kind == WS_RECORD_TEXT ? "text" : "an element", WS_PREFLIGHT_PRINTABLE_INSET_MM,
		       *ex ? ": \"" : "", ex, *ex ? "\"" : "");
		g_free(ex);
	}
}

/* Does one edge of a frame (or a rule) pass through the ink of `text`? */
static bool crosses(const ws_record *frame, ws_rect text)
{
	const ws_rect *f = &frame->box;
	if (f->height == 0 || f->width == 0) { /* a rule: a segment */
		ws_rect seg = {MIN(f->x, f->x + f->width), MIN(f->y, f->y + f->height), fabs(f->width), fabs(f->height)};
		if (seg.height == 0)
			return seg.y > text.y && seg.y < text.y + text.height && seg.x < text.x + text.width &&
			       text.x < seg.x + seg.width;
		if (seg.width == 0)
			return seg.x > text.x && seg.x < text.x + text.width && seg.y < text.y + text.height &&
			       text.y < seg.y + seg.height;
		return false; /* a slanted rule: not drawn by the shipped layouts */
	}
	bool h_in = f->x < text.x + text.width && text.x < f->x + f->width;
	bool v_in = f->y < text.y + text.height && text.y < f->y + f->height;
	bool top = f->y > text.y && f->y < text.y + text.height && h_in;
	bool bottom = f->y + f->height > text.y && f->y + f->height < text.y + text.height && h_in;
	bool left = f->x > text.x && f->x < text.x + text.width && v_in;
	bool right = f->x + f->width > text.x && f->x + f->width < text.x + text.width && v_in;
	return top || bottom || left || right;
}

static void check_page(pf *p, GPtrArray *recs, size_t page)
{
	int units = 0;
	const ws_record *first_unit = NULL;
	for (guint i = 0; i < recs->len; i++) {
		const ws_record *r = g_ptr_array_index(recs, i);
		if (r->kind == WS_RECORD_TEXT || r->kind == WS_RECORD_BOX || r->kind == WS_RECORD_FRAME)
			check_printable(p, r);
		if ((r->kind == WS_RECORD_LINE) || (r->kind == WS_RECORD_ROW && !r->header)) {
			units++;
			if (!first_unit)
				first_unit = r;
		}
		if (r->kind == WS_RECORD_ROW && r->box.y + r->box.height > p->frame.y + p->frame.height + TOL)
			report(p, WS_SEVERITY_ERROR, r, "a table row does not fit on the page: it runs %.1f mm past the foot",
			       mm(r->box.y + r->box.height - (p->frame.y + p->frame.height)));
		if (r->kind == WS_RECORD_ROW && r->header) {
			/* A header must have a row of its table under it on its page. */
			bool body = false;
			for (guint k = i + 1; k < recs->len && !body; k++) {
				const ws_record *o = g_ptr_array_index(recs, k);
				body = o->kind == WS_RECORD_ROW && !o->header && same_loc(o->loc, r->loc);
			}
			if (!body)
				report(p, WS_SEVERITY_ERROR, r, "a table header ends the page without any of its rows");
		}
	}
	/* Text against the limit, then against everything else on the page. */
	bool *outside = g_new0(bool, recs->len);
	for (guint i = 0; i < recs->len; i++) {
		const ws_record *r = g_ptr_array_index(recs, i);
		if (r->kind == WS_RECORD_TEXT)
			outside[i] = check_limit(p, r);
	}
	for (guint i = 0; i < recs->len; i++) {
		const ws_record *a = g_ptr_array_index(recs, i);
		if (a->kind != WS_RECORD_TEXT || outside[i])
			continue;
		ws_rect ia = ink(&a->box);
		for (guint k = 0; k < recs->len; k++) {
			const ws_record *b = g_ptr_array_index(recs, k);
			if (k == i)
				continue;
			bool hit = false;
			const char *what = NULL;
			if (b->kind == WS_RECORD_TEXT && k > i && !outside[k] && intersects(ia, ink(&b->box))) {
				hit = true;
				what = "other text";
			} else if (b->kind == WS_RECORD_BOX && intersects(ia, b->box)) {
				hit = true;
				what = "a boxed element";
			} else if (b->kind == WS_RECORD_FRAME && crosses(b, ia)) {
				hit = true;
				what = b->box.width == 0 || b->box.height == 0 ? "a rule" : "a frame";
			}
			if (!hit)
				continue;
			char *ex = excerpt(a->text);
			report(p, WS_SEVERITY_ERROR, a, "\"%s\" overlaps %s (%s:%u:%u)", ex, what,
			       b->loc.file ? b->loc.file : "?", b->loc.line, b->loc.column);
			g_free(ex);
			break; /* one finding per line is enough to find it */
		}
	}
	g_free(outside);
	/* A heading (keep_with_next) that ends a page's flow while the
	 * document goes on: what it heads is on the next page.  The engine
	 * keeps it with what follows when that fits on a page; a layout whose
	 * heading is followed by something taller than a page (or by a box)
	 * is the case left to see. */
	const ws_record *last_flow = NULL;
	for (guint i = 0; i < recs->len; i++) {
		const ws_record *r = g_ptr_array_index(recs, i);
		if (r->flow && (r->kind == WS_RECORD_LINE || r->kind == WS_RECORD_ROW))
			last_flow = r;
	}
	if (last_flow && last_flow->keep_with_next && page + 1 < ws_document_page_count(p->doc)) {
		char *ex = excerpt(last_flow->text);
		report(p, WS_SEVERITY_WARNING, last_flow,
		       "heading alone at the foot of page %zu: \"%s\" is parted from what it heads", page + 1, ex);
		g_free(ex);
	}
	if (page > 0 && units > 0 && units < WS_PREFLIGHT_MIN_UNITS) {
		char *ex = excerpt(first_unit->text);
		report(p, WS_SEVERITY_WARNING, first_unit,
		       "widow page: page %zu holds only %d line%s or row%s of the document%s%s%s", page + 1, units,
		       units == 1 ? "" : "s", units == 1 ? "" : "s", *ex ? ", starting \"" : "", ex, *ex ? "\"" : "");
		g_free(ex);
	}
}

int ws_preflight_document(const ws_document *doc, ws_rect frame, const char *group_id, ws_diags *diags)
{
	pf p = {doc, frame, group_id, diags, 0};
	size_t pages = ws_document_page_count(doc);
	GPtrArray **by_page = g_new0(GPtrArray *, pages ? pages : 1);
	for (size_t i = 0; i < pages; i++)
		by_page[i] = g_ptr_array_new();
	size_t n = ws_document_record_count(doc);
	for (size_t i = 0; i < n; i++) {
		const ws_record *r = ws_document_record_at(doc, i);
		if (r->page < pages)
			g_ptr_array_add(by_page[r->page], (gpointer)r);
	}
	for (size_t pg = 0; pg < pages; pg++) {
		check_page(&p, by_page[pg], pg);
		g_ptr_array_unref(by_page[pg]);
	}
	g_free(by_page);
	return p.errors;
}
