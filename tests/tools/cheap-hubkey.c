/* cheap-hubkey: a hub key pair for the tests, like `storyhub keygen --out DIR`
 * but locked with the smallest Argon2id cost libsodium allows, so the tests'
 * many imports unlock it in microseconds instead of 0.3 s and 128 MiB each.
 * It is built only for the tests (make check); storyhub keygen has no such
 * setting, so a coordinator cannot pick it by accident.
 *   cheap-hubkey DIR          (passphrase from STORYHUB_PASSPHRASE) */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

int
main(int argc, char **argv)
{
	const char *pass = getenv("STORYHUB_PASSPHRASE");
	struct hub_seckey *k;
	struct err e;
	int rv;

	if (argc != 2 || pass == NULL || *pass == '\0') {
		fprintf(stderr, "usage: STORYHUB_PASSPHRASE=... cheap-hubkey DIR\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	k = keys_hub_generate();
	rv = keys_hub_write_cost(argv[1], k, pass, strlen(pass), 0, crypto_pwhash_OPSLIMIT_MIN,
	    crypto_pwhash_MEMLIMIT_MIN, &e);
	keys_hub_free(k);
	if (rv == -1) {
		fprintf(stderr, "cheap-hubkey: %s\n", e.msg);
		return 1;
	}
	return 0;
}
