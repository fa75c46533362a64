/* CSV data files: one applicant per row, grouped by group.group_id.
 * The format is described in data.h.
 *
 * libcsv reports a cell only when the delimiter after it has been read and
 * says nothing about positions, so the parser is fed one byte at a time and
 * this file tracks where each cell began itself. */
#include <csv.h>
#include <glib.h>
#include <string.h>

#include "loader-private.h"
#include "wslimits.h"

typedef struct column {
	char *name;     /* owned: the header cell, trimmed */
	bool applicant; /* an applicants.* column */
	char **path;    /* owned (g_strfreev): the keys below the group or applicant */
	bool list;      /* cells are ';'/'、'-separated lists */
	ws_loc loc;     /* the header cell */
} column;

typedef struct cell {
	char *text;  /* owned; NULL for an empty cell */
	size_t len;  /* bytes */
	bool quoted;
	ws_loc loc;  /* first character (the quote of a quoted cell) */
} cell;

typedef struct csv_state {
	const char *file; /* interned */
	ws_diags *diags;
	ws_loc pos;       /* position of the byte being fed */
	bool need_begin;  /* the next byte that libcsv does not skip begins a cell */
	bool row_begun;
	bool have_first;  /* the current cell's first character has been seen */
	ws_loc begin_loc; /* where the current cell begins (for empty cells) */
	ws_loc first_loc; /* its first non-blank character */
	bool first_quoted;
	ws_loc row_loc;
	GArray *row;      /* of cell: the record being read */
	GArray *columns;  /* of column; empty until the header was read */
	bool header_done;
	size_t id_column; /* index of group.group_id */
	ws_value *groups; /* owned list of group maps */
	GHashTable *by_id; /* group_id text (owned) → group map (borrowed) */
	bool fatal;       /* stop reading: the header is unusable or a limit was hit */
	int status;
} csv_state;

static void cell_clear(gpointer p)
{
	g_free(((cell *)p)->text);
}

static void column_clear(gpointer p)
{
	column *c = p;
	g_free(c->name);
	g_strfreev(c->path);
}

static void fail(csv_state *st)
{
	st->status = WS_EINPUT;
}

static void on_field(void *data, size_t len, void *ud)
{
	csv_state *st = ud;
	cell c = {len ? g_strndup(data, len) : NULL, len, st->first_quoted,
	          st->have_first ? st->first_loc : st->begin_loc};
	/* An empty quoted cell ("") is empty too. */
	g_array_append_val(st->row, c);
	st->need_begin = true;
	st->have_first = false;
	st->first_quoted = false;
}

/* Lists are written "华盛顿;纽约" or "华盛顿、纽约". */
static bool is_list_separator(gunichar c)
{
	return c == ';' || c == 0x3001;
}

/* Group fields that are lists by the data schema (DOMAIN.md §4.1). */
static const char *const LIST_FIELDS[] = {"us_itinerary", NULL};

static void read_header(csv_state *st)
{
	/* key "g:a.b" or "a:a.b" → column index + 1 for a field, -1 for a map
	 * that other columns are inside. */
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	bool have_id = false;
	for (guint j = 0; j < st->row->len; j++) {
		cell *c = &g_array_index(st->row, cell, j);
		if (!c->text) {
			ws_error_at(st->diags, c->loc, "empty column name");
			fail(st);
			continue;
		}
		char *name = g_utf8_normalize(c->text, (gssize)c->len, G_NORMALIZE_NFC);
		g_strstrip(name);
		column col = {name, false, NULL, false, c->loc};
		const char *rest = name;
		if (g_str_has_prefix(name, "group.")) {
			rest = name + strlen("group.");
		} else if (g_str_has_prefix(name, "applicants.")) {
			rest = name + strlen("applicants.");
			col.applicant = true;
		}
		char *spec = g_strdup(rest);
		if (g_str_has_suffix(spec, "[]")) {
			spec[strlen(spec) - 2] = '\0';
			col.list = true;
		}
		col.path = g_strsplit(spec, ".", -1);
		g_free(spec);
		bool ok = col.path[0] != NULL;
		for (char **p = col.path; *p; p++)
			if (**p == '\0')
				ok = false;
		if (!ok) {
			ws_error_at(st->diags, c->loc, "bad column name '%s' (expected a dotted path such "
			            "as group.contact.mobile or applicants.passport_no)", name);
		} else if (!col.applicant && strcmp(col.path[0], "applicants") == 0) {
			ws_error_at(st->diags, c->loc, "column '%s': applicant fields are named "
			            "applicants.<field>", name);
			ok = false;
		}
		if (ok && !col.applicant && !col.path[1] && g_strv_contains(LIST_FIELDS, col.path[0]))
			col.list = true;
		/* Rows are grouped by the group_id's text; a list has none (found
		 * by fuzzing: `group_id[]` made read_row hash a NULL id). */
		if (ok && col.list && !col.applicant && !col.path[1] && strcmp(col.path[0], "group_id") == 0) {
			ws_error_at(st->diags, c->loc, "column '%s': group.group_id cannot be a list", name);
			ok = false;
		}
		/* A path may not be both a field and a map of fields. */
		GString *key = g_string_new(col.applicant ? "a:" : "g:");
		for (guint k = 0; ok && col.path[k]; k++) {
			if (k)
				g_string_append_c(key, '.');
			g_string_append(key, col.path[k]);
			gpointer hit;
			bool found = g_hash_table_lookup_extended(seen, key->str, NULL, &hit);
			int other = GPOINTER_TO_INT(hit);
			bool leaf = col.path[k + 1] == NULL;
			if (found && other > 0) {
				const column *o = &g_array_index(st->columns, column, other - 1);
				if (leaf)
					ws_error_at(st->diags, c->loc, "duplicate column '%s'", name);
				else
					ws_error_at(st->diags, c->loc, "column '%s' is inside column '%s', which "
					            "holds a value", name, o->name);
				ws_diag_add(st->diags, WS_SEVERITY_NOTE, o->loc, NULL, NULL,
				            "column '%s' is here", o->name);
				ok = false;
			} else if (found && leaf) {
				ws_error_at(st->diags, c->loc, "column '%s' holds a value, but other columns "
				            "hold fields inside it", name);
				ok = false;
			} else if (!found) {
				g_hash_table_insert(seen, g_strdup(key->str),
				                    GINT_TO_POINTER(leaf ? (int)st->columns->len + 1 : -1));
			}
		}
		g_string_free(key, TRUE);
		if (!ok) {
			fail(st);
			column_clear(&col);
			continue;
		}
		if (!col.applicant && !col.path[1] && strcmp(col.path[0], "group_id") == 0) {
			have_id = true;
			st->id_column = st->columns->len;
		}
		g_array_append_val(st->columns, col);
	}
	g_hash_table_unref(seen);
	if (st->status == WS_OK && !have_id) {
		ws_error_at(st->diags, st->row_loc,
		            "the CSV has no group.group_id column (rows are grouped by it)");
		fail(st);
	}
	if (st->status != WS_OK)
		st->fatal = true;
	st->header_done = true;
}

static ws_value *typed(csv_state *st, const char *text, size_t len, bool quoted, ws_loc at)
{
	if (quoted) {
		return ws_value_new_string_take(ws__nfc_dup(text, len), at);
	}
	return ws__plain_scalar(text, len, at, st->diags);
}

/* A list cell: items split on ';' or '、', trimmed, empty items dropped.
 * Each item is located at its own first character. */
static ws_value *list_value(csv_state *st, const cell *c)
{
	ws_value *list = ws_value_new_list(c->loc);
	unsigned col = c->loc.column + (c->quoted ? 1 : 0);
	const char *p = c->text, *end = c->text + c->len;
	while (p <= end) {
		const char *q = p;
		unsigned start_col = col;
		while (q < end && !is_list_separator(g_utf8_get_char(q))) {
			q = g_utf8_next_char(q);
			col++;
		}
		/* Trim, moving the start column past leading blanks. */
		const char *a = p, *b = q;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++, start_col++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a) {
			ws_value *item = typed(st, a, (size_t)(b - a), c->quoted,
			                       (ws_loc){st->file, c->loc.line, start_col});
			if (!item) {
				ws_value_unref(list);
				return NULL;
			}
			ws_value_list_append(list, item);
		}
		if (q >= end)
			break;
		p = g_utf8_next_char(q);
		col++;
	}
	return list;
}

static ws_value *cell_value(csv_state *st, const column *col, const cell *c)
{
	if (!c->text)
		return ws_value_new_null(c->loc);
	if (col->list)
		return list_value(st, c);
	return typed(st, c->text, c->len, c->quoted, c->loc);
}

/* Stores `v` (taken) at the column's path in `map`.  For group fields,
 * a value already there from an earlier row must be equal. */
static void set_field(csv_state *st, ws_value *map, const column *col, ws_value *v,
                      const char *group_id)
{
	ws_value *m = map;
	guint n = g_strv_length(col->path);
	for (guint k = 0; k + 1 < n; k++) {
		ws_value *child = ws_value_map_get(m, col->path[k]);
		if (!child && ws_value_is_null(v)) {
			/* Empty cells do not invent a map: a self-route group with empty
			 * fao_return_address.* columns has no return address, as in YAML. */
			ws_value_unref(v);
			return;
		}
		if (!child) {
			child = ws_value_new_map(ws_value_loc(v));
			ws_value_map_set(m, col->path[k], child, col->loc);
		}
		m = child;
	}
	const char *leaf = col->path[n - 1];
	ws_value *old = ws_value_map_get(m, leaf);
	if (!old || (ws_value_is_null(old) && !ws_value_is_null(v))) {
		ws_value_map_set(m, leaf, v, col->loc);
		return;
	}
	/* An empty cell on a later row means "as above". */
	if (ws_value_is_null(v) || ws_value_equal(old, v)) {
		ws_value_unref(v);
		return;
	}
	char *now = ws_value_to_string(v), *before = ws_value_to_string(old);
	ws_loc at = ws_value_loc(v), first = ws_value_loc(old);
	ws_error_at(st->diags, at, "group '%s': %s is %s on line %u but %s on line %u", group_id,
	            col->name, now, at.line, before, first.line);
	ws_diag_add(st->diags, WS_SEVERITY_NOTE, first, NULL, NULL, "the value on line %u is here",
	            first.line);
	g_free(now);
	g_free(before);
	ws_value_unref(v);
	fail(st);
}

static void read_row(csv_state *st)
{
	GArray *row = st->row;
	bool any = false;
	for (guint j = 0; j < row->len; j++)
		any |= g_array_index(row, cell, j).text != NULL;
	if (!any)
		return; /* a row of empty cells, such as ",,,", is a blank line */
	if (row->len > st->columns->len) {
		ws_error_at(st->diags, g_array_index(row, cell, st->columns->len).loc,
		            "this row has %u cells but the header names %u columns", row->len,
		            st->columns->len);
		fail(st);
		return;
	}
	/* Cells missing at the end of a short row are empty. */
	while (row->len < st->columns->len) {
		cell c = {NULL, 0, false, st->pos};
		g_array_append_val(row, c);
	}
	const cell *idc = &g_array_index(row, cell, st->id_column);
	if (!idc->text) {
		ws_error_at(st->diags, idc->loc, "this row has no group.group_id");
		fail(st);
		return;
	}

	ws_value **vals = g_new0(ws_value *, row->len);
	bool ok = true, has_applicant = false;
	for (guint j = 0; j < row->len; j++) {
		const column *col = &g_array_index(st->columns, column, j);
		const cell *c = &g_array_index(row, cell, j);
		vals[j] = cell_value(st, col, c);
		ok &= vals[j] != NULL;
		has_applicant |= col->applicant && c->text != NULL;
	}
	if (!ok) {
		for (guint j = 0; j < row->len; j++)
			ws_value_unref(vals[j]);
		g_free(vals);
		fail(st);
		return;
	}

	const char *id = ws_value_text(vals[st->id_column]);
	ws_value *group = g_hash_table_lookup(st->by_id, id);
	if (!group) {
		if (ws_value_length(st->groups) >= WS_LIMIT_GROUPS) {
			ws_diag_add(st->diags, WS_SEVERITY_ERROR, idc->loc, "limit", NULL,
			            "more than %u groups in one file", (unsigned)WS_LIMIT_GROUPS);
			fail(st);
			st->fatal = true;
			for (guint j = 0; j < row->len; j++)
				ws_value_unref(vals[j]);
			g_free(vals);
			return;
		}
		group = ws_value_new_map(st->row_loc);
		ws_value_list_append(st->groups, group);
		g_hash_table_insert(st->by_id, g_strdup(id), group);
	}
	char *gid = g_strdup(id);
	ws_value *applicant = has_applicant ? ws_value_new_map(st->row_loc) : NULL;
	ws_loc first_applicant_col = WS_LOC_NONE;
	for (guint j = 0; j < row->len; j++) {
		const column *col = &g_array_index(st->columns, column, j);
		if (!col->applicant) {
			set_field(st, group, col, vals[j], gid);
		} else if (applicant) {
			if (!first_applicant_col.file)
				first_applicant_col = col->loc;
			set_field(st, applicant, col, vals[j], gid);
		} else {
			ws_value_unref(vals[j]);
		}
	}
	g_free(vals);
	g_free(gid);
	if (applicant) {
		ws_value *list = ws_value_map_get(group, "applicants");
		if (ws_value_get_type(list) != WS_VALUE_LIST) {
			list = ws_value_new_list(st->row_loc);
			ws_value_map_set(group, "applicants", list, first_applicant_col);
		}
		ws_value_list_append(list, applicant);
	}
}

static void on_record(int terminator, void *ud)
{
	csv_state *st = ud;
	if (!st->fatal) {
		if (!st->header_done)
			read_header(st);
		else
			read_row(st);
	}
	g_array_set_size(st->row, 0);
	st->need_begin = true;
	st->row_begun = false;
}

/* Updates the tracking state for byte `i`, before libcsv sees it. */
static void before_byte(csv_state *st, unsigned char b)
{
	bool newline = b == '\r' || b == '\n';
	if (st->need_begin && !(newline && !st->row_begun)) {
		/* libcsv skips line breaks between records; anything else starts
		 * a cell (and maybe a record). */
		if (!st->row_begun)
			st->row_loc = st->pos;
		st->begin_loc = st->pos;
		st->need_begin = false;
		st->row_begun = true;
	}
	if (!st->need_begin && !st->have_first && b != ' ' && b != '\t' && b != ',' && !newline) {
		st->have_first = true;
		st->first_loc = st->pos;
		st->first_quoted = b == '"';
	}
}

static void after_byte(csv_state *st, const char *text, size_t len, size_t i)
{
	unsigned char b = (unsigned char)text[i];
	if (b == '\n' || (b == '\r' && !(i + 1 < len && text[i + 1] == '\n'))) {
		st->pos.line++;
		st->pos.column = 1;
	} else if (b != '\r' && (b & 0xC0) != 0x80) {
		st->pos.column++;
	}
}

int ws__csv_load_groups(ws_value **out_groups, const char *text, size_t len, const char *file,
                        ws_diags *diags)
{
	*out_groups = NULL;
	csv_state st = {
		.file = file,
		.diags = diags,
		.pos = {file, 1, 1},
		.need_begin = true,
		.row = g_array_new(FALSE, FALSE, sizeof(cell)),
		.columns = g_array_new(FALSE, FALSE, sizeof(column)),
		.groups = ws_value_new_list((ws_loc){file, 1, 1}),
		.by_id = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.status = WS_OK,
	};
	g_array_set_clear_func(st.row, cell_clear);
	g_array_set_clear_func(st.columns, column_clear);

	struct csv_parser p;
	/* STRICT: a stray quote is an error, not data; STRICT_FINI: an
	 * unterminated quoted cell at the end of the file is an error. */
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0) {
		g_array_unref(st.row);
		g_array_unref(st.columns);
		ws_value_unref(st.groups);
		g_hash_table_unref(st.by_id);
		return WS_ENOMEM;
	}
	int rc = WS_OK;
	for (size_t i = 0; i < len && !st.fatal; i++) {
		before_byte(&st, (unsigned char)text[i]);
		if (csv_parse(&p, text + i, 1, on_field, on_record, &st) != 1) {
			if (csv_error(&p) == CSV_ENOMEM || csv_error(&p) == CSV_ETOOBIG) {
				rc = WS_ENOMEM;
				ws_error_at(diags, st.pos, "out of memory while reading CSV");
			} else if (text[i] == '"') {
				rc = ws_error_at(diags, st.pos, "quote character inside an unquoted cell "
				                 "(quote the whole cell and write \"\" for a quote)");
			} else {
				rc = ws_error_at(diags, st.pos, "text after the closing quote of a quoted cell");
			}
			break;
		}
		after_byte(&st, text, len, i);
	}
	if (rc == WS_OK && !st.fatal && csv_fini(&p, on_field, on_record, &st) != 0)
		rc = ws_error_at(diags, st.first_loc, "quoted cell is not closed (the closing \" is "
		                 "missing)");
	csv_free(&p);

	if (rc == WS_OK && st.status == WS_OK) {
		ws_loc start = {file, 1, 1};
		if (!st.header_done)
			rc = ws_error_at(diags, start, "the CSV file is empty");
		else if (ws_value_length(st.groups) == 0)
			rc = ws_error_at(diags, start, "the CSV file has a header but no data rows");
	}
	if (rc == WS_OK)
		rc = st.status;
	g_array_unref(st.row);
	g_array_unref(st.columns);
	g_hash_table_unref(st.by_id);
	if (rc != WS_OK) {
		ws_value_unref(st.groups);
		return rc;
	}
	*out_groups = st.groups;
	return WS_OK;
}
