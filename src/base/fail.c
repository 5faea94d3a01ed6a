/* fail: the programs' one-line error reports. */
#include "fail.h"

#include <stdarg.h>
#include <stdio.h>

static const char *program = "storykiosk";

void
fail_set_program(const char *name)
{
	program = name;
}

int
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
fail_usage(const char *command)
{
	fprintf(
	    stderr, "%s: %s: bad usage; see '%s %s --help'\n", program, command, program, command);
	return 2;
}
