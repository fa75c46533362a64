/* Reference tables: U.S. posts and CITIC points (DOMAIN §4.5), passport
 * types and number patterns (§4.2), visa classes and fees (§4.4). */
#include "visa.h"

#include <glib.h>
#include <string.h>

/* DOMAIN §4.5.  Guangzhou's street number and post code and Wuhan's whole
 * address are marked medium confidence there; layouts print what is here. */
static const visa_post posts[] = {
	{"BEIJING", "美利坚合众国驻华大使馆", "美国驻华大使馆", "北京",
	 "北京市朝阳区安家楼路55号，邮编100600",
	 "No. 55 An Jia Lou Road, Chaoyang District, Beijing 100600",
	 "No. 55 An Jia Lou Road", "Chaoyang District", "Beijing 100600"},
	{"SHANGHAI", "美利坚合众国驻上海总领事馆", "美国驻上海总领事馆", "上海",
	 "上海市南京西路1038号梅龙镇广场8楼，邮编200041",
	 "8F Westgate Mall, 1038 West Nanjing Road, Shanghai 200041",
	 "8F Westgate Mall", "1038 West Nanjing Road", "Shanghai 200041"},
	{"GUANGZHOU", "美利坚合众国驻广州总领事馆", "美国驻广州总领事馆", "广州",
	 "广州市天河区珠江新城华就路43号（签证申请人由华夏路入口进入）",
	 "43 Hua Jiu Road, Zhujiang New Town, Tianhe District, Guangzhou 510623",
	 "43 Hua Jiu Road", "Zhujiang New Town, Tianhe District", "Guangzhou 510623"},
	{"SHENYANG", "美利坚合众国驻沈阳总领事馆", "美国驻沈阳总领事馆", "沈阳",
	 "沈阳市和平区十四纬路52号，邮编110003",
	 "No. 52, 14th Wei Road, Heping District, Shenyang 110003",
	 "No. 52, 14th Wei Road", "Heping District", "Shenyang 110003"},
	{"WUHAN", "美利坚合众国驻武汉总领事馆", "美国驻武汉总领事馆", "武汉",
	 "武汉市建设大道568号新世界国贸大厦I座47层",
	 "47F New World International Trade Tower I, 568 Jianshe Avenue, Wuhan",
	 "47F New World International Trade Tower I", "568 Jianshe Avenue", "Wuhan"},
};

const visa_post *visa_post_find(const char *code)
{
	for (size_t i = 0; code && i < G_N_ELEMENTS(posts); i++)
		if (strcmp(posts[i].code, code) == 0)
			return &posts[i];
	return NULL;
}

/* Seed step 11, verbatim. */
static const visa_citic citic[] = {
	{"CITIC_BEIJING", "北京", "北京-北京朝阳门外大街8号富华大厦E座1层",
	 "1F, Bldg E, No 8, Fuhua Mansion, Chaoyangmen North Street, Beijing"},
	{"CITIC_GUANGZHOU", "广州", "广州-广州市天河区天河北路233号中信广场中天购物城F3层300A",
	 "300A, F3, CITIC PLAZA Zhongtian Shopping Plaza, 233 North Tianhe Road, Guangzhou, Guangdong"},
	{"CITIC_SHANGHAI", "上海", "上海-上海市南京西路1168号中信泰富广场GF",
	 "Pacific Plaza, GF, No 1168 Nanjing West Rd, Shanghai"},
	{"CITIC_SHENYANG", "沈阳", "沈阳-沈阳市沈河区大西路336号",
	 "Branch Office, 336, Daxi Road, Shenhe District, Shenyang, Liaoning"},
	{"CITIC_WUHAN", "武汉", "武汉-湖北省武汉市江岸区南京路2号",
	 "No. 2 Nanjing Road, Jiang'an District, Wuhan, Hubei"},
};

const visa_citic *visa_citic_find(const char *code)
{
	for (size_t i = 0; code && i < G_N_ELEMENTS(citic); i++)
		if (strcmp(citic[i].code, code) == 0)
			return &citic[i];
	return NULL;
}

const char *visa_passport_type_zh(const char *type)
{
	static const struct {
		const char *type, *zh;
	} t[] = {
		{"ordinary", "普通"},
		{"official_ordinary", "公务普通"},
		{"service", "公务"},
		{"diplomatic", "外交"},
	};
	for (size_t i = 0; type && i < G_N_ELEMENTS(t); i++)
		if (strcmp(t[i].type, type) == 0)
			return t[i].zh;
	return NULL;
}

/* DOMAIN §4.2 passport_no.  Current patterns first, then the legacy ones
 * that only earn a warning. */
static visa_re pp_current[] = {
	VISA_RE("^E[0-9]{8}$"),             /* ordinary, 2012 – 2017-04 */
	VISA_RE("^E[A-HJ-NP-Z][0-9]{7}$"),  /* ordinary since 2017-04-05 (no I/O) */
	VISA_RE("^PE[0-9]{7}$"),
	VISA_RE("^SE[0-9]{7}$"),
	VISA_RE("^DE[0-9]{7}$"),
};
static const char *const pp_current_type[] = {"ordinary", "ordinary", "official_ordinary",
                                              "service", "diplomatic"};
static visa_re pp_legacy[] = {
	VISA_RE("^G[0-9]{8}$"),
	VISA_RE("^1[45][0-9]{7}$"),
	VISA_RE("^P\\.?[0-9]{7}$"),
	VISA_RE("^S\\.?[0-9]{7,8}$"),
	VISA_RE("^D[0-9]{7,8}$"),
};
static const char *const pp_legacy_type[] = {"ordinary", "ordinary", "official_ordinary",
                                             "service", "diplomatic"};

const char *visa_passport_type_of_number(const char *no, bool *legacy)
{
	if (legacy)
		*legacy = false;
	for (size_t i = 0; i < G_N_ELEMENTS(pp_current); i++)
		if (visa_re_match(&pp_current[i], no))
			return pp_current_type[i];
	for (size_t i = 0; i < G_N_ELEMENTS(pp_legacy); i++)
		if (visa_re_match(&pp_legacy[i], no)) {
			if (legacy)
				*legacy = true;
			return pp_legacy_type[i];
		}
	return NULL;
}

char *visa_class_key(const char *cls)
{
	GString *s = g_string_new(NULL);
	for (const char *p = cls; p && *p; p++)
		if (*p != '-' && *p != ' ')
			g_string_append_c(s, g_ascii_toupper(*p));
	return g_string_free(s, FALSE);
}

/* The classes of the seed's Visa Class Tag page plus the common
 * non-immigrant classes (§4.4), as keys.  "J" alone is the seed's mislabelled
 * media class; it is known (so X2 can compare it) and flagged separately. */
static const char *const known_classes[] = {
	"A1", "A2", "A3", "G1", "G2", "G3", "G4", "G5", "C1", "C2", "C3",
	"B1", "B2", "B1/B2", "E1", "E2", "E3", "E2C", "I", "J", "J1", "J2",
	"F1", "F2", "M1", "M2", "TD", "TN", "T2", "T3", "T4", "T5",
	"U1", "U2", "U3", "U4", "U5", "CW1", "CW2",
	"H1B", "H2A", "H2B", "H3", "H4", "L1", "L2", "O1", "O2", "O3",
	"P1", "P2", "P3", "P4", "Q1", "R1", "R2",
};

static bool key_in(const char *key, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(set[i], key) == 0)
			return true;
	return false;
}

bool visa_class_known(const char *cls)
{
	char *k = visa_class_key(cls);
	bool r = key_in(k, known_classes, G_N_ELEMENTS(known_classes));
	g_free(k);
	return r;
}

bool visa_class_official(const char *cls)
{
	static const char *const official[] = {"A1", "A2", "G1", "G2", "G3", "G4", "C3"};
	char *k = visa_class_key(cls);
	bool r = key_in(k, official, G_N_ELEMENTS(official));
	g_free(k);
	return r;
}

int64_t visa_class_fee_cents(const char *cls)
{
	char *k = visa_class_key(cls);
	int64_t fee;
	if (visa_class_official(cls))
		fee = 0;
	else if (k[0] == 'T' && k[1] != 'D' && k[1] != 'N')
		fee = -1; /* T-2..T-5: exemption unverified (§4.4) */
	else if (k[0] == 'U')
		fee = -1;
	else if (k[0] == 'E')
		fee = 31500;
	else if (strchr("HLOPQR", k[0]) || g_str_has_prefix(k, "CW"))
		fee = 20500;
	else
		fee = 18500;
	g_free(k);
	return fee;
}

/* The spelling the system uses on its Visa Class tag page (seed; DOMAIN
 * §4.4), which the DS-160 and the appointment letter show: "B1", "B1/B2",
 * "C-1", "E-2C", "CW-1", "T-2", "U-1".  Every document prints the class in
 * this one spelling (X2: the class is the same on every document). */
static const struct {
	const char *key, *spelling;
} seed_spelling[] = {
	{"A3", "A3"}, {"G5", "G5"}, {"E1", "E1"}, {"E2", "E2"}, {"E3", "E3"},
	{"T2", "T-2"}, {"T3", "T-3"}, {"T4", "T-4"}, {"T5", "T-5"},
	{"B1", "B1"}, {"B1/B2", "B1/B2"}, {"B2", "B2"}, {"TD", "TD"}, {"TN", "TN"},
	{"C1", "C-1"}, {"E2C", "E-2C"}, {"CW1", "CW-1"}, {"CW2", "CW-2"},
	{"U1", "U-1"}, {"U2", "U-2"}, {"U3", "U-3"}, {"U4", "U-4"}, {"U5", "U-5"}, {"J", "J"},
};

char *visa_class_display(const char *cls)
{
	char *k = visa_class_key(cls);
	for (size_t i = 0; i < G_N_ELEMENTS(seed_spelling); i++)
		if (strcmp(k, seed_spelling[i].key) == 0) {
			g_free(k);
			return g_strdup(seed_spelling[i].spelling);
		}
	/* A class the tag page does not list (A-1, G-1, C-3, F-1, H-1B …): the
	 * State Department's spelling, a hyphen before the first digit of each
	 * '/'-separated part. */
	GString *s = g_string_new(NULL);
	bool seen_digit = false;
	for (const char *p = k; *p; p++) {
		if (*p == '/') {
			seen_digit = false;
		} else if (g_ascii_isdigit(*p) && !seen_digit) {
			if (p > k && g_ascii_isalpha(p[-1]))
				g_string_append_c(s, '-');
			seen_digit = true;
		}
		g_string_append_c(s, *p);
	}
	g_free(k);
	return g_string_free(s, FALSE);
}
