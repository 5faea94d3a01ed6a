/* storykiosk purge: delete the stories the hub acknowledged, and only those. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "cmd.h"
#include "fail.h"
#include "kiosk.h"

static const char usage[] =
    "usage: storykiosk purge --data DIR\n\n"
    "Deletes every story a verified hub receipt acknowledged (see\n"
    "'storykiosk import-receipt'). Stories the hub has not acknowledged are\n"
    "never deleted.\n";

int
cmd_purge(int argc, char **argv)
{
	struct kiosk *k = NULL;
	const char *dir = NULL;
	uint64_t n = 0;
	struct err e;
	int c, rv = 1;

	if ((c = cmd_opts_data(argc, argv, usage, &dir)) != -1)
		return c;
	if (dir == NULL || optind != argc)
		return fail("purge needs --data DIR; see 'storykiosk purge --help'");
	if (kiosk_open(dir, &k, &e) == -1 || store_purge(k->store, &n, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	printf("purged %" PRIu64 " acknowledged stor%s\n", n, n == 1 ? "y" : "ies");
	rv = 0;
out:
	kiosk_close(k);
	return rv;
}
