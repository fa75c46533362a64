/* The YAML/JSON loader: typing, locations, every error path with its exact
 * line:col, limits, NFC and CJK line folding. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "value.h"
#include "wslimits.h"
#include "wsyaml.h"

static int load_len(ws_value **v, const char *src, size_t len, ws_diags *d)
{
	return ws_yaml_load_buffer(v, src, len, "t.yaml", d);
}

/* Loads `src`, which must be valid; the diagnostics must hold no error. */
static ws_value *load_ok(const char *src)
{
	ws_diags *d = ws_diags_new();
	ws_value *v = NULL;
	int rc = load_len(&v, src, strlen(src), d);
	if (rc != WS_OK) {
		for (size_t i = 0; i < ws_diags_count(d); i++) {
			char *s = ws_diag_format(ws_diags_at(d, i));
			cr_log_error("%s", s);
			g_free(s);
		}
	}
	cr_assert_eq(rc, WS_OK, "loading failed");
	cr_assert(!ws_diags_has_errors(d));
	ws_diags_free(d);
	cr_assert_not_null(v);
	return v;
}

/* Asserts that loading fails with WS_EINPUT and that the first error is at
 * line:col and mentions `what`. */
static void expect_error_len(const char *src, size_t len, unsigned line, unsigned col,
                             const char *what)
{
	ws_diags *d = ws_diags_new();
	ws_value *v = (ws_value *)0x1;
	int rc = load_len(&v, src, len, d);
	cr_assert_eq(rc, WS_EINPUT, "expected an input error for %s", what);
	cr_assert_null(v, "*out must be NULL on failure");
	const ws_diag *e = NULL;
	for (size_t i = 0; i < ws_diags_count(d) && !e; i++)
		if (ws_diags_at(d, i)->severity == WS_SEVERITY_ERROR)
			e = ws_diags_at(d, i);
	cr_assert_not_null(e);
	char *s = ws_diag_format(e);
	cr_assert_str_eq(e->loc.file, "t.yaml");
	cr_assert(e->loc.line == line && e->loc.column == col, "expected %u:%u, got: %s", line, col, s);
	cr_assert(strstr(e->message, what) != NULL, "expected '%s' in: %s", what, s);
	g_free(s);
	ws_diags_free(d);
}

static void expect_error(const char *src, unsigned line, unsigned col, const char *what)
{
	expect_error_len(src, strlen(src), line, col, what);
}

static void assert_loc(ws_loc l, unsigned line, unsigned col)
{
	cr_assert(l.line == line && l.column == col, "expected %u:%u, got %u:%u", line, col,
	          l.line, l.column);
}

static void assert_type_text(const ws_value *m, const char *key, ws_value_type t, const char *text)
{
	ws_value *v = ws_value_map_get(m, key);
	cr_assert_not_null(v, "missing key %s", key);
	cr_assert_eq(ws_value_get_type(v), t, "%s: expected %s, got %s", key, ws_value_type_name(t),
	             ws_value_type_name(ws_value_get_type(v)));
	cr_assert_str_eq(ws_value_text(v), text, "%s", key);
}

Test(yaml, plain_scalars_follow_the_core_schema)
{
	ws_value *m = load_ok("n1: null\nn2: ~\nn3:\nn4: NULL\n"
	                      "b1: true\nb2: True\nb3: FALSE\nyes: yes\noff: off\n"
	                      "i: 42\nneg: -7\nplus: +3\nf: 185.00\ne: 1.5e3\ndot: .5\n"
	                      "zero: 0\nlead: 007\npost: 010020\nhex: 0x1F\noct: 0o17\n"
	                      "nan: .nan\ninf: .inf\ndate: 2025-03-05\ntime: 08:30\n"
	                      "q1: \"123\"\nq2: 'true'\nq3: ''\ns: 测外任〔2025〕0001号\n");
	assert_type_text(m, "n1", WS_VALUE_NULL, "");
	assert_type_text(m, "n2", WS_VALUE_NULL, "");
	assert_type_text(m, "n3", WS_VALUE_NULL, "");
	assert_type_text(m, "n4", WS_VALUE_NULL, "");
	assert_type_text(m, "b1", WS_VALUE_BOOL, "true");
	cr_assert(ws_value_bool(ws_value_map_get(m, "b2")));
	assert_type_text(m, "b3", WS_VALUE_BOOL, "false");
	/* YAML 1.1 booleans are plain words in 1.2 (a country code "NO" stays). */
	assert_type_text(m, "yes", WS_VALUE_STRING, "yes");
	assert_type_text(m, "off", WS_VALUE_STRING, "off");
	assert_type_text(m, "i", WS_VALUE_NUMBER, "42");
	assert_type_text(m, "neg", WS_VALUE_NUMBER, "-7");
	assert_type_text(m, "plus", WS_VALUE_NUMBER, "+3");
	assert_type_text(m, "f", WS_VALUE_NUMBER, "185.00");
	cr_assert_float_eq(ws_value_number(ws_value_map_get(m, "f")), 185.0, 1e-9);
	assert_type_text(m, "e", WS_VALUE_NUMBER, "1.5e3");
	cr_assert_float_eq(ws_value_number(ws_value_map_get(m, "e")), 1500.0, 1e-9);
	assert_type_text(m, "dot", WS_VALUE_NUMBER, ".5");
	assert_type_text(m, "zero", WS_VALUE_NUMBER, "0");
	/* Leading zeros mark codes (postal codes), never octal numbers. */
	assert_type_text(m, "lead", WS_VALUE_STRING, "007");
	assert_type_text(m, "post", WS_VALUE_STRING, "010020");
	assert_type_text(m, "hex", WS_VALUE_STRING, "0x1F");
	assert_type_text(m, "oct", WS_VALUE_STRING, "0o17");
	assert_type_text(m, "nan", WS_VALUE_STRING, ".nan");
	assert_type_text(m, "inf", WS_VALUE_STRING, ".inf");
	assert_type_text(m, "date", WS_VALUE_STRING, "2025-03-05");
	assert_type_text(m, "time", WS_VALUE_STRING, "08:30");
	assert_type_text(m, "q1", WS_VALUE_STRING, "123");
	assert_type_text(m, "q2", WS_VALUE_STRING, "true");
	assert_type_text(m, "q3", WS_VALUE_STRING, "");
	assert_type_text(m, "s", WS_VALUE_STRING, "测外任〔2025〕0001号");
	ws_value_unref(m);
}

Test(yaml, keys_are_text_whatever_they_look_like)
{
	ws_value *m = load_ok("1: a\ntrue: b\nnull: c\n\"q\": d\n");
	cr_assert_str_eq(ws_value_map_key_at(m, 0), "1");
	cr_assert_str_eq(ws_value_map_key_at(m, 1), "true");
	cr_assert_str_eq(ws_value_map_key_at(m, 2), "null");
	cr_assert_str_eq(ws_value_map_key_at(m, 3), "q");
	ws_value_unref(m);
}

Test(yaml, block_scalars_and_tags)
{
	ws_value *m = load_ok("lit: |\n  line one\n  line two\nfold: >\n  line one\n  line two\n"
	                      "s: !!str 123\nn: !!int 5\nf: !!float 2.5\nb: !!bool true\nz: !!null ~\n"
	                      "x: ! 12\n");
	assert_type_text(m, "lit", WS_VALUE_STRING, "line one\nline two\n");
	assert_type_text(m, "fold", WS_VALUE_STRING, "line one line two\n");
	assert_type_text(m, "s", WS_VALUE_STRING, "123");
	assert_type_text(m, "n", WS_VALUE_NUMBER, "5");
	assert_type_text(m, "f", WS_VALUE_NUMBER, "2.5");
	assert_type_text(m, "b", WS_VALUE_BOOL, "true");
	assert_type_text(m, "z", WS_VALUE_NULL, "");
	assert_type_text(m, "x", WS_VALUE_STRING, "12");
	ws_value_unref(m);
}

Test(yaml, bad_tags_are_errors)
{
	expect_error("a: !!int 1.5\n", 1, 4, "not a valid !!int");
	expect_error("a: !!bool yes\n", 1, 4, "not a valid !!bool");
	expect_error("a: !!binary aGVsbG8=\n", 1, 4, "unsupported tag 'tag:yaml.org,2002:binary'");
	expect_error("a: !custom x\n", 1, 4, "unsupported tag '!custom'");
	expect_error("a: !!set {x: 1}\n", 1, 4, "unsupported tag");
}

Test(yaml, locations_count_characters_and_are_one_based)
{
	ws_value *m = load_ok("# 注释\n名字: 贾测试\nnested:\n  - {甲: 乙, k: v}\n  - 两字: [1, 二]\n");
	cr_assert_str_eq(ws_value_map_key_at(m, 0), "名字");
	assert_loc(ws_value_map_key_loc(m, 0), 2, 1);
	assert_loc(ws_value_loc(ws_value_map_get(m, "名字")), 2, 5);
	assert_loc(ws_value_map_key_loc(m, 1), 3, 1);
	ws_value *list = ws_value_map_get(m, "nested");
	assert_loc(ws_value_loc(list), 4, 3);
	ws_value *flow = ws_value_list_at(list, 0);
	assert_loc(ws_value_loc(flow), 4, 5);
	assert_loc(ws_value_map_key_loc(flow, 0), 4, 6);
	assert_loc(ws_value_loc(ws_value_map_get(flow, "甲")), 4, 9);
	assert_loc(ws_value_map_key_loc(flow, 1), 4, 12);
	assert_loc(ws_value_loc(ws_value_map_get(flow, "k")), 4, 15);
	ws_value *second = ws_value_list_at(list, 1);
	assert_loc(ws_value_loc(second), 5, 5);
	ws_value *inner = ws_value_map_get(second, "两字");
	assert_loc(ws_value_loc(inner), 5, 9);
	assert_loc(ws_value_loc(ws_value_list_at(inner, 1)), 5, 13);
	cr_assert_str_eq(ws_value_loc(inner).file, "t.yaml");
	ws_value_unref(m);
}

Test(yaml, empty_input_is_a_null_document)
{
	ws_value *v = load_ok("");
	cr_assert(ws_value_is_null(v));
	assert_loc(ws_value_loc(v), 1, 1);
	ws_value_unref(v);
	v = load_ok("# only a comment\n");
	cr_assert(ws_value_is_null(v));
	ws_value_unref(v);
}

Test(yaml, number_out_of_range)
{
	expect_error("a: 1\nbig: 1e400\n", 2, 6, "number out of range");
	expect_error("- -1e999\n", 1, 3, "number out of range");
}

Test(yaml, tabs_used_for_indentation)
{
	expect_error("a:\n\tb: 1\n", 2, 1, "tabs are not allowed for indentation");
	expect_error("a:\n  b: 1\n\tc: 2\n", 3, 1, "tabs are not allowed for indentation");
}

Test(yaml, syntax_errors_have_positions)
{
	expect_error("a: [1, 2\nb: 3\n", 2, 2, "did not find expected ',' or ']'");
	expect_error("a: b: c\n", 1, 5, "mapping values are not allowed");
	expect_error("a: \"open\n", 2, 1, "found unexpected end of stream");
	expect_error("- a\nb: c\n", 2, 1, "did not find expected '-' indicator");
}

/* A key without its colon is reported on its own line (libyaml stops on
 * the line after); a full-width colon, what a clerk typing Chinese
 * writes, is pointed at and named. */
Test(yaml, a_key_without_its_colon_is_found_on_its_line)
{
	expect_error("name: roster\ntitle：出国人员名单\nelements: []\n", 2, 6,
	             "a full-width colon '：' after a key: write ':' and a space instead (key: value)");
	expect_error("a: 1\nb：\n  c: 2\nd: 3\n", 2, 2, "a full-width colon '：'");
	expect_error("name: roster\ntitle 出国人员名单\nelements: []\n", 2, 1,
	             "this line has no ':' after its key (write key: value)");
	/* an item `text：标题` is a string: the key under it trips libyaml */
	expect_error("elements:\n  - text：出国人员名单\n    style: title\n", 2, 9, "a full-width colon '：'");
	expect_error("elements:\r\n  - text：出国人员名单\r\n    style: title\r\n", 2, 9, "a full-width colon '：'");
	/* a full-width colon in a value is text, and an error elsewhere is not blamed on it */
	expect_error("a:\n  - 团组：某某\n    b: c\n", 3, 6, "mapping values are not allowed");
}

Test(yaml, invalid_utf8_is_located)
{
	expect_error("a: ok\nb: \xff\n", 2, 4, "invalid UTF-8 byte 0xFF");
	/* A truncated sequence after two CJK characters: column 5 counts characters. */
	expect_error("x:\n名字: \xe8\xb4\n", 2, 5, "invalid UTF-8 byte 0xE8");
	/* UTF-16 text starts with a byte that is never valid UTF-8. */
	expect_error_len("\xff\xfe" "a\0:\0", 6, 1, 1, "invalid UTF-8");
}

Test(yaml, nul_bytes_are_refused)
{
	expect_error_len("a: 1\nb: x\0y\n", 12, 2, 5, "NUL byte");
	/* A NUL written as an escape is refused too, at its scalar. */
	expect_error("a: \"x\\0y\"\n", 1, 4, "NUL character");
}

Test(yaml, control_characters_are_located)
{
	expect_error("a: 1\nb: x\x01y\n", 2, 5, "control characters are not allowed");
}

Test(yaml, leading_bom_is_a_warning)
{
	ws_diags *d = ws_diags_new();
	ws_value *v = NULL;
	const char *src = "\xEF\xBB\xBF" "a: 1\nb: 二\n";
	cr_assert_eq(load_len(&v, src, strlen(src), d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 1);
	const ws_diag *w = ws_diags_at(d, 0);
	cr_assert_eq(w->severity, WS_SEVERITY_WARNING);
	cr_assert_str_eq(w->message, "byte-order mark ignored");
	assert_loc(w->loc, 1, 1);
	/* Positions are counted after the mark. */
	assert_loc(ws_value_map_key_loc(v, 0), 1, 1);
	assert_loc(ws_value_loc(ws_value_map_get(v, "b")), 2, 4);
	ws_value_unref(v);
	ws_diags_free(d);
}

Test(yaml, bom_elsewhere_is_an_error)
{
	expect_error("a: 1\nb: x\xEF\xBB\xBFy\n", 2, 5, "byte-order mark");
	expect_error("\xEF\xBB\xBF\xEF\xBB\xBF" "a: 1\n", 1, 1, "byte-order mark");
}

Test(yaml, duplicate_keys_name_both)
{
	ws_diags *d = ws_diags_new();
	ws_value *v = NULL;
	const char *src = "group:\n  route: self\n  name: x\n  route: delegated\n";
	cr_assert_eq(load_len(&v, src, strlen(src), d), WS_EINPUT);
	cr_assert_null(v);
	cr_assert_eq(ws_diags_count(d), 2);
	const ws_diag *e = ws_diags_at(d, 0), *n = ws_diags_at(d, 1);
	cr_assert_eq(e->severity, WS_SEVERITY_ERROR);
	cr_assert_str_eq(e->message, "duplicate key 'route'");
	assert_loc(e->loc, 4, 3);
	cr_assert_eq(n->severity, WS_SEVERITY_NOTE);
	assert_loc(n->loc, 2, 3);
	ws_diags_free(d);
	/* In flow maps too, and after NFC: "é" composed and decomposed are one key. */
	expect_error("{a: 1, b: 2, a: 3}\n", 1, 14, "duplicate key 'a'");
	expect_error("\"\xC3\xA9\": 1\n\"e\xCC\x81\": 2\n", 2, 1, "duplicate key");
}

Test(yaml, keys_must_be_scalars)
{
	expect_error("? [a, b]\n: c\n", 1, 3, "mapping keys must be scalars, not a list");
	expect_error("{{x: 1}: y}\n", 1, 2, "mapping keys must be scalars, not a map");
	expect_error("base: &b {x: 1}\n*b : y\n", 2, 1, "mapping keys must be scalars, not a map");
	expect_error("a: 1\n\"\": 2\n", 2, 1, "empty mapping key");
}

Test(yaml, more_than_one_document)
{
	expect_error("a: 1\n---\nb: 2\n", 2, 1, "more than one document");
	expect_error("--- 1\n--- 2\n", 2, 1, "more than one document");
}

Test(yaml, aliases_share_the_anchored_value)
{
	ws_value *m = load_ok("base: &s {font: hei, size: 10}\nlabel: *s\nname: &n 贾\ncopy: *n\n"
	                      "k: &key other\n*key : again\n");
	ws_value *base = ws_value_map_get(m, "base");
	cr_assert_eq(ws_value_map_get(m, "label"), base, "aliases are shared, not copied");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "copy")), "贾");
	/* An alias of a scalar may be a key, located at the alias. */
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "other")), "again");
	assert_loc(ws_value_map_key_loc(m, 5), 6, 1);
	ws_value_unref(m);
	/* ...and when it names an existing key it is a duplicate. */
	expect_error("name: 1\nk: &key name\n*key : again\n", 3, 1, "duplicate key 'name'");
}

Test(yaml, alias_errors)
{
	expect_error("a: *nowhere\n", 1, 4, "unknown anchor '&nowhere'");
	expect_error("a: &x [1, *x]\n", 1, 11, "recursive");
	expect_error("a: &x {b: {c: *x}}\n", 1, 15, "recursive");
}

Test(yaml, billion_laughs_is_refused_quickly, .timeout = 10)
{
	GString *s = g_string_new("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
	for (char c = 'b'; c <= 'j'; c++)
		g_string_append_printf(s, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n",
		                       c, c, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1,
		                       c - 1, c - 1);
	gint64 t0 = g_get_monotonic_time();
	/* a..e and the root count 123456 nodes; each *e in f adds 111111, so
	 * the 8th one (column 8 + 7 * 4) passes 1000000. */
	expect_error(s->str, 6, 36, "expands to more than");
	cr_assert_lt(g_get_monotonic_time() - t0, 2 * G_USEC_PER_SEC);
	g_string_free(s, TRUE);
}

Test(yaml, too_many_aliases)
{
	GString *s = g_string_new("a: &a 1\nl: [");
	for (int i = 0; i <= WS_LIMIT_YAML_ALIASES; i++)
		g_string_append(s, i ? ", *a" : "*a");
	g_string_append(s, "]\n");
	/* Alias number 1001 starts at column 5 + 4 * 1000. */
	expect_error(s->str, 2, 5 + 4 * WS_LIMIT_YAML_ALIASES, "more than 1000 aliases");
	g_string_free(s, TRUE);
}

Test(yaml, deep_nesting_is_refused_while_parsing, .timeout = 10)
{
	GString *s = g_string_new(NULL);
	for (int i = 0; i < WS_LIMIT_YAML_DEPTH; i++)
		g_string_append_c(s, '[');
	for (int i = 0; i < WS_LIMIT_YAML_DEPTH; i++)
		g_string_append_c(s, ']');
	ws_value *v = load_ok(s->str); /* exactly the limit is fine */
	ws_value_unref(v);

	/* 1 MiB of '[': refused at the 65th, long before the end. */
	g_string_truncate(s, 0);
	for (int i = 0; i < 1024 * 1024; i++)
		g_string_append_c(s, '[');
	gint64 t0 = g_get_monotonic_time();
	expect_error(s->str, 1, WS_LIMIT_YAML_DEPTH + 1, "nesting deeper than 64 levels");
	cr_assert_lt(g_get_monotonic_time() - t0, 2 * G_USEC_PER_SEC);

	/* Block nesting counts the same. */
	g_string_truncate(s, 0);
	for (int i = 0; i <= WS_LIMIT_YAML_DEPTH; i++) {
		for (int k = 0; k < i; k++)
			g_string_append_c(s, ' ');
		g_string_append(s, "k:\n");
	}
	expect_error(s->str, WS_LIMIT_YAML_DEPTH + 1, WS_LIMIT_YAML_DEPTH + 1,
	             "nesting deeper than 64 levels");
	g_string_free(s, TRUE);
}

Test(yaml, scalar_too_long)
{
	size_t n = WS_LIMIT_SCALAR_LENGTH + 1;
	char *src = g_malloc(n + 16);
	memcpy(src, "a: 1\nb: ", 8);
	memset(src + 8, 'x', n);
	strcpy(src + 8 + n, "\n");
	expect_error(src, 2, 4, "scalar is too long");
	g_free(src);
}

Test(yaml, strings_are_nfc)
{
	/* "e" + COMBINING ACUTE ACCENT → "é"; a compatibility character (ﬁ)
	 * is left alone: NFC, not NFKC. */
	ws_value *m = load_ok("a: Jose\xCC\x81\nb: \"e\xCC\x81\"\nc: \xEF\xAC\x81\n"
	                      "e\xCC\x81: key\n");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "a")), "Jos\xC3\xA9");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "b")), "\xC3\xA9");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "c")), "\xEF\xAC\x81");
	cr_assert_not_null(ws_value_map_get(m, "\xC3\xA9"), "keys are NFC too");
	ws_value_unref(m);

	/* Hanzi and CJK punctuation are NFC as they are; what follows them
	 * still composes, and a CJK compatibility ideograph (U+F900) becomes
	 * its unified twin (U+8C48). */
	m = load_ok("h: 汉字，测试。\nk: 汉字e\xCC\x81\nq: \"测\xEF\xA4\x80\"\n");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "h")), "汉字，测试。");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "k")), "汉字\xC3\xA9");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "q")), "测\xE8\xB1\x88");
	ws_value_unref(m);
}

Test(yaml, folding_never_spaces_cjk)
{
	ws_value *m = load_ok("plain: 中华人民共和国\n  外交部\n"
	                      "quoted: \"美利坚合众国\n  驻华大使馆\"\n"
	                      "folded: >\n  请贵馆为下列人员\n  办理签证。\n"
	                      "punct: 考察团，\n  共三人\n"
	                      "latin: hello\n  world\n"
	                      "mixed: 中文\n  English\n"
	                      "dash: 北京——\n  上海\n"
	                      "literal: |\n  第一行\n  第二行\n"
	                      "single: 甲 乙\n"
	                      "twice: 甲\n\n  乙\n");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "plain")), "中华人民共和国外交部");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "quoted")), "美利坚合众国驻华大使馆");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "folded")), "请贵馆为下列人员办理签证。\n");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "punct")), "考察团，共三人");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "latin")), "hello world");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "mixed")), "中文 English");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "dash")), "北京——上海");
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "literal")), "第一行\n第二行\n");
	/* On one line, a space is the author's: kept. */
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "single")), "甲 乙");
	/* An empty line folds to a newline, which is kept. */
	cr_assert_str_eq(ws_value_text(ws_value_map_get(m, "twice")), "甲\n乙");
	ws_value_unref(m);
}

Test(yaml, json_loads_through_the_same_loader)
{
	const char *json = "{\n\t\"group\": {\"group_id\":\"G1\", \"count\": 3, \"fee\": 185.5,\n"
	                   "\t\t\"ok\": true, \"none\": null, \"list\": [1, \"二\", false]}\n}\n";
	ws_value *m = load_ok(json);
	ws_value *g = ws_value_map_get(m, "group");
	assert_type_text(g, "group_id", WS_VALUE_STRING, "G1");
	assert_type_text(g, "count", WS_VALUE_NUMBER, "3");
	assert_type_text(g, "fee", WS_VALUE_NUMBER, "185.5");
	assert_type_text(g, "ok", WS_VALUE_BOOL, "true");
	assert_type_text(g, "none", WS_VALUE_NULL, "");
	ws_value *l = ws_value_map_get(g, "list");
	cr_assert_eq(ws_value_length(l), 3);
	cr_assert_str_eq(ws_value_text(ws_value_list_at(l, 1)), "二");
	assert_loc(ws_value_map_key_loc(m, 0), 2, 2);
	assert_loc(ws_value_loc(ws_value_map_get(g, "count")), 2, 38);
	ws_value_unref(m);
}

Test(yaml, json_file)
{
	ws_diags *d = ws_diags_new();
	ws_value *v = NULL;
	const char *path = WS_TEST_SOURCE_DIR "/tests/data/group.json";
	cr_assert_eq(ws_yaml_load_file(&v, path, d), WS_OK);
	cr_assert_eq(ws_diags_count(d), 0);
	ws_value *id = ws_value_lookup(v, "group.group_id");
	cr_assert_str_eq(ws_value_text(id), "G2025-JSON-001");
	cr_assert_str_eq(ws_value_loc(id).file, path);
	assert_loc(ws_value_loc(id), 3, 17);
	cr_assert_str_eq(ws_value_text(ws_value_lookup(v, "group.applicants[0].name_zh")), "贾测试");
	ws_value_unref(v);
	ws_diags_free(d);
}

Test(yaml, bundled_samples_load)
{
	const char *names[] = {"self-beijing.yaml", "delegated-shanghai.yaml", "invalid.yaml"};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		char *path = g_build_filename(WS_TEST_SOURCE_DIR, "examples", "data", names[i], NULL);
		ws_diags *d = ws_diags_new();
		ws_value *v = NULL;
		cr_assert_eq(ws_yaml_load_file(&v, path, d), WS_OK, "%s", names[i]);
		cr_assert_eq(ws_diags_count(d), 0, "%s", names[i]);
		cr_assert_eq(ws_value_get_type(ws_value_lookup(v, "group.applicants")), WS_VALUE_LIST);
		ws_value_unref(v);
		ws_diags_free(d);
		g_free(path);
	}
	/* Spot checks on the typing of real data. */
	ws_value *v = NULL;
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_yaml_load_file(&v, WS_TEST_SOURCE_DIR "/examples/data/delegated-shanghai.yaml",
	                               d), WS_OK);
	ws_value *pay = ws_value_lookup(v, "group.payment");
	assert_type_text(pay, "total_cny", WS_VALUE_STRING, "4107.00");
	assert_type_text(pay, "applicant_count", WS_VALUE_NUMBER, "3");
	assert_type_text(pay, "date", WS_VALUE_STRING, "2025-03-20");
	cr_assert(ws_value_is_null(ws_value_lookup(v, "group.appointment.date")));
	ws_value *postal = ws_value_lookup(v, "group.fao_return_address.postal_code");
	cr_assert_eq(ws_value_get_type(postal), WS_VALUE_STRING);
	assert_loc(ws_value_loc(postal), 10, 37);
	ws_value_unref(v);
	ws_diags_free(d);
}

/* Files: the checks that happen before anything is read. */

static char *tmpdir(void)
{
	GError *err = NULL;
	char *dir = g_dir_make_tmp("wenshu-yaml-XXXXXX", &err);
	cr_assert_not_null(dir, "%s", err ? err->message : "");
	return dir;
}

static void expect_file_error(const char *path, int status, const char *what)
{
	ws_diags *d = ws_diags_new();
	ws_value *v = NULL;
	cr_assert_eq(ws_yaml_load_file(&v, path, d), status, "%s", path);
	cr_assert_null(v);
	const ws_diag *e = ws_diags_at(d, 0);
	cr_assert_not_null(e);
	cr_assert_str_eq(e->loc.file, path);
	cr_assert(strstr(e->message, what), "expected '%s' in '%s'", what, e->message);
	ws_diags_free(d);
}

Test(yaml, fifo_is_refused_without_blocking, .timeout = 10)
{
	char *dir = tmpdir();
	char *fifo = g_build_filename(dir, "pipe.yaml", NULL);
	cr_assert_eq(mkfifo(fifo, 0600), 0, "mkfifo: %s", g_strerror(errno));
	/* No writer ever opens the FIFO: a blocking open() would hang here. */
	expect_file_error(fifo, WS_EINPUT, "not a regular file");
	g_unlink(fifo);
	g_rmdir(dir);
	g_free(fifo);
	g_free(dir);
}

Test(yaml, devices_directories_and_missing_files)
{
	expect_file_error("/dev/zero", WS_EINPUT, "not a regular file");
	char *dir = tmpdir();
	expect_file_error(dir, WS_EINPUT, "is a directory");
	char *missing = g_build_filename(dir, "missing.yaml", NULL);
	expect_file_error(missing, WS_EIO, "cannot open");
	g_rmdir(dir);
	g_free(missing);
	g_free(dir);
}

Test(yaml, oversized_file_is_refused_before_reading, .timeout = 10)
{
	char *dir = tmpdir();
	char *path = g_build_filename(dir, "big.yaml", NULL);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	/* A sparse file: refused on its size alone, so this costs no I/O. */
	cr_assert_eq(ftruncate(fd, (off_t)WS_LIMIT_FILE_SIZE + 1), 0);
	close(fd);
	expect_file_error(path, WS_EINPUT, "file is too large");
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
}

Test(yaml, file_errors_name_the_file_and_position)
{
	char *dir = tmpdir();
	char *path = g_build_filename(dir, "bad.yaml", NULL);
	cr_assert(g_file_set_contents(path, "a: 1\na: 2\n", -1, NULL));
	ws_diags *d = ws_diags_new();
	ws_value *v = NULL;
	cr_assert_eq(ws_yaml_load_file(&v, path, d), WS_EINPUT);
	char *s = ws_diag_format(ws_diags_at(d, 0));
	char *want = g_strdup_printf("%s:2:1: error: duplicate key 'a'", path);
	cr_assert_str_eq(s, want);
	g_free(s);
	g_free(want);
	ws_diags_free(d);
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
}

/* PyYAML (YAML 1.1) reads these plain keys as booleans: each is warned
 * about where it is written; quoted ones and values are fine. */
Test(yaml, keys_yaml_1_1_reads_as_booleans_are_warned_about)
{
	const char *src = "group:\n  note: {no: x, \"yes\": 1}\n  On: a\n  y: b\n  OFF: c\n  ok: no\n  'n': d\n";
	ws_diags *d = ws_diags_new();
	ws_value *v = NULL;
	cr_assert_eq(load_len(&v, src, strlen(src), d), WS_OK);
	struct { unsigned line, col; const char *what; } want[] = {
		{2, 10, "'no' as the boolean false; write 'number:' instead"},
		{3, 3, "'On' as the boolean true; quote it"},
		{4, 3, "'y' as the boolean true"},
		{5, 3, "'OFF' as the boolean false; quote it"},
	};
	cr_assert_eq(ws_diags_count(d), G_N_ELEMENTS(want));
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		const ws_diag *w = ws_diags_at(d, i);
		char *s = ws_diag_format(w);
		cr_assert_eq(w->severity, WS_SEVERITY_WARNING, "%s", s);
		cr_assert(w->loc.line == want[i].line && w->loc.column == want[i].col, "expected %u:%u: %s", want[i].line,
		          want[i].col, s);
		cr_assert(strstr(s, want[i].what), "expected '%s' in %s", want[i].what, s);
		g_free(s);
	}
	/* the key is still its text here */
	cr_assert_not_null(ws_value_lookup(v, "group.note.no"));
	ws_value_unref(v);
	ws_diags_free(d);
}
