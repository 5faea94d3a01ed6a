/* storyhub: the coordinator's program. A table of subcommands; each lives in
 * sync/hcmd-*.c. */
#include <locale.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hcmd.h"
#include "hubstore.h"
#include "secret.h"

static const struct hcmd commands[] = {
	{ "keygen", "create the hub key pair (hub.pub to share, hub.key to keep)", hcmd_keygen },
	{ "import", "verify and import kiosk bundles, writing receipts", hcmd_import },
	{ "export", "stories as CSV or JSON for analysis", hcmd_export },
	{ "kiosks", "list kiosks; trust or revoke one", hcmd_kiosks },
	{ "search", "full-text search over the stories", hcmd_search },
	{ "withdraw", "withdraw a story by its story code", hcmd_withdraw },
	{ "serve", "receive bundles from kiosks over HTTP and answer with receipts", hcmd_serve },
};

int
hcmd_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("storyhub: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
hcmd_usage_error(const char *name)
{
	fprintf(stderr, "storyhub: %s: bad usage; see 'storyhub %s --help'\n", name, name);
	return 2;
}

int
hcmd_load_key(const char *path, const char *passfile, struct hub_seckey **out,
    struct err *e)
{
	char *pass = NULL;
	size_t len;
	int rv;

	if (secret_read("STORYHUB_PASSPHRASE", passfile, "hub key passphrase: ", 0, 0, &pass,
	    &len, e) == -1)
		return -1;
	rv = keys_hub_sec_load(path, pass, len, out, e);
	sodium_free(pass);
	return rv;
}

static void
usage(FILE *fp)
{
	fputs("usage: storyhub COMMAND [OPTIONS]\n\n"
	    "The coordinator's side of storykiosk: holds the hub key, imports signed\n"
	    "bundles from kiosks, and exports, searches and withdraws stories.\n\n"
	    "commands:\n", fp);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun 'storyhub COMMAND --help' for a command's options.\n", fp);
}

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	hubstore_init();
	if (sodium_init() < 0) {
		fputs("storyhub: cannot initialise libsodium\n", stderr);
		return 1;
	}
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
	fprintf(stderr, "storyhub: unknown command '%s'; run 'storyhub --help'\n", argv[1]);
	return 2;
}
