/* testutil: helpers shared by the unit tests. */
#include "testutil.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "xmalloc.h"

char *
testutil_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path = xasprintf("%s/skt.XXXXXX", base != NULL ? base : "/tmp");

	if (mkdtemp(path) == NULL)
		fatal("mkdtemp %s", path);
	return path;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
testutil_rmrf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const void *search_needle;
static size_t search_len;
static int search_found;

static int
search_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	unsigned char *buf;
	size_t len;

	(void)ftw;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (fsutil_read_file(path, 1u << 30, &buf, &len, NULL) == -1)
		return 0;
	for (size_t i = 0; i + search_len <= len; i++)
		if (memcmp(buf + i, search_needle, search_len) == 0) {
			search_found = 1;
			break;
		}
	free(buf);
	return 0;
}

int
testutil_dir_contains(const char *dir, const void *needle, size_t len)
{
	search_needle = needle;
	search_len = len;
	search_found = 0;
	nftw(dir, search_one, 16, FTW_PHYS);
	return search_found;
}

char *
testutil_repo_path(const char *rel)
{
	const char *top = getenv("TOP");

	return xasprintf("%s/%s", top != NULL ? top : ".", rel);
}

struct hub_seckey *
testutil_hub_key(const char *dir)
{
	struct hub_seckey *k = keys_hub_generate();
	struct err e;

	if (keys_hub_write(dir, k, "test pass", 9, 0, &e) == -1)
		fatal("testutil_hub_key: %s", e.msg);
	return k;
}
