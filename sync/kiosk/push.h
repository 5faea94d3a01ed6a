/* push: the kiosk side of network sync (libcurl). Builds one signed bundle
 * of every finished story the hub has not acknowledged (the same bundle
 * export writes to a stick), POSTs it to the hub's /v1/bundles, verifies the
 * signed receipt against the kiosk's hub keys and only then marks the listed
 * stories acknowledged. A refused or broken upload changes nothing. Then it
 * asks the hub for a newer feedback pack (GET /v1/pack) and takes it as
 * 'storykiosk feedback' does (sync/kiosk/packstore.c). */
#ifndef PUSH_H
#define PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "kiosk.h"

#define PUSH_DEFAULT_TIMEOUT 60 /* seconds for the whole upload */
#define PUSH_CONNECT_TIMEOUT 10

enum push_outcome {
	PUSH_NOTHING,     /* no story waiting */
	PUSH_ACKED,       /* receipt verified, stories acknowledged */
	PUSH_QUARANTINED, /* delivered; the hub waits for the coordinator to trust us */
};

struct push_result {
	enum push_outcome outcome;
	uint64_t bundle_seq;
	size_t sent;        /* stories in the bundle */
	size_t acked;       /* stories marked acknowledged here */
	char note[ERR_MAX]; /* the hub's words for a quarantine */
	/* After the push, the hub's newest feedback pack (GET /v1/pack): its
	 * sequence and stories when a newer one was taken (0: none), else
	 * pack_note says why one was not ("" when the hub has none newer). */
	uint64_t pack_seq;
	size_t pack_stories;
	char pack_note[ERR_MAX];
};

/* Push every unacknowledged finished story to url (the hub's base URL, for
 * example http://hub:8080; "/v1/bundles" is added unless url ends with it).
 * timeout bounds the whole exchange in seconds (0: PUSH_DEFAULT_TIMEOUT),
 * and then the fetch of the feedback pack, which never fails the push. */
int
push_run(struct kiosk *k, const char *url, long timeout, struct push_result *res, struct err *e);

#endif
