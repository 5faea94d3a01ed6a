/* migrate: copy a hub store into another (SQLite to PostgreSQL, back, or
 * any engine to any), then check that both hold the same rows. Kiosks,
 * imported bundles' hashes, the quarantine, every story (withdrawn ones too,
 * still withdrawn) and the feedback packs are copied through the store
 * interface, in transactions of a few hundred rows. The target is marked with the
 * source's store id first, so a copy that was killed is resumed by running
 * it again: rows already there are left (or brought up to date). */
#ifndef MIGRATE_H
#define MIGRATE_H

#include <stdint.h>

#include "err.h"
#include "hubstore.h"

/* What a store holds, per table: how many rows and an order-free digest of
 * their contents (the sum of each row's BLAKE2b-256, as four 64-bit lanes). */
struct migrate_sum {
	uint64_t rows[HUB_ROW_KINDS];      /* by enum hub_row_kind */
	uint64_t digest[HUB_ROW_KINDS][4]; /* by enum hub_row_kind */
};

struct migrate_stats {
	uint64_t copied[HUB_ROW_KINDS]; /* rows copied (or found already there), by kind */
	uint64_t withdrawn;             /* stories among them that are withdrawn */
	int resumed;                    /* the target held part of this copy already */
};

struct migrate_opts {
	/* called every few hundred rows and at the end; may be NULL */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
};

/* Copy from into to and verify. The target must be empty, or a copy of
 * this same source begun before; -1 with e set (saying what differs when
 * the check fails). */
int migrate_run(struct hubstore *from, struct hubstore *to, const struct migrate_opts *o,
    struct migrate_stats *st, struct err *e);

/* Count and digest every row of hs. */
int migrate_sum(struct hubstore *hs, struct migrate_sum *sum, struct err *e);

#endif
