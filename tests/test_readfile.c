/* Tests for core/base/readfile.c: the one bounded, non-blocking way every
 * loader reads a file.  What a user sees: the bytes of a good file, and for
 * a bad one an error naming the file (path:0:0), never a hang. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "readfile.h"

static char *scratch;

static void make_scratch(void)
{
	scratch = g_dir_make_tmp("wenshu-readfile-XXXXXX", NULL);
	cr_assert_not_null(scratch);
}

static void drop_scratch(void)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", scratch);
	cr_assert_eq(system(cmd), 0);
	g_free(cmd);
	g_free(scratch);
}

static char *write_file(const char *name, const char *text, size_t len)
{
	char *path = g_build_filename(scratch, name, NULL);
	cr_assert(g_file_set_contents(path, text, (gssize)len, NULL));
	return path;
}

/* Reads `path` with the limit, expecting failure `rc`; checks the one
 * diagnostic is an error at the file itself, of `rule` (or none), holding
 * `words`. */
static void assert_refused(const char *path, size_t limit, int rc, const char *rule, const char *words)
{
	ws_diags *d = ws_diags_new();
	char *out = (char *)"untouched";
	size_t len = 99;
	cr_assert_eq(ws__read_file(path, limit, &out, &len, d), rc, "%s", path);
	cr_assert_null(out, "no bytes handed out on failure");
	cr_assert_eq(len, 0);
	cr_assert_eq(ws_diags_count(d), 1);
	const ws_diag *g = ws_diags_at(d, 0);
	cr_assert_eq(g->severity, WS_SEVERITY_ERROR);
	cr_assert_str_eq(g->loc.file, path, "the error is located at the file");
	cr_assert_eq(g->loc.line, 0);
	cr_assert_eq(g->loc.column, 0);
	cr_assert_str_eq(g->rule ? g->rule : "(none)", rule ? rule : "(none)");
	cr_assert(strstr(g->message, words), "'%s' should say '%s'", g->message, words);
	ws_diags_free(d);
}

/* Reads `path` with the limit, expecting success and no diagnostic. */
static char *read_ok(const char *path, size_t limit, size_t *len)
{
	ws_diags *d = ws_diags_new();
	char *out;
	cr_assert_eq(ws__read_file(path, limit, &out, len, d), WS_OK, "%s", path);
	cr_assert_eq(ws_diags_count(d), 0);
	cr_assert_eq(out[*len], '\0', "NUL-terminated");
	ws_diags_free(d);
	return out;
}

TestSuite(readfile, .init = make_scratch, .fini = drop_scratch);

Test(readfile, reads_whole_file_nul_terminated)
{
	static const char text[] = "group:\n  name: 贾测试\n\0tail";
	char *path = write_file("ok.yaml", text, sizeof text - 1);
	size_t len;
	char *out = read_ok(path, 1024, &len);
	cr_assert_eq(len, sizeof text - 1, "an embedded NUL does not cut the length");
	cr_assert_eq(memcmp(out, text, len), 0);
	g_free(out);
	g_free(path);
}

/* The limit is inclusive: exactly max_size bytes is fine, one more is not. */
Test(readfile, limit_is_inclusive)
{
	char *path = write_file("ten.txt", "0123456789", 10);
	size_t len;
	g_free(read_ok(path, 10, &len));
	cr_assert_eq(len, 10);
	assert_refused(path, 9, WS_EINPUT, "limit", "file is too large (10 bytes; the limit is 9 bytes)");
	g_free(path);
}

Test(readfile, empty_file_is_empty_text)
{
	char *path = write_file("empty.yaml", "", 0);
	size_t len;
	char *out = read_ok(path, 0, &len);
	cr_assert_eq(len, 0);
	cr_assert_str_eq(out, "");
	g_free(out);
	g_free(path);
}

Test(readfile, missing_file)
{
	char *path = g_build_filename(scratch, "no-such.yaml", NULL);
	assert_refused(path, 1024, WS_EIO, NULL, "cannot open: No such file or directory");
	g_free(path);
}

Test(readfile, directory_is_refused)
{
	assert_refused(scratch, 1024, WS_EINPUT, NULL, "is a directory, not a file");
}

/* A FIFO with no writer must be refused at once, not block the caller;
 * Criterion's timeout turns a hang into a failure. */
Test(readfile, fifo_is_refused_without_blocking, .timeout = 10)
{
	char *path = g_build_filename(scratch, "pipe", NULL);
	cr_assert_eq(mkfifo(path, 0600), 0);
	assert_refused(path, 1024, WS_EINPUT, NULL, "is not a regular file");
	g_free(path);
}

Test(readfile, unreadable_file)
{
	if (geteuid() == 0)
		cr_skip_test("root reads any file");
	char *path = write_file("secret.yaml", "x", 1);
	cr_assert_eq(g_chmod(path, 0), 0);
	assert_refused(path, 1024, WS_EIO, NULL, "cannot open: Permission denied");
	g_free(path);
}
