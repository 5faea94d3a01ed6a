/* storyhub feedback: a signed feedback pack of chosen public stories, the
 * coordinator's note and summary figures, for kiosks to show to the
 * community (docs/hub.md, docs/pack-format.md). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fail.h"
#include "feedback.h"
#include "form.h"
#include "fsutil.h"
#include "hcmd.h"
#include "hubstore.h"
#include "pack.h"
#include "packbuild.h"
#include "packnote.h"
#include "packsum.h"
#include "utf8.h"

static const char usage[] =
    "usage: storyhub feedback --store DB --key hub.key --form-file FORM.yaml --out PACK.skf\n"
    "                        (--all | --select CODE[,CODE...] | --search QUERY)\n"
    "                        [--note FILE] [--publish] [--passphrase-file FILE]\n\n"
    "Makes a feedback pack that kiosks show to the community between\n"
    "participants ('storykiosk feedback', or fetched after a push): the\n"
    "stories chosen, the coordinator's note, and summary figures (counts per\n"
    "choice, the median of each scale, the centre of each triad) over every\n"
    "story told with the form and consented for analysis. Only submitted\n"
    "stories whose consent tier is the form's most open tier (public in the\n"
    "default form) may go in. The pack is signed with the hub key (the key\n"
    "receipts are signed with) and numbered: a kiosk takes only a pack newer\n"
    "than the one it has. DB must exist.\n\n"
    "  --form-file FORM  the form the stories were told with (tiers, texts)\n"
    "  --out PACK.skf    where to write the pack (atomically)\n"
    "  --all             every story that may go in\n"
    "  --select CODES    these stories, by story code (comma-separated); a code\n"
    "                    whose story may not go in is refused and no pack written\n"
    "  --search QUERY    the stories that may go in and match QUERY (the syntax\n"
    "                    of 'storyhub search')\n"
    "  --note FILE       the coordinator's note: a line [LANG] starts each\n"
    "                    language's text (see docs/hub.md)\n"
    "  --publish         also keep the pack for 'storyhub serve', which hands the\n"
    "                    newest published pack to kiosks that push (GET /v1/pack)\n";

static void
print_langs(const struct ltext *t)
{
	for (size_t i = 0; i < t->n; i++)
		printf("%s%s", i ? ", " : "", t->lang[i]);
}

int
hcmd_feedback(int argc, char **argv)
{
	static const struct option opts[] = {
		HCMD_OPTION_STORE,
		HCMD_OPTION_KEY,
		HCMD_OPTION_PASSFILE,
		{ "form-file", required_argument, NULL, 'F' },
		{ "out", required_argument, NULL, 'o' },
		{ "all", no_argument, NULL, 'a' },
		{ "select", required_argument, NULL, 's' },
		{ "search", required_argument, NULL, 'q' },
		{ "note", required_argument, NULL, 'n' },
		{ "publish", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hcmd_opts hub = { 0 };
	struct packbuild_opts bo = { 0 };
	struct form_problems probs = { 0 };
	const char *formfile = NULL, *outpath = NULL, *notefile = NULL;
	struct feedback *fb = feedback_new();
	struct form *f = NULL;
	unsigned char *pack = NULL;
	char *shown;
	size_t len;
	int c, modes = 0, publish = 0, rv = 1;
	struct err e;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (hcmd_opts_take(&hub, c, optarg))
			continue;
		switch (c) {
		case 'F':
			formfile = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'a':
			bo.mode = PACKBUILD_ALL;
			modes++;
			break;
		case 's':
			bo.mode = PACKBUILD_SELECT;
			bo.codes = optarg;
			modes++;
			break;
		case 'q':
			bo.mode = PACKBUILD_SEARCH;
			bo.query = optarg;
			modes++;
			break;
		case 'n':
			notefile = optarg;
			break;
		case 'p':
			publish = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			feedback_free(fb);
			return 0;
		default:
			feedback_free(fb);
			return fail_usage("feedback");
		}
	}
	if (hub.store == NULL || hub.key == NULL || formfile == NULL || outpath == NULL ||
	    optind != argc) {
		feedback_free(fb);
		return fail("feedback needs --store DB --key hub.key --form-file FORM --out "
		            "PACK.skf and one of --all, --select, --search; see 'storyhub "
		            "feedback --help'");
	}
	if (modes != 1) {
		feedback_free(fb);
		return fail("give exactly one of --all, --select CODES and --search QUERY");
	}
	if (form_load(formfile, &f, &probs, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	/* Everything that needs no passphrase first: a mistyped note costs none. */
	if (notefile != NULL && packnote_load(notefile, f, &fb->note, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (hcmd_opts_open(&hub, HUBSTORE_EXISTING, &e) == -1 ||
	    packbuild_stories(hub.hs, f, &bo, fb, &e) == -1 ||
	    packsum_compute(hub.hs, f, fb, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	fb->created = (int64_t)time(NULL);
	if (hub.hs->ops->pack_reserve(hub.hs, fb->created, &fb->seq, &e) == -1 ||
	    pack_write(fb, hub.sk, &pack, &len, &e) == -1) {
		rv = fail("%s; no pack written", e.msg);
		goto out;
	}
	if (fsutil_write_atomic(outpath, pack, len, 0644, 0, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (publish && hub.hs->ops->pack_publish(hub.hs, fb->seq, pack, len, &e) == -1) {
		rv = fail("%s (the pack was written to %s, but not published)", e.msg, outpath);
		goto out;
	}
	shown = utf8_neutralise(outpath, strlen(outpath), 0); /* a path: no control bytes */
	printf("wrote feedback pack %" PRIu64 " to %s: %zu stor%s, figures over %" PRIu32
	       " stor%s, ",
	    fb->seq, shown, fb->nstories, fb->nstories == 1 ? "y" : "ies", fb->counted,
	    fb->counted == 1 ? "y" : "ies");
	free(shown);
	if (fb->note.n > 0) {
		printf("note in ");
		print_langs(&fb->note);
	} else
		printf("no note");
	printf("%s\n", publish ? "; published for storyhub serve" : "");
	for (size_t i = 0; i < f->nlanguages && fb->note.n > 0; i++)
		if (form_text(&fb->note, f->languages[i]) == fb->note.value[0] &&
		    strcmp(fb->note.lang[0], f->languages[i]) != 0)
			printf("the note has no [%s] section: readers in %s see the [%s] one\n",
			    f->languages[i], f->languages[i], fb->note.lang[0]);
	rv = 0;
out:
	free(pack);
	feedback_free(fb);
	form_free(f);
	form_problems_free(&probs);
	hcmd_opts_close(&hub);
	return rv;
}
