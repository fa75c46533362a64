/* "Did you mean ...?" suggestions for misspelt names (kinds, element
 * types, keys). */
#ifndef WS_SUGGEST_H
#define WS_SUGGEST_H

#include <stddef.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The Levenshtein distance between two UTF-8 strings, counted in Unicode
 * characters (an insertion, deletion or substitution costs 1). */
WS_EXPORT size_t ws_edit_distance(const char *a, const char *b);

/* The candidate closest to `word` when it is at most 2 edits away and closer
 * than the length of `word` (so "x" suggests nothing); ties go to the
 * earliest candidate.  NULL candidates are skipped; an exact match is
 * returned as is.  Returns a pointer into `candidates` (borrowed) or NULL. */
WS_EXPORT const char *ws_suggest(const char *word, const char *const *candidates, size_t n);

#ifdef __cplusplus
}
#endif
#endif
