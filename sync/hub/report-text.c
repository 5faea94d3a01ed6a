/* report-text: neutralise, then escape. */
#include "report-text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

/* Write s[0..len) with & < > " ' as entities, the rest in runs. */
static void
escape(FILE *fp, const char *s, size_t len)
{
	size_t i = 0, run = 0;

	for (; i < len; i++) {
		const char *ent;

		switch (s[i]) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		default:
			continue;
		}
		fwrite(s + run, 1, i - run, fp);
		fputs(ent, fp);
		run = i + 1;
	}
	fwrite(s + run, 1, i - run, fp);
}

/* Printable ASCII, which utf8_neutralise leaves as it is. */
static int
plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Runs of printable ASCII are escaped as they are; every other run goes
 * through utf8_neutralise. The result is exactly that of neutralising the
 * whole: a UTF-8 sequence, valid or not, never takes an ASCII byte with
 * it (utf8_decode reads an invalid sequence one byte at a time, and
 * continuation bytes are 0x80 and above), so cutting at ASCII bytes cuts
 * no character in two; and it spares a copy of every story. */
void
report_text_putn(FILE *fp, const char *s, size_t len, int keep_newlines)
{
	size_t i = 0;

	if (s == NULL)
		return;
	while (i < len) {
		size_t j = i;

		if (plain((unsigned char)s[i])) {
			while (j < len && plain((unsigned char)s[j]))
				j++;
			escape(fp, s + i, j - i);
		} else {
			char *safe;

			while (j < len && !plain((unsigned char)s[j]))
				j++;
			safe = utf8_neutralise(s + i, j - i, keep_newlines);
			escape(fp, safe, strlen(safe));
			free(safe);
		}
		i = j;
	}
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
