/* storykiosk status: what a field worker needs to see at a glance. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "fail.h"
#include "feedback.h"
#include "fsutil.h"
#include "kiosk.h"
#include "packstore.h"
#include "pushspawn.h"
#include "utf8.h"

static const char usage[] =
    "usage: storykiosk status --data DIR [--check]\n\n"
    "Shows the kiosk id and name, the hub key fingerprint(s), how many stories\n"
    "are stored by status, how many are waiting to be exported or acknowledged,\n"
    "the last export, the last push (its time, result and the hub URL), the\n"
    "feedback pack in use (its number, date and stories; storykiosk feedback)\n"
    "and free disk space against the reserve the kiosk keeps for export, push,\n"
    "import-receipt and purge (below it, new stories are refused). Never shows\n"
    "story content: the kiosk cannot read it.\n\n"
    "  --check   also run a full database integrity check (exit 1 if not ok)\n";

/* The feedback pack in use; a damaged one is said, not fatal. */
static void
print_pack(struct kiosk *k)
{
	struct feedback *fb = NULL;
	char when[32];
	struct err e;
	struct tm tm;
	time_t t;

	if (packstore_load(k, &fb, &e) == -1) {
		fail_say(stdout, "feedback:     none shown: %s", e.msg);
		return;
	}
	if (fb == NULL) {
		printf("feedback:     none (storykiosk feedback --data DIR PACK.skf)\n");
		return;
	}
	t = (time_t)fb->created;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	printf("feedback:     pack %" PRIu64 " of %s, %zu stor%s\n", fb->seq, when, fb->nstories,
	    fb->nstories == 1 ? "y" : "ies");
	feedback_free(fb);
}

int
cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_counts cnt;
	struct kiosk *k = NULL;
	const char *dir = NULL;
	char fpr[KEY_FPR_LEN], free_s[FSUTIL_SIZE_LEN], reserve_s[FSUTIL_SIZE_LEN];
	char reusable_s[FSUTIL_SIZE_LEN];
	char *last = NULL, *check = NULL;
	char *push_ok = NULL, *push_try = NULL, *push_res = NULL, *push_url = NULL, *safe;
	struct kiosk_space sp;
	char *token = NULL, *enrolled = NULL;
	struct err e;
	int c, docheck = 0, rv = 1, version;
	size_t i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'c':
			docheck = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage("status");
		}
	}
	if (dir == NULL || optind != argc)
		return fail("status needs --data DIR; see 'storykiosk status --help'");
	if (kiosk_open(dir, &k, &e) == -1 || store_counts(k->store, &cnt, &e) == -1 ||
	    store_meta_get(k->store, "last_export", &last, &e) == -1 ||
	    store_meta_get(k->store, "last_push", &push_ok, &e) == -1 ||
	    store_meta_get(k->store, "last_push_attempt", &push_try, &e) == -1 ||
	    store_meta_get(k->store, "last_push_result", &push_res, &e) == -1 ||
	    store_meta_get(k->store, "push_url", &push_url, &e) == -1 ||
	    store_meta_get(k->store, PUSHSPAWN_META_TOKEN, &token, &e) == -1 ||
	    store_meta_get(k->store, PUSHSPAWN_META_ENROLLED, &enrolled, &e) == -1 ||
	    store_schema_version(k->store, &version, &e) == -1 || kiosk_space(k, &sp, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	fsutil_format_size(sp.free, free_s);
	fsutil_format_size(sp.reserve, reserve_s);
	printf("kiosk id:     %s\n", k->id_hex);
	fail_say(stdout, "kiosk name:   %s", k->name);
	for (i = 0; i < k->nhubs; i++) {
		keys_fingerprint(k->hubs[i].id, fpr);
		printf("hub key:      %s\n", fpr);
	}
	printf("stories:      %llu submitted, %llu interrupted, %llu timed_out, "
	       "%llu draft\n",
	    (unsigned long long)cnt.by_status[STATUS_SUBMITTED],
	    (unsigned long long)cnt.by_status[STATUS_INTERRUPTED],
	    (unsigned long long)cnt.by_status[STATUS_TIMED_OUT],
	    (unsigned long long)cnt.by_status[STATUS_DRAFT]);
	printf("not exported: %llu\n", (unsigned long long)cnt.unexported);
	printf("not acknowledged by the hub: %llu\n", (unsigned long long)cnt.unacked);
	printf("last export:  %s\n", last != NULL ? last : "never");
	printf("last push:    %s (last attempt: %s)\n", push_ok != NULL ? push_ok : "never",
	    push_try != NULL ? push_try : "never");
	if (push_res != NULL) {
		/* It may quote the hub's words: no control characters on the terminal. */
		safe = utf8_neutralise(push_res, strlen(push_res), 0);
		printf("push result:  %s\n", safe);
		free(safe);
	}
	fail_say(stdout, "push to:      %s", push_url != NULL ? push_url : "not set");
	if (token != NULL && token[0] != '\0')
		printf("enrolment:    token kept; the next push enrols this kiosk\n");
	else if (enrolled != NULL)
		fail_say(stdout, "enrolment:    enrolled with the hub on %s", enrolled);
	else
		printf(
		    "enrolment:    not enrolled by a token (HTTP push needs 'storykiosk enroll', "
		    "unless the hub trusts this kiosk by its id)\n");
	print_pack(k);
	fsutil_format_size(sp.reusable, reusable_s);
	printf("free disk:    %s (and %s free inside the database, for stories)\n", free_s,
	    reusable_s);
	printf(
	    "reserve:      %s (kept free for export, push, import-receipt and purge)\n", reserve_s);
	if (sp.full)
		printf("kiosk full:   new stories are refused until there is room again above "
		       "the reserve: export, then purge the stories the hub acknowledged\n");
	printf("schema:       %d\n", version);
	rv = 0;
	if (docheck) {
		if (store_check(k->store, &check, &e) == -1) {
			rv = fail("%s", e.msg);
			goto out;
		}
		printf("integrity:    %s\n", check);
		if (strcmp(check, "ok") != 0)
			rv = fail("the database is damaged; copy the data directory "
			          "somewhere safe before doing anything else");
	}
out:
	free(last);
	free(push_ok);
	free(push_try);
	free(push_res);
	free(push_url);
	free(token);
	free(enrolled);
	free(check);
	kiosk_close(k);
	return rv;
}
