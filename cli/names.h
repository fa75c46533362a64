/* Output names from templates such as "out/{group.group_id}-{kind}.pdf". */
#ifndef WS_CLI_NAMES_H
#define WS_CLI_NAMES_H

#include <stddef.h>

#include "wenshu.h"

/* Expands an output template such as "out/{group.group_id}-{kind}.pdf";
 * `kind` is the layout's name (ws_layout_name), for {kind} and {layout}.
 * Values taken from data are sanitized so they can never leave the
 * template's folder: '/', '\\', the characters Windows forbids, bytes that
 * are not UTF-8 and a leading '.' become '_'; controls, bidi controls and
 * other invisible characters are removed; a value longer than 120 bytes is
 * cut at a character boundary, with a note in `diags` naming the field.  Returns NULL and reports when the result would still escape (an
 * absolute or ".." template is the user's own choice and is kept).
 * Caller g_free()s. */
char *ws_cli_expand_name(const char *tmpl, const ws_value *group, const char *kind,
                         const char *format, size_t index, ws_diags *diags);

#endif
