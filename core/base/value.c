/* Values: reference-counted trees with source locations.  See value.h. */
#include "value.h"

#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct map_entry {
	char *key;      /* owned */
	ws_loc key_loc;
	ws_value *val;  /* owned reference */
} map_entry;

/* Where a quoted string's text stands in its file (ws_value_set_text_map):
 * most strings have none, so it lives in the union's room, which strings do
 * not otherwise use. */
typedef struct text_step {
	size_t at;        /* byte of the text */
	unsigned column;  /* where it stands on the start's line */
} text_step;

typedef struct text_map {
	ws_loc start;
	size_t n;
	text_step step[];
} text_map;

struct ws_value {
	gint refcount;          /* atomic */
	ws_value_type type;
	ws_loc loc;
	char *text;             /* owned: scalar text ("" for null); NULL for containers */
	size_t text_len;
	union {
		bool b;
		double n;
		text_map *origin;   /* strings: owned, or NULL */
		GPtrArray *list;    /* of ws_value*, owned references */
		struct {
			GArray *entries;    /* of map_entry */
			GHashTable *index;  /* key → index+1 (GUINT_TO_POINTER); built lazily */
		} map;
	} u;
};

/* Maps shorter than this are searched linearly: most data maps are small,
 * and a hash table per map would double the memory of a loaded file. */
#define MAP_INDEX_THRESHOLD 16

static ws_value *value_alloc(ws_value_type type, ws_loc loc)
{
	ws_value *v = g_new0(ws_value, 1);
	v->refcount = 1;
	v->type = type;
	v->loc = loc;
	return v;
}

ws_value *ws_value_new_null(ws_loc loc)
{
	ws_value *v = value_alloc(WS_VALUE_NULL, loc);
	v->text = g_strdup("");
	return v;
}

ws_value *ws_value_new_bool(bool b, ws_loc loc)
{
	ws_value *v = value_alloc(WS_VALUE_BOOL, loc);
	v->u.b = b;
	v->text = g_strdup(b ? "true" : "false");
	v->text_len = strlen(v->text);
	return v;
}

/* Formats a number the shortest way that reads back the same: integers
 * without a decimal point, others with up to 15 significant digits. */
static char *format_number(double n)
{
	if (isnan(n))
		return g_strdup("nan");
	if (isinf(n))
		return g_strdup(n < 0 ? "-inf" : "inf");
	if (n == floor(n) && fabs(n) < 1e15)
		return g_strdup_printf("%.0f", n);
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	g_ascii_formatd(buf, sizeof buf, "%.15g", n);
	return g_strdup(buf);
}

ws_value *ws_value_new_number(double n, ws_loc loc)
{
	ws_value *v = value_alloc(WS_VALUE_NUMBER, loc);
	v->u.n = n;
	v->text = format_number(n);
	v->text_len = strlen(v->text);
	return v;
}

ws_value *ws_value_new_number_text(double n, const char *text, ws_loc loc)
{
	ws_value *v = value_alloc(WS_VALUE_NUMBER, loc);
	v->u.n = n;
	v->text = g_strdup(text);
	v->text_len = strlen(v->text);
	return v;
}

ws_value *ws_value_new_string_len(const char *s, size_t len, ws_loc loc)
{
	ws_value *v = value_alloc(WS_VALUE_STRING, loc);
	v->text = g_strndup(s, len);
	v->text_len = len;
	return v;
}

ws_value *ws_value_new_string(const char *s, ws_loc loc)
{
	return ws_value_new_string_len(s, strlen(s), loc);
}

ws_value *ws_value_new_string_take(char *s, ws_loc loc)
{
	ws_value *v = value_alloc(WS_VALUE_STRING, loc);
	v->text = s;
	v->text_len = strlen(s);
	return v;
}

ws_value *ws_value_new_list(ws_loc loc)
{
	ws_value *v = value_alloc(WS_VALUE_LIST, loc);
	v->u.list = g_ptr_array_new_with_free_func((GDestroyNotify)ws_value_unref);
	return v;
}

ws_value *ws_value_new_map(ws_loc loc)
{
	ws_value *v = value_alloc(WS_VALUE_MAP, loc);
	v->u.map.entries = g_array_new(FALSE, FALSE, sizeof(map_entry));
	return v;
}

ws_value *ws_value_ref(ws_value *v)
{
	if (v)
		g_atomic_int_inc(&v->refcount);
	return v;
}

void ws_value_unref(ws_value *v)
{
	if (!v || !g_atomic_int_dec_and_test(&v->refcount))
		return;
	switch (v->type) {
	case WS_VALUE_LIST:
		g_ptr_array_unref(v->u.list);
		break;
	case WS_VALUE_MAP:
		for (guint i = 0; i < v->u.map.entries->len; i++) {
			map_entry *e = &g_array_index(v->u.map.entries, map_entry, i);
			g_free(e->key);
			ws_value_unref(e->val);
		}
		g_array_unref(v->u.map.entries);
		if (v->u.map.index)
			g_hash_table_unref(v->u.map.index);
		break;
	case WS_VALUE_STRING:
		g_free(v->u.origin);
		break;
	default:
		break;
	}
	g_free(v->text);
	g_free(v);
}

ws_value_type ws_value_get_type(const ws_value *v)
{
	return v ? v->type : WS_VALUE_NULL;
}

const char *ws_value_type_name(ws_value_type t)
{
	switch (t) {
	case WS_VALUE_NULL: return "null";
	case WS_VALUE_BOOL: return "boolean";
	case WS_VALUE_NUMBER: return "number";
	case WS_VALUE_STRING: return "string";
	case WS_VALUE_LIST: return "list";
	case WS_VALUE_MAP: return "map";
	}
	return "unknown";
}

ws_loc ws_value_loc(const ws_value *v)
{
	return v ? v->loc : WS_LOC_NONE;
}

ws_loc ws_value_text_loc(const ws_value *v, size_t offset)
{
	if (!v)
		return WS_LOC_NONE;
	const text_map *m = v->type == WS_VALUE_STRING ? v->u.origin : NULL;
	ws_loc start = m ? m->start : v->loc;
	unsigned line = start.line ? start.line : 1;
	unsigned base = start.line && start.column ? start.column : 1;
	unsigned col = base;
	size_t from = 0;
	for (size_t k = 0; m && k < m->n && m->step[k].at <= offset; k++) {
		from = m->step[k].at;
		col = m->step[k].column;
	}
	const char *text = v->text ? v->text : "";
	from = MIN(from, v->text_len);
	offset = MIN(offset, v->text_len);
	return ws_loc_along((ws_loc){start.file, line, col}, base, text + from, offset > from ? offset - from : 0);
}

ws_loc ws_loc_along(ws_loc at, unsigned base, const char *text, size_t len)
{
	for (const char *p = text, *end = text + len; p < end;) {
		if (*p == '\n') {
			at.line++;
			at.column = base;
			p++;
			continue;
		}
		at.column++;
		p = g_utf8_next_char(p);
	}
	return at;
}

void ws_value_set_text_map(ws_value *v, ws_loc start, const size_t *at, const unsigned *cols, size_t n)
{
	if (!v || v->type != WS_VALUE_STRING)
		return;
	g_free(v->u.origin);
	text_map *m = g_malloc(sizeof(text_map) + n * sizeof(text_step));
	m->start = start;
	m->n = n;
	for (size_t k = 0; k < n; k++)
		m->step[k] = (text_step){at[k], cols[k]};
	v->u.origin = m;
}

bool ws_value_is_null(const ws_value *v)
{
	return !v || v->type == WS_VALUE_NULL;
}

bool ws_value_bool(const ws_value *v)
{
	return v && v->type == WS_VALUE_BOOL && v->u.b;
}

double ws_value_number(const ws_value *v)
{
	return v && v->type == WS_VALUE_NUMBER ? v->u.n : 0.0;
}

const char *ws_value_text(const ws_value *v)
{
	if (!v)
		return "";
	return v->text; /* NULL for containers, by contract */
}

size_t ws_value_text_len(const ws_value *v)
{
	return v && v->text ? v->text_len : 0;
}

bool ws_value_truthy(const ws_value *v)
{
	if (!v)
		return false;
	switch (v->type) {
	case WS_VALUE_NULL: return false;
	case WS_VALUE_BOOL: return v->u.b;
	case WS_VALUE_NUMBER: return v->u.n != 0 && !isnan(v->u.n);
	case WS_VALUE_STRING: return v->text_len > 0;
	case WS_VALUE_LIST: return v->u.list->len > 0;
	case WS_VALUE_MAP: return v->u.map.entries->len > 0;
	}
	return false;
}

size_t ws_value_length(const ws_value *v)
{
	if (!v)
		return 0;
	if (v->type == WS_VALUE_LIST)
		return v->u.list->len;
	if (v->type == WS_VALUE_MAP)
		return v->u.map.entries->len;
	return 0;
}

ws_value *ws_value_list_at(const ws_value *list, size_t i)
{
	if (!list || list->type != WS_VALUE_LIST || i >= list->u.list->len)
		return NULL;
	return g_ptr_array_index(list->u.list, i);
}

void ws_value_list_append(ws_value *list, ws_value *item)
{
	g_return_if_fail(list && list->type == WS_VALUE_LIST);
	g_ptr_array_add(list->u.list, item);
}

static gssize map_find(const ws_value *map, const char *key)
{
	GArray *entries = map->u.map.entries;
	if (map->u.map.index) {
		gpointer p = g_hash_table_lookup(map->u.map.index, key);
		return p ? (gssize)GPOINTER_TO_UINT(p) - 1 : -1;
	}
	for (guint i = 0; i < entries->len; i++)
		if (strcmp(g_array_index(entries, map_entry, i).key, key) == 0)
			return i;
	return -1;
}

static void map_reindex(ws_value *map)
{
	GArray *entries = map->u.map.entries;
	if (entries->len < MAP_INDEX_THRESHOLD) {
		if (map->u.map.index) {
			g_hash_table_unref(map->u.map.index);
			map->u.map.index = NULL;
		}
		return;
	}
	if (!map->u.map.index)
		map->u.map.index = g_hash_table_new(g_str_hash, g_str_equal);
	else
		g_hash_table_remove_all(map->u.map.index);
	for (guint i = 0; i < entries->len; i++)
		g_hash_table_insert(map->u.map.index, g_array_index(entries, map_entry, i).key,
		                    GUINT_TO_POINTER(i + 1));
}

ws_value *ws_value_map_get(const ws_value *map, const char *key)
{
	if (!map || map->type != WS_VALUE_MAP || !key)
		return NULL;
	gssize i = map_find(map, key);
	return i < 0 ? NULL : g_array_index(map->u.map.entries, map_entry, i).val;
}

const char *ws_value_map_key_at(const ws_value *map, size_t i)
{
	if (!map || map->type != WS_VALUE_MAP || i >= map->u.map.entries->len)
		return NULL;
	return g_array_index(map->u.map.entries, map_entry, i).key;
}

ws_loc ws_value_map_key_loc(const ws_value *map, size_t i)
{
	if (!map || map->type != WS_VALUE_MAP || i >= map->u.map.entries->len)
		return WS_LOC_NONE;
	return g_array_index(map->u.map.entries, map_entry, i).key_loc;
}

ws_value *ws_value_map_value_at(const ws_value *map, size_t i)
{
	if (!map || map->type != WS_VALUE_MAP || i >= map->u.map.entries->len)
		return NULL;
	return g_array_index(map->u.map.entries, map_entry, i).val;
}

void ws_value_map_set(ws_value *map, const char *key, ws_value *val, ws_loc key_loc)
{
	g_return_if_fail(map && map->type == WS_VALUE_MAP && key);
	gssize i = map_find(map, key);
	if (i >= 0) {
		map_entry *e = &g_array_index(map->u.map.entries, map_entry, i);
		ws_value_unref(e->val);
		e->val = val;
		return;
	}
	map_entry e = {g_strdup(key), key_loc, val};
	g_array_append_val(map->u.map.entries, e);
	GArray *entries = map->u.map.entries;
	if (map->u.map.index)
		g_hash_table_insert(map->u.map.index, g_array_index(entries, map_entry, entries->len - 1).key,
		                    GUINT_TO_POINTER(entries->len));
	else if (entries->len >= MAP_INDEX_THRESHOLD)
		map_reindex(map);
}

bool ws_value_map_remove(ws_value *map, const char *key)
{
	if (!map || map->type != WS_VALUE_MAP || !key)
		return false;
	gssize i = map_find(map, key);
	if (i < 0)
		return false;
	map_entry *e = &g_array_index(map->u.map.entries, map_entry, i);
	g_free(e->key);
	ws_value_unref(e->val);
	g_array_remove_index(map->u.map.entries, (guint)i);
	map_reindex(map);
	return true;
}

/* Parses one path step: a key up to '.', '[' or end; or "[N]". */
ws_value *ws_value_lookup(const ws_value *root, const char *path)
{
	const ws_value *cur = root;
	const char *p = path;
	if (!cur || !path)
		return NULL;
	while (*p) {
		if (*p == '.') {
			p++;
			continue;
		}
		if (*p == '[') {
			char *end;
			errno = 0;
			unsigned long long idx = strtoull(p + 1, &end, 10);
			if (end == p + 1 || *end != ']' || errno)
				return NULL;
			cur = ws_value_list_at(cur, (size_t)idx);
			p = end + 1;
		} else {
			size_t n = strcspn(p, ".[");
			char *key = g_strndup(p, n);
			if (cur && cur->type == WS_VALUE_LIST && g_ascii_isdigit(key[0])) {
				char *end;
				unsigned long long idx = strtoull(key, &end, 10);
				cur = *end ? NULL : ws_value_list_at(cur, (size_t)idx);
			} else {
				cur = ws_value_map_get(cur, key);
			}
			g_free(key);
			p += n;
		}
		if (!cur)
			return NULL;
	}
	return (ws_value *)cur;
}

ws_value *ws_value_copy(const ws_value *v)
{
	if (!v)
		return NULL;
	ws_value *c;
	switch (v->type) {
	case WS_VALUE_LIST:
		c = ws_value_new_list(v->loc);
		for (guint i = 0; i < v->u.list->len; i++)
			ws_value_list_append(c, ws_value_copy(g_ptr_array_index(v->u.list, i)));
		return c;
	case WS_VALUE_MAP:
		c = ws_value_new_map(v->loc);
		for (guint i = 0; i < v->u.map.entries->len; i++) {
			map_entry *e = &g_array_index(v->u.map.entries, map_entry, i);
			ws_value_map_set(c, e->key, ws_value_copy(e->val), e->key_loc);
		}
		return c;
	default:
		c = value_alloc(v->type, v->loc);
		c->u = v->u;
		if (v->type == WS_VALUE_STRING && v->u.origin)
			c->u.origin = g_memdup2(v->u.origin, sizeof(text_map) + v->u.origin->n * sizeof(text_step));
		c->text = g_strndup(v->text, v->text_len);
		c->text_len = v->text_len;
		return c;
	}
}

bool ws_value_equal(const ws_value *a, const ws_value *b)
{
	ws_value_type ta = ws_value_get_type(a), tb = ws_value_get_type(b);
	if (ta != tb)
		return false;
	switch (ta) {
	case WS_VALUE_NULL:
		return true;
	case WS_VALUE_LIST:
		if (a->u.list->len != b->u.list->len)
			return false;
		for (guint i = 0; i < a->u.list->len; i++)
			if (!ws_value_equal(g_ptr_array_index(a->u.list, i), g_ptr_array_index(b->u.list, i)))
				return false;
		return true;
	case WS_VALUE_MAP:
		if (a->u.map.entries->len != b->u.map.entries->len)
			return false;
		for (guint i = 0; i < a->u.map.entries->len; i++) {
			map_entry *e = &g_array_index(a->u.map.entries, map_entry, i);
			if (!ws_value_equal(e->val, ws_value_map_get(b, e->key)))
				return false;
		}
		return true;
	case WS_VALUE_NUMBER:
		return a->u.n == b->u.n;
	default:
		return a->text_len == b->text_len && memcmp(a->text, b->text, a->text_len) == 0;
	}
}

static void append_quoted(GString *out, const char *s, size_t len)
{
	g_string_append_c(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			g_string_append_printf(out, "\\%c", c);
		else if (c < 0x20)
			g_string_append_printf(out, "\\x%02x", c);
		else
			g_string_append_c(out, (char)c);
	}
	g_string_append_c(out, '"');
}

static void to_string(GString *out, const ws_value *v)
{
	switch (ws_value_get_type(v)) {
	case WS_VALUE_NULL:
		g_string_append(out, "null");
		break;
	case WS_VALUE_STRING:
		append_quoted(out, v->text, v->text_len);
		break;
	case WS_VALUE_LIST:
		g_string_append_c(out, '[');
		for (guint i = 0; i < v->u.list->len; i++) {
			if (i)
				g_string_append(out, ", ");
			to_string(out, g_ptr_array_index(v->u.list, i));
		}
		g_string_append_c(out, ']');
		break;
	case WS_VALUE_MAP:
		g_string_append_c(out, '{');
		for (guint i = 0; i < v->u.map.entries->len; i++) {
			map_entry *e = &g_array_index(v->u.map.entries, map_entry, i);
			if (i)
				g_string_append(out, ", ");
			g_string_append_printf(out, "%s: ", e->key);
			to_string(out, e->val);
		}
		g_string_append_c(out, '}');
		break;
	default:
		g_string_append_len(out, v->text, (gssize)v->text_len);
		break;
	}
}

char *ws_value_to_string(const ws_value *v)
{
	GString *out = g_string_new(NULL);
	to_string(out, v);
	return g_string_free(out, FALSE);
}
