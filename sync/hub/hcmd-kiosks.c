/* storyhub kiosks: list kiosks, trust one (importing its quarantined
 * bundles) or revoke one. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fail.h"
#include "hcmd.h"
#include "hubstore.h"
#include "import.h"
#include "utf8.h"

static const char usage[] =
    "usage: storyhub kiosks --store DB [--key hub.key] [trust ID | revoke ID]\n\n"
    "Without an action, lists every kiosk that has sent a bundle: id, status\n"
    "(trusted, unknown = waiting in quarantine, revoked), stories held, bundles\n"
    "in quarantine, first and last seen, name.\n"
    "DB must exist: only import and serve create a store.\n\n"
    "  trust ID    trust the kiosk and import its quarantined bundles (needs --key\n"
    "              when bundles wait; only then is the key opened)\n"
    "  revoke ID   refuse the kiosk's bundles from now on (stories kept)\n"
    "Listing and revoking never open the key, even when --key is given.\n";

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

int
hcmd_kiosks(int argc, char **argv)
{
	static const struct option opts[] = {
		HCMD_OPTION_STORE,
		HCMD_OPTION_KEY,
		HCMD_OPTION_PASSFILE,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hcmd_opts hub = { 0 };
	const char *action = NULL;
	unsigned char id[KEY_ID_BYTES];
	struct import_stats st = { 0 };
	struct import_opts o = { 0 };
	struct err e;
	size_t n = 0;
	int c, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (hcmd_opts_take(&hub, c, optarg))
			continue;
		switch (c) {
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
		if ((strcmp(action, "trust") != 0 && strcmp(action, "revoke") != 0) ||
		    optind + 2 != argc)
			return fail("kiosks takes 'trust ID' or 'revoke ID'; see "
			            "'storyhub kiosks --help'");
		if (keys_id_from_hex(argv[optind + 1], id) == -1)
			return fail("\"%s\" is not a kiosk id (16 hex digits, as "
			            "'storyhub kiosks' lists them)",
			    argv[optind + 1]);
	}
	/* the store first: a mistyped --store is refused before the passphrase;
	 * the key only when trusting opens bundles that wait in quarantine */
	hub.key_when_needed = 1;
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
	} else if (strcmp(action, "revoke") == 0) {
		if (import_revoke(hub.hs, id, &e) == -1) {
			rv = fail("%s", e.msg);
			goto out;
		}
		fail_say(stdout, "kiosk %s revoked: its bundles will be refused", argv[optind + 1]);
	} else {
		char *summary;

		o.load_key = hub.key ? load_key : NULL;
		o.key_ctx = &hub;
		if (import_trust(hub.hs, id, &o, &st, &e) == -1) {
			rv = fail("%s", e.msg);
			goto out;
		}
		summary = import_summary(&st);
		fail_say(stdout, "kiosk %s trusted; %zu quarantined bundle%s imported: %s",
		    argv[optind + 1], st.bundles - st.rejected,
		    st.bundles - st.rejected == 1 ? "" : "s", summary);
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
