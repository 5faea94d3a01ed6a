/* serve: the hub's HTTP receiver (libmicrohttpd). POST /v1/bundles takes one
 * bundle, imports it through import_buffer (the code path of 'storyhub
 * import') and answers with the signed receipt; GET /v1/pack hands out the
 * newest published feedback pack; GET /v1/health answers "ok".
 * One polling thread handles every connection, so imports run one at a time
 * and the hub store has a single writer. */
#ifndef SERVE_H
#define SERVE_H

#include <stddef.h>

#include "err.h"
#include "hubstore.h"
#include "keys.h"

#define SERVE_DEFAULT_MAX_BYTES ((size_t)32 << 20)
#define SERVE_DEFAULT_TIMEOUT 30 /* seconds of silence before a connection is dropped */
#define SERVE_MAX_CONNECTIONS 64

struct serve_opts {
	struct hubstore *hs;
	const struct hub_seckey *key;
	const char *listen; /* HOST:PORT, [V6]:PORT; port 0 picks a free one */
	size_t max_bytes;   /* largest bundle accepted (413 above) */
	unsigned timeout;   /* per-connection idle timeout, seconds */
};

struct serve;

/* Bind and start serving in a background thread. Block the stop signals
 * first (serve_block_signals) so the server thread never takes them. */
int serve_start(const struct serve_opts *o, struct serve **out, struct err *e);
/* The address actually bound, as "HOST:PORT" (owned by s). */
const char *serve_address(const struct serve *s);
/* Stop accepting, let the request being handled finish (an import is all or
 * nothing), close every connection and free s. NULL is a no-op. */
void serve_stop(struct serve *s);

/* Block SIGTERM, SIGINT and SIGHUP in the calling thread (call before
 * serve_start), then serve_wait waits for one of them and returns its number. */
void serve_block_signals(void);
int serve_wait(void);

#endif
