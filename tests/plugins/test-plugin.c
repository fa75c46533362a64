/* A test plugin, built once per variant (see meson.build).  Every piece of
 * its code records that it ran in an environment variable the test reads:
 *
 *   WS_TP_CTOR_<name>     ELF constructor: the file was dlopen()ed (and a
 *                         file <name> in $WS_TP_MARKER_DIR when set).  Test
 *                         instrumentation only: real plugins must not have
 *                         constructors (the host cannot stop them running).
 *   WS_TP_ENTRY_<name>    the entry function ran (expected for any file that
 *                         gets as far as the ABI check)
 *   WS_TP_HOOK_<name>     a derive/validate/check/draw hook ran
 *   WS_TP_SELF_<name>     a hook ran and its `self` was its own entry
 *                         (the name it declared; data as declared)
 *   WS_TP_GMODULE_<name>  g_module_check_init()/g_module_unload() ran: the
 *                         host must never call them
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin-abi.h"

#define MARK(what) setenv("WS_TP_" what "_" TP_NAME, "1", 1)

__attribute__((constructor)) static void tp_ctor(void)
{
	MARK("CTOR");
	/* For tests through the command line, which cannot read the child's
	 * environment: an empty file named after the plugin. */
	const char *dir = getenv("WS_TP_MARKER_DIR");
	if (dir) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, TP_NAME);
		FILE *f = fopen(path, "w");
		if (f)
			fclose(f);
	}
}

WS_EXPORT const char *g_module_check_init(void *module);
WS_EXPORT const char *g_module_check_init(void *module)
{
	(void)module;
	MARK("GMODULE");
	return NULL;
}

WS_EXPORT void g_module_unload(void *module);
WS_EXPORT void g_module_unload(void *module)
{
	(void)module;
	MARK("GMODULE");
}

#ifdef TP_UNDEF
/* Not provided by anyone: with RTLD_NOW the module cannot even be opened. */
extern int ws_tp_no_such_symbol(void);
#endif

#if defined(TP_OLDER_MINOR)
/* A plugin built against ABI 2.0: these are copies of the 2.0 structs,
 * before 2.1 appended `data` to ws_kind_desc and ws_element_desc.  The
 * host (2.1 or later) must walk its arrays with the 2.0 stride and give
 * its hooks a `self` whose 2.0 fields are this plugin's. */
typedef struct kind20 kind20;
typedef struct element20 element20;
struct kind20 {
	const char *name, *title, *layout;
	int (*derive)(const kind20 *self, const ws_host_services *host, ws_value *group,
	              ws_diags *diags);
	int (*validate)(const kind20 *self, const ws_host_services *host, const ws_value *group,
	                ws_diags *diags);
};
struct element20 {
	const char *name;
	const char *const *keys;
	int (*check)(const element20 *self, const ws_host_services *host, const ws_value *props,
	             ws_diags *diags);
	int (*draw)(const element20 *self, const ws_host_services *host, cairo_t *cr, ws_rect box,
	            const ws_value *props, ws_diags *diags);
};
typedef struct plugin20 {
	uint16_t abi_major, abi_minor;
	uint32_t struct_size, kind_size, element_size;
	const char *name, *version, *description;
	const kind20 *kinds;
	size_t n_kinds;
	const element20 *elements;
	size_t n_elements;
} plugin20;
#define KIND_T kind20
#define ELEMENT_T element20
#else
#define KIND_T ws_kind_desc
#define ELEMENT_T ws_element_desc
#endif

/* what the entries declare, checked against `self` by the hooks */
__attribute__((unused)) static const char tp_data[] = "tp-data";

static void mark_self(const char *name, const char *expected)
{
	if (name && strcmp(name, expected) == 0)
		MARK("SELF");
}

static int derive(const KIND_T *self, const ws_host_services *host, ws_value *group,
                  ws_diags *diags)
{
	(void)host, (void)group, (void)diags;
	MARK("HOOK");
	mark_self(self->name, TP_NAME "-kind");
#if !defined(TP_OLDER_MINOR)
	if (self->data != tp_data)
		unsetenv("WS_TP_SELF_" TP_NAME);
#endif
#ifdef TP_UNDEF
	return ws_tp_no_such_symbol();
#else
	return WS_OK;
#endif
}

static int validate(const KIND_T *self, const ws_host_services *host, const ws_value *group,
                    ws_diags *diags)
{
	(void)self, (void)host, (void)group, (void)diags;
	MARK("HOOK");
	return WS_OK;
}

static int check(const ELEMENT_T *self, const ws_host_services *host, const ws_value *props,
                 ws_diags *diags)
{
	(void)host, (void)props, (void)diags;
	MARK("HOOK");
	mark_self(self->name, TP_NAME "-stamp");
	return WS_OK;
}

__attribute__((unused)) /* by all variants but no-draw */
static int draw(const ELEMENT_T *self, const ws_host_services *host, cairo_t *cr, ws_rect box,
                const ws_value *props, ws_diags *diags)
{
	(void)self, (void)host, (void)cr, (void)box, (void)props, (void)diags;
	MARK("HOOK");
	return WS_OK;
}

#if defined(TP_BAD_KIND)
#define KIND_NAME "Bad Kind"
#elif defined(TP_GOOD)
#define KIND_NAME "tp-kind"
#elif defined(TP_BUILTIN_TEXT)
#define KIND_NAME TP_NAME "-kind"
#define ELEMENT_NAME "text"
#else
#define KIND_NAME TP_NAME "-kind"
#endif

#if defined(TP_GOOD) || defined(TP_STAMP_TWIN)
#define ELEMENT_NAME "tp-stamp"
#elif !defined(ELEMENT_NAME)
#define ELEMENT_NAME TP_NAME "-stamp"
#endif

#if defined(TP_HOSTILE_TEXT)
/* Strings that would retitle and clear a terminal (OSC 0, ED 2), a C1 CSI
 * and a right-to-left override: `wenshu list` must show them escaped. */
#define DESCRIPTION "evil\x1b]0;owned\x07\x1b[2J plugin \xe2\x80\xae" "fdp.exe"
#define KIND_TITLE "title\xc2\x9b" "31m red"
#else
#define DESCRIPTION "test plugin"
#define KIND_TITLE "test"
#endif

#if defined(TP_TWIN)
/* a kind of its own first, then one that "good" already serves */
static const ws_kind_desc kinds[] = {
	{.name = "twin-only", .title = "test", .derive = derive, .validate = validate},
	{.name = "tp-kind", .title = "test", .derive = derive, .validate = validate},
};
#elif defined(TP_OLDER_MINOR)
static const kind20 kinds[] = {
	{.name = "older-minor-kind", .title = "test", .derive = derive, .validate = validate},
	{.name = "older-minor-second", .title = "test", .derive = derive, .validate = validate},
};
#else
__attribute__((unused)) static const ws_kind_desc kinds[] = {
	{.name = KIND_NAME, .title = KIND_TITLE, .derive = derive, .validate = validate,
	 .data = tp_data},
};
#endif
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static const char *const keys[] = {"ink", NULL};

__attribute__((unused)) static const ELEMENT_T elements[] = {
#ifdef TP_NO_DRAW
	{.name = ELEMENT_NAME, .keys = keys, .check = check, .draw = NULL},
#else
	{.name = ELEMENT_NAME, .keys = keys, .check = check, .draw = draw},
#endif
};

#if defined(TP_GOOD) || defined(TP_BUILTIN_TEXT)
/* the real thing: the macro stamps the ABI numbers and sizes */
WS_PLUGIN_DEFINE(.name = TP_NAME, .version = "1.0", .description = "test plugin",
                 .kinds = kinds, .n_kinds = 1, .elements = elements, .n_elements = 1)
#elif defined(TP_OLDER_MINOR)
/* what WS_PLUGIN_DEFINE of ABI 2.0 stamped */
WS_EXPORT const plugin20 *wenshu_plugin_entry(void);
WS_EXPORT const plugin20 *wenshu_plugin_entry(void)
{
	static const plugin20 desc = {
		.abi_major = 2, .abi_minor = 0, .struct_size = sizeof(plugin20),
		.kind_size = sizeof(kind20), .element_size = sizeof(element20),
		.name = TP_NAME, .version = "2.0", .description = "built against ABI 2.0",
		.kinds = kinds, .n_kinds = 2, .elements = elements, .n_elements = 1,
	};
	MARK("ENTRY");
	return &desc;
}
#elif defined(TP_ABI_V1)
/* A plugin of ABI 1: its own entry name, and a descriptor whose first
 * three fields are the ones every ABI keeps. */
WS_EXPORT const void *wenshu_plugin_entry_v1(void);
WS_EXPORT const void *wenshu_plugin_entry_v1(void)
{
	static const struct {
		uint16_t abi_major, abi_minor;
		uint32_t struct_size;
		const char *name;
	} desc = {1, 0, 64, TP_NAME};
	MARK("ENTRY");
	return &desc;
}
#else
#if defined(TP_NO_ENTRY)
/* an entry under another name is no entry at all */
#define ENTRY wenshu_plugin_entry_v0
#else
#define ENTRY wenshu_plugin_entry
#endif
WS_EXPORT const ws_plugin_desc *ENTRY(void);
WS_EXPORT const ws_plugin_desc *ENTRY(void)
{
	static const ws_plugin_desc desc = {
#if defined(TP_ABI_MAJOR)
		.abi_major = WS_PLUGIN_ABI_MAJOR + 1,
#else
		.abi_major = WS_PLUGIN_ABI_MAJOR,
#endif
#if defined(TP_ABI_MINOR)
		.abi_minor = WS_PLUGIN_ABI_MINOR + 1,
#else
		.abi_minor = WS_PLUGIN_ABI_MINOR,
#endif
#if defined(TP_SHORT_SIZE)
		.struct_size = 8,
#else
		.struct_size = sizeof(ws_plugin_desc),
#endif
#if defined(TP_SHORT_KIND)
		/* 2.1 promises `data`; a 2.0-sized kind claiming 2.1 is short */
		.kind_size = offsetof(ws_kind_desc, data),
#else
		.kind_size = sizeof(ws_kind_desc),
#endif
		.element_size = sizeof(ws_element_desc),
#if defined(TP_NO_NAME)
		.name = NULL,
#elif defined(TP_MISNAMED)
		.name = "someone-else",
#else
		.name = TP_NAME,
#endif
#if !defined(TP_NO_VERSION)
		.version = "1.0",
#endif
		.description = DESCRIPTION,
		.kinds = kinds, .n_kinds = N_KINDS,
		.elements = elements, .n_elements = 1,
	};
	MARK("ENTRY");
#if defined(TP_NULL_DESC)
	(void)desc;
	return NULL;
#else
	return &desc;
#endif
}
#endif
