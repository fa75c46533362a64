/* Plugin "note-cover": 照会封面 (DOMAIN §5.6).
 *
 * The cover prints the note's number and addressee, so it needs the number
 * and runs the note's X14 (plugins/note/x14.c); the routing slip's fields
 * are record-wide (plugins/visa). */
#include "visa.h"
#include "x14.h"

static const visa_need cover_needs[] = {
	{"note.no", VISA_NEED_WARNING,
	 "note number (照会编号) is missing; the number line stays blank (write it in before sealing)"},
	{NULL, 0, NULL},
};

static const visa_form cover_form = {.validate = note_check_x14, .needs = cover_needs};

static const ws_kind_desc kinds[] = {
	{.name = "note-cover", .title = "照会封面", .layout = "note-cover.yaml",
	 .derive = visa_derive, .validate = visa_validate, .data = &cover_form},
};

WS_PLUGIN_DEFINE(.name = "note-cover", .version = VISA_PLUGIN_VERSION,
                 .description = "照会封面: derive and validate for U.S. visa paperwork",
                 .kinds = kinds, .n_kinds = 1)
