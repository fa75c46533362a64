/* visa — the record library the U.S.-visa kind plugins call.
 *
 * What holds for every document of a group lives here: the field formats
 * of DOMAIN §4.1–§4.3, the cross-document rules X1–X16 (§4.6) as far as
 * they concern the record, and the record-wide derived fields.  What is
 * particular to one document lives in that kind's plugin, plugins/<kind>/:
 * the fields its layout prints (declared as a visa_form, below), the
 * derived fields only it prints, and rules of its own (X14 for the note).
 * This library never asks which kind is running; it reads the form.
 *
 * Built as a static library that every kind plugin links; it reaches the
 * core only through the ws_host_services table (plugin-abi.h) and never
 * links libwenshu.  Field names and rules are those of DOMAIN.md §4;
 * docs/fields.md lists what derive adds, docs/rules.md the rule ids.
 *
 * Nothing here prints or exits.  Functions are thread-safe for distinct
 * groups (the only shared state is the lazily compiled regex cache, guarded
 * by g_once).
 */
#ifndef WS_VISA_H
#define WS_VISA_H

#include <stdbool.h>
#include <stdint.h>
#include "plugin-abi.h"

#define VISA_PLUGIN_VERSION "2.0"

/* ---- what one document needs of the record ---- */

/* How a field the document prints is needed when it is missing. */
typedef enum visa_need_level {
	VISA_NEED_ERROR = 1,  /* required: the document cannot print without it */
	VISA_NEED_WARNING,    /* expected: the document prints a blank */
	VISA_NEED_IF_FEE,     /* required unless the group pays no fee (an official,
	                       * fee-exempt class, or a zero fee for receipts) */
} visa_need_level;

/* One field a document prints that the record alone does not require.
 * `path` is the data path under the group ("appointment.uid",
 * "applicants[].email" for every applicant).  `why` says why this document
 * needs it: for group fields the whole message, for applicant fields the
 * reason appended to "applicant N has no …"; NULL gives the record's own
 * "required field … is missing".  Only the paths the record library looks
 * up take effect; docs/rules.md lists them. */
typedef struct visa_need {
	const char *path;
	visa_need_level level;
	const char *why;
} visa_need;

/* A document kind as the record library sees it: its kind descriptor's
 * `data` (ws_kind_desc.data) in each kind plugin, read by the shared hooks
 * visa_derive and visa_validate through `self`. */
typedef struct visa_form {
	const char *route;        /* the route this document belongs to ("self",
	                           * "delegated"), or NULL for either */
	const char *route_label;  /* how F-route names the document when the
	                           * route is the other one */
	const visa_need *needs;   /* terminated by an entry with path NULL; may be NULL */
	bool fee_receipt;         /* the document is the MRV fee receipt (X8, X12) */
	/* The fields only this document prints, added to `derived` (the
	 * group's derived map, record-wide fields already in).  May be NULL. */
	void (*derive)(const ws_host_services *h, const ws_value *group, ws_value *derived);
	/* The rules of its own, reported after the record rules.  May be NULL. */
	void (*validate)(const ws_host_services *h, const ws_value *group, ws_diags *diags);
} visa_form;

/* The need `path` of `form`, or NULL when the document does not print it. */
const visa_need *visa_form_need(const visa_form *form, const char *path);

/* Replaces group.derived and each applicants[i].derived with freshly
 * computed maps of the record-wide fields (idempotent).  Returns
 * group.derived (borrowed from the group) so a kind can add its own
 * fields, or NULL when the group is not a map. */
ws_value *visa_derive_record(const ws_host_services *host, ws_value *group);

/* The derive hook of every visa kind: visa_derive_record(), then the
 * form's own derive (self->data is the kind's visa_form, or NULL). */
int visa_derive(const ws_kind_desc *self, const ws_host_services *host, ws_value *group,
                ws_diags *diags);

/* Runs the record rules (§4.1–§4.3, X1–X16) with the needs of `form`
 * (NULL: none).  Returns WS_OK even when it reported errors. */
int visa_validate_record(const ws_host_services *host, const ws_value *group, ws_diags *diags,
                         const visa_form *form);

/* The validate hook of every visa kind: visa_validate_record() with the
 * form's needs, then the form's own validate (self->data as above). */
int visa_validate(const ws_kind_desc *self, const ws_host_services *host, const ws_value *group,
                  ws_diags *diags);

/* Setters for derive hooks: map[key] = a string (NULL → null), a string
 * the setter frees, a number, a boolean, a date in `fmt` (null when the
 * ISO date is absent or malformed). */
void visa_set_str(const ws_host_services *h, ws_value *map, const char *key, const char *s);
void visa_set_take(const ws_host_services *h, ws_value *map, const char *key, char *s);
void visa_set_num(const ws_host_services *h, ws_value *map, const char *key, double n);
void visa_set_bool(const ws_host_services *h, ws_value *map, const char *key, bool b);

/* ---- dates (ISO YYYY-MM-DD, proleptic Gregorian) ---- */
typedef struct visa_date {
	int year, month, day;
} visa_date;

/* Strict "YYYY-MM-DD" with a real calendar day.  NULL → false. */
bool visa_date_parse(const char *s, visa_date *out);
/* Days since 1970-01-01 (negative before). */
long visa_date_days(visa_date d);
/* Adds calendar months, clamping the day to the month's length
 * (2025-08-31 + 6 months → 2026-02-28). */
visa_date visa_date_add_months(visa_date d, int months);
/* Formatters; caller frees with g_free(). */
char *visa_date_iso(visa_date d);   /* 2025-03-05 */
char *visa_date_slash(visa_date d); /* 2025/03/05 (the system's YYYY/MM/DD) */
char *visa_date_us(visa_date d);    /* 03/05/2025 (the receipt's MM/DD/YYYY) */
char *visa_date_zh(visa_date d);    /* 2025年3月5日 (GB/T 9704 §7.3.5.4: no zero padding) */
char *visa_date_cn(visa_date d);    /* 二〇二五年三月五日 (DOMAIN §1.2) */
void visa_set_date(const ws_host_services *h, ws_value *map, const char *key, const char *iso,
                   char *(*fmt)(visa_date));

/* ---- fixed-point decimals (money in integer cents, no doubles) ---- */
/* Parses an unsigned decimal with at most `max_decimals` fraction digits
 * ("185", "185.0", "185.00") into units of 10^-scale (scale ≥ max_decimals).
 * Rejects signs, exponents, spaces and values over 10^12 units. */
bool visa_decimal_parse(const char *s, int max_decimals, int scale, int64_t *out);
/* "1369.00" from 136900.  Caller frees with g_free(). */
char *visa_cents_format(int64_t cents);
/* round_half_up(n × fee × rate, 0.01) in cents.  fee in cents, rate in
 * 10^-4.  False on overflow (n > 10^4, fee or rate > 10^8 units).  The
 * record rounds per applicant (n = 1) and sums: see record.h visa_money.
 * A rate is printed as entered, never reformatted. */
bool visa_cny_cents(int64_t n, int64_t fee_cents, int64_t rate_e4, int64_t *out);

/* ---- patterns (GRegex compiled once, anchored with $ = end only) ---- */
typedef struct visa_re {
	const char *pattern;
	void *re;    /* GRegex *, compiled on first use */
	size_t once; /* g_once guard */
} visa_re;
#define VISA_RE(p) {(p), NULL, 0}
bool visa_re_match(visa_re *re, const char *s);

/* ---- text ---- */
bool visa_has_han(const char *s);              /* any CJK ideograph */
size_t visa_utf8_len(const char *s);           /* characters */
/* Length of the longest run of ASCII letters. */
size_t visa_ascii_letter_run(const char *s);

/* ---- reference tables (DOMAIN §4.4, §4.5) ---- */
typedef struct visa_post {
	const char *code;       /* BEIJING */
	const char *name_zh;    /* 受照机关: 美利坚合众国驻华大使馆 */
	const char *short_zh;   /* 美国驻华大使馆 */
	const char *city_zh;    /* 北京 */
	const char *address_zh;
	const char *address_en;
	const char *street_en;  /* 街道地址 */
	const char *street2_en; /* 街道地址续 */
	const char *city_postal_en; /* 城市、邮政编码 */
} visa_post;
const visa_post *visa_post_find(const char *code);

typedef struct visa_citic {
	const char *code, *name_zh, *address_zh, *address_en;
} visa_citic;
const visa_citic *visa_citic_find(const char *code);

/* Passport types of §4.2, in their Chinese labels (普通/公务普通/公务/外交). */
const char *visa_passport_type_zh(const char *type);
/* The passport type a passport number's prefix implies ("PE0000001" →
 * "official_ordinary"), or NULL when the number fits no known pattern.
 * *legacy is set when only a pre-2012 pattern matched (warning only). */
const char *visa_passport_type_of_number(const char *no, bool *legacy);

/* Visa classes (§4.4).  The key upper-cases and drops '-' and spaces, so
 * "B-1", "b1" and "B1" compare equal.  Caller frees. */
char *visa_class_key(const char *cls);
bool visa_class_known(const char *cls);
bool visa_class_official(const char *cls); /* G-1..G-4, C-3: fee-exempt */
/* The MRV fee in cents for the class (since 2023-06-17), or -1 when the
 * fee is not known (T/U: exemption unverified). */
int64_t visa_class_fee_cents(const char *cls);
/* The one spelling every document prints: the system's Visa Class tag
 * (seed): "b-1" → "B1", "B1/B2", "C1" → "C-1", "E2C" → "E-2C"; classes the
 * tag page does not list as the State Department writes them ("A1" →
 * "A-1", "H1B" → "H-1B").  Caller frees. */
char *visa_class_display(const char *cls);

#endif
