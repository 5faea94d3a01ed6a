/* storykiosk feedback: take a feedback pack (from a USB stick) for the
 * welcome screen's "Read stories from others". */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "cmd.h"
#include "fail.h"
#include "feedback.h"
#include "kiosk.h"
#include "packstore.h"

static const char usage[] =
    "usage: storykiosk feedback --data DIR PACK.skf\n\n"
    "Takes a feedback pack made by 'storyhub feedback': the coordinator's note,\n"
    "summary figures and chosen public stories, which participants can read\n"
    "from the welcome screen (\"Read stories from others\", or the key R). The\n"
    "pack must be signed by a hub key this kiosk was initialised with, whole\n"
    "and newer than the pack it has: anything else is refused and the kiosk's\n"
    "pack is left as it was. The running kiosk shows the new pack when its\n"
    "welcome screen next shows. 'storykiosk status' says which pack is in use.\n";

int
cmd_feedback(int argc, char **argv)
{
	struct feedback *fb = NULL;
	struct kiosk *k = NULL;
	const char *dir = NULL;
	char when[32];
	struct tm tm;
	time_t t;
	struct err e;
	int c, rv = 1;

	if ((c = cmd_opts_data(argc, argv, usage, &dir)) != -1)
		return c;
	if (dir == NULL || optind != argc - 1)
		return fail("feedback needs --data DIR and one PACK.skf; see 'storykiosk "
		            "feedback --help'");
	if (kiosk_open(dir, &k, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (packstore_install_file(k, argv[optind], &fb, &e) == -1) {
		rv = fail("%s; the kiosk's feedback pack is unchanged", e.msg);
		goto out;
	}
	t = (time_t)fb->created;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	printf("feedback pack %" PRIu64 " of %s in use: %zu stor%s, a note in %zu "
	       "language%s, figures for %zu question%s\n",
	    fb->seq, when, fb->nstories, fb->nstories == 1 ? "y" : "ies", fb->note.n,
	    fb->note.n == 1 ? "" : "s", fb->nitems, fb->nitems == 1 ? "" : "s");
	rv = 0;
out:
	feedback_free(fb);
	kiosk_close(k);
	return rv;
}
