/* storyhub export: stories as CSV or JSON for analysis. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    "joined by ';' (with --form-file also a 0/1 column Q_CHOICE per choice);\n"
    "then Q_untouched per scale and triad (1: the marker was\n"
    "accepted where it started, 0: moved, empty: no answer or not recorded).\n"
    "JSON: an array of objects with the answers object as stored and\n"
    "\"untouched\", the ids accepted without moving (null: not recorded).\n"
    "DB must exist: only import and serve create a store.\n\n"
    "  --out FILE        write FILE atomically (a temporary file renamed at the\n"
    "                    end) instead of standard output; a device or pipe that\n"
    "                    exists is written to directly\n"
    "  --consent TIER    only stories whose consent tier is TIER or more open\n"
    "  --tiers A,B,C     the tier order, most restrictive first\n"
    "                    (default " HUB_EXPORT_DEFAULT_TIERS ")\n"
    "  --form-file FILE  take the tier order from a form file, and the choices of\n"
    "                    its multi questions for their 0/1 columns\n"
    "  --form ID         only stories told with form ID\n"
    "  --bom             start the CSV with a UTF-8 byte order mark (for Excel)\n"
    "  --raw             CSV: do not guard cells that start with = + - @ (by\n"
    "                    default they get a leading ' so a spreadsheet never runs\n"
    "                    a participant's text as a formula; JSON is always exact)\n"
    "  --codebook FILE   also write a CSV codebook of the columns (question texts,\n"
    "                    scale poles, triad corners, choice labels); needs --form-file\n"
    "  --lang LANG       the codebook's language (default: the form's first)\n";

/* Where --out goes: a temporary file next to it, renamed over it at the
 * end (atomic: a reader sees the old file or the whole new one), written
 * as the stories are read; or, when the path is an existing device or
 * pipe (/dev/null, a FIFO), that itself: renaming over it would replace
 * the device with a file. */
struct output {
	FILE *fp;
	struct fsutil_atomic a;
	int atomic;
};

static int
output_open(struct output *w, const char *path, mode_t mode, struct err *e)
{
	struct stat sb;
	int fd;

	memset(w, 0, sizeof *w);
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		if (S_ISDIR(sb.st_mode))
			return err_set(e, "--out %s is a directory; give a file name", path);
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1 ||
		    (w->fp = fdopen(fd, "w")) == NULL) {
			err_set(e, "cannot write %s: %s", path, strerror(errno));
			if (fd != -1)
				close(fd);
			return -1;
		}
		return 0;
	}
	if (fsutil_atomic_open(&w->a, path, mode, e) == -1)
		return -1;
	w->atomic = 1;
	/* a stream of our own over a copy of the descriptor: commit closes
	 * the original after its fsync */
	if ((fd = dup(w->a.fd)) == -1 || (w->fp = fdopen(fd, "w")) == NULL) {
		err_set(e, "cannot write %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	setvbuf(w->fp, NULL, _IOFBF, 1 << 16);
	return 0;
}

static int
output_commit(struct output *w, struct err *e)
{
	FILE *fp = w->fp;

	w->fp = NULL;
	if (fclose(fp) != 0)
		return err_set(e, "cannot write the export: %s", strerror(errno));
	if (!w->atomic)
		return 0;
	w->atomic = 0;
	return fsutil_atomic_commit(&w->a, 0, e);
}

static void
output_abort(struct output *w)
{
	if (w->fp != NULL)
		fclose(w->fp);
	w->fp = NULL;
	if (w->atomic)
		fsutil_atomic_abort(&w->a);
	w->atomic = 0;
}

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
	struct output w = { 0 };
	size_t n;
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
	o.form_file = f;
	if (hcmd_opts_open(&hub, HUBSTORE_EXISTING, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (outpath != NULL) {
		if (output_open(&w, outpath, 0600, &e) == -1) {
			rv = fail("%s", e.msg);
			goto out;
		}
		out = w.fp;
	}
	if (hub_export(hub.hs, &o, out, &n, &e) == -1 ||
	    (outpath != NULL && output_commit(&w, &e) == -1)) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (outpath != NULL)
		fail_say(stderr, "exported %zu stor%s to %s", n, n == 1 ? "y" : "ies", outpath);
	if (codebook != NULL) {
		struct output cb;

		if (output_open(&cb, codebook, 0644, &e) == -1 ||
		    hub_export_codebook(f, lang, cb.fp, &e) == -1 || output_commit(&cb, &e) == -1) {
			output_abort(&cb);
			rv = fail("%s", e.msg);
			goto out;
		}
	}
	rv = 0;
out:
	output_abort(&w);
	hub_export_tiers_free(o.tiers, o.ntiers);
	form_free(f);
	form_problems_free(&probs);
	hcmd_opts_close(&hub);
	return rv;
}
