/* receipt: the hub's signed answer to a bundle, listing the story ids it now
 * holds (docs/bundle-format.md). Only a verified receipt lets a kiosk mark
 * stories acknowledged, and only acknowledged stories are ever purged. */
#ifndef RECEIPT_H
#define RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "err.h"
#include "keys.h"

#define RECEIPT_MAGIC "SKRECEPT"
#define RECEIPT_MAGIC_LEN 8
#define RECEIPT_VERSION 1
#define RECEIPT_SIG_ED25519 1
#define RECEIPT_HASH_BLAKE2B256 1
#define RECEIPT_MAX_BYTES (64 + (size_t)BUNDLE_MAX_RECORDS * BUNDLE_ID_BYTES + 128)

struct receipt {
	unsigned char hub_id[KEY_ID_BYTES];
	unsigned char kiosk_id[KEY_ID_BYTES];
	uint64_t bundle_seq;
	unsigned char bundle_hash[BUNDLE_HASH_BYTES];
	int64_t created;
	size_t count;
	unsigned char (*ids)[BUNDLE_ID_BYTES]; /* malloc'd */
};

/* Encode and sign r with the hub's sign key (r->hub_id is taken from key).
 * *out is malloc'd; caller frees. */
int receipt_write(const struct receipt *r, const struct hub_seckey *key, unsigned char **out,
    size_t *len, struct err *e);

/* Parse buf, find the signing key among hubs by id, verify the signature
 * and, when kiosk_id is not NULL, that the receipt is for that kiosk. On
 * success *r is filled (free with receipt_free). */
int receipt_verify(const unsigned char *buf, size_t len, const struct hub_pubkey *hubs,
    size_t nhubs, const unsigned char *kiosk_id, struct receipt *r, struct err *e);

void receipt_free(struct receipt *r);

#endif
