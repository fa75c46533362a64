/* Plugin "registration-self": 自行预约美国签证面谈时间登记表 (DOMAIN §5.3),
 * the form of the self-scheduled route.
 *
 * Everything it prints is a record-wide field (plugins/visa); what is its
 * own is what it needs: the self route, the itinerary, a contact and each
 * applicant's work unit and position. */
#include "visa.h"

static const visa_need self_needs[] = {
	{"us_itinerary", VISA_NEED_ERROR, NULL},
	{"contact.mobile", VISA_NEED_ERROR, "the registration form needs a contact mobile (联系人手机)"},
	{"contact.name", VISA_NEED_ERROR, "the registration form needs a contact name (联系人)"},
	{"applicants[].employer", VISA_NEED_ERROR, NULL},
	{"applicants[].position", VISA_NEED_ERROR, NULL},
	{NULL, 0, NULL},
};

static const visa_form self_form = {
	.route = "self",
	.route_label = "self-scheduled registration form (自行预约登记表)",
	.needs = self_needs,
};

static const ws_kind_desc kinds[] = {
	{.name = "registration-self", .title = "自行预约美国签证面谈时间登记表",
	 .layout = "registration-self.yaml",
	 .derive = visa_derive, .validate = visa_validate, .data = &self_form},
};

WS_PLUGIN_DEFINE(.name = "registration-self", .version = VISA_PLUGIN_VERSION,
                 .description = "自行预约美国签证面谈时间登记表: derive and validate for U.S. visa paperwork",
                 .kinds = kinds, .n_kinds = 1)
