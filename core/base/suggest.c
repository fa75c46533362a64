/* Edit-distance suggestions. */
#include "suggest.h"

#include <glib.h>

#define WS_SUGGEST_MAX_DISTANCE 2

size_t ws_edit_distance(const char *a, const char *b)
{
	glong la = 0, lb = 0;
	gunichar *ua = g_utf8_to_ucs4_fast(a ? a : "", -1, &la);
	gunichar *ub = g_utf8_to_ucs4_fast(b ? b : "", -1, &lb);
	/* one row of the dynamic-programming table, plus the diagonal */
	size_t *row = g_new(size_t, (gsize)lb + 1);
	for (glong j = 0; j <= lb; j++)
		row[j] = (size_t)j;
	for (glong i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = (size_t)i;
		for (glong j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (ua[i - 1] == ub[j - 1] ? 0 : 1);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	size_t d = row[lb];
	g_free(row);
	g_free(ua);
	g_free(ub);
	return d;
}

const char *ws_suggest(const char *word, const char *const *candidates, size_t n)
{
	if (!word || !candidates)
		return NULL;
	size_t len = (size_t)g_utf8_strlen(word, -1);
	const char *best = NULL;
	size_t best_d = WS_SUGGEST_MAX_DISTANCE + 1;
	for (size_t i = 0; i < n; i++) {
		if (!candidates[i])
			continue;
		size_t d = ws_edit_distance(word, candidates[i]);
		if (d < best_d && d < len + (d == 0)) {
			best = candidates[i];
			best_d = d;
		}
	}
	return best;
}
