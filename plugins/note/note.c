/* Plugin "note": 中文照会（普通照会） (DOMAIN §5).  The hooks live in the shared
 * visa library (plugins/visa); this module publishes its kind. */
#include "visa.h"

WS_PLUGIN_DEFINE(.name = "note", .version = VISA_PLUGIN_VERSION,
                 .description = "中文照会（普通照会）: derive and validate for U.S. visa paperwork",
                 .kinds = &visa_kinds[VISA_KIND_NOTE], .n_kinds = 1)
