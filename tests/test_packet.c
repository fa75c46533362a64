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
	                                    "payment-receipt"};
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
	                       "5缴费确认单已附", NULL};
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

Test(packet, delegated_route_lists_the_pending_confirmation)
{
	char *dir = wst_tmpdir();
	const char *data = "examples/data/delegated-shanghai.yaml";
	char *pdf = packet(data, dir, "G2025-TEST-002");
	static const char *const ready[] = {"registration-delegated", "note-cover", "note", "payment-receipt"};
	int want = 1;
	for (size_t i = 0; i < G_N_ELEMENTS(ready); i++)
		want += doc_pages(ready[i], data, dir);
	int n = pages(pdf);
	cr_assert_eq(n, want, "cover + ready documents only: %d pages, want %d", n, want);
	cr_assert_eq(count_pngs(dir, "G2025-TEST-002-packet"), n, "one PNG per page");

	/* the confirmation cannot exist before 护签部 books the interview */
	const char *args[] = {"render", "interview-confirmation", "--data", data, "-o", "/dev/null/x.pdf", NULL};
	cr_assert_neq(wst_wenshu(args, NULL, NULL), 0, "the confirmation cannot be rendered yet");

	char *cover = page_text(pdf, 1, 1);
	const char *order[] = {"邮寄材料清单", "委托护签部预约", "美国驻上海总领事馆",
	                       "委托护照签证部预约美国签证面谈登记表", "任务批件原件（原件，随附）", "中文照会",
	                       "签证费汇款凭证（含外交部取件手续费）（随附）", "签证费4107.00元",
	                       "1委托护照签证部预约美国签证面谈登记表已附", "2照会封面已附", "3中文照会已附",
	                       "—面谈确认单待生成", "4缴费确认单已附", NULL};
	wst_assert_in_order(cover, order);
	cr_assert(strstr(cover, "待护签部预约后生成"), "the reason is given");
	cr_assert(strstr(cover, "1份待生成"), "the pending count is given");
	cr_assert_null(strstr(cover, "自行预约美国签证面谈时间登记表"), "not the self form");
	g_free(cover);
	g_free(pdf);
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
	/* cover, registration-delegated, note-cover, note, payment-receipt:
	 * the interview confirmation is pending until 护签部 books it */
	cr_assert_eq(n, 5, "%zu documents", n);
	static const char *const titles[] = {"邮寄材料清单", "委托护照签证部预约美国签证面谈登记表", "照会封面",
	                                     "中文照会", "缴费确认单"};
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(ws_document_get_meta(docs[i])->title, titles[i], "document %zu", i);
	ws_documents_free(docs, n);
	/* A second group reuses the layouts the engine keeps. */
	cr_assert_eq(ws_engine_render_packet(engine, packets, ws_dataset_group(data, 0), &docs, &n, d), WS_OK);
	cr_assert_eq(n, 5);
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
