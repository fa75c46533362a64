/* Fuzz target: the template language.  The input is a template source;
 * it is compiled as a template and as a bare expression, and rendered and
 * evaluated against a fixed scope: a group map like a real data file's
 * (numbers kept as text, nested maps, a list of applicant maps), `it`,
 * `loop`, `page` and `doc`. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "wenshu.h"

static const char scope_yaml[] =
	"group:\n"
	"  group_id: G2025-FUZZ-001\n"
	"  route: self\n"
	"  group_name: 某某省示例学术交流团（虚构）\n"
	"  travel_start_date: 2025-04-20\n"
	"  us_itinerary: [华盛顿, 纽约]\n"
	"  contact: {name: 甄示例, mobile: \"13800000000\", landline: null}\n"
	"  payment: {fee_usd_per_applicant: \"185.00\", cny_per_usd: \"7.40\", applicant_count: 2, big: 9223372036854775807}\n"
	"  flags: {ok: true, no: false}\n"
	"  applicants:\n"
	"    - {name_zh: 贾测试, surname: JIA, passport_no: PE0000001, date_of_birth: 1980-01-01, age: 45}\n"
	"    - {name_zh: 甄示例, surname: ZHEN, passport_no: PE0000002, date_of_birth: 1975-05-05, age: -3.25}\n"
	"it: {name_zh: 贾测试, n: 1}\n"
	"loop: {index: 0, number: 1, count: 2, first: true, last: false}\n"
	"page: {number: 1, count: 3}\n"
	"doc: {kind: payment-receipt, title: 缴费确认单, date: 2025-03-05}\n";

static ws_value *scope;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ws_diags *d = ws_diags_new();
	if (ws_yaml_load_buffer(&scope, scope_yaml, strlen(scope_yaml), "scope.yaml", d) != WS_OK)
		abort();
	ws_diags_free(d);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The API takes a C string: cut at the first NUL. */
	char *src = g_strndup((const char *)data, size);
	ws_loc loc = {"fuzz.yaml", 3, 11};
	for (int as_expr = 0; as_expr < 2; as_expr++) {
		ws_diags *d = ws_diags_new();
		ws_template *t = NULL;
		int rc = as_expr ? ws_template_compile_expr(&t, src, loc, d)
		                 : ws_template_compile(&t, src, loc, d);
		if ((rc == WS_OK) != (t != NULL))
			__builtin_trap();
		if (t) {
			char *out = NULL;
			if (ws_template_render(t, scope, &out, d) == WS_OK && !out)
				__builtin_trap();
			g_free(out);
			ws_value *v = NULL;
			if (ws_template_eval(t, scope, &v, d) == WS_OK && !v)
				__builtin_trap();
			ws_value_unref(v);
			(void)ws_template_is_constant(t);
			(void)ws_template_is_single_expr(t);
		}
		ws_fuzz_diags(d);
		ws_template_free(t);
		ws_diags_free(d);
	}
	g_free(src);
	return 0;
}
