/* The batch runner: render many groups, in parallel worker processes.
 *
 * Why processes and not threads: Pango's font map and fontconfig are not
 * thread-safe, and a forked worker inherits the loaded engine (plugins,
 * fonts, parsed layout) for free, copy-on-write.  Each worker renders the
 * items i ≡ k (mod jobs) and reports one line per item on a pipe; the
 * output files are the same whatever the number of jobs.
 */
#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "batch.h"
#include "report.h"

typedef struct result {
	int status;      /* ws_status; 1 = not done */
	char *reason;    /* first error, for the summary */
} result;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct progress {
	bool on;
	size_t total, done;
	double start;
	double last_draw;
} progress;

static void progress_draw(progress *p, bool final)
{
	if (!p->on)
		return;
	double t = now_s();
	if (!final && t - p->last_draw < 0.1)
		return;
	p->last_draw = t;
	double el = t - p->start;
	double rate = el > 0 ? p->done / el : 0;
	double left = rate > 0 ? (p->total - p->done) / rate : 0;
	int width = 30;
	int fill = p->total ? (int)(width * p->done / p->total) : width;
	char bar[64];
	for (int i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu  %.1f/s  %d:%02d left ", bar, p->done, p->total, rate,
	        (int)left / 60, (int)left % 60);
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}

static char *first_error(const ws_diags *d)
{
	for (size_t i = 0; i < ws_diags_count(d); i++)
		if (ws_diags_at(d, i)->severity == WS_SEVERITY_ERROR)
			return ws_diag_format(ws_diags_at(d, i));
	return NULL;
}

bool ws_cli_same_group(const ws_batch_item *it, const ws_value *group, size_t index)
{
	const char *id = ws_value_text(ws_value_map_get(group, "group_id"));
	if (it && it->group_index == index && g_strcmp0(it->label, id) == 0)
		return true;
	fprintf(stderr, "wenshu: the data file changed while the batch was running (group %zu is now '%s'); "
	        "nothing more is rendered\n", index + 1, id ? ws_cli_safe(id) : "?");
	return false;
}

/* Renders one item; prints its diagnostics; returns the status and the
 * first error (caller g_free()s). */
static int render_one(ws_engine *engine, const ws_layout *layout, const ws_value *group,
                      const ws_batch_item *it, const ws_output_options *oo, size_t n_oo, char **reason)
{
	ws_diags *d = ws_diags_new();
	ws_document *doc = NULL;
	/* An item's files are all put in place or none: a PDF is not left
	 * beside a failed PNG of the same group, nor does it replace
	 * yesterday's good one.  Files already queued for this item go when a
	 * later format fails; those that wait are tied into one group for
	 * the joint commit (atomicfile.h). */
	ws_atomic_batch *batch = n_oo > 0 ? oo[0].commit_batch : NULL;
	size_t first = ws_atomic_batch_count(batch);
	int rc = ws_engine_render(engine, layout, group, &doc, d);
	for (size_t f = 0; rc == WS_OK && f < n_oo; f++)
		rc = ws_output_write(&doc, 1, it->outputs[f], &oo[f], d);
	if (batch && rc != WS_OK)
		ws_atomic_batch_discard(batch, first);
	else if (batch)
		ws_atomic_batch_group(batch, first);
	ws_document_free(doc);
	ws_cli_print_diags(d, true);
	*reason = rc == WS_OK ? NULL : first_error(d);
	if (rc != WS_OK && !*reason)
		*reason = g_strdup(ws_status_name(rc));
	ws_diags_free(d);
	return rc;
}

/* One reading of the data file rendering some of the items: those from
 * `first` on whose position i has (i - first) % jobs == k, stopping
 * before position `limit`.  Each result goes to `res` (this process) or
 * as a line on `fd` (a worker). */
typedef struct pass {
	ws_engine *engine;
	const ws_layout *layout;
	ws_batch_item *items;
	size_t n, first, next, limit;
	int jobs, k;
	const ws_output_options *oo;
	size_t n_oo;
	result *res;    /* or NULL in a worker */
	progress *prog; /* or NULL */
	int fd;         /* a worker's pipe, or -1 */
	/* Rendered, their files waiting in `batch` for the joint commit
	 * (atomicfile.h): reported only once the files are in place. */
	ws_atomic_batch *batch;
	GArray *waiting; /* of result, with status/reason so far */
	GArray *waiting_index; /* of size_t: the items' positions */
} pass;

/* Items rendered between two joint commits: one disk flush for all their
 * files instead of two per file. */
#define COMMIT_EVERY 16

/* A worker whose parent is gone (killed with SIGKILL, say) must not go on
 * through the batch on its own: nobody would collect its results, and
 * files would keep appearing after the clerk thought everything stopped.
 * The kernel sends SIGHUP (PR_SET_PDEATHSIG) when the parent dies; the
 * worker then removes its temporary and waiting files and exits at once,
 * renaming nothing more.  Only async-signal-safe calls here. */
static void on_orphaned(int sig)
{
	(void)sig;
	ws_atomic_cleanup_all();
	_exit(4);
}

/* Called first thing in a worker: dies with `parent`. */
static void die_with_parent(pid_t parent)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_orphaned;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGHUP);
#endif
	/* The parent may have died between fork() and prctl(): then no signal
	 * comes, and the worker has been handed to another process. */
	if (getppid() != parent)
		on_orphaned(SIGHUP);
}

static void report(pass *ps, size_t i, int rc, char *reason)
{
	if (ps->res) {
		ps->res[i].status = rc;
		ps->res[i].reason = reason;
		if (ps->prog) {
			ps->prog->done++;
			progress_draw(ps->prog, false);
		}
		return;
	}
	/* Reasons are single lines; tabs and newlines would break the record. */
	if (reason)
		g_strdelimit(reason, "\t\n", ' ');
	char *line = g_strdup_printf("%zu\t%d\t%s\n", i, rc, reason ? reason : "");
	size_t len = strlen(line), off = 0;
	while (off < len) {
		ssize_t w = write(ps->fd, line + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		/* The parent is gone (the portable half of die_with_parent()). */
		if (w < 0 && errno == EPIPE)
			on_orphaned(SIGPIPE);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	g_free(line);
	g_free(reason);
}

/* True when the output `name` writes `path`: the name itself, or one of
 * its numbered pages, NAME-K.EXT (output.h), which is what a PNG or SVG
 * of several pages commits. */
static bool writes_to(const char *name, const char *path)
{
	if (strcmp(name, path) == 0)
		return true;
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	const char *dot = strrchr(base, '.');
	size_t stem = dot && dot != base ? (size_t)(dot - name) : strlen(name);
	const char *ext = name + stem;
	if (strncmp(path, name, stem) != 0 || path[stem] != '-' || !g_ascii_isdigit(path[stem + 1]))
		return false;
	const char *p = path + stem + 1;
	while (g_ascii_isdigit(*p))
		p++;
	return strcmp(p, ext) == 0;
}

/* A deferred file's outcome: a failure fails the item that wrote it. */
static void file_done(const char *path, int status, void *user)
{
	pass *ps = user;
	if (status == WS_OK)
		return;
	for (guint w = 0; w < ps->waiting->len; w++) {
		const ws_batch_item *it = &ps->items[g_array_index(ps->waiting_index, size_t, w)];
		for (size_t f = 0; it->outputs[f]; f++) {
			if (!writes_to(it->outputs[f], path))
				continue;
			result *r = &g_array_index(ps->waiting, result, w);
			if (r->status == WS_OK) {
				r->status = status;
				r->reason = g_strdup_printf("cannot write '%s'", path);
			}
		}
	}
}

/* Commits the waiting items' files together, then reports the items. */
static void commit_waiting(pass *ps)
{
	ws_diags *d = ws_diags_new();
	ws_atomic_batch_commit(ps->batch, file_done, ps, d);
	ws_cli_print_diags(d, false);
	ws_diags_free(d);
	for (guint w = 0; w < ps->waiting->len; w++) {
		result *r = &g_array_index(ps->waiting, result, w);
		report(ps, g_array_index(ps->waiting_index, size_t, w), r->status, r->reason);
	}
	g_array_set_size(ps->waiting, 0);
	g_array_set_size(ps->waiting_index, 0);
}

static bool pass_group(ws_value *group, size_t index, void *user)
{
	pass *ps = user;
	if (ws_cli_interrupted || ps->next >= ps->limit)
		return false;
	size_t i = ps->next++;
	if (!ws_cli_same_group(&ps->items[i], group, index))
		return false;
	if (i < ps->first || (i - ps->first) % (size_t)ps->jobs != (size_t)ps->k)
		return true;
	result r = {1, NULL};
	ws_cli_repeats_group(i);
	r.status = render_one(ps->engine, ps->layout, group, &ps->items[i], ps->oo, ps->n_oo, &r.reason);
	g_array_append_val(ps->waiting, r);
	g_array_append_val(ps->waiting_index, i);
	if (ps->waiting->len >= COMMIT_EVERY)
		commit_waiting(ps);
	return true;
}

/* Reads the data file once more and renders `ps`'s share; every file is
 * in place when it returns. */
static void run_pass(pass *ps, const char *data_path)
{
	ps->waiting = g_array_new(FALSE, FALSE, sizeof(result));
	ps->waiting_index = g_array_new(FALSE, FALSE, sizeof(size_t));
	/* The pass's files wait in its batch for the joint commit
	 * (commit_waiting). */
	ps->batch = ws_atomic_batch_new();
	const ws_output_options *given = ps->oo;
	ws_output_options *deferred = g_new(ws_output_options, ps->n_oo > 0 ? ps->n_oo : 1);
	for (size_t f = 0; f < ps->n_oo; f++) {
		deferred[f] = given[f];
		deferred[f].commit_batch = ps->batch;
	}
	ps->oo = deferred;
	ws_diags *d = ws_diags_new();
	ws_data_each(data_path, pass_group, ps, d);
	ws_cli_print_diags(d, false);
	ws_diags_free(d);
	commit_waiting(ps);
	ps->oo = given;
	g_free(deferred);
	ws_atomic_batch_free(ps->batch);
	ps->batch = NULL;
	g_array_unref(ps->waiting);
	g_array_unref(ps->waiting_index);
	ps->waiting = ps->waiting_index = NULL;
}

static void parse_records(GString *buf, result *res, size_t n, progress *p)
{
	char *nl;
	while ((nl = memchr(buf->str, '\n', buf->len))) {
		*nl = '\0';
		if (ws_cli_repeats_take(buf->str)) {
			g_string_erase(buf, 0, nl - buf->str + 1);
			continue;
		}
		char **f = g_strsplit(buf->str, "\t", 3);
		if (f[0] && f[1]) {
			size_t i = (size_t)g_ascii_strtoull(f[0], NULL, 10);
			if (i < n) {
				res[i].status = (int)g_ascii_strtoll(f[1], NULL, 10);
				res[i].reason = f[2] && *f[2] ? g_strdup(f[2]) : NULL;
				p->done++;
			}
		}
		g_strfreev(f);
		g_string_erase(buf, 0, nl - buf->str + 1);
	}
}

int ws_cli_run_batch(ws_engine *engine, const ws_layout *layout, const char *data_path,
                     ws_batch_item *items, size_t n, const ws_output_options *oo, size_t n_oo,
                     int jobs)
{
	result *res = g_new0(result, n);
	for (size_t i = 0; i < n; i++)
		res[i].status = 1;
	progress p = {.on = isatty(STDERR_FILENO) && n > 1, .total = n, .start = now_s()};
	ws_cli_progress_shown(p.on);
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > n)
		jobs = (int)MAX(n, 1);

	pass ps = {.engine = engine, .layout = layout, .items = items, .n = n, .limit = n, .jobs = 1,
	           .oo = oo, .n_oo = n_oo, .res = res, .prog = &p, .fd = -1};
	if (jobs == 1) {
		run_pass(&ps, data_path);
	} else {
		/* The first group is rendered here, before forking: the workers then
		 * inherit warm caches (constant text laid out, font twins holding
		 * the page's glyphs) instead of each building them again.  It also
		 * makes the batch's first group the first document of every
		 * process, as with --jobs 1, which the dense font twins rely on
		 * for identical output (core/fasttext.c). */
		size_t first = 0;
		if (!ws_cli_interrupted) {
			ps.limit = 1;
			run_pass(&ps, data_path);
			first = 1;
		}
		if ((size_t)jobs > n - first)
			jobs = (int)(n - first);
		int *fds = g_new(int, jobs);
		pid_t *pids = g_new(pid_t, jobs);
		GString **bufs = g_new(GString *, jobs);
		fflush(stdout);
		fflush(stderr);
		pid_t parent = getpid();
		for (int k = 0; k < jobs; k++) {
			int pfd[2];
			if (pipe(pfd) != 0) {
				fprintf(stderr, "wenshu: cannot create a pipe: %s\n", g_strerror(errno));
				jobs = k;
				break;
			}
			pid_t pid = fork();
			if (pid == 0) {
				die_with_parent(parent);
				close(pfd[0]);
				/* Warnings go to the parent, which counts repeats. */
				ws_cli_repeats_forward(pfd[1]);
				for (int j = 0; j < k; j++)
					close(fds[j]);
				/* The parent's bookkeeping is not the worker's to keep. */
				for (int j = 0; j < k; j++)
					g_string_free(bufs[j], TRUE);
				g_free(bufs);
				g_free(pids);
				g_free(fds);
				pass wp = {.engine = engine, .layout = layout, .items = items, .n = n, .first = first,
				           .limit = n, .jobs = jobs, .k = k, .oo = oo, .n_oo = n_oo, .fd = pfd[1]};
				run_pass(&wp, data_path);
				close(pfd[1]);
				_exit(0);
			}
			close(pfd[1]);
			if (pid < 0) {
				fprintf(stderr, "wenshu: cannot start a worker: %s\n", g_strerror(errno));
				close(pfd[0]);
				jobs = k;
				break;
			}
			fds[k] = pfd[0];
			pids[k] = pid;
			bufs[k] = g_string_new(NULL);
		}
		int open_fds = jobs;
		bool forwarded = false;
		struct pollfd *pf = g_new0(struct pollfd, jobs);
		while (open_fds > 0) {
			/* A SIGTERM (or a SIGINT from `kill`, not the terminal) reaches
			 * only this process; the workers would go on through the whole
			 * batch.  Pass it on once: each worker finishes the file it is
			 * writing (the file is committed whole) and starts no other. */
			if (ws_cli_interrupted && !forwarded) {
				forwarded = true;
				for (int k = 0; k < jobs; k++)
					kill(pids[k], SIGTERM);
			}
			for (int k = 0; k < jobs; k++) {
				pf[k].fd = fds[k];
				pf[k].events = POLLIN;
			}
			int r = poll(pf, (nfds_t)jobs, 200);
			if (r < 0 && errno != EINTR)
				break;
			for (int k = 0; k < jobs; k++) {
				if (fds[k] < 0 || !(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				char chunk[4096];
				ssize_t got = read(fds[k], chunk, sizeof chunk);
				if (got > 0) {
					g_string_append_len(bufs[k], chunk, got);
					parse_records(bufs[k], res, n, &p);
				} else if (got == 0 || errno != EINTR) {
					close(fds[k]);
					fds[k] = -1;
					open_fds--;
				}
			}
			progress_draw(&p, false);
		}
		for (int k = 0; k < jobs; k++) {
			int st;
			while (waitpid(pids[k], &st, 0) < 0 && errno == EINTR)
				;
			if (WIFSIGNALED(st))
				fprintf(stderr, "wenshu: worker %d died of signal %d\n", k, WTERMSIG(st));
			g_string_free(bufs[k], TRUE);
		}
		g_free(pf);
		g_free(fds);
		g_free(pids);
		g_free(bufs);
	}
	progress_draw(&p, true);
	ws_cli_progress_shown(false);

	size_t ok = 0, failed = 0, skipped = 0;
	int worst = WS_OK;
	for (size_t i = 0; i < n; i++) {
		if (res[i].status == 1)
			skipped++;
		else if (res[i].status == WS_OK)
			ok++;
		else {
			failed++;
			if (worst == WS_OK || res[i].status != WS_EINPUT)
				worst = res[i].status;
		}
	}
	if (n > 1 || failed || skipped) {
		fprintf(stderr, "wenshu: %zu of %zu group(s) rendered", ok, n);
		if (failed)
			fprintf(stderr, ", %zu failed", failed);
		if (skipped)
			fprintf(stderr, ", %zu not started (interrupted; run again to finish)", skipped);
		size_t distinct = 0, warned = ws_cli_repeats_groups(&distinct);
		if (warned)
			fprintf(stderr, ", %zu with warnings (%zu different)", warned, distinct);
		fputc('\n', stderr);
		ws_cli_repeats_summary();
		ws_cli_failures *failures = ws_cli_failures_new();
		for (size_t i = 0; i < n; i++)
			if (res[i].status != WS_OK && res[i].status != 1)
				ws_cli_failures_add(failures, items[i].label,
				                    res[i].reason ? res[i].reason : ws_status_name(res[i].status));
		ws_cli_failures_print(failures);
		ws_cli_failures_free(failures);
	}
	for (size_t i = 0; i < n; i++)
		g_free(res[i].reason);
	g_free(res);
	if (skipped || ws_cli_interrupted)
		return WS_EINTERRUPTED;
	return worst;
}
