/* import: verify a bundle whole, decide by the kiosk's standing, open every
 * record with the hub key and store it, one transaction per bundle; write the
 * signed receipt. Several bundles go through a pipeline (struct pipeline). */
#include "import.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "fsutil.h"
#include "payload.h"
#include "payread.h"
#include "receipt.h"
#include "seal.h"
#include "story.h"
#include "xmalloc.h"

#define MAX_WORKERS 4
/* Attempts at a bundle's transaction when the store says it may be retried. */
#define MAX_ATTEMPTS 8
/* Records stored with one story_put_many (one round trip on PostgreSQL). */
#define PUT_BATCH 64
/* How far opening may run ahead of storing, per bundle: it bounds the
 * plaintext held (about 4 KB a record), and covers the commit before it
 * (some 400 records open on a second core meanwhile). */
#define LOOKAHEAD 1024

/* One record opened and decoded, waiting to be stored. */
struct prepared {
	struct payload *p;
	char *text;
	unsigned char hash[32];
	struct err e;
	int failed;
};

enum job_state {
	JOB_NEW,
	JOB_VERIFYING,
	JOB_VERIFIED
};

/* A bundle in flight. Whichever thread comes to it first loads and verifies
 * it; every thread opens its records once its kiosk was found trusted. */
struct job {
	const char *path; /* the file (or where it came from; may be NULL) */
	int from_file;    /* read it from path (else buf, len were given) */
	const unsigned char *buf;
	size_t len;
	unsigned char *loaded;   /* buf, when read from path */
	int failed, load_failed; /* not verified (or not even read): verr says why */
	struct err verr;
	unsigned char hash[BUNDLE_HASH_BYTES];
	struct bundle_header h;
	struct bundle_record *recs; /* point into buf */
	size_t nrecs;
	/* under the pipeline's mutex */
	enum job_state state;
	int open;            /* its records may be opened */
	struct prepared *pr; /* slots of them: record i in i % slots */
	unsigned char *ready;
	size_t slots;             /* LOOKAHEAD, or the records of a smaller bundle */
	size_t next, limit, busy; /* next to open; may open below limit; opening now */
	/* the outcome, set by the storing thread */
	enum import_outcome res;
	struct err e;
	int want_receipt;
	unsigned char *receipt;
	size_t receipt_len;
};

/*
 * The storing thread (the caller's) takes bundles in order and stores each in
 * its own transaction on the store's one connection. Worker threads verify
 * the bundle after it, then open records (X25519, XChaCha20-Poly1305, JSON
 * read by payread) of the bundle being stored or, once its kiosk was looked
 * up, of the next one: so the commit of one bundle overlaps the opening of
 * the next. The storing thread opens a record itself whenever the one it
 * must store next is not ready.
 */
struct pipeline {
	const struct hub_seckey *key;
	struct job *jobs;
	size_t njobs;
	struct payread *rd; /* the storing thread's reader (NULL: rd_err) */
	struct err rd_err;
	pthread_t tid[MAX_WORKERS];
	size_t nthreads;
	pthread_mutex_t mu;
	pthread_cond_t work; /* something for a worker to do, or stop */
	pthread_cond_t done; /* a record opened, or a bundle verified */
	/* under mu */
	size_t cur; /* the bundle being stored */
	int stop;
};

/* The storing thread's state for the bundle it is storing. */
struct import_ctx {
	struct hubstore *hs;
	const struct import_opts *o;
	struct import_stats *st;
	struct pipeline *pl;
	struct job *j;
	struct hub_kiosk k;
	int seen, intx, quarantined, locked;
	size_t done, new, duplicate, conflict;
	unsigned char (*ids)[BUNDLE_ID_BYTES];
	size_t nids;
};

/* The record's status and source are signed by the kiosk, but the sealed
 * payload holds them too, where only the kiosk that told the story could
 * put them: they must agree, or a re-signed bundle could relabel a story.
 * An interrupted record holds what was sealed as a draft (the kiosk marks
 * a story a crash left without reading it); a payload without "status"
 * comes from an older kiosk. */
static int
check_meta(const struct bundle_record *r, const struct payload *p, size_t which, struct err *e)
{
	const char *source = story_source_name(r->source), *status = story_status_name(r->status);

	if (strcmp(p->source, source) != 0)
		return err_set(e, "record %zu: its source (%s) is not the sealed story's (%s)",
		    which, source, p->source);
	if (p->status != NULL && strcmp(p->status, status) != 0 &&
	    !(r->status == STATUS_INTERRUPTED && strcmp(p->status, "draft") == 0))
		return err_set(e, "record %zu: its status (%s) is not the sealed story's (%s)",
		    which, status, p->status);
	return 0;
}

/* Open, decode (with this thread's reader rd) and check record i of j into
 * out. Runs on any thread: touches nothing shared. */
static void
prepare_record(const struct hub_seckey *key, const struct job *j, struct payread *rd, size_t i,
    struct prepared *out)
{
	const struct bundle_record *r = &j->recs[i];
	unsigned char ids[SEAL_MAX_RECIPIENTS][KEY_ID_BYTES], *plain = NULL;
	char sid[2 * BUNDLE_ID_BYTES + 1], kid[KEY_ID_HEX];
	struct err *e = &out->e;
	size_t n, plainlen, k, which = i + 1;

	memset(out, 0, sizeof *out);
	out->failed = 1;
	if (seal_recipients(r->sealed, r->sealed_len, ids, SEAL_MAX_RECIPIENTS, &n, e) == -1) {
		err_prefix(e, "record %zu", which);
		return;
	}
	for (k = 0; k < n; k++)
		if (memcmp(ids[k], key->pub.id, KEY_ID_BYTES) == 0)
			break;
	if (k == n) {
		err_set(e, "record %zu is not sealed to this hub key", which);
		return;
	}
	if (seal_open(r->id, r->sealed, r->sealed_len, key, &plain, &plainlen, e) == -1) {
		err_prefix(e, "record %zu", which);
		return;
	}
	if (payread_decode(rd, (const char *)plain, plainlen, &out->p, e) == -1) {
		err_prefix(e, "record %zu", which);
		goto out;
	}
	sodium_bin2hex(sid, sizeof sid, r->id, BUNDLE_ID_BYTES);
	keys_id_hex(j->h.kiosk_id, kid);
	if (strcmp(out->p->story_id, sid) != 0 || strcmp(out->p->kiosk, kid) != 0) {
		err_set(e, "record %zu: its payload belongs to another story or kiosk", which);
		goto out;
	}
	if (check_meta(r, out->p, which, e) == -1)
		goto out;
	crypto_generichash(out->hash, sizeof out->hash, plain, plainlen, NULL, 0);
	out->text = out->p->text; /* taken over from the payload */
	out->p->text = NULL;
	out->failed = 0;
out:
	seal_plain_free(plain, plainlen);
}

static void
prepared_free(struct prepared *pr)
{
	payload_free(pr->p);
	if (pr->text != NULL) {
		sodium_memzero(pr->text, strlen(pr->text));
		free(pr->text);
	}
	memset(pr, 0, sizeof *pr);
}

static int
got_header(const struct bundle_header *h, void *arg, struct err *e)
{
	struct job *j = arg;

	(void)e;
	j->h = *h;
	j->recs = h->count ? xcalloc(h->count, sizeof *j->recs) : NULL;
	return 0;
}

static int
got_record(const struct bundle_record *r, void *arg, struct err *e)
{
	struct job *j = arg;

	(void)e;
	j->recs[j->nrecs++] = *r;
	return 0;
}

/* Read j (from its path) and verify it whole: size caps, header, the kiosk's
 * signature, addressed to this hub key. Nothing here needs the store. */
static void
job_verify(struct job *j, const struct hub_seckey *key)
{
	struct bundle_sink sink = { got_header, got_record, j };

	if (j->from_file) {
		if (bundle_load_file(j->path, &j->loaded, &j->len, &j->verr) == -1) {
			j->failed = j->load_failed = 1;
			return;
		}
		j->buf = j->loaded;
	}
	if (bundle_read(j->buf, j->len, key->pub.id, &sink, &j->verr) == -1) {
		j->failed = 1;
		return;
	}
	bundle_hash(j->buf, j->len, j->hash);
}

/* The claimed verification of j (mu held on entry and on return, released
 * meanwhile). */
static void
verify_claimed(struct pipeline *pl, struct job *j)
{
	pthread_mutex_unlock(&pl->mu);
	job_verify(j, pl->key);
	pthread_mutex_lock(&pl->mu);
	j->state = JOB_VERIFIED;
	pthread_cond_broadcast(&pl->done);
}

/* Take the next record of j to open, if it may be opened now (mu held). */
static int
claim_record(struct job *j, size_t *i)
{
	if (!j->open || j->next >= j->nrecs || j->next >= j->limit)
		return 0;
	*i = j->next++;
	j->busy++;
	return 1;
}

/* Open claimed record i of j with reader rd, or fail it with rd_err when
 * there is no reader (mu held on entry and on return, released meanwhile). */
static void
open_claimed(
    struct pipeline *pl, struct job *j, size_t i, struct payread *rd, const struct err *rd_err)
{
	struct prepared *pr = &j->pr[i % j->slots];

	pthread_mutex_unlock(&pl->mu);
	if (rd != NULL)
		prepare_record(pl->key, j, rd, i, pr);
	else {
		memset(pr, 0, sizeof *pr);
		pr->failed = 1;
		pr->e = *rd_err;
	}
	pthread_mutex_lock(&pl->mu);
	j->ready[i % j->slots] = 1;
	j->busy--;
	pthread_cond_broadcast(&pl->done);
}

static void *
worker(void *arg)
{
	struct pipeline *pl = arg;
	struct payread *rd;
	struct err rd_err;
	size_t k, end, i;

	payread_open(&rd, &rd_err);
	pthread_mutex_lock(&pl->mu);
	while (!pl->stop) {
		struct job *j = NULL;

		/* verifying comes first: the next bundle's kiosk is looked up
		 * before the current one commits */
		end = pl->cur + 2 < pl->njobs ? pl->cur + 2 : pl->njobs;
		for (k = pl->cur; k < end && j == NULL; k++)
			if (pl->jobs[k].state == JOB_NEW)
				j = &pl->jobs[k];
		if (j != NULL) {
			j->state = JOB_VERIFYING;
			verify_claimed(pl, j);
			continue;
		}
		for (k = pl->cur; k < end && j == NULL; k++)
			if (claim_record(&pl->jobs[k], &i))
				j = &pl->jobs[k];
		if (j != NULL)
			open_claimed(pl, j, i, rd, &rd_err);
		else
			pthread_cond_wait(&pl->work, &pl->mu);
	}
	pthread_mutex_unlock(&pl->mu);
	payread_close(rd);
	return NULL;
}

/* Wait until j is verified, verifying it here if no worker took it (mu held). */
static void
wait_verified(struct pipeline *pl, struct job *j)
{
	if (j->state == JOB_NEW) {
		j->state = JOB_VERIFYING;
		verify_claimed(pl, j);
	}
	while (j->state != JOB_VERIFIED)
		pthread_cond_wait(&pl->done, &pl->mu);
}

/* From now on every thread may open j's records (mu held). */
static void
allow_open(struct pipeline *pl, struct job *j)
{
	if (j->open || j->nrecs == 0)
		return;
	if (j->pr == NULL) {
		/* a slot is some 600 bytes: a small bundle takes only its own */
		j->slots = j->nrecs < LOOKAHEAD ? j->nrecs : LOOKAHEAD;
		j->pr = xcalloc(j->slots, sizeof *j->pr);
		j->ready = xcalloc(j->slots, 1);
		j->limit = j->slots;
	}
	j->open = 1;
	pthread_cond_broadcast(&pl->work);
}

/* No more opening of j's records; drop those opened and not stored (mu held). */
static void
stop_open(struct pipeline *pl, struct job *j)
{
	size_t i;

	j->open = 0;
	while (j->busy > 0)
		pthread_cond_wait(&pl->done, &pl->mu);
	if (j->pr != NULL)
		for (i = 0; i < j->slots; i++)
			if (j->ready[i]) {
				prepared_free(&j->pr[i]);
				j->ready[i] = 0;
			}
}

static void
pipeline_start(struct pipeline *pl, const struct hub_seckey *key, struct job *jobs, size_t njobs)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = ncpu < 2 ? 0 : ncpu > MAX_WORKERS ? MAX_WORKERS - 1 : (size_t)ncpu - 1;

	memset(pl, 0, sizeof *pl);
	pl->key = key;
	pl->jobs = jobs;
	pl->njobs = njobs;
	payread_open(&pl->rd, &pl->rd_err);
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->work, NULL);
	pthread_cond_init(&pl->done, NULL);
	/* if a thread cannot start, the storing thread does its work */
	while (pl->nthreads < want && pthread_create(&pl->tid[pl->nthreads], NULL, worker, pl) == 0)
		pl->nthreads++;
}

static void
pipeline_finish(struct pipeline *pl)
{
	size_t i;

	pthread_mutex_lock(&pl->mu);
	pl->stop = 1;
	pthread_cond_broadcast(&pl->work);
	pthread_mutex_unlock(&pl->mu);
	for (i = 0; i < pl->nthreads; i++)
		pthread_join(pl->tid[i], NULL);
	payread_close(pl->rd);
	pthread_cond_destroy(&pl->done);
	pthread_cond_destroy(&pl->work);
	pthread_mutex_destroy(&pl->mu);
}

/* Store records first..first+n-1 of the bundle (opened, in pr[]) with one
 * story_put_many: PostgreSQL sends them in one round trip. */
static int
store_batch(struct import_ctx *c, size_t first, size_t n, struct err *e)
{
	struct job *j = c->j;
	struct hub_story_in in[PUT_BATCH];
	enum hub_put put[PUT_BATCH];
	size_t k;

	memset(in, 0, n * sizeof *in);
	for (k = 0; k < n; k++) {
		const struct bundle_record *r = &j->recs[first + k];
		const struct prepared *pr = &j->pr[(first + k) % j->slots];

		memcpy(in[k].id, r->id, BUNDLE_ID_BYTES);
		memcpy(in[k].kiosk_id, j->h.kiosk_id, KEY_ID_BYTES);
		in[k].seq = r->seq;
		in[k].status = r->status;
		in[k].source = r->source;
		memcpy(in[k].content_hash, pr->hash, sizeof in[k].content_hash);
		in[k].p = pr->p;
		in[k].text = pr->text;
	}
	if (c->hs->ops->story_put_many(c->hs, in, n, put, e) == -1)
		return -1;
	for (k = 0; k < n; k++) {
		if (put[k] == HUB_PUT_NEW)
			c->new ++;
		else if (put[k] == HUB_PUT_DUPLICATE)
			c->duplicate++;
		else
			c->conflict++;
		memcpy(c->ids[c->nids++], j->recs[first + k].id, BUNDLE_ID_BYTES);
		c->done++;
		if (c->o->progress != NULL)
			c->o->progress(c->o->ctx, (size_t)(j - c->pl->jobs), c->done, j->h.count);
	}
	return 0;
}

/* Store every record of the bundle in order, PUT_BATCH at a time, opening
 * them here when the workers have not. */
static int
store_all(struct import_ctx *c, struct err *e)
{
	struct pipeline *pl = c->pl;
	struct job *j = c->j;
	size_t i, k, n, next;
	int rv = 0;

	pthread_mutex_lock(&pl->mu);
	allow_open(pl, j);
	pthread_mutex_unlock(&pl->mu);
	for (i = 0; i < j->nrecs && rv == 0; i += n) {
		n = j->nrecs - i < PUT_BATCH ? j->nrecs - i : PUT_BATCH;
		pthread_mutex_lock(&pl->mu);
		for (k = i; k < i + n; k++)
			while (!j->ready[k % j->slots]) {
				if (claim_record(j, &next))
					open_claimed(pl, j, next, pl->rd, &pl->rd_err);
				else
					pthread_cond_wait(&pl->done, &pl->mu);
			}
		pthread_mutex_unlock(&pl->mu);
		for (k = i; k < i + n && rv == 0; k++)
			if (j->pr[k % j->slots].failed) {
				*e = j->pr[k % j->slots].e;
				rv = -1;
			}
		if (rv == 0 && store_batch(c, i, n, e) == -1)
			rv = -1;
		for (k = i; k < i + n; k++)
			prepared_free(&j->pr[k % j->slots]);
		pthread_mutex_lock(&pl->mu);
		for (k = i; k < i + n; k++)
			j->ready[k % j->slots] = 0; /* the slot is free for record k + slots */
		j->limit = i + n + j->slots;
		pthread_cond_broadcast(&pl->work);
		pthread_mutex_unlock(&pl->mu);
	}
	return rv;
}

static void
mib(uint64_t bytes, char out[32])
{
	snprintf(out, 32, "%.1f MiB", (double)bytes / (1 << 20));
}

/* Room in quarantine for this bundle (in the bundle's transaction): its
 * kiosk's quota and the total. A bundle held already takes no more room. */
static int
quota_check(struct import_ctx *c, struct err *e)
{
	const struct import_opts *o = c->o;
	uint64_t kmax =
	    o->quarantine_kiosk_max ? o->quarantine_kiosk_max : IMPORT_QUARANTINE_KIOSK_MAX;
	uint64_t tmax =
	    o->quarantine_total_max ? o->quarantine_total_max : IMPORT_QUARANTINE_TOTAL_MAX;
	struct hub_quarantine_use u;
	char hex[KEY_ID_HEX], held[32], max[32];

	if (c->hs->ops->quarantine_use(c->hs, c->j->h.kiosk_id, c->j->hash, &u, e) == -1)
		return -1;
	if (u.held)
		return 0;
	keys_id_hex(c->j->h.kiosk_id, hex);
	if (u.kiosk_bytes + c->j->len > kmax) {
		mib(u.kiosk_bytes, held);
		mib(kmax, max);
		return err_set(e,
		    "quarantine full for unknown kiosk %s: %" PRIu64 " bundles (%s) wait already "
		    "and the quota is %s per kiosk; trust it ('storyhub kiosks --store DB --key "
		    "hub.key trust %s') or reject them ('... reject %s'), then import again",
		    hex, u.kiosk_bundles, held, max, hex, hex);
	}
	if (u.total_bytes + c->j->len > tmax) {
		mib(u.total_bytes, held);
		mib(tmax, max);
		return err_set(e,
		    "quarantine full: %" PRIu64 " bundles (%s) from unknown kiosks wait and the "
		    "quota is %s in all; trust or reject kiosks ('storyhub kiosks --store DB' "
		    "lists them), then import again",
		    u.total_bundles, held, max);
	}
	return 0;
}

/* The kiosk's standing decides, and the bundle's transaction opens. Returns
 * -1 (e set) to stop, also when the bundle went to quarantine
 * (c->quarantined). */
static int
decide(struct import_ctx *c, struct err *e)
{
	const struct hubstore_ops *ops = c->hs->ops;
	const struct bundle_header *h = &c->j->h;
	struct hub_kiosk *k = &c->k;
	char hex[KEY_ID_HEX];
	size_t i;
	int found;

	keys_id_hex(h->kiosk_id, hex);
	if (ops->kiosk_get(c->hs, h->kiosk_id, k, &found, e) == -1)
		return -1;
	if (found && memcmp(k->pk, h->kiosk_pk, sizeof k->pk) != 0)
		return err_set(e, "kiosk %s presents a different public key than before", hex);
	if (found && k->status == HUB_KIOSK_REVOKED)
		return err_set(e, "kiosk %s is revoked: its bundles are refused", hex);
	if (!found) {
		memset(k, 0, sizeof *k);
		memcpy(k->id, h->kiosk_id, KEY_ID_BYTES);
		memcpy(k->pk, h->kiosk_pk, sizeof k->pk);
		k->status = HUB_KIOSK_UNKNOWN;
	}
	snprintf(k->name, sizeof k->name, "%s", h->name);
	k->last_seen = (int64_t)time(NULL);
	if (k->status == HUB_KIOSK_UNKNOWN) {
		if (ops->begin(c->hs, e) == -1)
			return -1;
		c->intx = 1;
		if (quota_check(c, e) == -1)
			return -1;
		if (ops->kiosk_put(c->hs, k, e) == -1 ||
		    ops->quarantine_add(
		        c->hs, c->j->hash, h, c->j->buf, c->j->len, c->j->path, e) == -1 ||
		    ops->commit(c->hs, e) == -1)
			return -1;
		c->intx = 0;
		c->st->quarantined += h->count;
		c->quarantined = 1;
		return err_set(e,
		    "bundle from unknown kiosk %s quarantined (%" PRIu32
		    " stories); if you expect this kiosk, compare its id with 'storykiosk "
		    "status' and run 'storyhub kiosks --store DB --key hub.key trust %s'",
		    hex, h->count, hex);
	}

	c->ids = h->count ? xcalloc(h->count, BUNDLE_ID_BYTES) : NULL;
	if (ops->begin(c->hs, e) == -1)
		return -1;
	c->intx = 1;
	if (ops->bundle_seen(c->hs, c->j->hash, &c->seen, e) == -1)
		return -1;
	if (c->seen) { /* adds nothing; its ids still go in the receipt */
		c->duplicate = h->count;
		for (i = 0; i < c->j->nrecs; i++)
			memcpy(c->ids[c->nids++], c->j->recs[i].id, BUNDLE_ID_BYTES);
	}
	return 0;
}

/* Before this bundle commits, look up the next one's kiosk and whether that
 * bundle was seen (in this transaction: a repeat of this bundle counts). If
 * it will be stored, workers open its records during the commit. Only a
 * hint: its own transaction decides again, and what was opened for nothing
 * is dropped. */
static void
hint_next(struct import_ctx *c)
{
	struct pipeline *pl = c->pl;
	size_t k = (size_t)(c->j - pl->jobs) + 1;
	struct job *n;
	struct hub_kiosk kk;
	struct err ignored;
	int found, seen;

	if (k >= pl->njobs || pl->nthreads == 0)
		return;
	n = &pl->jobs[k];
	pthread_mutex_lock(&pl->mu);
	wait_verified(pl, n);
	pthread_mutex_unlock(&pl->mu);
	if (n->failed || c->hs->ops->kiosk_get(c->hs, n->h.kiosk_id, &kk, &found, &ignored) == -1 ||
	    !found || kk.status != HUB_KIOSK_TRUSTED ||
	    memcmp(kk.pk, n->h.kiosk_pk, sizeof kk.pk) != 0 ||
	    c->hs->ops->bundle_seen(c->hs, n->hash, &seen, &ignored) == -1 || seen)
		return;
	pthread_mutex_lock(&pl->mu);
	allow_open(pl, n);
	pthread_mutex_unlock(&pl->mu);
}

static int
make_receipt(struct import_ctx *c, unsigned char **out, size_t *len, struct err *e)
{
	struct receipt r = { 0 };

	memcpy(r.kiosk_id, c->j->h.kiosk_id, KEY_ID_BYTES);
	r.bundle_seq = c->j->h.seq;
	memcpy(r.bundle_hash, c->j->hash, BUNDLE_HASH_BYTES);
	r.created = (int64_t)time(NULL);
	r.count = c->nids;
	r.ids = c->ids;
	return receipt_write(&r, c->o->key, out, len, e);
}

/* Write the receipt next to the bundle file; a failure is a warning only. */
static void
write_receipt(struct import_ctx *c, const unsigned char *rbuf, size_t rlen)
{
	char *rpath = xasprintf("%s.receipt", c->j->path);
	struct err we;

	if (fsutil_write_atomic(rpath, rbuf, rlen, 0644, 0, &we) == -1) {
		err_prefix(&we, "imported, but could not write the receipt");
		if (c->st->warning[0] == '\0')
			memcpy(c->st->warning, we.msg, sizeof c->st->warning);
	} else
		c->st->receipts++;
	free(rpath);
}

/* The bundle's transaction, from the kiosk's standing to the commit. */
static int
store_bundle(struct import_ctx *c, struct err *e)
{
	const struct hubstore_ops *ops = c->hs->ops;
	struct job *j = c->j;

	c->hs->retry = 0;
	if (decide(c, e) == -1)
		return -1;
	if ((!c->seen && store_all(c, e) == -1) || ops->kiosk_put(c->hs, &c->k, e) == -1 ||
	    (!c->seen && ops->bundle_add(c->hs, j->hash, &j->h, j->path, e) == -1))
		return -1;
	hint_next(c);
	if (ops->commit(c->hs, e) == -1)
		return -1;
	c->intx = 0;
	return 0;
}

/* After a transient failure (hs->retry: a serialization failure or a
 * deadlock on PostgreSQL): roll back, forget what this attempt stored and
 * opened, and wait a little (longer each time, with some randomness so
 * that two processes do not meet again) before the next attempt. */
static void
retry_reset(struct import_ctx *c, int attempt)
{
	struct pipeline *pl = c->pl;
	struct job *j = c->j;
	struct timespec ts;
	long ms = 20L * attempt + (long)randombytes_uniform(20);

	if (c->intx)
		c->hs->ops->rollback(c->hs);
	c->intx = 0;
	pthread_mutex_lock(&pl->mu);
	stop_open(pl, j);
	j->next = 0;
	j->limit = j->slots;
	pthread_mutex_unlock(&pl->mu);
	free(c->ids);
	c->ids = NULL;
	c->nids = c->done = c->new = c->duplicate = c->conflict = 0;
	c->seen = 0;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/* Take or leave the caller's store lock (import_opts.store_lock). */
static void
store_lock(struct import_ctx *c, int take)
{
	if (c->o->store_lock == NULL || c->locked == take)
		return;
	c->o->store_lock(c->o->ctx, take);
	c->locked = take;
}

/* Open j's first records on this thread (and the workers) before the
 * store is taken: as many as the look-ahead holds. */
static void
open_ahead(struct pipeline *pl, struct job *j)
{
	size_t i;

	pthread_mutex_lock(&pl->mu);
	allow_open(pl, j);
	while (claim_record(j, &i))
		open_claimed(pl, j, i, pl->rd, &pl->rd_err);
	pthread_mutex_unlock(&pl->mu);
}

/* Import bundle k (the storing thread's part), setting its outcome. */
static void
run_job(struct pipeline *pl, size_t k, struct hubstore *hs, const struct import_opts *o,
    struct import_stats *st)
{
	const struct hubstore_ops *ops = hs->ops;
	struct job *j = &pl->jobs[k];
	struct import_ctx c = { 0 };
	struct err *e = &j->e;
	unsigned char *rbuf = NULL;
	size_t rlen = 0;
	int attempt;

	c.hs = hs;
	c.o = o;
	c.st = st;
	c.pl = pl;
	c.j = j;
	j->res = IMPORT_REJECTED;
	st->bundles++;
	pthread_mutex_lock(&pl->mu);
	pl->cur = k;
	pthread_cond_broadcast(&pl->work); /* bundle k + 1 may be verified now */
	wait_verified(pl, j);
	pthread_mutex_unlock(&pl->mu);
	if (j->failed) {
		*e = j->verr;
		goto out;
	}
	if (o->kiosk != NULL && memcmp(o->kiosk, j->h.kiosk_id, KEY_ID_BYTES) != 0) {
		char signer[KEY_ID_HEX], sender[KEY_ID_HEX];

		keys_id_hex(j->h.kiosk_id, signer);
		keys_id_hex(o->kiosk, sender);
		err_set(e, "this bundle is signed by kiosk %s, not by kiosk %s that sent it",
		    signer, sender);
		goto out;
	}
	if (o->open_early)
		open_ahead(pl, j);
	store_lock(&c, 1);
	for (attempt = 1;; attempt++) {
		if (store_bundle(&c, e) == 0)
			break;
		if (c.quarantined) {
			j->res = IMPORT_QUARANTINED;
			goto out;
		}
		if (!hs->retry || attempt >= MAX_ATTEMPTS)
			goto out;
		retry_reset(&c, attempt);
	}
	store_lock(&c, 0);
	st->new += c.new;
	st->duplicate += c.duplicate;
	st->conflict += c.conflict;
	j->res = IMPORT_DONE;

	if (make_receipt(&c, &rbuf, &rlen, e) == -1) {
		snprintf(st->warning, sizeof st->warning, "%s", e->msg);
		goto out;
	}
	if (o->receipts && j->path != NULL)
		write_receipt(&c, rbuf, rlen);
	if (j->want_receipt) {
		j->receipt = rbuf;
		j->receipt_len = rlen;
		rbuf = NULL;
	}
out:
	pthread_mutex_lock(&pl->mu);
	stop_open(pl, j);
	pthread_mutex_unlock(&pl->mu);
	if (c.intx)
		ops->rollback(hs);
	store_lock(&c, 0);
	if (j->res == IMPORT_REJECTED) {
		st->rejected++;
		if (st->reason[0] == '\0') {
			struct err r = *e;

			if (j->path != NULL && !j->load_failed)
				err_prefix(&r, "%s", j->path);
			memcpy(st->reason, r.msg, sizeof st->reason);
		}
	}
	free(rbuf);
	free(c.ids);
	free(j->loaded);
	free(j->recs);
	free(j->pr);
	free(j->ready);
	j->loaded = NULL;
	j->recs = NULL;
	j->pr = NULL;
	j->ready = NULL;
}

/* Import jobs in order, reporting each outcome. */
static void
run_jobs(struct hubstore *hs, struct job *jobs, size_t n, const struct import_opts *o,
    struct import_stats *st)
{
	struct pipeline pl;
	size_t k;

	pipeline_start(&pl, o->key, jobs, n);
	for (k = 0; k < n; k++) {
		run_job(&pl, k, hs, o, st);
		if (o->report != NULL)
			o->report(o->ctx, jobs[k].path, jobs[k].res, &jobs[k].e);
	}
	pipeline_finish(&pl);
}

void
import_files(struct hubstore *hs, char *const *paths, size_t n, const struct import_opts *o,
    struct import_stats *st)
{
	struct job *jobs = xcalloc(n ? n : 1, sizeof *jobs);
	size_t k;

	for (k = 0; k < n; k++) {
		jobs[k].path = paths[k];
		jobs[k].from_file = 1;
	}
	run_jobs(hs, jobs, n, o, st);
	free(jobs);
}

enum import_outcome
import_file(struct hubstore *hs, const char *path, const struct import_opts *o,
    struct import_stats *st, struct err *e)
{
	struct job j = { 0 };

	j.path = path;
	j.from_file = 1;
	run_jobs(hs, &j, 1, o, st);
	*e = j.e;
	return j.res;
}

enum import_outcome
import_buffer(struct hubstore *hs, const unsigned char *buf, size_t len, const char *path,
    const struct import_opts *o, struct import_stats *st, unsigned char **receipt,
    size_t *receipt_len, struct err *e)
{
	struct job j = { 0 };

	j.path = path;
	j.buf = buf;
	j.len = len;
	j.want_receipt = receipt != NULL;
	run_jobs(hs, &j, 1, o, st);
	if (receipt != NULL) {
		*receipt = j.receipt;
		*receipt_len = j.receipt_len;
	}
	*e = j.e;
	return j.res;
}

struct waiting {
	unsigned char hash[BUNDLE_HASH_BYTES];
	unsigned char *data;
	size_t len;
	char *path;
	struct waiting *next;
};

static int
collect_waiting(const struct quarantined *q, void *arg, struct err *e)
{
	struct waiting **list = arg, *w = xcalloc(1, sizeof *w);

	(void)e;
	memcpy(w->hash, q->hash, BUNDLE_HASH_BYTES);
	w->data = xmalloc(q->len ? q->len : 1);
	memcpy(w->data, q->data, q->len);
	w->len = q->len;
	w->path = q->path ? xstrdup(q->path) : NULL;
	w->next = *list;
	*list = w;
	return 0;
}

static int
set_status(struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES],
    enum hub_kiosk_status status, struct err *e)
{
	struct hub_kiosk k;
	char hex[KEY_ID_HEX];
	int found;

	keys_id_hex(kiosk, hex);
	if (hs->ops->kiosk_get(hs, kiosk, &k, &found, e) == -1)
		return -1;
	if (!found)
		return err_set(e, "no kiosk %s has sent a bundle here; see 'storyhub kiosks'", hex);
	k.status = status;
	k.last_seen = 0;
	return hs->ops->kiosk_put(hs, &k, e);
}

int
import_trust(struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES],
    const struct import_opts *o, struct import_stats *st, struct err *e)
{
	const struct hub_seckey *key = o->key;
	struct waiting *list = NULL, *w, *next;
	int rv = -1;

	if (hs->ops->quarantine_foreach(hs, kiosk, collect_waiting, &list, e) == -1)
		goto out;
	if (list != NULL && key == NULL && o->load_key == NULL) {
		err_set(e,
		    "this kiosk has bundles in quarantine: trusting it imports them, "
		    "so give --key hub.key");
		goto out;
	}
	if (list != NULL && key == NULL && o->load_key(o->key_ctx, &key, e) == -1)
		goto out;
	if (set_status(hs, kiosk, HUB_KIOSK_TRUSTED, e) == -1)
		goto out;
	rv = 0;
	for (w = list; w != NULL; w = w->next) {
		struct err be;
		struct import_opts qo = *o;

		qo.key = key;
		qo.receipts = 0; /* the stick is long gone */
		if (import_buffer(hs, w->data, w->len, w->path, &qo, st, NULL, NULL, &be) !=
		    IMPORT_DONE)
			continue; /* counted as rejected, stays in quarantine */
		if (hs->ops->quarantine_delete(hs, w->hash, e) == -1) {
			rv = -1;
			break;
		}
	}
out:
	for (w = list; w != NULL; w = next) {
		next = w->next;
		free(w->data);
		free(w->path);
		free(w);
	}
	return rv;
}

int
import_revoke(struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES], struct err *e)
{
	return set_status(hs, kiosk, HUB_KIOSK_REVOKED, e);
}

int
import_reject(
    struct hubstore *hs, const unsigned char kiosk[KEY_ID_BYTES], size_t *n, struct err *e)
{
	struct hub_kiosk k;
	char hex[KEY_ID_HEX];
	int found;

	*n = 0;
	keys_id_hex(kiosk, hex);
	if (hs->ops->kiosk_get(hs, kiosk, &k, &found, e) == -1)
		return -1;
	if (!found)
		return err_set(e, "no kiosk %s has sent a bundle here; see 'storyhub kiosks'", hex);
	if (hs->ops->begin(hs, e) == -1)
		return -1;
	if (hs->ops->quarantine_reject(hs, kiosk, n, e) == -1 || hs->ops->commit(hs, e) == -1) {
		hs->ops->rollback(hs);
		*n = 0;
		return -1;
	}
	return 0;
}

char *
import_summary(const struct import_stats *st)
{
	char *conflicts = st->conflict ? xasprintf(", %zu conflict%s kept for review", st->conflict,
	                                     st->conflict == 1 ? "" : "s") :
	                                 xstrdup("");
	char *s;

	if (st->rejected)
		s = xasprintf("%zu new, %zu duplicate, %zu quarantined, %zu rejected: %s%s",
		    st->new, st->duplicate, st->quarantined, st->rejected, st->reason, conflicts);
	else
		s = xasprintf("%zu new, %zu duplicate, %zu quarantined, 0 rejected%s", st->new,
		    st->duplicate, st->quarantined, conflicts);
	free(conflicts);
	return s;
}
