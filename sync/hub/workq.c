/* workq: a fixed pool of threads and a queue of jobs (first in, first out). */
#include "workq.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define WORKQ_MAX_THREADS 16

struct job {
	void (*fn)(void *arg);
	void *arg;
	struct job *next;
};

struct workq {
	pthread_t tid[WORKQ_MAX_THREADS];
	size_t nthreads;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct job *head, *tail; /* under mu */
	int stop;                /* under mu */
};

static void *
run(void *arg)
{
	struct workq *q = arg;
	struct job *j;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->stop && q->head == NULL)
			pthread_cond_wait(&q->cond, &q->mu);
		if (q->head == NULL)
			break;
		j = q->head;
		q->head = j->next;
		if (q->head == NULL)
			q->tail = NULL;
		pthread_mutex_unlock(&q->mu);
		j->fn(j->arg);
		free(j);
		pthread_mutex_lock(&q->mu);
		if (q->stop)
			break; /* the rest is cancelled by workq_stop */
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

int
workq_start(size_t n, struct workq **out, struct err *e)
{
	struct workq *q = xcalloc(1, sizeof *q);

	if (n == 0)
		n = 1;
	if (n > WORKQ_MAX_THREADS)
		n = WORKQ_MAX_THREADS;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cond, NULL);
	while (q->nthreads < n && pthread_create(&q->tid[q->nthreads], NULL, run, q) == 0)
		q->nthreads++;
	if (q->nthreads == 0) {
		workq_stop(q, NULL);
		return err_set(e, "cannot start a worker thread");
	}
	*out = q;
	return 0;
}

int
workq_submit(struct workq *q, void (*fn)(void *arg), void *arg)
{
	struct job *j;

	pthread_mutex_lock(&q->mu);
	if (q->stop) {
		pthread_mutex_unlock(&q->mu);
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->fn = fn;
	j->arg = arg;
	if (q->tail != NULL)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

void
workq_stop(struct workq *q, void (*cancel)(void *arg))
{
	struct job *j;

	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->mu);
	for (size_t i = 0; i < q->nthreads; i++)
		pthread_join(q->tid[i], NULL);
	while ((j = q->head) != NULL) {
		q->head = j->next;
		if (cancel != NULL)
			cancel(j->arg);
		free(j);
	}
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->mu);
	free(q);
}
