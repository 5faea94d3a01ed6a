/* bundle: write, verify and read the signed bundle format of
 * docs/bundle-format.md. The reader walks the framing without allocating,
 * checks the Ed25519ph signature and duplicate ids, and only then hands
 * anything to its sink, so a bad bundle is rejected whole. */
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytes.h"
#include "fsutil.h"
#include "story.h"
#include "utf8.h"
#include "xmalloc.h"

/* magic 8, version 2, sig alg 1, seal fmt 1, pk 32, id 8, name length 1 */
#define FIXED_HEAD (BUNDLE_MAGIC_LEN + 2 + 1 + 1 + crypto_sign_PUBLICKEYBYTES + KEY_ID_BYTES + 1)
/* Records carry finished stories (story.h): never a draft. */
#define STATUS_MIN STORY_STATUS_EXPORTED_MIN
#define STATUS_MAX (STATUS__COUNT - 1)
#define SOURCE_MAX (SOURCE__COUNT - 1)

struct bundle_writer {
	unsigned char *buf;
	size_t len, cap;
	size_t count_at; /* offset of the record count */
	uint32_t count;
	uint64_t last_seq;
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	int promised; /* the header holds expected (bundle_writer_expect) */
	uint32_t expected;
	size_t head_len; /* the header's length */
};

void
bundle_sighash_init(struct bundle_sighash *h)
{
	crypto_sign_init(&h->st);
	h->len = 0;
}

void
bundle_sighash_update(struct bundle_sighash *h, const unsigned char *p, size_t n)
{
	crypto_sign_update(&h->st, p, n);
	h->len += n;
}

void
bundle_sighash_wipe(struct bundle_sighash *h)
{
	sodium_memzero(h, sizeof *h);
}

/* The capacity to grow to for need bytes: double, or when a count was
 * promised, what the records so far suggest the whole bundle takes (so the
 * buffer moves once or twice, not at every doubling). */
static size_t
grow_cap(const struct bundle_writer *w, size_t need)
{
	size_t cap = w->cap ? w->cap : 4096;

	while (cap < need)
		cap *= 2;
	if (w->promised && w->count > 0 && w->count < w->expected) {
		uint64_t per = (uint64_t)(w->len - w->head_len) / w->count + 1;
		uint64_t est = (uint64_t)w->head_len + per * w->expected / 8 * 9 + BUNDLE_SIG_BYTES;

		if (est > cap && est <= BUNDLE_MAX_BYTES)
			cap = (size_t)est;
	}
	return cap;
}

static unsigned char *
grow(struct bundle_writer *w, size_t n)
{
	unsigned char *p;

	if (n > SIZE_MAX - w->len)
		fatal("bundle too large");
	if (w->len + n > w->cap) {
		size_t cap = grow_cap(w, w->len + n);

		w->buf = xreallocarray(w->buf, cap, 1);
		w->cap = cap;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

int
bundle_writer_create(const struct kiosk_identity *id, const char *name, uint64_t seq,
    int64_t created, const struct hub_pubkey *hubs, size_t nhubs, struct bundle_writer **out,
    struct err *e)
{
	struct bundle_writer *w;
	unsigned char *p;
	size_t namelen = name ? strlen(name) : 0;

	*out = NULL;
	if (namelen > BUNDLE_MAX_NAME)
		return err_set(e, "kiosk name longer than %d bytes", BUNDLE_MAX_NAME);
	if (!utf8_valid(name ? name : "", namelen))
		return err_set(e, "kiosk name is not valid UTF-8");
	if (nhubs < 1 || nhubs > BUNDLE_MAX_HUBS)
		return err_set(
		    e, "a bundle needs 1 to %d hub keys (have %zu)", BUNDLE_MAX_HUBS, nhubs);
	if (seq == 0)
		return err_set(e, "bundle sequence 0 (sequences start at 1)");
	w = xcalloc(1, sizeof *w);
	p = grow(w, FIXED_HEAD);
	memcpy(p, BUNDLE_MAGIC, BUNDLE_MAGIC_LEN);
	p += BUNDLE_MAGIC_LEN;
	le_put16(p, BUNDLE_VERSION);
	p += 2;
	*p++ = BUNDLE_SIG_ED25519PH;
	*p++ = BUNDLE_SEAL_SKS1;
	memcpy(p, id->pk, crypto_sign_PUBLICKEYBYTES);
	p += crypto_sign_PUBLICKEYBYTES;
	keys_kiosk_id(id->pk, p);
	p += KEY_ID_BYTES;
	*p = (unsigned char)namelen;
	if (namelen > 0)
		memcpy(grow(w, namelen), name, namelen);
	le_put64(grow(w, 8), seq);
	le_put64(grow(w, 8), (uint64_t)created);
	*grow(w, 1) = (unsigned char)nhubs;
	for (size_t i = 0; i < nhubs; i++)
		memcpy(grow(w, KEY_ID_BYTES), hubs[i].id, KEY_ID_BYTES);
	w->count_at = w->len;
	le_put32(grow(w, 4), 0);
	memcpy(w->sk, id->sk, sizeof w->sk);
	*out = w;
	return 0;
}

void
bundle_writer_expect(struct bundle_writer *w, uint32_t count, size_t sealed_bytes)
{
	uint64_t cap;

	if (w->promised || w->count > 0)
		return;
	cap = (uint64_t)w->len + (uint64_t)count * (4 + BUNDLE_RECORD_FIXED) +
	    (uint64_t)sealed_bytes + BUNDLE_SIG_BYTES;
	if (sealed_bytes > 0 && cap > w->cap && cap <= BUNDLE_MAX_BYTES) {
		w->buf = xreallocarray(w->buf, (size_t)cap, 1);
		w->cap = (size_t)cap;
	}
	le_put32(w->buf + w->count_at, count);
	w->promised = 1;
	w->expected = count;
	w->head_len = w->len;
}

int
bundle_writer_add(struct bundle_writer *w, const struct bundle_record *r, struct err *e)
{
	unsigned char *p;

	if (w->count >= BUNDLE_MAX_RECORDS)
		return err_set(
		    e, "too many stories for one bundle (at most %u)", BUNDLE_MAX_RECORDS);
	if (r->sealed_len == 0 || r->sealed_len > SEAL_MAX_SEALED)
		return err_set(e, "sealed story of %zu bytes cannot go in a bundle", r->sealed_len);
	if (w->count > 0 && r->seq <= w->last_seq)
		return err_set(e, "records out of order (seq %" PRIu64 " after %" PRIu64 ")",
		    r->seq, w->last_seq);
	if (r->status < STATUS_MIN || r->status > STATUS_MAX || r->source < 0 ||
	    r->source > SOURCE_MAX)
		return err_set(e, "story status or source cannot be exported");
	if (w->len + 4 + BUNDLE_RECORD_FIXED + r->sealed_len + BUNDLE_SIG_BYTES > BUNDLE_MAX_BYTES)
		return err_set(e, "bundle would exceed %zu bytes", BUNDLE_MAX_BYTES);
	p = grow(w, 4 + BUNDLE_RECORD_FIXED);
	le_put32(p, (uint32_t)(BUNDLE_RECORD_FIXED + r->sealed_len));
	memcpy(p + 4, r->id, BUNDLE_ID_BYTES);
	le_put64(p + 20, r->seq);
	p[28] = (unsigned char)r->status;
	p[29] = (unsigned char)r->source;
	le_put32(p + 30, (uint32_t)r->sealed_len);
	memcpy(grow(w, r->sealed_len), r->sealed, r->sealed_len);
	w->count++;
	w->last_seq = r->seq;
	return 0;
}

int
bundle_writer_fits(const struct bundle_writer *w, size_t sealed_len)
{
	return sealed_len <= w->cap - w->len &&
	    w->cap - w->len - sealed_len >= 4 + BUNDLE_RECORD_FIXED;
}

size_t
bundle_writer_bytes(const struct bundle_writer *w, const unsigned char **p)
{
	*p = w->buf;
	return w->len;
}

int
bundle_writer_body(const struct bundle_writer *w, const unsigned char **p, size_t *len)
{
	if (!w->promised || w->count != w->expected)
		return -1; /* the header's count is not final yet */
	*p = w->buf;
	*len = w->len;
	return 0;
}

int
bundle_writer_finish(struct bundle_writer *w, unsigned char **out, size_t *len, struct err *e)
{
	return bundle_writer_finish_hashed(w, NULL, out, len, e);
}

int
bundle_writer_finish_hashed(struct bundle_writer *w, struct bundle_sighash *h, unsigned char **out,
    size_t *len, struct err *e)
{
	struct bundle_sighash mine;
	unsigned char *sig;

	*out = NULL;
	*len = 0;
	if (h == NULL || !w->promised || w->count != w->expected || h->len != w->len) {
		/* no hash under way, or not of these bytes: another count than
		 * promised changes the header */
		if (h != NULL)
			bundle_sighash_wipe(h);
		h = &mine;
		le_put32(w->buf + w->count_at, w->count);
		bundle_sighash_init(h);
		bundle_sighash_update(h, w->buf, w->len);
	}
	sig = grow(w, BUNDLE_SIG_BYTES);
	if (crypto_sign_final_create(&h->st, sig, NULL, w->sk) != 0) {
		bundle_sighash_wipe(h);
		bundle_writer_free(w);
		return err_set(e, "cannot sign the bundle");
	}
	bundle_sighash_wipe(h);
	*out = w->buf;
	*len = w->len;
	w->buf = NULL;
	bundle_writer_free(w);
	return 0;
}

void
bundle_writer_free(struct bundle_writer *w)
{
	if (w == NULL)
		return;
	sodium_memzero(w->sk, sizeof w->sk);
	free(w->buf);
	free(w);
}

int
bundle_write_file(FILE *fp, const unsigned char *buf, size_t len, struct err *e)
{
	if (fwrite(buf, 1, len, fp) != len || fflush(fp) != 0)
		return err_set(e, "cannot write the bundle: %s", strerror(errno));
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, BUNDLE_ID_BYTES);
}

/* Parse the header into h and walk the records; *records_at gets the offset of
 * the first record. Structure only: no signature, no allocation. */
static int
parse(const unsigned char *buf, size_t len, struct bundle_header *h, size_t *records_at,
    struct err *e)
{
	const unsigned char *p = buf;
	size_t off, namelen, need;
	unsigned char id[KEY_ID_BYTES];
	uint64_t last_seq = 0;

	memset(h, 0, sizeof *h);
	if (len > BUNDLE_MAX_BYTES)
		return err_set(
		    e, "bundle too large (%zu bytes, at most %zu)", len, BUNDLE_MAX_BYTES);
	if (len < BUNDLE_MAGIC_LEN || memcmp(p, BUNDLE_MAGIC, BUNDLE_MAGIC_LEN) != 0) {
		if (len < BUNDLE_MAGIC_LEN && memcmp(p, BUNDLE_MAGIC, len) == 0)
			return err_set(e, "truncated (header)");
		return err_set(e, "bad magic (not a storykiosk bundle)");
	}
	if (len < FIXED_HEAD)
		return err_set(e, "truncated (header)");
	h->version = le_get16(p + 8);
	if (h->version != BUNDLE_VERSION)
		return err_set(e, "unknown version %u (this program reads version %d)", h->version,
		    BUNDLE_VERSION);
	if (p[10] != BUNDLE_SIG_ED25519PH)
		return err_set(e, "unknown signature algorithm %u", p[10]);
	if (p[11] != BUNDLE_SEAL_SKS1)
		return err_set(e, "unknown seal format %u", p[11]);
	memcpy(h->kiosk_pk, p + 12, crypto_sign_PUBLICKEYBYTES);
	memcpy(h->kiosk_id, p + 12 + crypto_sign_PUBLICKEYBYTES, KEY_ID_BYTES);
	keys_kiosk_id(h->kiosk_pk, id);
	if (sodium_memcmp(id, h->kiosk_id, KEY_ID_BYTES) != 0)
		return err_set(e, "kiosk id does not match its public key");
	namelen = p[FIXED_HEAD - 1];
	if (namelen > BUNDLE_MAX_NAME)
		return err_set(e, "kiosk name longer than %d bytes", BUNDLE_MAX_NAME);
	off = FIXED_HEAD;
	if (len - off < namelen + 8 + 8 + 1)
		return err_set(e, "truncated (header)");
	if (!utf8_valid((const char *)p + off, namelen))
		return err_set(e, "kiosk name is not valid UTF-8");
	memcpy(h->name, p + off, namelen);
	h->name[namelen] = '\0';
	off += namelen;
	h->seq = le_get64(p + off);
	h->created = (int64_t)le_get64(p + off + 8);
	h->nhubs = p[off + 16];
	off += 17;
	if (h->seq == 0)
		return err_set(e, "bundle sequence 0 (sequences start at 1)");
	if (h->nhubs < 1 || h->nhubs > BUNDLE_MAX_HUBS)
		return err_set(
		    e, "hub key count %zu out of range (1..%d)", h->nhubs, BUNDLE_MAX_HUBS);
	if (len - off < h->nhubs * KEY_ID_BYTES + 4)
		return err_set(e, "truncated (header)");
	for (size_t i = 0; i < h->nhubs; i++)
		memcpy(h->hubs[i], p + off + i * KEY_ID_BYTES, KEY_ID_BYTES);
	off += h->nhubs * KEY_ID_BYTES;
	h->count = le_get32(p + off);
	off += 4;
	/* Every record takes at least 4 + 30 + 1 bytes: a count the data cannot
	 * hold is a lie, refused before anything is sized by it. */
	if (h->count > BUNDLE_MAX_RECORDS)
		return err_set(e, "length field too large (record count %" PRIu32 ")", h->count);
	if (h->count > (len - off) / (4 + BUNDLE_RECORD_FIXED + 1))
		return err_set(e, "truncated (%" PRIu32 " records cannot fit in %zu bytes)",
		    h->count, len - off);
	*records_at = off;

	for (uint32_t i = 0; i < h->count; i++) {
		uint32_t rlen, slen;
		uint64_t seq;

		if (len - off < 4)
			return err_set(e, "truncated (record %" PRIu32 ")", i + 1);
		rlen = le_get32(p + off);
		off += 4;
		if (rlen > BUNDLE_RECORD_FIXED + SEAL_MAX_SEALED)
			return err_set(e,
			    "length field too large (record %" PRIu32 ": %" PRIu32 " bytes)", i + 1,
			    rlen);
		if (rlen > len - off)
			return err_set(e, "truncated (record %" PRIu32 ")", i + 1);
		if (rlen < BUNDLE_RECORD_FIXED)
			return err_set(e, "lengths do not add up (record %" PRIu32 ")", i + 1);
		slen = le_get32(p + off + 26);
		if (slen == 0 || slen != rlen - BUNDLE_RECORD_FIXED)
			return err_set(e, "lengths do not add up (record %" PRIu32 ")", i + 1);
		seq = le_get64(p + off + 16);
		if (p[off + 24] < STATUS_MIN || p[off + 24] > STATUS_MAX)
			return err_set(
			    e, "record %" PRIu32 ": unknown status %u", i + 1, p[off + 24]);
		if (p[off + 25] > SOURCE_MAX)
			return err_set(
			    e, "record %" PRIu32 ": unknown source %u", i + 1, p[off + 25]);
		if (i > 0 && seq <= last_seq)
			return err_set(e, "records out of order (record %" PRIu32 ")", i + 1);
		last_seq = seq;
		off += rlen;
	}
	need = BUNDLE_SIG_BYTES;
	if (len - off < need)
		return err_set(e, "truncated (signature)");
	if (len - off > need)
		return err_set(e, "trailing bytes (%zu after the signature)", len - off - need);
	return 0;
}

static int
verify(const unsigned char *buf, size_t len, const unsigned char *hub_id, struct bundle_header *h,
    size_t *records_at, struct err *e)
{
	crypto_sign_state st;
	unsigned char(*ids)[BUNDLE_ID_BYTES] = NULL;
	char hex[KEY_ID_HEX];
	size_t off;
	int rv = -1;

	if (parse(buf, len, h, records_at, e) == -1)
		return -1;
	crypto_sign_init(&st);
	crypto_sign_update(&st, buf, len - BUNDLE_SIG_BYTES);
	if (crypto_sign_final_verify(&st,
	        (unsigned char *)(uintptr_t)(buf + len - BUNDLE_SIG_BYTES), h->kiosk_pk) != 0) {
		keys_id_hex(h->kiosk_id, hex);
		return err_set(e, "bad signature (tampered, or not made by kiosk %s)", hex);
	}
	if (h->count > 0) {
		ids = xcalloc(h->count, BUNDLE_ID_BYTES);
		off = *records_at;
		for (uint32_t i = 0; i < h->count; i++) {
			memcpy(ids[i], buf + off + 4, BUNDLE_ID_BYTES);
			off += 4 + le_get32(buf + off);
		}
		qsort(ids, h->count, BUNDLE_ID_BYTES, cmp_id);
		for (uint32_t i = 1; i < h->count; i++) {
			if (memcmp(ids[i - 1], ids[i], BUNDLE_ID_BYTES) == 0) {
				char sid[2 * BUNDLE_ID_BYTES + 1];

				sodium_bin2hex(sid, sizeof sid, ids[i], BUNDLE_ID_BYTES);
				err_set(e, "duplicate record (story %s)", sid);
				goto out;
			}
		}
	}
	if (hub_id != NULL) {
		size_t i;
		char list[BUNDLE_MAX_HUBS * KEY_ID_HEX + 1] = "";

		for (i = 0; i < h->nhubs; i++)
			if (memcmp(h->hubs[i], hub_id, KEY_ID_BYTES) == 0)
				break;
		if (i == h->nhubs) {
			for (i = 0; i < h->nhubs; i++) {
				keys_id_hex(h->hubs[i], hex);
				if (i > 0)
					strcat(list, " ");
				strcat(list, hex);
			}
			keys_id_hex(hub_id, hex);
			err_set(e, "not addressed to this hub key (%s); it is for: %s", hex, list);
			goto out;
		}
	}
	rv = 0;
out:
	free(ids);
	return rv;
}

int
bundle_verify(const unsigned char *buf, size_t len, const unsigned char *hub_id,
    struct bundle_header *h, struct err *e)
{
	size_t at;

	return verify(buf, len, hub_id, h, &at, e);
}

int
bundle_read(const unsigned char *buf, size_t len, const unsigned char *hub_id,
    const struct bundle_sink *sink, struct err *e)
{
	struct bundle_header h;
	struct bundle_record r;
	size_t off;

	if (verify(buf, len, hub_id, &h, &off, e) == -1)
		return -1;
	if (sink == NULL)
		return 0;
	if (sink->header != NULL && sink->header(&h, sink->ctx, e) == -1)
		return -1;
	if (sink->record == NULL)
		return 0;
	for (uint32_t i = 0; i < h.count; i++) {
		uint32_t rlen = le_get32(buf + off);
		const unsigned char *p = buf + off + 4;

		memcpy(r.id, p, BUNDLE_ID_BYTES);
		r.seq = le_get64(p + 16);
		r.status = p[24];
		r.source = p[25];
		r.sealed_len = rlen - BUNDLE_RECORD_FIXED;
		r.sealed = p + BUNDLE_RECORD_FIXED;
		if (sink->record(&r, sink->ctx, e) == -1)
			return -1;
		off += 4 + rlen;
	}
	return 0;
}

int
bundle_load_file(const char *path, unsigned char **out, size_t *len, struct err *e)
{
	return fsutil_read_file(path, BUNDLE_MAX_BYTES, out, len, e);
}

void
bundle_hash(const unsigned char *buf, size_t len, unsigned char out[BUNDLE_HASH_BYTES])
{
	crypto_generichash(out, BUNDLE_HASH_BYTES, buf, len, NULL, 0);
}

char *
bundle_file_name(const unsigned char kiosk_id[KEY_ID_BYTES], uint64_t seq)
{
	char hex[KEY_ID_HEX];

	keys_id_hex(kiosk_id, hex);
	return xasprintf("storykiosk-%s-%06" PRIu64 ".skb", hex, seq);
}
