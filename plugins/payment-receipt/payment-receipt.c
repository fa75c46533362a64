/* Plugin "payment-receipt": 缴费确认单 (Confirm Receipt, DOMAIN §5.2),
 * the payment page as printed; it is the reimbursement voucher.
 *
 * It prints the payment date, one MRV receipt number per applicant and the
 * fee equation lines of the payment page, derived here from the record's
 * fixed-point money (plugins/visa, docs/rules.md "Money"). */
#include <glib.h>

#include "record.h"

static const visa_need receipt_needs[] = {
	{"payment", VISA_NEED_ERROR, NULL},
	{"payment.date", VISA_NEED_ERROR, NULL},
	{"applicants[].mrv_receipt_no", VISA_NEED_IF_FEE, "the receipt lists one per applicant"},
	{NULL, 0, NULL},
};

/* derived.receipt_print_date, total_fee_display, fee_calc_line, rate_line. */
static void derive(const ws_host_services *h, const ws_value *group, ws_value *out)
{
	/* Confirm Receipt prints MM/DD/YYYY (seed step 13: 12/11/2024) */
	visa_set_date(h, out, "receipt_print_date",
	              visa_text(h, visa_get(h, group, "payment"), "date"), visa_date_us);
	visa_money m;
	visa_money_compute(h, group, &m);
	if (!m.have_totals) {
		static const char *const keys[] = {"total_fee_display", "fee_calc_line", "rate_line"};
		for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
			visa_set_str(h, out, keys[i], NULL);
		return;
	}
	const char *rate = m.rate_text;
	char *fee = visa_cents_format(m.fee_cents), *per = visa_cents_format(m.per_cny_cents);
	char *usd = visa_cents_format(m.total_usd_cents), *cny = visa_cents_format(m.total_cny_cents);
	/* seed step 12/13: "1369.00 CNY (185.00 USD)", CNY first */
	visa_set_take(h, out, "total_fee_display", g_strdup_printf("%s CNY (%s USD)", cny, usd));
	/* Every equation true as printed (docs/rules.md "Money").  When fee ×
	 * rate is a whole number of fen, n × fee × rate is the total exactly
	 * and the payment page's own line is true.  Otherwise the per-applicant
	 * amount is rounded once, marked ≈, and the total is n times it. */
	if (m.per_exact)
		visa_set_take(h, out, "fee_calc_line",
		              g_strdup_printf("(%" G_GINT64_FORMAT " @ %s USD) x %s CNY/USD = %s (%s USD)",
		                              m.n, fee, rate, cny, usd));
	else
		visa_set_take(h, out, "fee_calc_line",
		              g_strdup_printf("%" G_GINT64_FORMAT " x (%s USD x %s CNY/USD ≈ %s) = %s (%s USD)",
		                              m.n, fee, rate, per, cny, usd));
	visa_set_take(h, out, "rate_line", g_strdup_printf("1.00 USD = %s CNY", rate));
	g_free(fee);
	g_free(per);
	g_free(usd);
	g_free(cny);
}

static const visa_form receipt_form = {.needs = receipt_needs, .fee_receipt = true, .derive = derive};

static const ws_kind_desc kinds[] = {
	{.name = "payment-receipt", .title = "缴费确认单", .layout = "payment-receipt.yaml",
	 .derive = visa_derive, .validate = visa_validate, .data = &receipt_form},
};

WS_PLUGIN_DEFINE(.name = "payment-receipt", .version = VISA_PLUGIN_VERSION,
                 .description = "缴费确认单（Confirm Receipt）: derive and validate for U.S. visa paperwork",
                 .kinds = kinds, .n_kinds = 1)
