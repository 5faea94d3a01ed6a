/* store: the kiosk's SQLite database. A power cut may happen at any moment,
 * so every change is one transaction with synchronous=FULL in WAL mode, and
 * deleted rows are overwritten (secure_delete). */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "xmalloc.h"

struct store {
	sqlite3 *db;
	char *path;
	int full; /* the last failure was a full disk */
};

/* Each entry takes the schema from version i to i + 1. */
static const char *const migrations[] = {
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE stories("
	"  id BLOB PRIMARY KEY CHECK(length(id) = 16),"
	"  seq INTEGER NOT NULL UNIQUE,"
	"  status INTEGER NOT NULL CHECK(status BETWEEN 0 AND 3),"
	"  source INTEGER NOT NULL CHECK(source BETWEEN 0 AND 1),"
	"  sealed BLOB NOT NULL,"
	"  export_seq INTEGER NOT NULL DEFAULT 0,"
	"  acked INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID;"
	"CREATE INDEX stories_seq ON stories(seq);"
	"INSERT INTO meta VALUES('next_seq', '1'), ('next_bundle_seq', '1');",

	/* 2: the sealed blob moves to its own table, so marking stories exported
	 * or acknowledged rewrites a few bytes instead of every blob. */
	"ALTER TABLE stories RENAME TO stories_v1;"
	"DROP INDEX stories_seq;"
	"CREATE TABLE stories("
	"  seq INTEGER PRIMARY KEY,"
	"  id BLOB NOT NULL UNIQUE CHECK(length(id) = 16),"
	"  status INTEGER NOT NULL CHECK(status BETWEEN 0 AND 3),"
	"  source INTEGER NOT NULL CHECK(source BETWEEN 0 AND 1),"
	"  export_seq INTEGER NOT NULL DEFAULT 0,"
	"  acked INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE payloads("
	"  seq INTEGER PRIMARY KEY REFERENCES stories(seq) ON DELETE CASCADE,"
	"  sealed BLOB NOT NULL);"
	"INSERT INTO stories SELECT seq, id, status, source, export_seq, acked "
	"  FROM stories_v1;"
	"INSERT INTO payloads SELECT seq, sealed FROM stories_v1;"
	"DROP TABLE stories_v1;",

	/* 3: source 2 (scribe). A CHECK cannot be altered, so both tables are
	 * built again: payloads first out, so that dropping the old stories
	 * cascades to nothing (foreign keys stay on), and the renames carry the
	 * new payloads' reference over to the new stories. */
	"CREATE TABLE stories_v3("
	"  seq INTEGER PRIMARY KEY,"
	"  id BLOB NOT NULL UNIQUE CHECK(length(id) = 16),"
	"  status INTEGER NOT NULL CHECK(status BETWEEN 0 AND 3),"
	"  source INTEGER NOT NULL CHECK(source BETWEEN 0 AND 2),"
	"  export_seq INTEGER NOT NULL DEFAULT 0,"
	"  acked INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE payloads_v3("
	"  seq INTEGER PRIMARY KEY REFERENCES stories_v3(seq) ON DELETE CASCADE,"
	"  sealed BLOB NOT NULL);"
	"INSERT INTO stories_v3 SELECT seq, id, status, source, export_seq, acked FROM stories;"
	"INSERT INTO payloads_v3 SELECT seq, sealed FROM payloads;"
	"DROP TABLE payloads;"
	"DROP TABLE stories;"
	"ALTER TABLE stories_v3 RENAME TO stories;"
	"ALTER TABLE payloads_v3 RENAME TO payloads;",
};

static int
db_error(struct store *s, struct err *e, const char *what)
{
	int code = sqlite3_errcode(s->db);

	s->full = code == SQLITE_FULL;
	if (code == SQLITE_FULL)
		return err_set(e,
		    "%s: the disk is full; free some space (export and "
		    "purge acknowledged stories)",
		    what);
	if (code == SQLITE_READONLY)
		return err_set(e, "%s: the database is read-only (%s)", what, s->path);
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return err_set(e,
		    "%s: the database is in use by another storykiosk "
		    "process",
		    what);
	return err_set(e, "%s: %s", what, sqlite3_errmsg(s->db));
}

static int
exec(struct store *s, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		db_error(s, e, "database");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct err *e)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_error(s, e, "database");
	return 0;
}

int
store_pragma(struct store *s, const char *name, char **value, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char *sql = xasprintf("PRAGMA %s", name);
	int rv = -1;

	*value = NULL;
	if (prepare(s, sql, &st, e) == -1)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_error(s, e, name);
		goto out;
	}
	*value = xstrdup(
	    sqlite3_column_text(st, 0) != NULL ? (const char *)sqlite3_column_text(st, 0) : "");
	rv = 0;
out:
	sqlite3_finalize(st);
	free(sql);
	return rv;
}

static int
pragma_is(struct store *s, const char *name, const char *want, struct err *e)
{
	char *v;
	int rv = 0;

	if (store_pragma(s, name, &v, e) == -1)
		return -1;
	if (strcmp(v, want) != 0)
		rv = err_set(e,
		    "%s: PRAGMA %s is %s, not %s; refusing to store stories "
		    "without it (is the directory on a filesystem SQLite supports?)",
		    s->path, name, v, want);
	free(v);
	return rv;
}

int
store_schema_version(struct store *s, int *version, struct err *e)
{
	char *v;

	if (store_pragma(s, "user_version", &v, e) == -1)
		return -1;
	*version = atoi(v);
	free(v);
	return 0;
}

static int
migrate(struct store *s, struct err *e)
{
	int version, target = (int)(sizeof migrations / sizeof migrations[0]);
	char *sql;

	if (store_schema_version(s, &version, e) == -1)
		return -1;
	if (version > target)
		return err_set(e,
		    "%s was written by a newer storykiosk (schema %d, this "
		    "program knows %d); upgrade storykiosk",
		    s->path, version, target);
	while (version < target) {
		if (exec(s, "BEGIN IMMEDIATE", e) == -1)
			return -1;
		sql = xasprintf("%s; PRAGMA user_version = %d;", migrations[version], version + 1);
		if (exec(s, sql, e) == -1) {
			free(sql);
			exec(s, "ROLLBACK", NULL);
			return err_prefix(e, "upgrading the database to schema %d", version + 1);
		}
		free(sql);
		if (exec(s, "COMMIT", e) == -1)
			return -1;
		version++;
	}
	return 0;
}

/* (Re)connect s->db to s->path and set the pragmas in sql, first in
 * exclusive locking mode when exclusive. */
static int
connect(struct store *s, int exclusive, const char *sql, struct err *e)
{
	sqlite3_close(s->db);
	s->db = NULL;
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) !=
	    SQLITE_OK)
		return err_set(e, "cannot open %s: %s", s->path,
		    s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory");
	sqlite3_busy_timeout(s->db, 5000);
	sqlite3_extended_result_codes(s->db, 0);
	if (exclusive && exec(s, "PRAGMA locking_mode=EXCLUSIVE", e) == -1)
		return -1;
	return exec(s, sql, e);
}

/* 1 if connecting failed because the disk holding the database is full. */
static int
disk_full_at_open(struct store *s)
{
	int code = s->db != NULL ? sqlite3_errcode(s->db) : SQLITE_OK;
	char *copy = xstrdup(s->path);
	struct statvfs sv;
	int full;

	full = (code == SQLITE_FULL || code == SQLITE_IOERR) && statvfs(dirname(copy), &sv) == 0 &&
	    (uint64_t)sv.f_bavail * sv.f_frsize < (64u << 10);
	free(copy);
	return full;
}

int
store_open(const char *path, struct store **out, struct err *e)
{
	struct store *s = xcalloc(1, sizeof *s);
	char *sql;
	int fd, rv;

	*out = NULL;
	s->path = xstrdup(path);
	/* Create the file 0600 ourselves: SQLite would use the umask. */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		err_set(e, "cannot open %s: %s", path, strerror(errno));
		goto fail;
	}
	close(fd);
	sql = xasprintf("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
	                "PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON; "
	                "PRAGMA wal_autocheckpoint=%d; PRAGMA journal_size_limit=%llu",
	    STORE_WAL_PAGES, (unsigned long long)STORE_WAL_KEEP_BYTES);
	rv = connect(s, 0, sql, e);
	/* A disk with no room left at all cannot hold SQLite's shared-memory
	 * file (-shm) either. In exclusive locking mode the WAL index lives in
	 * this process's memory instead (no other process may open the
	 * database meanwhile), so the stories can still be read and exported. */
	if (rv == -1 && disk_full_at_open(s))
		rv = connect(s, 1, sql, e);
	free(sql);
	if (rv == -1)
		goto fail;
	if (pragma_is(s, "journal_mode", "wal", e) == -1 ||
	    pragma_is(s, "synchronous", "2", e) == -1 ||
	    pragma_is(s, "secure_delete", "1", e) == -1)
		goto fail;
	if (migrate(s, e) == -1)
		goto fail;
	*out = s;
	return 0;
fail:
	store_close(s);
	return -1;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

/* Read and bump an integer counter in meta, inside the caller's transaction. */
static int
next_counter(struct store *s, const char *key, uint64_t *value, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rv = -1;

	if (prepare(s,
	        "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
	        "WHERE key = ?1 RETURNING CAST(value AS INTEGER) - 1",
	        &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_error(s, e, "taking a sequence number");
		goto out;
	}
	*value = (uint64_t)sqlite3_column_int64(st, 0);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_error(s, e, "taking a sequence number");
		goto out;
	}
	rv = 0;
out:
	sqlite3_finalize(st);
	return rv;
}

int
store_story_create(struct store *s, const unsigned char id[STORE_ID_BYTES],
    enum story_status status, enum story_source source, const unsigned char *sealed, size_t len,
    uint64_t *seq, struct err *e)
{
	sqlite3_stmt *st = NULL;
	uint64_t n;

	if (exec(s, "BEGIN IMMEDIATE", e) == -1)
		return -1;
	if (next_counter(s, "next_seq", &n, e) == -1)
		goto fail;
	if (prepare(s,
	        "INSERT INTO stories(id, seq, status, source) "
	        "VALUES(?1, ?2, ?3, ?4)",
	        &st, e) == -1)
		goto fail;
	sqlite3_bind_blob(st, 1, id, STORE_ID_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)n);
	sqlite3_bind_int(st, 3, (int)status);
	sqlite3_bind_int(st, 4, (int)source);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_error(s, e, "saving the story");
		goto fail;
	}
	sqlite3_finalize(st);
	if (prepare(s, "INSERT INTO payloads(seq, sealed) VALUES(?1, ?2)", &st, e) == -1)
		goto fail;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)n);
	sqlite3_bind_blob(st, 2, sealed, (int)len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_error(s, e, "saving the story");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (exec(s, "COMMIT", e) == -1)
		goto fail;
	*seq = n;
	return 0;
fail:
	sqlite3_finalize(st);
	exec(s, "ROLLBACK", NULL);
	return -1;
}

int
store_story_update(struct store *s, const unsigned char id[STORE_ID_BYTES],
    enum story_status status, const unsigned char *sealed, size_t len, struct err *e)
{
	sqlite3_stmt *st = NULL;

	if (exec(s, "BEGIN IMMEDIATE", e) == -1)
		return -1;
	if (prepare(s, "UPDATE stories SET status = ?2 WHERE id = ?1", &st, e) == -1)
		goto fail;
	sqlite3_bind_blob(st, 1, id, STORE_ID_BYTES, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)status);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_error(s, e, "saving the story");
		goto fail;
	}
	if (sqlite3_changes(s->db) != 1) {
		err_set(e, "saving the story: it is no longer in the database");
		goto fail;
	}
	sqlite3_finalize(st);
	if (prepare(s,
	        "UPDATE payloads SET sealed = ?2 "
	        "WHERE seq = (SELECT seq FROM stories WHERE id = ?1)",
	        &st, e) == -1)
		goto fail;
	sqlite3_bind_blob(st, 1, id, STORE_ID_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, sealed, (int)len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(s->db) != 1) {
		db_error(s, e, "saving the story");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (exec(s, "COMMIT", e) == -1)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(st);
	exec(s, "ROLLBACK", NULL);
	return -1;
}

int
store_story_delete(struct store *s, const unsigned char id[STORE_ID_BYTES], struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rv = -1;

	if (prepare(s, "DELETE FROM stories WHERE id = ?1", &st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, id, STORE_ID_BYTES, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		db_error(s, e, "deleting the story");
	else
		rv = 0;
	sqlite3_finalize(st);
	return rv;
}

int
store_story_status(struct store *s, const unsigned char id[STORE_ID_BYTES],
    enum story_status *status, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rv = -1, r;

	if (prepare(s, "SELECT status FROM stories WHERE id = ?1", &st, e) == -1)
		return -1;
	sqlite3_bind_blob(st, 1, id, STORE_ID_BYTES, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*status = (enum story_status)sqlite3_column_int(st, 0);
		rv = 0;
	} else if (r == SQLITE_DONE)
		err_set(e, "no such story");
	else
		db_error(s, e, "reading the story");
	sqlite3_finalize(st);
	return rv;
}

/* Run one statement that changes rows; *n gets the count. */
static int
change(struct store *s, const char *sql, uint64_t *n, const char *what, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rv = -1;

	if (prepare(s, sql, &st, e) == -1)
		return -1;
	if (sqlite3_step(st) != SQLITE_DONE)
		db_error(s, e, what);
	else {
		if (n != NULL)
			*n = (uint64_t)sqlite3_changes(s->db);
		rv = 0;
	}
	sqlite3_finalize(st);
	return rv;
}

int
store_mark_interrupted(struct store *s, uint64_t *n, struct err *e)
{
	return change(s, "UPDATE stories SET status = 2 WHERE status = 0", n,
	    "marking unfinished drafts interrupted", e);
}

int
store_counts(struct store *s, struct store_counts *c, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rv = -1, r, status;

	memset(c, 0, sizeof *c);
	if (prepare(s,
	        "SELECT status, export_seq > 0, acked, count(*) FROM stories "
	        "GROUP BY 1, 2, 3",
	        &st, e) == -1)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t n = (uint64_t)sqlite3_column_int64(st, 3);

		status = sqlite3_column_int(st, 0);
		if (status < 0 || status >= STATUS__COUNT)
			continue;
		c->by_status[status] += n;
		if (status == STATUS_DRAFT)
			continue;
		c->finished += n;
		if (!sqlite3_column_int(st, 1))
			c->unexported += n;
		if (sqlite3_column_int(st, 2))
			c->acked += n;
		else
			c->unacked += n;
	}
	if (r != SQLITE_DONE)
		db_error(s, e, "counting stories");
	else
		rv = 0;
	sqlite3_finalize(st);
	return rv;
}

int
store_check(struct store *s, char **result, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char *acc = NULL, *tmp;
	int r, rv = -1;

	*result = NULL;
	if (prepare(s, "PRAGMA integrity_check", &st, e) == -1)
		return -1;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);

		tmp = acc == NULL ? xstrdup(line ? line : "") :
		                    xasprintf("%s\n%s", acc, line ? line : "");
		free(acc);
		acc = tmp;
	}
	if (r != SQLITE_DONE) {
		db_error(s, e, "integrity check");
		free(acc);
	} else {
		*result = acc != NULL ? acc : xstrdup("ok");
		rv = 0;
	}
	sqlite3_finalize(st);
	return rv;
}

int
store_meta_get(struct store *s, const char *key, char **value, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int r, rv = -1;

	*value = NULL;
	if (prepare(s, "SELECT value FROM meta WHERE key = ?1", &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*value = xstrdup((const char *)sqlite3_column_text(st, 0));
		rv = 0;
	} else if (r == SQLITE_DONE)
		rv = 0;
	else
		db_error(s, e, "reading a setting");
	sqlite3_finalize(st);
	return rv;
}

int
store_meta_set(struct store *s, const char *key, const char *value, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rv = -1;

	if (prepare(s,
	        "INSERT INTO meta(key, value) VALUES(?1, ?2) "
	        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	        &st, e) == -1)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		db_error(s, e, "saving a setting");
	else
		rv = 0;
	sqlite3_finalize(st);
	return rv;
}

int
store_foreach(struct store *s, enum store_filter filter,
    int (*fn)(const struct store_record *r, void *ctx, struct err *e), void *ctx, struct err *e)
{
	static const char *const where[] = {
		[STORE_UNEXPORTED] = "status <> 0 AND export_seq = 0",
		[STORE_UNACKED] = "status <> 0 AND acked = 0",
		[STORE_HELD] = "status <> 0",
	};
	struct store_record rec;
	sqlite3_stmt *st = NULL;
	char *sql;
	int r, rv = -1;

	if ((unsigned)filter > STORE_HELD)
		return err_set(e, "bad story filter");
	sql = xasprintf("SELECT id, seq, status, source, sealed, export_seq, acked "
	                "FROM stories JOIN payloads USING (seq) WHERE %s ORDER BY seq",
	    where[filter]);
	if (prepare(s, sql, &st, e) == -1)
		goto out;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != STORE_ID_BYTES) {
			err_set(e, "database holds a story with a bad id");
			goto out;
		}
		memcpy(rec.id, sqlite3_column_blob(st, 0), STORE_ID_BYTES);
		rec.seq = (uint64_t)sqlite3_column_int64(st, 1);
		rec.status = (enum story_status)sqlite3_column_int(st, 2);
		rec.source = (enum story_source)sqlite3_column_int(st, 3);
		rec.sealed = sqlite3_column_blob(st, 4);
		rec.sealed_len = (size_t)sqlite3_column_bytes(st, 4);
		rec.export_seq = (uint64_t)sqlite3_column_int64(st, 5);
		rec.acked = sqlite3_column_int(st, 6);
		if (fn(&rec, ctx, e) == -1)
			goto out;
	}
	if (r != SQLITE_DONE) {
		db_error(s, e, "reading stories");
		goto out;
	}
	rv = 0;
out:
	sqlite3_finalize(st);
	free(sql);
	return rv;
}

/* An integer pragma's value. */
static int
pragma_int(struct store *s, const char *name, uint64_t *value, struct err *e)
{
	char *v;

	if (store_pragma(s, name, &v, e) == -1)
		return -1;
	*value = strtoull(v, NULL, 10);
	free(v);
	return 0;
}

int
store_space(struct store *s, uint64_t *reusable, uint64_t *wal_room, struct err *e)
{
	char *wal = xasprintf("%s-wal", s->path);
	uint64_t pages, page, cap;
	struct stat st;

	*reusable = *wal_room = 0;
	if (pragma_int(s, "freelist_count", &pages, e) == -1 ||
	    pragma_int(s, "page_size", &page, e) == -1) {
		free(wal);
		return -1;
	}
	*reusable = pages * page;
	/* its header and frames (a header and a page each) up to the checkpoint,
	 * and a transaction's worth past it */
	cap = 32 + (uint64_t)(STORE_WAL_PAGES + 64) * (24 + page);
	if (stat(wal, &st) == -1)
		st.st_size = 0;
	*wal_room = (uint64_t)st.st_size < cap ? cap - (uint64_t)st.st_size : 0;
	free(wal);
	return 0;
}

int
store_failed_full(const struct store *s)
{
	return s->full;
}

int
store_begin(struct store *s, struct err *e)
{
	return exec(s, "BEGIN IMMEDIATE", e);
}

int
store_bundle_seq_take(struct store *s, uint64_t *seq, struct err *e)
{
	return next_counter(s, "next_bundle_seq", seq, e);
}

int
store_next_bundle_seq(struct store *s, uint64_t *seq, struct err *e)
{
	if (exec(s, "BEGIN IMMEDIATE", e) == -1)
		return -1;
	if (next_counter(s, "next_bundle_seq", seq, e) == -1 || exec(s, "COMMIT", e) == -1) {
		exec(s, "ROLLBACK", NULL);
		return -1;
	}
	return 0;
}

/* Set a column for each id in the caller's transaction; *found counts
 * matched rows. With meta_key, also set that setting in it. On failure the
 * caller rolls back. */
static int
mark_ids_in(struct store *s, const char *sql, const unsigned char (*ids)[STORE_ID_BYTES], size_t n,
    sqlite3_int64 value, size_t *found, const char *meta_key, const char *meta_value,
    const char *what, struct err *e)
{
	sqlite3_stmt *st = NULL;
	size_t i, count = 0;

	if (prepare(s, sql, &st, e) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_bind_blob(st, 1, ids[i], STORE_ID_BYTES, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, value);
		if (sqlite3_step(st) != SQLITE_DONE) {
			db_error(s, e, what);
			goto fail;
		}
		count += (size_t)sqlite3_changes(s->db);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (meta_key != NULL && store_meta_set(s, meta_key, meta_value, e) == -1)
		goto fail;
	if (found != NULL)
		*found = count;
	return 0;
fail:
	sqlite3_finalize(st);
	return -1;
}

/* The same in a transaction of its own, committed. */
static int
mark_ids(struct store *s, const char *sql, const unsigned char (*ids)[STORE_ID_BYTES], size_t n,
    sqlite3_int64 value, size_t *found, const char *meta_key, const char *meta_value,
    const char *what, struct err *e)
{
	if (exec(s, "BEGIN IMMEDIATE", e) == -1)
		return -1;
	if (mark_ids_in(s, sql, ids, n, value, found, meta_key, meta_value, what, e) == -1) {
		exec(s, "ROLLBACK", NULL);
		return -1;
	}
	return store_commit(s, e);
}

int
store_commit(struct store *s, struct err *e)
{
	if (exec(s, "COMMIT", e) == -1) {
		exec(s, "ROLLBACK", NULL);
		return -1;
	}
	return 0;
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK", NULL);
}

#define MARK_EXPORTED "UPDATE stories SET export_seq = ?2 WHERE id = ?1"

int
store_mark_exported(struct store *s, const unsigned char (*ids)[STORE_ID_BYTES], size_t n,
    uint64_t bundle_seq, const char *when, struct err *e)
{
	return mark_ids(s, MARK_EXPORTED, ids, n, (sqlite3_int64)bundle_seq, NULL,
	    when != NULL ? "last_export" : NULL, when, "marking stories exported", e);
}

int
store_mark_exported_in(struct store *s, const unsigned char (*ids)[STORE_ID_BYTES], size_t n,
    uint64_t bundle_seq, const char *when, struct err *e)
{
	return mark_ids_in(s, MARK_EXPORTED, ids, n, (sqlite3_int64)bundle_seq, NULL,
	    when != NULL ? "last_export" : NULL, when, "marking stories exported", e);
}

#define MARK_ACKED "UPDATE stories SET acked = ?2 WHERE id = ?1 AND status <> 0"

int
store_mark_acked(struct store *s, const unsigned char (*ids)[STORE_ID_BYTES], size_t n,
    size_t *marked, struct err *e)
{
	return mark_ids(
	    s, MARK_ACKED, ids, n, 1, marked, NULL, NULL, "marking stories acknowledged", e);
}

int
store_mark_acked_in(struct store *s, const unsigned char (*ids)[STORE_ID_BYTES], size_t n,
    size_t *marked, struct err *e)
{
	return mark_ids_in(
	    s, MARK_ACKED, ids, n, 1, marked, NULL, NULL, "marking stories acknowledged", e);
}

/* The sequence numbers of the next acknowledged stories to purge after
 * sequence after, oldest first, up to STORE_PURGE_BATCH_BYTES of sealed
 * stories (one at least): *first..*last; *n 0 when none is left. */
static int
purge_batch(
    struct store *s, uint64_t after, uint64_t *first, uint64_t *last, uint64_t *n, struct err *e)
{
	sqlite3_stmt *st = NULL;
	uint64_t bytes = 0;
	int r, rv = -1;

	*n = 0;
	/* length() of a blob reads its size, not its pages; seq is the rowid,
	 * so each batch reads its own rows only */
	if (prepare(s,
	        "SELECT seq, length(sealed) FROM stories JOIN payloads USING (seq) "
	        "WHERE seq > ?1 AND acked = 1 AND status <> 0 ORDER BY seq",
	        &st, e) == -1)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)after);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0);
		uint64_t len = (uint64_t)sqlite3_column_int64(st, 1);

		if (*n > 0 && bytes + len > STORE_PURGE_BATCH_BYTES)
			break;
		if (*n == 0)
			*first = seq;
		*last = seq;
		bytes += len;
		(*n)++;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		db_error(s, e, "purging acknowledged stories");
	else
		rv = 0;
	sqlite3_finalize(st);
	return rv;
}

int
store_purge(struct store *s, uint64_t *n, struct err *e)
{
	sqlite3_stmt *st = NULL;
	uint64_t first = 0, last = 0, want, done;
	int rv = -1;

	*n = 0;
	if (prepare(s,
	        "DELETE FROM stories WHERE seq BETWEEN ?1 AND ?2 AND acked = 1 AND "
	        "status <> 0",
	        &st, e) == -1)
		return -1;
	for (;;) {
		if (purge_batch(s, last, &first, &last, &want, e) == -1)
			goto out;
		if (want == 0)
			break;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)first);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)last);
		if (sqlite3_step(st) != SQLITE_DONE) {
			db_error(s, e, "purging acknowledged stories");
			goto out;
		}
		done = (uint64_t)sqlite3_changes(s->db);
		sqlite3_reset(st);
		*n += done;
		/* The zeroed pages move out of the WAL into the main file and
		 * the WAL shrinks to nothing: the next batch needs no more room
		 * than this one did. */
		if (exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", e) == -1)
			goto out;
		if (done == 0)
			break; /* cannot happen: a batch is what the query found */
	}
	rv = exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", e);
out:
	sqlite3_finalize(st);
	return rv;
}
