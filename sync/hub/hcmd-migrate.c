/* storyhub migrate: move a hub from one store to another (a SQLite file to
 * PostgreSQL and back), checked at the end. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "fail.h"
#include "hcmd.h"
#include "hubstore.h"
#include "migrate.h"

static const char usage[] =
    "usage: storyhub migrate --from STORE --to STORE\n\n"
    "Copies a hub store into another: kiosks, the hashes of imported bundles,\n"
    "the quarantine, every story (withdrawn stories stay withdrawn, their\n"
    "text is not copied), the feedback packs and the enrolment tokens (their\n"
    "hashes, used or not). Either STORE is a SQLite file or a postgresql:// URI\n"
    "(libpq's conventions: PG* variables, service file, ~/.pgpass; no password\n"
    "in the URI). The target is created like import creates a store (a\n"
    "PostgreSQL database must exist); it must be empty, or a copy of the same\n"
    "source that was stopped: running migrate again goes on where it was. At\n"
    "the end both stores are read again and their rows counted and hashed; any\n"
    "difference is an error. Stop imports and 'storyhub serve' on the source\n"
    "while it runs. Needs no key.\n";

static void
show_progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	fprintf(stderr, "\r%" PRIu64 "/%" PRIu64 " rows copied", done, total);
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

int
hcmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL;
	struct hubstore *src = NULL, *dst = NULL;
	struct migrate_opts o = { 0 };
	struct migrate_stats st;
	struct err e;
	int c, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage("migrate");
		}
	}
	if (from == NULL || to == NULL || optind != argc)
		return fail("migrate needs --from STORE --to STORE; see 'storyhub migrate --help'");
	if (hubstore_open(from, HUBSTORE_EXISTING, &src, &e) == -1 ||
	    hubstore_open(to, HUBSTORE_CREATE, &dst, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (isatty(STDERR_FILENO))
		o.progress = show_progress;
	if (migrate_run(src, dst, &o, &st, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	printf("%s %" PRIu64 " kiosks, %" PRIu64 " imported bundles, %" PRIu64
	       " quarantined bundles, %" PRIu64 " stories (%" PRIu64 " withdrawn), %" PRIu64
	       " feedback packs, %" PRIu64 " enrolments\n",
	    st.resumed ? "copied (resuming an earlier run)" : "copied", st.copied[HUB_ROW_KIOSK],
	    st.copied[HUB_ROW_BUNDLE], st.copied[HUB_ROW_QUARANTINE], st.copied[HUB_ROW_STORY],
	    st.withdrawn, st.copied[HUB_ROW_PACK], st.copied[HUB_ROW_ENROLMENT]);
	printf("checked: both stores hold the same rows (counts and content hashes match)\n");
	rv = 0;
out:
	hubstore_close(src);
	hubstore_close(dst);
	return rv;
}
