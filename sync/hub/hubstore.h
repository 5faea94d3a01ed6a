/* hubstore: where the hub keeps kiosks, imported bundles, quarantined bundles
 * and opened stories. An interface (a table of operations) with two engines,
 * SQLite (one file, hubstore-sqlite.c) and PostgreSQL (hubstore-pg.c), so
 * that import, export and the commands never know which one they use. */
#ifndef HUBSTORE_H
#define HUBSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "err.h"
#include "keys.h"
#include "payload.h"
#include "token.h"

enum hub_kiosk_status {
	HUB_KIOSK_UNKNOWN, /* seen, not yet trusted: its bundles wait in quarantine */
	HUB_KIOSK_TRUSTED,
	HUB_KIOSK_REVOKED,
};

struct hub_kiosk {
	unsigned char id[KEY_ID_BYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char name[BUNDLE_MAX_NAME + 1];
	enum hub_kiosk_status status;
	int64_t first_seen, last_seen; /* hub clock */
	uint64_t stories;              /* stories held from it */
	uint64_t quarantined;          /* bundles waiting */
};

/* A story being stored by import. */
struct hub_story_in {
	unsigned char id[BUNDLE_ID_BYTES];
	unsigned char kiosk_id[KEY_ID_BYTES];
	uint64_t seq;
	int status;                     /* story.h enum story_status */
	int source;                     /* story.h enum story_source */
	unsigned char content_hash[32]; /* BLAKE2b-256 of the opened payload */
	const struct payload *p;
	const char *text; /* story + short texts, for the full-text index */
};

enum hub_put {
	HUB_PUT_NEW,
	HUB_PUT_DUPLICATE, /* same id, same content (or withdrawn): nothing added */
	HUB_PUT_CONFLICT,  /* same id, other content: kept as well, flagged */
};

/* A stored story as export and search see it; strings belong to the store
 * and are valid during the callback only. */
struct hub_story {
	const char *story_id, *code, *kiosk_id, *form, *source, *status;
	long long form_version;
	const char *created, *saved, *imported;
	const char *lang, *consent, *prompt;
	const char *answers, *types; /* JSON text */
	const char *untouched;       /* JSON list of the scale/triad ids accepted
	                                 * without moving the marker; NULL when the
	                                 * payload did not record it (older kiosks) */
	const char *scribe;          /* the initials of the scribe who typed it
	                                 * (source "scribe"); NULL for the others */
	int conflict;
	const char *snippet; /* search only */
};

/* An enrolment: a one-time token the coordinator made ('storyhub kiosks
 * enroll'), kept by its hash (token.h), never in the clear. */
struct hub_enrolment {
	char name[BUNDLE_MAX_NAME + 1];    /* what the coordinator called it */
	int64_t created, expires;          /* hub clock */
	int64_t used;                      /* when a kiosk redeemed it; 0: not yet */
	unsigned char kiosk[KEY_ID_BYTES]; /* the kiosk that redeemed it */
};

/* What waits in quarantine, for the quotas. */
struct hub_quarantine_use {
	uint64_t kiosk_bundles, kiosk_bytes; /* of one kiosk */
	uint64_t total_bundles, total_bytes; /* of every kiosk */
	int held;                            /* this very bundle waits already */
};

struct quarantined {
	unsigned char hash[BUNDLE_HASH_BYTES];
	const unsigned char *data;
	size_t len;
	const char *path; /* where it was imported from */
};

/* A whole row of a store, as storyhub migrate copies it from one store to
 * another (any engine to any engine). Strings belong to the store and are
 * valid during the callback only; NULL where the store holds NULL. */
enum hub_row_kind {
	HUB_ROW_KIOSK,
	HUB_ROW_BUNDLE,     /* a bundle imported (its hash and header) */
	HUB_ROW_QUARANTINE, /* a whole bundle waiting for its kiosk's trust */
	HUB_ROW_STORY,      /* a story, withdrawn ones included */
	HUB_ROW_PACK,       /* a feedback pack's sequence (and the pack, once published) */
	HUB_ROW_ENROLMENT,  /* an enrolment token's hash, used or not */
};
#define HUB_ROW_KINDS 6

struct hub_row {
	enum hub_row_kind kind;
	struct hub_kiosk kiosk; /* KIOSK: every field but the counts */
	/* BUNDLE, QUARANTINE */
	unsigned char hash[BUNDLE_HASH_BYTES];
	const char *kiosk_id;      /* also STORY */
	long long seq;             /* also STORY */
	long long count;           /* BUNDLE: its stories */
	const unsigned char *data; /* QUARANTINE: the bundle */
	size_t len;
	const char *path;
	long long when; /* BUNDLE: imported; QUARANTINE: received (hub clock) */
	/* STORY: s without snippet; its content hash and whether it was
	 * withdrawn (then answers, prompt, lang and untouched are NULL) */
	struct hub_story s;
	unsigned char content[32];
	int withdrawn;
	/* PACK: seq, when (created), data and len (NULL until published) */
	int published;
	/* ENROLMENT: the token's hash and the enrolment (en.used 0: not used,
	 * and en.kiosk zeros) */
	unsigned char token[TOKEN_HASH_BYTES];
	struct hub_enrolment en;
};

/* How many rows a store holds, for storyhub migrate's checks. */
struct hub_counts {
	uint64_t kiosks, bundles, quarantine, stories, withdrawn, packs, enrolments;
};

struct hubstore;

/* Every operation returns 0, or -1 with e set; an engine marks a failure
 * that may pass by itself (the store busy or locked by another process, its
 * disk full) e->transient, which serve answers with 503 and Retry-After. */
struct hubstore_ops {
	const char *name;
	void (*close)(struct hubstore *hs);
	/* A write transaction. Writers take turns (SQLite: BEGIN IMMEDIATE;
	 * PostgreSQL: a transaction-level advisory lock taken first), so two
	 * processes never interleave their writes; a writer waits for the
	 * others up to 10 s (SQLite's busy timeout, PostgreSQL's lock_timeout),
	 * then fails with e->transient. When a step fails with hs->retry set,
	 * roll back and run the whole transaction again. */
	int (*begin)(struct hubstore *hs, struct err *e);
	int (*commit)(struct hubstore *hs, struct err *e);
	void (*rollback)(struct hubstore *hs);

	/* *found = 0 when the kiosk is not known. k->stories and k->quarantined
	 * are left 0 (kiosk_foreach counts them). */
	int (*kiosk_get)(struct hubstore *hs, const unsigned char id[KEY_ID_BYTES],
	    struct hub_kiosk *k, int *found, struct err *e);
	/* Insert or update id, pk, name, status, last_seen (first_seen kept). */
	int (*kiosk_put)(struct hubstore *hs, const struct hub_kiosk *k, struct err *e);
	int (*kiosk_foreach)(struct hubstore *hs,
	    int (*fn)(const struct hub_kiosk *k, void *ctx, struct err *e), void *ctx,
	    struct err *e);

	/* Bundles already imported, by hash. */
	int (*bundle_seen)(struct hubstore *hs, const unsigned char hash[BUNDLE_HASH_BYTES],
	    int *seen, struct err *e);
	int (*bundle_add)(struct hubstore *hs, const unsigned char hash[BUNDLE_HASH_BYTES],
	    const struct bundle_header *h, const char *path, struct err *e);

	/* Whole bundles from kiosks not yet trusted; adding one twice is a no-op. */
	int (*quarantine_add)(struct hubstore *hs, const unsigned char hash[BUNDLE_HASH_BYTES],
	    const struct bundle_header *h, const unsigned char *data, size_t len, const char *path,
	    struct err *e);
	int (*quarantine_foreach)(struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES],
	    int (*fn)(const struct quarantined *q, void *ctx, struct err *e), void *ctx,
	    struct err *e);
	int (*quarantine_delete)(
	    struct hubstore *hs, const unsigned char hash[BUNDLE_HASH_BYTES], struct err *e);
	/* Bundles and bytes waiting, of kiosk and in all; u->held when the
	 * bundle with this hash is one of them. */
	int (*quarantine_use)(struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES],
	    const unsigned char hash[BUNDLE_HASH_BYTES], struct hub_quarantine_use *u,
	    struct err *e);
	/* Delete every bundle of kiosk waiting in quarantine; *n counts them. */
	int (*quarantine_reject)(
	    struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES], size_t *n, struct err *e);

	/* Enrolment tokens, by hash. add refuses a hash already there. */
	int (*enrolment_add)(struct hubstore *hs, const unsigned char hash[TOKEN_HASH_BYTES],
	    const struct hub_enrolment *en, struct err *e);
	/* *found = 0 when no enrolment has this hash. */
	int (*enrolment_get)(struct hubstore *hs, const unsigned char hash[TOKEN_HASH_BYTES],
	    struct hub_enrolment *en, int *found, struct err *e);
	/* Mark it redeemed by kiosk at time when (in the caller's transaction). */
	int (*enrolment_use)(struct hubstore *hs, const unsigned char hash[TOKEN_HASH_BYTES],
	    const unsigned char kiosk[KEY_ID_BYTES], int64_t when, struct err *e);

	int (*story_put)(
	    struct hubstore *hs, const struct hub_story_in *s, enum hub_put *result, struct err *e);
	/* story_put of s[0..n) in order (in the caller's transaction), results
	 * in result[0..n); PostgreSQL sends them in one round trip. */
	int (*story_put_many)(struct hubstore *hs, const struct hub_story_in *s, size_t n,
	    enum hub_put *result, struct err *e);
	/* Every story that is not withdrawn, in import order, read from one
	 * snapshot; memory does not grow with the store. */
	int (*story_foreach)(struct hubstore *hs,
	    int (*fn)(const struct hub_story *s, void *ctx, struct err *e), void *ctx,
	    struct err *e);
	/* Each distinct question-types object (JSON text, as stories carry it)
	 * of the stories held, with its form id, in the order first stored:
	 * the CSV export's columns, known before its one pass over the stories. */
	int (*types_foreach)(struct hubstore *hs,
	    int (*fn)(const char *form, const char *types, void *ctx, struct err *e), void *ctx,
	    struct err *e);
	/* Full-text search, best first; s->snippet is set. The query language
	 * is FTS5's (words, "a phrase", prefix*, AND, OR, NOT, parentheses) on
	 * both engines. For a query matching many stories, the ranking looks at
	 * the most recently imported matches only (HUBSTORE_SEARCH_POOL), so that
	 * the time does not grow with the store. */
	int (*search)(struct hubstore *hs, const char *query, size_t limit,
	    int (*fn)(const struct hub_story *s, void *ctx, struct err *e), void *ctx,
	    struct err *e);
	/* Withdraw every story with this code (or only story_id when not NULL):
	 * answers and text removed from the store and index. fn is called for each
	 * story withdrawn, before its text goes; *n counts them. */
	int (*withdraw)(struct hubstore *hs, const char *code, const char *story_id,
	    int (*fn)(const struct hub_story *s, void *ctx, struct err *e), void *ctx, size_t *n,
	    struct err *e);

	/* The store's small settings (meta table): *value is a new string, or
	 * NULL when key is not set. Keys the engines keep: "schema" (the
	 * schema version), "store_id" (random, made with the store). */
	int (*meta_get)(struct hubstore *hs, const char *key, char **value, struct err *e);
	int (*meta_put)(struct hubstore *hs, const char *key, const char *value, struct err *e);
	int (*counts)(struct hubstore *hs, struct hub_counts *c, struct err *e);
	/* Every row (kiosks, bundles, quarantine, stories in import order,
	 * withdrawn ones too, feedback packs, then enrolments), for storyhub
	 * migrate. */
	int (*row_foreach)(struct hubstore *hs,
	    int (*fn)(const struct hub_row *r, void *ctx, struct err *e), void *ctx, struct err *e);
	/* Store r as it is (in a transaction begun by the caller): a kiosk is
	 * replaced; a bundle or quarantined bundle already held is left; a
	 * story already held (same id and content) takes r's conflict flag and,
	 * when r is withdrawn, is withdrawn; a pack or an enrolment takes r's
	 * state, and later pack reservations follow the highest sequence.
	 * Stories are indexed for search. */
	int (*row_put)(struct hubstore *hs, const struct hub_row *r, struct err *e);
	/* *n: how many withdrawn stories have this code (so a refusal can tell
	 * a withdrawn story from a code never seen). */
	int (*code_withdrawn)(struct hubstore *hs, const char *code, size_t *n, struct err *e);

	/* Feedback packs (storyhub feedback, docs/pack-format.md). Reserve the
	 * next pack sequence: 1, then each one more than any given before, never
	 * the same twice (even when that pack is never made). */
	int (*pack_reserve)(struct hubstore *hs, int64_t created, uint64_t *seq, struct err *e);
	/* Keep the signed pack of a reserved sequence as published: serve
	 * hands out the newest one. */
	int (*pack_publish)(struct hubstore *hs, uint64_t seq, const unsigned char *data,
	    size_t len, struct err *e);
	/* The published pack with the highest sequence: *found 0 when none;
	 * else *seq, and *data (malloc'd, caller frees) and *len unless data
	 * is NULL (only the sequence is read: serve asks for it per request). */
	int (*pack_newest)(struct hubstore *hs, unsigned char **data, size_t *len, uint64_t *seq,
	    int *found, struct err *e);
};

struct hubstore {
	const struct hubstore_ops *ops;
	/* Set by the engine when its last failure aborted the transaction for
	 * a reason a second run is unlikely to meet (PostgreSQL: a
	 * serialization failure or a deadlock): it may succeed if it is rolled
	 * back and run again from its start, at once. */
	int retry;
};

/* How many of the most recent matches a search ranks (see search). */
#define HUBSTORE_SEARCH_POOL 1000

/* Once, first thing in a program that opens a store, before any SQLite call:
 * the engines' process-wide settings. */
void hubstore_init(void);

/* What hubstore_open does when the store is not there. Only the commands
 * that bring stories in (import, serve) create a store; every other one
 * refuses a missing store, so a mistyped --store is an error, not a new
 * empty store. */
enum hubstore_mode {
	HUBSTORE_EXISTING, /* refuse: "no store at PATH (...)", nothing created */
	HUBSTORE_CREATE,   /* create it (0600) when it does not exist */
};

/* Open the store named by spec as mode says: a postgresql:// or postgres://
 * URI (libpq's conventions: the PG* environment, service file, ~/.pgpass)
 * for PostgreSQL, anything else a SQLite file; either way a database that is
 * not a hub store is refused. */
int hubstore_open(const char *spec, enum hubstore_mode mode, struct hubstore **out, struct err *e);
/* 1 if spec names a PostgreSQL store. */
int hubstore_is_pg(const char *spec);
/* Close; NULL is a no-op. */
void hubstore_close(struct hubstore *hs);

/* The SQLite engine (hubstore-sqlite.c). */
void hubstore_sqlite_init(void);
int hubstore_sqlite_open(
    const char *path, enum hubstore_mode mode, struct hubstore **out, struct err *e);

/* The PostgreSQL engine (hubstore-pg.c; hubstore-nopg.c in a build without
 * libpq, which refuses every URI). */
int
hubstore_pg_open(const char *uri, enum hubstore_mode mode, struct hubstore **out, struct err *e);

const char *hub_kiosk_status_name(enum hub_kiosk_status s);

#endif
