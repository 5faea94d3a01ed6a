/* cmd: the storykiosk subcommands. Each takes argv after the program name
 * (argv[0] is the subcommand name), reports its own errors once on stderr as
 * "storykiosk: what went wrong (and what to do)", and returns the exit status. */
#ifndef CMD_H
#define CMD_H

#include <stdio.h>

struct cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int cmd_init(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_import_receipt(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_check_form(int argc, char **argv);

/* Print "storykiosk: msg" on stderr; returns 1 (the failure exit status). */
int cmd_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "storykiosk: NAME: unknown option or missing argument; see --help"; returns 2. */
int cmd_usage_error(const char *name);

#endif
