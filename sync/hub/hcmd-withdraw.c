/* storyhub withdraw: a participant asked, with their story code, for their
 * story to be withdrawn. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "hcmd.h"
#include "hubstore.h"
#include "storycode.h"
#include "xmalloc.h"

static const char usage[] =
    "usage: storyhub withdraw --store DB [--id STORYID] STORYCODE\n\n"
    "Marks the story with this code withdrawn: its answers and text are removed\n"
    "from the store and the search index, and it is never exported. Codes are\n"
    "forgiving (case, missing dash, O/0, I/1). If two kiosks gave out the same\n"
    "code, the command lists the stories and asks for --id. DB must exist:\n"
    "only import and serve create a store.\n";

struct found {
	size_t n;
	char ids[8][33];
	char kiosks[8][17];
};

static int
collect(const struct hub_story *s, void *ctx, struct err *e)
{
	struct found *f = ctx;

	(void)e;
	for (size_t i = 0; i < f->n && i < 8; i++)
		if (strcmp(f->ids[i], s->story_id) == 0)
			return 0; /* a conflict copy of the same story */
	if (f->n < 8) {
		snprintf(f->ids[f->n], sizeof f->ids[0], "%s", s->story_id);
		snprintf(f->kiosks[f->n], sizeof f->kiosks[0], "%s", s->kiosk_id);
	}
	f->n++;
	return 0;
}

struct by_code {
	const char *code;
	struct found *f;
};

static int
match_code(const struct hub_story *s, void *ctx, struct err *e)
{
	struct by_code *b = ctx;

	if (strcmp(s->code, b->code) == 0)
		collect(s, b->f, e);
	return 0;
}

int
hcmd_withdraw(int argc, char **argv)
{
	static const struct option opts[] = {
		HCMD_OPTION_STORE,
		{ "id", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hcmd_opts hub = { 0 };
	const char *sid = NULL;
	char code[STORYCODE_LEN];
	struct found f = { 0 }, dry = { 0 };
	size_t n;
	struct err e;
	int c, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (hcmd_opts_take(&hub, c, optarg))
			continue;
		switch (c) {
		case 'i':
			sid = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage("withdraw");
		}
	}
	if (hub.store == NULL || optind + 1 != argc)
		return fail("withdraw needs --store DB and one story code; see "
		            "'storyhub withdraw --help'");
	if (storycode_normalise(argv[optind], code) == -1)
		return fail("\"%s\" is not a story code (they look like K7P-2QX)", argv[optind]);
	if (hcmd_opts_open(&hub, HUBSTORE_EXISTING, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (sid == NULL) {
		struct by_code b = { code, &dry };

		if (hub.hs->ops->story_foreach(hub.hs, match_code, &b, &e) == -1) {
			rv = fail("%s", e.msg);
			goto out;
		}
	}
	if (sid == NULL && dry.n > 1) {
		char *list = xstrdup(""), *more;

		for (size_t i = 0; i < dry.n && i < 8; i++) {
			more = xasprintf("%s %s (kiosk %s)", list, dry.ids[i], dry.kiosks[i]);
			free(list);
			list = more;
		}
		fail("%zu stories have code %s; run again with --id:%s", dry.n, code, list);
		free(list);
		goto out;
	}
	if (hub.hs->ops->withdraw(hub.hs, code, sid, collect, &f, &n, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (n == 0) {
		rv = fail("no story with code %s%s%s is held here (check the code with "
		          "the participant; it may be already withdrawn or not yet imported)",
		    code, sid ? " and id " : "", sid ? sid : "");
		goto out;
	}
	fail_say(stdout,
	    "withdrew story %s (code %s, kiosk %s): its text is removed and it will "
	    "not be exported",
	    f.ids[0], code, f.kiosks[0]);
	rv = 0;
out:
	hcmd_opts_close(&hub);
	return rv;
}
