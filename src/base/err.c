/* err: caller-owned error messages. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->transient = 0;
	return -1;
}

int
err_prefix(struct err *e, const char *fmt, ...)
{
	char old[ERR_MAX];
	size_t n;
	va_list ap;

	if (e == NULL)
		return -1;
	memcpy(old, e->msg, sizeof old);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (n + 2 < sizeof e->msg) {
		size_t room = sizeof e->msg - n - 3, len = strlen(old);

		if (len > room)
			len = room;
		memcpy(e->msg + n, ": ", 2);
		memcpy(e->msg + n + 2, old, len);
		e->msg[n + 2 + len] = '\0';
	}
	return -1;
}

void
err_clear(struct err *e)
{
	if (e != NULL) {
		e->msg[0] = '\0';
		e->transient = 0;
	}
}
