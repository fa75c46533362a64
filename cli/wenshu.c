/* wenshu — the command line.
 *
 *   wenshu render  LAYOUT|KIND --data FILE [-o TEMPLATE] [--format pdf|png|svg] [--dpi N] [--jobs N] [--merge FILE]
 *   wenshu check   LAYOUT|KIND [--data FILE]
 *   wenshu packet  --data FILE [-o DIR]
 *   wenshu preview LAYOUT|KIND --data FILE [-o DIR] [--watch]
 *   wenshu list    [kinds|layouts|plugins|fonts|filters]
 *   wenshu schema  layout|data
 *
 * Exit status: 0 success, 1 the input has problems (reported), 2 the
 * command line is wrong, 3 an internal or I/O failure, 4 interrupted.
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
	"  list    [kinds|layouts|plugins|fonts|filters]\n"
	"  schema  layout|data               the JSON Schema of layout or data files, for editors\n"
	"\n"
	"Run 'wenshu COMMAND --help' for a command's options.\n"
	"Exit status: 0 success, 1 input problems, 2 usage, 3 internal or I/O failure, 4 interrupted.\n";

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
		fputs(usage_text, stderr);
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

	int sub_argc = argc - 1;
	char **sub_argv = argv + 1;
	if (strcmp(cmd, "render") == 0)
		return ws_cli_render(sub_argc, sub_argv);
	if (strcmp(cmd, "check") == 0)
		return ws_cli_check(sub_argc, sub_argv);
	if (strcmp(cmd, "packet") == 0)
		return ws_cli_packet(sub_argc, sub_argv);
	if (strcmp(cmd, "preview") == 0)
		return ws_cli_preview(sub_argc, sub_argv);
	if (strcmp(cmd, "list") == 0)
		return ws_cli_list(sub_argc, sub_argv);
	if (strcmp(cmd, "schema") == 0)
		return ws_cli_schema(sub_argc, sub_argv);
	fprintf(stderr, "wenshu: unknown command '%s'\n\n%s", ws_cli_safe(cmd), usage_text);
	return 2;
}

int main(int argc, char **argv)
{
	return finish_stdout(dispatch(argc, argv));
}
