/* storyhub search: full-text search over story text and short answers. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "hcmd.h"
#include "hubstore.h"
#include "utf8.h"

static const char usage[] =
    "usage: storyhub search --store DB [--limit N] QUERY...\n\n"
    "Prints the stories whose text matches QUERY (SQLite FTS5 syntax: words,\n"
    "\"a phrase\", prefix*, AND/OR/NOT), best first, with the matching words\n"
    "in [brackets]. Withdrawn stories are never found. Control characters in\n"
    "stories are shown as U+FFFD, never sent to the terminal. DB must exist:\n"
    "only import and serve create a store.\n\n"
    "  --limit N   at most N stories (default 50)\n";

static int
print_match(const struct hub_story *s, void *ctx, struct err *e)
{
	char *snip = utf8_neutralise(s->snippet, strlen(s->snippet), 0);
	char *kiosk = utf8_neutralise(s->kiosk_id, strlen(s->kiosk_id), 0);

	(void)e;
	(*(size_t *)ctx)++;
	printf("%s  code %s  kiosk %s  %s  %s\n    %s\n", s->story_id, s->code, kiosk, s->lang,
	    s->consent, snip);
	free(snip);
	free(kiosk);
	return 0;
}

int
hcmd_search(int argc, char **argv)
{
	static const struct option opts[] = {
		HCMD_OPTION_STORE,
		{ "limit", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hcmd_opts hub = { 0 };
	char *query = NULL, *end;
	size_t n = 0, limit = 50, qlen = 0;
	struct err e;
	int c, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (hcmd_opts_take(&hub, c, optarg))
			continue;
		switch (c) {
		case 'l':
			limit = strtoul(optarg, &end, 10);
			if (*end != '\0' || limit == 0)
				return fail("--limit needs a positive number");
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage("search");
		}
	}
	if (hub.store == NULL || optind == argc)
		return fail("search needs --store DB and a query; see "
		            "'storyhub search --help'");
	for (int i = optind; i < argc; i++)
		qlen += strlen(argv[i]) + 1;
	query = calloc(1, qlen + 1);
	if (query == NULL)
		return fail("out of memory");
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			strcat(query, " ");
		strcat(query, argv[i]);
	}
	if (hcmd_opts_open(&hub, HUBSTORE_EXISTING, &e) == -1 ||
	    hub.hs->ops->search(hub.hs, query, limit, print_match, &n, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	printf("%zu stor%s found\n", n, n == 1 ? "y" : "ies");
	rv = 0;
out:
	free(query);
	hcmd_opts_close(&hub);
	return rv;
}
