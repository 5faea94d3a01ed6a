/* keys: key generation and the three key file formats. Each file is text:
 * comment lines, then one "<kind>-v<version> <base64>" line whose binary part
 * starts with a magic, a version and algorithm bytes, so an unknown version or
 * algorithm is refused by name and the wrong kind of file is recognised. */
#include "keys.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "fsutil.h"
#include "xmalloc.h"

#define PUB_TAG "storyhub-pub-v"
#define SEC_TAG "storyhub-key-v"
#define KIOSK_TAG "storykiosk-id-v"

#define ALG_X25519 1
#define ALG_ED25519 1
#define ALG_ARGON2ID 1
#define ALG_SECRETBOX 1 /* XSalsa20-Poly1305 */

#define PUB_RAW 80 /* magic 4, ver, box alg, sign alg, 0, id 8, box pk, sign pk */
#define SEC_SALT crypto_pwhash_SALTBYTES
#define SEC_NONCE crypto_secretbox_NONCEBYTES
#define SEC_PLAIN (crypto_box_SECRETKEYBYTES + crypto_sign_SECRETKEYBYTES)
#define SEC_CT (SEC_PLAIN + crypto_secretbox_MACBYTES)
#define SEC_HEAD (4 + 4 + KEY_ID_BYTES + 8 + 8 + SEC_SALT + SEC_NONCE)
#define CHECK_BYTES 16
#define SEC_RAW (SEC_HEAD + SEC_CT + CHECK_BYTES)
#define KIOSK_RAW (4 + 4 + KEY_ID_BYTES + crypto_sign_SECRETKEYBYTES + CHECK_BYTES)
#define MAX_KEY_FILE 65536

/* Argon2id cost for the hub key: a coordinator's laptop, unlocked once per command. */
#define HUB_OPSLIMIT crypto_pwhash_OPSLIMIT_MODERATE
#define HUB_MEMLIMIT (128u << 20)
#define MAX_OPSLIMIT 32
#define MAX_MEMLIMIT (1024ull << 20)

static void
checksum(const unsigned char *p, size_t len, unsigned char out[CHECK_BYTES])
{
	crypto_generichash(out, CHECK_BYTES, p, len, NULL, 0);
}

void
keys_kiosk_id(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], unsigned char id[KEY_ID_BYTES])
{
	static const unsigned char ctx[] = "storykiosk kiosk id";
	unsigned char h[16];
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, ctx, sizeof ctx);
	crypto_generichash_update(&st, pk, crypto_sign_PUBLICKEYBYTES);
	crypto_generichash_final(&st, h, sizeof h);
	memcpy(id, h, KEY_ID_BYTES);
}

void
keys_hub_id(const unsigned char box_pk[crypto_box_PUBLICKEYBYTES],
    const unsigned char sign_pk[crypto_sign_PUBLICKEYBYTES], unsigned char id[KEY_ID_BYTES])
{
	static const unsigned char ctx[] = "storyhub key id";
	unsigned char h[16];
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, ctx, sizeof ctx);
	crypto_generichash_update(&st, box_pk, crypto_box_PUBLICKEYBYTES);
	crypto_generichash_update(&st, sign_pk, crypto_sign_PUBLICKEYBYTES);
	crypto_generichash_final(&st, h, sizeof h);
	memcpy(id, h, KEY_ID_BYTES);
}

void
keys_id_hex(const unsigned char id[KEY_ID_BYTES], char out[KEY_ID_HEX])
{
	sodium_bin2hex(out, KEY_ID_HEX, id, KEY_ID_BYTES);
}

int
keys_id_from_hex(const char *hex, unsigned char id[KEY_ID_BYTES])
{
	size_t n;
	const char *end;

	if (strlen(hex) != 2 * KEY_ID_BYTES)
		return -1;
	if (sodium_hex2bin(id, KEY_ID_BYTES, hex, 2 * KEY_ID_BYTES, NULL, &n, &end) != 0 ||
	    n != KEY_ID_BYTES || *end != '\0')
		return -1;
	return 0;
}

void
keys_fingerprint(const unsigned char id[KEY_ID_BYTES], char out[KEY_FPR_LEN])
{
	static const char hexd[] = "0123456789ABCDEF";
	int i, o = 0;

	for (i = 0; i < KEY_ID_BYTES; i++) {
		if (i > 0 && i % 2 == 0)
			out[o++] = '-';
		out[o++] = hexd[id[i] >> 4];
		out[o++] = hexd[id[i] & 15];
	}
	out[o] = '\0';
}

struct hub_seckey *
keys_hub_generate(void)
{
	struct hub_seckey *k = xsecure_malloc(sizeof *k);

	crypto_box_keypair(k->pub.box_pk, k->box_sk);
	crypto_sign_keypair(k->pub.sign_pk, k->sign_sk);
	keys_hub_id(k->pub.box_pk, k->pub.sign_pk, k->pub.id);
	return k;
}

void
keys_hub_free(struct hub_seckey *k)
{
	if (k != NULL)
		sodium_free(k);
}

struct kiosk_identity *
keys_kiosk_generate(void)
{
	struct kiosk_identity *k = xsecure_malloc(sizeof *k);

	crypto_sign_keypair(k->pk, k->sk);
	keys_kiosk_id(k->pk, k->id);
	return k;
}

void
keys_kiosk_free(struct kiosk_identity *k)
{
	if (k != NULL)
		sodium_free(k);
}

/* "<tag>1 <base64>\n" for raw. Caller frees. */
static char *
format_line(const char *tag, const unsigned char *raw, size_t len)
{
	size_t b64len = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = xmalloc(b64len), *line;

	sodium_bin2base64(b64, b64len, raw, len, sodium_base64_VARIANT_ORIGINAL);
	line = xasprintf("%s1 %s\n", tag, b64);
	sodium_memzero(b64, b64len);
	free(b64);
	return line;
}

char *
keys_hub_pub_format(const struct hub_pubkey *k)
{
	unsigned char raw[PUB_RAW];
	char fpr[KEY_FPR_LEN], *line, *text;

	memcpy(raw, "SKHP", 4);
	raw[4] = 1;
	raw[5] = ALG_X25519;
	raw[6] = ALG_ED25519;
	raw[7] = 0;
	memcpy(raw + 8, k->id, KEY_ID_BYTES);
	memcpy(raw + 16, k->box_pk, crypto_box_PUBLICKEYBYTES);
	memcpy(raw + 48, k->sign_pk, crypto_sign_PUBLICKEYBYTES);
	keys_fingerprint(k->id, fpr);
	line = format_line(PUB_TAG, raw, sizeof raw);
	text = xasprintf("# storyhub public key: give this file to field workers "
	                 "(storykiosk init --hub-key)\n# fingerprint %s\n%s",
	    fpr, line);
	free(line);
	return text;
}

/* Names the kind of key file a line holds, for "wrong file type" messages. */
static const char *
line_kind(const char *line, size_t len)
{
	if (len >= strlen(PUB_TAG) && memcmp(line, PUB_TAG, strlen(PUB_TAG)) == 0)
		return "a hub public key (hub.pub)";
	if (len >= strlen(SEC_TAG) && memcmp(line, SEC_TAG, strlen(SEC_TAG)) == 0)
		return "a hub secret key (hub.key)";
	if (len >= strlen(KIOSK_TAG) && memcmp(line, KIOSK_TAG, strlen(KIOSK_TAG)) == 0)
		return "a kiosk identity";
	return NULL;
}

/* Walk the key lines of text (skipping comments and blank lines), calling fn
 * for each; a line that is not a key line of any kind is an error. */
static int
each_line(const char *name, const char *text, size_t len,
    int (*fn)(const char *name, int lineno, const char *line, size_t n, void *ctx), void *ctx)
{
	size_t i = 0, start, n;
	int lineno = 0;

	while (i < len) {
		start = i;
		while (i < len && text[i] != '\n')
			i++;
		n = i - start;
		if (i < len)
			i++;
		lineno++;
		if (n > 0 && text[start + n - 1] == '\r')
			n--;
		while (n > 0 && (text[start] == ' ' || text[start] == '\t')) {
			start++;
			n--;
		}
		if (n == 0 || text[start] == '#')
			continue;
		if (fn(name, lineno, text + start, n, ctx) == -1)
			return -1;
	}
	return 0;
}

/* Decode "<tag><version> <base64>" into raw (exactly rawlen bytes). */
static int
decode_line(const char *name, int lineno, const char *line, size_t n, const char *tag,
    const char *what, unsigned char *raw, size_t rawlen, struct err *e)
{
	size_t taglen = strlen(tag), binlen, i;
	const char *b64, *end, *kind;

	if (n < taglen || memcmp(line, tag, taglen) != 0) {
		kind = line_kind(line, n);
		if (kind != NULL)
			return err_set(e, "%s:%d: this is %s, not %s", name, lineno, kind, what);
		return err_set(e, "%s:%d: not %s file", name, lineno, what);
	}
	if (n < taglen + 2 || line[taglen] != '1' || line[taglen + 1] != ' ') {
		for (i = taglen; i < n && line[i] != ' '; i++)
			;
		return err_set(e,
		    "%s:%d: unknown key file version '%.*s' (this program "
		    "reads version 1; upgrade storykiosk)",
		    name, lineno, (int)(i - taglen > 16 ? 16 : i - taglen), line + taglen);
	}
	b64 = line + taglen + 2;
	if (sodium_base642bin(raw, rawlen, b64, n - taglen - 2, " ", &binlen, &end,
	        sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != line + n)
		return err_set(
		    e, "%s:%d: damaged key file (bad encoding or extra data)", name, lineno);
	if (binlen != rawlen)
		return err_set(e, "%s:%d: damaged key file (truncated)", name, lineno);
	return 0;
}

struct pub_ctx {
	struct hub_pubkey **keys;
	size_t *n;
	struct err *e;
};

static int
pub_line(const char *name, int lineno, const char *line, size_t n, void *arg)
{
	struct pub_ctx *c = arg;
	unsigned char raw[PUB_RAW], id[KEY_ID_BYTES];
	struct hub_pubkey *k;

	if (decode_line(
	        name, lineno, line, n, PUB_TAG, "a hub public key", raw, sizeof raw, c->e) == -1)
		return -1;
	if (memcmp(raw, "SKHP", 4) != 0 || raw[4] != 1)
		return err_set(c->e, "%s:%d: damaged hub public key (bad magic)", name, lineno);
	if (raw[5] != ALG_X25519 || raw[6] != ALG_ED25519)
		return err_set(c->e,
		    "%s:%d: hub key uses unknown algorithms (%u/%u); "
		    "this program knows X25519/Ed25519",
		    name, lineno, raw[5], raw[6]);
	keys_hub_id(raw + 16, raw + 48, id);
	if (memcmp(id, raw + 8, KEY_ID_BYTES) != 0)
		return err_set(c->e,
		    "%s:%d: damaged hub public key (key id does not "
		    "match the keys)",
		    name, lineno);
	*c->keys = xreallocarray(*c->keys, *c->n + 1, sizeof **c->keys);
	k = &(*c->keys)[(*c->n)++];
	memcpy(k->id, id, KEY_ID_BYTES);
	memcpy(k->box_pk, raw + 16, crypto_box_PUBLICKEYBYTES);
	memcpy(k->sign_pk, raw + 48, crypto_sign_PUBLICKEYBYTES);
	return 0;
}

int
keys_hub_pub_parse(const char *name, const char *text, size_t len, struct hub_pubkey **keys,
    size_t *n, struct err *e)
{
	struct pub_ctx c = { keys, n, e };
	size_t before = *n;

	if (each_line(name, text, len, pub_line, &c) == -1)
		return -1;
	if (*n == before)
		return err_set(e, "%s: no hub public key in this file", name);
	return 0;
}

int
keys_hub_pub_load(const char *path, struct hub_pubkey **keys, size_t *n, struct err *e)
{
	unsigned char *buf;
	size_t len;
	int rv;

	if (fsutil_read_file(path, MAX_KEY_FILE, &buf, &len, e) == -1)
		return -1;
	rv = keys_hub_pub_parse(path, (char *)buf, len, keys, n, e);
	free(buf);
	return rv;
}

/* Derive the secretbox key from the passphrase. */
static int
derive(unsigned char key[crypto_secretbox_KEYBYTES], const char *pass, size_t passlen,
    const unsigned char *salt, uint64_t ops, uint64_t mem, struct err *e)
{
	if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, pass, passlen, salt, ops, (size_t)mem,
	        crypto_pwhash_ALG_ARGON2ID13) != 0)
		return err_set(e,
		    "not enough memory to unlock the key (Argon2id needs "
		    "%llu MiB)",
		    (unsigned long long)(mem >> 20));
	return 0;
}

int
keys_hub_write(const char *dir, const struct hub_seckey *k, const char *pass, size_t passlen,
    int force, struct err *e)
{
	return keys_hub_write_cost(dir, k, pass, passlen, force, HUB_OPSLIMIT, HUB_MEMLIMIT, e);
}

int
keys_hub_write_cost(const char *dir, const struct hub_seckey *k, const char *pass, size_t passlen,
    int force, uint64_t ops, uint64_t mem, struct err *e)
{
	unsigned char raw[SEC_RAW], *key = NULL, *plain = NULL, *p;
	char *pubpath = fsutil_join(dir, "hub.pub"), *secpath = fsutil_join(dir, "hub.key");
	char *pubtext = NULL, *secline = NULL, *sectext = NULL, fpr[KEY_FPR_LEN];
	int rv = -1;

	if (!force && (fsutil_exists(pubpath) || fsutil_exists(secpath))) {
		err_set(e,
		    "%s already holds a hub key; a new key cannot read stories "
		    "sealed to the old one (use --force to replace it anyway)",
		    dir);
		goto out;
	}
	key = xsecure_malloc(crypto_secretbox_KEYBYTES);
	plain = xsecure_malloc(SEC_PLAIN);
	p = raw;
	memcpy(p, "SKHS", 4);
	p[4] = 1;
	p[5] = ALG_ARGON2ID;
	p[6] = ALG_SECRETBOX;
	p[7] = 0;
	p += 8;
	memcpy(p, k->pub.id, KEY_ID_BYTES);
	p += KEY_ID_BYTES;
	le_put64(p, ops);
	le_put64(p + 8, mem);
	p += 16;
	randombytes_buf(p, SEC_SALT);
	randombytes_buf(p + SEC_SALT, SEC_NONCE);
	if (derive(key, pass, passlen, p, ops, mem, e) == -1)
		goto out;
	memcpy(plain, k->box_sk, crypto_box_SECRETKEYBYTES);
	memcpy(plain + crypto_box_SECRETKEYBYTES, k->sign_sk, crypto_sign_SECRETKEYBYTES);
	crypto_secretbox_easy(raw + SEC_HEAD, plain, SEC_PLAIN, p + SEC_SALT, key);
	checksum(raw, SEC_HEAD + SEC_CT, raw + SEC_HEAD + SEC_CT);

	keys_fingerprint(k->pub.id, fpr);
	secline = format_line(SEC_TAG, raw, sizeof raw);
	sectext = xasprintf("# storyhub SECRET key, fingerprint %s: keep it private "
	                    "and keep a backup; it is locked with your passphrase\n%s",
	    fpr, secline);
	pubtext = keys_hub_pub_format(&k->pub);
	if (fsutil_mkdir(dir, 0700, e) == -1)
		goto out;
	if (fsutil_write_atomic(secpath, sectext, strlen(sectext), 0600, !force, e) == -1)
		goto out;
	if (fsutil_write_atomic(pubpath, pubtext, strlen(pubtext), 0644, !force, e) == -1)
		goto out;
	rv = 0;
out:
	if (key != NULL)
		sodium_free(key);
	if (plain != NULL)
		sodium_free(plain);
	if (secline != NULL) {
		sodium_memzero(secline, strlen(secline));
		free(secline);
	}
	if (sectext != NULL) {
		sodium_memzero(sectext, strlen(sectext));
		free(sectext);
	}
	free(pubtext);
	free(pubpath);
	free(secpath);
	return rv;
}

struct sec_ctx {
	const char *pass;
	size_t passlen;
	struct hub_seckey *key;
	struct err *e;
};

static int
sec_line(const char *name, int lineno, const char *line, size_t n, void *arg)
{
	struct sec_ctx *c = arg;
	unsigned char raw[SEC_RAW], sum[CHECK_BYTES], id[KEY_ID_BYTES], *key = NULL;
	unsigned char *plain = NULL;
	struct hub_seckey *k = NULL;
	uint64_t ops, mem;
	int rv = -1;

	if (c->key != NULL)
		return err_set(c->e, "%s:%d: more than one secret key in the file", name, lineno);
	if (decode_line(
	        name, lineno, line, n, SEC_TAG, "a hub secret key", raw, sizeof raw, c->e) == -1)
		return -1;
	checksum(raw, SEC_HEAD + SEC_CT, sum);
	if (sodium_memcmp(sum, raw + SEC_HEAD + SEC_CT, CHECK_BYTES) != 0)
		return err_set(c->e,
		    "%s: damaged hub secret key (checksum mismatch); "
		    "restore it from your backup",
		    name);
	if (memcmp(raw, "SKHS", 4) != 0 || raw[4] != 1)
		return err_set(c->e, "%s: damaged hub secret key (bad magic)", name);
	if (raw[5] != ALG_ARGON2ID || raw[6] != ALG_SECRETBOX)
		return err_set(c->e, "%s: hub secret key uses unknown algorithms (%u/%u)", name,
		    raw[5], raw[6]);
	ops = le_get64(raw + 16);
	mem = le_get64(raw + 24);
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > MAX_OPSLIMIT ||
	    mem < crypto_pwhash_MEMLIMIT_MIN || mem > MAX_MEMLIMIT)
		return err_set(c->e,
		    "%s: hub secret key has unreasonable Argon2id "
		    "limits; refusing it",
		    name);
	key = xsecure_malloc(crypto_secretbox_KEYBYTES);
	plain = xsecure_malloc(SEC_PLAIN);
	if (derive(key, c->pass, c->passlen, raw + 32, ops, mem, c->e) == -1)
		goto out;
	if (crypto_secretbox_open_easy(plain, raw + SEC_HEAD, SEC_CT, raw + 32 + SEC_SALT, key) !=
	    0) {
		err_set(c->e, "wrong passphrase for %s", name);
		goto out;
	}
	k = xsecure_malloc(sizeof *k);
	memcpy(k->box_sk, plain, crypto_box_SECRETKEYBYTES);
	memcpy(k->sign_sk, plain + crypto_box_SECRETKEYBYTES, crypto_sign_SECRETKEYBYTES);
	crypto_scalarmult_base(k->pub.box_pk, k->box_sk);
	crypto_sign_ed25519_sk_to_pk(k->pub.sign_pk, k->sign_sk);
	keys_hub_id(k->pub.box_pk, k->pub.sign_pk, id);
	if (memcmp(id, raw + 8, KEY_ID_BYTES) != 0) {
		err_set(c->e, "%s: damaged hub secret key (key id does not match)", name);
		goto out;
	}
	memcpy(k->pub.id, id, KEY_ID_BYTES);
	c->key = k;
	k = NULL;
	rv = 0;
out:
	keys_hub_free(k);
	sodium_free(key);
	sodium_free(plain);
	return rv;
}

int
keys_hub_sec_parse(const char *name, const char *text, size_t len, const char *pass, size_t passlen,
    struct hub_seckey **out, struct err *e)
{
	struct sec_ctx c = { pass, passlen, NULL, e };

	*out = NULL;
	if (each_line(name, text, len, sec_line, &c) == -1) {
		keys_hub_free(c.key);
		return -1;
	}
	if (c.key == NULL)
		return err_set(e, "%s: no hub secret key in this file", name);
	*out = c.key;
	return 0;
}

/* 1 if path is in the credentials directory systemd gives a service
 * (LoadCredential=): a directory only that service can enter, where systemd
 * may grant the service's user read access with an ACL, whose mask shows as
 * group bits. */
static int
from_credentials(const char *path)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	size_t n = dir != NULL ? strlen(dir) : 0;

	return n > 0 && strncmp(path, dir, n) == 0 && path[n] == '/' &&
	    strstr(path, "/../") == NULL;
}

int
keys_hub_sec_load(
    const char *path, const char *pass, size_t passlen, struct hub_seckey **out, struct err *e)
{
	unsigned char *buf;
	size_t len;
	int rv;

	*out = NULL;
	if ((!from_credentials(path) && fsutil_check_private(path, e) == -1) ||
	    fsutil_read_secret(path, MAX_KEY_FILE, &buf, &len, e) == -1)
		return -1;
	rv = keys_hub_sec_parse(path, (char *)buf, len, pass, passlen, out, e);
	sodium_free(buf);
	return rv;
}

int
keys_kiosk_write(const char *path, const struct kiosk_identity *k, int exclusive, struct err *e)
{
	unsigned char *raw = xsecure_malloc(KIOSK_RAW);
	char id[KEY_ID_HEX], *line, *text;
	int rv;

	memcpy(raw, "SKKI", 4);
	raw[4] = 1;
	raw[5] = ALG_ED25519;
	raw[6] = raw[7] = 0;
	memcpy(raw + 8, k->id, KEY_ID_BYTES);
	memcpy(raw + 16, k->sk, crypto_sign_SECRETKEYBYTES);
	checksum(raw, KIOSK_RAW - CHECK_BYTES, raw + KIOSK_RAW - CHECK_BYTES);
	line = format_line(KIOSK_TAG, raw, KIOSK_RAW);
	keys_id_hex(k->id, id);
	text = xasprintf("# storykiosk identity of kiosk %s: SECRET, signs this "
	                 "kiosk's bundles\n%s",
	    id, line);
	rv = fsutil_write_atomic(path, text, strlen(text), 0600, exclusive, e);
	sodium_memzero(line, strlen(line));
	sodium_memzero(text, strlen(text));
	free(line);
	free(text);
	sodium_free(raw);
	return rv;
}

struct kiosk_ctx {
	struct kiosk_identity *key;
	struct err *e;
};

static int
kiosk_line(const char *name, int lineno, const char *line, size_t n, void *arg)
{
	struct kiosk_ctx *c = arg;
	unsigned char *raw, sum[CHECK_BYTES];
	struct kiosk_identity *k;
	int rv = -1;

	if (c->key != NULL)
		return err_set(c->e, "%s:%d: more than one identity in the file", name, lineno);
	raw = xsecure_malloc(KIOSK_RAW);
	if (decode_line(
	        name, lineno, line, n, KIOSK_TAG, "a kiosk identity", raw, KIOSK_RAW, c->e) == -1)
		goto out;
	checksum(raw, KIOSK_RAW - CHECK_BYTES, sum);
	if (sodium_memcmp(sum, raw + KIOSK_RAW - CHECK_BYTES, CHECK_BYTES) != 0) {
		err_set(c->e, "%s: damaged kiosk identity (checksum mismatch)", name);
		goto out;
	}
	if (memcmp(raw, "SKKI", 4) != 0 || raw[4] != 1 || raw[5] != ALG_ED25519) {
		err_set(c->e, "%s: damaged kiosk identity (bad magic or algorithm)", name);
		goto out;
	}
	k = xsecure_malloc(sizeof *k);
	memcpy(k->sk, raw + 16, crypto_sign_SECRETKEYBYTES);
	crypto_sign_ed25519_sk_to_pk(k->pk, k->sk);
	keys_kiosk_id(k->pk, k->id);
	if (memcmp(k->id, raw + 8, KEY_ID_BYTES) != 0) {
		keys_kiosk_free(k);
		err_set(c->e, "%s: damaged kiosk identity (id does not match)", name);
		goto out;
	}
	c->key = k;
	rv = 0;
out:
	sodium_free(raw);
	return rv;
}

int
keys_kiosk_parse(
    const char *name, const char *text, size_t len, struct kiosk_identity **out, struct err *e)
{
	struct kiosk_ctx c = { NULL, e };

	*out = NULL;
	if (each_line(name, text, len, kiosk_line, &c) == -1) {
		keys_kiosk_free(c.key);
		return -1;
	}
	if (c.key == NULL)
		return err_set(e, "%s: no kiosk identity in this file", name);
	*out = c.key;
	return 0;
}

int
keys_kiosk_load(const char *path, struct kiosk_identity **out, struct err *e)
{
	unsigned char *buf;
	size_t len;
	int rv;

	*out = NULL;
	if (fsutil_check_private(path, e) == -1)
		return -1;
	if (fsutil_read_secret(path, MAX_KEY_FILE, &buf, &len, e) == -1)
		return -1;
	rv = keys_kiosk_parse(path, (char *)buf, len, out, e);
	sodium_free(buf);
	return rv;
}

int
keys_pin_hash(const char *pin, size_t len, char out[crypto_pwhash_STRBYTES], struct err *e)
{
	if (crypto_pwhash_str(out, pin, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return err_set(e, "not enough memory to hash the PIN");
	return 0;
}

int
keys_pin_verify(const char *hash, const char *pin, size_t len)
{
	return crypto_pwhash_str_verify(hash, pin, len) == 0 ? 0 : -1;
}
