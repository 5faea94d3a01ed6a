/* Unit tests for keys: hub key files, kiosk identity, PIN hashes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "keys.h"
#include "testutil.h"
#include "xmalloc.h"

/* Not inlined: gcc 12 then mistakes the result for a pointer to a local. */
static __attribute__((noinline)) char *
read_text(const char *path, size_t *len)
{
	unsigned char *buf = NULL;

	if (fsutil_read_file(path, 1 << 20, &buf, len, NULL) == -1)
		fail_msg("cannot read %s", path);
	return (char *)buf;
}

static void
test_hub_round_trip(void **state)
{
	char *dir = testutil_tmpdir(), *pub = fsutil_join(dir, "hub.pub");
	char *sec = fsutil_join(dir, "hub.key");
	struct hub_seckey *k = testutil_hub_key(dir), *back = NULL;
	struct hub_pubkey *pubs = NULL;
	size_t n = 0;
	struct stat st;
	struct err e;

	(void)state;
	assert_int_equal(stat(sec, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(keys_hub_pub_load(pub, &pubs, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(&pubs[0], &k->pub, sizeof pubs[0]);
	assert_int_equal(keys_hub_sec_load(sec, "test pass", 9, &back, &e), 0);
	assert_memory_equal(back->box_sk, k->box_sk, sizeof k->box_sk);
	assert_memory_equal(back->sign_sk, k->sign_sk, sizeof k->sign_sk);
	assert_memory_equal(&back->pub, &k->pub, sizeof k->pub);
	/* A second keygen into the same directory is refused without force. */
	assert_int_equal(keys_hub_write(dir, k, "x", 1, 0, &e), -1);
	assert_non_null(strstr(e.msg, "--force"));
	keys_hub_free(back);
	keys_hub_free(k);
	free(pubs);
	testutil_rmrf(dir);
	free(pub);
	free(sec);
	free(dir);
}

static void
test_wrong_passphrase(void **state)
{
	char *dir = testutil_tmpdir(), *sec = fsutil_join(dir, "hub.key");
	struct hub_seckey *k = testutil_hub_key(dir), *back = NULL;
	struct err e;

	(void)state;
	assert_int_equal(keys_hub_sec_load(sec, "test pasS", 9, &back, &e), -1);
	assert_null(back);
	assert_non_null(strstr(e.msg, "wrong passphrase"));
	keys_hub_free(k);
	testutil_rmrf(dir);
	free(sec);
	free(dir);
}

/* Every single-character change to the key line is refused, never accepted. */
static void
test_tampered_secret(void **state)
{
	char *dir = testutil_tmpdir(), *sec = fsutil_join(dir, "hub.key"), *text, *line;
	struct hub_seckey *k = testutil_hub_key(dir), *back = NULL;
	size_t len, i, start, rejected = 0;
	struct err e;

	(void)state;
	text = read_text(sec, &len);
	line = strstr(text, "storyhub-key-v1 ");
	assert_non_null(line);
	start = (size_t)(line - text) + strlen("storyhub-key-v1 ");
	/* Flip characters spread over the base64 (the pwhash runs only when the
	 * checksum passes, so this stays fast). */
	for (i = start; i + 1 < len; i += 7) {
		char saved = text[i];

		text[i] = text[i] == 'A' ? 'B' : 'A';
		if (keys_hub_sec_parse("hub.key", text, len, "test pass", 9, &back, &e) == -1)
			rejected++;
		else
			keys_hub_free(back);
		back = NULL;
		text[i] = saved;
	}
	assert_true(rejected > 30);
	assert_int_equal(rejected, (len - 1 - start + 6) / 7);
	/* A changed character is reported as damage, not as a wrong passphrase. */
	text[start + 10] = text[start + 10] == 'A' ? 'B' : 'A';
	assert_int_equal(keys_hub_sec_parse("hub.key", text, len, "test pass", 9, &back, &e), -1);
	assert_non_null(strstr(e.msg, "damaged"));
	free(text);
	keys_hub_free(k);
	testutil_rmrf(dir);
	free(sec);
	free(dir);
}

static void
test_truncated_and_wrong_type(void **state)
{
	char *dir = testutil_tmpdir(), *sec = fsutil_join(dir, "hub.key");
	char *pub = fsutil_join(dir, "hub.pub"), *text, *ptext;
	struct hub_seckey *k = testutil_hub_key(dir), *back = NULL;
	struct hub_pubkey *pubs = NULL;
	size_t len, plen, n = 0, cut;
	struct err e;

	(void)state;
	text = read_text(sec, &len);
	ptext = read_text(pub, &plen);
	for (cut = 0; cut < len - 1; cut += 5) {
		assert_int_equal(
		    keys_hub_sec_parse("hub.key", text, cut, "test pass", 9, &back, &e), -1);
		assert_null(back);
	}
	for (cut = 0; cut < plen - 1; cut += 3) {
		assert_int_equal(keys_hub_pub_parse("hub.pub", ptext, cut, &pubs, &n, &e), -1);
		assert_int_equal(n, 0);
	}
	/* The secret key given where a public key is wanted, and the reverse. */
	assert_int_equal(keys_hub_pub_parse("hub.key", text, len, &pubs, &n, &e), -1);
	assert_non_null(strstr(e.msg, "hub secret key"));
	assert_int_equal(keys_hub_sec_parse("hub.pub", ptext, plen, "x", 1, &back, &e), -1);
	assert_non_null(strstr(e.msg, "hub public key"));
	/* An unknown version is refused by name. */
	{
		char *v2 = xstrdup(ptext), *p = strstr(v2, "storyhub-pub-v1");

		p[strlen("storyhub-pub-v")] = '2';
		assert_int_equal(keys_hub_pub_parse("hub.pub", v2, plen, &pubs, &n, &e), -1);
		assert_non_null(strstr(e.msg, "unknown key file version '2'"));
		free(v2);
	}
	free(text);
	free(ptext);
	keys_hub_free(k);
	testutil_rmrf(dir);
	free(sec);
	free(pub);
	free(dir);
}

static void
test_two_keys_in_one_file(void **state)
{
	struct hub_seckey *a = keys_hub_generate(), *b = keys_hub_generate();
	char *ta = keys_hub_pub_format(&a->pub), *tb = keys_hub_pub_format(&b->pub);
	char *both = xasprintf("%s%s", ta, tb);
	struct hub_pubkey *pubs = NULL;
	size_t n = 0;
	struct err e;

	(void)state;
	assert_int_equal(keys_hub_pub_parse("both", both, strlen(both), &pubs, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(pubs[0].id, a->pub.id, KEY_ID_BYTES);
	assert_memory_equal(pubs[1].id, b->pub.id, KEY_ID_BYTES);
	free(pubs);
	free(both);
	free(ta);
	free(tb);
	keys_hub_free(a);
	keys_hub_free(b);
}

static void
test_kiosk_identity(void **state)
{
	char *dir = testutil_tmpdir(), *path = fsutil_join(dir, "kiosk.key");
	struct kiosk_identity *k = keys_kiosk_generate(), *back = NULL;
	unsigned char *buf;
	size_t len;
	struct err e;

	(void)state;
	assert_int_equal(keys_kiosk_write(path, k, 1, &e), 0);
	assert_int_equal(keys_kiosk_write(path, k, 1, &e), -1); /* never overwritten */
	assert_int_equal(keys_kiosk_load(path, &back, &e), 0);
	assert_memory_equal(back->sk, k->sk, sizeof k->sk);
	assert_memory_equal(back->id, k->id, sizeof k->id);
	keys_kiosk_free(back);
	back = NULL;
	/* Group-readable identity files are refused. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(keys_kiosk_load(path, &back, &e), -1);
	assert_non_null(strstr(e.msg, "chmod 600"));
	assert_int_equal(chmod(path, 0600), 0);
	/* A flipped character is detected. */
	assert_int_equal(fsutil_read_file(path, 4096, &buf, &len, NULL), 0);
	buf[len - 10] ^= 1;
	assert_int_equal(keys_kiosk_parse("kiosk.key", (char *)buf, len, &back, &e), -1);
	free(buf);
	keys_kiosk_free(k);
	testutil_rmrf(dir);
	free(path);
	free(dir);
}

static void
test_pin(void **state)
{
	char hash[crypto_pwhash_STRBYTES];
	struct err e;

	(void)state;
	assert_int_equal(keys_pin_hash("2468", 4, hash, &e), 0);
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_int_equal(keys_pin_verify(hash, "2468", 4), 0);
	assert_int_equal(keys_pin_verify(hash, "2469", 4), -1);
	assert_int_equal(keys_pin_verify(hash, "246", 3), -1);
}

static void
test_ids(void **state)
{
	unsigned char id[KEY_ID_BYTES] = { 0x3f, 0x9a, 0x1c, 0x2b, 0x7d, 0x4e, 0x5f, 0x60 };
	unsigned char back[KEY_ID_BYTES];
	char hex[KEY_ID_HEX], fpr[KEY_FPR_LEN];

	(void)state;
	keys_id_hex(id, hex);
	assert_string_equal(hex, "3f9a1c2b7d4e5f60");
	keys_fingerprint(id, fpr);
	assert_string_equal(fpr, "3F9A-1C2B-7D4E-5F60");
	assert_int_equal(keys_id_from_hex(hex, back), 0);
	assert_memory_equal(back, id, KEY_ID_BYTES);
	assert_int_equal(keys_id_from_hex("3f9a1c2b7d4e5f6", back), -1);
	assert_int_equal(keys_id_from_hex("3f9a1c2b7d4e5f6z", back), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hub_round_trip),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_tampered_secret),
		cmocka_unit_test(test_truncated_and_wrong_type),
		cmocka_unit_test(test_two_keys_in_one_file),
		cmocka_unit_test(test_kiosk_identity),
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_ids),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
