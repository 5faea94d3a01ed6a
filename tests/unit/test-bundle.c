/* Bundle format: round trip, each failure with its own message, a bit-flip
 * sweep and every truncation of a small bundle (all rejected, no record seen). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bundle.h"
#include "story.h"
#include "xmalloc.h"

struct fixture {
	struct kiosk_identity *kiosk;
	struct hub_seckey *hub, *other;
};

struct seen {
	int headers, records;
	struct bundle_header h;
	struct bundle_record r[8];
	unsigned char sealed[8][64];
};

static int
on_header(const struct bundle_header *h, void *ctx, struct err *e)
{
	struct seen *s = ctx;

	(void)e;
	s->headers++;
	s->h = *h;
	return 0;
}

static int
on_record(const struct bundle_record *r, void *ctx, struct err *e)
{
	struct seen *s = ctx;

	(void)e;
	if (s->records < 8) {
		s->r[s->records] = *r;
		memcpy(s->sealed[s->records], r->sealed, r->sealed_len < 64 ? r->sealed_len : 64);
	}
	s->records++;
	return 0;
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	if (sodium_init() < 0)
		return -1;
	f->kiosk = keys_kiosk_generate();
	f->hub = keys_hub_generate();
	f->other = keys_hub_generate();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	keys_kiosk_free(f->kiosk);
	keys_hub_free(f->hub);
	keys_hub_free(f->other);
	free(f);
	return 0;
}

static void
fake_record(struct bundle_record *r, int i, uint64_t seq, unsigned char *sealed, size_t n)
{
	memset(r, 0, sizeof *r);
	memset(r->id, 0x10 + i, sizeof r->id);
	r->seq = seq;
	r->status = 1 + i % 3;
	r->source = i % SOURCE__COUNT; /* kiosk, paper, scribe, ... */
	for (size_t j = 0; j < n; j++)
		sealed[j] = (unsigned char)(i * 31 + j);
	r->sealed = sealed;
	r->sealed_len = n;
}

/* A bundle with n records of 40 bytes whose sequences
 * are 1..n; dup gives the last record the first one's id. */
static unsigned char *
make(struct fixture *f, int n, int dup, size_t *len)
{
	struct bundle_writer *w;
	struct bundle_record r;
	unsigned char sealed[40], *out;
	struct err e;

	assert_int_equal(bundle_writer_create(
	                     f->kiosk, "Kiosk «Nairobi» ☕", 7, 1700000000, &f->hub->pub, 1, &w, &e),
	    0);
	for (int i = 0; i < n; i++) {
		fake_record(&r, i, (uint64_t)i + 1, sealed, sizeof sealed);
		if (dup && i == n - 1)
			memset(r.id, 0x10, sizeof r.id);
		assert_int_equal(bundle_writer_add(w, &r, &e), 0);
	}
	assert_int_equal(bundle_writer_finish(w, &out, len, &e), 0);
	return out;
}

/* Re-sign a modified bundle with the kiosk key, so only structure is judged. */
static void
resign(struct fixture *f, unsigned char *buf, size_t len)
{
	crypto_sign_state st;

	crypto_sign_init(&st);
	crypto_sign_update(&st, buf, len - 64);
	crypto_sign_final_create(&st, buf + len - 64, NULL, f->kiosk->sk);
}

static void
expect_error(const unsigned char *buf, size_t len, const unsigned char *hub, const char *want)
{
	struct seen s = { 0 };
	struct bundle_sink sink = { on_header, on_record, &s };
	struct err e = { "", 0 };

	assert_int_equal(bundle_read(buf, len, hub, &sink, &e), -1);
	if (strstr(e.msg, want) == NULL)
		fail_msg("wanted \"%s\", got \"%s\"", want, e.msg);
	assert_int_equal(s.headers, 0);
	assert_int_equal(s.records, 0);
}

static void
test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct seen s = { 0 };
	struct bundle_sink sink = { on_header, on_record, &s };
	unsigned char *buf, id[KEY_ID_BYTES];
	size_t len;
	struct err e;

	buf = make(f, 3, 0, &len);
	assert_int_equal(bundle_read(buf, len, f->hub->pub.id, &sink, &e), 0);
	assert_int_equal(s.headers, 1);
	assert_int_equal(s.records, 3);
	assert_string_equal(s.h.name, "Kiosk «Nairobi» ☕");
	assert_int_equal(s.h.seq, 7);
	assert_int_equal(s.h.created, 1700000000);
	assert_int_equal(s.h.nhubs, 1);
	assert_memory_equal(s.h.hubs[0], f->hub->pub.id, KEY_ID_BYTES);
	keys_kiosk_id(f->kiosk->pk, id);
	assert_memory_equal(s.h.kiosk_id, id, KEY_ID_BYTES);
	for (int i = 0; i < 3; i++) {
		struct bundle_record want;
		unsigned char sealed[40];

		fake_record(&want, i, (uint64_t)i + 1, sealed, sizeof sealed);
		assert_memory_equal(s.r[i].id, want.id, 16);
		assert_int_equal(s.r[i].seq, want.seq);
		assert_int_equal(s.r[i].status, want.status);
		assert_int_equal(s.r[i].source, want.source);
		assert_int_equal(s.r[i].sealed_len, 40);
		assert_memory_equal(s.sealed[i], sealed, 40);
	}
	free(buf);
}

static void
test_empty_bundle(void **state)
{
	struct fixture *f = *state;
	unsigned char *buf;
	size_t len;
	struct bundle_header h;
	struct err e;

	buf = make(f, 0, 0, &len);
	assert_int_equal(bundle_verify(buf, len, NULL, &h, &e), 0);
	assert_int_equal(h.count, 0);
	free(buf);
}

static void
test_failures(void **state)
{
	struct fixture *f = *state;
	unsigned char *buf, *big;
	size_t len, hdr;

	buf = make(f, 3, 0, &len);
	/* header size: everything before the first record length */
	hdr = len - 64 - 3 * (4 + 30 + 40);

	buf[0] ^= 1;
	expect_error(buf, len, NULL, "bad magic");
	buf[0] ^= 1;

	buf[8] = 2;
	expect_error(buf, len, NULL, "unknown version 2");
	buf[8] = 1;

	buf[10] = 9;
	expect_error(buf, len, NULL, "unknown signature algorithm 9");
	buf[10] = 1;

	buf[hdr + 4 + 30 + 5] ^= 0x40; /* inside the first sealed story */
	expect_error(buf, len, NULL, "bad signature");
	buf[hdr + 4 + 30 + 5] ^= 0x40;

	buf[len - 1] ^= 0x80;
	expect_error(buf, len, NULL, "bad signature");
	buf[len - 1] ^= 0x80;

	buf[12] ^= 1; /* kiosk public key */
	expect_error(buf, len, NULL, "kiosk id does not match");
	buf[12] ^= 1;

	expect_error(buf, len - 1, NULL, "truncated (signature)");
	expect_error(buf, len - 64 - 10, NULL, "truncated");
	expect_error(buf, 20, NULL, "truncated (header)");
	expect_error(buf, 5, NULL, "truncated (header)");
	expect_error(buf, hdr - 2, NULL, "truncated (header)");

	big = xmalloc(len + 3);
	memcpy(big, buf, len);
	memset(big + len, 0, 3);
	expect_error(big, len + 3, NULL, "trailing bytes (3 after the signature)");
	free(big);

	expect_error(buf, len, f->other->pub.id, "not addressed to this hub key");

	/* record count larger than the data could hold */
	buf[hdr - 4] = 0xff;
	buf[hdr - 3] = 0xff;
	resign(f, buf, len);
	expect_error(buf, len, NULL, "truncated (65535 records cannot fit");
	buf[hdr - 2] = 0xff; /* above the cap */
	resign(f, buf, len);
	expect_error(buf, len, NULL, "length field too large (record count 16777215)");
	buf[hdr - 4] = 3;
	buf[hdr - 3] = 0;
	buf[hdr - 2] = 0;
	/* record length past the end */
	buf[hdr + 2] = 0x7f;
	resign(f, buf, len);
	expect_error(buf, len, NULL, "length field too large (record 1");
	buf[hdr + 2] = 0;
	/* sealed length disagreeing with the record length */
	buf[hdr + 4 + 26] = 39;
	resign(f, buf, len);
	expect_error(buf, len, NULL, "lengths do not add up (record 1)");
	buf[hdr + 4 + 26] = 40;
	/* a draft must never travel */
	buf[hdr + 4 + 24] = 0;
	resign(f, buf, len);
	expect_error(buf, len, NULL, "record 1: unknown status 0");
	buf[hdr + 4 + 24] = 1;
	/* a source story.h does not name */
	buf[hdr + 4 + 25] = SOURCE__COUNT;
	resign(f, buf, len);
	expect_error(buf, len, NULL, "record 1: unknown source 3");
	free(buf);

	/* the writer refuses out-of-order records, so reorder by hand */
	buf = make(f, 3, 0, &len);
	{
		unsigned char tmp[74];
		size_t r2 = hdr + 74, r3 = hdr + 2 * 74;

		memcpy(tmp, buf + r2, 74);
		memcpy(buf + r2, buf + r3, 74);
		memcpy(buf + r3, tmp, 74);
	}
	expect_error(buf, len, NULL, "records out of order (record 3)");
	resign(f, buf, len);
	expect_error(buf, len, NULL, "records out of order (record 3)");
	free(buf);

	buf = make(f, 3, 1, &len);
	expect_error(buf, len, NULL, "duplicate record (story 10101010");
	free(buf);
}

static void
test_writer_refuses(void **state)
{
	struct fixture *f = *state;
	struct bundle_writer *w;
	struct bundle_record r;
	unsigned char sealed[8];
	char name[70];
	struct err e;

	memset(name, 'x', 65);
	name[65] = '\0';
	assert_int_equal(bundle_writer_create(f->kiosk, name, 1, 0, &f->hub->pub, 1, &w, &e), -1);
	assert_int_equal(bundle_writer_create(f->kiosk, "\xff", 1, 0, &f->hub->pub, 1, &w, &e), -1);
	assert_int_equal(bundle_writer_create(f->kiosk, "k", 1, 0, &f->hub->pub, 0, &w, &e), -1);
	assert_int_equal(bundle_writer_create(f->kiosk, "k", 1, 0, &f->hub->pub, 1, &w, &e), 0);
	fake_record(&r, 0, 5, sealed, sizeof sealed);
	assert_int_equal(bundle_writer_add(w, &r, &e), 0);
	r.seq = 5;
	assert_int_equal(bundle_writer_add(w, &r, &e), -1);
	assert_non_null(strstr(e.msg, "out of order"));
	r.seq = 6;
	r.status = 0;
	assert_int_equal(bundle_writer_add(w, &r, &e), -1);
	bundle_writer_free(w);
}

static void
test_bit_flips(void **state)
{
	struct fixture *f = *state;
	unsigned char *buf;
	size_t len;

	buf = make(f, 2, 0, &len);
	for (size_t bit = 0; bit < len * 8; bit++) {
		struct seen s = { 0 };
		struct bundle_sink sink = { on_header, on_record, &s };
		struct err e;

		buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		if (bundle_read(buf, len, NULL, &sink, &e) != -1)
			fail_msg("flipping bit %zu was accepted", bit);
		assert_int_equal(s.records + s.headers, 0);
		buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	}
	free(buf);
}

static void
test_truncations(void **state)
{
	struct fixture *f = *state;
	unsigned char *buf;
	size_t len;

	buf = make(f, 2, 0, &len);
	for (size_t cut = 0; cut < len; cut++) {
		/* a fresh copy of exactly cut bytes, so ASan sees any over-read */
		unsigned char *p = xmalloc(cut ? cut : 1);
		struct seen s = { 0 };
		struct bundle_sink sink = { on_header, on_record, &s };
		struct err e;

		memcpy(p, buf, cut);
		if (bundle_read(p, cut, NULL, &sink, &e) != -1)
			fail_msg("cut at %zu was accepted", cut);
		assert_int_equal(s.records + s.headers, 0);
		free(p);
	}
	free(buf);
}

/* How make_promised takes the signature's hash. */
enum hashing {
	HASH_AT_FINISH, /* bundle_writer_finish */
	HASH_IN_STEPS,  /* bundle_sighash_update after every record, as export's
	                         * thread does, then bundle_writer_finish_hashed */
	HASH_SHORT,     /* all but the last byte: taken again at finish */
	HASH_WRONG,     /* every byte, one of them changed */
};

/* The bundle of n records of varied sizes (up to 6,000 bytes), written with
 * a promise of expect records (-1: none) and hashed as how says. Each
 * record's sealed bytes depend on its number only, so every promise must give
 * the same bytes. */
static unsigned char *
make_promised(struct fixture *f, int n, long expect, enum hashing how, size_t *len)
{
	struct bundle_writer *w;
	struct bundle_sighash sh;
	unsigned char *sealed = xmalloc(6000), *out, *copy;
	const unsigned char *p;
	struct err e;
	size_t hashed = 0, have;
	int i;

	assert_int_equal(
	    bundle_writer_create(f->kiosk, "kiosk", 3, 1700000000, &f->hub->pub, 1, &w, &e), 0);
	if (expect >= 0)
		bundle_writer_expect(w, (uint32_t)expect, 0);
	bundle_sighash_init(&sh);
	for (i = 0; i < n; i++) {
		struct bundle_record r;
		/* small at first, then bigger: the size estimate falls short */
		size_t size = i < n / 2 ? 100 + (size_t)i % 50 : 2000 + (size_t)(i * 37) % 4000;

		fake_record(&r, i % 200, (uint64_t)i + 1, sealed, size);
		memset(r.id, 0, sizeof r.id);
		memcpy(r.id, &i, sizeof i);
		assert_int_equal(bundle_writer_add(w, &r, &e), 0);
		if (how == HASH_IN_STEPS) {
			have = bundle_writer_bytes(w, &p);
			bundle_sighash_update(&sh, p + hashed, have - hashed);
			hashed = have;
		}
	}
	have = bundle_writer_bytes(w, &p);
	if (how == HASH_SHORT)
		bundle_sighash_update(&sh, p, have - 1);
	else if (how == HASH_WRONG) {
		copy = xmalloc(have);
		memcpy(copy, p, have);
		copy[have / 2] ^= 1;
		bundle_sighash_update(&sh, copy, have);
		free(copy);
	}
	if (how == HASH_AT_FINISH) {
		bundle_sighash_wipe(&sh);
		assert_int_equal(bundle_writer_finish(w, &out, len, &e), 0);
	} else
		assert_int_equal(bundle_writer_finish_hashed(w, &sh, &out, len, &e), 0);
	free(sealed);
	return out;
}

/* A count promised (bundle_writer_expect) and the hash taken in steps
 * change nothing in the bundle: with the count kept, missed either way, or
 * none at all, the bytes are those of a writer without a promise, and they
 * verify. A hash that does not cover every byte is taken again; one of other
 * bytes is used as it is when the count was kept (the signature then fails),
 * so the steps are not silently redone. */
static void
test_promised_count(void **state)
{
	struct fixture *f = *state;
	static const struct {
		int n;
		long expect;
	} cases[] = {
		{ 3000, 3000 },
		{ 3000, 2999 },
		{ 3000, 3001 },
		{ 3000, 0 },
		{ 5, 5 },
		{ 0, 0 },
		{ 40, 40 },
		{ 40, -1 },
	};
	struct bundle_header h;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len, plain_len;
		unsigned char *plain = make_promised(f, cases[i].n, -1, HASH_AT_FINISH, &plain_len);
		int kept = cases[i].expect == cases[i].n;

		for (enum hashing how = HASH_AT_FINISH; how <= HASH_WRONG; how++) {
			unsigned char *b = make_promised(f, cases[i].n, cases[i].expect, how, &len);
			int bad = how == HASH_WRONG && kept;

			if (len != plain_len || (memcmp(b, plain, len) != 0) != bad)
				fail_msg("%d records promised as %ld, hashed %d: %s", cases[i].n,
				    cases[i].expect, (int)how,
				    bad ? "signed as given" : "not the same bundle");
			assert_int_equal(
			    bundle_verify(b, len, f->hub->pub.id, &h, &e), bad ? -1 : 0);
			if (!bad)
				assert_int_equal(h.count, (uint32_t)cases[i].n);
			free(b);
		}
		free(plain);
	}

	/* abandoned half-way */
	{
		struct bundle_writer *w;
		struct bundle_record r;
		unsigned char sealed[4000];
		int k;

		assert_int_equal(
		    bundle_writer_create(f->kiosk, "k", 1, 0, &f->hub->pub, 1, &w, &e), 0);
		bundle_writer_expect(w, 100, 100 * 4000);
		for (k = 0; k < 50; k++) {
			fake_record(&r, k, (uint64_t)k + 1, sealed, sizeof sealed);
			assert_int_equal(bundle_writer_add(w, &r, &e), 0);
		}
		bundle_writer_free(w);
	}
}

/* bundle_writer_fits says when a record moves the buffer: with the sealed
 * bytes promised, none does until the promise is used up, and a record that
 * fits never moves it. */
static void
test_fits(void **state)
{
	struct fixture *f = *state;
	struct bundle_writer *w;
	struct bundle_record r;
	unsigned char *sealed = xcalloc(1, 20000);
	const unsigned char *before, *after;
	struct err e;
	int k, fits;

	assert_int_equal(bundle_writer_create(f->kiosk, "k", 1, 0, &f->hub->pub, 1, &w, &e), 0);
	bundle_writer_expect(w, 100, 100 * 4000);
	for (k = 0; k < 100; k++) {
		assert_int_equal(bundle_writer_fits(w, 4000), 1);
		bundle_writer_bytes(w, &before);
		fake_record(&r, k, (uint64_t)k + 1, sealed, 4000);
		assert_int_equal(bundle_writer_add(w, &r, &e), 0);
		bundle_writer_bytes(w, &after);
		assert_ptr_equal(before, after);
	}
	assert_int_equal(bundle_writer_fits(w, 4000), 0);
	assert_int_equal(bundle_writer_fits(w, SIZE_MAX), 0);
	for (k = 100; k < 300; k++) {
		size_t size = 1 + (size_t)(k * 7919) % 20000;

		fits = bundle_writer_fits(w, size);
		bundle_writer_bytes(w, &before);
		fake_record(&r, k, (uint64_t)k + 1, sealed, size);
		assert_int_equal(bundle_writer_add(w, &r, &e), 0);
		bundle_writer_bytes(w, &after);
		if (fits)
			assert_ptr_equal(before, after);
	}
	bundle_writer_free(w);
	free(sealed);
}

static void
test_file_name(void **state)
{
	unsigned char id[KEY_ID_BYTES] = { 0xab, 0xcd, 0, 1, 2, 3, 4, 5 };
	char *name = bundle_file_name(id, 42);

	(void)state;
	assert_string_equal(name, "storykiosk-abcd000102030405-000042.skb");
	free(name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_empty_bundle),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_writer_refuses),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_promised_count),
		cmocka_unit_test(test_fits),
		cmocka_unit_test(test_file_name),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
