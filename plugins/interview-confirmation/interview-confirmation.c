/* Plugin "interview-confirmation": 面谈确认单 (DOMAIN §5.1), the system's
 * appointment page as printed.
 *
 * It prints the booked appointment (date, confirmation number, count, UID
 * barcode) on either route and the delivery block (§5.1 item 7), with the
 * system's own date style and delivery labels, derived here. */
#include <glib.h>
#include <string.h>

#include "record.h"

static const visa_need confirmation_needs[] = {
	{"appointment.date", VISA_NEED_ERROR, NULL},
	{"appointment.confirmation_no", VISA_NEED_ERROR, NULL},
	{"appointment.count", VISA_NEED_ERROR, NULL},
	{"appointment.uid", VISA_NEED_WARNING,
	 "appointment.uid is missing; the confirmation's UID barcode stays empty"},
	{"delivery", VISA_NEED_ERROR, NULL},
	{NULL, 0, NULL},
};

/* derived.appointment_date_slash, delivery_option_en/zh, citic. */
static void derive(const ws_host_services *h, const ws_value *group, ws_value *out)
{
	/* the system prints YYYY/MM/DD (seed step 15) */
	visa_set_date(h, out, "appointment_date_slash",
	              visa_text(h, visa_get(h, group, "appointment"), "date"), visa_date_slash);
	const ws_value *del = visa_get(h, group, "delivery");
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
	visa_set_str(h, out, "delivery_option_en", en);
	visa_set_str(h, out, "delivery_option_zh", zh);
	const visa_citic *ci = visa_citic_find(visa_text(h, del, "citic_location"));
	if (ci) {
		ws_value *m = h->new_map(WS_LOC_NONE);
		visa_set_str(h, m, "code", ci->code);
		visa_set_str(h, m, "name_zh", ci->name_zh);
		visa_set_str(h, m, "address_zh", ci->address_zh);
		visa_set_str(h, m, "address_en", ci->address_en);
		h->map_set(out, "citic", m);
	} else {
		visa_set_str(h, out, "citic", NULL);
	}
}

static const visa_form confirmation_form = {.needs = confirmation_needs, .derive = derive};

static const ws_kind_desc kinds[] = {
	{.name = "interview-confirmation", .title = "面谈确认单",
	 .layout = "interview-confirmation.yaml",
	 .derive = visa_derive, .validate = visa_validate, .data = &confirmation_form},
};

WS_PLUGIN_DEFINE(.name = "interview-confirmation", .version = VISA_PLUGIN_VERSION,
                 .description = "面谈确认单: derive and validate for U.S. visa paperwork",
                 .kinds = kinds, .n_kinds = 1)
