/* Plugin "registration-delegated": 委托护照签证部预约美国签证面谈登记表 (DOMAIN §5).  The hooks live in the shared
 * visa library (plugins/visa); this module publishes its kind. */
#include "visa.h"

WS_PLUGIN_DEFINE(.name = "registration-delegated", .version = VISA_PLUGIN_VERSION,
                 .description = "委托护照签证部预约美国签证面谈登记表: derive and validate for U.S. visa paperwork",
                 .kinds = &visa_kinds[VISA_KIND_REGISTRATION_DELEGATED], .n_kinds = 1)
