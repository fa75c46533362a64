/* `wenshu packet`: the cover (layouts/packet-cover.yaml) lists the route's
 * checklist and documents; the PDF holds the cover and then every ready
 * document, never a pending one; one PNG per page. */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "wenshu.h"

static int pages(const char *pdf)
{
	char *info = wst_pdfinfo(pdf);
	cr_assert_not_null(info);
	const char *p = strstr(info, "Pages:");
	cr_assert_not_null(p, "pdfinfo %s:\n%s", pdf, info);
	int n = atoi(p + 6);
	g_free(info);
	return n;
}

/* Pages of one document rendered on its own. */
static int doc_pages(const char *kind, const char *data, const char *dir)
{
	char *out = g_strdup_printf("%s/alone-%s.pdf", dir, kind);
	const char *args[] = {"render", kind, "--data", data, "-f", "pdf", "-o", out, NULL};
	char *err = NULL;
	cr_assert_eq(wst_wenshu(args, NULL, &err), 0, "render %s: %s", kind, err);
	g_free(err);
	int n = pages(out);
	g_free(out);
	return n;
}

static int count_pngs(const char *dir, const char *prefix)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	int n = 0;
	while ((name = g_dir_read_name(d)))
		if (g_str_has_prefix(name, prefix) && g_str_has_suffix(name, ".png"))
			n++;
	g_dir_close(d);
	return n;
}

static char *packet(const char *data, const char *dir, const char *id)
{
	const char *args[] = {"packet", "--data", data, "-o", dir, NULL};
	char *out = NULL, *err = NULL;
	cr_assert_eq(wst_wenshu(args, &out, &err), 0, "packet %s: %s", data, err);
	char *pdf = g_strdup_printf("%s/%s-packet.pdf", dir, id);
	cr_assert(strstr(out, pdf), "prints the PDF path: %s", out);
	g_free(out);
	g_free(err);
	return pdf;
}

static char *page_text(const char *pdf, int first, int last)
{
	char *f = g_strdup_printf("%d", first), *l = g_strdup_printf("%d", last);
	const char *argv[] = {"pdftotext", "-f", f, "-l", l, "-enc", "UTF-8", pdf, "-", NULL};
	char *out = NULL;
	cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, NULL, NULL));
	char *flat = wst_squeeze(out);
	g_free(out);
	g_free(f);
	g_free(l);
	return flat;
}

Test(packet, self_route_has_every_document)
{
	char *dir = wst_tmpdir();
	const char *data = "examples/data/self-beijing.yaml";
	char *pdf = packet(data, dir, "G2025-TEST-001");
	static const char *const kinds[] = {"registration-self", "note-cover", "note", "interview-confirmation",
	                                    "payment-receipt", "mailing-label"};
	int want = 1;
	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
		want += doc_pages(kinds[i], data, dir);
	int n = pages(pdf);
	cr_assert_eq(n, want, "cover + ready documents: %d pages, want %d", n, want);
	cr_assert_eq(count_pngs(dir, "G2025-TEST-001-packet"), n, "one PNG per page");

	char *cover = page_text(pdf, 1, 1);
	const char *order[] = {"邮寄材料清单", "某某省示例学术交流团（虚构）", "G2025-TEST-001", "自行预约", "美国驻华大使馆",
	                       /* the self route's checklist (X15, seed 一(二)) */
	                       "自行预约美国签证面谈时间登记表", "任务批件原件（原件，随附）", "中文照会",
	                       "外交部取件手续费汇款凭证（随附）",
	                       /* the documents, in order, all ready */
	                       "1自行预约美国签证面谈时间登记表已附", "2照会封面已附", "3中文照会已附", "4面谈确认单已附",
	                       "5缴费确认单已附", "6邮寄地址单已附", NULL};
	wst_assert_in_order(cover, order);
	cr_assert_null(strstr(cover, "待生成已"), "nothing pending");
	cr_assert_null(strstr(cover, "委托护照签证部预约美国签证面谈登记表"), "not the delegated form");
	/* the note follows the registration form and the note cover */
	char *all = page_text(pdf, 2, n);
	const char *docs[] = {"（2025）测签字第001号", "照会", "美利坚合众国驻华大使馆",
	                      "中华人民共和国外交部向美利坚合众国驻华大使馆致意", "顺致崇高的敬意。", NULL};
	wst_assert_in_order(all, docs);
	g_free(all);
	g_free(cover);
	g_free(pdf);
	g_free(dir);
}

Test(packet, delegated_route_mails_what_the_group_prints)
{
	char *dir = wst_tmpdir();
	const char *data = "examples/data/delegated-shanghai.yaml";
	char *pdf = packet(data, dir, "G2025-TEST-002");
	static const char *const ready[] = {"registration-delegated", "note-cover", "note", "mailing-label"};
	int want = 1;
	for (size_t i = 0; i < G_N_ELEMENTS(ready); i++)
		want += doc_pages(ready[i], data, dir);
	int n = pages(pdf);
	cr_assert_eq(n, want, "cover + the group's own documents: %d pages, want %d", n, want);
	cr_assert_eq(count_pngs(dir, "G2025-TEST-002-packet"), n, "one PNG per page");

	/* the confirmation cannot exist before 护签部 books the interview */
	const char *args[] = {"render", "interview-confirmation", "--data", data, "-o", "/dev/null/x.pdf", NULL};
	cr_assert_neq(wst_wenshu(args, NULL, NULL), 0, "the confirmation cannot be rendered yet");

	char *cover = page_text(pdf, 1, 1);
	const char *order[] = {"邮寄材料清单", "委托护签部预约", "美国驻上海总领事馆",
	                       "委托护照签证部预约美国签证面谈登记表", "任务批件原件（原件，随附）", "中文照会",
	                       "签证费汇款凭证（含外交部取件手续费）（随附）", "签证费4107.00元",
	                       "1委托护照签证部预约美国签证面谈登记表已附", "2照会封面已附", "3中文照会已附",
	                       "4邮寄地址单已附", NULL};
	wst_assert_in_order(cover, order);
	/* what 护签部 makes travels on the return leg, not in this envelope */
	cr_assert_null(strstr(cover, "面谈确认单已附"), "%s", cover);
	cr_assert_null(strstr(cover, "缴费确认单"), "%s", cover);
	cr_assert_null(strstr(cover, "自行预约美国签证面谈时间登记表"), "not the self form");
	/* the outbound label: to 护签部, from the sending office */
	char *label = page_text(pdf, n, n);
	const char *lines[] = {"邮寄地址单", "收件单位护照签证部", "寄件单位某某市人民政府外事办公室（虚构）",
	                       "浙江省杭州市示例区示例路1号示例大厦5层501室", "寄件人范例华", "电话13900000000", "310000",
	                       NULL};
	wst_assert_in_order(label, lines);
	g_free(label);
	g_free(cover);
	g_free(pdf);
	g_free(dir);
}

static char *return_packet(const char *data, const char *dir, const char *id)
{
	const char *args[] = {"packet", "--return", "--data", data, "-o", dir, NULL};
	char *out = NULL, *err = NULL;
	cr_assert_eq(wst_wenshu(args, &out, &err), 0, "packet --return %s: %s", data, err);
	char *pdf = g_strdup_printf("%s/%s-return.pdf", dir, id);
	cr_assert(strstr(out, pdf), "prints the PDF path: %s", out);
	g_free(out);
	g_free(err);
	return pdf;
}

/* seed 二(二): 护签部 mails the materials back to the sending 外事部门.
 * Before the interview is booked the confirmation is 待生成 with its
 * reason; the receipt of the fee 护签部 paid is 已附. */
Test(packet, return_leg_before_the_appointment)
{
	char *dir = wst_tmpdir();
	const char *data = "examples/data/delegated-shanghai.yaml";
	char *pdf = return_packet(data, dir, "G2025-TEST-002");
	int n = pages(pdf);
	cr_assert_eq(n, 1 + doc_pages("payment-receipt", data, dir), "cover + the receipt: %d pages", n);
	cr_assert_eq(count_pngs(dir, "G2025-TEST-002-return"), n, "one PNG per page");
	char *cover = page_text(pdf, 1, 1);
	const char *order[] = {"回寄材料清单", "护照签证部寄回", "收件单位某某市人民政府外事办公室（虚构）",
	                       "地址浙江省杭州市示例区示例路1号示例大厦5层501室", "收件人范例华", "电话13900000000",
	                       "310000", "寄件：护照签证部", "面谈时间尚未预约",
	                       "1.面谈确认单（面谈当日携带）", "2.缴费确认单", "3.中文照会（已由护签部办理照会盖章）",
	                       "4.任务批件原件（原件）",
	                       "护签部尚未预约（无面谈日期及预约确认号）", "—面谈确认单待生成", "1缴费确认单已附", NULL};
	wst_assert_in_order(cover, order);
	char *rest = page_text(pdf, 2, n);
	cr_assert(strstr(rest, "确认收据") || strstr(rest, "缴费确认单"), "the receipt follows: %s", rest);
	g_free(rest);
	g_free(cover);
	g_free(pdf);
	g_free(dir);
}

/* Once 护签部 has booked the interview the confirmation is printed and
 * travels back; a group without a return address gets no return packet. */
Test(packet, return_leg_after_the_appointment)
{
	char *dir = wst_tmpdir();
	char *text = NULL;
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/examples/data/delegated-shanghai.yaml", &text, NULL, NULL));
	GString *y = g_string_new(text);
	cr_assert(g_string_replace(y, "    date: null\n    time: null\n    confirmation_no: null\n    count: null\n",
	                           "    date: 2025-04-08\n    time: \"09:15\"\n    confirmation_no: TESTAPPT02\n    count: 1\n",
	                           1) == 1);
	char *data = g_build_filename(dir, "booked.yaml", NULL);
	cr_assert(g_file_set_contents(data, y->str, -1, NULL));
	char *pdf = return_packet(data, dir, "G2025-TEST-002");
	int n = pages(pdf);
	cr_assert_eq(n, 1 + doc_pages("interview-confirmation", data, dir) + doc_pages("payment-receipt", data, dir));
	char *cover = page_text(pdf, 1, 1);
	const char *order[] = {"面谈时间2025年4月8日09:15", "预约编号TESTAPPT02", "1面谈确认单已附", "2缴费确认单已附", NULL};
	wst_assert_in_order(cover, order);
	cr_assert_null(strstr(cover, "待生成护"), "nothing pending: %s", cover);
	g_free(cover);
	g_free(pdf);

	/* no return address: refused at the field, nothing written */
	g_string_assign(y, text);
	cr_assert(g_string_replace(y, "  fao_return_address:", "  fao_return_addr:", 1) == 1);
	cr_assert(g_file_set_contents(data, y->str, -1, NULL));
	char *out2 = g_build_filename(dir, "none", NULL);
	const char *args[] = {"packet", "--return", "--data", data, "-o", out2, NULL};
	char *err = NULL;
	cr_assert_eq(wst_wenshu(args, NULL, &err), 1, "%s", err);
	cr_assert(strstr(err, "fao_return_address"), "%s", err);
	cr_assert(strstr(err, "0 of 1 packet(s)"), "%s", err);
	g_free(err);
	g_free(out2);
	g_free(data);
	g_string_free(y, TRUE);
	g_free(text);
	g_free(dir);
}

/* The delegated route's two money records: the group's transfer to 护签部
 * (its voucher goes in the group's envelope) and the fee 护签部 pays (its
 * receipt comes back).  Each prints its own date; the receipt is 已附 only
 * once 护签部 has paid. */
Test(packet, transfer_and_payment_are_two_records)
{
	char *dir = wst_tmpdir();
	char *text = NULL;
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/examples/data/delegated-shanghai.yaml", &text, NULL, NULL));
	GString *y = g_string_new(text);
	cr_assert(g_string_replace(y, "transfer: {date: 2025-03-20}", "transfer: {date: 2025-03-18, amount_cny: \"4137.00\"}", 1) == 1);
	cr_assert(g_string_replace(y, "mfa_pickup_fee_cny: null", "mfa_pickup_fee_cny: \"30.00\"", 1) == 1);
	cr_assert(g_string_replace(y, "    date: 2025-03-20              #", "    date: 2025-03-24              #", 1) == 1);
	char *data = g_build_filename(dir, "paid.yaml", NULL);
	cr_assert(g_file_set_contents(data, y->str, -1, NULL));

	char *form = g_build_filename(dir, "form.pdf", NULL);
	const char *rargs[] = {"render", "registration-delegated", "--data", data, "-o", form, NULL};
	char *err = NULL;
	cr_assert_eq(wst_wenshu(rargs, NULL, &err), 0, "%s", err);
	g_free(err);
	char *t = page_text(form, 1, pages(form));
	const char *lines[] = {"汇款合计4137.00元", "汇款日期2025年3月18日", NULL};
	wst_assert_in_order(t, lines);
	cr_assert_null(strstr(t, "2025年3月24日"), "护签部's payment date is not the remittance date");
	g_free(t);

	char *pdf = packet(data, dir, "G2025-TEST-002");
	char *cover = page_text(pdf, 1, 1);
	const char *out_lines[] = {"签证费汇款凭证（含外交部取件手续费）（随附）", "汇款日期2025年3月18日，汇出4137.00元；汇款合计4137.00元", NULL};
	wst_assert_in_order(cover, out_lines);
	g_free(cover);
	g_free(pdf);
	pdf = return_packet(data, dir, "G2025-TEST-002");
	cover = page_text(pdf, 1, 1);
	const char *ret_lines[] = {"签证费护签部已于2025年3月24日缴纳", "1缴费确认单已附", NULL};
	wst_assert_in_order(cover, ret_lines);
	g_free(cover);
	g_free(pdf);

	/* not paid yet: the transfer is made, the receipt does not exist */
	cr_assert(g_string_replace(y, "    date: 2025-03-24              #", "    date: null              #", 1) == 1);
	cr_assert(g_file_set_contents(data, y->str, -1, NULL));
	pdf = return_packet(data, dir, "G2025-TEST-002");
	cover = page_text(pdf, 1, 1);
	const char *unpaid[] = {"签证费护签部尚未缴纳", "—缴费确认单待生成", "护签部尚未缴纳签证费（无缴费日期）", NULL};
	wst_assert_in_order(cover, unpaid);
	cr_assert_null(strstr(cover, "缴费确认单已附"), "%s", cover);
	cr_assert_eq(pages(pdf), 1, "the cover alone: nothing to enclose yet");
	g_free(cover);
	g_free(pdf);
	g_free(form);
	g_free(data);
	g_string_free(y, TRUE);
	g_free(text);
	g_free(dir);
}

/* The self route has no return leg: said, with the group, exit 1. */
Test(packet, self_route_has_no_return_leg)
{
	char *dir = wst_tmpdir();
	const char *args[] = {"packet", "--return", "--data", "examples/data/self-beijing.yaml", "-o", dir, NULL};
	char *err = NULL;
	cr_assert_eq(wst_wenshu(args, NULL, &err), 1, "%s", err);
	cr_assert(strstr(err, "group G2025-TEST-001: its route 'self' has no return leg"), "%s", err);
	cr_assert_eq(count_pngs(dir, ""), 0, "nothing written");
	g_free(err);
	g_free(dir);
}

/* X1–X16 errors stop the packet: nothing is written for an invalid group. */
Test(packet, invalid_group_gets_no_packet)
{
	char *dir = wst_tmpdir();
	const char *args[] = {"packet", "--data", "examples/data/invalid.yaml", "-o", dir, NULL};
	char *err = NULL;
	int rc = wst_wenshu(args, NULL, &err);
	cr_assert_eq(rc, 1, "input problems: exit 1 (%d): %s", rc, err);
	cr_assert(strstr(err, "[X"), "the record rules ran: %s", err);
	cr_assert(strstr(err, "0 of 1 packet(s)"), "%s", err);
	cr_assert_eq(count_pngs(dir, ""), 0);
	g_free(err);
	g_free(dir);
}

/* The library assembles the packet (no command line involved): the cover,
 * then the ready documents in the route's order, each a whole document. */
Test(packet, the_library_assembles_it)
{
	ws_engine_options o = WS_ENGINE_OPTIONS_INIT;
	o.prepare_fonts = false;
	ws_engine *engine = NULL;
	cr_assert_eq(ws_engine_new(&engine, &o, NULL), WS_OK);
	ws_dataset *data = NULL;
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_data_load_file(&data, WS_TEST_SOURCE_DIR "/examples/data/delegated-shanghai.yaml", d), WS_OK);
	ws_packets *packets = NULL;
	cr_assert_eq(ws_packets_load(engine, NULL, &packets, d), WS_OK);
	cr_assert(g_str_has_suffix(ws_packets_path(packets), "layouts/packets.yaml"), "%s", ws_packets_path(packets));
	ws_document **docs = NULL;
	size_t n = 0;
	cr_assert_eq(ws_engine_render_packet(engine, packets, ws_dataset_group(data, 0), &docs, &n, d), WS_OK);
	/* cover, registration-delegated, note-cover, note, mailing-label: what
	 * 护签部 makes (confirmation, receipt) travels on the return leg */
	cr_assert_eq(n, 5, "%zu documents", n);
	static const char *const titles[] = {"邮寄材料清单", "委托护照签证部预约美国签证面谈登记表", "照会封面",
	                                     "中文照会", "邮寄地址单"};
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(ws_document_get_meta(docs[i])->title, titles[i], "document %zu", i);
	ws_documents_free(docs, n);
	/* A second group reuses the layouts the engine keeps. */
	cr_assert_eq(ws_engine_render_packet(engine, packets, ws_dataset_group(data, 0), &docs, &n, d), WS_OK);
	cr_assert_eq(n, 5);
	ws_documents_free(docs, n);
	/* the return leg: its own cover, then what 护签部 has made */
	cr_assert_eq(ws_engine_render_packet_leg(engine, packets, ws_dataset_group(data, 0), WS_PACKET_RETURN, &docs, &n, d),
	             WS_OK);
	cr_assert_eq(n, 2, "%zu documents", n);
	cr_assert_str_eq(ws_document_get_meta(docs[0])->title, "回寄材料清单");
	cr_assert_str_eq(ws_document_get_meta(docs[1])->title, "缴费确认单");
	ws_documents_free(docs, n);
	ws_packets_free(packets);
	ws_diags_free(d);
	ws_dataset_free(data);
	ws_engine_free(engine);
}

/* packets.yaml is the office's: a new form joins the self route's packet
 * by one line, after the note. */
Test(packet, a_form_joins_by_one_line)
{
	char *dir = wst_tmpdir();
	char *src = NULL;
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/layouts/packets.yaml", &src, NULL, NULL));
	char **parts = g_strsplit(src, "      - note\n", 2);
	char *edited = g_strconcat(parts[0], "      - note\n      - passport-receipt\n", parts[1], NULL);
	char *file = g_build_filename(dir, "packets.yaml", NULL);
	cr_assert(g_file_set_contents(file, edited, -1, NULL));
	const char *args[] = {"packet", "--data", "examples/data/self-beijing.yaml", "--packets", file, "-o", dir, NULL};
	char *err = NULL;
	cr_assert_eq(wst_wenshu(args, NULL, &err), 0, "%s", err);
	char *pdf = g_strdup_printf("%s/G2025-TEST-001-packet.pdf", dir);
	char *cover = page_text(pdf, 1, 1);
	const char *order[] = {"3中文照会已附", "4护照领取签收单已附", "5面谈确认单已附", "6缴费确认单已附", NULL};
	wst_assert_in_order(cover, order);
	char *all = page_text(pdf, 2, pages(pdf));
	const char *docs[] = {"顺致崇高的敬意。", "护照领取签收单", "领取人签名", NULL};
	wst_assert_in_order(all, docs);
	g_free(all);
	g_free(cover);
	g_free(pdf);
	g_free(err);
	g_free(file);
	g_free(edited);
	g_strfreev(parts);
	g_free(src);
	g_free(dir);
}

typedef struct bad_packets {
	const char *yaml;
	const char *message;
} bad_packets;

/* A broken packets file is refused before any data is read, each mistake
 * at its file:line:col. */
Test(packet, a_bad_packets_file_is_located)
{
	static const bad_packets cases[] = {
		{"routes: {}\n", "packets.yaml:1:1: error: the packets file must start with 'wenshu: 1'"},
		{"wenshu: 1\nroute: {}\n", "packets.yaml:2:1: error: unknown key 'route' in the packets file (did you mean 'routes'?)"},
		{"wenshu: 1\nroutes:\n  self:\n    documents: [note, pasport-receipt]\n",
		 "packets.yaml:4:23: error: 'pasport-receipt' is no kind or form the layout folders hold (did you mean 'passport-receipt'?)"},
		{"wenshu: 1\nroutes:\n  self:\n    documents:\n      - document: note\n        pending: [{when: \"group.x ==\", reason: r}]\n",
		 "packets.yaml:6:"},
		{"wenshu: 1\nroutes:\n  self:\n    checklist: [{item: a, nte: b}]\n    documents: [note]\n",
		 "packets.yaml:4:27: error: unknown key 'nte' in a checklist item (did you mean 'note'?)"},
		{"wenshu: 1\nroutes:\n  delegated:\n    documents: [note]\n    return: {cover: retrun-cover, documents: [note]}\n",
		 "packets.yaml:5:21: error: 'retrun-cover' is no kind or form the layout folders hold (did you mean 'return-cover'?)"},
		{"wenshu: 1\nroutes:\n  delegated:\n    documents: [note]\n    return: {cover: return-cover}\n",
		 "packets.yaml:5:13: error: the return leg of 'delegated' has no 'documents:'"},
	};
	char *dir = wst_tmpdir();
	char *file = g_build_filename(dir, "packets.yaml", NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		cr_assert(g_file_set_contents(file, cases[i].yaml, -1, NULL));
		const char *args[] = {"packet", "--data", "examples/data/self-beijing.yaml", "--packets", file, "-o", dir, NULL};
		char *err = NULL;
		cr_assert_eq(wst_wenshu(args, NULL, &err), 1, "case %zu: %s", i, err);
		cr_assert(strstr(err, cases[i].message), "case %zu: want '%s' in:\n%s", i, cases[i].message, err);
		cr_assert_eq(count_pngs(dir, ""), 0, "nothing written");
		g_free(err);
	}
	g_free(file);
	g_free(dir);
}
