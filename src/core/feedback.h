/* feedback: what a feedback pack holds, as plain data: the coordinator's
 * note in each language, summary figures over the stories consented for
 * analysis, and the public stories the coordinator chose to give back. The
 * hub fills one (sync/hub/packbuild.c), the pack format writes and verifies
 * it (sync/wire/pack.c, docs/pack-format.md), and the kiosk's screens show
 * it (src/ui/screen-feedback*.c). Texts are kept exactly as told: whoever
 * shows them neutralises them first. */
#ifndef FEEDBACK_H
#define FEEDBACK_H

#include <stddef.h>
#include <stdint.h>

#include "form.h"
#include "keys.h"

enum feedback_kind {
	FEEDBACK_CHOICE = 1, /* counts per choice (one per story) */
	FEEDBACK_MULTI = 2,  /* counts per choice (several per story) */
	FEEDBACK_SCALE = 3,  /* the median between two poles */
	FEEDBACK_TRIAD = 4,  /* the centre (mean point) in a triangle */
};

/* A choice of a choice or multi question, with how many stories chose it. */
struct feedback_option {
	char *id;
	struct ltext label;
	uint32_t count;
};

/* The figures of one question. */
struct feedback_item {
	enum feedback_kind kind;
	char *qid;
	struct ltext text;
	uint32_t answered; /* stories that answered it */
	struct feedback_option *options;
	size_t noptions;      /* choice, multi */
	struct ltext ends[3]; /* scale: its 2 poles; triad: its 3 corners */
	uint16_t median;      /* scale: in tenths, 0..1000 (0: first pole) */
	uint16_t centre[3];   /* triad: per mille of each corner, summing to 1000
	                       * (all 0 when nobody answered) */
};

struct feedback_prompt {
	char *id;
	struct ltext text;
};

/* A public story: a reference within the pack (never the story code, which
 * is the teller's withdrawal credential), the language it was told in, the
 * prompt it answers (an id of prompts, or "") and its text. */
struct feedback_story {
	char *ref;
	char *lang;
	char *prompt;
	char *text;
};

struct feedback {
	unsigned char hub_id[KEY_ID_BYTES]; /* the hub key that signs it */
	uint64_t seq;                       /* the hub's pack sequence, from 1 */
	int64_t created;                    /* hub clock, unix seconds */
	char *form;                         /* the form the stories were told with */
	uint32_t form_version;
	struct ltext note; /* the coordinator's note, one text per language */
	struct feedback_prompt *prompts;
	size_t nprompts;
	uint32_t counted; /* stories the summary counts */
	struct feedback_item *items;
	size_t nitems;
	struct feedback_story *stories;
	size_t nstories;
};

/* A new empty feedback; free with feedback_free (NULL is a no-op). */
struct feedback *feedback_new(void);
void feedback_free(struct feedback *fb);

/* Append a copy of (lang, value) to t. */
void feedback_ltext_add(struct ltext *t, const char *lang, const char *value);
/* Free what t holds and zero it. */
void feedback_ltext_free(struct ltext *t);

/* The prompt with this id, or NULL. */
const struct feedback_prompt *feedback_prompt(const struct feedback *fb, const char *id);

/* The stories in the order a reader in lang sees them: those told in lang
 * first, then the others, each group in the pack's order. A new array of
 * fb->nstories indices (NULL when there is none); caller frees. */
size_t *feedback_order(const struct feedback *fb, const char *lang);

#endif
