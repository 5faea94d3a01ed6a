/* export: the kiosk side of USB transport. Applies the hub receipts found on
 * the stick, then writes one signed bundle of finished stories atomically and
 * only then marks them exported. */
#include "export.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bundle.h"
#include "fsutil.h"
#include "receipt.h"
#include "utf8.h"
#include "xmalloc.h"

struct gather {
	struct bundle_writer *w;
	unsigned char (*ids)[STORE_ID_BYTES];
	size_t n, cap;
};

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
	if (bundle_writer_add(g->w, &br, e) == -1)
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
export_receipt_apply(struct kiosk *k, const char *path, size_t *listed, size_t *marked,
    struct err *e)
{
	struct receipt r;
	int rv;

	*listed = *marked = 0;
	if (load_receipt(k, path, &r, e) == -1)
		return -1;
	*listed = r.count;
	rv = store_mark_acked(k->store, (const unsigned char(*)[STORE_ID_BYTES])r.ids,
	    r.count, marked, e);
	receipt_free(&r);
	return rv;
}

/* Apply one receipt file from the stick; 1 if it was for this kiosk and
 * verified, 0 if not (a stick may carry other kiosks' receipts), -1 when the
 * store fails. */
static int
apply_receipt(struct kiosk *k, const char *path, struct err *e)
{
	struct receipt r;
	struct err ignored;
	size_t marked;
	int rv;

	if (load_receipt(k, path, &r, &ignored) == -1)
		return 0;
	rv = store_mark_acked(k->store, (const unsigned char(*)[STORE_ID_BYTES])r.ids,
	    r.count, &marked, e);
	receipt_free(&r);
	return rv == -1 ? -1 : 1;
}

int
export_apply_receipts(struct kiosk *k, const char *dir, size_t *applied, struct err *e)
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
		r = apply_receipt(k, path, e);
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
	bundle_writer_free(g->w);
	free(g->ids);
	memset(g, 0, sizeof *g);
}

/* Start the bundle of every story matching filter: sequence taken, records
 * added, the signature's hash under way on another thread. Nothing matched:
 * 0 with g->w NULL. */
static int
gather(struct kiosk *k, enum store_filter filter, struct gather *g, uint64_t *seq,
    struct err *e)
{
	struct store_counts cnt;
	uint64_t n;
	char *label;
	int rv;

	memset(g, 0, sizeof *g);
	/* Counting by status avoids reading every sealed payload twice. */
	if (store_counts(k->store, &cnt, e) == -1)
		return -1;
	n = filter == STORE_HELD ? cnt.finished :
	    filter == STORE_UNACKED ? cnt.unacked : cnt.unexported;
	if (n == 0)
		return 0;
	if (store_next_bundle_seq(k->store, seq, e) == -1)
		return -1;
	label = bundle_name(k->name);
	rv = bundle_writer_create(k->identity, label, *seq, (int64_t)time(NULL), k->hubs,
	    k->nhubs, &g->w, e);
	free(label);
	if (rv == -1)
		return -1;
	/* signing overlaps reading (a count beyond the limit fails at add) */
	bundle_writer_expect(g->w, n > BUNDLE_MAX_RECORDS ? BUNDLE_MAX_RECORDS : (uint32_t)n, 0);
	if (store_foreach(k->store, filter, add_one, g, e) == -1) {
		gather_free(g);
		return -1;
	}
	return 0;
}

/* Sign what gather() started into b (the writer is freed either way). */
static int
seal(struct gather *g, uint64_t seq, struct export_bundle *b, struct err *e)
{
	memset(b, 0, sizeof *b);
	if (bundle_writer_finish(g->w, &b->buf, &b->len, e) == -1) {
		free(g->ids);
		return -1;
	}
	b->seq = seq;
	b->ids = g->ids;
	b->n = g->n;
	return 0;
}

int
export_bundle_build(struct kiosk *k, enum store_filter filter, struct export_bundle *b,
    struct err *e)
{
	struct gather g;
	uint64_t seq;

	memset(b, 0, sizeof *b);
	if (gather(k, filter, &g, &seq, e) == -1)
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
export_run(struct kiosk *k, const char *todir, int all, struct export_result *res,
    struct err *e)
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
	int rv = -1, marking = 0;

	memset(res, 0, sizeof *res);
	if (stat(todir, &st) == -1)
		return err_set(e, "cannot export to %s: %s (is the USB stick mounted?)", todir,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(e, "cannot export to %s: not a directory", todir);
	if (export_apply_receipts(k, todir, &res->receipts, e) == -1)
		return -1;
	if (gather(k, all ? STORE_HELD : STORE_UNEXPORTED, &g, &seq, e) == -1)
		return -1;
	if (g.w == NULL)
		return 0;
	/* While the signature's hash finishes on the other thread: mark the
	 * stories, in a transaction committed only once the bundle is on disk,
	 * and write (and sync) the bundle up to its signature. */
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (store_mark_exported_open(k->store, (const unsigned char(*)[STORE_ID_BYTES])g.ids,
	    g.n, seq, when, e) == -1) {
		gather_free(&g);
		err_prefix(e, "nothing was exported");
		return -1;
	}
	marking = 1;
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
	marking = 0;
	if (store_commit(k->store, e) == -1) {
		err_prefix(e, "%s was written but its stories stay marked not exported "
		    "(the next export sends them again; the hub keeps each story once)",
		    res->path);
		goto out;
	}
	res->stories = b.n;
	rv = 0;
out:
	fsutil_atomic_abort(&file);     /* after a commit or a failure: nothing left */
	if (marking)
		store_rollback(k->store);
	if (rv == -1)
		export_result_free(res);
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
