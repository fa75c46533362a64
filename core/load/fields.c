/* The input fields of a group and the JSON Schema of data files
 * (fields.h). */
#include "fields.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

#include "json.h"

static const char *const routes[] = {"self", "delegated", NULL};
static const char *const posts[] = {"BEIJING", "SHANGHAI", "GUANGZHOU", "SHENYANG", "WUHAN", NULL};
static const char *const delivery_options[] = {"premium_delivery", "premium_location", "pick_up", NULL};
static const char *const citic_locations[] = {"CITIC_BEIJING", "CITIC_GUANGZHOU", "CITIC_SHANGHAI",
                                              "CITIC_SHENYANG", "CITIC_WUHAN", NULL};
static const char *const roles[] = {"primary", "dependent", NULL};
static const char *const genders[] = {"M", "F", NULL};
static const char *const passport_types[] = {"ordinary", "official_ordinary", "service", "diplomatic", NULL};

/* DOMAIN §4.1 (group) and §4.2 (applicant), in that order. */
static const ws_data_field group_fields[] = {
	{"group_id", WS_FIELD_TEXT, "团组编号", "G2025-TEST-001", NULL},
	{"route", WS_FIELD_TEXT, "预约方式", "self", routes},
	{"group_name", WS_FIELD_TEXT, "团组名称", "某某省示例交流团（虚构）", NULL},
	{"mission_approval_no", WS_FIELD_TEXT, "任务批件文号", "测外任〔2025〕0001号", NULL},
	{"dispatching_unit", WS_FIELD_TEXT, "派出单位", "某某省示例研究院（虚构）", NULL},
	{"fao_name", WS_FIELD_TEXT, "所外事部门", "某某省人民政府外事办公室", NULL},
	{"fao_return_address", WS_FIELD_ADDRESS, "材料回寄地址", NULL, NULL},
	{"hqb_address", WS_FIELD_ADDRESS, "护照签证部地址（寄件信封的收件地址）", NULL, NULL},
	{"destination_country", WS_FIELD_TEXT, "出访国家", "美国", NULL},
	{"purpose", WS_FIELD_TEXT, "出访任务（事由）", "参加学术交流会议", NULL},
	{"travel_start_date", WS_FIELD_DATE, "出访开始日期", "2025-04-20", NULL},
	{"travel_end_date", WS_FIELD_DATE, "出访结束日期", "2025-04-27", NULL},
	{"stay_days", WS_FIELD_INT, "在美停留天数 (checked against the dates; derived when absent)", "8", NULL},
	{"us_itinerary", WS_FIELD_TEXT_LIST, "在美访问地点", "[华盛顿, 纽约]", NULL},
	{"inviting_party", WS_FIELD_TEXT, "邀请单位", "Example University (fictional)", NULL},
	{"contact", WS_FIELD_MAP, "联系人", NULL, NULL},
	{"contact.name", WS_FIELD_TEXT, "联系人", "甄示例", NULL},
	{"contact.mobile", WS_FIELD_TEXT, "手机", "13800000000", NULL},
	{"contact.landline", WS_FIELD_TEXT, "固定电话", "010-00000000", NULL},
	{"contact_name", WS_FIELD_TEXT, "联系人 (flat form of contact.name)", NULL, NULL},
	{"contact_mobile", WS_FIELD_TEXT, "手机 (flat form of contact.mobile)", NULL, NULL},
	{"contact_landline", WS_FIELD_TEXT, "固定电话 (flat form of contact.landline)", NULL, NULL},
	{"interview_post", WS_FIELD_TEXT, "面谈地点", "BEIJING", posts},
	{"previous_interview_post", WS_FIELD_TEXT, "上次的面谈地点 (X6)", NULL, posts},
	{"visa_class", WS_FIELD_TEXT, "签证类别", "B1", NULL},
	{"visa_type", WS_FIELD_TEXT, "签证类型", "Non-immigrant", NULL},
	{"visa_category", WS_FIELD_TEXT, "签证类别（Post Visa Category）", "All Others", NULL},
	{"visa_priority", WS_FIELD_TEXT, "签证优先级", "Regular", NULL},
	{"appointment", WS_FIELD_MAP, "预约", NULL, NULL},
	{"appointment.date", WS_FIELD_DATE, "领事馆面谈日期", "2025-03-18", NULL},
	{"appointment.time", WS_FIELD_TIME, "面谈时间", "08:30", NULL},
	{"appointment.confirmation_no", WS_FIELD_TEXT, "领事馆面谈编号", "TEST-APPT-0001", NULL},
	{"appointment.count", WS_FIELD_INT, "领事馆面谈次数", "1", NULL},
	{"appointment.uid", WS_FIELD_TEXT, "UID（条码）", "TESTUID0001", NULL},
	{"appointment.preferred_from", WS_FIELD_DATE, "期望面谈日期（起）", "2025-03-10", NULL},
	{"appointment.preferred_to", WS_FIELD_DATE, "期望面谈日期（止）", "2025-03-28", NULL},
	{"payment", WS_FIELD_MAP, "缴费", NULL, NULL},
	{"payment.fee_usd_per_applicant", WS_FIELD_DECIMAL, "每人签证费（美元）", "185.00", NULL},
	{"payment.cny_per_usd", WS_FIELD_DECIMAL, "领事汇率", "7.40", NULL},
	{"payment.applicant_count", WS_FIELD_INT, "申请人数量", "1", NULL},
	{"payment.total_usd", WS_FIELD_DECIMAL, "总费用（美元）", "185.00", NULL},
	{"payment.total_cny", WS_FIELD_DECIMAL, "总费用（人民币）", "1369.00", NULL},
	{"payment.payment_type", WS_FIELD_TEXT, "支付方式", "CITIC online", NULL},
	{"payment.date", WS_FIELD_DATE, "缴费日期", "2025-03-03", NULL},
	{"mfa_pickup_fee_cny", WS_FIELD_DECIMAL, "外交部取件手续费", "30.00", NULL},
	/* the delegated route's remittance to 护签部, a record apart from the fee
	 * 护签部 then pays (payment) */
	{"transfer", WS_FIELD_MAP, "汇款至护签部（委托护签部预约）", NULL, NULL},
	{"transfer.date", WS_FIELD_DATE, "汇款日期", "2025-03-18", NULL},
	{"transfer.amount_cny", WS_FIELD_DECIMAL, "汇款金额（人民币）", "4137.00", NULL},
	{"delivery", WS_FIELD_MAP, "文件递送", NULL, NULL},
	{"delivery.option", WS_FIELD_TEXT, "文件递送选项", "premium_delivery", delivery_options},
	{"delivery.address", WS_FIELD_ADDRESS, "递送地址", NULL, NULL},
	{"delivery.citic_location", WS_FIELD_TEXT, "中信取件地点", "CITIC_BEIJING", citic_locations},
	{"note", WS_FIELD_MAP, "照会", NULL, NULL},
	{"note.number", WS_FIELD_TEXT, "照会编号", "（2025）测签字第001号", NULL},
	{"note.no", WS_FIELD_TEXT, "照会编号 (old spelling of note.number; YAML 1.1 tools read `no:` as false)", NULL,
	 NULL},
	{"note.issuer", WS_FIELD_TEXT, "发照机关", "中华人民共和国外交部", NULL},
	{"note.addressee", WS_FIELD_TEXT, "受照机关", "美利坚合众国驻华大使馆", NULL},
	{"note.date", WS_FIELD_DATE, "照会日期", "2025-03-05", NULL},
	{"note.place", WS_FIELD_TEXT, "照会地点", "北京", NULL},
	{"applicants", WS_FIELD_LIST, "申请人 (the primary first)", NULL, NULL},
	{"applicants[].applicant_id", WS_FIELD_TEXT, "申请人编号", "A1", NULL},
	{"applicants[].role", WS_FIELD_TEXT, "身份", "primary", roles},
	{"applicants[].name_zh", WS_FIELD_TEXT, "中文姓名", "贾测试", NULL},
	{"applicants[].surname", WS_FIELD_TEXT, "姓（拼音）", "JIA", NULL},
	{"applicants[].given_name", WS_FIELD_TEXT, "名（拼音）", "CESHI", NULL},
	{"applicants[].gender", WS_FIELD_TEXT, "性别", "M", genders},
	{"applicants[].date_of_birth", WS_FIELD_DATE, "出生日期", "1980-01-01", NULL},
	{"applicants[].country_of_birth", WS_FIELD_TEXT, "出生国家", "CHINA", NULL},
	{"applicants[].place_of_birth", WS_FIELD_TEXT, "出生地", "北京", NULL},
	{"applicants[].nationality", WS_FIELD_TEXT, "国籍", "CHINA", NULL},
	{"applicants[].passport_type", WS_FIELD_TEXT, "护照种类", "official_ordinary", passport_types},
	{"applicants[].passport_no", WS_FIELD_TEXT, "护照号码", "PE0000001", NULL},
	{"applicants[].passport_issue_date", WS_FIELD_DATE, "护照签发日期", "2021-06-01", NULL},
	{"applicants[].passport_expiry_date", WS_FIELD_DATE, "护照有效期至", "2026-05-31", NULL},
	{"applicants[].passport_place_of_issue", WS_FIELD_TEXT, "护照签发地点", "BEIJING", NULL},
	{"applicants[].ds160_confirmation_no", WS_FIELD_TEXT, "DS-160 确认编号（条码号）", "AA00TEST01", NULL},
	{"applicants[].previous_ds160_confirmation_no", WS_FIELD_TEXT, "上次的 DS-160 确认编号 (X6)", NULL, NULL},
	{"applicants[].ds160_location", WS_FIELD_TEXT, "DS-160 所填申请地点", "BEIJING", posts},
	{"applicants[].ds160_visa_class", WS_FIELD_TEXT, "DS-160 所填签证类别", "B1", NULL},
	{"applicants[].email", WS_FIELD_TEXT, "电子邮箱", "jia.ceshi@example.org", NULL},
	{"applicants[].mobile_phone", WS_FIELD_TEXT, "手机", "13800000000", NULL},
	{"applicants[].home_phone", WS_FIELD_TEXT, "家庭电话", NULL, NULL},
	{"applicants[].mailing_address", WS_FIELD_ADDRESS, "邮寄地址", NULL, NULL},
	{"applicants[].employer", WS_FIELD_TEXT, "工作单位", "某某省示例研究院", NULL},
	{"applicants[].position", WS_FIELD_TEXT, "职务", "研究员", NULL},
	{"applicants[].relationship_to_primary", WS_FIELD_TEXT, "与主申请人关系", "同事", NULL},
	{"applicants[].mrv_receipt_no", WS_FIELD_TEXT, "缴费收据编号", "TESTRCPT0001", NULL},
	{"applicants[].cgi_reference_no", WS_FIELD_TEXT, "CGI 参考号", NULL, NULL},
	{NULL, 0, NULL, NULL, NULL},
};

/* DOMAIN §4.3. */
static const ws_data_field address_fields[] = {
	{"street", WS_FIELD_TEXT_LIST, "街道（省-市-街道-楼-室）, one line or a list of 1–3", "北京市朝阳区朝阳门外大街18号丰联广场B座11层", NULL},
	{"city", WS_FIELD_TEXT, "城市", "北京市", NULL},
	{"state", WS_FIELD_TEXT, "省/直辖市/自治区", "北京市", NULL},
	{"postal_code", WS_FIELD_TEXT, "邮政编码", "100020", NULL},
	{"country", WS_FIELD_TEXT, "国家", "CHINA", NULL},
	{"recipient", WS_FIELD_TEXT, "收件人", NULL, NULL},
	{"phone", WS_FIELD_TEXT, "电话", NULL, NULL},
	{NULL, 0, NULL, NULL, NULL},
};

const ws_data_field *ws_data_field_at(size_t i)
{
	return i < G_N_ELEMENTS(group_fields) - 1 ? &group_fields[i] : NULL;
}

const ws_data_field *ws_address_field_at(size_t i)
{
	return i < G_N_ELEMENTS(address_fields) - 1 ? &address_fields[i] : NULL;
}

/* ------------------------------------------------------------ the schema */

static void emit_object(GString *o, const ws_data_field *fields, const char *prefix, bool open);

/* A field's value: every one may be null (a field left empty). */
static void emit_field(GString *o, const ws_data_field *fields, const ws_data_field *f)
{
	g_string_append(o, "{\"description\": ");
	ws__json_string(o, f->label);
	if (f->values) {
		g_string_append(o, ", \"enum\": ");
		ws__json_strings(o, f->values);
		g_string_truncate(o, o->len - 1);
		g_string_append(o, ", null]}");
		return;
	}
	switch (f->type) {
	case WS_FIELD_TEXT:
		g_string_append(o, ", \"type\": [\"string\", \"number\", \"null\"]}");
		break;
	case WS_FIELD_DATE:
		g_string_append(o, ", \"type\": [\"string\", \"null\"], \"pattern\": \"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\"}");
		break;
	case WS_FIELD_TIME:
		g_string_append(o, ", \"type\": [\"string\", \"null\"], \"pattern\": \"^[0-9]{1,2}:[0-9]{2}$\"}");
		break;
	case WS_FIELD_INT:
		g_string_append(o, ", \"type\": [\"integer\", \"null\"]}");
		break;
	case WS_FIELD_DECIMAL:
		g_string_append(o, ", \"type\": [\"number\", \"string\", \"null\"], \"pattern\": \"^[0-9]+(\\\\.[0-9]+)?$\"}");
		break;
	case WS_FIELD_TEXT_LIST:
		g_string_append(o, ", \"type\": [\"array\", \"string\", \"null\"], \"items\": {\"type\": [\"string\", \"number\"]}}");
		break;
	case WS_FIELD_ADDRESS:
		g_string_append(o, ", \"anyOf\": [{\"type\": \"null\"}, {\"$ref\": \"#/definitions/address\"}]}");
		break;
	case WS_FIELD_MAP: {
		char *below = g_strconcat(f->path, ".", NULL);
		g_string_append(o, ", \"anyOf\": [{\"type\": \"null\"}, ");
		emit_object(o, fields, below, true);
		g_string_append(o, "]}");
		g_free(below);
		break;
	}
	case WS_FIELD_LIST: {
		char *below = g_strconcat(f->path, "[].", NULL);
		g_string_append(o, ", \"type\": \"array\", \"items\": ");
		emit_object(o, fields, below, true);
		g_string_append(o, "}");
		g_free(below);
		break;
	}
	}
}

/* A map of the fields right below `prefix` ("" for the group). */
static void emit_object(GString *o, const ws_data_field *fields, const char *prefix, bool open)
{
	size_t plen = strlen(prefix);
	g_string_append(o, "{\"type\": \"object\", \"properties\": {");
	bool first = true;
	for (const ws_data_field *f = fields; f->path; f++) {
		const char *name = f->path + plen;
		if (strncmp(f->path, prefix, plen) != 0 || strpbrk(name, ".["))
			continue;
		g_string_append(o, first ? "\n" : ",\n");
		first = false;
		ws__json_string(o, name);
		g_string_append(o, ": ");
		emit_field(o, fields, f);
	}
	g_string_append_printf(o, "}, \"additionalProperties\": %s}", open ? "true" : "false");
}

char *ws_data_json_schema(void)
{
	GString *o = g_string_new(NULL);
	g_string_append(o, "{\"$schema\": \"http://json-schema.org/draft-07/schema#\",\n"
	                   "\"title\": \"wenshu data file: group: (one group) or groups: (a list)\",\n"
	                   "\"type\": \"object\", \"additionalProperties\": false,\n"
	                   "\"properties\": {\"group\": {\"$ref\": \"#/definitions/group\"},\n"
	                   "  \"groups\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/definitions/group\"}}},\n"
	                   "\"oneOf\": [{\"required\": [\"group\"]}, {\"required\": [\"groups\"]}],\n"
	                   "\"definitions\": {\n\"group\": ");
	/* A group may hold fields of its own (an office form prints them). */
	size_t at = o->len;
	emit_object(o, group_fields, "", true);
	/* group_id is the one field every group must have (data.c). */
	g_string_insert(o, at + 1, "\"required\": [\"group_id\"], ");
	g_string_append(o, ",\n\"address\": ");
	emit_object(o, address_fields, "", true);
	g_string_append(o, "}}\n");
	return g_string_free(o, FALSE);
}
