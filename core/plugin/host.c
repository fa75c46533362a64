/* Host services: the only door from a plugin into the core. */
#include "host.h"

#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <time.h>

static void map_set_plain(ws_value *map, const char *key, ws_value *val)
{
	ws_value_map_set(map, key, val, WS_LOC_NONE);
}

static int host_diag(ws_diags *diags, ws_severity sev, const ws_value *at, const char *rule,
                     const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = ws_diag_addv(diags, sev, ws_value_loc(at), rule, path, fmt, ap);
	va_end(ap);
	return rc;
}

static gint64 render_time_once(void)
{
	const char *sde = g_getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		errno = 0;
		long long t = strtoll(sde, &end, 10);
		/* reproducible-builds.org: an invalid value is ignored, not fatal */
		if (!*end && !errno && t >= 0 && t < 253402300800LL)
			return t;
	}
	return (gint64)time(NULL);
}

int64_t ws_host_render_time(void)
{
	static gsize once;
	static gint64 t;
	if (g_once_init_enter(&once)) {
		t = render_time_once();
		g_once_init_leave(&once, 1);
	}
	return t;
}

const char *ws_host_today(void)
{
	static gsize once;
	static char buf[16];
	if (g_once_init_enter(&once)) {
		/* The office is in China (UTC+8, no daylight saving). */
		time_t t = (time_t)(ws_host_render_time() + 8 * 3600);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
		g_once_init_leave(&once, 1);
	}
	return buf;
}

static const ws_host_services services = {
	.abi_major = WS_PLUGIN_ABI_MAJOR,
	.abi_minor = WS_PLUGIN_ABI_MINOR,
	.struct_size = sizeof(ws_host_services),
	.value_type = ws_value_get_type,
	.value_text = ws_value_text,
	.value_number = ws_value_number,
	.value_truthy = ws_value_truthy,
	.value_loc = ws_value_loc,
	.value_length = ws_value_length,
	.list_at = ws_value_list_at,
	.map_get = ws_value_map_get,
	.map_key_at = ws_value_map_key_at,
	.map_value_at = ws_value_map_value_at,
	.lookup = ws_value_lookup,
	.new_string = ws_value_new_string,
	.new_number = ws_value_new_number,
	.new_bool = ws_value_new_bool,
	.new_null = ws_value_new_null,
	.new_list = ws_value_new_list,
	.new_map = ws_value_new_map,
	.list_append = ws_value_list_append,
	.map_set = map_set_plain,
	.value_unref = ws_value_unref,
	.diag = host_diag,
	.today = ws_host_today,
};

const ws_host_services *ws_host_services_get(void)
{
	return &services;
}
