/* Tests for the visa kind plugins (plugins/<kind>/) and the record library
 * they call (plugins/visa).
 *
 * Each kind is loaded from the build tree's plugin modules through the
 * real registry and its hooks are called with the real host-services
 * table; the record library's own functions are linked directly.  Records
 * come from examples/data through the YAML loader, so every diagnostic is
 * checked with its file line:col.  SOURCE_DATE_EPOCH is pinned to
 * 2025-03-05 (Asia/Shanghai) by meson.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glib.h>
#include <gmodule.h>
#include <string.h>

#include "host.h"
#include "plugin.h"
#include "support.h"
#include "visa.h"
#include "wsyaml.h"

static const ws_host_services *H(void)
{
	return ws_host_services_get();
}

/* Loads examples/data/<name>; *root owns the tree, returns the group map. */
static ws_value *load(const char *name, ws_value **root)
{
	char *path = g_build_filename(WS_TEST_SOURCE_DIR, "examples", "data", name, NULL);
	ws_diags *d = ws_diags_new();
	int rc = ws_yaml_load_file(root, path, d);
	cr_assert_eq(rc, WS_OK, "loading %s failed", path);
	cr_assert_eq(ws_diags_count(d), 0);
	ws_diags_free(d);
	g_free(path);
	ws_value *g = ws_value_map_get(*root, "group");
	cr_assert_not_null(g);
	return g;
}

static void dump(const ws_diags *d)
{
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		char *s = ws_diag_format(ws_diags_at(d, i));
		cr_log_info("%s", s);
		g_free(s);
	}
}

/* The kinds, by the names their plugins serve. */
#define IC "interview-confirmation"
#define PR "payment-receipt"
#define RS "registration-self"
#define RD "registration-delegated"
#define NO "note"
#define NC "note-cover"
#define PC "packet-cover"
static const char *const all_kinds[] = {IC, PR, RS, RD, NO, NC, PC};

/* The samples (examples/data) and the severities, short for the tables. */
#define SB "self-beijing.yaml"
#define DS "delegated-shanghai.yaml"
#define IV "invalid.yaml"
#define E WS_SEVERITY_ERROR
#define W WS_SEVERITY_WARNING

/* The kind `name` from its plugin in the build tree (loaded once per test
 * process; the registry lives until the process ends, like the CLI's). */
static const ws_kind_desc *kind(const char *name)
{
	static ws_registry *r;
	if (!r) {
		cr_assert_eq(ws_registry_new(&r), WS_OK);
		ws_diags *d = ws_diags_new();
		cr_assert_eq(ws_registry_add_dir(r, WS_TEST_BUILD_DIR "/plugins", d), WS_OK);
		ws_diags_free(d);
	}
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_registry_load(r, name, d), WS_OK, "plugin %s", name);
	ws_diags_free(d);
	const ws_kind_desc *k = ws_registry_find_kind(r, name);
	cr_assert_not_null(k, "kind %s", name);
	return k;
}

static void derive(const char *name, ws_value *group, ws_diags *d)
{
	const ws_kind_desc *k = kind(name);
	cr_assert_eq(k->derive(k, H(), group, d), WS_OK);
}

/* derive + validate for one kind. */
static ws_diags *run(const char *name, ws_value *group)
{
	const ws_kind_desc *k = kind(name);
	ws_diags *d = ws_diags_new();
	cr_assert_eq(k->derive(k, H(), group, d), WS_OK);
	cr_assert_eq(k->validate(k, H(), group, d), WS_OK);
	return d;
}

/* A sample record under test: the loaded tree, its group map, and what
 * the kind's hooks reported.  Every test opens and closes its records
 * through these two, so each says only what it checks. */
typedef struct sample {
	ws_value *root; /* owns the tree */
	ws_value *g;    /* the group map */
	ws_diags *d;
} sample;

/* Loads examples/data/<file>; with a kind, runs its derive and validate
 * into s.d, else s.d starts empty. */
static sample sample_open(const char *file, const char *kind_name)
{
	sample s;
	s.g = load(file, &s.root);
	s.d = kind_name ? run(kind_name, s.g) : ws_diags_new();
	return s;
}

/* Derives and validates `s` again as `kind_name`, after a change to its
 * record; s->d holds the new diagnostics. */
static void sample_run(sample *s, const char *kind_name)
{
	ws_diags_free(s->d);
	s->d = run(kind_name, s->g);
}

static void sample_close(sample *s)
{
	ws_diags_free(s->d);
	ws_value_unref(s->root);
}

/* The diagnostic with this rule and path (NULL = any path), or NULL. */
static const ws_diag *find(const ws_diags *d, const char *rule, const char *path)
{
	for (size_t i = 0; i < ws_diags_count(d); i++) {
		const ws_diag *x = ws_diags_at(d, i);
		if (g_strcmp0(x->rule, rule) == 0 && (!path || g_strcmp0(x->path, path) == 0))
			return x;
	}
	return NULL;
}

static void expect(const ws_diags *d, const char *rule, const char *path, ws_severity sev,
                   unsigned line, unsigned col)
{
	const ws_diag *x = find(d, rule, path);
	if (!x)
		dump(d);
	cr_assert_not_null(x, "no [%s] at %s", rule, path);
	cr_assert_eq(x->severity, sev, "[%s] %s: severity %d", rule, path, x->severity);
	if (line) {
		cr_assert_eq(x->loc.line, line, "[%s] %s: line %u, expected %u", rule, path, x->loc.line, line);
		cr_assert_eq(x->loc.column, col, "[%s] %s: column %u, expected %u", rule, path, x->loc.column, col);
	}
	cr_assert_not_null(x->message);
}

/* ---------------- helpers of the library ---------------- */

Test(visa, dates_format_and_arithmetic)
{
	visa_date d;
	cr_assert(visa_date_parse("2025-03-05", &d));
	char *s = visa_date_cn(d);
	cr_assert_str_eq(s, "二〇二五年三月五日");
	g_free(s);
	s = visa_date_zh(d);
	cr_assert_str_eq(s, "2025年3月5日");
	g_free(s);
	s = visa_date_slash(d);
	cr_assert_str_eq(s, "2025/03/05");
	g_free(s);
	s = visa_date_us(d);
	cr_assert_str_eq(s, "03/05/2025");
	g_free(s);
	static const struct {
		const char *iso, *cn;
	} cn[] = {
		{"2030-10-10", "二〇三〇年十月十日"},
		{"2024-12-20", "二〇二四年十二月二十日"},
		{"2001-11-31", NULL}, /* no 31 November */
		{"1999-01-31", "一九九九年一月三十一日"},
		{"2025-02-19", "二〇二五年二月十九日"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cn); i++) {
		bool ok = visa_date_parse(cn[i].iso, &d);
		cr_assert_eq(ok, cn[i].cn != NULL, "%s", cn[i].iso);
		if (!ok)
			continue;
		s = visa_date_cn(d);
		cr_assert_str_eq(s, cn[i].cn);
		g_free(s);
	}
	cr_assert_not(visa_date_parse("2025-3-5", NULL));
	cr_assert_not(visa_date_parse("2025-02-29", NULL));
	cr_assert(visa_date_parse("2024-02-29", NULL));
	cr_assert_not(visa_date_parse("2025-03-05x", NULL));
	visa_date a = {2025, 8, 31};
	visa_date b = visa_date_add_months(a, 6);
	cr_assert(b.year == 2026 && b.month == 2 && b.day == 28);
	visa_date e = {2025, 4, 27}, st = {2025, 4, 20};
	cr_assert_eq(visa_date_days(e) - visa_date_days(st) + 1, 8);
	visa_date epoch = {1970, 1, 1};
	cr_assert_eq(visa_date_days(epoch), 0);
}

Test(visa, money_is_fixed_point_and_rounds_half_up)
{
	/* decimal text at a scale: ok says whether it is taken */
	static const struct {
		const char *text;
		int scale;
		bool ok;
		int64_t units;
	} parse[] = {
		{"185.00", 2, true, 18500},
		{"185", 2, true, 18500},
		{"7.40", 4, true, 74000},
		{"7.1235", 4, true, 71235},
		{"185.001", 2, false, 0},   /* more places than the scale */
		{"-1.00", 2, false, 0},
		{"1e3", 2, false, 0},
		{"", 2, false, 0},
		{"1.", 2, false, 0},
		{".5", 2, false, 0},
		{"99999999999999", 2, false, 0},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(parse); i++) {
		int64_t v = -1;
		bool ok = visa_decimal_parse(parse[i].text, parse[i].scale, parse[i].scale, &v);
		cr_expect_eq(ok, parse[i].ok, "'%s' at scale %d", parse[i].text, parse[i].scale);
		if (ok)
			cr_expect_eq(v, parse[i].units, "'%s': %lld", parse[i].text, (long long)v);
	}

	/* applicants × fee (cents) × rate (1/10000) → CNY cents */
	static const struct {
		int applicants;
		int64_t fee, rate, cents;
	} cny[] = {
		{1, 18500, 74000, 136900},
		{3, 18500, 74000, 410700},
		{2, 18500, 74000, 273800},
		/* 3 × 185.00 × 7.1235 = 3953.5425 → 3953.54 */
		{3, 18500, 71235, 395354},
		/* 0.50 × 0.0100 = 0.005 → 0.01 (half up) ; 0.49 × 0.0100 = 0.0049 → 0.00 */
		{1, 50, 100, 1},
		{1, 49, 100, 0},
		/* rounding of the total, not of each applicant: 3 × round(1.005) ≠ round(3.015) */
		{3, 201, 5000, 302},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cny); i++) {
		int64_t c = -1;
		cr_expect(visa_cny_cents(cny[i].applicants, cny[i].fee, cny[i].rate, &c), "row %zu", i);
		cr_expect_eq(c, cny[i].cents, "%d × %lld × %lld: %lld", cny[i].applicants, (long long)cny[i].fee,
		             (long long)cny[i].rate, (long long)c);
	}

	char *s = visa_cents_format(410700);
	cr_assert_str_eq(s, "4107.00");
	g_free(s);
	s = visa_cents_format(5);
	cr_assert_str_eq(s, "0.05");
	g_free(s);
}

Test(visa, tables)
{
	const visa_post *p = visa_post_find("BEIJING");
	cr_assert_str_eq(p->name_zh, "美利坚合众国驻华大使馆");
	cr_assert_str_eq(p->short_zh, "美国驻华大使馆");
	cr_assert_null(visa_post_find("CHENGDU")); /* closed in 2020 */
	cr_assert_str_eq(visa_post_find("SHANGHAI")->name_zh, "美利坚合众国驻上海总领事馆");
	/* the passport type a number's letters tell (NULL: not a number) */
	static const struct {
		const char *number, *type;
		bool legacy;
	} passports[] = {
		{"PE0000001", "official_ordinary", false},
		{"EA1234567", "ordinary", false},
		{"EI1234567", NULL, false}, /* no I or O */
		{"EA12345678", NULL, false},
		{"G12345678", "ordinary", true},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(passports); i++) {
		bool legacy = !passports[i].legacy;
		const char *type = visa_passport_type_of_number(passports[i].number, &legacy);
		if (passports[i].type) {
			cr_expect_str_eq(type, passports[i].type, "%s", passports[i].number);
			cr_expect_eq(legacy, passports[i].legacy, "%s", passports[i].number);
		} else {
			cr_expect_null(type, "%s", passports[i].number);
		}
	}
	cr_assert_str_eq(visa_passport_type_zh("service"), "公务");
	cr_assert_str_eq(visa_passport_type_zh("diplomatic"), "外交");
	cr_assert(visa_class_official("A-2"));
	cr_assert(visa_class_official("c3"));
	cr_assert_not(visa_class_official("B1"));
	/* the MRV fee of a class in cents; -1: no such class */
	static const struct {
		const char *visa_class;
		int64_t cents;
	} fees[] = {
		{"B1/B2", 18500}, {"H-1B", 20500}, {"E2", 31500}, {"G4", 0}, {"TN", 18500}, {"T-2", -1},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(fees); i++)
		cr_expect_eq(visa_class_fee_cents(fees[i].visa_class), fees[i].cents, "%s", fees[i].visa_class);
	/* one spelling, the system's tag (seed), whatever was typed */
	static const struct {
		const char *typed, *printed;
	} spell[] = {
		{"B1", "B1"}, {"b-1", "B1"}, {"B-1/B-2", "B1/B2"}, {"E2C", "E-2C"}, {"C1", "C-1"},
		{"C-1", "C-1"}, {"cw 1", "CW-1"}, {"A-3", "A3"}, {"A1", "A-1"}, {"H1B", "H-1B"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(spell); i++) {
		char *s = visa_class_display(spell[i].typed);
		cr_assert_str_eq(s, spell[i].printed, "%s", spell[i].typed);
		g_free(s);
	}
}

/* ---------------- derive ---------------- */

static const char *dtext(ws_value *g, const char *path)
{
	ws_value *v = ws_value_lookup(g, path);
	cr_assert_not_null(v, "no %s", path);
	return ws_value_text(v);
}

/* What derive() left at a path: `want` NULL means nothing (another kind's
 * line, or a value that cannot be derived). */
typedef struct derived_case {
	const char *path, *want;
} derived_case;

static void expect_derived(ws_value *g, const derived_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (c[i].want)
			cr_expect_str_eq(dtext(g, c[i].path), c[i].want, "derived %s", c[i].path);
		else
			cr_expect_null(ws_value_lookup(g, c[i].path), "%s is not derived", c[i].path);
	}
}

Test(visa, derive_self_beijing)
{
	sample s = sample_open(SB, IC);
	ws_value *g = s.g;
	cr_assert_eq(ws_value_number(ws_value_lookup(g, "derived.applicant_count")), 1);
	cr_assert_eq(ws_value_number(ws_value_lookup(g, "derived.stay_days")), 8);
	static const derived_case derived[] = {
		{"derived.total_usd", "185.00"},
		{"derived.total_cny", "1369.00"},
		/* the receipt's and the delegated form's own lines are theirs alone */
		{"derived.fee_calc_line", NULL},
		{"derived.fee_cny_per_applicant", NULL},
		{"derived.post.name_zh", "美利坚合众国驻华大使馆"},
		{"derived.post.street_en", "No. 55 An Jia Lou Road"},
		{"derived.note_addressee", "美利坚合众国驻华大使馆"},
		{"derived.note_date_cn", "二〇二五年三月五日"},
		{"derived.note_date_place_cn", "二〇二五年三月五日于北京"},
		{"derived.appointment_date_slash", "2025/03/18"},
		{"derived.appointment_datetime_zh", "2025年3月18日 08:30"},
		{"derived.fill_date_zh", "2025年3月5日"},
		{"derived.itinerary_zh", "华盛顿、纽约"},
		{"derived.route_zh", "自行预约"},
		{"derived.visa_class_display", "B1"},
		{"derived.primary_name_en", "JIA CESHI"},
		{"derived.applicant_names_en[0]", "JIA CESHI"},
		{"derived.contact_mobile", "13800000000"},
		{"applicants[0].derived.gender_zh", "男"},
		{"applicants[0].derived.passport_type_zh", "公务普通"},
		{"applicants[0].derived.role_zh", "主申请人"},
		{"applicants[0].derived.date_of_birth_zh", "1980年1月1日"},
	};
	expect_derived(g, derived, G_N_ELEMENTS(derived));
	/* X15: the self route mails 登记表 + 任务批件原件 + 中文照会 + 取件手续费凭证 */
	ws_value *cl = ws_value_lookup(g, "derived.checklist");
	cr_assert_eq(ws_value_length(cl), 4);
	cr_assert_str_eq(dtext(g, "derived.checklist[0].item"), "自行预约美国签证面谈时间登记表");
	cr_assert_str_eq(dtext(g, "derived.checklist[0].kind"), "registration-self");
	cr_assert(ws_value_bool(ws_value_lookup(g, "derived.checklist[0].printed")));
	cr_assert_str_eq(dtext(g, "derived.checklist[1].item"), "任务批件原件");
	cr_assert_not(ws_value_bool(ws_value_lookup(g, "derived.checklist[1].printed")));
	cr_assert_str_eq(dtext(g, "derived.checklist[2].item"), "中文照会");
	cr_assert_str_eq(dtext(g, "derived.checklist[3].item"), "外交部取件手续费汇款凭证");
	/* the receipt derives its equation lines on top of the record */
	derive(PR, g, s.d);
	static const derived_case derived2[] = {
		{"derived.total_cny", "1369.00"},
		{"derived.total_fee_display", "1369.00 CNY (185.00 USD)"},
		{"derived.fee_calc_line", "(1 @ 185.00 USD) x 7.40 CNY/USD = 1369.00 (185.00 USD)"},
		{"derived.rate_line", "1.00 USD = 7.40 CNY"},
		{"derived.receipt_print_date", "03/03/2025"},
		{"derived.appointment_date_slash", NULL},
	};
	expect_derived(g, derived2, G_N_ELEMENTS(derived2));
	derive(RD, g, s.d);
	cr_assert_str_eq(dtext(g, "derived.fee_cny_per_applicant"), "1369.00");
	sample_close(&s);
}

Test(visa, derive_delegated_fees_and_remittance)
{
	sample s = sample_open(DS, RD);
	ws_value *g = s.g;
	static const derived_case derived[] = {
		{"derived.total_usd", "555.00"},
		{"derived.total_cny", "4107.00"},
		{"derived.remittance_total_cny", "4107.00"},
		{"derived.appointment_date_slash", NULL},
		{"derived.route_zh", "委托护签部预约"},
		{"derived.post.short_zh", "美国驻上海总领事馆"},
		{"derived.checklist[0].item", "委托护照签证部预约美国签证面谈登记表"},
		{"derived.checklist[3].item", "签证费汇款凭证（含外交部取件手续费）"},
		{"applicants[2].derived.passport_type_zh", "公务"},
		{"applicants[2].derived.relation_zh", "同事"},
		{"applicants[1].derived.role_zh", "同行人员"},
	};
	expect_derived(g, derived, G_N_ELEMENTS(derived));
	cr_assert(ws_value_is_null(ws_value_lookup(g, "derived.mfa_pickup_fee_cny")));
	cr_assert_eq(ws_value_number(ws_value_lookup(g, "derived.dependent_count")), 2);
	/* the MFA pickup fee joins the remittance (seed 二(一)) */
	ws_value_map_set(g, "mfa_pickup_fee_cny", ws_value_new_string("30.00", WS_LOC_NONE), WS_LOC_NONE);
	derive(RD, g, s.d);
	cr_assert_str_eq(dtext(g, "derived.remittance_total_cny"), "4137.00");
	cr_assert_str_eq(dtext(g, "derived.checklist[3].note"), "汇款合计 4137.00 元");
	sample_close(&s);
}

/* Each kind's derive is idempotent, adds only `derived` keys, and carries
 * the record-wide fields unchanged: what a kind adds is its own. */
Test(visa, derive_is_idempotent_and_shares_the_record_fields)
{
	sample s = sample_open(DS, NULL), fresh = sample_open(DS, NULL);
	ws_value *g = s.g;
	cr_assert_not_null(visa_derive_record(H(), g));
	ws_value *record = ws_value_copy(ws_value_map_get(g, "derived"));
	for (size_t k = 0; k < G_N_ELEMENTS(all_kinds); k++) {
		derive(all_kinds[k], g, s.d);
		ws_value *first = ws_value_copy(g);
		derive(all_kinds[k], g, s.d);
		cr_assert(ws_value_equal(first, g), "derive for %s is not idempotent", all_kinds[k]);
		const ws_value *mine = ws_value_map_get(g, "derived");
		for (size_t i = 0; i < ws_value_length(record); i++) {
			const char *key = ws_value_map_key_at(record, i);
			cr_assert(ws_value_equal(ws_value_map_value_at(record, i), ws_value_map_get(mine, key)),
			          "%s changed the record-wide derived.%s", all_kinds[k], key);
		}
		ws_value_unref(first);
	}
	cr_assert_eq(ws_diags_count(s.d), 0, "derive reports nothing");
	/* the input fields are untouched: only `derived` keys were added */
	cr_assert_eq(ws_value_length(g), ws_value_length(fresh.g) + 1);
	ws_value_unref(record);
	sample_close(&fresh);
	sample_close(&s);
}

Test(visa, derive_survives_a_bad_record)
{
	sample s = sample_open(IV, NULL);
	ws_value *g = s.g;
	cr_assert_not_null(visa_derive_record(H(), g));
	cr_assert(ws_value_is_null(ws_value_lookup(g, "derived.stay_days"))); /* end < start */
	cr_assert_str_eq(dtext(g, "derived.total_cny"), "2738.00");
	cr_assert(ws_value_is_null(ws_value_lookup(g, "applicants[1].derived.gender_zh")));
	/* not a map: nothing to do, no crash */
	ws_value *x = ws_value_new_string("x", WS_LOC_NONE);
	cr_assert_null(visa_derive_record(H(), x));
	derive(NO, x, s.d);
	visa_validate_record(H(), x, s.d, NULL);
	cr_assert_not_null(ws_diags_find_rule(s.d, "F-group"));
	ws_value_unref(x);
	sample_close(&s);
}

/* ---------------- validate: the samples ----------------
 * What validating an unchanged sample as a kind reports, row by row at its
 * file line:col.  For the pairs in `valid_pairs` the rows are all of it:
 * no error, no other diagnostic. */

typedef struct sample_diag {
	const char *file, *kind;
	const char *rule, *path;
	ws_severity sev;
	unsigned line, col;
} sample_diag;

#define STREET "group.delivery.address.street"
static const sample_diag sample_diags[] = {
	/* the samples deliver to the seed's own address, "B座" and all: no X9
	 * (delivery_street_single_letter); self-beijing reports nothing.  The
	 * delegated note is dated 2025-03-21, after the pinned today. */
	{DS, PR, "F-note.date", "group.note.date", W, 45, 42},
	{DS, RD, "F-note.date", "group.note.date", W, 45, 42},
	{DS, NO, "F-note.date", "group.note.date", W, 45, 42},
	{DS, NC, "F-note.date", "group.note.date", W, 45, 42},
	/* a delegated record before scheduling cannot print a confirmation:
	 * missing fields are reported at the parent map (appointment: line 24) */
	{DS, IC, "F-appointment.date", "group.appointment.date", E, 24, 5},
	{DS, IC, "F-appointment.confirmation_no", "group.appointment.confirmation_no", E, 24, 5},
	/* invalid.yaml as a note: every listed rule */
	{IV, NO, "F-mission_approval_no", "group.mission_approval_no", W, 6, 24},
	{IV, NO, "F-travel_dates", "group.travel_end_date", E, 11, 20},
	{IV, NO, "F-mobile", "group.contact.mobile", E, 12, 32},
	{IV, NO, "X12", "group.visa_class", W, 14, 15},
	{IV, NO, "X11", "group.appointment.date", W, 15, 23},
	{IV, NO, "F-appointment.time", "group.appointment.time", E, 15, 41},
	{IV, NO, "X8", "group.payment.applicant_count", E, 19, 22},
	{IV, NO, "X8", "group.payment.total_cny", E, 21, 16},
	{IV, NO, "X11", "group.payment.date", W, 22, 11},
	{IV, NO, "X9", "group.delivery.address.street", E, 25, 23},
	{IV, NO, "X9", "group.delivery.address.postal_code", E, 26, 28},
	{IV, NO, "X9", "group.delivery.address.country", E, 26, 46},
	/* not the 外交部领事服务中心 the seed prescribes: a warning only */
	{IV, NO, "X9-seed", "group.delivery.address", W, 25, 14},
	{IV, NO, "F-note.no", "group.note.number", W, 27, 18},
	{IV, NO, "X1", "group.note.addressee", E, 27, 57},
	{IV, NO, "X14", "group.note.addressee", E, 27, 57},
	{IV, NO, "X4", "group.applicants[0].surname", E, 33, 16},
	{IV, NO, "X4", "group.applicants[0].given_name", E, 34, 19},
	{IV, NO, "F-date_of_birth", "group.applicants[0].date_of_birth", E, 36, 22},
	{IV, NO, "X5", "group.applicants[0].passport_no", E, 39, 20},
	{IV, NO, "F-passport_no", "group.applicants[0].passport_no", E, 39, 20},
	{IV, NO, "F-passport_expiry_date", "group.applicants[0].passport_expiry_date", E, 41, 29},
	{IV, NO, "X3", "group.applicants[0].ds160_confirmation_no", E, 42, 30},
	{IV, NO, "X1", "group.applicants[0].ds160_location", E, 43, 23},
	{IV, NO, "X2", "group.applicants[0].ds160_visa_class", E, 44, 25},
	{IV, NO, "F-email", "group.applicants[0].email", E, 45, 14},
	{IV, NO, "F-mobile", "group.applicants[0].mobile_phone", E, 46, 21},
	{IV, NO, "F-role", "group.applicants[1].role", E, 49, 13},
	{IV, NO, "F-gender", "group.applicants[1].gender", E, 53, 15},
	{IV, NO, "X5", "group.applicants[1].passport_no", E, 57, 20},
	{IV, NO, "X13", "group.applicants[1].passport_expiry_date", W, 59, 29},
	{IV, NO, "X16", "group.applicants[1].mrv_receipt_no", E, 65, 23},
};

static const struct {
	const char *file, *kind;
} valid_pairs[] = {
	{SB, IC}, {SB, PR}, {SB, RS}, {SB, NO}, {SB, NC}, {DS, PR}, {DS, RD}, {DS, NO}, {DS, NC},
};

Test(visa, samples_report_exactly_the_listed_diagnostics)
{
	size_t pairs = 0;
	for (size_t first = 0; first < G_N_ELEMENTS(sample_diags); pairs++) {
		const char *file = sample_diags[first].file, *kind_name = sample_diags[first].kind;
		sample s = sample_open(file, kind_name);
		size_t n = 0;
		for (; first + n < G_N_ELEMENTS(sample_diags) && !strcmp(sample_diags[first + n].file, file) &&
		       !strcmp(sample_diags[first + n].kind, kind_name); n++) {
			const sample_diag *w = &sample_diags[first + n];
			expect(s.d, w->rule, w->path, w->sev, w->line, w->col);
			/* the diagnostics point into the file */
			cr_assert(g_str_has_suffix(find(s.d, w->rule, w->path)->loc.file, file), "%s / %s: [%s] in %s",
			          file, kind_name, w->rule, find(s.d, w->rule, w->path)->loc.file);
		}
		sample_close(&s);
		first += n;
	}
	/* no pair's rows are split: the delegated pairs, DS/IC and invalid.yaml */
	cr_assert_eq(pairs, 4 + 2);
	/* a valid pair reports its rows and nothing else (none at all for the
	 * self sample) */
	for (size_t i = 0; i < G_N_ELEMENTS(valid_pairs); i++) {
		const char *file = valid_pairs[i].file, *kind_name = valid_pairs[i].kind;
		size_t n = 0;
		for (size_t k = 0; k < G_N_ELEMENTS(sample_diags); k++)
			n += !strcmp(sample_diags[k].file, file) && !strcmp(sample_diags[k].kind, kind_name);
		sample s = sample_open(file, kind_name);
		if (ws_diags_count(s.d) != n)
			dump(s.d);
		cr_assert_not(ws_diags_has_errors(s.d), "%s / %s", file, kind_name);
		cr_assert_eq(ws_diags_count(s.d), n, "%s / %s: %zu diagnostics, %zu listed", file, kind_name,
		             ws_diags_count(s.d), n);
		/* self: the passport expiring 2026-05-31 is valid past 2025-04-27 + 6 months */
		cr_assert_null(find(s.d, "X13", NULL));
		cr_assert_null(find(s.d, "X11", NULL));
		/* the samples use the seed's own delivery address */
		cr_assert_null(find(s.d, "X9-seed", NULL));
		cr_assert_null(find(s.d, "X9", NULL), "%s / %s: X9 on the seed's address", file, kind_name);
		sample_close(&s);
	}
}

/* Every kind reports the same record rules on invalid.yaml; X14 is the note's own. */
Test(visa, every_kind_reports_the_record_rules)
{
	static const char *const record_rules[] = {"X1", "X2", "X3", "X4", "X5", "X8", "X9",
	                                           "X11", "X12", "X13", "X16"};
	for (size_t k = 0; k < G_N_ELEMENTS(all_kinds); k++) {
		sample s = sample_open(IV, all_kinds[k]);
		for (size_t i = 0; i < G_N_ELEMENTS(record_rules); i++)
			cr_assert_not_null(find(s.d, record_rules[i], NULL), "%s misses %s", all_kinds[k],
			                   record_rules[i]);
		bool note = !strcmp(all_kinds[k], NO) || !strcmp(all_kinds[k], NC);
		cr_assert_eq(find(s.d, "X14", NULL) != NULL, note, "%s: X14", all_kinds[k]);
		sample_close(&s);
	}
}

/* ---------------- validate: one rule at a time ----------------
 * Each row changes up to two fields of a valid sample and expects the rule
 * at the changed value's location (the replacement carries line 900+row).
 * The unchanged sample must not carry that rule at that path. */

#define NULLV "\x01null" /* marker: set the field to null */

typedef struct mutation {
	const char *file;     /* examples/data/<file> */
	const char *kind;
	const char *path, *value;       /* "appointment.time", "8:30" */
	const char *path2, *value2;     /* optional second change */
	const char *rule;
	const char *at;                 /* expected diagnostic path */
	ws_severity sev;
	bool at_parent;                 /* located at an unchanged value: the parent map of a
	                                 * missing field, or (X5) the number beside the type */
} mutation;


static const mutation mutations[] = {
	{SB, IC, "group_id", "bad id!", NULL, NULL, "F-group_id", "group.group_id", E, false},
	{SB, IC, "route", "mail", NULL, NULL, "F-route", "group.route", E, false},
	{DS, RD, "route", "self", NULL, NULL, "F-route", "group.route", E, false},
	{SB, RS, "route", "delegated", NULL, NULL, "F-route", "group.route", E, false},
	{SB, NO, "group_name", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一", NULL, NULL, "F-group_name", "group.group_name", E, false},
	{SB, NO, "mission_approval_no", "测外任(2025)1号", NULL, NULL, "F-mission_approval_no", "group.mission_approval_no", W, false},
	{SB, NO, "mission_approval_no", NULLV, NULL, NULL, "F-mission_approval_no", "group.mission_approval_no", E, true},
	{SB, NO, "dispatching_unit", "ABC Institute", NULL, NULL, "F-dispatching_unit", "group.dispatching_unit", E, false},
	{SB, NO, "destination_country", "加拿大", NULL, NULL, "F-destination_country", "group.destination_country", E, false},
	{SB, NO, "purpose", "测", NULL, NULL, "F-purpose", "group.purpose", E, false},
	{SB, NO, "travel_end_date", "2025-04-19", NULL, NULL, "F-travel_dates", "group.travel_end_date", E, false},
	{SB, NO, "travel_start_date", "2025-02-30", NULL, NULL, "F-travel_start_date", "group.travel_start_date", E, false},
	{SB, NO, "travel_start_date", "2025-03-10", NULL, NULL, "F-travel_dates", "group.travel_start_date", W, false},
	{SB, NO, "stay_days", "7", NULL, NULL, "F-stay_days", "group.stay_days", E, false},
	{SB, NO, "us_itinerary", NULLV, NULL, NULL, "F-us_itinerary", "group.us_itinerary", E, true},
	{SB, NO, "inviting_party", NULLV, NULL, NULL, "F-inviting_party", "group.inviting_party", E, true},
	{SB, NO, "note.number", NULLV, NULL, NULL, "F-note.no", "group.note.number", W, true},
	{SB, NC, "note.number", NULLV, NULL, NULL, "F-note.no", "group.note.number", W, true},
	{SB, RS, "contact.mobile", "23800000000", NULL, NULL, "F-mobile", "group.contact.mobile", E, false},
	{SB, RS, "contact.mobile", NULLV, NULL, NULL, "F-contact", "group.contact.mobile", E, true},
	{SB, RS, "contact.landline", "10-1234", NULL, NULL, "F-landline", "group.contact.landline", E, false},
	{SB, IC, "interview_post", "CHENGDU", NULL, NULL, "F-interview_post", "group.interview_post", E, false},
	{SB, IC, "interview_post", "WUHAN", "applicants.0.ds160_location", "WUHAN", "F-interview_post", "group.interview_post", W, false},
	{SB, IC, "visa_class", "Z9", NULL, NULL, "F-visa_class", "group.visa_class", E, false},
	{SB, IC, "visa_class", "J", "applicants.0.ds160_visa_class", "J", "F-visa_class", "group.visa_class", W, false},
	{SB, IC, "visa_type", "Immigrant", NULL, NULL, "F-visa_type", "group.visa_type", E, false},
	{SB, IC, "appointment.time", "8:30", NULL, NULL, "F-appointment.time", "group.appointment.time", E, false},
	{SB, IC, "appointment.confirmation_no", "ab", NULL, NULL, "F-appointment.confirmation_no", "group.appointment.confirmation_no", E, false},
	{SB, IC, "appointment.count", "0", NULL, NULL, "F-appointment.count", "group.appointment.count", E, false},
	{SB, IC, "appointment.uid", NULLV, NULL, NULL, "F-appointment.uid", "group.appointment.uid", W, true},
	{SB, NO, "appointment.date", NULLV, NULL, NULL, "F-appointment.date", "group.appointment.date", E, true},
	{DS, RD, "appointment.preferred_to", "2025-03-01", NULL, NULL, "F-appointment.preferred", "group.appointment.preferred_to", E, false},
	{DS, RD, "appointment.preferred_from", NULLV, NULL, NULL, "F-appointment.preferred", "group.appointment.preferred_from", E, true},
	{SB, IC, "appointment.date", "2025-03-01", NULL, NULL, "X11", "group.appointment.date", W, false},
	{SB, IC, "payment.date", "2024-03-01", NULL, NULL, "X11", "group.payment.date", W, false},
	{SB, PR, "payment.applicant_count", "2", NULL, NULL, "X8", "group.payment.applicant_count", E, false},
	{SB, PR, "payment.total_cny", "1369.01", NULL, NULL, "X8", "group.payment.total_cny", E, false},
	{SB, PR, "payment.total_usd", "370.00", NULL, NULL, "X8", "group.payment.total_usd", E, false},
	{SB, PR, "applicants.0.mrv_receipt_no", NULLV, NULL, NULL, "X8", "group.applicants[0].mrv_receipt_no", E, true},
	{SB, PR, "payment", NULLV, NULL, NULL, "F-payment", "group.payment", E, true},
	{SB, PR, "payment.date", NULLV, NULL, NULL, "F-payment.date", "group.payment.date", E, true},
	{SB, PR, "payment.fee_usd_per_applicant", "185.001", NULL, NULL, "F-payment.fee_usd_per_applicant", "group.payment.fee_usd_per_applicant", E, false},
	{SB, PR, "payment.fee_usd_per_applicant", "205.00", "payment.total_usd", "205.00", "F-payment.fee_usd_per_applicant", "group.payment.fee_usd_per_applicant", W, false},
	{SB, PR, "payment.cny_per_usd", "0", NULL, NULL, "F-payment.cny_per_usd", "group.payment.cny_per_usd", E, false},
	{SB, PR, "mfa_pickup_fee_cny", "thirty", NULL, NULL, "F-mfa_pickup_fee_cny", "group.mfa_pickup_fee_cny", E, false},
	{SB, PR, "visa_class", "A2", "applicants.0.ds160_visa_class", "A2", "X12", "group.visa_class", W, false},
	{SB, PR, "applicants.0.passport_type", "diplomatic", "applicants.0.passport_no", "DE0000001", "X12", "group.applicants[0].passport_type", W, false},
	{SB, IC, "delivery.address.street", "Room 1101 北京市朝阳区", NULL, NULL, "X9", "group.delivery.address.street", E, false},
	{SB, IC, "delivery.address.street", "朝阳区北京市朝阳门外大街18号", NULL, NULL, "X9", "group.delivery.address.street", E, false},
	{SB, IC, "delivery.address.street", "北京市香港路1号", NULL, NULL, "X9", "group.delivery.address.street", E, false},
	{SB, IC, "delivery.address.postal_code", "10002", NULL, NULL, "X9", "group.delivery.address.postal_code", E, false},
	{SB, IC, "delivery.address.country", "HONG KONG", NULL, NULL, "X9", "group.delivery.address.country", E, false},
	{SB, IC, "delivery.address.city", "Beijing", NULL, NULL, "X9", "group.delivery.address.city", E, false},
	{SB, IC, "delivery.address.state", "河北省", NULL, NULL, "X9", "group.delivery.address.state", W, false},
	/* no address: the seed's is printed, and a warning says so (delivery_address_defaults_to_the_seeds) */
	{SB, IC, "delivery.address", NULLV, NULL, NULL, "X9-default", "group.delivery.address", W, true},
	{SB, IC, "delivery.option", "drone", NULL, NULL, "F-delivery.option", "group.delivery.option", E, false},
	{SB, IC, "delivery.option", "pick_up", NULL, NULL, "F-delivery.citic_location", "group.delivery.citic_location", E, true},
	{SB, IC, "delivery", NULLV, NULL, NULL, "F-delivery", "group.delivery", E, true},
	{DS, RD, "fao_return_address", NULLV, NULL, NULL, "F-fao_return_address", "group.fao_return_address", E, true},
	{DS, RD, "fao_return_address.postal_code", "31000", NULL, NULL, "F-address", "group.fao_return_address.postal_code", E, false},
	{SB, NO, "note.number", "2025-1", NULL, NULL, "F-note.no", "group.note.number", W, false},
	{SB, NO, "note.date", "2025-03-06", NULL, NULL, "F-note.date", "group.note.date", W, false},
	{SB, IC, "note.addressee", "美利坚合众国驻上海总领事馆", NULL, NULL, "X1", "group.note.addressee", E, false},
	{SB, NC, "note.addressee", "美利坚合众国驻上海总领事馆", NULL, NULL, "X14", "group.note.addressee", E, false},
	{SB, NO, "purpose", "请贵馆协助办理签证", NULL, NULL, "X14", "group.purpose", W, false},
	{SB, NO, "note.issuer", "我们外交部", NULL, NULL, "X14", "group.note.issuer", W, false},
	{SB, IC, "applicants.0.applicant_id", NULLV, NULL, NULL, "F-applicant_id", "group.applicants[0].applicant_id", E, true},
	{SB, IC, "applicants.0.role", "leader", NULL, NULL, "F-role", "group.applicants[0].role", E, false},
	{DS, NO, "applicants.1.role", "primary", NULL, NULL, "F-role", "group.applicants[1].role", E, false},
	{SB, IC, "applicants.0.name_zh", "Jia", NULL, NULL, "F-name_zh", "group.applicants[0].name_zh", E, false},
	{SB, IC, "applicants.0.surname", "Jia", NULL, NULL, "X4", "group.applicants[0].surname", E, false},
	{SB, IC, "applicants.0.given_name", "CE  SHI", NULL, NULL, "X4", "group.applicants[0].given_name", E, false},
	{SB, IC, "applicants.0.gender", "X", NULL, NULL, "F-gender", "group.applicants[0].gender", E, false},
	{SB, IC, "applicants.0.date_of_birth", "2026-01-01", NULL, NULL, "F-date_of_birth", "group.applicants[0].date_of_birth", E, false},
	{SB, IC, "applicants.0.date_of_birth", "2015-01-01", NULL, NULL, "F-age", "group.applicants[0].date_of_birth", W, false},
	{SB, IC, "applicants.0.nationality", "JAPAN", NULL, NULL, "F-nationality", "group.applicants[0].nationality", E, false},
	{SB, IC, "applicants.0.passport_type", "diplomatic", NULL, NULL, "X5", "group.applicants[0].passport_no", E, true},
	{SB, IC, "applicants.0.passport_type", "consular", NULL, NULL, "F-passport_type", "group.applicants[0].passport_type", E, false},
	{SB, IC, "applicants.0.passport_no", "PE000001", NULL, NULL, "F-passport_no", "group.applicants[0].passport_no", E, false},
	{SB, IC, "applicants.0.passport_no", "P1234567", NULL, NULL, "F-passport_no", "group.applicants[0].passport_no", W, false},
	{SB, IC, "applicants.0.passport_issue_date", "2025-04-01", NULL, NULL, "F-passport_issue_date", "group.applicants[0].passport_issue_date", E, false},
	{SB, IC, "applicants.0.passport_expiry_date", "2021-05-01", NULL, NULL, "F-passport_expiry_date", "group.applicants[0].passport_expiry_date", E, false},
	{SB, IC, "applicants.0.passport_expiry_date", "2025-10-26", NULL, NULL, "X13", "group.applicants[0].passport_expiry_date", W, false},
	{DS, RD, "applicants.0.passport_place_of_issue", NULLV, NULL, NULL, "F-passport_place_of_issue", "group.applicants[0].passport_place_of_issue", E, true},
	{SB, IC, "applicants.0.ds160_confirmation_no", "AB00TEST01", NULL, NULL, "X3", "group.applicants[0].ds160_confirmation_no", E, false},
	{SB, IC, "applicants.0.ds160_location", "SHANGHAI", NULL, NULL, "X1", "group.applicants[0].ds160_location", E, false},
	{SB, IC, "applicants.0.ds160_visa_class", "B2", NULL, NULL, "X2", "group.applicants[0].ds160_visa_class", E, false},
	{SB, IC, "applicants.0.email", "x@y", NULL, NULL, "F-email", "group.applicants[0].email", E, false},
	{DS, RD, "applicants.1.email", NULLV, NULL, NULL, "F-email", "group.applicants[1].email", E, true},
	{SB, IC, "applicants.0.mobile_phone", "+8613800000000", NULL, NULL, "F-mobile", "group.applicants[0].mobile_phone", E, false},
	{SB, IC, "applicants.0.home_phone", "12345", NULL, NULL, "F-landline", "group.applicants[0].home_phone", E, false},
	{SB, IC, "applicants.0.mrv_receipt_no", "#1", NULL, NULL, "F-mrv_receipt_no", "group.applicants[0].mrv_receipt_no", E, false},
	{SB, NO, "applicants.0.employer", NULLV, NULL, NULL, "F-employer", "group.applicants[0].employer", E, true},
	{SB, RS, "applicants.0.position", NULLV, NULL, NULL, "F-position", "group.applicants[0].position", E, true},
	{SB, NO, "applicants.0.relationship_to_primary", "同事", NULL, NULL, "F-relationship_to_primary", "group.applicants[0].relationship_to_primary", W, false},
	{DS, RD, "applicants.2.relationship_to_primary", NULLV, NULL, NULL, "F-relationship_to_primary", "group.applicants[2].relationship_to_primary", W, true},
	{DS, IC, "applicants.1.ds160_confirmation_no", "AA00TEST02", NULL, NULL, "X16", "group.applicants[1].ds160_confirmation_no", E, false},
	{DS, PR, "applicants.2.mrv_receipt_no", "TESTRCPT0002", NULL, NULL, "X16", "group.applicants[2].mrv_receipt_no", E, false},
	{DS, PR, "applicants.1.applicant_id", "B1", NULL, NULL, "F-applicant_id", "group.applicants[1].applicant_id", E, false},
	/* the delegated route's two records: the group's transfer, 护签部's payment */
	{DS, RD, "transfer.amount_cny", "4000.00", NULL, NULL, "X8", "group.transfer.amount_cny", E, false},
	{DS, RD, "transfer.amount_cny", "41O7.00", NULL, NULL, "X8", "group.transfer.amount_cny", E, false},
	{DS, RD, "transfer.date", NULLV, NULL, NULL, "F-transfer.date", "group.transfer.date", W, true},
	{DS, RD, "transfer.date", "2025-03-21", NULL, NULL, "F-transfer.date", "group.payment.date", W, true},
	{DS, RD, "transfer", "yes", NULL, NULL, "F-transfer", "group.transfer", E, false},
	{SB, RS, "transfer", "yes", NULL, NULL, "F-transfer", "group.transfer", E, false},
	{SB, NO, "previous_interview_post", "SHANGHAI", "applicants.0.previous_ds160_confirmation_no", "AA00TEST01", "X6", "group.applicants[0].ds160_confirmation_no", E, true},
};

/* Sets `path` (dotted, list indices as numbers) under `group`; returns the
 * new value's location, or the parent's when the value is null. */
static ws_loc mutate(ws_value *group, const char *path, const char *value, unsigned line)
{
	char *parent_path = g_strdup(path);
	char *dot = strrchr(parent_path, '.');
	ws_value *parent = group;
	const char *key = path;
	if (dot) {
		*dot = '\0';
		parent = ws_value_lookup(group, parent_path);
		key = dot + 1;
	}
	cr_assert_not_null(parent, "no parent for %s", path);
	ws_loc loc = {g_intern_string("mutation"), line, 7};
	ws_value *v = strcmp(value, NULLV) == 0 ? ws_value_new_null(loc) : ws_value_new_string(value, loc);
	ws_value_map_set(parent, key, v, loc);
	ws_loc ploc = ws_value_loc(parent);
	g_free(parent_path);
	return strcmp(value, NULLV) == 0 ? ploc : loc;
}

ParameterizedTestParameters(visa, each_rule_passes_when_valid_and_fires_when_broken)
{
	return wst_case_indices(G_N_ELEMENTS(mutations));
}

/* One row per test: a failure names the row, its kind, rule and change. */
ParameterizedTest(size_t *row, visa, each_rule_passes_when_valid_and_fires_when_broken)
{
	size_t i = *row;
	const mutation *m = &mutations[i];
	/* valid: the untouched sample does not carry the rule there (at that
	 * severity) */
	sample s = sample_open(m->file, m->kind);
	ws_value *g = s.g;
	const ws_diag *y = find(s.d, m->rule, m->at);
	cr_assert(!y || y->severity != m->sev, "row %zu (%s): [%s] %s fires on the valid sample", i, m->kind, m->rule,
	          m->at);
	/* broken: the rule fires at the changed value (or its parent map) */
	unsigned line = 900 + (unsigned)i;
	ws_loc loc = mutate(g, m->path, m->value, line);
	if (m->path2)
		mutate(g, m->path2, m->value2, 1900 + (unsigned)i);
	sample_run(&s, m->kind);
	const ws_diag *x = find(s.d, m->rule, m->at);
	if (!x)
		dump(s.d);
	cr_assert_not_null(x, "row %zu (%s): no [%s] at %s after %s = %s", i, m->kind, m->rule, m->at, m->path,
	                   m->value);
	cr_assert_eq(x->severity, m->sev, "row %zu: [%s] severity %d", i, m->rule, x->severity);
	if (!strcmp(m->value, NULLV)) {
		cr_assert_eq(x->loc.line, loc.line, "row %zu: [%s] at line %u, parent map at %u", i, m->rule, x->loc.line,
		             loc.line);
	} else if (m->at_parent) {
		/* a field the change made necessary: at its (unchanged) parent map */
		cr_assert(x->loc.line > 0 && x->loc.line < 900, "row %zu: [%s] at line %u", i, m->rule, x->loc.line);
	} else {
		cr_assert_str_eq(x->loc.file, "mutation", "row %zu: [%s] located in %s:%u", i, m->rule,
		                 x->loc.file ? x->loc.file : "(none)", x->loc.line);
		cr_assert_eq(x->loc.line, line, "row %zu: [%s] line %u", i, m->rule, x->loc.line);
		cr_assert_eq(x->loc.column, 7, "row %zu: [%s] column %u", i, m->rule, x->loc.column);
	}
	cr_assert(strlen(x->message) > 10, "row %zu: [%s] says only '%s'", i, m->rule, x->message);
	sample_close(&s);
}

/* ---------------- the modules ---------------- */

Test(visa, each_module_publishes_its_kind)
{
	static const struct {
		const char *name, *title;
	} mods[] = {
		{IC, "面谈确认单"}, {PR, "缴费确认单"}, {RS, "自行预约美国签证面谈时间登记表"},
		{RD, "委托护照签证部预约美国签证面谈登记表"}, {NO, "中文照会"}, {NC, "照会封面"},
		{PC, "邮寄材料清单"},
	};
	for (size_t k = 0; k < G_N_ELEMENTS(mods); k++) {
		const char *name = mods[k].name;
		char *file = g_strdup_printf("%s.so", name);
		char *path = g_build_filename(WS_TEST_BUILD_DIR, "plugins", file, NULL);
		GModule *mod = g_module_open(path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
		cr_assert_not_null(mod, "%s: %s", path, g_module_error());
		gpointer sym = NULL;
		cr_assert(g_module_symbol(mod, WS_PLUGIN_ENTRY_SYMBOL, &sym));
		ws_plugin_entry_fn entry;
		memcpy(&entry, &sym, sizeof entry); /* ISO C: no object→function pointer cast */
		const ws_plugin_desc *desc = entry();
		cr_assert_eq(desc->abi_major, WS_PLUGIN_ABI_MAJOR);
		cr_assert_eq(desc->struct_size, sizeof(ws_plugin_desc));
		cr_assert_eq(desc->kind_size, sizeof(ws_kind_desc));
		cr_assert_str_eq(desc->name, name);
		cr_assert_eq(desc->n_kinds, 1);
		const ws_kind_desc *kd = &desc->kinds[0];
		cr_assert_str_eq(kd->name, name);
		cr_assert_str_eq(kd->title, mods[k].title);
		char *layout = g_strdup_printf("%s.yaml", name);
		cr_assert_str_eq(kd->layout, layout);
		cr_assert_not_null(kd->derive);
		cr_assert_not_null(kd->validate);
		/* the kind's form is its own data (ABI 2.1) */
		cr_assert_not_null(kd->data);
		/* the module's own copy of the hooks works through the host table */
		sample s = sample_open(IV, NULL);
		cr_assert_eq(kd->derive(kd, H(), s.g, s.d), WS_OK);
		cr_assert_eq(kd->validate(kd, H(), s.g, s.d), WS_OK);
		cr_assert_not_null(find(s.d, "X3", "group.applicants[0].ds160_confirmation_no"));
		cr_assert_str_eq(dtext(s.g, "derived.total_cny"), "2738.00");
		sample_close(&s);
		/* hidden visibility: the library's functions are not exported */
		cr_assert_not(g_module_symbol(mod, "visa_validate", &sym));
		cr_assert_not(g_module_symbol(mod, "visa_validate_record", &sym));
		g_free(layout);
		g_module_close(mod);
		g_free(path);
		g_free(file);
	}
}

/* Rare names: characters of CJK Extension B (𠮷, U+20BB7) and compatibility
 * ideographs are real names, drawn by the fonts; they pass F-name_zh.  Latin
 * letters and digits still do not. */
Test(visa, chinese_names_may_use_rare_characters)
{
	const char *good[] = {"𠮷田", "欧阳·买买提", "\xef\xa4\x80" "明"};
	const char *bad[] = {"Li明", "王1", "王"};
	for (size_t i = 0; i < G_N_ELEMENTS(good) + G_N_ELEMENTS(bad); i++) {
		bool ok = i < G_N_ELEMENTS(good);
		const char *name = ok ? good[i] : bad[i - G_N_ELEMENTS(good)];
		sample s = sample_open(SB, NULL);
		mutate(s.g, "applicants.0.name_zh", name, 99);
		sample_run(&s, NO);
		const ws_diag *e = find(s.d, "F-name_zh", "group.applicants[0].name_zh");
		if (ok)
			cr_assert_null(e, "%s is a valid name", name);
		else
			cr_assert_not_null(e, "%s is not a Chinese name", name);
		sample_close(&s);
	}
}

/* ---------------- money: every printed equation true as printed ----------------
 * Property test over random rates (2 to 4 decimals, trailing zeros kept as
 * entered), fees and group sizes 1..30: the strings the layouts print are
 * parsed back (not the library's numbers) and every equation among them is
 * checked exactly in integer units.  The generator is seeded, so a failure
 * names a case that reproduces. */

/* A printed decimal in units of 10^-scale; fails the test when malformed. */
static int64_t units(const char *s, int scale)
{
	cr_assert_not_null(s);
	int64_t v = 0;
	int decimals = -1;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			cr_assert_eq(decimals, -1, "'%s'", s);
			decimals = 0;
			continue;
		}
		cr_assert(*p >= '0' && *p <= '9', "'%s' is not a decimal", s);
		v = v * 10 + (*p - '0');
		if (decimals >= 0)
			decimals++;
	}
	if (decimals < 0)
		decimals = 0;
	cr_assert_leq(decimals, scale, "'%s' has more than %d decimals", s, scale);
	for (; decimals < scale; decimals++)
		v *= 10;
	return v;
}

/* Sets group.applicants to n copies of the first applicant (distinct ids
 * and numbers do not matter to the money). */
static void grow_group(ws_value *g, size_t n)
{
	ws_value *apps = ws_value_map_get(g, "applicants");
	ws_value *first = ws_value_copy(ws_value_list_at(apps, 0));
	ws_value *list = ws_value_new_list(WS_LOC_NONE);
	for (size_t i = 0; i < n; i++)
		ws_value_list_append(list, ws_value_copy(first));
	ws_value_map_set(g, "applicants", list, WS_LOC_NONE);
	ws_value_unref(first);
}

static void set_payment(ws_value *g, const char *key, const char *value)
{
	ws_value_map_set(ws_value_map_get(g, "payment"), key, ws_value_new_string(value, WS_LOC_NONE),
	                 WS_LOC_NONE);
}

/* Group i of a match, in units of 10^-scale / compared as a string. */
static int64_t group_units(const GMatchInfo *mi, int i, int scale)
{
	char *g = g_match_info_fetch(mi, i);
	int64_t v = units(g, scale);
	g_free(g);
	return v;
}

static void assert_group(const GMatchInfo *mi, int i, const char *want)
{
	char *g = g_match_info_fetch(mi, i);
	cr_assert_str_eq(g, want);
	g_free(g);
}

Test(visa, money_every_printed_equation_holds)
{
	static const char *const fees[] = {"185.00", "205.00", "315.00", "160.00", "185"};
	GRand *rng = g_rand_new_with_seed(20261206);
	size_t inexact = 0;
	for (int c = 0; c < 600; c++) {
		size_t n = (size_t)g_rand_int_range(rng, 1, 31);
		const char *fee_s = fees[g_rand_int_range(rng, 0, G_N_ELEMENTS(fees))];
		int decimals = g_rand_int_range(rng, 2, 5);
		int scale10 = decimals == 2 ? 100 : decimals == 3 ? 1000 : 10000;
		int frac = g_rand_int_range(rng, 0, scale10);
		/* half the cases end in a zero digit, as an entered 7.0010 does */
		if (g_rand_boolean(rng))
			frac -= frac % 10;
		char rate_s[32];
		g_snprintf(rate_s, sizeof rate_s, "%d.%0*d", g_rand_int_range(rng, 5, 10), decimals, frac);
		bool mfa = g_rand_boolean(rng);
		char mfa_s[32];
		g_snprintf(mfa_s, sizeof mfa_s, "%d.%02d", g_rand_int_range(rng, 0, 200), g_rand_int_range(rng, 0, 100));

		sample s = sample_open(SB, NULL);
		ws_value *g = s.g;
		grow_group(g, n);
		set_payment(g, "fee_usd_per_applicant", fee_s);
		set_payment(g, "cny_per_usd", rate_s);
		if (mfa)
			ws_value_map_set(g, "mfa_pickup_fee_cny", ws_value_new_string(mfa_s, WS_LOC_NONE), WS_LOC_NONE);
		derive(RD, g, s.d);
		/* copies: the next derive replaces group.derived */
		char *rate = g_strdup(dtext(g, "derived.cny_per_usd"));
		char *per_s = g_strdup(dtext(g, "derived.fee_cny_per_applicant"));
		char *total_s = g_strdup(dtext(g, "derived.total_cny"));
		char *remit_s = g_strdup(dtext(g, "derived.remittance_total_cny"));
		char *usd_s = g_strdup(dtext(g, "derived.total_usd"));
		/* the rate exactly as entered */
		cr_assert_str_eq(rate, rate_s, "case %d", c);
		int64_t fee = units(fee_s, 2), r = units(rate_s, 4);
		int64_t per = units(per_s, 2), total = units(total_s, 2);
		/* per applicant: fee × rate rounded half up to the fen, once */
		cr_assert_eq(per, (fee * r + 5000) / 10000, "case %d: %s × %s → %s", c, fee_s, rate_s, per_s);
		/* registration-delegated prints "n × per = total" */
		cr_assert_eq((int64_t)n * per, total, "case %d: %zu × %s = %s is false", c, n, per_s, total_s);
		cr_assert_eq(units(usd_s, 2), (int64_t)n * fee, "case %d", c);
		/* 汇款合计 = 签证费 + 外交部取件手续费, the parts as printed */
		cr_assert_eq(units(remit_s, 2), total + (mfa ? units(mfa_s, 2) : 0), "case %d", c);

		derive(PR, g, s.d);
		char *rate_line = g_strdup_printf("1.00 USD = %s CNY", rate_s);
		cr_assert_str_eq(dtext(g, "derived.rate_line"), rate_line);
		g_free(rate_line);
		char *display = g_strdup_printf("%s CNY (%s USD)", total_s, usd_s);
		cr_assert_str_eq(dtext(g, "derived.total_fee_display"), display);
		g_free(display);
		const char *line = dtext(g, "derived.fee_calc_line");
		GMatchInfo *mi = NULL;
		GRegex *exact = g_regex_new("^\\((\\d+) @ ([0-9.]+) USD\\) x ([0-9.]+) CNY/USD = ([0-9.]+) \\(([0-9.]+) USD\\)$", 0, 0, NULL);
		GRegex *rounded = g_regex_new("^(\\d+) x \\(([0-9.]+) USD x ([0-9.]+) CNY/USD ≈ ([0-9.]+)\\) = ([0-9.]+) \\(([0-9.]+) USD\\)$", 0, 0, NULL);
		if (g_regex_match(exact, line, 0, &mi)) {
			/* n × fee × rate = total with no rounding at all */
			int64_t ln = group_units(mi, 1, 0), lf = group_units(mi, 2, 2);
			assert_group(mi, 3, rate_s);
			cr_assert_eq(ln * lf * r, group_units(mi, 4, 2) * 10000, "case %d: '%s'", c, line);
			cr_assert_eq(ln * lf, group_units(mi, 5, 2), "case %d: '%s'", c, line);
			cr_assert_eq(group_units(mi, 4, 2), total);
		} else {
			g_match_info_free(mi);
			cr_assert(g_regex_match(rounded, line, 0, &mi), "case %d: unexpected line '%s'", c, line);
			inexact++;
			int64_t ln = group_units(mi, 1, 0), lf = group_units(mi, 2, 2);
			int64_t lp = group_units(mi, 4, 2);
			assert_group(mi, 3, rate_s);
			/* ≈: a rounding to the fen did happen, and it is the stated one */
			cr_assert_neq(lf * r, lp * 10000, "case %d: ≈ printed for an exact product", c);
			cr_assert_eq(lp, (lf * r + 5000) / 10000, "case %d: '%s'", c, line);
			/* = : exact */
			cr_assert_eq(ln * lp, group_units(mi, 5, 2), "case %d: '%s'", c, line);
			cr_assert_eq(ln * lf, group_units(mi, 6, 2), "case %d: '%s'", c, line);
			cr_assert_eq(group_units(mi, 5, 2), total);
		}
		g_match_info_free(mi);
		g_regex_unref(exact);
		g_regex_unref(rounded);

		/* the receipt's own numbers pass X8 */
		set_payment(g, "total_cny", total_s);
		set_payment(g, "total_usd", usd_s);
		sample_run(&s, PR);
		cr_assert_null(find(s.d, "X8", "group.payment.total_cny"), "case %d", c);
		cr_assert_null(find(s.d, "X8", "group.payment.total_usd"), "case %d", c);
		sample_close(&s);
		g_free(rate);
		g_free(per_s);
		g_free(total_s);
		g_free(remit_s);
		g_free(usd_s);
	}
	/* both kinds of line were exercised */
	cr_assert_gt(inexact, 50);
	cr_assert_lt(inexact, 590);
	g_rand_free(rng);
}

/* What the clerk reads: a rate of four decimals ending in zero, 3
 * applicants and an MFA fee, rendered through both documents that print
 * money; pdftotext shows the rate as entered and equations true as
 * printed (the per-applicant rounding marked ≈). */
/* examples/data/<file> with each edits[k] (text, replacement; NULL-ended)
 * made once, written as DIR/<name>; returns that path (caller g_free()s).
 * The sample's line numbers hold below an edit that keeps its lines. */
static char *edited_sample(const char *file, const char *const *edits, const char *dir, const char *name)
{
	char *src = g_build_filename(WS_TEST_SOURCE_DIR, "examples", "data", file, NULL);
	char *text = NULL;
	cr_assert(g_file_get_contents(src, &text, NULL, NULL), "%s", src);
	GString *yaml = g_string_new(text);
	for (size_t k = 0; edits[k]; k += 2)
		cr_assert(g_string_replace(yaml, edits[k], edits[k + 1], 1) == 1, "'%s' is not in %s", edits[k], src);
	char *data = g_build_filename(dir, name, NULL);
	cr_assert(g_file_set_contents(data, yaml->str, -1, NULL));
	g_string_free(yaml, TRUE);
	g_free(text);
	g_free(src);
	return data;
}

Test(visa, money_as_printed_in_the_pdfs)
{
	char *dir = wst_tmpdir();
	char *data = edited_sample("delegated-shanghai.yaml",
	                           (const char *const[]){"cny_per_usd: \"7.40\"", "cny_per_usd: \"7.0010\"",
	                                                 "total_cny: \"4107.00\"", "total_cny: \"3885.57\"",
	                                                 "mfa_pickup_fee_cny: null", "mfa_pickup_fee_cny: \"30.00\"", NULL},
	                           dir, "money.yaml");
	static const struct {
		const char *kind;
		const char *lines[4];
	} docs[] = {
		{RD, {"3×1295.19=3885.57元（每人185.00USD×汇率7.0010）", "外交部取件手续费30.00元",
		      "汇款合计3915.57元", NULL}},
		{PR, {"3885.57CNY(555.00USD)", "3x(185.00USDx7.0010CNY/USD≈1295.19)=3885.57(555.00USD)",
		      "1.00USD=7.0010CNY", NULL}},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(docs); i++) {
		char *pdf = g_strdup_printf("%s/%s.pdf", dir, docs[i].kind);
		const char *args[] = {"render", docs[i].kind, "--data", data, "-o", pdf, NULL};
		char *err = NULL;
		cr_assert_eq(wst_wenshu(args, NULL, &err), 0, "%s: %s", docs[i].kind, err);
		char *t = wst_pdftotext(pdf, false);
		char *sq = wst_squeeze(t);
		wst_assert_in_order(sq, docs[i].lines);
		g_free(sq);
		g_free(t);
		g_free(err);
		g_free(pdf);
	}
	g_free(data);
	g_free(dir);
}

/* ---------------- the delivery address (#11.6) and 护签部's address ---------------- */

/* A map of text fields at `line` (column 7) of a pretend file, for values
 * the samples do not have. */
static ws_value *text_map(const char *const *kv, unsigned line)
{
	ws_loc loc = {g_intern_string("mutation"), line, 7};
	ws_value *m = ws_value_new_map(loc);
	for (size_t i = 0; kv && kv[i]; i += 2) {
		ws_loc l = {g_intern_string("mutation"), line + 1 + (unsigned)i / 2, 7};
		ws_value_map_set(m, kv[i], ws_value_new_string(kv[i + 1], l), l);
	}
	return m;
}

/* The text at `path`, NULL when absent or null. */
static const char *derived_text(ws_value *g, const char *path)
{
	const ws_value *v = ws_value_lookup(g, path);
	return v && ws_value_get_type(v) == WS_VALUE_STRING ? ws_value_text(v) : NULL;
}

/* Premium delivery without an address prints the seed's (外交部领事服务中心,
 * collected by 护签部) with a warning that says so; its recipient and phone come from
 * hqb_address, and a warning names what is missing; a group's own address
 * is printed as given, the seed's without a word, another with X9-seed. */
Test(visa, delivery_address_defaults_to_the_seeds)
{
	static const char *const hqb_full[] = {"street", "北京市东城区示例路1号", "postal_code", "100010",
	                                       "recipient", "护签部甄经办", "phone", "13900000009", NULL};
	static const char *const hqb_no_phone[] = {"street", "北京市东城区示例路1号", "postal_code", "100010",
	                                           "recipient", "护签部甄经办", NULL};
	static const char *const shanghai[] = {"street", "上海市静安区示例路2号", "city", "上海市", "state",
	                                       "上海市", "postal_code", "200040", "country", "CHINA", NULL};
	static const struct {
		const char *option;              /* NULL: the sample's premium_delivery */
		bool drop_address;
		const char *const *address;      /* replaces delivery.address */
		const char *const *hqb;          /* hqb_address, or none */
		const char *street1, *postal, *recipient, *phone; /* derived; street1 NULL: no delivery_address */
		bool is_default;
		const char *note_rule;           /* the notice of the default has this rule, or NULL: none */
		const char *warn_rule, *warn_path, *warn_says; /* another warning, or NULL: no other X9-default/X9-seed warning */
	} cases[] = {
		{NULL, true, NULL, NULL, "北京市朝阳区朝阳门外大街18号丰联广场B座11层", "100020", NULL, NULL, true,
		 "X9-default", "X9-default", "group.delivery.address", "group.hqb_address.recipient and group.hqb_address.phone"},
		{NULL, true, NULL, hqb_full, "北京市朝阳区朝阳门外大街18号丰联广场B座11层", "100020", "护签部甄经办",
		 "13900000009", true, "X9-default", NULL, NULL, NULL},
		{NULL, true, NULL, hqb_no_phone, "北京市朝阳区朝阳门外大街18号丰联广场B座11层", "100020", "护签部甄经办",
		 NULL, true, "X9-default", "X9-default", "group.hqb_address", "group.hqb_address.phone"},
		/* the sample gives the seed's address itself: printed as given, no note */
		{NULL, false, NULL, NULL, "北京市朝阳区朝阳门外大街18号丰联广场B座11层", "100020", NULL, NULL, false,
		 NULL, NULL, NULL, NULL},
		{NULL, false, shanghai, NULL, "上海市静安区示例路2号", "200040", NULL, NULL, false, NULL, "X9-seed",
		 "group.delivery.address", "外交部领事服务中心"},
		/* a CITIC pick-up prints no address, and none is defaulted */
		{"pick_up", true, NULL, NULL, NULL, NULL, NULL, NULL, false, NULL, NULL, NULL, NULL},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		sample s = sample_open(SB, NULL);
		ws_value *g = s.g;
		ws_value *del = ws_value_map_get(g, "delivery");
		if (cases[i].option) {
			ws_loc l = {g_intern_string("mutation"), 800, 7};
			ws_value_map_set(del, "option", ws_value_new_string(cases[i].option, l), l);
			ws_value_map_set(del, "citic_location", ws_value_new_string("CITIC_BEIJING", l), l);
		}
		if (cases[i].drop_address)
			ws_value_map_set(del, "address", ws_value_new_null(ws_value_loc(del)), ws_value_loc(del));
		if (cases[i].address)
			ws_value_map_set(del, "address", text_map(cases[i].address, 810), ws_value_loc(del));
		if (cases[i].hqb)
			ws_value_map_set(g, "hqb_address", text_map(cases[i].hqb, 820), ws_value_loc(g));
		sample_run(&s, IC);
		const ws_diags *d = s.d;
		cr_assert_null(find(d, "X9", "group.delivery.address"), "case %zu: no X9 error for a missing address", i);
		cr_assert_null(find(d, "F-address", NULL), "case %zu: 护签部's address is valid", i);
		if (!cases[i].street1) {
			const ws_value *da = ws_value_lookup(g, "derived.delivery_address");
			cr_assert(!da || ws_value_get_type(da) == WS_VALUE_NULL, "case %zu: no delivery address", i);
		} else {
			cr_assert_str_eq(derived_text(g, "derived.delivery_address.street1"), cases[i].street1, "case %zu", i);
			cr_assert_str_eq(derived_text(g, "derived.delivery_address.postal_code"), cases[i].postal, "case %zu", i);
			cr_assert_str_eq(derived_text(g, "derived.delivery_address.city"),
			                 cases[i].address ? "上海市" : "北京市", "case %zu", i);
			cr_assert_str_eq(derived_text(g, "derived.delivery_address.country"), "CHINA", "case %zu", i);
			cr_assert_eq(g_strcmp0(derived_text(g, "derived.delivery_address.recipient"), cases[i].recipient), 0,
			             "case %zu: recipient %s", i, derived_text(g, "derived.delivery_address.recipient"));
			cr_assert_eq(g_strcmp0(derived_text(g, "derived.delivery_address.phone"), cases[i].phone), 0,
			             "case %zu: phone", i);
			const ws_value *def = ws_value_lookup(g, "derived.delivery_address.default");
			cr_assert(def && ws_value_truthy(def) == cases[i].is_default, "case %zu: default", i);
			if (cases[i].is_default)
				cr_assert(strstr(derived_text(g, "derived.delivery_address.note"), "由护签部统一领取"),
				          "case %zu: collected by 护签部", i);
		}
		/* the notice and the warning on what the default lacks share the
		 * rule and the severity (render prints warnings, not notes): the
		 * notice is the one that says no address was given, once */
		const ws_diag *n = NULL;
		int notices = 0;
		for (size_t k = 0; k < ws_diags_count(d); k++)
			if (!g_strcmp0(ws_diags_at(d, k)->rule, "X9-default") &&
			    g_str_has_prefix(ws_diags_at(d, k)->message, "no delivery address")) {
				n = ws_diags_at(d, k);
				notices++;
			}
		if (cases[i].note_rule) {
			cr_assert_eq(notices, 1, "case %zu: one notice says the default was used, %d found", i, notices);
			cr_assert_eq(n->severity, WS_SEVERITY_WARNING, "case %zu: the notice is a warning", i);
			cr_assert(strstr(n->message, "北京市朝阳区朝阳门外大街18号丰联广场B座11层") &&
			          strstr(n->message, "100020"), "case %zu: the notice names the address: %s", i, n->message);
			cr_assert_eq(n->loc.line, ws_value_loc(del).line, "case %zu: at the delivery block", i);
		} else {
			cr_assert_null(n, "case %zu: no default, no notice", i);
		}
		const ws_diag *w = NULL;
		for (size_t k = 0; k < ws_diags_count(d); k++) {
			const ws_diag *x = ws_diags_at(d, k);
			if (x != n && x->severity == WS_SEVERITY_WARNING &&
			    (!g_strcmp0(x->rule, "X9-default") || !g_strcmp0(x->rule, "X9-seed")))
				w = x;
		}
		if (cases[i].warn_rule) {
			cr_assert_not_null(w, "case %zu: a warning", i);
			cr_assert_str_eq(w->rule, cases[i].warn_rule, "case %zu", i);
			cr_assert_str_eq(w->path, cases[i].warn_path, "case %zu", i);
			cr_assert(strstr(w->message, cases[i].warn_says), "case %zu: says %s: %s", i, cases[i].warn_says, w->message);
			if (cases[i].hqb || cases[i].address)
				cr_assert_eq(w->loc.line, cases[i].hqb ? 820u : 810u, "case %zu: located at the map", i);
		} else {
			cr_assert_null(w, "case %zu: no warning, got [%s] %s", i, w ? w->rule : "", w ? w->message : "");
		}
		sample_close(&s);
	}
}

/* The defaulted address in the PDF: a premium-delivery group without an
 * address gets a confirmation that prints the seed's; render and check say
 * so and warn that the recipient and phone are missing (no hqb_address). */
Test(visa, default_delivery_address_in_the_pdf)
{
	char *dir = wst_tmpdir();
	char *data = edited_sample(
		"self-beijing.yaml",
		(const char *const[]){"    address: {street: 北京市朝阳区朝阳门外大街18号丰联广场B座11层, city: 北京市, state: 北京市,\n"
		                      "              postal_code: \"100020\", country: CHINA}   # the seed's address; its \"B座\" is not warned of (X9)\n",
		                      "", NULL},
		dir, "no-address.yaml");
	char *pdf = g_build_filename(dir, "ic.pdf", NULL);
	const char *args[] = {"render", IC, "--data", data, "-o", pdf, NULL};
	char *err = NULL;
	cr_assert_eq(wst_wenshu(args, NULL, &err), 0, "%s", err);
	cr_assert(strstr(err, "warning: [X9-default]") && strstr(err, "group.hqb_address.recipient"),
	          "render names what the default lacks:\n%s", err);
	cr_assert(strstr(err, "no-address.yaml:37:5: warning: [X9-default] no delivery address") &&
	          strstr(err, "由护签部统一领取"), "render says the default was used, at the delivery block:\n%s", err);
	const char *cargs[] = {"check", IC, "--data", data, NULL};
	char *cerr = NULL;
	cr_assert_eq(wst_wenshu(cargs, NULL, &cerr), 0, "%s", cerr);
	cr_assert(strstr(cerr, "no-address.yaml:37:5: warning: [X9-default] no delivery address") &&
	          strstr(cerr, "由护签部统一领取"), "check says the default was used, at the delivery block:\n%s", cerr);
	g_free(cerr);
	char *t = wst_pdftotext(pdf, false);
	char *sq = wst_squeeze(t);
	const char *lines[] = {"文件递送街道:北京市朝阳区朝阳门外大街18号丰联广场B座11层", "文件递送城市:北京市",
	                       "文件递送省份:北京市", "文件递送邮政编码:100020", "文件递送国家:CHINA", NULL};
	wst_assert_in_order(sq, lines);
	g_free(sq);
	g_free(t);
	g_free(err);
	g_free(pdf);
	g_free(data);
	g_free(dir);
}

/* What render says when the default address is used: its notice, once for
 * the group however many files it writes, on stderr as the house form
 * writes a warning (file:line:col: warning: [rule] message (path)), and
 * nothing else when 护签部's contact gives the recipient and phone; the
 * exit status stays 0 (a warning, not an error).  check said it alone
 * before, as a note, which render drops. */
Test(visa, render_says_the_default_delivery_address_once)
{
	char *dir = wst_tmpdir();
	char *data = edited_sample(
		SB,
		(const char *const[]){
			"    address: {street: 北京市朝阳区朝阳门外大街18号丰联广场B座11层, city: 北京市, state: 北京市,\n"
			"              postal_code: \"100020\", country: CHINA}   # the seed's address; its \"B座\" is not warned of (X9)\n",
			"",
			/* 护签部's contact, the default address's recipient and phone: one
			 * line above the delivery block, which moves to line 38 */
			"  mfa_pickup_fee_cny: null\n",
			"  mfa_pickup_fee_cny: null\n"
			"  hqb_address: {street: 北京市东城区示例路1号, postal_code: \"100010\", recipient: 护签部甄经办, "
			"phone: \"13900000009\"}\n",
			NULL},
		dir, "no-address.yaml");
	char *want = g_strdup_printf("%s:38:5: warning: [X9-default] no delivery address (递送地址) given: the documents "
	                             "print the seed's, 外交部领事服务中心, 北京市朝阳区朝阳门外大街18号丰联广场B座11层, "
	                             "北京市/北京市/100020 (由护签部统一领取) (group.delivery.address)\n",
	                             data);
	/* every kind validates the group, so every kind says it: the one that
	 * prints the address, and the form, in two formats */
	static const char *const kinds[] = {IC, RS};
	for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
		char *out = g_strdup_printf("%s/{group.group_id}-{kind}", dir);
		const char *args[] = {"render", kinds[k], "--data", data, "-o", out, "--format", "pdf,png", NULL};
		char *err = NULL;
		int rc = wst_wenshu(args, NULL, &err);
		cr_assert_eq(rc, 0, "%s: exit %d\n%s", kinds[k], rc, err);
		cr_assert_str_eq(err, want, "%s: render's stderr", kinds[k]);
		g_free(err);
		g_free(out);
	}
	g_free(want);
	g_free(data);
	g_free(dir);
}

/* X9's single Latin letter (B座): the seed asks for a Chinese-only street
 * yet prescribes its own address with "B座" (DOMAIN.md §4.5).  That street,
 * exactly, is not warned of — a warning on every group would teach clerks
 * to skip warnings; any other street with one letter is, at its own
 * file:line:col.  The Beijing sample's street, replaced, through `check`. */
Test(visa, delivery_street_single_letter)
{
	static const char *const seed_line =
		"    address: {street: 北京市朝阳区朝阳门外大街18号丰联广场B座11层, city: 北京市, state: 北京市,\n";
	static const struct {
		const char *street; /* as written after "street: " */
		unsigned col;       /* where the street's text starts on line 38; 0: no X9 */
		bool seed_warning;  /* X9-seed: not the 外交部领事服务中心 */
	} cases[] = {
		{"北京市朝阳区朝阳门外大街18号丰联广场B座11层", 0, false},
		{"[北京市朝阳区朝阳门外大街18号丰联广场B座11层]", 0, false},
		{"北京市朝阳区朝阳门外大街18号丰联广场A座11层", 23, false},
		{"北京市朝阳区朝阳门外大街18号丰联广场B座11层1101室", 23, false},
		{"[北京市朝阳区朝阳门外大街18号丰联广场B座11层1101室]", 24, false},
		{"北京市东城区示例路1号B座5层", 23, true},
	};
	char *dir = wst_tmpdir();
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *line = g_strdup_printf("    address: {street: %s, city: 北京市, state: 北京市,\n", cases[i].street);
		char *name = g_strdup_printf("street-%zu.yaml", i);
		char *data = edited_sample(SB, (const char *const[]){seed_line, line, NULL}, dir, name);
		g_free(name);
		const char *args[] = {"check", IC, "--data", data, NULL};
		char *err = NULL;
		cr_assert_eq(wst_wenshu(args, NULL, &err), 0, "case %zu: %s", i, err);
		if (cases[i].col) {
			/* the street itself, without a list's brackets */
			bool list = cases[i].street[0] == '[';
			char *want = g_strdup_printf("%s:38:%u: warning: [X9] street \"%.*s\"", data, cases[i].col,
			                             (int)strlen(cases[i].street) - (list ? 2 : 0),
			                             cases[i].street + (list ? 1 : 0));
			cr_expect(strstr(err, want), "case %zu: want '%s' in\n%s", i, want, err);
			g_free(want);
		} else {
			cr_expect_null(strstr(err, "[X9]"), "case %zu: X9 on the seed's address:\n%s", i, err);
		}
		cr_expect_eq(strstr(err, "[X9-seed]") != NULL, cases[i].seed_warning, "case %zu:\n%s", i, err);
		g_free(err);
		g_free(data);
		g_free(line);
	}
	/* in process too: the samples' own street, at the X9 path, is clean */
	sample s = sample_open(SB, IC);
	cr_assert_null(find(s.d, "X9", STREET));
	sample_close(&s);
	g_free(dir);
}

/* 护签部's address (hqb_address: the mailing label's recipient, the return
 * cover's sender) was printed but never checked: now an address (§4.3),
 * each finding at the field it names. */
Test(visa, hqb_address_is_checked_as_an_address)
{
	static const struct {
		const char *const kv[11];
		const char *rule, *path; /* NULL rule: valid */
		ws_severity sev;
		unsigned line;           /* 0: at the map (a missing field) */
	} cases[] = {
		{{"street", "北京市东城区示例路1号", "postal_code", "100010", "recipient", "甄经办", "phone", "13900000009", NULL},
		 NULL, NULL, 0, 0},
		{{"street", "北京市东城区示例路1号", "postal_code", "100010", "phone", "010-65000000", NULL}, NULL, NULL, 0, 0},
		{{"street", "Room 5, 北京市东城区示例路1号", "postal_code", "100010", NULL},
		 "F-address", "group.hqb_address.street", WS_SEVERITY_ERROR, 831},
		{{"street", "示例路1号东城区", "postal_code", "100010", NULL},
		 "F-address", "group.hqb_address.street", WS_SEVERITY_ERROR, 831},
		{{"street", "北京市东城区示例路1号", "postal_code", "10001", NULL},
		 "F-address", "group.hqb_address.postal_code", WS_SEVERITY_ERROR, 832},
		{{"street", "北京市东城区示例路1号", NULL}, "F-address", "group.hqb_address.postal_code", WS_SEVERITY_ERROR, 0},
		{{"postal_code", "100010", NULL}, "F-address", "group.hqb_address.street", WS_SEVERITY_ERROR, 0},
		{{"street", "北京市东城区示例路1号", "postal_code", "100010", "country", "JAPAN", NULL},
		 "F-address", "group.hqb_address.country", WS_SEVERITY_ERROR, 833},
		{{"street", "北京市东城区示例路1号", "postal_code", "100010", "city", "Beijing", NULL},
		 "F-address", "group.hqb_address.city", WS_SEVERITY_ERROR, 833},
		{{"street", "北京市东城区示例路1号", "postal_code", "100010", "phone", "12345", NULL},
		 "F-mobile", "group.hqb_address.phone", WS_SEVERITY_ERROR, 833},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		sample s = sample_open(DS, NULL);
		ws_value_map_set(s.g, "hqb_address", text_map(cases[i].kv, 830), ws_value_loc(s.g));
		sample_run(&s, RD);
		const ws_diags *d = s.d;
		if (!cases[i].rule) {
			for (size_t k = 0; k < ws_diags_count(d); k++) {
				const ws_diag *x = ws_diags_at(d, k);
				cr_assert(!x->path || !g_str_has_prefix(x->path, "group.hqb_address"), "case %zu: valid, but [%s] %s: %s",
				          i, x->rule, x->path, x->message);
			}
		} else {
			const ws_diag *x = find(d, cases[i].rule, cases[i].path);
			if (!x)
				dump(d);
			cr_assert_not_null(x, "case %zu: no [%s] at %s", i, cases[i].rule, cases[i].path);
			cr_assert_eq(x->severity, cases[i].sev, "case %zu", i);
			cr_assert_eq(x->loc.line, cases[i].line ? cases[i].line : 830u, "case %zu: [%s] at line %u", i,
			             cases[i].rule, x->loc.line);
		}
		sample_close(&s);
	}
	/* not a map */
	sample s = sample_open(DS, NULL);
	ws_loc l = {g_intern_string("mutation"), 840, 7};
	ws_value_map_set(s.g, "hqb_address", ws_value_new_string("护签部", l), l);
	sample_run(&s, RD);
	expect(s.d, "F-address", "group.hqb_address", WS_SEVERITY_ERROR, 840, 7);
	sample_close(&s);
}
