/* Plugin "specimen": 排版样张, a page of static text that shows the Chinese
 * layout rules (DOMAIN §2) on and off.  It needs no data: no derive, no
 * rules. */
#include "visa.h"

WS_PLUGIN_DEFINE(.name = "specimen", .version = VISA_PLUGIN_VERSION,
                 .description = "排版样张: typography specimen of the Chinese layout rules (no data)",
                 .kinds = &visa_specimen_kind, .n_kinds = 1)
