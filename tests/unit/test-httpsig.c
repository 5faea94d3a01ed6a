/* HTTP Message Signatures and Content-Digest: RFC 9421's Ed25519 example
 * (B.2.6, key B.1.4) signed and verified byte for byte, RFC 9530's digest
 * example; a signature made here parses back and verifies; any change to a
 * covered component, a parameter or the signature fails; malformed fields
 * are refused with a reason. Enrolment tokens: canonical form, a typo caught
 * by the check symbol. Nonces: good once, not forged, not kept forever. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "httpsig.h"
#include "nonce.h"
#include "token.h"
#include "xmalloc.h"

/* RFC 9421 appendix B.1.4: test-key-ed25519, as a JWK's d and x. */
static const char rfc_d[] = "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU";
static const char rfc_x[] = "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs";
/* B.2.6: the test request's fields and the signature. */
static const char rfc_input[] =
    "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" "
    "\"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";
static const char rfc_signature[] =
    "sig-b26=:"
    "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";
static const char rfc_base[] =
    "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
    "\"@method\": POST\n"
    "\"@path\": /foo\n"
    "\"@authority\": example.com\n"
    "\"content-type\": application/json\n"
    "\"content-length\": 18\n"
    "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" "
    "\"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";

struct message {
	const char *names[8], *values[8];
};

static const char *
value_of(void *ctx, const char *name)
{
	struct message *m = ctx;

	for (int i = 0; i < 8 && m->names[i] != NULL; i++)
		if (strcmp(m->names[i], name) == 0)
			return m->values[i];
	return NULL;
}

static struct message rfc_request = {
	{ "date", "@method", "@path", "@authority", "content-type", "content-length", NULL },
	{ "Tue, 20 Apr 2021 02:07:55 GMT", "POST", "/foo", "example.com", "application/json", "18",
	    NULL },
};

static void
rfc_key(unsigned char pk[32], unsigned char sk[64])
{
	unsigned char seed[32], x[32];
	size_t n;

	assert_int_equal(sodium_base642bin(seed, sizeof seed, rfc_d, strlen(rfc_d), NULL, &n, NULL,
	                     sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	    0);
	crypto_sign_seed_keypair(pk, sk, seed);
	assert_int_equal(sodium_base642bin(x, sizeof x, rfc_x, strlen(rfc_x), NULL, &n, NULL,
	                     sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	    0);
	assert_memory_equal(pk, x, 32);
}

/* The RFC's example: its fields parse, its base is ours byte for byte, and
 * its signature verifies; signing the same base here gives the same
 * signature (Ed25519 is deterministic). */
static void
test_rfc9421_example(void **state)
{
	unsigned char pk[32], sk[64];
	struct httpsig s, mine;
	char *base, *field;
	struct err e;
	long long created;

	(void)state;
	rfc_key(pk, sk);
	assert_int_equal(httpsig_parse(rfc_input, rfc_signature, &s, &e), 0);
	assert_string_equal(s.label, "sig-b26");
	assert_int_equal(s.ncomp, 6);
	assert_int_equal(httpsig_integer(&s, "created", &created), 0);
	assert_true(created == 1618884473);
	assert_string_equal(httpsig_string(&s, "keyid"), "test-key-ed25519");
	base = httpsig_base(&s, value_of, &rfc_request, &e);
	assert_non_null(base);
	assert_string_equal(base, rfc_base);
	free(base);
	assert_int_equal(httpsig_verify(&s, value_of, &rfc_request, pk, &e), 0);

	httpsig_init(&mine, "sig-b26");
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(httpsig_cover(&mine, rfc_request.names[i]), 0);
	assert_int_equal(httpsig_set_integer(&mine, "created", 1618884473), 0);
	assert_int_equal(httpsig_set_string(&mine, "keyid", "test-key-ed25519"), 0);
	assert_int_equal(httpsig_sign(&mine, value_of, &rfc_request, sk, &e), 0);
	field = httpsig_input_field(&mine);
	assert_string_equal(field, rfc_input);
	free(field);
	field = httpsig_signature_field(&mine);
	assert_string_equal(field, rfc_signature);
	free(field);
}

/* Every covered value, every parameter and the signature matter. */
static void
test_tampering(void **state)
{
	unsigned char pk[32], sk[64];
	struct message m = rfc_request;
	struct httpsig s, t;
	struct err e;
	char *input;

	(void)state;
	rfc_key(pk, sk);
	assert_int_equal(httpsig_parse(rfc_input, rfc_signature, &s, &e), 0);
	for (int i = 0; i < 6; i++) {
		m = rfc_request;
		m.values[i] = "changed";
		assert_int_equal(httpsig_verify(&s, value_of, &m, pk, &e), -1);
		assert_non_null(strstr(e.msg, "does not verify"));
	}
	m = rfc_request;
	m.names[5] = NULL; /* content-length missing from the message */
	assert_int_equal(httpsig_verify(&s, value_of, &m, pk, &e), -1);
	assert_non_null(strstr(e.msg, "content-length"));
	m = rfc_request;
	m.values[2] = "/foo\r\nX: y";
	assert_int_equal(httpsig_verify(&s, value_of, &m, pk, &e), -1);
	assert_non_null(strstr(e.msg, "line break"));
	/* a parameter changed */
	input = xstrdup(rfc_input);
	input[strlen(input) - 3] = 'X';
	assert_int_equal(httpsig_parse(input, rfc_signature, &t, &e), 0);
	assert_int_equal(httpsig_verify(&t, value_of, &rfc_request, pk, &e), -1);
	free(input);
	/* every bit of the signature */
	for (size_t i = 0; i < sizeof s.sig * 8; i += 7) {
		t = s;
		t.sig[i / 8] ^= (unsigned char)(1u << (i % 8));
		assert_int_equal(httpsig_verify(&t, value_of, &rfc_request, pk, &e), -1);
	}
	/* another key */
	pk[0] ^= 1;
	assert_int_equal(httpsig_verify(&s, value_of, &rfc_request, pk, &e), -1);
}

/* Malformed or unsupported fields are refused, each with a reason. */
static void
test_malformed(void **state)
{
	static const struct {
		const char *input, *signature, *why;
	} bad[] = {
		{ NULL, "a=:AA==:", "not signed" },
		{ "a=(\"@method\")", NULL, "not signed" },
		{ "a=\"@method\"", "a=:AA==:", "list in parentheses" },
		{ "A=(\"@method\")", "A=:AA==:", "LABEL" },
		{ "a=(\"@method\" \"@method\")", "a=:AA==:", "twice" },
		{ "a=(\"@method\";req)", "a=:AA==:", "component parameters" },
		{ "a=(@method)", "a=:AA==:", "quoted string" },
		{ "a=(\"@method\"\"@path\")", "a=:AA==:", "separated" },
		{ "a=(\"@method\");created=1;created=2", "a=:AA==:", "twice" },
		{ "a=(\"@method\");created=1.5", "a=:AA==:", "decimal" },
		{ "a=(\"@method\");created=1234567890123456", "a=:AA==:", "15 digits" },
		{ "a=(\"@method\");keyid=\"x\\y\"", "a=:AA==:", "escape" },
		{ "a=(\"@method\");keyid=\"x", "a=:AA==:", "not closed" },
		{ "a=(\"@method\"), b=(\"@path\")", "a=:AA==:", "more than one" },
		{ "a=(\"@method\")", "b=:AA==:", "label" },
		{ "a=(\"@method\")", "a=:AA==:", "64 bytes" },
		{ "a=(\"@method\")", "a=:not base64!:", "base64" },
		{ "a=(\"@method\")", "a=:AA==", "not closed" },
		{ "a=(\"@method\")", "a=AA==", "LABEL=:BASE64:" },
	};
	struct httpsig s;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&e);
		assert_int_equal(httpsig_parse(bad[i].input, bad[i].signature, &s, &e), -1);
		if (strstr(e.msg, bad[i].why) == NULL)
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, e.msg, bad[i].why);
	}
	/* "@signature-params" may not be covered */
	assert_int_equal(
	    httpsig_parse("a=(\"@signature-params\")",
	        "a=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w"
	        "6vuQv5lIp5WPpBKRCw==:",
	        &s, &e),
	    0);
	assert_null(httpsig_base(&s, value_of, &rfc_request, &e));
	assert_non_null(strstr(e.msg, "cannot be covered"));
}

/* Parameters of every type come back as they went, in their order. */
static void
test_round_trip(void **state)
{
	unsigned char pk[32], sk[64];
	struct httpsig s, t;
	char *input, *signature, *again;
	long long v;
	struct err e;

	(void)state;
	crypto_sign_keypair(pk, sk);
	httpsig_init(&s, "kiosk");
	httpsig_cover(&s, "@method");
	httpsig_cover(&s, "@path");
	httpsig_set_integer(&s, "created", -5);
	httpsig_set_string(&s, "nonce", "a \"quoted\" \\ nonce");
	httpsig_set_string(&s, "tag", "storykiosk");
	assert_int_equal(httpsig_sign(&s, value_of, &rfc_request, sk, &e), 0);
	input = httpsig_input_field(&s);
	signature = httpsig_signature_field(&s);
	assert_int_equal(httpsig_parse(input, signature, &t, &e), 0);
	assert_string_equal(httpsig_string(&t, "nonce"), "a \"quoted\" \\ nonce");
	assert_int_equal(httpsig_integer(&t, "created", &v), 0);
	assert_true(v == -5);
	assert_null(httpsig_string(&t, "created")); /* an integer, not a string */
	assert_int_equal(httpsig_integer(&t, "nonce", &v), -1);
	assert_true(httpsig_covers(&t, "@path"));
	assert_false(httpsig_covers(&t, "content-digest"));
	again = httpsig_input_field(&t);
	assert_string_equal(again, input);
	assert_int_equal(httpsig_verify(&t, value_of, &rfc_request, pk, &e), 0);
	free(input);
	free(signature);
	free(again);
	/* tokens and booleans parse, and serialise back the same */
	assert_int_equal(httpsig_parse("k=(\"@method\");t=tok/en:x;b;f=?0",
	                     "k=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	                     "AAAAAAAAAAAAAAAAAAAA==:",
	                     &t, &e),
	    0);
	again = httpsig_input_field(&t);
	assert_string_equal(again, "k=(\"@method\");t=tok/en:x;b;f=?0");
	free(again);
}

/* RFC 9530's example: {"hello": "world"} with sha-256 and sha-512. */
static void
test_content_digest(void **state)
{
	static const char body[] = "{\"hello\": \"world\"}";
	static const char sha256[] = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
	static const char sha512[] =
	    "sha-512=:WZDPaVn/"
	    "7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";
	const unsigned char *b = (const unsigned char *)body;
	size_t n = strlen(body);
	char *mine = httpsig_digest_field(b, n), *both;
	struct err e;

	(void)state;
	assert_string_equal(mine, sha256);
	free(mine);
	assert_int_equal(httpsig_digest_check(sha256, b, n, &e), 0);
	assert_int_equal(httpsig_digest_check(sha512, b, n, &e), 0);
	both = xasprintf("unixsum=:AA==:, %s, %s", sha512, sha256);
	assert_int_equal(httpsig_digest_parse(both, &e), 0);
	assert_int_equal(httpsig_digest_check(both, b, n, &e), 0);
	assert_int_equal(httpsig_digest_check(both, b, n - 1, &e), -1);
	assert_non_null(strstr(e.msg, "does not match"));
	free(both);
	assert_int_equal(httpsig_digest_parse("unixsum=:AA==:", &e), -1);
	assert_non_null(strstr(e.msg, "neither sha-256 nor sha-512"));
	assert_int_equal(httpsig_digest_parse("sha-256=:AA==:", &e), -1);
	assert_non_null(strstr(e.msg, "32 bytes"));
	assert_int_equal(httpsig_digest_parse("sha-256=X48E", &e), -1);
	assert_int_equal(httpsig_digest_parse(NULL, &e), -1);
	assert_int_equal(httpsig_digest_check(sha256, NULL, 0, &e), -1); /* an empty body */
}

static void
test_tokens(void **state)
{
	char t[TOKEN_LEN], n[TOKEN_LEN], typed[64], bad[TOKEN_LEN];
	unsigned char h1[TOKEN_HASH_BYTES], h2[TOKEN_HASH_BYTES];
	int caught = 0, tries = 0;

	(void)state;
	for (int round = 0; round < 50; round++) {
		token_new(t);
		assert_int_equal(strlen(t), TOKEN_LEN - 1);
		assert_int_equal(token_normalise(t, n), 0);
		assert_string_equal(n, t);
		/* lower case, spaces, no dashes: the same token */
		for (size_t i = 0, o = 0; i <= strlen(t); i++)
			typed[o++] = t[i] == '-' ?
			    ' ' :
			    (char)(t[i] >= 'A' && t[i] <= 'Z' ? t[i] + 32 : t[i]);
		assert_int_equal(token_normalise(typed, n), 0);
		assert_string_equal(n, t);
		token_hash(t, h1);
		token_hash(n, h2);
		assert_memory_equal(h1, h2, sizeof h1);
		/* one symbol changed: caught unless it is 2 <-> Z (29 apart) */
		memcpy(bad, t, sizeof bad);
		bad[5] = bad[5] == 'K' ? 'M' : 'K';
		tries++;
		if (token_normalise(bad, n) == -1)
			caught++;
	}
	assert_int_equal(caught, tries);
	assert_int_equal(token_normalise("", n), -1);
	assert_int_equal(token_normalise("ABCD-EFGH-JKMN-PQR", n), -1);     /* short */
	assert_int_equal(token_normalise("ABCD-EFGH-JKMN-PQRST", n), -1);   /* long */
	assert_int_equal(token_normalise("ABCD-EFGH-JKMN-PQ0S", n), -1);    /* 0 */
	assert_int_equal(token_normalise("ABCD-EFGH-JKMN-PQ\x01S", n), -1); /* control */
}

/* Poll (bounded) until the nonce is refused as expired. */
static int
expires(struct nonces *n, const char *text)
{
	struct err e;
	struct timespec ts = { 0, 50 * 1000000L };

	for (int i = 0; i < 100; i++) {
		if (nonces_redeem(n, text, &e) == -1 && strstr(e.msg, "expired") != NULL)
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

static void
test_nonces(void **state)
{
	struct nonces *n = nonces_create(0), *other = nonces_create(0), *brief = nonces_create(1);
	char a[NONCE_TEXT], b[NONCE_TEXT];
	struct err e;

	(void)state;
	nonces_issue(n, a);
	nonces_issue(n, b);
	assert_string_not_equal(a, b);
	assert_int_equal(nonces_redeem(n, a, &e), 0);
	assert_int_equal(nonces_redeem(n, a, &e), -1);
	assert_non_null(strstr(e.msg, "used already"));
	assert_false(e.transient);
	assert_int_equal(nonces_redeem(n, b, &e), 0);
	/* another server's (or another run's) nonce */
	nonces_issue(other, a);
	assert_int_equal(nonces_redeem(n, a, &e), -1);
	assert_non_null(strstr(e.msg, "not issued by this hub"));
	/* changed, truncated, junk */
	nonces_issue(n, a);
	a[3] = a[3] == 'A' ? 'B' : 'A';
	assert_int_equal(nonces_redeem(n, a, &e), -1);
	a[10] = '\0';
	assert_int_equal(nonces_redeem(n, a, &e), -1);
	assert_int_equal(nonces_redeem(n, "!!!", &e), -1);
	assert_int_equal(nonces_redeem(n, NULL, &e), -1);
	/* a nonce is good for its lifetime only */
	nonces_issue(brief, a);
	assert_true(expires(brief, a));
	nonces_free(n);
	nonces_free(other);
	nonces_free(brief);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc9421_example),
		cmocka_unit_test(test_tampering),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_content_digest),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_nonces),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
