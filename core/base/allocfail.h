/* Allocation failures the process has seen.  The command line wraps
 * malloc & co. (cli/allocwatch.c) and notes every NULL the allocator
 * returned, so that a library that swallows one cannot make wenshu commit
 * a damaged file: Cairo 1.16's PDF backend, out of memory while it
 * subsets a font or maps glyphs, writes the file without that font and
 * still reports success.  The writer (core/output) compares the count
 * before and after a file and drops the file when it changed.
 *
 * Process-wide because malloc is.  A program that embeds the library
 * without such a wrapper always reads 0: nothing changes for it. */
#ifndef WS_ALLOCFAIL_H
#define WS_ALLOCFAIL_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Counts one failed allocation.  Lock-free; safe inside malloc. */
WS_EXPORT void ws_alloc_failure_note(void);
/* Failed allocations noted so far. */
WS_EXPORT unsigned long ws_alloc_failures(void);

#ifdef __cplusplus
}
#endif
#endif
