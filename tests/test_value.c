#include <criterion/criterion.h>
#include <glib.h>
#include "value.h"

static ws_loc at(unsigned line, unsigned col)
{
	return (ws_loc){g_intern_string("t.yaml"), line, col};
}

Test(value, scalars_keep_their_text)
{
	ws_value *n = ws_value_new_number_text(185.0, "185.00", at(1, 1));
	cr_assert_str_eq(ws_value_text(n), "185.00");
	cr_assert_float_eq(ws_value_number(n), 185.0, 1e-9);
	ws_value *i = ws_value_new_number(3, WS_LOC_NONE);
	cr_assert_str_eq(ws_value_text(i), "3");
	ws_value *s = ws_value_new_string("贾测试", at(2, 5));
	cr_assert_eq(ws_value_get_type(s), WS_VALUE_STRING);
	cr_assert_eq(ws_value_loc(s).line, 2);
	cr_assert_eq(ws_value_loc(s).column, 5);
	cr_assert_str_eq(ws_value_text(NULL), "");
	ws_value_unref(n);
	ws_value_unref(i);
	ws_value_unref(s);
	ws_value_unref(NULL);
}

Test(value, truthiness)
{
	ws_value *v[] = {ws_value_new_null(WS_LOC_NONE), ws_value_new_bool(false, WS_LOC_NONE),
	                 ws_value_new_number(0, WS_LOC_NONE), ws_value_new_string("", WS_LOC_NONE),
	                 ws_value_new_list(WS_LOC_NONE), ws_value_new_map(WS_LOC_NONE)};
	for (size_t k = 0; k < G_N_ELEMENTS(v); k++) {
		cr_assert(!ws_value_truthy(v[k]), "value %zu should be falsy", k);
		ws_value_unref(v[k]);
	}
	ws_value *t = ws_value_new_string("0", WS_LOC_NONE);
	cr_assert(ws_value_truthy(t), "the string \"0\" is text, so true");
	ws_value_unref(t);
}

Test(value, lookup_paths_with_indices)
{
	ws_value *root = ws_value_new_map(WS_LOC_NONE);
	ws_value *list = ws_value_new_list(WS_LOC_NONE);
	for (int k = 0; k < 3; k++) {
		ws_value *m = ws_value_new_map(WS_LOC_NONE);
		char *name = g_strdup_printf("N%d", k);
		ws_value_map_set(m, "surname", ws_value_new_string(name, WS_LOC_NONE), WS_LOC_NONE);
		g_free(name);
		ws_value_list_append(list, m);
	}
	ws_value_map_set(root, "applicants", list, WS_LOC_NONE);
	cr_assert_str_eq(ws_value_text(ws_value_lookup(root, "applicants[2].surname")), "N2");
	cr_assert_str_eq(ws_value_text(ws_value_lookup(root, "applicants.1.surname")), "N1");
	cr_assert_null(ws_value_lookup(root, "applicants[3].surname"));
	cr_assert_null(ws_value_lookup(root, "applicants[x]"));
	cr_assert_null(ws_value_lookup(root, "missing.key"));
	ws_value_unref(root);
}

Test(value, maps_keep_order_and_replace_in_place)
{
	ws_value *m = ws_value_new_map(WS_LOC_NONE);
	/* past the hash-index threshold, so both lookup paths run */
	for (int k = 0; k < 40; k++) {
		char key[16];
		g_snprintf(key, sizeof key, "k%02d", k);
		ws_value_map_set(m, key, ws_value_new_number(k, WS_LOC_NONE), WS_LOC_NONE);
	}
	ws_value_map_set(m, "k05", ws_value_new_string("five", WS_LOC_NONE), WS_LOC_NONE);
	cr_assert_eq(ws_value_length(m), 40);
	cr_assert_str_eq(ws_value_map_key_at(m, 5), "k05");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "k05")), "five");
	cr_assert(ws_value_map_remove(m, "k00"));
	cr_assert_str_eq(ws_value_map_key_at(m, 0), "k01");
	cr_assert_float_eq(ws_value_number(ws_value_map_get(m, "k39")), 39, 1e-9);
	cr_assert_null(ws_value_map_get(m, "k00"));
	ws_value *c = ws_value_copy(m);
	cr_assert(ws_value_equal(m, c));
	ws_value_map_set(c, "k39", ws_value_new_null(WS_LOC_NONE), WS_LOC_NONE);
	cr_assert(!ws_value_equal(m, c));
	ws_value_unref(c);
	ws_value_unref(m);
}

Test(value, to_string_quotes_strings)
{
	ws_value *m = ws_value_new_map(WS_LOC_NONE);
	ws_value_map_set(m, "a", ws_value_new_string("x\"y", WS_LOC_NONE), WS_LOC_NONE);
	ws_value_map_set(m, "b", ws_value_new_number(1.5, WS_LOC_NONE), WS_LOC_NONE);
	char *s = ws_value_to_string(m);
	cr_assert_str_eq(s, "{a: \"x\\\"y\", b: 1.5}");
	g_free(s);
	ws_value_unref(m);
}
