/* httpsig: HTTP Message Signatures (RFC 9421) with Ed25519, and the
 * Content-Digest field (RFC 9530), as the kiosk signs its requests and the
 * hub checks them before it reads a body. Only what storykiosk's profile
 * needs (docs/protocol.md): one signature per message, covered components
 * without parameters, parameters that are strings, integers, tokens or
 * booleans. Which components and parameters are required is the caller's
 * policy, not this module's. */
#ifndef HTTPSIG_H
#define HTTPSIG_H

#include <sodium.h>
#include <stddef.h>

#include "err.h"

#define HTTPSIG_MAX_COMPONENTS 12
#define HTTPSIG_MAX_PARAMS 8
#define HTTPSIG_NAME_MAX 64    /* a label, a component or a parameter name */
#define HTTPSIG_VALUE_MAX 128  /* a string or token parameter */
#define HTTPSIG_FIELD_MAX 4096 /* longest Signature-Input or Signature taken */

enum httpsig_type {
	HTTPSIG_STRING,
	HTTPSIG_INTEGER,
	HTTPSIG_TOKEN,
	HTTPSIG_BOOLEAN,
};

struct httpsig_param {
	char key[HTTPSIG_NAME_MAX];
	enum httpsig_type type;
	char str[HTTPSIG_VALUE_MAX]; /* a string or a token */
	long long num;               /* an integer, or a boolean's 0/1 */
};

/* One signature: its label, what it covers (in order), its parameters (in
 * order: the signature base serialises them as they came) and the
 * signature itself. */
struct httpsig {
	char label[HTTPSIG_NAME_MAX];
	char comp[HTTPSIG_MAX_COMPONENTS][HTTPSIG_NAME_MAX];
	size_t ncomp;
	struct httpsig_param param[HTTPSIG_MAX_PARAMS];
	size_t nparam;
	unsigned char sig[crypto_sign_BYTES];
};

/* The value of a covered component in the message being signed or checked
 * ("@method", "@path", or a header field's name in lower case, its value
 * trimmed and several lines joined with ", "); NULL when it has none. The
 * string stays the caller's. */
typedef const char *httpsig_value_fn(void *ctx, const char *component);

/* Start a signature with this label, covering nothing yet. */
void httpsig_init(struct httpsig *s, const char *label);
/* Cover one more component (a derived "@..." name or a field name in lower
 * case); -1 when the list is full or the name too long. */
int httpsig_cover(struct httpsig *s, const char *component);
/* Add a parameter (string, integer); -1 when full or too long. */
int httpsig_set_string(struct httpsig *s, const char *key, const char *value);
int httpsig_set_integer(struct httpsig *s, const char *key, long long value);

/* Parse a message's Signature-Input and Signature fields (one signature,
 * the same label in both) into s; -1 with e set when they are malformed. */
int httpsig_parse(const char *input, const char *signature, struct httpsig *s, struct err *e);

/* A string parameter's value; NULL when absent or of another type. */
const char *httpsig_string(const struct httpsig *s, const char *key);
/* An integer parameter into *v: 0, or -1 when absent or of another type. */
int httpsig_integer(const struct httpsig *s, const char *key, long long *v);
/* 1 when the signature covers this component. */
int httpsig_covers(const struct httpsig *s, const char *component);

/* The signature base (RFC 9421 section 2.5) of s over the message that
 * value describes, NUL-terminated; caller frees. -1 (NULL) with e set when
 * a covered component is missing or unfit for a base. */
char *httpsig_base(const struct httpsig *s, httpsig_value_fn *value, void *ctx, struct err *e);
/* Sign: fill s->sig with Ed25519 over the base. */
int httpsig_sign(struct httpsig *s, httpsig_value_fn *value, void *ctx,
    const unsigned char sk[crypto_sign_SECRETKEYBYTES], struct err *e);
/* Check s->sig against the base and the public key: 0 when it holds. */
int httpsig_verify(const struct httpsig *s, httpsig_value_fn *value, void *ctx,
    const unsigned char pk[crypto_sign_PUBLICKEYBYTES], struct err *e);

/* The Signature-Input and Signature field values of s. Caller frees. */
char *httpsig_input_field(const struct httpsig *s);
char *httpsig_signature_field(const struct httpsig *s);

/* Content-Digest: the field value for a body ("sha-256=:...:"). Caller frees. */
char *httpsig_digest_field(const unsigned char *body, size_t len);
/* Check a Content-Digest field's form: a dictionary naming sha-256 or
 * sha-512 with a digest of the right length (other algorithms are
 * ignored, as RFC 9530 asks). */
int httpsig_digest_parse(const char *field, struct err *e);
/* Check a body against the field: every sha-256 and sha-512 digest it
 * holds must match, and there must be one. */
int httpsig_digest_check(const char *field, const unsigned char *body, size_t len, struct err *e);

#endif
