/* pack: the feedback pack, the signed file that carries the coordinator's
 * note, summary figures and chosen public stories from the hub to the
 * kiosks (docs/pack-format.md). The hub signs it with the Ed25519 key its
 * receipts use; a kiosk verifies it whole, against the hub keys it was
 * initialised with, before any part of it is used. */
#ifndef PACK_H
#define PACK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "feedback.h"
#include "keys.h"

#define PACK_MAGIC "SKFBPACK"
#define PACK_MAGIC_LEN 8
#define PACK_VERSION 1
#define PACK_SIG_ED25519 1
#define PACK_SIG_BYTES 64
#define PACK_MAX_BYTES ((size_t)16 << 20) /* a whole pack */

/* Bounds on every count and length, checked before anything is allocated. */
#define PACK_MAX_ID 64        /* form, question, choice and prompt ids */
#define PACK_MAX_LANG 16      /* a language code */
#define PACK_MAX_CODE 16      /* a story code */
#define PACK_MAX_LANGS 20     /* texts in one multilingual text */
#define PACK_MAX_LABEL 4096   /* a question text, label, pole, corner, prompt */
#define PACK_MAX_TEXT 65536   /* a note section, a story */
#define PACK_MAX_PROMPTS 64   /* prompts */
#define PACK_MAX_ITEMS 256    /* questions in the summary */
#define PACK_MAX_OPTIONS 100  /* choices of one question */
#define PACK_MAX_STORIES 5000 /* stories */

/* Encode fb and sign it with the hub's sign key (fb->hub_id is taken from
 * key). Refuses what a reader would refuse (a length over its bound, an id
 * that is not one), naming it. *out is malloc'd; caller frees. */
int pack_write(const struct feedback *fb, const struct hub_seckey *key, unsigned char **out,
    size_t *len, struct err *e);

/* Verify buf whole: its size, structure and bounds, that its hub key is one
 * of hubs, and the signature with that key; only then decode it into *out
 * (free with feedback_free). On failure *out is NULL and e says why. */
int pack_read(const unsigned char *buf, size_t len, const struct hub_pubkey *hubs, size_t nhubs,
    struct feedback **out, struct err *e);

/* Read a pack file, refusing one larger than PACK_MAX_BYTES before reading
 * it. Caller frees *out. */
int pack_load_file(const char *path, unsigned char **out, size_t *len, struct err *e);

#endif
