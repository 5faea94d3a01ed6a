/* hubauth: parse the signature, find the key, verify, then take the nonce
 * (so that a forged request cannot use up a genuine kiosk's nonce). */
#include "hubauth.h"

#include <string.h>

static int
kiosk_id_of(const char *keyid, unsigned char id[KEY_ID_BYTES])
{
	return strlen(keyid) == 2 * KEY_ID_BYTES ? keys_id_from_hex(keyid, id) : -1;
}

/* The profile's parameters and components. */
static int
check_profile(const struct httpsig *s, const struct hubauth_request *r, struct err *e)
{
	const char *alg = httpsig_string(s, "alg"), *tag = httpsig_string(s, "tag");
	long long created;

	if (alg == NULL || strcmp(alg, "ed25519") != 0)
		return err_set(e, "the signature's alg must be \"ed25519\"");
	if (tag == NULL || strcmp(tag, HUBAUTH_TAG) != 0)
		return err_set(e, "the signature's tag must be \"%s\"", HUBAUTH_TAG);
	if (httpsig_integer(s, "created", &created) == -1)
		return err_set(e, "the signature has no \"created\" time");
	if (httpsig_string(s, "nonce") == NULL)
		return err_set(e, "the signature has no nonce (GET /v1/nonce first)");
	if (httpsig_string(s, "keyid") == NULL)
		return err_set(e, "the signature has no keyid (the kiosk id)");
	if (!httpsig_covers(s, "@method") || !httpsig_covers(s, "@path"))
		return err_set(e, "the signature must cover \"@method\" and \"@path\"");
	for (const char *const *c = r->required; c != NULL && *c != NULL; c++)
		if (!httpsig_covers(s, *c))
			return err_set(e, "the signature must cover \"%s\"", *c);
	return 0;
}

enum hubauth_verdict
hubauth_check(struct hubstore *hs, struct nonces *n, const struct hubauth_request *r,
    unsigned char kiosk[KEY_ID_BYTES], struct err *e)
{
	struct httpsig s;
	struct hub_kiosk k;
	const unsigned char *pk;
	unsigned char derived[KEY_ID_BYTES];
	const char *keyid;
	int found;

	memset(&k, 0, sizeof k);
	if (httpsig_parse(
	        r->value(r->ctx, "signature-input"), r->value(r->ctx, "signature"), &s, e) == -1 ||
	    check_profile(&s, r, e) == -1)
		return HUBAUTH_DENIED;
	keyid = httpsig_string(&s, "keyid");
	if (kiosk_id_of(keyid, kiosk) == -1) {
		err_set(e, "the signature's keyid \"%.40s\" is not a kiosk id", keyid);
		return HUBAUTH_DENIED;
	}
	if (r->pk != NULL) {
		keys_kiosk_id(r->pk, derived);
		if (memcmp(derived, kiosk, KEY_ID_BYTES) != 0) {
			err_set(e, "the signature's keyid is not the id of the key presented");
			return HUBAUTH_DENIED;
		}
		pk = r->pk;
	} else {
		if (hs->ops->kiosk_get(hs, kiosk, &k, &found, e) == -1)
			return e->transient ? HUBAUTH_UNAVAILABLE : HUBAUTH_DENIED;
		if (!found || k.status == HUB_KIOSK_UNKNOWN) {
			err_set(e,
			    "kiosk %s is not enrolled with this hub: get a token from the "
			    "coordinator ('storyhub kiosks --store DB enroll') and give it to the "
			    "kiosk ('storykiosk enroll --data DIR TOKEN')",
			    keyid);
			return HUBAUTH_DENIED;
		}
		pk = k.pk;
	}
	if (httpsig_verify(&s, r->value, r->ctx, pk, e) == -1)
		return HUBAUTH_DENIED;
	if (r->pk == NULL && k.status == HUB_KIOSK_REVOKED) {
		err_set(e, "kiosk %s is revoked: its requests are refused", keyid);
		return HUBAUTH_FORBIDDEN;
	}
	if (nonces_redeem(n, httpsig_string(&s, "nonce"), e) == -1)
		return e->transient ? HUBAUTH_UNAVAILABLE : HUBAUTH_DENIED;
	return HUBAUTH_OK;
}
