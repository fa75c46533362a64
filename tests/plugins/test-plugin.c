/* A test plugin, built once per variant (see meson.build).  Every piece of
 * its code records that it ran in an environment variable the test reads:
 *
 *   WS_TP_CTOR_<name>     ELF constructor: the file was dlopen()ed.  Test
 *                         instrumentation only: real plugins must not have
 *                         constructors (the host cannot stop them running).
 *   WS_TP_ENTRY_<name>    the entry function ran (expected for any file that
 *                         gets as far as the ABI check)
 *   WS_TP_HOOK_<name>     a derive/validate/check/draw hook ran
 *   WS_TP_GMODULE_<name>  g_module_check_init()/g_module_unload() ran: the
 *                         host must never call them
 */
#include <stdlib.h>

#include "plugin-abi.h"

#define MARK(what) setenv("WS_TP_" what "_" TP_NAME, "1", 1)

__attribute__((constructor)) static void tp_ctor(void)
{
	MARK("CTOR");
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

static int derive(const ws_host_services *host, ws_value *group, ws_diags *diags)
{
	(void)host, (void)group, (void)diags;
	MARK("HOOK");
#ifdef TP_UNDEF
	return ws_tp_no_such_symbol();
#else
	return WS_OK;
#endif
}

static int validate(const ws_host_services *host, const ws_value *group, ws_diags *diags)
{
	(void)host, (void)group, (void)diags;
	MARK("HOOK");
	return WS_OK;
}

static int check(const ws_host_services *host, const ws_value *props, ws_diags *diags)
{
	(void)host, (void)props, (void)diags;
	MARK("HOOK");
	return WS_OK;
}

__attribute__((unused)) /* by all variants but no-draw */
static int draw(const ws_host_services *host, cairo_t *cr, ws_rect box, const ws_value *props,
                ws_diags *diags)
{
	(void)host, (void)cr, (void)box, (void)props, (void)diags;
	MARK("HOOK");
	return WS_OK;
}

#if defined(TP_BAD_KIND)
#define KIND_NAME "Bad Kind"
#elif defined(TP_GOOD)
#define KIND_NAME "tp-kind"
#else
#define KIND_NAME TP_NAME "-kind"
#endif

#if defined(TP_GOOD) || defined(TP_STAMP_TWIN)
#define ELEMENT_NAME "tp-stamp"
#else
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
#else
static const ws_kind_desc kinds[] = {
	{.name = KIND_NAME, .title = KIND_TITLE, .derive = derive, .validate = validate},
};
#endif
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static const char *const keys[] = {"ink", NULL};

static const ws_element_desc elements[] = {
#ifdef TP_NO_DRAW
	{.name = ELEMENT_NAME, .keys = keys, .check = check, .draw = NULL},
#else
	{.name = ELEMENT_NAME, .keys = keys, .check = check, .draw = draw},
#endif
};

#if defined(TP_GOOD)
/* the real thing: the macro stamps the ABI numbers */
WS_PLUGIN_DEFINE(.name = TP_NAME, .version = "1.0", .description = "test plugin",
                 .kinds = kinds, .n_kinds = 1, .elements = elements, .n_elements = 1)
#else
#if defined(TP_NO_ENTRY)
/* an entry under another name (say, an older ABI's) is no entry at all */
#define ENTRY wenshu_plugin_entry_v0
#else
#define ENTRY wenshu_plugin_entry_v1
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
