/* Plugin "note-cover": 照会封面 (DOMAIN §5).  The hooks live in the shared
 * visa library (plugins/visa); this module publishes its kind. */
#include "visa.h"

WS_PLUGIN_DEFINE(.name = "note-cover", .version = VISA_PLUGIN_VERSION,
                 .description = "照会封面: derive and validate for U.S. visa paperwork",
                 .kinds = &visa_kinds[VISA_KIND_NOTE_COVER], .n_kinds = 1)
