/* Plugin "packet-cover": 邮寄材料清单, the first page of `wenshu packet`
 * (seed 一(二), 二(一)).
 *
 * Its own derived field is the packet: the documents the route mails, in
 * mailing order, each ready or pending (group.derived.packet, read by
 * `wenshu packet`).  Its rules are the record's: an invalid group never
 * gets a packet.  The X15 checklist it prints is record-wide (both
 * registration forms print it too). */
#include <glib.h>
#include <string.h>

#include "record.h"

#define set_str visa_set_str
#define set_num visa_set_num

/* The documents of a packet, by kind name and title (each kind's own
 * descriptor says the same; the packet names them without loading them). */
typedef struct packet_doc {
	const char *kind, *title;
} packet_doc;

static const packet_doc reg_self = {"registration-self", "自行预约美国签证面谈时间登记表"};
static const packet_doc reg_delegated = {"registration-delegated", "委托护照签证部预约美国签证面谈登记表"};
static const packet_doc note_cover = {"note-cover", "照会封面"};
static const packet_doc note = {"note", "中文照会"};
static const packet_doc confirmation = {"interview-confirmation", "面谈确认单"};
static const packet_doc receipt = {"payment-receipt", "缴费确认单"};

static void packet_add(const ws_host_services *h, ws_value *list, const packet_doc *doc,
                       const char *reason, int *ready)
{
	ws_value *m = h->new_map(WS_LOC_NONE);
	set_str(h, m, "kind", doc->kind);
	set_str(h, m, "title", doc->title);
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
 * date and every applicant's MRV receipt number (self route only: on the
 * delegated route both are 护签部's and go back on the return leg).  `wenshu packet` renders
 * only the ready ones and the cover names the pending ones with the reason. */
static void derive_packet(const ws_host_services *h, const ws_value *group, ws_value *out)
{
	const char *route = visa_text(h, group, "route");
	bool self = route && strcmp(route, "self") == 0;
	bool delegated = route && strcmp(route, "delegated") == 0;
	if (!self && !delegated) {
		set_str(h, out, "packet", NULL);
		set_str(h, out, "packet_ready_count", NULL);
		set_str(h, out, "packet_pending_count", NULL);
		return;
	}
	const ws_value *ap = visa_get(h, group, "appointment");
	visa_date d;
	bool booked = visa_date_parse(visa_text(h, ap, "date"), &d) && visa_text(h, ap, "confirmation_no");
	const ws_value *pay = visa_get(h, group, "payment");
	bool paid_date = visa_date_parse(visa_text(h, pay, "date"), &d);
	const ws_value *apps = visa_get(h, group, "applicants");
	size_t n = apps && h->value_type(apps) == WS_VALUE_LIST ? h->value_length(apps) : 0;
	bool receipts = n > 0;
	for (size_t i = 0; i < n; i++) {
		const ws_value *a = h->list_at(apps, i);
		if (h->value_type(a) != WS_VALUE_MAP || !visa_text(h, a, "mrv_receipt_no"))
			receipts = false;
	}

	ws_value *list = h->new_list(WS_LOC_NONE);
	int ready = 0;
	packet_add(h, list, self ? &reg_self : &reg_delegated, NULL,
	           &ready);
	packet_add(h, list, &note_cover, NULL, &ready);
	packet_add(h, list, &note, NULL, &ready);
	/* On the delegated route 护签部 books and pays: the confirmation and the
	 * receipt travel back on the return leg (packets.yaml, return:), never
	 * in the group's own envelope. */
	if (self) {
		packet_add(h, list, &confirmation, booked ? NULL : "待预约完成后生成（尚无面谈日期及预约确认号）", &ready);
		packet_add(h, list, &receipt,
		           paid_date && receipts ? NULL
		           : !paid_date          ? "待缴费后生成（尚无缴费日期）"
		                                 : "待缴费后生成（尚缺申请人的MRV收据号）",
		           &ready);
	}
	set_num(h, out, "packet_ready_count", (double)ready);
	set_num(h, out, "packet_pending_count", (double)(h->value_length(list) - (size_t)ready));
	h->map_set(out, "packet", list);
}

static const visa_form cover_form = {.derive = derive_packet};

static const ws_kind_desc kinds[] = {
	{.name = "packet-cover", .title = "邮寄材料清单", .layout = "packet-cover.yaml",
	 .derive = visa_derive, .validate = visa_validate, .data = &cover_form},
};

WS_PLUGIN_DEFINE(.name = "packet-cover", .version = VISA_PLUGIN_VERSION,
                 .description = "邮寄材料清单: the mailing packet's cover and checklist for U.S. visa paperwork",
                 .kinds = kinds, .n_kinds = 1)
