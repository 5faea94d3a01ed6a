/* test-form: the form parser and every check `check-form` makes, each with
 * the line it must be reported on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "xmalloc.h"

/* Lines 1-13 of every test form; questions added after start at line 14. */
#define HEAD \
	"form: t\n" \
	"version: 1\n" \
	"languages: [en, fr]\n" \
	"title: {en: T, fr: T}\n" \
	"consent:\n" \
	"  text: {en: C, fr: C}\n" \
	"  tiers:\n" \
	"    - {id: a, label: {en: A, fr: A}}\n" \
	"    - {id: b, label: {en: B, fr: B}}\n" \
	"prompts:\n" \
	"  - {id: p, text: {en: P, fr: P}}\n" \
	"questions:\n" \
	"  - {id: story, type: story, min: 5, max: 100}\n"

static const char all_types[] = HEAD
    "  - id: drivers\n" /* 14 */
    "    type: triad\n"
    "    text: {en: D, fr: D}\n"
    "    corners: [{en: x, fr: x}, {en: y, fr: y}, {en: z, fr: z}]\n"
    "  - {id: equal, type: scale, text: {en: E, fr: \"É\"}, poles: [{en: l, fr: l}, {en: r, fr: "
    "r}]}\n"
    "  - id: role\n" /* 19 */
    "    type: choice\n"
    "    text: {en: R, fr: R}\n"
    "    choices:\n"
    "      - {id: community, label: {en: Community, fr: \"Communauté\"}}\n"
    "      - {id: other, label: {en: Other, fr: Autre}}\n"
    "  - {id: role_other, type: text, text: {en: O, fr: O}, required: false, show_if: {role: "
    "other}}\n"
    "  - id: obstacles\n" /* 26 */
    "    type: multi\n"
    "    required: false\n"
    "    text: {en: M, fr: M}\n"
    "    choices: [{id: power, label: {en: P, fr: P}}, {id: funding, label: {en: F, fr: F}}]\n"
    "  - {id: age, type: number, text: {en: A, fr: A}, min: 10, max: 120, required: false}\n"
    "  - {id: more, type: text, text: {en: M, fr: M}, show_if: {obstacles: [power, funding]}}\n"
    "settings: {idle_timeout: 300, unsubmitted: discard}\n";

static struct form *
parse_ok(const char *yaml)
{
	struct form_problems probs = { NULL, 0 };
	struct form *f = NULL;
	struct err e;
	size_t i;

	if (form_parse("t.yaml", yaml, strlen(yaml), &f, &probs, &e) != 0) {
		for (i = 0; i < probs.n; i++)
			print_error("t.yaml:%d: %s\n", probs.v[i].line, probs.v[i].message);
		form_problems_free(&probs);
		fail_msg("form did not parse");
	}
	assert_int_equal(probs.n, 0);
	assert_non_null(f);
	return f;
}

/* The form must fail, with a problem on line containing want. */
static void
expect_problem(const char *yaml, int line, const char *want)
{
	struct form_problems probs = { NULL, 0 };
	struct form *f = (struct form *)1;
	struct err e;
	size_t i;
	int found = 0;

	assert_int_equal(form_parse("t.yaml", yaml, strlen(yaml), &f, &probs, &e), -1);
	assert_null(f);
	assert_true(probs.n > 0);
	assert_true(strncmp(e.msg, "t.yaml:", 7) == 0);
	for (i = 0; i < probs.n; i++) {
		if (probs.v[i].line == line && strstr(probs.v[i].message, want))
			found = 1;
	}
	if (!found) {
		for (i = 0; i < probs.n; i++)
			print_error("got t.yaml:%d: %s\n", probs.v[i].line, probs.v[i].message);
		form_problems_free(&probs);
		fail_msg("no problem \"%s\" on line %d", want, line);
	}
	form_problems_free(&probs);
}

static void
test_all_types(void **state)
{
	struct form *f = parse_ok(all_types);
	const struct question *q;

	(void)state;
	assert_string_equal(f->id, "t");
	assert_int_equal(f->version, 1);
	assert_int_equal(f->nlanguages, 2);
	assert_int_equal(f->idle_timeout, 300);
	assert_int_equal(f->unsubmitted_keep, 0);
	assert_int_equal(f->ntiers, 2);
	assert_int_equal(form_tier_rank(f, "a"), 0);
	assert_int_equal(form_tier_rank(f, "b"), 1);
	assert_int_equal(form_tier_rank(f, "zz"), -1);
	assert_non_null(form_tier(f, "b"));
	assert_non_null(form_prompt(f, "p"));
	assert_null(form_prompt(f, "q"));
	assert_true(form_has_language(f, "fr"));
	assert_false(form_has_language(f, "sw"));
	assert_int_equal(f->nquestions, 8);

	q = form_question(f, "story");
	assert_int_equal(q->type, Q_STORY);
	assert_int_equal(q->line, 13);
	assert_true(q->required);
	assert_true(q->has_min && q->has_max);
	assert_true(q->min == 5 && q->max == 100);

	q = form_question(f, "drivers");
	assert_int_equal(q->type, Q_TRIAD);
	assert_int_equal(q->line, 14);
	assert_string_equal(form_text(&q->corners[2], "fr"), "z");

	q = form_question(f, "equal");
	assert_int_equal(q->type, Q_SCALE);
	assert_string_equal(form_text(&q->text, "fr"), "É");
	assert_string_equal(form_text(&q->text, "sw"), "E"); /* falls back */
	assert_string_equal(form_text(&q->poles[1], "en"), "r");

	q = form_question(f, "role");
	assert_int_equal(q->type, Q_CHOICE);
	assert_int_equal(q->nchoices, 2);
	assert_string_equal(form_text(&question_choice(q, "community")->label, "fr"), "Communauté");
	assert_int_equal(question_choice(q, "other")->line, 24);
	assert_null(question_choice(q, "nope"));

	q = form_question(f, "role_other");
	assert_int_equal(q->type, Q_TEXT);
	assert_false(q->required);
	assert_string_equal(q->show_if_id, "role");
	assert_int_equal(q->nshow_if_values, 1);
	assert_string_equal(q->show_if_values[0], "other");

	q = form_question(f, "obstacles");
	assert_int_equal(q->type, Q_MULTI);
	assert_false(q->required);

	q = form_question(f, "age");
	assert_int_equal(q->type, Q_NUMBER);
	assert_true(q->min == 10 && q->max == 120);

	q = form_question(f, "more");
	assert_int_equal(q->nshow_if_values, 2);
	assert_string_equal(q->show_if_values[1], "funding");
	assert_null(form_question(f, "nope"));

	assert_string_equal(question_type_name(Q_TRIAD), "triad");
	assert_string_equal(question_type_name(Q_MULTI), "multi");
	form_free(f);
}

static void
test_defaults(void **state)
{
	struct form *f = parse_ok(HEAD);

	(void)state;
	assert_int_equal(f->idle_timeout, 120);
	assert_int_equal(f->unsubmitted_keep, 1);
	assert_int_equal(f->nquestions, 1);
	form_free(f);
	form_free(NULL);
}

static void
test_block_text(void **state)
{
	struct form *f;

	(void)state;
	f = parse_ok(HEAD "  - id: t\n"
	                  "    type: text\n"
	                  "    text:\n"
	                  "      en: |\n"
	                  "        Line one\n"
	                  "        line two\n"
	                  "      fr: \"Un\"\n");
	assert_string_equal(form_text(&form_question(f, "t")->text, "en"), "Line one\nline two");
	form_free(f);
}

static void
test_partnership(void **state)
{
	struct form_problems probs = { NULL, 0 };
	struct form *f = NULL;
	struct err e;
	const char *top = getenv("TOP");
	char *path;
	size_t i;

	(void)state;
	path = xasprintf("%s/forms/partnership.yaml", top != NULL ? top : ".");
	if (form_load(path, &f, &probs, &e) != 0) {
		for (i = 0; i < probs.n; i++)
			print_error("%d: %s\n", probs.v[i].line, probs.v[i].message);
		fail_msg("%s", e.msg);
	}
	assert_string_equal(f->id, "partnership-stories");
	assert_int_equal(f->nlanguages, 3);
	assert_true(form_has_language(f, "sw"));
	assert_int_equal(f->ntiers, 3);
	assert_int_equal(form_tier_rank(f, "public"), 2);
	assert_true(f->nprompts >= 2);
	assert_int_equal(form_question(f, "story")->type, Q_STORY);
	assert_int_equal(form_question(f, "drivers")->type, Q_TRIAD);
	assert_int_equal(form_question(f, "role")->type, Q_CHOICE);
	assert_string_equal(form_question(f, "role_other")->show_if_id, "role");
	assert_int_equal(form_question(f, "obstacles")->type, Q_MULTI);
	assert_true(question_choice(form_question(f, "obstacles"), "nothing")->exclusive);
	assert_false(question_choice(form_question(f, "obstacles"), "power")->exclusive);
	assert_true(form_question(f, "age")->integer);
	assert_int_equal(f->idle_timeout, 120);
	assert_true(f->unsubmitted_keep);
	form_free(f);
	free(path);
}

static void
test_load_missing(void **state)
{
	struct form_problems probs = { NULL, 0 };
	struct form *f = NULL;
	struct err e;

	(void)state;
	assert_int_equal(form_load("/nonexistent/x.yaml", &f, &probs, &e), -1);
	assert_null(f);
	assert_int_equal(probs.n, 1);
	assert_int_equal(probs.v[0].line, 0);
	form_problems_free(&probs);
}

static void
test_syntax_error(void **state)
{
	(void)state;
	expect_problem("form: t\nversion: 1\n  bad: [\n", 3, "YAML syntax error");
	expect_problem("form: t\nversion: [1\n", 3, "YAML syntax error");
	expect_problem("", 0, "empty");
	expect_problem("- a\n- b\n", 1, "must be a mapping");
	expect_problem(HEAD "---\nform: u\n", 14, "one YAML document");
}

static void
test_unknown_keys(void **state)
{
	(void)state;
	expect_problem(HEAD "titel: {en: x}\n", 14, "unknown key \"titel\"");
	expect_problem(
	    HEAD "  - {id: x, type: text, txt: {en: a, fr: a}}\n", 14, "unknown key \"txt\"");
	expect_problem(HEAD "settings: {idle: 5}\n", 14, "unknown key \"idle\"");
	expect_problem(HEAD "form: u\n", 14, "\"form\" is given twice");
	expect_problem(HEAD "  - {id: x, type: text, min: 1, text: {en: a, fr: a}, "
	                    "poles: []}\n",
	    14, "\"poles\" is not used by text questions");
	expect_problem(HEAD "  - {id: x, type: scale, min: 1, text: {en: a, fr: a}, "
	                    "poles: [{en: a, fr: a}, {en: b, fr: b}]}\n",
	    14, "\"min\" is not used by scale questions");
}

static void
test_missing_keys(void **state)
{
	(void)state;
	expect_problem(
	    "form: t\nversion: 1\nlanguages: [en]\nquestions: []\n", 1, "missing \"title\"");
	expect_problem(
	    "form: t\nversion: 1\nlanguages: [en]\nquestions: []\n", 1, "missing \"consent\"");
	expect_problem("form: t\nversion: 1\nlanguages: [en]\ntitle: {en: T}\n"
	               "consent: {text: {en: C}, tiers: [{id: a, label: {en: A}}]}\n"
	               "questions: []\n",
	    6, "at least one question");
	expect_problem("form: t\nversion: 1\nlanguages: [en]\ntitle: {en: T}\n"
	               "consent: {tiers: [{id: a, label: {en: A}}]}\n"
	               "questions: [{id: x, type: text, text: {en: X}}]\n",
	    5, "missing \"text\"");
	expect_problem(HEAD "  - {type: text, text: {en: a, fr: a}}\n", 14, "missing \"id\"");
	expect_problem(HEAD "  - {id: x, text: {en: a, fr: a}}\n", 14, "missing \"type\"");
	expect_problem(HEAD "  - {id: x, type: text}\n", 14, "missing \"text\"");
	expect_problem(
	    HEAD "  - {id: x, type: scale, text: {en: a, fr: a}}\n", 14, "needs \"poles\"");
	expect_problem(
	    HEAD "  - {id: x, type: triad, text: {en: a, fr: a}}\n", 14, "needs \"corners\"");
	expect_problem(
	    HEAD "  - {id: x, type: multi, text: {en: a, fr: a}}\n", 14, "needs \"choices\"");
}

static void
test_unknown_type(void **state)
{
	(void)state;
	expect_problem(HEAD "  - {id: x,\n     type: slider, text: {en: a, fr: a}}\n", 15,
	    "unknown type \"slider\"");
}

static void
test_translations(void **state)
{
	(void)state;
	expect_problem(HEAD "  - id: x\n    type: text\n    text: {en: a}\n", 16,
	    "missing the \"fr\" translation");
	expect_problem(HEAD "  - id: x\n    type: text\n    text:\n      en: a\n"
	                    "      fr: \"\"\n",
	    18, "the \"fr\" text is empty");
	expect_problem(HEAD "  - id: x\n    type: text\n    text:\n      en: a\n"
	                    "      fr: a\n      de: b\n",
	    19, "\"de\" is not one of the form's languages");
	expect_problem(
	    HEAD "  - id: x\n    type: text\n    text: hello\n", 16, "must be a mapping");
	/* title, consent, tier labels, prompts, poles, corners, choices */
	expect_problem("form: t\nversion: 1\nlanguages: [en, fr]\ntitle: {en: T}\n", 4,
	    "title: missing the \"fr\"");
	expect_problem(HEAD "  - {id: x, type: scale, text: {en: a, fr: a},\n"
	                    "     poles: [{en: a, fr: a}, {en: b}]}\n",
	    15, "pole 2: missing the \"fr\"");
	expect_problem(HEAD "  - {id: x, type: triad, text: {en: a, fr: a},\n"
	                    "     corners: [{en: a, fr: a}, {en: b, fr: b}, {fr: c}]}\n",
	    15, "corner 3: missing the \"en\"");
	expect_problem(HEAD "  - {id: x, type: choice, text: {en: a, fr: a},\n"
	                    "     choices: [{id: c, label: {en: a}}]}\n",
	    15, "missing the \"fr\"");
	expect_problem("form: t\nversion: 1\nlanguages: [en, fr]\ntitle: {en: T, fr: T}\n"
	               "consent:\n  text: {en: C}\n",
	    6, "consent: text: missing the \"fr\"");
	expect_problem(
	    "form: t\nversion: 1\nlanguages: [en, fr]\ntitle: {en: T, fr: T}\n"
	    "consent:\n  text: {en: C, fr: C}\n  tiers:\n    - {id: a, label: {fr: A}}\n",
	    8, "consent tier \"a\": label: missing the \"en\"");
	expect_problem("form: t\nversion: 1\nlanguages: [en, fr]\n"
	               "prompts:\n  - {id: p, text: {en: P}}\n",
	    5, "prompt \"p\": text: missing");
}

static void
test_unsafe_text(void **state)
{
	(void)state;
	expect_problem(HEAD "  - id: x\n    type: text\n    text: {en: \"a\\e[31m\", fr: a}\n", 16,
	    "control or invisible");
	expect_problem(HEAD "  - id: x\n    type: text\n    text: {en: \"a\\u202Eb\", fr: a}\n", 16,
	    "control or invisible");
	expect_problem(
	    HEAD "  - id: x\n    type: text\n    text: {en: \"a\\0b\", fr: a}\n", 16, "NUL");
	expect_problem(HEAD "  - {id: x, type: choice, text: {en: a, fr: a},\n"
	                    "     choices: [{id: c, label: {en: \"a\\nb\", fr: a}}]}\n",
	    15, "one line");
	expect_problem("form: t\nversion: 1\nlanguages: [en]\ntitle: {en: \"\\x01\"}\n", 4,
	    "control or invisible");
}

static void
test_duplicate_ids(void **state)
{
	(void)state;
	expect_problem(HEAD "  - {id: x, type: text, text: {en: a, fr: a}}\n"
	                    "  - {id: x, type: text, text: {en: a, fr: a}}\n",
	    15, "question id \"x\" is used twice");
	expect_problem(HEAD "  - {id: x, type: multi, text: {en: a, fr: a}, choices: [\n"
	                    "     {id: c, label: {en: a, fr: a}},\n"
	                    "     {id: c, label: {en: a, fr: a}}]}\n",
	    16, "choice id \"c\" is used twice");
	expect_problem("form: t\nversion: 1\nlanguages: [en]\nconsent:\n  text: {en: C}\n"
	               "  tiers:\n    - {id: a, label: {en: A}}\n    - {id: a, label: {en: B}}\n",
	    8, "consent tier id \"a\" is used twice");
	expect_problem("form: t\nversion: 1\nlanguages: [en]\nprompts:\n"
	               "  - {id: p, text: {en: P}}\n  - {id: p, text: {en: P}}\n",
	    6, "prompt id \"p\" is used twice");
	expect_problem(
	    "form: t\nversion: 1\nlanguages: [en, fr, en]\n", 3, "\"en\" is listed twice");
}

static void
test_id_syntax(void **state)
{
	(void)state;
	expect_problem(HEAD "  - {id: Bad, type: text, text: {en: a, fr: a}}\n", 14,
	    "\"Bad\" is not a valid id");
	expect_problem(
	    HEAD "  - {id: \"a b\", type: text, text: {en: a, fr: a}}\n", 14, "not a valid id");
	expect_problem(
	    HEAD "  - {id: \"\", type: text, text: {en: a, fr: a}}\n", 14, "not a valid id");
	expect_problem(HEAD
	    "  - {id: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,"
	    " type: text, text: {en: a, fr: a}}\n",
	    14, "not a valid id");
	expect_problem(
	    HEAD "  - {id: [x], type: text, text: {en: a, fr: a}}\n", 14, "must be a single value");
	expect_problem("form: Partnership\n", 1, "not a valid id");
}

static void
test_show_if(void **state)
{
	(void)state;
	expect_problem(HEAD "  - {id: x, type: text, text: {en: a, fr: a},\n"
	                    "     show_if: {nope: a}}\n",
	    15, "\"nope\", which is not a question");
	expect_problem(HEAD "  - {id: x, type: text, text: {en: a, fr: a},\n"
	                    "     show_if: {x: a}}\n",
	    15, "the question itself");
	expect_problem(HEAD "  - {id: x, type: text, text: {en: a, fr: a},\n"
	                    "     show_if: {y: c}}\n"
	                    "  - {id: y, type: choice, text: {en: a, fr: a}, choices: [{id: c, "
	                    "label: {en: a, fr: a}}]}\n",
	    15, "comes later");
	expect_problem(HEAD "  - {id: x, type: text, text: {en: a, fr: a}}\n"
	                    "  - {id: y, type: text, text: {en: a, fr: a}, show_if: {x: a}}\n",
	    15, "only choice and multi questions");
	expect_problem(HEAD "  - {id: x, type: choice, text: {en: a, fr: a}, choices: [{id: c, "
	                    "label: {en: a, fr: a}}]}\n"
	                    "  - {id: y, type: text, text: {en: a, fr: a},\n"
	                    "     show_if: {x: [c, d]}}\n",
	    16, "\"d\" is not a choice of \"x\"");
	expect_problem(HEAD
	    "  - {id: x, type: choice, text: {en: a, fr: a}, choices: [{id: c, label: {en: a, fr: "
	    "a}}]}\n"
	    "  - {id: y, type: text, text: {en: a, fr: a}, show_if: {x: c, z: c}}\n",
	    15, "exactly one earlier question");
	expect_problem(HEAD "  - {id: x, type: choice, text: {en: a, fr: a}, choices: [{id: c, "
	                    "label: {en: a, fr: a}}]}\n"
	                    "  - {id: y, type: text, text: {en: a, fr: a}, show_if: x}\n",
	    15, "must be a mapping");
}

static void
test_lists(void **state)
{
	(void)state;
	expect_problem("form: t\nversion: 1\nlanguages: [en]\nconsent:\n  text: {en: C}\n"
	               "  tiers: []\n",
	    6, "tiers: list 1 to");
	expect_problem(HEAD "  - {id: x, type: choice, text: {en: a, fr: a},\n"
	                    "     choices: []}\n",
	    15, "list 1 to 100 choices");
	expect_problem(HEAD "  - {id: x, type: scale, text: {en: a, fr: a},\n"
	                    "     poles: [{en: a, fr: a}]}\n",
	    15, "exactly 2 poles, not 1");
	expect_problem(HEAD "  - {id: x, type: scale, text: {en: a, fr: a},\n"
	                    "     poles: [{en: a, fr: a}, {en: a, fr: a}, {en: a, fr: a}]}\n",
	    15, "exactly 2 poles, not 3");
	expect_problem(HEAD "  - {id: x, type: triad, text: {en: a, fr: a},\n"
	                    "     corners: [{en: a, fr: a}, {en: a, fr: a}]}\n",
	    15, "exactly 3 corners, not 2");
}

static void
test_ranges(void **state)
{
	(void)state;
	expect_problem(HEAD "  - {id: x, type: number, text: {en: a, fr: a},\n"
	                    "     min: 10, max: 5}\n",
	    15, "min 10 is greater than max 5");
	expect_problem(HEAD "  - {id: x, type: text, text: {en: a, fr: a}, min: 9, max: 3}\n", 14,
	    "greater than max");
	expect_problem(HEAD "  - {id: x, type: number, text: {en: a, fr: a}, min: many}\n", 14,
	    "must be a number");
	expect_problem(HEAD "  - {id: x, type: number, text: {en: a, fr: a}, max: .inf}\n", 14,
	    "must be a number");
	expect_problem(HEAD "  - {id: x, type: text, text: {en: a, fr: a}, required: maybe}\n", 14,
	    "true or false");
	expect_problem("form: t\nversion: 1\nlanguages: [en]\nprompts: [{id: p, text: {en: P}}]\n"
	               "questions:\n  - {id: s, type: story,\n     min: -1}\n",
	    7, "whole number of at least 0");
	expect_problem("form: t\nversion: 1\nlanguages: [en]\nprompts: [{id: p, text: {en: P}}]\n"
	               "questions:\n  - {id: s, type: story, max: -5}\n",
	    6, "whole number of at least 0");
	expect_problem(HEAD "settings:\n  idle_timeout: 5\n", 15, "from 10 to 3600");
	expect_problem(HEAD "settings:\n  idle_timeout: 3601\n", 15, "from 10 to 3600");
	expect_problem(HEAD "settings:\n  unsubmitted: maybe\n", 15, "keep or discard");
	expect_problem("form: t\nversion: 0\n", 2, "version must be a whole number");
	expect_problem("form: t\nversion: 1.5\n", 2, "version must be a whole number");
	expect_problem("form: t\nversion: -3\n", 2, "version must be a whole number");
}

static void
test_languages(void **state)
{
	(void)state;
	expect_problem("form: t\nversion: 1\nlanguages: []\n", 3, "at least one language");
	expect_problem("form: t\nversion: 1\nlanguages: [en, English]\n", 3,
	    "\"English\" is not a language code");
	expect_problem("form: t\nversion: 1\nlanguages: [en, e]\n", 3, "not a language code");
	expect_problem("form: t\nversion: 1\nlanguages: [en, pt_BR]\n", 3, "not a language code");
	expect_problem("form: t\nversion: 1\nlanguages: en\n", 3, "must be a list");
}

static void
test_story_rules(void **state)
{
	(void)state;
	expect_problem(HEAD "  - {id: s2, type: story}\n", 14, "at most one story question");
	expect_problem("form: t\nversion: 1\nlanguages: [en]\n"
	               "questions:\n  - {id: s, type: story}\n",
	    5, "needs at least one prompt");
}

static void
test_every_problem(void **state)
{
	const char *yaml = "form: T\nversion: 0\nlanguages: [en]\ntitle: {fr: x}\n"
	                   "settings: {idle_timeout: 1, unsubmitted: no}\n";
	struct form_problems probs = { NULL, 0 };
	struct form *f;
	struct err e;
	size_t i;

	(void)state;
	assert_int_equal(form_parse("x.yaml", yaml, strlen(yaml), &f, &probs, &e), -1);
	/* form id, version, title (language, missing), idle, unsubmitted,
	 * missing consent, missing questions */
	assert_int_equal(probs.n, 8);
	for (i = 1; i < probs.n; i++)
		assert_true(probs.v[i - 1].line <= probs.v[i].line);
	assert_non_null(strstr(e.msg, "(and 7 more)"));
	assert_true(strncmp(e.msg, "x.yaml:1: ", 10) == 0);
	form_problems_free(&probs);
}

static void
test_size_cap(void **state)
{
	struct form_problems probs = { NULL, 0 };
	struct form *f;
	struct err e;
	size_t len = 1024 * 1024 + 1;
	char *big = xmalloc(len);

	(void)state;
	memset(big, '#', len);
	assert_int_equal(form_parse("big.yaml", big, len, &f, &probs, &e), -1);
	assert_int_equal(probs.n, 1);
	assert_non_null(strstr(probs.v[0].message, "larger than"));
	form_problems_free(&probs);
	free(big);
}

/* Nesting deeper than 16 collections is refused where it goes too deep,
 * before libyaml builds a document (its scanner slows with the square of
 * the depth: a 1 MiB form of '[' would take minutes), whatever the style. */
static void
test_nesting_depth(void **state)
{
	size_t n = 512 * 1024 - 8, i;
	char *yaml, *p;
	int depth;

	(void)state;
	for (depth = 15; depth <= 16; depth++) {
		yaml = xmalloc(6 + 2 * (size_t)depth + 2);
		p = yaml + sprintf(yaml, "form: ");
		memset(p, '[', (size_t)depth);
		memset(p + depth, ']', (size_t)depth);
		strcpy(p + 2 * depth, "\n");
		if (depth == 15) /* 16 levels with the form's mapping: allowed */
			expect_problem(yaml, 1, "form must be a single value");
		else
			expect_problem(yaml, 1, "nesting too deep (more than 16 levels)");
		free(yaml);
	}
	/* the 1 MiB cap filled with '[' and ']' */
	yaml = xmalloc(6 + 2 * n + 1);
	p = yaml + sprintf(yaml, "form: ");
	memset(p, '[', n);
	memset(p + n, ']', n);
	p[2 * n] = '\0';
	expect_problem(yaml, 1, "nesting too deep");
	free(yaml);
	/* block style, one level per line: refused on the line of level 17 */
	yaml = xstrdup("");
	for (i = 0; i < 40; i++) {
		p = xasprintf("%s%*sa:\n", yaml, (int)i, "");
		free(yaml);
		yaml = p;
	}
	expect_problem(yaml, 17, "nesting too deep");
	free(yaml);
}

static void
test_problem_cap(void **state)
{
	struct form_problems probs = { NULL, 0 };
	struct form *f;
	struct err e;
	char *yaml, *q, *t;
	int i;

	(void)state;
	/* one question with 60 unknown keys, repeated 150 times by alias */
	q = xstrdup("questions:\n  - &q {id: x");
	for (i = 0; i < 60; i++) {
		t = xasprintf("%s, k%d: 1", q, i);
		free(q);
		q = t;
	}
	yaml = xasprintf("form: t\n%s}\n", q);
	free(q);
	for (i = 0; i < 150; i++) {
		t = xasprintf("%s  - *q\n", yaml);
		free(yaml);
		yaml = t;
	}
	assert_int_equal(form_parse("t.yaml", yaml, strlen(yaml), &f, &probs, &e), -1);
	assert_int_equal(probs.n, 501);
	form_problems_free(&probs);
	free(yaml);

	expect_problem(HEAD
	    "  - {id: x, type: text, text: {en: a, fr: a, a1: x, a2: x, "
	    "a3: x, a4: x, a5: x, a6: x, a7: x, a8: x, a9: x, b1: x, b2: x, b3: x, b4: x, "
	    "b5: x, b6: x, b7: x, b8: x, b9: x, c1: x}}\n",
	    14, "more texts than languages");
}

/* exclusive (a multi's choice ticked alone) and integer (a number asking
 * for a whole number): parsed, and every misuse reported on its line. */
static void
test_exclusive_integer(void **state)
{
	struct form *f;
	const struct question *q;

	(void)state;
	f = parse_ok(HEAD
	    "  - id: obstacles\n"
	    "    type: multi\n"
	    "    text: {en: M, fr: M}\n"
	    "    choices:\n"
	    "      - {id: power, label: {en: P, fr: P}, exclusive: false}\n"
	    "      - {id: funding, label: {en: F, fr: F}}\n"
	    "      - {id: nothing, label: {en: N, fr: N}, exclusive: true}\n"
	    "  - {id: age, type: number, text: {en: A, fr: A}, min: 10, max: 120, integer: true}\n"
	    "  - {id: weight, type: number, text: {en: W, fr: W}, integer: false}\n");
	q = form_question(f, "obstacles");
	assert_false(question_choice(q, "power")->exclusive);
	assert_false(question_choice(q, "funding")->exclusive);
	assert_true(question_choice(q, "nothing")->exclusive);
	assert_true(form_question(f, "age")->integer);
	assert_false(form_question(f, "weight")->integer);
	assert_false(form_question(f, "story")->integer);
	form_free(f);

	/* exclusive only on a multi's choices, and only true or false */
	expect_problem(HEAD "  - id: role\n    type: choice\n    text: {en: R, fr: R}\n"
	                    "    choices:\n      - {id: a, label: {en: A, fr: A}}\n"
	                    "      - {id: b, label: {en: B, fr: B},\n         exclusive: true}\n",
	    20, "question \"role\": choice \"b\": exclusive is only for multi questions");
	expect_problem(HEAD
	    "  - id: m\n    type: multi\n    text: {en: R, fr: R}\n"
	    "    choices:\n      - {id: a, label: {en: A, fr: A}, exclusive: yes}\n",
	    18, "question \"m\": choice \"a\": exclusive must be true or false");
	expect_problem(HEAD "  - {id: m, type: multi, text: {en: R, fr: R},\n"
	                    "     choices: [{id: a, label: {en: A, fr: A}, exclusive: [true]}]}\n",
	    15, "exclusive must be a single value");
	expect_problem(HEAD "  - {id: m, type: multi, text: {en: R, fr: R},\n"
	                    "     choices: [{id: a, label: {en: A, fr: A}, exclusiv: true}]}\n",
	    15, "unknown key \"exclusiv\" (expected one of: id, label, exclusive)");
	/* tiers and prompts take no exclusive */
	expect_problem("form: t\nversion: 1\nlanguages: [en]\nconsent:\n  text: {en: C}\n"
	               "  tiers:\n    - {id: a, label: {en: A}, exclusive: true}\n",
	    7, "unknown key \"exclusive\" (expected one of: id, label)");

	/* integer only on number questions, true or false, whole bounds */
	expect_problem(HEAD "  - {id: x, type: text, text: {en: a, fr: a}, integer: true}\n", 14,
	    "question \"x\": \"integer\" is not used by text questions");
	expect_problem(HEAD "  - id: x\n    type: number\n    text: {en: a, fr: a}\n"
	                    "    integer: 1\n",
	    17, "question \"x\": integer must be true or false");
	expect_problem(HEAD "  - id: x\n    type: number\n    text: {en: a, fr: a}\n"
	                    "    integer: true\n    min: 0.5\n    max: 99\n",
	    18, "question \"x\": min 0.5 is not a whole number, but the question asks for one");
	expect_problem(HEAD "  - id: x\n    type: number\n    text: {en: a, fr: a}\n"
	                    "    max: 99.9\n    integer: true\n",
	    17, "question \"x\": max 99.9 is not a whole number");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_types),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_block_text),
		cmocka_unit_test(test_partnership),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_missing_keys),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_translations),
		cmocka_unit_test(test_unsafe_text),
		cmocka_unit_test(test_duplicate_ids),
		cmocka_unit_test(test_id_syntax),
		cmocka_unit_test(test_show_if),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_story_rules),
		cmocka_unit_test(test_every_problem),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_problem_cap),
		cmocka_unit_test(test_nesting_depth),
		cmocka_unit_test(test_exclusive_integer),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
