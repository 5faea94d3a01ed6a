/* payload: the plaintext inside a sealed story (JSON, via jansson): the
 * answers object of docs/forms.md plus what identifies the story. The kiosk only
 * encodes; the hub decodes after opening the seal. */
#ifndef PAYLOAD_H
#define PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "answers.h"
#include "err.h"
#include "form.h"

#define PAYLOAD_VERSION 1

/*
 * {"v":1, "story_id":"<32 hex>", "code":"K7P-2QX", "kiosk":"<16 hex>",
 *  "form":"partnership-stories", "form_version":1, "source":"kiosk"|"paper",
 *  "status":"draft"|"submitted"|"timed_out",          (absent in older payloads)
 *  "created":"2026-11-23T10:00:00Z", "saved":"...",   (kiosk clock: may be wrong)
 *  "types":{"story":"story","equal":"scale",...},     (question types, form order)
 *  "lang":"sw", "consent":"analysis", "prompt":"worked", "answers":{...},
 *  "untouched":["drivers",...],   (answered scale/triad ids whose marker was
 *                                  never moved; absent in older payloads)
 *  "scribe":"AB"}                 (source "scribe" only: the initials of the
 *                                  scribe who typed the story; absent else)
 */
struct payload {
	char *story_id; /* 32 lower-case hex */
	char *code;
	char *kiosk;
	char *form;
	long long form_version;
	char *source;
	char *status; /* as the kiosk sealed it; NULL when the payload has none
	               * (older kiosks) */
	char *created;
	char *saved;
	char *lang;
	char *consent;
	char *prompt;    /* NULL when none */
	char *answers;   /* the "answers" object as compact JSON text */
	char *types;     /* the "types" object as compact JSON text */
	char *untouched; /* the "untouched" list as compact JSON text; NULL
	                         * when the payload has none (older kiosks) */
	char *text;      /* the story and short text answers, one per line
	                         * (what the hub's full-text search indexes) */
	char *scribe;    /* the scribe's initials; NULL when absent or null
	                         * (every story but a scribe's) */
};

struct payload_meta {
	const unsigned char *story_id; /* 16 bytes */
	const char *code;
	const char *kiosk;
	const char *source;
	const char *status;     /* story_status_name() of the status saved */
	const char *scribe;     /* NULL: no "scribe" member */
	int64_t created, saved; /* unix seconds */
};

/* Encode. The result is malloc'd text; free it with payload_text_free (wipes). */
char *payload_encode(const struct payload_meta *m, const struct form *f, const struct answers *a);
void payload_text_free(char *text);

/* Free a decoded payload (the hub's payread_decode makes them); wipes the
 * answers and text. NULL is a no-op. */
void payload_free(struct payload *p);

/* The text of a payload (as p->text) from its answers and types objects given
 * as JSON text (as p->answers and p->types): what the hub's index reads back.
 * NULL if either is not a JSON object. Free with payload_text_free. */
char *payload_text_of(const char *answers, const char *types);

#endif
