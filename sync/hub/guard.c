/* guard: a thread that looks at every connection four times a second and
 * shuts down the sockets of those that stopped making progress. The list
 * and every connection's state are under one mutex, held while a socket is
 * looked at or shut down, so a socket is never touched after guard_remove.
 * How far a client has read an answer is the kernel's count of the bytes
 * it acknowledged (TCP_INFO): the HTTP library hands an answer to the
 * socket and says nothing more. */
#include "guard.h"

#include <errno.h>
#include <linux/sockios.h>
#include <linux/tcp.h> /* struct tcp_info with tcpi_bytes_acked (glibc's lacks it) */
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include "xmalloc.h"

#define GUARD_TICK_MS 250

struct guard_conn {
	int fd;
	enum guard_stage stage;
	double since;    /* when the stage began, or the body last made progress */
	size_t pending;  /* body bytes since then */
	uint64_t acked;  /* GUARD_SERVER: bytes the client had acknowledged then */
	int acked_known; /* ... once the guard has looked */
	int watchable;   /* the socket says how far the client has read */
	const char *cut; /* why it was cut, or NULL */
	struct guard_conn *prev, *next;
};

struct guard {
	unsigned timeout;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct guard_conn *head; /* under mu */
	size_t cuts;             /* under mu */
	int stop;                /* under mu */
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The bytes the peer of TCP socket fd has acknowledged, and whether any
 * it was sent wait for it (sent but not acknowledged, or not yet sent).
 * -1 when the socket cannot say (not TCP, or a kernel before 4.1). */
static int
sock_acked(int fd, uint64_t *acked, int *waiting)
{
	struct tcp_info ti = { 0 };
	socklen_t len = sizeof ti;
	int queued = 0;

	if (fd < 0 || ioctl(fd, SIOCOUTQ, &queued) == -1 ||
	    getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_acked) + sizeof ti.tcpi_bytes_acked)
		return -1;
	*acked = ti.tcpi_bytes_acked;
	*waiting = queued > 0;
	return 0;
}

/* A connection the server is answering (mu held): its clock runs only
 * while part of the answer waits for the client, and starts again each
 * time the client has taken GUARD_PROGRESS_BYTES more. While the server
 * works on a request nothing waits, so an import takes as long as it must. */
static void
watch_answer(struct guard_conn *c, double t)
{
	uint64_t acked;
	int waiting;

	if (!c->watchable || sock_acked(c->fd, &acked, &waiting) == -1) {
		c->since = t;
		return;
	}
	if (!c->acked_known) {
		c->acked = acked;
		c->acked_known = 1;
	}
	if (!waiting || acked - c->acked >= GUARD_PROGRESS_BYTES) {
		c->since = t;
		c->acked = acked;
	}
}

/* Cut the connections that made no progress (mu held). */
static void
sweep(struct guard *g)
{
	double t = now();

	for (struct guard_conn *c = g->head; c != NULL; c = c->next) {
		if (c->cut != NULL)
			continue;
		if (c->stage == GUARD_SERVER)
			watch_answer(c, t);
		if (t - c->since < g->timeout)
			continue;
		c->cut = c->stage == GUARD_HEADER ?
		    "cut: no complete request header within the timeout (nothing imported)" :
		    c->stage == GUARD_BODY ?
		    "cut: the upload made no progress within the timeout (nothing imported)" :
		    "cut: the client read the answer too slowly (under 8 KiB within the timeout)";
		shutdown(c->fd, SHUT_RDWR);
		g->cuts++;
	}
}

static void *
watch(void *arg)
{
	struct guard *g = arg;
	struct timespec until;

	pthread_mutex_lock(&g->mu);
	while (!g->stop) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += GUARD_TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&g->cond, &g->mu, &until) == ETIMEDOUT)
			sweep(g);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

int
guard_start(unsigned timeout, struct guard **out, struct err *e)
{
	struct guard *g = xcalloc(1, sizeof *g);
	pthread_condattr_t ca;

	g->timeout = timeout;
	pthread_mutex_init(&g->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&g->tid, NULL, watch, g) != 0) {
		pthread_cond_destroy(&g->cond);
		pthread_mutex_destroy(&g->mu);
		free(g);
		return err_set(e, "cannot start the connection watch");
	}
	*out = g;
	return 0;
}

void
guard_stop(struct guard *g)
{
	if (g == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = 1;
	pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->tid, NULL);
	while (g->head != NULL)
		guard_remove(g, g->head);
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

struct guard_conn *
guard_add(struct guard *g, int fd)
{
	struct guard_conn *c = xcalloc(1, sizeof *c);
	uint64_t acked;
	int waiting;

	c->fd = fd;
	c->watchable = sock_acked(fd, &acked, &waiting) == 0;
	c->stage = GUARD_HEADER;
	c->since = now();
	pthread_mutex_lock(&g->mu);
	c->next = g->head;
	if (g->head != NULL)
		g->head->prev = c;
	g->head = c;
	pthread_mutex_unlock(&g->mu);
	return c;
}

void
guard_stage(struct guard *g, struct guard_conn *c, enum guard_stage stage)
{
	pthread_mutex_lock(&g->mu);
	c->stage = stage;
	c->since = now();
	c->pending = 0;
	c->acked_known = 0;
	pthread_mutex_unlock(&g->mu);
}

void
guard_progress(struct guard *g, struct guard_conn *c, size_t n)
{
	pthread_mutex_lock(&g->mu);
	c->pending += n;
	if (c->pending >= GUARD_PROGRESS_BYTES) {
		c->since = now();
		c->pending = 0;
	}
	pthread_mutex_unlock(&g->mu);
}

int
guard_watchable(const struct guard_conn *c)
{
	return c->watchable; /* set once, before c is shared */
}

const char *
guard_cut(struct guard *g, struct guard_conn *c)
{
	const char *why;

	pthread_mutex_lock(&g->mu);
	why = c->cut;
	pthread_mutex_unlock(&g->mu);
	return why;
}

void
guard_remove(struct guard *g, struct guard_conn *c)
{
	pthread_mutex_lock(&g->mu);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		g->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&g->mu);
	free(c);
}

size_t
guard_cuts(struct guard *g)
{
	size_t n;

	pthread_mutex_lock(&g->mu);
	n = g->cuts;
	pthread_mutex_unlock(&g->mu);
	return n;
}
