/* End-to-end tests of the two registration forms (DOMAIN.md §5.3, §5.4):
 * layouts/registration-self.yaml and layouts/registration-delegated.yaml,
 * rendered by the real CLI from the samples, read back with pdftotext and
 * pdffonts, and compared with the reference images in tests/reference/.
 * SOURCE_DATE_EPOCH=1741132800 (tests/meson.build): 填表日期 2025年3月5日. */
#include "support.h"

#include <cairo.h>
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

/* A pixel differs when a channel is off by more than 48/255; at most 1 % of
 * the page may differ (text antialiasing across FreeType builds moves a few
 * edge pixels; a moved line or a missing word changes far more). */
#define REF_TOLERANCE 0.01

static void render(const char *kind, const char *data, const char *dir, const char *formats, char **err)
{
	char *out = g_strdup_printf("%s/{group.group_id}-{kind}", dir);
	const char *args[] = {"render", kind, "--data", data, "-o", out, "--format", formats, NULL};
	char *o = NULL;
	int rc = wst_wenshu(args, &o, err);
	cr_assert_eq(rc, 0, "wenshu render %s --data %s exited %d:\n%s%s", kind, data, rc, o ? o : "",
	             err && *err ? *err : "");
	g_free(o);
	g_free(out);
}

static int pdf_pages(const char *pdf)
{
	char *info = wst_pdfinfo(pdf);
	cr_assert_not_null(info);
	const char *p = strstr(info, "Pages:");
	cr_assert_not_null(p, "pdfinfo has no page count:\n%s", info);
	int n = atoi(p + 6);
	g_free(info);
	return n;
}

/* Every font embedded as a subset (pdffonts: emb yes, sub yes, "ABCDEF+" name), none Type 3. */
static void assert_fonts_embedded(const char *pdf)
{
	char *fonts = wst_pdffonts(pdf);
	cr_assert_not_null(fonts);
	char **lines = g_strsplit(fonts, "\n", -1);
	int n = 0;
	for (char **l = lines + 2; *l && **l; l++, n++) {
		cr_assert(strstr(*l, " yes yes ") != NULL, "font not embedded as a subset: %s\n%s", *l, fonts);
		cr_assert(strlen(*l) > 7 && (*l)[6] == '+', "not a subset name: %s", *l);
		cr_assert(strstr(*l, "Type 3") == NULL, "a Type 3 font: %s", *l);
	}
	cr_assert_geq(n, 2, "expected at least the title and the body fonts:\n%s", fonts);
	/* labels in Hei, values in the FangSong role (Noto Serif CJK SC as its declared fallback),
	 * the title in bold Song */
	cr_assert(strstr(fonts, "NotoSansCJK") != NULL, "%s", fonts);
	cr_assert(strstr(fonts, "NotoSerifCJKsc-Bold") != NULL, "%s", fonts);
	cr_assert(strstr(fonts, "NotoSerifCJKsc-Regular") != NULL, "%s", fonts);
	g_strfreev(lines);
	g_free(fonts);
}

/* A4 portrait at 150 dpi: 210 mm × 297 mm → 1240 × 1754 px */
static void assert_png_a4_150(const char *png)
{
	wst_assert_png_size(png, 1240, 1754);
}

static void assert_reference(const char *png, const char *name)
{
	wst_assert_reference(png, name, REF_TOLERANCE);
}

static char *text_of(const char *pdf, bool layout)
{
	char *t = wst_pdftotext(pdf, layout);
	cr_assert_not_null(t, "pdftotext failed on %s", pdf);
	char *sq = wst_squeeze(t);
	g_free(t);
	return sq;
}

/* ------------------------------------------------------------ registration-self */

Test(docs_forms, self_sample)
{
	char *dir = wst_tmpdir();
	render("registration-self", "examples/data/self-beijing.yaml", dir, "pdf,png", NULL);
	char *pdf = g_strdup_printf("%s/G2025-TEST-001-registration-self.pdf", dir);
	char *png = g_strdup_printf("%s/G2025-TEST-001-registration-self.png", dir);
	cr_assert(g_file_test(pdf, G_FILE_TEST_IS_REGULAR));
	cr_assert_eq(pdf_pages(pdf), 1, "one applicant fits one page");

	/* -layout keeps each table row on one line, so the 均排 labels read whole;
	 * the applicant's two-line cells interleave, so their lines are checked in order */
	char *text = text_of(pdf, true);
	const char *order[] = {
		"自行预约美国签证面谈时间登记表",
		"一、团组信息填表日期：2025年3月5日",
		"团组名称某某省示例学术交流团（虚构）",
		"派出单位某某省示例研究院（虚构）",
		"出访任务参加学术交流会议",
		"任务批件文号测外任〔2025〕0001号在美停留天数8天",
		"出访起止日期2025年4月20日至2025年4月27日",
		"在美访问地点华盛顿、纽约",
		/* compact (issue 11): the contact is the group block's last row */
		"联系人甄示例手机13800000000固定电话010-00000000",
		"二、面谈预约信息",
		/* the post's name over its address, each whole on its line */
		"美利坚合众国驻华大使馆", "面谈地点北京市朝阳区安家楼路55号，邮编100600",
		"面谈日期、时间2025年3月18日08:30签证类别B1",
		"领事馆面谈编号TEST-APPT-0001申请人数1人",
		/* the applicant table: one applicant = two rows under a two-row header */
		"三、申请人信息",
		"序中文姓名护照种类DS-160确认编号", "性别出生日期身份", "号拼音姓名护照号码缴费收据编号",
		"工作单位及职务家庭电话",
		"贾测试公务普通AA00TEST01", "1男1980年1月1日主申请人", "JIACESHIPE0000001TESTRCPT0001",
		"某某省示例研究院（虚构）研究员—",
		"四、随表寄送材料",
		"自行预约美国签证面谈时间登记表", "任务批件原件", "中文照会", "外交部取件手续费汇款凭证",
		/* the signature lines beside the seal block */
		"填表人（签字）", "派出单位（盖章）", "某某省示例研究院（虚构）", "经办人（签字）", "2025年3月5日",
		"第1页共1页",
		NULL,
	};
	wst_assert_in_order(text, order);
	/* the checklist boxes are drawn, never a font's ☐ */
	cr_assert(strstr(text, "☐") == NULL && strstr(text, "□") == NULL);
	assert_fonts_embedded(pdf);

	char *info = wst_pdfinfo(pdf);
	cr_assert(strstr(info, "自行预约美国签证面谈时间登记表") != NULL, "PDF title:\n%s", info);
	cr_assert(strstr(info, "595.276 x 841.89") != NULL || strstr(info, "595.28 x 841.89") != NULL,
	          "A4 portrait:\n%s", info);
	g_free(info);

	assert_png_a4_150(png);
	assert_reference(png, "registration-self-beijing");
	g_free(text);
	g_free(pdf);
	g_free(png);
	g_free(dir);
}

/* ------------------------------------------------------------ registration-delegated */

Test(docs_forms, delegated_sample)
{
	char *dir = wst_tmpdir();
	render("registration-delegated", "examples/data/delegated-shanghai.yaml", dir, "pdf,png", NULL);
	char *pdf = g_strdup_printf("%s/G2025-TEST-002-registration-delegated.pdf", dir);
	int pages = pdf_pages(pdf);
	cr_assert_eq(pages, 1, "three applicants, the fees and the closing on one page, as the paper form (got %d)", pages);

	/* -layout keeps each table row on one line, so the 均排 labels read whole;
	 * an applicant's two-line cells interleave, so their lines are checked in order */
	char *text = text_of(pdf, true);
	const char *order[] = {
		"委托护照签证部预约美国签证面谈登记表",
		"一、团组信息及预约要求填表日期：2025年3月5日",
		"团组名称某某市示例考察团（虚构）",
		"派出单位某某市示例发展中心（虚构）",
		"出访任务考察城市规划项目",
		"任务批件文号测外任〔2025〕0002号在美停留天数8天",
		"出访起止日期2025年5月10日至2025年5月17日首选语言中文",
		"在美访问地点洛杉矶、旧金山申请国家CHINA",
		"联系人范例华手机13900000000固定电话0571-00000000",
		"联系邮箱zhen.shili@example.org签证优先级Regular",
		"期望面谈地点美利坚合众国驻上海总领事馆上海市南京西路1038号",
		"期望面谈日期起：2025年4月1日止：2025年4月18日签证类别B1（非移民签证）",
		"Post类别AllOthers支付方式",
		/* the applicant table: one applicant = two rows under a two-row header */
		"二、申请人信息",
		"序中文姓名性别出生日期护照种类签发日期签发地点DS-160",
		"号拼音姓/名关系出生地护照号码有效期至国籍确认编号",
		"工作单位及职务手机、家庭电话、邮箱",
		"甄示例女1975年5月5日", "公务普通2022年1月10日ZHEJIANG", "1AA00TEST02",
		"ZHEN/SHILI本人CHINA浙江", "PE00000022027年1月9日CHINA",
		"13900000001—", "某某市示例发展中心（虚构）主任", "zhen.shili@example.org",
		"贾样本男1988年8月8日公务普通2023年3月15日ZHEJIANG", "2AA00TEST03",
		"JIA/YANGBEN同事CHINA浙江PE00000032028年3月14日CHINA",
		"13900000002", "某某市示例发展中心（虚构）工程师", "jia.yangben@example.org",
		"范例华女1990年10月10日公务2022年9月1日BEIJING", "3AA00TEST04",
		"FAN/LIHUA同事CHINA江苏SE00000042027年8月31日CHINA",
		"139000000000571-00000001", "某某市人民政府外事办公室（虚构）科员", "fan.lihua@example.org",
		/* fees: 3 × 185.00 USD × 7.40 */
		"签证费3×1369.00=4107.00元（每人185.00USD×汇率7.40）",
		"外交部取件手续费金额按护签部通知",
		"汇款合计4107.00元（另加外交部取件手续费）汇款日期2025年3月20日",
		/* return address */
		"回寄单位某某市人民政府外事办公室（虚构）收件人及电话范例华13900000000",
		"浙江省杭州市示例区示例路1号", "邮政编码310000",
		/* checklist, seed 二(一) */
		"随表寄送材料",
		"委托护照签证部预约美国签证面谈登记表", "任务批件原件", "中文照会",
		/* the fee rows above say the 取件手续费 is added and its amount
		 * comes from 护签部; the enclosure names the visa fee and says
		 * only that, on one line (a long-name group of 4 keeps its page) */
		"签证费汇款凭证（含外交部取件手续费）（签证费4107.00元，取件手续费另计）",
		"委托声明：兹委托护照签证部代为预约某某市示例考察团（虚构）一行3人的美国签证面谈时间",
		/* the signature lines beside the seal block */
		"填表人（签字）", "派出单位（盖章）", "某某市示例发展中心（虚构）", "经办人（签字）", "2025年3月5日",
		"第1页共1页",
		NULL,
	};
	wst_assert_in_order(text, order);
	/* said once: in the fee rows, not again in the checklist */
	const char *fee_row = "外交部取件手续费金额按护签部通知";
	const char *fee = strstr(text, fee_row);
	cr_assert_not_null(fee);
	cr_assert_null(strstr(fee + strlen(fee_row), "金额按护签部通知"), "said again after the fee rows:\n%s", text);
	cr_assert(strstr(text, "☐") == NULL && strstr(text, "□") == NULL);
	assert_fonts_embedded(pdf);

	char *png = g_strdup_printf("%s/G2025-TEST-002-registration-delegated.png", dir);
	assert_png_a4_150(png);
	assert_reference(png, "registration-delegated-shanghai");
	g_free(png);
	g_free(text);
	g_free(pdf);
	g_free(dir);
}

/* ------------------------------------------------------------ large groups */

static const char *const big_names[][3] = {
	{"欧阳·买买提江", "OUYANG", "MAIMAITIJIANG"},
	{"司马相如", "SIMA", "XIANGRU"},
	{"阿不都热合曼·艾买提", "ABUDUREHEMAN", "AIMAITI"},
	{"诸葛明", "ZHUGE", "MING"},
	{"王伟", "WANG", "WEI"},
	{"李娜", "LI", "NA"},
	{"张晓明", "ZHANG", "XIAOMING"},
	{"刘洋", "LIU", "YANG"},
	{"陈静", "CHEN", "JING"},
	{"杨帆", "YANG", "FAN"},
	{"赵磊", "ZHAO", "LEI"},
	{"黄丽", "HUANG", "LI"},
};
#define BIG_N 12

static char *replace_once(char *s, const char *from, const char *to)
{
	char *at = strstr(s, from);
	cr_assert_not_null(at, "the sample no longer holds '%s'", from);
	char *r = g_strdup_printf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	g_free(s);
	return r;
}

/* The sample with its applicants replaced by 12 (long names, long employers)
 * and the payment block made consistent (X8: 12 × 185.00 USD × 7.40). */
static char *big_group(const char *dir, const char *sample, const char *post, const char *count_from,
                       const char *usd_from, const char *cny_from)
{
	char *path = g_strdup_printf("%s/%s", WS_TEST_SOURCE_DIR, sample);
	char *s = NULL;
	cr_assert(g_file_get_contents(path, &s, NULL, NULL), "cannot read %s", path);
	g_free(path);
	char *cut = strstr(s, "\n  applicants:");
	cr_assert_not_null(cut);
	cut[1] = '\0';
	s = replace_once(s, count_from, "applicant_count: 12");
	s = replace_once(s, usd_from, "total_usd: \"2220.00\"");
	s = replace_once(s, cny_from, "total_cny: \"16428.00\"");
	GString *y = g_string_new(s);
	g_free(s);
	g_string_append(y, "  applicants:\n");
	for (int i = 0; i < BIG_N; i++) {
		g_string_append_printf(y,
		                       "    - applicant_id: Z%02d\n"
		                       "      role: %s\n"
		                       "      name_zh: %s\n"
		                       "      surname: %s\n"
		                       "      given_name: %s\n"
		                       "      gender: %s\n"
		                       "      date_of_birth: 1980-10-10\n"
		                       "      country_of_birth: CHINA\n"
		                       "      place_of_birth: 北京\n"
		                       "      nationality: CHINA\n"
		                       "      passport_type: official_ordinary\n"
		                       "      passport_no: PE%07d\n"
		                       "      passport_issue_date: 2022-10-10\n"
		                       "      passport_expiry_date: 2032-10-09\n"
		                       "      passport_place_of_issue: BEIJING\n"
		                       "      ds160_confirmation_no: AA00BIG%03d\n"
		                       "      ds160_location: %s\n"
		                       "      ds160_visa_class: B1\n"
		                       "      email: applicant%02d@example-university-hospital.org.cn\n"
		                       "      mobile_phone: \"139100000%02d\"\n"
		                       "      employer: 某某省示例经济技术开发区管理委员会国际合作与交流处（虚构）\n"
		                       "      position: 工程师\n"
		                       "      relationship_to_primary: %s\n"
		                       "      mrv_receipt_no: BIGRCPT%04d\n",
		                       i + 1, i == 0 ? "primary" : "dependent", big_names[i][0], big_names[i][1],
		                       big_names[i][2], i % 2 ? "F" : "M", 1000001 + i, i + 1, post, i + 1, i + 1,
		                       i == 0 ? "null" : "同事", i + 1);
	}
	char *out = g_strdup_printf("%s/big.yaml", dir);
	cr_assert(g_file_set_contents(out, y->str, (gssize)y->len, NULL));
	g_string_free(y, TRUE);
	return out;
}

/* Splits the text into pages (form feeds) and squeezes each. */
static char **pages_of(const char *pdf, bool layout)
{
	char *t = wst_pdftotext(pdf, layout);
	cr_assert_not_null(t);
	char **pages = g_strsplit(t, "\f", -1);
	for (char **p = pages; *p; p++) {
		char *sq = wst_squeeze(*p);
		g_free(*p);
		*p = sq;
	}
	g_free(t);
	return pages;
}

/* The interview post's name over its address: every post's address whole
 * on one line of the form (set after the name on one line, Shanghai's
 * broke between 邮编 and 200041, Guangzhou's inside 华夏路). */
Test(docs_forms, self_post_address_on_one_line)
{
	static const struct {
		const char *code, *zh, *name, *address;
	} posts[] = {
		{"SHANGHAI", "上海", "美利坚合众国驻上海总领事馆", "上海市南京西路1038号梅龙镇广场8楼，邮编200041"},
		{"GUANGZHOU", "广州", "美利坚合众国驻广州总领事馆", "广州市天河区珠江新城华就路43号（签证申请人由华夏路入口进入）"},
		{"SHENYANG", "沈阳", "美利坚合众国驻沈阳总领事馆", "沈阳市和平区十四纬路52号，邮编110003"},
		{"WUHAN", "武汉", "美利坚合众国驻武汉总领事馆", "武汉市建设大道568号新世界国贸大厦I座47层"},
	};
	char *path = g_strdup_printf("%s/examples/data/self-beijing.yaml", WS_TEST_SOURCE_DIR);
	char *sample = NULL;
	cr_assert(g_file_get_contents(path, &sample, NULL, NULL), "cannot read %s", path);
	for (size_t i = 0; i < G_N_ELEMENTS(posts); i++) {
		char *dir = wst_tmpdir();
		char *s = g_strdup(sample);
		/* the post, the DS-160 location and the note's addressee agree (X1) */
		char *post = g_strdup_printf("interview_post: %s", posts[i].code);
		char *loc = g_strdup_printf("ds160_location: %s", posts[i].code);
		char *to = g_strdup_printf("addressee: 美利坚合众国驻%s总领事馆", posts[i].zh);
		s = replace_once(s, "interview_post: BEIJING", post);
		s = replace_once(s, "ds160_location: BEIJING", loc);
		s = replace_once(s, "addressee: 美利坚合众国驻华大使馆", to);
		char *data = g_strdup_printf("%s/post.yaml", dir);
		cr_assert(g_file_set_contents(data, s, -1, NULL));
		render("registration-self", data, dir, "pdf", NULL);
		char *pdf = g_strdup_printf("%s/G2025-TEST-001-registration-self.pdf", dir);
		cr_assert_eq(pdf_pages(pdf), 1, "%s", posts[i].code);
		char *t = wst_pdftotext(pdf, true);
		cr_assert_not_null(t);
		/* the lines of the page as they read, spaces squeezed out */
		char **lines = g_strsplit(t, "\n", -1);
		bool name = false, address = false;
		for (char **l = lines; *l; l++) {
			char *sq = wst_squeeze(*l);
			name |= strstr(sq, posts[i].name) != NULL;
			address |= strstr(sq, posts[i].address) != NULL;
			g_free(sq);
		}
		cr_assert(name && address, "%s: the post's name and its address, each whole on a line:\n%s", posts[i].code, t);
		g_strfreev(lines);
		g_free(t);
		g_free(pdf);
		g_free(data);
		g_free(to);
		g_free(loc);
		g_free(post);
		g_free(s);
		g_free(dir);
	}
	g_free(sample);
	g_free(path);
}

Test(docs_forms, self_twelve_applicants_repeat_the_table_header)
{
	char *dir = wst_tmpdir();
	char *data = big_group(dir, "examples/data/self-beijing.yaml", "BEIJING", "applicant_count: 1",
	                       "total_usd: \"185.00\"", "total_cny: \"1369.00\"");
	render("registration-self", data, dir, "pdf", NULL);
	char *pdf = g_strdup_printf("%s/G2025-TEST-001-registration-self.pdf", dir);
	int n = pdf_pages(pdf);
	cr_assert_geq(n, 2, "12 applicants do not fit one page");
	/* -layout: the page as it reads, line by line (raw order follows the
	 * content stream, which draws the header after the rows) */
	char **pages = pages_of(pdf, true);
	int next = 0, pages_with_rows = 0;
	/* the two-line header: its first line, and the last cell of its second */
	const char *header = "中文姓名", *header_end = "缴费收据编号";
	for (int p = 0; p < n; p++) {
		char first[16];
		g_snprintf(first, sizeof first, "PE%07d", 1000001 + next);
		const char *row = strstr(pages[p], first);
		if (!row)
			continue;
		pages_with_rows++;
		const char *h = strstr(pages[p], header), *he = strstr(pages[p], header_end);
		cr_assert(h != NULL && h < row && he != NULL && he < row,
		          "page %d holds applicant %d but no table header above it:\n%s", p + 1, next + 1, pages[p]);
		/* a continuation page says what it continues */
		cr_assert((p > 0) == (strstr(pages[p], "自行预约美国签证面谈时间登记表（续页）G2025-TEST-001") != NULL),
		          "page %d: the （续页） mark on continuation pages only:\n%s", p + 1, pages[p]);
		/* the rows on this page, in order, none split or lost */
		while (next < BIG_N) {
			char pn[16];
			g_snprintf(pn, sizeof pn, "PE%07d", 1000001 + next);
			const char *at = strstr(pages[p], pn);
			if (!at)
				break;
			char ds[16];
			g_snprintf(ds, sizeof ds, "AA00BIG%03d", next + 1);
			/* the row's two lines: the DS-160 number on its first, the
			 * passport number on its second */
			const char *d = strstr(pages[p], ds);
			cr_assert(d && d < at && (next == 0 || strstr(pages[p], ds) > strstr(pages[p], "缴费收据编号")),
			          "applicant %d: its DS-160 number is not in its row on page %d", next + 1, p + 1);
			next++;
		}
	}
	cr_assert_eq(next, BIG_N, "only %d of %d applicants found, in order", next, BIG_N);
	cr_assert_geq(pages_with_rows, 2);
	char *all = text_of(pdf, false);
	const char *names[] = {"申请人数12人", "欧阳·买买提江", "OUYANGMAIMAITIJIANG", "阿不都热合曼·艾买提",
	                       "ABUDUREHEMANAIMAITI", "黄丽", "派出单位（盖章）", NULL};
	wst_assert_in_order(all, names);
	g_free(all);
	g_strfreev(pages);
	g_free(pdf);
	g_free(data);
	g_free(dir);
}

Test(docs_forms, delegated_twelve_applicants_repeat_the_table_header)
{
	char *dir = wst_tmpdir();
	char *data = big_group(dir, "examples/data/delegated-shanghai.yaml", "SHANGHAI", "applicant_count: 3",
	                       "total_usd: \"555.00\"", "total_cny: \"4107.00\"");
	render("registration-delegated", data, dir, "pdf", NULL);
	char *pdf = g_strdup_printf("%s/G2025-TEST-002-registration-delegated.pdf", dir);
	int n = pdf_pages(pdf);
	cr_assert_geq(n, 2, "12 applicants do not fit one page");
	char **pages = pages_of(pdf, true);
	/* every page that holds an applicant shows the table header above it,
	 * a continuation page its 续表 mark, and an applicant's two rows — the
	 * passport number in the first, the e-mail address in the second —
	 * are on the same page: one applicant is never split */
	int seen = 0, pages_with_rows = 0;
	for (int p = 0; p < n; p++) {
		bool any = false;
		for (int i = 0; i < BIG_N; i++) {
			char pn[16];
			g_snprintf(pn, sizeof pn, "PE%07d", 1000001 + i);
			char *mail = g_strdup_printf("applicant%02d@example-university-hospital.org.cn", i + 1);
			const char *at = strstr(pages[p], pn), *m = strstr(pages[p], mail);
			cr_assert((at == NULL) == (m == NULL), "page %d: applicant %d split across pages", p + 1, i + 1);
			g_free(mail);
			if (!at)
				continue;
			seen++;
			any = true;
			const char *h = strstr(pages[p], "护照种类");
			cr_assert(h != NULL && h < at, "page %d: %s without the table header above it", p + 1, pn);
		}
		if (any) {
			pages_with_rows++;
			if (p > 0)
				cr_assert(strstr(pages[p], "续表") != NULL, "continuation page %d has no 续表 mark", p + 1);
		}
	}
	cr_assert_eq(seen, BIG_N, "every passport number printed exactly on one page (%d)", seen);
	cr_assert_geq(pages_with_rows, 2);
	char *all = text_of(pdf, true);
	const char *order[] = {"欧阳·买买提江", "OUYANG/MAIMAITIJIANG", "本人", "黄丽",
	                       "签证费12×1369.00=16428.00元", "汇款合计16428.00元", "派出单位（盖章）", NULL};
	wst_assert_in_order(all, order);
	g_free(all);
	g_strfreev(pages);
	g_free(pdf);
	g_free(data);
	g_free(dir);
}

/* ------------------------------------------------------------ validation */

Test(docs_forms, self_form_refuses_the_delegated_sample)
{
	char *dir = wst_tmpdir();
	char *out = g_strdup_printf("%s/{group.group_id}-{kind}", dir);
	const char *args[] = {"render", "registration-self", "--data", "examples/data/delegated-shanghai.yaml",
	                      "-o", out, "--format", "pdf,png", NULL};
	char *o = NULL, *e = NULL;
	int rc = wst_wenshu(args, &o, &e);
	cr_assert_eq(rc, 1, "expected exit 1 (input problems), got %d:\n%s%s", rc, o, e);
	cr_assert(strstr(e, "[F-route]") != NULL, "the route rule is named:\n%s", e);
	cr_assert(strstr(e, "delegated-shanghai.yaml:") != NULL, "located in the data file:\n%s", e);
	GDir *d = g_dir_open(dir, 0, NULL);
	cr_assert_not_null(d);
	const char *name = g_dir_read_name(d);
	cr_assert_null(name, "nothing is written, but found %s", name);
	g_dir_close(d);
	g_free(o);
	g_free(e);
	g_free(out);
	g_free(dir);
}

Test(docs_forms, delegated_form_refuses_the_self_sample)
{
	char *dir = wst_tmpdir();
	char *out = g_strdup_printf("%s/{group.group_id}-{kind}", dir);
	const char *args[] = {"render", "registration-delegated", "--data", "examples/data/self-beijing.yaml",
	                      "-o", out, "--format", "pdf", NULL};
	char *e = NULL;
	int rc = wst_wenshu(args, NULL, &e);
	cr_assert_eq(rc, 1, "expected exit 1, got %d:\n%s", rc, e);
	cr_assert(strstr(e, "[F-route]") != NULL, "%s", e);
	GDir *d = g_dir_open(dir, 0, NULL);
	cr_assert_null(g_dir_read_name(d), "nothing is written");
	g_dir_close(d);
	g_free(e);
	g_free(out);
	g_free(dir);
}
