/* spool: upload bodies in memory or in unnamed temporary files, within
 * budgets shared by every connection. */
#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xmalloc.h"

#define CHUNK_GROWTH ((size_t)64 << 10)

struct spool {
	struct spool_budget *b;
	unsigned char *buf; /* in memory */
	size_t len, cap;    /* cap is what the budget counts */
	int fd;             /* a file: -1 while in memory */
	uint64_t disk;      /* what the budget counts for the file */
	void *map;
	size_t maplen;
};

void
spool_budget_init(struct spool_budget *b, const char *dir, size_t mem_upload, size_t mem_total,
    uint64_t disk_total)
{
	memset(b, 0, sizeof *b);
	b->dir = xstrdup(dir);
	b->mem_upload = mem_upload ? mem_upload : SPOOL_MEM_UPLOAD;
	b->mem_total = mem_total ? mem_total : SPOOL_MEM_TOTAL;
	b->disk_total = disk_total ? disk_total : SPOOL_DISK_TOTAL;
	pthread_mutex_init(&b->mu, NULL);
}

void
spool_budget_free(struct spool_budget *b)
{
	pthread_mutex_destroy(&b->mu);
	free(b->dir);
	b->dir = NULL;
}

void
spool_budget_used(struct spool_budget *b, size_t *mem, uint64_t *disk)
{
	pthread_mutex_lock(&b->mu);
	*mem = b->mem_used;
	*disk = b->disk_used;
	pthread_mutex_unlock(&b->mu);
}

/* Reserve n more bytes of memory for s (growing its cap): 0, or -1 when
 * the upload or the total budget would pass. */
static int
mem_take(struct spool *s, size_t n)
{
	struct spool_budget *b = s->b;
	int ok;

	pthread_mutex_lock(&b->mu);
	ok = s->cap + n <= b->mem_upload && b->mem_used + n <= b->mem_total;
	if (ok)
		b->mem_used += n;
	pthread_mutex_unlock(&b->mu);
	return ok ? 0 : -1;
}

static void
mem_give(struct spool *s)
{
	pthread_mutex_lock(&s->b->mu);
	s->b->mem_used -= s->cap;
	pthread_mutex_unlock(&s->b->mu);
	free(s->buf);
	s->buf = NULL;
	s->cap = 0;
}

static int
disk_take(struct spool *s, uint64_t n, struct err *e)
{
	struct spool_budget *b = s->b;
	int ok;

	pthread_mutex_lock(&b->mu);
	ok = b->disk_used + n <= b->disk_total;
	if (ok)
		b->disk_used += n;
	pthread_mutex_unlock(&b->mu);
	if (ok) {
		s->disk += n;
		return 0;
	}
	err_set(e, "the hub is receiving too much at once: push again later");
	e->transient = 1;
	return -1;
}

static int
write_all(int fd, const unsigned char *p, size_t n, struct err *e)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int full = errno == ENOSPC || errno == EDQUOT;

			err_set(e, "the hub cannot keep the upload: %s%s", strerror(errno),
			    full ? " (its disk is full)" : "");
			e->transient = 1;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Move s to an unnamed file in the budget's directory, with what it holds. */
static int
to_file(struct spool *s, struct err *e)
{
	char *path = NULL;

	/* unlinked at once: nothing is left behind, whatever happens */
	path = xasprintf("%s/.storyhub-upload.XXXXXX", s->b->dir);
	s->fd = mkstemp(path);
	if (s->fd != -1)
		unlink(path);
	free(path);
	if (s->fd == -1) {
		err_set(e, "the hub cannot keep the upload in %s: %s", s->b->dir, strerror(errno));
		e->transient = 1;
		return -1;
	}
	if (s->len > 0 && write_all(s->fd, s->buf, s->len, e) == -1)
		return -1;
	mem_give(s);
	return 0;
}

int
spool_open(struct spool_budget *b, long long expected, struct spool **out, struct err *e)
{
	struct spool *s = xcalloc(1, sizeof *s);

	s->b = b;
	s->fd = -1;
	*out = NULL;
	if (expected >= 0 && mem_take(s, (size_t)expected) == 0) {
		s->cap = (size_t)expected;
		s->buf = xmalloc(s->cap ? s->cap : 1);
	} else if (expected >= 0) {
		if (disk_take(s, (uint64_t)expected, e) == -1 || to_file(s, e) == -1) {
			spool_free(s);
			return -1;
		}
	}
	*out = s;
	return 0;
}

int
spool_write(struct spool *s, const void *data, size_t n, struct err *e)
{
	if (s->fd == -1 && s->len + n > s->cap) {
		size_t want = s->len + n - s->cap;

		if (want < CHUNK_GROWTH)
			want = CHUNK_GROWTH;
		if (mem_take(s, want) == 0) {
			s->buf = xreallocarray(s->buf, s->cap + want, 1);
			s->cap += want;
		} else if (disk_take(s, s->len, e) == -1 || to_file(s, e) == -1)
			return -1;
	}
	if (s->fd != -1) {
		if (s->len + n > s->disk && disk_take(s, s->len + n - s->disk, e) == -1)
			return -1;
		if (write_all(s->fd, data, n, e) == -1)
			return -1;
	} else
		memcpy(s->buf + s->len, data, n);
	s->len += n;
	return 0;
}

int
spool_body(struct spool *s, const unsigned char **data, size_t *len, struct err *e)
{
	static const unsigned char empty[1];

	*len = s->len;
	if (s->fd == -1) {
		*data = s->buf != NULL ? s->buf : empty;
		return 0;
	}
	if (s->len == 0) {
		*data = empty;
		return 0;
	}
	if (s->map == NULL) {
		s->map = mmap(NULL, s->len, PROT_READ, MAP_PRIVATE, s->fd, 0);
		if (s->map == MAP_FAILED) {
			s->map = NULL;
			err_set(e, "the hub cannot read the upload back: %s", strerror(errno));
			e->transient = 1;
			return -1;
		}
		s->maplen = s->len;
	}
	*data = s->map;
	return 0;
}

int
spool_on_disk(const struct spool *s)
{
	return s->fd != -1;
}

size_t
spool_size(const struct spool *s)
{
	return s->len;
}

void
spool_free(struct spool *s)
{
	if (s == NULL)
		return;
	if (s->map != NULL)
		munmap(s->map, s->maplen);
	if (s->fd != -1)
		close(s->fd);
	if (s->buf != NULL || s->cap > 0)
		mem_give(s);
	if (s->disk > 0) {
		pthread_mutex_lock(&s->b->mu);
		s->b->disk_used -= s->disk;
		pthread_mutex_unlock(&s->b->mu);
	}
	free(s);
}
