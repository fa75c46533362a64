/* Atomic file writing: a file either appears complete at its path or not
 * at all, and an existing file at that path survives any failed write.
 *
 * The data goes to a hidden temporary file ".NAME.XXXXXX.tmp" in the
 * target's folder (same file system, so the final rename is atomic),
 * which is flushed and fsync()ed, renamed over the target, and then the
 * folder is fsync()ed so the rename itself is durable.  Any failure
 * (ENOSPC, EFBIG from `ulimit -f`, EROFS, EACCES, ...) removes the
 * temporary file and is reported as
 *
 *     error: cannot write 'PATH': <strerror>
 *
 * The new file gets mode 0644 minus the process umask.  When PATH is a
 * symbolic link, the link itself is replaced, not the file it points to.
 *
 * Signals: every temporary file is listed in a fixed-size, lock-free
 * process-wide registry so that a SIGINT/SIGTERM handler can call
 * ws_atomic_cleanup_all() to remove them before the process dies.  Fatal
 * signals (SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL) whose action is still
 * the default get a handler, at the first ws_atomic_open(), that does so
 * and re-raises the signal with its default action.  It is
 * the one process-wide state here (see atomicfile.c for why); deferred
 * commits wait in a ws_atomic_batch the caller owns.
 *
 * Thread-safety: a ws_atomic_file belongs to one thread at a time;
 * different files may be written from different threads at once.
 */
#ifndef WS_ATOMICFILE_H
#define WS_ATOMICFILE_H

#include <stdbool.h>
#include <stddef.h>
#include "common.h"
#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_atomic_file ws_atomic_file;

/* Creates the temporary file for `path`.  On success *out is a handle the
 * caller must end with exactly one of ws_atomic_commit() or
 * ws_atomic_abort(), which free it.  On failure *out is NULL, an error is
 * added to `diags` (may be NULL) and WS_EIO is returned. */
WS_EXPORT int ws_atomic_open(ws_atomic_file **out, const char *path, ws_diags *diags);

/* Appends `len` bytes (buffered).  Returns WS_OK, or WS_EIO once any write
 * has failed; the first error (errno) is kept and reported by
 * ws_atomic_commit(), so callers that cannot pass diags (Cairo stream
 * callbacks) may simply stop. */
WS_EXPORT int ws_atomic_write(ws_atomic_file *f, const void *data, size_t len);

/* Non-zero once a write has failed. */
WS_EXPORT int ws_atomic_failed(const ws_atomic_file *f);

/* Flushes, fsyncs and closes the temporary file without renaming it, so
 * that many finished files can wait for a joint commit without holding
 * their data descriptors or buffers.  Returns WS_OK, or WS_EIO when a write
 * failed (reported by the later commit).  No further writes are allowed. */
WS_EXPORT int ws_atomic_sync(ws_atomic_file *f);

/* Flushes, fsyncs and renames the file into place, then fsyncs the folder.
 * Always frees `f`.  Returns WS_OK, or WS_EIO after adding "cannot write"
 * to `diags` and removing the temporary file (the old file at the path, if
 * any, is then untouched). */
WS_EXPORT int ws_atomic_commit(ws_atomic_file *f, ws_diags *diags);

/* Discards the temporary file and frees `f`; the target is untouched.
 * NULL is a no-op. */
WS_EXPORT void ws_atomic_abort(ws_atomic_file *f);

/* Target path given to ws_atomic_open().  Borrowed, valid while `f` lives. */
WS_EXPORT const char *ws_atomic_path(const ws_atomic_file *f);

/* Unlinks every temporary file still registered.  Async-signal-safe: it
 * only reads the static registry and calls unlinkat(), so a SIGINT/SIGTERM
 * handler may call it.  Handles whose file was removed this way fail at
 * commit; they must still be committed or aborted to be freed. */
WS_EXPORT void ws_atomic_cleanup_all(void);

/* Deferred commits, for batches that write many files.
 * ws_atomic_commit_later() is ws_atomic_commit() without the disk flush
 * and the rename: it writes out what is buffered and closes the file (a
 * write error is reported and the file removed, as always), and the file
 * waits under its temporary name in `batch`.  ws_atomic_batch_commit()
 * then flushes each file system once (syncfs), renames every waiting file
 * into place and flushes each folder once.  The guarantee is the same —
 * the data is on disk before a name points at it, a failure leaves the
 * old file — with one disk flush per batch of files instead of two per
 * file (a 1000-file batch waited ~0.5 s for them).  Waiting files stay
 * registered for signal cleanup until renamed.
 *
 * The batch is the caller's object (the command line's batch runner makes
 * one per pass), not a list inside the library: two batches never see
 * each other's files.  A batch belongs to one thread at a time. */
typedef struct ws_atomic_batch ws_atomic_batch;

/* An empty batch; never NULL. */
WS_EXPORT ws_atomic_batch *ws_atomic_batch_new(void);

/* Drops whatever still waits in `batch` (their temporary files are
 * removed, the targets untouched, no ws_atomic_batch_then() work runs)
 * and frees it.  NULL is a no-op. */
WS_EXPORT void ws_atomic_batch_free(ws_atomic_batch *batch);

/* Queues `f` in `batch` as described above; always takes `f`.  Returns
 * WS_OK, or WS_EIO after reporting a write error (then `f` is gone). */
WS_EXPORT int ws_atomic_commit_later(ws_atomic_file *f, ws_atomic_batch *batch, ws_diags *diags);

/* Work that may be done only once some files are in place: `fn(data,
 * diags)` runs in ws_atomic_batch_commit() after the last `files` files
 * queued in `batch` (counted when this is called) were all renamed into
 * place and their folders flushed — never when any of them failed, and
 * never when the batch is freed uncommitted.  (The PNG/SVG writer removes
 * the page files an earlier, longer run left this way: only once the new
 * pages have replaced the old.)  `free_data` (may be NULL) frees `data`
 * either way. */
typedef void (*ws_atomic_then_fn)(void *data, ws_diags *diags);
WS_EXPORT void ws_atomic_batch_then(ws_atomic_batch *batch, size_t files, ws_atomic_then_fn fn,
                                    void *data, void (*free_data)(void *));

/* Told the outcome of each deferred file: WS_OK, or WS_EIO after the
 * error was added to the diagnostics. */
typedef void (*ws_atomic_done_fn)(const char *path, int status, void *user);

/* Drops the files queued in `batch` from position `keep` on (their
 * temporary files are removed, the targets untouched) and the
 * ws_atomic_batch_then() work that waited for any of them: what a caller
 * wrote for one item before another of the item's files failed. */
WS_EXPORT void ws_atomic_batch_discard(ws_atomic_batch *batch, size_t keep);

/* Ties the files queued from position `first` on into one group: at the
 * commit, all of them are put in place or none (an old file at any of
 * their names is then left as it was), and `done` hears of each one not
 * put in place with an error ("'F' is not written: another file of the
 * same group could not be").  Where the file system cannot exchange two
 * names (renameat2 RENAME_EXCHANGE), a file that replaced an old one
 * cannot be taken back and stays in place. */
WS_EXPORT void ws_atomic_batch_group(ws_atomic_batch *batch, size_t first);

/* Commits every file waiting in `batch` as described above; `done` (may
 * be NULL) hears of each, then the ws_atomic_batch_then() work whose
 * files all succeeded runs.  Returns WS_OK, or WS_EIO when any failed.
 * The batch is empty afterwards, ready for more. */
WS_EXPORT int ws_atomic_batch_commit(ws_atomic_batch *batch, ws_atomic_done_fn done, void *user,
                                     ws_diags *diags);

/* Files waiting in `batch`. */
WS_EXPORT size_t ws_atomic_batch_count(const ws_atomic_batch *batch);

/* How many temporary files may be registered for signal cleanup at once.
 * Beyond this, files are still written atomically, but a signal arriving
 * mid-write may leave their hidden temporary file behind. */
#define WS_ATOMIC_MAX_REGISTERED 128

#ifdef __cplusplus
}
#endif
#endif
