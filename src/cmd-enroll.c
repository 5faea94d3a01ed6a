/* storykiosk enroll: keep the coordinator's one-time enrolment token, which
 * the next push redeems so that the hub accepts this kiosk over HTTP. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "fail.h"
#include "kiosk.h"
#include "pushspawn.h"
#include "token.h"

static const char usage[] =
    "usage: storykiosk enroll --data DIR TOKEN\n\n"
    "Keeps the enrolment token the coordinator made ('storyhub kiosks --store DB\n"
    "enroll', printed as XXXX-XXXX-XXXX-XXXX; case, spaces and dashes do not\n"
    "matter). The next push, by 'storykiosk push' or the running kiosk, sends it\n"
    "once with this kiosk's public key: the hub then knows the key and accepts\n"
    "the kiosk's signed pushes. A token replaces one given before. A typo is\n"
    "caught here: the last symbol checks the others.\n";

int
cmd_enroll(int argc, char **argv)
{
	char token[TOKEN_LEN];
	const char *dir = NULL;
	struct kiosk *k = NULL;
	struct err e;
	int c, rv = 1;

	if ((c = cmd_opts_data(argc, argv, usage, &dir)) != -1)
		return c;
	if (dir == NULL || optind + 1 != argc)
		return fail(
		    "enroll needs --data DIR and the TOKEN; see 'storykiosk enroll --help'");
	if (token_normalise(argv[optind], token) == -1)
		return fail(
		    "that is not an enrolment token, or it has a typo: 16 letters and "
		    "digits as 'storyhub kiosks enroll' printed them (no 0, 1, I, L, O or U)");
	if (kiosk_open(dir, &k, &e) == -1 ||
	    store_meta_set(k->store, PUSHSPAWN_META_TOKEN, token, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	printf(
	    "enrolment token kept for kiosk %s; the next push enrols it with the hub\n", k->id_hex);
	rv = 0;
out:
	kiosk_close(k);
	return rv;
}
