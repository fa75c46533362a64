/* The input fields of a group (DOMAIN.md §4): what a data file may hold,
 * one table.  `wenshu schema data` writes the JSON Schema of data files
 * from it (ws_data_json_schema), docs/fields.md lists every one of them
 * (tests/test_schema.c checks both ways), and the shipped samples hold no
 * other key.  The checks of the values are the kinds' rules
 * (plugins/visa/rules.c, docs/rules.md); the schema carries the shape,
 * the value types and the closed sets, for an editor to complete and flag
 * as the clerk types.  A group may hold fields of its own besides these
 * (an office form prints them): the schema does not refuse them. */
#ifndef WS_FIELDS_H
#define WS_FIELDS_H

#include <stddef.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ws_field_type {
	WS_FIELD_TEXT,      /* text (a number-looking one, e.g. an id, may be typed as a number) */
	WS_FIELD_DATE,      /* YYYY-MM-DD */
	WS_FIELD_TIME,      /* HH:MM, 24 h */
	WS_FIELD_INT,       /* a whole number */
	WS_FIELD_DECIMAL,   /* money or a rate: 185.00, "7.40" */
	WS_FIELD_TEXT_LIST, /* a list of texts (one text is taken as a list of one) */
	WS_FIELD_ADDRESS,   /* a map of the address fields (ws_address_fields) */
	WS_FIELD_MAP,       /* a map of the fields below it (path "x.y") */
	WS_FIELD_LIST,      /* a list of maps of the fields below it (path "x[].y") */
} ws_field_type;

typedef struct ws_data_field {
	const char *path;          /* from the group: "note.number", "applicants[].passport_no" */
	ws_field_type type;
	const char *label;         /* 中文标签 */
	const char *example;       /* as in the samples, or NULL */
	const char *const *values; /* the closed set of values, NULL-terminated; NULL when open */
} ws_data_field;

/* The i-th input field of a group; NULL past the last. */
WS_EXPORT const ws_data_field *ws_data_field_at(size_t i);
/* The i-th field of an address (DOMAIN §4.3); NULL past the last. */
WS_EXPORT const ws_data_field *ws_address_field_at(size_t i);

/* The JSON Schema (draft-07) of a data file, as text (caller frees). */
WS_EXPORT char *ws_data_json_schema(void);

#ifdef __cplusplus
}
#endif
#endif
