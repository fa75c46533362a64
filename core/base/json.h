/* Writing JSON text: the few pieces `wenshu schema` needs (strings with
 * their escapes, lists of strings).  Not installed. */
#ifndef WS_JSON_H
#define WS_JSON_H

#include <glib.h>

/* Appends `s` as a JSON string, quoted and escaped. */
void ws__json_string(GString *out, const char *s);
/* Appends ["a","b",...] from a NULL-terminated list. */
void ws__json_strings(GString *out, const char *const *list);

#endif
