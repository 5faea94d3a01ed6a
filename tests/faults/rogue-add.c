/* rogue-add: a compromised kiosk. It stores one story like `storykiosk add`
 * but WITHOUT answers_validate, so text the real kiosk refuses (ESC[2J,
 * OSC 52, C1, bidi overrides) is sealed, exported and signed by a kiosk the
 * hub trusts. tests/e2e/hostile-rogue.sh uses it to show the hub never hands
 * such text to a terminal (search) and exports it escaped.
 *   rogue-add DIR FORM ANSWERS.json */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "answers.h"
#include "form.h"
#include "fsutil.h"
#include "kiosk.h"

int
main(int argc, char **argv)
{
	struct form_problems probs = { NULL, 0 };
	struct form *f = NULL;
	struct answers *a = NULL;
	struct kiosk *k = NULL;
	unsigned char *json = NULL;
	struct story st;
	struct err e;
	size_t len;
	int rv = 1;

	if (argc != 4 || sodium_init() < 0) {
		fprintf(stderr, "usage: rogue-add DIR FORM ANSWERS.json\n");
		return 2;
	}
	if (form_load(argv[2], &f, &probs, &e) == -1 ||
	    fsutil_read_file(argv[3], 1u << 20, &json, &len, &e) == -1 ||
	    answers_from_json(f, (const char *)json, len, &a, &e) == -1 ||
	    kiosk_open(argv[1], &k, &e) == -1)
		goto out;
	kiosk_story_begin(&st, SOURCE_PAPER);
	if (kiosk_story_save(k, &st, f, a, STATUS_SUBMITTED, &e) == -1)
		goto out;
	printf("stored story %s\n", st.code);
	rv = 0;
out:
	if (rv != 0)
		fprintf(stderr, "rogue-add: %s\n", e.msg);
	free(json);
	answers_free(a);
	form_free(f);
	form_problems_free(&probs);
	kiosk_close(k);
	return rv;
}
