/* storyhub kiosks: list kiosks, enrol one for HTTP push (a one-time token),
 * trust one (importing its quarantined bundles), revoke one, or delete its
 * quarantined bundles. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fail.h"
#include "hcmd.h"
#include "hubstore.h"
#include "enrol.h"
#include "import.h"
#include "utf8.h"

static const char usage[] =
    "usage: storyhub kiosks --store DB [--key hub.key] [ACTION]\n\n"
    "Without an action, lists every kiosk the hub knows: id, status (trusted,\n"
    "unknown = waiting in quarantine, revoked), stories held, bundles in\n"
    "quarantine, first and last seen, name.\n"
    "DB must exist: only import and serve create a store.\n\n"
    "actions:\n"
    "  enroll [--name NAME] [--expires DURATION]\n"
    "              a one-time token that lets one kiosk push over HTTP: give it\n"
    "              to the field worker ('storykiosk enroll --data DIR TOKEN');\n"
    "              the kiosk's first push binds its key. DURATION: 30m, 12h, 7d\n"
    "              or 2w (default 7d, at most 365d). The last line printed is\n"
    "              the token alone.\n"
    "  trust ID    trust the kiosk and import its quarantined bundles (needs --key\n"
    "              when bundles wait; only then is the key opened)\n"
    "  revoke ID [--reject]\n"
    "              refuse the kiosk's bundles and requests from now on (stories\n"
    "              kept); --reject also deletes its quarantined bundles (needs --key)\n"
    "  reject ID   delete the kiosk's quarantined bundles and say how many\n"
    "              (needs --key: only the coordinator discards what kiosks sent)\n"
    "Listing, enroll, and revoke without --reject never open the key, even when\n"
    "--key is given.\n";

static void
when(int64_t t, char out[24])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(out, 24, "-");
	else
		strftime(out, 24, "%Y-%m-%d %H:%M", &tm);
}

static int
load_key(void *ctx, const struct hub_seckey **key, struct err *e)
{
	return hcmd_opts_key(ctx, key, e);
}

static int
list_one(const struct hub_kiosk *k, void *ctx, struct err *e)
{
	char hex[KEY_ID_HEX], first[24], last[24], *name;

	(void)e;
	(*(size_t *)ctx)++;
	keys_id_hex(k->id, hex);
	when(k->first_seen, first);
	when(k->last_seen, last);
	name = utf8_neutralise(k->name, strlen(k->name), 0);
	fail_say(stdout, "%-16s  %-7s  %7" PRIu64 "  %10" PRIu64 "  %-16s  %-16s  %s", hex,
	    hub_kiosk_status_name(k->status), k->stories, k->quarantined, first, last, name);
	free(name);
	return 0;
}

/* A duration for --expires: N followed by m, h, d or w. */
static int
parse_duration(const char *text, int64_t *seconds)
{
	char *end;
	long long n;
	int64_t unit;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	n = strtoll(text, &end, 10);
	if (end[0] == '\0' || end[1] != '\0' || n <= 0)
		return -1;
	switch (end[0]) {
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 24 * 3600;
		break;
	case 'w':
		unit = 7 * 24 * 3600;
		break;
	default:
		return -1;
	}
	if (n > ENROL_MAX_LIFETIME / unit)
		return -1;
	*seconds = (int64_t)n * unit;
	return 0;
}

static int
enroll(struct hubstore *hs, const char *name, int64_t lifetime)
{
	char token[TOKEN_LEN], until[24], *safe;
	int64_t expires;
	struct err e;

	if (enrol_create(hs, name, lifetime, token, &expires, &e) == -1)
		return fail("%s", e.msg);
	when(expires, until);
	safe = utf8_neutralise(name != NULL ? name : "", name != NULL ? strlen(name) : 0, 0);
	printf("enrolment token%s%s%s, for one kiosk, valid until %s UTC.\n"
	       "On the kiosk: storykiosk enroll --data DIR TOKEN (or storykiosk init ... "
	       "--enroll TOKEN);\nits next push enrols it. Keep the token to yourself until "
	       "then.\n%s\n",
	    safe[0] ? " for \"" : "", safe, safe[0] ? "\"" : "", until, token);
	free(safe);
	return 0;
}

static int
reject(struct hubstore *hs, const unsigned char id[KEY_ID_BYTES], const char *hex)
{
	struct err e;
	size_t n;

	if (import_reject(hs, id, &n, &e) == -1)
		return fail("%s", e.msg);
	printf("kiosk %s: %zu quarantined bundle%s deleted\n", hex, n, n == 1 ? "" : "s");
	return 0;
}

int
hcmd_kiosks(int argc, char **argv)
{
	static const struct option opts[] = {
		HCMD_OPTION_STORE,
		HCMD_OPTION_KEY,
		HCMD_OPTION_PASSFILE,
		{ "name", required_argument, NULL, 'n' },
		{ "expires", required_argument, NULL, 'x' },
		{ "reject", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hcmd_opts hub = { 0 };
	const char *action = NULL, *name = NULL, *hex = NULL;
	unsigned char id[KEY_ID_BYTES];
	struct import_stats st = { 0 };
	struct import_opts o = { 0 };
	int64_t lifetime = ENROL_DEFAULT_LIFETIME;
	struct err e;
	size_t n = 0;
	int c, rv = 1, also_reject = 0, needs_id;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (hcmd_opts_take(&hub, c, optarg))
			continue;
		switch (c) {
		case 'n':
			name = optarg;
			if (strlen(name) > BUNDLE_MAX_NAME)
				return fail("--name takes at most %d bytes", BUNDLE_MAX_NAME);
			break;
		case 'x':
			if (parse_duration(optarg, &lifetime) == -1)
				return fail("--expires takes a duration such as 30m, 12h, 7d or 2w "
				            "(at most 365d), not \"%s\"",
				    optarg);
			break;
		case 'r':
			also_reject = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage("kiosks");
		}
	}
	if (hub.store == NULL)
		return fail("kiosks needs --store DB; see 'storyhub kiosks --help'");
	if (optind < argc) {
		action = argv[optind];
		needs_id = strcmp(action, "enroll") != 0;
		if ((strcmp(action, "trust") != 0 && strcmp(action, "revoke") != 0 &&
		        strcmp(action, "reject") != 0 && strcmp(action, "enroll") != 0) ||
		    optind + 1 + needs_id != argc)
			return fail(
			    "kiosks takes 'enroll', 'trust ID', 'revoke ID' or 'reject ID'; "
			    "see 'storyhub kiosks --help'");
		if (needs_id) {
			hex = argv[optind + 1];
			if (keys_id_from_hex(hex, id) == -1)
				return fail("\"%s\" is not a kiosk id (16 hex digits, as "
				            "'storyhub kiosks' lists them)",
				    hex);
		}
	}
	if ((name != NULL || lifetime != ENROL_DEFAULT_LIFETIME) &&
	    (action == NULL || strcmp(action, "enroll") != 0))
		return fail("--name and --expires go with 'enroll'");
	if (also_reject && (action == NULL || strcmp(action, "revoke") != 0))
		return fail("--reject goes with 'revoke ID' (or use 'reject ID')");
	if (hub.key == NULL && action != NULL && (strcmp(action, "reject") == 0 || also_reject))
		return fail("deleting quarantined bundles needs --key hub.key: only the "
		            "coordinator may discard what kiosks sent");
	/* the store first: a mistyped --store is refused before the passphrase;
	 * the key only where it is needed: to discard quarantined bundles (the
	 * passphrase proves the coordinator), or when trusting opens bundles
	 * that wait in quarantine (hcmd_opts_key, then) */
	hub.key_when_needed = !(action != NULL && (strcmp(action, "reject") == 0 || also_reject));
	if (hcmd_opts_open(&hub, HUBSTORE_EXISTING, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (action == NULL) {
		printf("%-16s  %-7s  %7s  %10s  %-16s  %-16s  %s\n", "id", "status", "stories",
		    "quarantine", "first seen (UTC)", "last seen (UTC)", "name");
		if (hub.hs->ops->kiosk_foreach(hub.hs, list_one, &n, &e) == -1) {
			rv = fail("%s", e.msg);
			goto out;
		}
		if (n == 0)
			printf("(no kiosk has sent a bundle yet)\n");
	} else if (strcmp(action, "enroll") == 0) {
		rv = enroll(hub.hs, name, lifetime);
		goto out;
	} else if (strcmp(action, "reject") == 0) {
		rv = reject(hub.hs, id, hex);
		goto out;
	} else if (strcmp(action, "revoke") == 0) {
		if (import_revoke(hub.hs, id, &e) == -1) {
			rv = fail("%s", e.msg);
			goto out;
		}
		fail_say(stdout, "kiosk %s revoked: its bundles and requests will be refused", hex);
		if (also_reject) {
			rv = reject(hub.hs, id, hex);
			goto out;
		}
		{
			static const unsigned char none[BUNDLE_HASH_BYTES];
			struct hub_quarantine_use u;

			if (hub.hs->ops->quarantine_use(hub.hs, id, none, &u, &e) == 0 &&
			    u.kiosk_bundles > 0)
				printf("%" PRIu64
				       " bundle%s of it wait%s in quarantine: add --reject "
				       "(or run 'reject %s') to delete them\n",
				    u.kiosk_bundles, u.kiosk_bundles == 1 ? "" : "s",
				    u.kiosk_bundles == 1 ? "s" : "", hex);
		}
	} else {
		char *summary;

		o.load_key = hub.key ? load_key : NULL;
		o.key_ctx = &hub;
		if (import_trust(hub.hs, id, &o, &st, &e) == -1) {
			rv = fail("%s", e.msg);
			goto out;
		}
		summary = import_summary(&st);
		fail_say(stdout, "kiosk %s trusted; %zu quarantined bundle%s imported: %s", hex,
		    st.bundles - st.rejected, st.bundles - st.rejected == 1 ? "" : "s", summary);
		free(summary);
		if (st.rejected) {
			rv = 1;
			goto out;
		}
	}
	rv = 0;
out:
	hcmd_opts_close(&hub);
	return rv;
}
