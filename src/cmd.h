/* cmd: the storykiosk subcommands. Each takes argv after the program name
 * (argv[0] is the subcommand name), reports its own errors once on stderr as
 * "storykiosk: what went wrong (and what to do)" (fail.h), and returns the
 * exit status (1 after fail(), 2 after fail_usage()). */
#ifndef CMD_H
#define CMD_H

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
int cmd_feedback(int argc, char **argv);

#endif
