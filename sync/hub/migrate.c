/* migrate: row by row from one store to another, in batches, then a count
 * and a digest of both. */
#include "migrate.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

/* Rows per transaction on the target. */
#define BATCH 500
/* meta keys on the target */
#define META_FROM "migrated_from"

static const char *const kind_names[HUB_ROW_KINDS] = { "kiosks", "imported bundles",
	"quarantined bundles", "stories", "feedback packs", "enrolments" };

struct copy {
	struct hubstore *to;
	struct migrate_stats *st;
	const struct migrate_opts *o;
	uint64_t done, total;
	size_t batch;
	int intx;
};

static void
feed(crypto_generichash_state *h, const void *p, size_t n)
{
	crypto_generichash_update(h, p, n);
}

static void
feed_int(crypto_generichash_state *h, long long v)
{
	unsigned char b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)((unsigned long long)v >> (8 * i));
	feed(h, b, sizeof b);
}

/* A string, or NULL, so that NULL and "" differ and fields cannot run into
 * each other. */
static void
feed_bytes(crypto_generichash_state *h, const void *p, size_t n)
{
	unsigned char tag = p == NULL ? 0xff : 0;

	feed(h, &tag, 1);
	if (p == NULL)
		return;
	feed_int(h, (long long)n);
	feed(h, p, n);
}

static void
feed_str(crypto_generichash_state *h, const char *s)
{
	feed_bytes(h, s, s ? strlen(s) : 0);
}

/* A bundle's path or an enrolment's name as both engines keep it:
 * PostgreSQL's text must be UTF-8, so one that is not is kept neutralised
 * (hubstore-pg.c's path_text). */
static void
feed_text(crypto_generichash_state *h, const char *path)
{
	char *safe;

	if (path == NULL || utf8_valid(path, strlen(path))) {
		feed_str(h, path);
		return;
	}
	safe = utf8_neutralise(path, strlen(path), 1);
	feed_str(h, safe);
	free(safe);
}

static void
row_hash(const struct hub_row *r, unsigned char out[32])
{
	crypto_generichash_state h;
	const struct hub_kiosk *k = &r->kiosk;
	const struct hub_story *s = &r->s;

	crypto_generichash_init(&h, NULL, 0, 32);
	feed_int(&h, r->kind);
	switch (r->kind) {
	case HUB_ROW_KIOSK:
		feed_bytes(&h, k->id, sizeof k->id);
		feed_bytes(&h, k->pk, sizeof k->pk);
		feed_str(&h, k->name);
		feed_int(&h, k->status);
		feed_int(&h, k->first_seen);
		feed_int(&h, k->last_seen);
		break;
	case HUB_ROW_BUNDLE:
	case HUB_ROW_QUARANTINE:
		feed_bytes(&h, r->hash, sizeof r->hash);
		feed_str(&h, r->kiosk_id);
		feed_int(&h, r->seq);
		feed_int(&h, r->count);
		feed_bytes(&h, r->kind == HUB_ROW_QUARANTINE ? (const void *)r->data : "",
		    r->kind == HUB_ROW_QUARANTINE ? r->len : 0);
		feed_text(&h, r->path);
		feed_int(&h, r->when);
		break;
	case HUB_ROW_STORY:
		feed_str(&h, s->story_id);
		feed_bytes(&h, r->content, sizeof r->content);
		feed_str(&h, s->kiosk_id);
		feed_int(&h, r->seq);
		feed_str(&h, s->status);
		feed_str(&h, s->source);
		feed_str(&h, s->code);
		feed_str(&h, s->form);
		feed_int(&h, s->form_version);
		feed_str(&h, s->created);
		feed_str(&h, s->saved);
		feed_str(&h, s->imported);
		feed_str(&h, s->lang);
		feed_str(&h, s->consent);
		feed_str(&h, s->prompt);
		feed_str(&h, s->answers);
		feed_str(&h, s->types);
		feed_int(&h, s->conflict);
		feed_int(&h, r->withdrawn);
		feed_str(&h, s->untouched);
		feed_str(&h, s->scribe);
		break;
	case HUB_ROW_PACK:
		feed_int(&h, r->seq);
		feed_int(&h, r->when);
		feed_int(&h, r->published);
		feed_bytes(&h, r->data, r->data ? r->len : 0);
		break;
	case HUB_ROW_ENROLMENT:
		feed_bytes(&h, r->token, sizeof r->token);
		feed_text(&h, r->en.name);
		feed_int(&h, r->en.created);
		feed_int(&h, r->en.expires);
		feed_int(&h, r->en.used);
		feed_bytes(&h, r->en.kiosk, sizeof r->en.kiosk);
		break;
	}
	crypto_generichash_final(&h, out, 32);
}

static int
add_row(const struct hub_row *r, void *ctx, struct err *e)
{
	struct migrate_sum *sum = ctx;
	unsigned char hash[32];

	(void)e;
	row_hash(r, hash);
	sum->rows[r->kind]++;
	for (int lane = 0; lane < 4; lane++) {
		uint64_t v = 0;

		for (int i = 0; i < 8; i++)
			v |= (uint64_t)hash[8 * lane + i] << (8 * i);
		sum->digest[r->kind][lane] += v;
	}
	return 0;
}

int
migrate_sum(struct hubstore *hs, struct migrate_sum *sum, struct err *e)
{
	memset(sum, 0, sizeof *sum);
	return hs->ops->row_foreach(hs, add_row, sum, e);
}

static int
flush(struct copy *c, struct err *e)
{
	if (!c->intx)
		return 0;
	c->intx = 0;
	c->batch = 0;
	if (c->to->ops->commit(c->to, e) == -1)
		return -1;
	if (c->o->progress != NULL)
		c->o->progress(c->o->ctx, c->done, c->total);
	return 0;
}

static int
copy_row(const struct hub_row *r, void *ctx, struct err *e)
{
	struct copy *c = ctx;

	if (!c->intx) {
		if (c->to->ops->begin(c->to, e) == -1)
			return -1;
		c->intx = 1;
	}
	if (c->to->ops->row_put(c->to, r, e) == -1)
		return -1;
	c->st->copied[r->kind]++;
	if (r->kind == HUB_ROW_STORY && r->withdrawn)
		c->st->withdrawn++;
	c->done++;
	if (++c->batch == BATCH)
		return flush(c, e);
	return 0;
}

/* The target may take this copy: empty (then marked as this source's
 * copy), or marked so by an earlier run. */
static int
claim_target(struct hubstore *from, struct hubstore *to, struct migrate_stats *st, struct err *e)
{
	char *src = NULL, *dst = NULL, *mark = NULL;
	struct hub_counts n;
	int rv = -1;

	if (from->ops->meta_get(from, "store_id", &src, e) == -1 ||
	    to->ops->meta_get(to, "store_id", &dst, e) == -1 ||
	    to->ops->meta_get(to, META_FROM, &mark, e) == -1)
		goto out;
	if (src == NULL) {
		err_set(e, "the source store has no store id (open it once with this storyhub)");
		goto out;
	}
	if (dst != NULL && strcmp(src, dst) == 0) {
		err_set(e, "--from and --to are the same store");
		goto out;
	}
	if (mark != NULL && strcmp(mark, src) == 0) {
		st->resumed = 1;
		rv = 0;
		goto out;
	}
	if (to->ops->counts(to, &n, e) == -1)
		goto out;
	if (n.kiosks + n.bundles + n.quarantine + n.stories + n.packs + n.enrolments > 0) {
		err_set(e,
		    "the target store already holds %llu stories and %llu kiosks and is not a "
		    "copy of this source: migrate into a new, empty store",
		    (unsigned long long)n.stories, (unsigned long long)n.kiosks);
		goto out;
	}
	if (to->ops->begin(to, e) == -1)
		goto out;
	if (to->ops->meta_put(to, META_FROM, src, e) == -1 || to->ops->commit(to, e) == -1) {
		to->ops->rollback(to);
		goto out;
	}
	rv = 0;
out:
	free(src);
	free(dst);
	free(mark);
	return rv;
}

/* Both stores hold the same rows: counts first, then contents. */
static int
verify(struct hubstore *from, struct hubstore *to, struct err *e)
{
	struct migrate_sum a, b;

	if (migrate_sum(from, &a, e) == -1)
		return err_prefix(e, "checking the source");
	if (migrate_sum(to, &b, e) == -1)
		return err_prefix(e, "checking the copy");
	for (int k = 0; k < HUB_ROW_KINDS; k++)
		if (a.rows[k] != b.rows[k])
			return err_set(e,
			    "check failed: the source holds %llu %s and the copy %llu (was the "
			    "source changed meanwhile? stop imports and serve, then run migrate "
			    "again)",
			    (unsigned long long)a.rows[k], kind_names[k],
			    (unsigned long long)b.rows[k]);
	for (int k = 0; k < HUB_ROW_KINDS; k++)
		if (memcmp(a.digest[k], b.digest[k], sizeof a.digest[k]) != 0)
			return err_set(e,
			    "check failed: the %s of the source and of the copy differ in "
			    "content (their hashes do not match; was the source changed "
			    "meanwhile? run migrate again)",
			    kind_names[k]);
	return 0;
}

int
migrate_run(struct hubstore *from, struct hubstore *to, const struct migrate_opts *o,
    struct migrate_stats *st, struct err *e)
{
	struct copy c = { .to = to, .st = st, .o = o };
	struct hub_counts n;

	memset(st, 0, sizeof *st);
	if (claim_target(from, to, st, e) == -1)
		return -1;
	if (from->ops->counts(from, &n, e) == -1)
		return -1;
	c.total = n.kiosks + n.bundles + n.quarantine + n.stories + n.packs + n.enrolments;
	if (from->ops->row_foreach(from, copy_row, &c, e) == -1 || flush(&c, e) == -1) {
		if (c.intx)
			to->ops->rollback(to);
		return err_prefix(e, "copying (what was copied stays; run migrate again to go on)");
	}
	return verify(from, to, e);
}
