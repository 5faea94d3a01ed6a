/* storykiosk add: one story from a JSON file (a scribe transcribing a paper
 * form), validated exactly like the kiosk screens validate, stored sealed. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answers.h"
#include "cmd.h"
#include "fail.h"
#include "form.h"
#include "fsutil.h"
#include "kiosk.h"
#include "xmalloc.h"

#define ANSWERS_MAX (1u << 20)

static const char usage[] =
    "usage: storykiosk add --data DIR --form FILE ANSWERS.json\n\n"
    "Stores one story, transcribed from a paper form, sealed to the hub key(s)\n"
    "with source \"paper\". ANSWERS.json (or - for standard input) holds\n"
    "  {\"lang\": \"en\", \"consent\": \"analysis\", \"prompt\": \"worked\",\n"
    "   \"answers\": {\"story\": \"...\", \"equal\": 35, ...}}\n"
    "keyed by the form's question ids (see docs/forms.md), and optionally\n"
    "  \"untouched\": [\"drivers\", ...]\n"
    "naming the scale and triad answers accepted where the marker started\n"
    "(never moved); every other one counts as moved. The answers are checked\n"
    "exactly as the kiosk checks them; on any problem nothing is stored.\n"
    "Prints the story code the teller can use to withdraw the story.\n";

/* Read all of standard input, up to max bytes. */
static int
read_stdin(size_t max, unsigned char **out, size_t *len, struct err *e)
{
	unsigned char *buf = xmalloc(max + 1);
	size_t n = 0;
	ssize_t r;

	while ((r = read(STDIN_FILENO, buf + n, max + 1 - n)) > 0) {
		n += (size_t)r;
		if (n > max) {
			free(buf);
			return err_set(e,
			    "standard input: answers too large (at most %zu "
			    "bytes)",
			    max);
		}
	}
	if (r == -1) {
		free(buf);
		return err_set(e, "standard input: read error");
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int
cmd_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "form", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct form_problems probs = { 0 };
	const char *dir = NULL, *formpath = NULL, *file;
	struct answers *a = NULL;
	struct form *f = NULL;
	struct kiosk *k = NULL;
	unsigned char *json = NULL;
	struct story st;
	struct err e;
	size_t len = 0;
	int c, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'f':
			formpath = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage("add");
		}
	}
	if (dir == NULL || formpath == NULL || optind != argc - 1)
		return fail("add needs --data DIR --form FILE and one ANSWERS.json; "
		            "see 'storykiosk add --help'");
	file = argv[optind];
	if (form_load(formpath, &f, &probs, &e) == -1) {
		rv = fail("%s (run 'storykiosk check-form %s')", e.msg, formpath);
		goto out;
	}
	if (strcmp(file, "-") == 0 ? read_stdin(ANSWERS_MAX, &json, &len, &e) :
	                             fsutil_read_file(file, ANSWERS_MAX, &json, &len, &e)) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (answers_from_json(f, (char *)json, len, &a, &e) == -1 ||
	    answers_validate(f, a, &e) == -1) {
		rv = fail("%s: %s; nothing was stored", file, e.msg);
		goto out;
	}
	if (kiosk_open(dir, &k, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	kiosk_story_begin(&st, SOURCE_PAPER);
	if (kiosk_story_save(k, &st, f, a, STATUS_SUBMITTED, &e) == -1) {
		rv = fail("%s; nothing was stored", e.msg);
		goto out;
	}
	printf("stored story %s (sequence %llu, sealed to %zu hub key%s)\n", st.code,
	    (unsigned long long)st.seq, k->nhubs, k->nhubs == 1 ? "" : "s");
	rv = 0;
out:
	if (json != NULL) {
		sodium_memzero(json, len);
		free(json);
	}
	answers_free(a);
	form_free(f);
	form_problems_free(&probs);
	kiosk_close(k);
	return rv;
}
