/* Plugin "registration-self": 自行预约美国签证面谈时间登记表 (DOMAIN §5).  The hooks live in the shared
 * visa library (plugins/visa); this module publishes its kind. */
#include "visa.h"

WS_PLUGIN_DEFINE(.name = "registration-self", .version = VISA_PLUGIN_VERSION,
                 .description = "自行预约美国签证面谈时间登记表: derive and validate for U.S. visa paperwork",
                 .kinds = &visa_kinds[VISA_KIND_REGISTRATION_SELF], .n_kinds = 1)
