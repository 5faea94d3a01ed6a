/* push: the kiosk side of network sync (libcurl). Enrols the kiosk first
 * when it holds an enrolment token, then builds one signed bundle of every
 * finished story the hub has not acknowledged (the same bundle export
 * writes to a stick) and POSTs it to the hub's /v1/bundles, each request
 * signed with the kiosk's key over a fresh nonce from the hub
 * (docs/protocol.md). The signed receipt is verified against the kiosk's
 * hub keys and only then are the listed stories marked acknowledged. A
 * busy hub (503) is tried again after its Retry-After, within the push's
 * time; a refused or broken upload changes nothing. Then it asks the hub
 * for a newer feedback pack (GET /v1/pack) and takes it as 'storykiosk
 * feedback' does (sync/kiosk/packstore.c). */
#ifndef PUSH_H
#define PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "kiosk.h"

#define PUSH_DEFAULT_TIMEOUT 60 /* seconds for the whole push, retries included */
#define PUSH_CONNECT_TIMEOUT 10
#define PUSH_RETRY_DEFAULT 5 /* seconds before trying a busy hub again */
#define PUSH_RETRY_MAX 60    /* the longest Retry-After honoured */

enum push_outcome {
	PUSH_NOTHING,     /* no story waiting (and no enrolment) */
	PUSH_ACKED,       /* receipt verified, stories acknowledged */
	PUSH_QUARANTINED, /* delivered; the hub waits for the coordinator to trust us */
	PUSH_ENROLLED,    /* enrolled; no story was waiting */
};

struct push_opts {
	const char *url; /* the hub's base URL, e.g. http://hub:8080 ("/v1/..." added) */
	long timeout;    /* seconds for everything, retries included (0: default) */
	const char *ca;  /* https: a CA file to trust instead of the system's; NULL */
	int once;        /* a busy hub is not waited for: the push ends (transient) */
	/* said each time the hub is busy and the push waits seconds to retry;
	 * may be NULL */
	void (*busy)(void *ctx, const char *why, long seconds);
	void *ctx;
};

struct push_result {
	enum push_outcome outcome;
	int enrolled; /* this push enrolled the kiosk */
	uint64_t bundle_seq;
	size_t sent;        /* stories in the bundle */
	size_t acked;       /* stories marked acknowledged here */
	unsigned busy;      /* times the hub answered 503 */
	char note[ERR_MAX]; /* the hub's words for a quarantine or an enrolment */
	/* After the push, the hub's newest feedback pack (GET /v1/pack): its
	 * sequence and stories when a newer one was taken (0: none), else
	 * pack_note says why one was not ("" when the hub has none newer). */
	uint64_t pack_seq;
	size_t pack_stories;
	char pack_note[ERR_MAX];
};

/* Push as o says. -1 with e set on failure; e->transient when the hub was
 * still busy when the time ran out (everything is kept; try later). What
 * happened is also recorded in the kiosk's meta (last_push_attempt,
 * last_push_result, last_push), for status and the admin screen. The fetch
 * of the feedback pack after a push never fails the push. */
int push_run(struct kiosk *k, const struct push_opts *o, struct push_result *res, struct err *e);

#endif
