/* import: verify a bundle whole, decide by the kiosk's standing, open every
 * record with the hub key and store it, one transaction per bundle; write the
 * signed receipt. */
#include "import.h"

#include <inttypes.h>
#include <pthread.h>
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
#include "xmalloc.h"

#define MAX_WORKERS 4
/* How far opening may run ahead of storing: bounds the plaintext held. */
#define LOOKAHEAD 256

/* The bundle's hash, computed on another core while bundle_read verifies the
 * signature (both read the whole bundle; neither depends on the other). */
struct hash_job {
	pthread_t tid;
	const unsigned char *buf;
	size_t len;
	unsigned char out[BUNDLE_HASH_BYTES];
	int running;
};

struct import_ctx {
	struct hubstore *hs;
	const struct import_opts *o;
	struct import_stats *st;
	const unsigned char *buf;
	size_t len;
	const char *path;
	struct hash_job hj;
	unsigned char hash[BUNDLE_HASH_BYTES];
	struct bundle_header h;
	struct hub_kiosk k;
	int seen, intx, quarantined;
	size_t done, new, duplicate, conflict;
	unsigned char (*ids)[BUNDLE_ID_BYTES];
	size_t nids;
	struct bundle_record *recs;     /* the records to store (point into buf) */
	size_t nrecs;
	size_t workers;                 /* threads that open records, this one included */
};

/* One record opened and decoded, waiting to be stored. */
struct prepared {
	struct payload *p;
	char *text;
	unsigned char hash[32];
	struct err e;
	int failed;
};

static void *
hash_worker(void *arg)
{
	struct hash_job *j = arg;

	bundle_hash(j->buf, j->len, j->out);
	return NULL;
}

static void
hash_start(struct hash_job *j, const unsigned char *buf, size_t len, int threaded)
{
	j->buf = buf;
	j->len = len;
	j->running = threaded && pthread_create(&j->tid, NULL, hash_worker, j) == 0;
}

/* Wait for the hash (or compute it here if no thread could start). */
static void
hash_finish(struct hash_job *j, unsigned char out[BUNDLE_HASH_BYTES])
{
	if (j->running) {
		pthread_join(j->tid, NULL);
		j->running = 0;
	} else
		hash_worker(j);
	memcpy(out, j->out, BUNDLE_HASH_BYTES);
}

/* Open, decode (with this thread's reader rd) and check record r (number
 * which, 1-based) into out. Runs on worker threads: touches nothing shared. */
static void
prepare_record(const struct import_ctx *c, struct payread *rd, const struct bundle_record *r,
    size_t which, struct prepared *out)
{
	const struct hub_seckey *key = c->o->key;
	unsigned char ids[SEAL_MAX_RECIPIENTS][KEY_ID_BYTES], *plain = NULL;
	char sid[2 * BUNDLE_ID_BYTES + 1], kid[KEY_ID_HEX];
	struct err *e = &out->e;
	size_t n, plainlen, i;

	memset(out, 0, sizeof *out);
	out->failed = 1;
	if (seal_recipients(r->sealed, r->sealed_len, ids, SEAL_MAX_RECIPIENTS, &n, e) == -1) {
		err_prefix(e, "record %zu", which);
		return;
	}
	for (i = 0; i < n; i++)
		if (memcmp(ids[i], key->pub.id, KEY_ID_BYTES) == 0)
			break;
	if (i == n) {
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
	keys_id_hex(c->h.kiosk_id, kid);
	if (strcmp(out->p->story_id, sid) != 0 || strcmp(out->p->kiosk, kid) != 0) {
		err_set(e, "record %zu: its payload belongs to another story or kiosk", which);
		goto out;
	}
	crypto_generichash(out->hash, sizeof out->hash, plain, plainlen, NULL, 0);
	out->text = out->p->text;       /* taken over from the payload */
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
store_prepared(struct import_ctx *c, const struct bundle_record *r, struct prepared *pr,
    struct err *e)
{
	struct hub_story_in in;
	enum hub_put put;

	memset(&in, 0, sizeof in);
	memcpy(in.id, r->id, BUNDLE_ID_BYTES);
	memcpy(in.kiosk_id, c->h.kiosk_id, KEY_ID_BYTES);
	in.seq = r->seq;
	in.status = r->status;
	in.source = r->source;
	memcpy(in.content_hash, pr->hash, sizeof in.content_hash);
	in.p = pr->p;
	in.text = pr->text;
	if (c->hs->ops->story_put(c->hs, &in, &put, e) == -1)
		return -1;
	if (put == HUB_PUT_NEW)
		c->new++;
	else if (put == HUB_PUT_DUPLICATE)
		c->duplicate++;
	else
		c->conflict++;
	memcpy(c->ids[c->nids++], r->id, BUNDLE_ID_BYTES);
	c->done++;
	if (c->o->progress != NULL)
		c->o->progress(c->o->progress_ctx, c->done, c->h.count);
	return 0;
}

/*
 * Opening (X25519, XChaCha20-Poly1305, JSON read by payread) runs on every
 * core while this thread stores what is already open, in record order (the
 * store has one connection and the transaction is this thread's). Worker threads take the
 * next record to open; this thread opens one too whenever the record it must
 * store next is not ready yet. Opening stays less than LOOKAHEAD records
 * ahead of storing, so opened records live in a ring of LOOKAHEAD slots
 * (record i in slot i % LOOKAHEAD).
 */
struct pipeline {
	struct import_ctx *c;
	struct prepared pr[LOOKAHEAD];
	unsigned char ready[LOOKAHEAD];
	size_t n, next, limit;          /* next to open; may open below limit */
	int stop;
	pthread_mutex_t mu;
	pthread_cond_t opened;          /* a record became ready */
	pthread_cond_t room;            /* limit moved, or stop */
};

/* Open record i with reader rd (mu held on entry and on return, released
 * meanwhile). Without a reader the record fails with the reason in rd_err. */
static void
pipeline_open(struct pipeline *pl, struct payread *rd, const struct err *rd_err, size_t i)
{
	struct prepared *pr = &pl->pr[i % LOOKAHEAD];

	pthread_mutex_unlock(&pl->mu);
	if (rd != NULL)
		prepare_record(pl->c, rd, &pl->c->recs[i], i + 1, pr);
	else {
		memset(pr, 0, sizeof *pr);
		pr->failed = 1;
		pr->e = *rd_err;
	}
	pthread_mutex_lock(&pl->mu);
	pl->ready[i % LOOKAHEAD] = 1;
}

static void *
open_worker(void *arg)
{
	struct pipeline *pl = arg;
	struct payread *rd;
	struct err e;

	payread_open(&rd, &e);
	pthread_mutex_lock(&pl->mu);
	for (;;) {
		while (!pl->stop && pl->next < pl->n && pl->next >= pl->limit)
			pthread_cond_wait(&pl->room, &pl->mu);
		if (pl->stop || pl->next >= pl->n)
			break;
		pipeline_open(pl, rd, &e, pl->next++);
		pthread_cond_signal(&pl->opened);
	}
	pthread_mutex_unlock(&pl->mu);
	payread_close(rd);
	return NULL;
}

static int
store_all(struct import_ctx *c, struct err *e)
{
	struct pipeline *pl;
	struct payread *rd = NULL;      /* this thread's, made when it first opens one */
	struct err rd_err;
	int rd_tried = 0;
	pthread_t tid[MAX_WORKERS];
	size_t nthreads = 0, want = c->workers - 1, i;
	int rv = 0;

	if (c->nrecs == 0)
		return 0;
	pl = xcalloc(1, sizeof *pl);
	pl->c = c;
	pl->n = c->nrecs;
	pl->limit = LOOKAHEAD;
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->opened, NULL);
	pthread_cond_init(&pl->room, NULL);
	if (want > pl->n - 1)
		want = pl->n - 1;
	/* if a thread cannot start, this one opens more itself */
	while (nthreads < want && pthread_create(&tid[nthreads], NULL, open_worker, pl) == 0)
		nthreads++;

	for (i = 0; i < pl->n; i++) {
		struct prepared *pr = &pl->pr[i % LOOKAHEAD];

		pthread_mutex_lock(&pl->mu);
		while (!pl->ready[i % LOOKAHEAD]) {
			if (pl->next < pl->n && pl->next < pl->limit) {
				if (!rd_tried) {
					payread_open(&rd, &rd_err);
					rd_tried = 1;
				}
				pipeline_open(pl, rd, &rd_err, pl->next++);
			} else
				pthread_cond_wait(&pl->opened, &pl->mu);
		}
		pthread_mutex_unlock(&pl->mu);
		if (pr->failed) {
			*e = pr->e;
			rv = -1;
		} else if (store_prepared(c, &c->recs[i], pr, e) == -1)
			rv = -1;
		prepared_free(pr);
		if (rv == -1)
			break;
		pthread_mutex_lock(&pl->mu);
		pl->ready[i % LOOKAHEAD] = 0;   /* the slot is free for record i + LOOKAHEAD */
		pl->limit = i + 1 + LOOKAHEAD;
		pthread_cond_signal(&pl->room);
		pthread_mutex_unlock(&pl->mu);
	}

	pthread_mutex_lock(&pl->mu);
	pl->stop = 1;
	pthread_cond_broadcast(&pl->room);
	pthread_mutex_unlock(&pl->mu);
	for (i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < LOOKAHEAD; i++)
		prepared_free(&pl->pr[i]);      /* those opened past a failure */
	payread_close(rd);
	pthread_cond_destroy(&pl->room);
	pthread_cond_destroy(&pl->opened);
	pthread_mutex_destroy(&pl->mu);
	free(pl);
	return rv;
}

/* After the bundle verified whole: decide by the kiosk's standing and open the
 * bundle's transaction. Returns -1 (e set) to stop reading, also when the
 * bundle went to quarantine (c->quarantined). */
static int
on_header(const struct bundle_header *h, void *arg, struct err *e)
{
	struct import_ctx *c = arg;
	const struct hubstore_ops *ops = c->hs->ops;
	struct hub_kiosk *k = &c->k;
	char hex[KEY_ID_HEX];
	int found;

	c->h = *h;
	hash_finish(&c->hj, c->hash);
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
		if (ops->kiosk_put(c->hs, k, e) == -1 ||
		    ops->quarantine_add(c->hs, c->hash, h, c->buf, c->len, c->path, e) == -1 ||
		    ops->commit(c->hs, e) == -1)
			return -1;
		c->intx = 0;
		c->st->quarantined += h->count;
		c->quarantined = 1;
		return err_set(e, "bundle from unknown kiosk %s quarantined (%" PRIu32
		    " stories); if you expect this kiosk, compare its id with 'storykiosk "
		    "status' and run 'storyhub kiosks --store DB --key hub.key trust %s'", hex,
		    h->count, hex);
	}

	c->ids = h->count ? xcalloc(h->count, BUNDLE_ID_BYTES) : NULL;
	if (ops->begin(c->hs, e) == -1)
		return -1;
	c->intx = 1;
	if (ops->bundle_seen(c->hs, c->hash, &c->seen, e) == -1)
		return -1;
	if (c->seen)
		c->duplicate = h->count;
	else if (h->count > 0)
		c->recs = xcalloc(h->count, sizeof *c->recs);
	return 0;
}

/* A bundle seen before only lists its ids (for the receipt); otherwise the
 * records are gathered for store_all. */
static int
on_record(const struct bundle_record *r, void *arg, struct err *e)
{
	struct import_ctx *c = arg;

	(void)e;
	if (c->seen)
		memcpy(c->ids[c->nids++], r->id, BUNDLE_ID_BYTES);
	else
		c->recs[c->nrecs++] = *r;
	return 0;
}

static int
make_receipt(struct import_ctx *c, unsigned char **out, size_t *len, struct err *e)
{
	struct receipt r = { 0 };

	memcpy(r.kiosk_id, c->h.kiosk_id, KEY_ID_BYTES);
	r.bundle_seq = c->h.seq;
	memcpy(r.bundle_hash, c->hash, BUNDLE_HASH_BYTES);
	r.created = (int64_t)time(NULL);
	r.count = c->nids;
	r.ids = c->ids;
	return receipt_write(&r, c->o->key, out, len, e);
}

enum import_outcome
import_buffer(struct hubstore *hs, const unsigned char *buf, size_t len, const char *path,
    const struct import_opts *o, struct import_stats *st, unsigned char **receipt,
    size_t *receipt_len, struct err *e)
{
	const struct hubstore_ops *ops = hs->ops;
	struct import_ctx c = { 0 };
	struct bundle_sink sink = { on_header, on_record, &c };
	unsigned char *rbuf = NULL;
	size_t rlen = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	enum import_outcome res = IMPORT_REJECTED;

	if (receipt != NULL) {
		*receipt = NULL;
		*receipt_len = 0;
	}
	st->bundles++;
	c.hs = hs;
	c.o = o;
	c.st = st;
	c.buf = buf;
	c.len = len;
	c.path = path;
	c.workers = ncpu < 1 ? 1 : ncpu > MAX_WORKERS ? MAX_WORKERS : (size_t)ncpu;
	/* bundle_read verifies the whole bundle once, then calls on_header (the
	 * kiosk's standing, the transaction) and on_record for each record */
	hash_start(&c.hj, buf, len, c.workers > 1);
	if (bundle_read(buf, len, o->key->pub.id, &sink, e) == -1) {
		if (c.quarantined)
			res = IMPORT_QUARANTINED;
		goto out;
	}
	if (store_all(&c, e) == -1 ||
	    ops->kiosk_put(hs, &c.k, e) == -1 ||
	    (!c.seen && ops->bundle_add(hs, c.hash, &c.h, path, e) == -1) ||
	    ops->commit(hs, e) == -1)
		goto out;
	c.intx = 0;
	st->new += c.new;
	st->duplicate += c.duplicate;
	st->conflict += c.conflict;
	res = IMPORT_DONE;

	if (make_receipt(&c, &rbuf, &rlen, e) == -1) {
		snprintf(st->warning, sizeof st->warning, "%s", e->msg);
		goto out;
	}
	if (o->receipts && path != NULL) {
		char *rpath = xasprintf("%s.receipt", path);
		struct err we;

		if (fsutil_write_atomic(rpath, rbuf, rlen, 0644, 0, &we) == -1) {
			err_prefix(&we, "imported, but could not write the receipt");
			if (st->warning[0] == '\0')
				memcpy(st->warning, we.msg, sizeof st->warning);
		} else
			st->receipts++;
		free(rpath);
	}
	if (receipt != NULL) {
		*receipt = rbuf;
		*receipt_len = rlen;
		rbuf = NULL;
	}
out:
	if (c.hj.running) {             /* verification failed before on_header */
		pthread_join(c.hj.tid, NULL);
		c.hj.running = 0;
	}
	if (c.intx)
		ops->rollback(hs);
	if (res == IMPORT_REJECTED) {
		st->rejected++;
		if (st->reason[0] == '\0') {
			struct err r = *e;

			if (path != NULL)
				err_prefix(&r, "%s", path);
			memcpy(st->reason, r.msg, sizeof st->reason);
		}
	}
	free(rbuf);
	free(c.ids);
	free(c.recs);
	return res;
}

enum import_outcome
import_file(struct hubstore *hs, const char *path, const struct import_opts *o,
    struct import_stats *st, struct err *e)
{
	unsigned char *buf = NULL;
	size_t len;
	enum import_outcome res;

	if (bundle_load_file(path, &buf, &len, e) == -1) {
		st->bundles++;
		st->rejected++;
		if (st->reason[0] == '\0')
			memcpy(st->reason, e->msg, sizeof st->reason);
		return IMPORT_REJECTED;
	}
	res = import_buffer(hs, buf, len, path, o, st, NULL, NULL, e);
	free(buf);
	return res;
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
	struct waiting *list = NULL, *w, *next;
	int rv = -1;

	if (hs->ops->quarantine_foreach(hs, kiosk, collect_waiting, &list, e) == -1)
		goto out;
	if (list != NULL && o->key == NULL) {
		err_set(e, "this kiosk has bundles in quarantine: trusting it imports them, "
		    "so give --key hub.key");
		goto out;
	}
	if (set_status(hs, kiosk, HUB_KIOSK_TRUSTED, e) == -1)
		goto out;
	rv = 0;
	for (w = list; w != NULL; w = w->next) {
		struct err be;
		struct import_opts qo = *o;

		qo.receipts = 0;        /* the stick is long gone */
		if (import_buffer(hs, w->data, w->len, w->path, &qo, st, NULL, NULL, &be) !=
		    IMPORT_DONE)
			continue;       /* counted as rejected, stays in quarantine */
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

char *
import_summary(const struct import_stats *st)
{
	char *conflicts = st->conflict ? xasprintf(", %zu conflict%s kept for review",
	    st->conflict, st->conflict == 1 ? "" : "s") : xstrdup("");
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
