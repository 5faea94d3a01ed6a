/* report-text: neutralise, then escape. */
#include "report-text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

static void
escape(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			putc(*s, fp);
		}
	}
}

void
report_text_putn(FILE *fp, const char *s, size_t len, int keep_newlines)
{
	char *safe;

	if (s == NULL)
		return;
	safe = utf8_neutralise(s, len, keep_newlines);
	escape(fp, safe);
	free(safe);
}

void
report_text_put(FILE *fp, const char *s, int keep_newlines)
{
	if (s != NULL)
		report_text_putn(fp, s, strlen(s), keep_newlines);
}

void
report_text_put_short(FILE *fp, const char *s, size_t max)
{
	size_t i = 0, chars = 0;

	if (s == NULL)
		return;
	/* cut at a character boundary: skip UTF-8 continuation bytes */
	while (s[i] != '\0' && chars < max) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	report_text_putn(fp, s, i, 0);
	if (s[i] != '\0')
		fputs("\xe2\x80\xa6", fp);
}

void
report_text_printf(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	report_text_put(fp, s, 0);
	free(s);
}
