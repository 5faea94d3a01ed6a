/* hubstore-pg: the hub store in a PostgreSQL database (libpq), for hubs that
 * outgrow one file: several coordinators, receiving servers and analysts on
 * one database. Everything lives in the schema "storyhub", which storyhub
 * creates and moves on (meta 'schema', as in the SQLite store). Search is a
 * tsvector column with a GIN index, built with the text search configuration
 * storyhub.fts: 'simple' with unaccent, since stories come in many languages.
 *
 * Concurrency: every write transaction takes one transaction-level advisory
 * lock first (begin), so writers from any number of processes take turns as
 * they do on SQLite, and readers (export, search) read a snapshot beside
 * them. A serialization failure or a deadlock (with some other session)
 * sets hs->retry: the caller rolls back and runs the transaction again.
 * Connection settings are libpq's (the URI, PG* variables, service file,
 * ~/.pgpass); a password in the URI itself is refused. */
#include "hubstore.h"

#include <dlfcn.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ftsquery.h"
#include "payload.h"
#include "story.h"
#include "utf8.h"
#include "xmalloc.h"

/* 1: the first PostgreSQL schema (the SQLite store's version 5, plus the
 * search columns body and tsv). */
#define PG_SCHEMA_VERSION 1
#define PG_SCHEMA_TEXT "1"
/* pg_advisory_xact_lock keys: "storyhub" and "storyhuc" in ASCII. */
#define LOCK_SCHEMA "8319100472766903650"
#define LOCK_WRITE "8319100472766903651"
#define FETCH_ROWS "500"
/* libpq's soname since PostgreSQL 8 */
#define LIBPQ_SONAME "libpq.so.5"
#define STORY_COLS \
	"story_id, code, kiosk, form, form_version, source, status, created, " \
	"saved, imported, lang, consent, prompt, answers, types, conflict, untouched"
#define STORY_NCOLS 17
/* ts_headline's marks around a match, swapped for [ ] once the snippet is
 * known not to start or end inside the story (see snippet_of). */
#define MARK_START "\x01"
#define MARK_STOP "\x02"

struct pg_store {
	struct hubstore base; /* first: a struct hubstore * points here */
	PGconn *conn;
	char *where;      /* the URI, for messages (it holds no password) */
	int intx;         /* in a transaction begun here */
	unsigned cursors; /* cursor names used */
	char *last_form, *last_types;
};

static const char schema_sql[] =
    "CREATE TABLE storyhub.meta(key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE storyhub.kiosks(id text PRIMARY KEY, pk bytea NOT NULL, name text NOT NULL,"
    " status integer NOT NULL, first_seen bigint NOT NULL, last_seen bigint NOT NULL);"
    "CREATE TABLE storyhub.bundles(n bigint GENERATED ALWAYS AS IDENTITY,"
    " hash bytea PRIMARY KEY, kiosk text NOT NULL, seq bigint NOT NULL,"
    " count bigint NOT NULL, path text, imported bigint NOT NULL);"
    "CREATE TABLE storyhub.quarantine(n bigint GENERATED ALWAYS AS IDENTITY,"
    " hash bytea PRIMARY KEY, kiosk text NOT NULL, seq bigint NOT NULL,"
    " data bytea NOT NULL, path text, received bigint NOT NULL);"
    "CREATE TABLE storyhub.stories(n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " story_id text NOT NULL, content bytea NOT NULL, kiosk text NOT NULL,"
    " seq bigint NOT NULL, status text NOT NULL, source text NOT NULL, code text NOT NULL,"
    " form text NOT NULL, form_version bigint NOT NULL, created text, saved text,"
    " imported text NOT NULL, lang text, consent text, prompt text, answers text,"
    " types text, conflict integer NOT NULL DEFAULT 0,"
    " withdrawn integer NOT NULL DEFAULT 0, untouched text, body text, tsv tsvector,"
    " UNIQUE(story_id, content));"
    "CREATE INDEX stories_code ON storyhub.stories(code);"
    "CREATE INDEX stories_kiosk ON storyhub.stories(kiosk);"
    "CREATE INDEX stories_tsv ON storyhub.stories USING gin(tsv);"
    "CREATE TABLE storyhub.story_types(n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " form text NOT NULL, types text NOT NULL);"
    /* md5: a types object can be longer than a B-tree key may be */
    "CREATE UNIQUE INDEX story_types_key ON storyhub.story_types(form, md5(types));"
    "CREATE TEXT SEARCH CONFIGURATION storyhub.fts (COPY = pg_catalog.simple);";

static const char put_sql[] =
    "WITH prev AS (SELECT coalesce(bool_or(content = $2 OR withdrawn <> 0), false) AS same,"
    "  count(*) AS others FROM stories WHERE story_id = $1),"
    " ins AS (INSERT INTO stories(story_id, content, kiosk, seq, status, source, code, form,"
    "  form_version, created, saved, imported, lang, consent, prompt, answers, types,"
    "  conflict, untouched, body, tsv)"
    "  SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
    "  (others > 0)::integer, $18, $19, to_tsvector('storyhub.fts', coalesce($19, ''))"
    "  FROM prev WHERE NOT same RETURNING n),"
    " flag AS (UPDATE stories SET conflict = 1 FROM prev WHERE story_id = $1"
    "  AND NOT prev.same AND prev.others > 0 AND conflict = 0)"
    " SELECT same, others FROM prev";

/*
 * libpq is opened when a PostgreSQL store is, not linked: with the Kerberos,
 * LDAP and TLS libraries it brings, loading it took two thirds of every
 * storyhub command's start (18 of 27 ms here), SQLite ones included. The
 * functions used, typed from libpq-fe.h.
 */
static struct {
	__typeof__(PQclear) *clear;
	__typeof__(PQcmdStatus) *cmdStatus;
	__typeof__(PQcmdTuples) *cmdTuples;
	__typeof__(PQconnectdbParams) *connectdbParams;
	__typeof__(PQconninfoFree) *conninfoFree;
	__typeof__(PQconninfoParse) *conninfoParse;
	__typeof__(PQenterPipelineMode) *enterPipelineMode;
	__typeof__(PQerrorMessage) *errorMessage;
	__typeof__(PQexec) *exec;
	__typeof__(PQexecParams) *execParams;
	__typeof__(PQexitPipelineMode) *exitPipelineMode;
	__typeof__(PQfinish) *finish;
	__typeof__(PQfreemem) *freemem;
	__typeof__(PQgetResult) *getResult;
	__typeof__(PQgetisnull) *getisnull;
	__typeof__(PQgetlength) *getlength;
	__typeof__(PQgetvalue) *getvalue;
	__typeof__(PQntuples) *ntuples;
	__typeof__(PQparameterStatus) *parameterStatus;
	__typeof__(PQpipelineSync) *pipelineSync;
	__typeof__(PQprepare) *prepare;
	__typeof__(PQresultErrorField) *resultErrorField;
	__typeof__(PQresultStatus) *resultStatus;
	__typeof__(PQsendQueryPrepared) *sendQueryPrepared;
	__typeof__(PQsetClientEncoding) *setClientEncoding;
	__typeof__(PQsetNoticeProcessor) *setNoticeProcessor;
	__typeof__(PQstatus) *status;
	__typeof__(PQtransactionStatus) *transactionStatus;
	__typeof__(PQuser) *user;
} pq;

static int
load(void *h, const char *name, void **fn, struct err *e)
{
	if ((*fn = dlsym(h, name)) == NULL)
		return err_set(
		    e, "this libpq has no %s (PostgreSQL 14 or newer's is needed)", name);
	return 0;
}

/* Open libpq once; -1 with e set when it is not installed. */
static int
pq_load(struct err *e)
{
	static void *lib;
	void *h;

	if (lib != NULL)
		return 0;
	if ((h = dlopen(LIBPQ_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return err_set(e,
		    "PostgreSQL stores need libpq (Debian: libpq5), which cannot be loaded: %s",
		    dlerror());
	if (load(h, "PQclear", (void **)&pq.clear, e) == -1 ||
	    load(h, "PQcmdStatus", (void **)&pq.cmdStatus, e) == -1 ||
	    load(h, "PQcmdTuples", (void **)&pq.cmdTuples, e) == -1 ||
	    load(h, "PQconnectdbParams", (void **)&pq.connectdbParams, e) == -1 ||
	    load(h, "PQconninfoFree", (void **)&pq.conninfoFree, e) == -1 ||
	    load(h, "PQconninfoParse", (void **)&pq.conninfoParse, e) == -1 ||
	    load(h, "PQenterPipelineMode", (void **)&pq.enterPipelineMode, e) == -1 ||
	    load(h, "PQerrorMessage", (void **)&pq.errorMessage, e) == -1 ||
	    load(h, "PQexec", (void **)&pq.exec, e) == -1 ||
	    load(h, "PQexecParams", (void **)&pq.execParams, e) == -1 ||
	    load(h, "PQexitPipelineMode", (void **)&pq.exitPipelineMode, e) == -1 ||
	    load(h, "PQfinish", (void **)&pq.finish, e) == -1 ||
	    load(h, "PQfreemem", (void **)&pq.freemem, e) == -1 ||
	    load(h, "PQgetResult", (void **)&pq.getResult, e) == -1 ||
	    load(h, "PQgetisnull", (void **)&pq.getisnull, e) == -1 ||
	    load(h, "PQgetlength", (void **)&pq.getlength, e) == -1 ||
	    load(h, "PQgetvalue", (void **)&pq.getvalue, e) == -1 ||
	    load(h, "PQntuples", (void **)&pq.ntuples, e) == -1 ||
	    load(h, "PQparameterStatus", (void **)&pq.parameterStatus, e) == -1 ||
	    load(h, "PQpipelineSync", (void **)&pq.pipelineSync, e) == -1 ||
	    load(h, "PQprepare", (void **)&pq.prepare, e) == -1 ||
	    load(h, "PQresultErrorField", (void **)&pq.resultErrorField, e) == -1 ||
	    load(h, "PQresultStatus", (void **)&pq.resultStatus, e) == -1 ||
	    load(h, "PQsendQueryPrepared", (void **)&pq.sendQueryPrepared, e) == -1 ||
	    load(h, "PQsetClientEncoding", (void **)&pq.setClientEncoding, e) == -1 ||
	    load(h, "PQsetNoticeProcessor", (void **)&pq.setNoticeProcessor, e) == -1 ||
	    load(h, "PQstatus", (void **)&pq.status, e) == -1 ||
	    load(h, "PQtransactionStatus", (void **)&pq.transactionStatus, e) == -1 ||
	    load(h, "PQuser", (void **)&pq.user, e) == -1) {
		dlclose(h);
		return -1;
	}
	lib = h;
	return 0;
}

static struct pg_store *
P(struct hubstore *hs)
{
	return (struct pg_store *)hs;
}

static void
no_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* "relation already exists, skipping" and the like */
}

/* libpq's messages end in a newline and may continue on an indented line:
 * one line, so that storyhub reports one. */
static void
one_line(const char *msg, char *out, size_t cap)
{
	size_t n = 0;
	int space = 0;

	for (; *msg != '\0' && n + 1 < cap; msg++) {
		if (*msg == '\n' || *msg == '\t' || *msg == '\r') {
			space = 1;
			continue;
		}
		if (space && n > 0 && n + 2 < cap)
			out[n++] = ' ';
		space = 0;
		out[n++] = *msg;
	}
	out[n] = '\0';
}

static int
conn_err(struct pg_store *s, struct err *e, const char *what)
{
	char msg[ERR_MAX];

	one_line(pq.errorMessage(s->conn), msg, sizeof msg);
	return err_set(e, "hub store: %s: %s", what, msg);
}

/* The error of a failed result, marking what may be retried. */
static int
res_err(struct pg_store *s, PGresult *res, struct err *e, const char *what)
{
	const char *state = res ? pq.resultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? pq.resultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char msg[ERR_MAX];

	if (state != NULL && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
		s->base.retry = 1;
	if (pq.status(s->conn) == CONNECTION_BAD)
		return conn_err(s, e, what);
	one_line(primary ? primary : pq.errorMessage(s->conn), msg, sizeof msg);
	return err_set(e, "hub store: %s: %s", what, msg);
}

/* Run sql with text parameters (NULL: SQL NULL); binary results when
 * binary. Returns the result (caller clears) or NULL with e set. */
static PGresult *
run(struct pg_store *s, const char *sql, int n, const char *const *values, int binary,
    struct err *e, const char *what)
{
	PGresult *res = pq.execParams(s->conn, sql, n, NULL, values, NULL, NULL, binary);
	ExecStatusType st = pq.resultStatus(res);

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	res_err(s, res, e, what);
	pq.clear(res);
	return NULL;
}

/* The same with some parameters binary (bytea): lengths[i] > 0 marks one. */
static PGresult *
run_bin(struct pg_store *s, const char *sql, int n, const char *const *values, const int *lengths,
    struct err *e, const char *what)
{
	int formats[24];
	PGresult *res;
	ExecStatusType st;

	for (int i = 0; i < n && i < 24; i++)
		formats[i] = lengths[i] > 0;
	res = pq.execParams(s->conn, sql, n, NULL, values, lengths, formats, 0);
	st = pq.resultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	res_err(s, res, e, what);
	pq.clear(res);
	return NULL;
}

static int
run_done(struct pg_store *s, const char *sql, int n, const char *const *values, struct err *e,
    const char *what)
{
	PGresult *res = run(s, sql, n, values, 0, e, what);

	if (res == NULL)
		return -1;
	pq.clear(res);
	return 0;
}

/* Several statements without parameters (simple query protocol). */
static int
run_script(struct pg_store *s, const char *sql, struct err *e, const char *what)
{
	PGresult *res = pq.exec(s->conn, sql);
	int rv = 0;

	if (pq.resultStatus(res) != PGRES_COMMAND_OK && pq.resultStatus(res) != PGRES_TUPLES_OK)
		rv = res_err(s, res, e, what);
	pq.clear(res);
	return rv;
}

static const char *
val(const PGresult *res, int row, int col)
{
	return pq.getisnull(res, row, col) ? NULL : pq.getvalue(res, row, col);
}

static const char *
text_or_empty(const PGresult *res, int row, int col)
{
	return pq.getvalue(res, row, col); /* "" for NULL */
}

static long long
num(const PGresult *res, int row, int col)
{
	return strtoll(pq.getvalue(res, row, col), NULL, 10);
}

/* A bytea column in text form ("\x" and hex) into out[0..n); zeros when it
 * is not n bytes. */
static void
hex_col(const PGresult *res, int row, int col, unsigned char *out, size_t n)
{
	const char *v = pq.getvalue(res, row, col);

	memset(out, 0, n);
	if (strncmp(v, "\\x", 2) != 0 || strlen(v) != 2 + 2 * n ||
	    sodium_hex2bin(out, n, v + 2, 2 * n, NULL, NULL, NULL) != 0)
		memset(out, 0, n);
}

static void
hex_id(const unsigned char *id, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, id, n);
}

/* A path as PostgreSQL's text can hold it: valid UTF-8 (a file name may not
 * be). Caller frees. */
static char *
path_text(const char *path)
{
	if (path == NULL)
		return NULL;
	if (utf8_valid(path, strlen(path)))
		return xstrdup(path);
	return utf8_neutralise(path, strlen(path), 1);
}

static void
forget_types(struct pg_store *s)
{
	free(s->last_form);
	free(s->last_types);
	s->last_form = s->last_types = NULL;
}

static void
pg_close(struct hubstore *hs)
{
	struct pg_store *s = P(hs);

	pq.finish(s->conn);
	forget_types(s);
	free(s->where);
	free(s);
}

static int
pg_begin(struct hubstore *hs, struct err *e)
{
	struct pg_store *s = P(hs);

	hs->retry = 0;
	/* READ COMMITTED whatever the database's default: each statement sees
	 * what the writer before committed (the lock below orders them) */
	if (run_done(s, "BEGIN ISOLATION LEVEL READ COMMITTED", 0, NULL, e,
	        "beginning a transaction") == -1)
		return -1;
	s->intx = 1;
	/* writers take turns: one lock, always first, so no deadlock */
	return run_done(s, "SELECT pg_advisory_xact_lock(" LOCK_WRITE ")", 0, NULL, e,
	    "waiting for other writers");
}

static int
pg_commit(struct hubstore *hs, struct err *e)
{
	struct pg_store *s = P(hs);
	PGresult *res = run(s, "COMMIT", 0, NULL, 0, e, "committing");
	int ok;

	s->intx = 0;
	if (res == NULL) {
		forget_types(s);
		return -1;
	}
	/* a transaction that failed before answers COMMIT with ROLLBACK */
	ok = strcmp(pq.cmdStatus(res), "COMMIT") == 0;
	pq.clear(res);
	if (!ok) {
		forget_types(s);
		return err_set(e, "hub store: the transaction was rolled back");
	}
	return 0;
}

static void
pg_rollback(struct hubstore *hs)
{
	struct pg_store *s = P(hs);
	PGresult *res;

	if (pq.transactionStatus(s->conn) != PQTRANS_IDLE) {
		res = pq.exec(s->conn, "ROLLBACK");
		pq.clear(res);
	}
	s->intx = 0;
	forget_types(s);
}

/*
 * Reading many rows: a cursor in a transaction (REPEATABLE READ, READ ONLY:
 * one snapshot, beside any writer), fetched FETCH_ROWS at a time, so memory
 * does not grow with the store and fn may use the store between fetches.
 * Inside a transaction begun by the caller, the cursor lives in it.
 */
struct cursor {
	struct pg_store *s;
	char name[32];
	int own_tx, open;
};

static int
cursor_open(struct pg_store *s, struct cursor *c, const char *sql, int n, const char *const *values,
    int binary, struct err *e)
{
	char *decl;
	int rv;

	memset(c, 0, sizeof *c);
	c->s = s;
	snprintf(c->name, sizeof c->name, "storyhub_c%u", ++s->cursors);
	if (pq.transactionStatus(s->conn) == PQTRANS_IDLE) {
		if (run_done(s, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", 0, NULL, e,
		        "reading") == -1)
			return -1;
		c->own_tx = 1;
	}
	decl = xasprintf("DECLARE %s %sCURSOR FOR %s", c->name, binary ? "BINARY " : "", sql);
	rv = run_done(s, decl, n, values, e, "reading");
	free(decl);
	if (rv == -1) {
		if (c->own_tx)
			pg_rollback(&s->base);
		return -1;
	}
	c->open = 1;
	return 0;
}

/* The next rows (none at the end); NULL with e set on failure. */
static PGresult *
cursor_fetch(struct cursor *c, int binary, struct err *e)
{
	char sql[64];

	snprintf(sql, sizeof sql, "FETCH FORWARD " FETCH_ROWS " FROM %s", c->name);
	return run(c->s, sql, 0, NULL, binary, e, "reading");
}

static void
cursor_close(struct cursor *c)
{
	char sql[64];
	PGresult *res;

	if (!c->open)
		return;
	if (c->own_tx) { /* read only: nothing to keep */
		res = pq.exec(c->s->conn, "ROLLBACK");
		pq.clear(res);
	} else if (pq.transactionStatus(c->s->conn) == PQTRANS_INTRANS) {
		snprintf(sql, sizeof sql, "CLOSE %s", c->name);
		res = pq.exec(c->s->conn, sql);
		pq.clear(res);
	}
	c->open = 0;
}

static void
read_kiosk(const PGresult *res, int row, struct hub_kiosk *k)
{
	memset(k, 0, sizeof *k);
	sodium_hex2bin(
	    k->id, KEY_ID_BYTES, text_or_empty(res, row, 0), 2 * KEY_ID_BYTES, NULL, NULL, NULL);
	hex_col(res, row, 1, k->pk, sizeof k->pk);
	snprintf(k->name, sizeof k->name, "%s", text_or_empty(res, row, 2));
	k->status = (enum hub_kiosk_status)num(res, row, 3);
	k->first_seen = num(res, row, 4);
	k->last_seen = num(res, row, 5);
	k->stories = (uint64_t)num(res, row, 6);
	k->quarantined = (uint64_t)num(res, row, 7);
}

static int
pg_kiosk_get(struct hubstore *hs, const unsigned char id[KEY_ID_BYTES], struct hub_kiosk *k,
    int *found, struct err *e)
{
	struct pg_store *s = P(hs);
	char hex[KEY_ID_HEX];
	const char *v[1] = { hex };
	PGresult *res;

	*found = 0;
	hex_id(id, KEY_ID_BYTES, hex);
	res = run(s,
	    "SELECT id, pk, name, status, first_seen, last_seen, 0, 0 FROM kiosks WHERE id = $1", 1,
	    v, 0, e, "reading kiosks");
	if (res == NULL)
		return -1;
	if (pq.ntuples(res) == 1) {
		read_kiosk(res, 0, k);
		*found = 1;
	}
	pq.clear(res);
	return 0;
}

static int
pg_kiosk_put(struct hubstore *hs, const struct hub_kiosk *k, struct err *e)
{
	struct pg_store *s = P(hs);
	char hex[KEY_ID_HEX], status[16], seen[32];
	const char *v[5] = { hex, (const char *)k->pk, k->name, status, seen };
	int len[5] = { 0, crypto_sign_PUBLICKEYBYTES, 0, 0, 0 };
	PGresult *res;

	hex_id(k->id, KEY_ID_BYTES, hex);
	snprintf(status, sizeof status, "%d", (int)k->status);
	snprintf(seen, sizeof seen, "%lld",
	    (long long)(k->last_seen ? k->last_seen : (int64_t)time(NULL)));
	res = run_bin(s,
	    "INSERT INTO kiosks VALUES($1, $2, $3, $4, $5, $5) ON CONFLICT(id) DO UPDATE"
	    " SET name = $3, status = $4, last_seen = greatest(kiosks.last_seen, $5)",
	    5, v, len, e, "saving a kiosk");
	if (res == NULL)
		return -1;
	pq.clear(res);
	return 0;
}

static int
pg_kiosk_foreach(struct hubstore *hs,
    int (*fn)(const struct hub_kiosk *k, void *ctx, struct err *e), void *ctx, struct err *e)
{
	struct pg_store *s = P(hs);
	struct hub_kiosk k;
	PGresult *res;
	int rv = 0;

	res = run(s,
	    "SELECT id, pk, name, status, first_seen, last_seen,"
	    " (SELECT count(DISTINCT story_id) FROM stories WHERE kiosk = kiosks.id),"
	    " (SELECT count(*) FROM quarantine WHERE kiosk = kiosks.id) FROM kiosks"
	    " ORDER BY first_seen, id",
	    0, NULL, 0, e, "listing kiosks");
	if (res == NULL)
		return -1;
	for (int i = 0; i < pq.ntuples(res) && rv == 0; i++) {
		read_kiosk(res, i, &k);
		rv = fn(&k, ctx, e);
	}
	pq.clear(res);
	return rv;
}

static int
pg_bundle_seen(
    struct hubstore *hs, const unsigned char hash[BUNDLE_HASH_BYTES], int *seen, struct err *e)
{
	struct pg_store *s = P(hs);
	const char *v[1] = { (const char *)hash };
	int len[1] = { BUNDLE_HASH_BYTES };
	PGresult *res =
	    run_bin(s, "SELECT 1 FROM bundles WHERE hash = $1", 1, v, len, e, "reading bundles");

	if (res == NULL)
		return -1;
	*seen = pq.ntuples(res) > 0;
	pq.clear(res);
	return 0;
}

static int
put_bundle(struct pg_store *s, enum hub_row_kind kind, const unsigned char *hash, const char *kiosk,
    long long seq, long long count, const unsigned char *data, size_t dlen, const char *path,
    long long when, struct err *e)
{
	char sq[32], cnt[32], wh[32], *p = path_text(path);
	const char *v[6] = { (const char *)hash, kiosk, sq, cnt, p, wh };
	int len[6] = { BUNDLE_HASH_BYTES, 0, 0, 0, 0, 0 };
	PGresult *res;

	snprintf(sq, sizeof sq, "%lld", seq);
	snprintf(cnt, sizeof cnt, "%lld", count);
	snprintf(wh, sizeof wh, "%lld", when);
	if (kind == HUB_ROW_QUARANTINE) {
		if (dlen > (size_t)0x3fffffff) {
			free(p);
			return err_set(
			    e, "hub store: a bundle of %zu bytes is too big to keep", dlen);
		}
		/* binary; an empty one as the text '' */
		v[3] = dlen > 0 ? (const char *)data : "";
		len[3] = (int)dlen;
	}
	res = run_bin(s,
	    kind == HUB_ROW_BUNDLE ?
	        "INSERT INTO bundles(hash, kiosk, seq, count, path, imported)"
	        " VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING" :
	        "INSERT INTO quarantine(hash, kiosk, seq, data, path, received)"
	        " VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
	    6, v, len, e, kind == HUB_ROW_BUNDLE ? "recording a bundle" : "quarantining a bundle");
	free(p);
	if (res == NULL)
		return -1;
	pq.clear(res);
	return 0;
}

static int
pg_bundle_add(struct hubstore *hs, const unsigned char hash[BUNDLE_HASH_BYTES],
    const struct bundle_header *h, const char *path, struct err *e)
{
	char hex[KEY_ID_HEX];

	hex_id(h->kiosk_id, KEY_ID_BYTES, hex);
	return put_bundle(P(hs), HUB_ROW_BUNDLE, hash, hex, (long long)h->seq, h->count, NULL, 0,
	    path, (long long)time(NULL), e);
}

static int
pg_quarantine_add(struct hubstore *hs, const unsigned char hash[BUNDLE_HASH_BYTES],
    const struct bundle_header *h, const unsigned char *data, size_t len, const char *path,
    struct err *e)
{
	char hex[KEY_ID_HEX];

	hex_id(h->kiosk_id, KEY_ID_BYTES, hex);
	return put_bundle(P(hs), HUB_ROW_QUARANTINE, hash, hex, (long long)h->seq, 0, data, len,
	    path, (long long)time(NULL), e);
}

/* Binary rows of quarantine: hash, data, path, kiosk, seq::text,
 * received::text (text's binary form is its bytes, NUL-terminated). */
#define QUARANTINE_COLS "hash, data, path, kiosk, seq::text, received::text"

static void
read_quarantined(const PGresult *res, int row, struct hub_row *r)
{
	memset(r, 0, sizeof *r);
	r->kind = HUB_ROW_QUARANTINE;
	if (pq.getlength(res, row, 0) == BUNDLE_HASH_BYTES)
		memcpy(r->hash, pq.getvalue(res, row, 0), BUNDLE_HASH_BYTES);
	r->data = (const unsigned char *)pq.getvalue(res, row, 1);
	r->len = (size_t)pq.getlength(res, row, 1);
	r->path = val(res, row, 2);
	r->kiosk_id = pq.getvalue(res, row, 3);
	r->seq = num(res, row, 4);
	r->when = num(res, row, 5);
}

static int
pg_quarantine_foreach(struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES],
    int (*fn)(const struct quarantined *q, void *ctx, struct err *e), void *ctx, struct err *e)
{
	struct pg_store *s = P(hs);
	char hex[KEY_ID_HEX];
	const char *v[1] = { hex };
	struct cursor c;
	struct quarantined q;
	struct hub_row r;
	PGresult *res;
	int rv = 0, n;

	hex_id(kiosk, KEY_ID_BYTES, hex);
	if (cursor_open(s, &c,
	        "SELECT " QUARANTINE_COLS " FROM quarantine WHERE kiosk = $1 ORDER BY seq, n", 1, v,
	        1, e) == -1)
		return -1;
	do {
		if ((res = cursor_fetch(&c, 1, e)) == NULL) {
			rv = -1;
			break;
		}
		n = pq.ntuples(res);
		for (int i = 0; i < n && rv == 0; i++) {
			read_quarantined(res, i, &r);
			memset(&q, 0, sizeof q);
			memcpy(q.hash, r.hash, sizeof q.hash);
			q.data = r.data;
			q.len = r.len;
			q.path = r.path;
			rv = fn(&q, ctx, e);
		}
		pq.clear(res);
	} while (n > 0 && rv == 0);
	cursor_close(&c);
	return rv;
}

static int
pg_quarantine_delete(
    struct hubstore *hs, const unsigned char hash[BUNDLE_HASH_BYTES], struct err *e)
{
	struct pg_store *s = P(hs);
	const char *v[1] = { (const char *)hash };
	int len[1] = { BUNDLE_HASH_BYTES };
	PGresult *res = run_bin(
	    s, "DELETE FROM quarantine WHERE hash = $1", 1, v, len, e, "clearing the quarantine");

	if (res == NULL)
		return -1;
	pq.clear(res);
	return 0;
}

/* Keep (form, types) in story_types (see hubstore-sqlite.c's note_types). */
static int
note_types(struct pg_store *s, const char *form, const char *types, struct err *e)
{
	const char *v[2] = { form, types };

	if (form == NULL || types == NULL)
		return 0;
	if (s->last_form != NULL && strcmp(s->last_form, form) == 0 &&
	    strcmp(s->last_types, types) == 0)
		return 0;
	if (run_done(s,
	        "INSERT INTO story_types(form, types) VALUES($1, $2)"
	        " ON CONFLICT (form, md5(types)) DO NOTHING",
	        2, v, e, "noting question types") == -1)
		return -1;
	forget_types(s);
	s->last_form = xstrdup(form);
	s->last_types = xstrdup(types);
	return 0;
}

/* The put statement's parameters for one story (strings in buf). */
struct put_params {
	char sid[2 * BUNDLE_ID_BYTES + 1], kid[KEY_ID_HEX], seq[32], ver[32];
	const char *v[19];
	int len[19], fmt[19];
};

static void
put_params(const struct hub_story_in *in, const char *now, struct put_params *pp)
{
	const struct payload *p = in->p;

	hex_id(in->id, BUNDLE_ID_BYTES, pp->sid);
	hex_id(in->kiosk_id, KEY_ID_BYTES, pp->kid);
	snprintf(pp->seq, sizeof pp->seq, "%llu", (unsigned long long)in->seq);
	snprintf(pp->ver, sizeof pp->ver, "%lld", p->form_version);
	memset(pp->len, 0, sizeof pp->len);
	memset(pp->fmt, 0, sizeof pp->fmt);
	pp->v[0] = pp->sid;
	pp->v[1] = (const char *)in->content_hash;
	pp->len[1] = 32;
	pp->fmt[1] = 1;
	pp->v[2] = pp->kid;
	pp->v[3] = pp->seq;
	pp->v[4] = story_status_name(in->status);
	pp->v[5] = story_source_name(in->source);
	pp->v[6] = p->code;
	pp->v[7] = p->form;
	pp->v[8] = pp->ver;
	pp->v[9] = p->created;
	pp->v[10] = p->saved;
	pp->v[11] = now;
	pp->v[12] = p->lang;
	pp->v[13] = p->consent;
	pp->v[14] = p->prompt;
	pp->v[15] = p->answers;
	pp->v[16] = p->types;
	pp->v[17] = p->untouched;
	pp->v[18] = in->text;
}

/* The outcome of one put from its row (same, others). */
static enum hub_put
put_result(const PGresult *res)
{
	if (strcmp(pq.getvalue(res, 0, 0), "t") == 0)
		return HUB_PUT_DUPLICATE;
	return atoi(pq.getvalue(res, 0, 1)) > 0 ? HUB_PUT_CONFLICT : HUB_PUT_NEW;
}

/*
 * The stories in pipeline mode: every statement sent, then one sync, then
 * the results read in order; one round trip for the lot instead of one a
 * story. The results are small, so the server never waits for us to read
 * while we send (the batches are short: import sends 64).
 */
static int
pg_story_put_many(struct hubstore *hs, const struct hub_story_in *in, size_t n,
    enum hub_put *result, struct err *e)
{
	struct pg_store *s = P(hs);
	struct put_params pp;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	PGresult *res;
	size_t i, sent = 0;
	int rv = 0;

	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (pq.enterPipelineMode(s->conn) != 1)
		return conn_err(s, e, "storing stories");
	for (i = 0; i < n; i++) {
		put_params(&in[i], now, &pp);
		if (pq.sendQueryPrepared(s->conn, "put", 19, pp.v, pp.len, pp.fmt, 0) != 1) {
			rv = conn_err(s, e, "storing a story");
			break;
		}
		sent++;
	}
	if (pq.pipelineSync(s->conn) != 1 && rv == 0)
		rv = conn_err(s, e, "storing stories");
	/* every result, then the sync's, even after a failure */
	for (i = 0; i < sent; i++) {
		if ((res = pq.getResult(s->conn)) == NULL) {
			if (rv == 0)
				rv = conn_err(s, e, "storing stories");
			break;
		}
		if (pq.resultStatus(res) == PGRES_TUPLES_OK && pq.ntuples(res) == 1)
			result[i] = put_result(res);
		else if (rv == 0)
			rv = res_err(s, res, e, "storing a story");
		pq.clear(res);
		while ((res = pq.getResult(s->conn)) != NULL) /* the end of this query */
			pq.clear(res);
	}
	while ((res = pq.getResult(s->conn)) != NULL) {
		ExecStatusType st = pq.resultStatus(res);

		pq.clear(res);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	if (pq.exitPipelineMode(s->conn) != 1 && rv == 0)
		rv = conn_err(s, e, "storing stories");
	for (i = 0; i < n && rv == 0; i++)
		if (result[i] != HUB_PUT_DUPLICATE &&
		    note_types(s, in[i].p->form, in[i].p->types, e) == -1)
			rv = -1;
	return rv;
}

static int
pg_story_put(
    struct hubstore *hs, const struct hub_story_in *in, enum hub_put *result, struct err *e)
{
	return pg_story_put_many(hs, in, 1, result, e);
}

static void
read_story(const PGresult *res, int row, struct hub_story *h)
{
	memset(h, 0, sizeof *h);
	h->story_id = text_or_empty(res, row, 0);
	h->code = text_or_empty(res, row, 1);
	h->kiosk_id = text_or_empty(res, row, 2);
	h->form = text_or_empty(res, row, 3);
	h->form_version = num(res, row, 4);
	h->source = text_or_empty(res, row, 5);
	h->status = text_or_empty(res, row, 6);
	h->created = text_or_empty(res, row, 7);
	h->saved = text_or_empty(res, row, 8);
	h->imported = text_or_empty(res, row, 9);
	h->lang = text_or_empty(res, row, 10);
	h->consent = text_or_empty(res, row, 11);
	h->prompt = val(res, row, 12);
	h->answers = text_or_empty(res, row, 13);
	h->types = text_or_empty(res, row, 14);
	h->conflict = (int)num(res, row, 15);
	h->untouched = val(res, row, 16);
}

static int
pg_story_foreach(struct hubstore *hs,
    int (*fn)(const struct hub_story *h, void *ctx, struct err *e), void *ctx, struct err *e)
{
	struct pg_store *s = P(hs);
	struct hub_story h;
	struct cursor c;
	PGresult *res;
	int rv = 0, n;

	if (cursor_open(s, &c, "SELECT " STORY_COLS " FROM stories WHERE withdrawn = 0 ORDER BY n",
	        0, NULL, 0, e) == -1)
		return -1;
	do {
		if ((res = cursor_fetch(&c, 0, e)) == NULL) {
			rv = -1;
			break;
		}
		n = pq.ntuples(res);
		for (int i = 0; i < n && rv == 0; i++) {
			read_story(res, i, &h);
			rv = fn(&h, ctx, e);
		}
		pq.clear(res);
	} while (n > 0 && rv == 0);
	cursor_close(&c);
	return rv;
}

static int
pg_types_foreach(struct hubstore *hs,
    int (*fn)(const char *form, const char *types, void *ctx, struct err *e), void *ctx,
    struct err *e)
{
	struct pg_store *s = P(hs);
	PGresult *res = run(s, "SELECT form, types FROM story_types ORDER BY n", 0, NULL, 0, e,
	    "reading question types");
	int rv = 0;

	if (res == NULL)
		return -1;
	for (int i = 0; i < pq.ntuples(res) && rv == 0; i++)
		rv = fn(pq.getvalue(res, i, 0), pq.getvalue(res, i, 1), ctx, e);
	pq.clear(res);
	return rv;
}

/* FTS5's snippet(): the fragment with its matches in [brackets] and "..."
 * where it leaves off inside the text. ts_headline marks matches with
 * MARK_START and MARK_STOP; without them the fragment is a piece of body. */
static char *
snippet_of(const char *headline, const char *body)
{
	size_t n = strlen(headline), plain_len = 0, i;
	char *plain = xmalloc(n + 1), *out;
	const char *at;
	int cut_start, cut_end;

	for (i = 0; i < n; i++)
		if (headline[i] != MARK_START[0] && headline[i] != MARK_STOP[0])
			plain[plain_len++] = headline[i];
	plain[plain_len] = '\0';
	at = body ? strstr(body, plain) : NULL;
	cut_start = at == NULL || at != body;
	cut_end = at == NULL || strlen(at) != plain_len;
	out = xmalloc(n + 7);
	i = 0;
	if (cut_start) {
		memcpy(out, "...", 3);
		i = 3;
	}
	for (const char *p = headline; *p; p++)
		out[i++] = *p == MARK_START[0] ? '[' : *p == MARK_STOP[0] ? ']' : *p;
	if (cut_end) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	free(plain);
	return out;
}

/* As on SQLite: the HUBSTORE_SEARCH_POOL most recent matches (the GIN index
 * finds them; the newest come first), ranked by ts_rank, the best `limit`
 * of them given a headline. */
static int
pg_search(struct hubstore *hs, const char *query, size_t limit,
    int (*fn)(const struct hub_story *h, void *ctx, struct err *e), void *ctx, struct err *e)
{
	struct pg_store *s = P(hs);
	char *tsq = NULL, lim[32], pool[32], *snip;
	struct hub_story h;
	PGresult *res;
	int rv = 0;

	if (ftsquery_to_tsquery(query, &tsq, e) == -1)
		return err_set(e,
		    "cannot understand the search \"%s\" (put words in double quotes to "
		    "search for them literally)",
		    query);
	snprintf(lim, sizeof lim, "%zu", limit);
	snprintf(pool, sizeof pool, "%zu",
	    limit > HUBSTORE_SEARCH_POOL ? limit : (size_t)HUBSTORE_SEARCH_POOL);
	{
		const char *v[3] = { tsq, lim, pool };

		res = run(s,
		    "WITH q AS (SELECT to_tsquery('storyhub.fts', $1) AS q),"
		    " pool AS (SELECT n FROM stories, q WHERE tsv @@ q.q ORDER BY n DESC LIMIT $3)"
		    " SELECT " STORY_COLS ", ts_headline('storyhub.fts', body, q.q,"
		    " 'StartSel=" MARK_START ", StopSel=" MARK_STOP ", MaxWords=16, MinWords=6,"
		    " ShortWord=0, MaxFragments=1'), body"
		    " FROM stories JOIN pool USING (n), q WHERE withdrawn = 0"
		    " ORDER BY ts_rank(tsv, q.q) DESC, n DESC LIMIT $2",
		    3, v, 0, e, "searching");
	}
	free(tsq);
	if (res == NULL)
		return -1;
	for (int i = 0; i < pq.ntuples(res) && rv == 0; i++) {
		read_story(res, i, &h);
		snip = snippet_of(text_or_empty(res, i, STORY_NCOLS), val(res, i, STORY_NCOLS + 1));
		h.snippet = snip;
		rv = fn(&h, ctx, e);
		free(snip);
	}
	pq.clear(res);
	return rv;
}

static int
pg_withdraw(struct hubstore *hs, const char *code, const char *story_id,
    int (*fn)(const struct hub_story *h, void *ctx, struct err *e), void *ctx, size_t *n,
    struct err *e)
{
	struct pg_store *s = P(hs);
	const char *v[2] = { code, story_id };
	struct hub_story h;
	PGresult *res = NULL;
	int rv = -1;

	*n = 0;
	if (pg_begin(hs, e) == -1)
		goto out;
	res = run(s,
	    "SELECT " STORY_COLS " FROM stories WHERE code = $1 AND withdrawn = 0"
	    " AND ($2::text IS NULL OR story_id = $2) ORDER BY n",
	    2, v, 0, e, "reading stories");
	if (res == NULL)
		goto out;
	for (int i = 0; i < pq.ntuples(res); i++) {
		read_story(res, i, &h);
		if (fn(&h, ctx, e) == -1)
			goto out;
	}
	pq.clear(res);
	res = run(s,
	    "UPDATE stories SET withdrawn = 1, answers = NULL, prompt = NULL, lang = NULL,"
	    " untouched = NULL, body = NULL, tsv = NULL WHERE code = $1 AND withdrawn = 0"
	    " AND ($2::text IS NULL OR story_id = $2)",
	    2, v, 0, e, "withdrawing");
	if (res == NULL)
		goto out;
	*n = (size_t)strtoull(pq.cmdTuples(res), NULL, 10);
	if (pg_commit(hs, e) == -1)
		goto out;
	rv = 0;
out:
	pq.clear(res);
	if (rv == -1)
		pg_rollback(hs);
	return rv;
}

static int
pg_meta_get(struct hubstore *hs, const char *key, char **value, struct err *e)
{
	const char *v[1] = { key };
	PGresult *res =
	    run(P(hs), "SELECT value FROM meta WHERE key = $1", 1, v, 0, e, "reading meta");

	*value = NULL;
	if (res == NULL)
		return -1;
	if (pq.ntuples(res) == 1)
		*value = xstrdup(pq.getvalue(res, 0, 0));
	pq.clear(res);
	return 0;
}

static int
pg_meta_put(struct hubstore *hs, const char *key, const char *value, struct err *e)
{
	const char *v[2] = { key, value };

	return run_done(P(hs),
	    "INSERT INTO meta VALUES($1, $2) ON CONFLICT(key) DO UPDATE SET value = $2", 2, v, e,
	    "writing meta");
}

static int
pg_counts(struct hubstore *hs, struct hub_counts *c, struct err *e)
{
	PGresult *res = run(P(hs),
	    "SELECT (SELECT count(*) FROM kiosks), (SELECT count(*) FROM bundles),"
	    " (SELECT count(*) FROM quarantine), (SELECT count(*) FROM stories),"
	    " (SELECT count(*) FROM stories WHERE withdrawn <> 0)",
	    0, NULL, 0, e, "counting");

	memset(c, 0, sizeof *c);
	if (res == NULL)
		return -1;
	c->kiosks = (uint64_t)num(res, 0, 0);
	c->bundles = (uint64_t)num(res, 0, 1);
	c->quarantine = (uint64_t)num(res, 0, 2);
	c->stories = (uint64_t)num(res, 0, 3);
	c->withdrawn = (uint64_t)num(res, 0, 4);
	pq.clear(res);
	return 0;
}

/* One table's rows through fn, by a cursor in the caller's transaction. */
static int
each_row(struct pg_store *s, const char *sql, enum hub_row_kind kind,
    int (*fn)(const struct hub_row *r, void *ctx, struct err *e), void *ctx, struct err *e)
{
	int binary = kind == HUB_ROW_QUARANTINE, rv = 0, n;
	struct hub_row r;
	struct cursor c;
	PGresult *res;

	if (cursor_open(s, &c, sql, 0, NULL, binary, e) == -1)
		return -1;
	do {
		if ((res = cursor_fetch(&c, binary, e)) == NULL) {
			rv = -1;
			break;
		}
		n = pq.ntuples(res);
		for (int i = 0; i < n && rv == 0; i++) {
			memset(&r, 0, sizeof r);
			r.kind = kind;
			switch (kind) {
			case HUB_ROW_KIOSK:
				read_kiosk(res, i, &r.kiosk);
				break;
			case HUB_ROW_BUNDLE:
				hex_col(res, i, 0, r.hash, sizeof r.hash);
				r.kiosk_id = pq.getvalue(res, i, 1);
				r.seq = num(res, i, 2);
				r.count = num(res, i, 3);
				r.path = val(res, i, 4);
				r.when = num(res, i, 5);
				break;
			case HUB_ROW_QUARANTINE:
				read_quarantined(res, i, &r);
				break;
			case HUB_ROW_STORY:
				read_story(res, i, &r.s);
				r.s.answers = val(res, i, 13);
				r.s.types = val(res, i, 14);
				r.s.lang = val(res, i, 10);
				r.s.created = val(res, i, 7);
				r.s.saved = val(res, i, 8);
				r.s.consent = val(res, i, 11);
				r.kiosk_id = r.s.kiosk_id;
				hex_col(res, i, STORY_NCOLS, r.content, sizeof r.content);
				r.seq = num(res, i, STORY_NCOLS + 1);
				r.withdrawn = num(res, i, STORY_NCOLS + 2) != 0;
				break;
			}
			rv = fn(&r, ctx, e);
		}
		pq.clear(res);
	} while (n > 0 && rv == 0);
	cursor_close(&c);
	return rv;
}

static int
pg_row_foreach(struct hubstore *hs, int (*fn)(const struct hub_row *r, void *ctx, struct err *e),
    void *ctx, struct err *e)
{
	struct pg_store *s = P(hs);
	int own = 0, rv = -1;

	/* one snapshot for the four tables */
	if (pq.transactionStatus(s->conn) == PQTRANS_IDLE) {
		if (run_done(s, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", 0, NULL, e,
		        "reading") == -1)
			return -1;
		own = 1;
	}
	if (each_row(s,
	        "SELECT id, pk, name, status, first_seen, last_seen, 0, 0 FROM kiosks"
	        " ORDER BY first_seen, id",
	        HUB_ROW_KIOSK, fn, ctx, e) == -1 ||
	    each_row(s, "SELECT hash, kiosk, seq, count, path, imported FROM bundles ORDER BY n",
	        HUB_ROW_BUNDLE, fn, ctx, e) == -1 ||
	    each_row(s, "SELECT " QUARANTINE_COLS " FROM quarantine ORDER BY n", HUB_ROW_QUARANTINE,
	        fn, ctx, e) == -1 ||
	    each_row(s, "SELECT " STORY_COLS ", content, seq, withdrawn FROM stories ORDER BY n",
	        HUB_ROW_STORY, fn, ctx, e) == -1)
		goto out;
	rv = 0;
out:
	if (own)
		pg_rollback(hs); /* read only */
	return rv;
}

/* One statement: a story not held is inserted (indexed unless withdrawn);
 * one held takes r's conflict flag and, when r is withdrawn, is withdrawn
 * (a withdrawn one stays so). */
static int
put_story_row(struct pg_store *s, const struct hub_row *r, struct err *e)
{
	const struct hub_story *h = &r->s;
	char seq[32], ver[32], conflict[8], withdrawn[8], *text = NULL;
	PGresult *res;
	int rv = -1;

	snprintf(seq, sizeof seq, "%lld", r->seq);
	snprintf(ver, sizeof ver, "%lld", h->form_version);
	snprintf(conflict, sizeof conflict, "%d", h->conflict);
	snprintf(withdrawn, sizeof withdrawn, "%d", r->withdrawn);
	if (!r->withdrawn && h->answers != NULL && h->types != NULL)
		text = payload_text_of(h->answers, h->types);
	{
		const char *v[21] = { h->story_id, (const char *)r->content, h->kiosk_id, seq,
			h->status, h->source, h->code, h->form, ver, h->created, h->saved,
			h->imported, h->lang, h->consent, h->prompt,
			r->withdrawn ? NULL : h->answers, h->types, conflict, withdrawn,
			r->withdrawn ? NULL : h->untouched, text };
		int len[21] = { 0, 32 };

		res = run_bin(s,
		    "INSERT INTO stories AS o(story_id, content, kiosk, seq, status, source, code,"
		    " form, form_version, created, saved, imported, lang, consent, prompt, answers,"
		    " types, conflict, withdrawn, untouched, body, tsv) VALUES($1, $2, $3, $4, $5,"
		    " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,"
		    " CASE WHEN $21::text IS NULL THEN NULL"
		    " ELSE to_tsvector('storyhub.fts', $21::text) END)"
		    " ON CONFLICT (story_id, content) DO UPDATE SET conflict = EXCLUDED.conflict,"
		    " withdrawn = greatest(o.withdrawn, EXCLUDED.withdrawn),"
		    " answers = CASE WHEN EXCLUDED.withdrawn <> 0 THEN NULL ELSE o.answers END,"
		    " prompt = CASE WHEN EXCLUDED.withdrawn <> 0 THEN NULL ELSE o.prompt END,"
		    " lang = CASE WHEN EXCLUDED.withdrawn <> 0 THEN NULL ELSE o.lang END,"
		    " untouched = CASE WHEN EXCLUDED.withdrawn <> 0 THEN NULL ELSE o.untouched END,"
		    " body = CASE WHEN EXCLUDED.withdrawn <> 0 THEN NULL ELSE o.body END,"
		    " tsv = CASE WHEN EXCLUDED.withdrawn <> 0 THEN NULL ELSE o.tsv END",
		    21, v, len, e, "copying a story");
	}
	if (res == NULL)
		goto out;
	pq.clear(res);
	rv = note_types(s, h->form, h->types, e);
out:
	payload_text_free(text);
	return rv;
}

static int
pg_row_put(struct hubstore *hs, const struct hub_row *r, struct err *e)
{
	struct pg_store *s = P(hs);
	const struct hub_kiosk *k = &r->kiosk;

	switch (r->kind) {
	case HUB_ROW_KIOSK: {
		char hex[KEY_ID_HEX], status[16], first[32], last[32];
		const char *v[6] = { hex, (const char *)k->pk, k->name, status, first, last };
		int len[6] = { 0, crypto_sign_PUBLICKEYBYTES };
		PGresult *res;

		hex_id(k->id, KEY_ID_BYTES, hex);
		snprintf(status, sizeof status, "%d", (int)k->status);
		snprintf(first, sizeof first, "%lld", (long long)k->first_seen);
		snprintf(last, sizeof last, "%lld", (long long)k->last_seen);
		res = run_bin(s,
		    "INSERT INTO kiosks VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT(id) DO UPDATE"
		    " SET pk = $2, name = $3, status = $4, first_seen = $5, last_seen = $6",
		    6, v, len, e, "copying a kiosk");
		if (res == NULL)
			return -1;
		pq.clear(res);
		return 0;
	}
	case HUB_ROW_BUNDLE:
	case HUB_ROW_QUARANTINE:
		return put_bundle(s, r->kind, r->hash, r->kiosk_id, r->seq, r->count, r->data,
		    r->len, r->path, r->when, e);
	case HUB_ROW_STORY:
		return put_story_row(s, r, e);
	}
	return err_set(e, "hub store: unknown row kind");
}

static const struct hubstore_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.kiosk_get = pg_kiosk_get,
	.kiosk_put = pg_kiosk_put,
	.kiosk_foreach = pg_kiosk_foreach,
	.bundle_seen = pg_bundle_seen,
	.bundle_add = pg_bundle_add,
	.quarantine_add = pg_quarantine_add,
	.quarantine_foreach = pg_quarantine_foreach,
	.quarantine_delete = pg_quarantine_delete,
	.story_put = pg_story_put,
	.story_put_many = pg_story_put_many,
	.story_foreach = pg_story_foreach,
	.types_foreach = pg_types_foreach,
	.search = pg_search,
	.withdraw = pg_withdraw,
	.meta_get = pg_meta_get,
	.meta_put = pg_meta_put,
	.counts = pg_counts,
	.row_foreach = pg_row_foreach,
	.row_put = pg_row_put,
};

/* The schema version held, 0 when the database has no hub store; -1 with e
 * set when it cannot be read or is not a hub store. */
static int
schema_version(struct pg_store *s, long *version, char *text, size_t cap, struct err *e)
{
	PGresult *res = run(s,
	    "SELECT to_regclass('storyhub.meta') IS NOT NULL,"
	    " to_regclass('storyhub.quarantine') IS NOT NULL,"
	    " (SELECT count(*) FROM pg_class WHERE relnamespace = to_regnamespace('storyhub'))",
	    0, NULL, 0, e, "reading the schema");
	int meta, quarantine, nsp;

	*version = 0;
	text[0] = '\0';
	if (res == NULL)
		return -1;
	meta = strcmp(pq.getvalue(res, 0, 0), "t") == 0;
	quarantine = strcmp(pq.getvalue(res, 0, 1), "t") == 0;
	nsp = atoi(pq.getvalue(res, 0, 2)); /* relations in a schema storyhub */
	pq.clear(res);
	if (!meta && nsp == 0) /* none, or an empty one a DBA made for us */
		return 0;
	if (!meta || !quarantine)
		return err_set(
		    e, "the schema \"storyhub\" here is not a hub store (check --store)");
	res = run(s, "SELECT value FROM storyhub.meta WHERE key = 'schema'", 0, NULL, 0, e,
	    "reading the schema version");
	if (res == NULL)
		return -1;
	if (pq.ntuples(res) == 1) {
		snprintf(text, cap, "%s", pq.getvalue(res, 0, 0));
		*version = strtol(text, NULL, 10);
	}
	pq.clear(res);
	if (*version < 1)
		return err_set(e, "a hub store without a schema version (check --store)");
	return 0;
}

/* The unaccent extension, created here when it is missing (it is trusted:
 * the database's owner may), and its schema for the configuration. */
static int
unaccent_schema(struct pg_store *s, char **nsp, struct err *e)
{
	static const char find[] =
	    "SELECT quote_ident(n.nspname) FROM pg_extension x"
	    " JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = 'unaccent'";
	PGresult *res = run(s, find, 0, NULL, 0, e, "looking for unaccent");
	char msg[ERR_MAX];

	*nsp = NULL;
	if (res == NULL)
		return -1;
	if (pq.ntuples(res) == 0) {
		pq.clear(res);
		res = pq.exec(s->conn, "CREATE EXTENSION unaccent SCHEMA storyhub");
		if (pq.resultStatus(res) != PGRES_COMMAND_OK) {
			one_line(pq.resultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ?
			        pq.resultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) :
			        pq.errorMessage(s->conn),
			    msg, sizeof msg);
			pq.clear(res);
			return err_set(e,
			    "the unaccent extension is missing and cannot be created here "
			    "(%s): ask the database's owner or a superuser to run "
			    "CREATE EXTENSION unaccent in it (install postgresql-contrib on "
			    "the server if it is not there)",
			    msg);
		}
		pq.clear(res);
		if ((res = run(s, find, 0, NULL, 0, e, "looking for unaccent")) == NULL)
			return -1;
	}
	if (pq.ntuples(res) == 1)
		*nsp = xstrdup(pq.getvalue(res, 0, 0));
	pq.clear(res);
	return *nsp == NULL ? err_set(e, "hub store: unaccent was not found after creating it") : 0;
}

/* The schema storyhub, unless a DBA made it already (creating one needs the
 * CREATE privilege on the database, which the database's owner has). */
static int
make_schema(struct pg_store *s, struct err *e)
{
	PGresult *res = run(
	    s, "SELECT to_regnamespace('storyhub') IS NULL", 0, NULL, 0, e, "creating the store");
	int missing;

	if (res == NULL)
		return -1;
	missing = strcmp(pq.getvalue(res, 0, 0), "t") == 0;
	pq.clear(res);
	if (!missing)
		return 0;
	res = pq.exec(s->conn, "CREATE SCHEMA storyhub");
	if (pq.resultStatus(res) != PGRES_COMMAND_OK) {
		const char *state = pq.resultErrorField(res, PG_DIAG_SQLSTATE);

		if (state != NULL && strcmp(state, "42501") == 0) {
			pq.clear(res);
			return err_set(e,
			    "this role may not create the schema storyhub here: make it the "
			    "database's owner, or have the owner run CREATE SCHEMA storyhub "
			    "AUTHORIZATION %s (docs/hub.md, PostgreSQL)",
			    pq.user(s->conn));
		}
		res_err(s, res, e, "creating the store");
		pq.clear(res);
		return -1;
	}
	pq.clear(res);
	return 0;
}

/* Make the schema in a new database, or bring an older one to
 * PG_SCHEMA_VERSION, under the schema lock (other storyhubs may be starting
 * on the same database). */
static int
create_or_migrate(struct pg_store *s, enum hubstore_mode mode, struct err *e)
{
	unsigned char idb[16];
	char id[33], text[32], *nsp = NULL, *mapping = NULL;
	const char *v[1] = { id };
	long version;
	int rv = -1;

	if (schema_version(s, &version, text, sizeof text, e) == -1)
		return -1;
	if (version == PG_SCHEMA_VERSION)
		return 0;
	if (version > PG_SCHEMA_VERSION)
		return err_set(e,
		    "this hub store has schema version \"%s\" and this storyhub "
		    "knows versions up to %d: use the storyhub that wrote it",
		    text, PG_SCHEMA_VERSION);
	if (version == 0 && mode == HUBSTORE_EXISTING)
		return err_set(e,
		    "no hub store in this database (check --store; import or serve "
		    "creates one)");
	if (run_done(s, "BEGIN", 0, NULL, e, "creating the store") == -1 ||
	    run_done(s, "SELECT pg_advisory_xact_lock(" LOCK_SCHEMA ")", 0, NULL, e,
	        "creating the store") == -1 ||
	    schema_version(s, &version, text, sizeof text, e) == -1)
		goto out;
	if (version == PG_SCHEMA_VERSION) { /* another storyhub made it meanwhile */
		rv = run_done(s, "COMMIT", 0, NULL, e, "creating the store");
		goto out;
	}
	/* version 0: a new store (the only older version there is) */
	randombytes_buf(idb, sizeof idb);
	sodium_bin2hex(id, sizeof id, idb, sizeof idb);
	if (make_schema(s, e) == -1 || run_script(s, schema_sql, e, "creating the store") == -1 ||
	    unaccent_schema(s, &nsp, e) == -1)
		goto out;
	mapping = xasprintf("ALTER TEXT SEARCH CONFIGURATION storyhub.fts ALTER MAPPING FOR"
	                    " word, hword, hword_part, numword, numhword, hword_numpart"
	                    " WITH %s.unaccent, pg_catalog.simple",
	    nsp);
	if (run_done(s, mapping, 0, NULL, e, "creating the store") == -1 ||
	    run_done(s,
	        "INSERT INTO storyhub.meta VALUES('schema', '" PG_SCHEMA_TEXT "'),"
	        " ('store_id', $1)",
	        1, v, e, "creating the store") == -1 ||
	    run_done(s, "COMMIT", 0, NULL, e, "creating the store") == -1)
		goto out;
	rv = 0;
out:
	if (rv == -1)
		pg_rollback(&s->base);
	free(nsp);
	free(mapping);
	return rv;
}

/* Refuse a URI that carries a password: it would show in the process list
 * and the shell's history. */
static int
check_uri(const char *uri, struct err *e)
{
	char *msg = NULL, line[ERR_MAX];
	PQconninfoOption *opts = pq.conninfoParse(uri, &msg), *o;
	int rv = 0;

	if (opts == NULL) {
		/* libpq quotes the URI, which may hold a password: not that part */
		char *at;

		one_line(msg ? msg : "out of memory", line, sizeof line);
		pq.freemem(msg);
		if ((at = strstr(line, uri)) != NULL) {
			*at = '\0';
			return err_set(
			    e, "--store: not a PostgreSQL URI (%s...%s)", line, at + strlen(uri));
		}
		return err_set(e, "--store: not a PostgreSQL URI (%s)", line);
	}
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL && o->val[0] != '\0')
			rv = err_set(e,
			    "--store: the URI holds a password, which other users can see in "
			    "the process list; put it in ~/.pgpass (or PGPASSFILE) or a service "
			    "file and leave it out of the URI");
	pq.conninfoFree(opts);
	return rv;
}

int
hubstore_pg_open(const char *uri, enum hubstore_mode mode, struct hubstore **out, struct err *e)
{
	static const char *const keys[] = { "dbname", "fallback_application_name", NULL };
	const char *vals[] = { uri, "storyhub", NULL };
	struct pg_store *s;
	const char *enc;

	*out = NULL;
	if (pq_load(e) == -1 || check_uri(uri, e) == -1)
		return -1;
	s = xcalloc(1, sizeof *s);
	s->base.ops = &pg_ops;
	s->where = xstrdup(uri);
	s->conn = pq.connectdbParams(keys, vals, 1);
	if (s->conn == NULL) {
		err_set(e, "cannot connect to PostgreSQL: out of memory");
		goto fail;
	}
	if (pq.status(s->conn) != CONNECTION_OK) {
		char msg[ERR_MAX];

		one_line(pq.errorMessage(s->conn), msg, sizeof msg);
		err_set(e,
		    "cannot connect to PostgreSQL: %s (check --store, the PG* environment "
		    "and ~/.pgpass)",
		    msg);
		goto fail;
	}
	pq.setNoticeProcessor(s->conn, no_notices, NULL);
	if (pq.setClientEncoding(s->conn, "UTF8") != 0) {
		conn_err(s, e, "setting the client encoding");
		goto fail;
	}
	enc = pq.parameterStatus(s->conn, "server_encoding");
	if (enc == NULL || strcmp(enc, "UTF8") != 0) {
		err_set(e,
		    "the database's encoding is %s: storyhub needs a UTF8 database (CREATE "
		    "DATABASE ... ENCODING 'UTF8' TEMPLATE template0)",
		    enc ? enc : "unknown");
		goto fail;
	}
	if (run_done(s, "SELECT pg_catalog.set_config('search_path', 'storyhub', false)", 0, NULL,
	        e, "setting the search path") == -1 ||
	    create_or_migrate(s, mode, e) == -1)
		goto fail;
	{
		PGresult *res = pq.prepare(s->conn, "put", put_sql, 19, NULL);

		if (pq.resultStatus(res) != PGRES_COMMAND_OK) {
			res_err(s, res, e, "preparing");
			pq.clear(res);
			goto fail;
		}
		pq.clear(res);
	}
	*out = &s->base;
	return 0;
fail:
	err_prefix(e, "%s", uri);
	pg_close(&s->base);
	return -1;
}
