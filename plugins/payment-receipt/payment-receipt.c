/* Plugin "payment-receipt": 缴费确认单（Confirm Receipt） (DOMAIN §5).  The hooks live in the shared
 * visa library (plugins/visa); this module publishes its kind. */
#include "visa.h"

WS_PLUGIN_DEFINE(.name = "payment-receipt", .version = VISA_PLUGIN_VERSION,
                 .description = "缴费确认单（Confirm Receipt）: derive and validate for U.S. visa paperwork",
                 .kinds = &visa_kinds[VISA_KIND_PAYMENT_RECEIPT], .n_kinds = 1)
