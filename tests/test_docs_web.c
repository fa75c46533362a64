/* End-to-end tests of the two web-print documents (DOMAIN.md §5.1, §5.2):
 * layouts/interview-confirmation.yaml (面谈确认单) and
 * layouts/payment-receipt.yaml (缴费确认单).
 *
 * Each test runs the real `wenshu render` into a temporary folder and reads
 * the output back as a clerk would: pdftotext for the labels and values in
 * reading order (and label and value on one printed line), pdffonts for
 * embedded subset CJK fonts, the PNG's size, and a reference image
 * (tests/reference/docs_web-*.png, WENSHU_UPDATE_REFERENCES=1 rewrites them).
 * SOURCE_DATE_EPOCH=1741132800 (2025-03-05) comes from tests/meson.build. */
#include <cairo.h>
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "support.h"

#define SELF "examples/data/self-beijing.yaml"
#define DELEGATED "examples/data/delegated-shanghai.yaml"
#define GROUP30 "tests/data/group-30.yaml"

/* Reference images: a pixel differs when a channel is off by more than
 * 48/255, and at most 0.5 % of the page may differ, because FreeType
 * builds antialias glyph edges a little differently; a moved line or a
 * missing word changes far more than that. */
#define REF_TOLERANCE 0.005

/* Renders `kind` for `data` as PDF and PNG into a new temp dir; returns the
 * exit status, *dir the folder (caller g_free()s), *err stderr. */
static int render(const char *kind, const char *data, char **dir, char **err)
{
	*dir = wst_tmpdir();
	char *tpl = g_strdup_printf("%s/{group.group_id}-{kind}", *dir);
	const char *args[] = {"render", kind, "--data", data, "-o", tpl, "--format", "pdf,png", "--jobs", "1", NULL};
	int rc = wst_wenshu(args, NULL, err);
	g_free(tpl);
	return rc;
}

static char *path_in(const char *dir, const char *name)
{
	return g_build_filename(dir, name, NULL);
}

/* pdftotext of one page (1-based), reading order (no -layout). */
static char *page_text(const char *pdf, int page)
{
	char *n = g_strdup_printf("%d", page);
	const char *argv[] = {"pdftotext", "-enc", "UTF-8", "-f", n, "-l", n, pdf, "-", NULL};
	char *out = NULL;
	int status = -1;
	gboolean ok = g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
	                           NULL, &out, NULL, &status, NULL);
	g_free(n);
	cr_assert(ok && status == 0, "pdftotext -f %d of %s failed", page, pdf);
	return out;
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + strlen(needle), needle))
		n++;
	return n;
}

/* The label and its value are on the same printed line (pdftotext -layout),
 * the value to the right of the label. */
static void assert_row(const char *layout_text, const char *label, const char *value)
{
	char **lines = g_strsplit(layout_text, "\n", -1);
	bool found = false;
	for (char **l = lines; *l && !found; l++) {
		const char *a = strstr(*l, label);
		found = a && strstr(a + strlen(label), value);
	}
	g_strfreev(lines);
	cr_assert(found, "no printed line holds '%s' followed by '%s' in:\n%s", label, value, layout_text);
}

static int pdf_pages(const char *pdf)
{
	char *info = wst_pdfinfo(pdf);
	cr_assert_not_null(info);
	const char *p = strstr(info, "\nPages:");
	cr_assert_not_null(p, "pdfinfo has no page count:\n%s", info);
	int n = atoi(p + strlen("\nPages:"));
	g_free(info);
	return n;
}

/* Every font is embedded; the CJK text is set in embedded subset CJK fonts. */
static void assert_fonts(const char *pdf)
{
	char *fonts = wst_pdffonts(pdf);
	cr_assert_not_null(fonts);
	char **lines = g_strsplit(fonts, "\n", -1);
	int cjk = 0, listed = 0;
	for (char **l = lines; *l; l++) {
		if (!**l || g_str_has_prefix(*l, "name ") || g_str_has_prefix(*l, "---"))
			continue;
		char **tok = g_strsplit_set(g_strstrip(*l), " ", -1);
		GPtrArray *t = g_ptr_array_new();
		for (char **k = tok; *k; k++)
			if (**k)
				g_ptr_array_add(t, *k);
		/* ... emb sub uni objnum gen */
		cr_assert_geq(t->len, 6u, "odd pdffonts line: %s", *l);
		const char *emb = g_ptr_array_index(t, t->len - 5), *sub = g_ptr_array_index(t, t->len - 4);
		const char *name = g_ptr_array_index(t, 0);
		cr_assert_str_eq(emb, "yes", "font %s is not embedded in %s", name, pdf);
		listed++;
		if (strstr(name, "CJK")) {
			cr_assert_str_eq(sub, "yes", "CJK font %s is not a subset", name);
			cr_assert(strchr(name, '+'), "subset font %s has no subset tag", name);
			cjk++;
		}
		g_ptr_array_free(t, TRUE);
		g_strfreev(tok);
	}
	g_strfreev(lines);
	cr_assert_gt(listed, 0, "no fonts in %s:\n%s", pdf, fonts);
	cr_assert_gt(cjk, 0, "no CJK font in %s:\n%s", pdf, fonts);
	g_free(fonts);
}

/* A4 at 150 dpi. */
static void assert_png_a4(const char *png)
{
	wst_assert_png_size(png, 1240, 1754);
}

static void assert_reference(const char *png, const char *name)
{
	wst_assert_reference(png, name, REF_TOLERANCE);
}

/* The footer's "第 N 页 / 共 M 页" (pdftotext drops the spaces around the
 * digits, so compare without whitespace). */
static void assert_page_no(const char *text, int n, int m)
{
	char *sq = wst_squeeze(text);
	char *want = g_strdup_printf("第%d页/共%d页", n, m);
	cr_assert(strstr(sq, want), "no page number '%s' in:\n%s", want, text);
	g_free(want);
	g_free(sq);
}

static bool dir_is_empty(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	cr_assert_not_null(d);
	bool empty = g_dir_read_name(d) == NULL;
	g_dir_close(d);
	return empty;
}

/* ------------------------------------------------------------ 面谈确认单 */

Test(docs_web, confirmation_self_beijing)
{
	char *dir = NULL, *err = NULL;
	int rc = render("interview-confirmation", SELF, &dir, &err);
	cr_assert_eq(rc, 0, "render failed (%d):\n%s", rc, err);
	char *pdf = path_in(dir, "G2025-TEST-001-interview-confirmation.pdf");
	char *png = path_in(dir, "G2025-TEST-001-interview-confirmation.png");
	cr_assert_eq(pdf_pages(pdf), 1);

	char *text = wst_pdftotext(pdf, false);
	cr_assert_not_null(text);
	const char *order[] = {
		"美国国务院官方签证预约服务", "Official U.S. Department of State Visa Appointment Service",
		"预约确认", "签证申请首页 > 预约管理", "请打印面谈确认单并于面谈当天携带",
		"TESTUID0001", /* the barcode's human-readable line */
		"主申请人详情",
		"预约人:", "JIA CESHI",
		"申请人数量:", "1",
		"护照号码:", "PE0000001",
		"签证类别:", "B1",
		"签证类型:", "Non-immigrant",
		"签证类别（Visa Category）:", "All Others",
		"DS-160 确认编号:", "AA00TEST01",
		"领事馆面谈详情:",
		"领事馆面谈次数:", "1",
		"领事馆面谈编号:", "TEST-APPT-0001",
		"申请人姓名:", "JIA CESHI",
		"大使馆/领事馆/OFC:", "美国驻华大使馆",
		"街道地址:", "No. 55 An Jia Lou Road",
		"街道地址续:", "Chaoyang District",
		"城市、邮政编码:", "Beijing 100600",
		"领事馆面谈日期: (YYYY/MM/DD)", "2025/03/18 08:30",
		"文件送达信息",
		"文件递送选项:", "Premium Delivery",
		"文件递送街道:", "北京市朝阳区朝阳门外大街18号丰联广场B座11层",
		"文件递送城市:", "北京市",
		"文件递送省份:", "北京市",
		"文件递送邮政编码:", "100020",
		"文件递送国家:", "CHINA",
		NULL,
	};
	wst_assert_in_order(text, order);
	assert_page_no(text, 1, 1);
	/* "签证类别" twice (Visa Class, Visa Category), no ISO dates, no blanks. */
	cr_assert_eq(count_of(text, "签证类别"), 2);
	cr_assert_null(strstr(text, "2025-03-18"));
	cr_assert_null(strstr(text, "null"));

	char *lay = wst_pdftotext(pdf, true);
	assert_row(lay, "预约人:", "JIA CESHI");
	assert_row(lay, "护照号码:", "PE0000001");
	assert_row(lay, "签证类别（Visa Category）:", "All Others");
	assert_row(lay, "DS-160 确认编号:", "AA00TEST01");
	assert_row(lay, "领事馆面谈编号:", "TEST-APPT-0001");
	assert_row(lay, "大使馆/领事馆/OFC:", "美国驻华大使馆");
	assert_row(lay, "城市、邮政编码:", "Beijing 100600");
	assert_row(lay, "领事馆面谈日期: (YYYY/MM/DD)", "2025/03/18");
	assert_row(lay, "文件递送邮政编码:", "100020");

	assert_fonts(pdf);
	assert_png_a4(png);
	assert_reference(png, "docs_web-confirmation-self");
	g_free(lay);
	g_free(text);
	g_free(pdf);
	g_free(png);
	g_free(err);
	g_free(dir);
}

/* The delegated sample has no appointment yet: the confirmation is refused
 * with the missing fields and their file:line:col, and nothing is written. */
Test(docs_web, confirmation_refused_without_appointment)
{
	char *dir = NULL, *err = NULL;
	int rc = render("interview-confirmation", DELEGATED, &dir, &err);
	cr_assert_eq(rc, 1, "want exit 1 (input problems), got %d:\n%s", rc, err);
	/* reported at the appointment map (line 24, column 5), by field */
	cr_assert(strstr(err, DELEGATED ":24:5: error:"), "no file:line:col in:\n%s", err);
	cr_assert(strstr(err, "group.appointment.date"), "%s", err);
	cr_assert(strstr(err, "领事馆面谈日期"), "%s", err);
	cr_assert(strstr(err, "group.appointment.confirmation_no"), "%s", err);
	cr_assert(strstr(err, "group.appointment.count"), "%s", err);
	cr_assert(dir_is_empty(dir), "a refused render wrote a file into %s", dir);

	/* check says the same and exits 1 */
	char *cerr = NULL;
	const char *args[] = {"check", "interview-confirmation", "--data", DELEGATED, NULL};
	cr_assert_eq(wst_wenshu(args, NULL, &cerr), 1);
	cr_assert(strstr(cerr, DELEGATED ":24:5: error: [F-appointment.date]"), "%s", cerr);
	g_free(cerr);
	g_free(err);
	g_free(dir);
}

/* Without a UID the page prints without the barcode (the plugin warns);
 * a UID Code 128 cannot carry as intended is refused by the layout's rule. */
Test(docs_web, confirmation_uid_rules)
{
	char *src = NULL;
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/" SELF, &src, NULL, NULL));
	cr_assert(strstr(src, "    uid: TESTUID0001\n"));
	char *tmp = wst_tmpdir();

	GString *no_uid = g_string_new(src);
	g_string_replace(no_uid, "    uid: TESTUID0001\n", "", 1);
	char *data1 = path_in(tmp, "no-uid.yaml");
	cr_assert(g_file_set_contents(data1, no_uid->str, -1, NULL));
	char *dir = NULL, *err = NULL;
	cr_assert_eq(render("interview-confirmation", data1, &dir, &err), 0, "%s", err);
	cr_assert(strstr(err, "F-appointment.uid"), "no UID warning:\n%s", err);
	char *pdf = path_in(dir, "G2025-TEST-001-interview-confirmation.pdf");
	char *text = wst_pdftotext(pdf, false);
	cr_assert_null(strstr(text, "TESTUID"));
	const char *order[] = {"请打印面谈确认单并于面谈当天携带", "主申请人详情", "预约人:", "JIA CESHI", NULL};
	wst_assert_in_order(text, order);
	g_free(text);
	g_free(pdf);
	g_free(err);
	g_free(dir);

	GString *bad = g_string_new(src);
	g_string_replace(bad, "uid: TESTUID0001", "uid: \"TEST UID/01\"", 1);
	char *data2 = path_in(tmp, "bad-uid.yaml");
	cr_assert(g_file_set_contents(data2, bad->str, -1, NULL));
	cr_assert_eq(render("interview-confirmation", data2, &dir, &err), 1, "%s", err);
	cr_assert(strstr(err, "bad-uid.yaml:26:"), "no location in:\n%s", err);
	cr_assert(strstr(err, "group.appointment.uid"), "%s", err);
	cr_assert(dir_is_empty(dir));
	g_free(err);
	g_free(dir);

	g_string_free(no_uid, TRUE);
	g_string_free(bad, TRUE);
	g_free(data1);
	g_free(data2);
	g_free(tmp);
	g_free(src);
}

/* Pick Up: the CITIC point instead of an address block. */
Test(docs_web, confirmation_pick_up)
{
	char *src = NULL;
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/" SELF, &src, NULL, NULL));
	GString *s = g_string_new(src);
	cr_assert(g_string_replace(s, "option: premium_delivery", "option: pick_up\n    citic_location: CITIC_BEIJING", 1));
	char *tmp = wst_tmpdir();
	char *data = path_in(tmp, "pick-up.yaml");
	cr_assert(g_file_set_contents(data, s->str, -1, NULL));
	char *dir = NULL, *err = NULL;
	cr_assert_eq(render("interview-confirmation", data, &dir, &err), 0, "%s", err);
	char *pdf = path_in(dir, "G2025-TEST-001-interview-confirmation.pdf");
	char *text = wst_pdftotext(pdf, false);
	const char *order[] = {"文件送达信息", "文件递送选项:", "Pick Up", "取件地点:",
	                       "北京-北京朝阳门外大街8号富华大厦E座1层", "1F, Bldg E, No 8, Fuhua Mansion", NULL};
	wst_assert_in_order(text, order);
	cr_assert_null(strstr(text, "文件递送街道:"), "a Pick Up page prints no delivery address");
	g_free(text);
	g_free(pdf);
	g_free(err);
	g_free(dir);
	g_free(data);
	g_free(tmp);
	g_string_free(s, TRUE);
	g_free(src);
}

/* Renders the 30-applicant group as `kind`: two A4 pages, a PNG of each.
 * Returns the PDF's path; *dir and *err are the caller's to free. */
static char *render_group30(const char *kind, char **dir, char **err)
{
	int rc = render(kind, GROUP30, dir, err);
	cr_assert_eq(rc, 0, "render failed (%d):\n%s", rc, *err);
	char *name = g_strdup_printf("G2025-TEST-030-%s.pdf", kind);
	char *pdf = path_in(*dir, name);
	g_free(name);
	cr_assert_eq(pdf_pages(pdf), 2);
	for (int p = 1; p <= 2; p++) {
		char *png = g_strdup_printf("%s/G2025-TEST-030-%s-%d.png", *dir, kind, p);
		assert_png_a4(png);
		g_free(png);
	}
	return pdf;
}

/* 30 applicants: the names run onto page 2, the page numbers count 2. */
Test(docs_web, confirmation_30_applicants)
{
	char *dir = NULL, *err = NULL;
	char *pdf = render_group30("interview-confirmation", &dir, &err);
	char *text = wst_pdftotext(pdf, false);
	const char *order[] = {"申请人数量:", "30", "申请人姓名:", "OUYANG XIAOMINGZHIYUANHAOJIE", "SIMA LIHUA",
	                       "ZHUGE JIANGUOXINGBANG", "XIAHOU MEILINGYAXUAN", "大使馆/领事馆/OFC:", "美国驻上海总领事馆",
	                       "街道地址:", "8F Westgate Mall", "领事馆面谈日期: (YYYY/MM/DD)", "2025/04/08 09:15",
	                       "文件递送街道:", "北京市朝阳区朝阳门外大街十八号", "文件递送街道 2:", "转护照签证部团组收件窗口",
	                       "文件递送街道 3:", "由护签部统一领取", NULL};
	wst_assert_in_order(text, order);
	cr_assert_eq(count_of(text, "申请人姓名:"), 1);
	/* 30 names, one per line: the data cycles through 10 name pairs */
	cr_assert_eq(count_of(text, "HUANGFU XIAOMINGZHIYUANHAOJIE"), 3);
	cr_assert_eq(count_of(text, "SHANGGUAN YU"), 3);
	char *lay = wst_pdftotext(pdf, true);
	int name_lines = 0;
	char **lines = g_strsplit(lay, "\n", -1);
	for (char **l = lines; *l; l++)
		for (int k = 0; k < 10; k++) {
			static const char *const pairs[] = {
				"OUYANG XIAOMINGZHIYUANHAOJIE", "SIMA LIHUA", "ZHUGE JIANGUOXINGBANG", "SHANGGUAN YU",
				"DUANMU MEILINGYAXUAN", "HUANGFU XIAOMINGZHIYUANHAOJIE", "GONGSUN LIHUA",
				"ZHANGSUN JIANGUOXINGBANG", "MURONG YU", "XIAHOU MEILINGYAXUAN"};
			char *t = g_strstrip(g_strdup(*l));
			/* a name line holds the name alone (or after the label) */
			if (g_str_has_suffix(t, pairs[k]) && !strstr(t, "预约") && !strstr(t, "预约人:"))
				name_lines++;
			g_free(t);
		}
	g_strfreev(lines);
	cr_assert_eq(name_lines, 30, "want 30 applicant-name lines, got %d:\n%s", name_lines, lay);
	g_free(lay);

	char *p1 = page_text(pdf, 1), *p2 = page_text(pdf, 2);
	const char *first[] = {"美国国务院官方签证预约服务", "预约确认", "申请人姓名:", NULL};
	wst_assert_in_order(p1, first);
	assert_page_no(p1, 1, 2);
	const char *second[] = {"美国国务院官方签证预约服务", "XIAHOU MEILINGYAXUAN", "文件送达信息", "CHINA", NULL};
	wst_assert_in_order(p2, second);
	assert_page_no(p2, 2, 2);
	cr_assert_null(strstr(p2, "主申请人详情"));
	assert_fonts(pdf);
	g_free(p1);
	g_free(p2);
	g_free(text);
	g_free(pdf);
	g_free(err);
	g_free(dir);
}

/* ------------------------------------------------------------ 缴费确认单 */

static void check_receipt(const char *data, const char *id, const char *const *order, const char *ref)
{
	char *dir = NULL, *err = NULL;
	int rc = render("payment-receipt", data, &dir, &err);
	cr_assert_eq(rc, 0, "render failed (%d):\n%s", rc, err);
	char *pdf = g_strdup_printf("%s/%s-payment-receipt.pdf", dir, id);
	char *png = g_strdup_printf("%s/%s-payment-receipt.png", dir, id);
	cr_assert_eq(pdf_pages(pdf), 1);
	char *text = wst_pdftotext(pdf, false);
	cr_assert_not_null(text);
	wst_assert_in_order(text, order);
	assert_page_no(text, 1, 1);
	cr_assert_null(strstr(text, "null"));
	assert_fonts(pdf);
	assert_png_a4(png);
	assert_reference(png, ref);
	g_free(text);
	g_free(pdf);
	g_free(png);
	g_free(err);
	g_free(dir);
}

Test(docs_web, receipt_self_beijing)
{
	const char *order[] = {
		"美国国务院官方签证预约服务", "确认收据",
		"签证申请首页 > 申请人信息 > 签证选项 > 附加/其他选项 > 移民面谈 > 添加同行人员 > 文件递送选项 > 支付签证费 > 联系我们",
		"费用摘要", "申请人数量", "1", "总费用", "1369.00 CNY (185.00 USD)",
		"(1 @ 185.00 USD) x 7.40 CNY/USD = 1369.00 (185.00 USD)", "1.00 USD = 7.40 CNY",
		"姓名", "收据编号", "JIA CESHI", "TESTRCPT0001",
		"请打印此页以作报销用途", "03/03/2025", NULL,
	};
	check_receipt(SELF, "G2025-TEST-001", order, "docs_web-receipt-self");
}

Test(docs_web, receipt_delegated_shanghai)
{
	const char *order[] = {
		"美国国务院官方签证预约服务", "确认收据", "费用摘要", "申请人数量", "3", "总费用", "4107.00 CNY (555.00 USD)",
		"(3 @ 185.00 USD) x 7.40 CNY/USD = 4107.00 (555.00 USD)", "1.00 USD = 7.40 CNY",
		"姓名", "收据编号", "ZHEN SHILI", "TESTRCPT0002", "JIA YANGBEN", "TESTRCPT0003", "FAN LIHUA", "TESTRCPT0004",
		"请打印此页以作报销用途", "03/20/2025", NULL,
	};
	check_receipt(DELEGATED, "G2025-TEST-002", order, "docs_web-receipt-delegated");

	/* each name on one printed line with its own receipt number */
	char *dir = NULL, *err = NULL;
	cr_assert_eq(render("payment-receipt", DELEGATED, &dir, &err), 0, "%s", err);
	char *pdf = path_in(dir, "G2025-TEST-002-payment-receipt.pdf");
	char *lay = wst_pdftotext(pdf, true);
	assert_row(lay, "申请人数量", "3");
	assert_row(lay, "总费用", "4107.00 CNY (555.00 USD)");
	assert_row(lay, "姓名", "收据编号");
	assert_row(lay, "ZHEN SHILI", "TESTRCPT0002");
	assert_row(lay, "JIA YANGBEN", "TESTRCPT0003");
	assert_row(lay, "FAN LIHUA", "TESTRCPT0004");
	g_free(lay);
	g_free(pdf);
	g_free(err);
	g_free(dir);
}

/* 30 applicants: the table runs onto page 2 under a repeated header. */
Test(docs_web, receipt_30_applicants)
{
	char *dir = NULL, *err = NULL;
	char *pdf = render_group30("payment-receipt", &dir, &err);
	char *text = wst_pdftotext(pdf, false);
	const char *order[] = {"申请人数量", "30", "总费用", "41070.00 CNY (5550.00 USD)",
	                       "(30 @ 185.00 USD) x 7.40 CNY/USD = 41070.00 (5550.00 USD)", NULL};
	wst_assert_in_order(text, order);
	/* every receipt number once, in applicant order */
	const char *prev = text;
	for (int i = 0; i < 30; i++) {
		char *r = g_strdup_printf("TESTRCPT%d", 9000 + i);
		cr_assert_eq(count_of(text, r), 1, "%s", r);
		const char *at = strstr(text, r);
		cr_assert(at > prev, "%s out of order", r);
		prev = at;
		g_free(r);
	}

	char *p1 = page_text(pdf, 1), *p2 = page_text(pdf, 2);
	const char *first[] = {"确认收据", "费用摘要", "姓名", "收据编号", "OUYANG XIAOMINGZHIYUANHAOJIE", "TESTRCPT9000",
	                       NULL};
	wst_assert_in_order(p1, first);
	assert_page_no(p1, 1, 2);
	cr_assert_null(strstr(p1, "TESTRCPT9029"));
	cr_assert_null(strstr(p1, "请打印此页以作报销用途"));
	/* page 2: the banner, the repeated table header, the last rows, the notice */
	const char *second[] = {"美国国务院官方签证预约服务", "姓名", "收据编号", "XIAHOU MEILINGYAXUAN", "TESTRCPT9029",
	                        "请打印此页以作报销用途", "03/20/2025", NULL};
	wst_assert_in_order(p2, second);
	assert_page_no(p2, 2, 2);
	cr_assert_null(strstr(p2, "TESTRCPT9000"));
	cr_assert_null(strstr(p2, "费用摘要"));
	assert_fonts(pdf);
	g_free(p1);
	g_free(p2);
	g_free(text);
	g_free(pdf);
	g_free(err);
	g_free(dir);
}
