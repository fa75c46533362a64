/* The plugin registry: finds, checks, loads and indexes plugins.
 *
 * A plugin is a shared module that exports WS_PLUGIN_ENTRY_SYMBOL (see
 * plugin-abi.h).  The registry only ever loads files from the trusted
 * directories it was given; a layout names a kind, never a file.
 *
 * Loading one file goes through these checks, in order; each refusal is a
 * diagnostic (rule "plugin") naming the file and the reason, and a refused
 * module is closed again:
 *
 *   1. the file, after realpath(), lies inside the trusted directory it was
 *      found in (a symlink pointing out is refused), is a regular file, and
 *      neither it nor its directory is world-writable;
 *   2. dlopen() with RTLD_LOCAL and RTLD_NOW: local so a plugin's symbols
 *      never satisfy another module's, NOW so a plugin with an unresolvable
 *      symbol is refused here instead of aborting the process mid-batch;
 *   3. the entry symbol exists;
 *   4. the entry function returns a descriptor;
 *   5. abi_major equals the host's, abi_minor is not newer, struct_size
 *      covers the fields that minor promises;
 *   6. name present and equal to the file stem, version present;
 *   7. each kind has a valid name ([a-z0-9-]+), each element type a valid
 *      name ([a-z0-9_-]+) and a draw hook;
 *   8. no plugin name, kind or element type is already registered.
 *
 * What plugin code runs: checks 1 happen before the file is opened, so a
 * file outside the trusted directories never executes anything.  Opening
 * a file runs its ELF constructors — nothing can prevent that, which is why
 * the trusted-directory check is the defence and why the directories must
 * not be writable by anyone the user does not trust.  After that the
 * registry calls only the entry function, which it must call to read the
 * descriptor; no hook of a refused plugin is ever reachable.  The registry
 * deliberately uses dlopen() rather than g_module_open(): GModule calls a
 * module's exported g_module_check_init() on open and g_module_unload()
 * on close, which would run plugin code before the checks.
 *
 * Loading on first use: ws_registry_scan() only lists the plugin files
 * (readdir and lstat, plus each module's optional sidecar, below); nothing
 * is opened.  A lookup of a kind or element type that is not registered
 * yet opens the plugin that serves it, found by name without opening
 * anything else: the plugin named like the kind or element type
 * ("interview-confirmation", "barcode"); then, for a name with hyphens,
 * the plugin named by each shorter prefix ending before a hyphen
 * ("acme-invoice" → "acme"); then any plugin whose sidecar lists the
 * name.  The sidecar is the module's path with ".so" replaced by
 * ".serves" (plugins/acme/acme.serves): one kind or element type name a
 * line, '#' comments, at most 64 KiB, read as data.  So a render opens
 * only the plugins its layout uses, and an ELF constructor of any other
 * plugin in the folders never runs.  (The layout loader, when a kind or
 * an element's type is found none of these ways, lists every kind or
 * element type — which opens every plugin — and looks once more.)  What such loads have to say
 * (refusals) waits in the registry for ws_registry_take_diags().
 * Enumerations — ws_registry_kind_count/_at, _element_count/_at, the
 * name lists and suggestions (`wenshu list`, `schema`, "did you mean" on
 * an unknown name) — open every plugin first; ws_registry_plugin_count/
 * _at/_path list only the plugins loaded so far.
 *
 * Thread-safety: none — a lookup may load a plugin.  Use a registry from
 * one thread (the command line renders in worker processes, not threads).
 */
#ifndef WS_PLUGIN_H
#define WS_PLUGIN_H

#include <stddef.h>
#include "common.h"
#include "diag.h"
#include "plugin-abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_registry ws_registry;
typedef struct ws_plugin ws_plugin; /* a loaded plugin (opaque) */

/* Caller frees with ws_registry_free(), which closes every module: no
 * descriptor, kind or element pointer obtained from the registry may be
 * used after that. */
WS_EXPORT int ws_registry_new(ws_registry **out);
WS_EXPORT void ws_registry_free(ws_registry *r); /* NULL is a no-op */

/* Adds a trusted directory; directories are searched in the order added.
 * Only absolute paths of existing directories that are not world-writable
 * are accepted ("." or "plugins" are refused: nothing is ever loaded from
 * the current directory).  The directory is stored after realpath(); adding
 * the same directory twice is a no-op.  Returns WS_EUSAGE (and an error
 * diag) when refused. */
WS_EXPORT int ws_registry_add_dir(ws_registry *r, const char *dir, ws_diags *diags);

/* The default search path, in order: each entry of $WENSHU_PLUGIN_PATH
 * (colon-separated; an entry that is refused gives a warning and is
 * skipped), then WS_BUILD_DIR/plugins when the running executable lies in
 * the build tree and that directory exists, then WS_PLUGIN_INSTALL_DIR if
 * it exists.  Returns WS_OK. */
WS_EXPORT int ws_registry_add_default_dirs(ws_registry *r, ws_diags *diags);

WS_EXPORT size_t ws_registry_dir_count(const ws_registry *r);
WS_EXPORT const char *ws_registry_dir_at(const ws_registry *r, size_t i); /* borrowed */

/* Lists the plugin files in the trusted directories (see ws_registry_load_all
 * for which files, their order and shadowing) without opening any, for
 * loading on first use.  Scanning again forgets the earlier list.  Returns
 * WS_OK, or WS_EIO (with an error) when no directory could be scanned. */
WS_EXPORT int ws_registry_scan(ws_registry *r, ws_diags *diags);

/* Moves what loads on first use had to say (refused plugins, warnings)
 * to `to` (NULL: drops it). */
WS_EXPORT void ws_registry_take_diags(const ws_registry *r, ws_diags *to);

/* A plugin element type for which `is_builtin` is true is still loaded,
 * with a warning that layouts get the built-in type of that name. */
WS_EXPORT void ws_registry_set_builtin_elements(ws_registry *r, bool (*is_builtin)(const char *name));

/* Scans (ws_registry_scan) and loads every plugin in the trusted directories: files named <name>.so or
 * lib<name>.so directly in a directory or in its <name>/ subdirectory
 * (meson's shared_module puts build/plugins/<name>/<name>.so), where
 * <name> is a valid plugin name.  Per directory the candidates are tried
 * as <dir>/<name>/<name>.so, <dir>/<name>/lib<name>.so, <dir>/<name>.so,
 * <dir>/lib<name>.so, names in byte order.  The first file found for a
 * name wins; a later file of the same name is not opened (a note says it
 * is shadowed).  A refused plugin gives a warning and loading goes on with
 * the others.  Returns WS_OK, or WS_EIO (with an error) when no directory
 * could be scanned. */
WS_EXPORT int ws_registry_load_all(ws_registry *r, ws_diags *diags);

/* Loads the plugin called `name` (a name, never a path: empty names,
 * names with '/', '\\', "..", a leading '.' or any character outside
 * [a-z0-9_-] are refused with WS_EUSAGE before anything is looked up on
 * disk).  The first file found in the search order above is the plugin.
 * Returns WS_OK (also when it is already loaded), WS_EPLUGIN when it is
 * not found or refused (with an error diag). */
WS_EXPORT int ws_registry_load(ws_registry *r, const char *name, ws_diags *diags);

/* True when `name` is acceptable as a plugin name. */
WS_EXPORT bool ws_plugin_name_valid(const char *name);

/* Lookups; the returned pointers are borrowed from the registry (and the
 * modules it keeps open).  NULL when unknown. */
WS_EXPORT const ws_kind_desc *ws_registry_find_kind(const ws_registry *r, const char *kind);
WS_EXPORT const ws_element_desc *ws_registry_find_element(const ws_registry *r, const char *name);
/* The plugin serving `kind` / adding element type `name`, or NULL. */
WS_EXPORT const ws_plugin_desc *ws_registry_kind_plugin(const ws_registry *r, const char *kind);
WS_EXPORT const ws_plugin_desc *ws_registry_element_plugin(const ws_registry *r, const char *name);

/* Loaded plugins in load order.  The descriptor is the host's copy (fields
 * newer than the plugin's ABI minor are zero).  Out of range → NULL. */
WS_EXPORT size_t ws_registry_plugin_count(const ws_registry *r);
WS_EXPORT const ws_plugin_desc *ws_registry_plugin_at(const ws_registry *r, size_t i);
WS_EXPORT const char *ws_registry_plugin_path(const ws_registry *r, size_t i);

/* All registered kinds and element types, in registration order. */
WS_EXPORT size_t ws_registry_kind_count(const ws_registry *r);
WS_EXPORT const ws_kind_desc *ws_registry_kind_at(const ws_registry *r, size_t i);
WS_EXPORT size_t ws_registry_element_count(const ws_registry *r);
WS_EXPORT const ws_element_desc *ws_registry_element_at(const ws_registry *r, size_t i);

/* Names of all kinds / element types, NULL-terminated, for "did you mean"
 * suggestions.  The strings are borrowed; free the array with g_free(). */
WS_EXPORT const char **ws_registry_kind_names(const ws_registry *r);
WS_EXPORT const char **ws_registry_element_names(const ws_registry *r);

/* The registered kind / element type closest to an unknown one (see
 * ws_suggest: at most 2 edits), or NULL.  Borrowed. */
WS_EXPORT const char *ws_registry_suggest(const ws_registry *r, const char *unknown_kind);
WS_EXPORT const char *ws_registry_suggest_element(const ws_registry *r, const char *unknown);

#ifdef __cplusplus
}
#endif
#endif
