/* Values: the tree that YAML, JSON and CSV files load into, and that
 * expressions evaluate to.
 *
 * A value is null, a boolean, a number, a string, a list or a map (keys are
 * strings, insertion order is kept).  Every value loaded from a file carries
 * the ws_loc of its first character, so a rule that fails on a value can name
 * `file:line:col`.
 *
 * Scalars keep the text they were written with.  A plain (unquoted) YAML
 * scalar is typed by the YAML 1.2 core schema: `null`, `~` and empty → null;
 * `true`/`false` → bool; decimal numbers → number; everything else is a
 * string.  Quoted scalars are always strings.  ws_value_text() returns the
 * original text for every scalar, so "007" or "2025-03-05" are never
 * reformatted.
 *
 * Ownership: values are reference-counted (atomically, so a loaded layout or
 * data file can be shared by worker threads).  Functions named *_new* and
 * ws_value_ref() return a reference the caller releases with
 * ws_value_unref(); getters return borrowed pointers valid while the parent
 * lives.  A value is mutable only until it is shared: do not modify a value
 * that another thread may be reading.
 */
#ifndef WS_VALUE_H
#define WS_VALUE_H

#include <stdbool.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ws_value_type {
	WS_VALUE_NULL = 0,
	WS_VALUE_BOOL,
	WS_VALUE_NUMBER,
	WS_VALUE_STRING,
	WS_VALUE_LIST,
	WS_VALUE_MAP,
} ws_value_type;

typedef struct ws_value ws_value;

/* Constructors.  `loc` may be WS_LOC_NONE.  Strings are copied and must be
 * valid UTF-8 (the loaders check; constructors assume). */
WS_EXPORT ws_value *ws_value_new_null(ws_loc loc);
WS_EXPORT ws_value *ws_value_new_bool(bool b, ws_loc loc);
WS_EXPORT ws_value *ws_value_new_number(double n, ws_loc loc);
/* A number that keeps the text it was written with (e.g. "185.00"). */
WS_EXPORT ws_value *ws_value_new_number_text(double n, const char *text, ws_loc loc);
WS_EXPORT ws_value *ws_value_new_string(const char *s, ws_loc loc);
WS_EXPORT ws_value *ws_value_new_string_len(const char *s, size_t len, ws_loc loc);
/* Takes ownership of `s` (allocated with g_malloc). */
WS_EXPORT ws_value *ws_value_new_string_take(char *s, ws_loc loc);
WS_EXPORT ws_value *ws_value_new_list(ws_loc loc);
WS_EXPORT ws_value *ws_value_new_map(ws_loc loc);

WS_EXPORT ws_value *ws_value_ref(ws_value *v);
WS_EXPORT void ws_value_unref(ws_value *v); /* NULL is a no-op */

WS_EXPORT ws_value_type ws_value_get_type(const ws_value *v); /* NULL → WS_VALUE_NULL */
WS_EXPORT const char *ws_value_type_name(ws_value_type t);    /* "null", "string", ... */
WS_EXPORT ws_loc ws_value_loc(const ws_value *v);             /* NULL → WS_LOC_NONE */
/* Where byte `offset` of a scalar's text was written, for pointing inside
 * it (a template error at its own character).  For a plain scalar that is
 * ws_value_loc() moved along the text, a line down at each line break (a
 * continuation line restarts at the value's column); for a quoted one the
 * loader said where the text starts inside the quotes and where escapes
 * ("\t", "''") shift it (ws_value_set_text_map).  An offset past the end
 * gives the end. */
WS_EXPORT ws_loc ws_value_text_loc(const ws_value *v, size_t offset);
/* The position `len` bytes further along `text` written from `at`: a
 * column a character, a line down at each '\n', the next line starting
 * at column `base` (how a template locates its characters). */
WS_EXPORT ws_loc ws_loc_along(ws_loc at, unsigned base, const char *text, size_t len);
/* For loaders, on a string they made: its text starts at `start` (the
 * first character inside the quotes), and from byte `at[k]` of the text
 * on, it stands at column `cols[k]` of that line (after the k-th escape,
 * on a quoted scalar written on one line); `at` ascending.  Copied. */
WS_EXPORT void ws_value_set_text_map(ws_value *v, ws_loc start, const size_t *at, const unsigned *cols,
                                     size_t n);

WS_EXPORT bool ws_value_is_null(const ws_value *v); /* NULL pointer counts as null */
WS_EXPORT bool ws_value_bool(const ws_value *v);    /* non-bool → false */
WS_EXPORT double ws_value_number(const ws_value *v); /* non-number → 0 */
/* The text of a scalar: the string itself, the number or bool as written,
 * "" for null.  NULL for lists and maps.  Borrowed. */
WS_EXPORT const char *ws_value_text(const ws_value *v);
WS_EXPORT size_t ws_value_text_len(const ws_value *v);
/* Truthiness for `when:` and `and/or/not`: null, false, 0, "", [] and {} are false. */
WS_EXPORT bool ws_value_truthy(const ws_value *v);

/* Lists and maps.  ws_value_length: items of a list, entries of a map, 0 otherwise. */
WS_EXPORT size_t ws_value_length(const ws_value *v);
WS_EXPORT ws_value *ws_value_list_at(const ws_value *list, size_t i);       /* borrowed or NULL */
WS_EXPORT void ws_value_list_append(ws_value *list, ws_value *item);        /* takes `item` */
WS_EXPORT ws_value *ws_value_map_get(const ws_value *map, const char *key); /* borrowed or NULL */
WS_EXPORT const char *ws_value_map_key_at(const ws_value *map, size_t i);   /* borrowed */
WS_EXPORT ws_loc ws_value_map_key_loc(const ws_value *map, size_t i);
WS_EXPORT ws_value *ws_value_map_value_at(const ws_value *map, size_t i);   /* borrowed */
/* Sets or replaces `key`; takes `val`.  `key_loc` is where the key was written. */
WS_EXPORT void ws_value_map_set(ws_value *map, const char *key, ws_value *val, ws_loc key_loc);
WS_EXPORT bool ws_value_map_remove(ws_value *map, const char *key);

/* Looks up a dotted path with list indices: "appointment.date",
 * "applicants[0].surname", "applicants.0.surname".  Returns the value
 * (borrowed) or NULL when any step is missing. */
WS_EXPORT ws_value *ws_value_lookup(const ws_value *root, const char *path);

/* Deep copy (locations kept).  Caller unrefs. */
WS_EXPORT ws_value *ws_value_copy(const ws_value *v);
/* Structural equality: same type and same content; scalars compare by text. */
WS_EXPORT bool ws_value_equal(const ws_value *a, const ws_value *b);

/* A compact one-line rendering for messages and debugging (YAML flow style,
 * strings quoted).  Caller frees with g_free(). */
WS_EXPORT char *ws_value_to_string(const ws_value *v);

#ifdef __cplusplus
}
#endif
#endif
