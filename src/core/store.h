/* store: the kiosk's SQLite database of sealed stories. One connection, WAL,
 * synchronous=FULL, secure_delete. It holds only sealed payloads and the
 * metadata needed to move them (id, sequence, status, source, export state):
 * no text, no answers, no timestamps in the clear. */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "story.h"

#define STORE_ID_BYTES 16
#define STORE_SCHEMA_VERSION 3

struct store;

/* One stored story as the sync code sees it; sealed belongs to the store and
 * is valid only during the callback. */
struct store_record {
	unsigned char id[STORE_ID_BYTES];
	uint64_t seq;
	enum story_status status;
	enum story_source source;
	const unsigned char *sealed;
	size_t sealed_len;
	uint64_t export_seq; /* bundle it last went out in, 0 if never */
	int acked;           /* the hub confirmed it holds it */
};

enum store_filter {
	STORE_UNEXPORTED, /* finished, never exported */
	STORE_UNACKED,    /* finished, not acknowledged by the hub */
	STORE_HELD,       /* every finished story still here */
};

struct store_counts {
	uint64_t by_status[STATUS__COUNT];
	uint64_t finished;   /* submitted + interrupted + timed_out */
	uint64_t unexported; /* finished, never exported */
	uint64_t unacked;    /* finished, not acknowledged */
	uint64_t acked;
};

/* Open (creating or migrating) the database at path, file mode 0600. Checks
 * that WAL, synchronous=FULL and secure_delete are in force. The WAL is
 * checkpointed every STORE_WAL_PAGES pages and truncated to
 * STORE_WAL_KEEP_BYTES after, so what it may take on disk is known (the
 * kiosk's reserve counts it). */
#define STORE_WAL_PAGES 256
#define STORE_WAL_KEEP_BYTES ((uint64_t)1 << 20)
int store_open(const char *path, struct store **out, struct err *e);
void store_close(struct store *s);

/* Insert a new story with the next per-kiosk sequence number (*seq). */
int store_story_create(struct store *s, const unsigned char id[STORE_ID_BYTES],
    enum story_status status, enum story_source source, const unsigned char *sealed, size_t len,
    uint64_t *seq, struct err *e);
/* Replace a stored story's status and sealed payload (draft autosave, submit). */
int store_story_update(struct store *s, const unsigned char id[STORE_ID_BYTES],
    enum story_status status, const unsigned char *sealed, size_t len, struct err *e);
/* Delete one story (a participant's cancel); 0 even if it was not there. */
int store_story_delete(struct store *s, const unsigned char id[STORE_ID_BYTES], struct err *e);
/* The status of a story; -1 with e set when absent. */
int store_story_status(struct store *s, const unsigned char id[STORE_ID_BYTES],
    enum story_status *status, struct err *e);

/* Turn every draft left by a crash into interrupted; *n how many. */
int store_mark_interrupted(struct store *s, uint64_t *n, struct err *e);

int store_counts(struct store *s, struct store_counts *c, struct err *e);

/* PRAGMA integrity_check; *result is "ok" or the problems (caller frees). */
int store_check(struct store *s, char **result, struct err *e);
/* The value of a read-only pragma as text (tests, status). Caller frees. */
int store_pragma(struct store *s, const char *name, char **value, struct err *e);
int store_schema_version(struct store *s, int *version, struct err *e);

/* Small key/value settings (name, last export, push URL, ...). *value is NULL
 * when absent; caller frees. */
int store_meta_get(struct store *s, const char *key, char **value, struct err *e);
int store_meta_set(struct store *s, const char *key, const char *value, struct err *e);

/* Call fn for each finished story matching filter, in sequence order. fn
 * returns 0 to go on, -1 to stop with its error. */
int store_foreach(struct store *s, enum store_filter filter,
    int (*fn)(const struct store_record *r, void *ctx, struct err *e), void *ctx, struct err *e);
/* Take the next bundle sequence number (persisted, never reused). */
int store_next_bundle_seq(struct store *s, uint64_t *seq, struct err *e);
/* Begin a write transaction (BEGIN IMMEDIATE: the write lock, nothing
 * written yet); store_commit() or store_rollback() ends it. Export holds it
 * while the bundle goes to the stick, so nothing reaches the data disk
 * before the bundle is safe there. */
int store_begin(struct store *s, struct err *e);
/* Take the next bundle sequence number in the caller's transaction: it is
 * used up only if that transaction commits. */
int store_bundle_seq_take(struct store *s, uint64_t *seq, struct err *e);
/* Record that these stories went out in bundle bundle_seq and, if when is not
 * NULL, set "last_export" to it: one transaction, so a failure leaves
 * neither. */
int store_mark_exported(struct store *s, const unsigned char (*ids)[STORE_ID_BYTES], size_t n,
    uint64_t bundle_seq, const char *when, struct err *e);
/* The same in the caller's transaction (store_begin): store_commit() makes
 * it durable, store_rollback() drops it (export marks while the bundle is
 * signed and commits once the bundle is on the stick). */
int store_mark_exported_in(struct store *s, const unsigned char (*ids)[STORE_ID_BYTES], size_t n,
    uint64_t bundle_seq, const char *when, struct err *e);
/* Commit the open transaction (rolled back if that fails); roll it back. */
int store_commit(struct store *s, struct err *e);
void store_rollback(struct store *s);
/* Mark these stories acknowledged by the hub; *marked counts those found. */
int store_mark_acked(struct store *s, const unsigned char (*ids)[STORE_ID_BYTES], size_t n,
    size_t *marked, struct err *e);
/* The same in the caller's transaction (store_begin). */
int store_mark_acked_in(struct store *s, const unsigned char (*ids)[STORE_ID_BYTES], size_t n,
    size_t *marked, struct err *e);
/* Delete acknowledged stories only; *n how many. On a full disk too: a few
 * stories per transaction, the WAL checkpointed and truncated between them,
 * so it needs room for one batch (STORE_PURGE_BATCH_BYTES of sealed
 * stories, each zeroed in the WAL by secure_delete), never for all. */
#define STORE_PURGE_BATCH_BYTES ((uint64_t)256 << 10)
int store_purge(struct store *s, uint64_t *n, struct err *e);
/* Space the database holds for what comes: *reusable, bytes of free pages
 * inside the file (a purge leaves them; new stories take them before the
 * file grows); *wal_room, bytes the WAL may still grow by before its next
 * checkpoint (STORE_WAL_PAGES pages, less what it holds now). */
int store_space(struct store *s, uint64_t *reusable, uint64_t *wal_room, struct err *e);
/* 1 if the last failure was SQLite's "database or disk is full". */
int store_failed_full(const struct store *s);

#endif
