/* seal: per-story envelope encryption.
 *
 *   "SKS1" | version 1 | aead alg 1 (XChaCha20-Poly1305) | box alg 1 (X25519
 *   crypto_box_seal) | recipient count n | n x (key id 8 | sealed story key 80)
 *   | nonce 24 | AEAD ciphertext of sodium_pad(payload, SEAL_PAD_BLOCK)
 *
 * The associated data is the story id followed by every byte before the
 * ciphertext, so a blob cannot be moved to another story or re-addressed. */
#include "seal.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define HEAD 8
#define RECIP (KEY_ID_BYTES + crypto_box_SEALBYTES + crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define KEYLEN crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define ABYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

static void
make_ad(unsigned char *ad, const unsigned char id[SEAL_ID_BYTES], const unsigned char *head,
    size_t headlen)
{
	memcpy(ad, id, SEAL_ID_BYTES);
	memcpy(ad + SEAL_ID_BYTES, head, headlen);
}

int
seal_story(const unsigned char id[SEAL_ID_BYTES], const unsigned char *plain, size_t len,
    const struct hub_pubkey *keys, size_t nkeys, unsigned char **out, size_t *outlen, struct err *e)
{
	unsigned char *key = NULL, *padded = NULL, *blob = NULL, *ad = NULL, *p;
	size_t padcap, padlen, headlen, total, i;
	unsigned long long ctlen;
	int rv = -1;

	*out = NULL;
	*outlen = 0;
	if (nkeys == 0 || nkeys > SEAL_MAX_RECIPIENTS)
		return err_set(
		    e, "a story needs 1 to %d hub keys (have %zu)", SEAL_MAX_RECIPIENTS, nkeys);
	if (len > SEAL_MAX_PLAIN)
		return err_set(e, "story too large to seal (%zu bytes)", len);
	padcap = len + SEAL_PAD_BLOCK;
	padded = xsecure_malloc(padcap);
	memcpy(padded, plain, len);
	if (sodium_pad(&padlen, padded, len, SEAL_PAD_BLOCK, padcap) != 0) {
		err_set(e, "cannot pad the story");
		goto out;
	}
	key = xsecure_malloc(KEYLEN);
	crypto_aead_xchacha20poly1305_ietf_keygen(key);

	headlen = HEAD + nkeys * RECIP + NONCE;
	total = headlen + padlen + ABYTES;
	blob = xmalloc(total);
	p = blob;
	memcpy(p, "SKS1", 4);
	p[4] = 1;
	p[5] = 1;
	p[6] = 1;
	p[7] = (unsigned char)nkeys;
	p += HEAD;
	for (i = 0; i < nkeys; i++) {
		memcpy(p, keys[i].id, KEY_ID_BYTES);
		if (crypto_box_seal(p + KEY_ID_BYTES, key, KEYLEN, keys[i].box_pk) != 0) {
			err_set(e, "cannot seal the story key (bad hub key?)");
			goto out;
		}
		p += RECIP;
	}
	randombytes_buf(p, NONCE);
	ad = xmalloc(SEAL_ID_BYTES + headlen);
	make_ad(ad, id, blob, headlen);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
	    blob + headlen, &ctlen, padded, padlen, ad, SEAL_ID_BYTES + headlen, NULL, p, key);
	*out = blob;
	*outlen = headlen + (size_t)ctlen;
	blob = NULL;
	rv = 0;
out:
	sodium_free(padded);
	sodium_free(key);
	free(blob);
	free(ad);
	return rv;
}

/* Structure check; returns the recipient count or -1. */
static int
check_head(const unsigned char *sealed, size_t len, struct err *e)
{
	size_t n;

	if (len < HEAD || memcmp(sealed, "SKS1", 4) != 0)
		return err_set(e, "not a sealed story");
	if (sealed[4] != 1)
		return err_set(e, "sealed story of unknown version %u", sealed[4]);
	if (sealed[5] != 1 || sealed[6] != 1)
		return err_set(
		    e, "sealed story uses unknown algorithms (%u/%u)", sealed[5], sealed[6]);
	n = sealed[7];
	if (n == 0 || n > SEAL_MAX_RECIPIENTS)
		return err_set(e, "sealed story has a bad recipient count (%zu)", n);
	if (len < HEAD + n * RECIP + NONCE + ABYTES + SEAL_PAD_BLOCK ||
	    (len - HEAD - n * RECIP - NONCE - ABYTES) % SEAL_PAD_BLOCK != 0)
		return err_set(e, "sealed story has a bad length");
	if (len > SEAL_MAX_SEALED)
		return err_set(e, "sealed story too large");
	return (int)n;
}

int
seal_recipients(const unsigned char *sealed, size_t len, unsigned char ids[][KEY_ID_BYTES],
    size_t max, size_t *n, struct err *e)
{
	int count, i;

	*n = 0;
	if ((count = check_head(sealed, len, e)) == -1)
		return -1;
	for (i = 0; i < count && (size_t)i < max; i++)
		memcpy(ids[i], sealed + HEAD + (size_t)i * RECIP, KEY_ID_BYTES);
	*n = (size_t)i;
	return 0;
}

int
seal_open(const unsigned char id[SEAL_ID_BYTES], const unsigned char *sealed, size_t len,
    const struct hub_seckey *hk, unsigned char **plain, size_t *plainlen, struct err *e)
{
	unsigned char key[KEYLEN], *buf = NULL, *ad = NULL;
	const unsigned char *r = NULL;
	size_t headlen, ctlen = 0, unpadded;
	unsigned long long mlen;
	int count, i, rv = -1;

	*plain = NULL;
	*plainlen = 0;
	if ((count = check_head(sealed, len, e)) == -1)
		return -1;
	headlen = HEAD + (size_t)count * RECIP + NONCE;
	for (i = 0; i < count; i++) {
		r = sealed + HEAD + (size_t)i * RECIP;
		if (memcmp(r, hk->pub.id, KEY_ID_BYTES) == 0)
			break;
	}
	if (i == count) {
		err_set(e, "story is not sealed to this hub key");
		goto out;
	}
	if (crypto_box_seal_open(key, r + KEY_ID_BYTES, crypto_box_SEALBYTES + KEYLEN,
	        hk->pub.box_pk, hk->box_sk) != 0) {
		err_set(e, "story key does not open with this hub key");
		goto out;
	}
	ctlen = len - headlen;
	/* Plain malloc, wiped on every path: sodium_malloc costs several system
	 * calls, and the hub opens thousands of stories per import. */
	buf = xmalloc(ctlen + 1);
	ad = xmalloc(SEAL_ID_BYTES + headlen);
	make_ad(ad, id, sealed, headlen);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(buf, &mlen, NULL, sealed + headlen, ctlen,
	        ad, SEAL_ID_BYTES + headlen, sealed + headlen - NONCE, key) != 0) {
		err_set(e, "sealed story is damaged or belongs to another story id");
		goto out;
	}
	if (sodium_unpad(&unpadded, buf, (size_t)mlen, SEAL_PAD_BLOCK) != 0) {
		err_set(e, "sealed story has bad padding");
		goto out;
	}
	sodium_memzero(buf + unpadded, ctlen + 1 - unpadded);
	*plain = buf;
	*plainlen = unpadded;
	buf = NULL;
	rv = 0;
out:
	sodium_memzero(key, sizeof key);
	if (buf != NULL) {
		sodium_memzero(buf, ctlen + 1);
		free(buf);
	}
	free(ad);
	return rv;
}

void
seal_plain_free(unsigned char *plain, size_t len)
{
	if (plain != NULL) {
		sodium_memzero(plain, len + 1);
		free(plain);
	}
}
