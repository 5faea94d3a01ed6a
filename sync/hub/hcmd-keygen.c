/* storyhub keygen: the hub key pair. */
#include <getopt.h>
#include <stdio.h>

#include "fail.h"
#include "hcmd.h"
#include "secret.h"

static const char usage[] =
    "usage: storyhub keygen --out DIR [--passphrase-file FILE] [--force]\n\n"
    "Creates DIR/hub.pub (give it to every kiosk: 'storykiosk init --hub-key')\n"
    "and DIR/hub.key (keep it secret; it is encrypted under a passphrase of at\n"
    "least 8 characters, taken from STORYHUB_PASSPHRASE, --passphrase-file, or\n"
    "asked twice on the terminal). Prints the key fingerprint to compare with\n"
    "the one 'storykiosk status' shows.\n\n"
    "  --force   replace existing key files (the old key's stories become unreadable)\n";

int
hcmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *passfile = NULL;
	struct hub_seckey *k = NULL;
	char *pass = NULL, fpr[KEY_FPR_LEN], hex[KEY_ID_HEX];
	size_t len;
	struct err e;
	int c, force = 0, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 'p':
			passfile = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage("keygen");
		}
	}
	if (dir == NULL || optind != argc)
		return fail("keygen needs --out DIR; see 'storyhub keygen --help'");
	if (secret_read("STORYHUB_PASSPHRASE", passfile, "new hub key passphrase: ", 1, 8, &pass,
	        &len, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	k = keys_hub_generate();
	if (keys_hub_write(dir, k, pass, len, force, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	keys_fingerprint(k->pub.id, fpr);
	keys_id_hex(k->pub.id, hex);
	fail_say(stdout, "wrote %s/hub.pub and %s/hub.key", dir, dir);
	printf("hub key %s, fingerprint %s\n", hex, fpr);
	rv = 0;
out:
	if (pass != NULL)
		sodium_free(pass);
	keys_hub_free(k);
	return rv;
}
