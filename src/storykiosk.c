/* storykiosk: the field program. A table of subcommands; each lives in src/cmd-*.c. */
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "fail.h"
#include "harden.h"

static const struct cmd commands[] = {
	{ "init", "set up a kiosk data directory with the hub's public key(s)", cmd_init },
	{ "run", "start the kiosk (full-screen, for participants)", cmd_run },
	{ "add", "store one story from a JSON file (transcribed paper form)", cmd_add },
	{ "status", "show kiosk id, hub keys, story counts and free disk", cmd_status },
	{ "export", "write bundles of finished stories to a directory (USB stick)", cmd_export },
	{ "push", "send unacknowledged stories to the hub over HTTP", cmd_push },
	{ "enroll", "keep the hub's one-time token so the next push enrols this kiosk",
	    cmd_enroll },
	{ "import-receipt", "read hub receipts and mark those stories acknowledged",
	    cmd_import_receipt },
	{ "purge", "delete stories the hub has acknowledged", cmd_purge },
	{ "check-form", "check a form file and list every problem", cmd_check_form },
	{ "preview", "try a form on the kiosk screens: practice, nothing kept", cmd_preview },
	{ "feedback", "take a feedback pack of stories to show participants", cmd_feedback },
};

static void
usage(FILE *fp)
{
	size_t i;

	fputs("usage: storykiosk COMMAND [OPTIONS]\n\n"
	      "Collects partnership stories at an offline kiosk, sealed to the\n"
	      "coordinator's key, and moves them to the hub as signed bundles.\n\n"
	      "commands:\n",
	    fp);
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(fp, "  %-15s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun 'storykiosk COMMAND --help' for a command's options.\n", fp);
}

int
main(int argc, char **argv)
{
	struct err e;
	size_t i;

	fail_set_program("storykiosk");
	if (harden_process(&e) == -1)
		return fail("%s", e.msg);
	setlocale(LC_ALL, "");
	if (sodium_init() < 0)
		return fail("cannot initialise libsodium");
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	}
	fail("unknown command '%s'; run 'storykiosk --help'", argv[1]);
	return 2;
}
