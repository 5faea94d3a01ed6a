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
#include "harden.h"
#include "kiosk.h"
#include "push.h"
#include "pushspawn.h"

static const char usage[] =
    "usage: storykiosk push --data DIR [--url URL] [--timeout S]\n\n"
    "Sends one signed bundle of every finished story the hub has not yet\n"
    "acknowledged to the hub ('storyhub serve'), for example\n"
    "  storykiosk push --data /var/lib/storykiosk --url http://hub.example:8080\n"
    "The hub's signed receipt is verified against the hub key(s) given at init;\n"
    "only the stories it lists are marked acknowledged ('storykiosk purge' may\n"
    "then delete them). A refused or broken upload changes nothing: the next\n"
    "push sends the same stories again and the hub keeps each story once.\n"
    "Then the hub's newest feedback pack, when it is newer than this kiosk's,\n"
    "is verified and taken as 'storykiosk feedback' takes one.\n\n"
    "  --url URL     the hub (default: the URL given to 'storykiosk init --push-url')\n"
    "  --timeout S   give up after S seconds in all (default 60; connecting: 10)\n";

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "url", required_argument, NULL, 'u' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct push_result res;
	struct kiosk *k = NULL;
	const char *dir = NULL, *url = NULL;
	char *saved = NULL;
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
	if (push_run(k, url, timeout, &res, &e) == -1) {
		rv = fail("push failed: %s; nothing was marked acknowledged, every story "
		          "is kept for the next push",
		    e.msg);
		goto out;
	}
	switch (res.outcome) {
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
	return rv;
}
