/* import: the hub side of a bundle. In order: size caps, header, signature
 * (against the key the bundle names), addressed to this hub, kiosk lookup
 * (trusted: import; unknown: quarantine whole; revoked: refuse), then every
 * record opened with the hub key and checked, in one transaction per bundle.
 * Idempotent: a bundle or story seen before adds nothing. */
#ifndef IMPORT_H
#define IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "hubstore.h"
#include "keys.h"

/* Quarantine quotas by default (bytes of whole bundles waiting). */
#define IMPORT_QUARANTINE_KIOSK_MAX ((uint64_t)64 << 20)  /* per unknown kiosk */
#define IMPORT_QUARANTINE_TOTAL_MAX ((uint64_t)512 << 20) /* all of them */

enum import_outcome {
	IMPORT_DONE,        /* imported (or already held) */
	IMPORT_QUARANTINED, /* from a kiosk not yet trusted: e says how to trust it */
	IMPORT_REJECTED,    /* e says why; nothing was stored */
};

struct import_opts {
	const struct hub_seckey *key;
	/* import_trust: when key is NULL and bundles wait, called to get it
	 * (so that the key is opened only then); may be NULL */
	int (*load_key)(void *ctx, const struct hub_seckey **key, struct err *e);
	void *key_ctx;
	int receipts; /* write BUNDLE.receipt next to each imported bundle */
	/* called after each record stored, bundle counting from 0; may be NULL */
	void (*progress)(void *ctx, size_t bundle, size_t done, size_t total);
	/* import_files: called after each bundle, in order, with its outcome (e
	 * says why unless IMPORT_DONE); may be NULL */
	void (*report)(void *ctx, const char *path, enum import_outcome res, const struct err *e);
	void *ctx; /* for all three */
	/* Several threads share the store's connection (serve): store_lock(ctx,
	 * 1) comes before a bundle's first store operation and store_lock(ctx,
	 * 0) after its last, so reading and verifying (and opening, below) run
	 * outside it. NULL: no lock. */
	void (*store_lock)(void *ctx, int take);
	/* Open the first records (up to 1024) before taking the lock, so that
	 * they are opened while another bundle is stored. For serve, where the
	 * sender was authenticated and is trusted: little is opened for nothing. */
	int open_early;
	/* Not NULL: only a bundle signed by this kiosk is taken (serve: the
	 * kiosk that signed the request); any other is rejected. */
	const unsigned char *kiosk;
	/* Quarantine quotas in bytes (0: the defaults above): a bundle from an
	 * unknown kiosk that would pass either is rejected, and says so. */
	uint64_t quarantine_kiosk_max, quarantine_total_max;
};

/* Counts are stories, except bundles and rejected (bundles). */
struct import_stats {
	size_t bundles, new, duplicate, conflict, quarantined, rejected, receipts;
	char reason[ERR_MAX];  /* the first rejection */
	char warning[ERR_MAX]; /* the first receipt that could not be written */
};

/* Import one bundle file. Returns the outcome; e is set for quarantine and
 * rejection. Store failures are rejections too. */
enum import_outcome import_file(struct hubstore *hs, const char *path, const struct import_opts *o,
    struct import_stats *st, struct err *e);

/* Import bundle files in order, each as import_file() would, with the outcome
 * of each given to o->report. Faster than one call each: while a bundle is
 * stored and committed, the next is read and verified and, when its kiosk is
 * trusted, its records opened on the other cores. */
void import_files(struct hubstore *hs, char *const *paths, size_t n, const struct import_opts *o,
    struct import_stats *st);

/* Same as import_file for a bundle in memory (HTTP); path, where it came
 * from, may be NULL (no receipt file). When receipt is not NULL it gets the
 * signed receipt (caller frees). */
enum import_outcome import_buffer(struct hubstore *hs, const unsigned char *buf, size_t len,
    const char *path, const struct import_opts *o, struct import_stats *st, unsigned char **receipt,
    size_t *receipt_len, struct err *e);

/* Mark a kiosk trusted and import every bundle of it waiting in quarantine.
 * o->key may be NULL when nothing waits, or when o->load_key gives it. */
int import_trust(struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES],
    const struct import_opts *o, struct import_stats *st, struct err *e);

/* Mark a kiosk revoked: its bundles are refused from now on. */
int import_revoke(struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES], struct err *e);

/* Delete every bundle of a known kiosk waiting in quarantine (its status is
 * kept); *n counts them. */
int import_reject(
    struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES], size_t *n, struct err *e);

/* The one-line summary: "N new, N duplicate, N quarantined, N rejected[: reason]".
 * Caller frees. */
char *import_summary(const struct import_stats *st);

#endif
