/* Writing JSON text (core/base/json.c): the strings and string lists that
 * `wenshu schema` writes.  The module writes, it does not parse; each case
 * is the exact text a strict JSON parser must accept and read back as the
 * input (Python's json.loads of every `want` gives `in`). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glib.h>
#include <string.h>

#include "json.h"

TestSuite(json);

/* Arrays, not pointers: Criterion copies the cases into the test's
 * process (as test_host.c's date cases). */
typedef struct {
	char in[32];
	char want[64];
} json_case;

ParameterizedTestParameters(json, string)
{
	static json_case cases[] = {
		{"", "\"\""},
		{"plain", "\"plain\""},
		{"say \"hi\"", "\"say \\\"hi\\\"\""},
		{"C:\\path", "\"C:\\\\path\""},
		{"two\nlines", "\"two\\nlines\""},
		/* every other control character as \u00XX: raw ones are not JSON */
		{"tab\there", "\"tab\\u0009here\""},
		{"cr\r", "\"cr\\u000d\""},
		{"\x01\x1f", "\"\\u0001\\u001f\""},
		/* DEL and UTF-8 are legal as they are; a label is Chinese text */
		{"\x7f", "\"\x7f\""},
		{"照会编号（2025）", "\"照会编号（2025）\""},
		/* a slash needs no escape */
		{"a/b", "\"a/b\""},
	};
	return cr_make_param_array(json_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(json_case *c, json, string)
{
	GString *out = g_string_new("x=");
	ws__json_string(out, c->in);
	char *want = g_strconcat("x=", c->want, NULL);
	cr_assert_str_eq(out->str, want, "'%s' wrote %s", c->in, out->str);
	g_free(want);
	g_string_free(out, TRUE);
}

Test(json, string_lists)
{
	static const char *const none[] = {NULL};
	static const char *const two[] = {"self", "de\"legated", NULL};
	GString *out = g_string_new(NULL);
	ws__json_strings(out, none);
	g_string_append_c(out, ' ');
	ws__json_strings(out, NULL);
	g_string_append_c(out, ' ');
	ws__json_strings(out, two);
	cr_assert_str_eq(out->str, "[] [] [\"self\", \"de\\\"legated\"]");
	g_string_free(out, TRUE);
}
