/* guard: a thread that looks at every connection four times a second and
 * shuts down the sockets of those that stopped making progress. The list
 * and every connection's state are under one mutex, held while a socket is
 * shut down, so a socket is never touched after guard_remove. */
#include "guard.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "xmalloc.h"

#define GUARD_TICK_MS 250

struct guard_conn {
	int fd;
	enum guard_stage stage;
	double since;    /* when the stage began, or the body last made progress */
	size_t pending;  /* body bytes since then */
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

/* Cut the connections that made no progress (mu held). */
static void
sweep(struct guard *g)
{
	double t = now();

	for (struct guard_conn *c = g->head; c != NULL; c = c->next) {
		if (c->cut != NULL || c->stage == GUARD_SERVER || t - c->since < g->timeout)
			continue;
		c->cut = c->stage == GUARD_HEADER ?
		    "cut: no complete request header within the timeout (nothing imported)" :
		    "cut: the upload made no progress within the timeout (nothing imported)";
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

	c->fd = fd;
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
