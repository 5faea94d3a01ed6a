/* Receipts: round trip, tampering, wrong hub key, wrong kiosk, truncation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "receipt.h"
#include "xmalloc.h"

struct fixture {
	struct hub_seckey *hub, *other;
	unsigned char kiosk_id[KEY_ID_BYTES];
	unsigned char *buf;
	size_t len;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	unsigned char ids[3][BUNDLE_ID_BYTES];
	struct receipt r = { 0 };
	struct err e;

	if (sodium_init() < 0)
		return -1;
	f->hub = keys_hub_generate();
	f->other = keys_hub_generate();
	memset(f->kiosk_id, 0x42, sizeof f->kiosk_id);
	for (int i = 0; i < 3; i++)
		memset(ids[i], 0xa0 + i, BUNDLE_ID_BYTES);
	memcpy(r.kiosk_id, f->kiosk_id, KEY_ID_BYTES);
	r.bundle_seq = 12;
	memset(r.bundle_hash, 0x77, sizeof r.bundle_hash);
	r.created = 1800000000;
	r.count = 3;
	r.ids = ids;
	if (receipt_write(&r, f->hub, &f->buf, &f->len, &e) == -1)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	keys_hub_free(f->hub);
	keys_hub_free(f->other);
	free(f->buf);
	free(f);
	return 0;
}

static void
test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct hub_pubkey keys[2];
	struct receipt r;
	struct err e;

	keys[0] = f->other->pub;
	keys[1] = f->hub->pub;
	assert_int_equal(receipt_verify(f->buf, f->len, keys, 2, f->kiosk_id, &r, &e), 0);
	assert_int_equal(r.count, 3);
	assert_int_equal(r.bundle_seq, 12);
	assert_int_equal(r.created, 1800000000);
	assert_memory_equal(r.hub_id, f->hub->pub.id, KEY_ID_BYTES);
	for (int i = 0; i < 3; i++)
		assert_int_equal(r.ids[i][0], 0xa0 + i);
	receipt_free(&r);
}

static void
test_wrong_key_and_kiosk(void **state)
{
	struct fixture *f = *state;
	struct hub_pubkey forged;
	unsigned char other_kiosk[KEY_ID_BYTES] = { 1 };
	struct receipt r;
	struct err e;

	assert_int_equal(receipt_verify(f->buf, f->len, &f->other->pub, 1, NULL, &r, &e), -1);
	assert_non_null(strstr(e.msg, "does not know"));
	/* a key that claims the hub's id but is another key */
	forged = f->other->pub;
	memcpy(forged.id, f->hub->pub.id, KEY_ID_BYTES);
	assert_int_equal(receipt_verify(f->buf, f->len, &forged, 1, NULL, &r, &e), -1);
	assert_non_null(strstr(e.msg, "bad receipt signature"));
	assert_int_equal(receipt_verify(f->buf, f->len, &f->hub->pub, 1, other_kiosk, &r, &e), -1);
	assert_non_null(strstr(e.msg, "another kiosk"));
}

static void
test_tamper_every_bit(void **state)
{
	struct fixture *f = *state;
	struct receipt r;
	struct err e;

	for (size_t bit = 0; bit < f->len * 8; bit++) {
		f->buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		if (receipt_verify(f->buf, f->len, &f->hub->pub, 1, f->kiosk_id, &r, &e) != -1)
			fail_msg("flipped bit %zu accepted", bit);
		f->buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	}
	for (size_t cut = 0; cut < f->len; cut++)
		assert_int_equal(
		    receipt_verify(f->buf, cut, &f->hub->pub, 1, f->kiosk_id, &r, &e), -1);
	assert_int_equal(receipt_verify(f->buf, f->len, &f->hub->pub, 1, f->kiosk_id, &r, &e), 0);
	receipt_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_wrong_key_and_kiosk),
		cmocka_unit_test(test_tamper_every_bit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
