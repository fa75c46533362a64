/* derive: the computed fields every visa layout reads (docs/fields.md).
 *
 * Everything goes under `group.derived` and `group.applicants[i].derived`
 * so it never clashes with an input field.  Both maps are rebuilt from the
 * input on every run and replace the previous ones, so running derive twice,
 * or once per kind on the same group, gives the same tree.  Derive never
 * reports: a value it cannot compute is set to null and validate says why.
 */
#include "record.h"

#include <glib.h>
#include <string.h>

typedef struct dctx {
	const ws_host_services *h;
	ws_value *group;
	ws_value *out; /* group.derived, being built (owned until attached) */
} dctx;

static void set_str(const ws_host_services *h, ws_value *map, const char *key, const char *s)
{
	h->map_set(map, key, s ? h->new_string(s, WS_LOC_NONE) : h->new_null(WS_LOC_NONE));
}

static void set_take(const ws_host_services *h, ws_value *map, const char *key, char *s)
{
	set_str(h, map, key, s);
	g_free(s);
}

static void set_num(const ws_host_services *h, ws_value *map, const char *key, double n)
{
	h->map_set(map, key, h->new_number(n, WS_LOC_NONE));
}

static void set_bool(const ws_host_services *h, ws_value *map, const char *key, bool b)
{
	h->map_set(map, key, h->new_bool(b, WS_LOC_NONE));
}

/* A date field formatted with `fmt`, or null when absent or malformed. */
static void set_date(const ws_host_services *h, ws_value *out, const char *key, const char *iso,
                     char *(*fmt)(visa_date))
{
	visa_date d;
	set_take(h, out, key, visa_date_parse(iso, &d) ? fmt(d) : NULL);
}

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
	set_str(h, c->out, "note_no", visa_text(h, note, "no"));
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
	set_date(h, c->out, "appointment_date_slash", date, visa_date_slash);
	set_date(h, c->out, "appointment_date_zh", date, visa_date_zh);
	visa_date d;
	if (visa_date_parse(date, &d)) {
		char *zh = visa_date_zh(d);
		set_take(h, c->out, "appointment_datetime_zh", time ? g_strconcat(zh, " ", time, NULL) : g_strdup(zh));
		g_free(zh);
	} else {
		set_str(h, c->out, "appointment_datetime_zh", NULL);
	}
	set_date(h, c->out, "preferred_from_zh", visa_text(h, ap, "preferred_from"), visa_date_zh);
	set_date(h, c->out, "preferred_to_zh", visa_text(h, ap, "preferred_to"), visa_date_zh);
}

static void derive_money(dctx *c, visa_money *m)
{
	const ws_host_services *h = c->h;
	const ws_value *pay = visa_get(h, c->group, "payment");
	/* Confirm Receipt prints MM/DD/YYYY (seed step 13: 12/11/2024) */
	set_date(h, c->out, "receipt_print_date", visa_text(h, pay, "date"), visa_date_us);
	set_date(h, c->out, "payment_date_zh", visa_text(h, pay, "date"), visa_date_zh);
	set_take(h, c->out, "fee_usd", m->have_fee ? visa_cents_format(m->fee_cents) : NULL);
	set_take(h, c->out, "cny_per_usd", m->have_rate ? visa_rate_format(m->rate_e4) : NULL);
	if (m->have_totals) {
		char *fee = visa_cents_format(m->fee_cents), *rate = visa_rate_format(m->rate_e4);
		char *usd = visa_cents_format(m->total_usd_cents), *cny = visa_cents_format(m->total_cny_cents);
		set_num(h, c->out, "fee_usd_cents", (double)m->fee_cents);
		set_str(h, c->out, "total_usd", usd);
		set_str(h, c->out, "total_cny", cny);
		set_take(h, c->out, "fee_cny_per_applicant", visa_cents_format(m->per_cny_cents));
		/* seed step 12/13: "1369.00 CNY (185.00 USD)", CNY first */
		set_take(h, c->out, "total_fee_display", g_strdup_printf("%s CNY (%s USD)", cny, usd));
		set_take(h, c->out, "fee_calc_line",
		         g_strdup_printf("(%" G_GINT64_FORMAT " @ %s USD) x %s CNY/USD = %s (%s USD)",
		                         m->n, fee, rate, cny, usd));
		set_take(h, c->out, "rate_line", g_strdup_printf("1.00 USD = %s CNY", rate));
		/* seed 二(一): the remittance includes the MFA pickup fee */
		set_take(h, c->out, "remittance_total_cny",
		         visa_cents_format(m->total_cny_cents + (m->have_mfa ? m->mfa_cents : 0)));
		g_free(fee);
		g_free(rate);
		g_free(usd);
		g_free(cny);
	} else {
		static const char *const keys[] = {"fee_usd_cents", "total_usd", "total_cny",
		                                   "fee_cny_per_applicant", "total_fee_display",
		                                   "fee_calc_line", "rate_line", "remittance_total_cny"};
		for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
			set_str(h, c->out, keys[i], NULL);
	}
	set_take(h, c->out, "mfa_pickup_fee_cny", m->have_mfa ? visa_cents_format(m->mfa_cents) : NULL);
}

static void derive_contact_delivery(dctx *c)
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
	const ws_value *del = visa_get(h, c->group, "delivery");
	const char *opt = visa_text(h, del, "option");
	/* seed step 11: Premium Delivery / Premium Location / Pick Up */
	static const struct {
		const char *opt, *en, *zh;
	} opts[] = {
		{"premium_delivery", "Premium Delivery", "付费送达上门"},
		{"premium_location", "Premium Location", "付费中信取件点"},
		{"pick_up", "Pick Up", "中信免费取件"},
	};
	const char *en = NULL, *zh = NULL;
	for (size_t i = 0; opt && i < G_N_ELEMENTS(opts); i++)
		if (strcmp(opts[i].opt, opt) == 0) {
			en = opts[i].en;
			zh = opts[i].zh;
		}
	set_str(h, c->out, "delivery_option_en", en);
	set_str(h, c->out, "delivery_option_zh", zh);
	const visa_citic *ci = visa_citic_find(visa_text(h, del, "citic_location"));
	if (ci) {
		ws_value *m = h->new_map(WS_LOC_NONE);
		set_str(h, m, "code", ci->code);
		set_str(h, m, "name_zh", ci->name_zh);
		set_str(h, m, "address_zh", ci->address_zh);
		set_str(h, m, "address_en", ci->address_en);
		h->map_set(c->out, "citic", m);
	} else {
		set_str(h, c->out, "citic", NULL);
	}
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
			note = g_strdup_printf("签证费 %s 元，另加外交部取件手续费（金额按护签部通知）", visa);
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

static void packet_add(const ws_host_services *h, ws_value *list, visa_kind k, const char *reason,
                       int *ready)
{
	ws_value *m = h->new_map(WS_LOC_NONE);
	set_str(h, m, "kind", visa_kinds[k].name);
	set_str(h, m, "title", visa_kinds[k].title);
	set_str(h, m, "status", reason ? "pending" : "ready");
	set_str(h, m, "reason", reason);
	/* position among the documents that are printed (packet page order) */
	if (reason)
		set_str(h, m, "order", NULL);
	else
		set_num(h, m, "order", (double)++*ready);
	h->list_append(list, m);
}

/* The mailing packet (seed 一(二), 二(一), 三(二)(三)): the documents wenshu
 * prints for the route, in mailing order, each ready or pending.  A document
 * is pending when it cannot exist yet: the confirmation needs the booked
 * appointment (date and confirmation number), the receipt needs the payment
 * date and every applicant's MRV receipt number.  `wenshu packet` renders
 * only the ready ones and the cover names the pending ones with the reason. */
static void derive_packet(dctx *c)
{
	const ws_host_services *h = c->h;
	const char *route = visa_text(h, c->group, "route");
	bool self = route && strcmp(route, "self") == 0;
	bool delegated = route && strcmp(route, "delegated") == 0;
	if (!self && !delegated) {
		set_str(h, c->out, "packet", NULL);
		set_str(h, c->out, "packet_ready_count", NULL);
		set_str(h, c->out, "packet_pending_count", NULL);
		return;
	}
	const ws_value *ap = visa_get(h, c->group, "appointment");
	visa_date d;
	bool booked = visa_date_parse(visa_text(h, ap, "date"), &d) && visa_text(h, ap, "confirmation_no");
	const ws_value *pay = visa_get(h, c->group, "payment");
	bool paid_date = visa_date_parse(visa_text(h, pay, "date"), &d);
	const ws_value *apps = visa_get(h, c->group, "applicants");
	size_t n = apps && h->value_type(apps) == WS_VALUE_LIST ? h->value_length(apps) : 0;
	bool receipts = n > 0;
	for (size_t i = 0; i < n; i++) {
		const ws_value *a = h->list_at(apps, i);
		if (h->value_type(a) != WS_VALUE_MAP || !visa_text(h, a, "mrv_receipt_no"))
			receipts = false;
	}

	ws_value *list = h->new_list(WS_LOC_NONE);
	int ready = 0;
	packet_add(h, list, self ? VISA_KIND_REGISTRATION_SELF : VISA_KIND_REGISTRATION_DELEGATED, NULL,
	           &ready);
	packet_add(h, list, VISA_KIND_NOTE_COVER, NULL, &ready);
	packet_add(h, list, VISA_KIND_NOTE, NULL, &ready);
	packet_add(h, list, VISA_KIND_INTERVIEW_CONFIRMATION,
	           booked ? NULL
	           : delegated ? "待护签部预约后生成（尚无面谈日期及预约确认号）"
	                       : "待预约完成后生成（尚无面谈日期及预约确认号）",
	           &ready);
	packet_add(h, list, VISA_KIND_PAYMENT_RECEIPT,
	           paid_date && receipts ? NULL
	           : !paid_date          ? "待缴费后生成（尚无缴费日期）"
	                                 : "待缴费后生成（尚缺申请人的MRV收据号）",
	           &ready);
	set_num(h, c->out, "packet_ready_count", (double)ready);
	set_num(h, c->out, "packet_pending_count", (double)(h->value_length(list) - (size_t)ready));
	h->map_set(c->out, "packet", list);
}

int visa_derive(const ws_host_services *host, ws_value *group, ws_diags *diags)
{
	(void)diags;
	if (!group || host->value_type(group) != WS_VALUE_MAP)
		return WS_OK; /* validate reports a group that is not a map */
	dctx c = {host, group, host->new_map(WS_LOC_NONE)};
	visa_money m;
	visa_money_compute(host, group, &m);
	derive_applicants(&c, visa_primary_index(host, group));
	derive_travel(&c);
	derive_visa(&c);
	derive_note(&c);
	derive_appointment(&c);
	derive_money(&c, &m);
	derive_contact_delivery(&c);
	derive_checklist(&c, &m);
	derive_packet(&c);
	host->map_set(group, "derived", c.out);
	return WS_OK;
}
