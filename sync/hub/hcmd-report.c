/* storyhub report: an offline HTML page for making sense of the stories. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "form.h"
#include "hcmd.h"
#include "hubstore.h"
#include "report.h"
#include "xmalloc.h"

static const char usage[] =
    "usage: storyhub report --store DB --form-file FORM.yaml --out FILE.html\n"
    "                      [--lang LANG] [--by QUESTION] [--consent TIER] [--form ID]\n"
    "                      [--since DATE] [--until DATE] [--where QUESTION=VALUE]...\n"
    "                      [--stories N] [--svg-dir DIR]\n\n"
    "Writes one self-contained HTML page (CSS and SVG inline, nothing loaded from\n"
    "anywhere, a print stylesheet) to read the stories of the form together:\n"
    "Patterns (the strongest differences between the --by groups), an Overview,\n"
    "a chart for every question with its statistics, and the quotable stories with\n"
    "a search box. Labels come from the form file. Withdrawn stories never appear;\n"
    "stories of the form's most restrictive tier (analysis only) count in every\n"
    "figure, but none of their words appear. DB must exist.\n\n"
    "  --form-file FILE  the form the stories were told with (its questions, labels\n"
    "                    and consent tiers); only stories of its form id are used\n"
    "  --out FILE.html   the page, written atomically (mode 0600)\n"
    "  --lang LANG       the labels' language (default: the form's first)\n"
    "  --by QUESTION     compare the groups of a choice question (e.g. role): every\n"
    "                    other question per group, side by side, with a test of\n"
    "                    difference, and Patterns\n"
    "  --consent TIER    quote stories of TIER or a more open one (default: the\n"
    "                    form's second tier); never the first\n"
    "  --form ID         only stories of form ID (must be the form file's id)\n"
    "  --since DATE      only stories told on or after DATE (YYYY-MM-DD, the\n"
    "  --until DATE      kiosk's clock); --until: on or before\n"
    "  --where Q=VALUE   only stories whose answer to Q is VALUE: a choice id (choice,\n"
    "                    or ticked for a multi), a number or a range LOW..HIGH (scale,\n"
    "                    number); repeat for more (all must hold)\n"
    "  --stories N       quote at most N stories per group (picked at random, the\n"
    "                    same each time); the page says how many were left out\n"
    "  --svg-dir DIR     also write each chart as an SVG file in DIR\n";

int
hcmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		HCMD_OPTION_STORE,
		{ "form-file", required_argument, NULL, 'F' },
		{ "out", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'L' },
		{ "by", required_argument, NULL, 'b' },
		{ "consent", required_argument, NULL, 'c' },
		{ "form", required_argument, NULL, 'i' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "where", required_argument, NULL, 'w' },
		{ "stories", required_argument, NULL, 'n' },
		{ "svg-dir", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hcmd_opts hub = { 0 };
	struct report_opts o = { 0 };
	struct form_problems probs = { 0 };
	struct form *f = NULL;
	const char *formfile = NULL, *out = NULL;
	char **where = NULL, *end;
	size_t nwhere = 0;
	uint64_t n;
	struct err e;
	int c, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (hcmd_opts_take(&hub, c, optarg))
			continue;
		switch (c) {
		case 'F':
			formfile = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'L':
			o.lang = optarg;
			break;
		case 'b':
			o.by = optarg;
			break;
		case 'c':
			o.consent = optarg;
			break;
		case 'i':
			o.form_id = optarg;
			break;
		case 's':
			o.since = optarg;
			break;
		case 'u':
			o.until = optarg;
			break;
		case 'w':
			where = xreallocarray(where, nwhere + 1, sizeof *where);
			where[nwhere++] = optarg;
			break;
		case 'n':
			o.stories = strtoul(optarg, &end, 10);
			if (*optarg == '-' || *end != '\0' || o.stories == 0) {
				free(where);
				return fail(
				    "--stories needs a positive number of stories per group");
			}
			break;
		case 'S':
			o.svg_dir = optarg;
			break;
		case 'h':
			free(where);
			fputs(usage, stdout);
			return 0;
		default:
			free(where);
			return fail_usage("report");
		}
	}
	o.where = where;
	o.nwhere = nwhere;
	if (hub.store == NULL || formfile == NULL || out == NULL || optind != argc) {
		rv = fail("report needs --store DB --form-file FORM.yaml --out FILE.html; see "
		          "'storyhub report --help'");
		goto out;
	}
	if (form_load(formfile, &f, &probs, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (hcmd_opts_open(&hub, HUBSTORE_EXISTING, &e) == -1 ||
	    report_make(hub.hs, f, &o, out, &n, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	fprintf(stderr, "wrote %s: %llu stor%s%s%s\n", out, (unsigned long long)n,
	    n == 1 ? "y" : "ies", o.svg_dir ? "; charts in " : "", o.svg_dir ? o.svg_dir : "");
	rv = 0;
out:
	free(where);
	form_free(f);
	form_problems_free(&probs);
	hcmd_opts_close(&hub);
	return rv;
}
