/* Unit tests for utf8 (strict decoding, unsafe code points, neutralising)
 * and storycode (alphabet, normalising what people type). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "storycode.h"
#include "utf8.h"

static void
test_valid_and_invalid(void **state)
{
	static const char *const good[] = { "", "plain", "Équipe — « écoutés »",
		"Mti mmoja haujengi msitu", "合作伙伴", "🌍🌱", "e\xcc\x81",
		"\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d" };
	static const char *const bad[] = { "\xc0\xaf", /* overlong '/' */
		"\xe0\x80\xaf",                        /* overlong */
		"\xed\xa0\x80",                        /* surrogate */
		"\xf4\x90\x80\x80",                    /* above U+10FFFF */
		"\xc3",                                /* truncated */
		"\xe2\x82",                            /* truncated */
		"\x80",                                /* lone continuation */
		"\xff", "ok\xfe" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(utf8_valid(good[i], strlen(good[i])));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(utf8_valid(bad[i], strlen(bad[i])));
}

static void
test_encode_decode_all(void **state)
{
	char buf[4];
	uint32_t cp, back;
	size_t n;

	(void)state;
	for (cp = 0; cp <= 0x10ffff; cp += (cp < 0x3000 ? 1 : 97)) {
		n = utf8_encode(cp, buf);
		if (cp >= 0xd800 && cp <= 0xdfff) {
			assert_int_equal(n, 0);
			continue;
		}
		assert_true(n >= 1 && n <= 4);
		assert_int_equal(utf8_decode(buf, n, &back), (int)n);
		assert_int_equal(back, cp);
	}
}

static void
test_unsafe(void **state)
{
	static const uint32_t unsafe[] = { 0x1b, 0x07, 0x00, 0x7f, 0x9b, 0x9d, 0x85, 0x202e, 0x202d,
		0x2066, 0x2069, 0x200b, 0x200f, 0xfeff, 0xe0041, '\n', '\t', '\r' };
	static const uint32_t safe[] = { 'a', ' ', 0xe9, 0x4e2d, 0x1f30d, 0x301, 0x200d };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++)
		assert_true(utf8_is_unsafe(unsafe[i]));
	for (i = 0; i < sizeof safe / sizeof safe[0]; i++)
		assert_false(utf8_is_unsafe(safe[i]));
}

static void
test_neutralise(void **state)
{
	static const char hostile[] = "a\x1b[2Jb\xc2\x9b"
	                              "31mc\x1b]52;c;aGk=\x07"
	                              "d\xe2\x80\xae"
	                              "e\xff"
	                              "f\ng";
	char *out;
	size_t i;

	(void)state;
	out = utf8_neutralise(hostile, strlen(hostile), 0);
	assert_true(utf8_valid(out, strlen(out)));
	for (i = 0; out[i] != '\0'; i++) {
		assert_true((unsigned char)out[i] >= 0x20);
		assert_true((unsigned char)out[i] != 0x7f);
	}
	assert_null(strstr(out, "\xc2\x9b"));
	assert_null(strstr(out, "\xe2\x80\xae"));
	assert_non_null(strstr(out, "f g"));
	free(out);
	out = utf8_neutralise(hostile, strlen(hostile), 1);
	assert_non_null(strstr(out, "f\ng"));
	free(out);
}

/* utf8_safe_prefix agrees with utf8_neutralise: the prefix it reports is
 * copied unchanged, and the byte after it is changed. */
static void
test_safe_prefix(void **state)
{
	static const char *const texts[] = { "", "plain ascii", "Équipe 🌍 مرحبا", "f\ng",
		"tab\there", "a\x1b[2J", "x\xc2\x9by", "ok \xe2\x80\xae", "bad \xff byte",
		"cut \xe2\x80", "e\xcc\x81 combining", "bom \xef\xbb\xbf", "del \x7f" };
	size_t i, p, len;
	int keep;
	char *out;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		for (keep = 0; keep <= 1; keep++) {
			len = strlen(texts[i]);
			p = utf8_safe_prefix(texts[i], len, keep);
			out = utf8_neutralise(texts[i], len, keep);
			assert_true(p <= len);
			assert_memory_equal(out, texts[i], p);
			if (p == len)
				assert_string_equal(out, texts[i]);
			else
				assert_true(strlen(out) != len ||
				    memcmp(out + p, texts[i] + p, len - p) != 0);
			free(out);
		}
	assert_int_equal(utf8_safe_prefix("f\ng", 3, 1), 3);
	assert_int_equal(utf8_safe_prefix("f\ng", 3, 0), 1);
	assert_int_equal(utf8_safe_prefix("ok \xe2\x80\xae!", 7, 1), 3);
}

static void
test_check_text(void **state)
{
	size_t off;

	(void)state;
	assert_int_equal(utf8_check_text("line one\nline two", 17, 1, &off), 0);
	assert_int_equal(utf8_check_text("line one\nline two", 17, 0, &off), -1);
	assert_int_equal(off, 8);
	assert_int_equal(utf8_check_text("tab\there", 8, 1, &off), -1);
	assert_int_equal(utf8_check_text("ok \xe2\x80\xae", 6, 1, &off), -1);
	assert_int_equal(off, 3);
	assert_int_equal(utf8_count("Équipe 🌍", strlen("Équipe 🌍")), 8);
}

static void
test_storycode(void **state)
{
	char code[STORYCODE_LEN], norm[STORYCODE_LEN];
	int i, j;

	(void)state;
	for (i = 0; i < 2000; i++) {
		storycode_new(code);
		assert_int_equal(strlen(code), 7);
		assert_int_equal(code[3], '-');
		for (j = 0; j < 7; j++) {
			if (j == 3)
				continue;
			assert_null(strchr("01OILU", code[j]));
			assert_non_null(strchr("23456789ABCDEFGHJKMNPQRSTVWXYZ", code[j]));
		}
		assert_int_equal(storycode_normalise(code, norm), 0);
		assert_string_equal(norm, code);
	}
	assert_int_equal(storycode_normalise(" k7p 2qx ", norm), 0);
	assert_string_equal(norm, "K7P-2QX");
	assert_int_equal(storycode_normalise("k7p2qx", norm), 0);
	assert_int_equal(storycode_normalise("K7P-2Q", norm), -1);
	assert_int_equal(storycode_normalise("K7P-2QXX", norm), -1);
	assert_int_equal(storycode_normalise("K0P-2QX", norm), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_valid_and_invalid),
		cmocka_unit_test(test_encode_decode_all), cmocka_unit_test(test_unsafe),
		cmocka_unit_test(test_neutralise), cmocka_unit_test(test_safe_prefix),
		cmocka_unit_test(test_check_text), cmocka_unit_test(test_storycode) };

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
