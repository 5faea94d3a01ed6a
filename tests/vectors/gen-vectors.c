/* gen-vectors: regenerate the committed bundle test vectors in
 * tests/vectors/bundle/ (see tests/vectors/README.md). Keys are random, so
 * every run gives new bytes; the files are committed and checked by
 * tests/unit/test-bundle-vectors.c and tests/unit/test-hubimport.c.
 *
 *   make && cc -std=c11 -D_DEFAULT_SOURCE -Isync/wire -Isrc/core -Isrc/base \
 *       tests/vectors/gen-vectors.c build/plain/libwire.a build/plain/libcore.a \
 *       build/plain/libbase.a $(pkg-config --cflags --libs sqlite3 libsodium yaml-0.1 \
 *       jansson) -lm -o /tmp/gen-vectors
 *   /tmp/gen-vectors tests/vectors/bundle
 */
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "fsutil.h"
#include "keys.h"
#include "seal.h"
#include "xmalloc.h"

#define PASS "vector passphrase"

static const char *dir;
static FILE *expected;

static void
die(const char *what, const struct err *e)
{
	fprintf(stderr, "gen-vectors: %s: %s\n", what, e ? e->msg : "failed");
	exit(1);
}

static void
put(const char *name, const unsigned char *buf, size_t len, const char *level, const char *want)
{
	char *path = fsutil_join(dir, name);
	struct err e;

	if (fsutil_write_atomic(path, buf, len, 0644, 0, &e) == -1)
		die(name, &e);
	fprintf(expected, "%s\t%s\t%s\n", name, level, want);
	free(path);
}

static void
sealed_story(const unsigned char id[16], const struct kiosk_identity *k, const char *text,
    const struct hub_pubkey *hub, unsigned char **out, size_t *len)
{
	char sid[33], kid[KEY_ID_HEX], *json;
	struct err e;

	sodium_bin2hex(sid, sizeof sid, id, 16);
	keys_id_hex(k->id, kid);
	json =
	    xasprintf("{\"v\":1,\"story_id\":\"%s\",\"code\":\"K7P-2QX\",\"kiosk\":\"%s\","
	              "\"form\":\"partnership-stories\",\"form_version\":1,\"source\":\"paper\","
	              "\"created\":\"2026-11-23T10:00:00Z\",\"saved\":\"2026-11-23T10:05:00Z\","
	              "\"types\":{\"story\":\"story\",\"equal\":\"scale\"},\"lang\":\"sw\","
	              "\"consent\":\"quotes\",\"prompt\":\"worked\",\"answers\":{\"story\":\"%s\","
	              "\"equal\":35}}",
	        sid, kid, text);
	if (seal_story(id, (unsigned char *)json, strlen(json), hub, 1, out, len, &e) == -1)
		die("seal", &e);
	free(json);
}

/* A bundle of n stories from kiosk k to hub; story i has id {i+1,...}. */
static unsigned char *
bundle(const struct kiosk_identity *k, const char *name, const struct hub_pubkey *hub, int n,
    const char *text, size_t *len)
{
	struct bundle_writer *w;
	struct err e;
	unsigned char *out;

	if (bundle_writer_create(k, name, 1, 1795000000, hub, 1, &w, &e) == -1)
		die("writer", &e);
	for (int i = 0; i < n; i++) {
		struct bundle_record r = { 0 };
		unsigned char *sealed;
		size_t slen;

		memset(r.id, i + 1, sizeof r.id);
		r.seq = (uint64_t)i + 1;
		r.status = 1;
		r.source = 1;
		sealed_story(r.id, k, text, hub, &sealed, &slen);
		r.sealed = sealed;
		r.sealed_len = slen;
		if (bundle_writer_add(w, &r, &e) == -1)
			die("add", &e);
		free(sealed);
	}
	if (bundle_writer_finish(w, &out, len, &e) == -1)
		die("finish", &e);
	return out;
}

static void
resign(const struct kiosk_identity *k, unsigned char *buf, size_t len)
{
	crypto_sign_state st;

	crypto_sign_init(&st);
	crypto_sign_update(&st, buf, len - 64);
	crypto_sign_final_create(&st, buf + len - 64, NULL, k->sk);
}

/* Offset of record i (0-based) in buf; walks the lengths. */
static size_t
record_at(const unsigned char *buf, size_t hdr, int i)
{
	size_t off = hdr;

	while (i-- > 0)
		off += 4 +
		    (buf[off] | buf[off + 1] << 8 | buf[off + 2] << 16 |
		        (size_t)buf[off + 3] << 24);
	return off;
}

int
main(int argc, char **argv)
{
	struct kiosk_identity *a, *b, *c;
	struct hub_seckey *hub, *other;
	unsigned char *good, *buf;
	size_t len, glen, hdr;
	char *path, *pub;
	struct err e;

	if (argc != 2 || sodium_init() < 0) {
		fprintf(stderr, "usage: gen-vectors DIR\n");
		return 2;
	}
	dir = argv[1];
	path = fsutil_join(dir, "expected.txt");
	if ((expected = fopen(path, "w")) == NULL)
		die(path, NULL);
	fprintf(expected, "# file\tlevel\texpected (bundle: bundle_read; hub: import)\n");
	hub = keys_hub_generate();
	other = keys_hub_generate();
	a = keys_kiosk_generate();
	b = keys_kiosk_generate();
	c = keys_kiosk_generate();
	unlink(fsutil_join(dir, "hub.key"));
	unlink(fsutil_join(dir, "hub.pub"));
	if (keys_hub_write(dir, hub, PASS, strlen(PASS), 1, &e) == -1)
		die("hub key", &e);
	pub = keys_hub_pub_format(&other->pub);
	put("other-hub.pub", (unsigned char *)pub, strlen(pub), "key", "-");

	good =
	    bundle(a, "Kiosk A «Kisumu»", &hub->pub, 3, "Hadithi ya \\\"ushirikiano\\\", 🎉", &glen);
	put("valid-a.skb", good, glen, "bundle", "ok 3");
	/* header: fixed part, name, seq, created, hub count, one hub id, record count */
	hdr = 8 + 2 + 1 + 1 + 32 + 8 + 1 + strlen("Kiosk A «Kisumu»") + 8 + 8 + 1 + 8 + 4;
	buf = bundle(a, "Kiosk A «Kisumu»", &hub->pub, 0, "", &len);
	put("valid-empty.skb", buf, len, "bundle", "ok 0");
	free(buf);

	buf = xmalloc(glen + 8);
	memcpy(buf, good, glen);
	memcpy(buf, "SKBUNDLX", 8);
	put("bad-magic.skb", buf, glen, "bundle", "bad magic");
	memcpy(buf, good, glen);
	buf[8] = 2;
	put("unknown-version.skb", buf, glen, "bundle", "unknown version 2");
	memcpy(buf, good, glen);
	buf[record_at(good, hdr, 1) + 100] ^= 1;
	put("bad-signature.skb", buf, glen, "bundle", "bad signature");
	memcpy(buf, good, glen);
	buf[glen - 10] ^= 0x20;
	put("bad-signature-bytes.skb", buf, glen, "bundle", "bad signature");
	put("truncated-header.skb", good, 40, "bundle", "truncated (header)");
	put("truncated-record.skb", good, record_at(good, hdr, 1) + 50, "bundle", "truncated");
	put("truncated-signature.skb", good, glen - 20, "bundle", "truncated (signature)");
	put("truncated-last-byte.skb", good, glen - 1, "bundle", "truncated (signature)");
	memcpy(buf, good, glen);
	memset(buf + glen, 0, 8);
	put("trailing-bytes.skb", buf, glen + 8, "bundle",
	    "trailing bytes (8 after the signature)");
	{
		/* swap records 2 and 3, re-signed: only the order is wrong */
		size_t r2 = record_at(good, hdr, 1), r3 = record_at(good, hdr, 2), end = glen - 64;

		memcpy(buf, good, r2);
		memcpy(buf + r2, good + r3, end - r3);
		memcpy(buf + r2 + (end - r3), good + r2, r3 - r2);
		memcpy(buf + end, good + end, 64);
		resign(a, buf, glen);
		put("reordered.skb", buf, glen, "bundle", "records out of order (record 3)");
	}
	{
		/* record 3 carries record 1's id (re-signed) */
		size_t r3 = record_at(good, hdr, 2);

		memcpy(buf, good, glen);
		memset(buf + r3 + 4, 1, 16);
		resign(a, buf, glen);
		put("duplicate.skb", buf, glen, "bundle", "duplicate record");
	}
	memcpy(buf, good, glen);
	buf[hdr - 2] = 0x10; /* record count 0x100003 > 200000 */
	resign(a, buf, glen);
	put("oversized-count.skb", buf, glen, "bundle", "length field too large (record count");
	memcpy(buf, good, glen);
	buf[hdr + 3] = 0x7f; /* first record length ~2 GiB */
	resign(a, buf, glen);
	put("oversized-record.skb", buf, glen, "bundle", "length field too large (record 1");
	memcpy(buf, good, glen);
	buf[hdr - 9] ^= 1; /* the hub key id the bundle names */
	resign(a, buf, glen);
	put("wrong-hub-id.skb", buf, glen, "bundle", "not addressed to this hub key");
	free(buf);

	buf = bundle(a, "Kiosk A «Kisumu»", &other->pub, 1, "for another hub", &len);
	put("wrong-hub-key.skb", buf, len, "bundle", "not addressed to this hub key");
	free(buf);
	buf = bundle(b, "Kiosk B", &hub->pub, 2, "from an unknown kiosk", &len);
	put("unknown-kiosk.skb", buf, len, "hub", "quarantined");
	free(buf);
	buf = bundle(c, "Kiosk C", &hub->pub, 2, "from a revoked kiosk", &len);
	put("revoked-kiosk.skb", buf, len, "hub", "is revoked");
	free(buf);
	buf = bundle(a, "Kiosk A «Kisumu»", &hub->pub, 1, "the same id, other words", &len);
	put("conflict-a.skb", buf, len, "hub", "conflict");
	free(buf);

	free(good);
	if (fclose(expected) != 0)
		die("expected.txt", NULL);
	keys_hub_free(hub);
	keys_hub_free(other);
	keys_kiosk_free(a);
	keys_kiosk_free(b);
	keys_kiosk_free(c);
	printf("vectors written to %s\n", dir);
	return 0;
}
