/* Reading a group record through the host services: for the record
 * library and the kind plugins that derive or check fields of their own. */
#ifndef WS_VISA_RECORD_H
#define WS_VISA_RECORD_H

#include "visa.h"

/* The value under `key`, or NULL when the key is absent or its value is null. */
const ws_value *visa_get(const ws_host_services *h, const ws_value *map, const char *key);
/* The scalar text under `key`; NULL when absent, null, empty, a list or a map. */
const char *visa_text(const ws_host_services *h, const ws_value *map, const char *key);

/* The group's contact fields: the sample's `contact: {name, mobile,
 * landline}` map, or the flat contact_name / contact_mobile /
 * contact_landline of DOMAIN §4.1.  Sets the value pointer (may be NULL)
 * and, when `path` is given, the data path it came from (static). */
const ws_value *visa_contact(const ws_host_services *h, const ws_value *group, const char *what,
                             const char **path);

/* The seed's delivery address for officials' passports (seed step 11,
 * DOMAIN §4.5): the 外交部领事服务中心, where 护签部 collects them
 * ("由护签部统一领取").  Derive prints it when a premium-delivery group
 * gives none; validate warns when a group gives another. */
#define VISA_SEED_DELIVERY_NAME "外交部领事服务中心"
#define VISA_SEED_DELIVERY_STREET "北京市朝阳区朝阳门外大街18号丰联广场B座11层"
#define VISA_SEED_DELIVERY_CITY "北京市"
#define VISA_SEED_DELIVERY_STATE "北京市"
#define VISA_SEED_DELIVERY_POSTAL "100020"
#define VISA_SEED_DELIVERY_COUNTRY "CHINA"
#define VISA_SEED_DELIVERY_NOTE "由护签部统一领取"
/* what a street must contain to be that address (with or without "B座11层") */
#define VISA_SEED_DELIVERY_MATCH "朝阳门外大街18号丰联广场"

/* The fee arithmetic of DOMAIN §4.1 / X8, from payment.fee_usd_per_applicant
 * and payment.cny_per_usd, for n = len(applicants).
 *
 * One rounding, per applicant (docs/rules.md "Money"): the MRV fee is paid
 * per applicant, so each applicant's CNY amount is fee × rate rounded half
 * up to the fen, and every total is an exact sum of such amounts.  So
 * "n × per-person = total" holds as printed; for a rate of at most two
 * decimals (the consular rates seen, 7.40) fee × rate needs no rounding
 * and this equals DOMAIN's round_half_up(n × fee × rate). */
typedef struct visa_money {
	int64_t n;                 /* applicants in the group */
	bool have_fee, have_rate;  /* parsed successfully */
	int64_t fee_cents;         /* USD cents per applicant */
	int64_t rate_e4;           /* CNY per USD, in 10^-4 */
	const char *rate_text;     /* the rate exactly as entered ("7.0010"); borrowed
	                            * from the group, NULL unless have_rate */
	bool have_totals;          /* fee and rate parsed and the products fit */
	bool per_exact;            /* fee × rate is a whole number of fen (no rounding) */
	int64_t total_usd_cents;   /* n × fee */
	int64_t per_cny_cents;     /* round_half_up(fee × rate) */
	int64_t total_cny_cents;   /* n × per_cny_cents */
	bool have_mfa;             /* mfa_pickup_fee_cny present and parsed */
	int64_t mfa_cents;
} visa_money;
void visa_money_compute(const ws_host_services *h, const ws_value *group, visa_money *out);

/* Index of the first applicant whose role is "primary", or 0. */
size_t visa_primary_index(const ws_host_services *h, const ws_value *group);

#endif
