/* storyhub export: stories as CSV or JSON for analysis. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "form.h"
#include "fsutil.h"
#include "hcmd.h"
#include "hub-export.h"
#include "hubstore.h"
#include "xmalloc.h"

static const char usage[] =
    "usage: storyhub export --store DB --format csv|json [--out FILE]\n"
    "                      [--consent TIER] [--tiers A,B,C | --form-file FORM.yaml]\n"
    "                      [--form ID] [--bom] [--raw] [--codebook FILE --form-file FORM.yaml]\n\n"
    "One row (CSV) or object (JSON) per story that has not been withdrawn.\n"
    "CSV: RFC 4180, UTF-8, CRLF, a header row; a column per question id; a\n"
    "triad as Q_1, Q_2, Q_3 (proportions in corner order) plus Q_x, Q_y (the\n"
    "point in a triangle with corners (0,0), (1,0), (0.5, 0.866)); multi choices\n"
    "joined by ';'; then Q_untouched per scale and triad (1: the marker was\n"
    "accepted where it started, 0: moved, empty: no answer or not recorded).\n"
    "JSON: an array of objects with the answers object as stored and\n"
    "\"untouched\", the ids accepted without moving (null: not recorded).\n"
    "DB must exist: only import and serve create a store.\n\n"
    "  --out FILE        write FILE atomically instead of standard output\n"
    "  --consent TIER    only stories whose consent tier is TIER or more open\n"
    "  --tiers A,B,C     the tier order, most restrictive first\n"
    "                    (default " HUB_EXPORT_DEFAULT_TIERS ")\n"
    "  --form-file FILE  take the tier order from a form file\n"
    "  --form ID         only stories told with form ID\n"
    "  --bom             start the CSV with a UTF-8 byte order mark (for Excel)\n"
    "  --raw             CSV: do not guard cells that start with = + - @ (by\n"
    "                    default they get a leading ' so a spreadsheet never runs\n"
    "                    a participant's text as a formula; JSON is always exact)\n"
    "  --codebook FILE   also write a CSV codebook of the columns (question texts,\n"
    "                    scale poles, triad corners, choice labels); needs --form-file\n"
    "  --lang LANG       the codebook's language (default: the form's first)\n";

int
hcmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		HCMD_OPTION_STORE,
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "consent", required_argument, NULL, 'c' },
		{ "tiers", required_argument, NULL, 't' },
		{ "form-file", required_argument, NULL, 'F' },
		{ "form", required_argument, NULL, 'i' },
		{ "bom", no_argument, NULL, 'b' },
		{ "raw", no_argument, NULL, 'r' },
		{ "codebook", required_argument, NULL, 'C' },
		{ "lang", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hcmd_opts hub = { 0 };
	const char *format = NULL, *outpath = NULL, *tiers = NULL, *formfile = NULL;
	const char *codebook = NULL, *lang = NULL;
	struct hub_export_opts o = { 0 };
	struct form_problems probs = { 0 };
	struct form *f = NULL;
	char *buf = NULL;
	size_t buflen = 0, n;
	FILE *out = stdout;
	struct err e;
	int c, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (hcmd_opts_take(&hub, c, optarg))
			continue;
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'c':
			o.consent = optarg;
			break;
		case 't':
			tiers = optarg;
			break;
		case 'F':
			formfile = optarg;
			break;
		case 'i':
			o.form = optarg;
			break;
		case 'b':
			o.bom = 1;
			break;
		case 'r':
			o.raw = 1;
			break;
		case 'C':
			codebook = optarg;
			break;
		case 'L':
			lang = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage("export");
		}
	}
	if (hub.store == NULL || format == NULL || optind != argc)
		return fail("export needs --store DB --format csv|json; see "
		            "'storyhub export --help'");
	if (strcmp(format, "csv") == 0)
		o.format = HUB_EXPORT_CSV;
	else if (strcmp(format, "json") == 0)
		o.format = HUB_EXPORT_JSON;
	else
		return fail("unknown format \"%s\": use --format csv or --format json", format);
	if (tiers != NULL && formfile != NULL)
		return fail("give --tiers or --form-file, not both");
	if (codebook != NULL && formfile == NULL)
		return fail("--codebook needs --form-file FORM.yaml (the hub does not keep "
		            "question texts)");
	if (formfile != NULL) {
		if (form_load(formfile, &f, &probs, &e) == -1) {
			rv = fail("%s", e.msg);
			goto out;
		}
		o.tiers = xcalloc(f->ntiers, sizeof *o.tiers);
		for (size_t i = 0; i < f->ntiers; i++)
			o.tiers[i] = xstrdup(f->tiers[i].id);
		o.ntiers = f->ntiers;
	} else if (hub_export_tiers_parse(
	               tiers ? tiers : HUB_EXPORT_DEFAULT_TIERS, &o.tiers, &o.ntiers, &e) == -1) {
		rv = fail("--tiers: %s", e.msg);
		goto out;
	}
	if (hcmd_opts_open(&hub, HUBSTORE_EXISTING, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (outpath != NULL && (out = open_memstream(&buf, &buflen)) == NULL) {
		rv = fail("out of memory");
		goto out;
	}
	if (hub_export(hub.hs, &o, out, &n, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (outpath != NULL) {
		fclose(out);
		out = NULL;
		if (fsutil_write_atomic(outpath, buf, buflen, 0600, 0, &e) == -1) {
			rv = fail("%s", e.msg);
			goto out;
		}
		fail_say(stderr, "exported %zu stor%s to %s", n, n == 1 ? "y" : "ies", outpath);
	}
	if (codebook != NULL) {
		char *cb = NULL;
		size_t cblen = 0;
		FILE *fp = open_memstream(&cb, &cblen);

		if (fp == NULL || hub_export_codebook(f, lang, fp, &e) == -1) {
			if (fp != NULL)
				fclose(fp);
			free(cb);
			rv = fail("%s", e.msg);
			goto out;
		}
		fclose(fp);
		if (fsutil_write_atomic(codebook, cb, cblen, 0644, 0, &e) == -1) {
			free(cb);
			rv = fail("%s", e.msg);
			goto out;
		}
		free(cb);
	}
	rv = 0;
out:
	if (outpath != NULL && out != NULL)
		fclose(out);
	free(buf);
	hub_export_tiers_free(o.tiers, o.ntiers);
	form_free(f);
	form_problems_free(&probs);
	hcmd_opts_close(&hub);
	return rv;
}
