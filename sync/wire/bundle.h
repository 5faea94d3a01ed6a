/* bundle: the signed file that carries sealed stories from a kiosk to the hub
 * (docs/bundle-format.md). A writer fed by the kiosk store, and a reader that
 * verifies the whole bundle before it hands any record to a sink. */
#ifndef BUNDLE_H
#define BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "keys.h"
#include "seal.h"

#define BUNDLE_MAGIC "SKBUNDLE"
#define BUNDLE_MAGIC_LEN 8
#define BUNDLE_VERSION 1
#define BUNDLE_SIG_ED25519PH 1
#define BUNDLE_SEAL_SKS1 1
#define BUNDLE_MAX_BYTES ((size_t)256 << 20)
#define BUNDLE_MAX_RECORDS 200000u
#define BUNDLE_MAX_NAME 64
#define BUNDLE_MAX_HUBS 8
#define BUNDLE_ID_BYTES 16
#define BUNDLE_RECORD_FIXED 30 /* id 16, seq 8, status 1, source 1, len 4 */
#define BUNDLE_SIG_BYTES 64
#define BUNDLE_HASH_BYTES 32 /* BLAKE2b-256 of a whole bundle (receipts) */

struct bundle_header {
	uint16_t version;
	unsigned char kiosk_pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char kiosk_id[KEY_ID_BYTES];
	char name[BUNDLE_MAX_NAME + 1];
	uint64_t seq;
	int64_t created;
	size_t nhubs;
	unsigned char hubs[BUNDLE_MAX_HUBS][KEY_ID_BYTES];
	uint32_t count;
};

/* One record; sealed points into the caller's buffer. status and source use
 * the values of story.h (enum story_status / story_source). */
struct bundle_record {
	unsigned char id[BUNDLE_ID_BYTES];
	uint64_t seq;
	int status;
	int source;
	const unsigned char *sealed;
	size_t sealed_len;
};

/* Where a verified bundle goes (like ncdu's dir_output): header once, then
 * each record in order. A callback returns 0 to go on or -1 with e set. */
struct bundle_sink {
	int (*header)(const struct bundle_header *h, void *ctx, struct err *e);
	int (*record)(const struct bundle_record *r, void *ctx, struct err *e);
	void *ctx;
};

/* A bundle being built in memory. */
struct bundle_writer;

/* The signature's hash (Ed25519ph: SHA-512 of the bundle up to its
 * signature), taken in steps: a caller may take it on a thread of its own
 * while records are added (sync/kiosk/export.c does). This module starts no
 * thread. */
struct bundle_sighash {
	crypto_sign_state st;
	size_t len; /* bytes hashed so far */
};

void bundle_sighash_init(struct bundle_sighash *h);
/* Hash the next n bytes of the bundle. */
void bundle_sighash_update(struct bundle_sighash *h, const unsigned char *p, size_t n);
void bundle_sighash_wipe(struct bundle_sighash *h);

/* Start a bundle for this kiosk, sequence seq, addressed to these hub keys. */
int bundle_writer_create(const struct kiosk_identity *id, const char *name, uint64_t seq,
    int64_t created, const struct hub_pubkey *hubs, size_t nhubs, struct bundle_writer **out,
    struct err *e);
/* Promise count records holding sealed_bytes of sealed stories in all (0 if
 * not known: it only sizes the buffer, then sized from the records so far).
 * The header then holds count, so every byte written is final and may be
 * hashed (bundle_sighash_update) while records are added; a different count
 * at finish only costs hashing again there. Call before the first record. */
void bundle_writer_expect(struct bundle_writer *w, uint32_t count, size_t sealed_bytes);
/* Append a record; records must come in strictly increasing seq. */
int bundle_writer_add(struct bundle_writer *w, const struct bundle_record *r, struct err *e);
/* 1 if a record of sealed_len sealed bytes is added without moving the
 * buffer bundle_writer_bytes gives; 0 if adding it moves the buffer. */
int bundle_writer_fits(const struct bundle_writer *w, size_t sealed_len);
/* The bytes written so far (*p: the writer's buffer, valid until a record
 * that does not fit is added, or finish); returns their length. */
size_t bundle_writer_bytes(const struct bundle_writer *w, const unsigned char **p);
/* The bundle's bytes so far, when they are those of the finished bundle up
 * to its signature: the count promised and kept. -1 if not. Valid until the
 * next call on w. */
int bundle_writer_body(const struct bundle_writer *w, const unsigned char **p, size_t *len);
/* Sign and hand back the finished bundle (malloc'd; caller frees). The writer
 * is freed either way. */
int bundle_writer_finish(struct bundle_writer *w, unsigned char **out, size_t *len, struct err *e);
/* The same, signing with h when it has hashed every byte written under the
 * count promised and kept (else the hash is taken here). h is wiped either way. */
int bundle_writer_finish_hashed(struct bundle_writer *w, struct bundle_sighash *h,
    unsigned char **out, size_t *len, struct err *e);
void bundle_writer_free(struct bundle_writer *w);

/* Write a finished bundle to a stream (checks every write). */
int bundle_write_file(FILE *fp, const unsigned char *buf, size_t len, struct err *e);

/* Verify buf whole (structure, signature, duplicates, and when hub_id is not
 * NULL that it is addressed to that hub key), then feed the sink (which may
 * be NULL or have NULL callbacks). On failure the sink has seen nothing. */
int bundle_read(const unsigned char *buf, size_t len, const unsigned char *hub_id,
    const struct bundle_sink *sink, struct err *e);

/* Verify only, filling *h (no records delivered). */
int bundle_verify(const unsigned char *buf, size_t len, const unsigned char *hub_id,
    struct bundle_header *h, struct err *e);

/* Read a bundle file, refusing one larger than BUNDLE_MAX_BYTES before reading.
 * Caller frees *out. */
int bundle_load_file(const char *path, unsigned char **out, size_t *len, struct err *e);

/* BLAKE2b-256 of a whole bundle (what receipts and the hub's seen-list use). */
void bundle_hash(const unsigned char *buf, size_t len, unsigned char out[BUNDLE_HASH_BYTES]);

/* The file name export gives a bundle: storykiosk-<kiosk id>-<seq 6 digits>.skb.
 * Caller frees. */
char *bundle_file_name(const unsigned char kiosk_id[KEY_ID_BYTES], uint64_t seq);

#endif
