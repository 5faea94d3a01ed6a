/* Unit tests for store: pragmas in force, schema version, monotonic
 * sequence, status changes, export/ack/purge bookkeeping, no plaintext on disk. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "keys.h"
#include "seal.h"
#include "store.h"
#include "testutil.h"
#include "xmalloc.h"

struct fixture {
	char *dir;
	char *path;
	struct store *s;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct err e;

	f->dir = testutil_tmpdir();
	f->path = fsutil_join(f->dir, "kiosk.db");
	if (store_open(f->path, &f->s, &e) == -1)
		fatal("store_open: %s", e.msg);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s);
	testutil_rmrf(f->dir);
	free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static void
put(struct store *s, enum story_status status, unsigned char id[16], uint64_t *seq)
{
	unsigned char blob[64];
	struct err e;

	randombytes_buf(id, 16);
	randombytes_buf(blob, sizeof blob);
	assert_int_equal(
	    store_story_create(s, id, status, SOURCE_PAPER, blob, sizeof blob, seq, &e), 0);
}

static void
test_pragmas(void **state)
{
	struct fixture *f = *state;
	const char *want[][2] = {
		{ "journal_mode", "wal" },
		{ "synchronous", "2" },
		{ "secure_delete", "1" },
	};
	struct stat st;
	char *v;
	size_t i;
	int version;

	for (i = 0; i < 3; i++) {
		assert_int_equal(store_pragma(f->s, want[i][0], &v, NULL), 0);
		assert_string_equal(v, want[i][1]);
		free(v);
	}
	assert_int_equal(store_schema_version(f->s, &version, NULL), 0);
	assert_int_equal(version, STORE_SCHEMA_VERSION);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
	assert_int_equal(store_check(f->s, &v, NULL), 0);
	assert_string_equal(v, "ok");
	free(v);
}

/* Reopening keeps the schema and data; a database from a newer program is refused. */
static void
test_schema_versions(void **state)
{
	struct fixture *f = *state;
	struct err e;
	sqlite3 *db;
	char *v;

	assert_int_equal(store_meta_set(f->s, "probe", "kept", &e), 0);
	store_close(f->s);
	assert_int_equal(store_open(f->path, &f->s, &e), 0);
	assert_int_equal(store_meta_get(f->s, "probe", &v, &e), 0);
	assert_string_equal(v, "kept");
	free(v);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(f->path, &f->s, &e), -1);
	assert_null(f->s);
	assert_non_null(strstr(e.msg, "newer storykiosk"));
}

static int
first_blob(const struct store_record *r, void *ctx, struct err *e)
{
	(void)e;
	assert_int_equal(r->sealed_len, 6);
	assert_memory_equal(r->sealed, "sealed", 6);
	assert_int_equal(r->seq, 7);
	assert_int_equal(r->export_seq, 3);
	(*(int *)ctx)++;
	return 0;
}

/* A database written by schema 1 (sealed blob inline) is migrated to the
 * current schema with its stories, sequence and export state intact. */
static void
test_migration_from_v1(void **state)
{
	struct fixture *f = *state;
	struct store_counts c;
	struct err e;
	sqlite3 *db;
	int n = 0, version;
	uint64_t seq;
	unsigned char id[16];

	store_close(f->s);
	f->s = NULL;
	unlink(f->path);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db,
	        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	        "CREATE TABLE stories(id BLOB PRIMARY KEY CHECK(length(id) = 16),"
	        " seq INTEGER NOT NULL UNIQUE, status INTEGER NOT NULL, source INTEGER NOT NULL,"
	        " sealed BLOB NOT NULL, export_seq INTEGER NOT NULL DEFAULT 0,"
	        " acked INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	        "CREATE INDEX stories_seq ON stories(seq);"
	        "INSERT INTO meta VALUES('next_seq', '8'), ('next_bundle_seq', '4');"
	        "INSERT INTO stories VALUES(x'00112233445566778899aabbccddeeff', 7, 1, 1,"
	        " CAST('sealed' AS BLOB), 3, 0);"
	        "PRAGMA user_version = 1;",
	        NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(f->path, &f->s, &e), 0);
	assert_int_equal(store_schema_version(f->s, &version, &e), 0);
	assert_int_equal(version, STORE_SCHEMA_VERSION);
	assert_int_equal(store_foreach(f->s, STORE_HELD, first_blob, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_counts(f->s, &c, &e), 0);
	assert_int_equal(c.by_status[STATUS_SUBMITTED], 1);
	assert_int_equal(c.unexported, 0);
	/* The sequence goes on from where schema 1 left it. */
	put(f->s, STATUS_SUBMITTED, id, &seq);
	assert_int_equal(seq, 8);
	/* Schema 3 takes a scribe's story (source 2). */
	{
		unsigned char sid[16], blob[8] = "scribe";

		randombytes_buf(sid, sizeof sid);
		assert_int_equal(store_story_create(f->s, sid, STATUS_SUBMITTED, SOURCE_SCRIBE,
		                     blob, sizeof blob, &seq, &e),
		    0);
		assert_int_equal(seq, 9);
		assert_int_equal(store_story_delete(f->s, sid, &e), 0);
	}
	/* Deleting a story deletes its sealed payload too. */
	assert_int_equal(store_story_delete(f->s, id, &e), 0);
	{
		sqlite3_stmt *st;
		char *v;

		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		assert_int_equal(
		    sqlite3_prepare_v2(db, "SELECT count(*) FROM payloads", -1, &st, NULL),
		    SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 1);
		sqlite3_finalize(st);
		sqlite3_close(db);

		assert_int_equal(store_check(f->s, &v, &e), 0);
		assert_string_equal(v, "ok");
		free(v);
	}
}

static int
scribe_record(const struct store_record *r, void *ctx, struct err *e)
{
	(void)e;
	assert_int_equal(r->source, SOURCE_SCRIBE);
	(*(int *)ctx)++;
	return 0;
}

/* Every source of story.h is stored and read back; one past them is refused. */
static void
test_sources(void **state)
{
	struct fixture *f = *state;
	unsigned char id[16], blob[16] = { 1 };
	uint64_t seq;
	struct err e;
	int n = 0;

	randombytes_buf(id, sizeof id);
	assert_int_equal(store_story_create(f->s, id, STATUS_SUBMITTED, SOURCE_SCRIBE, blob,
	                     sizeof blob, &seq, &e),
	    0);
	assert_int_equal(store_foreach(f->s, STORE_HELD, scribe_record, &n, &e), 0);
	assert_int_equal(n, 1);
	randombytes_buf(id, sizeof id);
	assert_int_equal(store_story_create(f->s, id, STATUS_SUBMITTED, SOURCE__COUNT, blob,
	                     sizeof blob, &seq, &e),
	    -1);
}

static void
test_sequence_monotonic(void **state)
{
	struct fixture *f = *state;
	unsigned char ids[20][16];
	uint64_t seq, last = 0, n;
	struct err e;
	int i;

	for (i = 0; i < 20; i++) {
		put(f->s, STATUS_SUBMITTED, ids[i], &seq);
		assert_true(seq > last);
		last = seq;
	}
	/* Purging never lets a sequence number be reused. */
	assert_int_equal(store_mark_acked(f->s, (const unsigned char(*)[16])ids, 20, NULL, &e), 0);
	assert_int_equal(store_purge(f->s, &n, &e), 0);
	assert_int_equal(n, 20);
	put(f->s, STATUS_SUBMITTED, ids[0], &seq);
	assert_int_equal(seq, last + 1);
}

static int
collect(const struct store_record *r, void *ctx, struct err *e)
{
	uint64_t *seqs = ctx;

	(void)e;
	seqs[++seqs[0]] = r->seq;
	return 0;
}

static void
test_status_and_bookkeeping(void **state)
{
	struct fixture *f = *state;
	unsigned char d[16], s1[16], s2[16], t[16], blob[8] = "sealed!";
	uint64_t seq, n, seqs[16];
	struct store_counts c;
	enum story_status st;
	size_t marked;
	struct err e;

	put(f->s, STATUS_DRAFT, d, &seq);
	put(f->s, STATUS_SUBMITTED, s1, &seq);
	put(f->s, STATUS_SUBMITTED, s2, &seq);
	put(f->s, STATUS_TIMED_OUT, t, &seq);
	assert_int_equal(store_counts(f->s, &c, &e), 0);
	assert_int_equal(c.by_status[STATUS_DRAFT], 1);
	assert_int_equal(c.by_status[STATUS_SUBMITTED], 2);
	assert_int_equal(c.finished, 3);
	assert_int_equal(c.unexported, 3);

	/* A crash leaves the draft: it becomes interrupted, never lost. */
	assert_int_equal(store_mark_interrupted(f->s, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_story_status(f->s, d, &st, &e), 0);
	assert_int_equal(st, STATUS_INTERRUPTED);

	/* Drafts are updated in place. */
	assert_int_equal(store_story_update(f->s, t, STATUS_SUBMITTED, blob, sizeof blob, &e), 0);
	assert_int_equal(store_story_status(f->s, t, &st, &e), 0);
	assert_int_equal(st, STATUS_SUBMITTED);

	/* Export two, then only the rest are unexported; they stay held. */
	{
		unsigned char two[2][16];

		memcpy(two[0], s1, 16);
		memcpy(two[1], s2, 16);
		assert_int_equal(store_mark_exported(f->s, (const unsigned char(*)[16])two, 2, 1,
		                     "2026-11-23T10:00:00Z", &e),
		    0);
		seqs[0] = 0;
		assert_int_equal(store_foreach(f->s, STORE_UNEXPORTED, collect, seqs, &e), 0);
		assert_int_equal(seqs[0], 2);
		assert_true(seqs[1] < seqs[2]);
		seqs[0] = 0;
		assert_int_equal(store_foreach(f->s, STORE_HELD, collect, seqs, &e), 0);
		assert_int_equal(seqs[0], 4);
		/* Ack one, plus an id we never had: only the real one counts. */
		memcpy(two[1], blob, 8);
		memcpy(two[1] + 8, blob, 8);
		assert_int_equal(
		    store_mark_acked(f->s, (const unsigned char(*)[16])two, 2, &marked, &e), 0);
		assert_int_equal(marked, 1);
	}
	assert_int_equal(store_purge(f->s, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_story_status(f->s, s1, &st, &e), -1);
	assert_int_equal(store_story_status(f->s, s2, &st, &e), 0);
	assert_int_equal(store_counts(f->s, &c, &e), 0);
	assert_int_equal(c.finished, 3);
	assert_int_equal(c.acked, 0);

	/* Cancel deletes. */
	assert_int_equal(store_story_delete(f->s, d, &e), 0);
	assert_int_equal(store_story_status(f->s, d, &st, &e), -1);
	/* Updating a deleted story is an error, not a silent no-op. */
	assert_int_equal(store_story_update(f->s, d, STATUS_SUBMITTED, blob, 8, &e), -1);
}

static void
test_meta_and_bundle_seq(void **state)
{
	struct fixture *f = *state;
	uint64_t a, b;
	char *v;

	assert_int_equal(store_meta_get(f->s, "nothing", &v, NULL), 0);
	assert_null(v);
	assert_int_equal(store_meta_set(f->s, "name", "Kisumu stall", NULL), 0);
	assert_int_equal(store_meta_set(f->s, "name", "Kisumu market", NULL), 0);
	assert_int_equal(store_meta_get(f->s, "name", &v, NULL), 0);
	assert_string_equal(v, "Kisumu market");
	free(v);
	assert_int_equal(store_next_bundle_seq(f->s, &a, NULL), 0);
	assert_int_equal(store_next_bundle_seq(f->s, &b, NULL), 0);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
}

/* Sealed stories leave no trace of their text in the database, WAL or journal. */
static void
test_no_plaintext_on_disk(void **state)
{
	struct fixture *f = *state;
	static const char canary[] = "CANARY-7f3a9-story-text";
	struct hub_seckey *hub = keys_hub_generate();
	unsigned char id[16], *sealed;
	size_t slen;
	uint64_t seq;
	struct err e;
	int i;

	for (i = 0; i < 5; i++) {
		randombytes_buf(id, sizeof id);
		assert_int_equal(seal_story(id, (const unsigned char *)canary, sizeof canary,
		                     &hub->pub, 1, &sealed, &slen, &e),
		    0);
		assert_int_equal(store_story_create(f->s, id, STATUS_SUBMITTED, SOURCE_KIOSK,
		                     sealed, slen, &seq, &e),
		    0);
		free(sealed);
	}
	assert_false(testutil_dir_contains(f->dir, canary, strlen(canary)));
	/* The search itself works: a plain file with the canary is found. */
	{
		char *p = fsutil_join(f->dir, "probe.txt");

		assert_int_equal(fsutil_write_atomic(p, canary, sizeof canary, 0600, 0, &e), 0);
		assert_true(testutil_dir_contains(f->dir, canary, strlen(canary)));
		free(p);
	}
	keys_hub_free(hub);
}

/* Purge goes a batch of 256 KiB of stories at a time, checkpointing and
 * truncating the WAL between batches (so a full disk needs room for one
 * batch only): 300 stories of 2 KB, 250 of them acknowledged here and there,
 * are purged in some three batches; the other 50 stay; the WAL ends empty;
 * the free pages are counted for new stories (store_space). */
static void
test_purge_in_batches(void **state)
{
	struct fixture *f = *state;
	unsigned char(*ids)[16] = xcalloc(300, 16), *blob = xmalloc(2048);
	char *wal = xasprintf("%s-wal", f->path);
	uint64_t seq, n, reusable, wal_room;
	struct store_counts c;
	struct stat st;
	size_t marked, nacked = 0;
	struct err e;
	int i;

	(void)state;
	randombytes_buf(blob, 2048);
	for (i = 0; i < 300; i++) {
		randombytes_buf(ids[i], 16);
		assert_int_equal(store_story_create(f->s, ids[i], STATUS_SUBMITTED, SOURCE_KIOSK,
		                     blob, 2048, &seq, &e),
		    0);
	}
	for (i = 0; i < 300; i++)
		if (i % 6 != 5)
			memcpy(ids[nacked++], ids[i], 16);
	assert_int_equal(nacked, 250);
	assert_int_equal(
	    store_mark_acked(f->s, (const unsigned char(*)[16])ids, nacked, &marked, &e), 0);
	assert_int_equal(marked, 250);
	assert_int_equal(store_purge(f->s, &n, &e), 0);
	assert_int_equal(n, 250);
	assert_int_equal(store_counts(f->s, &c, &e), 0);
	assert_int_equal(c.finished, 50);
	assert_int_equal(c.acked, 0);
	assert_int_equal(stat(wal, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(store_space(f->s, &reusable, &wal_room, &e), 0);
	assert_true(reusable >= 250 * 2048);
	assert_true(wal_room > STORE_WAL_PAGES * 4096);
	free(ids);
	free(blob);
	free(wal);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pragmas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_from_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_monotonic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_and_bookkeeping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta_and_bundle_seq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_plaintext_on_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge_in_batches, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
