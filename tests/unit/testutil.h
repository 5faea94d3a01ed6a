/* testutil: helpers shared by the unit tests (temporary directories, file search). */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>

#include "keys.h"

/* A new empty directory under $TMPDIR; caller frees the path and removes it
 * with testutil_rmrf. */
char *testutil_tmpdir(void);
void testutil_rmrf(const char *path);
/* 1 if any regular file under dir (recursively) contains needle. */
int testutil_dir_contains(const char *dir, const void *needle, size_t len);
/* Path of a file in the repository ($TOP or "."). Caller frees. */
char *testutil_repo_path(const char *rel);
/* A fresh hub key written to dir (hub.pub, hub.key) with passphrase "test pass". */
struct hub_seckey *testutil_hub_key(const char *dir);

#endif
