/* Data files: YAML/JSON/CSV → a list of group maps.  See data.h. */
#include "data.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "loader-private.h"
#include "wslimits.h"
#include "wsyaml.h"

/* What every group is checked for, whether kept (ws_dataset) or handed
 * over one by one (ws_data_each): a map, with a text group_id unique in
 * the file, and not too many of them. */
typedef struct group_checker {
	GHashTable *first; /* group_id → ws_loc* of its first use; both owned */
	size_t count;      /* groups accepted */
} group_checker;

struct ws_dataset {
	const char *path;  /* interned */
	GPtrArray *groups; /* of ws_value* (group maps), owned references */
	GHashTable *by_id; /* group_id text → group map (borrowed from `groups`) */
	group_checker checker;
};

static const char *extension(const char *name)
{
	const char *base = strrchr(name, '/');
	const char *dot = strrchr(base ? base + 1 : name, '.');
	return dot ? dot : "";
}

typedef enum data_format { FORMAT_UNKNOWN, FORMAT_YAML, FORMAT_CSV } data_format;

static data_format format_of(const char *name)
{
	const char *ext = extension(name);
	if (g_ascii_strcasecmp(ext, ".yaml") == 0 || g_ascii_strcasecmp(ext, ".yml") == 0 ||
	    g_ascii_strcasecmp(ext, ".json") == 0)
		return FORMAT_YAML;
	if (g_ascii_strcasecmp(ext, ".csv") == 0)
		return FORMAT_CSV;
	return FORMAT_UNKNOWN;
}

/* A .json file is read by the YAML loader (JSON is YAML 1.2's subset), which
 * would take a C-style block comment or "# note" outside a string as data
 * or skip it.
 * Strict JSON has no comments, and a spreadsheet export never writes them,
 * so a comment is refused where it starts: the file was edited by hand, or
 * is not what it says. */
static int json_comments(const char *buf, size_t len, const char *file, ws_diags *diags)
{
	unsigned line = 1, col = 1;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (in_string) {
			if (c == '\\' && i + 1 < len && buf[i + 1] != '\n')
				i++, col++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '#' || (c == '/' && i + 1 < len && (buf[i + 1] == '*' || buf[i + 1] == '/'))) {
			ws_loc at = {file, line, col};
			const char *what = c == '#' ? "#" : buf[i + 1] == '*' ? "/*" : "//";
			return ws_error_at(diags, at, "a .json file must be strict JSON: comments ('%s') are not allowed",
			                   what);
		}
		if (c == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)c & 0xC0) != 0x80) {
			col++; /* columns count characters, as the YAML loader's do */
		}
	}
	return WS_OK;
}

static bool is_json(const char *name)
{
	return g_ascii_strcasecmp(extension(name), ".json") == 0;
}

static int unknown_type(const char *file, const char *name, ws_diags *diags)
{
	ws_loc at = {file, 0, 0};
	return ws_error_at(diags, at, "unknown data file type '%s' (expected .yaml, .yml, .json or .csv)",
	                   extension(name));
}

static bool is_scalar(const ws_value *v)
{
	ws_value_type t = ws_value_get_type(v);
	return t == WS_VALUE_STRING || t == WS_VALUE_NUMBER || t == WS_VALUE_BOOL;
}

static void checker_init(group_checker *gc)
{
	gc->first = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	gc->count = 0;
}

static void checker_clear(group_checker *gc)
{
	if (gc->first)
		g_hash_table_unref(gc->first);
	gc->first = NULL;
}

/* The note's number is `note.number`; `note.no`, which YAML 1.1 tools read
 * as the key false, is still accepted.  Both spellings are made present
 * (the same value, at the place it was written), so plugins and layouts
 * may read either; two different numbers are an error. */
static int note_number(ws_value *group, ws_diags *diags)
{
	ws_value *note = ws_value_map_get(group, "note");
	if (ws_value_get_type(note) != WS_VALUE_MAP)
		return WS_OK;
	ws_value *number = ws_value_map_get(note, "number"), *no = ws_value_map_get(note, "no");
	if (number && no) {
		if (ws_value_equal(number, no))
			return WS_OK;
		ws_error_at(diags, ws_value_loc(number), "the note has two numbers: 'number' and 'no' differ (write only 'number')");
		ws_diag_add(diags, WS_SEVERITY_NOTE, ws_value_loc(no), NULL, NULL, "'no' is here");
		return WS_EINPUT;
	}
	const char *key = number ? "no" : "number";
	ws_value *have = number ? number : no;
	if (!have)
		return WS_OK;
	for (size_t i = 0; i < ws_value_length(note); i++)
		if (ws_value_map_value_at(note, i) == have) {
			ws_value_map_set(note, key, ws_value_ref(have), ws_value_map_key_loc(note, i));
			break;
		}
	return WS_OK;
}

/* Checks `group` and, when it is good, counts it and records its id. */
static int check_group(group_checker *gc, ws_value *group, ws_diags *diags)
{
	ws_loc at = ws_value_loc(group);
	if (ws_value_get_type(group) != WS_VALUE_MAP)
		return ws_error_at(diags, at, "a group must be a map of group fields, not a %s",
		                   ws_value_type_name(ws_value_get_type(group)));
	if (gc->count >= WS_LIMIT_GROUPS)
		return ws_diag_add(diags, WS_SEVERITY_ERROR, at, "limit", NULL,
		                   "more than %u groups in one file", (unsigned)WS_LIMIT_GROUPS);
	ws_value *id = ws_value_map_get(group, "group_id");
	if (!id || ws_value_is_null(id))
		return ws_error_at(diags, id ? ws_value_loc(id) : at, "group has no group_id");
	if (!is_scalar(id) || ws_value_text_len(id) == 0)
		return ws_error_at(diags, ws_value_loc(id), "group_id must be text, not a %s",
		                   ws_value_type_name(ws_value_get_type(id)));
	const ws_loc *first = g_hash_table_lookup(gc->first, ws_value_text(id));
	if (first) {
		ws_error_at(diags, ws_value_loc(id), "duplicate group_id '%s'", ws_value_text(id));
		ws_diag_add(diags, WS_SEVERITY_NOTE, *first, NULL, NULL, "group '%s' was first defined here",
		            ws_value_text(id));
		return WS_EINPUT;
	}
	ws_loc *loc = g_new(ws_loc, 1);
	*loc = ws_value_loc(id);
	g_hash_table_insert(gc->first, g_strdup(ws_value_text(id)), loc);
	gc->count++;
	return note_number(group, diags);
}

/* Where the groups of a file go: kept in a dataset, or handed over. */
typedef int (*group_sink)(ws_value *group, void *user, ws_diags *diags);

static int add_group(ws_value *group, void *user, ws_diags *diags)
{
	ws_dataset *ds = user;
	int rc = check_group(&ds->checker, group, diags);
	if (rc != WS_OK)
		return rc;
	g_ptr_array_add(ds->groups, ws_value_ref(group));
	g_hash_table_insert(ds->by_id, (gpointer)ws_value_text(ws_value_map_get(group, "group_id")), group);
	return WS_OK;
}

/* Checks the top level of a YAML/JSON data file and collects its groups.
 * Every problem is reported, not only the first. */
static int collect_yaml(const ws_value *root, size_t streamed, group_sink sink, void *user, ws_diags *diags)
{
	if (ws_value_get_type(root) != WS_VALUE_MAP) {
		if (ws_value_is_null(root))
			return ws_error_at(diags, ws_value_loc(root),
			                   "the data file is empty (expected 'group:' or 'groups:')");
		return ws_error_at(diags, ws_value_loc(root),
		                   "a data file must be a map with 'group:' or 'groups:', not a %s",
		                   ws_value_type_name(ws_value_get_type(root)));
	}
	int rc = WS_OK;
	size_t which = SIZE_MAX; /* index of the 'group' or 'groups' entry */
	for (size_t i = 0; i < ws_value_length(root); i++) {
		const char *key = ws_value_map_key_at(root, i);
		ws_loc kat = ws_value_map_key_loc(root, i);
		if (strcmp(key, "group") != 0 && strcmp(key, "groups") != 0) {
			rc = ws_error_at(diags, kat, "unknown top-level key '%s' (expected 'group' or 'groups')",
			                 key);
			continue;
		}
		if (which != SIZE_MAX) {
			rc = ws_error_at(diags, kat, "a data file holds either 'group:' or 'groups:', not both");
			ws_diag_add(diags, WS_SEVERITY_NOTE, ws_value_map_key_loc(root, which), NULL,
			            NULL, "'%s' is here", ws_value_map_key_at(root, which));
			continue;
		}
		which = i;
	}
	if (which == SIZE_MAX) {
		ws_error_at(diags, ws_value_loc(root), "a data file needs 'group:' or 'groups:'");
		return WS_EINPUT;
	}
	if (rc != WS_OK)
		return rc;
	const char *key = ws_value_map_key_at(root, which);
	ws_value *val = ws_value_map_value_at(root, which);
	if (strcmp(key, "group") == 0) {
		if (ws_value_get_type(val) != WS_VALUE_MAP)
			return ws_error_at(diags, ws_value_loc(val),
			                   "'group' must be a map of group fields, not a %s",
			                   ws_value_type_name(ws_value_get_type(val)));
		return sink(val, user, diags);
	}
	if (ws_value_get_type(val) != WS_VALUE_LIST)
		return ws_error_at(diags, ws_value_loc(val), "'groups' must be a list of groups, not a %s",
		                   ws_value_type_name(ws_value_get_type(val)));
	/* Streamed items were checked as they came. */
	if (ws_value_length(val) + streamed == 0)
		return ws_error_at(diags, ws_value_loc(val), "'groups' is empty");
	if (ws_value_length(val) > WS_LIMIT_GROUPS)
		return ws_diag_add(diags, WS_SEVERITY_ERROR, ws_value_loc(val), "limit", NULL,
		                   "more than %u groups in one file", (unsigned)WS_LIMIT_GROUPS);
	for (size_t i = 0; i < ws_value_length(val); i++) {
		int r = sink(ws_value_list_at(val, i), user, diags);
		if (r != WS_OK)
			rc = r;
	}
	return rc;
}

static ws_dataset *dataset_new(const char *path)
{
	ws_dataset *ds = g_new0(ws_dataset, 1);
	ds->path = g_intern_string(path);
	ds->groups = g_ptr_array_new_with_free_func((GDestroyNotify)ws_value_unref);
	ds->by_id = g_hash_table_new(g_str_hash, g_str_equal);
	checker_init(&ds->checker);
	return ds;
}

void ws_dataset_free(ws_dataset *ds)
{
	if (!ds)
		return;
	g_hash_table_unref(ds->by_id);
	g_ptr_array_unref(ds->groups);
	checker_clear(&ds->checker);
	g_free(ds);
}

int ws_data_load_buffer(ws_dataset **out, const char *buf, size_t len, const char *name,
                        ws_diags *diags)
{
	*out = NULL;
	if (!name || (!buf && len))
		return WS_EUSAGE;
	const char *file = g_intern_string(name);
	data_format fmt = format_of(name);
	if (fmt == FORMAT_UNKNOWN)
		return unknown_type(file, name, diags);

	ws_dataset *ds = dataset_new(name);
	int rc;
	if (fmt == FORMAT_YAML) {
		ws_value *root = NULL;
		rc = is_json(name) ? json_comments(buf, len, file, diags) : WS_OK;
		if (rc == WS_OK)
			rc = ws_yaml_load_buffer(&root, buf, len, name, diags);
		if (rc == WS_OK)
			rc = collect_yaml(root, 0, add_group, ds, diags);
		ws_value_unref(root);
	} else {
		const char *text = buf ? buf : "";
		size_t skip = 0;
		ws_value *groups = NULL;
		rc = ws__check_text(text, len, file, &skip, diags);
		if (rc == WS_OK)
			rc = ws__csv_load_groups(&groups, text + skip, len - skip, file, diags);
		for (size_t i = 0; rc == WS_OK && i < ws_value_length(groups); i++)
			rc = add_group(ws_value_list_at(groups, i), ds, diags);
		ws_value_unref(groups);
	}
	if (rc != WS_OK) {
		ws_dataset_free(ds);
		return rc;
	}
	*out = ds;
	return WS_OK;
}

/* The bytes of the data file at `path`, refused by type before opening
 * so that the message names the real problem. */
static int read_data_file(const char *path, char **buf, size_t *len, ws_diags *diags)
{
	if (format_of(path) == FORMAT_UNKNOWN)
		return unknown_type(g_intern_string(path), path, diags);
	return ws__read_file(path, WS_LIMIT_FILE_SIZE, buf, len, diags);
}

int ws_data_load_file(ws_dataset **out, const char *path, ws_diags *diags)
{
	*out = NULL;
	if (!path)
		return WS_EUSAGE;
	char *buf;
	size_t len;
	int rc = read_data_file(path, &buf, &len, diags);
	if (rc != WS_OK)
		return rc;
	rc = ws_data_load_buffer(out, buf, len, path, diags);
	g_free(buf);
	return rc;
}

size_t ws_dataset_count(const ws_dataset *ds)
{
	return ds ? ds->groups->len : 0;
}

ws_value *ws_dataset_group(const ws_dataset *ds, size_t i)
{
	if (!ds || i >= ds->groups->len)
		return NULL;
	return g_ptr_array_index(ds->groups, i);
}

ws_value *ws_dataset_find(const ws_dataset *ds, const char *group_id)
{
	if (!ds || !group_id)
		return NULL;
	return g_hash_table_lookup(ds->by_id, group_id);
}

const char *ws_dataset_path(const ws_dataset *ds)
{
	return ds ? ds->path : NULL;
}

/* ---- Group by group -------------------------------------------------- */

typedef struct each_state {
	group_checker checker;
	ws_data_each_fn fn;
	void *user;
	ws_diags *diags;
	size_t index;  /* of the next item, good or bad */
	int rc;        /* first problem with a group */
	bool stopped;
} each_state;

static int hand_over(ws_value *group, void *user, ws_diags *diags)
{
	each_state *st = user;
	size_t index = st->index++;
	int rc = check_group(&st->checker, group, diags);
	if (rc != WS_OK) {
		if (st->rc == WS_OK)
			st->rc = rc;
		return rc;
	}
	if (!st->stopped && !st->fn(group, index, st->user))
		st->stopped = true;
	return WS_OK;
}

static bool stream_item(ws_value *item, void *user)
{
	each_state *st = user;
	hand_over(item, st, st->diags);
	return !st->stopped;
}

int ws_data_each_buffer(const char *buf, size_t len, const char *name, ws_data_each_fn fn, void *user,
                        ws_diags *diags)
{
	if (!name || !fn || (!buf && len))
		return WS_EUSAGE;
	const char *path = name;
	const char *file = g_intern_string(name);
	data_format fmt = format_of(name);
	if (fmt == FORMAT_UNKNOWN)
		return unknown_type(file, name, diags);
	if (!buf)
		buf = "";
	int rc;
	each_state st = {.fn = fn, .user = user, .diags = diags, .rc = WS_OK};
	checker_init(&st.checker);
	if (fmt == FORMAT_YAML) {
		ws_value *root = NULL;
		size_t streamed = 0;
		rc = is_json(name) ? json_comments(buf, len, file, diags) : WS_OK;
		if (rc == WS_OK)
			rc = ws__yaml_stream(&root, buf, len, path, "groups", stream_item, &st, &streamed, diags);
		if (rc == WS_OK && !st.stopped)
			rc = collect_yaml(root, streamed, hand_over, &st, diags);
		ws_value_unref(root);
	} else {
		/* A group's rows may be anywhere in a CSV file: it is read whole. */
		size_t skip = 0;
		ws_value *groups = NULL;
		rc = ws__check_text(buf, len, file, &skip, diags);
		if (rc == WS_OK)
			rc = ws__csv_load_groups(&groups, buf + skip, len - skip, file, diags);
		for (size_t i = 0; rc == WS_OK && !st.stopped && i < ws_value_length(groups); i++)
			hand_over(ws_value_list_at(groups, i), &st, diags);
		ws_value_unref(groups);
	}
	checker_clear(&st.checker);
	return rc != WS_OK ? rc : st.rc;
}

int ws_data_each(const char *path, ws_data_each_fn fn, void *user, ws_diags *diags)
{
	if (!path || !fn)
		return WS_EUSAGE;
	char *buf;
	size_t len;
	int rc = read_data_file(path, &buf, &len, diags);
	if (rc != WS_OK)
		return rc;
	rc = ws_data_each_buffer(buf, len, path, fn, user, diags);
	g_free(buf);
	return rc;
}
