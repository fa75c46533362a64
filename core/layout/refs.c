/* Template paths checked against the data (layout.h,
 * ws_layout_check_data_paths): a misspelt `{{ it.pasport_no }}` prints
 * blank, so `check --data` names every path that no group has.
 *
 * The layout's own YAML is read again: every text (templates, `when`,
 * `each`) is searched for paths that start at `group` or at an `each`
 * item (`it` or its `as:` name), and each path is looked up in every
 * group, derived fields included.  A path is reported only when a map on
 * its way lacks the key in every group (a null on the way proves nothing),
 * and not when the text gives it a `| default(…)`.
 */
#include <glib.h>
#include <string.h>

#include "fields.h"
#include "layout-private.h"
#include "suggest.h"

typedef struct refs {
	const ws_value *const *groups;
	size_t n;
	const char *data_name;
	ws_diags *diags;
	GRegex *ref, *simple;
	GHashTable *said;  /* paths already reported */
} refs;

/* Looks `segs` up from `v`; true when some branch gets through.  On a
 * miss, *near collects the keys the failing map offers. */
static bool reach(const ws_value *v, char **segs, GPtrArray *near, guint *depth, guint at)
{
	if (!*segs)
		return true;
	ws_value_type t = ws_value_get_type(v);
	if (strcmp(*segs, "[*]") == 0) {
		if (t != WS_VALUE_LIST)
			return t != WS_VALUE_MAP; /* a null or text: cannot tell */
		bool any = ws_value_length(v) == 0;
		for (size_t i = 0; i < ws_value_length(v) && !any; i++)
			any = reach(ws_value_list_at(v, i), segs + 1, near, depth, at + 1);
		return any;
	}
	if (t != WS_VALUE_MAP)
		return true; /* null on the way, or a list indexed by name: not ours to judge */
	const ws_value *next = ws_value_map_get(v, *segs);
	if (!ws_value_map_get(v, *segs)) {
		bool present = false;
		for (size_t i = 0; i < ws_value_length(v); i++) {
			present = present || strcmp(ws_value_map_key_at(v, i), *segs) == 0;
			if (at >= *depth)
				g_ptr_array_add(near, (gpointer)ws_value_map_key_at(v, i));
		}
		if (at > *depth)
			*depth = at;
		return present;
	}
	return reach(next, segs + 1, near, depth, at + 1);
}

/* The input fields of the data format (fields.h) right below the first
 * `depth` segments: when no group has a near key, the field the layout
 * meant may still be one the format defines. */
static void table_names(char **segs, guint depth, GPtrArray *near)
{
	GString *prefix = g_string_new(NULL);
	for (guint i = 0; i < depth; i++) {
		if (strcmp(segs[i], "[*]") == 0)
			g_string_append(prefix, "[]");
		else
			g_string_append_printf(prefix, "%s%s", prefix->len ? "." : "", segs[i]);
	}
	const char *want = prefix->str;
	bool address = false;
	for (size_t i = 0; ws_data_field_at(i); i++) {
		const ws_data_field *f = ws_data_field_at(i);
		address = address || (f->type == WS_FIELD_ADDRESS && strcmp(f->path, want) == 0);
		size_t n = strlen(want);
		const char *rest = f->path + n + (n ? 1 : 0);
		if ((n == 0 || (strncmp(f->path, want, n) == 0 && f->path[n] == '.')) && !strpbrk(rest, ".["))
			g_ptr_array_add(near, (gpointer)rest);
		else if (n > 2 && strncmp(f->path, want, n - 2) == 0 && strncmp(f->path + n - 2, "[].", 3) == 0 &&
		         g_str_has_suffix(want, "[]") && !strpbrk(f->path + n + 1, ".["))
			g_ptr_array_add(near, (gpointer)(f->path + n + 1));
	}
	for (size_t i = 0; address && ws_address_field_at(i); i++)
		g_ptr_array_add(near, (gpointer)ws_address_field_at(i)->path);
	g_string_free(prefix, TRUE);
}

static void check_path(refs *r, const char *path, ws_loc loc)
{
	if (g_hash_table_contains(r->said, path))
		return;
	/* "group.applicants[*].passport_no" → ["applicants", "[*]", "passport_no"] */
	GPtrArray *segs = g_ptr_array_new_with_free_func(g_free);
	const char *p = path + strlen("group");
	while (*p) {
		if (*p == '.') {
			size_t len = strcspn(p + 1, ".[");
			g_ptr_array_add(segs, g_strndup(p + 1, len));
			p += 1 + len;
		} else if (*p == '[') {
			const char *end = strchr(p, ']');
			g_ptr_array_add(segs, g_strdup("[*]"));
			p = end ? end + 1 : p + strlen(p);
		} else {
			p++;
		}
	}
	g_ptr_array_add(segs, NULL);
	GPtrArray *near = g_ptr_array_new();
	guint depth = 0;
	bool found = r->n == 0;
	for (size_t i = 0; i < r->n && !found; i++)
		found = reach(r->groups[i], (char **)segs->pdata, near, &depth, 0);
	if (!found) {
		g_hash_table_add(r->said, g_strdup(path));
		const char *missing = depth < segs->len - 1 ? g_ptr_array_index(segs, depth) : "";
		const char *hint = ws_suggest(missing, (const char *const *)near->pdata, near->len);
		/* No group has anything near: follow the data format's own fields
		 * as far as the path names them, and suggest at the first segment
		 * it does not. */
		for (guint d = depth; !hint && d + 1 < segs->len; d++) {
			const char *seg = g_ptr_array_index(segs, d);
			g_ptr_array_set_size(near, 0);
			table_names((char **)segs->pdata, d, near);
			bool exact = strcmp(seg, "[*]") == 0;
			for (guint k = 0; k < near->len && !exact; k++)
				exact = strcmp(g_ptr_array_index(near, k), seg) == 0;
			if (!exact) {
				missing = seg;
				hint = ws_suggest(seg, (const char *const *)near->pdata, near->len);
				break;
			}
		}
		if (hint)
			ws_diag_add(r->diags, WS_SEVERITY_WARNING, loc, "path", NULL,
			            "'%s' is in no group of %s: it prints blank (did you mean '%s'?)", path, r->data_name, hint);
		else
			ws_diag_add(r->diags, WS_SEVERITY_WARNING, loc, "path", NULL,
			            "'%s' is in no group of %s: it prints blank", path, r->data_name);
	}
	g_ptr_array_free(near, TRUE);
	g_ptr_array_free(segs, TRUE);
}

/* Every path in the scalar `v` that starts at `group` or at an alias,
 * reported at the path's own first character (in a row of nine cells, the
 * line and the scalar's quote do not say which cell is misspelt). */
static void scan_text(refs *r, const ws_value *v, GHashTable *aliases)
{
	const char *text = ws_value_text(v);
	GMatchInfo *m = NULL;
	g_regex_match(r->ref, text, 0, &m);
	for (; g_match_info_matches(m); g_match_info_next(m, NULL)) {
		char *head = g_match_info_fetch(m, 1), *rest = g_match_info_fetch(m, 2);
		const char *base = g_hash_table_lookup(aliases, head);
		/* `x | default(…)` says the layout expects x to be missing. */
		gint end = 0;
		g_match_info_fetch_pos(m, 0, NULL, &end);
		const char *after = text + end;
		while (*after == ' ')
			after++;
		bool defaulted = *after == '|' &&
		                 strncmp(after + 1 + strspn(after + 1, " "), "default", 7) == 0;
		if (base && !defaulted) {
			gint start = 0;
			g_match_info_fetch_pos(m, 1, &start, NULL);
			char *path = g_strconcat(base, rest, NULL);
			check_path(r, path, ws_value_text_loc(v, (size_t)start));
			g_free(path);
		}
		g_free(head);
		g_free(rest);
	}
	g_match_info_free(m);
}

/* The path an `each:` walks, as seen from `aliases`, with "[*]"; NULL when
 * it is not a plain path (then its items are not followed). */
static char *each_base(refs *r, const char *src, GHashTable *aliases)
{
	GMatchInfo *m = NULL;
	char *out = NULL;
	if (g_regex_match(r->simple, src, 0, &m)) {
		char *head = g_match_info_fetch(m, 1), *rest = g_match_info_fetch(m, 2);
		const char *base = g_hash_table_lookup(aliases, head);
		if (base)
			out = g_strconcat(base, rest, "[*]", NULL);
		g_free(head);
		g_free(rest);
	}
	g_match_info_free(m);
	return out;
}

static void walk(refs *r, const ws_value *v, GHashTable *aliases, int depth)
{
	if (depth > 64)
		return;
	switch (ws_value_get_type(v)) {
	case WS_VALUE_STRING:
		scan_text(r, v, aliases);
		break;
	case WS_VALUE_LIST:
		for (size_t i = 0; i < ws_value_length(v); i++)
			walk(r, ws_value_list_at(v, i), aliases, depth + 1);
		break;
	case WS_VALUE_MAP: {
		const ws_value *each = ws_value_map_get(v, "each");
		GHashTable *inner = aliases;
		char *base = each && ws_value_text(each) ? each_base(r, ws_value_text(each), aliases) : NULL;
		if (base) {
			inner = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
			GHashTableIter it;
			gpointer k, val;
			g_hash_table_iter_init(&it, aliases);
			while (g_hash_table_iter_next(&it, &k, &val))
				g_hash_table_insert(inner, g_strdup(k), g_strdup(val));
			const char *as = ws_value_text(ws_value_map_get(v, "as"));
			g_hash_table_insert(inner, g_strdup(as && *as ? as : "it"), base);
		}
		for (size_t i = 0; i < ws_value_length(v); i++) {
			const ws_value *child = ws_value_map_value_at(v, i);
			/* `each:` itself is read from outside the loop */
			walk(r, child, child == each ? aliases : inner, depth + 1);
		}
		if (inner != aliases)
			g_hash_table_unref(inner);
		break;
	}
	default:
		break;
	}
}

int ws_layout_check_data_paths(const ws_layout *l, const ws_value *const *groups, size_t n,
                               const char *data_name, ws_diags *diags)
{
	refs r = {groups, n, data_name ? data_name : "the data", diags, NULL, NULL, NULL};
	r.ref = g_regex_new("\\b([A-Za-z_][A-Za-z0-9_]*)((?:\\.[A-Za-z_][A-Za-z0-9_]*|\\[[0-9]+\\])+)", 0, 0, NULL);
	r.simple = g_regex_new("^\\s*(?:\\{\\{)?\\s*([A-Za-z_][A-Za-z0-9_]*)((?:\\.[A-Za-z_][A-Za-z0-9_]*)*)\\s*(?:\\}\\})?\\s*$",
	                       0, 0, NULL);
	r.said = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *aliases = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_hash_table_insert(aliases, g_strdup("group"), g_strdup("group"));
	/* `fields:` names input paths without `group.`; their rules check them. */
	for (size_t i = 0; i < ws_value_length(l->source); i++)
		if (strcmp(ws_value_map_key_at(l->source, i), "fields") != 0)
			walk(&r, ws_value_map_value_at(l->source, i), aliases, 0);
	g_hash_table_unref(aliases);
	g_hash_table_unref(r.said);
	g_regex_unref(r.ref);
	g_regex_unref(r.simple);
	return WS_OK;
}
