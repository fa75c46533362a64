/* Plugin "specimen": 排版样张, a page of static text that shows the Chinese
 * layout rules (DOMAIN §2) on and off.  It needs no data: no derive, no
 * rules, and none of the visa record library. */
#include "plugin-abi.h"

static const ws_kind_desc kinds[] = {
	{.name = "specimen", .title = "排版样张", .layout = "specimen.yaml"},
};

WS_PLUGIN_DEFINE(.name = "specimen", .version = "2.0",
                 .description = "排版样张: typography specimen of the Chinese layout rules (no data)",
                 .kinds = kinds, .n_kinds = 1)
