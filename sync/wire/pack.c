/* pack: encode, sign, walk, verify and decode feedback packs. The reader
 * walks the whole pack twice: once to check every length, count and bound
 * without allocating, then, after the signature verifies, to decode it. One
 * walk function does both, so what is checked is what is decoded. */
#include "pack.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bytes.h"
#include "fsutil.h"
#include "xmalloc.h"

/* magic 8, version 2, signature algorithm 1, flags 1, hub key id 8,
 * sequence 8, created 8 */
#define HEAD (PACK_MAGIC_LEN + 2 + 1 + 1 + KEY_ID_BYTES + 8 + 8)

/* ---- writing ---- */

struct wbuf {
	unsigned char *p;
	size_t len, cap;
};

static unsigned char *
grow(struct wbuf *w, size_t n)
{
	unsigned char *at;

	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;

		while (cap < w->len + n)
			cap *= 2;
		w->p = xreallocarray(w->p, cap, 1);
		w->cap = cap;
	}
	at = w->p + w->len;
	w->len += n;
	return at;
}

static void
put_u8(struct wbuf *w, unsigned v)
{
	*grow(w, 1) = (unsigned char)v;
}

static void
put_u16(struct wbuf *w, unsigned v)
{
	le_put16(grow(w, 2), (uint16_t)v);
}

static void
put_u32(struct wbuf *w, uint32_t v)
{
	le_put32(grow(w, 4), v);
}

static void
put_u64(struct wbuf *w, uint64_t v)
{
	le_put64(grow(w, 8), v);
}

/* A token: an id, a language code or a story reference (docs/pack-format.md). */
static int
token_ok(const char *s, size_t n, int may_be_empty)
{
	if (n == 0)
		return may_be_empty;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		        c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/* Kinds of string, with their bounds. */
enum str_kind {
	S_ID,     /* token, 1..PACK_MAX_ID */
	S_PROMPT, /* token or empty, 0..PACK_MAX_ID */
	S_LANG,   /* token, 1..PACK_MAX_LANG */
	S_CODE,   /* token, 1..PACK_MAX_CODE */
	S_LABEL,  /* text, 0..PACK_MAX_LABEL */
	S_TEXT,   /* text, 0..PACK_MAX_TEXT */
};

static size_t
str_max(enum str_kind k)
{
	switch (k) {
	case S_ID:
	case S_PROMPT:
		return PACK_MAX_ID;
	case S_LANG:
		return PACK_MAX_LANG;
	case S_CODE:
		return PACK_MAX_CODE;
	case S_LABEL:
		return PACK_MAX_LABEL;
	case S_TEXT:
		return PACK_MAX_TEXT;
	}
	return 0;
}

static int
str_fits(enum str_kind k, const char *s, size_t n)
{
	if (n > str_max(k))
		return 0;
	switch (k) {
	case S_ID:
	case S_LANG:
	case S_CODE:
		return token_ok(s, n, 0);
	case S_PROMPT:
		return token_ok(s, n, 1);
	default:
		return 1;
	}
}

static int
put_str(struct wbuf *w, enum str_kind k, const char *s, const char *what, struct err *e)
{
	size_t n;

	if (s == NULL)
		s = "";
	n = strlen(s);
	if (!str_fits(k, s, n)) {
		if (n > str_max(k))
			return err_set(e, "%s is too long for a pack (%zu bytes, at most %zu)",
			    what, n, str_max(k));
		return err_set(
		    e, "%s \"%.64s\" is not an id (use letters, digits, _ - .)", what, s);
	}
	put_u32(w, (uint32_t)n);
	memcpy(grow(w, n), s, n);
	return 0;
}

static int
put_ltext(struct wbuf *w, const struct ltext *t, enum str_kind k, const char *what, struct err *e)
{
	if (t->n > PACK_MAX_LANGS)
		return err_set(e, "%s has %zu languages (at most %d)", what, t->n, PACK_MAX_LANGS);
	put_u8(w, (unsigned)t->n);
	for (size_t i = 0; i < t->n; i++)
		if (put_str(w, S_LANG, t->lang[i], what, e) == -1 ||
		    put_str(w, k, t->value[i], what, e) == -1)
			return -1;
	return 0;
}

static int
put_item(struct wbuf *w, const struct feedback_item *it, struct err *e)
{
	size_t ends = it->kind == FEEDBACK_SCALE ? 2 : it->kind == FEEDBACK_TRIAD ? 3 : 0;

	if (it->kind < FEEDBACK_CHOICE || it->kind > FEEDBACK_TRIAD)
		return err_set(e, "question %s: unknown summary kind %d", it->qid, (int)it->kind);
	put_u8(w, (unsigned)it->kind);
	if (put_str(w, S_ID, it->qid, "a question id", e) == -1 ||
	    put_ltext(w, &it->text, S_LABEL, "a question's text", e) == -1)
		return -1;
	put_u32(w, it->answered);
	if (it->kind == FEEDBACK_CHOICE || it->kind == FEEDBACK_MULTI) {
		if (it->noptions == 0 || it->noptions > PACK_MAX_OPTIONS)
			return err_set(e, "question %s has %zu choices (1 to %d in a pack)",
			    it->qid, it->noptions, PACK_MAX_OPTIONS);
		put_u8(w, (unsigned)it->noptions);
		for (size_t i = 0; i < it->noptions; i++) {
			if (put_str(w, S_ID, it->options[i].id, "a choice id", e) == -1 ||
			    put_ltext(w, &it->options[i].label, S_LABEL, "a choice label", e) == -1)
				return -1;
			put_u32(w, it->options[i].count);
		}
		return 0;
	}
	for (size_t i = 0; i < ends; i++)
		if (put_ltext(w, &it->ends[i], S_LABEL, "a pole or corner", e) == -1)
			return -1;
	if (it->kind == FEEDBACK_SCALE)
		put_u16(w, it->median);
	else
		for (size_t i = 0; i < 3; i++)
			put_u16(w, it->centre[i]);
	return 0;
}

int
pack_write(const struct feedback *fb, const struct hub_seckey *key, unsigned char **out,
    size_t *len, struct err *e)
{
	struct wbuf w = { 0 };
	char what[64];

	*out = NULL;
	*len = 0;
	if (fb->seq == 0)
		return err_set(e, "a pack's sequence starts at 1");
	if (fb->nprompts > PACK_MAX_PROMPTS || fb->nitems > PACK_MAX_ITEMS ||
	    fb->nstories > PACK_MAX_STORIES)
		return err_set(e,
		    "too much for one pack (%zu prompts, %zu questions, %zu stories; at most %d, "
		    "%d and %d)",
		    fb->nprompts, fb->nitems, fb->nstories, PACK_MAX_PROMPTS, PACK_MAX_ITEMS,
		    PACK_MAX_STORIES);
	memcpy(grow(&w, PACK_MAGIC_LEN), PACK_MAGIC, PACK_MAGIC_LEN);
	put_u16(&w, PACK_VERSION);
	put_u8(&w, PACK_SIG_ED25519);
	put_u8(&w, 0);
	memcpy(grow(&w, KEY_ID_BYTES), key->pub.id, KEY_ID_BYTES);
	put_u64(&w, fb->seq);
	put_u64(&w, (uint64_t)fb->created);
	if (put_str(&w, S_ID, fb->form, "the form id", e) == -1)
		goto fail;
	put_u32(&w, fb->form_version);
	if (put_ltext(&w, &fb->note, S_TEXT, "the note", e) == -1)
		goto fail;
	put_u8(&w, (unsigned)fb->nprompts);
	for (size_t i = 0; i < fb->nprompts; i++)
		if (put_str(&w, S_ID, fb->prompts[i].id, "a prompt id", e) == -1 ||
		    put_ltext(&w, &fb->prompts[i].text, S_LABEL, "a prompt", e) == -1)
			goto fail;
	put_u32(&w, fb->counted);
	put_u16(&w, (unsigned)fb->nitems);
	for (size_t i = 0; i < fb->nitems; i++)
		if (put_item(&w, &fb->items[i], e) == -1)
			goto fail;
	put_u32(&w, (uint32_t)fb->nstories);
	for (size_t i = 0; i < fb->nstories; i++) {
		const struct feedback_story *s = &fb->stories[i];

		snprintf(what, sizeof what, "story %.16s", s->ref ? s->ref : "?");
		if (put_str(&w, S_CODE, s->ref, "a story reference", e) == -1 ||
		    put_str(&w, S_LANG, s->lang, what, e) == -1 ||
		    put_str(&w, S_PROMPT, s->prompt, what, e) == -1 ||
		    put_str(&w, S_TEXT, s->text, what, e) == -1)
			goto fail;
	}
	if (w.len + PACK_SIG_BYTES > PACK_MAX_BYTES) {
		err_set(e, "the pack would be %zu bytes (at most %zu): choose fewer stories",
		    w.len + PACK_SIG_BYTES, PACK_MAX_BYTES);
		goto fail;
	}
	grow(&w, PACK_SIG_BYTES);
	if (crypto_sign_detached(w.p + w.len - PACK_SIG_BYTES, NULL, w.p, w.len - PACK_SIG_BYTES,
	        key->sign_sk) != 0) {
		err_set(e, "cannot sign the pack");
		goto fail;
	}
	*out = w.p;
	*len = w.len;
	return 0;
fail:
	free(w.p);
	return -1;
}

/* ---- reading ---- */

/* Where the walk is. fill is NULL on the first walk (check only). */
struct rcur {
	const unsigned char *p;
	size_t left;
	struct err *e;
};

static int
need(struct rcur *c, size_t n, const char *what)
{
	if (c->left < n)
		return err_set(c->e, "truncated (%s)", what);
	return 0;
}

static int
get_u8(struct rcur *c, unsigned *v, const char *what)
{
	if (need(c, 1, what) == -1)
		return -1;
	*v = c->p[0];
	c->p++;
	c->left--;
	return 0;
}

static int
get_u16(struct rcur *c, unsigned *v, const char *what)
{
	if (need(c, 2, what) == -1)
		return -1;
	*v = le_get16(c->p);
	c->p += 2;
	c->left -= 2;
	return 0;
}

static int
get_u32(struct rcur *c, uint32_t *v, const char *what)
{
	if (need(c, 4, what) == -1)
		return -1;
	*v = le_get32(c->p);
	c->p += 4;
	c->left -= 4;
	return 0;
}

/* A string of kind k; *out (when out is not NULL) a NUL-terminated copy. */
static int
get_str(struct rcur *c, enum str_kind k, char **out, const char *what)
{
	uint32_t n;

	if (get_u32(c, &n, what) == -1)
		return -1;
	if (n > str_max(k))
		return err_set(c->e, "length field too large (%s: %" PRIu32 " bytes, at most %zu)",
		    what, n, str_max(k));
	if (need(c, n, what) == -1)
		return -1;
	if (!str_fits(k, (const char *)c->p, n))
		return err_set(c->e, "bad %s (not an id)", what);
	if (out != NULL)
		*out = xstrndup((const char *)c->p, n);
	c->p += n;
	c->left -= n;
	return 0;
}

static int
get_ltext(struct rcur *c, struct ltext *t, enum str_kind k, const char *what)
{
	unsigned n;

	if (get_u8(c, &n, what) == -1)
		return -1;
	if (n > PACK_MAX_LANGS)
		return err_set(c->e, "length field too large (%s: %u languages, at most %d)", what,
		    n, PACK_MAX_LANGS);
	for (unsigned i = 0; i < n; i++) {
		char *lang = NULL, *value = NULL;

		if (get_str(c, S_LANG, t ? &lang : NULL, what) == -1 ||
		    get_str(c, k, t ? &value : NULL, what) == -1) {
			free(lang);
			return -1;
		}
		if (t != NULL) {
			t->lang = xreallocarray(t->lang, t->n + 1, sizeof *t->lang);
			t->value = xreallocarray(t->value, t->n + 1, sizeof *t->value);
			t->lang[t->n] = lang;
			t->value[t->n] = value;
			t->n++;
		}
	}
	return 0;
}

static int
get_item(struct rcur *c, struct feedback_item *it, uint32_t counted, size_t i)
{
	char what[64];
	unsigned kind, n, v;
	uint32_t answered, count;
	size_t ends;

	snprintf(what, sizeof what, "summary item %zu", i + 1);
	if (get_u8(c, &kind, what) == -1)
		return -1;
	if (kind < FEEDBACK_CHOICE || kind > FEEDBACK_TRIAD)
		return err_set(c->e, "%s: unknown kind %u", what, kind);
	if (it != NULL)
		it->kind = (enum feedback_kind)kind;
	if (get_str(c, S_ID, it ? &it->qid : NULL, what) == -1 ||
	    get_ltext(c, it ? &it->text : NULL, S_LABEL, what) == -1 ||
	    get_u32(c, &answered, what) == -1)
		return -1;
	if (answered > counted)
		return err_set(c->e, "%s: %" PRIu32 " answers of %" PRIu32 " stories", what,
		    answered, counted);
	if (it != NULL)
		it->answered = answered;
	if (kind == FEEDBACK_CHOICE || kind == FEEDBACK_MULTI) {
		if (get_u8(c, &n, what) == -1)
			return -1;
		if (n == 0 || n > PACK_MAX_OPTIONS)
			return err_set(c->e, "%s: %u choices (1 to %d)", what, n, PACK_MAX_OPTIONS);
		if (it != NULL) {
			it->options = xcalloc(n, sizeof *it->options);
			it->noptions = n;
		}
		for (unsigned j = 0; j < n; j++) {
			struct feedback_option *o = it ? &it->options[j] : NULL;

			if (get_str(c, S_ID, o ? &o->id : NULL, what) == -1 ||
			    get_ltext(c, o ? &o->label : NULL, S_LABEL, what) == -1 ||
			    get_u32(c, &count, what) == -1)
				return -1;
			if (count > answered)
				return err_set(c->e,
				    "%s: a choice counted %" PRIu32 " times in %" PRIu32 " answers",
				    what, count, answered);
			if (o != NULL)
				o->count = count;
		}
		return 0;
	}
	ends = kind == FEEDBACK_SCALE ? 2 : 3;
	for (size_t j = 0; j < ends; j++)
		if (get_ltext(c, it ? &it->ends[j] : NULL, S_LABEL, what) == -1)
			return -1;
	if (kind == FEEDBACK_SCALE) {
		if (get_u16(c, &v, what) == -1)
			return -1;
		if (v > 1000)
			return err_set(c->e, "%s: median %u out of range (0..1000)", what, v);
		if (it != NULL)
			it->median = (uint16_t)v;
		return 0;
	}
	n = 0;
	for (size_t j = 0; j < 3; j++) {
		if (get_u16(c, &v, what) == -1)
			return -1;
		if (v > 1000)
			return err_set(c->e, "%s: centre %u out of range (0..1000)", what, v);
		n += v;
		if (it != NULL)
			it->centre[j] = (uint16_t)v;
	}
	if (n != (answered > 0 ? 1000 : 0))
		return err_set(c->e, "%s: the centre's parts sum to %u, not %d", what, n,
		    answered > 0 ? 1000 : 0);
	return 0;
}

/* Walk the body (everything after the header, up to the signature). With
 * fb NULL only check; else decode into fb. */
static int
walk(struct rcur *c, struct feedback *fb)
{
	char what[64];
	uint32_t n32;
	unsigned n;

	if (get_str(c, S_ID, fb ? &fb->form : NULL, "form id") == -1 ||
	    get_u32(c, fb ? &fb->form_version : &n32, "form version") == -1 ||
	    get_ltext(c, fb ? &fb->note : NULL, S_TEXT, "note") == -1 ||
	    get_u8(c, &n, "prompt count") == -1)
		return -1;
	if (n > PACK_MAX_PROMPTS)
		return err_set(c->e, "length field too large (prompt count %u, at most %d)", n,
		    PACK_MAX_PROMPTS);
	if (fb != NULL) {
		fb->prompts = n ? xcalloc(n, sizeof *fb->prompts) : NULL;
		fb->nprompts = n;
	}
	for (unsigned i = 0; i < n; i++) {
		struct feedback_prompt *p = fb ? &fb->prompts[i] : NULL;

		snprintf(what, sizeof what, "prompt %u", i + 1);
		if (get_str(c, S_ID, p ? &p->id : NULL, what) == -1 ||
		    get_ltext(c, p ? &p->text : NULL, S_LABEL, what) == -1)
			return -1;
	}
	if (get_u32(c, &n32, "summary") == -1 || get_u16(c, &n, "summary") == -1)
		return -1;
	if (fb != NULL)
		fb->counted = n32;
	if (n > PACK_MAX_ITEMS)
		return err_set(c->e, "length field too large (summary item count %u, at most %d)",
		    n, PACK_MAX_ITEMS);
	if (fb != NULL) {
		fb->items = n ? xcalloc(n, sizeof *fb->items) : NULL;
		fb->nitems = n;
	}
	for (unsigned i = 0; i < n; i++)
		if (get_item(c, fb ? &fb->items[i] : NULL, n32, i) == -1)
			return -1;
	if (get_u32(c, &n32, "story count") == -1)
		return -1;
	if (n32 > PACK_MAX_STORIES)
		return err_set(c->e, "length field too large (story count %" PRIu32 ", at most %d)",
		    n32, PACK_MAX_STORIES);
	/* Each story takes at least 4 lengths and a 1-byte code and language. */
	if ((size_t)n32 * 18 > c->left)
		return err_set(
		    c->e, "truncated (%" PRIu32 " stories cannot fit in %zu bytes)", n32, c->left);
	if (fb != NULL) {
		fb->stories = n32 ? xcalloc(n32, sizeof *fb->stories) : NULL;
		fb->nstories = n32;
	}
	for (uint32_t i = 0; i < n32; i++) {
		struct feedback_story *s = fb ? &fb->stories[i] : NULL;

		snprintf(what, sizeof what, "story %" PRIu32, i + 1);
		if (get_str(c, S_CODE, s ? &s->ref : NULL, what) == -1 ||
		    get_str(c, S_LANG, s ? &s->lang : NULL, what) == -1 ||
		    get_str(c, S_PROMPT, s ? &s->prompt : NULL, what) == -1 ||
		    get_str(c, S_TEXT, s ? &s->text : NULL, what) == -1)
			return -1;
	}
	return 0;
}

int
pack_read(const unsigned char *buf, size_t len, const struct hub_pubkey *hubs, size_t nhubs,
    struct feedback **out, struct err *e)
{
	const struct hub_pubkey *key = NULL;
	struct feedback *fb = NULL;
	struct rcur c;
	char hex[KEY_ID_HEX];
	unsigned version;

	*out = NULL;
	if (len > PACK_MAX_BYTES)
		return err_set(e, "pack too large (%zu bytes, at most %zu)", len, PACK_MAX_BYTES);
	if (len < PACK_MAGIC_LEN || memcmp(buf, PACK_MAGIC, PACK_MAGIC_LEN) != 0)
		return err_set(e, "bad magic (not a storyhub feedback pack)");
	if (len < HEAD)
		return err_set(e, "truncated (header)");
	version = le_get16(buf + 8);
	if (version != PACK_VERSION)
		return err_set(
		    e, "unknown version %u (this program reads version %d)", version, PACK_VERSION);
	if (buf[10] != PACK_SIG_ED25519)
		return err_set(e, "unknown signature algorithm %u", buf[10]);
	if (buf[11] != 0)
		return err_set(e, "unknown flags %u", buf[11]);
	if (le_get64(buf + 20) == 0)
		return err_set(e, "bad sequence 0 (a pack's sequence starts at 1)");
	/* The structure first: a short or long file says so, not "bad
	 * signature". Where the body ends, the signature must. */
	c.p = buf + HEAD;
	c.left = len - HEAD;
	c.e = e;
	if (walk(&c, NULL) == -1)
		return -1;
	if (c.left < PACK_SIG_BYTES)
		return err_set(e, "truncated (signature)");
	if (c.left > PACK_SIG_BYTES)
		return err_set(
		    e, "trailing bytes (%zu after the signature)", c.left - PACK_SIG_BYTES);
	for (size_t i = 0; i < nhubs; i++)
		if (memcmp(hubs[i].id, buf + 12, KEY_ID_BYTES) == 0)
			key = &hubs[i];
	keys_id_hex(buf + 12, hex);
	if (key == NULL)
		return err_set(e,
		    "signed by hub key %s, which this kiosk does not know (a pack from another "
		    "hub)",
		    hex);
	if (crypto_sign_verify_detached(
	        buf + len - PACK_SIG_BYTES, buf, len - PACK_SIG_BYTES, key->sign_pk) != 0)
		return err_set(e,
		    "bad signature (changed after the hub signed it, or not signed by hub key %s)",
		    hex);
	fb = feedback_new();
	memcpy(fb->hub_id, buf + 12, KEY_ID_BYTES);
	fb->seq = le_get64(buf + 20);
	fb->created = (int64_t)le_get64(buf + 28);
	c.p = buf + HEAD;
	c.left = len - HEAD;
	if (walk(&c, fb) == -1) {
		feedback_free(fb);
		return -1;
	}
	*out = fb;
	return 0;
}

int
pack_load_file(const char *path, unsigned char **out, size_t *len, struct err *e)
{
	struct stat st;

	*out = NULL;
	*len = 0;
	if (stat(path, &st) == -1)
		return err_set(e, "%s: %s", path, strerror(errno));
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > PACK_MAX_BYTES)
		return err_set(e, "%s: pack too large (%jd bytes, at most %zu)", path,
		    (intmax_t)st.st_size, PACK_MAX_BYTES);
	return fsutil_read_file(path, PACK_MAX_BYTES, out, len, e);
}
