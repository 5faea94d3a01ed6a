/* Unit tests for textbuf: the story editor's model (insert, delete, cursor
 * moves across lines, word wrap by display width with wide and combining
 * characters, unsafe input refused, large pastes, wiping). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "textbuf.h"

static char *
contents(const struct textbuf *tb)
{
	return textbuf_utf8(tb, NULL);
}

static void
assert_text(const struct textbuf *tb, const char *want)
{
	char *s = contents(tb);

	assert_string_equal(s, want);
	textbuf_utf8_free(s);
}

static void
test_insert_and_delete(void **state)
{
	struct textbuf *tb = textbuf_new(1, 0);

	(void)state;
	textbuf_insert_utf8(tb, "héllo", strlen("héllo"));
	assert_int_equal(tb->len, 5);
	assert_int_equal(tb->cur, 5);
	assert_text(tb, "héllo");
	textbuf_left(tb);
	textbuf_left(tb);
	assert_int_equal(textbuf_backspace(tb), 0);
	assert_text(tb, "hélo");
	assert_int_equal(textbuf_delete(tb), 0);
	assert_text(tb, "héo");
	textbuf_set_utf8(tb, "");
	assert_int_equal(textbuf_backspace(tb), -1);
	assert_int_equal(textbuf_delete(tb), -1);
	textbuf_free(tb);
}

static void
test_newlines_join_on_backspace(void **state)
{
	struct textbuf *tb = textbuf_new(1, 0);
	struct textbuf_layout lo = { 0 };

	(void)state;
	textbuf_set_utf8(tb, "ab\ncd");
	textbuf_layout(tb, 40, &lo);
	assert_int_equal(lo.n, 2);
	tb->cur = 3; /* start of "cd" */
	assert_int_equal(textbuf_backspace(tb), 0);
	assert_text(tb, "abcd");
	assert_int_equal(tb->cur, 2);
	textbuf_layout_free(&lo);
	textbuf_free(tb);
}

static void
test_single_line_refuses_newline(void **state)
{
	struct textbuf *tb = textbuf_new(0, 0);

	(void)state;
	assert_int_equal(textbuf_insert(tb, '\n'), -1);
	assert_int_equal(textbuf_insert(tb, '\t'), 0); /* tab becomes a space */
	assert_text(tb, " ");
	textbuf_free(tb);
}

static void
test_unsafe_and_invalid_refused(void **state)
{
	struct textbuf *tb = textbuf_new(1, 0);
	const char evil[] = "a\x1b[2Jb\xff\xc3(c\xe2\x80\xae"
	                    "d\x07";

	(void)state;
	assert_int_equal(textbuf_insert(tb, 0x1b), -1);
	assert_int_equal(textbuf_insert(tb, 0x202e), -1); /* bidi override */
	assert_int_equal(textbuf_insert(tb, 0xd800), -1); /* surrogate */
	assert_int_equal(textbuf_insert(tb, 0x110000), -1);
	textbuf_insert_utf8(tb, evil, sizeof evil - 1);
	assert_text(tb, "a[2Jb(cd");
	textbuf_free(tb);
}

static void
test_max_length(void **state)
{
	struct textbuf *tb = textbuf_new(1, 5);

	(void)state;
	assert_int_equal(textbuf_insert_utf8(tb, "abcdefgh", 8), 5);
	assert_text(tb, "abcde");
	textbuf_free(tb);
}

static void
test_wrap_at_spaces(void **state)
{
	struct textbuf *tb = textbuf_new(1, 0);
	struct textbuf_layout lo = { 0 };

	(void)state;
	textbuf_set_utf8(tb, "the quick brown fox");
	textbuf_layout(tb, 10, &lo);
	assert_int_equal(lo.n, 2);
	/* "the quick " | "brown fox" */
	assert_int_equal(lo.v[0].start, 0);
	assert_int_equal(lo.v[0].end, 10);
	assert_int_equal(lo.v[1].start, 10);
	assert_int_equal(lo.v[1].end, 19);
	/* A word longer than the width is broken hard. */
	textbuf_set_utf8(tb, "abcdefghijklmnop");
	textbuf_layout(tb, 10, &lo);
	assert_int_equal(lo.n, 2);
	assert_int_equal(lo.v[0].end, 10);
	textbuf_layout_free(&lo);
	textbuf_free(tb);
}

static void
test_wide_and_combining(void **state)
{
	struct textbuf *tb = textbuf_new(1, 0);
	struct textbuf_layout lo = { 0 };

	(void)state;
	assert_int_equal(textbuf_cpwidth(0x65e5), 2);  /* 日 */
	assert_int_equal(textbuf_cpwidth(0x1f389), 2); /* 🎉 */
	assert_int_equal(textbuf_cpwidth(0x301), 0);   /* combining acute */
	/* Five wide characters = 10 cells: width 9 fits four. */
	textbuf_set_utf8(tb, "日本語日本");
	textbuf_layout(tb, 9, &lo);
	assert_int_equal(lo.n, 2);
	assert_int_equal(lo.v[0].end, 4);
	assert_int_equal(textbuf_col_of(tb, &lo, 0, 2), 4);
	/* e + combining acute is one character for cursor moves and deletes. */
	textbuf_set_utf8(tb, "xe\xcc\x81y");
	assert_int_equal(tb->len, 4);
	tb->cur = 4;
	textbuf_left(tb);
	assert_int_equal(tb->cur, 3);
	textbuf_left(tb);
	assert_int_equal(tb->cur, 1);
	textbuf_right(tb);
	assert_int_equal(tb->cur, 3);
	assert_int_equal(textbuf_backspace(tb), 0);
	assert_text(tb, "xy");
	textbuf_layout_free(&lo);
	textbuf_free(tb);
}

static void
test_cursor_moves_across_rows(void **state)
{
	struct textbuf *tb = textbuf_new(1, 0);
	struct textbuf_layout lo = { 0 };

	(void)state;
	textbuf_set_utf8(tb, "abcdef\nxy\nlonger line");
	textbuf_layout(tb, 40, &lo);
	assert_int_equal(lo.n, 3);
	tb->cur = 4; /* "abcd|ef" */
	textbuf_down(tb, &lo);
	assert_int_equal(tb->cur, 9); /* end of "xy" (column clamps) */
	textbuf_down(tb, &lo);
	assert_int_equal(tb->cur, 12); /* column 2 of "longer line" */
	textbuf_end(tb, &lo);
	assert_int_equal(tb->cur, tb->len);
	textbuf_home(tb, &lo);
	assert_int_equal(tb->cur, 10);
	textbuf_up(tb, &lo);
	assert_int_equal(tb->cur, 7);
	textbuf_up(tb, &lo);
	textbuf_up(tb, &lo);
	assert_int_equal(tb->cur, 0);
	assert_int_equal(textbuf_row_of(&lo, 8), 1);
	textbuf_layout_free(&lo);
	textbuf_free(tb);
}

static void
test_large_paste(void **state)
{
	struct textbuf *tb = textbuf_new(1, 0);
	struct textbuf_layout lo = { 0 };
	static char big[200001];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof big - 1; i++)
		big[i] = (i % 7 == 6) ? ' ' : (char)('a' + i % 26);
	textbuf_insert_utf8(tb, big, sizeof big - 1);
	assert_int_equal(tb->len, sizeof big - 1);
	textbuf_layout(tb, 78, &lo);
	assert_true(lo.n > 2000);
	for (i = 1; i < lo.n; i++)
		assert_int_equal(lo.v[i].start, lo.v[i - 1].end);
	textbuf_layout_free(&lo);
	textbuf_clear(tb);
	assert_int_equal(tb->len, 0);
	for (i = 0; i < tb->cap; i++)
		assert_int_equal(tb->cp[i], 0); /* wiped */
	textbuf_free(tb);
	textbuf_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_and_delete),
		cmocka_unit_test(test_newlines_join_on_backspace),
		cmocka_unit_test(test_single_line_refuses_newline),
		cmocka_unit_test(test_unsafe_and_invalid_refused),
		cmocka_unit_test(test_max_length),
		cmocka_unit_test(test_wrap_at_spaces),
		cmocka_unit_test(test_wide_and_combining),
		cmocka_unit_test(test_cursor_moves_across_rows),
		cmocka_unit_test(test_large_paste),
	};

	setlocale(LC_ALL, "C.UTF-8"); /* wcwidth needs a UTF-8 locale */
	return cmocka_run_group_tests_name("textbuf", tests, NULL, NULL);
}
