/* xmalloc: allocation that never returns NULL, and fatal() for broken invariants. */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Allocate size bytes; aborts via fatal() when out of memory. Caller frees. */
void *xmalloc(size_t size);
/* Allocate nmemb * size zeroed bytes, checking the multiplication. Caller frees. */
void *xcalloc(size_t nmemb, size_t size);
/* Resize ptr to nmemb * size bytes, checking the multiplication. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
/* Copy a string. Caller frees. */
char *xstrdup(const char *s);
/* Copy at most n bytes of s and terminate. Caller frees. */
char *xstrndup(const char *s, size_t n);
/* printf into a new string. Caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Allocate guarded, locked memory for secrets (sodium_malloc); aborts on failure.
 * Free with xsecure_free, which also wipes it. */
void *xsecure_malloc(size_t size);
/* Wipe and free what xsecure_malloc returned. NULL is a no-op. */
void xsecure_free(void *p);
/* Wipe n bytes at p (a write the compiler cannot drop). */
void xwipe(void *p, size_t n);

/* Called by fatal() before exiting, so a UI can restore the terminal. */
void fatal_set_hook(void (*hook)(void));
/* Report an unrecoverable error (out of memory, broken invariant) and exit. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
