/* fail: the programs' one-line error reports, and their other lines that
 * name paths: each is formatted whole, then neutralised, then printed. */
#include "fail.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

static const char *program = "storykiosk";

void
fail_set_program(const char *name)
{
	program = name;
}

/* Print prefix and the formatted text as one neutralised line. */
static int put_line(FILE *fp, const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static int
put_line(FILE *fp, const char *prefix, const char *fmt, va_list ap)
{
	char *text = xvasprintf(fmt, ap), *line = xasprintf("%s%s", prefix, text), *safe;
	int rv;

	safe = utf8_neutralise(line, strlen(line), 0);
	rv = fputs(safe, fp) == EOF || fputc('\n', fp) == EOF ? -1 : 0;
	free(safe);
	free(line);
	free(text);
	return rv;
}

int
fail(const char *fmt, ...)
{
	char *prefix = xasprintf("%s: ", program);
	va_list ap;

	va_start(ap, fmt);
	put_line(stderr, prefix, fmt, ap);
	va_end(ap);
	free(prefix);
	return 1;
}

void
fail_warn(const char *fmt, ...)
{
	char *prefix = xasprintf("%s: warning: ", program);
	va_list ap;

	va_start(ap, fmt);
	put_line(stderr, prefix, fmt, ap);
	va_end(ap);
	free(prefix);
}

int
fail_usage(const char *command)
{
	return fail("%s: bad usage; see '%s %s --help'", command, program, command) + 1;
}

int
fail_say(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	int rv;

	va_start(ap, fmt);
	rv = put_line(fp, "", fmt, ap);
	va_end(ap);
	return rv;
}
