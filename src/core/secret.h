/* secret: read a passphrase or PIN from an environment variable, a file, or
 * the terminal with echo off, into protected memory. */
#ifndef SECRET_H
#define SECRET_H

#include <stddef.h>

#include "err.h"

/* Take the secret from the file (first line) if file is not NULL, else from the
 * environment variable envname if set, else prompt on /dev/tty with echo off
 * (twice when confirm). Refuses an empty secret or one shorter than minlen.
 * *out is NUL-terminated sodium_malloc memory: free with sodium_free().
 * Whatever the source, envname's value is then wiped and the variable
 * removed from the environment. */
int secret_read(const char *envname, const char *file, const char *prompt, int confirm,
    size_t minlen, char **out, size_t *len, struct err *e);

#endif
