/* Atomic file writing (see atomicfile.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* renameat2() */
#endif
#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUF_SIZE (64 * 1024)
#define TMP_PREFIX "."
#define TMP_SUFFIX ".tmp"
#define TMP_RANDOM "XXXXXX"

/* Linux NAME_MAX; the temporary name must fit in one path component. */
#define NAME_LIMIT 255

/* ---- The signal-cleanup registry -------------------------------------
 *
 * The one process-global mutable state of this file, and it has to be:
 * a fatal signal must remove every temporary file the process has open,
 * whichever object opened it, and a handler receives no argument through
 * which a caller's object could reach it — only static storage.  (What a
 * caller batches waits in its own ws_atomic_batch, below.)
 *
 * A signal handler may run at any instruction of any thread, so it can
 * neither lock nor follow heap pointers that another thread might free.
 * Each slot therefore holds the folder's descriptor and the temporary
 * file's name inline, and a state word moves through
 *     FREE --(claim by writer)--> FILLING --(publish)--> LIVE
 *     LIVE --(release by writer)--> FREE
 *     LIVE --(handler)--> CLEANED (kept forever: the process is dying)
 * by compare-and-swap, so the handler reads a name only while it is LIVE
 * and owned by nobody else. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the signal registry needs lock-free ints");

enum { SLOT_FREE, SLOT_FILLING, SLOT_LIVE, SLOT_CLEANED };

typedef struct slot {
	atomic_int state;
	int dirfd;
	char name[NAME_LIMIT + 1];
} slot;

static slot registry[WS_ATOMIC_MAX_REGISTERED];

static int registry_add(int dirfd, const char *name)
{
	for (int i = 0; i < WS_ATOMIC_MAX_REGISTERED; i++) {
		int expected = SLOT_FREE;
		if (atomic_compare_exchange_strong(&registry[i].state, &expected, SLOT_FILLING)) {
			registry[i].dirfd = dirfd;
			g_strlcpy(registry[i].name, name, sizeof registry[i].name);
			atomic_store(&registry[i].state, SLOT_LIVE);
			return i;
		}
	}
	return -1;
}

/* Returns FALSE when a signal handler has already taken the slot. */
static gboolean registry_remove(int i)
{
	if (i < 0)
		return TRUE;
	int expected = SLOT_LIVE;
	return atomic_compare_exchange_strong(&registry[i].state, &expected, SLOT_FREE);
}

void ws_atomic_cleanup_all(void)
{
	int saved = errno;
	for (int i = 0; i < WS_ATOMIC_MAX_REGISTERED; i++) {
		int expected = SLOT_LIVE;
		if (atomic_compare_exchange_strong(&registry[i].state, &expected, SLOT_CLEANED))
			unlinkat(registry[i].dirfd, registry[i].name, 0);
	}
	errno = saved;
}

/* A crash (a fault inside a library, an abort on a failed allocation)
 * must not leave hidden temporary files in the clerk's output folder
 * either: the registry is emptied, then the signal is raised again with
 * its default action, so the process still dies of it (exit status and
 * core dump as without this handler).  SA_RESETHAND has put the default
 * back on entry and SA_NODEFER leaves the signal unblocked, so raise()
 * ends the process at once; for a fault, returning would fault again
 * anyway.  Only async-signal-safe calls. */
static void on_fatal_signal(int sig)
{
	ws_atomic_cleanup_all();
	raise(sig);
}

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};

/* Installed once, at the first temporary file, and only where nobody set
 * a handler before (a program of its own, or a sanitizer's): that one is
 * left alone. */
static void guard_fatal_signals(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(fatal_signals); i++) {
		struct sigaction old;
		if (sigaction(fatal_signals[i], NULL, &old) != 0 || (old.sa_flags & SA_SIGINFO) ||
		    old.sa_handler != SIG_DFL)
			continue;
		struct sigaction sa = {0};
		sa.sa_handler = on_fatal_signal;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESETHAND | SA_NODEFER;
		sigaction(fatal_signals[i], &sa, NULL);
	}
}

static pthread_once_t fatal_once = PTHREAD_ONCE_INIT;

/* ---- Files ---------------------------------------------------------- */

struct ws_atomic_file {
	char *path;      /* owned: the target */
	char *tmp_path;  /* owned: full path of the temporary file */
	const char *tmp_name; /* points into tmp_path: its last component */
	int fd;          /* the temporary file, -1 once closed */
	int dirfd;       /* the target's folder */
	int slot;        /* registry index or -1 */
	const char *base; /* points into path: the target's last component */
	guint group;     /* batch: files of one group are committed together; 0: alone */
	bool placed;     /* batch commit: renamed into place, not yet final */
	bool swapped;    /* ...by exchange: the old file waits under tmp_name */
	bool clobbered;  /* ...by a plain rename over an old file: final */
	bool withdrawn;  /* written, but not put in place: another file of its group failed */
	int err;         /* first errno seen, 0 if none */
	size_t used;     /* bytes in buf */
	unsigned char *buf; /* owned, BUF_SIZE bytes; NULL after sync */
};

/* The current umask.  umask(2) can only read it by setting it, which
 * races with other threads creating files, so /proc is asked first. */
static mode_t process_umask(void)
{
	char *status = NULL;
	if (g_file_get_contents("/proc/self/status", &status, NULL, NULL)) {
		const char *u = strstr(status, "\nUmask:");
		if (u) {
			mode_t mask = (mode_t)strtoul(u + 7, NULL, 8);
			g_free(status);
			return mask;
		}
		g_free(status);
	}
	mode_t mask = umask(022);
	umask(mask);
	return mask;
}

static int report(ws_diags *diags, const char *path, int err)
{
	ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, NULL, NULL, "cannot write '%s': %s",
	            path, g_strerror(err));
	return WS_EIO;
}

/* ".NAME.XXXXXX.tmp", with NAME cut (at a UTF-8 character boundary where
 * it is UTF-8) so that the whole stays within one path component. */
static char *temp_name_template(const char *base)
{
	size_t room = NAME_LIMIT - strlen(TMP_PREFIX "." TMP_RANDOM TMP_SUFFIX);
	size_t len = strlen(base);
	if (len > room) {
		len = room;
		if (g_utf8_validate(base, -1, NULL))
			while (len > 0 && (base[len] & 0xC0) == 0x80)
				len--;
	}
	return g_strdup_printf(TMP_PREFIX "%.*s." TMP_RANDOM TMP_SUFFIX, (int)len, base);
}

int ws_atomic_open(ws_atomic_file **out, const char *path, ws_diags *diags)
{
	*out = NULL;
	pthread_once(&fatal_once, guard_fatal_signals);
	if (!path || !*path)
		return report(diags, path ? path : "", ENOENT);
	size_t plen = strlen(path);
	if (path[plen - 1] == '/')
		return report(diags, path, EISDIR);

	char *dir = g_path_get_dirname(path);
	char *base = g_path_get_basename(path);
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		int e = errno;
		g_free(dir);
		g_free(base);
		return report(diags, path, e);
	}
	char *name = temp_name_template(base);
	char *tmp = g_build_filename(dir, name, NULL);
	g_free(name);
	g_free(dir);
	g_free(base);

	/* From the file's creation until it is registered, a signal whose
	 * handler cleans up and exits (a batch worker whose parent died)
	 * would leave the temporary file behind: signals wait meanwhile. */
	mode_t mode = 0644 & ~process_umask();
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int fd = mkostemps(tmp, (int)strlen(TMP_SUFFIX), O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		close(dirfd);
		g_free(tmp);
		return report(diags, path, e);
	}
	if (fchmod(fd, mode) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		close(dirfd);
		g_free(tmp);
		return report(diags, path, e);
	}

	ws_atomic_file *f = g_new0(ws_atomic_file, 1);
	f->path = g_strdup(path);
	f->base = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
	f->tmp_path = tmp;
	f->tmp_name = strrchr(tmp, '/') ? strrchr(tmp, '/') + 1 : tmp;
	f->fd = fd;
	f->dirfd = dirfd;
	f->buf = g_malloc(BUF_SIZE);
	f->slot = registry_add(dirfd, f->tmp_name);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	*out = f;
	return WS_OK;
}

static int write_all(ws_atomic_file *f, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(f->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			f->err = errno;
			return WS_EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return WS_OK;
}

static int flush(ws_atomic_file *f)
{
	if (f->err)
		return WS_EIO;
	int rc = write_all(f, f->buf, f->used);
	f->used = 0;
	return rc;
}

int ws_atomic_write(ws_atomic_file *f, const void *data, size_t len)
{
	if (f->err)
		return WS_EIO;
	if (f->fd < 0) {
		f->err = EBADF; /* written after ws_atomic_sync(): a caller bug */
		return WS_EIO;
	}
	if (f->used + len <= BUF_SIZE) {
		memcpy(f->buf + f->used, data, len);
		f->used += len;
		return WS_OK;
	}
	if (flush(f) != WS_OK)
		return WS_EIO;
	if (len >= BUF_SIZE)
		return write_all(f, data, len);
	memcpy(f->buf, data, len);
	f->used = len;
	return WS_OK;
}

int ws_atomic_failed(const ws_atomic_file *f)
{
	return f->err != 0;
}

const char *ws_atomic_path(const ws_atomic_file *f)
{
	return f->path;
}

static void destroy(ws_atomic_file *f, gboolean remove_tmp)
{
	if (f->fd >= 0)
		close(f->fd);
	/* A handler that already claimed the slot has unlinked (or is
	 * unlinking) the file; unlinking again is harmless (ENOENT). */
	if (remove_tmp)
		unlinkat(f->dirfd, f->tmp_name, 0);
	if (registry_remove(f->slot))
		close(f->dirfd);
	/* else: the handler may still be using dirfd; leave it open. */
	g_free(f->buf);
	g_free(f->tmp_path);
	g_free(f->path);
	g_free(f);
}

void ws_atomic_abort(ws_atomic_file *f)
{
	if (f)
		destroy(f, TRUE);
}

/* Writes out the buffer and closes the file, flushing it to disk first
 * when `durable`.  The first error is kept in f->err. */
static void close_file(ws_atomic_file *f, bool durable)
{
	if (f->fd < 0)
		return;
	if (flush(f) == WS_OK && durable && fsync(f->fd) != 0)
		f->err = errno;
	int fd = f->fd;
	f->fd = -1;
	/* close() can report a deferred write error (NFS, quotas). */
	if (close(fd) != 0 && errno != EINTR && !f->err)
		f->err = errno;
	g_free(f->buf);
	f->buf = NULL;
}

int ws_atomic_sync(ws_atomic_file *f)
{
	close_file(f, true);
	return f->err ? WS_EIO : WS_OK;
}

/* ---- Deferred commits ------------------------------------------------ */

/* Work waiting for files [first, end) of the batch (ws_atomic_batch_then). */
typedef struct then_work {
	guint first, end;
	ws_atomic_then_fn fn;
	void *data;
	void (*free_data)(void *);
} then_work;

struct ws_atomic_batch {
	GPtrArray *files; /* of ws_atomic_file*, owned: waiting for the commit */
	GArray *then;     /* of then_work, in the order given */
	guint groups;     /* the last group number given */
};

ws_atomic_batch *ws_atomic_batch_new(void)
{
	ws_atomic_batch *b = g_new0(ws_atomic_batch, 1);
	b->files = g_ptr_array_new();
	b->then = g_array_new(FALSE, FALSE, sizeof(then_work));
	return b;
}

size_t ws_atomic_batch_count(const ws_atomic_batch *b)
{
	return b ? b->files->len : 0;
}

static void then_clear(ws_atomic_batch *b)
{
	for (guint i = 0; i < b->then->len; i++) {
		then_work *w = &g_array_index(b->then, then_work, i);
		if (w->free_data)
			w->free_data(w->data);
	}
	g_array_set_size(b->then, 0);
}

void ws_atomic_batch_free(ws_atomic_batch *b)
{
	if (!b)
		return;
	for (guint i = 0; i < b->files->len; i++)
		destroy(b->files->pdata[i], TRUE);
	g_ptr_array_unref(b->files);
	then_clear(b);
	g_array_unref(b->then);
	g_free(b);
}

void ws_atomic_batch_discard(ws_atomic_batch *b, size_t keep)
{
	while (b->files->len > keep) {
		destroy(b->files->pdata[b->files->len - 1], TRUE);
		g_ptr_array_set_size(b->files, b->files->len - 1);
	}
	/* Work waiting for a dropped file would never run; it goes now. */
	guint w = b->then->len;
	while (w > 0 && g_array_index(b->then, then_work, w - 1).end > keep) {
		then_work *t = &g_array_index(b->then, then_work, w - 1);
		if (t->free_data)
			t->free_data(t->data);
		w--;
	}
	g_array_set_size(b->then, w);
}

void ws_atomic_batch_group(ws_atomic_batch *b, size_t first)
{
	if (first + 1 >= b->files->len)
		return; /* none or one file: nothing to tie together */
	guint g = ++b->groups;
	for (guint i = (guint)first; i < b->files->len; i++)
		((ws_atomic_file *)b->files->pdata[i])->group = g;
}

int ws_atomic_commit_later(ws_atomic_file *f, ws_atomic_batch *b, ws_diags *diags)
{
	close_file(f, false);
	if (f->err) {
		int rc = report(diags, f->path, f->err);
		destroy(f, TRUE);
		return rc;
	}
	g_ptr_array_add(b->files, f);
	return WS_OK;
}

void ws_atomic_batch_then(ws_atomic_batch *b, size_t files, ws_atomic_then_fn fn, void *data,
                          void (*free_data)(void *))
{
	guint end = b->files->len;
	then_work w = {end - (guint)MIN(files, (size_t)end), end, fn, data, free_data};
	g_array_append_val(b->then, w);
}

int ws_atomic_commit(ws_atomic_file *f, ws_diags *diags)
{
	ws_atomic_sync(f);
	if (!f->err && rename(f->tmp_path, f->path) != 0)
		f->err = errno;
	if (f->err) {
		int rc = report(diags, f->path, f->err);
		destroy(f, TRUE);
		return rc;
	}
	/* The file is in place; make the rename durable.  Some file systems
	 * cannot fsync a folder (EINVAL) and need nothing more. */
	int rc = WS_OK;
	if (fsync(f->dirfd) != 0 && errno != EINVAL)
		rc = report(diags, f->path, errno);
	destroy(f, FALSE);
	return rc;
}

/* Renames `f` into place so that unplace() can undo it: an existing file
 * is exchanged with the new one (renameat2 RENAME_EXCHANGE), and waits
 * under the temporary name — still registered for signal cleanup — until
 * its group is committed.  A folder in the way is refused (an exchange
 * would move it).  Where the file system cannot exchange, a plain rename;
 * the old file is then gone at once.  Returns 0 or an errno. */
static int place(ws_atomic_file *f)
{
	struct stat st;
	if (fstatat(f->dirfd, f->base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode))
			return EISDIR;
		if (renameat2(f->dirfd, f->tmp_name, f->dirfd, f->base, RENAME_EXCHANGE) == 0) {
			f->placed = f->swapped = true;
			return 0;
		}
		if (errno != EINVAL && errno != ENOSYS && errno != ENOENT)
			return errno;
		f->clobbered = errno != ENOENT;
	}
	if (renameat(f->dirfd, f->tmp_name, f->dirfd, f->base) != 0)
		return errno;
	f->placed = true;
	return 0;
}

/* Takes back a file of a failed group: the old file returns to its name
 * (or the name is free again, when there was none).  A file that replaced
 * its old one without an exchange cannot be taken back and stays. */
static void unplace(ws_atomic_file *f)
{
	if (f->err || f->clobbered)
		return; /* failed itself; or in place for good, and reported so */
	if (f->placed && f->swapped)
		renameat2(f->dirfd, f->tmp_name, f->dirfd, f->base, RENAME_EXCHANGE);
	else if (f->placed)
		unlinkat(f->dirfd, f->base, 0);
	f->placed = f->swapped = false;
	f->withdrawn = true;
	f->err = ECANCELED;
}

/* A folder or file system seen once: (device, inode). */
static bool first_time(GHashTable *seen, int fd, bool whole_fs)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return true;
	char *key = whole_fs ? g_strdup_printf("%ju", (uintmax_t)st.st_dev)
	                     : g_strdup_printf("%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
	return g_hash_table_add(seen, key);
}

int ws_atomic_batch_commit(ws_atomic_batch *b, ws_atomic_done_fn done, void *user, ws_diags *diags)
{
	GPtrArray *files = b->files;
	/* 1. The data: one syncfs per file system (an error there is every
	 * file's on it: which one failed cannot be told). */
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < files->len; i++) {
		ws_atomic_file *f = files->pdata[i];
		if (first_time(seen, f->dirfd, true) && syncfs(f->dirfd) != 0) {
			int e = errno;
			struct stat sa, sb;
			for (guint k = i; k < files->len; k++) {
				ws_atomic_file *g = files->pdata[k];
				if (fstat(g->dirfd, &sa) == 0 && fstat(f->dirfd, &sb) == 0 && sa.st_dev == sb.st_dev && !g->err)
					g->err = e;
			}
		}
	}
	g_hash_table_remove_all(seen);
	/* 2. The names, a group at a time: all of a group's files or none. */
	for (guint i = 0, j; i < files->len; i = j) {
		ws_atomic_file *f = files->pdata[i];
		for (j = i + 1; f->group && j < files->len && ((ws_atomic_file *)files->pdata[j])->group == f->group; j++)
			;
		bool failed = false;
		for (guint k = i; k < j && !failed; k++)
			failed = ((ws_atomic_file *)files->pdata[k])->err != 0;
		for (guint k = i; k < j && !failed; k++) {
			ws_atomic_file *g = files->pdata[k];
			g->err = place(g);
			failed = g->err != 0;
		}
		for (guint k = i; k < j; k++) {
			ws_atomic_file *g = files->pdata[k];
			if (failed)
				unplace(g);
			else if (g->swapped)
				unlinkat(g->dirfd, g->tmp_name, 0); /* the old file */
		}
	}
	/* 3. The renames themselves: one fsync per folder. */
	for (guint i = 0; i < files->len; i++) {
		ws_atomic_file *f = files->pdata[i];
		if (first_time(seen, f->dirfd, false) && fsync(f->dirfd) != 0 && errno != EINVAL)
			report(diags, f->path, errno);
	}
	g_hash_table_unref(seen);
	int worst = WS_OK;
	bool *ok = g_new(bool, files->len);
	/* The files that failed are told first, those withdrawn with them
	 * after: a caller that keeps the first failure of an item keeps the
	 * cause. */
	for (int withdrawn = 0; withdrawn < 2; withdrawn++) {
		for (guint i = 0; i < files->len; i++) {
			ws_atomic_file *f = files->pdata[i];
			if (!f || f->withdrawn != (withdrawn == 1))
				continue;
			int rc = WS_OK;
			if (f->withdrawn) {
				ws_diag_add(diags, WS_SEVERITY_ERROR, WS_LOC_NONE, NULL, NULL,
				            "'%s' is not written: another file of the same group could not be", f->path);
				rc = WS_EIO;
			} else if (f->err) {
				rc = report(diags, f->path, f->err);
			}
			ok[i] = rc == WS_OK;
			if (rc != WS_OK)
				worst = rc;
			if (done)
				done(f->path, rc, user);
			/* Renamed files are in place; the others' temporary files go. */
			destroy(f, f->err != 0);
			files->pdata[i] = NULL;
		}
	}
	/* 4. The work that waited for its files to be in place. */
	for (guint i = 0; i < b->then->len; i++) {
		const then_work *w = &g_array_index(b->then, then_work, i);
		bool all = true;
		for (guint k = w->first; k < w->end && all; k++)
			all = ok[k];
		if (all)
			w->fn(w->data, diags);
	}
	then_clear(b);
	g_free(ok);
	g_ptr_array_set_size(files, 0);
	return worst;
}
