/* guard: the server's watch over slow clients. Every connection must make
 * progress: a request's header complete within the timeout of the
 * connection's start (or of its previous request's end), and an upload's
 * body at least GUARD_PROGRESS_BYTES more within every timeout, and the
 * client must take at least GUARD_PROGRESS_BYTES more of an answer within
 * every timeout while part of it waits for them. A connection that does not
 * is cut (its socket shut down, which the HTTP library sees as the client
 * leaving): dribbling or reading a byte at a time keeps nothing open.
 * While the server works on a request, nothing is asked of the client. */
#ifndef GUARD_H
#define GUARD_H

#include <stddef.h>

#include "err.h"

#define GUARD_PROGRESS_BYTES ((size_t)8 << 10)

enum guard_stage {
	GUARD_HEADER, /* waiting for a request's header */
	GUARD_BODY,   /* receiving an upload */
	GUARD_SERVER, /* the server is working on it (not watched) or answering */
};

struct guard;
struct guard_conn;

/* Start the watch (a thread) with this timeout in seconds. */
int guard_start(unsigned timeout, struct guard **out, struct err *e);
/* Stop the watch; the connections must have been removed. NULL: no-op. */
void guard_stop(struct guard *g);

/* Watch a new connection on socket fd, waiting for a header. */
struct guard_conn *guard_add(struct guard *g, int fd);
/* The connection moves to another stage; its clock starts again. */
void guard_stage(struct guard *g, struct guard_conn *c, enum guard_stage stage);
/* n more bytes of a body arrived. */
void guard_progress(struct guard *g, struct guard_conn *c, size_t n);
/* Whether the guard can tell how far the client has read an answer (a TCP
 * socket on Linux 4.1 or later); if not, answers are not watched. */
int guard_watchable(const struct guard_conn *c);
/* Why the connection was cut (a static sentence), or NULL. */
const char *guard_cut(struct guard *g, struct guard_conn *c);
/* Stop watching the connection (before its socket is closed) and free c. */
void guard_remove(struct guard *g, struct guard_conn *c);
/* How many connections the guard has cut since it started. */
size_t guard_cuts(struct guard *g);

#endif
