/* import_files: bundles go through the pipeline (the next bundle verified and
 * its records opened while the current one is stored and committed) and each
 * ends exactly as import_file would end it: big bundles (past the lookahead
 * ring), a repeat, a bundle that fails half-way after its records were opened
 * ahead, unreadable files, an unknown kiosk; outcomes reported in order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "answers.h"
#include "bundle.h"
#include "form.h"
#include "fsutil.h"
#include "hubstore.h"
#include "import.h"
#include "payload.h"
#include "seal.h"
#include "store.h"
#include "testutil.h"
#include "xmalloc.h"

#define BIG 1500 /* more records than the lookahead ring holds */
#define MAX_REPORTS 16

struct fixture {
	char *dir;
	struct form *form;
	struct hub_seckey *hub, *other;
	struct kiosk_identity *trusted, *stranger;
	struct hubstore *hs;
};

struct reports {
	size_t n;
	enum import_outcome res[MAX_REPORTS];
	char msg[MAX_REPORTS][ERR_MAX];
	char *path[MAX_REPORTS];
	size_t last_bundle, last_done, last_total, calls;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct form_problems probs = { 0 };
	struct hub_kiosk k = { 0 };
	char *path, *db;
	struct err e;

	if (sodium_init() < 0)
		return -1;
	f->dir = testutil_tmpdir();
	path = testutil_repo_path("forms/partnership.yaml");
	if (form_load(path, &f->form, &probs, &e) == -1) {
		fprintf(stderr, "%s: %s\n", path, e.msg);
		return -1;
	}
	form_problems_free(&probs);
	free(path);
	f->hub = keys_hub_generate();
	f->other = keys_hub_generate();
	f->trusted = keys_kiosk_generate();
	f->stranger = keys_kiosk_generate();
	db = fsutil_join(f->dir, "hub.db");
	if (hubstore_open(db, HUBSTORE_CREATE, &f->hs, &e) == -1) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	free(db);
	memcpy(k.id, f->trusted->id, KEY_ID_BYTES);
	memcpy(k.pk, f->trusted->pk, sizeof k.pk);
	snprintf(k.name, sizeof k.name, "trusted kiosk");
	k.status = HUB_KIOSK_TRUSTED;
	k.first_seen = k.last_seen = (int64_t)time(NULL);
	if (f->hs->ops->kiosk_put(f->hs, &k, &e) == -1) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	hubstore_close(f->hs);
	keys_hub_free(f->hub);
	keys_hub_free(f->other);
	keys_kiosk_free(f->trusted);
	keys_kiosk_free(f->stranger);
	form_free(f->form);
	testutil_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* A story of kiosk kid, number n, sealed to hub. */
static void
seal_one(struct fixture *f, const struct kiosk_identity *kid, const struct hub_pubkey *hub,
    uint64_t n, struct bundle_record *r)
{
	static const double triad[3] = { 0.2, 0.3, 0.5 };
	char story[128], kid_hex[KEY_ID_HEX], *text;
	struct answers *a = answers_new(f->form);
	struct payload_meta m = { 0 };
	unsigned char *sealed;
	size_t len;
	struct err e;

	randombytes_buf(r->id, sizeof r->id);
	keys_id_hex(kid->id, kid_hex);
	snprintf(story, sizeof story, "Story %llu: the water committee shared its budget.",
	    (unsigned long long)n);
	answers_set_meta(a, "en", "analysis", "worked");
	answers_set_text(a, "story", story);
	answers_set_triad(a, "drivers", triad);
	m.story_id = r->id;
	m.code = "K7P-2QX";
	m.kiosk = kid_hex;
	m.source = "kiosk";
	m.status = "submitted";
	m.created = m.saved = 1795000000 + (int64_t)n;
	text = payload_encode(&m, f->form, a);
	assert_int_equal(
	    seal_story(r->id, (unsigned char *)text, strlen(text), hub, 1, &sealed, &len, &e), 0);
	payload_text_free(text);
	answers_free(a);
	r->seq = n;
	r->status = STATUS_SUBMITTED;
	r->source = SOURCE_KIOSK;
	r->sealed = sealed;
	r->sealed_len = len;
}

/* Write DIR/name: n stories of kid addressed to the hub; the story at
 * misseal (1-based; 0: none) is sealed to another hub key. */
static char *
write_bundle(struct fixture *f, const char *name, const struct kiosk_identity *kid, uint64_t seq,
    size_t n, size_t misseal)
{
	struct bundle_writer *w;
	unsigned char *buf;
	size_t len, i;
	char *path = fsutil_join(f->dir, name);
	struct err e;

	assert_int_equal(
	    bundle_writer_create(kid, "kiosk", seq, 1795000000, &f->hub->pub, 1, &w, &e), 0);
	for (i = 1; i <= n; i++) {
		struct bundle_record r;

		seal_one(
		    f, kid, i == misseal ? &f->other->pub : &f->hub->pub, seq * 100000 + i, &r);
		assert_int_equal(bundle_writer_add(w, &r, &e), 0);
		free((void *)r.sealed);
	}
	assert_int_equal(bundle_writer_finish(w, &buf, &len, &e), 0);
	assert_int_equal(fsutil_write_atomic(path, buf, len, 0600, 0, &e), 0);
	free(buf);
	return path;
}

static void
on_report(void *ctx, const char *path, enum import_outcome res, const struct err *e)
{
	struct reports *r = ctx;

	assert_true(r->n < MAX_REPORTS);
	r->res[r->n] = res;
	r->path[r->n] = (char *)path;
	snprintf(r->msg[r->n], ERR_MAX, "%s", res == IMPORT_DONE ? "" : e->msg);
	r->n++;
}

static void
on_progress(void *ctx, size_t bundle, size_t done, size_t total)
{
	struct reports *r = ctx;

	/* in order: bundle by bundle, record by record */
	if (r->calls > 0 && bundle == r->last_bundle)
		assert_int_equal(done, r->last_done + 1);
	else
		assert_int_equal(done, 1);
	assert_true(r->calls == 0 || bundle >= r->last_bundle);
	/* storing stalls once (after a slot was freed): opening runs ahead
	 * until the ring is full */
	if (bundle == 0 && done == 2)
		nanosleep(&(struct timespec){ 0, 300 * 1000 * 1000 }, NULL);
	r->last_bundle = bundle;
	r->last_done = done;
	r->last_total = total;
	r->calls++;
}

static size_t
count_rows(struct fixture *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *path = fsutil_join(f->dir, "hub.db");
	size_t n;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return n;
}

static void
test_pipeline_outcomes(void **state)
{
	struct fixture *f = *state;
	char *big = write_bundle(f, "big.skb", f->trusted, 1, BIG, 0);
	/* fails at record 1400: by then its first records were opened ahead,
	 * during the commit of the bundle before it */
	char *bad = write_bundle(f, "bad.skb", f->trusted, 2, 1450, 1400);
	char *garbage = fsutil_join(f->dir, "garbage.skb");
	char *missing = fsutil_join(f->dir, "missing.skb");
	char *stranger = write_bundle(f, "stranger.skb", f->stranger, 1, 5, 0);
	char *small = write_bundle(f, "small.skb", f->trusted, 3, 3, 0);
	char *paths[] = { big, big, bad, garbage, missing, stranger, small };
	static const enum import_outcome want[] = { IMPORT_DONE, IMPORT_DONE, IMPORT_REJECTED,
		IMPORT_REJECTED, IMPORT_REJECTED, IMPORT_QUARANTINED, IMPORT_DONE };
	struct reports r = { 0 };
	struct import_opts o = { .key = f->hub,
		.receipts = 1,
		.report = on_report,
		.progress = on_progress,
		.ctx = &r };
	struct import_stats st = { 0 };
	char *rpath;
	struct err e;
	size_t i;

	assert_int_equal(fsutil_write_atomic(garbage, "SKBUNDLE not really", 19, 0600, 0, &e), 0);
	import_files(f->hs, paths, 7, &o, &st);

	assert_int_equal(r.n, 7);
	for (i = 0; i < 7; i++) {
		assert_int_equal(r.res[i], want[i]);
		assert_ptr_equal(r.path[i], paths[i]);
	}
	assert_non_null(strstr(r.msg[2], "record 1400 is not sealed to this hub key"));
	assert_non_null(strstr(r.msg[3], "truncated"));
	assert_non_null(strstr(r.msg[4], "missing.skb"));
	assert_non_null(strstr(r.msg[5], "quarantined"));
	/* the last progress call was for the last bundle, all of it */
	assert_int_equal(r.last_bundle, 6);
	assert_int_equal(r.last_done, 3);
	assert_int_equal(r.last_total, 3);

	assert_int_equal(st.bundles, 7);
	assert_int_equal(st.new, BIG + 3);
	assert_int_equal(st.duplicate, BIG);
	assert_int_equal(st.rejected, 3);
	assert_int_equal(st.quarantined, 5);
	assert_int_equal(st.receipts, 3); /* big (twice) and small */
	assert_non_null(strstr(st.reason, "bad.skb"));
	/* nothing of the failed bundle stayed: one transaction per bundle */
	assert_int_equal(count_rows(f, "SELECT count(*) FROM stories"), BIG + 3);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM bundles"), 2);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM quarantine"), 1);
	assert_int_equal(count_rows(f,
	                     "SELECT count(*) FROM stories_fts"
	                     " WHERE stories_fts MATCH 'committee'"),
	    BIG + 3);
	/* each record stored with its own payload (its sequence is in its text) */
	assert_int_equal(count_rows(f,
	                     "SELECT count(*) FROM stories"
	                     " WHERE instr(answers, 'Story ' || seq || ':') = 0"),
	    0);
	rpath = xasprintf("%s.receipt", bad);
	assert_int_equal(access(rpath, F_OK), -1);
	free(rpath);

	free(big);
	free(bad);
	free(garbage);
	free(missing);
	free(stranger);
	free(small);
}

/* The pipeline changes the speed, not the result: after import_files, the
 * same files one by one with import_file find everything held. */
static void
test_same_as_one_by_one(void **state)
{
	struct fixture *f = *state;
	char *a = write_bundle(f, "a.skb", f->trusted, 10, 40, 0);
	char *b = write_bundle(f, "b.skb", f->trusted, 11, 1100, 0);
	char *paths[] = { a, b, a };
	struct import_opts o = { .key = f->hub };
	struct import_stats many = { 0 }, one = { 0 };
	size_t before = count_rows(f, "SELECT count(*) FROM stories"), i;
	struct err e;

	import_files(f->hs, paths, 3, &o, &many);
	assert_int_equal(many.new, 1140);
	assert_int_equal(many.duplicate, 40);
	assert_int_equal(many.rejected, 0);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM stories"), before + 1140);
	assert_int_equal(count_rows(f,
	                     "SELECT count(*) FROM stories"
	                     " WHERE instr(answers, 'Story ' || seq || ':') = 0"),
	    0);
	for (i = 0; i < 3; i++)
		assert_int_equal(import_file(f->hs, paths[i], &o, &one, &e), IMPORT_DONE);
	assert_int_equal(one.new, 0);
	assert_int_equal(one.duplicate, 1180);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM stories"), before + 1140);
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipeline_outcomes),
		cmocka_unit_test(test_same_as_one_by_one),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
