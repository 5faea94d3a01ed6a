/* failwrite: an LD_PRELOAD shim that makes the n-th file write, sync or rename
 * fail, to test what storykiosk and storyhub do when the disk does.
 *
 *   FAULT_OPS    which calls count, comma-separated (default all):
 *                  write   write, writev
 *                  pwrite  pwrite, pwrite64 (SQLite's pages, WAL and journal)
 *                  fsync   fsync, fdatasync
 *                  rename  rename, renameat, link (the atomic-replace step)
 *   FAULT_AT     fail the N-th counted call (1-based); unset or 0: never fail,
 *                only count
 *   FAULT_ERRNO  EIO (default) or ENOSPC
 *   FAULT_ONCE   1: fail only the N-th call; otherwise every counted call
 *                from the N-th on fails (a full or dying disk stays so)
 *   FAULT_LOG    file to which "calls=C failed=F" is appended at exit
 *
 * Writes to file descriptors 0-2 are never counted or failed, so messages
 * still reach the user. Build: cc -shared -fPIC -o failwrite.so failwrite.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum {
	OP_WRITE = 1,
	OP_PWRITE = 2,
	OP_FSYNC = 4,
	OP_RENAME = 8
};

static int ready, ops, fail_errno, once;
static long at, calls, failed;

static void
setup(void)
{
	const char *s;

	if (ready)
		return;
	ready = 1;
	s = getenv("FAULT_OPS");
	if (s == NULL || *s == '\0')
		ops = OP_WRITE | OP_PWRITE | OP_FSYNC | OP_RENAME;
	else {
		if (strstr(s, "pwrite") != NULL)
			ops |= OP_PWRITE;
		/* "write" on its own, not only as part of "pwrite" */
		if (strncmp(s, "write", 5) == 0 || strstr(s, ",write") != NULL)
			ops |= OP_WRITE;
		if (strstr(s, "sync") != NULL)
			ops |= OP_FSYNC;
		if (strstr(s, "rename") != NULL)
			ops |= OP_RENAME;
	}
	s = getenv("FAULT_AT");
	at = s != NULL ? atol(s) : 0;
	s = getenv("FAULT_ERRNO");
	fail_errno = s != NULL && strcmp(s, "ENOSPC") == 0 ? ENOSPC : EIO;
	s = getenv("FAULT_ONCE");
	once = s != NULL && strcmp(s, "1") == 0;
}

/* 1 if this call must fail (errno is then set). */
static int
fault(int op, int fd)
{
	setup();
	if (!(ops & op) || (fd >= 0 && fd <= 2))
		return 0;
	calls++;
	if (at <= 0 || calls < at || (once && calls != at))
		return 0;
	failed++;
	errno = fail_errno;
	return 1;
}

static void *
real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL)
		abort();
	return f;
}

__attribute__((destructor)) static void
report(void)
{
	const char *log = getenv("FAULT_LOG");
	FILE *f;

	if (log == NULL || (f = fopen(log, "a")) == NULL)
		return;
	fprintf(f, "calls=%ld failed=%ld\n", calls, failed);
	fclose(f);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	static ssize_t (*f)(int, const void *, size_t);

	if (fault(OP_WRITE, fd))
		return -1;
	if (f == NULL)
		f = real("write");
	return f(fd, buf, n);
}

ssize_t
writev(int fd, const struct iovec *iov, int n)
{
	static ssize_t (*f)(int, const struct iovec *, int);

	if (fault(OP_WRITE, fd))
		return -1;
	if (f == NULL)
		f = real("writev");
	return f(fd, iov, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*f)(int, const void *, size_t, off_t);

	if (fault(OP_PWRITE, fd))
		return -1;
	if (f == NULL)
		f = real("pwrite");
	return f(fd, buf, n, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	static ssize_t (*f)(int, const void *, size_t, off64_t);

	if (fault(OP_PWRITE, fd))
		return -1;
	if (f == NULL)
		f = real("pwrite64");
	return f(fd, buf, n, off);
}

int
fsync(int fd)
{
	static int (*f)(int);

	if (fault(OP_FSYNC, fd))
		return -1;
	if (f == NULL)
		f = real("fsync");
	return f(fd);
}

int
fdatasync(int fd)
{
	static int (*f)(int);

	if (fault(OP_FSYNC, fd))
		return -1;
	if (f == NULL)
		f = real("fdatasync");
	return f(fd);
}

int
rename(const char *from, const char *to)
{
	static int (*f)(const char *, const char *);

	if (fault(OP_RENAME, -1))
		return -1;
	if (f == NULL)
		f = real("rename");
	return f(from, to);
}

int
renameat(int dfrom, const char *from, int dto, const char *to)
{
	static int (*f)(int, const char *, int, const char *);

	if (fault(OP_RENAME, -1))
		return -1;
	if (f == NULL)
		f = real("renameat");
	return f(dfrom, from, dto, to);
}

int
link(const char *from, const char *to)
{
	static int (*f)(const char *, const char *);

	if (fault(OP_RENAME, -1))
		return -1;
	if (f == NULL)
		f = real("link");
	return f(from, to);
}
