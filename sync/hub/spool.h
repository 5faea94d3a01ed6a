/* spool: where the server keeps an upload's body while it arrives, within
 * budgets that hold whatever the clients do: a body stays in memory only
 * while it is small (SPOOL_MEM_UPLOAD) and all bodies in memory together
 * stay under SPOOL_MEM_TOTAL; any other goes to an unnamed temporary file
 * in the store's directory, and those together stay under a disk budget.
 * A body that does not fit is refused as transient (503: come back later). */
#ifndef SPOOL_H
#define SPOOL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SPOOL_MEM_UPLOAD ((size_t)4 << 20)   /* one body in memory at most */
#define SPOOL_MEM_TOTAL ((size_t)16 << 20)   /* all bodies in memory */
#define SPOOL_DISK_TOTAL ((uint64_t)1 << 30) /* all bodies in temporary files */

struct spool_budget {
	char *dir; /* for the temporary files */
	size_t mem_upload, mem_total;
	uint64_t disk_total;
	pthread_mutex_t mu;
	size_t mem_used;    /* under mu */
	uint64_t disk_used; /* under mu */
};

struct spool;

/* A budget with these limits (0: the defaults above); dir is copied. */
void spool_budget_init(struct spool_budget *b, const char *dir, size_t mem_upload, size_t mem_total,
    uint64_t disk_total);
void spool_budget_free(struct spool_budget *b);
/* Bytes held in memory and on disk now, for the tests and the log. */
void spool_budget_used(struct spool_budget *b, size_t *mem, uint64_t *disk);

/* Start a body of expected bytes (-1: not known, chunked) and reserve its
 * room; -1 with e (transient) when the budgets cannot take it now. */
int spool_open(struct spool_budget *b, long long expected, struct spool **out, struct err *e);
/* Append n bytes; a body that outgrows memory moves to a file. -1 with e
 * set (transient for a full disk or budget). */
int spool_write(struct spool *s, const void *data, size_t n, struct err *e);
/* The whole body, valid until spool_free (a file's is mapped read-only). */
int spool_body(struct spool *s, const unsigned char **data, size_t *len, struct err *e);
/* 1 when the body is in a file. */
int spool_on_disk(const struct spool *s);
/* The bytes written so far. */
size_t spool_size(const struct spool *s);
/* Free the body and give back its room; NULL is a no-op. */
void spool_free(struct spool *s);

#endif
