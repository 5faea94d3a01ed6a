/* Unit tests for report-text: every text reaches the report's page exactly
 * as the exports neutralise it (utf8_neutralise), then HTML-escaped. The
 * writer neutralises only the runs that are not printable ASCII; these
 * tests hold it to the plain way (neutralise the whole, then escape) on
 * hostile texts and on 20000 random byte strings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-text.h"
#include "utf8.h"

/* The plain way, written out here: neutralise, then escape every one of
 * & < > " ' in turn. */
static char *
reference(const char *s, size_t len, int keep)
{
	char *safe = utf8_neutralise(s, len, keep), *out = calloc(strlen(safe) * 6 + 1, 1),
	     *o = out;

	for (const char *p = safe; *p; p++) {
		const char *ent = *p == '&' ? "&amp;" :
		    *p == '<'               ? "&lt;" :
		    *p == '>'               ? "&gt;" :
		    *p == '"'               ? "&quot;" :
		    *p == '\''              ? "&#39;" :
		                              NULL;

		if (ent != NULL)
			o += sprintf(o, "%s", ent);
		else
			*o++ = *p;
	}
	free(safe);
	return out;
}

static char *
written(const char *s, size_t len, int keep)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);

	assert_non_null(fp);
	report_text_putn(fp, s, len, keep);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void
same(const char *s, size_t len)
{
	for (int keep = 0; keep < 2; keep++) {
		char *want = reference(s, len, keep), *got = written(s, len, keep);

		if (strcmp(want, got) != 0)
			fail_msg("input of %zu bytes, keep_newlines %d: got \"%s\", want \"%s\"",
			    len, keep, got, want);
		free(want);
		free(got);
	}
}

static void
test_hostile(void **state)
{
	static const char *const texts[] = {
		"",
		"plain words, and more",
		"<script>alert(\"x\")</script>",
		"</svg></blockquote><b>bold</b> & AT&T &amp; 'quoted'",
		"HOSTILE-B \x1b[2J\x1b]52;c;SGVsbG8=\x07 \xe2\x80\xae"
		"evil\xe2\x80\xac and \xc2\x9b"
		"31m",
		"line one\nline two\tand a tab\r\n",
		"caf\xc3\xa9 na\xc3\xafve, \xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7, "
		"\xf0\x9f\x8c\x8d",
		"bad \xc3 byte, \xe2\x82 cut, \xff\xfe, \xed\xa0\x80 surrogate, \xc0\xaf overlong",
		"zero\xe2\x80\x8bwidth \xef\xbb\xbf bom \xf3\xa0\x81\x81 tag \x7f del",
	};

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		same(texts[i], strlen(texts[i]));
	same("nul\0inside", 10);
}

/* Random strings over pieces that meet at every kind of boundary. */
static void
test_random(void **state)
{
	static const char *const pieces[] = { "a", "Z", " ", "<", "&", "\"", "'", ">", "\n", "\t",
		"\r", "\x1b", "\x7f", "\x01", "\xc3", "\xa9", "\xc3\xa9", "\xe2\x80\xae",
		"\xe2\x80", "\xf0\x9f\x8c\x8d", "\xf0\x9f", "\xff", "\x80", "\xc2\x9b",
		"\xef\xbb\xbf", "\xed\xa0\x80" };
	uint32_t seed = 12345;
	char buf[256];

	(void)state;
	for (int n = 0; n < 20000; n++) {
		size_t len = 0;
		int parts;

		seed = seed * 1103515245u + 12345u;
		parts = (int)((seed >> 16) % 24);
		for (int k = 0; k < parts; k++) {
			const char *p;

			seed = seed * 1103515245u + 12345u;
			p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
			memcpy(buf + len, p, strlen(p));
			len += strlen(p);
		}
		same(buf, len);
	}
}

static void
test_short(void **state)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);

	(void)state;
	/* cut at a character, never inside one, and escaped */
	report_text_put_short(fp, "\xc3\xa9\xc3\xa9<\xc3\xa9\xc3\xa9", 3);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, "\xc3\xa9\xc3\xa9&lt;\xe2\x80\xa6");
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
