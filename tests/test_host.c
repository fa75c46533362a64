/* Host services (core/plugin/host.c): the table a plugin reaches the core
 * through, and the render date every validation rule compares with. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host.h"

Test(host, table_is_stamped_with_this_abi)
{
	const ws_host_services *h = ws_host_services_get();
	cr_assert_eq(h->abi_major, WS_PLUGIN_ABI_MAJOR);
	cr_assert_eq(h->abi_minor, WS_PLUGIN_ABI_MINOR);
	cr_assert_eq(h->struct_size, sizeof(ws_host_services),
	             "a plugin learns from struct_size which services it may call");
	cr_assert_eq(ws_host_services_get(), h, "one table for the process");
}

/* Every service is there: a plugin calls them without checking for NULL. */
Test(host, every_service_is_filled_in)
{
	const ws_host_services *h = ws_host_services_get();
	typedef void (*any_fn)(void);
	const any_fn services[] = {
		(any_fn)h->value_type, (any_fn)h->value_text,  (any_fn)h->value_number, (any_fn)h->value_truthy,
		(any_fn)h->value_loc,  (any_fn)h->value_length, (any_fn)h->list_at,     (any_fn)h->map_get,
		(any_fn)h->map_key_at, (any_fn)h->map_value_at, (any_fn)h->lookup,      (any_fn)h->new_string,
		(any_fn)h->new_number, (any_fn)h->new_bool,    (any_fn)h->new_null,     (any_fn)h->new_list,
		(any_fn)h->new_map,    (any_fn)h->list_append, (any_fn)h->map_set,      (any_fn)h->value_unref,
		(any_fn)h->diag,       (any_fn)h->today,
	};
	/* the list above is the whole table: a service added to the struct
	 * must be added here (and to host.c) */
	cr_assert_eq(sizeof services, sizeof *h - offsetof(ws_host_services, value_type));
	for (size_t i = 0; i < G_N_ELEMENTS(services); i++)
		cr_assert(services[i] != NULL, "service %zu", i);
}

/* What a kind plugin's derive() does: build values, read them back. */
Test(host, values_built_through_the_table_read_back)
{
	const ws_host_services *h = ws_host_services_get();
	ws_loc at = {g_intern_string("g.yaml"), 4, 3};
	ws_value *g = h->new_map(WS_LOC_NONE);
	ws_value *names = h->new_list(at);
	h->list_append(names, h->new_string("贾测试", at));
	h->list_append(names, h->new_string("易示例", at));
	h->map_set(g, "names", names);
	h->map_set(g, "count", h->new_number(2, WS_LOC_NONE));
	h->map_set(g, "paid", h->new_bool(true, WS_LOC_NONE));
	h->map_set(g, "note", h->new_null(WS_LOC_NONE));

	cr_assert_eq(h->value_length(g), 4);
	cr_assert_str_eq(h->map_key_at(g, 0), "names", "keys keep their order");
	cr_assert_eq(h->map_value_at(g, 0), names);
	cr_assert_eq(h->value_type(h->map_get(g, "names")), WS_VALUE_LIST);
	cr_assert_str_eq(h->value_text(h->list_at(names, 1)), "易示例");
	cr_assert_eq(h->value_loc(h->list_at(names, 1)).line, 4);
	cr_assert_eq(h->value_number(h->map_get(g, "count")), 2);
	cr_assert(h->value_truthy(h->map_get(g, "paid")));
	cr_assert_not(h->value_truthy(h->map_get(g, "note")));
	cr_assert_null(h->map_get(g, "missing"));
	cr_assert_str_eq(h->value_text(h->lookup(g, "names.0")), "贾测试");
	h->value_unref(g);
}

/* A plugin's diagnostic stands where the value it speaks of was written. */
Test(host, diag_is_located_at_the_value)
{
	const ws_host_services *h = ws_host_services_get();
	ws_diags *d = ws_diags_new();
	ws_value *v = h->new_string("PE000000X", (ws_loc){g_intern_string("g.yaml"), 12, 18});
	cr_assert_eq(h->diag(d, WS_SEVERITY_ERROR, v, "X3", "applicants[0].passport_no",
	                     "passport number '%s' has %d letters", h->value_text(v), 3),
	             WS_EINPUT);
	cr_assert_eq(h->diag(d, WS_SEVERITY_WARNING, NULL, NULL, NULL, "no location"), WS_OK);
	cr_assert_eq(ws_diags_count(d), 2);
	const ws_diag *e = ws_diags_at(d, 0);
	cr_assert_str_eq(e->loc.file, "g.yaml");
	cr_assert_eq(e->loc.line, 12);
	cr_assert_eq(e->loc.column, 18);
	cr_assert_str_eq(e->rule, "X3");
	cr_assert_str_eq(e->path, "applicants[0].passport_no");
	cr_assert_str_eq(e->message, "passport number 'PE000000X' has 3 letters");
	const ws_diag *w = ws_diags_at(d, 1);
	cr_assert_eq(w->severity, WS_SEVERITY_WARNING);
	cr_assert_null(w->loc.file, "no value, no location");
	cr_assert_eq(w->loc.line, 0);
	h->value_unref(v);
	ws_diags_free(d);
}

/* The render date.  Each case runs in a process of its own (Criterion's
 * parameterized tests do), which matters: the date is computed once per
 * process. */
typedef struct date_case {
	char epoch[32];  /* SOURCE_DATE_EPOCH, "" = unset */
	char today[12];  /* "" = the current date in UTC+8 */
	long long time;  /* -1 = now */
} date_case;

ParameterizedTestParameters(host, render_date)
{
	static date_case cases[] = {
		/* tests/meson.build's epoch: 2025-03-05 00:00 UTC, 08:00 in Beijing */
		{"1741132800", "2025-03-05", 1741132800},
		/* midnight in Beijing is 16:00 UTC the day before */
		{"1741103999", "2025-03-04", 1741103999},
		{"1741104000", "2025-03-05", 1741104000},
		{"0", "1970-01-01", 0},
		/* the last second of the last day the reproducible-builds range allows */
		{"253402271999", "9999-12-31", 253402271999},
		/* an invalid value is ignored (reproducible-builds.org), not fatal */
		{"253402300800", "", -1},
		{"-1", "", -1},
		{"1741132800x", "", -1},
		{"yesterday", "", -1},
		{"99999999999999999999999", "", -1},
		{"", "", -1},
	};
	return cr_make_param_array(date_case, cases, G_N_ELEMENTS(cases));
}

ParameterizedTest(date_case *c, host, render_date)
{
	if (*c->epoch)
		setenv("SOURCE_DATE_EPOCH", c->epoch, 1);
	else
		unsetenv("SOURCE_DATE_EPOCH");
	time_t before = time(NULL);
	int64_t t = ws_host_render_time();
	const char *today = ws_host_today();
	time_t after = time(NULL);
	if (c->time >= 0) {
		cr_assert_eq(t, c->time, "SOURCE_DATE_EPOCH=%s", c->epoch);
		cr_assert_str_eq(today, c->today, "SOURCE_DATE_EPOCH=%s", c->epoch);
	} else {
		cr_assert(t >= before && t <= after, "SOURCE_DATE_EPOCH=%s: now, not %lld", c->epoch, (long long)t);
		char want[16];
		time_t beijing = (time_t)t + 8 * 3600;
		struct tm tm;
		gmtime_r(&beijing, &tm);
		strftime(want, sizeof want, "%Y-%m-%d", &tm);
		cr_assert_str_eq(today, want, "SOURCE_DATE_EPOCH=%s", c->epoch);
	}
	cr_assert_str_eq(ws_host_services_get()->today(), today, "plugins see the same date");
}

/* One render, one date: a document started before midnight does not
 * change its date halfway, even when the environment changes. */
Test(host, the_date_is_read_once)
{
	setenv("SOURCE_DATE_EPOCH", "1741132800", 1);
	const char *first = ws_host_today();
	cr_assert_str_eq(first, "2025-03-05");
	setenv("SOURCE_DATE_EPOCH", "1751132800", 1);
	cr_assert_eq(ws_host_render_time(), 1741132800);
	cr_assert_str_eq(ws_host_today(), "2025-03-05");
	cr_assert_eq(ws_host_today(), first, "the same static storage");
}
