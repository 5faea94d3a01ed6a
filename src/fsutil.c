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

int
fsutil_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
    int exclusive, struct err *e)
{
	char *dir = dir_of(path), *tmp = xasprintf("%s.tmp.XXXXXX", path);
	int fd = -1, rv = -1;

	if ((fd = mkstemp(tmp)) == -1) {
		err_set(e, "cannot create a file in %s: %s", dir, strerror(errno));
		goto out;
	}
	if (fchmod(fd, mode) == -1 || write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		err_set(e, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		err_set(e, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (exclusive) {
		/* link() fails if path exists, so we never replace someone's file. */
		if (link(tmp, path) == -1) {
			err_set(e, "cannot create %s: %s", path, strerror(errno));
			goto out;
		}
		unlink(tmp);
	} else if (rename(tmp, path) == -1) {
		err_set(e, "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	if (fsutil_fsync_dir(dir, e) == -1)
		goto out;
	rv = 0;
out:
	if (fd != -1)
		close(fd);
	if (rv == -1)
		unlink(tmp);
	free(tmp);
	free(dir);
	return rv;
}

static int
read_into(const char *path, size_t max, unsigned char **out, size_t *len, int secret,
    struct err *e)
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
fsutil_read_file(const char *path, size_t max, unsigned char **out, size_t *len,
    struct err *e)
{
	return read_into(path, max, out, len, 0, e);
}

int
fsutil_read_secret(const char *path, size_t max, unsigned char **out, size_t *len,
    struct err *e)
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

int
fsutil_check_private(const char *path, struct err *e)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return err_set(e, "%s: %s", path, strerror(errno));
	if ((st.st_mode & 077) != 0)
		return err_set(e, "%s is readable by other users (mode %03o); "
		    "run: chmod 600 %s", path, (unsigned)(st.st_mode & 0777), path);
	return 0;
}
