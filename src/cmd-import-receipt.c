/* storykiosk import-receipt: apply hub receipts, so acknowledged stories can
 * be purged. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "export.h"
#include "fail.h"
#include "kiosk.h"

static const char usage[] =
    "usage: storykiosk import-receipt --data DIR FILE...\n\n"
    "Verifies each hub receipt (signed by one of the hub keys this kiosk was\n"
    "initialised with, and made for this kiosk) and marks the stories it lists\n"
    "as acknowledged. 'storykiosk purge' then deletes them.\n";

int
cmd_import_receipt(int argc, char **argv)
{
	struct kiosk *k = NULL;
	const char *dir = NULL;
	size_t listed, marked;
	struct err e;
	int c, rv = 1;

	if ((c = cmd_opts_data(argc, argv, usage, &dir)) != -1)
		return c;
	if (dir == NULL || optind == argc)
		return fail("import-receipt needs --data DIR and at least one receipt "
		            "file; see 'storykiosk import-receipt --help'");
	if (kiosk_open(dir, &k, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		if (export_receipt_apply(k, argv[i], &listed, &marked, &e) == -1) {
			rv = fail("receipt refused: %s", e.msg);
			goto out;
		}
		fail_say(stdout, "%s: %zu stor%s acknowledged by the hub (%zu still on this kiosk)",
		    argv[i], listed, listed == 1 ? "y" : "ies", marked);
	}
	rv = 0;
out:
	kiosk_close(k);
	return rv;
}
