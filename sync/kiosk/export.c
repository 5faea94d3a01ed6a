/* export: the kiosk side of USB transport. Applies the hub receipts found on
 * the stick, then writes one signed bundle of finished stories atomically and
 * only then marks them exported. */
#include "export.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bundle.h"
#include "fsutil.h"
#include "receipt.h"
#include "utf8.h"
#include "xmalloc.h"

/* The signature's hash (bundle_sighash_*) is taken on another thread while
 * the records are added, once their count is promised: the thread starts
 * when the first HASH_CHUNK is written (so it starts with work, on a core of
 * its own) and follows what add_one publishes, a chunk at a time. A record
 * that moves the writer's buffer (bundle_writer_fits) is added only between
 * chunks, which the writer's size estimate makes rare. */
#define HASH_CHUNK ((size_t)64 << 10)

struct hasher {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cond;      /* ready moved, a chunk done, or stop */
	struct bundle_sighash sh; /* the thread's until it is joined */
	const unsigned char *buf; /* under mu: the writer's buffer */
	size_t hashed, ready;     /* under mu */
	int busy, stop;           /* under mu */
};

struct gather {
	struct bundle_writer *w;
	int promised;     /* the count is promised: the hash may run ahead */
	struct hasher *h; /* the hash under way, or NULL */
	size_t published; /* bytes handed to h */
	unsigned char (*ids)[STORE_ID_BYTES];
	size_t n, cap;
};

static void *
hasher_main(void *arg)
{
	struct hasher *h = arg;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		const unsigned char *p;
		size_t n;

		while (!h->stop && h->hashed == h->ready)
			pthread_cond_wait(&h->cond, &h->mu);
		if (h->hashed == h->ready)
			break; /* stopped, and all of it hashed */
		p = h->buf + h->hashed;
		n = h->ready - h->hashed;
		if (n > HASH_CHUNK)
			n = HASH_CHUNK; /* so a moving buffer waits little */
		h->busy = 1;
		pthread_mutex_unlock(&h->mu);
		bundle_sighash_update(&h->sh, p, n);
		pthread_mutex_lock(&h->mu);
		h->busy = 0;
		h->hashed += n;
		pthread_cond_broadcast(&h->cond);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* Start the hasher on what is written so far; without a thread the hash is
 * taken at finish. */
static void
hasher_start(struct gather *g)
{
	struct hasher *h = xcalloc(1, sizeof *h);

	bundle_sighash_init(&h->sh);
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cond, NULL);
	h->ready = g->published = bundle_writer_bytes(g->w, &h->buf);
	if (pthread_create(&h->tid, NULL, hasher_main, h) != 0) {
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->mu);
		free(h);
		g->promised = 0;
		return;
	}
	g->h = h;
}

/* Hand what is written to the hasher: all of it, or each HASH_CHUNK more
 * (waking it for every record would cost more than it saves). */
static void
hasher_publish(struct gather *g, int all)
{
	const unsigned char *p;
	size_t len = bundle_writer_bytes(g->w, &p);

	if (!g->promised || (!all && len - g->published < HASH_CHUNK))
		return;
	if (g->h == NULL) {
		if (!all)
			hasher_start(g);
		return; /* a small bundle is hashed at finish */
	}
	g->published = len;
	pthread_mutex_lock(&g->h->mu);
	g->h->buf = p;
	g->h->ready = len;
	pthread_cond_broadcast(&g->h->cond);
	pthread_mutex_unlock(&g->h->mu);
}

/* Wait until everything published is hashed and end the thread. The hash
 * is left in g->h->sh (NULL: none under way). */
static struct bundle_sighash *
hasher_stop(struct gather *g)
{
	struct hasher *h = g->h;

	if (h == NULL)
		return NULL;
	pthread_mutex_lock(&h->mu);
	h->stop = 1;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->tid, NULL);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->mu);
	return &h->sh;
}

/* Stop the hasher, if any, and wipe what it hashed. */
static void
hasher_free(struct gather *g)
{
	struct bundle_sighash *sh = hasher_stop(g);

	if (sh != NULL)
		bundle_sighash_wipe(sh);
	free(g->h);
	g->h = NULL;
}

/* Add r to the bundle: when it moves the buffer, between two of the
 * hasher's chunks. */
static int
add_record(struct gather *g, const struct bundle_record *r, struct err *e)
{
	const unsigned char *p;
	int rv;

	if (g->h == NULL || bundle_writer_fits(g->w, r->sealed_len))
		rv = bundle_writer_add(g->w, r, e);
	else {
		pthread_mutex_lock(&g->h->mu);
		while (g->h->busy)
			pthread_cond_wait(&g->h->cond, &g->h->mu);
		rv = bundle_writer_add(g->w, r, e);
		bundle_writer_bytes(g->w, &p);
		g->h->buf = p;
		pthread_mutex_unlock(&g->h->mu);
	}
	if (rv == 0)
		hasher_publish(g, 0);
	return rv;
}

static int
add_one(const struct store_record *r, void *ctx, struct err *e)
{
	struct gather *g = ctx;
	struct bundle_record br;

	memcpy(br.id, r->id, STORE_ID_BYTES);
	br.seq = r->seq;
	br.status = (int)r->status;
	br.source = (int)r->source;
	br.sealed = r->sealed;
	br.sealed_len = r->sealed_len;
	if (add_record(g, &br, e) == -1)
		return -1;
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		g->ids = xreallocarray(g->ids, g->cap, STORE_ID_BYTES);
	}
	memcpy(g->ids[g->n++], r->id, STORE_ID_BYTES);
	return 0;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Read and verify a receipt; -1 with e set when it is unreadable or invalid. */
static int
load_receipt(struct kiosk *k, const char *path, struct receipt *r, struct err *e)
{
	unsigned char *buf = NULL;
	size_t len;
	int rv;

	if (fsutil_read_file(path, RECEIPT_MAX_BYTES, &buf, &len, e) == -1)
		return -1;
	rv = receipt_verify(buf, len, k->hubs, k->nhubs, k->identity->id, r, e);
	if (rv == -1)
		err_prefix(e, "%s", path);
	free(buf);
	return rv;
}

int
export_receipt_apply(
    struct kiosk *k, const char *path, size_t *listed, size_t *marked, struct err *e)
{
	struct receipt r;
	int rv;

	*listed = *marked = 0;
	if (load_receipt(k, path, &r, e) == -1)
		return -1;
	*listed = r.count;
	rv = store_mark_acked(
	    k->store, (const unsigned char(*)[STORE_ID_BYTES])r.ids, r.count, marked, e);
	receipt_free(&r);
	return rv;
}

/* Apply one receipt file from the stick (in the caller's transaction when
 * intx); 1 if it was for this kiosk and verified, 0 if not (a stick may
 * carry other kiosks' receipts), -1 when the store fails. */
static int
apply_receipt(struct kiosk *k, const char *path, int intx, struct err *e)
{
	const unsigned char(*ids)[STORE_ID_BYTES];
	struct receipt r;
	struct err ignored;
	size_t marked;
	int rv;

	if (load_receipt(k, path, &r, &ignored) == -1)
		return 0;
	ids = (const unsigned char(*)[STORE_ID_BYTES])r.ids;
	rv = intx ? store_mark_acked_in(k->store, ids, r.count, &marked, e) :
	            store_mark_acked(k->store, ids, r.count, &marked, e);
	receipt_free(&r);
	return rv == -1 ? -1 : 1;
}

/* Apply every valid *.receipt for this kiosk found in dir (in the caller's
 * transaction when intx); *applied counts them. Receipts for other kiosks
 * and invalid ones are skipped. */
static int
apply_receipts(struct kiosk *k, const char *dir, int intx, size_t *applied, struct err *e)
{
	DIR *d;
	struct dirent *de;
	int rv = 0;

	*applied = 0;
	if ((d = opendir(dir)) == NULL)
		return err_set(e, "cannot read %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		char *path;
		int r;

		if (!has_suffix(de->d_name, ".receipt"))
			continue;
		path = fsutil_join(dir, de->d_name);
		r = apply_receipt(k, path, intx, e);
		free(path);
		if (r == -1) {
			rv = -1;
			break;
		}
		*applied += (size_t)r;
	}
	closedir(d);
	return rv;
}

/* The kiosk name as a bundle carries it: valid UTF-8, at most
 * BUNDLE_MAX_NAME bytes, cut at a character boundary. Caller frees. */
static char *
bundle_name(const char *name)
{
	char *s = utf8_neutralise(name ? name : "", name ? strlen(name) : 0, 0);
	size_t len = strlen(s);

	while (len > BUNDLE_MAX_NAME || !utf8_valid(s, len)) {
		len--;
		s[len] = '\0';
	}
	return s;
}

/* Drop a bundle that gather() started and nothing signed. */
static void
gather_free(struct gather *g)
{
	hasher_free(g);
	bundle_writer_free(g->w);
	free(g->ids);
	memset(g, 0, sizeof *g);
}

/* Take the bundle sequence number in the caller's transaction: the next
 * one whose file name is free in todir (a bundle an export wrote but could
 * not record on the kiosk keeps its number on the stick). */
static int
take_seq_for(struct kiosk *k, const char *todir, uint64_t *seq, struct err *e)
{
	char *name, *path;
	int taken, tries;

	for (tries = 0; tries < 1000; tries++) {
		if (store_bundle_seq_take(k->store, seq, e) == -1)
			return -1;
		name = bundle_file_name(k->identity->id, *seq);
		path = fsutil_join(todir, name);
		taken = fsutil_exists(path);
		free(name);
		free(path);
		if (!taken)
			return 0;
	}
	return err_set(e, "%s holds too many bundles of this kiosk with numbers to come", todir);
}

/* Start the bundle of every story matching filter: sequence taken (in the
 * caller's transaction, for a file name free in todir, when todir is not
 * NULL; else committed), records added, the signature's hash under way on
 * another thread. Nothing matched: 0 with g->w NULL. */
static int
gather(struct kiosk *k, enum store_filter filter, const char *todir, struct gather *g,
    uint64_t *seq, struct err *e)
{
	struct store_counts cnt;
	uint64_t n;
	char *label;
	int rv;

	memset(g, 0, sizeof *g);
	/* Counting by status avoids reading every sealed payload twice. */
	if (store_counts(k->store, &cnt, e) == -1)
		return -1;
	n = filter == STORE_HELD    ? cnt.finished :
	    filter == STORE_UNACKED ? cnt.unacked :
	                              cnt.unexported;
	if (n == 0)
		return 0;
	if (todir != NULL ? take_seq_for(k, todir, seq, e) == -1 :
	                    store_next_bundle_seq(k->store, seq, e) == -1)
		return -1;
	label = bundle_name(k->name);
	rv = bundle_writer_create(
	    k->identity, label, *seq, (int64_t)time(NULL), k->hubs, k->nhubs, &g->w, e);
	free(label);
	if (rv == -1)
		return -1;
	/* signing overlaps reading (a count beyond the limit fails at add) */
	bundle_writer_expect(g->w, n > BUNDLE_MAX_RECORDS ? BUNDLE_MAX_RECORDS : (uint32_t)n, 0);
	g->promised = 1;
	if (store_foreach(k->store, filter, add_one, g, e) == -1) {
		gather_free(g);
		return -1;
	}
	hasher_publish(g, 1); /* the rest, hashed while the caller goes on */
	return 0;
}

/* Sign what gather() started into b (the writer is freed either way). */
static int
seal(struct gather *g, uint64_t seq, struct export_bundle *b, struct err *e)
{
	int rv;

	memset(b, 0, sizeof *b);
	rv = bundle_writer_finish_hashed(g->w, hasher_stop(g), &b->buf, &b->len, e);
	free(g->h);
	g->h = NULL;
	if (rv == -1) {
		free(g->ids);
		return -1;
	}
	b->seq = seq;
	b->ids = g->ids;
	b->n = g->n;
	return 0;
}

int
export_bundle_build(
    struct kiosk *k, enum store_filter filter, struct export_bundle *b, struct err *e)
{
	struct gather g;
	uint64_t seq;

	memset(b, 0, sizeof *b);
	if (gather(k, filter, NULL, &g, &seq, e) == -1)
		return -1;
	if (g.w == NULL)
		return 0;
	return seal(&g, seq, b, e);
}

void
export_bundle_free(struct export_bundle *b)
{
	if (b == NULL)
		return;
	free(b->buf);
	free(b->ids);
	memset(b, 0, sizeof *b);
}

int
export_run(struct kiosk *k, const char *todir, int all, struct export_result *res, struct err *e)
{
	struct export_bundle b = { 0 };
	struct fsutil_atomic file = { .fd = -1 };
	struct gather g;
	struct stat st;
	const unsigned char *body;
	size_t body_len = 0;
	char *name = NULL, when[32];
	time_t now = time(NULL);
	struct tm tm;
	uint64_t seq;
	int rv = -1, intx = 0, recorded;

	memset(res, 0, sizeof *res);
	if (stat(todir, &st) == -1)
		return err_set(e, "cannot export to %s: %s (is the USB stick mounted?)", todir,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(e, "cannot export to %s: not a directory", todir);
	/* Bundles a killed export left half-written on the stick. */
	fsutil_clean_stale(todir, "storykiosk-*.skb", NULL, NULL);
	/* Nothing reaches the data disk before the bundle is safe on the
	 * stick: the sequence number, the "exported" marks and the receipts
	 * found on the stick are one transaction, committed after the bundle
	 * (so a full kiosk disk still lets the bundle out). */
	if (store_begin(k->store, e) == -1)
		return err_prefix(e, "nothing was exported");
	intx = 1;
	if (gather(k, all ? STORE_HELD : STORE_UNEXPORTED, todir, &g, &seq, e) == -1)
		goto out;
	if (g.w == NULL) {
		store_rollback(k->store);
		intx = 0;
		return apply_receipts(k, todir, 0, &res->receipts, e);
	}
	/* While the signature's hash finishes on the other thread: mark the
	 * stories (in memory until the commit) and write (and sync) the
	 * bundle up to its signature. */
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (store_mark_exported_in(
	        k->store, (const unsigned char(*)[STORE_ID_BYTES])g.ids, g.n, seq, when, e) == -1) {
		gather_free(&g);
		err_prefix(e, "nothing was exported");
		goto out;
	}
	res->bundle_seq = seq;
	name = bundle_file_name(k->identity->id, seq);
	res->path = fsutil_join(todir, name);
	if (fsutil_atomic_open(&file, res->path, 0644, e) == -1 ||
	    (bundle_writer_body(g.w, &body, &body_len) == 0 &&
	        (fsutil_atomic_write(&file, body, body_len, e) == -1 ||
	            fsutil_atomic_sync(&file, e) == -1))) {
		gather_free(&g);
		err_prefix(e, "nothing was marked exported");
		goto out;
	}
	if (seal(&g, seq, &b, e) == -1)
		goto out;
	if (fsutil_atomic_write(&file, b.buf + body_len, b.len - body_len, e) == -1 ||
	    fsutil_atomic_commit(&file, 1, e) == -1) {
		err_prefix(e, "nothing was marked exported");
		goto out;
	}
	/* The bundle is on the stick; what can fail now is recording it. */
	recorded = apply_receipts(k, todir, 1, &res->receipts, e);
	if (recorded == 0) {
		intx = 0; /* a failed commit rolls back */
		recorded = store_commit(k->store, e);
	}
	if (recorded == -1) {
		err_prefix(e,
		    "%s was written but its stories stay marked not exported "
		    "(the next export sends them again; the hub keeps each story once)",
		    res->path);
		goto out;
	}
	res->stories = b.n;
	rv = 0;
out:
	fsutil_atomic_abort(&file); /* after a commit or a failure: nothing left */
	if (intx)
		store_rollback(k->store);
	if (rv == -1) {
		res->receipts = 0;
		export_result_free(res);
	}
	export_bundle_free(&b);
	free(name);
	return rv;
}

void
export_result_free(struct export_result *r)
{
	if (r == NULL)
		return;
	free(r->path);
	r->path = NULL;
}
