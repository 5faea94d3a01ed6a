/* serve: the hub's HTTP receiver (libmicrohttpd). Routes (docs/protocol.md):
 *   GET  /v1/health   "ok"
 *   GET  /v1/nonce    a fresh nonce for the next signed request
 *   GET  /v1/pack     the newest published feedback pack (public)
 *   POST /v1/enroll   a kiosk redeems its enrolment token (signed)
 *   POST /v1/bundles  one bundle (signed), imported through import_buffer
 *                     (the code path of 'storyhub import'); the signed receipt
 * Every request but health, nonce and pack is authenticated from its header
 * (hubauth.c) before its body is read. One network thread reads and writes;
 * verification, opening and the store run on worker threads, the store
 * itself one bundle at a time on one connection (its single writer), while
 * the network thread keeps answering. Slow clients are cut (guard.c),
 * connections are capped in all and per address, and bodies are kept
 * within a memory and a disk budget (spool.c). */
#ifndef SERVE_H
#define SERVE_H

#include <stddef.h>

#include "err.h"
#include "hubstore.h"
#include "keys.h"

#define SERVE_DEFAULT_MAX_BYTES ((size_t)32 << 20)
#define SERVE_DEFAULT_TIMEOUT 30 /* seconds: see guard.h */
#define SERVE_MAX_CONNECTIONS 256
#define SERVE_MAX_PER_ADDRESS 32
#define SERVE_RETRY_AFTER 5 /* seconds a 503 asks a kiosk to wait */

struct serve_opts {
	const char *store;            /* the hub store's spec (--store); it must exist */
	const struct hub_seckey *key; /* the hub key, loaded */
	const char *listen;           /* HOST:PORT, [V6]:PORT (listen.h) */
	size_t max_bytes;             /* largest bundle accepted (413 above) */
	unsigned timeout;             /* seconds without progress before a cut */
	unsigned max_connections;     /* 0: SERVE_MAX_CONNECTIONS */
	unsigned max_per_address;     /* 0: SERVE_MAX_PER_ADDRESS */
	const char *spool_dir;        /* where big uploads wait (the store's directory) */
	const char *tls_cert;         /* PEM files: HTTPS when both are set */
	const char *tls_key;
	size_t workers; /* 0: one per core, 2 to 4 */
};

struct serve;

/* Bind and start serving in background threads. Block the stop signals
 * first (serve_block_signals) so those threads never take them. */
int serve_start(const struct serve_opts *o, struct serve **out, struct err *e);
/* The address actually bound, as "HOST:PORT" (owned by s). */
const char *serve_address(const struct serve *s);
/* 1 when the address reaches beyond this machine (not a loopback one). */
int serve_exposed(const struct serve *s);
/* "https" or "http". */
const char *serve_scheme(const struct serve *s);
/* Stop accepting, let the imports under way finish (an import is all or
 * nothing), close every connection and free s. NULL is a no-op. */
void serve_stop(struct serve *s);

/* Block SIGTERM, SIGINT and SIGHUP in the calling thread (call before
 * serve_start), then serve_wait waits for one of them and returns its number. */
void serve_block_signals(void);
int serve_wait(void);

#endif
