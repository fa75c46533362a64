/* The visa kinds' descriptors (DESIGN.md "Plugins"; DOMAIN §5).  Each plugin
 * module publishes one entry of this table; the hooks are shared so that
 * derive gives the same tree whichever kinds run on a group. */
#include "visa.h"

#define VALIDATOR(fn, k)                                                              \
	static int fn(const ws_host_services *host, const ws_value *group, ws_diags *diags) \
	{                                                                                 \
		return visa_validate(host, group, diags, (k));                            \
	}

VALIDATOR(validate_interview_confirmation, VISA_KIND_INTERVIEW_CONFIRMATION)
VALIDATOR(validate_payment_receipt, VISA_KIND_PAYMENT_RECEIPT)
VALIDATOR(validate_registration_self, VISA_KIND_REGISTRATION_SELF)
VALIDATOR(validate_registration_delegated, VISA_KIND_REGISTRATION_DELEGATED)
VALIDATOR(validate_note, VISA_KIND_NOTE)
VALIDATOR(validate_note_cover, VISA_KIND_NOTE_COVER)
VALIDATOR(validate_packet_cover, VISA_KIND_PACKET_COVER)

const ws_kind_desc visa_kinds[VISA_N_KINDS] = {
	[VISA_KIND_INTERVIEW_CONFIRMATION] = {
		.name = "interview-confirmation", .title = "面谈确认单",
		.layout = "interview-confirmation.yaml",
		.derive = visa_derive, .validate = validate_interview_confirmation},
	[VISA_KIND_PAYMENT_RECEIPT] = {
		.name = "payment-receipt", .title = "缴费确认单",
		.layout = "payment-receipt.yaml",
		.derive = visa_derive, .validate = validate_payment_receipt},
	[VISA_KIND_REGISTRATION_SELF] = {
		.name = "registration-self", .title = "自行预约美国签证面谈时间登记表",
		.layout = "registration-self.yaml",
		.derive = visa_derive, .validate = validate_registration_self},
	[VISA_KIND_REGISTRATION_DELEGATED] = {
		.name = "registration-delegated", .title = "委托护照签证部预约美国签证面谈登记表",
		.layout = "registration-delegated.yaml",
		.derive = visa_derive, .validate = validate_registration_delegated},
	[VISA_KIND_NOTE] = {
		.name = "note", .title = "中文照会",
		.layout = "note.yaml",
		.derive = visa_derive, .validate = validate_note},
	[VISA_KIND_NOTE_COVER] = {
		.name = "note-cover", .title = "照会封面",
		.layout = "note-cover.yaml",
		.derive = visa_derive, .validate = validate_note_cover},
	/* The packet cover reads group.derived.packet (which documents the
	 * route mails, ready or pending) and group.derived.checklist; the
	 * record rules X1–X16 run, so an invalid group never gets a packet. */
	[VISA_KIND_PACKET_COVER] = {
		.name = "packet-cover", .title = "邮寄材料清单",
		.layout = "packet-cover.yaml",
		.derive = visa_derive, .validate = validate_packet_cover},
};

const ws_kind_desc visa_specimen_kind = {
	.name = "specimen", .title = "排版样张",
	.layout = "specimen.yaml",
	.derive = NULL, .validate = NULL,
};
