/* seal: how a story is kept on the kiosk. A random per-story key encrypts the
 * padded payload (XChaCha20-Poly1305, with the story id and header as
 * associated data); that key is sealed (crypto_box_seal) to every hub key.
 * The kiosk can seal but never open. */
#ifndef SEAL_H
#define SEAL_H

#include <stddef.h>

#include "err.h"
#include "keys.h"

#define SEAL_ID_BYTES 16
#define SEAL_PAD_BLOCK 1024 /* payload sizes leak only to this bucket */
#define SEAL_MAX_RECIPIENTS 8
#define SEAL_MAX_PLAIN (4u << 20)
#define SEAL_MAX_SEALED (SEAL_MAX_PLAIN + 4096)

/* Seal plain to every hub key. *out is malloc'd (caller frees). */
int seal_story(const unsigned char id[SEAL_ID_BYTES], const unsigned char *plain, size_t len,
    const struct hub_pubkey *keys, size_t nkeys, unsigned char **out, size_t *outlen,
    struct err *e);

/* Open with one hub secret key. *plain is NUL-terminated; the caller frees
 * it with seal_plain_free (which wipes it). Fails for a tampered blob, another
 * story id, or a key that is not a recipient. */
int seal_open(const unsigned char id[SEAL_ID_BYTES], const unsigned char *sealed, size_t len,
    const struct hub_seckey *key, unsigned char **plain, size_t *plainlen, struct err *e);

/* Wipe and free what seal_open returned (len as returned). NULL is a no-op. */
void seal_plain_free(unsigned char *plain, size_t len);

/* The recipient key ids of a sealed blob (structure check only, no crypto). */
int seal_recipients(const unsigned char *sealed, size_t len, unsigned char ids[][KEY_ID_BYTES],
    size_t max, size_t *n, struct err *e);

#endif
