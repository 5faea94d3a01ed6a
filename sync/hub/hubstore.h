/* hubstore: where the hub keeps kiosks, imported bundles, quarantined bundles
 * and opened stories. An interface (a table of operations) so that another
 * engine (PostgreSQL) can follow the SQLite one without touching import,
 * export or the commands. */
#ifndef HUBSTORE_H
#define HUBSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "err.h"
#include "keys.h"
#include "payload.h"

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

struct quarantined {
	unsigned char hash[BUNDLE_HASH_BYTES];
	const unsigned char *data;
	size_t len;
	const char *path; /* where it was imported from */
};

struct hubstore;

struct hubstore_ops {
	const char *name;
	void (*close)(struct hubstore *hs);
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

	int (*story_put)(
	    struct hubstore *hs, const struct hub_story_in *s, enum hub_put *result, struct err *e);
	/* Every story that is not withdrawn, in import order. */
	int (*story_foreach)(struct hubstore *hs,
	    int (*fn)(const struct hub_story *s, void *ctx, struct err *e), void *ctx,
	    struct err *e);
	/* Full-text search (the engine's query syntax); s->snippet is set. */
	int (*search)(struct hubstore *hs, const char *query, size_t limit,
	    int (*fn)(const struct hub_story *s, void *ctx, struct err *e), void *ctx,
	    struct err *e);
	/* Withdraw every story with this code (or only story_id when not NULL):
	 * answers and text removed from the store and index. fn is called for each
	 * story withdrawn, before its text goes; *n counts them. */
	int (*withdraw)(struct hubstore *hs, const char *code, const char *story_id,
	    int (*fn)(const struct hub_story *s, void *ctx, struct err *e), void *ctx, size_t *n,
	    struct err *e);
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
	 * else *data (malloc'd, caller frees), *len and *seq. */
	int (*pack_newest)(struct hubstore *hs, unsigned char **data, size_t *len, uint64_t *seq,
	    int *found, struct err *e);
};

struct hubstore {
	const struct hubstore_ops *ops;
};

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

/* Open the store named by spec (a file path for SQLite) as mode says;
 * either way a database that is not a hub store is refused. */
int hubstore_open(const char *spec, enum hubstore_mode mode, struct hubstore **out, struct err *e);
/* Close; NULL is a no-op. */
void hubstore_close(struct hubstore *hs);

/* The SQLite engine (hubstore-sqlite.c). */
void hubstore_sqlite_init(void);
int hubstore_sqlite_open(
    const char *path, enum hubstore_mode mode, struct hubstore **out, struct err *e);

const char *hub_kiosk_status_name(enum hub_kiosk_status s);

#endif
