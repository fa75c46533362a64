/* The subcommands: one file each (render.c, check.c, packet.c, preview.c,
 * list.c); wenshu.c dispatches.  Each takes argv from the subcommand's
 * name on and returns the process exit status. */
#ifndef WS_CLI_COMMANDS_H
#define WS_CLI_COMMANDS_H

int ws_cli_render(int argc, char **argv);
int ws_cli_check(int argc, char **argv);
int ws_cli_packet(int argc, char **argv);
int ws_cli_preview(int argc, char **argv);
int ws_cli_list(int argc, char **argv);
int ws_cli_schema(int argc, char **argv);

#endif
