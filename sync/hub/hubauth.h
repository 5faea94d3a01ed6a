/* hubauth: who sent a request, decided from its header alone, before any
 * of its body is read. A request is signed by a kiosk's Ed25519 key as HTTP
 * Message Signatures (RFC 9421) lay down, in the profile of
 * docs/protocol.md: one signature, alg "ed25519", keyid the kiosk id, a
 * "created" time (not checked: kiosks have no clock to trust), tag
 * "storykiosk", and a nonce this server issued, taken once. The key is the
 * one the hub bound to that kiosk (enrolled with a token, or trusted by the
 * coordinator), or, for an enrolment, the one the request presents. */
#ifndef HUBAUTH_H
#define HUBAUTH_H

#include "err.h"
#include "httpsig.h"
#include "hubstore.h"
#include "keys.h"
#include "nonce.h"

#define HUBAUTH_TAG "storykiosk"

enum hubauth_verdict {
	HUBAUTH_OK,
	HUBAUTH_DENIED,      /* not authenticated: 401 */
	HUBAUTH_FORBIDDEN,   /* authenticated, not allowed (revoked): 403 */
	HUBAUTH_UNAVAILABLE, /* could not tell now (store busy): 503 */
};

struct hubauth_request {
	/* the request's components, "signature-input" and "signature" too */
	httpsig_value_fn *value;
	void *ctx;
	/* components the signature must cover besides "@method" and "@path";
	 * NULL-terminated */
	const char *const *required;
	/* enrolment: the public key the request presents (its keyid must be
	 * that key's id); NULL: the key bound to the kiosk in the store */
	const unsigned char *pk;
};

/* Check r; on HUBAUTH_OK kiosk holds the sender's id. e says why
 * otherwise, in words for the kiosk's operator. hs is read only. */
enum hubauth_verdict hubauth_check(struct hubstore *hs, struct nonces *n,
    const struct hubauth_request *r, unsigned char kiosk[KEY_ID_BYTES], struct err *e);

#endif
