/* Documents: pages as display lists of drawing operations (see document.h). */
#include "allocfail.h"
#include "document.h"

#include <glib.h>
#include <pango/pangocairo.h>

#include "ws-config.h"

#define WS_DEFAULT_CREATOR "wenshu " WS_VERSION

/* Text: lines of one laid-out paragraph (ws_document_add_text). */
typedef struct ws_text {
	PangoLayout *layout; /* owned reference */
	int n;               /* lines drawn */
	int *lines;          /* owned: line indices */
	double *x, *y;       /* owned: pt, line origin at the baseline */
	ws_color color;
} ws_text;

/* `draw` NULL: a text op, `data` is a ws_text (owned via doc->texts). */
typedef struct ws_op {
	ws_draw_fn draw;
	void *data;          /* owned; freed with free_data */
	ws_free_fn free_data;
} ws_op;

typedef struct ws_page {
	double width, height; /* pt */
	GArray *ops;          /* of ws_op, owned; NULL until the first op */
} ws_page;

struct ws_document {
	ws_document_meta meta; /* every string owned (g_strdup) */
	GArray *pages;         /* of ws_page */
	GArray *runs;          /* of ws_text_run; run.text lives in `text` */
	GStringChunk *text;    /* owns every run's and record's strings; freed at once */
	GArray *records;       /* of ws_record; strings live in `text` */
	GPtrArray *texts;      /* of ws_text, owned, in the order added */
	unsigned long allocs;  /* ws_alloc_failures() when it was made */
};

static void text_free(void *data)
{
	ws_text *t = data;
	g_object_unref(t->layout);
	g_free(t->lines);
	g_free(t->x);
	g_free(t->y);
	g_free(t);
}

static void meta_clear(ws_document_meta *m)
{
	g_free((char *)m->title);
	g_free((char *)m->author);
	g_free((char *)m->subject);
	g_free((char *)m->keywords);
	g_free((char *)m->creator);
	*m = (ws_document_meta){0};
}

ws_document *ws_document_new(const ws_document_meta *meta)
{
	ws_document *doc = g_new0(ws_document, 1);
	doc->pages = g_array_new(FALSE, FALSE, sizeof(ws_page));
	doc->runs = g_array_new(FALSE, FALSE, sizeof(ws_text_run));
	doc->text = g_string_chunk_new(1024);
	doc->records = g_array_new(FALSE, FALSE, sizeof(ws_record));
	doc->texts = g_ptr_array_new_with_free_func(text_free);
	doc->allocs = ws_alloc_failures();
	ws_document_set_meta(doc, meta);
	return doc;
}

unsigned long ws_document_alloc_failures(const ws_document *doc)
{
	return doc->allocs;
}

void ws_document_free(ws_document *doc)
{
	if (!doc)
		return;
	for (guint i = 0; i < doc->pages->len; i++) {
		ws_page *p = &g_array_index(doc->pages, ws_page, i);
		if (!p->ops)
			continue;
		for (guint j = 0; j < p->ops->len; j++) {
			ws_op *op = &g_array_index(p->ops, ws_op, j);
			if (op->free_data)
				op->free_data(op->data);
		}
		g_array_free(p->ops, TRUE);
	}
	g_array_free(doc->pages, TRUE);
	g_array_free(doc->runs, TRUE);
	g_array_free(doc->records, TRUE);
	g_ptr_array_free(doc->texts, TRUE);
	g_string_chunk_free(doc->text);
	meta_clear(&doc->meta);
	g_free(doc);
}

size_t ws_document_add_page(ws_document *doc, double width, double height)
{
	ws_page p = {width, height, NULL};
	g_array_append_val(doc->pages, p);
	return doc->pages->len - 1;
}

void ws_document_add_op(ws_document *doc, size_t page, ws_draw_fn draw, void *data,
                        ws_free_fn free_data)
{
	/* Ownership of `data` passes to the document whatever happens, so an
	 * op aimed at a page that does not exist (a caller bug) is freed and
	 * dropped rather than leaked. */
	if (page >= doc->pages->len || !draw) {
		if (free_data)
			free_data(data);
		return;
	}
	ws_page *p = &g_array_index(doc->pages, ws_page, page);
	if (!p->ops)
		p->ops = g_array_sized_new(FALSE, FALSE, sizeof(ws_op), 32);
	ws_op op = {draw, data, free_data};
	g_array_append_val(p->ops, op);
}

void ws_document_add_text(ws_document *doc, size_t page, PangoLayout *layout, int n, const int *lines,
                          const double *x, const double *y, ws_color color)
{
	if (page >= doc->pages->len || !layout || n <= 0)
		return;
	ws_text *t = g_new0(ws_text, 1);
	t->layout = g_object_ref(layout);
	t->n = n;
	t->lines = g_memdup2(lines, sizeof *lines * (size_t)n);
	t->x = g_memdup2(x, sizeof *x * (size_t)n);
	t->y = g_memdup2(y, sizeof *y * (size_t)n);
	t->color = color;
	g_ptr_array_add(doc->texts, t);
	ws_page *p = &g_array_index(doc->pages, ws_page, page);
	if (!p->ops)
		p->ops = g_array_sized_new(FALSE, FALSE, sizeof(ws_op), 32);
	ws_op op = {NULL, t, NULL};
	g_array_append_val(p->ops, op);
}

size_t ws_document_text_count(const ws_document *doc)
{
	return doc->texts->len;
}

PangoLayout *ws_document_text_layout(const ws_document *doc, size_t i)
{
	if (i >= doc->texts->len)
		return NULL;
	return ((ws_text *)g_ptr_array_index(doc->texts, i))->layout;
}

void ws_document_add_text_run(ws_document *doc, size_t page, ws_rect box, const char *text)
{
	ws_text_run run = {page, box, g_string_chunk_insert(doc->text, text ? text : "")};
	g_array_append_val(doc->runs, run);
}

void ws_document_add_record(ws_document *doc, const ws_record *r)
{
	ws_record c = *r;
	/* Interned: diagnostics made from a record keep the file name after
	 * the document is gone (a refused document is freed at once). */
	c.loc.file = r->loc.file ? g_intern_string(r->loc.file) : NULL;
	c.text = r->text ? g_string_chunk_insert(doc->text, r->text) : NULL;
	c.source = r->source ? g_string_chunk_insert_const(doc->text, r->source) : NULL;
	c.type = r->type ? g_string_chunk_insert_const(doc->text, r->type) : NULL;
	g_array_append_val(doc->records, c);
}

size_t ws_document_record_count(const ws_document *doc)
{
	return doc->records->len;
}

const ws_record *ws_document_record_at(const ws_document *doc, size_t i)
{
	if (i >= doc->records->len)
		return NULL;
	return &g_array_index(doc->records, ws_record, i);
}

size_t ws_document_page_count(const ws_document *doc)
{
	return doc->pages->len;
}

void ws_document_page_size(const ws_document *doc, size_t page, double *width, double *height)
{
	double w = 0, h = 0;
	if (page < doc->pages->len) {
		const ws_page *p = &g_array_index(doc->pages, ws_page, page);
		w = p->width;
		h = p->height;
	}
	if (width)
		*width = w;
	if (height)
		*height = h;
}

static void draw_text(cairo_t *cr, const ws_text *t, const ws_text_painter *painter)
{
	cairo_save(cr);
	cairo_set_source_rgba(cr, t->color.r, t->color.g, t->color.b, t->color.a);
	for (int i = 0; i < t->n; i++) {
		PangoLayoutLine *line = pango_layout_get_line_readonly(t->layout, t->lines[i]);
		if (painter && painter->paint_line(painter->self, cr, line, t->x[i], t->y[i]))
			continue;
		cairo_move_to(cr, t->x[i], t->y[i]);
		pango_cairo_show_layout_line(cr, line);
	}
	cairo_restore(cr);
}

void ws_document_draw_page(const ws_document *doc, size_t page, cairo_t *cr)
{
	ws_document_draw_page_with(doc, page, cr, NULL);
}

void ws_document_draw_page_with(const ws_document *doc, size_t page, cairo_t *cr,
                                const ws_text_painter *painter)
{
	if (page >= doc->pages->len)
		return;
	const ws_page *p = &g_array_index(doc->pages, ws_page, page);
	if (!p->ops)
		return;
	/* Ops promise to leave the state as found; one save/restore around the
	 * page keeps a careless op from leaking state into the caller. */
	cairo_save(cr);
	for (guint i = 0; i < p->ops->len; i++) {
		const ws_op *op = &g_array_index(p->ops, ws_op, i);
		if (op->draw)
			op->draw(cr, op->data);
		else
			draw_text(cr, op->data, painter);
	}
	cairo_restore(cr);
}

const ws_document_meta *ws_document_get_meta(const ws_document *doc)
{
	return &doc->meta;
}

void ws_document_set_meta(ws_document *doc, const ws_document_meta *meta)
{
	/* Copy first: `meta` may point into doc->meta itself. */
	ws_document_meta m = {0};
	if (meta) {
		m.title = g_strdup(meta->title);
		m.author = g_strdup(meta->author);
		m.subject = g_strdup(meta->subject);
		m.keywords = g_strdup(meta->keywords);
		m.creator = g_strdup(meta->creator);
	}
	if (!m.creator)
		m.creator = g_strdup(WS_DEFAULT_CREATOR);
	meta_clear(&doc->meta);
	doc->meta = m;
}

size_t ws_document_text_run_count(const ws_document *doc)
{
	return doc->runs->len;
}

const ws_text_run *ws_document_text_run_at(const ws_document *doc, size_t i)
{
	if (i >= doc->runs->len)
		return NULL;
	return &g_array_index(doc->runs, ws_text_run, i);
}
