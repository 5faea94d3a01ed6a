/* enrol: make and redeem enrolment tokens through the hub store. */
#include "enrol.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "import.h"

int
enrol_create(struct hubstore *hs, const char *name, int64_t lifetime, char token[TOKEN_LEN],
    int64_t *expires, struct err *e)
{
	struct hub_enrolment en;
	unsigned char hash[TOKEN_HASH_BYTES];

	memset(&en, 0, sizeof en);
	snprintf(en.name, sizeof en.name, "%s", name != NULL ? name : "");
	en.created = (int64_t)time(NULL);
	en.expires = en.created + lifetime;
	token_new(token);
	token_hash(token, hash);
	if (hs->ops->enrolment_add(hs, hash, &en, e) == -1)
		return -1;
	*expires = en.expires;
	return 0;
}

static void
utc(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm);
}

/* In the transaction: check the token and bind the kiosk. *waiting: the
 * kiosk was known as unknown (bundles may wait in quarantine). */
static enum enrol_result
bind(struct hubstore *hs, const unsigned char hash[TOKEN_HASH_BYTES],
    const unsigned char pk[crypto_sign_PUBLICKEYBYTES], const unsigned char id[KEY_ID_BYTES],
    int *again, int *waiting, struct err *e)
{
	const struct hubstore_ops *ops = hs->ops;
	struct hub_enrolment en;
	struct hub_kiosk k;
	char hex[KEY_ID_HEX], other[KEY_ID_HEX], when[32];
	int64_t now = (int64_t)time(NULL);
	int found;

	keys_id_hex(id, hex);
	if (ops->enrolment_get(hs, hash, &en, &found, e) == -1)
		return ENROL_FAILED;
	if (!found) {
		err_set(e,
		    "unknown enrolment token: check it, or ask the coordinator for a new one "
		    "('storyhub kiosks --store DB enroll')");
		return ENROL_REFUSED;
	}
	*again = en.used != 0 && memcmp(en.kiosk, id, KEY_ID_BYTES) == 0;
	if (en.used != 0 && !*again) {
		keys_id_hex(en.kiosk, other);
		err_set(e,
		    "this enrolment token was used already, by kiosk %s: ask the coordinator "
		    "for a new one",
		    other);
		return ENROL_REFUSED;
	}
	if (!*again && en.expires < now) {
		utc(en.expires, when);
		err_set(e, "this enrolment token expired on %s: ask the coordinator for a new one",
		    when);
		return ENROL_REFUSED;
	}
	if (ops->kiosk_get(hs, id, &k, &found, e) == -1)
		return ENROL_FAILED;
	if (found && k.status == HUB_KIOSK_REVOKED) {
		err_set(e, "kiosk %s is revoked: the coordinator must not enrol it again", hex);
		return ENROL_REVOKED;
	}
	if (found && memcmp(k.pk, pk, sizeof k.pk) != 0) {
		err_set(e, "kiosk %s is known here with another public key", hex);
		return ENROL_REFUSED;
	}
	*waiting = found && k.status == HUB_KIOSK_UNKNOWN;
	if (!found) {
		memset(&k, 0, sizeof k);
		memcpy(k.id, id, KEY_ID_BYTES);
		memcpy(k.pk, pk, sizeof k.pk);
		snprintf(k.name, sizeof k.name, "%s", en.name);
	}
	k.status = HUB_KIOSK_TRUSTED;
	k.last_seen = now;
	if (ops->kiosk_put(hs, &k, e) == -1 ||
	    (!*again && ops->enrolment_use(hs, hash, id, now, e) == -1))
		return ENROL_FAILED;
	return ENROL_DONE;
}

enum enrol_result
enrol_redeem(struct hubstore *hs, const char *token,
    const unsigned char pk[crypto_sign_PUBLICKEYBYTES], const struct hub_seckey *key,
    char note[ERR_MAX], struct err *e)
{
	unsigned char hash[TOKEN_HASH_BYTES], id[KEY_ID_BYTES];
	char canonical[TOKEN_LEN], hex[KEY_ID_HEX];
	struct import_stats st = { 0 };
	struct import_opts o = { 0 };
	enum enrol_result r;
	int again = 0, waiting = 0;

	if (token_normalise(token, canonical) == -1) {
		err_set(e,
		    "that is not an enrolment token (16 letters and digits, as "
		    "'storyhub kiosks enroll' printed it)");
		return ENROL_REFUSED;
	}
	token_hash(canonical, hash);
	keys_kiosk_id(pk, id);
	keys_id_hex(id, hex);
	if (hs->ops->begin(hs, e) == -1)
		return ENROL_FAILED;
	r = bind(hs, hash, pk, id, &again, &waiting, e);
	if (r != ENROL_DONE || hs->ops->commit(hs, e) == -1) {
		hs->ops->rollback(hs);
		return r == ENROL_DONE ? ENROL_FAILED : r;
	}
	snprintf(note, ERR_MAX, "kiosk %s %s", hex,
	    again ? "enrolled already (same token)" : "enrolled: its key is bound");
	if (waiting) {
		/* The coordinator vouched for it: what it sent on a stick is in. */
		o.key = key;
		if (import_trust(hs, id, &o, &st, e) == -1) {
			snprintf(note, ERR_MAX,
			    "kiosk %s enrolled; its quarantined bundles stay: %.400s", hex, e->msg);
			return ENROL_DONE;
		}
		snprintf(note, ERR_MAX,
		    "kiosk %s enrolled: its key is bound; %zu quarantined bundle(s) imported", hex,
		    st.bundles - st.rejected);
	}
	return ENROL_DONE;
}
