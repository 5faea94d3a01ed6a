/* kiosk: a kiosk's data directory and the save path every story takes:
 * payload (JSON) -> seal to every hub key -> store, committed with FULL sync. */
#include "kiosk.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fsutil.h"
#include "payload.h"
#include "seal.h"
#include "utf8.h"
#include "xmalloc.h"

#define PIN_FILE_MAX 4096
#define HUB_FILE_MAX 65536

static void
paths(const char *dir, char **key, char **hub, char **pin, char **db)
{
	*key = fsutil_join(dir, "kiosk.key");
	*hub = fsutil_join(dir, "hub.pub");
	*pin = fsutil_join(dir, "pin");
	*db = fsutil_join(dir, "kiosk.db");
}

void
kiosk_close(struct kiosk *k)
{
	if (k == NULL)
		return;
	store_close(k->store);
	keys_kiosk_free(k->identity);
	free(k->hubs);
	free(k->name);
	free(k->dir);
	free(k);
}

int
kiosk_init(const struct kiosk_init_opts *o, struct kiosk **out, struct err *e)
{
	struct kiosk_identity *id = NULL;
	struct hub_pubkey *hubs = NULL;
	struct store *st = NULL;
	char *keyp, *hubp, *pinp, *dbp, *hubtext = NULL, *tmp, *name = NULL;
	char hash[crypto_pwhash_STRBYTES], idhex[KEY_ID_HEX];
	size_t nhubs = 0, i, j;
	int rv = -1;

	*out = NULL;
	paths(o->dir, &keyp, &hubp, &pinp, &dbp);
	if (o->nhub_keys == 0) {
		err_set(e, "at least one --hub-key is needed");
		goto out;
	}
	for (i = 0; i < o->nhub_keys; i++)
		if (keys_hub_pub_load(o->hub_key_paths[i], &hubs, &nhubs, e) == -1)
			goto out;
	for (i = 0; i < nhubs; i++)
		for (j = i + 1; j < nhubs; j++)
			if (memcmp(hubs[i].id, hubs[j].id, KEY_ID_BYTES) == 0) {
				err_set(e, "the same hub key was given twice");
				goto out;
			}
	if (o->name != NULL) {
		size_t off, len = strlen(o->name);

		if (len == 0 || len > 64 || utf8_check_text(o->name, len, 0, &off) == -1) {
			err_set(e,
			    "the kiosk name must be 1 to 64 bytes of text without "
			    "control characters");
			goto out;
		}
	}
	if (nhubs > 8) {
		err_set(e, "at most 8 hub keys");
		goto out;
	}
	if (fsutil_exists(keyp) && !o->force) {
		err_set(e,
		    "%s is already initialised (kiosk.key exists); use --force "
		    "to replace its identity (stories already stored stay sealed to "
		    "the old hub keys)",
		    o->dir);
		goto out;
	}
	if (keys_pin_hash(o->pin, o->pinlen, hash, e) == -1)
		goto out;
	if (fsutil_mkdir(o->dir, 0700, e) == -1)
		goto out;
	/* Open the store first: it fails early on a read-only or odd filesystem. */
	if (store_open(dbp, &st, e) == -1)
		goto out;
	for (i = 0; i < nhubs; i++) {
		char *one = keys_hub_pub_format(&hubs[i]);

		tmp = xasprintf("%s%s", hubtext != NULL ? hubtext : "", one);
		free(one);
		free(hubtext);
		hubtext = tmp;
	}
	if (fsutil_write_atomic(hubp, hubtext, strlen(hubtext), 0644, 0, e) == -1 ||
	    fsutil_write_atomic(pinp, hash, strlen(hash), 0600, 0, e) == -1)
		goto out;
	id = keys_kiosk_generate();
	keys_id_hex(id->id, idhex);
	name = o->name != NULL ? xstrdup(o->name) : xasprintf("kiosk-%.6s", idhex);
	if (store_meta_set(st, "name", name, e) == -1)
		goto out;
	if (o->push_url != NULL && store_meta_set(st, "push_url", o->push_url, e) == -1)
		goto out;
	/* The identity goes last: its presence means "initialised". */
	if (keys_kiosk_write(keyp, id, 0, e) == -1)
		goto out;
	store_close(st);
	st = NULL;
	rv = kiosk_open(o->dir, out, e);
out:
	sodium_memzero(hash, sizeof hash);
	keys_kiosk_free(id);
	store_close(st);
	free(hubs);
	free(hubtext);
	free(name);
	free(keyp);
	free(hubp);
	free(pinp);
	free(dbp);
	return rv;
}

int
kiosk_open(const char *dir, struct kiosk **out, struct err *e)
{
	struct kiosk *k = xcalloc(1, sizeof *k);
	char *keyp, *hubp, *pinp, *dbp;
	struct stat st;
	int rv = -1;

	*out = NULL;
	paths(dir, &keyp, &hubp, &pinp, &dbp);
	k->dir = xstrdup(dir);
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		err_set(e,
		    "%s is not a kiosk data directory; create one with "
		    "'storykiosk init --data %s --hub-key hub.pub'",
		    dir, dir);
		goto out;
	}
	if (!fsutil_exists(keyp)) {
		err_set(e,
		    "%s is not initialised; run 'storykiosk init --data %s "
		    "--hub-key hub.pub'",
		    dir, dir);
		goto out;
	}
	if (keys_kiosk_load(keyp, &k->identity, e) == -1 || fsutil_check_private(pinp, e) == -1 ||
	    keys_hub_pub_load(hubp, &k->hubs, &k->nhubs, e) == -1 ||
	    store_open(dbp, &k->store, e) == -1)
		goto out;
	keys_id_hex(k->identity->id, k->id_hex);
	if (store_meta_get(k->store, "name", &k->name, e) == -1)
		goto out;
	if (k->name == NULL)
		k->name = xasprintf("kiosk-%.6s", k->id_hex);
	*out = k;
	k = NULL;
	rv = 0;
out:
	kiosk_close(k);
	free(keyp);
	free(hubp);
	free(pinp);
	free(dbp);
	return rv;
}

int
kiosk_pin_check(const struct kiosk *k, const char *pin, size_t len, struct err *e)
{
	unsigned char *hash;
	char *path = fsutil_join(k->dir, "pin");
	size_t hlen;
	int rv;

	rv = fsutil_read_secret(path, PIN_FILE_MAX, &hash, &hlen, e);
	free(path);
	if (rv == -1)
		return -1;
	rv = keys_pin_verify((char *)hash, pin, len);
	sodium_free(hash);
	if (rv == -1)
		return err_set(e, "wrong PIN");
	return 0;
}

/* 1 if need more bytes of stories fit beside the reserve: the reserve on
 * the disk itself, the stories there or in free pages of the database. */
static int
fits(const struct kiosk_space *sp, uint64_t need)
{
	return sp->free >= sp->reserve && sp->free + sp->reusable >= sp->reserve + need;
}

int
kiosk_space(struct kiosk *k, struct kiosk_space *sp, struct err *e)
{
	struct store_counts c;
	uint64_t wal_room;

	memset(sp, 0, sizeof *sp);
	if (fsutil_free_bytes(k->dir, &sp->free, e) == -1 || store_counts(k->store, &c, e) == -1 ||
	    store_space(k->store, &sp->reusable, &wal_room, e) == -1)
		return -1;
	sp->reserve = KIOSK_RESERVE_BYTES + wal_room +
	    KIOSK_RESERVE_PER_STORY * (c.finished + c.by_status[STATUS_DRAFT]);
	sp->full = !fits(sp, KIOSK_STORY_ROOM);
	return 0;
}

/* Refuse a save of sealed_len bytes that would not fit beside the reserve
 * (a new story needs KIOSK_STORY_ROOM, room for the drafts to come, so
 * sp.full says exactly whether a new story is refused). The new blob takes
 * new pages; the old one's pages are freed at the checkpoint. */
static int
room_for(struct kiosk *k, const struct story *st, size_t sealed_len, struct err *e)
{
	struct kiosk_space sp;
	char free_s[FSUTIL_SIZE_LEN], reserve_s[FSUTIL_SIZE_LEN];
	uint64_t need = (uint64_t)sealed_len + (16u << 10);

	if (kiosk_space(k, &sp, e) == -1)
		return -1;
	if (!st->stored && need < KIOSK_STORY_ROOM)
		need = KIOSK_STORY_ROOM;
	if (fits(&sp, need))
		return 0;
	k->full = 1;
	fsutil_format_size(sp.free, free_s);
	fsutil_format_size(sp.reserve, reserve_s);
	return err_set(e,
	    "the kiosk is full (%s free; %s are kept free for export, push and purge): "
	    "export the stories, then purge those the hub acknowledged",
	    free_s, reserve_s);
}

void
kiosk_story_begin(struct story *st, enum story_source source)
{
	memset(st, 0, sizeof *st);
	randombytes_buf(st->id, sizeof st->id);
	storycode_new(st->code);
	st->source = source;
	st->created = (int64_t)time(NULL);
}

void
kiosk_story_begin_scribe(struct story *st, const char *initials)
{
	kiosk_story_begin(st, SOURCE_SCRIBE);
	snprintf(st->scribe, sizeof st->scribe, "%s", initials);
}

int
kiosk_story_save(struct kiosk *k, struct story *st, const struct form *f, const struct answers *a,
    enum story_status status, struct err *e)
{
	struct payload_meta m;
	unsigned char *sealed = NULL;
	size_t sealed_len;
	char *text;
	int rv = -1;

	k->full = 0;
	m.story_id = st->id;
	m.code = st->code;
	m.kiosk = k->id_hex;
	m.source = story_source_name(st->source);
	m.status = story_status_name(status);
	m.scribe = st->source == SOURCE_SCRIBE ? st->scribe : NULL;
	m.created = st->created;
	m.saved = (int64_t)time(NULL);
	text = payload_encode(&m, f, a);
	rv = seal_story(st->id, (unsigned char *)text, strlen(text), k->hubs, k->nhubs, &sealed,
	    &sealed_len, e);
	payload_text_free(text);
	if (rv == -1)
		return -1;
	if ((rv = room_for(k, st, sealed_len, e)) == 0) {
		if (st->stored)
			rv = store_story_update(k->store, st->id, status, sealed, sealed_len, e);
		else if ((rv = store_story_create(k->store, st->id, status, st->source, sealed,
		              sealed_len, &st->seq, e)) == 0)
			st->stored = 1;
		if (rv == -1 && store_failed_full(k->store))
			k->full = 1;
	}
	free(sealed);
	return rv;
}

int
kiosk_story_discard(struct kiosk *k, struct story *st, struct err *e)
{
	if (!st->stored)
		return 0;
	if (store_story_delete(k->store, st->id, e) == -1)
		return -1;
	st->stored = 0;
	return 0;
}

int
kiosk_counts(struct kiosk *k, struct store_counts *c, struct err *e)
{
	return store_counts(k->store, c, e);
}

int
kiosk_meta_get(struct kiosk *k, const char *key, char **value, struct err *e)
{
	return store_meta_get(k->store, key, value, e);
}
