/* The command line's one voice (report.h). */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"
#include "suggest.h"

volatile sig_atomic_t ws_cli_interrupted;

int ws_cli_exit_status(int rc)
{
	switch (rc) {
	case WS_OK:
		return 0;
	case WS_EINPUT:
		return 1;
	case WS_EUSAGE:
		return 2;
	case WS_EINTERRUPTED:
		return 4;
	default:
		return 3;
	}
}

const char *ws_cli_safe(const char *s)
{
	static char *ring[16];
	static unsigned next;
	unsigned k = next++ % G_N_ELEMENTS(ring);
	g_free(ring[k]);
	ring[k] = ws_diag_escape(s ? s : "", -1);
	return ring[k];
}

static bool progress_shown;

void ws_cli_progress_shown(bool shown)
{
	progress_shown = shown;
}

static bool repeats_active(void);
static bool repeats_warning(const ws_diag *d, const char *formatted);

size_t ws_cli_print_diags(const ws_diags *diags, bool quiet_notes)
{
	size_t warnings = 0;
	GString *buf = g_string_new(NULL);
	/* A packet validates one record once per document: say each thing once. */
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (size_t i = 0; i < ws_diags_count(diags); i++) {
		const ws_diag *d = ws_diags_at(diags, i);
		if (quiet_notes && d->severity == WS_SEVERITY_NOTE)
			continue;
		char *s = ws_diag_format(d);
		if (!g_hash_table_add(seen, s))
			continue;
		/* A batch counts a warning or an error already said for another
		 * group. */
		if (repeats_active() && (d->severity == WS_SEVERITY_WARNING || d->severity == WS_SEVERITY_ERROR) &&
		    !repeats_warning(d, s))
			continue;
		g_string_append_printf(buf, "%s\n", s);
		if (d->severity == WS_SEVERITY_WARNING)
			warnings++;
	}
	g_hash_table_unref(seen);
	if (buf->len && progress_shown)
		g_string_prepend(buf, "\r\033[K");
	/* One write, so parallel workers never interleave inside a message. */
	if (buf->len)
		(void)!write(STDERR_FILENO, buf->str, buf->len);
	g_string_free(buf, TRUE);
	return warnings;
}

int ws_cli_engine_open(ws_engine **out, bool prepare_fonts)
{
	ws_engine_options opts = WS_ENGINE_OPTIONS_INIT;
	opts.prepare_fonts = prepare_fonts;
	ws_diags *d = ws_diags_new();
	int rc = ws_engine_new(out, &opts, d);
	ws_cli_print_diags(d, true);
	ws_diags_free(d);
	return rc;
}

/* ---- One command-line language (report.h) ---------------------------- */

/* The option GLib names in "Unknown option --bogus" (its only form), or
 * NULL.  Caller g_free()s. */
static char *unknown_option(const GError *gerr)
{
	static const char prefix[] = "Unknown option ";
	if (!g_error_matches(gerr, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION) ||
	    !g_str_has_prefix(gerr->message, prefix))
		return NULL;
	return g_strdup(gerr->message + strlen(prefix));
}

bool ws_cli_parse(GOptionContext *ctx, const GOptionEntry *entries, const char *cmd, int *argc, char ***argv)
{
	/* GOption's --help prints "Usage: PRGNAME ...": the whole command. */
	char *prg = g_strdup_printf("wenshu %s", cmd);
	g_set_prgname(prg);
	g_free(prg);
	/* --help printed here, not by GOption: GOption prints through
	 * g_print(), which converts to the locale's charset, and a program
	 * that never called setlocale() is in the C locale, so every Chinese
	 * word of the help ("what 护签部 mails back") came out as "???". */
	for (int i = 1; i < *argc; i++) {
		const char *a = (*argv)[i];
		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "-?") == 0) {
			char *help = g_option_context_get_help(ctx, TRUE, NULL);
			fputs(help, stdout);
			g_free(help);
			fflush(stdout);
			exit(ferror(stdout) ? 3 : 0);
		}
	}
	GError *gerr = NULL;
	if (g_option_context_parse(ctx, argc, argv, &gerr))
		return true;
	/* GLib's messages are its own ("Unknown option --bogus", "Missing
	 * argument for --data"): said in the house form, lower case, with a
	 * did-you-mean for a misspelt long option. */
	char *opt = unknown_option(gerr);
	if (opt) {
		GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
		for (const GOptionEntry *e = entries; e && e->long_name; e++)
			g_ptr_array_add(names, g_strconcat("--", e->long_name, NULL));
		g_ptr_array_add(names, g_strdup("--help"));
		const char *hint = g_str_has_prefix(opt, "--")
		                           ? ws_suggest(opt, (const char *const *)names->pdata, names->len)
		                           : NULL;
		if (hint)
			fprintf(stderr, "wenshu: unknown option '%s' (did you mean '%s'?)\n", ws_cli_safe(opt), hint);
		else
			fprintf(stderr, "wenshu: unknown option '%s' (see 'wenshu %s --help')\n", ws_cli_safe(opt), cmd);
		g_ptr_array_unref(names);
		g_free(opt);
	} else {
		char *msg = g_strdup(gerr->message);
		if (g_ascii_isupper(msg[0]) && !g_ascii_isupper(msg[1]))
			msg[0] = g_ascii_tolower(msg[0]);
		fprintf(stderr, "wenshu: %s (see 'wenshu %s --help')\n", ws_cli_safe(msg), cmd);
		g_free(msg);
	}
	g_error_free(gerr);
	return false;
}

int ws_cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "wenshu: %s\nwenshu: usage: %s\n", msg, usage);
	g_free(msg);
	return 2;
}

/* One located message in the diagnostics' own form ("wenshu: PATH: error: ..."). */
static void say_about(const char *path, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void say_about(const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ws_diags *d = ws_diags_new();
	ws_diag_add(d, WS_SEVERITY_ERROR, (ws_loc){g_intern_string(path), 0, 0}, NULL, NULL, "%s", msg);
	ws_cli_print_diags(d, false);
	ws_diags_free(d);
	g_free(msg);
}

int ws_cli_need_file(const char *path, const char *what)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR) {
			say_about(path, "no such %s", what);
			return 2;
		}
		say_about(path, "cannot read the %s: %s", what, g_strerror(e));
		return 3;
	}
	if (S_ISDIR(st.st_mode)) {
		say_about(path, "is a folder; give a %s", what);
		return 2;
	}
	/* Opened, not only looked at: permissions, ACLs and the like answer
	 * here.  Non-blocking, so a FIFO does not hang (its loader refuses it). */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		say_about(path, "cannot read the %s: %s", what, g_strerror(errno));
		return 3;
	}
	close(fd);
	return 0;
}

int ws_cli_need_layout(const char *arg)
{
	if (strchr(arg, '/') || g_str_has_suffix(arg, ".yaml") || g_str_has_suffix(arg, ".yml"))
		return ws_cli_need_file(arg, "layout file");
	return 0;
}

int ws_cli_make_folder(const char *dir)
{
	if (!dir || !*dir || g_mkdir_with_parents(dir, 0755) == 0)
		return 0;
	say_about(dir, "cannot create the output folder: %s", g_strerror(errno));
	return 3;
}

int ws_cli_make_folder_of(const char *path)
{
	char *dir = g_path_get_dirname(path);
	int rc = strcmp(dir, ".") == 0 ? 0 : ws_cli_make_folder(dir);
	g_free(dir);
	return rc;
}

/* ---- Repeated warnings (report.h) ------------------------------------ */

typedef struct repeat {
	bool error;       /* an error, else a warning */
	char *label;      /* the rule ("X9"), or the message when there is none */
	char *first;      /* the first one, as printed */
	size_t count;     /* occurrences */
	size_t hidden;    /* occurrences not printed */
	GHashTable *groups; /* distinct groups (index + 1): workers' records interleave */
	size_t first_group;
} repeat;

#define NO_GROUP ((size_t)-1)

static struct {
	bool on;
	int fd;               /* a worker's pipe to the parent, or -1 */
	size_t group;         /* the group being reported, or NO_GROUP */
	GHashTable *by_key;   /* key → repeat* */
	GPtrArray *order;     /* of repeat*, first seen first */
	GHashTable *warned;   /* groups with a warning (index + 1) */
} rp = {.fd = -1, .group = NO_GROUP};

static void repeat_free(void *p)
{
	repeat *r = p;
	g_free(r->label);
	g_free(r->first);
	g_hash_table_unref(r->groups);
	g_free(r);
}

static bool repeats_active(void)
{
	return rp.on;
}

void ws_cli_repeats_on(void)
{
	if (rp.on)
		return;
	rp.on = true;
	rp.by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	rp.order = g_ptr_array_new_with_free_func(repeat_free);
	rp.warned = g_hash_table_new(g_direct_hash, g_direct_equal);
}

void ws_cli_repeats_group(size_t group)
{
	rp.group = group;
}

void ws_cli_repeats_forward(int fd)
{
	rp.fd = fd;
}

/* Counts one warning or error; true when it is to be printed: the first
 * of its key, or another of the group that said the first (a group's
 * six different X9 errors are all said: the clerk fixes each). */
static bool repeats_note(size_t group, const char *key, const char *formatted)
{
	bool error = key[0] == 'E';
	if (group != NO_GROUP && !error)
		g_hash_table_add(rp.warned, GSIZE_TO_POINTER(group + 1));
	repeat *r = g_hash_table_lookup(rp.by_key, key);
	if (r) {
		r->count++;
		if (group != NO_GROUP)
			g_hash_table_add(r->groups, GSIZE_TO_POINTER(group + 1));
		if (group != NO_GROUP && group == r->first_group)
			return true;
		r->hidden++;
		return false;
	}
	r = g_new0(repeat, 1);
	r->error = error;
	r->label = g_strdup(key + 2);
	r->first = g_strdup(formatted);
	r->count = 1;
	r->groups = g_hash_table_new(g_direct_hash, g_direct_equal);
	if (group != NO_GROUP)
		g_hash_table_add(r->groups, GSIZE_TO_POINTER(group + 1));
	r->first_group = group;
	g_hash_table_insert(rp.by_key, g_strdup(key), r);
	g_ptr_array_add(rp.order, r);
	return true;
}

/* The key of a warning or error: its severity ('W'/'E'), then its rule,
 * or its text when it has none ('R'/'M', so a rule never equals a
 * message).  One line, no tabs: it travels in a worker's record. */
static char *repeat_key(const ws_diag *d)
{
	const char *sev = d->severity == WS_SEVERITY_ERROR ? "E" : "W";
	char *key = d->rule ? g_strconcat(sev, "R", d->rule, NULL) : g_strconcat(sev, "M", d->message, NULL);
	g_strdelimit(key, "\t\n\r", ' ');
	return key;
}

static void write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t w = write(fd, s, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* the parent is gone: the result record will say so */
		s += w;
		len -= (size_t)w;
	}
}

/* A warning while repeats are on: forwarded (a worker), or counted and
 * printed when first.  True when the caller prints it now. */
static bool repeats_warning(const ws_diag *d, const char *formatted)
{
	char *key = repeat_key(d);
	bool print = false;
	if (rp.fd >= 0) {
		char *line = g_strdup_printf("W\t%zu\t%s\t%s\n", rp.group, key, formatted);
		g_strdelimit(line + strlen(line) - 1 - strlen(formatted), "\t\r", ' ');
		write_all(rp.fd, line, strlen(line));
		g_free(line);
	} else {
		print = repeats_note(rp.group, key, formatted);
	}
	g_free(key);
	return print;
}

bool ws_cli_repeats_take(const char *line)
{
	if (!rp.on || !g_str_has_prefix(line, "W\t"))
		return false;
	char **f = g_strsplit(line + 2, "\t", 3);
	if (f[0] && f[1] && f[2]) {
		size_t group = (size_t)g_ascii_strtoull(f[0], NULL, 10);
		if (repeats_note(group, f[1], f[2])) {
			char *out = g_strdup_printf("%s%s\n", progress_shown ? "\r\033[K" : "", f[2]);
			(void)!write(STDERR_FILENO, out, strlen(out));
			g_free(out);
		}
	}
	g_strfreev(f);
	return true;
}

size_t ws_cli_repeats_groups(size_t *distinct)
{
	if (distinct) {
		*distinct = 0;
		for (guint i = 0; rp.on && i < rp.order->len; i++)
			*distinct += !((const repeat *)g_ptr_array_index(rp.order, i))->error;
	}
	return rp.on ? g_hash_table_size(rp.warned) : 0;
}

void ws_cli_repeats_summary(void)
{
	for (guint i = 0; rp.on && i < rp.order->len; i++) {
		const repeat *r = g_ptr_array_index(rp.order, i);
		/* Only what was not all said as it came. */
		if (r->hidden == 0)
			continue;
		const char *what = r->error ? "error" : "warning";
		guint groups = g_hash_table_size(r->groups);
		if (groups > 1)
			fprintf(stderr, "wenshu: %s %s on %u groups, first: %s\n", what, ws_cli_safe(r->label), groups,
			        r->first);
		else
			fprintf(stderr, "wenshu: %s %s %zu times, first: %s\n", what, ws_cli_safe(r->label), r->count,
			        r->first);
	}
}

/* ---- Failed groups (report.h) ----------------------------------------- */

typedef struct failed_reason {
	char *key;         /* the rule of the reason ("X9"), or the reason */
	char *first;       /* the first reason, as printed */
	GPtrArray *labels; /* of char*, owned: the groups, in order */
} failed_reason;

struct ws_cli_failures {
	GPtrArray *reasons; /* of failed_reason*, first seen first */
};

static void failed_reason_free(void *p)
{
	failed_reason *r = p;
	g_free(r->key);
	g_free(r->first);
	g_ptr_array_unref(r->labels);
	g_free(r);
}

ws_cli_failures *ws_cli_failures_new(void)
{
	ws_cli_failures *f = g_new0(ws_cli_failures, 1);
	f->reasons = g_ptr_array_new_with_free_func(failed_reason_free);
	return f;
}

/* The rule of "FILE:L:C: error: [X9] ...", or NULL. */
static char *reason_rule(const char *reason)
{
	const char *e = strstr(reason, "error: [");
	if (!e)
		return NULL;
	e += strlen("error: [");
	const char *end = strchr(e, ']');
	return end ? g_strndup(e, (gsize)(end - e)) : NULL;
}

void ws_cli_failures_add(ws_cli_failures *f, const char *label, const char *reason)
{
	char *key = reason_rule(reason);
	if (!key)
		key = g_strdup(reason);
	failed_reason *r = NULL;
	for (guint i = 0; i < f->reasons->len && !r; i++) {
		failed_reason *x = g_ptr_array_index(f->reasons, i);
		if (strcmp(x->key, key) == 0)
			r = x;
	}
	if (!r) {
		r = g_new0(failed_reason, 1);
		r->key = key;
		r->first = g_strdup(reason);
		r->labels = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(f->reasons, r);
	} else {
		g_free(key);
	}
	g_ptr_array_add(r->labels, g_strdup(label));
}

void ws_cli_failures_print(const ws_cli_failures *f)
{
	for (guint i = 0; i < f->reasons->len; i++) {
		const failed_reason *r = g_ptr_array_index(f->reasons, i);
		if (r->labels->len == 1) {
			fprintf(stderr, "wenshu: group %s failed: %s\n", ws_cli_safe(r->labels->pdata[0]), ws_cli_safe(r->first));
			continue;
		}
		/* Every group is named (the clerk fixes each); the reason once. */
		GString *names = g_string_new(NULL);
		for (guint k = 0; k < r->labels->len; k++)
			g_string_append_printf(names, "%s%s", k ? ", " : "", ws_cli_safe(r->labels->pdata[k]));
		if (strcmp(r->key, r->first) == 0) /* the same reason word for word */
			fprintf(stderr, "wenshu: %u groups failed: %s: %s\n", r->labels->len, names->str,
			        ws_cli_safe(r->first));
		else
			fprintf(stderr, "wenshu: %u groups failed on %s: %s; first: %s\n", r->labels->len,
			        ws_cli_safe(r->key), names->str, ws_cli_safe(r->first));
		g_string_free(names, TRUE);
	}
}

void ws_cli_failures_free(ws_cli_failures *f)
{
	if (!f)
		return;
	g_ptr_array_unref(f->reasons);
	g_free(f);
}
