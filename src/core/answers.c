/* answers: one story's answers, their JSON form and their validation. The
 * kiosk screens and `storykiosk add` share answers_check_one, so a story typed
 * on paper is held to exactly the rules of the screen. Answers hold plaintext
 * story text: every buffer is wiped before it is freed, and jansson is given
 * a free function that wipes too. */
#include "answers.h"

#include <malloc.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "utf8.h"
#include "xmalloc.h"

#define ANSWERS_MAX_JSON (4 * 1024 * 1024)
/* Hard caps on top of the form's own max, in characters. */
#define ANSWERS_MAX_STORY 100000
#define ANSWERS_MAX_TEXT 2000
/* A triad's proportions must sum to 1 within this. */
#define TRIAD_EPSILON 1e-6

/* Wipe a string, then free it. */
static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

/* jansson's free: wipe the whole block (story text passes through it). */
static void
json_wipe_free(void *p)
{
	if (p == NULL)
		return;
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

/* Install the wiping free; compatible with blocks jansson already holds,
 * since the allocator stays malloc. */
static void
json_wipe_init(void)
{
	json_set_alloc_funcs(malloc, json_wipe_free);
}

/* Wipe and drop an answer's value; it becomes unanswered. */
static void
answer_reset(struct answer *an)
{
	size_t i;

	wipe_free(an->text);
	an->text = NULL;
	for (i = 0; i < an->nids; i++)
		wipe_free(an->ids[i]);
	free(an->ids);
	an->ids = NULL;
	an->nids = 0;
	an->number = 0;
	memset(an->triad, 0, sizeof an->triad);
	an->answered = 0;
	an->untouched = 0;
}

struct answers *
answers_new(const struct form *f)
{
	struct answers *a = xcalloc(1, sizeof *a);
	size_t i;

	a->n = f->nquestions;
	a->v = xcalloc(a->n + 1, sizeof *a->v);
	for (i = 0; i < a->n; i++) {
		a->v[i].qid = xstrdup(f->questions[i].id);
		a->v[i].type = f->questions[i].type;
	}
	return a;
}

void
answers_free(struct answers *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++) {
		answer_reset(&a->v[i]);
		free(a->v[i].qid);
	}
	free(a->v);
	wipe_free(a->lang);
	wipe_free(a->consent);
	wipe_free(a->prompt);
	free(a);
}

struct answer *
answers_get(struct answers *a, const char *qid)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].qid, qid) == 0)
			return &a->v[i];
	}
	return NULL;
}

const struct answer *
answers_cget(const struct answers *a, const char *qid)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].qid, qid) == 0)
			return &a->v[i];
	}
	return NULL;
}

/* The answer for qid; a caller naming a question the form lacks is a bug. */
static struct answer *
must_get(struct answers *a, const char *qid)
{
	struct answer *an;

	if ((an = answers_get(a, qid)) == NULL)
		fatal("answers: no question \"%s\" in this form", qid);
	answer_reset(an);
	return an;
}

void
answers_set_text(struct answers *a, const char *qid, const char *text)
{
	struct answer *an = must_get(a, qid);

	an->text = xstrdup(text);
	an->answered = 1;
}

void
answers_set_number(struct answers *a, const char *qid, double v)
{
	struct answer *an = must_get(a, qid);

	an->number = v;
	an->answered = 1;
}

void
answers_set_triad(struct answers *a, const char *qid, const double p[3])
{
	struct answer *an = must_get(a, qid);

	memcpy(an->triad, p, sizeof an->triad);
	an->answered = 1;
}

void
answers_set_ids(struct answers *a, const char *qid, const char *const *ids, size_t n)
{
	struct answer *an = must_get(a, qid);
	size_t i;

	an->ids = xcalloc(n + 1, sizeof *an->ids);
	for (i = 0; i < n; i++)
		an->ids[i] = xstrdup(ids[i]);
	an->nids = n;
	an->answered = 1;
}

void
answers_clear(struct answers *a, const char *qid)
{
	must_get(a, qid);
}

void
answers_set_untouched(struct answers *a, const char *qid, int untouched)
{
	struct answer *an;

	if ((an = answers_get(a, qid)) == NULL)
		fatal("answers: no question \"%s\" in this form", qid);
	an->untouched = untouched != 0;
}

/* Replace *dst by a copy of src (NULL allowed), wiping the old value. */
static void
set_string(char **dst, const char *src)
{
	char *old = *dst;

	*dst = src != NULL ? xstrdup(src) : NULL;
	wipe_free(old);
}

void
answers_set_meta(struct answers *a, const char *lang, const char *consent, const char *prompt)
{
	set_string(&a->lang, lang);
	set_string(&a->consent, consent);
	set_string(&a->prompt, prompt);
}

/* Does a (shown, answered) controlling answer match one of q's values? */
int
answers_shown(const struct form *f, const struct answers *a, const struct question *q)
{
	const struct question *c;
	const struct answer *an;
	size_t i, j;

	if (q->show_if_id == NULL)
		return 1;
	if ((c = form_question(f, q->show_if_id)) == NULL || c == q)
		return 0;
	/* The form guarantees c comes before q, so this recursion ends. */
	if (c > q || !answers_shown(f, a, c))
		return 0;
	if ((an = answers_cget(a, c->id)) == NULL || !an->answered)
		return 0;
	for (i = 0; i < q->nshow_if_values; i++) {
		if (c->type == Q_CHOICE && an->text != NULL &&
		    strcmp(an->text, q->show_if_values[i]) == 0)
			return 1;
		if (c->type == Q_MULTI) {
			for (j = 0; j < an->nids; j++) {
				if (strcmp(an->ids[j], q->show_if_values[i]) == 0)
					return 1;
			}
		}
	}
	return 0;
}

/* Story and text: UTF-8, no control characters, length in characters. */
static int
check_text(const struct question *q, const struct answer *an, struct err *e)
{
	size_t len = strlen(an->text), off, chars;
	double cap;
	int multiline = q->type == Q_STORY;

	if (utf8_check_text(an->text, len, multiline, &off) == -1) {
		if (!utf8_valid(an->text, len))
			return err_set(e, "answer \"%s\": the text is not valid UTF-8", q->id);
		if (an->text[off] == '\n')
			return err_set(e, "answer \"%s\": the text must be one line", q->id);
		return err_set(e,
		    "answer \"%s\": the text contains a control or "
		    "invisible formatting character (at byte %zu)",
		    q->id, off);
	}
	chars = utf8_count(an->text, len);
	if (chars == 0) {
		if (q->required)
			return err_set(e, "answer \"%s\" is required", q->id);
		return 0;
	}
	if (q->has_min && (double)chars < q->min)
		return err_set(e,
		    "answer \"%s\": %zu characters is too short; write "
		    "at least %.0f",
		    q->id, chars, q->min);
	cap = q->type == Q_STORY ? ANSWERS_MAX_STORY : ANSWERS_MAX_TEXT;
	if (q->has_max && q->max < cap)
		cap = q->max;
	if ((double)chars > cap)
		return err_set(e,
		    "answer \"%s\": %zu characters is too long; the "
		    "limit is %.0f",
		    q->id, chars, cap);
	return 0;
}

/* multi: known ids, each once, at least one when required, an exclusive
 * choice only alone (its label in lang names it for the participant). */
static int
check_multi(const struct question *q, const struct answer *an, const char *lang, struct err *e)
{
	const struct choice *c;
	size_t i, j;

	if (an->nids == 0 && q->required)
		return err_set(e, "answer \"%s\": choose at least one", q->id);
	for (i = 0; i < an->nids; i++) {
		if (question_choice(q, an->ids[i]) == NULL)
			return err_set(e,
			    "answer \"%s\": \"%s\" is not one of the "
			    "choices",
			    q->id, an->ids[i]);
		for (j = 0; j < i; j++) {
			if (strcmp(an->ids[i], an->ids[j]) == 0)
				return err_set(e,
				    "answer \"%s\": \"%s\" is chosen "
				    "twice",
				    q->id, an->ids[i]);
		}
	}
	for (i = 0; an->nids > 1 && i < an->nids; i++) {
		c = question_choice(q, an->ids[i]);
		if (c->exclusive)
			return err_set(e,
			    "answer \"%s\": \"%s\" (%s) cannot be "
			    "chosen together with other answers; choose it alone or "
			    "leave it out",
			    q->id, form_text(&c->label, lang), c->id);
	}
	return 0;
}

/* triad: three proportions in [0, 1] summing to 1 (within TRIAD_EPSILON). */
static int
check_triad(const struct question *q, const struct answer *an, struct err *e)
{
	double sum = 0;
	int i;

	for (i = 0; i < 3; i++) {
		if (!isfinite(an->triad[i]) || an->triad[i] < 0 || an->triad[i] > 1)
			return err_set(e,
			    "answer \"%s\": each proportion must be "
			    "between 0 and 1",
			    q->id);
		sum += an->triad[i];
	}
	if (fabs(sum - 1) > TRIAD_EPSILON)
		return err_set(e,
		    "answer \"%s\": the three proportions add up to "
		    "%g, not 1",
		    q->id, sum);
	return 0;
}

int
answers_check_one(
    const struct form *f, const struct answers *a, const struct question *q, struct err *e)
{
	const struct answer *an;

	if ((an = answers_cget(a, q->id)) == NULL)
		return err_set(e, "answer \"%s\" is missing", q->id);
	if (an->type != q->type)
		return err_set(
		    e, "answer \"%s\" is not a %s answer", q->id, question_type_name(q->type));
	if (!answers_shown(f, a, q)) {
		if (an->answered)
			return err_set(e,
			    "answer \"%s\" must be empty: the question "
			    "is not asked given the answer to \"%s\"",
			    q->id, q->show_if_id);
		return 0;
	}
	if (!an->answered) {
		if (q->required)
			return err_set(e, "answer \"%s\" is required", q->id);
		return 0;
	}
	switch (q->type) {
	case Q_STORY:
	case Q_TEXT:
		if (an->text == NULL)
			return err_set(e, "answer \"%s\" has no text", q->id);
		return check_text(q, an, e);
	case Q_CHOICE:
		if (an->text == NULL || question_choice(q, an->text) == NULL)
			return err_set(e,
			    "answer \"%s\": \"%s\" is not one of the "
			    "choices",
			    q->id, an->text != NULL ? an->text : "");
		return 0;
	case Q_MULTI:
		return check_multi(q, an, a->lang, e);
	case Q_NUMBER:
		if (!isfinite(an->number))
			return err_set(e, "answer \"%s\" must be a number", q->id);
		if (q->has_min && an->number < q->min)
			return err_set(e, "answer \"%s\": %g is below the minimum %g", q->id,
			    an->number, q->min);
		if (q->has_max && an->number > q->max)
			return err_set(e, "answer \"%s\": %g is above the maximum %g", q->id,
			    an->number, q->max);
		if (q->integer && an->number != floor(an->number))
			return err_set(e,
			    "answer \"%s\": %g is not a whole number; "
			    "this question asks for a whole number",
			    q->id, an->number);
		return 0;
	case Q_SCALE:
		if (!isfinite(an->number) || an->number < 0 || an->number > 100)
			return err_set(e,
			    "answer \"%s\": %g is not on the scale "
			    "(0 to 100)",
			    q->id, an->number);
		return 0;
	case Q_TRIAD:
		return check_triad(q, an, e);
	}
	return err_set(e, "answer \"%s\": unknown question type", q->id);
}

int
answers_validate(const struct form *f, const struct answers *a, struct err *e)
{
	const struct question *story = NULL;
	size_t i;

	if (a->lang == NULL || !form_has_language(f, a->lang))
		return err_set(e, "lang \"%s\" is not one of the form's languages",
		    a->lang != NULL ? a->lang : "");
	if (a->consent == NULL || form_tier(f, a->consent) == NULL)
		return err_set(e,
		    "consent \"%s\" is not one of the form's consent "
		    "tiers",
		    a->consent != NULL ? a->consent : "");
	for (i = 0; i < f->nquestions; i++) {
		if (f->questions[i].type == Q_STORY)
			story = &f->questions[i];
	}
	if (story != NULL && f->nprompts > 0) {
		if (a->prompt == NULL)
			return err_set(e,
			    "prompt is required: one of the form's "
			    "prompts");
		if (form_prompt(f, a->prompt) == NULL)
			return err_set(e,
			    "prompt \"%s\" is not one of the form's "
			    "prompts",
			    a->prompt);
	} else if (a->prompt != NULL)
		return err_set(e, "prompt must be null: this form has no prompts");
	if (a->n != f->nquestions)
		return err_set(e, "these answers are for another form");
	for (i = 0; i < f->nquestions; i++) {
		if (a->v[i].qid == NULL || f->questions[i].id == NULL ||
		    strcmp(a->v[i].qid, f->questions[i].id) != 0)
			return err_set(e, "these answers are for another form");
		if (answers_check_one(f, a, &f->questions[i], e) == -1)
			return -1;
	}
	return 0;
}

/* A JSON string member, or NULL for null; -1 if neither. */
static int
json_opt_string(json_t *v, const char *name, char **out, struct err *e)
{
	if (v == NULL || json_is_null(v)) {
		*out = NULL;
		return 0;
	}
	if (!json_is_string(v))
		return err_set(e, "\"%s\" must be a string", name);
	*out = xstrdup(json_string_value(v));
	return 0;
}

/* Read one answer value of the type the question asks for. */
static int
answer_from_json(const struct question *q, struct answer *an, json_t *v, struct err *e)
{
	json_t *item;
	size_t i, n;

	if (json_is_null(v))
		return 0;
	switch (q->type) {
	case Q_STORY:
	case Q_TEXT:
	case Q_CHOICE:
		if (!json_is_string(v))
			return err_set(e, "answer \"%s\" must be %s or null", q->id,
			    q->type == Q_CHOICE ? "a choice id (a string)" : "a string");
		an->text = xstrdup(json_string_value(v));
		break;
	case Q_MULTI:
		if (!json_is_array(v))
			return err_set(e,
			    "answer \"%s\" must be a list of choice ids "
			    "or null",
			    q->id);
		n = json_array_size(v);
		if (n > q->nchoices)
			return err_set(e,
			    "answer \"%s\" lists more ids than there "
			    "are choices",
			    q->id);
		an->ids = xcalloc(n + 1, sizeof *an->ids);
		json_array_foreach(v, i, item)
		{
			if (!json_is_string(item))
				return err_set(e,
				    "answer \"%s\" must be a list of choice "
				    "ids (strings)",
				    q->id);
			an->ids[an->nids++] = xstrdup(json_string_value(item));
		}
		break;
	case Q_NUMBER:
	case Q_SCALE:
		if (!json_is_number(v))
			return err_set(e, "answer \"%s\" must be a number or null", q->id);
		an->number = json_number_value(v);
		break;
	case Q_TRIAD:
		if (!json_is_array(v) || json_array_size(v) != 3)
			return err_set(e,
			    "answer \"%s\" must be a list of three "
			    "numbers or null",
			    q->id);
		json_array_foreach(v, i, item)
		{
			if (!json_is_number(item))
				return err_set(e,
				    "answer \"%s\" must be a list of three "
				    "numbers",
				    q->id);
			an->triad[i] = json_number_value(item);
		}
		break;
	}
	an->answered = 1;
	return 0;
}

/* "untouched": the ids of answered scale and triad questions whose marker
 * was never moved, each once. */
static int
untouched_from_json(const struct form *f, struct answers *a, json_t *list, struct err *e)
{
	const struct question *q;
	struct answer *an;
	json_t *item;
	size_t i;

	if (!json_is_array(list))
		return err_set(e, "\"untouched\" must be a list of question ids");
	json_array_foreach(list, i, item)
	{
		if (!json_is_string(item))
			return err_set(e,
			    "\"untouched\" must be a list of question ids "
			    "(strings)");
		if ((q = form_question(f, json_string_value(item))) == NULL)
			return err_set(e, "untouched: the form has no question \"%s\"",
			    json_string_value(item));
		if (q->type != Q_SCALE && q->type != Q_TRIAD)
			return err_set(e,
			    "untouched: \"%s\" is not a scale or triad "
			    "question",
			    q->id);
		an = answers_get(a, q->id);
		if (!an->answered)
			return err_set(e,
			    "untouched: answer \"%s\" is null; only an "
			    "answered scale or triad can be untouched",
			    q->id);
		if (an->untouched)
			return err_set(e, "untouched: \"%s\" is listed twice", q->id);
		an->untouched = 1;
	}
	return 0;
}

int
answers_from_json(
    const struct form *f, const char *json, size_t len, struct answers **out, struct err *e)
{
	struct answers *a = NULL;
	json_t *root = NULL, *v, *map = NULL, *lang = NULL, *consent = NULL;
	json_t *prompt = NULL, *untouched = NULL;
	json_error_t je;
	const struct question *q;
	const char *key;
	int rv = -1;

	*out = NULL;
	json_wipe_init();
	if (len > ANSWERS_MAX_JSON)
		return err_set(e, "answers are larger than %d bytes", ANSWERS_MAX_JSON);
	if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
		err_set(e, "answers are not valid JSON: line %d: %s", je.line, je.text);
		goto out;
	}
	if (!json_is_object(root)) {
		err_set(e,
		    "answers must be a JSON object {\"lang\", \"consent\", "
		    "\"prompt\", \"answers\"}");
		goto out;
	}
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "lang") == 0)
			lang = v;
		else if (strcmp(key, "consent") == 0)
			consent = v;
		else if (strcmp(key, "prompt") == 0)
			prompt = v;
		else if (strcmp(key, "answers") == 0)
			map = v;
		else if (strcmp(key, "untouched") == 0)
			untouched = v;
		else {
			err_set(e,
			    "unknown key \"%s\" (expected lang, consent, prompt, "
			    "answers and untouched)",
			    key);
			goto out;
		}
	}
	if (lang == NULL || consent == NULL || map == NULL) {
		err_set(e, "missing \"%s\"",
		    lang == NULL        ? "lang" :
		        consent == NULL ? "consent" :
		                          "answers");
		goto out;
	}
	if (!json_is_object(map)) {
		err_set(e, "\"answers\" must be an object of question id to answer");
		goto out;
	}
	a = answers_new(f);
	if (!json_is_string(lang) || !json_is_string(consent)) {
		err_set(e, "\"%s\" must be a string", !json_is_string(lang) ? "lang" : "consent");
		goto out;
	}
	a->lang = xstrdup(json_string_value(lang));
	a->consent = xstrdup(json_string_value(consent));
	if (json_opt_string(prompt, "prompt", &a->prompt, e) == -1)
		goto out;
	json_object_foreach(map, key, v)
	{
		if ((q = form_question(f, key)) == NULL) {
			err_set(e, "answer \"%s\": the form has no such question", key);
			goto out;
		}
		if (answer_from_json(q, answers_get(a, key), v, e) == -1)
			goto out;
	}
	if (untouched != NULL && !json_is_null(untouched) &&
	    untouched_from_json(f, a, untouched, e) == -1)
		goto out;
	*out = a;
	a = NULL;
	rv = 0;
out:
	answers_free(a);
	json_decref(root);
	return rv;
}

/* A JSON string, or null for NULL and for text that is not UTF-8. */
static json_t *
string_or_null(const char *s)
{
	json_t *v;

	if (s == NULL || (v = json_string(s)) == NULL)
		return json_null();
	return v;
}

/* Significant digits needed to print x so that it reads back exactly. */
static int
real_digits(double x)
{
	char buf[64];
	int d;

	for (d = 1; d < 17; d++) {
		snprintf(buf, sizeof buf, "%.*g", d, x);
		if (strtod(buf, NULL) == x)
			return d;
	}
	return 17;
}

/* A number as JSON: an integer when it is one, else a real; *digits grows
 * to what this real needs. */
static json_t *
number_to_json(double x, int *digits)
{
	int d;

	if (isfinite(x) && x == floor(x) && fabs(x) < 9007199254740992.0)
		return json_integer((json_int_t)x);
	if (!isfinite(x))
		return json_null();
	if ((d = real_digits(x)) > *digits)
		*digits = d;
	return json_real(x);
}

/* One answer as JSON; null when unanswered. */
static json_t *
answer_to_json(const struct answer *an, int *digits)
{
	json_t *v;
	size_t i;

	if (!an->answered)
		return json_null();
	switch (an->type) {
	case Q_STORY:
	case Q_TEXT:
	case Q_CHOICE:
		return string_or_null(an->text);
	case Q_MULTI:
		v = json_array();
		for (i = 0; i < an->nids; i++)
			json_array_append_new(v, string_or_null(an->ids[i]));
		return v;
	case Q_NUMBER:
	case Q_SCALE:
		return number_to_json(an->number, digits);
	case Q_TRIAD:
		v = json_array();
		for (i = 0; i < 3; i++)
			json_array_append_new(v, number_to_json(an->triad[i], digits));
		return v;
	}
	return json_null();
}

char *
answers_to_json(const struct answers *a)
{
	json_t *root, *map, *v;
	char *s;
	size_t i;
	int digits = 1;

	json_wipe_init();
	root = json_object();
	json_object_set_new(root, "lang", string_or_null(a->lang));
	json_object_set_new(root, "consent", string_or_null(a->consent));
	json_object_set_new(root, "prompt", string_or_null(a->prompt));
	map = json_object();
	for (i = 0; i < a->n; i++) {
		/* Text that is not UTF-8 was never valid; it goes out as null
		 * rather than as mangled text. */
		v = answer_to_json(&a->v[i], &digits);
		json_object_set_new(map, a->v[i].qid, v);
	}
	json_object_set_new(root, "answers", map);
	v = NULL;
	for (i = 0; i < a->n; i++) {
		if (a->v[i].answered && a->v[i].untouched) {
			if (v == NULL)
				v = json_array();
			json_array_append_new(v, json_string(a->v[i].qid));
		}
	}
	if (v != NULL)
		json_object_set_new(root, "untouched", v);
	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(digits));
	json_decref(root);
	if (s == NULL)
		fatal("answers: cannot write JSON");
	return s;
}

void
answers_json_free(char *json)
{
	wipe_free(json);
}
