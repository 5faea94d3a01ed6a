/* hubstore-sqlite: the hub store in one SQLite file (WAL), with an FTS5 index
 * over each story's text and short texts. */
#include "hubstore.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "payload.h"
#include "story.h"
#include "xmalloc.h"

/* 2: the full-text index merges 16 segments at a time instead of FTS5's
 * default 4 (its 'automerge'): an import writes about a third less for the
 * index, searches read a few more segments.
 * 3: the index keeps no copy of the text (a third of what an import wrote):
 * FTS5 reads it, for snippets and to remove a story, from the view
 * stories_text, whose function story_text() derives it from the answers with
 * payload_text_of(), the text import indexed. A store of an older version is
 * moved on when it is opened: the index is built again from the stories.
 * 4: stories.untouched, the payload's list of scale and triad answers
 * accepted without moving the marker (NULL: not recorded, as in every story
 * a store of version 3 or older holds).
 * 5: stories.scribe, the initials of the scribe who typed a story of source
 * "scribe" (NULL for every other story, and in a store of version 4 or
 * older).
 * 6: packs, the feedback packs' sequences and the published packs (storyhub
 * feedback); an older store gets the empty table when it is opened.
 * 7: enrolments (one-time tokens, by hash, for HTTP push) and an index of
 * the quarantine by kiosk (its quotas); both made by the schema itself.
 * 8: story_types, each distinct question-types object with its form, in
 * the order first stored (the CSV export's columns without a pass over the
 * stories); meta store_id, a random id of the store (storyhub migrate). */
#define SCHEMA_VERSION 8
#define STR_(x) #x
#define STR(x) STR_(x) /* SCHEMA_VERSION in SQL text */
#define FTS_AUTOMERGE "16"
#define STORY_COLS \
	"story_id, code, kiosk, form, form_version, source, status, created, " \
	"saved, imported, lang, consent, prompt, answers, types, conflict, untouched, " \
	"scribe"
#define STORY_NCOLS 18 /* read_story's columns; a search's snippet follows */

/* The page cache of a connection that reads (2 MiB: a 100,000-story export
 * needs no more than a 10,000-story one) and of one that writes (64 MiB:
 * the story and FTS B-trees take random-key inserts). */
#define CACHE_READ "-2048"
#define CACHE_WRITE "-65536"

struct sqlite_store {
	struct hubstore base; /* first: a struct hubstore * points here */
	sqlite3 *db;
	sqlite3_stmt *find, *insert, *fts, *flag, *types;
	char *last_form, *last_types; /* the last pair put in story_types */
	int big_cache;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS kiosks(id TEXT PRIMARY KEY, pk BLOB NOT NULL,"
    " name TEXT NOT NULL, status INTEGER NOT NULL, first_seen INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS bundles(hash BLOB PRIMARY KEY, kiosk TEXT NOT NULL,"
    " seq INTEGER NOT NULL, count INTEGER NOT NULL, path TEXT, imported INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS quarantine(hash BLOB PRIMARY KEY, kiosk TEXT NOT NULL,"
    " seq INTEGER NOT NULL, data BLOB NOT NULL, path TEXT, received INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS stories(n INTEGER PRIMARY KEY, story_id TEXT NOT NULL,"
    " content BLOB NOT NULL, kiosk TEXT NOT NULL, seq INTEGER NOT NULL,"
    " status TEXT NOT NULL, source TEXT NOT NULL, code TEXT NOT NULL, form TEXT NOT NULL,"
    " form_version INTEGER NOT NULL, created TEXT, saved TEXT, imported TEXT NOT NULL,"
    " lang TEXT, consent TEXT, prompt TEXT, answers TEXT, types TEXT,"
    " conflict INTEGER NOT NULL DEFAULT 0, withdrawn INTEGER NOT NULL DEFAULT 0,"
    " untouched TEXT, scribe TEXT, UNIQUE(story_id, content));"
    "CREATE TABLE IF NOT EXISTS packs(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " created INTEGER NOT NULL, published INTEGER NOT NULL DEFAULT 0, data BLOB);"
    "CREATE INDEX IF NOT EXISTS stories_code ON stories(code);"
    "CREATE INDEX IF NOT EXISTS stories_kiosk ON stories(kiosk);"
    "CREATE INDEX IF NOT EXISTS quarantine_kiosk ON quarantine(kiosk);"
    "CREATE TABLE IF NOT EXISTS enrolments(hash BLOB PRIMARY KEY, name TEXT NOT NULL,"
    " created INTEGER NOT NULL, expires INTEGER NOT NULL, kiosk TEXT,"
    " used INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS story_types(n INTEGER PRIMARY KEY, form TEXT NOT NULL,"
    " types TEXT NOT NULL, UNIQUE(form, types));";

/* Schema 3's index and its content: made by migrate(). */
static const char fts_schema[] =
    "CREATE VIEW stories_text(n, text) AS SELECT n, story_text(answers, types)"
    " FROM stories;"
    "CREATE VIRTUAL TABLE stories_fts USING fts5(text, content = 'stories_text',"
    " content_rowid = 'n', tokenize = 'unicode61 remove_diacritics 2');"
    "INSERT INTO stories_fts(stories_fts, rank) VALUES('automerge', " FTS_AUTOMERGE ");"
    "INSERT INTO stories_fts(stories_fts) VALUES('rebuild');";

static const char *status_names[] = { "unknown", "trusted", "revoked" };

const char *
hub_kiosk_status_name(enum hub_kiosk_status s)
{
	return (unsigned)s < 3 ? status_names[s] : "?";
}

static struct sqlite_store *
S(struct hubstore *hs)
{
	return (struct sqlite_store *)hs;
}

/* A failure that may pass by itself: another process holds the write lock,
 * the disk is full, an I/O error or no memory. */
static int
transient(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
		return 1;
	default:
		return 0;
	}
}

static int
db_err(struct sqlite_store *s, struct err *e, const char *what)
{
	int rc = sqlite3_extended_errcode(s->db);

	err_set(e, "hub store: %s: %s", what, sqlite3_errmsg(s->db));
	e->transient = transient(rc);
	return -1;
}

static void
text_free(void *text)
{
	payload_text_free(text);
}

/* story_text(answers, types): a story's searchable text, for the index's
 * view. FTS5 forbids virtual tables such as json_each in what it reads, so
 * this is C: the same text import indexes, from the same function. */
static void
story_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *answers = (const char *)sqlite3_value_text(argv[0]);
	const char *types = (const char *)sqlite3_value_text(argv[1]);
	char *text;

	(void)argc;
	if (answers == NULL || types == NULL || (text = payload_text_of(answers, types)) == NULL)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, text, -1, text_free);
}

static int
prepare(struct sqlite_store *s, const char *sql, sqlite3_stmt **st, struct err *e)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_err(s, e, "prepare");
	return 0;
}

static int
exec(struct sqlite_store *s, const char *sql, struct err *e)
{
	char *msg = NULL;

	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		err_set(e, "hub store: %s", msg ? msg : sqlite3_errmsg(s->db));
		e->transient = transient(sqlite3_extended_errcode(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Step a statement that returns no rows, then reset it. */
static int
step_done(struct sqlite_store *s, sqlite3_stmt *st, struct err *e, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(s, e, what);
	return 0;
}

static void
hex_id(const unsigned char *id, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, id, n);
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

static void
sqlite_close(struct hubstore *hs)
{
	struct sqlite_store *s = S(hs);

	sqlite3_finalize(s->find);
	sqlite3_finalize(s->insert);
	sqlite3_finalize(s->fts);
	sqlite3_finalize(s->flag);
	sqlite3_finalize(s->types);
	sqlite3_close(s->db);
	free(s->last_form);
	free(s->last_types);
	free(s);
}

static int
sqlite_begin(struct hubstore *hs, struct err *e)
{
	struct sqlite_store *s = S(hs);

	if (!s->big_cache) { /* a writer from now on */
		if (exec(s, "PRAGMA cache_size=" CACHE_WRITE, e) == -1)
			return -1;
		s->big_cache = 1;
	}
	return exec(s, "BEGIN IMMEDIATE", e);
}

static int
sqlite_commit(struct hubstore *hs, struct err *e)
{
	return exec(S(hs), "COMMIT", e);
}

static void
sqlite_rollback(struct hubstore *hs)
{
	struct sqlite_store *s = S(hs);
	struct err ignored;

	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK", &ignored);
	/* what story_types gained in the transaction is gone too */
	free(s->last_form);
	free(s->last_types);
	s->last_form = s->last_types = NULL;
}

static void
read_kiosk(sqlite3_stmt *st, struct hub_kiosk *k)
{
	const void *pk = sqlite3_column_blob(st, 1);

	memset(k, 0, sizeof *k);
	sodium_hex2bin(k->id, KEY_ID_BYTES, col_text(st, 0), 2 * KEY_ID_BYTES, NULL, NULL, NULL);
	if (pk != NULL && sqlite3_column_bytes(st, 1) == crypto_sign_PUBLICKEYBYTES)
		memcpy(k->pk, pk, crypto_sign_PUBLICKEYBYTES);
	snprintf(k->name, sizeof k->name, "%s", col_text(st, 2));
	k->status = (enum hub_kiosk_status)sqlite3_column_int(st, 3);
	k->first_seen = sqlite3_column_int64(st, 4);
	k->last_seen = sqlite3_column_int64(st, 5);
	k->stories = (uint64_t)sqlite3_column_int64(st, 6);
	k->quarantined = (uint64_t)sqlite3_column_int64(st, 7);
}

#define KIOSK_SELECT \
	"SELECT id, pk, name, status, first_seen, last_seen," \
	" (SELECT count(DISTINCT story_id) FROM stories WHERE kiosk = kiosks.id)," \
	" (SELECT count(*) FROM quarantine WHERE kiosk = kiosks.id) FROM kiosks"
/* Without the counts: import looks a kiosk up for every bundle, and counting
 * its stories reads every one of them (it grew with the store). */
#define KIOSK_GET "SELECT id, pk, name, status, first_seen, last_seen, 0, 0 FROM kiosks"

static int
sqlite_kiosk_get(struct hubstore *hs, const unsigned char id[KEY_ID_BYTES], struct hub_kiosk *k,
    int *found, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	char hex[KEY_ID_HEX];
	int rc;

	*found = 0;
	hex_id(id, KEY_ID_BYTES, hex);
	if (prepare(s, KIOSK_GET " WHERE id = ?", &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_kiosk(st, k);
		*found = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(s, e, "reading kiosks");
	return 0;
}

static int
sqlite_kiosk_put(struct hubstore *hs, const struct hub_kiosk *k, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	char hex[KEY_ID_HEX];
	int rv;

	hex_id(k->id, KEY_ID_BYTES, hex);
	if (prepare(s,
	        "INSERT INTO kiosks VALUES(?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT(id) DO "
	        "UPDATE SET name = ?3, status = ?4, last_seen = max(last_seen, ?5)",
	        &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, k->pk, crypto_sign_PUBLICKEYBYTES, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, k->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, (int)k->status);
	sqlite3_bind_int64(st, 5, k->last_seen ? k->last_seen : (int64_t)time(NULL));
	rv = step_done(s, st, e, "saving a kiosk");
	sqlite3_finalize(st);
	return rv;
}

static int
sqlite_kiosk_foreach(struct hubstore *hs,
    int (*fn)(const struct hub_kiosk *k, void *ctx, struct err *e), void *ctx, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	struct hub_kiosk k;
	int rc, rv = 0;

	if (prepare(s, KIOSK_SELECT " ORDER BY first_seen, id", &st, e) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_kiosk(st, &k);
		if ((rv = fn(&k, ctx, e)) == -1)
			break;
	}
	if (rv == 0 && rc != SQLITE_DONE)
		rv = db_err(s, e, "listing kiosks");
	sqlite3_finalize(st);
	return rv;
}

static int
sqlite_bundle_seen(
    struct hubstore *hs, const unsigned char hash[BUNDLE_HASH_BYTES], int *seen, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rc;

	if (prepare(s, "SELECT 1 FROM bundles WHERE hash = ?", &st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, hash, BUNDLE_HASH_BYTES, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(s, e, "reading bundles");
	*seen = rc == SQLITE_ROW;
	return 0;
}

static int
sqlite_bundle_add(struct hubstore *hs, const unsigned char hash[BUNDLE_HASH_BYTES],
    const struct bundle_header *h, const char *path, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	char hex[KEY_ID_HEX];
	int rv;

	hex_id(h->kiosk_id, KEY_ID_BYTES, hex);
	if (prepare(s, "INSERT OR IGNORE INTO bundles VALUES(?, ?, ?, ?, ?, ?)", &st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, hash, BUNDLE_HASH_BYTES, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)h->seq);
	sqlite3_bind_int64(st, 4, h->count);
	sqlite3_bind_text(st, 5, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
	rv = step_done(s, st, e, "recording a bundle");
	sqlite3_finalize(st);
	return rv;
}

static int
sqlite_quarantine_add(struct hubstore *hs, const unsigned char hash[BUNDLE_HASH_BYTES],
    const struct bundle_header *h, const unsigned char *data, size_t len, const char *path,
    struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	char hex[KEY_ID_HEX];
	int rv;

	hex_id(h->kiosk_id, KEY_ID_BYTES, hex);
	if (prepare(s, "INSERT OR IGNORE INTO quarantine VALUES(?, ?, ?, ?, ?, ?)", &st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, hash, BUNDLE_HASH_BYTES, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)h->seq);
	sqlite3_bind_blob64(st, 4, data, len, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
	rv = step_done(s, st, e, "quarantining a bundle");
	sqlite3_finalize(st);
	return rv;
}

static int
sqlite_quarantine_foreach(struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES],
    int (*fn)(const struct quarantined *q, void *ctx, struct err *e), void *ctx, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	struct quarantined q;
	char hex[KEY_ID_HEX];
	int rc, rv = 0;

	hex_id(kiosk, KEY_ID_BYTES, hex);
	if (prepare(s, "SELECT hash, data, path FROM quarantine WHERE kiosk = ? ORDER BY seq", &st,
	        e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&q, 0, sizeof q);
		if (sqlite3_column_bytes(st, 0) == BUNDLE_HASH_BYTES)
			memcpy(q.hash, sqlite3_column_blob(st, 0), BUNDLE_HASH_BYTES);
		q.data = sqlite3_column_blob(st, 1);
		q.len = (size_t)sqlite3_column_bytes(st, 1);
		q.path = (const char *)sqlite3_column_text(st, 2);
		if ((rv = fn(&q, ctx, e)) == -1)
			break;
	}
	if (rv == 0 && rc != SQLITE_DONE)
		rv = db_err(s, e, "reading the quarantine");
	sqlite3_finalize(st);
	return rv;
}

static int
sqlite_quarantine_delete(
    struct hubstore *hs, const unsigned char hash[BUNDLE_HASH_BYTES], struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rv;

	if (prepare(s, "DELETE FROM quarantine WHERE hash = ?", &st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, hash, BUNDLE_HASH_BYTES, SQLITE_TRANSIENT);
	rv = step_done(s, st, e, "clearing the quarantine");
	sqlite3_finalize(st);
	return rv;
}

static int
sqlite_quarantine_use(struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES],
    const unsigned char hash[BUNDLE_HASH_BYTES], struct hub_quarantine_use *u, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	char hex[KEY_ID_HEX];
	int rc;

	memset(u, 0, sizeof *u);
	hex_id(kiosk, KEY_ID_BYTES, hex);
	/* length() of a blob reads its size, not its pages */
	if (prepare(s,
	        "SELECT count(*), coalesce(sum(length(data)), 0),"
	        " coalesce(sum(kiosk = ?1), 0), coalesce(sum(CASE WHEN kiosk = ?1"
	        " THEN length(data) END), 0), coalesce(sum(hash = ?2), 0) FROM quarantine",
	        &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, hash, BUNDLE_HASH_BYTES, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		u->total_bundles = (uint64_t)sqlite3_column_int64(st, 0);
		u->total_bytes = (uint64_t)sqlite3_column_int64(st, 1);
		u->kiosk_bundles = (uint64_t)sqlite3_column_int64(st, 2);
		u->kiosk_bytes = (uint64_t)sqlite3_column_int64(st, 3);
		u->held = sqlite3_column_int64(st, 4) > 0;
	}
	if (rc != SQLITE_ROW) {
		db_err(s, e, "reading the quarantine");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static int
sqlite_quarantine_reject(
    struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES], size_t *n, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	char hex[KEY_ID_HEX];
	int rv;

	*n = 0;
	hex_id(kiosk, KEY_ID_BYTES, hex);
	if (prepare(s, "DELETE FROM quarantine WHERE kiosk = ?", &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	rv = step_done(s, st, e, "deleting quarantined bundles");
	if (rv == 0)
		*n = (size_t)sqlite3_changes(s->db);
	sqlite3_finalize(st);
	return rv;
}

static int
sqlite_enrolment_add(struct hubstore *hs, const unsigned char hash[TOKEN_HASH_BYTES],
    const struct hub_enrolment *en, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rv;

	if (prepare(s, "INSERT INTO enrolments(hash, name, created, expires) VALUES(?, ?, ?, ?)",
	        &st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_BYTES, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, en->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, en->created);
	sqlite3_bind_int64(st, 4, en->expires);
	rv = step_done(s, st, e, "saving an enrolment token");
	sqlite3_finalize(st);
	return rv;
}

static int
sqlite_enrolment_get(struct hubstore *hs, const unsigned char hash[TOKEN_HASH_BYTES],
    struct hub_enrolment *en, int *found, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rc;

	*found = 0;
	memset(en, 0, sizeof *en);
	if (prepare(s, "SELECT name, created, expires, kiosk, used FROM enrolments WHERE hash = ?",
	        &st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_BYTES, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(en->name, sizeof en->name, "%s", col_text(st, 0));
		en->created = sqlite3_column_int64(st, 1);
		en->expires = sqlite3_column_int64(st, 2);
		en->used = sqlite3_column_int64(st, 4);
		if (sqlite3_column_type(st, 3) == SQLITE_TEXT)
			sodium_hex2bin(en->kiosk, KEY_ID_BYTES, col_text(st, 3), 2 * KEY_ID_BYTES,
			    NULL, NULL, NULL);
		*found = 1;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_err(s, e, "reading enrolments");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static int
sqlite_enrolment_use(struct hubstore *hs, const unsigned char hash[TOKEN_HASH_BYTES],
    const unsigned char kiosk[KEY_ID_BYTES], int64_t when, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	char hex[KEY_ID_HEX];
	int rv;

	hex_id(kiosk, KEY_ID_BYTES, hex);
	if (prepare(s, "UPDATE enrolments SET kiosk = ?2, used = ?3 WHERE hash = ?1", &st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, hash, TOKEN_HASH_BYTES, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, when);
	rv = step_done(s, st, e, "marking an enrolment token used");
	sqlite3_finalize(st);
	return rv;
}

static void
bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* Keep (form, types) in story_types, the export's list of columns. Nearly
 * every story repeats the pair before it, which costs a strcmp here. The
 * pair is remembered only after the transaction's statement ran, and a
 * rollback forgets it (sqlite_rollback). */
static int
note_types(struct sqlite_store *s, const char *form, const char *types, struct err *e)
{
	if (form == NULL || types == NULL)
		return 0;
	if (s->last_form != NULL && strcmp(s->last_form, form) == 0 &&
	    strcmp(s->last_types, types) == 0)
		return 0;
	sqlite3_bind_text(s->types, 1, form, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->types, 2, types, -1, SQLITE_STATIC);
	if (step_done(s, s->types, e, "noting question types") == -1)
		return -1;
	free(s->last_form);
	free(s->last_types);
	s->last_form = xstrdup(form);
	s->last_types = xstrdup(types);
	return 0;
}

static int
sqlite_story_put(
    struct hubstore *hs, const struct hub_story_in *in, enum hub_put *result, struct err *e)
{
	struct sqlite_store *s = S(hs);
	const struct payload *p = in->p;
	char sid[2 * BUNDLE_ID_BYTES + 1], kid[KEY_ID_HEX], now[32];
	int rc, others = 0, same = 0;
	time_t t = time(NULL);
	struct tm tm;

	hex_id(in->id, BUNDLE_ID_BYTES, sid);
	hex_id(in->kiosk_id, KEY_ID_BYTES, kid);
	sqlite3_bind_text(s->find, 1, sid, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s->find)) == SQLITE_ROW) {
		if ((sqlite3_column_bytes(s->find, 0) == 32 &&
		        memcmp(sqlite3_column_blob(s->find, 0), in->content_hash, 32) == 0) ||
		    sqlite3_column_int(s->find, 1))
			same = 1;
		others++;
	}
	sqlite3_reset(s->find);
	if (rc != SQLITE_DONE)
		return db_err(s, e, "reading stories");
	if (same) {
		*result = HUB_PUT_DUPLICATE;
		return 0;
	}
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	sqlite3_bind_text(s->insert, 1, sid, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s->insert, 2, in->content_hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(s->insert, 3, kid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->insert, 4, (sqlite3_int64)in->seq);
	sqlite3_bind_text(s->insert, 5, story_status_name(in->status), -1, SQLITE_STATIC);
	sqlite3_bind_text(s->insert, 6, story_source_name(in->source), -1, SQLITE_STATIC);
	bind_opt(s->insert, 7, p->code);
	bind_opt(s->insert, 8, p->form);
	sqlite3_bind_int64(s->insert, 9, p->form_version);
	bind_opt(s->insert, 10, p->created);
	bind_opt(s->insert, 11, p->saved);
	sqlite3_bind_text(s->insert, 12, now, -1, SQLITE_STATIC);
	bind_opt(s->insert, 13, p->lang);
	bind_opt(s->insert, 14, p->consent);
	bind_opt(s->insert, 15, p->prompt);
	bind_opt(s->insert, 16, p->answers);
	bind_opt(s->insert, 17, p->types);
	sqlite3_bind_int(s->insert, 18, others > 0);
	bind_opt(s->insert, 19, p->untouched);
	bind_opt(s->insert, 20, p->scribe);
	if (step_done(s, s->insert, e, "storing a story") == -1)
		return -1;
	sqlite3_clear_bindings(s->insert);
	sqlite3_bind_int64(s->fts, 1, sqlite3_last_insert_rowid(s->db));
	sqlite3_bind_text(s->fts, 2, in->text ? in->text : "", -1, SQLITE_STATIC);
	if (step_done(s, s->fts, e, "indexing a story") == -1)
		return -1;
	if (others > 0) {
		sqlite3_bind_text(s->flag, 1, sid, -1, SQLITE_STATIC);
		if (step_done(s, s->flag, e, "flagging a conflict") == -1)
			return -1;
	}
	if (note_types(s, p->form, p->types, e) == -1)
		return -1;
	*result = others > 0 ? HUB_PUT_CONFLICT : HUB_PUT_NEW;
	return 0;
}

static int
sqlite_story_put_many(struct hubstore *hs, const struct hub_story_in *in, size_t n,
    enum hub_put *result, struct err *e)
{
	for (size_t i = 0; i < n; i++)
		if (sqlite_story_put(hs, &in[i], &result[i], e) == -1)
			return -1;
	return 0;
}

static void
read_story(sqlite3_stmt *st, struct hub_story *h)
{
	memset(h, 0, sizeof *h);
	h->story_id = col_text(st, 0);
	h->code = col_text(st, 1);
	h->kiosk_id = col_text(st, 2);
	h->form = col_text(st, 3);
	h->form_version = sqlite3_column_int64(st, 4);
	h->source = col_text(st, 5);
	h->status = col_text(st, 6);
	h->created = col_text(st, 7);
	h->saved = col_text(st, 8);
	h->imported = col_text(st, 9);
	h->lang = col_text(st, 10);
	h->consent = col_text(st, 11);
	h->prompt = (const char *)sqlite3_column_text(st, 12);
	h->answers = col_text(st, 13);
	h->types = col_text(st, 14);
	h->conflict = sqlite3_column_int(st, 15);
	h->untouched = (const char *)sqlite3_column_text(st, 16);
	h->scribe = (const char *)sqlite3_column_text(st, 17);
}

static int
each_story(struct sqlite_store *s, sqlite3_stmt *st, int snippet_col,
    int (*fn)(const struct hub_story *h, void *ctx, struct err *e), void *ctx, struct err *e)
{
	struct hub_story h;
	int rc, rv = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_story(st, &h);
		if (snippet_col >= 0)
			h.snippet = col_text(st, snippet_col);
		if ((rv = fn(&h, ctx, e)) == -1)
			break;
	}
	if (rv == 0 && rc != SQLITE_DONE)
		rv = db_err(s, e, "reading stories");
	sqlite3_finalize(st);
	return rv;
}

static int
sqlite_story_foreach(struct hubstore *hs,
    int (*fn)(const struct hub_story *h, void *ctx, struct err *e), void *ctx, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;

	if (prepare(s, "SELECT " STORY_COLS " FROM stories WHERE withdrawn = 0 ORDER BY n", &st,
	        e) == -1)
		return -1;
	return each_story(s, st, -1, fn, ctx, e);
}

static int
sqlite_types_foreach(struct hubstore *hs,
    int (*fn)(const char *form, const char *types, void *ctx, struct err *e), void *ctx,
    struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rc, rv = 0;

	if (prepare(s, "SELECT form, types FROM story_types ORDER BY n", &st, e) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rv = fn(col_text(st, 0), col_text(st, 1), ctx, e)) == -1)
			break;
	if (rv == 0 && rc != SQLITE_DONE)
		rv = db_err(s, e, "reading question types");
	sqlite3_finalize(st);
	return rv;
}

static int
search_error(const char *query, struct err *e)
{
	if (strstr(e->msg, "syntax") != NULL || strstr(e->msg, "no such column") != NULL ||
	    strstr(e->msg, "unterminated") != NULL)
		err_set(e,
		    "cannot understand the search \"%s\" (put words in double "
		    "quotes to search for them literally)",
		    query);
	return -1;
}

/* A story found, kept until the results are given in their rank order. */
struct found {
	sqlite3_int64 n;
	char **cols; /* STORY_NCOLS + 1 (the snippet) copies, NULL for NULL */
	long long form_version;
	int conflict;
};

static void
found_free(struct found *f)
{
	if (f->cols != NULL)
		for (int i = 0; i <= STORY_NCOLS; i++) {
			if (f->cols[i] != NULL)
				sodium_memzero(f->cols[i], strlen(f->cols[i]));
			free(f->cols[i]);
		}
	free(f->cols);
	f->cols = NULL;
}

static void
found_story(const struct found *f, struct hub_story *h)
{
	char *const *c = f->cols;

	memset(h, 0, sizeof *h);
	h->story_id = c[0] ? c[0] : "";
	h->code = c[1] ? c[1] : "";
	h->kiosk_id = c[2] ? c[2] : "";
	h->form = c[3] ? c[3] : "";
	h->form_version = f->form_version;
	h->source = c[5] ? c[5] : "";
	h->status = c[6] ? c[6] : "";
	h->created = c[7] ? c[7] : "";
	h->saved = c[8] ? c[8] : "";
	h->imported = c[9] ? c[9] : "";
	h->lang = c[10] ? c[10] : "";
	h->consent = c[11] ? c[11] : "";
	h->prompt = c[12];
	h->answers = c[13] ? c[13] : "";
	h->types = c[14] ? c[14] : "";
	h->conflict = f->conflict;
	h->untouched = c[16];
	h->scribe = c[17];
	h->snippet = c[STORY_NCOLS] ? c[STORY_NCOLS] : "";
}

/*
 * Ranking every match (FTS5's ORDER BY rank) costs time in proportion to the
 * matches: 140 ms for a frequent word in 100,000 stories. So the index is
 * read newest first, the HUBSTORE_SEARCH_POOL most recent matches are ranked
 * (bm25, computed for those only), and only the best `limit` of them are
 * joined with their stories and given a snippet, in one more pass over the
 * pool's range of the index (one per story read the word's index again
 * each time).
 */
static int
sqlite_search(struct hubstore *hs, const char *query, size_t limit,
    int (*fn)(const struct hub_story *h, void *ctx, struct err *e), void *ctx, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL, *snip = NULL;
	struct found *found = NULL;
	sqlite3_int64 lo = 0, hi = 0;
	size_t n = 0, i, len = 0;
	char *ids = NULL;
	struct hub_story h;
	int rc, rv = -1;

	/* the index's pages read in place (mapped), not copied into the cache */
	if (exec(s, "PRAGMA mmap_size=1073741824", e) == -1)
		return -1;
	if (prepare(s,
	        "SELECT r FROM (SELECT rowid AS r, rank AS k FROM stories_fts"
	        " WHERE stories_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3) ORDER BY k, r DESC"
	        " LIMIT ?2",
	        &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, query, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
	sqlite3_bind_int64(
	    st, 3, (sqlite3_int64)(limit > HUBSTORE_SEARCH_POOL ? limit : HUBSTORE_SEARCH_POOL));
	found = xcalloc(limit ? limit : 1, sizeof *found);
	ids = xcalloc(1, 2 + 22 * (limit ? limit : 1));
	len = (size_t)sprintf(ids, "[");
	while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 r = sqlite3_column_int64(st, 0);

		found[n++].n = r;
		lo = n == 1 || r < lo ? r : lo;
		hi = n == 1 || r > hi ? r : hi;
		len += (size_t)sprintf(ids + len, "%s%lld", n > 1 ? "," : "", (long long)r);
	}
	if (n < limit && rc != SQLITE_DONE) {
		db_err(s, e, "searching");
		search_error(query, e);
		goto out;
	}
	sprintf(ids + len, "]");
	if (n == 0) {
		rv = 0;
		goto out;
	}
	/* +rowid: the list filters the range's rows, FTS5 does not look each up */
	if (prepare(s,
	        "SELECT stories_fts.rowid, " STORY_COLS ", snippet(stories_fts, 0, '[', ']', '...',"
	        " 16) FROM stories_fts JOIN stories ON stories.n = stories_fts.rowid"
	        " WHERE stories_fts MATCH ?1 AND stories_fts.rowid BETWEEN ?2 AND ?3"
	        " AND +stories_fts.rowid IN (SELECT value FROM json_each(?4)) AND withdrawn = 0",
	        &snip, e) == -1)
		goto out;
	sqlite3_bind_text(snip, 1, query, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(snip, 2, lo);
	sqlite3_bind_int64(snip, 3, hi);
	sqlite3_bind_text(snip, 4, ids, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(snip)) == SQLITE_ROW) {
		sqlite3_int64 r = sqlite3_column_int64(snip, 0);

		for (i = 0; i < n; i++)
			if (found[i].n == r && found[i].cols == NULL)
				break;
		if (i == n)
			continue;
		found[i].cols = xcalloc(STORY_NCOLS + 1, sizeof *found[i].cols);
		for (int c = 0; c <= STORY_NCOLS; c++) {
			const unsigned char *t = sqlite3_column_text(snip, c + 1);

			found[i].cols[c] = t ? xstrdup((const char *)t) : NULL;
		}
		found[i].form_version = sqlite3_column_int64(snip, 5);
		found[i].conflict = sqlite3_column_int(snip, 16);
	}
	if (rc != SQLITE_DONE) {
		db_err(s, e, "searching");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (found[i].cols == NULL)
			continue;
		found_story(&found[i], &h);
		if (fn(&h, ctx, e) == -1)
			goto out;
	}
	rv = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(snip);
	for (i = 0; i < n; i++)
		found_free(&found[i]);
	free(found);
	free(ids);
	return rv;
}

static int
sqlite_withdraw(struct hubstore *hs, const char *code, const char *story_id,
    int (*fn)(const struct hub_story *h, void *ctx, struct err *e), void *ctx, size_t *n,
    struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rv = -1;

	*n = 0;
	if (sqlite_begin(hs, e) == -1)
		return -1;
	if (prepare(s,
	        "SELECT " STORY_COLS " FROM stories WHERE code = ?1 AND withdrawn = 0"
	        " AND (?2 IS NULL OR story_id = ?2) ORDER BY n",
	        &st, e) == -1)
		goto out;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	bind_opt(st, 2, story_id);
	rv = each_story(s, st, -1, fn, ctx, e); /* finalizes st */
	st = NULL;
	if (rv == -1)
		goto out;
	rv = -1;
	if (prepare(s,
	        "DELETE FROM stories_fts WHERE rowid IN (SELECT n FROM stories WHERE"
	        " code = ?1 AND withdrawn = 0 AND (?2 IS NULL OR story_id = ?2))",
	        &st, e) == -1)
		goto out;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	bind_opt(st, 2, story_id);
	if (step_done(s, st, e, "removing text from the index") == -1)
		goto out;
	sqlite3_finalize(st);
	if (prepare(s,
	        "UPDATE stories SET withdrawn = 1, answers = NULL, prompt = NULL,"
	        " lang = NULL, untouched = NULL WHERE code = ?1 AND withdrawn = 0"
	        " AND (?2 IS NULL OR story_id = ?2)",
	        &st, e) == -1)
		goto out;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	bind_opt(st, 2, story_id);
	if (step_done(s, st, e, "withdrawing") == -1)
		goto out;
	*n = (size_t)sqlite3_changes(s->db);
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite_commit(hs, e) == -1)
		goto out;
	rv = 0;
out:
	sqlite3_finalize(st);
	if (rv == -1)
		sqlite_rollback(hs);
	return rv;
}

static int
sqlite_meta_get(struct hubstore *hs, const char *key, char **value, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rc;

	*value = NULL;
	if (prepare(s, "SELECT value FROM meta WHERE key = ?", &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = xstrdup(col_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(s, e, "reading meta");
	return 0;
}

static int
sqlite_meta_put(struct hubstore *hs, const char *key, const char *value, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rv;

	if (prepare(s, "INSERT OR REPLACE INTO meta VALUES(?, ?)", &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
	rv = step_done(s, st, e, "writing meta");
	sqlite3_finalize(st);
	return rv;
}

static int
sqlite_counts(struct hubstore *hs, struct hub_counts *c, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rc;

	memset(c, 0, sizeof *c);
	if (prepare(s,
	        "SELECT (SELECT count(*) FROM kiosks), (SELECT count(*) FROM bundles),"
	        " (SELECT count(*) FROM quarantine), (SELECT count(*) FROM stories),"
	        " (SELECT count(*) FROM stories WHERE withdrawn <> 0),"
	        " (SELECT count(*) FROM packs), (SELECT count(*) FROM enrolments)",
	        &st, e) == -1)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->kiosks = (uint64_t)sqlite3_column_int64(st, 0);
		c->bundles = (uint64_t)sqlite3_column_int64(st, 1);
		c->quarantine = (uint64_t)sqlite3_column_int64(st, 2);
		c->stories = (uint64_t)sqlite3_column_int64(st, 3);
		c->withdrawn = (uint64_t)sqlite3_column_int64(st, 4);
		c->packs = (uint64_t)sqlite3_column_int64(st, 5);
		c->enrolments = (uint64_t)sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_err(s, e, "counting");
	return 0;
}

static void
col_hash(sqlite3_stmt *st, int i, unsigned char *out, size_t n)
{
	memset(out, 0, n);
	if ((size_t)sqlite3_column_bytes(st, i) == n)
		memcpy(out, sqlite3_column_blob(st, i), n);
}

/* One table's rows through fn (the statement is finalized). */
static int
each_row(struct sqlite_store *s, const char *sql, enum hub_row_kind kind,
    int (*fn)(const struct hub_row *r, void *ctx, struct err *e), void *ctx, struct err *e)
{
	sqlite3_stmt *st = NULL;
	struct hub_row r;
	int rc, rv = 0;

	if (prepare(s, sql, &st, e) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.kind = kind;
		switch (kind) {
		case HUB_ROW_KIOSK:
			read_kiosk(st, &r.kiosk);
			break;
		case HUB_ROW_BUNDLE:
		case HUB_ROW_QUARANTINE:
			col_hash(st, 0, r.hash, sizeof r.hash);
			r.kiosk_id = col_text(st, 1);
			r.seq = sqlite3_column_int64(st, 2);
			if (kind == HUB_ROW_BUNDLE)
				r.count = sqlite3_column_int64(st, 3);
			else {
				r.data = sqlite3_column_blob(st, 3);
				r.len = (size_t)sqlite3_column_bytes(st, 3);
			}
			r.path = (const char *)sqlite3_column_text(st, 4);
			r.when = sqlite3_column_int64(st, 5);
			break;
		case HUB_ROW_STORY:
			read_story(st, &r.s);
			/* NULL stays NULL here: a withdrawn story has none */
			r.s.answers = (const char *)sqlite3_column_text(st, 13);
			r.s.types = (const char *)sqlite3_column_text(st, 14);
			r.s.lang = (const char *)sqlite3_column_text(st, 10);
			r.s.created = (const char *)sqlite3_column_text(st, 7);
			r.s.saved = (const char *)sqlite3_column_text(st, 8);
			r.s.consent = (const char *)sqlite3_column_text(st, 11);
			r.kiosk_id = r.s.kiosk_id;
			col_hash(st, STORY_NCOLS, r.content, sizeof r.content);
			r.seq = sqlite3_column_int64(st, STORY_NCOLS + 1);
			r.withdrawn = sqlite3_column_int(st, STORY_NCOLS + 2) != 0;
			break;
		case HUB_ROW_PACK:
			r.seq = sqlite3_column_int64(st, 0);
			r.when = sqlite3_column_int64(st, 1);
			r.published = sqlite3_column_int(st, 2);
			r.data = sqlite3_column_blob(st, 3);
			r.len = (size_t)sqlite3_column_bytes(st, 3);
			break;
		case HUB_ROW_ENROLMENT:
			col_hash(st, 0, r.token, sizeof r.token);
			snprintf(r.en.name, sizeof r.en.name, "%s", col_text(st, 1));
			r.en.created = sqlite3_column_int64(st, 2);
			r.en.expires = sqlite3_column_int64(st, 3);
			if (sqlite3_column_type(st, 4) == SQLITE_TEXT)
				sodium_hex2bin(r.en.kiosk, KEY_ID_BYTES, col_text(st, 4),
				    2 * KEY_ID_BYTES, NULL, NULL, NULL);
			r.en.used = sqlite3_column_int64(st, 5);
			break;
		}
		if ((rv = fn(&r, ctx, e)) == -1)
			break;
	}
	if (rv == 0 && rc != SQLITE_DONE)
		rv = db_err(s, e, "reading the store");
	sqlite3_finalize(st);
	return rv;
}

static int
sqlite_row_foreach(struct hubstore *hs,
    int (*fn)(const struct hub_row *r, void *ctx, struct err *e), void *ctx, struct err *e)
{
	struct sqlite_store *s = S(hs);
	int rv = -1;

	/* one snapshot for every table */
	if (exec(s, "BEGIN", e) == -1)
		return -1;
	if (each_row(s,
	        "SELECT id, pk, name, status, first_seen, last_seen, 0, 0 FROM kiosks"
	        " ORDER BY first_seen, id",
	        HUB_ROW_KIOSK, fn, ctx, e) == -1 ||
	    each_row(s,
	        "SELECT hash, kiosk, seq, count, path, imported FROM bundles ORDER BY rowid",
	        HUB_ROW_BUNDLE, fn, ctx, e) == -1 ||
	    each_row(s,
	        "SELECT hash, kiosk, seq, data, path, received FROM quarantine ORDER BY rowid",
	        HUB_ROW_QUARANTINE, fn, ctx, e) == -1 ||
	    each_row(s, "SELECT " STORY_COLS ", content, seq, withdrawn FROM stories ORDER BY n",
	        HUB_ROW_STORY, fn, ctx, e) == -1 ||
	    each_row(s, "SELECT seq, created, published, data FROM packs ORDER BY seq",
	        HUB_ROW_PACK, fn, ctx, e) == -1 ||
	    each_row(s,
	        "SELECT hash, name, created, expires, kiosk, used FROM enrolments"
	        " ORDER BY created, hash",
	        HUB_ROW_ENROLMENT, fn, ctx, e) == -1)
		goto out;
	rv = 0;
out:
	if (rv == 0)
		rv = exec(s, "COMMIT", e);
	else
		sqlite_rollback(&s->base);
	return rv;
}

static int
put_kiosk_row(struct sqlite_store *s, const struct hub_kiosk *k, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char hex[KEY_ID_HEX];
	int rv;

	hex_id(k->id, KEY_ID_BYTES, hex);
	if (prepare(s, "INSERT OR REPLACE INTO kiosks VALUES(?, ?, ?, ?, ?, ?)", &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, k->pk, crypto_sign_PUBLICKEYBYTES, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, k->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, (int)k->status);
	sqlite3_bind_int64(st, 5, k->first_seen);
	sqlite3_bind_int64(st, 6, k->last_seen);
	rv = step_done(s, st, e, "copying a kiosk");
	sqlite3_finalize(st);
	return rv;
}

static int
put_bundle_row(struct sqlite_store *s, const struct hub_row *r, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rv;

	if (prepare(s,
	        r->kind == HUB_ROW_BUNDLE ?
	            "INSERT OR IGNORE INTO bundles VALUES(?, ?, ?, ?, ?, ?)" :
	            "INSERT OR IGNORE INTO quarantine VALUES(?, ?, ?, ?, ?, ?)",
	        &st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, r->hash, BUNDLE_HASH_BYTES, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, r->kiosk_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, r->seq);
	if (r->kind == HUB_ROW_BUNDLE)
		sqlite3_bind_int64(st, 4, r->count);
	else
		sqlite3_bind_blob64(st, 4, r->data, r->len, SQLITE_STATIC);
	bind_opt(st, 5, r->path);
	sqlite3_bind_int64(st, 6, r->when);
	rv = step_done(s, st, e, "copying a bundle");
	sqlite3_finalize(st);
	return rv;
}

/* Remove story n's text from the index and its answers from the row. */
static int
withdraw_row(struct sqlite_store *s, sqlite3_int64 n, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rv;

	if (prepare(s, "DELETE FROM stories_fts WHERE rowid = ?", &st, e) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, n);
	rv = step_done(s, st, e, "removing text from the index");
	sqlite3_finalize(st);
	if (rv == -1 ||
	    prepare(s,
	        "UPDATE stories SET withdrawn = 1, answers = NULL, prompt = NULL,"
	        " lang = NULL, untouched = NULL WHERE n = ?",
	        &st, e) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, n);
	rv = step_done(s, st, e, "withdrawing");
	sqlite3_finalize(st);
	return rv;
}

static int
put_story_row(struct sqlite_store *s, const struct hub_row *r, struct err *e)
{
	const struct hub_story *h = &r->s;
	sqlite3_stmt *st = NULL;
	sqlite3_int64 n = 0;
	char *text = NULL;
	int rc, withdrawn = 0, rv = -1;

	if (prepare(s, "SELECT n, withdrawn FROM stories WHERE story_id = ? AND content = ?", &st,
	        e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, h->story_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, r->content, 32, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 0);
		withdrawn = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(s, e, "reading stories");
	if (rc == SQLITE_ROW) { /* held: bring the flags over */
		if (prepare(s, "UPDATE stories SET conflict = ? WHERE n = ?", &st, e) == -1)
			return -1;
		sqlite3_bind_int(st, 1, h->conflict);
		sqlite3_bind_int64(st, 2, n);
		rv = step_done(s, st, e, "copying a story");
		sqlite3_finalize(st);
		if (rv == 0 && r->withdrawn && !withdrawn)
			rv = withdraw_row(s, n, e);
		return rv;
	}
	if (prepare(s,
	        "INSERT INTO stories(story_id, content, kiosk, seq, status, source, code,"
	        " form, form_version, created, saved, imported, lang, consent, prompt, answers,"
	        " types, conflict, withdrawn, untouched, scribe) VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
	        " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
	        &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, h->story_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, r->content, 32, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, h->kiosk_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, r->seq);
	bind_opt(st, 5, h->status);
	bind_opt(st, 6, h->source);
	bind_opt(st, 7, h->code);
	bind_opt(st, 8, h->form);
	sqlite3_bind_int64(st, 9, h->form_version);
	bind_opt(st, 10, h->created);
	bind_opt(st, 11, h->saved);
	bind_opt(st, 12, h->imported);
	bind_opt(st, 13, h->lang);
	bind_opt(st, 14, h->consent);
	bind_opt(st, 15, h->prompt);
	bind_opt(st, 16, r->withdrawn ? NULL : h->answers);
	bind_opt(st, 17, h->types);
	sqlite3_bind_int(st, 18, h->conflict);
	sqlite3_bind_int(st, 19, r->withdrawn);
	bind_opt(st, 20, r->withdrawn ? NULL : h->untouched);
	bind_opt(st, 21, h->scribe);
	if (step_done(s, st, e, "copying a story") == -1)
		goto out;
	n = sqlite3_last_insert_rowid(s->db);
	if (!r->withdrawn && h->answers != NULL && h->types != NULL &&
	    (text = payload_text_of(h->answers, h->types)) != NULL) {
		sqlite3_bind_int64(s->fts, 1, n);
		sqlite3_bind_text(s->fts, 2, text, -1, SQLITE_STATIC);
		if (step_done(s, s->fts, e, "indexing a story") == -1)
			goto out;
	}
	if (note_types(s, h->form, h->types, e) == -1)
		goto out;
	rv = 0;
out:
	sqlite3_finalize(st);
	payload_text_free(text);
	return rv;
}

/* A pack's row as it is; AUTOINCREMENT's counter follows a larger seq, so
 * the next reservation comes after it. */
static int
put_pack_row(struct sqlite_store *s, const struct hub_row *r, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rv;

	if (prepare(s,
	        "INSERT INTO packs(seq, created, published, data) VALUES(?1, ?2, ?3, ?4)"
	        " ON CONFLICT(seq) DO UPDATE SET created = ?2, published = ?3, data = ?4",
	        &st, e) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, r->seq);
	sqlite3_bind_int64(st, 2, r->when);
	sqlite3_bind_int(st, 3, r->published);
	if (r->data != NULL)
		sqlite3_bind_blob64(st, 4, r->data, r->len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	rv = step_done(s, st, e, "copying a feedback pack");
	sqlite3_finalize(st);
	return rv;
}

/* An enrolment as it is (its kiosk NULL while it is not used). */
static int
put_enrolment_row(struct sqlite_store *s, const struct hub_row *r, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char hex[KEY_ID_HEX];
	int rv;

	if (prepare(s,
	        "INSERT INTO enrolments(hash, name, created, expires, kiosk, used)"
	        " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(hash) DO UPDATE SET name = ?2,"
	        " created = ?3, expires = ?4, kiosk = ?5, used = ?6",
	        &st, e) == -1)
		return -1;
	hex_id(r->en.kiosk, KEY_ID_BYTES, hex);
	sqlite3_bind_blob(st, 1, r->token, sizeof r->token, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->en.name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->en.created);
	sqlite3_bind_int64(st, 4, r->en.expires);
	if (r->en.used != 0)
		sqlite3_bind_text(st, 5, hex, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int64(st, 6, r->en.used);
	rv = step_done(s, st, e, "copying an enrolment");
	sqlite3_finalize(st);
	return rv;
}

static int
sqlite_row_put(struct hubstore *hs, const struct hub_row *r, struct err *e)
{
	struct sqlite_store *s = S(hs);

	switch (r->kind) {
	case HUB_ROW_ENROLMENT:
		return put_enrolment_row(s, r, e);
	case HUB_ROW_PACK:
		return put_pack_row(s, r, e);
	case HUB_ROW_KIOSK:
		return put_kiosk_row(s, &r->kiosk, e);
	case HUB_ROW_BUNDLE:
	case HUB_ROW_QUARANTINE:
		return put_bundle_row(s, r, e);
	case HUB_ROW_STORY:
		return put_story_row(s, r, e);
	}
	return err_set(e, "hub store: unknown row kind");
}

static int
sqlite_code_withdrawn(struct hubstore *hs, const char *code, size_t *n, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rc;

	*n = 0;
	if (prepare(s, "SELECT count(*) FROM stories WHERE code = ? AND withdrawn = 1", &st, e) ==
	    -1)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_err(s, e, "reading stories");
	return 0;
}

static int
sqlite_pack_reserve(struct hubstore *hs, int64_t created, uint64_t *seq, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rv;

	*seq = 0;
	if (prepare(s, "INSERT INTO packs(created) VALUES(?)", &st, e) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, created);
	rv = step_done(s, st, e, "reserving a pack sequence");
	sqlite3_finalize(st);
	if (rv == 0)
		*seq = (uint64_t)sqlite3_last_insert_rowid(s->db);
	return rv;
}

static int
sqlite_pack_publish(
    struct hubstore *hs, uint64_t seq, const unsigned char *data, size_t len, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rv;

	if (prepare(s, "UPDATE packs SET published = 1, data = ?2 WHERE seq = ?1", &st, e) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
	sqlite3_bind_blob64(st, 2, data, len, SQLITE_STATIC);
	rv = step_done(s, st, e, "publishing a pack");
	sqlite3_finalize(st);
	if (rv == 0 && sqlite3_changes(s->db) != 1)
		return err_set(e, "hub store: no pack %llu was reserved", (unsigned long long)seq);
	return rv;
}

static int
sqlite_pack_newest(struct hubstore *hs, unsigned char **data, size_t *len, uint64_t *seq,
    int *found, struct err *e)
{
	struct sqlite_store *s = S(hs);
	sqlite3_stmt *st = NULL;
	int rc;

	if (data != NULL) {
		*data = NULL;
		*len = 0;
	}
	*seq = 0;
	*found = 0;
	if (prepare(s,
	        data != NULL ?
	            "SELECT seq, data FROM packs WHERE published = 1 AND data IS NOT NULL"
	            " ORDER BY seq DESC LIMIT 1" :
	            "SELECT seq FROM packs WHERE published = 1 AND data IS NOT NULL"
	            " ORDER BY seq DESC LIMIT 1",
	        &st, e) == -1)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = (uint64_t)sqlite3_column_int64(st, 0);
		*found = 1;
	}
	if (rc == SQLITE_ROW && data != NULL) {
		size_t n = (size_t)sqlite3_column_bytes(st, 1);

		*data = xmalloc(n ? n : 1);
		if (n > 0)
			memcpy(*data, sqlite3_column_blob(st, 1), n);
		*len = n;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(s, e, "reading the published pack");
	return 0;
}

static const struct hubstore_ops sqlite_ops = {
	.name = "sqlite",
	.close = sqlite_close,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.kiosk_get = sqlite_kiosk_get,
	.kiosk_put = sqlite_kiosk_put,
	.kiosk_foreach = sqlite_kiosk_foreach,
	.bundle_seen = sqlite_bundle_seen,
	.bundle_add = sqlite_bundle_add,
	.quarantine_add = sqlite_quarantine_add,
	.quarantine_foreach = sqlite_quarantine_foreach,
	.quarantine_delete = sqlite_quarantine_delete,
	.quarantine_use = sqlite_quarantine_use,
	.quarantine_reject = sqlite_quarantine_reject,
	.enrolment_add = sqlite_enrolment_add,
	.enrolment_get = sqlite_enrolment_get,
	.enrolment_use = sqlite_enrolment_use,
	.story_put = sqlite_story_put,
	.story_put_many = sqlite_story_put_many,
	.story_foreach = sqlite_story_foreach,
	.types_foreach = sqlite_types_foreach,
	.search = sqlite_search,
	.withdraw = sqlite_withdraw,
	.meta_get = sqlite_meta_get,
	.meta_put = sqlite_meta_put,
	.counts = sqlite_counts,
	.row_foreach = sqlite_row_foreach,
	.row_put = sqlite_row_put,
	.code_withdrawn = sqlite_code_withdrawn,
	.pack_reserve = sqlite_pack_reserve,
	.pack_publish = sqlite_pack_publish,
	.pack_newest = sqlite_pack_newest,
};

/* Bring a new store or one of an older version to SCHEMA_VERSION; refuse one
 * written by a newer storyhub. */
static int
migrate(struct sqlite_store *s, struct err *e)
{
	sqlite3_stmt *st = NULL;
	long version = 0; /* none yet: a new store */
	char text[32] = "";
	int rc;

	if (prepare(s, "SELECT value FROM meta WHERE key = 'schema'", &st, e) == -1)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(text, sizeof text, "%s", col_text(st, 0));
		version = strtol(text, NULL, 10);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(s, e, "reading the schema version");
	if (version == SCHEMA_VERSION)
		return 0;
	if (version > SCHEMA_VERSION || (rc == SQLITE_ROW && version < 1))
		return err_set(e,
		    "this hub store has schema version \"%s\" and this storyhub "
		    "knows versions up to %d: use the storyhub that wrote it",
		    text, SCHEMA_VERSION);
	/* a new store, or one older than 3: (re)build the index from the
	 * stories; older than 4: the untouched column, older than 5: the scribe
	 * column (a new store's table has them already); older than 6: the
	 * packs table, older than 7: the enrolments table and the quarantine's
	 * index, which the schema above has just made; older than 8:
	 * story_types from the stories held, and the store's random id */
	if (exec(s, "BEGIN IMMEDIATE;", e) == -1 ||
	    (version < 3 &&
	        (exec(s,
	             "DROP TABLE IF EXISTS stories_fts;"
	             " DROP VIEW IF EXISTS stories_text;",
	             e) == -1 ||
	            exec(s, fts_schema, e) == -1)) ||
	    (version >= 1 && version < 4 &&
	        exec(s, "ALTER TABLE stories ADD COLUMN untouched TEXT;", e) == -1) ||
	    (version >= 1 && version < 5 &&
	        exec(s, "ALTER TABLE stories ADD COLUMN scribe TEXT;", e) == -1) ||
	    (version >= 1 &&
	        exec(s,
	            "INSERT OR IGNORE INTO story_types(form, types) SELECT form, types"
	            " FROM stories WHERE types IS NOT NULL ORDER BY n;",
	            e) == -1) ||
	    exec(s,
	        "INSERT OR IGNORE INTO meta VALUES('store_id', lower(hex(randomblob(16))));"
	        " INSERT OR REPLACE INTO meta VALUES('schema', '" STR(SCHEMA_VERSION) "');"
	                                                                              " COMMIT;",
	        e) == -1) {
		sqlite_rollback(&s->base);
		return -1;
	}
	return 0;
}

void
hubstore_sqlite_init(void)
{
	/* SQLite counts every allocation under one process-wide mutex, and
	 * import's threads each read payloads in an in-memory database of their
	 * own: they queued on it for about a tenth of an import. Nothing here
	 * reads the counts. (Refused once SQLite is in use: harmless.) */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Before anything is written to it: the database is a hub store (it has
 * meta and quarantine; a kiosk's database has a meta table too), or an empty
 * one and mode may create the store in it. Anything else, a kiosk's database
 * or a file given to --store by mistake, is left alone. */
static int
check_kind(struct sqlite_store *s, enum hubstore_mode mode, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int objects, hub;

	if (sqlite3_prepare_v2(s->db,
	        "SELECT count(*), coalesce(sum(type = 'table' AND"
	        " name IN ('meta', 'quarantine')), 0) FROM sqlite_master",
	        -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		err_set(e, "not a hub store (%s; check --store)", sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return -1;
	}
	objects = sqlite3_column_int(st, 0);
	hub = sqlite3_column_int(st, 1) == 2;
	sqlite3_finalize(st);
	if (hub || (objects == 0 && mode == HUBSTORE_CREATE))
		return 0;
	if (objects == 0)
		return err_set(e,
		    "not a hub store: the file is empty (check --store; import "
		    "or serve creates one)");
	return err_set(e, "a database but not a hub store (check --store)");
}

int
hubstore_sqlite_open(
    const char *path, enum hubstore_mode mode, struct hubstore **out, struct err *e)
{
	struct sqlite_store *s;
	struct stat sb;
	int fd;

	*out = NULL;
	/* Create it 0600 ourselves (SQLite would honour the umask), and only
	 * when it is not there: closing a descriptor of a database file drops
	 * every POSIX lock this process holds on it, so another connection of
	 * ours (serve opens several) would lose its locks, and another process
	 * could then checkpoint and delete the WAL under it. */
	if (stat(path, &sb) == -1) {
		if (errno != ENOENT)
			return err_set(
			    e, "cannot open the hub store %s: %s", path, strerror(errno));
		if (mode == HUBSTORE_EXISTING)
			return err_set(e,
			    "no store at %s (check --store; import or serve "
			    "creates one)",
			    path);
		fd = open(path, O_RDWR | O_CLOEXEC | O_CREAT | O_EXCL, 0600);
		if (fd == -1 && errno != EEXIST)
			return err_set(
			    e, "cannot open the hub store %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
	} else if (access(path, R_OK | W_OK) == -1)
		return err_set(e, "cannot open the hub store %s: %s", path, strerror(errno));
	s = xcalloc(1, sizeof *s);
	s->base.ops = &sqlite_ops;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) !=
	    SQLITE_OK) {
		err_set(e, "cannot open the hub store: %s", sqlite3_errmsg(s->db));
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 10000);
	if (check_kind(s, mode, e) == -1)
		goto fail;
	if (sqlite3_create_function_v2(s->db, "story_text", 2,
	        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, story_text, NULL, NULL,
	        NULL) != SQLITE_OK) {
		db_err(s, e, "registering story_text");
		goto fail;
	}
	/* A 2 MiB page cache until the first write transaction, 64 MiB from then
	 * on (sqlite_begin): the story and FTS B-trees take random-key inserts,
	 * and a coordinator's machine has the memory, but an export or search
	 * reads each page once and should not grow with the store. 16 KiB pages for a new
	 * store (an existing one keeps its size): a story row is about 2.6 KB, so
	 * 4 KiB pages held one row each and left a third of every page empty.
	 * Checkpoints every 4000 WAL pages rather than 1000: each bundle rewrites
	 * most leaves of the (story_id, content) index, and a page changed by
	 * several bundles between two checkpoints is copied back once. */
	if (exec(s,
	        "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	        " PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;"
	        " PRAGMA cache_size=" CACHE_READ "; PRAGMA wal_autocheckpoint=4000;",
	        e) == -1 ||
	    exec(s, schema, e) == -1 || migrate(s, e) == -1)
		goto fail;
	if (prepare(s, "SELECT content, withdrawn FROM stories WHERE story_id = ?", &s->find, e) ==
	        -1 ||
	    prepare(s,
	        "INSERT INTO stories(story_id, content, kiosk, seq, status, source, code,"
	        " form, form_version, created, saved, imported, lang, consent, prompt, answers,"
	        " types, conflict, untouched, scribe) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	        " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
	        &s->insert, e) == -1 ||
	    prepare(s, "INSERT INTO stories_fts(rowid, text) VALUES(?, ?)", &s->fts, e) == -1 ||
	    prepare(s, "UPDATE stories SET conflict = 1 WHERE story_id = ?", &s->flag, e) == -1 ||
	    prepare(s, "INSERT OR IGNORE INTO story_types(form, types) VALUES(?, ?)", &s->types,
	        e) == -1)
		goto fail;
	*out = &s->base;
	return 0;
fail:
	err_prefix(e, "%s", path);
	sqlite_close(&s->base);
	return -1;
}
