/* answers: one story's answers (the model the kiosk screens fill and `add`
 * reads from JSON), their JSON form, and validation against a form. Core
 * module: no curses, no storage. Text is wiped when freed. */
#ifndef ANSWERS_H
#define ANSWERS_H

#include <stddef.h>

#include "err.h"
#include "form.h"

struct answer {
	char *qid;
	int answered; /* 0: null (not answered / not applicable) */
	enum question_type type;
	char *text; /* story, text, choice (the choice id) */
	char **ids; /* multi */
	size_t nids;
	double number;   /* number; scale (0-100) */
	double triad[3]; /* triad: proportions in corner order, sum 1 */
	int untouched;   /* scale/triad: accepted where it started, the
	                         * marker never moved (0 for every other answer) */
};

struct answers {
	char *lang;
	char *consent;    /* tier id */
	char *prompt;     /* prompt id, or NULL when the form has none */
	struct answer *v; /* one per question of the form, in form order */
	size_t n;
};

/* An empty answer set for form f: every question present and unanswered. */
struct answers *answers_new(const struct form *f);
/* Wipe every text and free. NULL is a no-op. */
void answers_free(struct answers *a);

/* The answer for question id, NULL if the form has no such question. */
struct answer *answers_get(struct answers *a, const char *qid);
const struct answer *answers_cget(const struct answers *a, const char *qid);

/* Setters; they copy their arguments and mark the answer answered. */
void answers_set_text(struct answers *a, const char *qid, const char *text);
void answers_set_number(struct answers *a, const char *qid, double v);
void answers_set_triad(struct answers *a, const char *qid, const double p[3]);
void answers_set_ids(struct answers *a, const char *qid, const char *const *ids, size_t n);
void answers_clear(struct answers *a, const char *qid);
/* Mark an answered scale or triad as accepted without moving its marker (1)
 * or moved (0). Every setter above resets it to 0. */
void answers_set_untouched(struct answers *a, const char *qid, int untouched);
void answers_set_meta(struct answers *a, const char *lang, const char *consent, const char *prompt);

/* 1 if question q is shown given the answers so far (show_if), else 0. */
int answers_shown(const struct form *f, const struct answers *a, const struct question *q);

/* Check one answer exactly as the kiosk screens do (type, range, length,
 * required, UTF-8 and control characters). Answers to hidden questions must be
 * null. Returns 0, or -1 with a participant-readable reason in e. */
int answers_check_one(
    const struct form *f, const struct answers *a, const struct question *q, struct err *e);
/* Check the whole set, including lang, consent and prompt. */
int answers_validate(const struct form *f, const struct answers *a, struct err *e);

/* Parse {"lang":..,"consent":..,"prompt":..,"answers":{..}} (docs/forms.md) for
 * form f, with an optional "untouched": [ids] naming the answered scale and
 * triad questions whose marker was never moved (absent: every one moved).
 * Unknown question ids, wrong types and bad JSON are errors. Does not
 * validate ranges: call answers_validate. */
int answers_from_json(
    const struct form *f, const char *json, size_t len, struct answers **out, struct err *e);
/* The same JSON object, as a new string (compact, UTF-8); "untouched" is
 * written only when an answer is untouched. Caller frees (answers_json_free
 * wipes it first). */
char *answers_to_json(const struct answers *a);
void answers_json_free(char *json);

#endif
