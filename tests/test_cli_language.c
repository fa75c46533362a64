/* One command-line language (#13 item 4): every subcommand against every
 * way a command line goes wrong, with the exit status of the README's
 * table and every message in one of two forms; repeated warnings counted;
 * font warnings only for the fonts a layout uses; output folders made
 * alike.  Apart from test_cli.c so each has the suite's time limit. */
#include <criterion/criterion.h>
#include <valgrind/valgrind.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#define SIMPLE "tests/data/layouts/simple.yaml"

/* True when every line of `err` is in the language: "wenshu: ..." or
 * "FILE:LINE:COL: error|warning|note: ...". */
static bool one_language(const char *err, char **bad_line)
{
	static GRegex *located;
	if (!located)
		located = g_regex_new("^[^:]+:[0-9]+:[0-9]+: (error|warning|note): ", 0, 0, NULL);
	char **lines = g_strsplit(err, "\n", -1);
	bool ok = true;
	for (char **l = lines; ok && *l; l++) {
		if (!**l || g_str_has_prefix(*l, "wenshu: ") || g_regex_match(located, *l, 0, NULL))
			continue;
		ok = false;
		*bad_line = g_strdup(*l);
	}
	g_strfreev(lines);
	return ok;
}

/* Root reads any file: the unreadable-file rows run as nobody. */
static void become_nobody(void *user)
{
	(void)user;
	if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0))
		_exit(123);
}

static int run_env(bool nobody, char **envp, const char *const *args, char **out, char **err)
{
	GPtrArray *argv = g_ptr_array_new();
	g_ptr_array_add(argv, (char *)(WS_TEST_BUILD_DIR "/cli/wenshu"));
	for (const char *const *a = args; *a; a++)
		g_ptr_array_add(argv, (char *)*a);
	g_ptr_array_add(argv, NULL);
	int status = -1;
	GError *gerr = NULL;
	gboolean ok = g_spawn_sync(WS_TEST_SOURCE_DIR, (char **)argv->pdata, envp, 0, nobody ? become_nobody : NULL, NULL,
	                           out, err, &status, &gerr);
	cr_assert(ok, "cannot run wenshu: %s", gerr ? gerr->message : "?");
	g_ptr_array_free(argv, TRUE);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_as(bool nobody, const char *const *args, char **out, char **err)
{
	return run_env(nobody, NULL, args, out, err);
}

typedef struct cli_case {
	const char *what;
	const char *args[14];  /* "@" at the start is the test's folder */
	int status;
	const char *line;      /* a line of stderr starts so ("@" as in args), or NULL */
	const char *out;       /* stdout holds this, or NULL */
	bool nobody;
	const char *absent;    /* no line of stderr holds this ("@" as in args), or NULL */
} cli_case;

#define T_SELF "examples/data/self-beijing.yaml"
#define NOFILE "no/such.yaml"
#define UNKNOWN_OPT(cmd) "wenshu: unknown option '--bogus' (see 'wenshu " cmd " --help')"
#define TYPO_KIND "wenshu: error: 'payment-reciept' is neither a layout file nor a known kind or form (did you mean 'payment-receipt'?)"
#define NO_FOLDER "wenshu: @/file/sub: error: cannot create the output folder: Not a directory"

static const cli_case cases[] = {
	/* the command itself */
	{"no command", {NULL}, 2, "wenshu: give a command: render, check, packet, preview, list, schema", NULL, false, NULL},
	{"unknown command", {"rendr", NULL}, 2, "wenshu: unknown command 'rendr' (did you mean 'render'?)", NULL, false, NULL},
	{"--help", {"--help", NULL}, 0, NULL, "Usage: wenshu COMMAND", false, NULL},
	/* render */
	{"render: no args", {"render", NULL}, 2, "wenshu: give one LAYOUT or KIND and --data FILE", NULL, false, NULL},
	{"render: bad option", {"render", "--bogus", NULL}, 2, UNKNOWN_OPT("render"), NULL, false, NULL},
	{"render: bad format", {"render", SIMPLE, "--data", T_SELF, "--format", "pfd", NULL}, 2,
	 "wenshu: unknown format 'pfd' (did you mean 'pdf'?)", NULL, false, NULL},
	{"render: missing layout", {"render", NOFILE, "--data", T_SELF, NULL}, 2,
	 "wenshu: " NOFILE ": error: no such layout file", NULL, false, NULL},
	{"render: missing data", {"render", SIMPLE, "--data", NOFILE, NULL}, 2,
	 "wenshu: " NOFILE ": error: no such data file", NULL, false, NULL},
	{"render: a folder as data", {"render", SIMPLE, "--data", "@", NULL}, 2,
	 "wenshu: @: error: is a folder; give a data file", NULL, false, NULL},
	{"render: unreadable layout", {"render", "@/unreadable.yaml", "--data", T_SELF, NULL}, 3,
	 "wenshu: @/unreadable.yaml: error: cannot read the layout file: Permission denied", NULL, true, NULL},
	{"render: unreadable data", {"render", SIMPLE, "--data", "@/unreadable-data.yaml", NULL}, 3,
	 "wenshu: @/unreadable-data.yaml: error: cannot read the data file: Permission denied", NULL, true, NULL},
	{"render: unknown kind", {"render", "payment-reciept", "--data", T_SELF, NULL}, 2, TYPO_KIND, NULL, false, NULL},
	{"render: bad data", {"render", SIMPLE, "--data", "@/bad.yaml", "-o", "@/out/x.pdf", NULL}, 1, "@/bad.yaml:3:1: error: ", NULL,
	 false, NULL},
	{"render: unwritable -o", {"render", SIMPLE, "--data", T_SELF, "-o", "@/file/sub/{group.group_id}.pdf", NULL}, 3,
	 NO_FOLDER, NULL, false, NULL},
	{"render: unwritable --merge", {"render", SIMPLE, "--data", T_SELF, "--merge", "@/file/sub/all.pdf", NULL}, 3,
	 NO_FOLDER, NULL, false, NULL},
	{"render: --help", {"render", "--help", NULL}, 0, NULL, "wenshu render", false, NULL},
	/* G001-2's file would be page 2 of G001's PNG (and removed by a
	 * shorter run of G001 as an old page of its own) */
	{"render: a group's file is another's page", {"render", SIMPLE, "--data", "@/clash.yaml", "-o", "@/clash/{group.group_id}.png", NULL},
	 2, "wenshu: group G001-2 would be written to @/clash/G001-2.png, the name of page 2 of group G001's @/clash/G001.png; "
	 "put -{kind} after {group.group_id} in -o", NULL, false, NULL},
	{"render: ... not when the names differ", {"render", SIMPLE, "--data", "@/clash.yaml", "-o", "@/clash/{group.group_id}-{kind}.png", NULL},
	 0, "wenshu: 2 of 2 group(s) rendered", NULL, false, NULL},
	{"render: a misspelt option", {"render", "--dat", T_SELF, SIMPLE, NULL}, 2,
	 "wenshu: unknown option '--dat' (did you mean '--data'?)", NULL, false, NULL},
	{"render: an option without its value", {"render", SIMPLE, "--data", NULL}, 2,
	 "wenshu: missing argument for --data (see 'wenshu render --help')", NULL, false, NULL},
	/* the same error in five groups: said as it comes for the first, then
	 * counted; every failed group named on one line with it */
	{"render: one error in many groups", {"render", SIMPLE, "--data", "@/x9.yaml", "-o", "@/x9/{group.group_id}.pdf", NULL},
	 1, "wenshu: error X9 on 5 groups, first: @/x9.yaml:", NULL, false, NULL},
	{"render: the groups that failed for it", {"render", SIMPLE, "--data", "@/x9.yaml", "-o", "@/x9/{group.group_id}.pdf", NULL},
	 1, "wenshu: 5 groups failed on X9: G001, G002, G003, G004, G005; first: @/x9.yaml:", NULL, false,
	 "wenshu: group G002 failed"},
	/* check */
	{"check: no args", {"check", NULL}, 2, "wenshu: give one LAYOUT or KIND", NULL, false, NULL},
	{"check: bad option", {"check", "--bogus", NULL}, 2, UNKNOWN_OPT("check"), NULL, false, NULL},
	{"check: missing layout", {"check", NOFILE, NULL}, 2, "wenshu: " NOFILE ": error: no such layout file", NULL, false, NULL},
	{"check: missing data", {"check", SIMPLE, "--data", NOFILE, NULL}, 2, "wenshu: " NOFILE ": error: no such data file",
	 NULL, false, NULL},
	{"check: unreadable layout", {"check", "@/unreadable.yaml", NULL}, 3,
	 "wenshu: @/unreadable.yaml: error: cannot read the layout file: Permission denied", NULL, true, NULL},
	{"check: unreadable data", {"check", SIMPLE, "--data", "@/unreadable-data.yaml", NULL}, 3,
	 "wenshu: @/unreadable-data.yaml: error: cannot read the data file: Permission denied", NULL, true, NULL},
	{"check: unknown kind", {"check", "payment-reciept", NULL}, 2, TYPO_KIND, NULL, false, NULL},
	{"check: bad data", {"check", SIMPLE, "--data", "@/bad.yaml", NULL}, 1, "@/bad.yaml:3:1: error: ", NULL, false, NULL},
	{"check: --help", {"check", "--help", NULL}, 0, NULL, "wenshu check", false, NULL},
	{"check: a misspelt option", {"check", SIMPLE, "--dta", T_SELF, NULL}, 2,
	 "wenshu: unknown option '--dta' (did you mean '--data'?)", NULL, false, NULL},
	/* one warning, naming the family asked for and the faces drawn
	 * instead; no second one calling a face a fallback of it */
	{"check: a font not installed", {"check", "@/font.yaml", "--data", T_SELF, NULL}, 0,
	 "@/font.yaml:4:13: warning: [font] font 'FangSong_GB2312' is not installed: its text is drawn with '", NULL, false,
	 "fallback font"},
	/* warnings are exit 0 (README), but not "OK" */
	{"check: a misspelt template path", {"check", "@/typo.yaml", "--data", T_SELF, NULL}, 0,
	 "wenshu: @/typo.yaml: no errors, 1 warning", NULL, false, ": OK"},
	{"check: lists every error, not collapsed", {"check", SIMPLE, "--data", "@/x9.yaml", NULL}, 1,
	 "wenshu: G005: 2 error(s)", NULL, false, "on 5 groups"},
	/* packet */
	{"packet: no args", {"packet", NULL}, 2, "wenshu: give --data FILE", NULL, false, NULL},
	{"packet: bad option", {"packet", "--bogus", NULL}, 2, UNKNOWN_OPT("packet"), NULL, false, NULL},
	{"packet: missing data", {"packet", "--data", NOFILE, NULL}, 2, "wenshu: " NOFILE ": error: no such data file",
	 NULL, false, NULL},
	{"packet: missing packets file", {"packet", "--data", T_SELF, "--packets", NOFILE, NULL}, 2,
	 "wenshu: " NOFILE ": error: no such packets file", NULL, false, NULL},
	{"packet: unreadable data", {"packet", "--data", "@/unreadable-data.yaml", NULL}, 3,
	 "wenshu: @/unreadable-data.yaml: error: cannot read the data file: Permission denied", NULL, true, NULL},
	{"packet: bad data", {"packet", "--data", "@/bad.yaml", "-o", "@/packets", NULL}, 1, "@/bad.yaml:3:1: error: ", NULL, false, NULL},
	{"packet: unwritable -o", {"packet", "--data", T_SELF, "-o", "@/file/sub", NULL}, 3, NO_FOLDER, NULL, false, NULL},
	{"packet: --help", {"packet", "--help", NULL}, 0, NULL, "wenshu packet", false, NULL},
	/* GOption would print the Chinese of the help as "???" in the C locale */
	{"packet: -h in Chinese", {"packet", "-h", NULL}, 0, NULL, "what 护签部 mails back", false, NULL},
	{"packet: one error in many groups", {"packet", "--data", "@/x9.yaml", "-o", "@/x9p", NULL}, 1,
	 "wenshu: error X9 on 5 groups, first: @/x9.yaml:", NULL, false, "wenshu: group G002 failed"},
	/* preview */
	{"preview: no args", {"preview", NULL}, 2, "wenshu: give one LAYOUT or KIND and --data FILE", NULL, false, NULL},
	{"preview: bad option", {"preview", "--bogus", NULL}, 2, UNKNOWN_OPT("preview"), NULL, false, NULL},
	{"preview: missing layout", {"preview", NOFILE, "--data", T_SELF, NULL}, 2,
	 "wenshu: " NOFILE ": error: no such layout file", NULL, false, NULL},
	{"preview: missing data", {"preview", SIMPLE, "--data", NOFILE, NULL}, 2,
	 "wenshu: " NOFILE ": error: no such data file", NULL, false, NULL},
	{"preview: unreadable data", {"preview", SIMPLE, "--data", "@/unreadable-data.yaml", NULL}, 3,
	 "wenshu: @/unreadable-data.yaml: error: cannot read the data file: Permission denied", NULL, true, NULL},
	{"preview: unknown kind", {"preview", "payment-reciept", "--data", T_SELF, "-o", "@/pv", NULL}, 2, TYPO_KIND, NULL,
	 false, NULL},
	{"preview: bad data", {"preview", SIMPLE, "--data", "@/bad.yaml", "-o", "@/pv", NULL}, 1, "@/bad.yaml:3:1: error: ", NULL,
	 false, NULL},
	{"preview: unwritable -o", {"preview", SIMPLE, "--data", T_SELF, "-o", "@/file/sub", NULL}, 3, NO_FOLDER, NULL,
	 false, NULL},
	{"preview: unwritable --sheet", {"preview", SIMPLE, "--data", T_SELF, "--sheet", "@/file/sub/s.png", NULL}, 3,
	 NO_FOLDER, NULL, false, NULL},
	{"preview: --help", {"preview", "--help", NULL}, 0, NULL, "wenshu preview", false, NULL},
	{"preview: a font not installed", {"preview", "@/font.yaml", "--data", T_SELF, "-o", "@/pvf", NULL}, 0,
	 "@/font.yaml:4:13: warning: [font] font 'FangSong_GB2312' is not installed: its text is drawn with '", NULL, false,
	 "fallback font"},
	/* list */
	{"list: no args", {"list", NULL}, 0, NULL, "payment-receipt", false, NULL},
	{"list: bad option", {"list", "--bogus", NULL}, 2, UNKNOWN_OPT("list"), NULL, false, NULL},
	{"list: unknown topic", {"list", "kind", NULL}, 2, "wenshu: unknown topic 'kind' (did you mean 'kinds'?)", NULL,
	 false, NULL},
	{"list: two topics", {"list", "kinds", "fonts", NULL}, 2, "wenshu: give at most one topic", NULL, false, NULL},
	{"list: --help", {"list", "--help", NULL}, 0, NULL, "wenshu list", false, NULL},
	/* schema (cli/schema.c) */
	{"schema: no args", {"schema", NULL}, 2, "wenshu: schema needs one topic: layout or data", NULL, false, NULL},
	{"schema: bad option", {"schema", "--bogus", NULL}, 2, "wenshu: unknown schema '--bogus'", NULL, false, NULL},
	{"schema: unknown topic", {"schema", "layot", NULL}, 2, "wenshu: unknown schema 'layot' (did you mean 'layout'?)",
	 NULL, false, NULL},
	{"schema: --help", {"schema", "--help", NULL}, 0, NULL, "wenshu schema", false, NULL},
};

static char *many_groups(const char *dir, const char *name, int n);

/* @/x9.yaml: `n` groups G001... whose street is in English, two X9
 * errors each. */
static void x9_groups(const char *dir, int n)
{
	char *path = many_groups(dir, "x9.yaml", n);
	char *text = NULL;
	cr_assert(g_file_get_contents(path, &text, NULL, NULL));
	char **parts = g_strsplit(text, "北京市朝阳区朝阳门外大街18号丰联广场A座11层", -1); /* many_groups' street */
	char *joined = g_strjoinv("Room 1101, Chaoyang Road 18", parts);
	cr_assert(g_strv_length(parts) == (guint)n + 1);
	cr_assert(g_file_set_contents(path, joined, -1, NULL));
	g_free(joined);
	g_strfreev(parts);
	g_free(text);
	g_free(path);
}

/* @/clash.yaml: groups G001 and G001-2. */
static void clash_groups(const char *dir)
{
	char *path = many_groups(dir, "clash.yaml", 2);
	char *text = NULL;
	cr_assert(g_file_get_contents(path, &text, NULL, NULL));
	char **parts = g_strsplit(text, "group_id: G002", -1);
	cr_assert(g_strv_length(parts) == 2);
	char *joined = g_strjoinv("group_id: G001-2", parts);
	cr_assert(g_file_set_contents(path, joined, -1, NULL));
	g_free(joined);
	g_strfreev(parts);
	g_free(text);
	g_free(path);
}

static char *at(const char *s, const char *dir)
{
	char **parts = g_strsplit(s, "@", -1);
	char *r = g_strjoinv(dir, parts);
	g_strfreev(parts);
	return r;
}

static bool has_line(const char *text, const char *prefix)
{
	if (g_str_has_prefix(text, prefix))
		return true;
	for (const char *p = strchr(text, '\n'); p; p = strchr(p + 1, '\n'))
		if (g_str_has_prefix(p + 1, prefix))
			return true;
	return false;
}

Test(cli_language, every_subcommand_and_failure_has_its_exit_status_and_message, .timeout = 300)
{
	char *dir = wst_tmpdir();
	cr_assert_eq(chmod(dir, 0755), 0); /* nobody reads the fixtures too */
	char *src = NULL;
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/" SIMPLE, &src, NULL, NULL));
	char *p = g_build_filename(dir, "unreadable.yaml", NULL);
	cr_assert(g_file_set_contents(p, src, -1, NULL) && chmod(p, 0) == 0);
	g_free(p);
	g_free(src);
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/" T_SELF, &src, NULL, NULL));
	p = g_build_filename(dir, "unreadable-data.yaml", NULL);
	cr_assert(g_file_set_contents(p, src, -1, NULL) && chmod(p, 0) == 0);
	g_free(p);
	g_free(src);
	p = g_build_filename(dir, "bad.yaml", NULL);
	cr_assert(g_file_set_contents(p, "group:\n  group_id: [G1\n", -1, NULL));
	g_free(p);
	p = g_build_filename(dir, "font.yaml", NULL);
	cr_assert(g_file_set_contents(p,
	                              "wenshu: 1\nname: font\nstyles:\n  k: {font: FangSong_GB2312, size: 12pt}\n"
	                              "elements:\n  - text: \"团组 {{ group.group_name }} x\"\n    style: k\n",
	                              -1, NULL));
	g_free(p);
	p = g_build_filename(dir, "typo.yaml", NULL);
	cr_assert(g_file_set_contents(p, "wenshu: 1\nname: typo\nelements:\n  - text: \"团组 {{ group.group_nmae }}\"\n",
	                              -1, NULL));
	g_free(p);
	x9_groups(dir, 5);
	clash_groups(dir);
	p = g_build_filename(dir, "file", NULL); /* a folder cannot be made under it, even by root */
	cr_assert(g_file_set_contents(p, "x", -1, NULL));
	g_free(p);
	bool skip_nobody = geteuid() == 0 && RUNNING_ON_VALGRIND;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const cli_case *c = &cases[i];
		if (c->nobody && skip_nobody)
			continue; /* a traced child that drops root does not start (test_hostile) */
		const char *args[G_N_ELEMENTS(c->args)];
		size_t n = 0;
		for (; c->args[n]; n++)
			args[n] = at(c->args[n], dir);
		args[n] = NULL;
		char *out = NULL, *err = NULL;
		int status = run_as(c->nobody, args, &out, &err);
		cr_expect_eq(status, c->status, "%s: exit %d, want %d; stderr:\n%s", c->what, status, c->status, err);
		if (c->line) {
			char *want = at(c->line, dir);
			cr_expect(has_line(err, want), "%s: no line starting\n  %s\nin stderr:\n%s", c->what, want, err);
			g_free(want);
		}
		if (c->out)
			cr_expect(strstr(out, c->out), "%s: stdout lacks '%s':\n%s", c->what, c->out, out);
		if (c->absent) {
			char *no = at(c->absent, dir);
			cr_expect_null(strstr(err, no), "%s: stderr says '%s':\n%s", c->what, no, err);
			g_free(no);
		}
		char *bad = NULL;
		cr_expect(one_language(err, &bad), "%s: a line in neither form:\n  %s\nstderr:\n%s", c->what, bad, err);
		g_free(bad);
		for (size_t k = 0; k < n; k++)
			g_free((char *)args[k]);
		g_free(out);
		g_free(err);
	}
	g_free(dir);
}

/* A data file of `n` copies of the Beijing sample (group ids G001...):
 * each has a building letter in its street, an X9 warning ("A座": the
 * seed's own "B座" address is not warned of). */
static char *many_groups(const char *dir, const char *name, int n)
{
	char *src = NULL;
	cr_assert(g_file_get_contents(WS_TEST_SOURCE_DIR "/" T_SELF, &src, NULL, NULL));
	const char *id_line = "  group_id: G2025-TEST-001\n";
	GString *copy = g_string_new(src);
	cr_assert(g_string_replace(copy, "丰联广场B座11层", "丰联广场A座11层", 1) == 1);
	g_free(src);
	src = g_string_free(copy, FALSE);
	const char *body = strstr(src, id_line);
	cr_assert_not_null(body);
	body += strlen(id_line);
	char **lines = g_strsplit(body, "\n", -1);
	char *indented_body = NULL;
	{
		GString *b = g_string_new(NULL);
		for (char **l = lines; *l; l++)
			if (**l)
				g_string_append_printf(b, "  %s\n", *l);
		indented_body = g_string_free(b, FALSE);
	}
	GString *y = g_string_new("groups:\n");
	for (int i = 1; i <= n; i++)
		g_string_append_printf(y, "  - group_id: G%03d\n%s", i, indented_body);
	char *path = g_build_filename(dir, name, NULL);
	cr_assert(g_file_set_contents(path, y->str, -1, NULL));
	g_string_free(y, TRUE);
	g_free(indented_body);
	g_strfreev(lines);
	g_free(src);
	return path;
}

static size_t occurrences(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Where the first group's street is in a data file: line and column. */
static void street_at(const char *data, int *line, int *col)
{
	char *text = NULL;
	cr_assert(g_file_get_contents(data, &text, NULL, NULL));
	const char *st = strstr(text, "street: ") + strlen("street: ");
	*line = 1;
	*col = 1;
	for (const char *c = text; c < st; c++, (*col)++)
		if (*c == '\n') {
			(*line)++;
			*col = 0;
		}
	g_free(text);
}

/* Renders `args` and checks that X9, on every one of `n` groups, is said
 * once as it comes and once in the summary with the count. */
static void assert_collapsed(const char *const *args, const char *data, int n, const char *summary)
{
	char *err = NULL;
	cr_assert_eq(wst_wenshu(args, NULL, &err), 0, "%s", err);
	int line, col;
	street_at(data, &line, &col);
	char *first = g_strdup_printf("%s:%d:%d: warning: [X9] street", data, line, col);
	cr_expect(has_line(err, first), "the first X9 as it came:\n%s", err);
	char *counted = g_strdup_printf("wenshu: warning X9 on %d groups, first: %s", n, first);
	cr_expect(has_line(err, counted), "the line that counts them:\n%s", err);
	cr_expect_eq(occurrences(err, "[X9]"), 2, "X9 said twice in all, not %d times:\n%s", n, err);
	char *sum = g_strdup_printf(summary, n, n);
	cr_expect(has_line(err, sum), "summary '%s':\n%s", sum, err);
	char *bad = NULL;
	cr_expect(one_language(err, &bad), "a line in neither form: %s\n%s", bad, err);
	g_free(bad);
	g_free(sum);
	g_free(counted);
	g_free(first);
	g_free(err);
}

/* 300 groups with the same warning, rendered by two workers (--jobs 2)
 * that send theirs to the parent, which counts them with its own. */
Test(cli_language, repeated_warnings_collapse_with_counts, .timeout = 300)
{
	char *dir = wst_tmpdir();
	char *data = many_groups(dir, "many.yaml", 300);
	char *tmpl = g_strdup_printf("%s/out/{group.group_id}.pdf", dir);
	const char *batch[] = {"render", SIMPLE, "--data", data, "-o", tmpl, "--jobs", "2", NULL};
	assert_collapsed(batch, data, 300, "wenshu: %d of %d group(s) rendered, 300 with warnings (1 different)");
	char *last = g_strdup_printf("%s/out/G300.pdf", dir);
	cr_expect(g_file_test(last, G_FILE_TEST_IS_REGULAR), "%s", last);
	g_free(last);
	g_free(tmpl);
	g_free(data);
	g_free(dir);
}

/* --merge streams the groups through one process: counted the same way. */
Test(cli_language, repeated_warnings_collapse_in_a_merge, .timeout = 300)
{
	char *dir = wst_tmpdir();
	char *data = many_groups(dir, "forty.yaml", 40);
	char *merged = g_strdup_printf("%s/all/merged.pdf", dir);
	const char *merge[] = {"render", SIMPLE, "--data", data, "--merge", merged, NULL};
	char *want = g_strdup_printf("wenshu: %%d of %%d group(s) merged into %s, 40 with warnings (1 different)", merged);
	assert_collapsed(merge, data, 40, want);
	char *info = wst_pdfinfo(merged);
	char *pages = wst_pdfinfo_field(info, "Pages");
	cr_expect_str_eq(pages, "40");
	g_free(pages);
	g_free(info);
	g_free(want);
	g_free(merged);
	g_free(data);
	g_free(dir);
}

/* Without FandolFang (the system's fonts only), a layout that never sets
 * FangSong hears nothing about it; the note, which does, is told. */
Test(cli_language, font_warnings_only_for_fonts_the_layout_uses, .timeout = 120)
{
	char *dir = wst_tmpdir();
	/* The font cache stays the suite's: the system's CJK fonts are the
	 * ones it has prepared already. */
	char **env = g_environ_setenv(g_get_environ(), "FONTCONFIG_FILE", "/etc/fonts/fonts.conf", TRUE);
	char *pdf = g_strdup_printf("%s/simple.pdf", dir);
	const char *simple[] = {"render", SIMPLE, "--data", T_SELF, "-o", pdf, NULL};
	char *err = NULL;
	cr_assert_eq(run_env(false, env, simple, NULL, &err), 0, "%s", err);
	cr_expect_null(strstr(err, "FangSong"), "the simple layout uses Hei only:\n%s", err);
	cr_expect_null(strstr(err, "FandolFang"), "the simple layout uses Hei only:\n%s", err);
	g_free(err);
	const char *note[] = {"check", "note", "--data", T_SELF, NULL};
	run_env(false, env, note, NULL, &err);
	cr_expect(strstr(err, "wenshu: warning: [font] role 'Wenshu FangSong' falls back to"), "the note sets FangSong:\n%s",
	          err);
	g_free(err);
	g_free(pdf);
	g_strfreev(env);
	g_free(dir);
}

/* -o, --merge, preview -o and --sheet, packet -o: each makes the folders it
 * needs (ws_cli_make_folder); the table above has them all refused alike. */
Test(cli_language, every_output_folder_is_created_the_same_way, .timeout = 120)
{
	char *dir = wst_tmpdir();
	char *merged = g_strdup_printf("%s/m/n/all.pdf", dir);
	char *tmpl = g_strdup_printf("%s/o/p/{group.group_id}.pdf", dir);
	char *pv = g_strdup_printf("%s/q/r", dir);
	char *sheet = g_strdup_printf("%s/s/t/sheet.png", dir);
	const char *a1[] = {"render", SIMPLE, "--data", T_SELF, "--merge", merged, NULL};
	const char *a2[] = {"render", SIMPLE, "--data", T_SELF, "-o", tmpl, NULL};
	const char *a3[] = {"preview", SIMPLE, "--data", T_SELF, "-o", pv, NULL};
	const char *a4[] = {"preview", SIMPLE, "--data", T_SELF, "--sheet", sheet, NULL};
	char *packets = g_strdup_printf("%s/u/v", dir);
	const char *a5[] = {"packet", "--data", T_SELF, "-o", packets, NULL};
	const char *const *runs[] = {a1, a2, a3, a4, a5};
	for (size_t k = 0; k < G_N_ELEMENTS(runs); k++) {
		char *err = NULL;
		cr_expect_eq(wst_wenshu(runs[k], NULL, &err), 0, "%s %s: %s", runs[k][0], runs[k][3], err);
		g_free(err);
	}
	char *o = g_strdup_printf("%s/o/p/G2025-TEST-001.pdf", dir);
	char *q = g_strdup_printf("%s/q/r/G2025-TEST-001-interview-confirmation.png", dir);
	cr_expect(g_file_test(merged, G_FILE_TEST_IS_REGULAR), "%s", merged);
	cr_expect(g_file_test(o, G_FILE_TEST_IS_REGULAR), "%s", o);
	cr_expect(g_file_test(q, G_FILE_TEST_IS_REGULAR), "%s", q);
	cr_expect(g_file_test(sheet, G_FILE_TEST_IS_REGULAR), "%s", sheet);
	char *pk = g_strdup_printf("%s/G2025-TEST-001-packet.pdf", packets);
	cr_expect(g_file_test(pk, G_FILE_TEST_IS_REGULAR), "%s", pk);
	g_free(pk);
	g_free(packets);
	g_free(o);
	g_free(q);
	g_free(merged);
	g_free(tmpl);
	g_free(pv);
	g_free(sheet);
	g_free(dir);
}
