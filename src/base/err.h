/* err: a caller-owned error message, filled deep down and reported once at the top. */
#ifndef ERR_H
#define ERR_H

#define ERR_MAX 512

struct err {
	char msg[ERR_MAX];
	/* The failure may pass by itself (a store busy or full, a disk full):
	 * worth trying again later. err_set clears it; whoever knows sets it
	 * after (err_prefix keeps it). */
	int transient;
};

/* Set the message (printf style), not transient; always returns -1 so
 * callers can `return err_set(...)`. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefix the existing message with more context ("reading x: <old>"); returns -1. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Clear the message and the transient mark. */
void err_clear(struct err *e);

#endif
