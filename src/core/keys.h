/* keys: the hub's key pair (X25519 for sealing, Ed25519 for receipts), the
 * kiosk's Ed25519 identity, and the admin PIN hash. File formats are
 * versioned text files (docs/security.md describes them). */
#ifndef KEYS_H
#define KEYS_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KEY_ID_BYTES 8
#define KEY_ID_HEX (2 * KEY_ID_BYTES + 1)
#define KEY_FPR_LEN 20 /* "3F9A-1C2B-7D4E-5F60" + NUL */

struct hub_pubkey {
	unsigned char id[KEY_ID_BYTES];
	unsigned char box_pk[crypto_box_PUBLICKEYBYTES];
	unsigned char sign_pk[crypto_sign_PUBLICKEYBYTES];
};

/* Lives in sodium_malloc memory; free with keys_hub_free. */
struct hub_seckey {
	struct hub_pubkey pub;
	unsigned char box_sk[crypto_box_SECRETKEYBYTES];
	unsigned char sign_sk[crypto_sign_SECRETKEYBYTES];
};

/* Lives in sodium_malloc memory; free with keys_kiosk_free. */
struct kiosk_identity {
	unsigned char id[KEY_ID_BYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
};

/* A new random hub key pair. */
struct hub_seckey *keys_hub_generate(void);
void keys_hub_free(struct hub_seckey *k);

/* Write DIR/hub.pub (0644) and DIR/hub.key (0600, sealed under pass).
 * Refuses to replace existing files unless force. */
int keys_hub_write(const char *dir, const struct hub_seckey *k, const char *pass, size_t passlen,
    int force, struct err *e);
/* The same with the Argon2id cost given. Only the tests' cheap keys
 * (tests/tools/cheap-hubkey.c) use it; storyhub keygen never does. */
int keys_hub_write_cost(const char *dir, const struct hub_seckey *k, const char *pass,
    size_t passlen, int force, uint64_t ops, uint64_t mem, struct err *e);

/* The text of a hub.pub file for one key (one "storyhub-pub-v1 ..." line after
 * comments). Caller frees. */
char *keys_hub_pub_format(const struct hub_pubkey *k);

/* Parse every key line of a hub.pub text (several may be concatenated).
 * Appends to *keys (realloc'd; caller frees). name is for messages. */
int keys_hub_pub_parse(const char *name, const char *text, size_t len, struct hub_pubkey **keys,
    size_t *n, struct err *e);
int keys_hub_pub_load(const char *path, struct hub_pubkey **keys, size_t *n, struct err *e);

/* Open a hub.key file with the passphrase. A wrong passphrase, a tampered or
 * truncated file and the wrong kind of file each get their own message;
 * keys_hub_sec_load refuses a file with any permission bit for group or
 * others, saying to run chmod 600, before it reads it (except in systemd's
 * $CREDENTIALS_DIRECTORY, private to the service, where an ACL may show as
 * group bits). */
int keys_hub_sec_parse(const char *name, const char *text, size_t len, const char *pass,
    size_t passlen, struct hub_seckey **out, struct err *e);
int keys_hub_sec_load(
    const char *path, const char *pass, size_t passlen, struct hub_seckey **out, struct err *e);

/* A new random kiosk identity. */
struct kiosk_identity *keys_kiosk_generate(void);
void keys_kiosk_free(struct kiosk_identity *k);
/* Write the identity file (0600); exclusive refuses to replace one. */
int
keys_kiosk_write(const char *path, const struct kiosk_identity *k, int exclusive, struct err *e);
/* Load it; refuses a file readable by group or others. */
int keys_kiosk_parse(
    const char *name, const char *text, size_t len, struct kiosk_identity **out, struct err *e);
int keys_kiosk_load(const char *path, struct kiosk_identity **out, struct err *e);

/* The id of an Ed25519 public key (kiosk ids), and of a hub key pair. */
void
keys_kiosk_id(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], unsigned char id[KEY_ID_BYTES]);
void keys_hub_id(const unsigned char box_pk[crypto_box_PUBLICKEYBYTES],
    const unsigned char sign_pk[crypto_sign_PUBLICKEYBYTES], unsigned char id[KEY_ID_BYTES]);

/* Lower-case hex of an id (16 chars), and the grouped fingerprint people compare. */
void keys_id_hex(const unsigned char id[KEY_ID_BYTES], char out[KEY_ID_HEX]);
int keys_id_from_hex(const char *hex, unsigned char id[KEY_ID_BYTES]);
void keys_fingerprint(const unsigned char id[KEY_ID_BYTES], char out[KEY_FPR_LEN]);

/* Argon2id hash of a PIN into out (crypto_pwhash_STRBYTES). */
int keys_pin_hash(const char *pin, size_t len, char out[crypto_pwhash_STRBYTES], struct err *e);
/* 0 when pin matches hash, -1 otherwise. */
int keys_pin_verify(const char *hash, const char *pin, size_t len);

#endif
