/* derive: the record-wide computed fields (docs/fields.md, "every kind").
 *
 * These are the facts about the group that more than one document prints:
 * names, dates in each calendar style, the post, the note's defaults, the
 * fee totals of X8 and the X15 checklist.  What one document alone prints
 * (the receipt's equation lines, the confirmation's delivery block, the
 * delegated form's fee equation, the packet list) is derived by that
 * kind's plugin, in plugins/<kind>/, on top of this.
 *
 * Everything goes under `group.derived` and `group.applicants[i].derived`
 * so it never clashes with an input field.  Both maps are rebuilt from the
 * input on every run and replace the previous ones, so running derive
 * twice gives the same tree.  Derive never reports: a value it cannot
 * compute is set to null and validate says why.
 */
#include "record.h"

#include <glib.h>
#include <string.h>

typedef struct dctx {
	const ws_host_services *h;
	ws_value *group;
	ws_value *out; /* group.derived, being built (owned until attached) */
} dctx;

void visa_set_str(const ws_host_services *h, ws_value *map, const char *key, const char *s)
{
	h->map_set(map, key, s ? h->new_string(s, WS_LOC_NONE) : h->new_null(WS_LOC_NONE));
}

void visa_set_take(const ws_host_services *h, ws_value *map, const char *key, char *s)
{
	visa_set_str(h, map, key, s);
	g_free(s);
}

void visa_set_num(const ws_host_services *h, ws_value *map, const char *key, double n)
{
	h->map_set(map, key, h->new_number(n, WS_LOC_NONE));
}

void visa_set_bool(const ws_host_services *h, ws_value *map, const char *key, bool b)
{
	h->map_set(map, key, h->new_bool(b, WS_LOC_NONE));
}

void visa_set_date(const ws_host_services *h, ws_value *out, const char *key, const char *iso,
                   char *(*fmt)(visa_date))
{
	visa_date d;
	visa_set_take(h, out, key, visa_date_parse(iso, &d) ? fmt(d) : NULL);
}

#define set_str visa_set_str
#define set_take visa_set_take
#define set_num visa_set_num
#define set_bool visa_set_bool
#define set_date visa_set_date

static char *name_en(const ws_host_services *h, const ws_value *app)
{
	const char *sur = visa_text(h, app, "surname"), *given = visa_text(h, app, "given_name");
	if (!sur && !given)
		return NULL;
	/* "SURNAME GIVEN", as the system prints 预约人 and 申请人姓名 (seed step 15) */
	return g_strjoin(" ", sur ? sur : "", given ? given : "", NULL);
}

static void derive_applicants(dctx *c, size_t primary)
{
	const ws_host_services *h = c->h;
	ws_value *apps = (ws_value *)visa_get(h, c->group, "applicants");
	ws_value *names = h->new_list(WS_LOC_NONE);
	size_t n = h->value_type(apps) == WS_VALUE_LIST ? h->value_length(apps) : 0;
	size_t dependents = 0;
	for (size_t i = 0; i < n; i++) {
		ws_value *app = h->list_at(apps, i);
		if (h->value_type(app) != WS_VALUE_MAP)
			continue;
		ws_value *d = h->new_map(WS_LOC_NONE);
		char *en = name_en(h, app);
		if (en)
			h->list_append(names, h->new_string(en, WS_LOC_NONE));
		set_num(h, d, "seq", (double)(i + 1));
		set_take(h, d, "name_en", en);
		bool is_primary = i == primary;
		if (!is_primary)
			dependents++;
		set_bool(h, d, "is_primary", is_primary);
		/* seed step 10: 主申请人 (预约人) and 同行人员 */
		set_str(h, d, "role_zh", is_primary ? "主申请人" : "同行人员");
		const char *rel = visa_text(h, app, "relationship_to_primary");
		set_str(h, d, "relation_zh", is_primary ? "主申请人" : rel ? rel : "同行人员");
		const char *g = visa_text(h, app, "gender");
		set_str(h, d, "gender_zh", !g ? NULL : strcmp(g, "M") == 0 ? "男" : strcmp(g, "F") == 0 ? "女" : NULL);
		set_str(h, d, "passport_type_zh", visa_passport_type_zh(visa_text(h, app, "passport_type")));
		set_date(h, d, "date_of_birth_zh", visa_text(h, app, "date_of_birth"), visa_date_zh);
		set_date(h, d, "passport_issue_date_zh", visa_text(h, app, "passport_issue_date"), visa_date_zh);
		set_date(h, d, "passport_expiry_date_zh", visa_text(h, app, "passport_expiry_date"), visa_date_zh);
		h->map_set(app, "derived", d);
	}
	set_num(h, c->out, "applicant_count", (double)n);
	set_num(h, c->out, "dependent_count", (double)dependents);
	set_num(h, c->out, "primary_index", (double)primary);
	const ws_value *p = n ? h->list_at(apps, primary) : NULL;
	set_take(h, c->out, "primary_name_en", p ? name_en(h, p) : NULL);
	h->map_set(c->out, "applicant_names_en", names);
}

static void derive_travel(dctx *c)
{
	const ws_host_services *h = c->h;
	visa_date s, e;
	bool hs = visa_date_parse(visa_text(h, c->group, "travel_start_date"), &s);
	bool he = visa_date_parse(visa_text(h, c->group, "travel_end_date"), &e);
	/* §4.1 stay_days = end − start + 1; null when the order is wrong */
	if (hs && he && visa_date_days(e) >= visa_date_days(s))
		set_num(h, c->out, "stay_days", (double)(visa_date_days(e) - visa_date_days(s) + 1));
	else
		set_str(h, c->out, "stay_days", NULL);
	set_take(h, c->out, "travel_start_zh", hs ? visa_date_zh(s) : NULL);
	set_take(h, c->out, "travel_end_zh", he ? visa_date_zh(e) : NULL);
	if (hs && he) {
		char *a = visa_date_zh(s), *b = visa_date_zh(e);
		set_take(h, c->out, "travel_dates_zh", g_strconcat(a, "至", b, NULL));
		g_free(a);
		g_free(b);
	} else {
		set_str(h, c->out, "travel_dates_zh", NULL);
	}
	/* 在美访问地点 joined with the enumeration comma 、 */
	const ws_value *it = visa_get(h, c->group, "us_itinerary");
	GString *s2 = g_string_new(NULL);
	if (it && h->value_type(it) == WS_VALUE_LIST) {
		for (size_t i = 0; i < h->value_length(it); i++) {
			const char *t = h->value_text(h->list_at(it, i));
			if (!t || !*t)
				continue;
			if (s2->len)
				g_string_append(s2, "、");
			g_string_append(s2, t);
		}
	} else if (it && h->value_text(it)) {
		g_string_append(s2, h->value_text(it));
	}
	set_str(h, c->out, "itinerary_zh", s2->len ? s2->str : NULL);
	g_string_free(s2, TRUE);
}

static void derive_visa(dctx *c)
{
	const ws_host_services *h = c->h;
	const char *cls = visa_text(h, c->group, "visa_class");
	set_take(h, c->out, "visa_class_display", cls ? visa_class_display(cls) : NULL);
	const char *vt = visa_text(h, c->group, "visa_type");
	set_str(h, c->out, "visa_type", vt ? vt : "Non-immigrant"); /* seed step 7 */
	set_str(h, c->out, "visa_type_zh", "非移民签证");
	const char *vc = visa_text(h, c->group, "visa_category");
	set_str(h, c->out, "visa_category", vc ? vc : "All Others");
	const char *vp = visa_text(h, c->group, "visa_priority");
	set_str(h, c->out, "visa_priority", vp ? vp : "Regular");
	bool official = cls && visa_class_official(cls);
	set_bool(h, c->out, "visa_official", official);

	const char *route = visa_text(h, c->group, "route");
	bool self = route && strcmp(route, "self") == 0;
	bool delegated = route && strcmp(route, "delegated") == 0;
	set_str(h, c->out, "route_zh", self ? "自行预约" : delegated ? "委托护签部预约" : NULL);

	const visa_post *p = visa_post_find(visa_text(h, c->group, "interview_post"));
	if (p) {
		ws_value *m = h->new_map(WS_LOC_NONE);
		set_str(h, m, "code", p->code);
		set_str(h, m, "name_zh", p->name_zh);
		set_str(h, m, "short_zh", p->short_zh);
		set_str(h, m, "city_zh", p->city_zh);
		set_str(h, m, "address_zh", p->address_zh);
		set_str(h, m, "address_en", p->address_en);
		set_str(h, m, "street_en", p->street_en);
		set_str(h, m, "street2_en", p->street2_en);
		set_str(h, m, "city_postal_en", p->city_postal_en);
		h->map_set(c->out, "post", m);
	} else {
		set_str(h, c->out, "post", NULL);
	}
}

static void derive_note(dctx *c)
{
	const ws_host_services *h = c->h;
	const ws_value *note = visa_get(h, c->group, "note");
	const visa_post *p = visa_post_find(visa_text(h, c->group, "interview_post"));
	const char *addr = visa_text(h, note, "addressee");
	/* §4.1 note.addressee: default derived from interview_post (§4.5) */
	set_str(h, c->out, "note_addressee", addr ? addr : p ? p->name_zh : NULL);
	const char *issuer = visa_text(h, note, "issuer");
	set_str(h, c->out, "note_issuer", issuer ? issuer : "中华人民共和国外交部");
	const char *place = visa_text(h, note, "place");
	if (!place)
		place = "北京";
	set_str(h, c->out, "note_place", place);
	const char *number = visa_text(h, note, "number"); /* or note.no, still accepted */
	set_str(h, c->out, "note_no", number ? number : visa_text(h, note, "no"));
	visa_date d;
	const char *iso = visa_text(h, note, "date");
	if (!iso)
		iso = h->today(); /* an undated note carries the render date */
	if (visa_date_parse(iso, &d)) {
		char *cn = visa_date_cn(d);
		set_str(h, c->out, "note_date_cn", cn);
		set_take(h, c->out, "note_date_place_cn", g_strconcat(cn, "于", place, NULL));
		g_free(cn);
	} else {
		set_str(h, c->out, "note_date_cn", NULL);
		set_str(h, c->out, "note_date_place_cn", NULL);
	}
	visa_date t;
	set_take(h, c->out, "fill_date_zh", visa_date_parse(h->today(), &t) ? visa_date_zh(t) : NULL);
}

static void derive_appointment(dctx *c)
{
	const ws_host_services *h = c->h;
	const ws_value *ap = visa_get(h, c->group, "appointment");
	const char *date = visa_text(h, ap, "date");
	const char *time = visa_text(h, ap, "time");
	set_date(h, c->out, "appointment_date_zh", date, visa_date_zh);
	visa_date d;
	if (visa_date_parse(date, &d)) {
		char *zh = visa_date_zh(d);
		set_take(h, c->out, "appointment_datetime_zh", time ? g_strconcat(zh, " ", time, NULL) : g_strdup(zh));
		g_free(zh);
	} else {
		set_str(h, c->out, "appointment_datetime_zh", NULL);
	}
}

/* The record's money as printed: each amount formatted from its fixed-point
 * value (docs/rules.md "Money"), null when it cannot be computed. */
static void derive_money(dctx *c, const visa_money *m)
{
	const ws_host_services *h = c->h;
	const ws_value *pay = visa_get(h, c->group, "payment");
	set_date(h, c->out, "payment_date_zh", visa_text(h, pay, "date"), visa_date_zh);
	/* delegated route: the group's transfer to 护签部, a record of its own */
	const ws_value *tr = visa_get(h, c->group, "transfer");
	set_date(h, c->out, "transfer_date_zh", visa_text(h, tr, "date"), visa_date_zh);
	int64_t amt;
	const char *amt_text = visa_text(h, tr, "amount_cny");
	set_take(h, c->out, "transfer_amount_cny",
	         amt_text && visa_decimal_parse(amt_text, 2, 2, &amt) ? visa_cents_format(amt) : NULL);
	set_take(h, c->out, "fee_usd", m->have_fee ? visa_cents_format(m->fee_cents) : NULL);
	/* the rate exactly as entered: "7.0010" stays 7.0010 (no zeros lost) */
	set_str(h, c->out, "cny_per_usd", m->rate_text);
	if (m->have_totals) {
		set_num(h, c->out, "fee_usd_cents", (double)m->fee_cents);
		set_take(h, c->out, "total_usd", visa_cents_format(m->total_usd_cents));
		set_take(h, c->out, "total_cny", visa_cents_format(m->total_cny_cents));
	} else {
		set_str(h, c->out, "fee_usd_cents", NULL);
		set_str(h, c->out, "total_usd", NULL);
		set_str(h, c->out, "total_cny", NULL);
	}
	set_take(h, c->out, "mfa_pickup_fee_cny", m->have_mfa ? visa_cents_format(m->mfa_cents) : NULL);
	/* seed 二(一): the remittance to 护签部 includes the MFA pickup fee;
	 * record-wide, since the form and the packet cover both print it */
	set_take(h, c->out, "remittance_total_cny",
	         m->have_totals ? visa_cents_format(m->total_cny_cents + (m->have_mfa ? m->mfa_cents : 0)) : NULL);
}

static void derive_contact(dctx *c)
{
	const ws_host_services *h = c->h;
	static const char *const what[] = {"name", "mobile", "landline"};
	for (size_t i = 0; i < G_N_ELEMENTS(what); i++) {
		char key[32];
		g_snprintf(key, sizeof key, "contact_%s", what[i]);
		const ws_value *v = visa_contact(h, c->group, what[i], NULL);
		const char *t = v ? h->value_text(v) : NULL;
		set_str(h, c->out, key, t && *t ? t : NULL);
	}
}

/* The delivery address as the documents print it (seed step 11):
 * delivery_address {street1..3, city, state, postal_code, country,
 * recipient, phone, note, default}.  A premium-delivery group that gives no
 * address gets the seed's, the 外交部领事服务中心 where 护签部 collects
 * the passports, with 护签部's contact (hqb_address.recipient / phone) as
 * recipient and phone when the group has one; validate notes the default
 * and names what is missing.  `street` may be one line (with street2 and
 * street3) or a list of 1-3 lines; the derived map has one key a line. */
static void derive_delivery(dctx *c)
{
	const ws_host_services *h = c->h;
	const ws_value *del = visa_get(h, c->group, "delivery");
	const char *opt = h->value_type(del) == WS_VALUE_MAP ? visa_text(h, del, "option") : NULL;
	const ws_value *addr = h->value_type(del) == WS_VALUE_MAP ? visa_get(h, del, "address") : NULL;
	bool premium = opt && strcmp(opt, "premium_delivery") == 0;
	ws_value *m = h->new_map(WS_LOC_NONE);
	if (addr && h->value_type(addr) == WS_VALUE_MAP) {
		const ws_value *st = visa_get(h, addr, "street");
		for (int i = 0; i < 3; i++) {
			char key[16];
			g_snprintf(key, sizeof key, "street%d", i + 1);
			const char *line = NULL;
			if (h->value_type(st) == WS_VALUE_LIST)
				line = i < (int)h->value_length(st) ? h->value_text(h->list_at(st, (size_t)i)) : NULL;
			else
				line = visa_text(h, addr, i == 0 ? "street" : key);
			set_str(h, m, key, line && *line ? line : NULL);
		}
		static const char *const keys[] = {"city", "state", "postal_code", "country", "recipient", "phone"};
		for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
			set_str(h, m, keys[i], visa_text(h, addr, keys[i]));
		set_str(h, m, "note", NULL);
		set_bool(h, m, "default", false);
	} else if (premium && !addr) {
		set_str(h, m, "street1", VISA_SEED_DELIVERY_STREET);
		set_str(h, m, "street2", NULL);
		set_str(h, m, "street3", NULL);
		set_str(h, m, "city", VISA_SEED_DELIVERY_CITY);
		set_str(h, m, "state", VISA_SEED_DELIVERY_STATE);
		set_str(h, m, "postal_code", VISA_SEED_DELIVERY_POSTAL);
		set_str(h, m, "country", VISA_SEED_DELIVERY_COUNTRY);
		const ws_value *hqb = visa_get(h, c->group, "hqb_address");
		bool map = h->value_type(hqb) == WS_VALUE_MAP;
		set_str(h, m, "recipient", map ? visa_text(h, hqb, "recipient") : NULL);
		set_str(h, m, "phone", map ? visa_text(h, hqb, "phone") : NULL);
		set_str(h, m, "note", VISA_SEED_DELIVERY_NAME "，" VISA_SEED_DELIVERY_NOTE);
		set_bool(h, m, "default", true);
	} else {
		/* no address to print (a CITIC pick-up), or one validate rejects */
		h->value_unref(m);
		set_str(h, c->out, "delivery_address", NULL);
		return;
	}
	h->map_set(c->out, "delivery_address", m);
}

static void checklist_add(const ws_host_services *h, ws_value *list, const char *item,
                          const char *note, bool printed, const char *kind)
{
	ws_value *m = h->new_map(WS_LOC_NONE);
	set_str(h, m, "item", item);
	set_str(h, m, "note", note);
	set_bool(h, m, "printed", printed);
	set_str(h, m, "kind", kind);
	h->list_append(list, m);
}

/* X15 (seed 一(二), 二(一)): what each route mails to 护签部. */
static void derive_checklist(dctx *c, const visa_money *m)
{
	const ws_host_services *h = c->h;
	const char *route = visa_text(h, c->group, "route");
	bool self = route && strcmp(route, "self") == 0;
	bool delegated = route && strcmp(route, "delegated") == 0;
	if (!self && !delegated) {
		set_str(h, c->out, "checklist", NULL);
		return;
	}
	ws_value *list = h->new_list(WS_LOC_NONE);
	if (self)
		checklist_add(h, list, "自行预约美国签证面谈时间登记表", NULL, true, "registration-self");
	else
		checklist_add(h, list, "委托护照签证部预约美国签证面谈登记表", NULL, true,
		              "registration-delegated");
	checklist_add(h, list, "任务批件原件", "原件", false, NULL);
	checklist_add(h, list, "中文照会", "由护签部办理照会盖章", true, "note");
	char *amount = m->have_mfa ? visa_cents_format(m->mfa_cents) : NULL;
	if (self) {
		char *note = amount ? g_strdup_printf("金额 %s 元", amount) : g_strdup("金额按护签部通知");
		checklist_add(h, list, "外交部取件手续费汇款凭证", note, false, NULL);
		g_free(note);
	} else {
		char *note;
		if (m->have_totals && m->have_mfa) {
			char *total = visa_cents_format(m->total_cny_cents + m->mfa_cents);
			note = g_strdup_printf("汇款合计 %s 元", total);
			g_free(total);
		} else if (m->have_totals) {
			char *visa = visa_cents_format(m->total_cny_cents);
			/* the fee rows above the checklist say what the 取件手续费
			 * is (另加…, 金额按护签部通知); the item names the visa fee
			 * and that the other is on top, on one line */
			note = g_strdup_printf("签证费 %s 元，取件手续费另计", visa);
			g_free(visa);
		} else {
			note = g_strdup("签证费及外交部取件手续费");
		}
		checklist_add(h, list, "签证费汇款凭证（含外交部取件手续费）", note, false, NULL);
		g_free(note);
	}
	g_free(amount);
	h->map_set(c->out, "checklist", list);
}

ws_value *visa_derive_record(const ws_host_services *host, ws_value *group)
{
	if (!group || host->value_type(group) != WS_VALUE_MAP)
		return NULL; /* validate reports a group that is not a map */
	dctx c = {host, group, host->new_map(WS_LOC_NONE)};
	visa_money m;
	visa_money_compute(host, group, &m);
	derive_applicants(&c, visa_primary_index(host, group));
	derive_travel(&c);
	derive_visa(&c);
	derive_note(&c);
	derive_appointment(&c);
	derive_money(&c, &m);
	derive_contact(&c);
	derive_delivery(&c);
	derive_checklist(&c, &m);
	host->map_set(group, "derived", c.out);
	return c.out;
}

int visa_derive(const ws_kind_desc *self, const ws_host_services *host, ws_value *group,
                ws_diags *diags)
{
	(void)diags;
	const visa_form *form = self->data;
	ws_value *out = visa_derive_record(host, group);
	if (out && form && form->derive)
		form->derive(host, group, out);
	return WS_OK;
}
