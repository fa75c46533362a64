/* `table:` — columns of fixed widths and fractions, header rows repeated
 * on every page, body rows once or once per item of `each`, footer rows.
 * Rows never split: a row that does not fit moves to the next page. */
#include "elements.h"

#include <math.h>
#include <string.h>

#include "flow.h"
#include "fonts.h"
#include "layout-load.h"

/* A table cell as written in the layout. */
typedef struct ws_cell {
	ws_template *text;     /* owned */
	ws_style style;        /* resolved: table cell style + cell overrides */
	int colspan;           /* ≥ 1 */
	ws_loc loc;
} ws_cell;

typedef struct ws_row {
	GPtrArray *cells;      /* of ws_cell* (owned) */
	ws_loc loc;
} ws_row;

typedef struct table_elem {
	double *col_spec;        /* owned: >0 pt, <0 fraction (−n fr) */
	int n_cols;
	GPtrArray *header_rows;  /* of ws_row* */
	GPtrArray *body_rows;    /* of ws_row*: repeated per `each` item */
	GPtrArray *footer_rows;  /* of ws_row* */
	ws_template *each;       /* owned or NULL */
	char *each_as;           /* owned: the loop variable's name, default "it" */
	double padding[4];       /* pt: top right bottom left */
	ws_style style;          /* resolved: the cells' */
	ws_style header_style;
	ws_template *continued;  /* owned or NULL: mark above the header on continuation pages ("续表") */
	char *borders;           /* owned: all | outer | horizontal | none */
	ws_color stroke;
	ws_color fill;           /* header_fill; a = 0: none */
	double stroke_width;     /* pt */
	double min_row_height;   /* pt */
} table_elem;

/* ------------------------------------------------------------ loading */

static void free_row(gpointer p)
{
	ws_row *r = p;
	if (!r)
		return;
	for (guint i = 0; i < r->cells->len; i++) {
		ws_cell *c = g_ptr_array_index(r->cells, i);
		ws_template_free(c->text);
		ws_style_free_contents(&c->style);
		g_free(c);
	}
	g_ptr_array_free(r->cells, TRUE);
	g_free(r);
}

static const char *const cell_keys[] = {"text", "colspan", "style", NULL};

static ws_row *load_row(ws_loader *ld, const ws_value *v, const ws_style *cell_style, int n_cols)
{
	if (ws_value_get_type(v) != WS_VALUE_LIST) {
		ws__ld_err(ld, v, "a table row must be a list of cells");
		return NULL;
	}
	ws_row *row = g_new0(ws_row, 1);
	row->loc = ws_value_loc(v);
	row->cells = g_ptr_array_new();
	int span_total = 0;
	for (size_t i = 0; i < ws_value_length(v); i++) {
		const ws_value *cv = ws_value_list_at(v, i);
		ws_cell *c = g_new0(ws_cell, 1);
		c->colspan = 1;
		c->loc = ws_value_loc(cv);
		if (ws_value_get_type(cv) == WS_VALUE_MAP) {
			ws__ld_check_keys(ld, cv, cell_keys, ws__ld_style_keys, "a table cell");
			const ws_value *t = ws_value_map_get(cv, "text");
			c->text = t ? ws__ld_template(ld, t, "cell text") : NULL;
			if (!t)
				ws_template_compile(&c->text, "", c->loc, ld->diags);
			const ws_value *cs = ws_value_map_get(cv, "colspan");
			double span;
			if (cs && ws__ld_number(ld, cs, "colspan", 1, 64, &span))
				c->colspan = (int)span;
			ws__ld_elem_style(ld, cv, &c->style, cell_style);
		} else {
			c->text = ws__ld_template(ld, cv, "cell text");
			ws_style_copy(&c->style, cell_style);
		}
		span_total += c->colspan;
		g_ptr_array_add(row->cells, c);
	}
	if (n_cols > 0 && span_total != n_cols)
		ws__ld_err(ld, v, "this row has %d cells but the table has %d columns", span_total, n_cols);
	return row;
}

static void load_rows(ws_loader *ld, const ws_value *v, GPtrArray *out, const ws_style *st, int n_cols,
                      const char *what)
{
	if (ws_value_get_type(v) != WS_VALUE_LIST) {
		ws__ld_err(ld, v, "%s must be a list of rows (each a list of cells)", what);
		return;
	}
	/* `header: [a, b]` is one row; `header: [[a, b], [c, d]]` is several. */
	const ws_value *first = ws_value_list_at(v, 0);
	if (first && ws_value_get_type(first) != WS_VALUE_LIST) {
		ws_row *r = load_row(ld, v, st, n_cols);
		if (r)
			g_ptr_array_add(out, r);
		return;
	}
	for (size_t i = 0; i < ws_value_length(v); i++) {
		ws_row *r = load_row(ld, ws_value_list_at(v, i), st, n_cols);
		if (r)
			g_ptr_array_add(out, r);
	}
}

static const char *const table_keys[] = {
	"columns", "header", "rows", "footer", "each", "as", "style", "header_style", "padding",
	"borders", "stroke", "stroke_width", "min_row_height", "header_fill", "continued", NULL,
};
static const char *const *const table_lists[] = {table_keys, ws__ld_common_keys, ws__ld_style_keys, NULL};

static void load_table(ws_loader *ld, table_elem *e, const ws_value *props)
{
	ws__ld_check_keys_in(ld, props, table_lists, "a table");
	const ws_value *v = ws_value_map_get(props, "columns");
	if (!v || ws_value_get_type(v) != WS_VALUE_LIST || ws_value_length(v) == 0 ||
	    ws_value_length(v) > 64) {
		ws__ld_err(ld, v ? v : props, "a table needs columns: a list of 1 to 64 widths (e.g. [30mm, 1fr])");
		return;
	}
	e->n_cols = (int)ws_value_length(v);
	e->col_spec = g_new0(double, e->n_cols);
	for (int i = 0; i < e->n_cols; i++) {
		const ws_value *c = ws_value_list_at(v, (size_t)i);
		const char *t = ws_value_text(c);
		char *end = NULL;
		double fr = t ? g_ascii_strtod(t, &end) : 0;
		if (t && end != t && strcmp(end, "fr") == 0) {
			if (!(fr > 0 && fr <= 1000))
				ws__ld_err(ld, c, "a column fraction must be more than 0fr and at most 1000fr");
			e->col_spec[i] = -fr;
		} else {
			ws__ld_length(ld, c, "column width", false, &e->col_spec[i]);
		}
	}
	ws__ld_elem_style(ld, props, &e->style, &ld->layout->base_style);
	ws_style_copy(&e->header_style, &e->style);
	if ((v = ws_value_map_get(props, "header_style")))
		ws__ld_lookup_style(ld, v, &e->header_style);
	e->header_rows = g_ptr_array_new_with_free_func(free_row);
	e->body_rows = g_ptr_array_new_with_free_func(free_row);
	e->footer_rows = g_ptr_array_new_with_free_func(free_row);
	if ((v = ws_value_map_get(props, "header")))
		load_rows(ld, v, e->header_rows, &e->header_style, e->n_cols, "header");
	if ((v = ws_value_map_get(props, "rows")))
		load_rows(ld, v, e->body_rows, &e->style, e->n_cols, "rows");
	if ((v = ws_value_map_get(props, "footer")))
		load_rows(ld, v, e->footer_rows, &e->style, e->n_cols, "footer");
	if ((v = ws_value_map_get(props, "each")))
		e->each = ws__ld_expr(ld, v, "each");
	v = ws_value_map_get(props, "as");
	e->each_as = g_strdup(v ? ws_value_text(v) : "it");
	/* Cells breathe: 1.5 mm on each side unless the layout says otherwise. */
	double pad = 1.5 * 72 / 25.4;
	e->padding[0] = e->padding[2] = pad * 0.6;
	e->padding[1] = e->padding[3] = pad;
	if ((v = ws_value_map_get(props, "padding"))) {
		if (ws_value_get_type(v) == WS_VALUE_LIST && ws_value_length(v) == 2) {
			ws__ld_length(ld, ws_value_list_at(v, 0), "padding", false, &e->padding[0]);
			ws__ld_length(ld, ws_value_list_at(v, 1), "padding", false, &e->padding[1]);
			e->padding[2] = e->padding[0];
			e->padding[3] = e->padding[1];
		} else if (ws__ld_length(ld, v, "padding", false, &pad)) {
			e->padding[0] = e->padding[1] = e->padding[2] = e->padding[3] = pad;
		}
	}
	static const char *const border_names[] = {"all", "outer", "horizontal", "none", NULL};
	e->borders = g_strdup("all");
	if ((v = ws_value_map_get(props, "borders"))) {
		int k = ws__ld_enum(ld, v, "borders", border_names);
		if (k >= 0) {
			g_free(e->borders);
			e->borders = g_strdup(border_names[k]);
		}
	}
	e->stroke = (ws_color){0, 0, 0, 1};
	e->stroke_width = 0.5;
	if ((v = ws_value_map_get(props, "stroke")))
		ws__ld_color(ld, v, "stroke", &e->stroke);
	if ((v = ws_value_map_get(props, "stroke_width")))
		ws__ld_length(ld, v, "stroke_width", false, &e->stroke_width);
	if ((v = ws_value_map_get(props, "min_row_height")))
		ws__ld_length(ld, v, "min_row_height", false, &e->min_row_height);
	if ((v = ws_value_map_get(props, "header_fill")))
		ws__ld_color(ld, v, "header_fill", &e->fill);
	if ((v = ws_value_map_get(props, "continued")))
		e->continued = ws__ld_template(ld, v, "continued");
	if (e->body_rows->len == 0 && e->header_rows->len == 0)
		ws__ld_err(ld, props, "a table needs header or rows");
}

static void *table_load(ws_loader *ld, ws_elem *elem, const ws_elem_src *src)
{
	table_elem *e = g_new0(table_elem, 1);
	if (ws_value_get_type(src->value) != WS_VALUE_MAP)
		ws__ld_err(ld, src->value, "table takes a map (columns, header, rows, each, ...)");
	else
		load_table(ld, e, src->props);
	return e;
}

static void table_free(void *data)
{
	table_elem *e = data;
	ws_template_free(e->each);
	ws_template_free(e->continued);
	g_free(e->each_as);
	ws_style_free_contents(&e->style);
	ws_style_free_contents(&e->header_style);
	g_free(e->col_spec);
	if (e->header_rows)
		g_ptr_array_free(e->header_rows, TRUE);
	if (e->body_rows)
		g_ptr_array_free(e->body_rows, TRUE);
	if (e->footer_rows)
		g_ptr_array_free(e->footer_rows, TRUE);
	g_free(e->borders);
	g_free(e);
}

/* ------------------------------------------------------------ placing */

typedef struct cell_box {
	PangoLayout **lays;  /* paragraphs */
	ws_line_info **lines;
	int *n_lines;
	int n;
	double height;       /* text height, pt */
	const ws_cell *cell;
	int col;
	double x, width;     /* pt, relative to the table's left */
} cell_box;

typedef struct row_box {
	GArray *cells;       /* of cell_box */
	double height;
	bool header;
} row_box;

static void row_box_free(row_box *r)
{
	for (guint i = 0; i < r->cells->len; i++) {
		cell_box *c = &g_array_index(r->cells, cell_box, i);
		for (int k = 0; k < c->n; k++) {
			g_object_unref(c->lays[k]);
			g_free(c->lines[k]);
		}
		g_free(c->lays);
		g_free(c->lines);
		g_free(c->n_lines);
	}
	g_array_unref(r->cells);
}

static void table_columns(const table_elem *e, double width, double *cols)
{
	double fixed = 0, fr = 0;
	for (int i = 0; i < e->n_cols; i++) {
		if (e->col_spec[i] >= 0)
			fixed += e->col_spec[i];
		else
			fr += -e->col_spec[i];
	}
	double rest = MAX(0, width - fixed);
	for (int i = 0; i < e->n_cols; i++)
		cols[i] = e->col_spec[i] >= 0 ? e->col_spec[i] : rest * (-e->col_spec[i]) / fr;
}

static bool measure_row(ws_flow *t, const table_elem *e, const ws_row *row, const double *cols, bool header,
                        row_box *out)
{
	out->cells = g_array_new(FALSE, TRUE, sizeof(cell_box));
	out->header = header;
	out->height = e->min_row_height;
	int col = 0;
	double x = 0;
	for (guint i = 0; i < row->cells->len; i++) {
		const ws_cell *c = g_ptr_array_index(row->cells, i);
		cell_box cb = {0};
		cb.cell = c;
		cb.col = col;
		cb.x = x;
		for (int k = 0; k < c->colspan && col + k < e->n_cols; k++)
			cb.width += cols[col + k];
		col += c->colspan;
		x += cb.width;
		char *text = NULL;
		if (ws_bind_text(c->text, t->scope, &text, t->diags) != WS_OK)
			text = g_strdup("");
		char **paras = ws_flow_split_paragraphs(text);
		cb.n = (int)g_strv_length(paras);
		cb.lays = g_new0(PangoLayout *, cb.n);
		cb.lines = g_new0(ws_line_info *, cb.n);
		cb.n_lines = g_new0(int, cb.n);
		double inner = MAX(1, cb.width - e->padding[1] - e->padding[3]);
		bool constant = c->text && ws_template_is_constant(c->text);
		/* fit: shrink in a cell: a word that breaks only at spaces (a
		 * passport name, an e-mail address) is set smaller, down to
		 * min_size, until every line fits the column. */
		double size = c->style.size;
		double min = c->style.fit == WS_FIT_SHRINK && c->style.min_size > 0 ? MIN(c->style.min_size, size) : size;
		for (;;) {
			double widest = 0;
			t->in_cell = true;
			for (int k = 0; k < cb.n; k++) {
				cb.lays[k] = ws_flow_make_layout(t, paras[k], &c->style, size, inner, constant);
				PangoRectangle logical;
				pango_layout_get_extents(cb.lays[k], NULL, &logical);
				widest = MAX(widest, WS_PT(logical.width));
			}
			t->in_cell = false;
			if (widest <= inner + 0.01 || size - WS_SHRINK_STEP < min - 1e-9)
				break;
			for (int k = 0; k < cb.n; k++)
				g_clear_object(&cb.lays[k]);
			size -= WS_SHRINK_STEP;
		}
		for (int k = 0; k < cb.n; k++) {
			ws_fonts_check_layout(cb.lays[k], c->loc, ws_template_source(c->text), t->diags);
			cb.lines[k] = ws_flow_layout_lines(cb.lays[k], &cb.n_lines[k]);
			PangoRectangle logical;
			pango_layout_get_extents(cb.lays[k], NULL, &logical);
			cb.height += WS_PT(logical.height);
		}
		g_strfreev(paras);
		g_free(text);
		out->height = MAX(out->height, cb.height + e->padding[0] + e->padding[2]);
		g_array_append_val(out->cells, cb);
	}
	return true;
}

static void table_shape(ws_flow *t, ws_shape_kind kind, ws_rect r, ws_color stroke, ws_color fill, double sw)
{
	ws_stroke s = {.stroke = stroke, .fill = fill, .width = sw};
	ws_flow_add_shape(t, kind, r, &s, false);
}

static void draw_row(ws_flow *t, const ws_elem *elem, const row_box *r, double x0, double y, double width)
{
	const table_elem *e = elem->data;
	bool all = strcmp(e->borders, "all") == 0;
	bool horizontal = strcmp(e->borders, "horizontal") == 0;
	if (r->header && e->fill.a > 0)
		table_shape(t, WS_SHAPE_RECT, (ws_rect){x0, y, width, r->height}, (ws_color){0, 0, 0, 0}, e->fill, 0);
	for (guint i = 0; i < r->cells->len; i++) {
		const cell_box *c = &g_array_index(r->cells, cell_box, i);
		const ws_style *st = &c->cell->style;
		double inner_h = r->height - e->padding[0] - e->padding[2];
		double top = y + e->padding[0];
		if (st->valign == WS_VALIGN_MIDDLE)
			top += (inner_h - c->height) / 2;
		else if (st->valign == WS_VALIGN_BOTTOM)
			top += inner_h - c->height;
		ws_place_ctx pc = {"cell", c->cell->loc,
		                {x0 + c->x + e->padding[3], y + e->padding[0],
		                 MAX(1, c->width - e->padding[1] - e->padding[3]), MAX(1, inner_h)},
		                c->cell->text ? ws_template_source(c->cell->text) : NULL, false, false, false};
		for (int k = 0; k < c->n; k++) {
			ws_flow_place_lines(t, c->lays[k], c->lines[k], 0, c->n_lines[k], x0 + c->x + e->padding[3], top,
			            st->color, &pc);
			PangoRectangle logical;
			pango_layout_get_extents(c->lays[k], NULL, &logical);
			top += WS_PT(logical.height);
		}
		if (all)
			table_shape(t, WS_SHAPE_RECT, (ws_rect){x0 + c->x, y, c->width, r->height}, e->stroke,
			          (ws_color){0, 0, 0, 0}, e->stroke_width);
	}
	if (horizontal)
		table_shape(t, WS_SHAPE_LINE, (ws_rect){x0, y + r->height, width, 0}, e->stroke, (ws_color){0, 0, 0, 0},
		          e->stroke_width);
	ws_record rec = {.kind = WS_RECORD_ROW, .page = t->page, .loc = elem->loc, .type = elem->type_name,
	                 .box = {x0, y, width, r->height}, .limit = t->frame, .header = r->header, .flow = true};
	ws_document_add_record(t->doc, &rec);
}

static void outer_border(ws_flow *t, const table_elem *e, double x, double top, double width, double bottom)
{
	if (strcmp(e->borders, "outer") == 0 && bottom > top)
		table_shape(t, WS_SHAPE_RECT, (ws_rect){x, top, width, bottom - top}, e->stroke, (ws_color){0, 0, 0, 0},
		          e->stroke_width);
}

/* A table's rows laid out for a width: header rows, and the body (rows
 * once, or once per item of `each`, then the footer). */
typedef struct table_rows {
	GArray *headers;     /* of row_box */
	GArray *body;        /* of row_box */
	double header_h;     /* pt */
	double *cols;        /* pt, n_cols */
} table_rows;

static void table_rows_free(table_rows *tr)
{
	for (guint i = 0; i < tr->headers->len; i++)
		row_box_free(&g_array_index(tr->headers, row_box, i));
	for (guint i = 0; i < tr->body->len; i++)
		row_box_free(&g_array_index(tr->body, row_box, i));
	g_array_unref(tr->headers);
	g_array_unref(tr->body);
	g_free(tr->cols);
}

static void table_measure(ws_flow *t, const table_elem *e, double width, table_rows *tr, ws_diags *diags)
{
	ws_diags *save = t->diags;
	t->diags = diags;
	tr->cols = g_new(double, e->n_cols);
	table_columns(e, width, tr->cols);
	tr->headers = g_array_new(FALSE, TRUE, sizeof(row_box));
	for (guint i = 0; i < e->header_rows->len; i++) {
		row_box rb;
		measure_row(t, e, g_ptr_array_index(e->header_rows, i), tr->cols, true, &rb);
		g_array_append_val(tr->headers, rb);
	}
	tr->header_h = 0;
	for (guint i = 0; i < tr->headers->len; i++)
		tr->header_h += g_array_index(tr->headers, row_box, i).height;

	tr->body = g_array_new(FALSE, TRUE, sizeof(row_box));
	ws_value *items = NULL;
	size_t n_items = 1;
	if (e->each) {
		if (ws_bind_list(e->each, t->scope, &items, t->diags) != WS_OK)
			n_items = 0;
		else
			n_items = ws_value_length(items);
	}
	/* Rows count against the element limit as `each` expands them. */
	for (size_t k = 0; k < n_items && ws_flow_count(t, e->body_rows->len, t->at) && !ws_flow_stop(t); k++) {
		ws_value *prev = NULL, *prev_loop = NULL;
		if (items) {
			prev = ws_bind_push(t->scope, e->each_as, ws_value_ref(ws_value_list_at(items, k)));
			prev_loop = ws_value_ref(ws_value_map_get(t->scope, "loop"));
			ws_bind_set_loop(t->scope, k, n_items);
		}
		for (guint i = 0; i < e->body_rows->len; i++) {
			row_box rb;
			measure_row(t, e, g_ptr_array_index(e->body_rows, i), tr->cols, false, &rb);
			g_array_append_val(tr->body, rb);
		}
		if (items) {
			ws_bind_restore(t->scope, e->each_as, prev);
			ws_bind_restore(t->scope, "loop", prev_loop);
		}
	}
	ws_value_unref(items);
	for (guint i = 0; i < e->footer_rows->len; i++) {
		row_box rb;
		measure_row(t, e, g_ptr_array_index(e->footer_rows, i), tr->cols, false, &rb);
		g_array_append_val(tr->body, rb);
	}
	t->diags = save;
}

static double rows_height(const GArray *rows, guint a, guint b)
{
	double h = 0;
	for (guint i = a; i < b && i < rows->len; i++)
		h += g_array_index(rows, row_box, i).height;
	return h;
}

/* Height of a table in the flow: whole (`whole`), or its header and the
 * rows that must open it on a page (WS_KEEP_ROWS), pt. */
static double table_flow_height(ws_flow *t, const ws_elem *elem, bool whole)
{
	double width = elem->width == WS_AUTO ? t->frame.width - elem->x_offset : elem->width;
	ws_diags *quiet = ws_diags_new(); /* reported when the table is placed */
	table_rows tr;
	table_measure(t, elem->data, width, &tr, quiet);
	double h = tr.header_h + rows_height(tr.body, 0, whole ? tr.body->len : WS_KEEP_ROWS);
	table_rows_free(&tr);
	ws_diags_free(quiet);
	return h;
}

/* The "续表" mark above a repeated header, laid out; NULL when none. */
static PangoLayout *continued_mark(ws_flow *t, const table_elem *e, double width, double *h)
{
	*h = 0;
	if (!e->continued)
		return NULL;
	char *text = NULL;
	PangoLayout *lay = NULL;
	if (ws_bind_text(e->continued, t->scope, &text, t->diags) == WS_OK && *text) {
		/* Flush right above the header, as Chinese forms mark a table
		 * carried over ("续表"), whatever the header's own alignment. */
		ws_style st = e->header_style;
		st.align = WS_ALIGN_RIGHT;
		lay = ws_flow_make_layout(t, text, &st, st.size, width, ws_template_is_constant(e->continued));
		PangoRectangle logical;
		pango_layout_get_extents(lay, NULL, &logical);
		*h = WS_PT(logical.height);
	}
	g_free(text);
	return lay;
}

/* The row a page break before row i must move up to: the first row of
 * its `each` item, so that the rows of one item (an applicant's two
 * lines) never split across pages.  Footer rows are rows of their own. */
static guint item_start(const table_elem *e, const table_rows *tr, guint i)
{
	guint per = e->each ? e->body_rows->len : 1;
	guint items_end = tr->body->len - e->footer_rows->len;
	return per > 1 && i < items_end ? i - i % per : i;
}

/* Page breaks of a table, before any row is drawn: rows never split, nor
 * the rows of one `each` item when it fits on a page; a
 * page never opens or ends the table with fewer than WS_KEEP_ROWS rows when
 * moving one more would do; with keep_together the table moves whole when
 * it fits on a page; a keep_with_previous block after the table takes the
 * last rows with it (t->tail_need).  Returns the index of the first row of
 * each page after the first; *fresh: start the table on a new page. */
static GArray *table_plan(ws_flow *t, const ws_elem *elem, const table_rows *tr, double cont_h, bool *fresh)
{
	GArray *breaks = g_array_new(FALSE, FALSE, sizeof(guint));
	guint n = tr->body->len;
	double full = t->frame.height - tr->header_h - cont_h; /* room for rows on a continuation page */
	double total = rows_height(tr->body, 0, n);
	double need = tr->header_h + rows_height(tr->body, 0, MIN(WS_KEEP_ROWS, n));
	if (elem->keep_together && tr->header_h + total <= t->frame.height)
		need = tr->header_h + total;
	*fresh = t->page_has_flow && t->y + need > ws_flow_frame_bottom(t) + 0.01;
	double room = (*fresh ? t->frame.height : ws_flow_frame_bottom(t) - t->y) - tr->header_h;
	const table_elem *e = elem->data;
	guint start = 0;
	for (guint i = 0; i < n; i++) {
		double h = g_array_index(tr->body, row_box, i).height;
		if (h > room + 0.01 && i > start) {
			guint at = item_start(e, tr, i);
			if (at <= start || rows_height(tr->body, at, i) + h > full)
				at = i; /* an item taller than a page splits */
			g_array_append_val(breaks, at);
			start = at;
			room = full - rows_height(tr->body, at, i);
		}
		room -= h;
	}
	/* Widow: the last page would hold fewer than WS_KEEP_ROWS rows.  A
	 * footer (a total) is no row of the list: the last page holds
	 * WS_KEEP_ROWS rows of the list as well, or the total would stand
	 * under one stray row. */
	if (breaks->len) {
		guint last = g_array_index(breaks, guint, breaks->len - 1);
		guint prev = breaks->len > 1 ? g_array_index(breaks, guint, breaks->len - 2) : 0;
		guint body_end = n - e->footer_rows->len;
		guint keep_from = body_end >= WS_KEEP_ROWS ? body_end - WS_KEEP_ROWS : 0;
		guint at = item_start(e, tr, keep_from);
		if (last > keep_from && at < last && at > prev && at - prev >= WS_KEEP_ROWS)
			g_array_index(breaks, guint, breaks->len - 1) = at;
	}
	/* What must follow the table does not fit after its last row. */
	if (t->tail_need > 0 && room < t->tail_need - 0.01) {
		/* Rows of the list go along, and the footer with them (it is no
		 * row of the list: it never counts as one of the two). */
		guint last = breaks->len ? g_array_index(breaks, guint, breaks->len - 1) : 0;
		guint body_end = n - e->footer_rows->len;
		guint m = body_end > last ? body_end - last : 0, k = MIN(WS_KEEP_ROWS, m);
		if (m - k > 0 && m - k < WS_KEEP_ROWS)
			k = m;
		guint at = item_start(e, tr, body_end - k);
		if (at < last)
			at = last;
		if (rows_height(tr->body, at, n) + t->tail_need <= full) {
			if (at > last)
				g_array_append_val(breaks, at);
			else if (!breaks->len)
				*fresh = t->page_has_flow; /* the whole table goes over */
		}
	}
	return breaks;
}

static void place_table(ws_flow *t, const ws_elem *elem, double x, double width)
{
	const table_elem *e = elem->data;
	/* Fixed columns wider than the table leave the 1fr columns nothing
	 * and run past the frame: said once, here, in the clerk's terms,
	 * rather than as every character of a crushed column outside its box. */
	double fixed = 0;
	for (int i = 0; i < e->n_cols; i++)
		fixed += MAX(0, e->col_spec[i]);
	if (fixed > width + 0.01) {
		ws_diag_add(t->diags, WS_SEVERITY_ERROR, elem->loc, NULL, NULL,
		            "the table's fixed columns take %.1f mm but it is %.1f mm wide: make them %.1f mm narrower",
		            fixed * 25.4 / 72, width * 25.4 / 72, (fixed - width) * 25.4 / 72);
		return;
	}
	table_rows tr;
	table_measure(t, e, width, &tr, t->diags);
	double cont_h = 0;
	PangoLayout *cont = continued_mark(t, e, width, &cont_h);
	bool fresh = false;
	GArray *breaks = table_plan(t, elem, &tr, cont_h, &fresh);
	if (fresh && !ws_flow_new_page(t))
		goto done;
	double top = t->y;
	for (guint h = 0; h < tr.headers->len; h++) {
		row_box *hb = &g_array_index(tr.headers, row_box, h);
		draw_row(t, elem, hb, x, t->y, width);
		t->y += hb->height;
	}
	t->page_has_flow = true;
	guint next_break = 0;
	for (guint i = 0; i < tr.body->len && !ws_flow_stop(t); i++) {
		row_box *rb = &g_array_index(tr.body, row_box, i);
		if (next_break < breaks->len && g_array_index(breaks, guint, next_break) == i) {
			next_break++;
			/* Rows never split: the row moves to the next page under a repeated header. */
			outer_border(t, e, x, top, width, t->y);
			if (!ws_flow_new_page(t))
				break;
			if (cont) {
				int nl;
				ws_line_info *li = ws_flow_layout_lines(cont, &nl);
				ws_place_ctx pc = {elem->type_name, elem->loc, {x, t->y, width, cont_h}, ws_template_source(e->continued), true, false, false};
				ws_flow_place_lines(t, cont, li, 0, nl, x, t->y, e->header_style.color, &pc);
				g_free(li);
				t->y += cont_h;
			}
			top = t->y;
			for (guint h = 0; h < tr.headers->len; h++) {
				row_box *hb = &g_array_index(tr.headers, row_box, h);
				draw_row(t, elem, hb, x, t->y, width);
				t->y += hb->height;
			}
			t->page_has_flow = true;
		}
		if (t->y + rb->height > ws_flow_frame_bottom(t) + 0.01)
			ws_diag_add(t->diags, WS_SEVERITY_WARNING, elem->loc, "overflow", NULL,
			            "a table row is taller than the page (%.1f mm)", rb->height * 25.4 / 72);
		draw_row(t, elem, rb, x, t->y, width);
		t->y += rb->height;
	}
	outer_border(t, e, x, top, width, t->y);
done:
	if (cont)
		g_object_unref(cont);
	g_array_unref(breaks);
	table_rows_free(&tr);
}


/* A boxed table starts at its box and flows from there. */
static void table_place_box(ws_flow *t, const ws_elem *e, ws_rect r)
{
	double save_y = t->y;
	size_t save_page = t->page;
	t->y = r.y;
	bool had = t->page_has_flow;
	t->page_has_flow = true;
	place_table(t, e, r.x, r.width);
	if (t->page == save_page) {
		t->y = MAX(save_y, t->y);
		t->page_has_flow = had || t->page_has_flow;
	}
}

/* The header and the rows that must open it on a page (WS_KEEP_ROWS), or
 * all of it with keep_together. */
static double table_start_height(ws_flow *t, const ws_elem *e)
{
	return e->space_before + table_flow_height(t, e, e->keep_together);
}

static size_t table_flow_rows(ws_flow *t, const ws_elem *elem)
{
	double width = elem->width == WS_AUTO ? t->frame.width - elem->x_offset : elem->width;
	ws_diags *quiet = ws_diags_new(); /* reported when the table is placed */
	table_rows tr;
	table_measure(t, elem->data, width, &tr, quiet);
	size_t n = tr.body->len;
	table_rows_free(&tr);
	ws_diags_free(quiet);
	return n;
}

static double table_block_height(ws_flow *t, const ws_elem *e)
{
	return e->space_before + table_flow_height(t, e, true) + e->space_after;
}

static const ws_style *table_style(const ws_elem *e)
{
	const table_elem *x = e->data;
	return &x->style;
}

const ws_elem_class ws__elem_table = {
	.name = "table",
	.keys = table_lists,
	.load = table_load,
	.free = table_free,
	.place_box = table_place_box,
	.place_flow = place_table,
	.start_height = table_start_height,
	.block_height = table_block_height,
	.flow_rows = table_flow_rows,
	.style = table_style,
};
