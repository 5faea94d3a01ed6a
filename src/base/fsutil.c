/* fsutil: durable file operations. Kiosks lose power without warning, so every
 * file we create goes through a temp file, fsync, rename and directory fsync. */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "xmalloc.h"

char *
fsutil_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (n > 0 && dir[n - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

int
fsutil_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static char *
dir_of(const char *path)
{
	char *copy = xstrdup(path), *d;

	d = xstrdup(dirname(copy));
	free(copy);
	return d;
}

int
fsutil_fsync_dir(const char *dir, struct err *e)
{
	int fd, rv = -1;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return err_set(e, "%s: %s", dir, strerror(errno));
	if (fsync(fd) == -1 && errno != EINVAL)
		err_set(e, "%s: cannot sync directory: %s", dir, strerror(errno));
	else
		rv = 0;
	close(fd);
	return rv;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Free a's strings and drop its lock; a holds nothing afterwards (aborting
 * it again is a no-op). */
static void
atomic_clear(struct fsutil_atomic *a)
{
	if (a->tmp != NULL && a->lockfd >= 0)
		close(a->lockfd);
	free(a->path);
	free(a->dir);
	free(a->tmp);
	memset(a, 0, sizeof *a);
	a->fd = -1;
	a->lockfd = -1;
}

/* Lock the new temp file a->fd so fsutil_clean_stale leaves it, and check
 * that no cleaner removed it before the lock: 0 when locked (or locks are
 * not supported there), -1 to try another name. */
static int
atomic_lock(struct fsutil_atomic *a)
{
	struct stat mine, named;

	if (flock(a->fd, LOCK_EX | LOCK_NB) == -1)
		return errno == EWOULDBLOCK ? -1 : 0;
	if (fstat(a->fd, &mine) == -1 || lstat(a->tmp, &named) == -1 ||
	    mine.st_ino != named.st_ino || mine.st_dev != named.st_dev)
		return -1;
	/* A second descriptor of the same open file keeps the lock after fd
	 * is closed, until the rename. */
	a->lockfd = fcntl(a->fd, F_DUPFD_CLOEXEC, 3);
	return 0;
}

/* A glob that matches name alone (its *, ?, [ and \\ escaped). Caller frees. */
static char *
glob_literal(const char *name)
{
	char *out = xcalloc(2 * strlen(name) + 1, 1), *o = out;

	for (; *name != '\0'; name++) {
		if (strchr("*?[\\", *name) != NULL)
			*o++ = '\\';
		*o++ = *name;
	}
	return out;
}

int
fsutil_atomic_open(struct fsutil_atomic *a, const char *path, mode_t mode, struct err *e)
{
	char *copy, *glob;
	int tries;

	a->path = xstrdup(path);
	a->dir = dir_of(path);
	a->lockfd = -1;
	/* What a killed write of the same file left goes first. */
	copy = xstrdup(path);
	glob = glob_literal(basename(copy));
	fsutil_clean_stale(a->dir, glob, NULL, NULL);
	free(glob);
	free(copy);
	for (tries = 0;; tries++) {
		a->tmp = xasprintf("%s.tmp.XXXXXX", path);
		if ((a->fd = mkstemp(a->tmp)) == -1) {
			err_set(e, "cannot create a file in %s: %s", a->dir, strerror(errno));
			goto fail;
		}
		if (atomic_lock(a) == 0)
			break;
		close(a->fd);
		a->fd = -1;
		if (tries == 8) {
			err_set(e, "cannot create a file in %s: it is being cleaned", a->dir);
			goto fail;
		}
		free(a->tmp);
		a->tmp = NULL;
	}
	if (fchmod(a->fd, mode) == -1) {
		err_set(e, "cannot write %s: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	fsutil_atomic_abort(a);
	return -1;
}

int
fsutil_atomic_write(struct fsutil_atomic *a, const void *data, size_t len, struct err *e)
{
	if (write_all(a->fd, data, len) == -1) {
		err_set(e, "cannot write %s: %s", a->path, strerror(errno));
		fsutil_atomic_abort(a);
		return -1;
	}
	return 0;
}

int
fsutil_atomic_sync(struct fsutil_atomic *a, struct err *e)
{
	if (fsync(a->fd) == -1) {
		err_set(e, "cannot write %s: %s", a->path, strerror(errno));
		fsutil_atomic_abort(a);
		return -1;
	}
	return 0;
}

int
fsutil_atomic_commit(struct fsutil_atomic *a, int exclusive, struct err *e)
{
	int rv = -1, fd = a->fd;

	a->fd = -1;
	if (fsync(fd) == -1) {
		err_set(e, "cannot write %s: %s", a->path, strerror(errno));
		close(fd);
		goto out;
	}
	if (close(fd) == -1) {
		err_set(e, "cannot write %s: %s", a->path, strerror(errno));
		goto out;
	}
	if (exclusive) {
		/* link() fails if path exists, so we never replace someone's file. */
		if (link(a->tmp, a->path) == -1) {
			err_set(e, "cannot create %s: %s", a->path, strerror(errno));
			goto out;
		}
		unlink(a->tmp);
	} else if (rename(a->tmp, a->path) == -1) {
		err_set(e, "cannot create %s: %s", a->path, strerror(errno));
		goto out;
	}
	if (fsutil_fsync_dir(a->dir, e) == -1)
		goto out;
	rv = 0;
out:
	if (rv == -1)
		unlink(a->tmp);
	atomic_clear(a);
	return rv;
}

void
fsutil_atomic_abort(struct fsutil_atomic *a)
{
	if (a->fd != -1) {
		close(a->fd);
		unlink(a->tmp);
	}
	atomic_clear(a);
}

/* 1 if name is NAME.tmp.XXXXXX with NAME matching pattern. */
static int
stale_name(const char *name, const char *pattern)
{
	size_t n = strlen(name), suffix = strlen(".tmp.XXXXXX");
	char *base;
	int match;

	if (n <= suffix || strncmp(name + n - suffix, ".tmp.", 5) != 0)
		return 0;
	base = xstrndup(name, n - suffix);
	match = fnmatch(pattern, base, FNM_PERIOD) == 0;
	free(base);
	return match;
}

/* Remove dir's entry name if it is a regular file no process holds locked. */
static int
remove_if_stale(int dfd, const char *name)
{
	struct stat st;
	int fd, gone = 0;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return 0;
	/* Locked: a writer is at work. A lock that cannot be taken at all
	 * proves nothing either way: the file stays. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0)
		gone = unlinkat(dfd, name, 0) == 0;
	close(fd);
	return gone;
}

int
fsutil_clean_stale(const char *dir, const char *pattern, size_t *removed, struct err *e)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (removed != NULL)
		*removed = 0;
	if ((d = opendir(dir)) == NULL)
		return err_set(e, "cannot read %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL)
		if (stale_name(de->d_name, pattern))
			n += (size_t)remove_if_stale(dirfd(d), de->d_name);
	closedir(d);
	if (n > 0)
		fsutil_fsync_dir(dir, NULL); /* the removal's durability is no one's loss */
	if (removed != NULL)
		*removed = n;
	return 0;
}

int
fsutil_write_atomic(
    const char *path, const void *data, size_t len, mode_t mode, int exclusive, struct err *e)
{
	struct fsutil_atomic a;

	if (fsutil_atomic_open(&a, path, mode, e) == -1 ||
	    fsutil_atomic_write(&a, data, len, e) == -1)
		return -1;
	return fsutil_atomic_commit(&a, exclusive, e);
}

static int
read_into(const char *path, size_t max, unsigned char **out, size_t *len, int secret, struct err *e)
{
	unsigned char *buf = NULL;
	struct stat st;
	size_t size, got = 0;
	ssize_t n;
	int fd, rv = -1;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return err_set(e, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1) {
		err_set(e, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file", path);
		goto out;
	}
	if ((uintmax_t)st.st_size > max) {
		err_set(e, "%s: file too large (%jd bytes, at most %zu)", path,
		    (intmax_t)st.st_size, max);
		goto out;
	}
	size = (size_t)st.st_size;
	buf = secret ? xsecure_malloc(size + 1) : xmalloc(size + 1);
	while (got < size) {
		n = read(fd, buf + got, size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_set(e, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	buf = NULL;
	rv = 0;
out:
	if (buf != NULL) {
		if (secret)
			sodium_free(buf);
		else
			free(buf);
	}
	close(fd);
	return rv;
}

int
fsutil_read_file(const char *path, size_t max, unsigned char **out, size_t *len, struct err *e)
{
	return read_into(path, max, out, len, 0, e);
}

int
fsutil_read_secret(const char *path, size_t max, unsigned char **out, size_t *len, struct err *e)
{
	return read_into(path, max, out, len, 1, e);
}

int
fsutil_mkdir(const char *path, mode_t mode, struct err *e)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return err_set(e, "cannot create directory %s: %s", path, strerror(errno));
}

int
fsutil_free_bytes(const char *path, uint64_t *bytes, struct err *e)
{
	struct statvfs sv;

	if (statvfs(path, &sv) == -1)
		return err_set(e, "%s: %s", path, strerror(errno));
	*bytes = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
	return 0;
}

void
fsutil_format_size(uint64_t b, char out[FSUTIL_SIZE_LEN])
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	int i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	snprintf(out, FSUTIL_SIZE_LEN, i == 0 ? "%.0f %s" : "%.1f %s", v, unit[i]);
}

int
fsutil_check_private(const char *path, struct err *e)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return err_set(e, "%s: %s", path, strerror(errno));
	if ((st.st_mode & 077) != 0)
		return err_set(e,
		    "%s is open to other users (mode %03o): it must be "
		    "readable by its owner alone; run: chmod 600 %s",
		    path, (unsigned)(st.st_mode & 0777), path);
	return 0;
}
