/* fsutil: durable file operations. Kiosks lose power without warning, so every
 * file we create goes through a temp file, fsync, rename and directory fsync. */
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Free a's strings; a holds nothing afterwards (aborting it again is a no-op). */
static void
atomic_clear(struct fsutil_atomic *a)
{
	free(a->path);
	free(a->dir);
	free(a->tmp);
	memset(a, 0, sizeof *a);
	a->fd = -1;
}

int
fsutil_atomic_open(struct fsutil_atomic *a, const char *path, mode_t mode, struct err *e)
{
	a->path = xstrdup(path);
	a->dir = dir_of(path);
	a->tmp = xasprintf("%s.tmp.XXXXXX", path);
	if ((a->fd = mkstemp(a->tmp)) == -1) {
		err_set(e, "cannot create a file in %s: %s", a->dir, strerror(errno));
		goto fail;
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
		    "%s is readable by other users (mode %03o); "
		    "run: chmod 600 %s",
		    path, (unsigned)(st.st_mode & 0777), path);
	return 0;
}
