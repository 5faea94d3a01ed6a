/* gen-vectors: regenerate the committed test vectors in tests/vectors/bundle/
 * and tests/vectors/seal/ (see tests/vectors/README.md). Keys are random, so
 * every run gives new bytes; the files are committed and checked by
 * tests/unit/test-bundle-vectors.c, tests/unit/test-hubimport.c,
 * tests/e2e/hub-vectors.sh and the independent reader tests/tools/skread.py.
 *
 *   make && cc -std=c11 -D_DEFAULT_SOURCE -Isync/wire -Isrc/core -Isrc/base \
 *       tests/vectors/gen-vectors.c build/plain/libwire.a build/plain/libcore.a \
 *       build/plain/libbase.a $(pkg-config --cflags --libs sqlite3 libsodium yaml-0.1 \
 *       jansson) -lm -o /tmp/gen-vectors
 *   /tmp/gen-vectors tests/vectors/bundle
 *
 * With --add it writes only the vectors added by issue 17 (the format's
 * last gaps and the sealed story), with the hub key already in DIR, and
 * appends their lines to DIR/expected.txt: every existing file stays.
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

/* The payload of a vector story; status NULL: none (before issue 17).
 * Caller frees. */
static char *
payload_json(const unsigned char id[16], const struct kiosk_identity *k, const char *text,
    const char *status)
{
	char sid[33], kid[KEY_ID_HEX], *st;
	char *json;

	sodium_bin2hex(sid, sizeof sid, id, 16);
	keys_id_hex(k->id, kid);
	st = status != NULL ? xasprintf("\"status\":\"%s\",", status) : xstrdup("");
	json =
	    xasprintf("{\"v\":1,\"story_id\":\"%s\",\"code\":\"K7P-2QX\",\"kiosk\":\"%s\","
	              "\"form\":\"partnership-stories\",\"form_version\":1,\"source\":\"paper\",%s"
	              "\"created\":\"2026-11-23T10:00:00Z\",\"saved\":\"2026-11-23T10:05:00Z\","
	              "\"types\":{\"story\":\"story\",\"equal\":\"scale\"},\"lang\":\"sw\","
	              "\"consent\":\"quotes\",\"prompt\":\"worked\",\"answers\":{\"story\":\"%s\","
	              "\"equal\":35}}",
	        sid, kid, st, text);
	free(st);
	return json;
}

static void
sealed_story_status(const unsigned char id[16], const struct kiosk_identity *k, const char *text,
    const char *status, const struct hub_pubkey *hub, unsigned char **out, size_t *len)
{
	char *json = payload_json(id, k, text, status);
	struct err e;

	if (seal_story(id, (unsigned char *)json, strlen(json), hub, 1, out, len, &e) == -1)
		die("seal", &e);
	free(json);
}

static void
sealed_story(const unsigned char id[16], const struct kiosk_identity *k, const char *text,
    const struct hub_pubkey *hub, unsigned char **out, size_t *len)
{
	sealed_story_status(id, k, text, NULL, hub, out, len);
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

/* A one-record bundle from kiosk k: record status and source as given,
 * the sealed payload saying "paper" and payload_status. */
static unsigned char *
one_record(const struct kiosk_identity *k, const struct hub_pubkey *hub, int status, int source,
    const char *payload_status, const char *text, size_t *len)
{
	struct bundle_writer *w;
	struct bundle_record r = { 0 };
	unsigned char *sealed, *out;
	size_t slen;
	struct err e;

	if (bundle_writer_create(k, "Kiosk D", 1, 1795000000, hub, 1, &w, &e) == -1)
		die("writer", &e);
	memset(r.id, 0xd1, sizeof r.id);
	r.seq = 1;
	r.status = status;
	r.source = source;
	sealed_story_status(r.id, k, text, payload_status, hub, &sealed, &slen);
	r.sealed = sealed;
	r.sealed_len = slen;
	if (bundle_writer_add(w, &r, &e) == -1 || bundle_writer_finish(w, &out, len, &e) == -1)
		die("bundle", &e);
	free(sealed);
	return out;
}

static void
put_hex(const char *sub, const char *name, const unsigned char *bin, size_t n)
{
	char *hex = xmalloc(2 * n + 2), *path = xasprintf("%s/%s", sub, name);
	struct err e;

	sodium_bin2hex(hex, 2 * n + 1, bin, n);
	strcat(hex, "\n");
	if (fsutil_write_atomic(path, hex, strlen(hex), 0644, 0, &e) == -1)
		die(name, &e);
	free(hex);
	free(path);
}

/* The vectors issue 17 added. The bundles come from a kiosk D of their own
 * (trusted by the tests before they import them: level "trusted"); the
 * sealed story, in ../seal/, is sealed to hub and other, for a reader to
 * check its decryption against (docs/bundle-format.md). */
static void
format_vectors(const struct hub_seckey *hub, const struct hub_pubkey *other)
{
	struct kiosk_identity *d = keys_kiosk_generate();
	struct hub_pubkey two[2];
	unsigned char *buf, id[16], *sealed, key[32];
	size_t len, slen, seq_at;
	char *json, *sub, *path;
	struct err e;
	FILE *fp;

	/* the bundle sequence is 0, re-signed: refused by the reader */
	buf = one_record(d, &hub->pub, 1, 1, "submitted", "sequence zero", &len);
	seq_at = 8 + 2 + 1 + 1 + 32 + 8 + 1 + strlen("Kiosk D");
	memset(buf + seq_at, 0, 8);
	resign(d, buf, len);
	put("sequence-zero.skb", buf, len, "bundle", "bundle sequence 0 (sequences start at 1)");
	free(buf);
	/* the record says kiosk, the sealed story paper */
	buf = one_record(d, &hub->pub, 1, 0, "submitted", "relabelled source", &len);
	put("source-differs.skb", buf, len, "trusted",
	    "record 1: its source (kiosk) is not the sealed story's (paper)");
	free(buf);
	/* the record says timed_out, the sealed story submitted */
	buf = one_record(d, &hub->pub, 3, 1, "submitted", "relabelled status", &len);
	put("status-differs.skb", buf, len, "trusted",
	    "record 1: its status (timed_out) is not the sealed story's (submitted)");
	free(buf);
	/* a draft a crash left, exported as interrupted: the two agree */
	buf = one_record(d, &hub->pub, 2, 1, "draft", "left by a power cut", &len);
	put("interrupted-draft.skb", buf, len, "trusted", "ok 1");
	free(buf);

	/* ../seal: one sealed story and what opening it gives at each step */
	sub = xasprintf("%s/../seal", dir);
	if (fsutil_mkdir(sub, 0755, &e) == -1)
		die("seal dir", &e);
	memset(id, 0, sizeof id);
	for (int i = 0; i < 16; i++)
		id[i] = (unsigned char)(0x10 + i);
	json = payload_json(id, d, "Tulijenga kisima pamoja; «ensemble» 🎉", "submitted");
	two[0] = hub->pub;
	two[1] = *other;
	if (seal_story(id, (unsigned char *)json, strlen(json), two, 2, &sealed, &slen, &e) == -1)
		die("seal", &e);
	path = xasprintf("%s/story.sealed", sub);
	if (fsutil_write_atomic(path, sealed, slen, 0644, 0, &e) == -1)
		die("story.sealed", &e);
	free(path);
	path = xasprintf("%s/story.json", sub);
	if (fsutil_write_atomic(path, json, strlen(json), 0644, 0, &e) == -1)
		die("story.json", &e);
	free(path);
	put_hex(sub, "story-id.hex", id, sizeof id);
	put_hex(sub, "hub-box-secret.hex", hub->box_sk, sizeof hub->box_sk);
	/* the story key: the first recipient's sealed key, opened */
	if (crypto_box_seal_open(key, sealed + 8 + KEY_ID_BYTES, crypto_box_SEALBYTES + 32,
	        hub->pub.box_pk, hub->box_sk) != 0)
		die("open the story key", NULL);
	put_hex(sub, "story-key.hex", key, sizeof key);
	path = xasprintf("%s/README.md", sub);
	if ((fp = fopen(path, "w")) == NULL)
		die(path, NULL);
	fprintf(fp,
	    "# A sealed story to check a reader against\n\n"
	    "`story.sealed` is one story sealed as a kiosk seals it (docs/bundle-format.md,\n"
	    "\"The sealed story\"), to two hub keys: `../bundle/hub.pub` (first) and\n"
	    "`../bundle/other-hub.pub`. Opening it with the first gives, step by step:\n\n"
	    "- `hub-box-secret.hex`: the X25519 secret key of `../bundle/hub.key`\n"
	    "  (passphrase `vector passphrase`), so the story can be opened without\n"
	    "  Argon2id; a reader that opens `hub.key` must find exactly this;\n"
	    "- `story-key.hex`: the story key its recipient entry opens to;\n"
	    "- `story-id.hex`: the story id, the first 16 bytes of the associated data;\n"
	    "- `story.json`: the payload, once decrypted and unpadded, byte for byte.\n\n"
	    "Test material only. Made by tests/vectors/gen-vectors.c.\n");
	if (fclose(fp) != 0)
		die(path, NULL);
	free(path);
	free(sealed);
	free(json);
	free(sub);
	sodium_memzero(key, sizeof key);
	keys_kiosk_free(d);
}

/* --add: the issue-17 vectors beside the committed ones. */
static int
add_only(void)
{
	struct hub_pubkey *others = NULL;
	struct hub_seckey *hub;
	unsigned char *text;
	size_t len, n = 0;
	char *path;
	struct err e;

	path = fsutil_join(dir, "hub.key");
	if (fsutil_read_file(path, 65536, &text, &len, &e) == -1 ||
	    keys_hub_sec_parse(path, (char *)text, len, PASS, strlen(PASS), &hub, &e) == -1)
		die("hub.key", &e);
	free(text);
	free(path);
	path = fsutil_join(dir, "other-hub.pub");
	if (keys_hub_pub_load(path, &others, &n, &e) == -1)
		die("other-hub.pub", &e);
	free(path);
	path = fsutil_join(dir, "expected.txt");
	if ((expected = fopen(path, "a")) == NULL)
		die(path, NULL);
	free(path);
	format_vectors(hub, &others[0]);
	if (fclose(expected) != 0)
		die("expected.txt", NULL);
	keys_hub_free(hub);
	free(others);
	printf("issue-17 vectors added to %s\n", dir);
	return 0;
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

	if (sodium_init() < 0 || argc < 2 || argc > 3 ||
	    (argc == 3 && strcmp(argv[1], "--add") != 0)) {
		fprintf(stderr, "usage: gen-vectors [--add] DIR\n");
		return 2;
	}
	dir = argv[argc - 1];
	if (argc == 3)
		return add_only();
	path = fsutil_join(dir, "expected.txt");
	if ((expected = fopen(path, "w")) == NULL)
		die(path, NULL);
	fprintf(expected,
	    "# file\tlevel\texpected (bundle: bundle_read; hub: import; trusted: "
	    "import once the kiosk is trusted)\n");
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
	format_vectors(hub, &other->pub);

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
