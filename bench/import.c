/* bench-import: the hub's import and the kiosk's export against their limits,
 * in one process and one run (bench/import.sh drives it).
 *
 *   bench-import DIR [BUNDLES [STORIES [RUNS [EXPORT_STORIES [EXPORT_RUNS]]]]]
 *
 * Generates BUNDLES bundles of STORIES sealed stories of about 2 KB each into
 * DIR/bundles (one kiosk identity, one hub key written to DIR/hub with
 * passphrase BENCH_PASS, the kiosk already trusted in DIR/seed.db), then, RUNS
 * times and alternating:
 *
 *   import  import_files() into a copy of the seed store: the code path of
 *           `storyhub import` (verify, open on every core, FTS, receipts)
 *   limit   the same work done plainly, on one thread: bundle_read() (verify
 *           whole), then for every record seal_open(), payread_decode() (the
 *           hub's payload reader) and its BLAKE2b content hash, inserted
 *           into a SQLite database with the hub store's table, unique and
 *           other indexes, FTS5 index (same tokenizer and automerge) and
 *           pragmas, one transaction per bundle
 *
 * and for export, over a kiosk store of EXPORT_STORIES stories:
 *
 *   export  export_run(--all) into a fresh directory (what `storykiosk export`
 *           does: read the store, build, sign, write atomically, mark exported)
 *   sign    the same sealed bytes, already in memory, concatenated, signed
 *           (Ed25519ph) and written atomically
 *
 * An export takes some 20 ms, where this shared machine's jitter is a few
 * ms, so export and sign alternate EXPORT_RUNS times (default 15).
 *
 * Prints one "name value" line per figure (stories/s, medians over RUNS) for
 * the script to summarise.
 *
 *   bench-import --store DIR BUNDLES STORIES [SMALL]
 *
 * only makes stores for other benches (bench/report.sh): BUNDLES x STORIES
 * stories whose answers vary (role, consent tier, language, prompt, scales,
 * triad, obstacles, age, in patterns that repeat) imported into
 * DIR/store.db by import_files(), the kiosk trusted; with SMALL, also
 * DIR/small.db holding the first SMALL bundles only. */
#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "answers.h"
#include "bundle.h"
#include "export.h"
#include "form.h"
#include "fsutil.h"
#include "hubstore.h"
#include "import.h"
#include "keys.h"
#include "kiosk.h"
#include "payload.h"
#include "payread.h"
#include "seal.h"
#include "store.h"
#include "xmalloc.h"

#define BENCH_PASS "bench passphrase"
#define BENCH_PIN "2468"
#define STORY_BYTES 2000
#define MAX_RUNS 15

static const char *const words[] = { "community", "partnership", "funding", "village", "committee",
	"clinic", "water", "school", "trust", "power", "listened", "together", "agenda", "process",
	"donor", "volunteers", "meeting", "report", "project", "women", "youth", "elders", "well",
	"market", "training", "budget", "we", "they", "the", "and", "because", "when", "helped",
	"failed", "asked", "decided", "shared", "learned", "years", "season" };

static void
die(const char *what, const struct err *e)
{
	fprintf(stderr, "bench-import: %s: %s\n", what, e ? e->msg : strerror(errno));
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the whole process (every thread), in seconds. */
static double
cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* About STORY_BYTES of varied words (so the full-text index does real work). */
static void
make_story(char *out, size_t cap, uint32_t seed)
{
	size_t len = 0;

	while (len + 16 < cap && len < STORY_BYTES) {
		const char *w;

		seed = seed * 1103515245u + 12345u;
		w = words[(seed >> 16) % (sizeof words / sizeof words[0])];
		len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " " : "", w);
		if ((seed >> 8) % 13 == 0)
			len += (size_t)snprintf(out + len, cap - len, " %u.", seed % 997);
	}
	out[len] = '\0';
}

struct gen {
	const struct form *f;
	struct kiosk_identity *kid;
	struct hub_pubkey *hub;
	char kid_hex[KEY_ID_HEX];
	uint64_t seq;
	int varied; /* answers that differ from story to story (--store) */
};

/* Answers that vary with n, for a store a report has something to say
 * about: the role shifts a scale and the triad, as a real pattern would. */
static void
vary(struct answers *a, uint64_t n)
{
	static const char *const roles[] = { "community", "volunteer", "local_org", "intl_org",
		"funder", "other" };
	static const char *const tiers[] = { "analysis", "quotes", "public" };
	static const char *const langs[] = { "en", "fr", "sw" };
	static const char *const prompts[] = { "worked", "failed", "power" };
	static const char *const obstacles[] = { "competition", "funding", "power", "process",
		"agendas", "vision" };
	uint64_t h = n + 0x9e3779b97f4a7c15u, role;
	const char *picked[3];
	size_t npicked = 0;
	double t[3];
	int steps[3];

	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u; /* splitmix64 */
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
	h ^= h >> 31;
	role = h % 6;
	answers_set_meta(a, langs[(h >> 8) % 3], tiers[(h >> 12) % 3], prompts[(h >> 16) % 3]);
	answers_set_text(a, "role", roles[role]);
	if (role == 5)
		answers_set_text(a, "role_other", "a neighbour");
	answers_set_number(a, "equal", (double)(5 * ((h >> 20) % 21)));
	answers_set_number(a, "listened", (double)(5 * ((role * 3 + (h >> 24) % 9) % 21)));
	answers_set_number(a, "trust", (double)(5 * ((h >> 28) % 21)));
	steps[0] = (int)((role + (h >> 32) % 5) % 11);
	steps[1] = (int)((h >> 36) % (uint64_t)(11 - steps[0]));
	steps[2] = 10 - steps[0] - steps[1];
	for (int j = 0; j < 3; j++)
		t[j] = steps[j] / 10.0;
	answers_set_triad(a, "drivers", t);
	if ((h >> 40) % 8 == 0)
		picked[npicked++] = "nothing";
	else
		for (int j = 0; j < 6 && npicked < 3; j++)
			if ((h >> (41 + j)) & 1)
				picked[npicked++] = obstacles[j];
	if (npicked == 0)
		picked[npicked++] = obstacles[(h >> 41) % 6];
	answers_set_ids(a, "obstacles", picked, npicked);
	if ((h >> 48) % 5 != 0)
		answers_set_number(a, "age", (double)(16 + (h >> 50) % 70));
}

/* One story: payload JSON as the kiosk encodes it, sealed to the hub key. */
static void
seal_one(struct gen *g, uint64_t n, unsigned char id[SEAL_ID_BYTES], unsigned char **sealed,
    size_t *sealed_len)
{
	static const double triad[3] = { 0.5, 0.3, 0.2 };
	char story[STORY_BYTES + 64], *text;
	struct payload_meta m = { 0 };
	struct answers *a = answers_new(g->f);
	struct err e;

	randombytes_buf(id, SEAL_ID_BYTES);
	make_story(story, sizeof story, (uint32_t)n);
	answers_set_meta(a, "en", "analysis", "worked");
	answers_set_text(a, "story", story);
	answers_set_text(a, "title", "A benchmark story");
	answers_set_triad(a, "drivers", triad);
	answers_set_number(a, "equal", 35);
	answers_set_text(a, "role", "community");
	if (g->varied)
		vary(a, n);
	m.story_id = id;
	m.code = "K7P-2QX";
	m.kiosk = g->kid_hex;
	m.source = "paper";
	m.status = "submitted";
	m.created = m.saved = 1795000000 + (int64_t)n;
	text = payload_encode(&m, g->f, a);
	if (seal_story(
	        id, (unsigned char *)text, strlen(text), g->hub, 1, sealed, sealed_len, &e) == -1)
		die("seal_story", &e);
	payload_text_free(text);
	answers_free(a);
}

static void
write_bundles(struct gen *g, const char *dir, size_t nbundles, size_t nstories)
{
	size_t b, i, bytes = 0;
	struct err e;

	for (b = 0; b < nbundles; b++) {
		struct bundle_writer *w;
		unsigned char *buf, **sealed = xcalloc(nstories, sizeof *sealed);
		size_t len, *slen = xcalloc(nstories, sizeof *slen);
		char *name, *path;
		FILE *fp;

		if (bundle_writer_create(
		        g->kid, "bench kiosk", b + 1, 1795000000, g->hub, 1, &w, &e) == -1)
			die("bundle_writer_create", &e);
		for (i = 0; i < nstories; i++) {
			struct bundle_record r;

			seal_one(g, g->seq, r.id, &sealed[i], &slen[i]);
			r.seq = ++g->seq;
			r.status = STATUS_SUBMITTED;
			r.source = SOURCE_PAPER;
			r.sealed = sealed[i];
			r.sealed_len = slen[i];
			if (bundle_writer_add(w, &r, &e) == -1)
				die("bundle_writer_add", &e);
		}
		if (bundle_writer_finish(w, &buf, &len, &e) == -1)
			die("bundle_writer_finish", &e);
		name = bundle_file_name(g->kid->id, b + 1);
		path = fsutil_join(dir, name);
		if ((fp = fopen(path, "wb")) == NULL)
			die(path, NULL);
		if (bundle_write_file(fp, buf, len, &e) == -1)
			die(path, &e);
		if (fclose(fp) != 0)
			die(path, NULL);
		bytes += len;
		for (i = 0; i < nstories; i++)
			free(sealed[i]);
		free(sealed);
		free(slen);
		free(buf);
		free(name);
		free(path);
	}
	printf("bundle_bytes_each %zu\n", bytes / (nbundles ? nbundles : 1));
}

static void
copy_file(const char *from, const char *to)
{
	unsigned char *buf;
	size_t len;
	struct err e;

	if (fsutil_read_file(from, (size_t)1 << 30, &buf, &len, &e) == -1)
		die(from, &e);
	if (fsutil_write_atomic(to, buf, len, 0600, 1, &e) == -1)
		die(to, &e);
	free(buf);
}

static void
rm_store(const char *path)
{
	char *p;

	unlink(path);
	p = xasprintf("%s-wal", path);
	unlink(p);
	free(p);
	p = xasprintf("%s-shm", path);
	unlink(p);
	free(p);
}

/* A hub store where the bench kiosk is already trusted. */
static void
make_seed(const char *path, const struct kiosk_identity *kid)
{
	struct hubstore *hs;
	struct hub_kiosk k = { 0 };
	struct err e;

	if (hubstore_open(path, HUBSTORE_CREATE, &hs, &e) == -1)
		die(path, &e);
	memcpy(k.id, kid->id, KEY_ID_BYTES);
	memcpy(k.pk, kid->pk, sizeof k.pk);
	snprintf(k.name, sizeof k.name, "bench kiosk");
	k.status = HUB_KIOSK_TRUSTED;
	k.first_seen = k.last_seen = (int64_t)time(NULL);
	if (hs->ops->kiosk_put(hs, &k, &e) == -1)
		die("kiosk_put", &e);
	hubstore_close(hs); /* closing the last connection checkpoints the WAL */
}

static double
run_import(
    const char *dir, char **paths, size_t nbundles, size_t nstories, const struct hub_seckey *key)
{
	char *seed = fsutil_join(dir, "seed.db"), *db = fsutil_join(dir, "import.db");
	struct import_opts o = { .key = key, .receipts = 1 };
	struct import_stats st = { 0 };
	struct hubstore *hs;
	struct err e;
	double t0, t;

	rm_store(db);
	copy_file(seed, db);
	t0 = now();
	if (hubstore_open(db, HUBSTORE_EXISTING, &hs, &e) == -1)
		die(db, &e);
	import_files(hs, paths, nbundles, &o, &st);
	hubstore_close(hs);
	if (st.rejected + st.quarantined > 0) {
		fprintf(stderr, "bench-import: %s\n", st.reason);
		exit(1);
	}
	t = now() - t0;
	if (st.new != nbundles * nstories) {
		fprintf(stderr, "bench-import: imported %zu new, expected %zu\n", st.new,
		    nbundles * nstories);
		exit(1);
	}
	rm_store(db);
	free(seed);
	free(db);
	return t;
}

struct limit_ctx {
	const struct hub_seckey *key;
	struct payread *rd;
	sqlite3_stmt *ins, *fts;
	size_t n;
};

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static int
limit_record(const struct bundle_record *r, void *arg, struct err *e)
{
	struct limit_ctx *c = arg;
	unsigned char *plain, hash[32];
	struct payload *p = NULL;
	size_t len;
	int rv = -1;

	if (seal_open(r->id, r->sealed, r->sealed_len, c->key, &plain, &len, e) == -1)
		return -1;
	if (payread_decode(c->rd, (const char *)plain, len, &p, e) == -1)
		goto out;
	crypto_generichash(hash, sizeof hash, plain, len, NULL, 0);
	bind_text(c->ins, 1, p->story_id);
	sqlite3_bind_blob(c->ins, 2, hash, sizeof hash, SQLITE_STATIC);
	bind_text(c->ins, 3, p->kiosk);
	sqlite3_bind_int64(c->ins, 4, (sqlite3_int64)r->seq);
	bind_text(c->ins, 5, "submitted");
	bind_text(c->ins, 6, p->source);
	bind_text(c->ins, 7, p->code);
	bind_text(c->ins, 8, p->form);
	sqlite3_bind_int64(c->ins, 9, p->form_version);
	bind_text(c->ins, 10, p->created);
	bind_text(c->ins, 11, p->saved);
	bind_text(c->ins, 12, "2026-01-01T00:00:00Z");
	bind_text(c->ins, 13, p->lang);
	bind_text(c->ins, 14, p->consent);
	bind_text(c->ins, 15, p->prompt);
	bind_text(c->ins, 16, p->answers);
	bind_text(c->ins, 17, p->types);
	bind_text(c->ins, 18, p->untouched);
	bind_text(c->ins, 19, p->scribe);
	if (sqlite3_step(c->ins) != SQLITE_DONE) {
		err_set(e, "insert: %s", sqlite3_errmsg(sqlite3_db_handle(c->ins)));
		goto out;
	}
	sqlite3_reset(c->ins);
	sqlite3_bind_int64(c->fts, 1, sqlite3_last_insert_rowid(sqlite3_db_handle(c->ins)));
	bind_text(c->fts, 2, p->text);
	if (sqlite3_step(c->fts) != SQLITE_DONE) {
		err_set(e, "index: %s", sqlite3_errmsg(sqlite3_db_handle(c->fts)));
		goto out;
	}
	sqlite3_reset(c->fts);
	c->n++;
	rv = 0;
out:
	payload_free(p);
	seal_plain_free(plain, len);
	return rv;
}

static void
exec_sql(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench-import: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
}

static double
run_limit(
    const char *dir, char **paths, size_t nbundles, size_t nstories, const struct hub_seckey *key)
{
	char *db = fsutil_join(dir, "limit.db");
	struct limit_ctx c = { .key = key };
	struct bundle_sink sink = { NULL, limit_record, &c };
	struct err e0;
	sqlite3 *s;
	double t0, t;
	size_t i;

	rm_store(db);
	t0 = now();
	if (sqlite3_open(db, &s) != SQLITE_OK)
		die(db, NULL);
	if (payread_open(&c.rd, &e0) == -1)
		die("payread_open", &e0);
	/* the hub store's pragmas, table, indexes and full-text index
	 * (hubstore-sqlite.c), without the store's code around them */
	exec_sql(s,
	    "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    " PRAGMA secure_delete=ON; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=4000;"
	    " CREATE TABLE stories(n INTEGER PRIMARY KEY, story_id TEXT NOT NULL,"
	    " content BLOB NOT NULL, kiosk TEXT NOT NULL, seq INTEGER NOT NULL,"
	    " status TEXT NOT NULL, source TEXT NOT NULL, code TEXT NOT NULL, form TEXT NOT NULL,"
	    " form_version INTEGER NOT NULL, created TEXT, saved TEXT, imported TEXT NOT NULL,"
	    " lang TEXT, consent TEXT, prompt TEXT, answers TEXT, types TEXT,"
	    " conflict INTEGER NOT NULL DEFAULT 0, withdrawn INTEGER NOT NULL DEFAULT 0,"
	    " untouched TEXT, scribe TEXT, UNIQUE(story_id, content));"
	    " CREATE INDEX stories_code ON stories(code);"
	    " CREATE INDEX stories_kiosk ON stories(kiosk);"
	    " CREATE VIRTUAL TABLE stories_fts USING fts5(text, content = '',"
	    " tokenize = 'unicode61 remove_diacritics 2');"
	    " INSERT INTO stories_fts(stories_fts, rank) VALUES('automerge', 16);");
	if (sqlite3_prepare_v2(s,
	        "INSERT INTO stories(story_id, content, kiosk, seq, status, source, code, form,"
	        " form_version, created, saved, imported, lang, consent, prompt, answers, types,"
	        " untouched, scribe) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	        " ?14, ?15, ?16, ?17, ?18, ?19)",
	        -1, &c.ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s, "INSERT INTO stories_fts(rowid, text) VALUES(?, ?)", -1, &c.fts,
	        NULL) != SQLITE_OK)
		die("prepare", NULL);
	for (i = 0; i < nbundles; i++) {
		unsigned char *buf;
		size_t len;
		struct err e;

		if (bundle_load_file(paths[i], &buf, &len, &e) == -1)
			die(paths[i], &e);
		exec_sql(s, "BEGIN");
		if (bundle_read(buf, len, key->pub.id, &sink, &e) == -1)
			die(paths[i], &e);
		exec_sql(s, "COMMIT");
		free(buf);
	}
	sqlite3_finalize(c.ins);
	sqlite3_finalize(c.fts);
	sqlite3_close(s);
	payread_close(c.rd);
	t = now() - t0;
	if (c.n != nbundles * nstories) {
		fprintf(stderr, "bench-import: limit stored %zu, expected %zu\n", c.n,
		    nbundles * nstories);
		exit(1);
	}
	rm_store(db);
	free(db);
	return t;
}

struct held {
	unsigned char *data;
	size_t len, cap, n;
};

static int
hold_record(const struct store_record *r, void *arg, struct err *e)
{
	struct held *h = arg;
	size_t need = BUNDLE_RECORD_FIXED + r->sealed_len;

	(void)e;
	while (h->len + need > h->cap) {
		h->cap = h->cap ? 2 * h->cap : 1 << 20;
		h->data = xreallocarray(h->data, h->cap, 1);
	}
	memcpy(h->data + h->len, r->id, STORE_ID_BYTES);
	memcpy(h->data + h->len + STORE_ID_BYTES, &r->seq, 8);
	h->data[h->len + 24] = (unsigned char)r->status;
	h->data[h->len + 25] = (unsigned char)r->source;
	memcpy(h->data + h->len + 26, &(uint32_t){ (uint32_t)r->sealed_len }, 4);
	memcpy(h->data + h->len + BUNDLE_RECORD_FIXED, r->sealed, r->sealed_len);
	h->len += need;
	h->n++;
	return 0;
}

static double
run_sign(const char *dir, const struct held *h, const struct kiosk_identity *kid, int i)
{
	crypto_sign_ed25519ph_state ph;
	unsigned char sig[crypto_sign_BYTES];
	char *path = xasprintf("%s/sign-%d.skb", dir, i);
	struct err e;
	double t0 = now(), t;

	crypto_sign_ed25519ph_init(&ph);
	crypto_sign_ed25519ph_update(&ph, h->data, h->len);
	crypto_sign_ed25519ph_final_create(&ph, sig, NULL, kid->sk);
	memcpy(h->data + h->len, sig, sizeof sig); /* room kept by the caller */
	if (fsutil_write_atomic(path, h->data, h->len + sizeof sig, 0644, 0, &e) == -1)
		die(path, &e);
	t = now() - t0;
	unlink(path);
	free(path);
	return t;
}

static void
bench_export(const char *dir, const char *hubpub, const struct form *f, size_t n, int runs)
{
	const char *keys[1] = { hubpub };
	struct kiosk_init_opts ko = { 0 };
	struct kiosk *k;
	struct held h = { 0 };
	double te[MAX_RUNS], ts[MAX_RUNS], t0;
	char *kdir = fsutil_join(dir, "kiosk");
	struct err e;
	size_t i;
	int r;

	ko.dir = kdir;
	ko.hub_key_paths = keys;
	ko.nhub_keys = 1;
	ko.name = "bench kiosk";
	ko.pin = BENCH_PIN;
	ko.pinlen = strlen(BENCH_PIN);
	if (kiosk_init(&ko, &k, &e) == -1)
		die("kiosk_init", &e);
	t0 = now();
	for (i = 0; i < n; i++) {
		static const double triad[3] = { 0.2, 0.3, 0.5 };
		char story[STORY_BYTES + 64];
		struct answers *a = answers_new(f);
		struct story st;

		make_story(story, sizeof story, (uint32_t)i + 7);
		answers_set_meta(a, "en", "analysis", "worked");
		answers_set_text(a, "story", story);
		answers_set_triad(a, "drivers", triad);
		answers_set_number(a, "equal", 60);
		answers_set_text(a, "role", "funder");
		kiosk_story_begin(&st, SOURCE_PAPER);
		if (kiosk_story_save(k, &st, f, a, STATUS_SUBMITTED, &e) == -1)
			die("kiosk_story_save", &e);
		answers_free(a);
	}
	printf("export_setup_s %.2f\n", now() - t0);
	sync(); /* the setup's writeback would slow the first runs of both */
	if (store_foreach(k->store, STORE_HELD, hold_record, &h, &e) == -1)
		die("store_foreach", &e);
	h.data = xreallocarray(h.data, h.len + crypto_sign_BYTES, 1);
	for (r = 0; r < runs; r++) {
		struct export_result res;
		char *to = xasprintf("%s/usb-%d", dir, r);

		if (mkdir(to, 0700) == -1)
			die(to, NULL);
		t0 = now();
		if (export_run(k, to, 1, &res, &e) == -1)
			die("export_run", &e);
		te[r] = now() - t0;
		if (res.stories != n) {
			fprintf(
			    stderr, "bench-import: exported %zu, expected %zu\n", res.stories, n);
			exit(1);
		}
		unlink(res.path);
		rmdir(to);
		export_result_free(&res);
		free(to);
		ts[r] = run_sign(dir, &h, k->identity, r);
	}
	printf("export_stories %zu\n", n);
	printf("export_sps %.0f\n", (double)n / median(te, (size_t)runs));
	printf("sign_sps %.0f\n", (double)n / median(ts, (size_t)runs));
	free(h.data);
	kiosk_close(k);
	free(kdir);
}

static void
import_into(const char *db, char **paths, size_t n, const struct hub_seckey *key, size_t want)
{
	struct import_opts o = { .key = key };
	struct import_stats st = { 0 };
	struct hubstore *hs;
	struct err e;

	if (hubstore_open(db, HUBSTORE_EXISTING, &hs, &e) == -1)
		die(db, &e);
	import_files(hs, paths, n, &o, &st);
	hubstore_close(hs);
	if (st.new != want) {
		fprintf(stderr, "bench-import: imported %zu new into %s, expected %zu\n", st.new,
		    db, want);
		exit(1);
	}
}

/* --store DIR BUNDLES STORIES [SMALL]: stores of varied stories for other
 * benches (the small one is the first SMALL bundles; a copy of it gets the
 * rest). */
static int
make_store(const char *dir, size_t nbundles, size_t nstories, size_t small, const struct form *f)
{
	struct hub_seckey *key = keys_hub_generate();
	struct gen g = { 0 };
	char *bdir = fsutil_join(dir, "bundles"), *db = fsutil_join(dir, "store.db");
	char *sdb = fsutil_join(dir, "small.db"), **paths;
	struct err e;
	double t0 = now();

	g.f = f;
	g.kid = keys_kiosk_generate();
	g.hub = &key->pub;
	g.varied = 1;
	keys_id_hex(g.kid->id, g.kid_hex);
	if (fsutil_mkdir(bdir, 0700, &e) == -1)
		die(bdir, &e);
	write_bundles(&g, bdir, nbundles, nstories);
	make_seed(db, g.kid);
	paths = xcalloc(nbundles, sizeof *paths);
	for (size_t i = 0; i < nbundles; i++) {
		char *name = bundle_file_name(g.kid->id, i + 1);

		paths[i] = fsutil_join(bdir, name);
		free(name);
	}
	if (small > 0 && small < nbundles) {
		import_into(db, paths, small, key, small * nstories);
		copy_file(db, sdb);
		printf("small %s %zu stories\n", sdb, small * nstories);
		import_into(
		    db, paths + small, nbundles - small, key, (nbundles - small) * nstories);
	} else
		import_into(db, paths, nbundles, key, nbundles * nstories);
	printf("store %s %zu stories in %.1f s\n", db, nbundles * nstories, now() - t0);
	for (size_t i = 0; i < nbundles; i++) {
		unlink(paths[i]);
		free(paths[i]);
	}
	rmdir(bdir);
	free(paths);
	free(bdir);
	free(db);
	free(sdb);
	keys_kiosk_free(g.kid);
	keys_hub_free(key);
	return 0;
}

int
main(int argc, char **argv)
{
	size_t nbundles = 100, nstories = 1000, nexport = 2000, i;
	int runs = 3, export_runs = MAX_RUNS, r;
	const char *dir;
	char *bdir, *hdir, *path, **paths;
	struct hub_seckey *key;
	struct gen g = { 0 };
	struct form *f;
	struct form_problems probs = { 0 };
	double ti[MAX_RUNS], tl[MAX_RUNS], ci[MAX_RUNS], cl[MAX_RUNS], t0, c0, total;
	struct err e;

	hubstore_init(); /* as storyhub does */
	if (sodium_init() < 0)
		return 1;
	if (argc < 2 || argc > 7) {
		fprintf(stderr,
		    "usage: bench-import DIR [BUNDLES [STORIES [RUNS "
		    "[EXPORT_STORIES [EXPORT_RUNS]]]]]\n");
		return 2;
	}
	path = xasprintf("%s/forms/partnership.yaml", getenv("TOP") ? getenv("TOP") : ".");
	if (form_load(path, &f, &probs, &e) == -1)
		die(path, &e);
	form_problems_free(&probs);
	free(path);
	if (strcmp(argv[1], "--store") == 0) {
		int rv;

		if (argc != 5 && argc != 6)
			return 2;
		rv = make_store(argv[2], strtoul(argv[3], NULL, 10), strtoul(argv[4], NULL, 10),
		    argc == 6 ? strtoul(argv[5], NULL, 10) : 0, f);
		form_free(f);
		return rv;
	}
	dir = argv[1];
	if (argc > 2)
		nbundles = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		nstories = strtoul(argv[3], NULL, 10);
	if (argc > 4)
		runs = atoi(argv[4]);
	if (argc > 5)
		nexport = strtoul(argv[5], NULL, 10);
	if (argc > 6)
		export_runs = atoi(argv[6]);
	if (runs < 1 || runs > MAX_RUNS || export_runs < 1 || export_runs > MAX_RUNS ||
	    nbundles < 1 || nstories < 1)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* keys: the hub's (written for `storyhub import`) and one kiosk's */
	key = keys_hub_generate();
	hdir = fsutil_join(dir, "hub");
	if (fsutil_mkdir(hdir, 0700, &e) == -1 ||
	    keys_hub_write(hdir, key, BENCH_PASS, strlen(BENCH_PASS), 1, &e) == -1)
		die(hdir, &e);
	g.f = f;
	g.kid = keys_kiosk_generate();
	g.hub = &key->pub;
	keys_id_hex(g.kid->id, g.kid_hex);
	printf("kiosk_id %s\n", g.kid_hex);

	bdir = fsutil_join(dir, "bundles");
	if (fsutil_mkdir(bdir, 0700, &e) == -1)
		die(bdir, &e);
	t0 = now();
	write_bundles(&g, bdir, nbundles, nstories);
	printf("generate_s %.1f\n", now() - t0);
	path = fsutil_join(dir, "seed.db");
	make_seed(path, g.kid);
	free(path);
	paths = xcalloc(nbundles, sizeof *paths);
	for (i = 0; i < nbundles; i++) {
		char *name = bundle_file_name(g.kid->id, i + 1);

		paths[i] = fsutil_join(bdir, name);
		free(name);
	}

	total = (double)(nbundles * nstories);
	for (r = 0; r < runs; r++) {
		c0 = cpu();
		ti[r] = run_import(dir, paths, nbundles, nstories, key);
		ci[r] = cpu() - c0;
		c0 = cpu();
		tl[r] = run_limit(dir, paths, nbundles, nstories, key);
		cl[r] = cpu() - c0;
		printf("run %d import_s %.2f (cpu %.2f) limit_s %.2f (cpu %.2f)\n", r + 1, ti[r],
		    ci[r], tl[r], cl[r]);
	}
	printf("stories %.0f\n", total);
	printf("import_sps %.0f\n", total / median(ti, (size_t)runs));
	printf("limit_sps %.0f\n", total / median(tl, (size_t)runs));
	printf("import_cpu_us %.1f\n", median(ci, (size_t)runs) / total * 1e6);
	printf("limit_cpu_us %.1f\n", median(cl, (size_t)runs) / total * 1e6);

	if (nexport > 0) {
		path = fsutil_join(hdir, "hub.pub");
		bench_export(dir, path, f, nexport, export_runs);
		free(path);
	}

	for (i = 0; i < nbundles; i++)
		free(paths[i]);
	free(paths);
	free(bdir);
	free(hdir);
	keys_kiosk_free(g.kid);
	keys_hub_free(key);
	form_free(f);
	return 0;
}
