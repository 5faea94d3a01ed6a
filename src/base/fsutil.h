/* fsutil: durable file operations (atomic write, directory fsync, bounded reads). */
#ifndef FSUTIL_H
#define FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Write data to path atomically: temp file in the same directory, write, fsync,
 * close, rename over path, fsync the directory. The file gets mode `mode`.
 * Temp files a killed write of the same path left are removed first.
 * With `exclusive`, fails if path already exists. On failure path is untouched. */
int fsutil_write_atomic(
    const char *path, const void *data, size_t len, mode_t mode, int exclusive, struct err *e);

/* The same in steps, for a file written while it is still being made: the
 * temp file (PATH.tmp.XXXXXX) is opened, written (and synced) as parts are
 * ready, then committed: fsync, close, link (exclusive) or rename to path,
 * directory fsync. Any failure removes the temp file and frees a (no abort
 * needed); fsutil_atomic_abort gives up on an open one. The temp file is
 * flock()ed until it is renamed or removed, so fsutil_clean_stale tells it
 * from one a killed process left. */
struct fsutil_atomic {
	char *path, *dir, *tmp;
	int fd;
	int lockfd; /* holds the lock while fd is closed and renamed */
};
int fsutil_atomic_open(struct fsutil_atomic *a, const char *path, mode_t mode, struct err *e);
int fsutil_atomic_write(struct fsutil_atomic *a, const void *data, size_t len, struct err *e);
int fsutil_atomic_sync(struct fsutil_atomic *a, struct err *e);
int fsutil_atomic_commit(struct fsutil_atomic *a, int exclusive, struct err *e);
void fsutil_atomic_abort(struct fsutil_atomic *a);

/* Remove the temp files (NAME.tmp.XXXXXX, as fsutil_atomic_open names them)
 * in dir whose NAME matches the glob pattern and that no running process
 * holds (a killed writer left them): regular files only, never followed
 * through a symbolic link. *removed (may be NULL) counts them. Only a
 * directory that cannot be read is an error; a file that cannot be removed
 * is left. */
int fsutil_clean_stale(const char *dir, const char *pattern, size_t *removed, struct err *e);

/* fsync the directory that holds path (or path itself if it is a directory). */
int fsutil_fsync_dir(const char *dir, struct err *e);

/* Read a whole file of at most max bytes into a new buffer (NUL-terminated for
 * convenience; *len excludes the NUL). Caller frees *out with free(). */
int fsutil_read_file(const char *path, size_t max, unsigned char **out, size_t *len, struct err *e);

/* Like fsutil_read_file, but into sodium_malloc'd memory for secrets; caller
 * frees with sodium_free(). */
int
fsutil_read_secret(const char *path, size_t max, unsigned char **out, size_t *len, struct err *e);

/* Create directory path (mode) if it does not exist. */
int fsutil_mkdir(const char *path, mode_t mode, struct err *e);

/* Bytes free for an unprivileged user on the filesystem holding path. */
int fsutil_free_bytes(const char *path, uint64_t *bytes, struct err *e);
/* A size for people, in binary units: "512 B", "79.2 GiB". */
#define FSUTIL_SIZE_LEN 32
void fsutil_format_size(uint64_t bytes, char out[FSUTIL_SIZE_LEN]);

/* 1 if path exists, 0 if not. */
int fsutil_exists(const char *path);

/* Check that the file at path has no permission bit for group or others;
 * the message says which chmod fixes it. */
int fsutil_check_private(const char *path, struct err *e);

/* Join a directory and a file name into a new string. Caller frees. */
char *fsutil_join(const char *dir, const char *name);

#endif
