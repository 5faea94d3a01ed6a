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

/* How run and preview start the kiosk (cmd-run.c's run_kiosk). */
struct run_opts {
	const char *data;     /* NULL: practice without a kiosk (a preview) */
	const char *form;     /* the form file */
	const char *push_url; /* NULL: STORYKIOSK_PUSH_URL, else init's (not in practice) */
	const char *demo_pin; /* NULL, or the PIN a demo's welcome screen shows */
	int idle;             /* seconds (0: the form's idle timeout) */
	int practice;         /* nothing stored, sealed, pushed or exported */
	int assisted;         /* scribe mode from the start */
	const char *scribe;   /* the scribe's initials (NULL with assisted: asked) */
};

/* Options of a command that takes --data DIR and --help alone: -1 with *dir
 * set (NULL when not given) and optind at the first operand; otherwise the
 * exit status to return (0 after printing usage, 2 after a bad option). */
int cmd_opts_data(int argc, char **argv, const char *usage, const char **dir);

/* Start the full-screen kiosk as o says; returns the exit status. */
int run_kiosk(const struct run_opts *o);

int cmd_init(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_import_receipt(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_check_form(int argc, char **argv);
int cmd_enroll(int argc, char **argv);
int cmd_preview(int argc, char **argv);
int cmd_feedback(int argc, char **argv);

#endif
