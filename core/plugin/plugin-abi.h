/* The plugin ABI: what a wenshu plugin exports and what the host gives it.
 *
 * A plugin is a shared module with exactly one exported symbol,
 * WS_PLUGIN_ENTRY_SYMBOL, which returns a pointer to a constant descriptor.
 * Write it with WS_PLUGIN_DEFINE so the ABI numbers, the struct size and
 * the size of each array element are stamped by the compiler, never by
 * hand:
 *
 *     static int validate(const ws_kind_desc *self, const ws_host_services *host,
 *                         const ws_value *group, ws_diags *diags);
 *     static const ws_kind_desc kinds[] = {
 *         { .name = "payment-receipt", .title = "缴费确认单",
 *           .derive = derive, .validate = validate, .data = &receipt_form },
 *     };
 *     WS_PLUGIN_DEFINE(.name = "payment-receipt", .version = "2.0",
 *                      .description = "...",
 *                      .kinds = kinds, .n_kinds = 1)
 *
 * Every hook receives its own descriptor first (`self`, as PipeWire SPA's
 * methods do), so one function can serve several entries and find what is
 * particular to each in self->data — no trampoline per entry.  `self` is
 * the host's copy of the entry: the same field values, laid out as the
 * plugin's own struct with any newer fields appended.
 *
 * The host checks, in order: the file lies in a trusted plugin directory;
 * it opens with local binding; the entry symbol exists; abi_major equals
 * WS_PLUGIN_ABI_MAJOR and abi_minor is not newer than the host's;
 * struct_size, kind_size and element_size are at least the sizes the ABI
 * minor promises; name, kinds and element types are present and well
 * formed; no kind or element type is already registered.  Each refusal
 * names the file and the field.
 *
 * Plugins reach the core only through the ws_host_services table passed to
 * their hooks; they must not link against libwenshu.  The value and diag
 * types are opaque to them.
 *
 * Compatibility: a minor bump only appends fields at the end of a struct
 * (ws_plugin_desc, ws_kind_desc or ws_element_desc); a major bump is
 * anything else.  Because the descriptor carries the element size of its
 * arrays, the host walks a plugin's kinds[] and elements[] with the
 * plugin's stride and copies each entry into its own, larger struct with
 * the newer fields zero: a plugin built for an older minor keeps working.
 * The entry symbol and the first three fields of ws_plugin_desc never
 * change, so a plugin of another major is always refused with both
 * versions named (ABI 1's entry, wenshu_plugin_entry_v1, is still looked
 * up for that message only).
 *
 * History:
 *   1.0  hooks without self; arrays without element sizes.
 *   2.0  hooks receive their descriptor (self); kind_size/element_size.
 *   2.1  ws_kind_desc.data and ws_element_desc.data appended: the
 *        entry's own constant data for hooks that serve several entries.
 */
#ifndef WS_PLUGIN_ABI_H
#define WS_PLUGIN_ABI_H

#include <stdbool.h>
#include <stdint.h>
#include <cairo.h>
#include "common.h"
#include "value.h"
#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WS_PLUGIN_ABI_MAJOR 2
#define WS_PLUGIN_ABI_MINOR 1
#define WS_PLUGIN_ENTRY_SYMBOL "wenshu_plugin_entry"
/* ABI 1's entry symbol: looked up only to refuse such a plugin with a
 * message naming its ABI version. */
#define WS_PLUGIN_ENTRY_SYMBOL_V1 "wenshu_plugin_entry_v1"

/* The services the host offers.  Everything a plugin needs from the core
 * goes through here.  Pointers returned by getters are borrowed. */
typedef struct ws_host_services {
	uint16_t abi_major;
	uint16_t abi_minor;
	uint32_t struct_size;

	/* values (see value.h for the semantics) */
	ws_value_type (*value_type)(const ws_value *v);
	const char *(*value_text)(const ws_value *v);
	double (*value_number)(const ws_value *v);
	bool (*value_truthy)(const ws_value *v);
	ws_loc (*value_loc)(const ws_value *v);
	size_t (*value_length)(const ws_value *v);
	ws_value *(*list_at)(const ws_value *list, size_t i);
	ws_value *(*map_get)(const ws_value *map, const char *key);
	const char *(*map_key_at)(const ws_value *map, size_t i);
	ws_value *(*map_value_at)(const ws_value *map, size_t i);
	ws_value *(*lookup)(const ws_value *root, const char *path);
	ws_value *(*new_string)(const char *s, ws_loc loc);   /* caller owns */
	ws_value *(*new_number)(double n, ws_loc loc);        /* caller owns */
	ws_value *(*new_bool)(bool b, ws_loc loc);            /* caller owns */
	ws_value *(*new_null)(ws_loc loc);                    /* caller owns */
	ws_value *(*new_list)(ws_loc loc);                    /* caller owns */
	ws_value *(*new_map)(ws_loc loc);                     /* caller owns */
	void (*list_append)(ws_value *list, ws_value *item);  /* takes item */
	void (*map_set)(ws_value *map, const char *key, ws_value *val); /* takes val */
	void (*value_unref)(ws_value *v);

	/* diagnostics: `at` (may be NULL) gives the location; rule/path may be NULL */
	int (*diag)(ws_diags *diags, ws_severity sev, const ws_value *at,
	            const char *rule, const char *path, const char *fmt, ...) WS_PRINTF(6, 7);

	/* The render date the document carries (SOURCE_DATE_EPOCH or now), as
	 * "YYYY-MM-DD" in the office's time zone (Asia/Shanghai).  Validation
	 * rules that compare with "today" use it so results are reproducible. */
	const char *(*today)(void);
} ws_host_services;

typedef struct ws_kind_desc ws_kind_desc;
typedef struct ws_element_desc ws_element_desc;

/* A document kind served by a plugin. */
struct ws_kind_desc {
	/* since 2.0 */
	const char *name;           /* "payment-receipt": [a-z0-9-]+ */
	const char *title;          /* human title, e.g. "缴费确认单" */
	const char *layout;         /* default layout file name, looked up in the layout dirs */
	/* Adds computed fields to `group` (a map it may modify).  Runs before
	 * validation and binding.  May be NULL. */
	int (*derive)(const ws_kind_desc *self, const ws_host_services *host, ws_value *group,
	              ws_diags *diags);
	/* Checks `group` for this kind; reports into `diags`.  Returns WS_OK
	 * even when it reported errors (the host counts them).  May be NULL. */
	int (*validate)(const ws_kind_desc *self, const ws_host_services *host,
	                const ws_value *group, ws_diags *diags);
	/* since 2.1 */
	const void *data;           /* the plugin's own, for its hooks (borrowed, constant) */
};

/* An element type a plugin adds to the layout language. */
struct ws_element_desc {
	/* since 2.0 */
	const char *name;           /* the element key in a layout, e.g. "barcode" */
	const char *const *keys;    /* NULL-terminated list of accepted property keys
	                             * besides the common ones (box, when, ...) */
	/* Checks bound properties before drawing; reports into diags.  May be NULL. */
	int (*check)(const ws_element_desc *self, const ws_host_services *host,
	             const ws_value *props, ws_diags *diags);
	/* Draws into `cr`, whose user space is in points with the page origin
	 * top-left; `box` is the element's box.  Must leave cr's state as found. */
	int (*draw)(const ws_element_desc *self, const ws_host_services *host, cairo_t *cr,
	            ws_rect box, const ws_value *props, ws_diags *diags);
	/* since 2.1 */
	const void *data;           /* the plugin's own, for its hooks (borrowed, constant) */
};

typedef struct ws_plugin_desc {
	/* These three fields are the same in every ABI version. */
	uint16_t abi_major;
	uint16_t abi_minor;
	uint32_t struct_size;       /* sizeof(ws_plugin_desc) as the plugin saw it */
	/* since 2.0 */
	uint32_t kind_size;         /* sizeof(ws_kind_desc): the stride of kinds[] */
	uint32_t element_size;      /* sizeof(ws_element_desc): the stride of elements[] */
	const char *name;           /* must equal the module's file name stem */
	const char *version;
	const char *description;
	const ws_kind_desc *kinds;
	size_t n_kinds;
	const ws_element_desc *elements;
	size_t n_elements;
} ws_plugin_desc;

typedef const ws_plugin_desc *(*ws_plugin_entry_fn)(void);

#define WS_PLUGIN_DEFINE(...)                                                   \
	WS_EXPORT const ws_plugin_desc *wenshu_plugin_entry(void);             \
	WS_EXPORT const ws_plugin_desc *wenshu_plugin_entry(void)              \
	{                                                                      \
		static const ws_plugin_desc desc = {                           \
			.abi_major = WS_PLUGIN_ABI_MAJOR,                      \
			.abi_minor = WS_PLUGIN_ABI_MINOR,                      \
			.struct_size = sizeof(ws_plugin_desc),                 \
			.kind_size = sizeof(ws_kind_desc),                     \
			.element_size = sizeof(ws_element_desc),               \
			__VA_ARGS__};                                          \
		return &desc;                                                  \
	}

#ifdef __cplusplus
}
#endif
#endif
