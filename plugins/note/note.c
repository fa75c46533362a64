/* Plugin "note": 中文照会（普通照会） (DOMAIN §5.5).
 *
 * The note prints the group's itinerary, each applicant's work unit and
 * position, the inviting party and the note number; its own rule is X14
 * (x14.c).  The record-wide fields and rules come from plugins/visa. */
#include "visa.h"
#include "x14.h"

static const visa_need note_needs[] = {
	/* the body reads 应〈邀请单位〉邀请: without it the sentence is broken */
	{"inviting_party", VISA_NEED_ERROR,
	 "inviting_party (邀请单位) is missing; the note's body begins 应〈邀请单位〉邀请 and cannot be printed without it"},
	{"us_itinerary", VISA_NEED_ERROR, NULL},
	{"applicants[].employer", VISA_NEED_ERROR, NULL},
	{"applicants[].position", VISA_NEED_ERROR, NULL},
	/* DOMAIN §4.1: the number is checked as a warning; a note may be
	 * printed for the number to be written in when it is sealed */
	{"note.no", VISA_NEED_WARNING,
	 "note number (照会编号) is missing; the number line stays blank (write it in before sealing)"},
	{NULL, 0, NULL},
};

static const visa_form note_form = {.validate = note_check_x14, .needs = note_needs};

static const ws_kind_desc kinds[] = {
	{.name = "note", .title = "中文照会", .layout = "note.yaml",
	 .derive = visa_derive, .validate = visa_validate, .data = &note_form},
};

WS_PLUGIN_DEFINE(.name = "note", .version = VISA_PLUGIN_VERSION,
                 .description = "中文照会（普通照会）: derive and validate for U.S. visa paperwork",
                 .kinds = kinds, .n_kinds = 1)
