/* nonce: stateless issue, remembered redemption. A nonce is
 * base64url(random 16 | expiry 8 | MAC 16): the expiry is the server's
 * monotonic clock in seconds, the MAC BLAKE2b keyed with the run's key. */
#include "nonce.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xmalloc.h"

#define RAND_BYTES 16
#define MAC_BYTES 16
#define RAW_BYTES (RAND_BYTES + 8 + MAC_BYTES)
#define BUCKETS 4096

struct used {
	unsigned char id[RAND_BYTES];
	int64_t expires;
	struct used *next;
};

struct nonces {
	unsigned char key[crypto_generichash_KEYBYTES];
	unsigned lifetime;
	pthread_mutex_t mu;
	struct used *bucket[BUCKETS]; /* under mu */
	size_t count;                 /* under mu */
};

static int64_t
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void
mac(const struct nonces *n, const unsigned char *msg, unsigned char out[MAC_BYTES])
{
	crypto_generichash(out, MAC_BYTES, msg, RAND_BYTES + 8, n->key, sizeof n->key);
}

struct nonces *
nonces_create(unsigned lifetime)
{
	struct nonces *n = xcalloc(1, sizeof *n);

	randombytes_buf(n->key, sizeof n->key);
	n->lifetime = lifetime ? lifetime : NONCE_LIFETIME;
	pthread_mutex_init(&n->mu, NULL);
	return n;
}

void
nonces_free(struct nonces *n)
{
	if (n == NULL)
		return;
	for (size_t b = 0; b < BUCKETS; b++)
		while (n->bucket[b] != NULL) {
			struct used *u = n->bucket[b];

			n->bucket[b] = u->next;
			free(u);
		}
	pthread_mutex_destroy(&n->mu);
	sodium_memzero(n->key, sizeof n->key);
	free(n);
}

void
nonces_issue(struct nonces *n, char out[NONCE_TEXT])
{
	unsigned char raw[RAW_BYTES];
	uint64_t exp = (uint64_t)(now_s() + n->lifetime);

	randombytes_buf(raw, RAND_BYTES);
	for (int i = 0; i < 8; i++)
		raw[RAND_BYTES + i] = (unsigned char)(exp >> (56 - 8 * i));
	mac(n, raw, raw + RAND_BYTES + 8);
	sodium_bin2base64(
	    out, NONCE_TEXT, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Drop the expired entries of one bucket (mu held). */
static void
sweep(struct nonces *n, size_t b, int64_t now)
{
	struct used **pp = &n->bucket[b], *u;

	while ((u = *pp) != NULL) {
		if (u->expires < now) {
			*pp = u->next;
			free(u);
			n->count--;
		} else
			pp = &u->next;
	}
}

int
nonces_redeem(struct nonces *n, const char *text, struct err *e)
{
	unsigned char raw[RAW_BYTES], want[MAC_BYTES];
	size_t len = 0, b;
	uint64_t exp = 0;
	int64_t now = now_s();
	struct used *u;
	int rv = -1;

	if (text == NULL || strlen(text) >= NONCE_TEXT ||
	    sodium_base642bin(raw, sizeof raw, text, strlen(text), NULL, &len, NULL,
	        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != sizeof raw)
		return err_set(
		    e, "the signature's nonce was not issued by this hub: get a new one");
	mac(n, raw, want);
	if (sodium_memcmp(want, raw + RAND_BYTES + 8, MAC_BYTES) != 0)
		return err_set(e,
		    "the signature's nonce was not issued by this hub (or by an earlier run of "
		    "it): "
		    "get a new one");
	for (int i = 0; i < 8; i++)
		exp = exp << 8 | raw[RAND_BYTES + i];
	if ((int64_t)exp < now)
		return err_set(e, "the signature's nonce has expired: get a new one");
	memcpy(&b, raw, sizeof b);
	b %= BUCKETS;
	pthread_mutex_lock(&n->mu);
	sweep(n, b, now);
	for (u = n->bucket[b]; u != NULL; u = u->next)
		if (memcmp(u->id, raw, RAND_BYTES) == 0) {
			err_set(e, "the signature's nonce was used already: a replayed request");
			goto out;
		}
	if (n->count >= NONCE_MAX_REMEMBERED) {
		for (size_t i = 0; i < BUCKETS; i++)
			sweep(n, i, now);
		if (n->count >= NONCE_MAX_REMEMBERED) {
			err_set(e, "too many requests at once: try again shortly");
			e->transient = 1;
			goto out;
		}
	}
	u = xcalloc(1, sizeof *u);
	memcpy(u->id, raw, RAND_BYTES);
	u->expires = (int64_t)exp;
	u->next = n->bucket[b];
	n->bucket[b] = u;
	n->count++;
	rv = 0;
out:
	pthread_mutex_unlock(&n->mu);
	return rv;
}
