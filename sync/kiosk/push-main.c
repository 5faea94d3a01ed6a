/* storykiosk-push: the program behind `storykiosk push`, which sends
 * unacknowledged stories to the hub over HTTP. It is separate so that the
 * participant-facing kiosk never loads libcurl and its TLS stack: `storykiosk
 * push` (src/cmd-push.c) and the running kiosk exec it. */
#include <getopt.h>
#include <inttypes.h>
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "fail.h"
#include "fsutil.h"
#include "harden.h"
#include "kiosk.h"
#include "push.h"
#include "pushspawn.h"
#include "xmalloc.h"

static const char usage[] =
    "usage: storykiosk push --data DIR [--url URL] [--ca FILE] [--timeout S]\n\n"
    "Sends one signed bundle of every finished story the hub has not yet\n"
    "acknowledged to the hub ('storyhub serve'), for example\n"
    "  storykiosk push --data /var/lib/storykiosk --url https://hub.example:8443\n"
    "The kiosk must be enrolled: when it holds an enrolment token ('storykiosk\n"
    "enroll', or init --enroll) this push redeems it first. Every request is\n"
    "signed with the kiosk's key. The hub's signed receipt is verified against\n"
    "the hub key(s) given at init; only the stories it lists are marked\n"
    "acknowledged ('storykiosk purge' may then delete them). A busy hub (503) is\n"
    "tried again after the wait it asks for (\"hub busy, will retry\"), within\n"
    "--timeout. A refused or broken upload changes nothing: the next push sends\n"
    "the same stories again and the hub keeps each story once. Then the hub's\n"
    "newest feedback pack, when it is newer than this kiosk's, is verified and\n"
    "taken as 'storykiosk feedback' takes one. Exit status 0, 1 on failure, 75\n"
    "when the hub was still busy at the end (try later).\n\n"
    "  --url URL     the hub (default: the URL given to 'storykiosk init --push-url')\n"
    "  --ca FILE     for https: trust this CA certificate (PEM) for the hub; default:\n"
    "                STORYKIOSK_PUSH_CA, else the one given to init --ca, else the\n"
    "                system's CAs\n"
    "  --timeout S   give up after S seconds in all, retries included (default 60;\n"
    "                connecting: 10)\n"
    "  --once        do not wait for a busy hub: end at once (exit 75); the running\n"
    "                kiosk starts its pushes so, and tries again after its backoff\n";

#define EXIT_TEMPFAIL 75 /* sysexits.h's EX_TEMPFAIL: try again later */

static void
say_busy(void *ctx, const char *why, long seconds)
{
	(void)ctx;
	fprintf(stderr, "storykiosk: hub busy, will retry in %ld s: %s\n", seconds, why);
	fflush(stderr);
}

/* The CA file to trust: --ca, else STORYKIOSK_PUSH_CA, else DIR/push-ca.pem
 * (init --ca) when there is one; NULL: the system's. Caller frees. */
static char *
ca_file(const char *given, const char *dir)
{
	const char *env = getenv("STORYKIOSK_PUSH_CA");
	char *saved;

	if (given != NULL)
		return xstrdup(given);
	if (env != NULL && env[0] != '\0')
		return xstrdup(env);
	saved = fsutil_join(dir, PUSHSPAWN_CA_FILE);
	if (fsutil_exists(saved))
		return saved;
	free(saved);
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "url", required_argument, NULL, 'u' },
		{ "timeout", required_argument, NULL, 't' },
		{ "ca", required_argument, NULL, 'c' },
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct push_result res;
	struct push_opts po = { 0 };
	struct kiosk *k = NULL;
	const char *dir = NULL, *url = NULL, *ca = NULL;
	char *saved = NULL, *cafile = NULL;
	long timeout = 0;
	char *end;
	struct err e;
	int c, rv = 1;

	fail_set_program("storykiosk");
	if (harden_process(&e) == -1)
		return fail("%s", e.msg);
	setlocale(LC_ALL, "");
	if (sodium_init() < 0)
		return fail("cannot initialise libsodium");

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'u':
			url = optarg;
			break;
		case 'c':
			ca = optarg;
			break;
		case 'o':
			po.once = 1;
			break;
		case 't':
			timeout = strtol(optarg, &end, 10);
			if (*end != '\0' || timeout < 1 || timeout > 86400)
				return fail("--timeout takes seconds from 1 to 86400");
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage("push");
		}
	}
	if (dir == NULL || optind != argc)
		return fail("push needs --data DIR [--url URL]; see 'storykiosk push --help'");
	if (kiosk_open(dir, &k, &e) == -1) {
		rv = fail("push failed: %s", e.msg);
		goto out;
	}
	if (url == NULL) {
		if (store_meta_get(k->store, "push_url", &saved, &e) == -1) {
			rv = fail("push failed: %s", e.msg);
			goto out;
		}
		if (saved == NULL) {
			rv = fail("no hub URL: give --url URL, or set one with "
			          "'storykiosk init --push-url URL'");
			goto out;
		}
		url = saved;
	}
	if (pushspawn_url_check(url, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	cafile = ca_file(ca, dir);
	if (cafile != NULL && !fsutil_exists(cafile)) {
		rv = fail("no CA file at %s (give --ca FILE, a PEM certificate)", cafile);
		goto out;
	}
	po.url = url;
	po.timeout = timeout;
	po.ca = cafile;
	po.busy = say_busy;
	if (push_run(k, &po, &res, &e) == -1) {
		if (e.transient) {
			fail(
			    "push failed: %s; nothing was marked acknowledged, every story is kept "
			    "for the next push",
			    e.msg);
			rv = EXIT_TEMPFAIL;
		} else
			rv = fail("push failed: %s; nothing was marked acknowledged, every story "
			          "is kept for the next push",
			    e.msg);
		goto out;
	}
	if (res.enrolled)
		printf("enrolled with the hub: %s\n", res.note);
	switch (res.outcome) {
	case PUSH_ENROLLED:
		printf("nothing to push yet\n");
		break;
	case PUSH_NOTHING:
		printf("nothing to push: the hub has acknowledged every finished story\n");
		break;
	case PUSH_ACKED:
		printf("pushed %zu stor%s in bundle %" PRIu64 "; the hub acknowledged %zu "
		       "(run 'storykiosk purge' to delete them here)\n",
		    res.sent, res.sent == 1 ? "y" : "ies", res.bundle_seq, res.acked);
		break;
	case PUSH_QUARANTINED:
		fail_say(stdout,
		    "pushed %zu stor%s in bundle %" PRIu64 "; the hub holds them in "
		    "quarantine until the coordinator trusts this kiosk (id %s), so nothing is "
		    "acknowledged yet; push again after that. The hub said: %s",
		    res.sent, res.sent == 1 ? "y" : "ies", res.bundle_seq, k->id_hex, res.note);
		break;
	}
	if (res.pack_seq > 0)
		printf("took feedback pack %" PRIu64
		       " from the hub: %zu stor%s to show participants\n",
		    res.pack_seq, res.pack_stories, res.pack_stories == 1 ? "y" : "ies");
	else if (res.pack_note[0] != '\0')
		printf("the hub's feedback pack was not taken: %s\n", res.pack_note);
	rv = 0;
out:
	kiosk_close(k);
	free(saved);
	free(cafile);
	return rv;
}
