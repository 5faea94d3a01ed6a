/* libFuzzer target: the hub's payload reader (payread, SQLite's JSON) against
 * the reference payload_ref_decode (jansson) on the same bytes. Both must accept
 * or both refuse; when both refuse after parsing they give the same message;
 * when both accept, every field is equal, "answers", "types" and "untouched"
 * (absent in both, or) load in jansson to equal values (hub exports load them so) and the searchable text
 * is the same, also when derived again from payread's answers and types (as
 * the hub's index reads it back: payload_text_of). Any difference aborts. Corpus: tests/fuzz/corpus/payload/.
 *
 * A raw NUL byte is refused by payread wherever it is; jansson drops one that
 * follows a number (it is pushed back and then read as the end of its
 * buffer), so with a NUL only payread's refusal is checked.
 *
 * Inputs over 3,900 bytes are skipped: they are the only way to nest deeper
 * than SQLite's JSON limit (2,000) and jansson's (2,048), which differ; a
 * story payload nests three deep. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"
#include "payload-ref.h"
#include "payread.h"

#define MAX_INPUT 3900
#define PARSE_PREFIX "story payload is not a JSON object:"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
differ(const char *what, const char *a, const char *b)
{
	fprintf(stderr,
	    "fuzz-payload: %s differs:\n  payread:        %s\n  payload_ref_decode: %s\n", what,
	    a ? a : "(null)", b ? b : "(null)");
	abort();
}

static void
same_str(const char *what, const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
		differ(what, a, b);
}

static void
same_json(const char *what, const char *a, const char *b)
{
	if (a == NULL && b == NULL)
		return; /* "untouched" absent (or null) in both */
	if (a == NULL || b == NULL)
		differ(what, a, b);
	json_t *x = json_loads(a, 0, NULL), *y = json_loads(b, 0, NULL);

	if (x == NULL || y == NULL || !json_equal(x, y))
		differ(what, a, b);
	json_decref(x);
	json_decref(y);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct payread *rd;
	struct payload *p = NULL, *q = NULL;
	char *again;
	struct err e1, e2;
	int r1, r2;

	if (size > MAX_INPUT)
		return 0;
	if (rd == NULL && payread_open(&rd, &e1) == -1) {
		fprintf(stderr, "fuzz-payload: %s\n", e1.msg);
		abort();
	}
	r1 = payread_decode(rd, (const char *)data, size, &p, &e1);
	if (memchr(data, '\0', size) != NULL) {
		if (r1 != -1)
			differ("a raw NUL", "accepted", "(refused by payread's rule)");
		return 0;
	}
	r2 = payload_ref_decode((const char *)data, size, &q, &e2);
	if (r1 != r2)
		differ("accepting", r1 == 0 ? "accepted" : e1.msg, r2 == 0 ? "accepted" : e2.msg);
	if (r1 == -1) {
		/* a refusal while parsing is worded by each parser; after it, the same */
		int p1 = strncmp(e1.msg, PARSE_PREFIX, strlen(PARSE_PREFIX)) == 0;
		int p2 = strncmp(e2.msg, PARSE_PREFIX, strlen(PARSE_PREFIX)) == 0;

		if (p1 != p2 || (!p1 && strcmp(e1.msg, e2.msg) != 0))
			differ("refusal", e1.msg, e2.msg);
		return 0;
	}
	same_str("story_id", p->story_id, q->story_id);
	same_str("code", p->code, q->code);
	same_str("kiosk", p->kiosk, q->kiosk);
	same_str("form", p->form, q->form);
	same_str("source", p->source, q->source);
	same_str("created", p->created, q->created);
	same_str("saved", p->saved, q->saved);
	same_str("lang", p->lang, q->lang);
	same_str("consent", p->consent, q->consent);
	same_str("prompt", p->prompt, q->prompt);
	same_str("status", p->status, q->status);
	same_str("scribe", p->scribe, q->scribe);
	if (p->form_version != q->form_version)
		differ("form_version", "", "");
	same_json("answers", p->answers, q->answers);
	same_json("types", p->types, q->types);
	same_json("untouched", p->untouched, q->untouched);
	same_str("text", p->text, q->text);
	again = payload_text_of(p->answers, p->types);
	same_str("text read back", again, p->text);
	payload_text_free(again);
	payload_free(p);
	payload_free(q);
	return 0;
}
