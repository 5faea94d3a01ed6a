/* kiosk: a kiosk's data directory (identity, hub keys, PIN hash, store) and
 * the one way stories are saved: encode, seal to every hub key, store.
 *
 *   DIR/kiosk.key   Ed25519 identity (0600)
 *   DIR/hub.pub     the hub public key(s) given at init
 *   DIR/pin         Argon2id hash of the admin PIN (0600)
 *   DIR/kiosk.db    sealed stories (SQLite, WAL)
 */
#ifndef KIOSK_H
#define KIOSK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "answers.h"
#include "err.h"
#include "form.h"
#include "keys.h"
#include "store.h"
#include "storycode.h"

struct kiosk {
	char *dir;
	char *name;
	char id_hex[KEY_ID_HEX];
	struct kiosk_identity *identity;
	struct hub_pubkey *hubs;
	size_t nhubs;
	struct store *store;
	int full; /* the last kiosk_story_save failed: the kiosk is full */
};

/* The reserve: room the kiosk keeps on its data disk so that export, push,
 * import-receipt and purge still work once stories no longer fit. It holds
 * what the WAL may still grow by before its checkpoint (store_space: some
 * 2 MiB at most), one purge batch (STORE_PURGE_BATCH_BYTES, zeroed in the
 * WAL), SQLite's -shm of a command run beside the kiosk and the settings
 * export and push write (KIOSK_RESERVE_BYTES for these), and
 * KIOSK_RESERVE_PER_STORY for each story held (marking them all exported or
 * acknowledged rewrites their rows). A save is refused when it would leave
 * less than the reserve free; a new story needs KIOSK_STORY_ROOM beyond it,
 * so a participant who began while there was room can finish (a larger
 * story needs its own size). Free pages
 * inside the database (a purge leaves them) count for stories, not for the
 * reserve, which must be on the disk. */
#define KIOSK_RESERVE_BYTES ((uint64_t)1 << 20)
#define KIOSK_RESERVE_PER_STORY 128
#define KIOSK_STORY_ROOM ((uint64_t)256 << 10)

struct kiosk_space {
	uint64_t free;     /* bytes free on the data directory's disk */
	uint64_t reusable; /* bytes of free pages inside the database */
	uint64_t reserve;  /* kept free on the disk for export, push,
	                    * import-receipt and purge */
	int full;          /* a new story does not fit beside the reserve */
};

/* Measure the free space on the data disk against the reserve. */
int kiosk_space(struct kiosk *k, struct kiosk_space *sp, struct err *e);

struct kiosk_init_opts {
	const char *dir;
	const char *const *hub_key_paths;
	size_t nhub_keys;
	const char *name; /* NULL: "kiosk-<id prefix>" */
	const char *pin;
	size_t pinlen;
	int force;            /* replace an existing identity */
	const char *push_url; /* NULL: none; the running kiosk pushes to it */
};

/* Create a kiosk data directory. */
int kiosk_init(const struct kiosk_init_opts *o, struct kiosk **out, struct err *e);
/* Open an initialised data directory (refuses group/world-readable secrets). */
int kiosk_open(const char *dir, struct kiosk **out, struct err *e);
void kiosk_close(struct kiosk *k);

/* Check the admin PIN against DIR/pin: 0 when right. */
int kiosk_pin_check(const struct kiosk *k, const char *pin, size_t len, struct err *e);

/* What the screens show, read through the kiosk (the screens never reach the
 * store themselves): stories by status, and a setting or record kept in the
 * store's meta table (*value NULL when unset; caller frees). */
int kiosk_counts(struct kiosk *k, struct store_counts *c, struct err *e);
int kiosk_meta_get(struct kiosk *k, const char *key, char **value, struct err *e);

/* One story being told or transcribed. */
struct story {
	unsigned char id[STORE_ID_BYTES];
	char code[STORYCODE_LEN];
	enum story_source source;
	char scribe[STORY_SCRIBE_MAX + 1]; /* the scribe's initials; "" unless
	                                    * source is SOURCE_SCRIBE */
	int64_t created;
	uint64_t seq; /* 0 until first stored */
	int stored;
};

/* Start a story: new random id and code. Nothing is stored yet. */
void kiosk_story_begin(struct story *st, enum story_source source);
/* Start a story a scribe types for the teller: source scribe, with the
 * scribe's initials (as story_scribe_check gives them), which go into the
 * sealed payload. */
void kiosk_story_begin_scribe(struct story *st, const char *initials);
/* Seal and store the story with this status (insert the first time, replace
 * after). Committed to disk (synchronous=FULL) when it returns 0. A save
 * that would eat into the reserve is refused (-1, nothing stored); k->full
 * then says the kiosk is full (also when the disk filled anyway), so the
 * screens can say so calmly, and is cleared by the next save that works. */
int kiosk_story_save(struct kiosk *k, struct story *st, const struct form *f,
    const struct answers *a, enum story_status status, struct err *e);
/* Delete a stored draft (cancel); a no-op when nothing was stored. */
int kiosk_story_discard(struct kiosk *k, struct story *st, struct err *e);

#endif
