/* token: the one-time enrolment token a coordinator gives a field worker
 * ('storyhub kiosks enroll'), typed into the kiosk ('storykiosk enroll') and
 * sent once by its first push. Sixteen symbols from the alphabet of story
 * codes (no 0/O, 1/I/L or U), in four groups: "7KQD-2MZX-9TBA-W4RH"; the
 * last symbol is a check on the other fifteen, so a typo is caught on the
 * kiosk, not at the hub days later. About 73 random bits. */
#ifndef TOKEN_H
#define TOKEN_H

#include <stddef.h>

#define TOKEN_LEN 20        /* "XXXX-XXXX-XXXX-XXXX" + NUL */
#define TOKEN_HASH_BYTES 32 /* what the hub keeps instead of the token */

/* A new random token. */
void token_new(char out[TOKEN_LEN]);
/* What a person typed (any case, spaces or dashes anywhere) in canonical
 * form; -1 when it is not a token, or its check symbol is wrong (a typo). */
int token_normalise(const char *in, char out[TOKEN_LEN]);
/* The hub's handle on a canonical token (BLAKE2b-256, domain-separated). */
void token_hash(const char token[TOKEN_LEN], unsigned char out[TOKEN_HASH_BYTES]);

#endif
