/* The plugin registry (see plugin.h for the checks and their order). */
#include "plugin.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suggest.h"
#include "paths.h"
#include "readfile.h"
#include "ws-config.h"

#define WS_PLUGIN_NAME_MAX 64
#define RULE "plugin"

struct ws_plugin {
	char *path;            /* the resolved file that was opened */
	void *handle;          /* dlopen() handle */
	ws_plugin_desc desc;   /* host copy, zero-filled past the plugin's struct_size;
	                        * kinds and elements point at the copies below */
	ws_kind_desc *kinds;   /* owned: host copies, zero-filled past the plugin's kind_size */
	ws_element_desc *elements; /* owned: likewise, past element_size */
};

typedef struct entry {
	const void *desc;      /* ws_kind_desc or ws_element_desc, in the plugin */
	const char *name;
	ws_plugin *owner;
} entry;

/* A plugin file found by scanning the directories, not yet opened. */
typedef struct candidate {
	char *name;            /* the plugin name: the file's stem */
	char *path;            /* as found */
	const char *dir;       /* the trusted directory (borrowed from dirs) */
	char **serves;         /* names from its sidecar (NAME.serves), or NULL */
	bool tried;            /* opened already (loaded or refused) */
} candidate;

struct ws_registry {
	GPtrArray *dirs;       /* char *, realpath()ed */
	GPtrArray *plugins;    /* ws_plugin * */
	GArray *kinds;         /* entry */
	GArray *elements;      /* entry */
	GPtrArray *candidates; /* candidate *, in search order (ws_registry_scan) */
	GHashTable *refused;   /* names whose file was refused: not tried again */
	ws_diags *pending;     /* what loads on first use had to say */
	bool (*builtin_element)(const char *name);
};

#define END_OF(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

/* What each ABI minor promises to be in ws_plugin_desc and in each element
 * of its arrays: the end of the struct's last field in that minor.  A
 * minor bump appends a row. */
static const struct {
	size_t desc, kind, element;
} size_for_minor[] = {
	[0] = {END_OF(ws_plugin_desc, n_elements), END_OF(ws_kind_desc, validate),
	       END_OF(ws_element_desc, draw)},
	[1] = {END_OF(ws_plugin_desc, n_elements), END_OF(ws_kind_desc, data),
	       END_OF(ws_element_desc, data)},
};
_Static_assert(sizeof size_for_minor / sizeof size_for_minor[0] == WS_PLUGIN_ABI_MINOR + 1,
               "one entry per ABI minor");

/* An accepted plugin stays mapped until the process ends, as GStreamer's
 * do: plugins keep process-wide caches (compiled regular expressions,
 * lookup tables) that have no teardown hook in the ABI, and unmapping them
 * would turn those caches into leaks and any pointer a caller kept into a
 * crash.  Refused modules are closed at once (load_file). */
static void candidate_free(void *data)
{
	candidate *c = data;
	g_free(c->name);
	g_free(c->path);
	g_strfreev(c->serves);
	g_free(c);
}

static void plugin_free(ws_plugin *p)
{
	if (!p)
		return;
	g_free(p->kinds);
	g_free(p->elements);
	g_free(p->path);
	g_free(p);
}

int ws_registry_new(ws_registry **out)
{
	if (!out)
		return WS_EUSAGE;
	ws_registry *r = g_new0(ws_registry, 1);
	r->dirs = g_ptr_array_new_with_free_func(g_free);
	r->plugins = g_ptr_array_new();
	r->kinds = g_array_new(FALSE, FALSE, sizeof(entry));
	r->elements = g_array_new(FALSE, FALSE, sizeof(entry));
	r->candidates = g_ptr_array_new_with_free_func(candidate_free);
	r->refused = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r->pending = ws_diags_new();
	*out = r;
	return WS_OK;
}

void ws_registry_free(ws_registry *r)
{
	if (!r)
		return;
	g_array_free(r->kinds, TRUE);
	g_array_free(r->elements, TRUE);
	/* close in reverse load order */
	for (guint i = r->plugins->len; i > 0; i--)
		plugin_free(g_ptr_array_index(r->plugins, i - 1));
	g_ptr_array_free(r->plugins, TRUE);
	g_ptr_array_free(r->candidates, TRUE);
	g_hash_table_destroy(r->refused);
	ws_diags_free(r->pending);
	g_ptr_array_free(r->dirs, TRUE);
	g_free(r);
}

/* ---- names ---------------------------------------------------------- */

bool ws_plugin_name_valid(const char *name)
{
	if (!name || !*name || name[0] == '.' || name[0] == '-')
		return false;
	size_t n = 0;
	for (const char *p = name; *p; p++, n++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return n <= WS_PLUGIN_NAME_MAX;
}

static bool kind_name_valid(const char *name)
{
	if (!name || !*name || strlen(name) > WS_PLUGIN_NAME_MAX)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

static bool element_name_valid(const char *name)
{
	if (!name || !*name || strlen(name) > WS_PLUGIN_NAME_MAX)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

/* ---- directories ---------------------------------------------------- */

static int add_dir(ws_registry *r, const char *dir, ws_diags *diags, ws_severity sev,
                   const char *origin)
{
	const char *from = origin ? origin : "";
	if (!dir || !*dir) {
		ws_diag_add(diags, sev, WS_LOC_NONE, RULE, NULL, "%sempty plugin directory refused",
		            from);
		return WS_EUSAGE;
	}
	if (!g_path_is_absolute(dir)) {
		ws_diag_add(diags, sev, WS_LOC_NONE, RULE, NULL,
		            "%splugin directory '%s' refused: not an absolute path "
		            "(plugins are never loaded from the current directory)", from, dir);
		return WS_EUSAGE;
	}
	char *real = realpath(dir, NULL);
	struct stat st;
	if (!real || stat(real, &st) != 0) {
		int e = errno;
		free(real);
		ws_diag_add(diags, sev, WS_LOC_NONE, RULE, NULL,
		            "%splugin directory '%s' refused: %s", from, dir, g_strerror(e));
		return WS_EUSAGE;
	}
	const char *why = NULL;
	if (!S_ISDIR(st.st_mode))
		why = "not a directory";
	else if (st.st_mode & S_IWOTH)
		why = "world-writable";
	if (why) {
		ws_diag_add(diags, sev, WS_LOC_NONE, RULE, NULL,
		            "%splugin directory '%s' refused: %s", from, dir, why);
		free(real);
		return WS_EUSAGE;
	}
	for (guint i = 0; i < r->dirs->len; i++) {
		if (strcmp(g_ptr_array_index(r->dirs, i), real) == 0) {
			free(real);
			return WS_OK;
		}
	}
	g_ptr_array_add(r->dirs, g_strdup(real));
	free(real);
	return WS_OK;
}

int ws_registry_add_dir(ws_registry *r, const char *dir, ws_diags *diags)
{
	if (!r)
		return WS_EUSAGE;
	return add_dir(r, dir, diags, WS_SEVERITY_ERROR, NULL);
}

int ws_registry_add_default_dirs(ws_registry *r, ws_diags *diags)
{
	if (!r)
		return WS_EUSAGE;
	const char *env = g_getenv("WENSHU_PLUGIN_PATH");
	if (env && *env) {
		char **parts = g_strsplit(env, ":", -1);
		for (char **p = parts; *p; p++)
			if (**p) /* empty entries ("a::b", trailing ':') are skipped */
				add_dir(r, *p, diags, WS_SEVERITY_WARNING, "$WENSHU_PLUGIN_PATH: ");
		g_strfreev(parts);
	}
	if (ws_paths_running_from_build_tree()) {
		char *dir = g_build_filename(WS_BUILD_DIR, "plugins", NULL);
		if (g_file_test(dir, G_FILE_TEST_IS_DIR))
			add_dir(r, dir, diags, WS_SEVERITY_WARNING, NULL);
		g_free(dir);
	}
	if (g_file_test(ws_paths_installed_plugin_dir(), G_FILE_TEST_IS_DIR))
		add_dir(r, ws_paths_installed_plugin_dir(), diags, WS_SEVERITY_WARNING, NULL);
	return WS_OK;
}

size_t ws_registry_dir_count(const ws_registry *r)
{
	return r ? r->dirs->len : 0;
}

const char *ws_registry_dir_at(const ws_registry *r, size_t i)
{
	return r && i < r->dirs->len ? g_ptr_array_index(r->dirs, i) : NULL;
}

/* ---- lookups -------------------------------------------------------- */

static const entry *find_entry(const GArray *a, const char *name)
{
	if (!name)
		return NULL;
	for (guint i = 0; i < a->len; i++) {
		const entry *e = &g_array_index(a, entry, i);
		if (strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

static ws_plugin *find_plugin(const ws_registry *r, const char *name)
{
	for (guint i = 0; i < r->plugins->len; i++) {
		ws_plugin *p = g_ptr_array_index(r->plugins, i);
		if (strcmp(p->desc.name, name) == 0)
			return p;
	}
	return NULL;
}

/* Loads on first use (plugin.h): the registry's lookups are logically
 * const, but a lookup may open the plugin that serves the name. */
static bool load_for_name(ws_registry *r, const char *name);
static void load_every_candidate(ws_registry *r, ws_diags *diags);

static const entry *lookup(const ws_registry *cr, GArray *(*table)(ws_registry *), const char *name)
{
	if (!cr || !name)
		return NULL;
	ws_registry *r = (ws_registry *)cr;
	const entry *e = find_entry(table(r), name);
	if (!e && load_for_name(r, name))
		e = find_entry(table(r), name);
	return e;
}

static GArray *kinds_of(ws_registry *r)
{
	return r->kinds;
}

static GArray *elements_of(ws_registry *r)
{
	return r->elements;
}

/* Enumerations (every kind, every element type) need every plugin. */
static const ws_registry *loaded_all(const ws_registry *cr)
{
	if (cr)
		load_every_candidate((ws_registry *)cr, cr->pending);
	return cr;
}

const ws_kind_desc *ws_registry_find_kind(const ws_registry *r, const char *kind)
{
	const entry *e = lookup(r, kinds_of, kind);
	return e ? e->desc : NULL;
}

const ws_element_desc *ws_registry_find_element(const ws_registry *r, const char *name)
{
	const entry *e = lookup(r, elements_of, name);
	return e ? e->desc : NULL;
}

const ws_plugin_desc *ws_registry_kind_plugin(const ws_registry *r, const char *kind)
{
	const entry *e = lookup(r, kinds_of, kind);
	return e ? &e->owner->desc : NULL;
}

const ws_plugin_desc *ws_registry_element_plugin(const ws_registry *r, const char *name)
{
	const entry *e = lookup(r, elements_of, name);
	return e ? &e->owner->desc : NULL;
}

size_t ws_registry_plugin_count(const ws_registry *r)
{
	return r ? r->plugins->len : 0;
}

const ws_plugin_desc *ws_registry_plugin_at(const ws_registry *r, size_t i)
{
	if (!r || i >= r->plugins->len)
		return NULL;
	return &((ws_plugin *)g_ptr_array_index(r->plugins, i))->desc;
}

const char *ws_registry_plugin_path(const ws_registry *r, size_t i)
{
	if (!r || i >= r->plugins->len)
		return NULL;
	return ((ws_plugin *)g_ptr_array_index(r->plugins, i))->path;
}

size_t ws_registry_kind_count(const ws_registry *r)
{
	return r ? loaded_all(r)->kinds->len : 0;
}

const ws_kind_desc *ws_registry_kind_at(const ws_registry *r, size_t i)
{
	return r && i < loaded_all(r)->kinds->len ? g_array_index(r->kinds, entry, i).desc : NULL;
}

size_t ws_registry_element_count(const ws_registry *r)
{
	return r ? loaded_all(r)->elements->len : 0;
}

const ws_element_desc *ws_registry_element_at(const ws_registry *r, size_t i)
{
	return r && i < loaded_all(r)->elements->len ? g_array_index(r->elements, entry, i).desc : NULL;
}

static const char **entry_names(const GArray *a)
{
	const char **names = g_new0(const char *, a->len + 1);
	for (guint i = 0; i < a->len; i++)
		names[i] = g_array_index(a, entry, i).name;
	return names;
}

const char **ws_registry_kind_names(const ws_registry *r)
{
	return r ? entry_names(loaded_all(r)->kinds) : g_new0(const char *, 1);
}

const char **ws_registry_element_names(const ws_registry *r)
{
	return r ? entry_names(loaded_all(r)->elements) : g_new0(const char *, 1);
}

const char *ws_registry_suggest(const ws_registry *r, const char *unknown_kind)
{
	if (!r)
		return NULL;
	const char **names = entry_names(loaded_all(r)->kinds);
	const char *s = ws_suggest(unknown_kind, names, r->kinds->len);
	g_free(names);
	return s;
}

const char *ws_registry_suggest_element(const ws_registry *r, const char *unknown)
{
	if (!r)
		return NULL;
	const char **names = entry_names(loaded_all(r)->elements);
	const char *s = ws_suggest(unknown, names, r->elements->len);
	g_free(names);
	return s;
}

void ws_registry_take_diags(const ws_registry *r, ws_diags *to)
{
	if (!r)
		return;
	if (to)
		ws_diags_move(to, r->pending);
	else
		ws_diags_clear(r->pending);
}

void ws_registry_set_builtin_elements(ws_registry *r, bool (*is_builtin)(const char *name))
{
	if (r)
		r->builtin_element = is_builtin;
}

/* ---- loading one file ----------------------------------------------- */

typedef struct load_ctx {
	ws_registry *r;
	ws_diags *diags;
	ws_severity sev;       /* of refusals */
	const char *stem;      /* the plugin name the file was found under */
	const char *path;      /* as found */
} load_ctx;

static int refuse(const load_ctx *c, const char *fmt, ...) WS_PRINTF(2, 3);
static int refuse(const load_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ws_diag_add(c->diags, c->sev, WS_LOC_NONE, RULE, NULL, "plugin '%s' (%s) refused: %s",
	            c->stem, c->path, why);
	g_free(why);
	return WS_EPLUGIN;
}

/* Check 1, before anything is opened.  On success *resolved is the file
 * to open (g_free). */
static int check_file(const load_ctx *c, const char *trusted, char **resolved)
{
	char *real = realpath(c->path, NULL);
	if (!real)
		return refuse(c, "cannot resolve the file: %s", g_strerror(errno));
	size_t n = strlen(trusted);
	if (strncmp(real, trusted, n) != 0 || real[n] != '/') {
		int rc = refuse(c, "the file resolves to '%s', outside the trusted directory '%s'",
		                real, trusted);
		free(real);
		return rc;
	}
	struct stat st, dst;
	char *dir = g_path_get_dirname(real);
	const char *why = NULL;
	if (stat(real, &st) != 0)
		why = g_strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_mode & S_IWOTH)
		why = "the file is world-writable";
	else if (stat(dir, &dst) != 0 || (dst.st_mode & S_IWOTH))
		why = "its directory is world-writable";
	g_free(dir);
	if (why) {
		int rc = refuse(c, "%s", why);
		free(real);
		return rc;
	}
	*resolved = g_strdup(real);
	free(real);
	return WS_OK;
}

/* Copies `n` entries of `stride` bytes each from a plugin's array into
 * host structs of `size` bytes, zero-filling what the plugin's (older)
 * struct does not have.  Caller frees. */
static void *copy_array(const void *from, size_t n, size_t stride, size_t size)
{
	char *to = g_malloc0_n(n ? n : 1, size);
	for (size_t i = 0; i < n; i++)
		memcpy(to + i * size, (const char *)from + i * stride, MIN(stride, size));
	return to;
}

/* Checks 5–8 on the host copy of the descriptor; fills p->desc and the
 * host copies of the kinds and element types. */
static int check_desc(const load_ctx *c, const ws_plugin_desc *raw, ws_plugin *p)
{
	ws_plugin_desc *copy = &p->desc;
	if (raw->abi_major != WS_PLUGIN_ABI_MAJOR || raw->abi_minor > WS_PLUGIN_ABI_MINOR)
		return refuse(c, "it was built for ABI %u.%u, wenshu has %u.%u (field %s)",
		              (unsigned)raw->abi_major, (unsigned)raw->abi_minor,
		              (unsigned)WS_PLUGIN_ABI_MAJOR, (unsigned)WS_PLUGIN_ABI_MINOR,
		              raw->abi_major != WS_PLUGIN_ABI_MAJOR ? "abi_major" : "abi_minor");
	size_t need = size_for_minor[raw->abi_minor].desc;
	if (raw->struct_size < need)
		return refuse(c, "field struct_size is %u, ABI %u.%u needs at least %zu",
		              (unsigned)raw->struct_size, (unsigned)raw->abi_major,
		              (unsigned)raw->abi_minor, need);
	/* Copy what the plugin has; fields of newer minors stay zero. */
	memset(copy, 0, sizeof *copy);
	memcpy(copy, raw, MIN((size_t)raw->struct_size, sizeof *copy));
	if (copy->n_kinds && copy->kind_size < size_for_minor[raw->abi_minor].kind)
		return refuse(c, "field kind_size is %u, ABI %u.%u needs at least %zu",
		              (unsigned)copy->kind_size, (unsigned)raw->abi_major,
		              (unsigned)raw->abi_minor, size_for_minor[raw->abi_minor].kind);
	if (copy->n_elements && copy->element_size < size_for_minor[raw->abi_minor].element)
		return refuse(c, "field element_size is %u, ABI %u.%u needs at least %zu",
		              (unsigned)copy->element_size, (unsigned)raw->abi_major,
		              (unsigned)raw->abi_minor, size_for_minor[raw->abi_minor].element);
	/* A plugin's own counts are bounded before anything is allocated. */
	if (copy->n_kinds > 1024 || copy->n_elements > 1024)
		return refuse(c, "field %s is %zu; at most 1024 are accepted",
		              copy->n_kinds > 1024 ? "n_kinds" : "n_elements",
		              copy->n_kinds > 1024 ? copy->n_kinds : copy->n_elements);
	if (!copy->name || !*copy->name)
		return refuse(c, "field name is missing");
	if (strcmp(copy->name, c->stem) != 0)
		return refuse(c, "field name is '%s', but the file is named '%s'", copy->name,
		              c->stem);
	if (!copy->version || !*copy->version)
		return refuse(c, "field version is missing");
	if (copy->n_kinds && !copy->kinds)
		return refuse(c, "field kinds is NULL but n_kinds is %zu", copy->n_kinds);
	if (copy->n_elements && !copy->elements)
		return refuse(c, "field elements is NULL but n_elements is %zu", copy->n_elements);
	p->kinds = copy_array(copy->kinds, copy->n_kinds, copy->kind_size, sizeof(ws_kind_desc));
	p->elements = copy_array(copy->elements, copy->n_elements, copy->element_size,
	                         sizeof(ws_element_desc));
	copy->kinds = p->kinds;
	copy->elements = p->elements;
	copy->kind_size = sizeof(ws_kind_desc);
	copy->element_size = sizeof(ws_element_desc);

	for (size_t i = 0; i < copy->n_kinds; i++) {
		const char *k = copy->kinds[i].name;
		if (!kind_name_valid(k))
			return refuse(c, "field kinds[%zu].name is %s%s%s (want [a-z0-9-]+)", i,
			              k ? "'" : "", k ? k : "missing", k ? "'" : "");
	}
	for (size_t i = 0; i < copy->n_elements; i++) {
		const ws_element_desc *el = &copy->elements[i];
		if (!element_name_valid(el->name))
			return refuse(c, "field elements[%zu].name is %s%s%s (want [a-z0-9_-]+)", i,
			              el->name ? "'" : "", el->name ? el->name : "missing",
			              el->name ? "'" : "");
		if (!el->draw)
			return refuse(c, "field elements[%zu].draw is missing (element type '%s')", i,
			              el->name);
	}

	/* Duplicates, last: with this plugin itself and with those loaded. */
	ws_plugin *other = find_plugin(c->r, copy->name);
	if (other)
		return refuse(c, "field name: a plugin named '%s' is already loaded from %s",
		              copy->name, other->path);
	for (size_t i = 0; i < copy->n_kinds; i++) {
		const char *k = copy->kinds[i].name;
		const entry *e = find_entry(c->r->kinds, k);
		if (e)
			return refuse(c, "field kinds[%zu].name: kind '%s' is already served by plugin '%s'",
			              i, k, e->owner->desc.name);
		for (size_t j = 0; j < i; j++)
			if (strcmp(copy->kinds[j].name, k) == 0)
				return refuse(c, "field kinds[%zu].name: kind '%s' is listed twice", i, k);
	}
	for (size_t i = 0; i < copy->n_elements; i++) {
		const char *el = copy->elements[i].name;
		const entry *e = find_entry(c->r->elements, el);
		if (e)
			return refuse(c, "field elements[%zu].name: element type '%s' is already added by plugin '%s'",
			              i, el, e->owner->desc.name);
		for (size_t j = 0; j < i; j++)
			if (strcmp(copy->elements[j].name, el) == 0)
				return refuse(c, "field elements[%zu].name: element type '%s' is listed twice",
				              i, el);
	}
	return WS_OK;
}

static int load_file(ws_registry *r, const char *trusted, const char *path, const char *stem,
                     ws_severity sev, ws_diags *diags)
{
	load_ctx c = {r, diags, sev, stem, path};
	char *real = NULL;
	int rc = check_file(&c, trusted, &real);
	if (rc != WS_OK)
		return rc;

	dlerror();
	void *handle = dlopen(real, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		const char *err = dlerror();
		rc = refuse(&c, "cannot open it: %s", err ? err : "unknown error");
		g_free(real);
		return rc;
	}
	dlerror();
	const char *entry_name = WS_PLUGIN_ENTRY_SYMBOL;
	void *sym = dlsym(handle, entry_name);
	if (!sym) {
		/* ABI 1 named its entry differently; its descriptor starts with
		 * the same three fields, so the version check below can name it. */
		entry_name = WS_PLUGIN_ENTRY_SYMBOL_V1;
		sym = dlsym(handle, entry_name);
	}
	if (!sym) {
		rc = refuse(&c, "entry symbol %s not found", WS_PLUGIN_ENTRY_SYMBOL);
		goto fail;
	}
	ws_plugin_entry_fn entry_fn;
	/* POSIX guarantees a data pointer from dlsym converts to a function
	 * pointer; ISO C does not, hence the memcpy. */
	memcpy(&entry_fn, &sym, sizeof entry_fn);
	const ws_plugin_desc *raw = entry_fn();
	if (!raw) {
		rc = refuse(&c, "entry function %s returned no descriptor", entry_name);
		goto fail;
	}
	ws_plugin *p = g_new0(ws_plugin, 1);
	rc = check_desc(&c, raw, p);
	if (rc != WS_OK) {
		plugin_free(p);
		goto fail;
	}
	p->handle = handle;
	p->path = real;
	g_ptr_array_add(r->plugins, p);
	for (size_t i = 0; i < p->desc.n_kinds; i++) {
		entry e = {&p->desc.kinds[i], p->desc.kinds[i].name, p};
		g_array_append_val(r->kinds, e);
	}
	for (size_t i = 0; i < p->desc.n_elements; i++) {
		entry e = {&p->desc.elements[i], p->desc.elements[i].name, p};
		g_array_append_val(r->elements, e);
		/* Never used: a layout's `text:` finds the built-in type first.
		 * Loading it silently would hide that from the plugin's author. */
		const char *el = p->desc.elements[i].name;
		if (r->builtin_element && r->builtin_element(el))
			ws_diag_add(diags, WS_SEVERITY_WARNING, WS_LOC_NONE, RULE, NULL,
			            "plugin '%s' declares an element type '%s', which is built in: layouts get the "
			            "built-in '%s', never the plugin's", p->desc.name, el, el);
	}
	return WS_OK;

fail:
	dlclose(handle);
	g_free(real);
	return rc;
}

/* ---- search --------------------------------------------------------- */

/* The candidate files for `name` in `dir`, in search order (g_strfreev). */
static char **candidates(const char *dir, const char *name)
{
	char *so = g_strconcat(name, ".so", NULL);
	char *libso = g_strconcat("lib", name, ".so", NULL);
	char **v = g_new0(char *, 5);
	v[0] = g_build_filename(dir, name, so, NULL);
	v[1] = g_build_filename(dir, name, libso, NULL);
	v[2] = g_build_filename(dir, so, NULL);
	v[3] = g_build_filename(dir, libso, NULL);
	g_free(so);
	g_free(libso);
	return v;
}

/* The first candidate that exists (lstat: a dangling symlink is still
 * found, and then refused by check_file), or NULL. */
static char *find_in_dir(const char *dir, const char *name)
{
	char **v = candidates(dir, name);
	char *found = NULL;
	struct stat st;
	for (char **p = v; *p && !found; p++)
		if (lstat(*p, &st) == 0 && !S_ISDIR(st.st_mode))
			found = g_strdup(*p);
	g_strfreev(v);
	return found;
}

int ws_registry_load(ws_registry *r, const char *name, ws_diags *diags)
{
	if (!r)
		return WS_EUSAGE;
	if (!ws_plugin_name_valid(name)) {
		ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, RULE, NULL,
		            "'%s' is not a plugin name (plugins are loaded by name from the plugin "
		            "directories, never by path; a name is [a-z0-9_-]+)",
		            name ? name : "(null)");
		return WS_EUSAGE;
	}
	if (find_plugin(r, name))
		return WS_OK;
	for (guint i = 0; i < r->dirs->len; i++) {
		const char *dir = g_ptr_array_index(r->dirs, i);
		char *path = find_in_dir(dir, name);
		if (!path)
			continue;
		int rc = load_file(r, dir, path, name, WS_SEVERITY_ERROR, diags);
		g_free(path);
		return rc;
	}
	GString *dirs = g_string_new(NULL);
	for (guint i = 0; i < r->dirs->len; i++)
		g_string_append_printf(dirs, "%s%s", i ? ", " : "",
		                       (const char *)g_ptr_array_index(r->dirs, i));
	ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, RULE, NULL,
	            "no plugin named '%s' in the plugin directories (%s)", name,
	            dirs->len ? dirs->str : "none configured");
	g_string_free(dirs, TRUE);
	return WS_EPLUGIN;
}

/* The plugin name a directory entry stands for, or NULL (g_free). */
static char *entry_stem(const char *dir, const char *ent)
{
	char *stem = NULL;
	if (g_str_has_suffix(ent, ".so")) {
		size_t n = strlen(ent) - 3;
		const char *start = ent;
		if (g_str_has_prefix(ent, "lib") && n > 3) {
			start += 3;
			n -= 3;
		}
		stem = g_strndup(start, n);
	} else {
		char *sub = g_build_filename(dir, ent, NULL);
		if (g_file_test(sub, G_FILE_TEST_IS_DIR))
			stem = g_strdup(ent);
		g_free(sub);
	}
	if (stem && !ws_plugin_name_valid(stem)) {
		g_free(stem);
		stem = NULL;
	}
	return stem;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A module's sidecar: the module's path with ".so" replaced by ".serves".
 * It names the kinds and element types the plugin serves that are not
 * named after it, one per line ('#' starts a comment), so that they too
 * are found without opening the module.  Read as data, bounded, never
 * blocking; an unreadable sidecar is ignored with a warning. */
#define SIDECAR_MAX 65536

static char **read_sidecar(const char *module, ws_diags *diags)
{
	char *path = g_strdup_printf("%.*s.serves", (int)(strlen(module) - 3), module);
	struct stat st;
	char **names = NULL;
	if (lstat(path, &st) == 0) {
		char *text = NULL;
		size_t len = 0;
		ws_diags *mine = ws_diags_new();
		if (ws__read_file(path, SIDECAR_MAX, &text, &len, mine) == WS_OK) {
			GPtrArray *v = g_ptr_array_new();
			char **lines = g_strsplit(text, "\n", -1);
			for (char **l = lines; *l; l++) {
				char *hash = strchr(*l, '#');
				if (hash)
					*hash = '\0';
				g_strstrip(*l);
				if (**l && element_name_valid(*l))
					g_ptr_array_add(v, g_strdup(*l));
				else if (**l)
					ws_diag_add(diags, WS_SEVERITY_WARNING, WS_LOC_NONE, RULE, NULL,
					            "%s: '%s' is not a kind or element type name; ignored", path, *l);
			}
			g_strfreev(lines);
			g_ptr_array_add(v, NULL);
			names = (char **)g_ptr_array_free(v, FALSE);
		} else {
			for (size_t i = 0; i < ws_diags_count(mine); i++)
				ws_diag_add(diags, WS_SEVERITY_WARNING, WS_LOC_NONE, RULE, NULL, "plugin sidecar ignored: %s",
				            ws_diags_at(mine, i)->message);
		}
		g_free(text);
		ws_diags_free(mine);
	}
	g_free(path);
	return names;
}

int ws_registry_scan(ws_registry *r, ws_diags *diags)
{
	if (!r)
		return WS_EUSAGE;
	guint scanned = 0;
	g_ptr_array_set_size(r->candidates, 0);
	/* name → path of the file that won, over all directories */
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; i < r->plugins->len; i++) {
		ws_plugin *p = g_ptr_array_index(r->plugins, i);
		g_hash_table_insert(seen, g_strdup(p->desc.name), g_strdup(p->path));
	}
	for (guint d = 0; d < r->dirs->len; d++) {
		const char *dir = g_ptr_array_index(r->dirs, d);
		DIR *dh = opendir(dir);
		if (!dh) {
			ws_diag_add(diags, WS_SEVERITY_WARNING, WS_LOC_NONE, RULE, NULL,
			            "cannot scan plugin directory '%s': %s", dir, g_strerror(errno));
			continue;
		}
		scanned++;
		GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
		struct dirent *de;
		while ((de = readdir(dh))) {
			char *stem = entry_stem(dir, de->d_name);
			if (stem)
				g_ptr_array_add(names, stem);
		}
		closedir(dh);
		g_ptr_array_sort(names, cmp_str);
		for (guint i = 0; i < names->len; i++) {
			const char *name = g_ptr_array_index(names, i);
			if (i > 0 && strcmp(name, g_ptr_array_index(names, i - 1)) == 0)
				continue; /* x.so and x/ both seen; find_in_dir picks one */
			char *path = find_in_dir(dir, name);
			if (!path)
				continue; /* a subdirectory without a module */
			const char *winner = g_hash_table_lookup(seen, name);
			if (winner) {
				/* the very file already loaded (say, by name) is no news */
				if (!same_file(winner, path))
					ws_diag_add(diags, WS_SEVERITY_NOTE, WS_LOC_NONE, RULE, NULL,
					            "plugin '%s' (%s) not loaded: shadowed by %s", name,
					            path, winner);
				g_free(path);
				continue;
			}
			g_hash_table_insert(seen, g_strdup(name), g_strdup(path));
			candidate *c = g_new0(candidate, 1);
			c->name = g_strdup(name);
			c->path = path;
			c->dir = dir;
			c->serves = read_sidecar(path, diags);
			c->tried = find_plugin(r, name) || g_hash_table_contains(r->refused, name);
			g_ptr_array_add(r->candidates, c);
		}
		g_ptr_array_free(names, TRUE);
	}
	g_hash_table_destroy(seen);
	if (scanned == 0) {
		/* Say where we looked: an empty registry is almost always an
		 * installation or environment problem the user must locate. */
		GString *where = g_string_new(NULL);
		for (guint i = 0; i < r->dirs->len; i++)
			g_string_append_printf(where, "%s%s", i ? ", " : "", (const char *)g_ptr_array_index(r->dirs, i));
		const char *env = g_getenv("WENSHU_PLUGIN_PATH");
		ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, RULE, NULL,
		            "%s; searched: %s%s$WENSHU_PLUGIN_PATH (%s), %s (installed%s)",
		            r->dirs->len ? "no plugin directory could be scanned" : "no plugin directory configured",
		            where->str, where->len ? ", " : "", env && *env ? env : "unset",
		            ws_paths_installed_plugin_dir(),
		            g_file_test(ws_paths_installed_plugin_dir(), G_FILE_TEST_IS_DIR) ? "" : ", missing");
		g_string_free(where, TRUE);
		return WS_EIO;
	}
	return WS_OK;
}

/* Opens a candidate found by the scan, once. */
static void try_candidate(ws_registry *r, candidate *c, ws_diags *diags)
{
	if (c->tried)
		return;
	c->tried = true;
	if (find_plugin(r, c->name))
		return;
	if (load_file(r, c->dir, c->path, c->name, WS_SEVERITY_WARNING, diags) != WS_OK)
		g_hash_table_add(r->refused, g_strdup(c->name));
}

static bool serves(const candidate *c, const char *name)
{
	for (char **s = c->serves; s && *s; s++)
		if (strcmp(*s, name) == 0)
			return true;
	return false;
}

/* The plugin serving `name` is, in order: the plugin named `name`; for a
 * name with hyphens, the plugin named by each shorter prefix ending
 * before a hyphen ("tp-kind" → "tp"); any plugin whose sidecar lists the
 * name.  Opens the first of those not tried yet; true when one was. */
static bool load_for_name(ws_registry *r, const char *name)
{
	bool opened = false;
	char *stem = g_strdup(name);
	for (;;) {
		for (guint i = 0; i < r->candidates->len; i++) {
			candidate *c = g_ptr_array_index(r->candidates, i);
			if (!c->tried && strcmp(c->name, stem) == 0) {
				try_candidate(r, c, r->pending);
				opened = true;
			}
		}
		if (opened && (find_entry(r->kinds, name) || find_entry(r->elements, name)))
			break;
		char *dash = strrchr(stem, '-');
		if (!dash)
			break;
		*dash = '\0';
	}
	g_free(stem);
	for (guint i = 0; i < r->candidates->len && !(find_entry(r->kinds, name) || find_entry(r->elements, name)); i++) {
		candidate *c = g_ptr_array_index(r->candidates, i);
		if (!c->tried && serves(c, name)) {
			try_candidate(r, c, r->pending);
			opened = true;
		}
	}
	return opened;
}

static void load_every_candidate(ws_registry *r, ws_diags *diags)
{
	for (guint i = 0; i < r->candidates->len; i++)
		try_candidate(r, g_ptr_array_index(r->candidates, i), diags);
}

int ws_registry_load_all(ws_registry *r, ws_diags *diags)
{
	if (!r)
		return WS_EUSAGE;
	int rc = ws_registry_scan(r, diags);
	if (rc != WS_OK)
		return rc;
	load_every_candidate(r, diags);
	return WS_OK;
}
