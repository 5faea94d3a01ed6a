/* test-answers: the answers model, its JSON form and validation against a
 * form: every kind of wrong answer must be refused with a readable reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "form.h"

static const char form_yaml[] =
    "form: t\n"
    "version: 1\n"
    "languages: [en, fr]\n"
    "title: {en: T, fr: T}\n"
    "consent:\n"
    "  text: {en: C, fr: C}\n"
    "  tiers: [{id: analysis, label: {en: A, fr: A}}, {id: public, label: {en: P, fr: P}}]\n"
    "prompts: [{id: worked, text: {en: W, fr: W}}, {id: failed, text: {en: F, fr: F}}]\n"
    "questions:\n"
    "  - {id: story, type: story, min: 10, max: 200}\n"
    "  - {id: drivers, type: triad, text: {en: D, fr: D},\n"
    "     corners: [{en: a, fr: a}, {en: b, fr: b}, {en: c, fr: c}]}\n"
    "  - {id: equal, type: scale, text: {en: E, fr: E}, poles: [{en: a, fr: a}, {en: b, fr: b}]}\n"
    "  - {id: role, type: choice, text: {en: R, fr: R},\n"
    "     choices: [{id: community, label: {en: c, fr: c}}, {id: other, label: {en: o, fr: o}}]}\n"
    "  - {id: role_other, type: text, text: {en: O, fr: O}, required: false, max: 20,\n"
    "     show_if: {role: other}}\n"
    "  - {id: obstacles, type: multi, text: {en: M, fr: M}, required: false,\n"
    "     choices: [{id: power, label: {en: p, fr: p}}, {id: funding, label: {en: f, fr: f}},\n"
    "               {id: nothing, label: {en: n, fr: n}}]}\n"
    "  - {id: power_note, type: text, text: {en: N, fr: N}, show_if: {obstacles: power}}\n"
    "  - {id: age, type: number, text: {en: A, fr: A}, min: 10, max: 120, required: false}\n";

static const char valid_json[] =
    "{\"lang\":\"fr\",\"consent\":\"public\",\"prompt\":\"worked\",\"answers\":{"
    "\"story\":\"Une histoire où ça a marché.\\nFin.\","
    "\"drivers\":[0.5,0.3,0.2],"
    "\"equal\":35,"
    "\"role\":\"other\","
    "\"role_other\":\"bénévole\","
    "\"obstacles\":[\"power\",\"funding\"],"
    "\"power_note\":\"Le bailleur décidait.\","
    "\"age\":null}}";

static struct form *form;

static int
setup(void **state)
{
	struct form_problems probs = { NULL, 0 };
	struct err e;

	(void)state;
	if (form_parse("t.yaml", form_yaml, strlen(form_yaml), &form, &probs, &e) != 0) {
		print_error("%s\n", e.msg);
		form_problems_free(&probs);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	form_free(form);
	return 0;
}

static struct answers *
load(const char *json)
{
	struct answers *a = NULL;
	struct err e;

	if (answers_from_json(form, json, strlen(json), &a, &e) != 0)
		fail_msg("answers_from_json: %s", e.msg);
	return a;
}

/* JSON that must not even parse; the reason must mention want. */
static void
expect_bad_json(const char *json, size_t len, const char *want)
{
	struct answers *a = (struct answers *)1;
	struct err e;

	if (len == 0)
		len = strlen(json);
	assert_int_equal(answers_from_json(form, json, len, &a, &e), -1);
	assert_null(a);
	if (strstr(e.msg, want) == NULL)
		fail_msg("got \"%s\", want \"%s\"", e.msg, want);
}

/* Answers that parse but must not validate. */
static void
expect_invalid(struct answers *a, const char *want)
{
	struct err e;

	assert_int_equal(answers_validate(form, a, &e), -1);
	if (strstr(e.msg, want) == NULL)
		fail_msg("got \"%s\", want \"%s\"", e.msg, want);
}

static void
expect_valid(const struct answers *a)
{
	struct err e;

	if (answers_validate(form, a, &e) != 0)
		fail_msg("answers_validate: %s", e.msg);
}

static void
test_round_trip(void **state)
{
	struct answers *a = load(valid_json);
	const struct answer *an;
	char *out;

	(void)state;
	expect_valid(a);
	assert_string_equal(a->lang, "fr");
	assert_string_equal(a->prompt, "worked");
	an = answers_cget(a, "drivers");
	assert_true(an->answered);
	assert_true(an->triad[1] == 0.3);
	assert_false(answers_cget(a, "age")->answered);
	assert_int_equal(answers_cget(a, "obstacles")->nids, 2);
	out = answers_to_json(a);
	assert_string_equal(out, valid_json);
	answers_json_free(out);
	answers_free(a);
	answers_free(NULL);
}

static void
test_setters(void **state)
{
	struct answers *a = answers_new(form);
	const char *ids[] = { "nothing" };
	const double tri[3] = { 0.25, 0.25, 0.5 };
	char *out;

	(void)state;
	assert_int_equal(a->n, form->nquestions);
	assert_null(answers_get(a, "nope"));
	answers_set_meta(a, "en", "analysis", "failed");
	answers_set_text(a, "story", "It went badly at first.");
	answers_set_triad(a, "drivers", tri);
	answers_set_number(a, "equal", 99.5);
	answers_set_text(a, "role", "community");
	answers_set_ids(a, "obstacles", ids, 1);
	answers_set_number(a, "age", 42);
	expect_valid(a);
	out = answers_to_json(a);
	assert_string_equal(out,
	    "{\"lang\":\"en\",\"consent\":\"analysis\","
	    "\"prompt\":\"failed\",\"answers\":{\"story\":\"It went badly at first.\","
	    "\"drivers\":[0.25,0.25,0.5],\"equal\":99.5,\"role\":\"community\","
	    "\"role_other\":null,\"obstacles\":[\"nothing\"],\"power_note\":null,"
	    "\"age\":42}}");
	answers_json_free(out);
	answers_clear(a, "age");
	assert_false(answers_cget(a, "age")->answered);
	expect_valid(a);
	/* an awkward real reads back exactly */
	answers_set_number(a, "equal", 100.0 / 3);
	out = answers_to_json(a);
	answers_free(a);
	a = load(out);
	assert_true(answers_cget(a, "equal")->number == 100.0 / 3);
	answers_json_free(out);
	answers_free(a);
}

static void
test_missing_ids_are_null(void **state)
{
	struct answers *a;

	(void)state;
	a = load("{\"lang\":\"en\",\"consent\":\"analysis\",\"prompt\":\"worked\","
	         "\"answers\":{\"story\":\"long enough story\"}}");
	assert_false(answers_cget(a, "equal")->answered);
	expect_invalid(a, "answer \"drivers\" is required");
	answers_free(a);
}

static void
test_bad_json(void **state)
{
	static const char nul[] = "{\"lang\":\"en\",\"consent\":\"analysis\","
	                          "\"answers\":{\"story\":\"a\\u0000b\"}}";

	(void)state;
	expect_bad_json("{", 0, "not valid JSON");
	expect_bad_json("[]", 0, "must be a JSON object");
	expect_bad_json(
	    "{\"lang\":\"en\",\"lang\":\"fr\",\"consent\":\"a\",\"answers\":{}}", 0, "duplicate");
	expect_bad_json("{\"lang\":\"en\",\"consent\":\"analysis\",\"answers\":{},"
	                "\"name\":\"Ann\"}",
	    0, "unknown key \"name\"");
	expect_bad_json("{\"consent\":\"analysis\",\"answers\":{}}", 0, "missing \"lang\"");
	expect_bad_json("{\"lang\":\"en\",\"answers\":{}}", 0, "missing \"consent\"");
	expect_bad_json("{\"lang\":\"en\",\"consent\":\"analysis\"}", 0, "missing \"answers\"");
	expect_bad_json(
	    "{\"lang\":5,\"consent\":\"analysis\",\"answers\":{}}", 0, "\"lang\" must be a string");
	expect_bad_json("{\"lang\":\"en\",\"consent\":\"analysis\",\"prompt\":3,\"answers\":{}}", 0,
	    "\"prompt\" must be a string");
	expect_bad_json(nul, 0, "not valid JSON");
	expect_bad_json("{\"lang\":\"en\",\"consent\":\"analysis\","
	                "\"answers\":{\"story\":\"\\ud800\"}}",
	    0, "not valid JSON");
	expect_bad_json("{\"lang\":\"en\",\"consent\":\"analysis\","
	                "\"answers\":{\"story\":\"\xff\"}}",
	    0, "not valid JSON");
	expect_bad_json("{\"lang\":\"en\",\"consent\":\"analysis\","
	                "\"answers\":{\"name\":\"Ann\"}}",
	    0, "answer \"name\": the form has no such question");
}

static void
test_wrong_types(void **state)
{
	static const char *const cases[][2] = {
		{ "\"story\":5", "answer \"story\" must be a string" },
		{ "\"drivers\":0.5", "answer \"drivers\" must be a list of three" },
		{ "\"drivers\":[0.5,0.5]", "answer \"drivers\" must be a list of three" },
		{ "\"drivers\":[0.5,\"a\",0]", "answer \"drivers\" must be a list of three" },
		{ "\"equal\":\"35\"", "answer \"equal\" must be a number" },
		{ "\"role\":[\"other\"]", "answer \"role\" must be a choice id" },
		{ "\"obstacles\":\"power\"", "answer \"obstacles\" must be a list" },
		{ "\"obstacles\":[1]", "answer \"obstacles\" must be a list" },
		{ "\"age\":true", "answer \"age\" must be a number" },
		{ "\"age\":{}", "answer \"age\" must be a number" },
	};
	char json[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(json, sizeof json,
		    "{\"lang\":\"en\",\"consent\":\"analysis\","
		    "\"answers\":{%s}}",
		    cases[i][0]);
		expect_bad_json(json, strlen(json), cases[i][1]);
	}
}

/* Parse the valid set, then break one thing. */
static struct answers *
valid(void)
{
	return load(valid_json);
}

static void
test_ranges(void **state)
{
	struct answers *a;
	double tri[3];

	(void)state;
	a = valid();
	answers_set_number(a, "age", 130);
	expect_invalid(a, "answer \"age\": 130 is above the maximum 120");
	answers_set_number(a, "age", 9.5);
	expect_invalid(a, "answer \"age\": 9.5 is below the minimum 10");
	answers_set_number(a, "age", NAN);
	expect_invalid(a, "answer \"age\" must be a number");
	answers_set_number(a, "age", 10);
	expect_valid(a);

	answers_set_number(a, "equal", 100.5);
	expect_invalid(a, "not on the scale");
	answers_set_number(a, "equal", -1);
	expect_invalid(a, "not on the scale");
	answers_set_number(a, "equal", INFINITY);
	expect_invalid(a, "not on the scale");
	answers_set_number(a, "equal", 0);
	expect_valid(a);

	tri[0] = 0.5, tri[1] = 0.3, tri[2] = 0.3;
	answers_set_triad(a, "drivers", tri);
	expect_invalid(a, "add up to 1.1, not 1");
	tri[0] = 1.2, tri[1] = -0.2, tri[2] = 0;
	answers_set_triad(a, "drivers", tri);
	expect_invalid(a, "between 0 and 1");
	tri[0] = 1, tri[1] = 0, tri[2] = 1e-5;
	answers_set_triad(a, "drivers", tri);
	expect_invalid(a, "not 1");
	tri[0] = 1.0 / 3, tri[1] = 1.0 / 3, tri[2] = 1.0 / 3;
	answers_set_triad(a, "drivers", tri);
	expect_valid(a);
	tri[0] = NAN;
	answers_set_triad(a, "drivers", tri);
	expect_invalid(a, "between 0 and 1");
	answers_free(a);
}

static void
test_text(void **state)
{
	struct answers *a;
	char *big;

	(void)state;
	a = valid();
	answers_set_text(a, "story", "too short");
	expect_invalid(a, "answer \"story\": 9 characters is too short; write at least 10");
	/* ten characters, twelve bytes */
	answers_set_text(a, "story", "ééabcdefgh");
	expect_valid(a);
	big = calloc(1, 202);
	memset(big, 'x', 201);
	answers_set_text(a, "story", big);
	expect_invalid(a, "201 characters is too long; the limit is 200");
	big[200] = '\0';
	answers_set_text(a, "story", big);
	expect_valid(a);
	free(big);
	answers_set_text(a, "story", "line one\nline two");
	expect_valid(a);
	answers_set_text(a, "story", "with \x1b[2J escape");
	expect_invalid(a, "control or invisible");
	answers_set_text(a, "story", "bidi \xe2\x80\xae override"); /* U+202E */
	expect_invalid(a, "control or invisible");
	answers_set_text(a, "story", "tab\there, long enough");
	expect_invalid(a, "control or invisible");
	answers_set_text(a, "story", "bad \xc3\x28 utf-8, long enough");
	expect_invalid(a, "not valid UTF-8");
	answers_set_text(a, "story", "");
	expect_invalid(a, "answer \"story\" is required");
	answers_set_text(a, "story", "long enough story");

	answers_set_text(a, "role_other", "two\nlines");
	expect_invalid(a, "answer \"role_other\": the text must be one line");
	answers_set_text(a, "role_other", "123456789012345678901");
	expect_invalid(a, "21 characters is too long; the limit is 20");
	answers_set_text(a, "role_other", "");
	expect_valid(a); /* optional: empty is fine */
	answers_free(a);
}

static void
test_escapes_in_json(void **state)
{
	struct answers *a;

	(void)state;
	a = load("{\"lang\":\"en\",\"consent\":\"analysis\",\"prompt\":\"worked\","
	         "\"answers\":{\"story\":\"an \\u001b[31m escape here\"}}");
	expect_invalid(a, "answer \"story\": the text contains a control");
	answers_free(a);
	a = load("{\"lang\":\"en\",\"consent\":\"analysis\",\"prompt\":\"worked\","
	         "\"answers\":{\"story\":\"a \\u202e right-to-left\"}}");
	expect_invalid(a, "answer \"story\": the text contains a control");
	answers_free(a);
}

static void
test_choices(void **state)
{
	struct answers *a;
	const char *dup[] = { "power", "power" };
	const char *unknown[] = { "power", "luck" };

	(void)state;
	a = valid();
	answers_set_text(a, "role", "boss");
	expect_invalid(a, "answer \"role\": \"boss\" is not one of the choices");
	answers_set_text(a, "role", "other");
	answers_set_ids(a, "obstacles", dup, 2);
	expect_invalid(a, "\"power\" is chosen twice");
	answers_set_ids(a, "obstacles", unknown, 2);
	expect_invalid(a, "\"luck\" is not one of the choices");
	answers_set_ids(a, "obstacles", NULL, 0);
	answers_clear(a, "power_note");
	expect_valid(a); /* optional multi may be empty */
	answers_free(a);
}

static void
test_required(void **state)
{
	struct answers *a;

	(void)state;
	a = valid();
	answers_clear(a, "equal");
	expect_invalid(a, "answer \"equal\" is required");
	answers_set_number(a, "equal", 50);
	answers_clear(a, "role");
	/* role_other is now hidden but answered */
	expect_invalid(a, "answer \"role\" is required");
	answers_free(a);
}

static void
test_show_if(void **state)
{
	const struct question *other = form_question(form, "role_other");
	const struct question *note = form_question(form, "power_note");
	const char *ids[] = { "funding" };
	struct answers *a;

	(void)state;
	a = valid();
	assert_true(answers_shown(form, a, other));
	assert_true(answers_shown(form, a, note));
	assert_true(answers_shown(form, a, form_question(form, "age")));
	answers_set_text(a, "role", "community");
	assert_false(answers_shown(form, a, other));
	expect_invalid(a, "answer \"role_other\" must be empty");
	answers_clear(a, "role_other");
	expect_valid(a);

	/* multi: shown while the list contains power; required when shown */
	answers_clear(a, "power_note");
	expect_invalid(a, "answer \"power_note\" is required");
	answers_set_ids(a, "obstacles", ids, 1);
	assert_false(answers_shown(form, a, note));
	expect_valid(a);
	answers_set_text(a, "power_note", "x");
	expect_invalid(a, "answer \"power_note\" must be empty");
	answers_clear(a, "obstacles");
	assert_false(answers_shown(form, a, note));
	answers_free(a);
}

static void
test_meta(void **state)
{
	struct answers *a;
	struct err e;

	(void)state;
	a = valid();
	answers_set_meta(a, "de", "public", "worked");
	expect_invalid(a, "lang \"de\" is not one of the form's languages");
	answers_set_meta(a, "en", "everything", "worked");
	expect_invalid(a, "consent \"everything\" is not one of the form's consent tiers");
	answers_set_meta(a, "en", "public", "other");
	expect_invalid(a, "prompt \"other\" is not one of the form's prompts");
	answers_set_meta(a, "en", "public", NULL);
	expect_invalid(a, "prompt is required");
	answers_set_meta(a, NULL, "public", "worked");
	expect_invalid(a, "lang");
	answers_set_meta(a, "en", "public", "failed");
	expect_valid(a);
	assert_int_equal(answers_check_one(form, a, form_question(form, "age"), &e), 0);
	answers_set_number(a, "age", 500);
	assert_int_equal(answers_check_one(form, a, form_question(form, "age"), &e), -1);
	assert_non_null(strstr(e.msg, "above the maximum"));
	answers_free(a);
}

static void
test_no_prompts(void **state)
{
	static const char y[] = "form: t\nversion: 1\nlanguages: [en]\ntitle: {en: T}\n"
	                        "consent: {text: {en: C}, tiers: [{id: a, label: {en: A}}]}\n"
	                        "questions: [{id: x, type: text, text: {en: X}}]\n";
	struct form_problems probs = { NULL, 0 };
	struct form *f;
	struct answers *a;
	struct err e;
	static const char ok[] = "{\"lang\":\"en\",\"consent\":\"a\",\"prompt\":null,"
	                         "\"answers\":{\"x\":\"hi\"}}";
	char *out;

	(void)state;
	assert_int_equal(form_parse("n.yaml", y, strlen(y), &f, &probs, &e), 0);
	assert_int_equal(answers_from_json(f, ok, strlen(ok), &a, &e), 0);
	assert_int_equal(answers_validate(f, a, &e), 0);
	out = answers_to_json(a);
	assert_string_equal(out, ok);
	answers_json_free(out);
	answers_set_meta(a, "en", "a", "worked");
	assert_int_equal(answers_validate(f, a, &e), -1);
	assert_non_null(strstr(e.msg, "prompt must be null"));
	answers_free(a);
	form_free(f);
}

/* Answers with the given "untouched" list that must not parse. */
static void
expect_bad_untouched(const char *list, const char *want)
{
	char json[512];

	snprintf(json, sizeof json,
	    "{\"lang\":\"fr\",\"consent\":\"public\","
	    "\"prompt\":\"worked\",\"answers\":{\"story\":\"Une histoire assez longue.\","
	    "\"drivers\":[0.5,0.3,0.2],\"equal\":50,\"role\":\"community\"},"
	    "\"untouched\":%s}",
	    list);
	expect_bad_json(json, 0, want);
}

/* "untouched": the scale and triad answers accepted without moving the
 * marker. Read from the optional top-level list, written back only when an
 * answer is untouched (so every other answers JSON is as before), reset by
 * every setter; the list must name answered scale or triad questions, once. */
static void
test_untouched(void **state)
{
	static const char with[] =
	    "{\"lang\":\"fr\",\"consent\":\"public\",\"prompt\":\"worked\",\"answers\":{"
	    "\"story\":\"Une histoire assez longue.\",\"drivers\":[0.5,0.3,0.2],\"equal\":50,"
	    "\"role\":\"community\",\"role_other\":null,\"obstacles\":null,"
	    "\"power_note\":null,\"age\":null},\"untouched\":[\"equal\"]}";
	struct answers *a = load(with), *b;
	const double third[3] = { 1.0 / 3, 1.0 / 3, 1.0 / 3 };
	char *out, *bad;

	(void)state;
	expect_valid(a);
	assert_true(answers_cget(a, "equal")->untouched);
	assert_false(answers_cget(a, "drivers")->untouched);
	out = answers_to_json(a);
	assert_string_equal(out, with);
	answers_json_free(out);
	/* a setter starts a new answer: moved unless said otherwise */
	answers_set_number(a, "equal", 55);
	assert_false(answers_cget(a, "equal")->untouched);
	out = answers_to_json(a);
	assert_null(strstr(out, "untouched"));
	answers_json_free(out);
	/* the centre of a triad, untouched, round trips exactly */
	answers_set_triad(a, "drivers", third);
	answers_set_untouched(a, "drivers", 1);
	out = answers_to_json(a);
	assert_non_null(strstr(out, ",\"untouched\":[\"drivers\"]}"));
	b = load(out);
	assert_true(answers_cget(b, "drivers")->untouched);
	assert_true(answers_cget(b, "drivers")->triad[0] == 1.0 / 3);
	assert_true(answers_cget(b, "drivers")->triad[1] == 1.0 / 3);
	assert_true(answers_cget(b, "drivers")->triad[2] == 1.0 / 3);
	expect_valid(b);
	answers_free(b);
	answers_json_free(out);
	answers_clear(a, "drivers");
	assert_false(answers_cget(a, "drivers")->untouched);
	answers_free(a);

	/* absent or null: every marker moved */
	a = load(valid_json);
	assert_false(answers_cget(a, "equal")->untouched);
	answers_free(a);
	bad = strdup(with);
	strcpy(strstr(bad, "[\"equal\"]"), "null}");
	a = load(bad);
	assert_false(answers_cget(a, "equal")->untouched);
	answers_free(a);
	free(bad);

	expect_bad_untouched("\"equal\"", "\"untouched\" must be a list");
	expect_bad_untouched("[1]", "\"untouched\" must be a list");
	expect_bad_untouched("[\"nope\"]", "untouched: the form has no question \"nope\"");
	expect_bad_untouched("[\"role\"]", "\"role\" is not a scale or triad");
	expect_bad_untouched("[\"equal\",\"equal\"]", "\"equal\" is listed twice");
	expect_bad_json("{\"lang\":\"fr\",\"consent\":\"public\",\"prompt\":\"worked\","
	                "\"answers\":{\"equal\":null},\"untouched\":[\"equal\"]}",
	    0, "answer \"equal\" is null");
}

/* A form whose multi has an exclusive choice and whose number asks for a
 * whole number (issue 13). */
static const char exclusive_yaml[] =
    "form: x\n"
    "version: 1\n"
    "languages: [en, fr]\n"
    "title: {en: T, fr: T}\n"
    "consent: {text: {en: C, fr: C}, tiers: [{id: analysis, label: {en: A, fr: A}}]}\n"
    "questions:\n"
    "  - {id: obstacles, type: multi, text: {en: M, fr: M}, required: false,\n"
    "     choices: [{id: power, label: {en: Power, fr: Pouvoir}},\n"
    "               {id: funding, label: {en: Funding, fr: Financement}},\n"
    "               {id: nothing, label: {en: Nothing got in the way, fr: Rien}, exclusive: "
    "true}]}\n"
    "  - {id: age, type: number, text: {en: A, fr: A}, min: 10, max: 120, integer: true,\n"
    "     required: false}\n";

static struct form *
exclusive_form(void)
{
	struct form_problems probs = { NULL, 0 };
	struct form *f = NULL;
	struct err e;

	if (form_parse("x.yaml", exclusive_yaml, strlen(exclusive_yaml), &f, &probs, &e) != 0) {
		form_problems_free(&probs);
		fail_msg("%s", e.msg);
	}
	return f;
}

/* answers_check_one on question qid: 0, or -1 with a reason containing want. */
static void
expect_one(const struct form *f, const struct answers *a, const char *qid, const char *want)
{
	struct err e;
	int rv = answers_check_one(f, a, form_question(f, qid), &e);

	if (want == NULL) {
		if (rv != 0)
			fail_msg("answers_check_one: %s", e.msg);
		return;
	}
	assert_int_equal(rv, -1);
	if (strstr(e.msg, want) == NULL)
		fail_msg("got \"%s\", want \"%s\"", e.msg, want);
}

static void
test_exclusive(void **state)
{
	struct form *f = exclusive_form();
	struct answers *a = answers_new(f);
	const char *with_power[] = { "power", "nothing" };
	const char *first[] = { "nothing", "funding" };
	const char *three[] = { "power", "funding", "nothing" };
	const char *alone[] = { "nothing" };
	const char *others[] = { "power", "funding" };
	const char *json = "{\"lang\":\"fr\",\"consent\":\"analysis\",\"answers\":"
	                   "{\"obstacles\":[\"nothing\",\"power\"]}}";
	struct err e;

	(void)state;
	answers_set_meta(a, "en", "analysis", NULL);
	answers_set_ids(a, "obstacles", with_power, 2);
	expect_one(f, a, "obstacles",
	    "answer \"obstacles\": \"Nothing got in the way\" "
	    "(nothing) cannot be chosen together with other answers");
	answers_set_ids(a, "obstacles", first, 2);
	expect_one(f, a, "obstacles", "cannot be chosen together with other answers");
	answers_set_ids(a, "obstacles", three, 3);
	expect_one(f, a, "obstacles", "cannot be chosen together with other answers");
	answers_set_ids(a, "obstacles", alone, 1);
	expect_one(f, a, "obstacles", NULL);
	answers_set_ids(a, "obstacles", others, 2);
	expect_one(f, a, "obstacles", NULL);
	answers_free(a);

	/* The same through the JSON `storykiosk add` reads, named in the
	 * story's language. */
	a = NULL;
	assert_int_equal(answers_from_json(f, json, strlen(json), &a, &e), 0);
	assert_int_equal(answers_validate(f, a, &e), -1);
	assert_non_null(strstr(e.msg, "\"Rien\" (nothing) cannot be chosen together"));
	answers_free(a);
	form_free(f);
}

static void
test_integer(void **state)
{
	struct form *f = exclusive_form();
	struct answers *a = answers_new(f);
	const char *json = "{\"lang\":\"en\",\"consent\":\"analysis\",\"answers\":"
	                   "{\"age\":33.5}}";
	struct err e;

	(void)state;
	assert_true(form_question(f, "age")->integer);
	answers_set_number(a, "age", 33.5);
	expect_one(f, a, "age", "answer \"age\": 33.5 is not a whole number");
	answers_set_number(a, "age", 10.000001);
	expect_one(f, a, "age", "is not a whole number");
	answers_set_number(a, "age", 33);
	expect_one(f, a, "age", NULL);
	answers_set_number(a, "age", 9);
	expect_one(f, a, "age", "below the minimum");
	answers_free(a);

	a = NULL;
	assert_int_equal(answers_from_json(f, json, strlen(json), &a, &e), 0);
	assert_int_equal(answers_validate(f, a, &e), -1);
	assert_non_null(strstr(e.msg, "33.5 is not a whole number"));
	answers_free(a);
	form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_setters),
		cmocka_unit_test(test_missing_ids_are_null),
		cmocka_unit_test(test_bad_json),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_escapes_in_json),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_show_if),
		cmocka_unit_test(test_meta),
		cmocka_unit_test(test_no_prompts),
		cmocka_unit_test(test_untouched),
		cmocka_unit_test(test_exclusive),
		cmocka_unit_test(test_integer),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
