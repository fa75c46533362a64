/* Reading a group record through the host services. */
#include "record.h"

#include <string.h>

const ws_value *visa_get(const ws_host_services *h, const ws_value *map, const char *key)
{
	if (!map || h->value_type(map) != WS_VALUE_MAP)
		return NULL;
	const ws_value *v = h->map_get(map, key);
	return v && h->value_type(v) != WS_VALUE_NULL ? v : NULL;
}

const char *visa_text(const ws_host_services *h, const ws_value *map, const char *key)
{
	const ws_value *v = visa_get(h, map, key);
	if (!v)
		return NULL;
	ws_value_type t = h->value_type(v);
	if (t == WS_VALUE_LIST || t == WS_VALUE_MAP)
		return NULL;
	const char *s = h->value_text(v);
	return s && *s ? s : NULL;
}

const ws_value *visa_contact(const ws_host_services *h, const ws_value *group, const char *what,
                             const char **path)
{
	static const struct {
		const char *what, *nested, *flat, *nested_path, *flat_path;
	} map[] = {
		{"name", "name", "contact_name", "group.contact.name", "group.contact_name"},
		{"mobile", "mobile", "contact_mobile", "group.contact.mobile", "group.contact_mobile"},
		{"landline", "landline", "contact_landline", "group.contact.landline",
		 "group.contact_landline"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (strcmp(map[i].what, what) != 0)
			continue;
		const ws_value *v = visa_get(h, visa_get(h, group, "contact"), map[i].nested);
		if (v) {
			if (path)
				*path = map[i].nested_path;
			return v;
		}
		if (path)
			*path = map[i].flat_path;
		return visa_get(h, group, map[i].flat);
	}
	return NULL;
}

void visa_money_compute(const ws_host_services *h, const ws_value *group, visa_money *m)
{
	memset(m, 0, sizeof *m);
	const ws_value *apps = visa_get(h, group, "applicants");
	m->n = apps && h->value_type(apps) == WS_VALUE_LIST ? (int64_t)h->value_length(apps) : 0;
	const ws_value *pay = visa_get(h, group, "payment");
	/* fee decimal(2); rate decimal(2–4) (§4.1) */
	m->have_fee = visa_decimal_parse(visa_text(h, pay, "fee_usd_per_applicant"), 2, 2, &m->fee_cents);
	const char *rate = visa_text(h, pay, "cny_per_usd");
	m->have_rate = visa_decimal_parse(rate, 4, 4, &m->rate_e4);
	m->rate_text = m->have_rate ? rate : NULL;
	/* visa_cny_cents bounds n, fee and rate, so n × per fits int64 */
	if (m->have_fee && m->have_rate &&
	    visa_cny_cents(1, m->fee_cents, m->rate_e4, &m->per_cny_cents) && m->n <= 10000) {
		m->per_exact = (m->fee_cents * m->rate_e4) % 10000 == 0;
		m->total_cny_cents = m->n * m->per_cny_cents;
		m->total_usd_cents = m->n * m->fee_cents;
		m->have_totals = true;
	}
	m->have_mfa = visa_decimal_parse(visa_text(h, group, "mfa_pickup_fee_cny"), 2, 2, &m->mfa_cents);
}

size_t visa_primary_index(const ws_host_services *h, const ws_value *group)
{
	const ws_value *apps = visa_get(h, group, "applicants");
	size_t n = h->value_type(apps) == WS_VALUE_LIST ? h->value_length(apps) : 0;
	for (size_t i = 0; i < n; i++) {
		const char *role = visa_text(h, h->list_at(apps, i), "role");
		if (role && strcmp(role, "primary") == 0)
			return i;
	}
	return 0;
}
