/* libFuzzer target for the form YAML loader (form_parse: libyaml, then the
 * model and its validation). Corpus: tests/fuzz/corpus/form/ (the shipped
 * forms and small broken ones). */
#include <stddef.h>
#include <stdint.h>

#include "form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form_problems probs = { NULL, 0 };
	struct form *f = NULL;
	struct err e;

	if (form_parse("fuzz.yaml", (const char *)data, size, &f, &probs, &e) == 0)
		form_free(f);
	form_problems_free(&probs);
	return 0;
}
