/* import: verify a bundle whole, decide by the kiosk's standing, open every
 * record with the hub key and store it, one transaction per bundle; write the
 * signed receipt. */
#include "import.h"

#include <inttypes.h>
#include <pthread.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "fsutil.h"
#include "payload.h"
#include "receipt.h"
#include "seal.h"
#include "xmalloc.h"

struct import_ctx {
	struct hubstore *hs;
	const struct import_opts *o;
	const struct bundle_header *h;
	struct import_stats *st;
	size_t done, new, duplicate, conflict;
	unsigned char (*ids)[BUNDLE_ID_BYTES];
	size_t nids;
	size_t workers;         /* threads that open records, this one included */
};

/* One record opened and decoded, waiting to be stored. */
struct prepared {
	struct payload *p;
	char *text;
	unsigned char hash[32];
	struct err e;
	int failed;
};

/* Open, decode and check record r (number which, 1-based) into out. Runs on
 * worker threads: touches nothing shared. */
static void
prepare_record(const struct import_ctx *c, const struct bundle_record *r, size_t which,
    struct prepared *out)
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
	if (payload_decode((const char *)plain, plainlen, &out->p, e) == -1) {
		err_prefix(e, "record %zu", which);
		goto out;
	}
	sodium_bin2hex(sid, sizeof sid, r->id, BUNDLE_ID_BYTES);
	keys_id_hex(c->h->kiosk_id, kid);
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

#define CHUNK 256
#define MAX_WORKERS 4

/* Records are gathered in chunks; each chunk is opened on every core, then
 * stored in order on this thread (the store has one connection). */
struct chunk {
	struct import_ctx *c;
	struct bundle_record r[CHUNK];
	struct prepared pr[CHUNK];
	size_t n, base;         /* records in the chunk; index of the first */
	size_t stride, start;   /* for a worker */
};

struct worker {
	pthread_t tid;
	struct chunk *k;
	size_t start, stride;
};

static void *
decode_worker(void *arg)
{
	struct worker *w = arg;

	for (size_t i = w->start; i < w->k->n; i += w->stride)
		prepare_record(w->k->c, &w->k->r[i], w->k->base + i + 1, &w->k->pr[i]);
	return NULL;
}

static int
store_prepared(struct import_ctx *c, const struct bundle_record *r, struct prepared *pr,
    struct err *e)
{
	struct hub_story_in in;
	enum hub_put put;

	memset(&in, 0, sizeof in);
	memcpy(in.id, r->id, BUNDLE_ID_BYTES);
	memcpy(in.kiosk_id, c->h->kiosk_id, KEY_ID_BYTES);
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
		c->o->progress(c->o->progress_ctx, c->done, c->h->count);
	return 0;
}

static int
flush_chunk(struct chunk *k, struct err *e)
{
	struct worker w[MAX_WORKERS];
	size_t nw = k->c->workers, started = 1, i;
	int rv = 0;

	if (nw > k->n)
		nw = k->n ? k->n : 1;
	for (i = 0; i < nw; i++) {
		w[i].k = k;
		w[i].start = i;
		w[i].stride = nw;
	}
	/* worker 0 is this thread; if a thread cannot start, do its share here */
	for (i = 1; i < nw; i++) {
		if (pthread_create(&w[i].tid, NULL, decode_worker, &w[i]) != 0)
			break;
		started++;
	}
	if (started < nw) {
		for (i = 0; i < started; i++)
			w[i].stride = nw;
	}
	decode_worker(&w[0]);
	for (i = 1; i < started; i++)
		pthread_join(w[i].tid, NULL);
	for (i = started; i < nw; i++)
		decode_worker(&w[i]);
	for (i = 0; i < k->n; i++) {
		if (rv == 0 && k->pr[i].failed) {
			*e = k->pr[i].e;
			rv = -1;
		}
		if (rv == 0 && store_prepared(k->c, &k->r[i], &k->pr[i], e) == -1)
			rv = -1;
		prepared_free(&k->pr[i]);
	}
	k->base += k->n;
	k->n = 0;
	return rv;
}

static int
on_record(const struct bundle_record *r, void *arg, struct err *e)
{
	struct chunk *k = arg;

	k->r[k->n++] = *r;
	if (k->n == CHUNK)
		return flush_chunk(k, e);
	return 0;
}

static int
collect_id(const struct bundle_record *r, void *arg, struct err *e)
{
	struct import_ctx *c = arg;

	(void)e;
	memcpy(c->ids[c->nids++], r->id, BUNDLE_ID_BYTES);
	return 0;
}

static int
make_receipt(struct import_ctx *c, const unsigned char *hash, unsigned char **out,
    size_t *len, struct err *e)
{
	struct receipt r = { 0 };

	memcpy(r.kiosk_id, c->h->kiosk_id, KEY_ID_BYTES);
	r.bundle_seq = c->h->seq;
	memcpy(r.bundle_hash, hash, BUNDLE_HASH_BYTES);
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
	struct bundle_header h;
	struct hub_kiosk k;
	struct chunk *chunk = NULL;
	struct bundle_sink sink = { NULL, on_record, NULL };
	unsigned char hash[BUNDLE_HASH_BYTES], *rbuf = NULL;
	size_t rlen = 0;
	char hex[KEY_ID_HEX];
	int found, seen, intx = 0;
	enum import_outcome res = IMPORT_REJECTED;

	if (receipt != NULL) {
		*receipt = NULL;
		*receipt_len = 0;
	}
	st->bundles++;
	if (bundle_verify(buf, len, o->key->pub.id, &h, e) == -1)
		goto out;
	keys_id_hex(h.kiosk_id, hex);
	bundle_hash(buf, len, hash);
	if (ops->kiosk_get(hs, h.kiosk_id, &k, &found, e) == -1)
		goto out;
	if (found && memcmp(k.pk, h.kiosk_pk, sizeof k.pk) != 0) {
		err_set(e, "kiosk %s presents a different public key than before", hex);
		goto out;
	}
	if (found && k.status == HUB_KIOSK_REVOKED) {
		err_set(e, "kiosk %s is revoked: its bundles are refused", hex);
		goto out;
	}
	if (!found) {
		memset(&k, 0, sizeof k);
		memcpy(k.id, h.kiosk_id, KEY_ID_BYTES);
		memcpy(k.pk, h.kiosk_pk, sizeof k.pk);
		k.status = HUB_KIOSK_UNKNOWN;
	}
	snprintf(k.name, sizeof k.name, "%s", h.name);
	k.last_seen = (int64_t)time(NULL);
	if (k.status == HUB_KIOSK_UNKNOWN) {
		if (ops->begin(hs, e) == -1)
			goto out;
		intx = 1;
		if (ops->kiosk_put(hs, &k, e) == -1 ||
		    ops->quarantine_add(hs, hash, &h, buf, len, path, e) == -1 ||
		    ops->commit(hs, e) == -1)
			goto out;
		intx = 0;
		st->quarantined += h.count;
		err_set(e, "bundle from unknown kiosk %s quarantined (%" PRIu32 " stories); if "
		    "you expect this kiosk, compare its id with 'storykiosk status' and run "
		    "'storyhub kiosks --store DB --key hub.key trust %s'", hex, h.count, hex);
		res = IMPORT_QUARANTINED;
		goto out;
	}

	c.hs = hs;
	c.o = o;
	c.h = &h;
	c.st = st;
	c.ids = h.count ? xcalloc(h.count, BUNDLE_ID_BYTES) : NULL;
	if (ops->begin(hs, e) == -1)
		goto out;
	intx = 1;
	if (ops->bundle_seen(hs, hash, &seen, e) == -1)
		goto out;
	if (seen) {
		sink.record = collect_id;
		sink.ctx = &c;
		c.duplicate = h.count;
	} else {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

		c.workers = ncpu < 1 ? 1 : ncpu > MAX_WORKERS ? MAX_WORKERS : (size_t)ncpu;
		if (c.workers > 1)
			json_object_seed(0);    /* before any thread makes a JSON object */
		chunk = xcalloc(1, sizeof *chunk);
		chunk->c = &c;
		sink.ctx = chunk;
	}
	if (bundle_read(buf, len, o->key->pub.id, &sink, e) == -1 ||
	    (chunk != NULL && chunk->n > 0 && flush_chunk(chunk, e) == -1) ||
	    ops->kiosk_put(hs, &k, e) == -1 ||
	    (!seen && ops->bundle_add(hs, hash, &h, path, e) == -1) ||
	    ops->commit(hs, e) == -1)
		goto out;
	intx = 0;
	st->new += c.new;
	st->duplicate += c.duplicate;
	st->conflict += c.conflict;
	res = IMPORT_DONE;

	if (make_receipt(&c, hash, &rbuf, &rlen, e) == -1) {
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
	if (intx)
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
	if (chunk != NULL) {
		for (size_t i = 0; i < chunk->n; i++)
			prepared_free(&chunk->pr[i]);
		free(chunk);
	}
	free(rbuf);
	free(c.ids);
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
