/* Plugin "registration-delegated": 委托护照签证部预约美国签证面谈登记表
 * (DOMAIN §5.4), the form of the delegated route.
 *
 * 护签部 types everything into the system from it, so it needs more of
 * each applicant (place of issue, e-mail, mobile, relationship), the
 * preferred interview window, the payment unless the class is fee-exempt
 * and the address the materials go back to.  It prints the fee equation
 * of the remittance (签证费 n × per person = total, + MFA pickup fee),
 * derived here. */
#include <glib.h>

#include "record.h"

static const visa_need delegated_needs[] = {
	{"fao_return_address", VISA_NEED_ERROR,
	 "required field fao_return_address (材料回寄地址) is missing: 护签部 mails the materials back to it (seed 二(二))"},
	{"us_itinerary", VISA_NEED_ERROR, NULL},
	{"contact.mobile", VISA_NEED_ERROR, "the registration form needs a contact mobile (联系人手机)"},
	{"contact.name", VISA_NEED_ERROR, "the registration form needs a contact name (联系人)"},
	{"appointment.preferred_from", VISA_NEED_ERROR, NULL},
	{"appointment.preferred_to", VISA_NEED_ERROR, NULL},
	{"payment", VISA_NEED_IF_FEE, NULL},
	{"applicants[].passport_place_of_issue", VISA_NEED_ERROR, NULL},
	{"applicants[].email", VISA_NEED_ERROR, NULL},
	{"applicants[].mobile_phone", VISA_NEED_ERROR, NULL},
	{"applicants[].relationship_to_primary", VISA_NEED_WARNING, NULL},
	{"transfer.date", VISA_NEED_WARNING,
	 "transfer.date (汇款日期) is missing: the form prints the date of the group's transfer to 护签部, "
	 "whose voucher it encloses; the fee 护签部 pays later is payment.date, a record of its own"},
	{"applicants[].employer", VISA_NEED_ERROR, NULL},
	{"applicants[].position", VISA_NEED_ERROR, NULL},
	{NULL, 0, NULL},
};

/* derived.preferred_from_zh / preferred_to_zh, fee_cny_per_applicant
 * (remittance_total_cny is record-wide: the packet cover prints it too). */
static void derive(const ws_host_services *h, const ws_value *group, ws_value *out)
{
	const ws_value *ap = visa_get(h, group, "appointment");
	visa_set_date(h, out, "preferred_from_zh", visa_text(h, ap, "preferred_from"), visa_date_zh);
	visa_set_date(h, out, "preferred_to_zh", visa_text(h, ap, "preferred_to"), visa_date_zh);
	visa_money m;
	visa_money_compute(h, group, &m);
	if (m.have_totals)
		visa_set_take(h, out, "fee_cny_per_applicant", visa_cents_format(m.per_cny_cents));
	else
		visa_set_str(h, out, "fee_cny_per_applicant", NULL);
}

static const visa_form delegated_form = {
	.route = "delegated",
	.route_label = "delegated registration form (委托护签部预约登记表)",
	.needs = delegated_needs,
	.derive = derive,
};

static const ws_kind_desc kinds[] = {
	{.name = "registration-delegated", .title = "委托护照签证部预约美国签证面谈登记表",
	 .layout = "registration-delegated.yaml",
	 .derive = visa_derive, .validate = visa_validate, .data = &delegated_form},
};

WS_PLUGIN_DEFINE(.name = "registration-delegated", .version = VISA_PLUGIN_VERSION,
                 .description = "委托护照签证部预约美国签证面谈登记表: derive and validate for U.S. visa paperwork",
                 .kinds = kinds, .n_kinds = 1)
