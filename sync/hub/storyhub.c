/* storyhub: the coordinator's program. A table of subcommands; each lives in
 * sync/hub/hcmd-*.c. */
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "fail.h"
#include "harden.h"
#include "hcmd.h"
#include "hubstore.h"

static const struct hcmd commands[] = {
	{ "keygen", "create the hub key pair (hub.pub to share, hub.key to keep)", hcmd_keygen },
	{ "import", "verify and import kiosk bundles, writing receipts", hcmd_import },
	{ "export", "stories as CSV or JSON for analysis", hcmd_export },
	{ "kiosks", "list kiosks; trust or revoke one", hcmd_kiosks },
	{ "search", "full-text search over the stories", hcmd_search },
	{ "withdraw", "withdraw a story by its story code", hcmd_withdraw },
	{ "serve", "receive bundles from kiosks over HTTP and answer with receipts", hcmd_serve },
	{ "migrate", "copy a hub store to another (SQLite <-> PostgreSQL), checked", hcmd_migrate },
	{ "feedback", "a signed pack of public stories and a note for the kiosks", hcmd_feedback },
	{ "report", "an offline HTML page to read the stories together", hcmd_report },
};

static void
usage(FILE *fp)
{
	fputs("usage: storyhub COMMAND [OPTIONS]\n\n"
	      "The coordinator's side of storykiosk: holds the hub key, imports signed\n"
	      "bundles from kiosks, and exports, searches and withdraws stories.\n\n"
	      "commands:\n",
	    fp);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun 'storyhub COMMAND --help' for a command's options.\n", fp);
}

int
main(int argc, char **argv)
{
	struct err e;

	fail_set_program("storyhub");
	if (harden_process(&e) == -1)
		return fail("%s", e.msg);
	setlocale(LC_ALL, "");
	hubstore_init();
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
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fail("unknown command '%s'; run 'storyhub --help'", argv[1]);
	return 2;
}
