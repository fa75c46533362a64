/* The command line's allocator: glibc's (or whatever comes next: a test's
 * LD_PRELOAD shim), with every failure noted for the writer (allocfail.h).
 * A malloc defined in the executable is the one every library calls.
 *
 * The next allocator is looked up once, in a constructor; until then (the
 * libraries' own constructors, dlsym itself) glibc's is called directly.
 * Not built under AddressSanitizer, whose runtime must own malloc; under
 * valgrind, memcheck replaces these like any malloc and nothing is noted. */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "allocfail.h"

#if !defined(__SANITIZE_ADDRESS__)

#define WATCH __attribute__((visibility("default")))

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);

static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static int (*next_posix_memalign)(void **, size_t, size_t);
static void *(*next_aligned_alloc)(size_t, size_t);
static void *(*next_memalign)(size_t, size_t);

/* dlsym gives a data pointer; POSIX guarantees it converts. */
#define RESOLVE(var, name)                                   \
	do {                                                     \
		void *sym = dlsym(RTLD_NEXT, name);                  \
		memcpy(&(var), &sym, sizeof(var));                   \
	} while (0)

__attribute__((constructor)) static void resolve(void)
{
	void *(*m)(size_t) = NULL;
	void *(*c)(size_t, size_t) = NULL;
	void *(*r)(void *, size_t) = NULL;
	int (*pm)(void **, size_t, size_t) = NULL;
	void *(*aa)(size_t, size_t) = NULL;
	void *(*ma)(size_t, size_t) = NULL;
	RESOLVE(m, "malloc");
	RESOLVE(c, "calloc");
	RESOLVE(r, "realloc");
	RESOLVE(pm, "posix_memalign");
	RESOLVE(aa, "aligned_alloc");
	RESOLVE(ma, "memalign");
	next_malloc = m;
	next_calloc = c;
	next_realloc = r;
	next_posix_memalign = pm;
	next_aligned_alloc = aa;
	next_memalign = ma;
}

static void *noted(void *p, size_t n)
{
	if (!p && n)
		ws_alloc_failure_note();
	return p;
}

WATCH void *malloc(size_t n)
{
	return noted(next_malloc ? next_malloc(n) : __libc_malloc(n), n);
}

WATCH void *calloc(size_t n, size_t size)
{
	return noted(next_calloc ? next_calloc(n, size) : __libc_calloc(n, size), n && size);
}

WATCH void *realloc(void *p, size_t n)
{
	/* realloc(p, 0) frees and may return NULL: no failure. */
	return noted(next_realloc ? next_realloc(p, n) : __libc_realloc(p, n), n);
}

WATCH int posix_memalign(void **out, size_t align, size_t n)
{
	int rc;
	if (next_posix_memalign) {
		rc = next_posix_memalign(out, align, n);
	} else {
		void *p = __libc_memalign(align, n);
		rc = p ? 0 : ENOMEM;
		if (p)
			*out = p;
	}
	if (rc != 0)
		ws_alloc_failure_note();
	return rc;
}

WATCH void *aligned_alloc(size_t align, size_t n)
{
	return noted(next_aligned_alloc ? next_aligned_alloc(align, n) : __libc_memalign(align, n), n);
}

WATCH void *memalign(size_t align, size_t n)
{
	return noted(next_memalign ? next_memalign(align, n) : __libc_memalign(align, n), n);
}

#endif
