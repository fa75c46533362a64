/* An LD_PRELOAD shim that makes one allocation fail, for the allocation-
 * failure test in tests/test_hostile.c (and by hand, see
 * docs/reliability.md):
 *
 *   WS_FAILMALLOC_AT=N      call N (1-based) to malloc, calloc, realloc,
 *                           posix_memalign, aligned_alloc or memalign
 *                           returns NULL (ENOMEM); 0 or unset: none does
 *   WS_FAILMALLOC_MODE=after  every call from N on fails, not only N
 *   WS_FAILMALLOC_LIBS=a,b  count only calls made directly from a loaded
 *                           object whose file name contains one of these
 *                           (libcairo., libpixman-1., ...); unset: all
 *   WS_FAILMALLOC_COUNT=F   at exit, write the number of calls counted to F
 *
 * Requests of 0 bytes are not counted.  Calls are counted from main() on: the libraries' ELF constructors run
 * before it and could not report a failure to anyone.  wenshu has its own
 * malloc (cli/allocwatch.c) in front of this one: the caller that counts
 * is then the first frame up the stack outside both.  The real
 * allocator is glibc's (__libc_malloc & co.), so the shim needs no
 * dlsym() inside malloc. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The project builds with -fvisibility=hidden; these must interpose. */
#define SHIM __attribute__((visibility("default")))

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);

static long fail_at;
static int fail_after;
static const char *libs;
static long calls;
static int armed;
static __thread int inside;

static long parse(const char *s)
{
	long v = 0;
	while (s && *s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

static bool is_allocator(const char *name)
{
	static const char *const names[] = {"malloc", "calloc", "realloc", "posix_memalign",
	                                    "aligned_alloc", "memalign"};
	for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* The object that asked for memory: `caller`, unless that is an allocator
 * itself (the program's wrapper), then the first frame outside this shim
 * and outside any allocator. */
static const char *asking_object(const void *caller)
{
	Dl_info info;
	if (!dladdr(caller, &info))
		return NULL;
	if (!is_allocator(info.dli_sname))
		return info.dli_fname;
	static const char here = 0; /* an address inside this shim */
	Dl_info self;
	if (!dladdr(&here, &self))
		return NULL;
	void *frames[12];
	int n = backtrace(frames, 12);
	for (int i = 0; i < n; i++) {
		if (!dladdr(frames[i], &info) || !info.dli_fname)
			continue;
		if (strcmp(info.dli_fname, self.dli_fname) == 0 || is_allocator(info.dli_sname))
			continue;
		return info.dli_fname;
	}
	return NULL;
}

/* Whether `caller` lies in one of the objects named by WS_FAILMALLOC_LIBS. */
static int counted(const void *caller)
{
	if (!libs || !*libs)
		return 1;
	if (inside)
		return 0;
	inside = 1;
	const char *file = asking_object(caller);
	int hit = 0;
	for (const char *p = libs; file && *p && !hit;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		for (const char *f = file; *f && !hit; f++)
			hit = n > 0 && strncmp(f, p, n) == 0;
		p = end ? end + 1 : p + n;
	}
	inside = 0;
	return hit;
}

static int failing(const void *caller)
{
	if (!armed || !counted(caller))
		return 0;
	long n = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	return fail_at > 0 && (fail_after ? n >= fail_at : n == fail_at);
}

/* Requests of 0 bytes never fail: glibc's allocator does not fail them
 * either, and a program may treat NULL for 0 bytes as it likes. */
#define FAILING(size) ((size) != 0 && failing(__builtin_return_address(0)))

SHIM void *malloc(size_t n)
{
	if (FAILING(n)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

SHIM void *calloc(size_t n, size_t size)
{
	if (FAILING(n && size)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

SHIM void *realloc(void *p, size_t n)
{
	if (FAILING(n)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}

SHIM int posix_memalign(void **out, size_t align, size_t n)
{
	if (FAILING(n))
		return ENOMEM;
	void *p = __libc_memalign(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

SHIM void *aligned_alloc(size_t align, size_t n)
{
	if (FAILING(n)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_memalign(align, n);
}

SHIM void *memalign(size_t align, size_t n)
{
	if (FAILING(n)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_memalign(align, n);
}

/* main() is reached through __libc_start_main: wrapping it arms the shim. */
typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;

static int armed_main(int argc, char **argv, char **envp)
{
	fail_at = parse(getenv("WS_FAILMALLOC_AT"));
	const char *mode = getenv("WS_FAILMALLOC_MODE");
	fail_after = mode && strcmp(mode, "after") == 0;
	libs = getenv("WS_FAILMALLOC_LIBS");
	void *warm[2];
	inside = 1;
	backtrace(warm, 2); /* loads the unwinder now, not inside a counted call */
	inside = 0;
	armed = 1;
	return real_main(argc, argv, envp);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void), void (*fini)(void),
                      void (*rtld_fini)(void), void *stack_end);
SHIM int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void), void (*fini)(void),
                           void (*rtld_fini)(void), void *stack_end)
{
	int (*next)(main_fn, int, char **, void (*)(void), void (*)(void), void (*)(void), void *);
	void *sym = dlsym(RTLD_NEXT, "__libc_start_main");
	memcpy(&next, &sym, sizeof next);
	real_main = main;
	return next(armed_main, argc, argv, init, fini, rtld_fini, stack_end);
}

/* Written with write(2) only: at exit, allocating may be what fails. */
__attribute__((destructor)) static void report(void)
{
	const char *path = getenv("WS_FAILMALLOC_COUNT");
	if (!path)
		return;
	char buf[32], *p = buf + sizeof buf;
	long v = __atomic_load_n(&calls, __ATOMIC_RELAXED);
	*--p = '\n';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		(void)!write(fd, p, (size_t)(buf + sizeof buf - p));
		close(fd);
	}
}
