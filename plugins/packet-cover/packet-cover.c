/* Plugin "packet-cover": 邮寄材料清单, the first page of `wenshu packet`
 * (seed 一(二), 二(一)).  The hooks live in the shared visa library
 * (plugins/visa): derive lists the route's documents in
 * group.derived.packet, validate runs the record rules. */
#include "visa.h"

WS_PLUGIN_DEFINE(.name = "packet-cover", .version = VISA_PLUGIN_VERSION,
                 .description = "邮寄材料清单: the mailing packet's cover and checklist for U.S. visa paperwork",
                 .kinds = &visa_kinds[VISA_KIND_PACKET_COVER], .n_kinds = 1)
