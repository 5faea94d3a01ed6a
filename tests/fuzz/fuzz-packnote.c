/* libFuzzer target for the feedback note parser (packnote_parse), against
 * the default form's languages (forms/partnership.yaml, read once from
 * $TOP). What it accepts must be sections of the form's languages, each
 * once, holding valid UTF-8 without control characters. Replayed by make
 * check (tests/fuzz/replay.c) from tests/fuzz/corpus/packnote/. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "form.h"
#include "packnote.h"
#include "utf8.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct form *f;
	struct form_problems probs = { 0 };
	struct ltext note;
	struct err e;

	if (f == NULL) {
		const char *top = getenv("TOP");
		char *path = xasprintf("%s/forms/partnership.yaml", top ? top : ".");

		if (form_load(path, &f, &probs, &e) == -1) {
			fprintf(stderr, "fuzz-packnote: %s\n", e.msg);
			abort();
		}
		form_problems_free(&probs);
		free(path);
	}
	if (packnote_parse("note", (const char *)data, size, f, &note, &e) == 0) {
		size_t off;

		if (note.n == 0)
			abort();
		for (size_t i = 0; i < note.n; i++) {
			if (!form_has_language(f, note.lang[i]) || note.value[i][0] == '\0' ||
			    utf8_check_text(note.value[i], strlen(note.value[i]), 1, &off) == -1)
				abort();
			for (size_t j = 0; j < i; j++)
				if (strcmp(note.lang[i], note.lang[j]) == 0)
					abort();
		}
		feedback_ltext_free(&note);
	}
	return 0;
}
