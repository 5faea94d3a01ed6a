/* push: the kiosk side of network sync (libcurl). Builds one signed bundle
 * of every finished story the hub has not acknowledged (the same bundle
 * export writes to a stick), POSTs it to the hub's /v1/bundles, verifies the
 * signed receipt against the kiosk's hub keys and only then marks the listed
 * stories acknowledged. A refused or broken upload changes nothing. */
#ifndef PUSH_H
#define PUSH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "kiosk.h"

#define PUSH_DEFAULT_TIMEOUT 60         /* seconds for the whole upload */
#define PUSH_CONNECT_TIMEOUT 10
#define PUSH_BACKOFF_FIRST 30           /* seconds before the first retry */
#define PUSH_BACKOFF_MAX 1800           /* never wait longer than this */

enum push_outcome {
	PUSH_NOTHING,           /* no story waiting */
	PUSH_ACKED,             /* receipt verified, stories acknowledged */
	PUSH_QUARANTINED,       /* delivered; the hub waits for the coordinator to trust us */
};

struct push_result {
	enum push_outcome outcome;
	uint64_t bundle_seq;
	size_t sent;            /* stories in the bundle */
	size_t acked;           /* stories marked acknowledged here */
	char note[ERR_MAX];     /* the hub's words for a quarantine */
};

/* Push every unacknowledged finished story to url (the hub's base URL, for
 * example http://hub:8080; "/v1/bundles" is added unless url ends with it).
 * timeout bounds the whole exchange in seconds (0: PUSH_DEFAULT_TIMEOUT). */
int push_run(struct kiosk *k, const char *url, long timeout, struct push_result *res,
    struct err *e);

/* Seconds to wait before the next automatic attempt after this many failures
 * in a row (0: try now): PUSH_BACKOFF_FIRST doubling up to PUSH_BACKOFF_MAX. */
long push_backoff(unsigned failures);

/* For the running kiosk: push from a child process so the screen never
 * waits. push_spawn forks a child that opens dir, pushes and exits (0 on
 * success or nothing to do, 1 on failure); *pid is the child. */
int push_spawn(const char *dir, const char *url, long timeout, pid_t *pid, struct err *e);
/* Check a spawned push without blocking: 0 still running, 1 finished with
 * *ok set (1 success, 0 failure), -1 with e set when pid is not ours. */
int push_poll(pid_t pid, int *ok, struct err *e);

#endif
