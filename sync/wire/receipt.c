/* receipt: encode, sign, parse and verify hub receipts. */
#include "receipt.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "xmalloc.h"

/* magic 8, version 2, sig 1, hash 1, hub id 8, kiosk id 8, seq 8, hash 32,
 * created 8, count 4 */
#define HEAD (RECEIPT_MAGIC_LEN + 2 + 1 + 1 + 2 * KEY_ID_BYTES + 8 + BUNDLE_HASH_BYTES + 8 + 4)
#define SIG crypto_sign_BYTES

int
receipt_write(const struct receipt *r, const struct hub_seckey *key, unsigned char **out,
    size_t *len, struct err *e)
{
	unsigned char *buf, *p;
	size_t total;

	*out = NULL;
	*len = 0;
	if (r->count > BUNDLE_MAX_RECORDS)
		return err_set(e, "too many stories for one receipt");
	total = HEAD + r->count * BUNDLE_ID_BYTES + SIG;
	buf = xmalloc(total);
	p = buf;
	memcpy(p, RECEIPT_MAGIC, RECEIPT_MAGIC_LEN);
	p += RECEIPT_MAGIC_LEN;
	*p++ = RECEIPT_VERSION & 0xff;
	*p++ = RECEIPT_VERSION >> 8;
	*p++ = RECEIPT_SIG_ED25519;
	*p++ = RECEIPT_HASH_BLAKE2B256;
	memcpy(p, key->pub.id, KEY_ID_BYTES);
	p += KEY_ID_BYTES;
	memcpy(p, r->kiosk_id, KEY_ID_BYTES);
	p += KEY_ID_BYTES;
	le_put64(p, r->bundle_seq);
	p += 8;
	memcpy(p, r->bundle_hash, BUNDLE_HASH_BYTES);
	p += BUNDLE_HASH_BYTES;
	le_put64(p, (uint64_t)r->created);
	p += 8;
	for (int i = 0; i < 4; i++)
		*p++ = (unsigned char)(r->count >> (8 * i));
	if (r->count > 0)
		memcpy(p, r->ids, r->count * BUNDLE_ID_BYTES);
	p += r->count * BUNDLE_ID_BYTES;
	if (crypto_sign_detached(p, NULL, buf, (size_t)(p - buf), key->sign_sk) != 0) {
		free(buf);
		return err_set(e, "cannot sign the receipt");
	}
	*out = buf;
	*len = total;
	return 0;
}

int
receipt_verify(const unsigned char *buf, size_t len, const struct hub_pubkey *hubs, size_t nhubs,
    const unsigned char *kiosk_id, struct receipt *r, struct err *e)
{
	const unsigned char *p = buf;
	const struct hub_pubkey *key = NULL;
	char hex[KEY_ID_HEX];
	uint32_t count;
	unsigned version;

	memset(r, 0, sizeof *r);
	if (len < RECEIPT_MAGIC_LEN || memcmp(p, RECEIPT_MAGIC, RECEIPT_MAGIC_LEN) != 0)
		return err_set(e, "bad magic (not a storyhub receipt)");
	if (len < HEAD + SIG)
		return err_set(e, "truncated receipt");
	version = (unsigned)(p[8] | (p[9] << 8));
	if (version != RECEIPT_VERSION)
		return err_set(e, "unknown receipt version %u (this program reads version %d)",
		    version, RECEIPT_VERSION);
	if (p[10] != RECEIPT_SIG_ED25519)
		return err_set(e, "unknown receipt signature algorithm %u", p[10]);
	if (p[11] != RECEIPT_HASH_BLAKE2B256)
		return err_set(e, "unknown receipt hash algorithm %u", p[11]);
	count = (uint32_t)p[HEAD - 4] | (uint32_t)p[HEAD - 3] << 8 | (uint32_t)p[HEAD - 2] << 16 |
	    (uint32_t)p[HEAD - 1] << 24;
	if (count > BUNDLE_MAX_RECORDS)
		return err_set(e, "length field too large (receipt count %" PRIu32 ")", count);
	if (len - HEAD - SIG < (size_t)count * BUNDLE_ID_BYTES)
		return err_set(e, "truncated receipt");
	if (len - HEAD - SIG > (size_t)count * BUNDLE_ID_BYTES)
		return err_set(e, "trailing bytes in receipt");
	for (size_t i = 0; i < nhubs; i++)
		if (memcmp(hubs[i].id, p + 12, KEY_ID_BYTES) == 0)
			key = &hubs[i];
	if (key == NULL) {
		keys_id_hex(p + 12, hex);
		return err_set(e,
		    "receipt signed by hub key %s, which this kiosk does not "
		    "know (it was initialised with other hub keys)",
		    hex);
	}
	if (crypto_sign_verify_detached(buf + len - SIG, buf, len - SIG, key->sign_pk) != 0)
		return err_set(e, "bad receipt signature (tampered, or not from the hub)");
	if (kiosk_id != NULL && memcmp(kiosk_id, p + 20, KEY_ID_BYTES) != 0) {
		keys_id_hex(p + 20, hex);
		return err_set(e, "receipt is for another kiosk (%s)", hex);
	}
	memcpy(r->hub_id, p + 12, KEY_ID_BYTES);
	memcpy(r->kiosk_id, p + 20, KEY_ID_BYTES);
	r->bundle_seq = le_get64(p + 28);
	memcpy(r->bundle_hash, p + 36, BUNDLE_HASH_BYTES);
	r->created = (int64_t)le_get64(p + 36 + BUNDLE_HASH_BYTES);
	r->count = count;
	if (count > 0) {
		r->ids = xcalloc(count, BUNDLE_ID_BYTES);
		memcpy(r->ids, p + HEAD, (size_t)count * BUNDLE_ID_BYTES);
	}
	return 0;
}

void
receipt_free(struct receipt *r)
{
	if (r == NULL)
		return;
	free(r->ids);
	r->ids = NULL;
	r->count = 0;
}
