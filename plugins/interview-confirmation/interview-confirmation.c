/* Plugin "interview-confirmation": 面谈确认单 (DOMAIN §5).  The hooks live in the shared
 * visa library (plugins/visa); this module publishes its kind. */
#include "visa.h"

WS_PLUGIN_DEFINE(.name = "interview-confirmation", .version = VISA_PLUGIN_VERSION,
                 .description = "面谈确认单: derive and validate for U.S. visa paperwork",
                 .kinds = &visa_kinds[VISA_KIND_INTERVIEW_CONFIRMATION], .n_kinds = 1)
