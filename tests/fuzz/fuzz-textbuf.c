/* libFuzzer target for the story editor's input path (src/core/textbuf.h): the
 * first byte picks one-line/multi-line and a size limit, the second a screen
 * width; the rest is typed or pasted as UTF-8 (textbuf_insert_utf8), then
 * replayed as editing keys. Whatever comes in, the buffer must hold only safe
 * code points, its UTF-8 must be valid, and the cursor must stay in range.
 * Corpus: tests/fuzz/corpus/textbuf/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textbuf.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct textbuf *tb)
{
	if (tb->cur > tb->len || (tb->max && tb->len > tb->max))
		abort();
	for (size_t i = 0; i < tb->len; i++)
		if (utf8_is_unsafe(tb->cp[i]) && !(tb->multiline && tb->cp[i] == '\n'))
			abort();
}

/* The UTF-8 out (sodium_malloc'd, so only at the ends: it is slow). */
static void
check_utf8(const struct textbuf *tb)
{
	char *s;
	size_t len;

	s = textbuf_utf8(tb, &len);
	if (!utf8_valid(s, len) || strlen(s) != len)
		abort();
	textbuf_utf8_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct textbuf_layout lo;
	struct textbuf *tb;
	size_t half;
	int width;

	if (size < 2)
		return 0;
	tb = textbuf_new(data[0] & 1, (data[0] & 2) ? (size_t)(data[0] >> 2) + 1 : 0);
	width = data[1] % 100 + 1;
	data += 2;
	size -= 2;
	half = size / 2;
	memset(&lo, 0, sizeof lo);
	textbuf_insert_utf8(tb, (const char *)data, half);
	check(tb);
	check_utf8(tb);
	/* the second half: editing keys, one per byte (at most 64, as each
	 * one lays the text out again) */
	for (size_t i = half; i < size && i < half + 64; i++) {
		textbuf_layout(tb, width, &lo);
		switch (data[i] % 12) {
		case 0:
			textbuf_left(tb);
			break;
		case 1:
			textbuf_right(tb);
			break;
		case 2:
			textbuf_up(tb, &lo);
			break;
		case 3:
			textbuf_down(tb, &lo);
			break;
		case 4:
			textbuf_home(tb, &lo);
			break;
		case 5:
			textbuf_end(tb, &lo);
			break;
		case 6:
			textbuf_backspace(tb);
			break;
		case 7:
			textbuf_delete(tb);
			break;
		case 8:
			textbuf_insert(tb, data[i] >> 4 == 0 ? '\n' : 0x301);
			break;
		case 9:
			textbuf_insert(tb, (uint32_t)data[i] << 12);
			break;
		case 10:
			textbuf_insert_utf8(
			    tb, (const char *)data + i, size - i > 4 ? 4 : size - i);
			break;
		case 11:
			(void)textbuf_col_of(tb, &lo, textbuf_row_of(&lo, tb->cur), tb->cur);
			break;
		}
		check(tb);
	}
	check_utf8(tb);
	textbuf_layout(tb, width, &lo);
	for (size_t r = 0; r < lo.n; r++)
		if (lo.v[r].start > lo.v[r].end || lo.v[r].end > tb->len)
			abort();
	textbuf_layout_free(&lo);
	textbuf_free(tb);
	return 0;
}
