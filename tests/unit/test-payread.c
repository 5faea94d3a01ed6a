/* payread (the hub's SQLite-JSON payload reader): a kiosk's own payload reads
 * back field for field; each way SQLite's parser is laxer than jansson's is
 * refused with the reason; what jansson accepts with an odd spelling (an
 * escaped key, an escaped backslash before u0000, an exponent) is accepted.
 * tests/fuzz/fuzz-payload.c holds payread to payload_ref_decode on every input of
 * its corpus as well. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "answers.h"
#include "form.h"
#include "payload.h"
#include "payload-ref.h"
#include "payread.h"
#include "xmalloc.h"

#define STORY "Kamati ya \"maji\", \\ 🎉 שלום e\xcc\x81\nline two"

static struct payread *rd;

static int
setup(void **state)
{
	struct err e;

	(void)state;
	return payread_open(&rd, &e);
}

static int
teardown(void **state)
{
	(void)state;
	payread_close(rd);
	return 0;
}

/* A payload as the kiosk writes it (payload_encode), on the real form, of
 * this source and scribe (NULL: none). */
static char *
encode_payload(const char *source, const char *scribe)
{
	static const unsigned char id[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
		0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	static const double triad[3] = { 0.5, 0.3, 0.2 };
	const char *top = getenv("TOP");
	char *path = xasprintf("%s/forms/partnership.yaml", top ? top : ".");
	struct form_problems probs = { NULL, 0 };
	struct payload_meta m = { 0 };
	struct answers *a;
	struct form *f;
	struct err e;
	char *text;

	assert_int_equal(form_load(path, &f, &probs, &e), 0);
	form_problems_free(&probs);
	a = answers_new(f);
	answers_set_meta(a, "sw", "analysis", "worked");
	answers_set_text(a, "story", STORY);
	answers_set_text(a, "title", "T\xc3\xadtulo");
	answers_set_triad(a, "drivers", triad);
	answers_set_number(a, "equal", 35);
	m.story_id = id;
	m.code = "K7P-2QX";
	m.kiosk = "0123456789abcdef";
	m.source = source;
	m.status = "submitted";
	m.scribe = scribe;
	m.created = m.saved = 1795000000;
	text = payload_encode(&m, f, a);
	answers_free(a);
	form_free(f);
	free(path);
	return text;
}

static char *
kiosk_payload(void)
{
	return encode_payload("kiosk", NULL);
}

static void
test_kiosk_payload_reads_back(void **state)
{
	char *text = kiosk_payload();
	struct payload *p, *q;
	char *again;
	json_t *x, *y;
	struct err e;

	(void)state;
	assert_int_equal(payread_decode(rd, text, strlen(text), &p, &e), 0);
	assert_int_equal(payload_ref_decode(text, strlen(text), &q, &e), 0);
	assert_string_equal(p->story_id, "00112233445566778899aabbccddeeff");
	assert_string_equal(p->code, "K7P-2QX");
	assert_string_equal(p->kiosk, "0123456789abcdef");
	assert_string_equal(p->form, q->form);
	assert_int_equal(p->form_version, q->form_version);
	assert_string_equal(p->source, "kiosk");
	assert_string_equal(p->created, q->created);
	assert_string_equal(p->lang, "sw");
	assert_string_equal(p->consent, "analysis");
	assert_string_equal(p->prompt, "worked");
	assert_string_equal(p->untouched, "[]"); /* recorded: none untouched */
	assert_string_equal(q->untouched, "[]");
	assert_null(p->scribe); /* a teller's own story names no scribe */
	assert_null(q->scribe);
	/* the story first, then the title: form order, one per line */
	assert_string_equal(p->text, STORY "\nT\xc3\xadtulo\n");
	assert_string_equal(p->text, q->text);
	/* the hub's index reads the text back from what is stored */
	again = payload_text_of(p->answers, p->types);
	assert_non_null(again);
	assert_string_equal(again, p->text);
	payload_text_free(again);
	x = json_loads(p->answers, JSON_REJECT_DUPLICATES, NULL);
	y = json_loads(q->answers, 0, NULL);
	assert_non_null(x);
	assert_true(json_equal(x, y));
	assert_string_equal(json_string_value(json_object_get(x, "story")), STORY);
	json_decref(x);
	json_decref(y);
	x = json_loads(p->types, JSON_REJECT_DUPLICATES, NULL);
	y = json_loads(q->types, 0, NULL);
	assert_true(json_equal(x, y));
	json_decref(x);
	json_decref(y);
	payload_free(p);
	payload_free(q);
	payload_text_free(text);
}

/* text with the first occurrence of from replaced by to (from must occur). */
static char *
replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);

	assert_non_null(at);
	return xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

struct edit {
	const char *from, *to;
	const char *error; /* NULL: accepted */
};

static void
test_refused_and_accepted(void **state)
{
	static const struct edit edits[] = {
		/* SQLite would keep these; jansson refuses them, and so must we */
		{ "\"code\":\"K7P-2QX\"", "\"code\":\"K7P-2QX\",\"code\":\"X\"",
		    "story payload is not a JSON object: duplicate object key" },
		{ "\"code\":\"K7P-2QX\"", "\"code\":\"K7P-2QX\",\"c\\u006fde\":\"X\"",
		    "story payload is not a JSON object: duplicate object key" },
		{ "\"equal\":35", "\"equal\":35,\"equal\":36",
		    "story payload is not a JSON object: duplicate object key" },
		{ "Kamati", "Kam\\u0000ati",
		    "story payload is not a JSON object: a string holds "
		    "\\u0000" },
		{ "Kamati", "Kam\\\\\\u0000ati",
		    "story payload is not a JSON object: a string "
		    "holds \\u0000" },
		{ "Kamati", "\\ud800Kamati",
		    "story payload is not a JSON object: a string is not "
		    "valid UTF-8 (or has a lone surrogate escape)" },
		{ "Kamati", "\\udc00Kamati",
		    "story payload is not a JSON object: a string is not "
		    "valid UTF-8 (or has a lone surrogate escape)" },
		{ "Kamati",
		    "K\xc0\xaf"
		    "amati",
		    "story payload is not a JSON object: a string is "
		    "not valid UTF-8 (or has a lone surrogate escape)" },
		{ "\"code\"", "\"c\xff\"",
		    "story payload is not a JSON object: a key is not valid "
		    "UTF-8" },
		{ "\"equal\":35", "\"equal\":99999999999999999999",
		    "story payload is not a JSON object: an integer is too big" },
		{ "\"equal\":35", "\"equal\":-1e999",
		    "story payload is not a JSON object: a number is too big" },
		{ "Kamati",
		    "Kam\x01"
		    "ati",
		    "story payload is not a JSON object: malformed JSON" },
		/* an object as a key: SQLite 3.40 takes it when it ends in a string */
		{ "\"equal\":35", "\"equal\":35,{\"k\":\"v\"}:\"w\"",
		    "story payload is not a "
		    "JSON object: malformed JSON (a key is not a string)" },
		{ "\"lang\":", "{\"k\":[1,{\"x\":\"y\"}]}:\"z\",\"lang\":",
		    "story payload is "
		    "not a JSON object: malformed JSON (a key is not a string)" },
		/* found by fuzz-payload: json_tree corrupted the heap on these */
		{ "\"lang\":", "{\"b\":{},\"u\":[\"+a\"],\"u\":[\"\"]}:\"40Z\",\"lang\":",
		    "story payload is not a JSON object: malformed JSON (a key is not a string)" },
		{ "\"equal\":35", "\"equal\":35,[\"k\"]:\"w\"",
		    "story payload is not a JSON object: malformed JSON (a key is not a string)" },
		{ "\"equal\":35", "\"equal\":35, \n\t[[\"k\"]]:\"w\"",
		    "story payload is not a JSON object: malformed JSON (a key is not a string)" },
		/* the checks after parsing, worded as payload_ref_decode words them */
		{ "\"v\":1", "\"v\":1.0", "story payload has an unknown version" },
		{ "\"code\":\"K7P-2QX\"", "\"code\":7",
		    "story payload: \"code\" is missing or not "
		    "a string" },
		{ "\"prompt\":\"worked\"", "\"prompt\":[]",
		    "story payload: \"prompt\" is missing "
		    "or not a string" },
		{ "\"form_version\":1", "\"form_version\":\"1\"",
		    "story payload: \"form_version\" "
		    "is not an integer" },
		{ "\"answers\":{", "\"answers\":1,\"x\":{",
		    "story payload: \"answers\" is not an "
		    "object" },
		{ "\"types\":{", "\"typez\":{", "story payload: \"types\" is not an object" },
		/* odd spellings of good payloads */
		{ "\"answers\":", "\"\\u0061nswers\":", NULL },
		{ "Kamati", "Kam\\\\u0000ati", NULL }, /* a backslash, then u0000 */
		{ "\"equal\":35", "\"equal\":3.5E+1", NULL },
		{ "\"equal\":35", "\"equal\":-9223372036854775808", NULL },
		{ "\"prompt\":\"worked\"", "\"prompt\":null", NULL },
		{ "Kamati", "\\ud83d\\ude00Kamati", NULL }, /* a surrogate pair */
		/* braces, brackets, commas and escaped quotes inside a string */
		{ "Kamati", "Kam, {\\\"a\\\": [1, {\\\"b\\\":2}]}, \\\\\\\"ati", NULL },
	};
	char *text = kiosk_payload();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		char *t = replace(text, edits[i].from, edits[i].to);
		struct payload *p = NULL, *q = NULL;
		struct err e, e2;
		int rv = payread_decode(rd, t, strlen(t), &p, &e);
		int rv2 = payload_ref_decode(t, strlen(t), &q, &e2);

		if (edits[i].error != NULL) {
			if (rv != -1)
				fail_msg("edit %zu (%s) was accepted", i, edits[i].to);
			assert_string_equal(e.msg, edits[i].error);
			assert_null(p);
		} else {
			if (rv != 0)
				fail_msg("edit %zu (%s) was refused: %s", i, edits[i].to, e.msg);
			assert_string_equal(p->code, "K7P-2QX");
		}
		assert_int_equal(rv, rv2); /* as jansson */
		payload_free(p);
		payload_free(q);
		free(t);
	}
	payload_text_free(text);
}

/* An object or an array as a key is refused before SQLite parses the text:
 * SQLite 3.40's json_tree wrote outside its nodes on these (the first is
 * what fuzz-payload found, under glibc's malloc checks and ASan). Nesting
 * past jansson's limit (2048) is refused there too; up to it, SQLite
 * decides. */
static void
test_key_not_a_string(void **state)
{
	static const char *const texts[] = {
		"{{\"\":[\"\\r\"]}:{}}",
		"{[\"a\"]:1}",
		"{\"a\":{\"b\":1,[[\"c\"]]:2}}",
		"[{\"a\":1},{\"b\":[{\"c\":\"d\"}]},{ \"e\" : 2 , {\"f\":\"g\"}:3}]",
	};
	struct payload *p = NULL;
	struct err e;
	char *deep, *t;
	size_t i, n = 2048;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		if (payread_decode(rd, texts[i], strlen(texts[i]), &p, &e) != -1)
			fail_msg("%s was accepted", texts[i]);
		assert_string_equal(e.msg,
		    "story payload is not a JSON object: malformed JSON (a key is not a string)");
		assert_null(p);
	}
	/* 2,049 arrays deep: refused before SQLite; 2,048 are left to it */
	deep = xmalloc(2 * (n + 1) + 1);
	memset(deep, '[', n + 1);
	memset(deep + n + 1, ']', n + 1);
	deep[2 * (n + 1)] = '\0';
	assert_int_equal(payread_decode(rd, deep, strlen(deep), &p, &e), -1);
	assert_string_equal(e.msg, "story payload is not a JSON object: nested too deeply");
	t = deep + 1;
	t[2 * n] = '\0';
	assert_int_equal(payread_decode(rd, t, strlen(t), &p, &e), -1);
	assert_string_not_equal(e.msg, "story payload is not a JSON object: nested too deeply");
	free(deep);
}

/* A raw NUL byte ends the text for SQLite's parser; jansson refuses it. */
static void
test_raw_nul_refused(void **state)
{
	char *text = kiosk_payload();
	size_t len = strlen(text);
	char *t = xmalloc(len + 3);
	struct payload *p = NULL;
	struct err e;

	(void)state;
	memcpy(t, text, len);
	memcpy(t + len, "\0{}", 3);
	assert_int_equal(payread_decode(rd, t, len + 3, &p, &e), -1);
	assert_string_equal(e.msg, "story payload is not a JSON object: it holds a NUL byte");
	assert_int_equal(payload_ref_decode(t, len + 3, &p, &e), -1);
	/* and a prefix of a good payload is malformed, not a shorter payload */
	assert_int_equal(payread_decode(rd, text, len - 1, &p, &e), -1);
	assert_string_equal(e.msg, "story payload is not a JSON object: malformed JSON");
	free(t);
	payload_text_free(text);
}

/* A kiosk payload whose triad was left at the centre (untouched) and whose
 * scale was moved. */
static char *
marker_payload(void)
{
	static const unsigned char id[16] = { 0x10 };
	const double third[3] = { 1.0 / 3, 1.0 / 3, 1.0 / 3 };
	const char *top = getenv("TOP");
	char *path = xasprintf("%s/forms/partnership.yaml", top ? top : ".");
	struct form_problems probs = { NULL, 0 };
	struct payload_meta m = { 0 };
	struct answers *a;
	struct form *f;
	struct err e;
	char *text;

	assert_int_equal(form_load(path, &f, &probs, &e), 0);
	form_problems_free(&probs);
	a = answers_new(f);
	answers_set_meta(a, "en", "analysis", "worked");
	answers_set_text(a, "story", STORY);
	answers_set_triad(a, "drivers", third);
	answers_set_untouched(a, "drivers", 1);
	answers_set_number(a, "equal", 65);
	answers_set_untouched(a, "equal", 0);
	answers_set_number(a, "trust", 50);
	answers_set_untouched(a, "trust", 1);
	m.story_id = id;
	m.code = "M4R-K3R";
	m.kiosk = "0123456789abcdef";
	m.source = "kiosk";
	m.status = "submitted";
	m.created = m.saved = 1795000000;
	text = payload_encode(&m, f, a);
	answers_free(a);
	form_free(f);
	free(path);
	return text;
}

/* "untouched" lists the answers accepted without moving the marker, in form
 * order; both readers return it; the untouched triad reads back as exactly
 * a third (the payload keeps 17 digits); a payload without it (an older
 * kiosk) reads as not recorded (NULL); one that is not a list of strings is
 * refused by both, with the same reason. */
static void
test_untouched(void **state)
{
	static const struct edit edits[] = {
		{ "\"untouched\":[\"drivers\",\"trust\"]", "\"untouched\":\"drivers\"",
		    "story payload: \"untouched\" is not a list of question ids" },
		{ "\"untouched\":[\"drivers\",\"trust\"]", "\"untouched\":[\"drivers\",1]",
		    "story payload: \"untouched\" is not a list of question ids" },
		{ "\"untouched\":[\"drivers\",\"trust\"]", "\"untouched\":[[\"drivers\"]]",
		    "story payload: \"untouched\" is not a list of question ids" },
		{ "\"untouched\":[\"drivers\",\"trust\"]", "\"untouched\":{\"drivers\":1}",
		    "story payload: \"untouched\" is not a list of question ids" },
		{ "\"untouched\":[\"drivers\",\"trust\"]", "\"untouched\":null", NULL },
		{ ",\"untouched\":[\"drivers\",\"trust\"]", "", NULL },
	};
	char *text = marker_payload();
	struct payload *p, *q;
	json_t *x, *v;
	struct err e, e2;
	size_t i;

	(void)state;
	assert_non_null(strstr(text, ",\"untouched\":[\"drivers\",\"trust\"]}"));
	assert_non_null(strstr(text,
	    "\"drivers\":[0.33333333333333331,0.33333333333333331,"
	    "0.33333333333333331]"));
	assert_int_equal(payread_decode(rd, text, strlen(text), &p, &e), 0);
	assert_int_equal(payload_ref_decode(text, strlen(text), &q, &e), 0);
	assert_string_equal(p->untouched, "[\"drivers\",\"trust\"]");
	assert_string_equal(q->untouched, "[\"drivers\",\"trust\"]");
	x = json_loads(p->answers, 0, NULL);
	v = json_object_get(x, "drivers");
	for (i = 0; i < 3; i++)
		assert_true(json_real_value(json_array_get(v, i)) == 1.0 / 3);
	assert_int_equal(json_integer_value(json_object_get(x, "equal")), 65);
	json_decref(x);
	payload_free(p);
	payload_free(q);

	for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		char *t = replace(text, edits[i].from, edits[i].to);
		int rv = payread_decode(rd, t, strlen(t), &p, &e);
		int rv2 = payload_ref_decode(t, strlen(t), &q, &e2);

		assert_int_equal(rv, rv2);
		if (edits[i].error != NULL) {
			assert_int_equal(rv, -1);
			assert_string_equal(e.msg, edits[i].error);
			assert_string_equal(e2.msg, edits[i].error);
		} else {
			if (rv != 0)
				fail_msg("edit %zu (%s) was refused: %s", i, edits[i].to, e.msg);
			assert_null(p->untouched); /* not recorded */
			assert_null(q->untouched);
			payload_free(p);
			payload_free(q);
		}
		free(t);
	}
	payload_text_free(text);
}

/* A scribe's story: payload_encode writes "scribe" last; both readers give
 * the initials back; null or absent reads as no scribe; anything but a
 * string is refused by both, with the same reason. */
static void
test_scribe(void **state)
{
	static const struct edit edits[] = {
		{ "\"scribe\":\"AB\"", "\"scribe\":1",
		    "story payload: \"scribe\" is missing or not a string" },
		{ "\"scribe\":\"AB\"", "\"scribe\":[\"AB\"]",
		    "story payload: \"scribe\" is missing or not a string" },
		{ "\"scribe\":\"AB\"", "\"scribe\":null", NULL },
		{ ",\"scribe\":\"AB\"", "", NULL },
	};
	char *text = encode_payload("scribe", "AB");
	struct payload *p, *q;
	struct err e, e2;
	size_t i;

	(void)state;
	assert_non_null(strstr(text, ",\"scribe\":\"AB\"}"));
	assert_int_equal(payread_decode(rd, text, strlen(text), &p, &e), 0);
	assert_int_equal(payload_ref_decode(text, strlen(text), &q, &e), 0);
	assert_string_equal(p->source, "scribe");
	assert_string_equal(p->scribe, "AB");
	assert_string_equal(q->scribe, "AB");
	payload_free(p);
	payload_free(q);
	for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		char *t = replace(text, edits[i].from, edits[i].to);
		int rv = payread_decode(rd, t, strlen(t), &p, &e);
		int rv2 = payload_ref_decode(t, strlen(t), &q, &e2);

		assert_int_equal(rv, rv2);
		if (edits[i].error != NULL) {
			assert_int_equal(rv, -1);
			assert_string_equal(e.msg, edits[i].error);
			assert_string_equal(e2.msg, edits[i].error);
		} else {
			if (rv != 0)
				fail_msg("edit %zu (%s) was refused: %s", i, edits[i].to, e.msg);
			assert_null(p->scribe);
			assert_null(q->scribe);
			payload_free(p);
			payload_free(q);
		}
		free(t);
	}
	payload_text_free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kiosk_payload_reads_back),
		cmocka_unit_test(test_refused_and_accepted),
		cmocka_unit_test(test_raw_nul_refused),
		cmocka_unit_test(test_key_not_a_string),
		cmocka_unit_test(test_untouched),
		cmocka_unit_test(test_scribe),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
