/* Feedback packs (sync/wire/pack.c): the committed vectors of
 * tests/vectors/pack/ each give their expected result; the valid vector
 * decodes to the contents the format spec describes and re-encodes, with the
 * same key, to the very same bytes; any one byte changed is refused; the
 * writer refuses what a reader would. */
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
#include "pack.h"
#include "xmalloc.h"

static char *
vector_path(const char *name)
{
	const char *top = getenv("TOP");

	return xasprintf("%s/tests/vectors/pack/%s", top ? top : ".", name);
}

static unsigned char *
vector(const char *name, size_t *len)
{
	char *path = vector_path(name);
	unsigned char *buf;
	struct err e;

	if (pack_load_file(path, &buf, len, &e) == -1)
		fail_msg("%s", e.msg);
	free(path);
	return buf;
}

static struct hub_pubkey *
vector_keys(const char *name, size_t *n)
{
	struct hub_pubkey *keys = NULL;
	char *path = vector_path(name);
	struct err e;

	*n = 0;
	if (keys_hub_pub_load(path, &keys, n, &e) == -1)
		fail_msg("%s", e.msg);
	free(path);
	return keys;
}

/* The vectors' hub key, from its seed (tests/vectors/gen-pack-vectors.c). */
static void
seeded_key(struct hub_seckey *k, int c)
{
	unsigned char seed[32];

	memset(k, 0, sizeof *k);
	memset(seed, c, sizeof seed);
	crypto_sign_seed_keypair(k->pub.sign_pk, k->sign_sk, seed);
	crypto_box_seed_keypair(k->pub.box_pk, k->box_sk, seed);
	keys_hub_id(k->pub.box_pk, k->pub.sign_pk, k->pub.id);
}

static void
test_vectors(void **state)
{
	struct hub_pubkey *keys;
	size_t nkeys, checked = 0, failures = 0;
	char *path, line[512];
	FILE *fp;

	(void)state;
	keys = vector_keys("hub.pub", &nkeys);
	path = vector_path("expected.txt");
	fp = fopen(path, "r");
	assert_non_null(fp);
	free(path);
	while (fgets(line, sizeof line, fp) != NULL) {
		char *name = line, *want;
		struct feedback *fb = (struct feedback *)1;
		unsigned char *buf;
		size_t len;
		struct err e;
		int rv;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || (want = strchr(name, '\t')) == NULL)
			continue;
		*want++ = '\0';
		buf = vector(name, &len);
		memset(&e, 0, sizeof e);
		rv = pack_read(buf, len, keys, nkeys, &fb, &e);
		if (strncmp(want, "ok ", 3) == 0) {
			if (rv != 0)
				fail_msg("%s: wanted success, got \"%s\"", name, e.msg);
			assert_int_equal(fb->nstories, (size_t)atoi(want + 3));
			feedback_free(fb);
		} else {
			if (rv != -1)
				fail_msg("%s: wanted \"%s\", but it verified", name, want);
			if (strncmp(e.msg, want, strlen(want)) != 0)
				fail_msg("%s: wanted \"%s\", got \"%s\"", name, want, e.msg);
			assert_null(fb);
			failures++;
		}
		free(buf);
		checked++;
	}
	fclose(fp);
	free(keys);
	assert_true(checked >= 15);
	assert_true(failures >= 10);
}

static void
test_valid_contents(void **state)
{
	struct hub_pubkey *keys;
	struct feedback *fb;
	struct hub_seckey k;
	unsigned char *buf, *again;
	size_t len, alen, nkeys, *order;
	struct err e;

	(void)state;
	keys = vector_keys("hub.pub", &nkeys);
	buf = vector("valid.skf", &len);
	if (pack_read(buf, len, keys, nkeys, &fb, &e) == -1)
		fail_msg("%s", e.msg);
	assert_memory_equal(fb->hub_id, keys[0].id, KEY_ID_BYTES);
	assert_int_equal(fb->seq, 7);
	assert_int_equal(fb->created, 1795000000);
	assert_string_equal(fb->form, "partnership-stories");
	assert_int_equal(fb->note.n, 2);
	assert_string_equal(
	    form_text(&fb->note, "sw"), "Tulichosikia: uaminifu hukua fedha zikifika kwa wakati.");
	assert_string_equal(
	    form_text(&fb->note, "fr"), "What we heard: trust grows when funds arrive on time.");
	assert_int_equal(fb->counted, 5);
	assert_int_equal(fb->nitems, 4);
	assert_int_equal(fb->items[0].kind, FEEDBACK_CHOICE);
	assert_int_equal(fb->items[0].options[0].count, 3);
	assert_int_equal(fb->items[2].kind, FEEDBACK_SCALE);
	assert_int_equal(fb->items[2].median, 355);
	assert_int_equal(
	    fb->items[3].centre[0] + fb->items[3].centre[1] + fb->items[3].centre[2], 1000);
	assert_string_equal(feedback_prompt(fb, "worked")->id, "worked");
	assert_null(feedback_prompt(fb, "none"));
	assert_int_equal(fb->nstories, 2);
	assert_string_equal(fb->stories[1].ref, "2");
	assert_string_equal(fb->stories[1].prompt, "");
	assert_string_equal(fb->stories[1].text,
	    "Le comité a décidé avec nous : 水 et 𝄞 s'affichent, la ligne est longue.");
	/* A French reader sees the French story first. */
	order = feedback_order(fb, "fr");
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
	free(order);
	/* The same contents and key give the same bytes. */
	seeded_key(&k, 'P');
	if (pack_write(fb, &k, &again, &alen, &e) == -1)
		fail_msg("%s", e.msg);
	assert_int_equal(alen, len);
	assert_memory_equal(again, buf, len);
	sodium_memzero(&k, sizeof k);
	free(again);
	feedback_free(fb);
	free(buf);
	free(keys);
}

/* Every single byte changed, anywhere, is refused (the structure or the
 * signature catches it), and so is every shorter prefix. */
static void
test_any_change_refused(void **state)
{
	struct hub_pubkey *keys;
	struct feedback *fb;
	unsigned char *buf;
	size_t len, nkeys;
	struct err e;

	(void)state;
	keys = vector_keys("hub.pub", &nkeys);
	buf = vector("valid-empty.skf", &len);
	for (size_t i = 0; i < len; i++) {
		buf[i] ^= 0x20;
		if (pack_read(buf, len, keys, nkeys, &fb, &e) == 0)
			fail_msg("byte %zu changed, the pack still verified", i);
		buf[i] ^= 0x20;
	}
	for (size_t n = 0; n < len; n++)
		if (pack_read(buf, n, keys, nkeys, &fb, &e) == 0)
			fail_msg("the first %zu bytes verified", n);
	assert_int_equal(pack_read(buf, len, keys, nkeys, &fb, &e), 0);
	feedback_free(fb);
	free(buf);
	free(keys);
}

static void
test_writer_refuses(void **state)
{
	struct feedback *fb = feedback_new();
	struct hub_seckey k;
	unsigned char *out;
	size_t len;
	char *big;
	struct err e;

	(void)state;
	seeded_key(&k, 'P');
	fb->seq = 1;
	fb->form = xstrdup("f");
	fb->stories = xcalloc(1, sizeof *fb->stories);
	fb->nstories = 1;
	fb->stories[0].ref = xstrdup("A\x1b"
	                             "B");
	fb->stories[0].lang = xstrdup("sw");
	fb->stories[0].prompt = xstrdup("");
	fb->stories[0].text = xstrdup("hi");
	assert_int_equal(pack_write(fb, &k, &out, &len, &e), -1);
	assert_non_null(strstr(e.msg, "is not an id"));
	free(fb->stories[0].ref);
	fb->stories[0].ref = xstrdup("ABC-DEF");
	big = xmalloc(PACK_MAX_TEXT + 2);
	memset(big, 'a', PACK_MAX_TEXT + 1);
	big[PACK_MAX_TEXT + 1] = '\0';
	free(fb->stories[0].text);
	fb->stories[0].text = big;
	assert_int_equal(pack_write(fb, &k, &out, &len, &e), -1);
	assert_non_null(strstr(e.msg, "story ABC-DEF is too long"));
	big[PACK_MAX_TEXT] = '\0';
	assert_int_equal(pack_write(fb, &k, &out, &len, &e), 0);
	free(out);
	fb->seq = 0;
	assert_int_equal(pack_write(fb, &k, &out, &len, &e), -1);
	sodium_memzero(&k, sizeof k);
	feedback_free(fb);
}

static void
test_round_trip_limits(void **state)
{
	struct feedback *fb = feedback_new(), *back;
	struct hub_seckey k;
	unsigned char *out;
	size_t len;
	struct err e;

	(void)state;
	seeded_key(&k, 'P');
	fb->seq = 42;
	fb->created = -5; /* a hub clock before 1970 is kept as it is */
	fb->form = xstrdup("f");
	fb->counted = 0;
	fb->items = xcalloc(1, sizeof *fb->items);
	fb->nitems = 1;
	fb->items[0].kind = FEEDBACK_TRIAD; /* nobody answered: the centre is 0 0 0 */
	fb->items[0].qid = xstrdup("t");
	assert_int_equal(pack_write(fb, &k, &out, &len, &e), 0);
	if (pack_read(out, len, &k.pub, 1, &back, &e) == -1)
		fail_msg("%s", e.msg);
	assert_int_equal(back->seq, 42);
	assert_int_equal(back->created, -5);
	assert_int_equal(back->items[0].centre[0], 0);
	feedback_free(back);
	free(out);
	/* A centre that does not sum to 1000 is refused by the reader. */
	fb->counted = 1;
	fb->items[0].answered = 1;
	fb->items[0].centre[0] = 999;
	assert_int_equal(pack_write(fb, &k, &out, &len, &e), 0);
	assert_int_equal(pack_read(out, len, &k.pub, 1, &back, &e), -1);
	assert_non_null(strstr(e.msg, "sum to 999"));
	free(out);
	sodium_memzero(&k, sizeof k);
	feedback_free(fb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_valid_contents),
		cmocka_unit_test(test_any_change_refused),
		cmocka_unit_test(test_writer_refuses),
		cmocka_unit_test(test_round_trip_limits),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
