/* workq: a few threads that run jobs handed to them in order, so that the
 * server's network thread never waits for verification, opening or the
 * store. */
#ifndef WORKQ_H
#define WORKQ_H

#include <stddef.h>

#include "err.h"

struct workq;

/* Start n threads (at least one). */
int workq_start(size_t n, struct workq **out, struct err *e);
/* Queue fn(arg); -1 once the queue is stopping (the job is not taken). */
int workq_submit(struct workq *q, void (*fn)(void *arg), void *arg);
/* Stop: jobs not started get cancel(arg) instead (on this thread), jobs
 * running finish, the threads end; q is freed. NULL is a no-op. */
void workq_stop(struct workq *q, void (*cancel)(void *arg));

#endif
