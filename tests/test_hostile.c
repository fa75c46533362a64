/* Hostile and careless input, through the real `wenshu` command line.
 *
 * Layouts come from office staff learning YAML, data from spreadsheets and
 * e-mail attachments.  Whatever they hold, wenshu must refuse quickly with
 * a file:line:col, never write outside the output folder, never leave a
 * half-written or hidden temporary file, and never damage a good file that
 * is already there.  Each test asserts the exit status (0 success, 1 input
 * problems, 2 usage, 3 I/O, 4 interrupted) and, where there is one, the
 * exact location of the error.
 *
 * Deadlines are multiplied by $CK_TIMEOUT_MULTIPLIER, which the valgrind
 * test setup sets, because memcheck runs wenshu itself 20–50× slower. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <valgrind/valgrind.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>

#include "support.h"

#define WENSHU WS_TEST_BUILD_DIR "/cli/wenshu"
#define SAMPLE WS_TEST_SOURCE_DIR "/examples/data/self-beijing.yaml"

/* ---- helpers --------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Seconds a deadline stretches to under valgrind (CK_TIMEOUT_MULTIPLIER). */
static double slow(double s)
{
	const char *m = g_getenv("CK_TIMEOUT_MULTIPLIER");
	double k = m ? g_ascii_strtod(m, NULL) : 1;
	return s * (k >= 1 ? k : 1);
}

static char *write_file(const char *dir, const char *name, const char *text)
{
	char *p = g_build_filename(dir, name, NULL);
	cr_assert(g_file_set_contents(p, text, -1, NULL), "cannot write %s", p);
	return p;
}

static char *read_file(const char *path, gsize *len)
{
	char *s = NULL;
	if (!g_file_get_contents(path, &s, len, NULL))
		return NULL;
	return s;
}

/* A layout that every kind's sample group renders with: one line of text,
 * one page. */
static char *simple_layout(const char *dir)
{
	return write_file(dir, "l.yaml",
	                  "wenshu: 1\n"
	                  "kind: payment-receipt\n"
	                  "title: 测试\n"
	                  "elements:\n"
	                  "  - text: \"团组 {{ group.group_id }}\"\n");
}

/* The sample group of examples/data/self-beijing.yaml, n times, with
 * group ids G000, G001, ..., as a `groups:` file.  When `names` is not
 * NULL, group k's group_name is names[k].  (The visa plugins accept only
 * letters, digits and hyphens in a group_id, so hostile names travel in
 * group_name, which an output template may use as well.  The name is
 * written in double quotes, so YAML escapes such as \u202E work.) */
static char *groups_file(const char *dir, const char *name, size_t n, const char *const *names)
{
	char *src = read_file(SAMPLE, NULL);
	cr_assert_not_null(src);
	char **lines = g_strsplit(src, "\n", -1);
	g_free(src);
	GString *out = g_string_new("groups:\n");
	for (size_t g = 0; g < n; g++) {
		bool in_group = false, first = true;
		for (char **l = lines; *l; l++) {
			if (g_str_has_prefix(*l, "group:")) {
				in_group = true;
				continue;
			}
			const char *t = *l;
			while (*t == ' ')
				t++;
			if (!in_group || !*t || *t == '#')
				continue;
			g_string_append(out, first ? "  - " : "    ");
			first = false;
			if (strncmp(*l, "  group_id:", 11) == 0) {
				g_string_append_printf(out, "group_id: G%03zu\n", g);
			} else if (names && strncmp(*l, "  group_name:", 13) == 0) {
				g_string_append_printf(out, "group_name: \"%s\"\n", names[g]);
			} else {
				g_string_append_printf(out, "%s\n", *l + 2);
			}
		}
	}
	g_strfreev(lines);
	char *p = write_file(dir, name, out->str);
	g_string_free(out, TRUE);
	return p;
}

static int cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in `dir` (sorted, '\n'-joined, "" when empty or missing). */
static char *list_dir(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (!d)
		return g_strdup("");
	GPtrArray *names = g_ptr_array_new();
	for (const char *n; (n = g_dir_read_name(d));)
		g_ptr_array_add(names, g_strdup(n));
	g_dir_close(d);
	g_ptr_array_sort(names, cmp_names);
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < names->len; i++) {
		char *n = g_ptr_array_index(names, i);
		g_string_append_printf(s, "%s%s", i ? "\n" : "", n);
		g_free(n);
	}
	g_ptr_array_free(names, TRUE);
	return g_string_free(s, FALSE);
}

/* Asserts that no hidden temporary file (".NAME.XXXXXX.tmp") is in dir. */
static void assert_no_temp(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (!d)
		return;
	for (const char *n; (n = g_dir_read_name(d));)
		cr_assert(!(n[0] == '.' && g_str_has_suffix(n, ".tmp")), "temporary file left behind: %s/%s",
		          dir, n);
	g_dir_close(d);
}

/* How a child is started. */
typedef struct spawn_opts {
	const char *cwd;          /* NULL: the source tree, as wst_wenshu() */
	rlim_t fsize;             /* RLIMIT_FSIZE in bytes, 0: unchanged */
	bool drop_root;           /* run as nobody when we are root */
	const char *const *env;   /* extra NAME=VALUE settings, NULL-terminated */
	const char *stdout_to;    /* a file for stdout (such as /dev/full), NULL: a scratch file */
} spawn_opts;

typedef struct child {
	pid_t pid;
	char *err_path;           /* stderr goes here */
	char *out_path;
} child;

static void start(child *c, const spawn_opts *o, const char *const *args, const char *tmp)
{
	static int serial;
	/* Beside the test's folder, so that listing the folder sees only what
	 * wenshu wrote. */
	char *base = g_path_get_basename(tmp);
	c->err_path = g_strdup_printf("%s/../%s.stderr.%d", tmp, base, serial);
	c->out_path = g_strdup_printf("%s/../%s.stdout.%d", tmp, base, serial++);
	g_free(base);
	fflush(NULL);
	c->pid = fork();
	cr_assert_geq(c->pid, 0, "fork: %s", g_strerror(errno));
	if (c->pid > 0)
		return;
	/* Child: only async-signal-safe work would be strictly right after a
	 * fork in a threaded process; Criterion's test process is single
	 * threaded here, so plain calls are fine. */
	int efd = open(c->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int ofd = open(o && o->stdout_to ? o->stdout_to : c->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (efd < 0 || ofd < 0)
		_exit(120);
	dup2(ofd, 1);
	dup2(efd, 2);
	if (chdir(o && o->cwd ? o->cwd : WS_TEST_SOURCE_DIR) != 0)
		_exit(121);
	for (const char *const *e = o ? o->env : NULL; e && *e; e++)
		putenv((char *)*e);
	if (o && o->fsize) {
		struct rlimit rl = {o->fsize, o->fsize};
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(122);
	}
	if (o && o->drop_root && geteuid() == 0) {
		/* Root ignores file permissions; a read-only folder is only
		 * read-only for an ordinary user. */
		if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
			_exit(123);
	}
	GPtrArray *argv = g_ptr_array_new();
	g_ptr_array_add(argv, (char *)WENSHU);
	for (const char *const *a = args; *a; a++)
		g_ptr_array_add(argv, (char *)*a);
	g_ptr_array_add(argv, NULL);
	execv(WENSHU, (char **)argv->pdata);
	_exit(124);
}

/* Waits up to `timeout` s; returns the exit status, or -1 when the child
 * had to be killed (it is then reaped).  *err receives stderr. */
static int finish(child *c, double timeout, char **err, struct rusage *ru)
{
	double end = now_s() + timeout;
	int st = 0;
	pid_t r;
	struct rusage dummy;
	while ((r = wait4(c->pid, &st, WNOHANG, ru ? ru : &dummy)) == 0 && now_s() < end)
		g_usleep(10 * 1000);
	int status;
	if (r == 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, &st, 0);
		status = -1;
	} else {
		status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	if (err)
		*err = read_file(c->err_path, NULL);
	g_unlink(c->err_path);
	g_unlink(c->out_path);
	g_free(c->err_path);
	g_free(c->out_path);
	return status;
}

/* Runs wenshu to its end, keeping its stdout: returns the status as
 * finish() does; *out and *err receive stdout and stderr. */
static int run_out(const spawn_opts *o, const char *const *args, const char *tmp, double timeout, char **out,
                   char **err)
{
	child c;
	start(&c, o, args, tmp);
	/* finish() removes the stdout file: read it first, once wenshu ended. */
	int st = 0;
	pid_t r;
	double end = now_s() + timeout;
	while ((r = waitpid(c.pid, &st, WNOHANG)) == 0 && now_s() < end)
		g_usleep(10 * 1000);
	*out = read_file(c.out_path, NULL);
	if (r == 0)
		kill(c.pid, SIGKILL);
	finish(&c, 1, err, NULL);
	return r == 0 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run(const spawn_opts *o, const char *const *args, const char *tmp, double timeout,
               char **err, double *secs)
{
	/* A traced child that drops root and then execs wenshu does not run
	 * under memcheck (it exits 1 before main); the normal and ASan suites
	 * run these tests. */
	if (o && o->drop_root && geteuid() == 0 && RUNNING_ON_VALGRIND)
		cr_skip_test("privilege-dropping children are not run under valgrind");
	child c;
	double t0 = now_s();
	start(&c, o, args, tmp);
	int rc = finish(&c, timeout, err, NULL);
	if (secs)
		*secs = now_s() - t0;
	return rc;
}

/* Asserts that `err` has a line starting with `prefix` (a
 * "file:line:col: error: ..." beginning). */
static void assert_line(const char *err, const char *prefix)
{
	cr_assert_not_null(err);
	bool found = g_str_has_prefix(err, prefix);
	for (const char *p = strchr(err, '\n'); !found && p; p = strchr(p + 1, '\n'))
		found = g_str_has_prefix(p + 1, prefix);
	cr_assert(found, "expected a line starting with\n  %s\nin stderr:\n%s", prefix, err);
}

/* assert_line with the prefix formatted (a path in it, usually). */
static void G_GNUC_PRINTF(2, 3) assert_linef(const char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *prefix = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	assert_line(err, prefix);
	g_free(prefix);
}

/* Runs wenshu and asserts its exit status; returns stderr (caller
 * g_free()s).  *secs (may be NULL) receives the run's duration. */
static char *run_status(const spawn_opts *o, const char *const *args, const char *tmp, double timeout, int status,
                        double *secs)
{
	char *err = NULL;
	int rc = run(o, args, tmp, timeout, &err, secs);
	if (rc != status) {
		char *cmd = g_strjoinv(" ", (char **)args);
		cr_assert_fail("wenshu %s: status %d, expected %d; stderr:\n%s", cmd, rc, status, err);
	}
	return err;
}

/* Asserts that TMP/out holds nothing, not even a temporary file; `what`
 * names the case in the message. */
static void assert_out_empty(const char *tmp, const char *what)
{
	char *outdir = g_build_filename(tmp, "out", NULL);
	char *names = list_dir(outdir);
	cr_assert_str_eq(names, "", "%s: no file, no temporary file in %s: %s", what, outdir, names);
	g_free(names);
	g_free(outdir);
}

/* Asserts that every file in `dir` is a whole one-page PDF (what an
 * interrupted batch leaves). */
static void assert_whole_pdfs(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	cr_assert_not_null(d, "%s", dir);
	for (const char *name; (name = g_dir_read_name(d));) {
		char *p = g_build_filename(dir, name, NULL);
		char *info = wst_pdfinfo(p);
		cr_assert(info && strstr(info, "Pages:           1"), "%s is a complete PDF: %s", name, info);
		g_free(info);
		g_free(p);
	}
	g_dir_close(d);
}

/* ---- hostile YAML: bombs and nesting --------------------------------- */

/* A "billion laughs": nine levels of ten aliases each expand to 10^9 nodes. */
static const char bomb[] =
	"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	"h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
	"i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";

Test(hostile, alias_bomb_layout_refused_fast)
{
	char *tmp = wst_tmpdir();
	char *l = write_file(tmp, "bomb.yaml", bomb);
	double secs;
	char *err = run_status(NULL, (const char *[]){"check", l, NULL}, tmp, slow(10), 1, &secs);
	cr_assert_lt(secs, slow(2), "took %.2f s", secs);
	/* The millionth node is reached at the 8th alias of line 6: a..e
	 * expand to 123 455 nodes, each *e to 111 111 more. */
	assert_linef(err, "%s:6:36: error: [limit] the document expands to more than 1000000 nodes", l);
	g_free(err);
	g_free(l);
	g_free(tmp);
}

Test(hostile, alias_bomb_data_refused_fast)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	char **lines = g_strsplit(bomb, "\n", -1);
	GString *d = g_string_new("group:\n  group_id: G1\n  junk:\n");
	for (char **p = lines; *p && **p; p++)
		g_string_append_printf(d, "    %s\n", *p);
	g_strfreev(lines);
	char *data = write_file(tmp, "bomb-data.yaml", d->str);
	g_string_free(d, TRUE);
	char *out = g_build_filename(tmp, "out", "{group.group_id}.pdf", NULL);
	double secs;
	char *err = run_status(NULL, (const char *[]){"render", l, "--data", data, "-o", out, NULL}, tmp, slow(10), 1,
	                       &secs);
	cr_assert_lt(secs, slow(2), "took %.2f s", secs);
	/* As above, 3 lines down and 4 columns right. */
	assert_linef(err, "%s:9:40: error: [limit] the document expands to more than 1000000 nodes", data);
	char *outdir = g_build_filename(tmp, "out", NULL);
	cr_assert_not(g_file_test(outdir, G_FILE_TEST_EXISTS), "nothing is written for refused data");
	g_free(outdir);
	g_free(err);
	g_free(out);
	g_free(data);
	g_free(l);
	g_free(tmp);
}

Test(hostile, deep_nesting_refused)
{
	char *tmp = wst_tmpdir();
	GString *s = g_string_new("wenshu: 1\nkind: payment-receipt\nelements: ");
	for (int i = 0; i < 100000; i++)
		g_string_append_c(s, '[');
	g_string_append_c(s, '\n');
	char *l = write_file(tmp, "deep.yaml", s->str);
	g_string_free(s, TRUE);
	/* Flow and block nesting in a data file. */
	GString *b = g_string_new("group:\n  group_id: G1\n  x:\n");
	for (int i = 0; i < 200; i++)
		g_string_append_printf(b, "%*sk:\n", 4 + 2 * i, "");
	g_string_append_printf(b, "%*s1\n", 4 + 2 * 200, "");
	char *data = write_file(tmp, "deep-data.yaml", b->str);
	g_string_free(b, TRUE);

	double secs;
	char *err = run_status(NULL, (const char *[]){"check", l, NULL}, tmp, slow(10), 1, &secs);
	cr_assert_lt(secs, slow(2), "took %.2f s", secs);
	/* "elements: " is 10 characters; the 65th '[' is one level too deep
	 * (the root map is level 1). */
	assert_linef(err, "%s:3:74: error: [limit] nesting deeper than 64 levels", l);
	g_free(err);

	char *good = simple_layout(tmp);
	err = run_status(NULL, (const char *[]){"check", good, "--data", data, NULL}, tmp, slow(10), 1, &secs);
	cr_assert_lt(secs, slow(2), "took %.2f s", secs);
	/* Line n >= 4 holds a key at depth n - 1 (root, group, x, ...), so
	 * the map at depth 65 starts on line 66, at column 4 + 2·62 + 1. */
	assert_linef(err, "%s:66:129: error: [limit] nesting deeper than 64 levels", data);
	g_free(err);
	g_free(good);
	g_free(data);
	g_free(l);
	g_free(tmp);
}

Test(hostile, huge_data_file_refused_before_reading)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	char *data = g_build_filename(tmp, "big.yaml", NULL);
	/* 50 MB: a sparse file, so the test costs no disk. */
	int fd = open(data, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(pwrite(fd, "x\n", 2, 50 * 1000 * 1000 - 2), 2);
	close(fd);
	double secs;
	char *err = run_status(NULL, (const char *[]){"render", l, "--data", data, "-o", "/nonexistent/x.pdf", NULL},
	                       tmp, slow(10), 1, &secs);
	cr_assert_lt(secs, slow(2), "took %.2f s", secs);
	assert_linef(err, "wenshu: %s: error: [limit] file is too large (50000000 bytes; the limit is 33554432 bytes)",
	             data);
	g_free(err);
	g_free(data);
	g_free(l);
	g_free(tmp);
}

/* ---- lengths, page sizes, resolution --------------------------------- */

typedef struct bad_length {
	const char *yaml;   /* after the layout's head */
	const char *where;  /* ":line:col: error: " */
	const char *what;   /* the message's start */
} bad_length;

static const bad_length bad_lengths[] = {
	{"page: {size: [1000000mm, 297mm]}\nelements: []\n", ":3:15: error: ",
	 "page width '1000000mm' is larger than the limit of 14400 pt"},
	{"page: {size: [210mm, 1e308mm]}\nelements: []\n", ":3:22: error: ",
	 "page height '1e308mm' is larger than the limit of 14400 pt"},
	{"page: {margins: nanmm}\nelements: []\n", ":3:17: error: ", "margins 'nanmm' is not a length"},
	{"elements:\n  - text: x\n    box: [0, 0, -5mm, 10mm]\n", ":5:17: error: ",
	 "box width must not be negative (-5mm)"},
	{"elements:\n  - text: x\n    box: [0, 0, 1e308mm, 10mm]\n", ":5:17: error: ",
	 "box width '1e308mm' is larger than the limit of 14400 pt"},
	{"elements:\n  - text: x\n    box: [nanmm, 0, 5mm, 5mm]\n", ":5:11: error: ", "box x 'nanmm' is not a length"},
	{"elements:\n  - text: x\n    box: [0, 0, infmm, 5mm]\n", ":5:17: error: ", "box width 'infmm' is not a length"},
	{"elements:\n  - text: x\n    box: [0, 0, 99999999999999999999999999999999999mm, 5mm]\n", ":5:17: error: ",
	 "box width '99999999999999999999999999999999999mm' is larger than the limit"},
	{"styles:\n  s: {size: 1e308pt}\nelements: []\n", ":4:13: error: ",
	 "size '1e308pt' is larger than the limit of 14400 pt"},
	{"elements:\n  - space: -1e308mm\n", ":4:12: error: ", "space must not be negative (-1e308mm)"},
};

ParameterizedTestParameters(hostile, bad_lengths_refused_with_location)
{
	return wst_case_indices(G_N_ELEMENTS(bad_lengths));
}

/* Each row in a layout of its own; a failure names the row's message. */
ParameterizedTest(size_t *i, hostile, bad_lengths_refused_with_location)
{
	const bad_length *c = &bad_lengths[*i];
	char *tmp = wst_tmpdir();
	char *src = g_strconcat("wenshu: 1\nkind: payment-receipt\n", c->yaml, NULL);
	char *l = write_file(tmp, "len.yaml", src);
	char *err = run_status(NULL, (const char *[]){"check", l, NULL}, tmp, slow(10), 1, NULL);
	assert_linef(err, "%s%s%s", l, c->where, c->what);
	g_free(err);
	g_free(l);
	g_free(src);
	g_free(tmp);
}

Test(hostile, dpi_out_of_range_is_usage_error)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	char *out = g_build_filename(tmp, "out", "x.png", NULL);
	char *err = run_status(NULL, (const char *[]){"render", l, "--data", SAMPLE, "-o", out, "--dpi", "100000", NULL},
	                       tmp, slow(10), 2, NULL);
	assert_line(err, "wenshu: --dpi must be between 10 and 2400");
	g_free(err);
	err = run_status(NULL, (const char *[]){"render", l, "--data", SAMPLE, "-o", out, "--dpi", "nan", NULL}, tmp,
	                 slow(10), 2, NULL);
	char *outdir = g_build_filename(tmp, "out", NULL);
	cr_assert_not(g_file_test(outdir, G_FILE_TEST_EXISTS));
	g_free(outdir);
	g_free(err);
	g_free(out);
	g_free(l);
	g_free(tmp);
}

Test(hostile, png_over_pixel_limit_refused_before_allocation)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	char *out = g_build_filename(tmp, "out", "x.png", NULL);
	char *err = NULL;
	child c;
	start(&c, NULL, (const char *[]){"render", l, "--data", SAMPLE, "-o", out, "--dpi", "2400", NULL}, tmp);
	struct rusage ru;
	int rc = finish(&c, slow(20), &err, &ru);
	/* A4 at 2400 dpi: 19843 × 28063 pixels, 2.2 GB of ARGB.  The layout's
	 * page size is the input at fault: exit 1, at the layout (it has no
	 * `page:`, so its first line). */
	cr_assert_eq(rc, 1, "status %d; stderr:\n%s", rc, err);
	assert_linef(err, "%s:1:1: error: [limit] the page would be 19843 × 28063 = 556854109 pixels at "
	                  "2400 dpi; the limit is 100000000 pixels", l);
	/* Refused before the pixels were allocated: the process never grew
	 * anywhere near the 2.2 GB the page needs (ru_maxrss is in KiB). */
	cr_assert_lt(ru.ru_maxrss, 1024L * 1024L, "peak RSS %ld KiB", ru.ru_maxrss);
	assert_out_empty(tmp, "2400 dpi");
	g_free(err);
	g_free(out);
	g_free(l);
	g_free(tmp);
}

/* With a `page:`, the error points at it. */
Test(hostile, png_over_pixel_limit_names_the_page_size)
{
	char *tmp = wst_tmpdir();
	char *l = write_file(tmp, "l.yaml",
	                     "wenshu: 1\n"
	                     "kind: payment-receipt\n"
	                     "title: 测试\n"
	                     "page: {size: A3}\n"
	                     "elements:\n"
	                     "  - text: \"团组 {{ group.group_id }}\"\n");
	char *out = g_build_filename(tmp, "out", "x.png", NULL);
	char *err = run_status(NULL, (const char *[]){"render", l, "--data", SAMPLE, "-o", out, "--dpi", "1200", NULL},
	                       tmp, slow(20), 1, NULL);
	/* A3 at 1200 dpi: 14031 × 19843 pixels. */
	assert_linef(err, "%s:4:7: error: [limit] the page would be 14031 × 19843 = 278417133 pixels at "
	                  "1200 dpi; the limit is 100000000 pixels", l);
	assert_out_empty(tmp, "A3 at 1200 dpi");
	g_free(err);
	g_free(out);
	g_free(l);
	g_free(tmp);
}

/* ---- output names from data ------------------------------------------ */

Test(hostile, traversal_in_data_stays_inside_output_folder)
{
	char *tmp = wst_tmpdir();
	char *base = g_build_filename(tmp, "a", "b", NULL);
	cr_assert_eq(g_mkdir_with_parents(base, 0755), 0);
	char *l = simple_layout(tmp);
	char *data = groups_file(tmp, "d.yaml", 3, (const char *const[]){"../../etc/x", "/abs/y", "..", NULL});
	char *out = g_build_filename(base, "out", "{group.group_name}.pdf", NULL);
	char *err = run_status(NULL, (const char *[]){"render", l, "--data", data, "-o", out, "--jobs", "1", NULL}, tmp,
	                       slow(60), 0, NULL);
	/* Each '/' became '_', and a leading '.' too: no hidden file, no "..". */
	char *outdir = g_build_filename(base, "out", NULL);
	char *names = list_dir(outdir);
	cr_assert_str_eq(names, "_..pdf\n_._.._etc_x.pdf\n_abs_y.pdf", "files: %s", names);
	/* Nothing was created above the output folder or at the absolute path. */
	char *above = list_dir(base);
	cr_assert_str_eq(above, "out", "%s", above);
	char *top = list_dir(tmp);
	cr_assert_str_eq(top, "a\nd.yaml\nl.yaml", "%s", top);
	cr_assert_not(g_file_test("/abs", G_FILE_TEST_EXISTS));
	char *pdf = g_build_filename(outdir, "_._.._etc_x.pdf", NULL);
	char *info = wst_pdfinfo(pdf);
	cr_assert(info && strstr(info, "Pages:"), "a complete PDF");
	g_free(info);
	g_free(pdf);
	g_free(top);
	g_free(above);
	g_free(names);
	g_free(outdir);
	g_free(err);
	g_free(out);
	g_free(data);
	g_free(l);
	g_free(base);
	g_free(tmp);
}

Test(hostile, two_groups_one_file_refused_before_writing)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	/* Distinct names that sanitize to the same file name. */
	char *data = groups_file(tmp, "d.yaml", 2, (const char *const[]){"a/b", "a_b", NULL});
	char *out = g_build_filename(tmp, "out", "{group.group_name}.pdf", NULL);
	char *err = run_status(NULL, (const char *[]){"render", l, "--data", data, "-o", out, NULL}, tmp, slow(30), 2, NULL);
	assert_linef(err, "wenshu: two groups would be written to the same file %s/out/a_b.pdf (group G001)", tmp);
	g_free(err);
	/* A fixed name for two groups. */
	char *fixed = g_build_filename(tmp, "out", "same.pdf", NULL);
	err = run_status(NULL, (const char *[]){"render", l, "--data", data, "-o", fixed, NULL}, tmp, slow(30), 2, NULL);
	cr_assert(strstr(err, "two groups would be written to the same file"), "%s", err);
	char *outdir = g_build_filename(tmp, "out", NULL);
	cr_assert_not(g_file_test(outdir, G_FILE_TEST_EXISTS), "nothing, not even the folder, was created");
	g_free(outdir);
	g_free(fixed);
	g_free(err);
	g_free(out);
	g_free(data);
	g_free(l);
	g_free(tmp);
}

Test(hostile, output_onto_data_file_refused)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	char *data = groups_file(tmp, "d.yaml", 1, NULL);
	gsize len0;
	char *before = read_file(data, &len0);
	/* --merge straight onto the data file. */
	char *err = run_status(NULL, (const char *[]){"render", l, "--data", data, "--merge", data, NULL}, tmp, slow(30),
	                       2, NULL);
	assert_linef(err, "wenshu: --merge would overwrite an input file: %s", data);
	g_free(err);
	/* An output name that is a link to the data file. */
	char *link = g_build_filename(tmp, "G000.pdf", NULL);
	cr_assert_eq(symlink(data, link), 0);
	char *out = g_build_filename(tmp, "{group.group_id}.pdf", NULL);
	err = run_status(NULL, (const char *[]){"render", l, "--data", data, "-o", out, NULL}, tmp, slow(30), 2, NULL);
	assert_linef(err, "wenshu: %s: the output would overwrite an input file", link);
	gsize len1;
	char *after = read_file(data, &len1);
	cr_assert(len0 == len1 && memcmp(before, after, len0) == 0, "the data file is unchanged");
	assert_no_temp(tmp);
	g_free(after);
	g_free(out);
	g_free(link);
	g_free(err);
	g_free(before);
	g_free(data);
	g_free(l);
	g_free(tmp);
}

/* ---- the file system says no ----------------------------------------- */

Test(hostile, read_only_output_folder)
{
	char *tmp = wst_tmpdir();
	/* As nobody (when run as root) the child must read the inputs. */
	cr_assert_eq(chmod(tmp, 0755), 0);
	char *l = simple_layout(tmp);
	char *data = groups_file(tmp, "d.yaml", 2, NULL);
	char *outdir = g_build_filename(tmp, "ro", NULL);
	cr_assert_eq(g_mkdir(outdir, 0555), 0);
	cr_assert_eq(chmod(outdir, 0555), 0);
	char *out = g_build_filename(outdir, "{group.group_id}.pdf", NULL);
	spawn_opts o = {.drop_root = true, .env = (const char *const[]){"WENSHU_NO_FONTPREP=1", NULL}};
	char *err = run_status(&o, (const char *[]){"render", l, "--data", data, "-o", out, "--jobs", "1", NULL}, tmp,
	                       slow(60), 3, NULL);
	assert_linef(err, "wenshu: error: cannot write '%s/G000.pdf': Permission denied", outdir);
	cr_assert(strstr(err, "0 of 2 group(s) rendered, 2 failed"), "summary: %s", err);
	char *names = list_dir(outdir);
	cr_assert_str_eq(names, "", "no file and no temporary file: %s", names);
	g_free(names);
	g_free(err);
	g_free(out);
	g_free(outdir);
	g_free(data);
	g_free(l);
	g_free(tmp);
}

Test(hostile, file_size_limit_keeps_old_file)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	char *data = groups_file(tmp, "d.yaml", 1, NULL);
	char *outdir = g_build_filename(tmp, "out", NULL);
	char *out = g_build_filename(outdir, "{group.group_id}.pdf", NULL);
	char *pdf = g_build_filename(outdir, "G000.pdf", NULL);
	/* A good file first. */
	char *err = run_status(NULL, (const char *[]){"render", l, "--data", data, "-o", out, NULL}, tmp, slow(30), 0, NULL);
	g_free(err);
	gsize len0;
	char *good = read_file(pdf, &len0);
	cr_assert_not_null(good);
	cr_assert_gt(len0, 1024, "the PDF is larger than the limit below (%zu bytes)", (size_t)len0);

	/* `ulimit -f 1` (1 KiB): writing the new PDF fails with EFBIG; wenshu
	 * ignores SIGXFSZ, so it reports instead of dying. */
	spawn_opts o = {.fsize = 1024};
	int rc = run(&o, (const char *[]){"render", l, "--data", data, "-o", out, NULL}, tmp, slow(30), &err, NULL);
	cr_assert_eq(rc, 3, "status %d (not killed by SIGXFSZ); stderr:\n%s", rc, err);
	assert_linef(err, "wenshu: error: cannot write '%s': File too large", pdf);
	gsize len1;
	char *now = read_file(pdf, &len1);
	cr_assert(len0 == len1 && memcmp(good, now, len0) == 0, "the older file is intact, byte for byte");
	char *names = list_dir(outdir);
	cr_assert_str_eq(names, "G000.pdf", "no partial or temporary file: %s", names);
	g_free(names);
	g_free(now);
	g_free(err);
	g_free(good);
	g_free(pdf);
	g_free(out);
	g_free(outdir);
	g_free(data);
	g_free(l);
	g_free(tmp);
}

/* ---- interrupted batches --------------------------------------------- */

static size_t count_pdfs(const char *dir)
{
	size_t n = 0;
	GDir *d = g_dir_open(dir, 0, NULL);
	if (!d)
		return 0;
	for (const char *name; (name = g_dir_read_name(d));)
		n += name[0] != '.' && g_str_has_suffix(name, ".pdf");
	g_dir_close(d);
	return n;
}

/* Waits until a batch of 300 groups has written 5 of them: well under
 * way, far from done. */
static void await_batch(const char *outdir)
{
	double deadline = now_s() + slow(60);
	while (count_pdfs(outdir) < 5 && now_s() < deadline)
		g_usleep(20 * 1000);
	cr_assert_geq(count_pdfs(outdir), 5, "the batch started");
}

static void interrupt_batch(int sig, const char *jobs)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	char *data = groups_file(tmp, "d.yaml", 300, NULL);
	char *outdir = g_build_filename(tmp, "out", NULL);
	char *out = g_build_filename(outdir, "{group.group_id}.pdf", NULL);
	const char *args[] = {"render", l, "--data", data, "-o", out, "--jobs", jobs, NULL};
	child c;
	start(&c, NULL, args, tmp);
	/* Signal once a few groups are done. */
	await_batch(outdir);
	kill(c.pid, sig);
	double t0 = now_s();
	char *err = NULL;
	int rc = finish(&c, slow(10), &err, NULL);
	double took = now_s() - t0;
	cr_assert_neq(rc, -1, "wenshu did not stop after the signal; stderr:\n%s", err);
	cr_assert_lt(took, slow(2), "stopped %.2f s after the signal", took);
	cr_assert_eq(rc, 4, "status %d; stderr:\n%s", rc, err);
	size_t done = count_pdfs(outdir);
	cr_assert_lt(done, 300, "the batch was interrupted, not finished");
	cr_assert(strstr(err, "group(s) rendered") && strstr(err, "not started (interrupted; run again to finish)"),
	          "summary on stderr:\n%s", err);
	assert_no_temp(outdir);
	/* Every finished PDF is complete. */
	assert_whole_pdfs(outdir);
	g_free(err);

	/* Running the same command again completes the batch. */
	err = run_status(NULL, args, tmp, slow(600), 0, NULL);
	cr_assert_eq(count_pdfs(outdir), 300);
	assert_no_temp(outdir);
	g_free(err);
	g_free(out);
	g_free(outdir);
	g_free(data);
	g_free(l);
	g_free(tmp);
}

/* Several workers: the signal reaches only the parent, which must pass it
 * on to its workers. */
Test(hostile, sigterm_stops_parallel_batch, .timeout = 1200)
{
	interrupt_batch(SIGTERM, "2");
}

Test(hostile, sigint_stops_serial_batch, .timeout = 1200)
{
	interrupt_batch(SIGINT, "1");
}

/* ---- images and plugins from where they should not come -------------- */

Test(hostile, image_symlink_out_and_fifo_refused)
{
	char *tmp = wst_tmpdir();
	char *sub = g_build_filename(tmp, "layout", NULL);
	cr_assert_eq(g_mkdir(sub, 0755), 0);
	/* A real PNG outside the layout's folder, linked from inside. */
	char *outside = g_build_filename(tmp, "secret.png", NULL);
	char *ref = g_build_filename(WS_TEST_SOURCE_DIR, "tests", "reference", NULL);
	GDir *rd = g_dir_open(ref, 0, NULL);
	cr_assert_not_null(rd);
	const char *png = NULL;
	for (const char *n; (n = g_dir_read_name(rd));)
		if (g_str_has_suffix(n, ".png")) {
			png = n;
			break;
		}
	cr_assert_not_null(png, "a PNG in tests/reference");
	char *src = g_build_filename(ref, png, NULL);
	gsize len;
	char *bytes = read_file(src, &len);
	cr_assert(g_file_set_contents(outside, bytes, (gssize)len, NULL));
	g_dir_close(rd);
	char *link = g_build_filename(sub, "emblem.png", NULL);
	cr_assert_eq(symlink(outside, link), 0);
	char *fifo = g_build_filename(sub, "pipe.png", NULL);
	cr_assert_eq(mkfifo(fifo, 0644), 0);

	char *l = write_file(sub, "l.yaml",
	                     "wenshu: 1\n"
	                     "kind: payment-receipt\n"
	                     "elements:\n"
	                     "  - image: {src: emblem.png, box: [0, 0, 20mm, 20mm]}\n"
	                     "  - image: {src: pipe.png, box: [0, 0, 20mm, 20mm]}\n");
	char *err = NULL;
	double secs;
	int rc = run(NULL, (const char *[]){"check", l, NULL}, tmp, slow(10), &err, &secs);
	cr_assert_neq(rc, -1, "wenshu hung (on the FIFO?)");
	cr_assert_eq(rc, 1, "status %d; stderr:\n%s", rc, err);
	assert_linef(err, "%s:4:18: error: image 'emblem.png' resolves outside the layout's folder", l);
	assert_linef(err, "%s:5:18: error: image 'pipe.png' is not a regular file", l);
	g_free(err);
	g_free(l);
	g_free(fifo);
	g_free(link);
	g_free(bytes);
	g_free(src);
	g_free(ref);
	g_free(outside);
	g_free(sub);
	g_free(tmp);
}

Test(hostile, plugins_never_from_current_directory)
{
	char *tmp = wst_tmpdir();
	/* A working plugin, in ./plugins/good/ and in . itself. */
	gsize len;
	char *so = read_file(WS_TEST_BUILD_DIR "/tests/plugins/good.so", &len);
	cr_assert_not_null(so, "the test plugin is built");
	char *pdir = g_build_filename(tmp, "plugins", "good", NULL);
	cr_assert_eq(g_mkdir_with_parents(pdir, 0755), 0);
	char *p1 = g_build_filename(pdir, "good.so", NULL);
	char *p2 = g_build_filename(tmp, "good.so", NULL);
	cr_assert(g_file_set_contents(p1, so, (gssize)len, NULL));
	cr_assert(g_file_set_contents(p2, so, (gssize)len, NULL));
	/* Relative entries in the search path must be refused, not resolved
	 * against the current directory. */
	spawn_opts o = {.cwd = tmp,
	                .env = (const char *const[]){"WENSHU_PLUGIN_PATH=plugins:.:./plugins", NULL}};
	char *out = NULL, *err = NULL;
	int rc = run_out(&o, (const char *[]){"list", "plugins", NULL}, tmp, slow(30), &out, &err);
	cr_assert_eq(rc, 0, "status %d; stderr:\n%s", rc, err);
	cr_assert_not_null(out);
	cr_assert(strstr(out, "barcode"), "the build tree's plugins are listed:\n%s", out);
	cr_assert_null(strstr(out, "good"), "a plugin from the current directory was loaded:\n%s", out);
	cr_assert_null(strstr(out, tmp), "%s", out);
	assert_line(err, "wenshu: warning: [plugin] $WENSHU_PLUGIN_PATH: plugin directory 'plugins' refused: not an absolute path");
	assert_line(err, "wenshu: warning: [plugin] $WENSHU_PLUGIN_PATH: plugin directory '.' refused: not an absolute path");
	g_free(out);
	g_free(err);
	g_free(p1);
	g_free(p2);
	g_free(pdir);
	g_free(so);
	g_free(tmp);
}

/* ---- what reaches the terminal --------------------------------------- */

/* Asserts that `s` holds no byte a terminal acts on or hides: C0 controls
 * but '\n', DEL, C1 controls (UTF-8 C2 80..C2 9F), and no bidi control or
 * other invisible format character; and that it is valid UTF-8. */
static void assert_terminal_safe(const char *s, const char *what)
{
	cr_assert_not_null(s, "%s", what);
	cr_assert(g_utf8_validate(s, -1, NULL), "%s is not valid UTF-8:\n%s", what, s);
	for (const char *p = s; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		GUnicodeType t = g_unichar_type(c);
		cr_assert(c == '\n' || (t != G_UNICODE_CONTROL && t != G_UNICODE_FORMAT), "%s holds U+%04X at byte %td:\n%s",
		          what, c, p - s, s);
	}
}

Test(hostile, control_bytes_in_a_layout_key_are_escaped)
{
	char *tmp = wst_tmpdir();
	char *l = write_file(tmp, "l.yaml",
	                     "wenshu: 1\n"
	                     "kind: payment-receipt\n"
	                     "\"\\e]0;owned\\a\\e[2J\\u202e\": 1\n"
	                     "elements:\n"
	                     "  - text: x\n");
	char *err = run_status(NULL, (const char *[]){"check", l, NULL}, tmp, slow(30), 1, NULL);
	assert_linef(err, "%s:3:1: error: unknown key '\\x1b]0;owned\\x07\\x1b[2J\\u202E' in the layout", l);
	assert_terminal_safe(err, "stderr");
	g_free(err);
	g_free(l);
	g_free(tmp);
}

Test(hostile, control_bytes_in_a_data_value_are_escaped)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	/* The visa plugin quotes a bad group_id in its message, and the check
	 * summary names the group by it. */
	char *src = read_file(SAMPLE, NULL);
	GRegex *re = g_regex_new("group_id: .*", 0, 0, NULL);
	char *bad = g_regex_replace_literal(re, src, -1, 0, "group_id: \"G\\e[2J\\x9b\\u202e1\"", 0, NULL);
	char *data = write_file(tmp, "d.yaml", bad);
	char *err = run_status(NULL, (const char *[]){"check", l, "--data", data, NULL}, tmp, slow(60), 1, NULL);
	cr_assert(strstr(err, "\"G\\x1b[2J\\u009B\\u202E1\" is not 1 to 32 letters"), "%s", err);
	assert_line(err, "wenshu: G\\x1b[2J\\u009B\\u202E1: 1 error(s)");
	assert_terminal_safe(err, "stderr");
	g_free(err);
	g_free(data);
	g_free(bad);
	g_regex_unref(re);
	g_free(src);
	g_free(l);
	g_free(tmp);
}

/* Copies a test plugin from the build folder into TMP/plugins, then the
 * only folder searched: returns the "WENSHU_PLUGIN_PATH=..." entry for the
 * child's environment. */
static char *plugin_folder_env(const char *tmp, const char *built, const char *name)
{
	gsize len;
	char *src = g_strconcat(WS_TEST_BUILD_DIR, built, NULL);
	char *so = read_file(src, &len);
	cr_assert_not_null(so, "the test plugin is built: %s", src);
	char *pdir = g_build_filename(tmp, "plugins", NULL);
	cr_assert_eq(g_mkdir(pdir, 0755), 0);
	char *p = g_build_filename(pdir, name, NULL);
	cr_assert(g_file_set_contents(p, so, (gssize)len, NULL));
	char *env = g_strdup_printf("WENSHU_PLUGIN_PATH=%s", pdir);
	g_free(p);
	g_free(pdir);
	g_free(so);
	g_free(src);
	return env;
}

Test(hostile, control_bytes_in_a_plugin_description_are_escaped)
{
	char *tmp = wst_tmpdir();
	char *env = plugin_folder_env(tmp, "/tests/hostile-text.so", "hostile-text.so");
	spawn_opts o = {.env = (const char *const[]){env, NULL}};
	for (int k = 0; k < 2; k++) {
		const char *what = k ? "kinds" : "plugins";
		char *out = NULL, *err = NULL;
		int rc = run_out(&o, (const char *[]){"list", what, NULL}, tmp, slow(30), &out, &err);
		cr_assert_eq(rc, 0, "list %s: status %d; stderr:\n%s", what, rc, err);
		if (k == 0)
			cr_assert(strstr(out, "evil\\x1b]0;owned\\x07\\x1b[2J plugin \\u202Efdp.exe"), "%s", out);
		else
			cr_assert(strstr(out, "title\\u009B31m red"), "%s", out);
		assert_terminal_safe(out, "stdout");
		assert_terminal_safe(err, "stderr");
		g_free(err);
		g_free(out);
	}
	g_free(env);
	g_free(tmp);
}

/* A plugin that declares an element type named like a built-in one
 * (`text`) still loads (its kind is fine), but layouts never reach its
 * element: that is said once, naming both. */
Test(hostile, plugin_element_named_like_a_builtin_is_warned)
{
	char *tmp = wst_tmpdir();
	char *env = plugin_folder_env(tmp, "/tests/plugins/builtin-text.so", "builtin-text.so");
	spawn_opts o = {.env = (const char *const[]){env, NULL}};
	char *err = run_status(&o, (const char *[]){"list", "kinds", NULL}, tmp, slow(30), 0, NULL);
	assert_line(err, "wenshu: warning: [plugin] plugin 'builtin-text' declares an element type 'text', which is "
	                 "built in: layouts get the built-in 'text', never the plugin's");
	g_free(err);
	g_free(env);
	g_free(tmp);
}

/* The child environment for a test plugin that marks its loading: its
 * folder holds only the plugin `built` (copied as `name`), and the
 * plugins leave a file named after themselves in TMP/marks
 * (WS_TP_MARKER_DIR), returned in *marks.  NULL-terminated; g_strfreev()
 * it. */
static char **marking_plugin_env(const char *tmp, const char *built, const char *name, char **marks)
{
	*marks = g_build_filename(tmp, "marks", NULL);
	cr_assert_eq(g_mkdir(*marks, 0755), 0);
	char **env = g_new0(char *, 3);
	env[0] = plugin_folder_env(tmp, built, name);
	env[1] = g_strdup_printf("WS_TP_MARKER_DIR=%s", *marks);
	return env;
}

/* A layout of kind `kind` with one line of text, as DIR/NAME. */
static char *kind_layout(const char *dir, const char *name, const char *kind)
{
	char *text = g_strdup_printf("wenshu: 1\n"
	                             "kind: %s\n"
	                             "title: t\n"
	                             "elements:\n"
	                             "  - text: \"团组 {{ group.group_id }}\"\n",
	                             kind);
	char *p = write_file(dir, name, text);
	g_free(text);
	return p;
}

/* Plugins are opened on first use of their kind or element type: a render
 * of another kind never runs a plugin's ELF constructor (which runs at
 * dlopen, before any check); a layout of its kind opens it; `list
 * plugins` asks for all.  The test plugin's constructor leaves a file
 * named after it in $WS_TP_MARKER_DIR. */
Test(hostile, plugins_are_loaded_on_first_use)
{
	char *tmp = wst_tmpdir();
	char *marks;
	char **env = marking_plugin_env(tmp, "/tests/plugins/lazy.so", "lazy.so", &marks);
	char *marker = g_build_filename(marks, "lazy", NULL);
	spawn_opts o = {.env = (const char *const *)env};
	char *data = groups_file(tmp, "d.yaml", 1, NULL);
	char *other = simple_layout(tmp);
	char *mine = kind_layout(tmp, "lazy.yaml", "lazy-kind");
	char *out1 = g_build_filename(tmp, "out", "other.pdf", NULL);
	char *out2 = g_build_filename(tmp, "out", "lazy.pdf", NULL);
	char *err = run_status(&o, (const char *[]){"render", other, "--data", data, "-o", out1, NULL}, tmp, slow(60), 0,
	                       NULL);
	cr_assert_not(g_file_test(marker, G_FILE_TEST_EXISTS), "a render of another kind opened lazy.so");
	g_free(err);
	err = run_status(&o, (const char *[]){"check", other, "--data", data, NULL}, tmp, slow(60), 0, NULL);
	cr_assert_not(g_file_test(marker, G_FILE_TEST_EXISTS), "a check of another kind opened lazy.so");
	g_free(err);
	err = run_status(&o, (const char *[]){"render", mine, "--data", data, "-o", out2, NULL}, tmp, slow(60), 0, NULL);
	cr_assert(g_file_test(marker, G_FILE_TEST_EXISTS), "the layout of its kind opened lazy.so");
	cr_assert(g_file_test(out2, G_FILE_TEST_IS_REGULAR));
	g_free(err);
	cr_assert_eq(g_unlink(marker), 0);
	err = run_status(&o, (const char *[]){"list", "plugins", NULL}, tmp, slow(60), 0, NULL);
	cr_assert(g_file_test(marker, G_FILE_TEST_EXISTS), "list plugins opens every plugin");
	g_free(err);
	g_free(out2);
	g_free(out1);
	g_free(mine);
	g_free(other);
	g_free(data);
	g_free(marker);
	g_free(marks);
	g_strfreev(env);
	g_free(tmp);
}

/* A plugin whose kind is not named after it (good.so serves tp-kind) and
 * has no sidecar is still found: when the kind is not found by name,
 * every plugin is loaded, as for the "did you mean" that would follow. */
Test(hostile, a_kind_not_named_after_its_plugin_is_still_found)
{
	char *tmp = wst_tmpdir();
	char *marks;
	char **env = marking_plugin_env(tmp, "/tests/plugins/good.so", "good.so", &marks);
	spawn_opts o = {.env = (const char *const *)env};
	char *data = groups_file(tmp, "d.yaml", 1, NULL);
	char *l = kind_layout(tmp, "tp.yaml", "tp-kind");
	char *out = g_build_filename(tmp, "out", "tp.pdf", NULL);
	char *err = run_status(&o, (const char *[]){"render", l, "--data", data, "-o", out, NULL}, tmp, slow(60), 0, NULL);
	cr_assert(g_file_test(out, G_FILE_TEST_IS_REGULAR));
	char *marker = g_build_filename(marks, "good", NULL);
	cr_assert(g_file_test(marker, G_FILE_TEST_EXISTS), "good.so was opened");
	g_free(marker);
	g_free(err);
	g_free(out);
	g_free(l);
	g_free(data);
	g_free(marks);
	g_strfreev(env);
	g_free(tmp);
}

/* ---- output names from data, character by character ------------------ */

Test(hostile, output_names_clean_and_cut_at_a_character)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	/* 1 + 40 Han characters: 121 bytes, one over the 120 a value may
	 * give; a right-to-left override that would show "invoiceexe.pdf";
	 * ESC, BEL and a C1 NEL. */
	GString *han = g_string_new("x");
	for (int i = 0; i < 40; i++)
		g_string_append(han, "张");
	const char *names[] = {"invoice\\u202Efdp.exe", "a\\e[2Jb\\u0085c\\a", han->str, NULL};
	char *data = groups_file(tmp, "d.yaml", 3, names);
	char *out = g_build_filename(tmp, "out", "{group.group_name}.pdf", NULL);
	char *err = run_status(NULL, (const char *[]){"render", l, "--data", data, "-o", out, "--jobs", "1", NULL}, tmp,
	                       slow(60), 0, NULL);
	char *outdir = g_build_filename(tmp, "out", NULL);
	char *files = list_dir(outdir);
	GString *cut = g_string_new("x");
	for (int i = 0; i < 39; i++)
		g_string_append(cut, "张");
	char *want = g_strdup_printf("a[2Jbc.pdf\ninvoicefdp.exe.pdf\n%s.pdf", cut->str);
	cr_assert_str_eq(files, want, "files:\n%s", files);
	cr_assert(g_utf8_validate(files, -1, NULL));
	/* The cut is said, at the value's place in the data file. */
	g_free(want);
	char *note = strstr(err, "note: output name: {group.group_name} is 41 characters long; "
	                         "the file name keeps the first 40 (120 bytes)");
	cr_assert_not_null(note, "%s", err);
	want = g_strdup_printf("^\\Q%s\\E:[0-9]+:[0-9]+: note: output name", data);
	cr_assert(g_regex_match_simple(want, err, G_REGEX_MULTILINE, 0), "the note has the value's location:\n%s", err);
	assert_terminal_safe(err, "stderr");
	g_free(want);
	g_free(files);
	g_free(outdir);
	g_string_free(cut, TRUE);
	g_string_free(han, TRUE);
	g_free(err);
	g_free(out);
	g_free(data);
	g_free(l);
	g_free(tmp);
}

/* ---- workers die with their parent ------------------------------------ */

/* Processes (other than us) whose command line mentions `needle`. */
static int processes_mentioning(const char *needle)
{
	int n = 0;
	GDir *d = g_dir_open("/proc", 0, NULL);
	if (!d)
		return 0;
	for (const char *e; (e = g_dir_read_name(d));) {
		if (!g_ascii_isdigit(e[0]))
			continue;
		char *p = g_strdup_printf("/proc/%s/cmdline", e);
		gsize len = 0;
		char *cmd = NULL;
		if (g_file_get_contents(p, &cmd, &len, NULL)) {
			for (gsize i = 0; i + 1 < len; i++)
				if (cmd[i] == '\0')
					cmd[i] = ' ';
			n += strstr(cmd, needle) != NULL && atoi(e) != getpid();
		}
		g_free(cmd);
		g_free(p);
	}
	g_dir_close(d);
	return n;
}

Test(hostile, workers_die_with_a_killed_parent, .timeout = 600)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	char *data = groups_file(tmp, "d.yaml", 300, NULL);
	char *outdir = g_build_filename(tmp, "out", NULL);
	char *out = g_build_filename(outdir, "{group.group_id}.pdf", NULL);
	child c;
	start(&c, NULL, (const char *[]){"render", l, "--data", data, "-o", out, "--jobs", "2", NULL}, tmp);
	await_batch(outdir);
	kill(c.pid, SIGKILL);
	int st;
	waitpid(c.pid, &st, 0);
	/* The workers are told at once; give them a moment to go. */
	double deadline = now_s() + slow(2);
	while (processes_mentioning(data) > 0 && now_s() < deadline)
		g_usleep(10 * 1000);
	cr_assert_eq(processes_mentioning(data), 0, "no worker outlives its parent");
	size_t after_kill = count_pdfs(outdir);
	g_usleep((useconds_t)(slow(2) * 1e6));
	cr_assert_eq(count_pdfs(outdir), after_kill, "no new file after the kill");
	cr_assert_lt(after_kill, 300);
	/* No temporary file left by a worker, and every file is whole. */
	assert_no_temp(outdir);
	assert_whole_pdfs(outdir);
	g_unlink(c.err_path);
	g_unlink(c.out_path);
	g_free(c.err_path);
	g_free(c.out_path);
	g_free(out);
	g_free(outdir);
	g_free(data);
	g_free(l);
	g_free(tmp);
}

/* ---- the font cache holds a trap ------------------------------------- */

Test(hostile, fifo_in_place_of_a_font_cache_sidecar_does_not_hang, .timeout = 600)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	char *out = g_build_filename(tmp, "out", "x.pdf", NULL);
	/* The shared test cache holds every prepared font after one render. */
	char *err = run_status(NULL, (const char *[]){"render", l, "--data", SAMPLE, "-o", out, NULL}, tmp, slow(300), 0,
	                       NULL);
	g_free(err);
	/* A private cache: links to the shared entries, and a FIFO where the
	 * first sidecar was (anyone who can write the cache can do this). */
	const char *shared = g_getenv("XDG_CACHE_HOME");
	cr_assert_not_null(shared);
	char *from = g_build_filename(shared, "wenshu", "fonts", NULL);
	char *cache = g_build_filename(tmp, "cache", NULL);
	char *to = g_build_filename(cache, "wenshu", "fonts", NULL);
	cr_assert_eq(g_mkdir_with_parents(to, 0700), 0);
	char *names = list_dir(from);
	char **each = g_strsplit(names, "\n", -1);
	char *fifo = NULL;
	for (char **n = each; *n && **n; n++) {
		char *src = g_build_filename(from, *n, NULL);
		char *dst = g_build_filename(to, *n, NULL);
		if (!fifo && g_str_has_suffix(*n, ".id")) {
			cr_assert_eq(mkfifo(dst, 0644), 0);
			fifo = g_strdup(dst);
		} else {
			cr_assert_eq(symlink(src, dst), 0);
		}
		g_free(src);
		g_free(dst);
	}
	cr_assert_not_null(fifo, "a prepared font in %s", from);
	char *env = g_strdup_printf("XDG_CACHE_HOME=%s", cache);
	spawn_opts o = {.env = (const char *const[]){env, NULL}};
	double secs;
	int rc = run(&o, (const char *[]){"render", l, "--data", SAMPLE, "-o", out, NULL}, tmp, slow(120), &err, &secs);
	cr_assert_neq(rc, -1, "wenshu hung on the FIFO");
	cr_assert_eq(rc, 0, "status %d; stderr:\n%s", rc, err);
	/* The entry was prepared again, its sidecar a regular file now. */
	struct stat st;
	cr_assert_eq(lstat(fifo, &st), 0);
	cr_assert(S_ISREG(st.st_mode), "the sidecar was written again");
	g_free(err);
	g_free(env);
	g_free(fifo);
	g_strfreev(each);
	g_free(names);
	g_free(to);
	g_free(cache);
	g_free(from);
	g_free(out);
	g_free(l);
	g_free(tmp);
}

/* ---- one command, one verdict: the case table ------------------------- */

/* A case: a layout (NULL: simple_layout()), a data file (name and text, or
 * NULL for none), the command, and what the user must see: the exit
 * status and a line of stderr starting with `line`, in which "$L" and "$D"
 * stand for the layout's and the data file's paths.  Every case also
 * checks that stderr is safe to show on a terminal and that no file or
 * temporary file was left in the output folder when the command failed. */
typedef struct cli_case {
	const char *name;
	const char *layout;
	const char *data_name;
	const char *data;
	const char *command;   /* "check" or "render" */
	const char *stdout_to; /* see spawn_opts */
	int status;
	const char *line;
} cli_case;

static char *subst(const char *tmpl, const char *l, const char *d)
{
	GString *s = g_string_new(NULL);
	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '$' && p[1] == 'L') {
			g_string_append(s, l);
			p++;
		} else if (p[0] == '$' && p[1] == 'D' && d) {
			g_string_append(s, d);
			p++;
		} else {
			g_string_append_c(s, *p);
		}
	}
	return g_string_free(s, FALSE);
}

static const cli_case cli_cases[] = {
	{"json: a /* */ comment is refused where it starts", NULL, "d.json",
	 "{\"group\": {\n  \"group_id\": \"G1\", /* from the office */\n  \"x\": 1}}\n", "check", NULL, 1,
	 "$D:2:21: error: a .json file must be strict JSON: comments ('/*') are not allowed"},
	{"json: a // comment is refused", NULL, "d.json", "// export\n{\"group\": {\"group_id\": \"G1\"}}\n", "check",
	 NULL, 1, "$D:1:1: error: a .json file must be strict JSON: comments ('//') are not allowed"},
	{"json: '/*' inside a string is data", NULL, "d.json",
	 "{\"group\": {\"group_id\": \"G /* b # c\"}}\n", "check", NULL, 1, "$D:1:24: error: [F-group_id]"},
	{"stdout on a full disk", NULL, NULL, NULL, "list", "/dev/full", 3,
	 "wenshu: cannot write to standard output: No space left on device"},
	{"layout key with terminal controls", "wenshu: 1\nkind: payment-receipt\n\"\\e[2J\\u2066\": 1\nelements: []\n",
	 NULL, NULL, "check", NULL, 1, "$L:3:1: error: unknown key '\\x1b[2J\\u2066' in the layout"},
};

ParameterizedTestParameters(hostile, case_table)
{
	return wst_case_indices(G_N_ELEMENTS(cli_cases));
}

ParameterizedTest(size_t *i, hostile, case_table)
{
	const cli_case *k = &cli_cases[*i];
	char *tmp = wst_tmpdir();
	char *l = k->layout ? write_file(tmp, "l.yaml", k->layout) : simple_layout(tmp);
	char *d = k->data ? write_file(tmp, k->data_name, k->data) : NULL;
	char *out = g_build_filename(tmp, "out", "x.pdf", NULL);
	const char *args[8] = {k->command};
	if (strcmp(k->command, "list") == 0) {
		args[1] = "kinds";
	} else {
		size_t n = 1;
		args[n++] = l;
		if (d) {
			args[n++] = "--data";
			args[n++] = d;
		}
		if (strcmp(k->command, "render") == 0) {
			args[n++] = "-o";
			args[n++] = out;
		}
	}
	spawn_opts o = {.stdout_to = k->stdout_to};
	char *err = NULL;
	int rc = run(&o, args, tmp, slow(60), &err, NULL);
	cr_assert_eq(rc, k->status, "%s: status %d; stderr:\n%s", k->name, rc, err);
	char *want = subst(k->line, l, d);
	cr_assert_not_null(err);
	bool found = g_str_has_prefix(err, want);
	for (const char *p = strchr(err, '\n'); !found && p; p = strchr(p + 1, '\n'))
		found = g_str_has_prefix(p + 1, want);
	cr_assert(found, "%s: expected a line starting with\n  %s\nin stderr:\n%s", k->name, want, err);
	assert_terminal_safe(err, k->name);
	if (k->status != 0)
		assert_out_empty(tmp, k->name);
	g_free(want);
	g_free(err);
	g_free(out);
	g_free(d);
	g_free(l);
	g_free(tmp);
}

Test(hostile, interrupted_check_exits_4, .timeout = 600)
{
	char *tmp = wst_tmpdir();
	char *l = simple_layout(tmp);
	char *data = groups_file(tmp, "d.yaml", 2000, NULL);
	child c;
	start(&c, NULL, (const char *[]){"check", l, "--data", data, NULL}, tmp);
	/* Interrupt once the groups are being checked. */
	double deadline = now_s() + slow(120);
	for (;;) {
		char *so_far = read_file(c.err_path, NULL);
		bool going = so_far && strstr(so_far, "G003: ");
		g_free(so_far);
		if (going || now_s() > deadline)
			break;
		g_usleep(10 * 1000);
	}
	kill(c.pid, SIGTERM);
	char *err = NULL;
	/* The exit status is the point, not how soon: under ASan on a loaded
	 * machine, the leak check of 2000 loaded groups at exit took longer
	 * than 30 s (status -1, the wait gave up, after the message). */
	int rc = finish(&c, slow(120), &err, NULL);
	cr_assert_eq(rc, 4, "status %d; stderr:\n%s", rc, err);
	assert_line(err, "wenshu: check interrupted; not every group was checked");
	cr_assert_null(strstr(err, "G1999: "), "the check stopped:\n%s", err);
	g_free(err);
	g_free(data);
	g_free(l);
	g_free(tmp);
}

/* ---- one group that costs too much: long text, `each`, interrupts ----- */

/* A layout with one text element in a 20 × 10 mm box (line 5, column 5),
 * or in the flow when `fit` is NULL. */
static char *box_layout(const char *dir, const char *fit)
{
	char *text = fit ? g_strdup_printf("wenshu: 1\n"
	                                   "kind: specimen\n"
	                                   "title: t\n"
	                                   "elements:\n"
	                                   "  - text: \"{{ group.body }}\"\n"
	                                   "    box: [20mm, 20mm, 20mm, 10mm]\n"
	                                   "    fit: %s\n"
	                                   "    min_size: 4pt\n",
	                                   fit)
	                 : g_strdup("wenshu: 1\n"
	                            "kind: specimen\n"
	                            "title: t\n"
	                            "elements:\n"
	                            "  - text: \"{{ group.body }}\"\n");
	char *p = write_file(dir, "l.yaml", text);
	g_free(text);
	return p;
}

/* A group whose `body` is `n` characters of `unit` repeated (one
 * paragraph), and whose `items` is the list 0..items-1. */
static char *body_data(const char *dir, const char *unit, size_t n, size_t items)
{
	GString *s = g_string_new("group:\n  group_id: G1\n  body: \"");
	glong ul = g_utf8_strlen(unit, -1);
	for (size_t k = 0; k < n; k++)
		g_string_append_unichar(s, g_utf8_get_char(g_utf8_offset_to_pointer(unit, (glong)(k % (size_t)ul))));
	g_string_append(s, "\"\n  items: [");
	for (size_t k = 0; k < items; k++)
		g_string_append_printf(s, "%s%zu", k ? ", " : "", k);
	g_string_append(s, "]\n");
	char *p = write_file(dir, "d.yaml", s->str);
	g_string_free(s, TRUE);
	return p;
}

/* Text that cannot fit its box is refused without being laid out whole
 * (Pango's time grows with the square of a paragraph: 700 000 characters
 * took 13 minutes).  Each row: the command's verdict and nothing written.
 * Timing is measured in bench/long-text; here a generous deadline only
 * catches a hang. */
typedef struct long_text_case {
	const char *name;
	const char *fit;   /* NULL: in the flow */
	const char *unit;  /* repeated to n characters */
	size_t n;
	int status;
	const char *line;  /* "$L" is the layout */
} long_text_case;

static const long_text_case long_text_cases[] = {
	{"700 000 characters, fit: wrap", "wrap", "lorem ipsum ", 700000, 1,
	 "$L:5:5: error: [overflow] text of 700000 characters cannot fit a 20 × 10 mm box ({{ group.body }})"},
	{"200 000 characters, fit: shrink", "shrink", "lorem ipsum ", 200000, 1,
	 "$L:5:5: error: [overflow] text of 200000 characters cannot fit a 20 × 10 mm box ({{ group.body }})"},
	{"128 000 Hanzi, fit: wrap", "wrap", "长文本测试", 128000, 1,
	 "$L:5:5: error: [overflow] text of 128000 characters cannot fit a 20 × 10 mm box ({{ group.body }})"},
	{"one unbroken word of 100 000 characters", "wrap", "x", 100000, 1,
	 "$L:5:5: error: [overflow] text of 100000 characters cannot fit a 20 × 10 mm box ({{ group.body }})"},
	{"300 characters, fit: shrink: still measured exactly", "shrink", "lorem ipsum ", 300, 1,
	 "$L:5:5: error: [overflow] text (shrunk to its minimum size) overflows its box by "},
	{"a paragraph of 20 000 characters in the flow", NULL, "lorem ipsum ", 20000, 1,
	 "$L:5:5: error: [limit] a paragraph of 20000 characters is longer than the limit of 16384 characters"},
};

ParameterizedTestParameters(hostile, long_text_refused_without_laying_it_all_out)
{
	return wst_case_indices(G_N_ELEMENTS(long_text_cases));
}

ParameterizedTest(size_t *i, hostile, long_text_refused_without_laying_it_all_out, .timeout = 600)
{
	const long_text_case *k = &long_text_cases[*i];
	char *tmp = wst_tmpdir();
	char *l = box_layout(tmp, k->fit);
	char *d = body_data(tmp, k->unit, k->n, 0);
	char *out = g_build_filename(tmp, "out", "x.pdf", NULL);
	char *err = NULL;
	int rc = run(NULL, (const char *[]){"render", l, "--data", d, "-o", out, NULL}, tmp, slow(120), &err, NULL);
	cr_assert_eq(rc, k->status, "%s: status %d; stderr:\n%s", k->name, rc, err);
	char *want = subst(k->line, l, NULL);
	assert_line(err, want);
	assert_out_empty(tmp, k->name);
	g_free(want);
	g_free(err);
	g_free(out);
	g_free(d);
	g_free(l);
	g_free(tmp);
}

/* The limits of one group, counted as `each` expands: each row's layout
 * runs over `group.items` (0..items-1) and must be refused at the
 * element named, exit 1, nothing written, in bounded memory.  Before:
 * three nested `each` over 100 items made 10^6 elements (824 MB, an abort
 * under a 1 GB address limit) and a page limit with no line. */
#define LOREM10 "lorem ipsu"
#define LOREM40 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 \
	LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 \
	LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 \
	LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10 LOREM10
#define LIMIT_HEAD "wenshu: 1\nkind: specimen\ntitle: t\nelements:\n"

typedef struct group_limit_case {
	const char *name;
	const char *layout;
	size_t items;
	const char *line; /* after "LAYOUT:" */
} group_limit_case;

static const group_limit_case group_limit_cases[] = {
	{"three nested each over 100 items: refused at the outer each",
	 LIMIT_HEAD "  - each: group.items\n"
	            "    as: a\n"
	            "    elements:\n"
	            "      - each: group.items\n"
	            "        as: b\n"
	            "        elements:\n"
	            "          - each: group.items\n"
	            "            elements:\n"
	            "              - space: 0.01mm\n",
	 100, "5:5: error: [limit] the document would have more than 100000 elements"},
	{"10 001 page breaks: the page limit names the page break",
	 LIMIT_HEAD "  - each: group.items\n"
	            "    elements:\n"
	            "      - text: \"{{ it }}\"\n"
	            "      - page_break: true\n",
	 10001, "8:9: error: [limit] the document would have more than 10000 pages"},
	{"5000 paragraphs of 404 characters: the group's text budget",
	 LIMIT_HEAD "  - each: group.items\n"
	            "    elements:\n"
	            "      - text: \"{{ it }} " LOREM40 "\"\n",
	 5000, "7:9: error: [limit] the document lays out more than 2000000 characters of text"},
};

ParameterizedTestParameters(hostile, group_limits_counted_as_each_expands)
{
	return wst_case_indices(G_N_ELEMENTS(group_limit_cases));
}

ParameterizedTest(size_t *i, hostile, group_limits_counted_as_each_expands, .timeout = 600)
{
	const group_limit_case *k = &group_limit_cases[*i];
	char *tmp = wst_tmpdir();
	char *l = write_file(tmp, "l.yaml", k->layout);
	char *d = body_data(tmp, "x", 1, k->items);
	char *out = g_build_filename(tmp, "out", "x.pdf", NULL);
	child c;
	start(&c, NULL, (const char *[]){"render", l, "--data", d, "-o", out, NULL}, tmp);
	struct rusage ru;
	char *err = NULL;
	int rc = finish(&c, slow(300), &err, &ru);
	cr_assert_eq(rc, 1, "%s: status %d; stderr:\n%s", k->name, rc, err);
	assert_linef(err, "%s:%s", l, k->line);
#if !defined(__SANITIZE_ADDRESS__)
	cr_assert_lt(ru.ru_maxrss, 600L * 1024L, "%s: peak RSS %ld KiB", k->name, ru.ru_maxrss);
#endif
	assert_out_empty(tmp, k->name);
	g_free(err);
	g_free(out);
	g_free(d);
	g_free(l);
	g_free(tmp);
}

/* SIGTERM inside one huge group (60 000 items of `each`, many seconds of
 * typesetting): the typesetting loops see the cancellation flag, so the
 * command stops within a fraction of a second, exit 4, nothing written.
 * `check` likewise. */
static void interrupt_one_group(const char *command)
{
	char *tmp = wst_tmpdir();
	char *l = write_file(tmp, "l.yaml",
	                     "wenshu: 1\n"
	                     "kind: specimen\n"
	                     "title: t\n"
	                     "elements:\n"
	                     "  - each: group.items\n"
	                     "    elements:\n"
	                     "      - text: \"第 {{ it }} 行 lorem ipsum\"\n");
	char *d = body_data(tmp, "x", 1, 60000);
	char *out = g_build_filename(tmp, "out", "x.pdf", NULL);
	bool render = strcmp(command, "render") == 0;
	const char *args[] = {command, l, "--data", d, render ? "-o" : NULL, out, NULL};
	child c;
	start(&c, NULL, args, tmp);
	/* Well into the group: loading takes a fraction of a second. */
	g_usleep((gulong)(slow(2.0) * G_USEC_PER_SEC));
	int st;
	cr_assert_eq(waitpid(c.pid, &st, WNOHANG), 0, "%s finished before it was interrupted", command);
	double t0 = now_s();
	kill(c.pid, SIGTERM);
	char *err = NULL;
	int rc = finish(&c, slow(30), &err, NULL);
	double took = now_s() - t0;
	cr_assert_eq(rc, 4, "%s: status %d; stderr:\n%s", command, rc, err);
	/* 0.5 s asked; twice that for a loaded machine.  Under ASan the
	 * process's exit includes LeakSanitizer's scan of a heap of 60 000
	 * typeset elements (seconds, measured 6.8-9.5 s on two loaded cores),
	 * so there the bound only shows the flag was seen before the group's
	 * end; the 0.5 s promise is measured by the normal build. */
#if defined(__SANITIZE_ADDRESS__)
	const double bound = slow(20.0);
#else
	const double bound = slow(1.0);
#endif
	cr_assert_lt(took, bound, "%s took %.2f s to stop", command, took);
	if (render) {
		assert_out_empty(tmp, command);
	} else {
		assert_line(err, "wenshu: check interrupted; not every group was checked");
	}
	g_free(err);
	g_free(out);
	g_free(d);
	g_free(l);
	g_free(tmp);
}

Test(hostile, sigterm_inside_one_group_stops_render, .timeout = 600)
{
	interrupt_one_group("render");
}

Test(hostile, sigterm_inside_one_group_stops_check, .timeout = 600)
{
	interrupt_one_group("check");
}

/* The writer polls the cancellation flag between pages and before it
 * puts a file in place: a SIGTERM while a long document is being written
 * stops within the same 0.5 s, exit 4, and neither a file nor a temporary
 * file stays.  The signal is sent once the first temporary file exists,
 * that is once typesetting is over and writing has begun.  Writing has to
 * take long for this to mean anything: a PDF of 100 pages each with its
 * own copy of an incompressible 500 × 500 image (4 s to write, 2 s to
 * typeset here), 40 PNG pages at 150 dpi (0.2 s a page). */
typedef struct write_case {
	const char *format;
	const char *elements; /* under each item */
	size_t pages;
	const char *dpi;
} write_case;

static const write_case write_cases[] = {
	/* The image is embedded once (image_on_every_page_is_embedded_once);
	 * the text on every page keeps the write long enough to interrupt. */
	{"pdf", "      - image: noise.png\n        width: 120mm\n        height: 120mm\n"
	        "      - text: \"公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规范与格式要求检查通知公文写作规\"\n", 200, NULL},
	{"png", "      - text: \"公文写作 lorem ipsum dolor sit amet, consectetur adipiscing elit\"\n", 40, "150"},
};

/* An image that does not compress: its bytes are what the PDF carries. */
static void write_noise_png(const char *path, int side)
{
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
	unsigned char *px = cairo_image_surface_get_data(img);
	int stride = cairo_image_surface_get_stride(img);
	GRand *rand = g_rand_new_with_seed(15);
	for (int y = 0; y < side; y++)
		for (int x = 0; x < side; x++)
			((guint32 *)(px + (size_t)y * stride))[x] = g_rand_int(rand) & 0xffffff;
	g_rand_free(rand);
	cairo_surface_mark_dirty(img);
	cr_assert_eq(cairo_surface_write_to_png(img, path), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(img);
}

/* A layout of one page per item of group.items, each page its number
 * then `elements` (YAML lines at the depth of an item's elements). */
static char *pages_layout(const char *dir, const char *elements)
{
	char *yaml = g_strdup_printf("wenshu: 1\n"
	                             "kind: specimen\n"
	                             "title: t\n"
	                             "elements:\n"
	                             "  - each: group.items\n"
	                             "    elements:\n"
	                             "      - text: \"第 {{ it }} 页\"\n"
	                             "%s"
	                             "      - page_break: true\n",
	                             elements);
	char *l = write_file(dir, "l.yaml", yaml);
	g_free(yaml);
	return l;
}

/* Starts rendering write case `w` into TMP/out and returns once a
 * temporary file is there (writing has begun); *l and *d receive the
 * layout and data paths. */
static void start_writing(child *c, const write_case *w, const char *tmp, char **l, char **d)
{
	*l = pages_layout(tmp, w->elements);
	*d = body_data(tmp, "x", 1, w->pages);
	char *outdir = g_build_filename(tmp, "out", NULL);
	char *name = g_strdup_printf("x.%s", w->format);
	char *out = g_build_filename(outdir, name, NULL);
	start(c, &(spawn_opts){.cwd = tmp},
	      (const char *[]){"render", *l, "--data", *d, "-o", out, w->dpi ? "--dpi" : NULL, w->dpi, NULL}, tmp);
	bool writing = false;
	int st;
	double end = now_s() + slow(120);
	while (!writing && now_s() < end && waitpid(c->pid, &st, WNOHANG) == 0) {
		GDir *dir = g_dir_open(outdir, 0, NULL);
		for (const char *n; dir && (n = g_dir_read_name(dir));)
			writing = writing || (n[0] == '.' && g_str_has_suffix(n, ".tmp"));
		if (dir)
			g_dir_close(dir);
		if (!writing)
			g_usleep(5 * 1000);
	}
	cr_assert(writing, "%s: the write was seen starting", w->format);
	g_free(out);
	g_free(name);
	g_free(outdir);
}

ParameterizedTestParameters(hostile, sigterm_while_writing_stops_the_write)
{
	return wst_case_indices(G_N_ELEMENTS(write_cases));
}

ParameterizedTest(size_t *i, hostile, sigterm_while_writing_stops_the_write, .timeout = 600)
{
	const write_case *w = &write_cases[*i];
	char *tmp = wst_tmpdir();
	char *noise = g_build_filename(tmp, "noise.png", NULL);
	write_noise_png(noise, 500);
	child c;
	char *l, *d;
	start_writing(&c, w, tmp, &l, &d);
	double t0 = now_s();
	kill(c.pid, SIGTERM);
	char *err = NULL;
	int rc = finish(&c, slow(60), &err, NULL);
	double took = now_s() - t0;
	cr_assert_eq(rc, 4, "%s: status %d; stderr:\n%s", w->format, rc, err);
#if defined(__SANITIZE_ADDRESS__)
	const double bound = slow(20.0); /* LeakSanitizer's exit scan, as above */
#else
	const double bound = slow(1.0);  /* 0.5 s asked; twice that for a loaded machine */
#endif
	cr_assert_lt(took, bound, "%s: the write took %.2f s to stop", w->format, took);
	assert_out_empty(tmp, w->format);
	g_free(err);
	g_free(d);
	g_free(l);
	g_free(noise);
	g_free(tmp);
}

/* A group's files are all put in place or none: when its PNG cannot be
 * written, its PDF is not left behind (nor does it replace yesterday's),
 * whether the PNG fails while it is written (`ulimit -f` between the
 * PDF's 4 KB and the PNG's 13 KB) or when it is put in place (a folder
 * where the PNG should go). */
Test(hostile, a_group_with_a_failed_format_writes_none_of_its_files, .timeout = 300)
{
	for (int way = 0; way < 2; way++) {
		char *tmp = wst_tmpdir();
		char *l = write_file(tmp, "l.yaml",
		                     "wenshu: 1\nkind: specimen\ntitle: t\n"
		                     "elements:\n  - text: \"第 {{ group.group_id }} 份\"\n");
		char *d = write_file(tmp, "d.yaml", "groups:\n  - group_id: G1\n  - group_id: G2\n");
		char *outdir = g_build_filename(tmp, "out", NULL);
		cr_assert_eq(g_mkdir(outdir, 0755), 0);
		char *old_pdf = write_file(outdir, "G2.pdf", "%PDF-1.5 the good file from yesterday\n");
		char *png = g_build_filename(outdir, "G2.png", NULL);
		if (way == 1)
			cr_assert_eq(g_mkdir(png, 0555), 0);
		char *tmpl = g_build_filename(outdir, "{group.group_id}", NULL);
		char *err = NULL;
		spawn_opts o = {.cwd = tmp, .fsize = way == 0 ? 6000 : 0};
		int rc = run(&o, (const char *[]){"render", l, "--data", d, "-o", tmpl, "--format", "pdf,png", NULL},
		             tmp, slow(120), &err, NULL);
		cr_assert_eq(rc, 3, "way %d: status %d; stderr:\n%s", way, rc, err);
		char *names = list_dir(outdir);
		if (way == 0) {
			/* Every PNG is over the limit: no group has its files. */
			cr_assert_str_eq(names, "G2.pdf", "way 0: only yesterday's file: %s\n%s", names, err);
		} else {
			cr_assert_str_eq(names, "G1.pdf\nG1.png\nG2.pdf\nG2.png", "way 1: %s\n%s", names, err);
			assert_line(err, "wenshu: group G2 failed: cannot write '");
			cr_assert(strstr(err, "G2.png': Is a directory"), "the cause is named:\n%s", err);
		}
		char *kept = read_file(old_pdf, NULL);
		cr_assert_str_eq(kept, "%PDF-1.5 the good file from yesterday\n", "way %d: the old PDF is kept", way);
		g_free(kept);
		g_free(names);
		g_free(err);
		g_free(tmpl);
		g_free(png);
		g_free(old_pdf);
		g_free(outdir);
		g_free(d);
		g_free(l);
		g_free(tmp);
	}
}

/* A seal under `every_page:` is embedded in the PDF once, not once per
 * page (100 pages with a 500 × 500 image were 75 MB).  A noise image does
 * not compress, so its bytes are what each extra copy would cost. */
Test(hostile, image_on_every_page_is_embedded_once, .timeout = 300)
{
	char *tmp = wst_tmpdir();
	char *noise = g_build_filename(tmp, "seal.png", NULL);
	write_noise_png(noise, 300); /* 270 000 bytes of pixels */
	char *l = write_file(tmp, "l.yaml",
	                     "wenshu: 1\n"
	                     "kind: specimen\n"
	                     "title: t\n"
	                     "elements:\n"
	                     "  - each: group.items\n"
	                     "    elements:\n"
	                     "      - text: \"第 {{ it }} 页\"\n"
	                     "      - page_break: true\n"
	                     "every_page:\n"
	                     "  - image: seal.png\n"
	                     "    box: [150mm, 10mm, 40mm, 40mm]\n");
	goffset size[2];
	const size_t pages[2] = {1, 20};
	char *out = NULL;
	for (int k = 0; k < 2; k++) {
		char *d = body_data(tmp, "x", 1, pages[k]);
		g_free(out);
		out = g_strdup_printf("%s/out/%zu.pdf", tmp, pages[k]);
		char *err = NULL;
		int rc = run(NULL, (const char *[]){"render", l, "--data", d, "-o", out, NULL}, tmp, slow(120), &err, NULL);
		cr_assert_eq(rc, 0, "%zu pages: status %d; stderr:\n%s", pages[k], rc, err);
		GStatBuf st;
		cr_assert_eq(g_stat(out, &st), 0);
		size[k] = st.st_size;
		g_free(err);
		g_free(d);
	}
	cr_assert_lt(size[1] - size[0], 2 * 270000,
	             "20 pages are %jd bytes, 1 page %jd: the image is embedded again", (intmax_t)size[1],
	             (intmax_t)size[0]);
	/* pdfimages lists the image on each page, with its object number. */
	char *cmd = g_strdup_printf("pdfimages -list '%s'", out);
	char *list = NULL;
	int st = 0;
	cr_assert(g_spawn_command_line_sync(cmd, &list, NULL, &st, NULL) && st == 0, "%s", cmd);
	GHashTable *objects = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	size_t shown = 0;
	char **lines = g_strsplit(list, "\n", -1);
	for (char **ln = lines; *ln; ln++) {
		char **f = g_strsplit_set(g_strstrip(*ln), " ", -1);
		/* page num type width height color comp bpc enc interp object gen ... */
		char *col[12];
		int n = 0;
		for (char **x = f; *x && n < 12; x++)
			if (**x)
				col[n++] = *x;
		if (n == 12 && g_ascii_isdigit(col[0][0]) && strcmp(col[2], "image") == 0) {
			shown++;
			g_hash_table_add(objects, g_strdup_printf("%s %s", col[10], col[11]));
		}
		g_strfreev(f);
	}
	cr_assert_geq(shown, 20, "the image is on each of the 20 pages:\n%s", list);
	cr_assert_eq(g_hash_table_size(objects), 1, "one image object for 20 pages:\n%s", list);
	g_hash_table_unref(objects);
	g_strfreev(lines);
	g_free(list);
	g_free(cmd);
	g_free(out);
	g_free(l);
	g_free(noise);
	g_free(tmp);
}

/* A crash while writing (a fault inside Cairo on a failed allocation, say)
 * takes no hidden temporary file with it: the fatal-signal handler of
 * core/base/atomicfile.c removes it and lets the signal kill the process
 * as before.  SIGSEGV is sent while 40 PNG pages are written. */
Test(hostile, crash_while_writing_leaves_no_temporary_file, .timeout = 300)
{
#if defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer owns SIGSEGV (handle_segv) and reports instead. */
	cr_skip_test("AddressSanitizer handles SIGSEGV itself");
#endif
	/* No core file: the test's folder is listed, and dumping takes time. */
	struct rlimit nocore = {0, 0};
	setrlimit(RLIMIT_CORE, &nocore);
	const write_case *w = &write_cases[1];
	char *tmp = wst_tmpdir();
	child c;
	char *l, *d;
	start_writing(&c, w, tmp, &l, &d);
	kill(c.pid, SIGSEGV);
	char *err = NULL;
	int rc = finish(&c, slow(60), &err, NULL);
	cr_assert_eq(rc, 128 + SIGSEGV, "died of SIGSEGV, not status %d; stderr:\n%s", rc, err);
	assert_out_empty(tmp, "SIGSEGV");
	g_free(err);
	g_free(d);
	g_free(l);
	g_free(tmp);
}

/* ---- failing allocations ---------------------------------------------- */

/* Allocations inside Cairo, pixman, zlib and libpng fail, one at a time:
 * tests/failmalloc.c (LD_PRELOAD) makes the Nth call to malloc & co. made
 * by one of those libraries after main() return NULL.  Before this, such
 * a failure gave exit 0 and a PDF without its text or with a broken font
 * (Pango's "failed to create cairo scaled font", and Cairo 1.16's PDF
 * backend, which loses a font subset and still reports success).  For
 * every N sampled: no signal, and either exit 0 with a PDF whose text
 * pdftotext finds, or exit 1 or 3 with a message, no PDF and no temporary
 * file.  (Not here, measured in docs/reliability.md instead: GLib's
 * g_malloc aborts by design, fontconfig and Pango dereference a NULL from
 * malloc, and Cairo's image compositor a failed pixman image — PNG.) */
#define FAILMALLOC WS_TEST_BUILD_DIR "/tests/failmalloc.so"
#define FAILMALLOC_LIBS "WS_FAILMALLOC_LIBS=libcairo.,libpixman-1.,libz.,libpng16."
#define FAILMALLOC_RUNS 30

static bool pdf_has_text(const char *pdf, const char *want)
{
	char *text = wst_pdftotext(pdf, false);
	bool ok = text && strstr(text, want);
	g_free(text);
	return ok;
}

/* Empties a folder of plain files (the output folder between runs). */
static void empty_dir(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	for (const char *n; d && (n = g_dir_read_name(d));) {
		char *p = g_build_filename(dir, n, NULL);
		g_unlink(p);
		g_free(p);
	}
	if (d)
		g_dir_close(d);
}

Test(hostile, failed_allocations_in_cairo_end_cleanly, .timeout = 600)
{
#if defined(__SANITIZE_ADDRESS__)
	cr_skip_test("ASan has its own allocator; the normal build runs this");
#endif
	if (slow(1) > 1)
		cr_skip_test("a few seconds normally; the sweep is not repeated under valgrind");
	cr_assert(g_file_test(FAILMALLOC, G_FILE_TEST_IS_REGULAR), "the shim is built: %s", FAILMALLOC);
	char *tmp = wst_tmpdir();
	char *l = write_file(tmp, "l.yaml",
	                     "wenshu: 1\n"
	                     "kind: specimen\n"
	                     "title: 测试\n"
	                     "elements:\n"
	                     "  - text: \"团组 {{ group.group_id }} 公文写作 lorem ipsum\"\n");
	char *d = body_data(tmp, "x", 1, 1);
	char *outdir = g_build_filename(tmp, "out", NULL);
	char *tmpl = g_build_filename(outdir, "x.pdf", NULL);
	char *pdf = g_build_filename(outdir, "x.pdf", NULL);
	char *count = g_build_filename(tmp, "count", NULL);
	const char *args[] = {"render", l, "--data", d, "-o", tmpl, "--jobs", "1", NULL};

	/* How many allocations those libraries make in this render. */
	char *count_env = g_strdup_printf("WS_FAILMALLOC_COUNT=%s", count);
	spawn_opts o = {.env = (const char *const[]){"LD_PRELOAD=" FAILMALLOC, FAILMALLOC_LIBS, count_env, NULL}};
	char *err = NULL;
	int rc = run(&o, args, tmp, slow(60), &err, NULL);
	cr_assert_eq(rc, 0, "status %d without failures; stderr:\n%s", rc, err);
	cr_assert(pdf_has_text(pdf, "团组 G1 公文写作"));
	g_free(err);
	char *n_text = read_file(count, NULL);
	cr_assert_not_null(n_text, "the shim counted");
	long total = atol(n_text);
	g_free(n_text);
	cr_assert_gt(total, 100, "the shim sees the libraries' allocations (%ld)", total);

	long step = total / FAILMALLOC_RUNS > 0 ? total / FAILMALLOC_RUNS : 1;
	size_t fine = 0, refused = 0;
	for (long n = 1; n <= total; n += step) {
		char *at = g_strdup_printf("WS_FAILMALLOC_AT=%ld", n);
		spawn_opts fo = {.env = (const char *const[]){"LD_PRELOAD=" FAILMALLOC, FAILMALLOC_LIBS, at, NULL}};
		empty_dir(outdir);
		rc = run(&fo, args, tmp, slow(60), &err, NULL);
		cr_assert(rc >= 0 && rc < 128, "allocation %ld of %ld failed: status %d (a signal); stderr:\n%s", n, total,
		          rc, err);
		if (rc == 0) {
			cr_assert(pdf_has_text(pdf, "团组 G1 公文写作"),
			          "allocation %ld of %ld failed: exit 0, but the PDF lacks its text; stderr:\n%s", n, total, err);
			fine++;
		} else {
			cr_assert(rc == 1 || rc == 3, "allocation %ld: status %d; stderr:\n%s", n, rc, err);
			cr_assert(strstr(err, "error:") || strstr(err, "wenshu:"), "allocation %ld: exit %d without a message", n,
			          rc);
			cr_assert_not(g_file_test(pdf, G_FILE_TEST_EXISTS), "allocation %ld: exit %d left %s", n, rc, pdf);
			refused++;
		}
		assert_no_temp(outdir);
		g_free(err);
		g_free(at);
	}
	cr_log_info("%ld allocations by cairo, pixman, zlib, libpng; %zu failed one at a time: %zu rendered whole, %zu "
	            "refused with a message",
	            total, fine + refused, fine, refused);
	g_free(count_env);
	g_free(count);
	g_free(pdf);
	g_free(tmpl);
	g_free(outdir);
	g_free(d);
	g_free(l);
	g_free(tmp);
}

/* A font family that is not installed: one warning naming it, not one
 * per character that never says what was asked for.  (A character or
 * three from a fallback face in an installed family are still named one
 * by one: test_fonts.) */
Test(hostile, unknown_font_family_named_once)
{
	char *tmp = wst_tmpdir();
	char *l = write_file(tmp, "l.yaml",
	                     "wenshu: 1\n"
	                     "kind: specimen\n"
	                     "title: t\n"
	                     "elements:\n"
	                     "  - text: \"{{ group.body }}\"\n"
	                     "    font: Comic Nonexistent\n");
	char *d = body_data(tmp, "lorem ipsum dolor ", 60, 0);
	char *err = run_status(NULL, (const char *[]){"check", l, "--data", d, NULL}, tmp, slow(60), 0, NULL);
	/* Said once, at the key that names it, with the faces the text is
	 * drawn with instead; no paragraph says it again (a "fallback" from a
	 * font that is not there), no warning per character. */
	assert_linef(err, "%s:6:11: warning: [font] font 'Comic Nonexistent' is not installed: its text is drawn with '", l);
	cr_assert_null(strstr(err, "character U+"), "no warning per character:\n%s", err);
	size_t n = 0;
	for (const char *p = err; (p = strstr(p, "Comic Nonexistent")); p++)
		n++;
	cr_assert_eq(n, 1, "one warning:\n%s", err);
	g_free(err);
	g_free(d);
	g_free(l);
	g_free(tmp);
}
