/* Atomic file writing (core/base/atomicfile.c), through its header only:
 * a file appears whole at its path or not at all, an old file survives
 * every failed or abandoned write, no hidden temporary (".NAME." plus a random mkstemp suffix, ".tmp") stays
 * behind, and a batch's deferred work runs only once its files are in
 * place.  Each test writes into a fresh folder and reads it back the way
 * a user would: the file's bytes, the folder's listing. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "support.h"

TestSuite(atomicfile);

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in `dir` other than "." and "..", sorted, joined by spaces. */
static char *listing(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	cr_assert_not_null(d);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	for (const char *n; (n = g_dir_read_name(d));)
		g_ptr_array_add(names, g_strdup(n));
	g_dir_close(d);
	g_ptr_array_sort(names, by_name);
	g_ptr_array_add(names, NULL);
	char *s = g_strjoinv(" ", (char **)names->pdata);
	g_ptr_array_unref(names);
	return s;
}

static void assert_listing(const char *dir, const char *want)
{
	char *got = listing(dir);
	cr_assert_str_eq(got, want, "folder holds '%s', want '%s'", got, want);
	g_free(got);
}

static void assert_content(const char *path, const char *want)
{
	char *got = NULL;
	cr_assert(g_file_get_contents(path, &got, NULL, NULL), "%s is missing", path);
	cr_assert_str_eq(got, want, "%s", path);
	g_free(got);
}

static void put(const char *path, const char *text)
{
	cr_assert(g_file_set_contents(path, text, -1, NULL));
}

static ws_atomic_file *open_ok(const char *path)
{
	ws_atomic_file *f = NULL;
	cr_assert_eq(ws_atomic_open(&f, path, NULL), WS_OK, "open %s", path);
	cr_assert_not_null(f);
	cr_assert_str_eq(ws_atomic_path(f), path);
	return f;
}

static void write_str(ws_atomic_file *f, const char *s)
{
	cr_assert_eq(ws_atomic_write(f, s, strlen(s)), WS_OK);
}

/* The one diagnostic of `d`, formatted. */
static char *only_diag(const ws_diags *d)
{
	cr_assert_eq(ws_diags_count(d), 1, "%zu diagnostics", ws_diags_count(d));
	return ws_diag_format(ws_diags_at(d, 0));
}

/* A fresh folder (*dir) holding out.pdf, "old": the file a write must
 * replace whole or leave alone.  Returns its path. */
static char *old_out_pdf(char **dir)
{
	*dir = wst_tmpdir();
	char *path = g_build_filename(*dir, "out.pdf", NULL);
	put(path, "old");
	return path;
}

Test(atomicfile, commit_puts_the_file_in_place_only_at_commit)
{
	char *dir;
	char *path = old_out_pdf(&dir);
	ws_atomic_file *f = open_ok(path);
	write_str(f, "new ");
	write_str(f, "content");
	/* Until the commit a reader sees the old file whole, and the new data
	 * waits in one hidden temporary file beside it. */
	assert_content(path, "old");
	char *during = listing(dir);
	cr_assert(g_str_has_prefix(during, ".out.pdf.") && g_str_has_suffix(during, ".tmp out.pdf"),
	          "while writing the folder holds '%s'", during);
	cr_assert_eq(ws_atomic_failed(f), 0);
	cr_assert_eq(ws_atomic_commit(f, NULL), WS_OK);
	assert_content(path, "new content");
	assert_listing(dir, "out.pdf");
	g_free(during);
	g_free(path);
	g_free(dir);
}

Test(atomicfile, new_file_mode_is_0644_minus_umask)
{
	char *dir = wst_tmpdir();
	char *path = g_build_filename(dir, "a.png", NULL);
	mode_t old = umask(027);
	ws_atomic_file *f = open_ok(path);
	write_str(f, "x");
	cr_assert_eq(ws_atomic_commit(f, NULL), WS_OK);
	umask(old);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0640, "mode %o", st.st_mode & 0777);
	g_free(path);
	g_free(dir);
}

Test(atomicfile, abort_leaves_the_old_file_and_no_temporary)
{
	char *dir;
	char *path = old_out_pdf(&dir);
	ws_atomic_file *f = open_ok(path);
	write_str(f, "half a docu");
	ws_atomic_abort(f);
	assert_content(path, "old");
	assert_listing(dir, "out.pdf");
	ws_atomic_abort(NULL); /* a no-op, as documented */
	g_free(path);
	g_free(dir);
}

/* A write that fails (here EFBIG: `ulimit -f` of 1 KiB, as a full disk
 * would) is kept, reported at commit as "cannot write 'PATH': ...", and the
 * old file and folder are as they were. */
Test(atomicfile, failed_write_reports_and_keeps_the_old_file)
{
	char *dir;
	char *path = old_out_pdf(&dir);
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit lim = {1024, 1024};
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	ws_atomic_file *f = open_ok(path);
	char block[4096];
	memset(block, 'x', sizeof block);
	int rc = WS_OK;
	for (int i = 0; i < 64 && rc == WS_OK; i++)
		rc = ws_atomic_write(f, block, sizeof block);
	ws_atomic_sync(f);
	cr_assert_neq(ws_atomic_failed(f), 0, "256 KiB went past a 1 KiB file size limit");
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_atomic_commit(f, d), WS_EIO);
	char *msg = only_diag(d);
	char *want = g_strdup_printf("cannot write '%s': %s", path, g_strerror(EFBIG));
	cr_assert(strstr(msg, want), "got '%s', want '%s'", msg, want);
	assert_content(path, "old");
	assert_listing(dir, "out.pdf");
	g_free(want);
	g_free(msg);
	ws_diags_free(d);
	g_free(path);
	g_free(dir);
}

Test(atomicfile, open_in_a_missing_folder_fails_with_the_path)
{
	char *dir = wst_tmpdir();
	char *path = g_build_filename(dir, "no", "such", "out.pdf", NULL);
	ws_diags *d = ws_diags_new();
	ws_atomic_file *f = (ws_atomic_file *)1;
	cr_assert_eq(ws_atomic_open(&f, path, d), WS_EIO);
	cr_assert_null(f);
	char *msg = only_diag(d);
	char *want = g_strdup_printf("cannot write '%s': %s", path, g_strerror(ENOENT));
	cr_assert(strstr(msg, want), "got '%s', want '%s'", msg, want);
	assert_listing(dir, "");
	g_free(want);
	g_free(msg);
	ws_diags_free(d);
	g_free(path);
	g_free(dir);
}

/* A symbolic link at the path is replaced, not the file it points to. */
Test(atomicfile, a_symlink_is_replaced_not_followed)
{
	char *dir = wst_tmpdir();
	char *target = g_build_filename(dir, "target.txt", NULL);
	char *link = g_build_filename(dir, "link.txt", NULL);
	put(target, "kept");
	cr_assert_eq(symlink(target, link), 0);
	ws_atomic_file *f = open_ok(link);
	write_str(f, "via the link");
	cr_assert_eq(ws_atomic_commit(f, NULL), WS_OK);
	assert_content(target, "kept");
	assert_content(link, "via the link");
	cr_assert(!g_file_test(link, G_FILE_TEST_IS_SYMLINK));
	assert_listing(dir, "link.txt target.txt");
	g_free(link);
	g_free(target);
	g_free(dir);
}

/* What a signal handler does: every registered temporary file goes; the
 * handle then fails at commit and the old file stays. */
Test(atomicfile, cleanup_all_removes_the_temporaries)
{
	char *dir = wst_tmpdir();
	char *a = g_build_filename(dir, "a", NULL), *b = g_build_filename(dir, "b", NULL);
	put(a, "old a");
	ws_atomic_file *fa = open_ok(a), *fb = open_ok(b);
	write_str(fa, "new a");
	write_str(fb, "new b");
	ws_atomic_cleanup_all();
	assert_listing(dir, "a");
	ws_diags *d = ws_diags_new();
	cr_assert_eq(ws_atomic_commit(fa, d), WS_EIO);
	cr_assert_eq(ws_atomic_commit(fb, d), WS_EIO);
	cr_assert_eq(ws_diags_count(d), 2);
	assert_content(a, "old a");
	assert_listing(dir, "a");
	ws_diags_free(d);
	g_free(a);
	g_free(b);
	g_free(dir);
}

/* ------------------------------------------------------------ batches */

typedef struct {
	int runs;
	int frees;
	char *log;
} then_seen;

static void then_run(void *data, ws_diags *diags)
{
	(void)diags;
	((then_seen *)data)->runs++;
}

static void then_free(void *data)
{
	((then_seen *)data)->frees++;
}

static void done_log(const char *path, int status, void *user)
{
	then_seen *s = user;
	char *base = g_path_get_basename(path);
	char *log = g_strdup_printf("%s%s=%d ", s->log ? s->log : "", base, status);
	g_free(s->log);
	s->log = log;
	g_free(base);
}

static void queue(ws_atomic_batch *b, const char *path, const char *text)
{
	ws_atomic_file *f = open_ok(path);
	write_str(f, text);
	cr_assert_eq(ws_atomic_commit_later(f, b, NULL), WS_OK);
}

/* A batch in `dir` that replaces p1.png ("old 1" there now) with "new 1"
 * and writes a new p2.png, "new 2", with work waiting for both counted in
 * *s.  *p1 and *p2 receive the paths. */
static ws_atomic_batch *two_page_batch(const char *dir, char **p1, char **p2, then_seen *s)
{
	*p1 = g_build_filename(dir, "p1.png", NULL);
	*p2 = g_build_filename(dir, "p2.png", NULL);
	put(*p1, "old 1");
	ws_atomic_batch *b = ws_atomic_batch_new();
	cr_assert_not_null(b);
	queue(b, *p1, "new 1");
	queue(b, *p2, "new 2");
	ws_atomic_batch_then(b, 2, then_run, s, then_free);
	return b;
}

Test(atomicfile, batch_renames_every_file_at_its_commit)
{
	char *dir = wst_tmpdir();
	char *p1, *p2;
	then_seen s = {0};
	ws_atomic_batch *b = two_page_batch(dir, &p1, &p2, &s);
	cr_assert_eq(ws_atomic_batch_count(b), 2);
	/* Waiting: the old file whole, the new one absent. */
	assert_content(p1, "old 1");
	cr_assert(!g_file_test(p2, G_FILE_TEST_EXISTS));
	cr_assert_eq(ws_atomic_batch_commit(b, done_log, &s, NULL), WS_OK);
	cr_assert_str_eq(s.log, "p1.png=0 p2.png=0 ");
	cr_assert_eq(s.runs, 1, "the work waiting for both files ran %d times", s.runs);
	cr_assert_eq(s.frees, 1);
	assert_content(p1, "new 1");
	assert_content(p2, "new 2");
	assert_listing(dir, "p1.png p2.png");
	cr_assert_eq(ws_atomic_batch_count(b), 0, "the batch is empty after its commit");
	ws_atomic_batch_free(b);
	g_free(s.log);
	g_free(p1);
	g_free(p2);
	g_free(dir);
}

/* A batch dropped uncommitted: old files whole, new ones absent, no
 * temporary left, the waiting work never run but its data freed. */
Test(atomicfile, batch_freed_uncommitted_changes_nothing)
{
	char *dir = wst_tmpdir();
	char *p1, *p2;
	then_seen s = {0};
	ws_atomic_batch *b = two_page_batch(dir, &p1, &p2, &s);
	ws_atomic_batch_free(b);
	cr_assert_eq(s.runs, 0);
	cr_assert_eq(s.frees, 1);
	assert_content(p1, "old 1");
	assert_listing(dir, "p1.png");
	ws_atomic_batch_free(NULL);
	g_free(p1);
	g_free(p2);
	g_free(dir);
}

/* One file of a batch that cannot be renamed (its path is a folder): it is
 * reported and its temporary removed, the files that could be renamed are
 * in place, and the stale-page removal waiting for the failed file does
 * not run — while the one waiting only for files that made it does. */
Test(atomicfile, batch_then_runs_only_when_its_files_all_landed)
{
	char *dir = wst_tmpdir();
	char *p1 = g_build_filename(dir, "p1.png", NULL), *p2 = g_build_filename(dir, "p2.png", NULL);
	char *blocker = g_build_filename(p2, "keep", NULL);
	cr_assert_eq(g_mkdir(p2, 0755), 0);
	put(blocker, "a folder in the way");
	ws_atomic_batch *b = ws_atomic_batch_new();
	queue(b, p1, "new 1");
	then_seen only_first = {0};
	ws_atomic_batch_then(b, 1, then_run, &only_first, then_free);
	queue(b, p2, "new 2");
	then_seen both = {0};
	ws_atomic_batch_then(b, 2, then_run, &both, then_free);
	ws_diags *d = ws_diags_new();
	then_seen log = {0};
	cr_assert_eq(ws_atomic_batch_commit(b, done_log, &log, d), WS_EIO);
	char *outcome = g_strdup_printf("p1.png=%d p2.png=%d ", WS_OK, WS_EIO);
	cr_assert_str_eq(log.log, outcome);
	g_free(outcome);
	char *msg = only_diag(d);
	char *want = g_strdup_printf("cannot write '%s'", p2);
	cr_assert(strstr(msg, want), "got '%s'", msg);
	cr_assert_eq(only_first.runs, 1);
	cr_assert_eq(both.runs, 0, "the stale-page removal ran though a new page failed");
	cr_assert_eq(only_first.frees + both.frees, 2);
	assert_content(p1, "new 1");
	assert_content(blocker, "a folder in the way");
	assert_listing(dir, "p1.png p2.png");
	ws_atomic_batch_free(b);
	g_free(want);
	g_free(msg);
	ws_diags_free(d);
	g_free(log.log);
	g_free(blocker);
	g_free(p1);
	g_free(p2);
	g_free(dir);
}
