/* validate: the field rules of DOMAIN §4.1–§4.3 and the cross-document
 * rules X1–X16 (§4.6) as they concern the record.  docs/rules.md lists
 * every rule id.
 *
 * The record rules run for every kind, because a document must not print
 * from a bad record.  A kind adds what its layout prints (§5) as the
 * needs of its visa_form, which are read here, where that field is
 * checked, so a diagnostic comes out in the same place whichever document
 * asks; the rules a kind has of its own (X14 for the note) run in its
 * plugin after these.  Each diagnostic names the rule id, the data path
 * and the offending value (whose location gives file:line:col); a missing
 * field is reported at its parent map.
 */
#include "record.h"

#include <glib.h>
#include <stdarg.h>
#include <string.h>

typedef struct vctx {
	const ws_host_services *h;
	const ws_value *g; /* the group map */
	ws_diags *d;
	const visa_form *form;  /* the document's needs; never NULL (an empty form) */
	bool self, delegated;   /* route */
	bool have_today;
	visa_date today;
	visa_money money;
	GPtrArray *scratch;     /* paths built while validating; freed at the end */
} vctx;

enum need { OPT = 0, REQ = 1 };

static const char *P(vctx *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static const char *P(vctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(c->scratch, s);
	return s;
}

static void report(vctx *c, ws_severity sev, const ws_value *at, const char *rule, const char *path,
                   const char *fmt, ...) G_GNUC_PRINTF(6, 7);
static void report(vctx *c, ws_severity sev, const ws_value *at, const char *rule, const char *path,
                   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	c->h->diag(c->d, sev, at, rule, path, "%s", msg);
	g_free(msg);
}

#define ERR(...) report(c, WS_SEVERITY_ERROR, __VA_ARGS__)
#define WARN(...) report(c, WS_SEVERITY_WARNING, __VA_ARGS__)

const visa_need *visa_form_need(const visa_form *form, const char *path)
{
	for (const visa_need *n = form ? form->needs : NULL; n && n->path; n++)
		if (strcmp(n->path, path) == 0)
			return n;
	return NULL;
}

/* The document's need for `path`, or NULL. */
static const visa_need *need(const vctx *c, const char *path)
{
	return visa_form_need(c->form, path);
}

/* REQ when the document requires `path` outright. */
static enum need needed(const vctx *c, const char *path)
{
	const visa_need *n = need(c, path);
	return n && n->level == VISA_NEED_ERROR ? REQ : OPT;
}

static ws_severity severity_of(const visa_need *n)
{
	return n->level == VISA_NEED_WARNING ? WS_SEVERITY_WARNING : WS_SEVERITY_ERROR;
}

/* A field the document needs is missing: its own reason, or `dflt`. */
static void report_need(vctx *c, const visa_need *n, const ws_value *at, const char *rule,
                        const char *path, const char *dflt)
{
	report(c, severity_of(n), at, rule, path, "%s", n->why ? n->why : dflt);
}

/* The scalar text of map[key].  A missing (or null) required field is an
 * error at the parent map; a list or map where text belongs is an error at
 * that value.  *vout receives the value (NULL when missing). */
static const char *field(vctx *c, const ws_value *map, const char *mpath, const char *key,
                         const char *label, const char *rule, enum need need, const ws_value **vout)
{
	const ws_host_services *h = c->h;
	const ws_value *v = visa_get(h, map, key);
	if (vout)
		*vout = v;
	const char *path = P(c, "%s.%s", mpath, key);
	if (!v || (h->value_type(v) != WS_VALUE_LIST && h->value_type(v) != WS_VALUE_MAP &&
	           !*h->value_text(v))) {
		if (need == REQ)
			ERR(map, rule, path, "required field %s (%s) is missing", key, label);
		if (vout)
			*vout = NULL;
		return NULL;
	}
	ws_value_type t = h->value_type(v);
	if (t == WS_VALUE_LIST || t == WS_VALUE_MAP) {
		ERR(v, rule, path, "%s (%s) must be a single value, not a %s", key, label,
		    t == WS_VALUE_LIST ? "list" : "map");
		if (vout)
			*vout = NULL;
		return NULL;
	}
	return h->value_text(v);
}

static bool pattern(vctx *c, const ws_value *v, const char *text, const char *path, const char *rule,
                    const char *label, visa_re *re, const char *expected)
{
	if (!text || visa_re_match(re, text))
		return true;
	ERR(v, rule, path, "%s \"%s\" is not %s", label, text, expected);
	return false;
}

/* A date field: strict YYYY-MM-DD.  Returns true and fills *out when valid. */
static bool date_field(vctx *c, const ws_value *map, const char *mpath, const char *key,
                       const char *label, const char *rule, enum need need, visa_date *out,
                       const ws_value **vout)
{
	const ws_value *v;
	const char *t = field(c, map, mpath, key, label, rule, need, &v);
	if (vout)
		*vout = v;
	if (!t)
		return false;
	if (!visa_date_parse(t, out)) {
		ERR(v, rule, P(c, "%s.%s", mpath, key), "%s (%s) \"%s\" is not a date in YYYY-MM-DD form",
		    key, label, t);
		return false;
	}
	return true;
}

static bool in_list(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static char *join_set(const char *const *set)
{
	GString *s = g_string_new(NULL);
	for (; *set; set++)
		g_string_append_printf(s, "%s%s", s->len ? ", " : "", *set);
	return g_string_free(s, FALSE);
}

static void enum_field(vctx *c, const ws_value *map, const char *mpath, const char *key,
                       const char *label, const char *rule, enum need need, const char *const *set)
{
	const ws_value *v;
	const char *t = field(c, map, mpath, key, label, rule, need, &v);
	if (t && !in_list(t, set)) {
		char *all = join_set(set);
		ERR(v, rule, P(c, "%s.%s", mpath, key), "%s (%s) is \"%s\"; expected one of %s", key, label,
		    t, all);
		g_free(all);
	}
}

static void length_field(vctx *c, const ws_value *map, const char *mpath, const char *key,
                         const char *label, const char *rule, enum need need, size_t min, size_t max)
{
	const ws_value *v;
	const char *t = field(c, map, mpath, key, label, rule, need, &v);
	size_t n = visa_utf8_len(t);
	if (t && (n < min || n > max))
		ERR(v, rule, P(c, "%s.%s", mpath, key), "%s (%s) has %zu characters; expected %zu to %zu",
		    key, label, n, min, max);
}

static visa_re re_mobile = VISA_RE("^1[3-9][0-9]{9}$");
static visa_re re_landline = VISA_RE("^0[0-9]{2,3}-?[0-9]{7,8}$");

/* §4.1 contact_mobile, §4.2 mobile_phone, §4.3 phone: mainland mobile,
 * no +86 (seed step 6). */
static void mobile_check(vctx *c, const ws_value *v, const char *path, const char *label)
{
	if (v)
		pattern(c, v, c->h->value_text(v), path, "F-mobile", label, &re_mobile,
		        "a mainland mobile number (11 digits, 1[3-9]…, no country code)");
}

static void landline_check(vctx *c, const ws_value *v, const char *path, const char *label)
{
	if (v)
		pattern(c, v, c->h->value_text(v), path, "F-landline", label, &re_landline,
		        "a landline number with area code (0xx-xxxxxxxx, no country code)");
}

/* ---- §4.3 addresses (X9 for the delivery address, F-address otherwise) ---- */

static const char *const municipalities[] = {"北京市", "上海市", "天津市", "重庆市", NULL};

static void street_line(vctx *c, const ws_value *v, const char *text, const char *path,
                        const char *rule, bool first, const char *state, const char *city)
{
	size_t run = visa_ascii_letter_run(text);
	if (run >= 2)
		ERR(v, rule, path, "street \"%s\" contains English; the address must be written in Chinese only (必须使用中文，不得包含英文)", text);
	/* The seed asks for Chinese only, yet prescribes 外交部领事服务中心's
	 * address with its "B座" (DOMAIN.md "contradicts itself"; §4.5); a
	 * warning on every group that uses the prescribed address would teach
	 * clerks to skip warnings.  Exactly that street is not warned of. */
	else if (run == 1 && strcmp(text, VISA_SEED_DELIVERY_STREET) != 0)
		WARN(v, rule, path, "street \"%s\" contains a single Latin letter (e.g. a building letter such as B座); the system asks for Chinese only", text);
	static const char *const outside[] = {"香港", "澳门", "台湾"};
	for (size_t i = 0; i < G_N_ELEMENTS(outside); i++)
		if (strstr(text, outside[i]))
			ERR(v, rule, path, "street \"%s\" is outside mainland China (%s); delivery covers the mainland only", text, outside[i]);
	if (!first)
		return;
	/* Order 省-市-街道-楼-室 (seed step 11): the first line starts with the
	 * province (or, for the four municipalities, the city).  Compared with
	 * the state/city fields when they are Chinese, else by the suffix. */
	bool ok;
	if (state && visa_has_han(state))
		ok = g_str_has_prefix(text, state) ||
		     (city && visa_has_han(city) && g_str_has_prefix(text, city));
	else if (city && visa_has_han(city))
		ok = g_str_has_prefix(text, city);
	else {
		static visa_re re_head = VISA_RE("^[\\x{3400}-\\x{9FFF}]{1,8}(省|市|自治区)");
		ok = visa_re_match(&re_head, text);
	}
	if (!ok)
		ERR(v, rule, path, "street \"%s\" is not in the order province-city-street-building-room (省-市-街道-楼-室); it must begin with %s", text,
		    state && visa_has_han(state) ? state : "the province or municipality");
}

/* `region`: whether city, state and country are required (REQ) or checked
 * only when given (OPT: an address a document prints as street and postal
 * code, such as 护签部's on the mailing label). */
static void address_check_region(vctx *c, const ws_value *addr, const char *apath, const char *rule,
                                 bool delivery, enum need region)
{
	const ws_host_services *h = c->h;
	if (h->value_type(addr) != WS_VALUE_MAP) {
		ERR(addr, rule, apath, "address must be a map with street, city, state, postal_code and country");
		return;
	}
	const ws_value *vs, *vc, *vst, *vp, *vco;
	const char *city = field(c, addr, apath, "city", "城市", rule, region, &vc);
	const char *state = field(c, addr, apath, "state", "省/直辖市/自治区", rule, region, &vst);
	/* street: one line, or a list of 1–3 lines */
	vs = visa_get(h, addr, "street");
	const char *spath = P(c, "%s.street", apath);
	if (!vs) {
		ERR(addr, rule, spath, "required field street (街道) is missing");
	} else if (h->value_type(vs) == WS_VALUE_LIST) {
		size_t n = h->value_length(vs);
		if (n < 1 || n > 3)
			ERR(vs, rule, spath, "street has %zu lines; expected 1 to 3", n);
		for (size_t i = 0; i < n && i < 3; i++) {
			const ws_value *l = h->list_at(vs, i);
			street_line(c, l, h->value_text(l) ? h->value_text(l) : "", P(c, "%s[%zu]", spath, i),
			            rule, i == 0, state, city);
		}
	} else if (h->value_type(vs) == WS_VALUE_MAP) {
		ERR(vs, rule, spath, "street must be text or a list of lines");
	} else {
		street_line(c, vs, h->value_text(vs), spath, rule, true, state, city);
	}
	for (int i = 2; i <= 3; i++) {
		char key[16];
		g_snprintf(key, sizeof key, "street%d", i);
		const ws_value *v;
		const char *t = field(c, addr, apath, key, "街道续", rule, OPT, &v);
		if (t)
			street_line(c, v, t, P(c, "%s.%s", apath, key), rule, false, state, city);
	}
	if (city) {
		if (!visa_has_han(city) || visa_ascii_letter_run(city) >= 2)
			ERR(vc, rule, P(c, "%s.city", apath), "city \"%s\" must be written in Chinese (城市), e.g. 北京市", city);
		else if (!g_str_has_suffix(city, "市") && !g_str_has_suffix(city, "州") &&
		         !g_str_has_suffix(city, "盟") && !g_str_has_suffix(city, "地区"))
			WARN(vc, rule, P(c, "%s.city", apath), "city \"%s\" does not end in 市, 州, 盟 or 地区", city);
	}
	if (state) {
		if (!visa_has_han(state) || visa_ascii_letter_run(state) >= 2)
			ERR(vst, rule, P(c, "%s.state", apath), "state \"%s\" must be written in Chinese (省/直辖市/自治区), e.g. 北京市", state);
		else if (city && in_list(city, municipalities) && strcmp(city, state) != 0)
			WARN(vst, rule, P(c, "%s.state", apath), "state \"%s\" should equal the city %s for a municipality (直辖市)", state, city);
	}
	/* §4.3: any six digits; Inner Mongolia codes start 01/02 */
	static visa_re re_postal = VISA_RE("^[0-9]{6}$");
	const char *pc = field(c, addr, apath, "postal_code", "邮政编码", rule, REQ, &vp);
	pattern(c, vp, pc, P(c, "%s.postal_code", apath), rule, "postal code (邮政编码)", &re_postal,
	        "six digits");
	const char *co = field(c, addr, apath, "country", "国家", rule, region, &vco);
	static const char *const china[] = {"CHINA", "中国", "China", NULL};
	if (co && !in_list(co, china))
		ERR(vco, rule, P(c, "%s.country", apath), "country \"%s\" must be CHINA (必须只选择中国)", co);
	const ws_value *vph;
	const char *ph = field(c, addr, apath, "phone", "电话", rule, OPT, &vph);
	if (ph && (delivery || !visa_re_match(&re_landline, ph)))
		mobile_check(c, vph, P(c, "%s.phone", apath), "phone (电话)");
}

static void address_check(vctx *c, const ws_value *addr, const char *apath, const char *rule,
                          bool delivery)
{
	address_check_region(c, addr, apath, rule, delivery, REQ);
}

/* ---- group-level fields, §4.1 ---- */

static visa_re re_group_id = VISA_RE("^[A-Za-z0-9-]{1,32}$");
static visa_re re_approval = VISA_RE("〔[0-9]{4}〕");
static visa_re re_time = VISA_RE("^([01][0-9]|2[0-3]):[0-5][0-9]$");
static visa_re re_appt_no = VISA_RE("^[A-Za-z0-9-]{4,30}$");
static visa_re re_note_no = VISA_RE("^（[0-9]{4}）.+字第[0-9]+号$");

static const char *const routes[] = {"self", "delegated", NULL};
static const char *const post_codes[] = {"BEIJING", "SHANGHAI", "GUANGZHOU", "SHENYANG", "WUHAN", NULL};

static void check_identity(vctx *c)
{
	const ws_value *v;
	const char *t = field(c, c->g, "group", "group_id", "团组编号", "F-group_id", REQ, &v);
	pattern(c, v, t, "group.group_id", "F-group_id", "group_id (团组编号)", &re_group_id,
	        "1 to 32 letters, digits or hyphens");

	enum_field(c, c->g, "group", "route", "预约方式", "F-route", REQ, routes);
	const char *route = visa_text(c->h, c->g, "route");
	const ws_value *rv = visa_get(c->h, c->g, "route");
	/* a document of one route asked for a group of the other */
	const char *form_route = c->form->route;
	if (route && form_route && (c->self || c->delegated) && strcmp(route, form_route) != 0)
		ERR(rv, "F-route", "group.route", "route is %s (%s) but the %s was requested", route,
		    c->self ? "自行预约" : "委托护签部预约", c->form->route_label);

	length_field(c, c->g, "group", "group_name", "团组名称", "F-group_name", REQ, 1, 60);
	t = field(c, c->g, "group", "mission_approval_no", "任务批件文号", "F-mission_approval_no", REQ, &v);
	if (t && !visa_re_match(&re_approval, t))
		WARN(v, "F-mission_approval_no", "group.mission_approval_no",
		     "mission approval number \"%s\" (任务批件文号) should carry the year in 六角括号 〔YYYY〕, not [] 【】 or ()", t);
	t = field(c, c->g, "group", "dispatching_unit", "派出单位", "F-dispatching_unit", REQ, &v);
	if (t && (!visa_has_han(t) || visa_utf8_len(t) < 2 || visa_utf8_len(t) > 60))
		ERR(v, "F-dispatching_unit", "group.dispatching_unit",
		    "dispatching unit \"%s\" (派出单位) must be a Chinese name of 2 to 60 characters", t);
	t = field(c, c->g, "group", "destination_country", "出访国家", "F-destination_country", OPT, &v);
	static const char *const us[] = {"美国", "UNITED STATES", "美利坚合众国", NULL};
	if (t && !in_list(t, us))
		ERR(v, "F-destination_country", "group.destination_country",
		    "destination country \"%s\" (出访国家) must be 美国 / UNITED STATES", t);
	length_field(c, c->g, "group", "purpose", "出访任务（事由）", "F-purpose", REQ, 2, 200);

	const ws_value *fra = visa_get(c->h, c->g, "fao_return_address");
	const visa_need *n;
	if (fra)
		address_check(c, fra, "group.fao_return_address", "F-address", false);
	else if ((n = need(c, "fao_return_address")))
		report_need(c, n, c->g, "F-fao_return_address", "group.fao_return_address",
		            "required field fao_return_address (材料回寄地址) is missing");

	/* 护签部's own address (optional): the recipient of the outbound
	 * envelope (mailing-label) and the sender of the return leg
	 * (return-cover).  Those print its street, postal code, recipient and
	 * phone, so city, state and country are checked only when given. */
	const ws_value *hqb = visa_get(c->h, c->g, "hqb_address");
	if (hqb)
		address_check_region(c, hqb, "group.hqb_address", "F-address", false, OPT);

	if ((n = need(c, "inviting_party")) && !visa_text(c->h, c->g, "inviting_party"))
		report_need(c, n, c->g, "F-inviting_party", "group.inviting_party",
		            "required field inviting_party (邀请单位) is missing");
}

static void check_travel(vctx *c, bool have_appt, visa_date appt)
{
	const ws_host_services *h = c->h;
	visa_date s, e;
	const ws_value *vs, *ve;
	bool hs = date_field(c, c->g, "group", "travel_start_date", "出访开始日期", "F-travel_start_date", REQ, &s, &vs);
	bool he = date_field(c, c->g, "group", "travel_end_date", "出访结束日期", "F-travel_end_date", REQ, &e, &ve);
	if (hs && he && visa_date_days(e) < visa_date_days(s)) {
		char *a = visa_date_iso(s), *b = visa_date_iso(e);
		ERR(ve, "F-travel_dates", "group.travel_end_date",
		    "travel end date %s (出访结束日期) is before the start date %s", b, a);
		g_free(a);
		g_free(b);
	}
	if (hs && have_appt && visa_date_days(s) <= visa_date_days(appt)) {
		char *a = visa_date_iso(s), *b = visa_date_iso(appt);
		WARN(vs, "F-travel_dates", "group.travel_start_date",
		     "travel start date %s is not after the interview date %s", a, b);
		g_free(a);
		g_free(b);
	}
	const ws_value *sd = visa_get(h, c->g, "stay_days");
	if (sd && hs && he && visa_date_days(e) >= visa_date_days(s)) {
		long want = visa_date_days(e) - visa_date_days(s) + 1;
		int64_t got;
		if (!visa_decimal_parse(h->value_text(sd), 0, 0, &got) || got != want)
			ERR(sd, "F-stay_days", "group.stay_days",
			    "stay_days is %s; travel_end_date − travel_start_date + 1 = %ld", h->value_text(sd), want);
	}

	const ws_value *it = visa_get(h, c->g, "us_itinerary");
	size_t places = 0;
	if (it && h->value_type(it) == WS_VALUE_LIST) {
		for (size_t i = 0; i < h->value_length(it); i++) {
			const ws_value *x = h->list_at(it, i);
			ws_value_type t = h->value_type(x);
			if (t == WS_VALUE_LIST || t == WS_VALUE_MAP || !*h->value_text(x))
				ERR(x ? x : it, "F-us_itinerary", P(c, "group.us_itinerary[%zu]", i),
				    "each place of the U.S. itinerary (在美访问地点) must be a non-empty name");
			else
				places++;
		}
	} else if (it && h->value_type(it) == WS_VALUE_MAP) {
		ERR(it, "F-us_itinerary", "group.us_itinerary", "us_itinerary (在美访问地点) must be a list of places");
	} else if (it) {
		places = 1;
	}
	const visa_need *n;
	if (places == 0 && (n = need(c, "us_itinerary")))
		report_need(c, n, it ? it : c->g, "F-us_itinerary", "group.us_itinerary",
		            "us_itinerary (在美访问地点) needs at least one place");
}

static void check_contact(vctx *c)
{
	const char *path;
	const ws_value *name = visa_contact(c->h, c->g, "name", NULL);
	const ws_value *mob = visa_contact(c->h, c->g, "mobile", &path);
	mobile_check(c, mob, path, "contact mobile (联系人手机)");
	const ws_value *at = visa_get(c->h, c->g, "contact");
	if (!at)
		at = c->g;
	const visa_need *n;
	if (!mob && (n = need(c, "contact.mobile")))
		report_need(c, n, at, "F-contact", "group.contact.mobile",
		            "required field contact.mobile (联系人手机) is missing");
	if (!name && (n = need(c, "contact.name")))
		report_need(c, n, at, "F-contact", "group.contact.name",
		            "required field contact.name (联系人) is missing");
	const ws_value *land = visa_contact(c->h, c->g, "landline", &path);
	landline_check(c, land, path, "contact landline (固定电话)");
}

static void check_visa(vctx *c)
{
	const ws_value *v;
	const char *post = field(c, c->g, "group", "interview_post", "面谈地点", "F-interview_post", REQ, &v);
	if (post && !in_list(post, post_codes)) {
		char *all = join_set(post_codes);
		ERR(v, "F-interview_post", "group.interview_post",
		    "interview post \"%s\" (面谈地点) is not one of %s", post, all);
		g_free(all);
	} else if (post && strcmp(post, "WUHAN") == 0) {
		WARN(v, "F-interview_post", "group.interview_post",
		     "Wuhan's visa service has long been suspended; verify the visa service status before booking");
	}
	const char *cls = field(c, c->g, "group", "visa_class", "签证类别", "F-visa_class", REQ, &v);
	if (cls && !visa_class_known(cls)) {
		ERR(v, "F-visa_class", "group.visa_class", "visa class \"%s\" (签证类别) is not a known non-immigrant class", cls);
	} else if (cls) {
		char *k = visa_class_key(cls);
		/* §0.7 / §4.4: the seed labels the media visa "J"; media is class I */
		if (strcmp(k, "J") == 0)
			WARN(v, "F-visa_class", "group.visa_class",
			     "visa class \"J\" is the exchange-visitor class; the media (journalist) visa is class I");
		g_free(k);
	}
	const char *vt = field(c, c->g, "group", "visa_type", "签证类型", "F-visa_type", OPT, &v);
	static const char *const nonimm[] = {"Non-immigrant", "非移民签证", NULL};
	if (vt && !in_list(vt, nonimm))
		ERR(v, "F-visa_type", "group.visa_type", "visa type \"%s\" (签证类型) must be Non-immigrant", vt);
}

static void check_appointment(vctx *c, bool *have_appt, visa_date *appt, const ws_value **vappt)
{
	const ws_host_services *h = c->h;
	const ws_value *ap = visa_get(h, c->g, "appointment");
	*have_appt = false;
	/* §4.1: the date is required on the self route; a document that
	 * prints it (the confirmation, §5.1) needs it on either route. */
	bool need_date = c->self || needed(c, "appointment.date") == REQ;
	if (!ap) {
		if (need_date)
			ERR(c->g, "F-appointment.date", "group.appointment.date",
			    "required field appointment.date (领事馆面谈日期) is missing");
		return;
	}
	if (h->value_type(ap) != WS_VALUE_MAP) {
		ERR(ap, "F-appointment", "group.appointment", "appointment must be a map");
		return;
	}
	const char *ap_path = "group.appointment";
	*have_appt = date_field(c, ap, ap_path, "date", "领事馆面谈日期", "F-appointment.date",
	                        need_date ? REQ : OPT, appt, vappt);
	const ws_value *v;
	const char *t = field(c, ap, ap_path, "time", "面谈时间", "F-appointment.time", OPT, &v);
	pattern(c, v, t, "group.appointment.time", "F-appointment.time", "appointment time (面谈时间)",
	        &re_time, "a 24-hour time HH:MM (00:00–23:59)");
	t = field(c, ap, ap_path, "confirmation_no", "领事馆面谈编号", "F-appointment.confirmation_no",
	          needed(c, "appointment.confirmation_no"), &v);
	pattern(c, v, t, "group.appointment.confirmation_no", "F-appointment.confirmation_no",
	        "appointment confirmation number (领事馆面谈编号)", &re_appt_no,
	        "4 to 30 letters, digits or hyphens");
	t = field(c, ap, ap_path, "count", "领事馆面谈次数", "F-appointment.count",
	          needed(c, "appointment.count"), &v);
	int64_t n;
	if (t && (!visa_decimal_parse(t, 0, 0, &n) || n < 1))
		ERR(v, "F-appointment.count", "group.appointment.count",
		    "appointment count \"%s\" (领事馆面谈次数) must be a whole number ≥ 1", t);
	const visa_need *nu = need(c, "appointment.uid");
	if (nu && !visa_text(h, ap, "uid"))
		report_need(c, nu, ap, "F-appointment.uid", "group.appointment.uid",
		            "required field appointment.uid (UID) is missing");

	visa_date pf, pt;
	bool hf = date_field(c, ap, ap_path, "preferred_from", "期望面谈日期（起）", "F-appointment.preferred",
	                     needed(c, "appointment.preferred_from"), &pf, NULL);
	const ws_value *vto;
	bool ht = date_field(c, ap, ap_path, "preferred_to", "期望面谈日期（止）", "F-appointment.preferred",
	                     needed(c, "appointment.preferred_to"), &pt, &vto);
	if (hf && ht && visa_date_days(pt) < visa_date_days(pf))
		ERR(vto, "F-appointment.preferred", "group.appointment.preferred_to",
		    "preferred interview window ends (%s) before it starts (%s)", visa_text(h, ap, "preferred_to"),
		    visa_text(h, ap, "preferred_from"));
}

/* X11: appointment after the document date and within 365 days of payment. */
static void check_x11(vctx *c, bool have_appt, visa_date appt, const ws_value *vappt)
{
	if (!have_appt)
		return;
	char *a = visa_date_iso(appt);
	if (c->have_today && visa_date_days(appt) <= visa_date_days(c->today))
		WARN(vappt, "X11", "group.appointment.date",
		     "interview date %s (领事馆面谈日期) is not after the document date %s", a, c->h->today());
	const ws_value *pay = visa_get(c->h, c->g, "payment");
	const ws_value *vp = visa_get(c->h, pay, "date");
	visa_date pd;
	if (vp && visa_date_parse(c->h->value_text(vp), &pd)) {
		long diff = visa_date_days(appt) - visa_date_days(pd);
		if (diff > 365)
			WARN(vp, "X11", "group.payment.date",
			     "interview date %s is %ld days after the payment date %s; the fee is valid for scheduling within 365 days",
			     a, diff, c->h->value_text(vp));
		else if (diff < 0)
			WARN(vappt, "X11", "group.appointment.date",
			     "interview date %s is before the payment date %s; the fee is paid before scheduling",
			     a, c->h->value_text(vp));
	}
	g_free(a);
}

static bool decimal_field(vctx *c, const ws_value *map, const char *mpath, const char *key,
                          const char *label, const char *rule, enum need need, int max_dec,
                          int scale, int64_t *out, const ws_value **vout)
{
	const ws_value *v;
	const char *t = field(c, map, mpath, key, label, rule, need, &v);
	if (vout)
		*vout = v;
	if (!t)
		return false;
	if (!visa_decimal_parse(t, max_dec, scale, out)) {
		ERR(v, rule, P(c, "%s.%s", mpath, key), "%s (%s) \"%s\" is not a decimal amount with at most %d decimals",
		    key, label, t, max_dec);
		return false;
	}
	return true;
}

/* §4.1 payment.*, X8 (receipt arithmetic) and X12 (fee-exempt classes). */
static void check_payment(vctx *c)
{
	const ws_host_services *h = c->h;
	const visa_money *m = &c->money;
	const char *cls = visa_text(h, c->g, "visa_class");
	bool official = cls && visa_class_official(cls);
	const ws_value *pay = visa_get(h, c->g, "payment");
	bool receipt = c->form->fee_receipt;
	const visa_need *np = need(c, "payment");
	/* a fee-exempt (official) class pays nothing, so has nothing to remit */
	bool need_pay = np && (np->level == VISA_NEED_ERROR || (np->level == VISA_NEED_IF_FEE && !official));
	const char *pp = "group.payment";
	if (!pay) {
		if (need_pay)
			ERR(c->g, "F-payment", pp, "required block payment (缴费信息) is missing");
	} else if (h->value_type(pay) != WS_VALUE_MAP) {
		ERR(pay, "F-payment", pp, "payment must be a map");
		pay = NULL;
	}
	int64_t x;
	const ws_value *vfee = NULL;
	if (pay) {
		decimal_field(c, pay, pp, "fee_usd_per_applicant", "每人签证费（美元）",
		              "F-payment.fee_usd_per_applicant", REQ, 2, 2, &x, &vfee);
		const ws_value *vr;
		if (decimal_field(c, pay, pp, "cny_per_usd", "领事汇率", "F-payment.cny_per_usd", REQ, 4, 4, &x, &vr) &&
		    x == 0)
			ERR(vr, "F-payment.cny_per_usd", "group.payment.cny_per_usd", "exchange rate (领事汇率) must be greater than 0");
		visa_date d;
		date_field(c, pay, pp, "date", "缴费日期", "F-payment.date", needed(c, "payment.date"), &d, NULL);
		/* fee by class (§4.4); official classes are X12's business */
		int64_t want = cls ? visa_class_fee_cents(cls) : -1;
		if (m->have_fee && !official && want >= 0 && m->fee_cents != want) {
			char *a = visa_cents_format(m->fee_cents), *b = visa_cents_format(want);
			WARN(vfee, "F-payment.fee_usd_per_applicant", "group.payment.fee_usd_per_applicant",
			     "fee %s USD differs from the %s USD MRV fee for class %s (since 2023-06-17)", a, b, cls);
			g_free(a);
			g_free(b);
		}

		/* X8: 申请人数量 = len(applicants) */
		const ws_value *vc;
		const char *t = field(c, pay, pp, "applicant_count", "申请人数量", "X8", OPT, &vc);
		int64_t n;
		if (t && (!visa_decimal_parse(t, 0, 0, &n) || n != m->n))
			ERR(vc, "X8", "group.payment.applicant_count",
			    "applicant count %s (申请人数量) differs from the %" G_GINT64_FORMAT " applicants in the group", t, m->n);
		/* X8: total_usd = n × fee; total_cny = n × round_half_up(fee × rate)
		 * (one rounding, per applicant: docs/rules.md "Money") */
		if (m->have_totals) {
			const ws_value *vt;
			int64_t got;
			if (decimal_field(c, pay, pp, "total_usd", "总费用（美元）", "X8", OPT, 2, 2, &got, &vt) &&
			    got != m->total_usd_cents) {
				char *a = visa_cents_format(got), *b = visa_cents_format(m->total_usd_cents), *f = visa_cents_format(m->fee_cents);
				ERR(vt, "X8", "group.payment.total_usd",
				    "total_usd %s (总费用) should be %s = %" G_GINT64_FORMAT " × %s USD", a, b, m->n, f);
				g_free(a);
				g_free(b);
				g_free(f);
			}
			if (decimal_field(c, pay, pp, "total_cny", "总费用（人民币）", "X8", OPT, 2, 2, &got, &vt) &&
			    got != m->total_cny_cents) {
				char *a = visa_cents_format(got), *b = visa_cents_format(m->total_cny_cents);
				char *f = visa_cents_format(m->fee_cents), *p = visa_cents_format(m->per_cny_cents);
				if (m->per_exact)
					ERR(vt, "X8", "group.payment.total_cny",
					    "total_cny %s (总费用) should be %s = %" G_GINT64_FORMAT " × %s USD × %s CNY/USD",
					    a, b, m->n, f, m->rate_text);
				else
					ERR(vt, "X8", "group.payment.total_cny",
					    "total_cny %s (总费用) should be %s = %" G_GINT64_FORMAT " × %s CNY per applicant (%s USD × %s CNY/USD, rounded half up to the fen)",
					    a, b, m->n, p, f, m->rate_text);
				g_free(a);
				g_free(b);
				g_free(f);
				g_free(p);
			}
		}
	}
	decimal_field(c, c->g, "group", "mfa_pickup_fee_cny", "外交部取件手续费", "F-mfa_pickup_fee_cny", OPT,
	              2, 2, &x, NULL);

	/* X8: one receipt number per applicant, on the receipt (§5.2) */
	const ws_value *apps = visa_get(h, c->g, "applicants");
	size_t napps = h->value_type(apps) == WS_VALUE_LIST ? h->value_length(apps) : 0;
	bool fee_due = !m->have_fee || m->fee_cents > 0;
	const visa_need *nr = need(c, "applicants[].mrv_receipt_no");
	bool need_receipt_no = nr && (nr->level != VISA_NEED_IF_FEE || fee_due);
	bool any_receipt = false;
	for (size_t i = 0; i < napps; i++) {
		const ws_value *a = h->list_at(apps, i);
		if (visa_text(h, a, "mrv_receipt_no"))
			any_receipt = true;
		else if (need_receipt_no && h->value_type(a) == WS_VALUE_MAP)
			report(c, severity_of(nr), a, "X8", P(c, "group.applicants[%zu].mrv_receipt_no", i),
			       "applicant %zu has no MRV receipt number (收据编号); %s", i + 1,
			       nr->why ? nr->why : "the document lists one per applicant");
	}

	/* X12: A-1/A-2/G-1..G-4/C-3 are fee-exempt and go through a note, not a receipt */
	bool fee_paid = m->have_fee && m->fee_cents > 0;
	if (official && (fee_paid || any_receipt || receipt)) {
		char *f = m->have_fee ? visa_cents_format(m->fee_cents) : g_strdup("none");
		WARN(visa_get(h, c->g, "visa_class"), "X12", "group.visa_class",
		     "visa class %s is an official, fee-exempt class, but a fee (%s USD) or MRV receipt is present; official travel goes through a diplomatic note, non-official travel needs e.g. B1",
		     cls, f);
		g_free(f);
	}
	/* X12: diplomatic-passport holders are fee-exempt for every class (§4.4) */
	for (size_t i = 0; fee_paid && i < napps; i++) {
		const ws_value *a = h->list_at(apps, i);
		const char *pt = visa_text(h, a, "passport_type");
		if (pt && strcmp(pt, "diplomatic") == 0)
			WARN(visa_get(h, a, "passport_type"), "X12", P(c, "group.applicants[%zu].passport_type", i),
			     "applicant %zu holds a diplomatic passport (外交护照), which is fee-exempt, but a fee is recorded", i + 1);
	}
}

/* The delegated route's two money records (seed 二(一)): the group's
 * transfer to 护签部 (transfer: date, amount_cny — the 签证费汇款凭证 it
 * encloses) and the visa fee 护签部 then pays (payment: date, receipts —
 * the 缴费确认单).  Each has its own date and amount; neither stands in for
 * the other. */
static void check_transfer(vctx *c)
{
	const ws_host_services *h = c->h;
	const visa_money *m = &c->money;
	const ws_value *tr = visa_get(h, c->g, "transfer");
	const char *tp = "group.transfer";
	if (tr && h->value_type(tr) != WS_VALUE_MAP) {
		ERR(tr, "F-transfer", tp, "transfer must be a map (date, amount_cny)");
		return;
	}
	if (tr && c->self)
		WARN(tr, "F-transfer", tp,
		     "transfer (汇款至护签部) belongs to the delegated route; on the self route the group pays the fee itself (payment)");
	visa_date td;
	bool have_td = tr && date_field(c, tr, tp, "date", "汇款日期", "F-transfer.date", OPT, &td, NULL);
	const visa_need *n;
	if (!(tr && visa_text(h, tr, "date")) && (n = need(c, "transfer.date")))
		report_need(c, n, tr ? tr : c->g, "F-transfer.date", "group.transfer.date",
		            "required field transfer.date (汇款日期) is missing");
	int64_t amt;
	const ws_value *va = NULL;
	if (tr && decimal_field(c, tr, tp, "amount_cny", "汇款金额", "X8", OPT, 2, 2, &amt, &va) && m->have_totals) {
		/* 汇款合计 = 签证费 + 外交部取件手续费; with the pickup fee still
		 * unknown the transfer must at least cover the visa fee */
		int64_t want = m->total_cny_cents + (m->have_mfa ? m->mfa_cents : 0);
		if (m->have_mfa ? amt != want : amt < want) {
			char *a = visa_cents_format(amt), *b = visa_cents_format(want);
			char *t = visa_cents_format(m->total_cny_cents), *f = m->have_mfa ? visa_cents_format(m->mfa_cents) : NULL;
			if (f)
				ERR(va, "X8", "group.transfer.amount_cny",
				    "transfer amount %s (汇款金额) should be the remittance total %s = %s visa fee + %s MFA pickup fee",
				    a, b, t, f);
			else
				ERR(va, "X8", "group.transfer.amount_cny",
				    "transfer amount %s (汇款金额) is less than the visa fee %s it must cover (plus the MFA pickup fee)",
				    a, t);
			g_free(a);
			g_free(b);
			g_free(t);
			g_free(f);
		}
	}
	/* 护签部 pays with the money the group sent: not before it was sent */
	const ws_value *pay = visa_get(h, c->g, "payment");
	const ws_value *vpd = pay && h->value_type(pay) == WS_VALUE_MAP ? visa_get(h, pay, "date") : NULL;
	visa_date pd;
	if (have_td && c->delegated && vpd && visa_date_parse(h->value_text(vpd), &pd) &&
	    visa_date_days(pd) < visa_date_days(td))
		WARN(vpd, "F-transfer.date", "group.payment.date",
		     "the visa fee payment by 护签部 (payment.date %s) is dated before the group's transfer to 护签部 "
		     "(transfer.date %s); they are two records: check which date is which",
		     h->value_text(vpd), h->value_text(visa_get(h, tr, "date")));
}

static const char *const delivery_opts[] = {"premium_delivery", "premium_location", "pick_up", NULL};
static const char *const citic_codes[] = {"CITIC_BEIJING", "CITIC_GUANGZHOU", "CITIC_SHANGHAI",
                                          "CITIC_SHENYANG", "CITIC_WUHAN", NULL};

static void check_delivery(vctx *c)
{
	const ws_host_services *h = c->h;
	const ws_value *del = visa_get(h, c->g, "delivery");
	if (!del) {
		const visa_need *n = need(c, "delivery");
		if (n)
			report_need(c, n, c->g, "F-delivery", "group.delivery",
			            "required block delivery (文件递送选项) is missing");
		return;
	}
	if (h->value_type(del) != WS_VALUE_MAP) {
		ERR(del, "F-delivery", "group.delivery", "delivery must be a map");
		return;
	}
	enum_field(c, del, "group.delivery", "option", "文件递送选项", "F-delivery.option", REQ, delivery_opts);
	const char *opt = visa_text(h, del, "option");
	const ws_value *addr = visa_get(h, del, "address");
	bool premium = opt && strcmp(opt, "premium_delivery") == 0;
	if (addr) {
		address_check(c, addr, "group.delivery.address", "X9", true);
		/* The seed (一(一), step 11): officials' passports are delivered to
		 * the 外交部领事服务中心 and collected there by 护签部.  Another
		 * address is allowed, but it is worth a second look. */
		const char *street = visa_text(h, addr, "street");
		if (premium && street && h->value_type(visa_get(h, addr, "street")) != WS_VALUE_LIST &&
		    !strstr(street, VISA_SEED_DELIVERY_MATCH))
			WARN(addr, "X9-seed", "group.delivery.address",
			     "delivery address \"%s\" is not the one the seed prescribes for officials' passports "
			     "(%s, %s, %s)",
			     street, VISA_SEED_DELIVERY_NAME, VISA_SEED_DELIVERY_STREET, VISA_SEED_DELIVERY_NOTE);
	} else if (premium) {
		/* derive prints the seed's address (docs/fields.md delivery_address).
		 * A warning, not a note: render prints warnings and drops notes, and
		 * whoever renders should learn that the documents carry an address
		 * nobody typed, not only whoever runs check. */
		WARN(del, "X9-default", "group.delivery.address",
		     "no delivery address (递送地址) given: the documents print the seed's, %s, %s, %s/%s/%s (%s)",
		     VISA_SEED_DELIVERY_NAME, VISA_SEED_DELIVERY_STREET, VISA_SEED_DELIVERY_CITY,
		     VISA_SEED_DELIVERY_STATE, VISA_SEED_DELIVERY_POSTAL, VISA_SEED_DELIVERY_NOTE);
		/* premium delivery needs a recipient and a mainland phone (seed
		 * step 11): at the seed's address they are 护签部's */
		const ws_value *hqb = visa_get(h, c->g, "hqb_address");
		bool map = h->value_type(hqb) == WS_VALUE_MAP;
		bool rec = map && visa_text(h, hqb, "recipient"), ph = map && visa_text(h, hqb, "phone");
		if (!rec || !ph)
			WARN(map ? hqb : del, "X9-default", map ? "group.hqb_address" : "group.delivery.address",
			     "the default delivery address has no %s: premium delivery needs a recipient and a mainland "
			     "mobile; give %s (护签部's contact, who collects the passports), or a delivery.address of the group's own",
			     !rec && !ph ? "recipient and no phone" : !rec ? "recipient" : "phone",
			     !rec && !ph ? "group.hqb_address.recipient and group.hqb_address.phone"
			     : !rec      ? "group.hqb_address.recipient"
			                 : "group.hqb_address.phone");
	}
	bool pickup = opt && (strcmp(opt, "pick_up") == 0 || strcmp(opt, "premium_location") == 0);
	enum_field(c, del, "group.delivery", "citic_location", "中信取件地点", "F-delivery.citic_location",
	           pickup ? REQ : OPT, citic_codes);
}

static void check_note(vctx *c)
{
	const ws_host_services *h = c->h;
	const ws_value *note = visa_get(h, c->g, "note");
	if (note && h->value_type(note) != WS_VALUE_MAP) {
		ERR(note, "F-note", "group.note", "note must be a map");
		return;
	}
	const ws_value *v;
	/* note.number; note.no (which YAML 1.1 tools misread) still accepted */
	const char *key = visa_get(h, note, "number") || !visa_get(h, note, "no") ? "number" : "no";
	const char *path = P(c, "group.note.%s", key);
	const char *no = field(c, note, "group.note", key, "照会编号", "F-note.no", OPT, &v);
	if (no && !visa_re_match(&re_note_no, no))
		WARN(v, "F-note.no", path,
		     "note number \"%s\" (照会编号) is not in the form （YYYY）××字第N号, e.g. （2025）测签字第001号", no);
	const visa_need *n;
	if (!no && (n = need(c, "note.no")))
		report_need(c, n, note ? note : c->g, "F-note.no", path,
		            "required field note.number (照会编号) is missing");
	visa_date d;
	const ws_value *vd;
	if (note && date_field(c, note, "group.note", "date", "照会日期", "F-note.date", OPT, &d, &vd) &&
	    c->have_today && visa_date_days(d) > visa_date_days(c->today))
		WARN(vd, "F-note.date", "group.note.date", "note date %s (照会日期) is after today %s",
		     h->value_text(vd), h->today());

	/* X1: the 受照机关 is the post of interview (the note's own X14 says
	 * so again, in plugins/note) */
	const visa_post *post = visa_post_find(visa_text(h, c->g, "interview_post"));
	const char *addr = field(c, note, "group.note", "addressee", "受照机关", "X1", OPT, &v);
	if (addr && post && strcmp(addr, post->name_zh) != 0)
		ERR(v, "X1", "group.note.addressee",
		    "note addressee %s (受照机关) differs from the interview post %s (%s)", addr, post->code,
		    post->name_zh);
}

/* ---- applicants, §4.2 ---- */

/* DOMAIN §4.2 gives U+3400–U+9FFF; names also use compatibility ideographs
 * and the supplementary planes' extensions B–H (e.g. 𠮷, U+20BB7), which
 * the fonts draw (HanaMin fallback), so they must not be refused here. */
static visa_re re_name_zh =
	VISA_RE("^[\\x{3400}-\\x{9FFF}\\x{F900}-\\x{FAFF}\\x{20000}-\\x{3134F}·]{2,20}$");
static visa_re re_latin_name = VISA_RE("^[A-Z]+( [A-Z]+)*$");
static visa_re re_ds160 = VISA_RE("^AA[0-9A-Z]{8}$");
static visa_re re_email = VISA_RE("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
static visa_re re_receipt = VISA_RE("^[A-Za-z0-9-]{6,30}$");

static const char *const roles[] = {"primary", "dependent", NULL};
static const char *const genders[] = {"M", "F", NULL};
static const char *const passport_types[] = {"ordinary", "official_ordinary", "service", "diplomatic", NULL};

static int age_at(visa_date born, visa_date at)
{
	int a = at.year - born.year;
	if (at.month < born.month || (at.month == born.month && at.day < born.day))
		a--;
	return a;
}

static void check_applicant(vctx *c, const ws_value *a, size_t i, size_t primary,
                            bool have_appt, visa_date appt)
{
	const ws_host_services *h = c->h;
	const char *ap = P(c, "group.applicants[%zu]", i);
	if (h->value_type(a) != WS_VALUE_MAP) {
		ERR(a, "F-applicants", ap, "applicant %zu must be a map of fields", i + 1);
		return;
	}
	const ws_value *v;
	const char *t;
	field(c, a, ap, "applicant_id", "申请人编号", "F-applicant_id", REQ, NULL);
	enum_field(c, a, ap, "role", "身份", "F-role", REQ, roles);
	t = field(c, a, ap, "name_zh", "中文姓名", "F-name_zh", REQ, &v);
	pattern(c, v, t, P(c, "%s.name_zh", ap), "F-name_zh", "Chinese name (中文姓名)", &re_name_zh,
	        "2 to 20 Chinese characters (· allowed)");
	/* X4: the Latin name exactly as in the passport, upper case */
	t = field(c, a, ap, "surname", "姓（拼音）", "X4", REQ, &v);
	pattern(c, v, t, P(c, "%s.surname", ap), "X4", "surname (姓)", &re_latin_name,
	        "upper-case Latin letters exactly as in the passport (e.g. JIA)");
	t = field(c, a, ap, "given_name", "名（拼音）", "X4", REQ, &v);
	pattern(c, v, t, P(c, "%s.given_name", ap), "X4", "given name (名)", &re_latin_name,
	        "upper-case Latin letters exactly as in the passport (e.g. CESHI)");
	enum_field(c, a, ap, "gender", "性别", "F-gender", REQ, genders);

	visa_date born, issue, expiry;
	const ws_value *vb, *vi, *ve;
	bool hb = date_field(c, a, ap, "date_of_birth", "出生日期", "F-date_of_birth", REQ, &born, &vb);
	bool hi = date_field(c, a, ap, "passport_issue_date", "护照签发日期", "F-passport_issue_date", REQ, &issue, &vi);
	bool he = date_field(c, a, ap, "passport_expiry_date", "护照有效期至", "F-passport_expiry_date", REQ, &expiry, &ve);
	if (hb) {
		const char *bt = h->value_text(vb);
		if (c->have_today && visa_date_days(born) > visa_date_days(c->today))
			ERR(vb, "F-date_of_birth", P(c, "%s.date_of_birth", ap),
			    "date of birth %s (出生日期) is in the future (today is %s)", bt, h->today());
		if (hi && visa_date_days(born) >= visa_date_days(issue))
			ERR(vb, "F-date_of_birth", P(c, "%s.date_of_birth", ap),
			    "date of birth %s is not before the passport issue date %s", bt, h->value_text(vi));
		visa_date at = have_appt ? appt : c->today;
		if (have_appt || c->have_today) {
			int age = age_at(born, at);
			if (age > 120)
				ERR(vb, "F-date_of_birth", P(c, "%s.date_of_birth", ap),
				    "date of birth %s gives an age of %d; expected 0 to 120", bt, age);
			else if (age >= 0 && (age < 14 || age >= 80))
				/* seed step 1: applicants under 14 or 80 and over follow different interview rules */
				WARN(vb, "F-age", P(c, "%s.date_of_birth", ap),
				     "applicant is %d at the interview; under-14 and 80-plus applicants follow different interview rules", age);
		}
	}
	if (hi && c->have_today && visa_date_days(issue) > visa_date_days(c->today))
		ERR(vi, "F-passport_issue_date", P(c, "%s.passport_issue_date", ap),
		    "passport issue date %s (护照签发日期) is after today %s", h->value_text(vi), h->today());
	if (hi && he && visa_date_days(expiry) <= visa_date_days(issue))
		ERR(ve, "F-passport_expiry_date", P(c, "%s.passport_expiry_date", ap),
		    "passport expiry date %s (护照有效期至) is not after the issue date %s", h->value_text(ve),
		    h->value_text(vi));
	/* X13: valid for six months beyond the trip */
	visa_date end;
	if (he && visa_date_parse(visa_text(h, c->g, "travel_end_date"), &end)) {
		visa_date need = visa_date_add_months(end, 6);
		if (visa_date_days(expiry) < visa_date_days(need)) {
			char *n = visa_date_iso(need);
			WARN(ve, "X13", P(c, "%s.passport_expiry_date", ap),
			     "passport expires %s, before %s (travel end %s + 6 months)", h->value_text(ve), n,
			     visa_text(h, c->g, "travel_end_date"));
			g_free(n);
		}
	}

	t = field(c, a, ap, "nationality", "国籍", "F-nationality", OPT, &v);
	static const char *const china[] = {"CHINA", "中国", NULL};
	if (t && !in_list(t, china))
		ERR(v, "F-nationality", P(c, "%s.nationality", ap), "nationality \"%s\" (国籍) must be CHINA", t);

	/* passport number pattern (F-passport_no) and prefix ↔ type (X5) */
	enum_field(c, a, ap, "passport_type", "护照种类", "F-passport_type", REQ, passport_types);
	const char *ptype = visa_text(h, a, "passport_type");
	t = field(c, a, ap, "passport_no", "护照号码", "F-passport_no", REQ, &v);
	if (t) {
		bool legacy;
		const char *implied = visa_passport_type_of_number(t, &legacy);
		const char *pp = P(c, "%s.passport_no", ap);
		if (!implied) {
			ERR(v, "F-passport_no", pp,
			    "passport number \"%s\" (护照号码) fits no Chinese passport pattern (9 characters: E+8, PE/SE/DE+7)", t);
			/* the prefix still tells the family: E… ordinary, PE/SE/DE official */
			if (g_str_has_prefix(t, "PE")) implied = "official_ordinary";
			else if (g_str_has_prefix(t, "SE")) implied = "service";
			else if (g_str_has_prefix(t, "DE")) implied = "diplomatic";
			else if (t[0] == 'E') implied = "ordinary";
		} else if (legacy) {
			WARN(v, "F-passport_no", pp, "passport number \"%s\" has a pre-2012 format; check the passport is still valid", t);
		}
		if (implied && ptype && in_list(ptype, passport_types) && strcmp(implied, ptype) != 0)
			ERR(v, "X5", pp, "passport number %s has the prefix of the %s (%s) passport type, but passport_type is %s (%s)",
			    t, implied, visa_passport_type_zh(implied), ptype, visa_passport_type_zh(ptype));
	}
	field(c, a, ap, "passport_place_of_issue", "签发地点", "F-passport_place_of_issue",
	      needed(c, "applicants[].passport_place_of_issue"), NULL);

	/* X3: DS-160 barcode number */
	t = field(c, a, ap, "ds160_confirmation_no", "DS-160 确认编号", "X3", REQ, &v);
	pattern(c, v, t, P(c, "%s.ds160_confirmation_no", ap), "X3", "DS-160 confirmation number (DS-160 确认编号)",
	        &re_ds160, "10 characters starting AA (AA + 8 letters or digits)");
	/* X1: DS-160 location = interview post */
	const char *post = visa_text(h, c->g, "interview_post");
	t = field(c, a, ap, "ds160_location", "DS-160 所填申请地点", "X1", REQ, &v);
	if (t && post && strcmp(t, post) != 0)
		ERR(v, "X1", P(c, "%s.ds160_location", ap),
		    "DS-160 location %s (DS-160 所填申请地点) differs from the interview post %s; a new DS-160 is needed to change the post", t, post);
	/* X2: DS-160 visa class = group visa class */
	const char *cls = visa_text(h, c->g, "visa_class");
	t = field(c, a, ap, "ds160_visa_class", "DS-160 所填签证类别", "X2", REQ, &v);
	if (t && cls) {
		char *k1 = visa_class_key(t), *k2 = visa_class_key(cls);
		if (strcmp(k1, k2) != 0)
			ERR(v, "X2", P(c, "%s.ds160_visa_class", ap),
			    "DS-160 visa class %s (DS-160 所填签证类别) differs from the group's visa class %s", t, cls);
		g_free(k1);
		g_free(k2);
	}

	t = field(c, a, ap, "email", "电子邮箱", "F-email", needed(c, "applicants[].email"), &v);
	pattern(c, v, t, P(c, "%s.email", ap), "F-email", "e-mail (电子邮箱)", &re_email, "an address like name@example.org");
	field(c, a, ap, "mobile_phone", "手机", "F-mobile", needed(c, "applicants[].mobile_phone"), &v);
	mobile_check(c, v, P(c, "%s.mobile_phone", ap), "mobile phone (手机)");
	field(c, a, ap, "home_phone", "家庭电话", "F-landline", OPT, &v);
	landline_check(c, v, P(c, "%s.home_phone", ap), "home phone (家庭电话)");
	const ws_value *ma = visa_get(h, a, "mailing_address");
	if (ma)
		address_check(c, ma, P(c, "%s.mailing_address", ap), "F-address", false);

	field(c, a, ap, "employer", "工作单位", "F-employer", needed(c, "applicants[].employer"), NULL);
	field(c, a, ap, "position", "职务", "F-position", needed(c, "applicants[].position"), NULL);

	const ws_value *rel = visa_get(h, a, "relationship_to_primary");
	const visa_need *nrel = need(c, "applicants[].relationship_to_primary");
	if (i == primary && rel && *h->value_text(rel))
		WARN(rel, "F-relationship_to_primary", P(c, "%s.relationship_to_primary", ap),
		     "the primary applicant has a relationship_to_primary (%s); it applies to dependents only", h->value_text(rel));
	else if (i != primary && !rel && nrel)
		report(c, severity_of(nrel), a, "F-relationship_to_primary", P(c, "%s.relationship_to_primary", ap),
		       "dependent %zu has no relationship_to_primary (与主申请人关系), e.g. 同事%s%s", i + 1,
		       nrel->why ? "; " : "", nrel->why ? nrel->why : "");

	t = field(c, a, ap, "mrv_receipt_no", "缴费收据编号", "F-mrv_receipt_no", OPT, &v);
	pattern(c, v, t, P(c, "%s.mrv_receipt_no", ap), "F-mrv_receipt_no", "MRV receipt number (缴费收据编号)",
	        &re_receipt, "6 to 30 letters, digits or hyphens");
}

/* X16 (and applicant_id): identifiers unique within the group.  The second
 * and later occurrences are reported, naming the first. */
static void check_unique(vctx *c, const ws_value *apps, size_t n, const char *key, const char *label,
                         const char *rule)
{
	const ws_host_services *h = c->h;
	for (size_t i = 1; i < n; i++) {
		const char *t = visa_text(h, h->list_at(apps, i), key);
		if (!t)
			continue;
		for (size_t j = 0; j < i; j++) {
			const char *u = visa_text(h, h->list_at(apps, j), key);
			if (u && strcmp(t, u) == 0) {
				ERR(visa_get(h, h->list_at(apps, i), key), rule,
				    P(c, "group.applicants[%zu].%s", i, key),
				    "%s %s (%s) of applicant %zu repeats applicant %zu's; each applicant needs their own",
				    key, t, label, i + 1, j + 1);
				break;
			}
		}
	}
}

static void check_applicants(vctx *c, bool have_appt, visa_date appt)
{
	const ws_host_services *h = c->h;
	const ws_value *apps = visa_get(h, c->g, "applicants");
	if (!apps || h->value_type(apps) != WS_VALUE_LIST || h->value_length(apps) == 0) {
		ERR(apps ? apps : c->g, "F-applicants", "group.applicants",
		    "applicants (申请人) must list the primary applicant and any dependents");
		return;
	}
	size_t n = h->value_length(apps);
	size_t primary = visa_primary_index(h, c->g);
	/* §4.2 role: exactly one primary, listed first */
	size_t primaries = 0;
	for (size_t i = 0; i < n; i++) {
		const ws_value *a = h->list_at(apps, i);
		const char *r = visa_text(h, a, "role");
		if (!r || strcmp(r, "primary") != 0)
			continue;
		if (++primaries > 1)
			ERR(visa_get(h, a, "role"), "F-role", P(c, "group.applicants[%zu].role", i),
			    "applicant %zu is a second primary applicant (主申请人); a group has exactly one, the others are dependents", i + 1);
		else if (i != 0)
			ERR(visa_get(h, a, "role"), "F-role", P(c, "group.applicants[%zu].role", i),
			    "the primary applicant must be listed first (found at position %zu)", i + 1);
	}
	if (primaries == 0)
		ERR(apps, "F-role", "group.applicants", "no applicant has role primary (主申请人)");
	for (size_t i = 0; i < n; i++)
		check_applicant(c, h->list_at(apps, i), i, primary, have_appt, appt);
	check_unique(c, apps, n, "applicant_id", "申请人编号", "F-applicant_id");
	check_unique(c, apps, n, "ds160_confirmation_no", "DS-160 确认编号", "X16");
	check_unique(c, apps, n, "mrv_receipt_no", "缴费收据编号", "X16");
	check_unique(c, apps, n, "passport_no", "护照号码", "X16");

	/* X6: a changed post needs a new DS-160 (seed 提示(一)).  The record
	 * carries the previous post in previous_interview_post and each
	 * applicant's previous DS-160 number in previous_ds160_confirmation_no. */
	const char *prev = visa_text(h, c->g, "previous_interview_post");
	const char *post = visa_text(h, c->g, "interview_post");
	if (prev && post && strcmp(prev, post) != 0) {
		for (size_t i = 0; i < n; i++) {
			const ws_value *a = h->list_at(apps, i);
			const char *old = visa_text(h, a, "previous_ds160_confirmation_no");
			const char *cur = visa_text(h, a, "ds160_confirmation_no");
			if (old && cur && strcmp(old, cur) == 0)
				ERR(visa_get(h, a, "ds160_confirmation_no"), "X6",
				    P(c, "group.applicants[%zu].ds160_confirmation_no", i),
				    "the interview post changed from %s to %s but the DS-160 number %s did not; a new DS-160 is required",
				    prev, post, cur);
		}
	}
}

int visa_validate_record(const ws_host_services *host, const ws_value *group, ws_diags *diags,
                         const visa_form *form)
{
	static const visa_form no_form = {0};
	if (!group || host->value_type(group) != WS_VALUE_MAP) {
		host->diag(diags, WS_SEVERITY_ERROR, group, "F-group", "group",
		           "the group must be a map of fields (see DOMAIN §4.1)");
		return WS_OK;
	}
	vctx c = {.h = host, .g = group, .d = diags, .form = form ? form : &no_form,
	          .scratch = g_ptr_array_new_with_free_func(g_free)};
	const char *route = visa_text(host, group, "route");
	c.self = route && strcmp(route, "self") == 0;
	c.delegated = route && strcmp(route, "delegated") == 0;
	c.have_today = visa_date_parse(host->today(), &c.today);
	visa_money_compute(host, group, &c.money);

	bool have_appt;
	visa_date appt = {0, 0, 0};
	const ws_value *vappt = NULL;
	check_identity(&c);
	check_appointment(&c, &have_appt, &appt, &vappt);
	check_travel(&c, have_appt, appt);
	check_contact(&c);
	check_visa(&c);
	check_x11(&c, have_appt, appt, vappt);
	check_payment(&c);
	check_transfer(&c);
	check_delivery(&c);
	check_note(&c);
	check_applicants(&c, have_appt, appt);
	g_ptr_array_free(c.scratch, TRUE);
	return WS_OK;
}

int visa_validate(const ws_kind_desc *self, const ws_host_services *host, const ws_value *group,
                  ws_diags *diags)
{
	const visa_form *form = self->data;
	visa_validate_record(host, group, diags, form);
	if (form && form->validate && group && host->value_type(group) == WS_VALUE_MAP)
		form->validate(host, group, diags);
	return WS_OK;
}
