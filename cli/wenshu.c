/* wenshu — the command line.
 *
 *   wenshu render  LAYOUT|KIND --data FILE [-o TEMPLATE] [--format pdf|png|svg] [--dpi N] [--jobs N] [--merge FILE]
 *   wenshu check   LAYOUT|KIND [--data FILE]
 *   wenshu packet  --data FILE [-o DIR]
 *   wenshu preview LAYOUT|KIND --data FILE [-o DIR] [--watch]
 *   wenshu list    [kinds|forms|layouts|plugins|fonts|filters]
 *   wenshu schema  layout|data
 *
 * Exit status (README, report.h): 0 success, 1 the input has problems
 * (reported), 2 the command line is wrong (including a named file that
 * does not exist, an unknown kind or topic), 3 I/O or internal failure
 * (a file that exists but cannot be read or written), 4 interrupted.
 * This is the only place that prints or exits; the library reports.
 */
#include <errno.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "report.h"
#include "suggest.h"
#include "ws-config.h"

static const char usage_text[] =
	"Usage: wenshu COMMAND [OPTIONS]\n"
	"\n"
	"Typesets visa paperwork from YAML layouts and group data into PDF and PNG.\n"
	"\n"
	"Commands:\n"
	"  render  LAYOUT|KIND --data FILE   render every group of FILE\n"
	"  check   LAYOUT|KIND [--data FILE] check a layout, and the data against it\n"
	"  packet  --data FILE [-o DIR]      the mailing packet of each group's route\n"
	"  preview LAYOUT|KIND --data FILE   look at the pages: PNGs (--watch), a live page (--serve), a sheet (--sheet)\n"
	"  list    [kinds|forms|layouts|plugins|fonts|filters]\n"
	"  schema  layout|data               the JSON Schema of layout or data files, for editors\n"
	"\n"
	"Run 'wenshu COMMAND --help' for a command's options.\n"
	"Exit status: 0 success, 1 input problems, 2 usage (also a missing file, an unknown kind),\n"
	"3 a file that cannot be read or written, 4 interrupted.\n";

/* The subcommands, one line each (commands.h). */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{"render", ws_cli_render},
	{"check", ws_cli_check},
	{"packet", ws_cli_packet},
	{"preview", ws_cli_preview},
	{"list", ws_cli_list},
	{"schema", ws_cli_schema},
};

static void on_signal(int sig)
{
	(void)sig;
	ws_cli_interrupted = 1;
	ws_cancel_request(); /* the typesetting loops stop inside a group too */
}

/* Output names and lists go to standard output, often a file or a pipe;
 * a full disk there (or /dev/full) must not pass for success.  An
 * interrupted run stays 4; anything else becomes 3 (I/O). */
static int finish_stdout(int status)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno ? errno : EIO;
		fprintf(stderr, "wenshu: cannot write to standard output: %s\n", g_strerror(e));
		return status == 4 ? 4 : 3;
	}
	return status;
}

static int dispatch(int argc, char **argv)
{
	if (argc < 2) {
		GString *list = g_string_new(NULL);
		for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
			g_string_append_printf(list, "%s%s", i ? ", " : "", commands[i].name);
		fprintf(stderr, "wenshu: give a command: %s (see 'wenshu --help')\n", list->str);
		g_string_free(list, TRUE);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("wenshu %s\n", WS_VERSION);
		return 0;
	}
	/* A half-written file never stays behind: SIGINT/SIGTERM stop the batch
	 * between groups; SIGXFSZ (ulimit -f) becomes an EFBIG write error. */
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);

	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	const char *names[G_N_ELEMENTS(commands)];
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		names[i] = commands[i].name;
	const char *hint = ws_suggest(cmd, names, G_N_ELEMENTS(names));
	if (hint)
		fprintf(stderr, "wenshu: unknown command '%s' (did you mean '%s'?)\n", ws_cli_safe(cmd), hint);
	else
		fprintf(stderr, "wenshu: unknown command '%s'\n", ws_cli_safe(cmd));
	fprintf(stderr, "wenshu: usage: wenshu COMMAND [OPTIONS]; the commands: 'wenshu --help'\n");
	return 2;
}

int main(int argc, char **argv)
{
	return finish_stdout(dispatch(argc, argv));
}
