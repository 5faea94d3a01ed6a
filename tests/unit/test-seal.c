/* Unit tests for seal: the hub opens, the kiosk cannot, every recipient
 * opens, tampering is detected, padding hides the length within its bucket. */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "seal.h"
#include "xmalloc.h"

static const char story[] = "We met the district water committee every week; "
                            "the funder listened. Mti mmoja haujengi msitu. Équipe. 🌍";

static void
seal_one(const unsigned char id[16], const char *text, size_t len, const struct hub_pubkey *keys,
    size_t n, unsigned char **out, size_t *outlen)
{
	struct err e;

	assert_int_equal(
	    seal_story(id, (const unsigned char *)text, len, keys, n, out, outlen, &e), 0);
}

static void
test_hub_opens(void **state)
{
	struct hub_seckey *hub = keys_hub_generate();
	unsigned char id[16], *sealed, *plain;
	size_t slen, plen;
	struct err e;

	(void)state;
	randombytes_buf(id, sizeof id);
	seal_one(id, story, strlen(story), &hub->pub, 1, &sealed, &slen);
	/* No plaintext in the sealed blob. */
	assert_null(memmem(sealed, slen, "water committee", 15));
	assert_int_equal(seal_open(id, sealed, slen, hub, &plain, &plen, &e), 0);
	assert_int_equal(plen, strlen(story));
	assert_memory_equal(plain, story, plen);
	seal_plain_free(plain, plen);
	free(sealed);
	keys_hub_free(hub);
}

/* The kiosk holds only public keys; any other key pair (including one the
 * kiosk could make) cannot open the story. */
static void
test_other_key_cannot_open(void **state)
{
	struct hub_seckey *hub = keys_hub_generate(), *other = keys_hub_generate();
	unsigned char id[16], *sealed, *plain;
	size_t slen, plen;
	struct err e;

	(void)state;
	randombytes_buf(id, sizeof id);
	seal_one(id, story, strlen(story), &hub->pub, 1, &sealed, &slen);
	assert_int_equal(seal_open(id, sealed, slen, other, &plain, &plen, &e), -1);
	assert_null(plain);
	assert_non_null(strstr(e.msg, "not sealed to this hub key"));
	/* Even with the recipient id forged to match, the box does not open. */
	memcpy(other->pub.id, hub->pub.id, KEY_ID_BYTES);
	assert_int_equal(seal_open(id, sealed, slen, other, &plain, &plen, &e), -1);
	free(sealed);
	keys_hub_free(hub);
	keys_hub_free(other);
}

static void
test_every_recipient_opens(void **state)
{
	struct hub_seckey *h[3] = { keys_hub_generate(), keys_hub_generate(), keys_hub_generate() };
	struct hub_pubkey pubs[3];
	unsigned char id[16], *sealed, *plain, ids[8][KEY_ID_BYTES];
	size_t slen, plen, n, i;
	struct err e;

	(void)state;
	for (i = 0; i < 3; i++)
		pubs[i] = h[i]->pub;
	randombytes_buf(id, sizeof id);
	seal_one(id, story, strlen(story), pubs, 3, &sealed, &slen);
	assert_int_equal(seal_recipients(sealed, slen, ids, 8, &n, &e), 0);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++) {
		assert_memory_equal(ids[i], pubs[i].id, KEY_ID_BYTES);
		assert_int_equal(seal_open(id, sealed, slen, h[i], &plain, &plen, &e), 0);
		assert_memory_equal(plain, story, strlen(story));
		seal_plain_free(plain, plen);
		keys_hub_free(h[i]);
	}
	free(sealed);
}

static void
test_tamper_and_wrong_id(void **state)
{
	struct hub_seckey *hub = keys_hub_generate();
	unsigned char id[16], other[16], *sealed, *plain;
	size_t slen, plen, i, rejected = 0;
	struct err e;

	(void)state;
	randombytes_buf(id, sizeof id);
	memcpy(other, id, sizeof id);
	other[15] ^= 1;
	seal_one(id, story, strlen(story), &hub->pub, 1, &sealed, &slen);
	/* Bound to the story id: a blob moved to another story does not open. */
	assert_int_equal(seal_open(other, sealed, slen, hub, &plain, &plen, &e), -1);
	for (i = 0; i < slen; i++) {
		sealed[i] ^= 0x40;
		if (seal_open(id, sealed, slen, hub, &plain, &plen, &e) == -1)
			rejected++;
		else
			seal_plain_free(plain, plen);
		sealed[i] ^= 0x40;
	}
	assert_int_equal(rejected, slen);
	for (i = 0; i < slen; i++)
		assert_int_equal(seal_open(id, sealed, i, hub, &plain, &plen, &e), -1);
	free(sealed);
	keys_hub_free(hub);
}

/* Lengths within one padding bucket seal to the same size; the next bucket is bigger. */
static void
test_padding_buckets(void **state)
{
	struct hub_seckey *hub = keys_hub_generate();
	unsigned char id[16], *sealed;
	char *text = xmalloc(4 * SEAL_PAD_BLOCK);
	size_t slen, first = 0, len;

	(void)state;
	memset(text, 'x', 4 * SEAL_PAD_BLOCK);
	randombytes_buf(id, sizeof id);
	for (len = 1; len < SEAL_PAD_BLOCK; len += 97) {
		seal_one(id, text, len, &hub->pub, 1, &sealed, &slen);
		if (first == 0)
			first = slen;
		assert_int_equal(slen, first);
		free(sealed);
	}
	seal_one(id, text, SEAL_PAD_BLOCK + 5, &hub->pub, 1, &sealed, &slen);
	assert_int_equal(slen, first + SEAL_PAD_BLOCK);
	free(sealed);
	free(text);
	keys_hub_free(hub);
}

static void
test_limits(void **state)
{
	struct hub_seckey *hub = keys_hub_generate();
	struct hub_pubkey many[SEAL_MAX_RECIPIENTS + 1];
	unsigned char id[16] = { 0 }, *sealed;
	size_t slen, i;
	struct err e;

	(void)state;
	for (i = 0; i <= SEAL_MAX_RECIPIENTS; i++)
		many[i] = hub->pub;
	assert_int_equal(
	    seal_story(id, (const unsigned char *)"x", 1, many, 0, &sealed, &slen, &e), -1);
	assert_int_equal(seal_story(id, (const unsigned char *)"x", 1, many,
	                     SEAL_MAX_RECIPIENTS + 1, &sealed, &slen, &e),
	    -1);
	assert_null(sealed);
	keys_hub_free(hub);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hub_opens),
		cmocka_unit_test(test_other_key_cannot_open),
		cmocka_unit_test(test_every_recipient_opens),
		cmocka_unit_test(test_tamper_and_wrong_id),
		cmocka_unit_test(test_padding_buckets),
		cmocka_unit_test(test_limits),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("seal", tests, NULL, NULL);
}
