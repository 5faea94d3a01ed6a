/* storykiosk export: one signed bundle of finished stories for USB transport. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "cmd.h"
#include "export.h"
#include "fail.h"
#include "kiosk.h"

static const char usage[] =
    "usage: storykiosk export --data DIR --to DIR [--all]\n\n"
    "Writes one signed bundle (storykiosk-<kiosk id>-<sequence>.skb) of every\n"
    "finished story not yet exported into the --to directory, atomically, and\n"
    "marks those stories exported (they stay on the kiosk until the hub\n"
    "acknowledges them). Hub receipts (*.receipt) found in the directory are\n"
    "verified and applied. Nothing is written to the kiosk's own disk before\n"
    "the bundle is safe in the directory, so a full kiosk still exports;\n"
    "half-written bundles an interrupted export left there are removed.\n\n"
    "  --all   export every story still held, exported or not (a lost stick)\n";

int
cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct export_result res = { 0 };
	struct kiosk *k = NULL;
	const char *dir = NULL, *to = NULL;
	struct err e;
	int c, all = 0, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'a':
			all = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage("export");
		}
	}
	if (dir == NULL || to == NULL || optind != argc)
		return fail("export needs --data DIR --to DIR; see 'storykiosk export --help'");
	if (kiosk_open(dir, &k, &e) == -1 || export_run(k, to, all, &res, &e) == -1) {
		rv = fail("export failed: %s", e.msg);
		goto out;
	}
	if (res.receipts > 0)
		fail_say(stdout, "applied %zu hub receipt(s) found in %s", res.receipts, to);
	if (res.path == NULL)
		printf("nothing to export: every finished story has been exported "
		       "(use --all to export them again)\n");
	else
		fail_say(stdout, "wrote %s: %zu stor%s, bundle %" PRIu64, res.path, res.stories,
		    res.stories == 1 ? "y" : "ies", res.bundle_seq);
	rv = 0;
out:
	export_result_free(&res);
	kiosk_close(k);
	return rv;
}
