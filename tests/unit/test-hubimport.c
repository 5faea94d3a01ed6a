/* Hub import against the committed vectors: quarantine, trust, duplicates,
 * every bad vector rejected with nothing stored, revoked kiosks, conflicts,
 * receipts, CSV/JSON export, withdrawal and search. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "fsutil.h"
#include "hub-export.h"
#include "hubstore.h"
#include "import.h"
#include "payload.h"
#include "payload-ref.h"
#include "payread.h"
#include "receipt.h"
#include "story.h"
#include "xmalloc.h"

#define PASS "vector passphrase"
#define STORY_TEXT "Hadithi ya \"ushirikiano\", 🎉"

struct fixture {
	char dir[64];
	struct hub_seckey *key;
	struct hubstore *hs;
	struct import_opts o;
};

static char *
vector_path(const char *name)
{
	const char *top = getenv("TOP");

	return xasprintf("%s/tests/vectors/bundle/%s", top ? top : ".", name);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	unsigned char *text;
	size_t len;
	char *path, *db;
	struct err e;

	if (sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/test-hubimport.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	path = vector_path("hub.key");
	if (fsutil_read_file(path, 4096, &text, &len, &e) == -1 ||
	    keys_hub_sec_parse(path, (char *)text, len, PASS, strlen(PASS), &f->key, &e) == -1) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	free(text);
	free(path);
	db = xasprintf("%s/hub.db", f->dir);
	if (hubstore_open(db, HUBSTORE_CREATE, &f->hs, &e) == -1) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	free(db);
	f->o.key = f->key;
	f->o.receipts = 0; /* never write into the source tree */
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	hubstore_close(f->hs);
	keys_hub_free(f->key);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->dir);
	free(cmd);
	free(f);
	return 0;
}

static enum import_outcome
import(struct fixture *f, const char *name, struct import_stats *st, struct err *e)
{
	char *path = vector_path(name);
	enum import_outcome r = import_file(f->hs, path, &f->o, st, e);

	free(path);
	return r;
}

static int
count_one(const struct hub_story *s, void *ctx, struct err *e)
{
	(void)s;
	(void)e;
	(*(size_t *)ctx)++;
	return 0;
}

static size_t
stories(struct fixture *f)
{
	size_t n = 0;
	struct err e;

	assert_int_equal(f->hs->ops->story_foreach(f->hs, count_one, &n, &e), 0);
	return n;
}

static void
header_of(const char *name, struct bundle_header *h)
{
	char *path = vector_path(name);
	unsigned char *buf;
	size_t len;
	struct err e;

	assert_int_equal(bundle_load_file(path, &buf, &len, &e), 0);
	assert_int_equal(bundle_verify(buf, len, NULL, h, &e), 0);
	free(buf);
	free(path);
}

static void
test_quarantine_then_trust(void **state)
{
	struct fixture *f = *state;
	struct import_stats st = { 0 };
	struct bundle_header h;
	struct err e;

	assert_int_equal(import(f, "valid-a.skb", &st, &e), IMPORT_QUARANTINED);
	assert_non_null(strstr(e.msg, "trust"));
	assert_int_equal(st.quarantined, 3);
	assert_int_equal(stories(f), 0);
	/* quarantining twice keeps one copy */
	assert_int_equal(import(f, "valid-a.skb", &st, &e), IMPORT_QUARANTINED);
	header_of("valid-a.skb", &h);
	memset(&st, 0, sizeof st);
	assert_int_equal(import_trust(f->hs, h.kiosk_id, &f->o, &st, &e), 0);
	assert_int_equal(st.new, 3);
	assert_int_equal(st.rejected, 0);
	assert_int_equal(stories(f), 3);
}

static void
test_idempotent_with_receipt(void **state)
{
	struct fixture *f = *state;
	struct import_stats st = { 0 };
	unsigned char *buf, *rc;
	size_t len, rlen;
	struct receipt r;
	char *path = vector_path("valid-a.skb");
	struct err e;

	assert_int_equal(bundle_load_file(path, &buf, &len, &e), 0);
	assert_int_equal(
	    import_buffer(f->hs, buf, len, NULL, &f->o, &st, &rc, &rlen, &e), IMPORT_DONE);
	assert_int_equal(st.new, 0);
	assert_int_equal(st.duplicate, 3);
	assert_int_equal(stories(f), 3);
	assert_int_equal(receipt_verify(rc, rlen, &f->key->pub, 1, NULL, &r, &e), 0);
	assert_int_equal(r.count, 3);
	assert_int_equal(r.ids[2][0], 3);
	receipt_free(&r);
	free(rc);
	free(buf);
	free(path);
}

static void
test_bad_vectors_store_nothing(void **state)
{
	struct fixture *f = *state;
	char *path = vector_path("expected.txt"), line[512];
	FILE *fp = fopen(path, "r");
	size_t rejected = 0;

	assert_non_null(fp);
	while (fgets(line, sizeof line, fp) != NULL) {
		struct import_stats st = { 0 };
		char *level, *want;
		struct err e;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || (level = strchr(line, '\t')) == NULL)
			continue;
		*level++ = '\0';
		want = strchr(level, '\t');
		*want++ = '\0';
		if (strcmp(level, "bundle") != 0 || strncmp(want, "ok", 2) == 0)
			continue;
		if (import(f, line, &st, &e) != IMPORT_REJECTED)
			fail_msg("%s was not rejected", line);
		if (strstr(e.msg, want) == NULL)
			fail_msg("%s: wanted \"%s\", got \"%s\"", line, want, e.msg);
		assert_int_equal(st.rejected, 1);
		assert_int_equal(st.new + st.duplicate + st.quarantined, 0);
		rejected++;
	}
	fclose(fp);
	free(path);
	assert_true(rejected >= 13);
	assert_int_equal(stories(f), 3);
}

static void
test_unknown_and_revoked(void **state)
{
	struct fixture *f = *state;
	struct import_stats st = { 0 };
	struct bundle_header h;
	struct err e;

	assert_int_equal(import(f, "unknown-kiosk.skb", &st, &e), IMPORT_QUARANTINED);
	assert_non_null(strstr(e.msg, "quarantined"));
	assert_int_equal(import(f, "revoked-kiosk.skb", &st, &e), IMPORT_QUARANTINED);
	header_of("revoked-kiosk.skb", &h);
	assert_int_equal(import_revoke(f->hs, h.kiosk_id, &e), 0);
	memset(&st, 0, sizeof st);
	assert_int_equal(import(f, "revoked-kiosk.skb", &st, &e), IMPORT_REJECTED);
	assert_non_null(strstr(e.msg, "is revoked"));
	assert_int_equal(stories(f), 3);
}

static void
test_conflict_kept(void **state)
{
	struct fixture *f = *state;
	struct import_stats st = { 0 };
	struct err e;

	assert_int_equal(import(f, "conflict-a.skb", &st, &e), IMPORT_DONE);
	assert_int_equal(st.conflict, 1);
	assert_int_equal(st.new, 0);
	assert_int_equal(stories(f), 4);
}

/* Parse one RFC 4180 record from p; fields are appended to out (n). */
static const char *
csv_record(const char *p, char **out, size_t max, size_t *n)
{
	*n = 0;
	for (;;) {
		char *field = xmalloc(strlen(p) + 1), *q = field;

		if (*p == '"') {
			for (p++;; p++) {
				if (*p == '"' && p[1] == '"')
					*q++ = *p++;
				else if (*p == '"') {
					p++;
					break;
				} else if (*p == '\0')
					break;
				else
					*q++ = *p;
			}
		} else
			while (*p && *p != ',' && *p != '\r')
				*q++ = *p++;
		*q = '\0';
		if (*n < max)
			out[(*n)++] = field;
		else
			free(field);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\r')
			p += 2;
		return p;
	}
}

static void
test_export(void **state)
{
	struct fixture *f = *state;
	struct hub_export_opts o = { 0 };
	char *buf = NULL, *fields[64];
	size_t len = 0, n, nf, story_col = 0, untouched_col = 0, found = 0;
	const char *p;
	json_t *arr, *v;
	FILE *fp;
	struct err e;

	assert_int_equal(
	    hub_export_tiers_parse(HUB_EXPORT_DEFAULT_TIERS, &o.tiers, &o.ntiers, &e), 0);
	fp = open_memstream(&buf, &len);
	o.format = HUB_EXPORT_JSON;
	assert_int_equal(hub_export(f->hs, &o, fp, &n, &e), 0);
	fclose(fp);
	assert_int_equal(n, 4);
	arr = json_loads(buf, 0, NULL);
	assert_true(json_is_array(arr));
	for (size_t i = 0; i < json_array_size(arr); i++) {
		v = json_object_get(json_object_get(json_array_get(arr, i), "answers"), "story");
		if (strcmp(json_string_value(v), STORY_TEXT) == 0)
			found++;
		/* the vectors' payloads predate "untouched": not known, null */
		v = json_object_get(json_array_get(arr, i), "untouched");
		assert_non_null(v);
		assert_true(json_is_null(v));
	}
	assert_int_equal(found, 3);
	json_decref(arr);
	free(buf);

	buf = NULL;
	fp = open_memstream(&buf, &len);
	o.format = HUB_EXPORT_CSV;
	assert_int_equal(hub_export(f->hs, &o, fp, &n, &e), 0);
	fclose(fp);
	p = csv_record(buf, fields, 64, &nf);
	for (size_t i = 0; i < nf; i++) {
		if (strcmp(fields[i], "story") == 0)
			story_col = i;
		if (strcmp(fields[i], "equal_untouched") == 0)
			untouched_col = i;
		free(fields[i]);
	}
	assert_true(story_col > 0);
	assert_true(untouched_col == nf - 1); /* after the question columns */
	found = 0;
	for (size_t row = 0; row < 4; row++) {
		p = csv_record(p, fields, 64, &nf);
		if (strcmp(fields[story_col], STORY_TEXT) == 0)
			found++;
		assert_string_equal(fields[untouched_col], ""); /* not recorded */
		for (size_t i = 0; i < nf; i++)
			free(fields[i]);
	}
	assert_int_equal(found, 3);
	assert_string_equal(p, "");
	free(buf);

	/* the vectors' stories are all "quotes": public leaves none, analysis all */
	buf = NULL;
	fp = open_memstream(&buf, &len);
	o.consent = "public";
	assert_int_equal(hub_export(f->hs, &o, fp, &n, &e), 0);
	fclose(fp);
	free(buf);
	assert_int_equal(n, 0);
	o.consent = "nobody";
	assert_int_equal(hub_export(f->hs, &o, stdout, &n, &e), -1);
	assert_non_null(strstr(e.msg, "unknown consent tier"));
	hub_export_tiers_free(o.tiers, o.ntiers);
}

/* One SQL value from the store at path, as text (NULL if no row). */
static char *
store_value(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
store_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int
snippet_has(const struct hub_story *s, void *ctx, struct err *e)
{
	(void)e;
	if (strstr(s->snippet, "[Hadithi]") != NULL)
		(*(size_t *)ctx)++;
	return 0;
}

static void
test_withdraw_and_search(void **state)
{
	struct fixture *f = *state;
	char sid[33];
	unsigned char id[16];
	size_t n = 0, hits = 0;
	char *db, *v;
	struct err e;

	assert_int_equal(f->hs->ops->search(f->hs, "hadithi", 10, snippet_has, &hits, &e), 0);
	assert_int_equal(hits, 3);
	memset(id, 2, sizeof id);
	sodium_bin2hex(sid, sizeof sid, id, sizeof id);
	assert_int_equal(f->hs->ops->withdraw(f->hs, "K7P-2QX", sid, count_one, &n, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(stories(f), 3);
	hits = 0;
	assert_int_equal(f->hs->ops->search(f->hs, "hadithi", 10, snippet_has, &hits, &e), 0);
	assert_int_equal(hits, 2);
	/* gone from the index itself, not only hidden from search */
	db = xasprintf("%s/hub.db", f->dir);
	v = store_value(db, "SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'hadithi'");
	assert_string_equal(v, "2");
	free(v);
	free(db);
	assert_int_equal(f->hs->ops->withdraw(f->hs, "K7P-2QX", sid, count_one, &hits, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(f->hs->ops->search(f->hs, "\"unbalanced", 10, snippet_has, &hits, &e), -1);
}

/* A payload around answers (JSON text) with a long story; %s is the story. */
static char *
payload_with(const char *answers)
{
	return xasprintf(
	    "{\"v\":1,\"story_id\":\"00112233445566778899aabbccddeeff\","
	    "\"code\":\"K7P-2QX\",\"kiosk\":\"0123456789abcdef\",\"form\":\"f\","
	    "\"form_version\":1,\"source\":\"kiosk\",\"created\":\"2026-01-01T00:00:00Z\","
	    "\"saved\":\"2026-01-01T00:00:00Z\",\"types\":{\"story\":\"story\","
	    "\"title\":\"text\",\"n\":\"number\"},\"lang\":\"en\",\"consent\":\"analysis\","
	    "\"prompt\":null,\"answers\":%s}",
	    answers);
}

/* payload_ref_decode on long, Unicode, escaped and hostile stories: what it
 * accepts, refuses and returns must be what jansson alone gives. */
static void
test_payload_long_strings(void **state)
{
	static const char *const cases[] = {
		/* plain, UTF-8, escapes, a long title, an array of long strings */
		"{\"story\":\"The water committee met every week and shared the budget openly with "
		"all.\","
		"\"title\":\"short\",\"n\":1.5}",
		"{\"story\":\"Hadithi ya ushirikiano: kamati ya maji ilikutana kila wiki \u00e9 Ã© "
		"ð na kushiriki bajeti.\",\"title\":\"CafÃ© story that is long "
		"enough to be lifted out of the payload text\"}",
		"{\"story\":\"tab\\there \\\"quoted\\\" and a back\\\\slash in a story long enough "
		"to lift\","
		"\"title\":[\"a long string in an array, long enough to be lifted out of it\",2]}",
		/* refused: a control byte, bad UTF-8, a NUL, in a long string */
		"{\"story\":\"a raw control \x01 byte in a story that is long enough to be "
		"lifted\"}",
		"{\"story\":\"an overlong À¯ encoding in a story that is long enough to be "
		"lifted\"}",
		/* an escaped control character */
		"{\"story\":\"\\u00010\",\"title\":\"a long title that could be lifted if not for "
		"the "
		"escape\"}",
		/* a long duplicate key */
		"{\"a key that is long enough to be lifted if it were a value, but it is a key\":1,"
		"\"a key that is long enough to be lifted if it were a value, but it is a key\":2}",
		/* whitespace between tokens inside answers */
		"{ \"story\" : \"spaced out answers in a story long enough to lift out of it\" }",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *text = payload_with(cases[i]);
		size_t len = strlen(text);
		json_error_t jerr;
		json_t *ref = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
		struct payload *p = NULL;
		struct err e;
		int rv = payload_ref_decode(text, len, &p, &e);

		if (ref == NULL) {
			char *want = xasprintf("story payload is not a JSON object: %s", jerr.text);

			assert_int_equal(rv, -1);
			assert_string_equal(e.msg, want);
			free(want);
		} else {
			json_t *got = json_loads(p->answers, 0, NULL);
			json_t *story = json_object_get(json_object_get(ref, "answers"), "story");

			assert_int_equal(rv, 0);
			assert_non_null(got);
			assert_true(json_equal(got, json_object_get(ref, "answers")));
			if (json_is_string(story))
				assert_memory_equal(
				    p->text, json_string_value(story), json_string_length(story));
			json_decref(got);
			json_decref(ref);
		}
		payload_free(p);
		free(text);
	}
}

/* Schema 8: the index merges 16 segments at a time and keeps no copy of the
 * text (FTS5 reads it from the view stories_text, since 3); stories have
 * the untouched column (4) and the scribe column (5); the feedback packs
 * have their table (6); enrolment tokens theirs, and the quarantine an
 * index by kiosk (7); story_types lists each distinct (form, types) of the
 * stories held, and the store has a random id (8). */
static void
assert_schema_8(const char *db)
{
	char *v = store_value(db, "SELECT value FROM meta WHERE key = 'schema'");

	assert_string_equal(v, "8");
	free(v);
	v = store_value(db, "SELECT length(value) FROM meta WHERE key = 'store_id'");
	assert_string_equal(v, "32");
	free(v);
	v = store_value(db,
	    "SELECT (SELECT count(*) FROM story_types) ="
	    " (SELECT count(*) FROM (SELECT DISTINCT form, types FROM stories))");
	assert_string_equal(v, "1");
	free(v);
	v = store_value(db, "SELECT count(*) FROM sqlite_master WHERE name = 'packs'");
	assert_string_equal(v, "1");
	free(v);
	v = store_value(db,
	    "SELECT count(*) FROM sqlite_master WHERE name IN ('enrolments',"
	    " 'quarantine_kiosk')");
	assert_string_equal(v, "2");
	free(v);
	v = store_value(db, "SELECT v FROM stories_fts_config WHERE k = 'automerge'");
	assert_string_equal(v, "16");
	free(v);
	v = store_value(
	    db, "SELECT count(*) FROM sqlite_master WHERE name = 'stories_fts_content'");
	assert_string_equal(v, "0");
	free(v);
	v = store_value(db, "SELECT sql FROM sqlite_master WHERE name = 'stories_fts'");
	assert_non_null(strstr(v, "content = 'stories_text'"));
	free(v);
	v = store_value(db,
	    "SELECT count(*) FROM pragma_table_info('stories') WHERE"
	    " name = 'untouched'");
	assert_string_equal(v, "1");
	free(v);
	v = store_value(db,
	    "SELECT count(*) FROM pragma_table_info('stories') WHERE"
	    " name = 'scribe'");
	assert_string_equal(v, "1");
	free(v);
}

/* Put back what schema `version` wrote: no story_types table, no store id;
 * before 7, no enrolments table nor the quarantine's index; before 6, no
 * packs table; before 5, no scribe column; before 4, no
 * untouched column; before 3, an index with its own copy of the text (here a
 * stale one, so that a rebuild shows) and no view. */
static void
store_downgrade(const char *db, int version)
{
	char *sql = xasprintf("DROP TABLE story_types; DELETE FROM meta WHERE key = 'store_id';"
	                      " %s%s%s%s%s%s UPDATE meta SET value = '%d' WHERE key = 'schema';",
	    version < 7 ? "DROP TABLE enrolments; DROP INDEX quarantine_kiosk;" : "",
	    version < 6 ? "DROP TABLE packs;" : "",
	    version < 5 ? "ALTER TABLE stories DROP COLUMN scribe;" : "",
	    version < 4 ? "ALTER TABLE stories DROP COLUMN untouched;" : "",
	    version < 3 ?
	        "DROP TABLE stories_fts; DROP VIEW stories_text;"
	        " CREATE VIRTUAL TABLE stories_fts USING fts5(text,"
	        " tokenize = 'unicode61 remove_diacritics 2');"
	        " INSERT INTO stories_fts(rowid, text) SELECT n, 'stale words' FROM stories;" :
	        "",
	    version == 2 ? "INSERT INTO stories_fts(stories_fts, rank) VALUES('automerge', 16);" :
	                   "",
	    version);

	store_exec(db, sql);
	free(sql);
}

static size_t
search_hits(struct hubstore *hs, const char *query)
{
	size_t hits = 0;
	struct err e;

	assert_int_equal(hs->ops->search(hs, query, 100, snippet_has, &hits, &e), 0);
	return hits;
}

/* Level "trusted": what import says once the bundle's kiosk (kiosk D) is
 * trusted. A record whose status or source is not the sealed story's makes
 * the whole bundle rejected, with nothing stored; an interrupted record of a
 * story sealed as a draft (a crash left it) is imported. */
static void
test_trusted_vectors(void **state)
{
	struct fixture *f = *state;
	char *path = vector_path("expected.txt"), line[512];
	FILE *fp = fopen(path, "r");
	size_t checked = 0, rejected = 0, before;
	int trusted = 0;

	assert_non_null(fp);
	while (fgets(line, sizeof line, fp) != NULL) {
		struct import_stats st = { 0 };
		struct bundle_header h;
		enum import_outcome r;
		char *level, *want;
		struct err e;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || (level = strchr(line, '\t')) == NULL)
			continue;
		*level++ = '\0';
		want = strchr(level, '\t');
		*want++ = '\0';
		if (strcmp(level, "trusted") != 0)
			continue;
		if (!trusted) { /* its first bundle is quarantined, then trusted */
			assert_int_equal(import(f, line, &st, &e), IMPORT_QUARANTINED);
			header_of(line, &h);
			assert_int_equal(import_trust(f->hs, h.kiosk_id, &f->o, &st, &e), 0);
			trusted = 1;
			memset(&st, 0, sizeof st);
		}
		before = stories(f);
		r = import(f, line, &st, &e);
		if (strncmp(want, "ok ", 3) == 0) {
			if (r != IMPORT_DONE)
				fail_msg("%s: wanted success, got \"%s\"", line, e.msg);
			assert_int_equal(st.new + st.duplicate, atoi(want + 3));
			assert_int_equal(stories(f), before + st.new);
		} else {
			if (r != IMPORT_REJECTED || strcmp(e.msg, want) != 0)
				fail_msg("%s: wanted \"%s\", got \"%s\"", line, want, e.msg);
			assert_int_equal(stories(f), before);
			rejected++;
		}
		checked++;
	}
	fclose(fp);
	free(path);
	assert_true(checked >= 3);
	assert_true(rejected >= 2);
}

/* A new store is schema 8; a store of schema 1 to 7 is moved on when
 * opened, its stories kept (their untouched, before 4, not known: NULL; no
 * scribe named) and its story_types filled from them, and, before 3,
 * its index built again from them (withdrawn text stays out); a store from
 * a newer storyhub is refused. Last: it leaves the group's store closed. */
static void
test_schema_versions(void **state)
{
	struct fixture *f = *state;
	char *db = xasprintf("%s/hub.db", f->dir), *v, *stories;
	struct hubstore *hs;
	struct err e;
	int version;

	assert_schema_8(db);
	stories = store_value(db, "SELECT count(*) FROM stories");
	assert_true(atoi(stories) > 0); /* from the tests before */
	/* one of the three "hadithi" stories was withdrawn by then */
	assert_int_equal(search_hits(f->hs, "hadithi"), 2);
	hubstore_close(f->hs);
	f->hs = NULL;

	for (version = 1; version <= 7; version++) {
		store_downgrade(db, version);
		v = store_value(db,
		    "SELECT count(*) FROM pragma_table_info('stories') WHERE"
		    " name = 'untouched'");
		assert_string_equal(v, version < 4 ? "0" : "1");
		free(v);
		v = store_value(db,
		    "SELECT count(*) FROM pragma_table_info('stories') WHERE"
		    " name = 'scribe'");
		assert_string_equal(v, version < 5 ? "0" : "1");
		free(v);
		if (version < 3) {
			v = store_value(db,
			    "SELECT count(*) FROM stories_fts WHERE stories_fts"
			    " MATCH 'stale'");
			assert_string_equal(v, stories);
			free(v);
		}
		assert_int_equal(hubstore_open(db, HUBSTORE_EXISTING, &f->hs, &e), 0);
		assert_schema_8(db);
		v = store_value(db, "SELECT count(*) FROM stories");
		assert_string_equal(v, stories);
		free(v);
		if (version < 4) {
			v = store_value(
			    db, "SELECT count(*) FROM stories WHERE untouched IS NOT NULL");
			assert_string_equal(v, "0");
			free(v);
		}
		v = store_value(db, "SELECT count(*) FROM stories WHERE scribe IS NOT NULL");
		assert_string_equal(v, "0");
		free(v);
		assert_int_equal(search_hits(f->hs, "stale"), 0);
		assert_int_equal(search_hits(f->hs, "hadithi"), 2);
		v = store_value(
		    db, "SELECT count(*) FROM stories_fts WHERE stories_fts MATCH 'hadithi'");
		assert_string_equal(v, "2"); /* the withdrawn one is not in the index */
		free(v);
		hubstore_close(f->hs);
		f->hs = NULL;
	}

	store_exec(db, "UPDATE meta SET value = '9' WHERE key = 'schema'");
	assert_int_equal(hubstore_open(db, HUBSTORE_EXISTING, &hs, &e), -1);
	assert_non_null(strstr(e.msg, "schema version \"9\""));
	assert_non_null(strstr(e.msg, "use the storyhub that wrote it"));
	v = store_value(db, "SELECT value FROM meta WHERE key = 'schema'");
	assert_string_equal(v, "9"); /* left as it was */
	free(v);
	free(stories);
	free(db);
}

/* A payload of the partnership form's markers (%s: the "untouched" member,
 * or nothing, as an older kiosk wrote). */
static char *
marker_payload(char id_digit, const char *untouched)
{
	return xasprintf(
	    "{\"v\":1,\"story_id\":\"%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c"
	    "%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c%c\","
	    "\"code\":\"M4R-K3R\",\"kiosk\":\"0123456789abcdef\",\"form\":\"f\","
	    "\"form_version\":1,\"source\":\"kiosk\",\"created\":\"2026-01-01T00:00:00Z\","
	    "\"saved\":\"2026-01-01T00:00:00Z\",\"types\":{\"story\":\"story\","
	    "\"drivers\":\"triad\",\"equal\":\"scale\",\"trust\":\"scale\","
	    "\"age\":\"number\"},\"lang\":\"en\",\"consent\":\"analysis\",\"prompt\":null,"
	    "\"answers\":{\"story\":\"A story.\",\"drivers\":[0.33333333333333331,"
	    "0.33333333333333331,0.33333333333333331],\"equal\":65,\"trust\":null,"
	    "\"age\":40}%s}",
	    id_digit, id_digit, id_digit, id_digit, id_digit, id_digit, id_digit, id_digit,
	    id_digit, id_digit, id_digit, id_digit, id_digit, id_digit, id_digit, id_digit,
	    id_digit, id_digit, id_digit, id_digit, id_digit, id_digit, id_digit, id_digit,
	    id_digit, id_digit, id_digit, id_digit, id_digit, id_digit, id_digit, id_digit,
	    untouched);
}

/* Decode (as import does, with payread) and store one payload, its record
 * of this source (story.h). */
static void
put_payload_as(
    struct hubstore *hs, struct payread *rd, const char *text, unsigned char idb, int source)
{
	struct hub_story_in in = { 0 };
	struct payload *p;
	enum hub_put put;
	struct err e;

	if (payread_decode(rd, text, strlen(text), &p, &e) != 0)
		fail_msg("payread_decode: %s", e.msg);
	memset(in.id, idb, sizeof in.id);
	memset(in.kiosk_id, 0x01, sizeof in.kiosk_id);
	in.seq = idb;
	in.status = 1;
	in.source = source;
	memset(in.content_hash, idb, sizeof in.content_hash);
	in.p = p;
	in.text = p->text;
	assert_int_equal(hs->ops->begin(hs, &e), 0);
	assert_int_equal(hs->ops->story_put(hs, &in, &put, &e), 0);
	assert_int_equal(hs->ops->commit(hs, &e), 0);
	assert_int_equal(put, HUB_PUT_NEW);
	payload_free(p);
}

static void
put_payload(struct hubstore *hs, struct payread *rd, const char *text, unsigned char idb)
{
	put_payload_as(hs, rd, text, idb, SOURCE_KIOSK);
}

/* The payload's "untouched" reaches the store and both exports: in CSV a
 * column Q_untouched per scale and triad after the questions' columns, 1
 * untouched, 0 moved, empty when the answer is null or the payload did not
 * say (an older kiosk); in JSON the list, or null when not recorded. */
static void
test_untouched_exported(void **state)
{
	struct fixture *f = *state;
	struct hub_export_opts o = { 0 };
	struct hubstore *hs;
	struct payread *rd;
	char *db = xasprintf("%s/untouched.db", f->dir), *text, *buf = NULL, *fields[64];
	const char *p;
	size_t len = 0, n, nf, i;
	const char *want_header[] = { "drivers_untouched", "equal_untouched", "trust_untouched" };
	json_t *arr, *v;
	FILE *fp;
	struct err e;

	assert_int_equal(hubstore_open(db, HUBSTORE_CREATE, &hs, &e), 0);
	assert_int_equal(payread_open(&rd, &e), 0);
	text = marker_payload('a', ",\"untouched\":[\"drivers\"]");
	put_payload(hs, rd, text, 0xaa);
	free(text);
	text = marker_payload('b', ""); /* older kiosk */
	put_payload(hs, rd, text, 0xbb);
	free(text);
	payread_close(rd);
	text = store_value(db, "SELECT untouched FROM stories ORDER BY n LIMIT 1");
	assert_string_equal(text, "[\"drivers\"]");
	free(text);
	/* the untouched triad is stored as the payload kept it: exactly a third */
	text = store_value(db, "SELECT answers FROM stories ORDER BY n LIMIT 1");
	arr = json_loads(text, 0, NULL);
	v = json_object_get(arr, "drivers");
	for (i = 0; i < 3; i++)
		assert_true(json_real_value(json_array_get(v, i)) == 1.0 / 3);
	json_decref(arr);
	free(text);

	assert_int_equal(
	    hub_export_tiers_parse(HUB_EXPORT_DEFAULT_TIERS, &o.tiers, &o.ntiers, &e), 0);
	o.format = HUB_EXPORT_CSV;
	fp = open_memstream(&buf, &len);
	assert_int_equal(hub_export(hs, &o, fp, &n, &e), 0);
	fclose(fp);
	assert_int_equal(n, 2);
	p = csv_record(buf, fields, 64, &nf);
	assert_true(nf >= 3);
	for (i = 0; i < 3; i++)
		assert_string_equal(fields[nf - 3 + i], want_header[i]);
	assert_string_equal(fields[nf - 4], "age"); /* after every question column */
	for (i = 0; i < nf; i++)
		free(fields[i]);
	p = csv_record(p, fields, 64, &nf); /* recorded: 1, 0, null */
	assert_string_equal(fields[nf - 3], "1");
	assert_string_equal(fields[nf - 2], "0");
	assert_string_equal(fields[nf - 1], "");
	for (i = 0; i < nf; i++)
		free(fields[i]);
	p = csv_record(p, fields, 64, &nf); /* not recorded: empty */
	assert_string_equal(fields[nf - 3], "");
	assert_string_equal(fields[nf - 2], "");
	assert_string_equal(fields[nf - 1], "");
	for (i = 0; i < nf; i++)
		free(fields[i]);
	assert_string_equal(p, "");
	free(buf);

	buf = NULL;
	o.format = HUB_EXPORT_JSON;
	fp = open_memstream(&buf, &len);
	assert_int_equal(hub_export(hs, &o, fp, &n, &e), 0);
	fclose(fp);
	arr = json_loads(buf, 0, NULL);
	assert_int_equal(json_array_size(arr), 2);
	v = json_object_get(json_array_get(arr, 0), "untouched");
	assert_true(json_is_array(v));
	assert_int_equal(json_array_size(v), 1);
	assert_string_equal(json_string_value(json_array_get(v, 0)), "drivers");
	/* the export's 15 digits of a third, three times */
	v = json_object_get(json_object_get(json_array_get(arr, 0), "answers"), "drivers");
	for (i = 0; i < 3; i++)
		assert_true(json_real_value(json_array_get(v, i)) == 0.333333333333333);
	v = json_object_get(json_array_get(arr, 1), "untouched");
	assert_non_null(v);
	assert_true(json_is_null(v));
	json_decref(arr);
	free(buf);
	hub_export_tiers_free(o.tiers, o.ntiers);
	hubstore_close(hs);
	free(db);
}

/* A scribe's story (source scribe, the initials in the payload) reaches the
 * store and both exports: in CSV a column "scribe" right after "source",
 * empty for a teller's own story; in JSON "scribe", null for those. */
static void
test_scribe_exported(void **state)
{
	struct fixture *f = *state;
	struct hub_export_opts o = { 0 };
	struct hubstore *hs;
	struct payread *rd;
	char *db = xasprintf("%s/scribe.db", f->dir), *text, *buf = NULL, *fields[64];
	const char *p;
	size_t len = 0, n, nf, i, col;
	json_t *arr, *v;
	FILE *fp;
	struct err e;

	assert_int_equal(hubstore_open(db, HUBSTORE_CREATE, &hs, &e), 0);
	assert_int_equal(payread_open(&rd, &e), 0);
	text = marker_payload('c', ",\"scribe\":\"AB\"");
	put_payload_as(hs, rd, text, 0xcc, SOURCE_SCRIBE);
	free(text);
	text = marker_payload('d', "");
	put_payload(hs, rd, text, 0xdd);
	free(text);
	payread_close(rd);
	text = store_value(db, "SELECT source || ' ' || scribe FROM stories ORDER BY n LIMIT 1");
	assert_string_equal(text, "scribe AB");
	free(text);

	assert_int_equal(
	    hub_export_tiers_parse(HUB_EXPORT_DEFAULT_TIERS, &o.tiers, &o.ntiers, &e), 0);
	o.format = HUB_EXPORT_CSV;
	fp = open_memstream(&buf, &len);
	assert_int_equal(hub_export(hs, &o, fp, &n, &e), 0);
	fclose(fp);
	assert_int_equal(n, 2);
	p = csv_record(buf, fields, 64, &nf);
	for (col = 0; col < nf && strcmp(fields[col], "source") != 0; col++)
		;
	assert_true(col + 1 < nf);
	assert_string_equal(fields[col + 1], "scribe");
	for (i = 0; i < nf; i++)
		free(fields[i]);
	p = csv_record(p, fields, 64, &nf);
	assert_string_equal(fields[col], "scribe");
	assert_string_equal(fields[col + 1], "AB");
	for (i = 0; i < nf; i++)
		free(fields[i]);
	p = csv_record(p, fields, 64, &nf);
	assert_string_equal(fields[col], "kiosk");
	assert_string_equal(fields[col + 1], "");
	for (i = 0; i < nf; i++)
		free(fields[i]);
	assert_string_equal(p, "");
	free(buf);

	buf = NULL;
	o.format = HUB_EXPORT_JSON;
	fp = open_memstream(&buf, &len);
	assert_int_equal(hub_export(hs, &o, fp, &n, &e), 0);
	fclose(fp);
	arr = json_loads(buf, 0, NULL);
	assert_int_equal(json_array_size(arr), 2);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(arr, 0), "source")), "scribe");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(arr, 0), "scribe")), "AB");
	v = json_object_get(json_array_get(arr, 1), "scribe");
	assert_non_null(v);
	assert_true(json_is_null(v));
	json_decref(arr);
	free(buf);
	hub_export_tiers_free(o.tiers, o.ntiers);
	hubstore_close(hs);
	free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quarantine_then_trust),
		cmocka_unit_test(test_idempotent_with_receipt),
		cmocka_unit_test(test_bad_vectors_store_nothing),
		cmocka_unit_test(test_unknown_and_revoked),
		cmocka_unit_test(test_conflict_kept),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_withdraw_and_search),
		cmocka_unit_test(test_payload_long_strings),
		cmocka_unit_test(test_untouched_exported),
		cmocka_unit_test(test_scribe_exported),
		cmocka_unit_test(test_trusted_vectors),
		cmocka_unit_test(test_schema_versions),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
