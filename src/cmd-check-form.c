/* cmd-check-form: `storykiosk check-form FILE`, for whoever edits a form by
 * hand: every problem at once, as FILE:LINE: message, so one run fixes all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fail.h"
#include "form.h"
#include "utf8.h"
#include "xmalloc.h"

static void
usage(FILE *fp)
{
	fputs("usage: storykiosk check-form FILE\n\n"
	      "Checks a form file (YAML; see docs/forms.md) and lists every problem\n"
	      "as FILE:LINE: message: YAML syntax, unknown or missing keys, question\n"
	      "types, a missing translation in any declared language, duplicate or\n"
	      "malformed ids, show_if references, ranges, a multi question's\n"
	      "exclusive choices, a number's integer flag, and settings.\n\n"
	      "Exits 0 and prints a one-line summary when the form is usable, 1 when\n"
	      "it has problems, 2 on bad usage.\n\n"
	      "options:\n"
	      "  -h, --help   show this help\n",
	    fp);
}

int
cmd_check_form(int argc, char **argv)
{
	struct form_problems probs = { NULL, 0 };
	struct form *f = NULL;
	struct err e;
	const char *path = NULL;
	char *shown;
	size_t i;
	int a, rv;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-h") == 0 || strcmp(argv[a], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[a], "--") == 0 && a + 1 < argc && path == NULL) {
			path = argv[++a];
			continue;
		}
		if (argv[a][0] == '-' || path != NULL)
			return fail_usage(argv[0]);
		path = argv[a];
	}
	if (path == NULL)
		return fail_usage(argv[0]);

	shown = utf8_neutralise(path, strlen(path), 0);
	if (form_load(path, &f, &probs, &e) == -1) {
		for (i = 0; i < probs.n; i++) {
			if (probs.v[i].line > 0)
				fail_say(stderr, "%s:%d: %s", shown, probs.v[i].line,
				    probs.v[i].message);
			else
				fail_say(stderr, "%s: %s", shown, probs.v[i].message);
		}
		rv = fail("%s: %zu problem%s found; fix them and check again", shown, probs.n,
		    probs.n == 1 ? "" : "s");
		goto out;
	}
	fail_say(stdout, "%s: ok (%s v%d, %zu language%s, %zu question%s)", shown, f->id,
	    f->version, f->nlanguages, f->nlanguages == 1 ? "" : "s", f->nquestions,
	    f->nquestions == 1 ? "" : "s");
	rv = 0;
out:
	form_free(f);
	form_problems_free(&probs);
	free(shown);
	return rv;
}
