/* nonce: the fresh values the hub hands out (GET /v1/nonce) for a kiosk to
 * put in its request's signature, so that a captured request cannot be
 * sent again: each nonce is good once, for a short while. A nonce carries
 * its own expiry and a MAC under a key made when the server starts, so
 * handing them out stores nothing; only redeemed ones are remembered (until
 * they expire), and only signed requests of enrolled kiosks redeem them. */
#ifndef NONCE_H
#define NONCE_H

#include <stddef.h>

#include "err.h"

#define NONCE_TEXT 64              /* base64url text + NUL */
#define NONCE_LIFETIME 120         /* seconds a nonce may be used after it was issued */
#define NONCE_MAX_REMEMBERED 65536 /* redeemed and not yet expired */

struct nonces;

/* A new set, with its own random key; lifetime in seconds (0: NONCE_LIFETIME). */
struct nonces *nonces_create(unsigned lifetime);
void nonces_free(struct nonces *n);
/* A fresh nonce. */
void nonces_issue(struct nonces *n, char out[NONCE_TEXT]);
/* Take a nonce a request carries: 0 the first time, within its lifetime.
 * -1 with e set when it was not issued here (or by an earlier run), has
 * expired, or was used already (e->transient when too many are remembered
 * to take one more: try later). */
int nonces_redeem(struct nonces *n, const char *text, struct err *e);

#endif
