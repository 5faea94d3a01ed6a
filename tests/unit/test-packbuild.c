/* The hub side of feedback packs, on a real hub store: which stories may go
 * in (packbuild.c: tier, status, form, withdrawn, unknown code, search),
 * the summary figures (packsum.c: counts per choice, a multi's choice once
 * per story, unknown values left out, the median of an even count, the
 * triad centre in per mille summing to 1000), the note file (packnote.c),
 * and the store's pack operations (sequence, publish, newest). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "feedback.h"
#include "fsutil.h"
#include "hubstore.h"
#include "packbuild.h"
#include "packnote.h"
#include "packsum.h"
#include "story.h"
#include "testutil.h"
#include "xmalloc.h"

static const char form_yaml[] =
    "form: f\n"
    "version: 3\n"
    "languages: [en, sw]\n"
    "title: {en: T, sw: T}\n"
    "consent:\n"
    "  text: {en: C, sw: C}\n"
    "  tiers: [{id: analysis, label: {en: A, sw: A}}, {id: quotes, label: {en: Q, sw: Q}},\n"
    "          {id: public, label: {en: P, sw: P}}]\n"
    "prompts: [{id: worked, text: {en: W, sw: Wsw}}]\n"
    "questions:\n"
    "  - {id: story, type: story, min: 1, max: 200}\n"
    "  - {id: role, type: choice, text: {en: R, sw: Rsw},\n"
    "     choices: [{id: a, label: {en: La, sw: Lasw}}, {id: b, label: {en: Lb, sw: Lb}},\n"
    "               {id: c, label: {en: Lc, sw: Lc}}]}\n"
    "  - {id: obst, type: multi, text: {en: M, sw: M}, required: false,\n"
    "     choices: [{id: x, label: {en: X, sw: X}}, {id: y, label: {en: Y, sw: Y}}]}\n"
    "  - {id: equal, type: scale, text: {en: E, sw: E}, poles: [{en: p, sw: p}, {en: q, sw: q}]}\n"
    "  - {id: drivers, type: triad, text: {en: D, sw: D},\n"
    "     corners: [{en: a, sw: a}, {en: b, sw: b}, {en: c, sw: c}]}\n"
    "  - {id: age, type: number, text: {en: N, sw: N}, required: false}\n";

#define TYPES \
	"{\"story\":\"story\",\"role\":\"choice\",\"obst\":\"multi\",\"equal\":\"scale\"," \
	"\"drivers\":\"triad\",\"age\":\"number\"}"

struct fixture {
	char *dir;
	struct hubstore *hs;
	struct form *f;
};

static struct fixture *fx;

/* Store one story: n makes its id, the rest its payload. */
static void
put(int n, const char *code, const char *form, const char *lang, const char *consent, int status,
    const char *answers, const char *text)
{
	struct payload p = { 0 };
	struct hub_story_in in = { 0 };
	enum hub_put result;
	struct err e;

	memset(in.id, n, sizeof in.id);
	memset(in.content_hash, n, sizeof in.content_hash);
	memset(in.kiosk_id, 7, sizeof in.kiosk_id);
	in.seq = (uint64_t)n;
	in.status = status;
	in.source = SOURCE_PAPER;
	p.code = (char *)code;
	p.form = (char *)form;
	p.form_version = 3;
	p.lang = (char *)lang;
	p.consent = (char *)consent;
	p.prompt = (char *)"worked";
	p.answers = (char *)answers;
	p.types = (char *)TYPES;
	in.p = &p;
	in.text = text;
	if (fx->hs->ops->story_put(fx->hs, &in, &result, &e) == -1)
		fail_msg("%s", e.msg);
}

static int
withdrawn(const struct hub_story *s, void *ctx, struct err *e)
{
	(void)s;
	(void)ctx;
	(void)e;
	return 0;
}

static int
setup(void **state)
{
	struct form_problems probs = { 0 };
	struct err e;
	char *db;
	size_t n;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	fx = xcalloc(1, sizeof *fx);
	fx->dir = testutil_tmpdir();
	db = fsutil_join(fx->dir, "hub.db");
	if (hubstore_open(db, HUBSTORE_CREATE, &fx->hs, &e) == -1 ||
	    form_parse("f.yaml", form_yaml, strlen(form_yaml), &fx->f, &probs, &e) == -1) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	free(db);
	put(1, "AAA-AAA", "f", "sw", "public", STATUS_SUBMITTED,
	    "{\"story\":\"Hadithi ya kisima\",\"role\":\"a\",\"obst\":[\"x\",\"y\",\"x\"],"
	    "\"equal\":10,\"drivers\":[1,0,0],\"age\":30}",
	    "Hadithi ya kisima");
	put(2, "BBB-BBB", "f", "en", "public", STATUS_SUBMITTED,
	    "{\"story\":\"A well story\",\"role\":\"a\",\"obst\":[\"y\"],\"equal\":20,"
	    "\"drivers\":[0,1,0]}",
	    "A well story");
	put(3, "CCC-CCC", "f", "sw", "quotes", STATUS_SUBMITTED,
	    "{\"story\":\"Quotes only\",\"role\":\"b\",\"equal\":35,\"drivers\":[0,0,1]}",
	    "Quotes only");
	put(4, "DDD-DDD", "f", "sw", "analysis", STATUS_TIMED_OUT,
	    "{\"story\":\"Half told\",\"role\":\"zzz\",\"equal\":100,\"drivers\":null}",
	    "Half told");
	put(5, "EEE-EEE", "f", "sw", "public", STATUS_TIMED_OUT,
	    "{\"story\":\"Public but left\",\"obst\":[]}", "Public but left");
	put(6, "FFF-FFF", "other", "en", "public", STATUS_SUBMITTED,
	    "{\"story\":\"Another form\",\"role\":\"a\",\"equal\":0}", "Another form");
	put(7, "GGG-GGG", "f", "sw", "public", STATUS_SUBMITTED,
	    "{\"story\":\"Withdrawn later\",\"role\":\"c\",\"equal\":0}", "Withdrawn later");
	put(8, "HHH-HHH", "f", "sw", "secret", STATUS_SUBMITTED,
	    "{\"story\":\"Unknown tier\",\"role\":\"c\",\"equal\":0}", "Unknown tier");
	if (fx->hs->ops->withdraw(fx->hs, "GGG-GGG", NULL, withdrawn, NULL, &n, &e) == -1) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hubstore_close(fx->hs);
	form_free(fx->f);
	testutil_rmrf(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

/* Build with mode and codes/query; -1 with e, or 0 with *out. */
static int
build(enum packbuild_mode mode, const char *arg, struct feedback **out, struct err *e)
{
	struct packbuild_opts o = { mode, arg, arg };
	struct feedback *fb = feedback_new();

	if (packbuild_stories(fx->hs, fx->f, &o, fb, e) == -1) {
		assert_int_equal(fb->nstories, 0); /* left as it was */
		assert_null(fb->form);
		feedback_free(fb);
		*out = NULL;
		return -1;
	}
	*out = fb;
	return 0;
}

static void
test_all(void **state)
{
	struct feedback *fb;
	struct err e;

	(void)state;
	if (build(PACKBUILD_ALL, NULL, &fb, &e) == -1)
		fail_msg("%s", e.msg);
	assert_int_equal(fb->nstories, 2); /* public, submitted, form f, not withdrawn */
	/* A story's reference is its number in the pack: its code, which
	 * withdraws it, never goes in. */
	assert_string_equal(fb->stories[0].ref, "1");
	assert_string_equal(fb->stories[0].lang, "sw");
	assert_string_equal(fb->stories[0].prompt, "worked");
	assert_string_equal(fb->stories[0].text, "Hadithi ya kisima");
	assert_string_equal(fb->stories[1].ref, "2");
	assert_string_equal(fb->stories[1].text, "A well story");
	assert_string_equal(fb->form, "f");
	assert_int_equal(fb->form_version, 3);
	assert_int_equal(fb->nprompts, 1);
	assert_string_equal(form_text(&fb->prompts[0].text, "sw"), "Wsw");
	feedback_free(fb);
}

static void
test_select(void **state)
{
	static const struct {
		const char *codes, *want;
	} refused[] = {
		{ "AAA-AAA,CCC-CCC",
		    "story CCC-CCC has consent tier quotes: only stories whose "
		    "tellers chose public may be given back" },
		{ "EEE-EEE", "story EEE-EEE was not submitted (it is timed_out)" },
		{ "FFF-FFF", "story FFF-FFF was told with form other, not f" },
		{ "ggg-ggg", "story GGG-GGG was withdrawn" },
		{ "ZZZ-ZZZ", "no story with code ZZZ-ZZZ in this store" },
		{ "HHH-HHH", "story HHH-HHH has consent tier secret" },
		{ "AAA-AAA,,BBB-BBB", "--select: \"\" is not a story code" },
		{ "O0O-111", "--select: \"O0O-111\" is not a story code" },
	};
	struct feedback *fb;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		assert_int_equal(build(PACKBUILD_SELECT, refused[i].codes, &fb, &e), -1);
		if (strncmp(e.msg, refused[i].want, strlen(refused[i].want)) != 0)
			fail_msg("%s: wanted \"%s\", got \"%s\"", refused[i].codes, refused[i].want,
			    e.msg);
	}
	/* In the order named; a code named twice goes in once. */
	if (build(PACKBUILD_SELECT, "bbb bbb,AAA-AAA,BBB-BBB", &fb, &e) == -1)
		fail_msg("%s", e.msg);
	assert_int_equal(fb->nstories, 2);
	assert_string_equal(fb->stories[0].text, "A well story");
	assert_string_equal(fb->stories[1].text, "Hadithi ya kisima");
	assert_string_equal(fb->stories[1].ref, "2");
	feedback_free(fb);
}

static void
test_search(void **state)
{
	struct feedback *fb;
	struct err e;

	(void)state;
	if (build(PACKBUILD_SEARCH, "kisima", &fb, &e) == -1)
		fail_msg("%s", e.msg);
	assert_int_equal(fb->nstories, 1);
	assert_string_equal(fb->stories[0].text, "Hadithi ya kisima");
	feedback_free(fb);
	/* Matches that may not go in are passed by; none left is refused. */
	assert_int_equal(build(PACKBUILD_SEARCH, "quotes OR form", &fb, &e), -1);
	assert_non_null(strstr(e.msg, "no public story told with form f matches"));
}

static void
test_summary(void **state)
{
	struct feedback *fb = feedback_new();
	struct feedback_item *it;
	struct err e;

	(void)state;
	if (packsum_compute(fx->hs, fx->f, fb, &e) == -1)
		fail_msg("%s", e.msg);
	/* Stories 1-5: form f, a known tier (any tier allows analysis), not
	 * withdrawn, whatever their status. */
	assert_int_equal(fb->counted, 5);
	assert_int_equal(fb->nitems, 4); /* no story, text or number question */
	it = &fb->items[0];
	assert_int_equal(it->kind, FEEDBACK_CHOICE);
	assert_string_equal(it->qid, "role");
	assert_string_equal(form_text(&it->text, "sw"), "Rsw");
	assert_string_equal(form_text(&it->options[0].label, "sw"), "Lasw");
	assert_int_equal(it->answered, 3); /* "zzz" is no answer of this form */
	assert_int_equal(it->options[0].count, 2);
	assert_int_equal(it->options[1].count, 1);
	assert_int_equal(it->options[2].count, 0);
	it = &fb->items[1];
	assert_int_equal(it->kind, FEEDBACK_MULTI);
	assert_int_equal(it->answered, 2);         /* an empty list is no answer */
	assert_int_equal(it->options[0].count, 1); /* x twice in one story counts once */
	assert_int_equal(it->options[1].count, 2);
	it = &fb->items[2];
	assert_int_equal(it->kind, FEEDBACK_SCALE);
	assert_int_equal(it->answered, 4);
	assert_int_equal(it->median, 275); /* 10 20 35 100: (20 + 35) / 2 */
	it = &fb->items[3];
	assert_int_equal(it->kind, FEEDBACK_TRIAD);
	assert_int_equal(it->answered, 3);
	assert_int_equal(it->centre[0], 334); /* a third each, the spare to the first */
	assert_int_equal(it->centre[1], 333);
	assert_int_equal(it->centre[2], 333);
	feedback_free(fb);
}

static void
test_figures(void **state)
{
	double v[] = { 50 }, w[] = { 3, 1, 2 }, x[] = { 0.25, 0.5 }, none[1];
	double sum[3] = { 0.5, 0.3, 0.2 }, odd[3] = { 2, 2, 2 };
	uint16_t c[3];

	(void)state;
	assert_int_equal(packsum_median_tenths(v, 1), 500);
	assert_int_equal(packsum_median_tenths(w, 3), 20);
	assert_int_equal(packsum_median_tenths(x, 2), 4); /* 0.375 -> 3.75 tenths -> 4 */
	assert_int_equal(packsum_median_tenths(none, 0), 0);
	packsum_centre(sum, 1, c);
	assert_int_equal(c[0], 500);
	assert_int_equal(c[1], 300);
	assert_int_equal(c[2], 200);
	packsum_centre(odd, 6, c);
	assert_int_equal(c[0] + c[1] + c[2], 1000);
	packsum_centre(sum, 0, c);
	assert_int_equal(c[0] + c[1] + c[2], 0);
}

static void
test_pack_ops(void **state)
{
	const struct hubstore_ops *ops = fx->hs->ops;
	unsigned char *data;
	uint64_t a, b, seq;
	size_t len, n;
	struct err e;
	int found;

	(void)state;
	assert_int_equal(ops->pack_newest(fx->hs, &data, &len, &seq, &found, &e), 0);
	assert_int_equal(found, 0);
	assert_int_equal(ops->pack_newest(fx->hs, NULL, NULL, &seq, &found, &e), 0);
	assert_int_equal(found, 0);
	assert_int_equal(ops->pack_reserve(fx->hs, 1800000000, &a, &e), 0);
	assert_int_equal(ops->pack_reserve(fx->hs, 1800000000, &b, &e), 0);
	assert_true(a >= 1);
	assert_int_equal(b, a + 1);
	assert_int_equal(ops->pack_publish(fx->hs, a, (const unsigned char *)"first", 5, &e), 0);
	assert_int_equal(ops->pack_publish(fx->hs, b, (const unsigned char *)"second", 6, &e), 0);
	assert_int_equal(ops->pack_publish(fx->hs, b + 50, (const unsigned char *)"x", 1, &e), -1);
	assert_int_equal(ops->pack_newest(fx->hs, &data, &len, &seq, &found, &e), 0);
	assert_int_equal(found, 1);
	assert_int_equal(seq, b);
	assert_int_equal(len, 6);
	assert_memory_equal(data, "second", 6);
	free(data);
	/* the sequence alone (serve, per request) */
	seq = 0;
	found = 0;
	assert_int_equal(ops->pack_newest(fx->hs, NULL, NULL, &seq, &found, &e), 0);
	assert_int_equal(found, 1);
	assert_int_equal(seq, b);
	/* A sequence reserved and never published is never given again. */
	assert_int_equal(ops->pack_reserve(fx->hs, 1800000000, &a, &e), 0);
	assert_int_equal(a, b + 1);
	assert_int_equal(ops->code_withdrawn(fx->hs, "GGG-GGG", &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ops->code_withdrawn(fx->hs, "AAA-AAA", &n, &e), 0);
	assert_int_equal(n, 0);
}

/* The note file: each case's text and the start of the message it gives
 * (NULL: read fine). */
static void
test_note(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "# a comment\n\n[en]\nWhat we heard.\n\nAnd more.\n\n[sw]\r\nTulichosikia.\r\n",
		    NULL },
		{ "\xef\xbb\xbf[sw]  \nHabari", NULL },
		{ "Hello\n[en]\nx\n", "NOTE:1: text before the first language header" },
		{ "[en]\nx\n[fr]\ny\n", "NOTE:3: [fr] is not one of the form's languages" },
		{ "[en]\nx\n[en]\ny\n", "NOTE:3: a second [en] section" },
		{ "[en]\n\n  \n[sw]\ny\n", "NOTE:1: the [en] section is empty" },
		{ "[en]\nred \x1b[31m text\n", "NOTE: the [en] section is not valid UTF-8" },
		{ "[en]\nbad \xff byte\n", "NOTE: the [en] section is not valid UTF-8" },
		{ "# only comments\n", "NOTE: no section" },
	};
	char *path = fsutil_join(fx->dir, "NOTE");
	struct ltext note;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rv;

		if (fsutil_write_atomic(path, cases[i].text, strlen(cases[i].text), 0600, 0, &e) ==
		    -1)
			fail_msg("%s", e.msg);
		rv = packnote_load(path, fx->f, &note, &e);
		if (cases[i].want == NULL) {
			if (rv != 0)
				fail_msg("case %zu: %s", i, e.msg);
			feedback_ltext_free(&note);
			continue;
		}
		assert_int_equal(rv, -1);
		assert_int_equal(note.n, 0);
		/* the message names the file as given: compare from its name */
		if (strstr(e.msg, cases[i].want) == NULL)
			fail_msg("case %zu: wanted \"%s\", got \"%s\"", i, cases[i].want, e.msg);
	}
	/* The first case, read again: sections in order, blank lines around
	 * them dropped, inner ones kept, CR LF read as LF. */
	fsutil_write_atomic(path, cases[0].text, strlen(cases[0].text), 0600, 0, &e);
	assert_int_equal(packnote_load(path, fx->f, &note, &e), 0);
	assert_int_equal(note.n, 2);
	assert_string_equal(note.lang[0], "en");
	assert_string_equal(note.value[0], "What we heard.\n\nAnd more.");
	assert_string_equal(note.value[1], "Tulichosikia.");
	feedback_ltext_free(&note);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_pack_ops),
		cmocka_unit_test(test_note),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
