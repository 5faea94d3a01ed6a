/* libFuzzer target for the answers JSON of `storykiosk add`
 * (answers_from_json, then answers_validate against forms/partnership.yaml,
 * loaded once from $TOP or the current directory; then answers_to_json,
 * whose output must parse again). Corpus: tests/fuzz/corpus/answers/. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "form.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct form *form;
	struct answers *a = NULL, *b = NULL;
	struct err e;

	if (form == NULL) {
		const char *top = getenv("TOP");
		char *path = xasprintf("%s/forms/partnership.yaml", top ? top : ".");
		struct form_problems probs = { NULL, 0 };

		if (form_load(path, &form, &probs, &e) == -1) {
			fprintf(stderr,
			    "fuzz-answers: %s (run from the top of the tree or set TOP)\n", e.msg);
			abort();
		}
		form_problems_free(&probs);
		free(path);
	}
	if (answers_from_json(form, (const char *)data, size, &a, &e) == 0) {
		if (answers_validate(form, a, &e) == 0) {
			char *json = answers_to_json(a);

			/* what we write we must read back */
			if (answers_from_json(form, json, strlen(json), &b, &e) != 0 ||
			    answers_validate(form, b, &e) != 0) {
				fprintf(stderr, "fuzz-answers: round trip failed: %s\n", e.msg);
				abort();
			}
			answers_free(b);
			answers_json_free(json);
		}
		answers_free(a);
	}
	return 0;
}
