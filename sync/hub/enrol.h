/* enrol: one-time tokens that let a kiosk push over HTTP. The coordinator
 * makes one ('storyhub kiosks enroll'); the kiosk's first push presents it
 * with its public key, signed by that key (POST /v1/enroll): the hub binds
 * the key to the kiosk id and trusts the kiosk. The token is kept by its
 * hash only, and works once (for the kiosk that used it, again: a lost
 * answer may be retried), until it expires. */
#ifndef ENROL_H
#define ENROL_H

#include <stdint.h>

#include "err.h"
#include "hubstore.h"
#include "keys.h"
#include "token.h"

#define ENROL_DEFAULT_LIFETIME (7 * 24 * 3600) /* seconds */
#define ENROL_MAX_LIFETIME (365 * 24 * 3600)

enum enrol_result {
	ENROL_DONE,    /* the kiosk is enrolled (now, or by this token before) */
	ENROL_REFUSED, /* unknown, expired or spent token: e says which */
	ENROL_REVOKED, /* the kiosk was revoked: enrolment cannot undo that */
	ENROL_FAILED,  /* the store failed (e->transient when it may pass) */
};

/* A new token named name (may be empty), valid for lifetime seconds from
 * now; *expires is when (hub clock). */
int enrol_create(struct hubstore *hs, const char *name, int64_t lifetime, char token[TOKEN_LEN],
    int64_t *expires, struct err *e);

/* Redeem token for the kiosk whose public key is pk, and import any bundle
 * of it waiting in quarantine (with key, which may be NULL when none can
 * wait). On ENROL_DONE, note says what happened (a line for the log). */
enum enrol_result enrol_redeem(struct hubstore *hs, const char *token,
    const unsigned char pk[crypto_sign_PUBLICKEYBYTES], const struct hub_seckey *key,
    char note[ERR_MAX], struct err *e);

#endif
