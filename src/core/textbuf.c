/* textbuf: a wiped-on-release code point buffer with word-wrap layout; the
 * editor widget draws it, unit tests drive it without a terminal. */
#include "textbuf.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "utf8.h"
#include "xmalloc.h"

struct textbuf *
textbuf_new(int multiline, size_t max)
{
	struct textbuf *tb = xcalloc(1, sizeof *tb);

	tb->multiline = multiline;
	tb->max = max;
	return tb;
}

static void
wipe_array(uint32_t *v, size_t cap)
{
	if (v != NULL) {
		sodium_memzero(v, cap * sizeof *v);
		free(v);
	}
}

void
textbuf_free(struct textbuf *tb)
{
	if (tb == NULL)
		return;
	wipe_array(tb->cp, tb->cap);
	free(tb);
}

void
textbuf_clear(struct textbuf *tb)
{
	if (tb->cp != NULL)
		sodium_memzero(tb->cp, tb->cap * sizeof *tb->cp);
	tb->len = tb->cur = 0;
}

/* Grow by copying, so no stale plaintext is left behind by realloc. */
static void
reserve(struct textbuf *tb, size_t need)
{
	uint32_t *nv;
	size_t ncap;

	if (need <= tb->cap)
		return;
	ncap = tb->cap ? tb->cap : 256;
	while (ncap < need)
		ncap *= 2;
	nv = xcalloc(ncap, sizeof *nv);
	if (tb->len > 0)
		memcpy(nv, tb->cp, tb->len * sizeof *nv);
	wipe_array(tb->cp, tb->cap);
	tb->cp = nv;
	tb->cap = ncap;
}

int
textbuf_cpwidth(uint32_t cp)
{
	int w;

	if (cp == '\n')
		return 0;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

static int
is_mark(uint32_t cp)
{
	return cp != '\n' && textbuf_cpwidth(cp) == 0;
}

int
textbuf_insert(struct textbuf *tb, uint32_t cp)
{
	if (cp == '\t')
		cp = ' ';
	if (cp == '\r')
		cp = '\n';
	if (cp == '\n') {
		if (!tb->multiline)
			return -1;
	} else if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || utf8_is_unsafe(cp))
		return -1;
	if (tb->max != 0 && tb->len >= tb->max)
		return -1;
	reserve(tb, tb->len + 1);
	memmove(tb->cp + tb->cur + 1, tb->cp + tb->cur, (tb->len - tb->cur) * sizeof *tb->cp);
	tb->cp[tb->cur++] = cp;
	tb->len++;
	return 0;
}

size_t
textbuf_insert_utf8(struct textbuf *tb, const char *s, size_t len)
{
	size_t i = 0, n = 0;
	uint32_t cp;
	int r;

	while (i < len) {
		r = utf8_decode(s + i, len - i, &cp);
		if (r < 0) {
			i++;
			continue;
		}
		i += (size_t)r;
		if (textbuf_insert(tb, cp) == 0)
			n++;
	}
	return n;
}

void
textbuf_set_utf8(struct textbuf *tb, const char *s)
{
	textbuf_clear(tb);
	if (s != NULL)
		textbuf_insert_utf8(tb, s, strlen(s));
}

char *
textbuf_utf8(const struct textbuf *tb, size_t *lenp)
{
	char *s = xcalloc(tb->len + 1, 4), *p = s;
	size_t i;

	for (i = 0; i < tb->len; i++)
		p += utf8_encode(tb->cp[i], p);
	*p = '\0';
	if (lenp != NULL)
		*lenp = (size_t)(p - s);
	return s;
}

void
textbuf_utf8_free(char *s)
{
	if (s != NULL) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

static void
remove_range(struct textbuf *tb, size_t a, size_t b)
{
	memmove(tb->cp + a, tb->cp + b, (tb->len - b) * sizeof *tb->cp);
	sodium_memzero(tb->cp + tb->len - (b - a), (b - a) * sizeof *tb->cp);
	tb->len -= b - a;
	if (tb->cur > b)
		tb->cur -= b - a;
	else if (tb->cur > a)
		tb->cur = a;
}

static size_t
char_start(const struct textbuf *tb, size_t pos)
{
	/* Step back over combining marks to their base character. */
	while (pos > 0 && is_mark(tb->cp[pos]))
		pos--;
	return pos;
}

static size_t
char_end(const struct textbuf *tb, size_t pos)
{
	if (pos < tb->len)
		pos++;
	while (pos < tb->len && is_mark(tb->cp[pos]))
		pos++;
	return pos;
}

int
textbuf_backspace(struct textbuf *tb)
{
	size_t a;

	if (tb->cur == 0)
		return -1;
	a = char_start(tb, tb->cur - 1);
	remove_range(tb, a, tb->cur);
	return 0;
}

int
textbuf_delete(struct textbuf *tb)
{
	if (tb->cur >= tb->len)
		return -1;
	remove_range(tb, tb->cur, char_end(tb, tb->cur));
	return 0;
}

void
textbuf_left(struct textbuf *tb)
{
	if (tb->cur > 0)
		tb->cur = char_start(tb, tb->cur - 1);
}

void
textbuf_right(struct textbuf *tb)
{
	tb->cur = char_end(tb, tb->cur);
}

static void
push_row(struct textbuf_layout *lo, size_t start, size_t end)
{
	if (lo->n == lo->cap) {
		lo->cap = lo->cap ? lo->cap * 2 : 64;
		lo->v = xreallocarray(lo->v, lo->cap, sizeof *lo->v);
	}
	lo->v[lo->n].start = start;
	lo->v[lo->n].end = end;
	lo->n++;
}

/* Wrap one paragraph (no newlines inside) into rows. */
static void
wrap_paragraph(const struct textbuf *tb, size_t ps, size_t pe, int width, struct textbuf_layout *lo)
{
	size_t i, j, row = ps, brk, space = (size_t)-1;
	int col = 0, w;

	for (i = ps; i < pe; i++) {
		w = textbuf_cpwidth(tb->cp[i]);
		if (col + w > width && i > row) {
			if (tb->cp[i] == ' ') {
				/* A space that overflows hangs at the row's end. */
				push_row(lo, row, i + 1);
				row = i + 1;
				col = 0;
				space = (size_t)-1;
				continue;
			}
			brk = (space != (size_t)-1 && space >= row) ? space + 1 : i;
			while (brk > row + 1 && brk < pe && is_mark(tb->cp[brk]))
				brk--;
			push_row(lo, row, brk);
			row = brk;
			space = (size_t)-1;
			col = 0;
			for (j = row; j < i; j++)
				col += textbuf_cpwidth(tb->cp[j]);
		}
		if (tb->cp[i] == ' ')
			space = i;
		col += w;
	}
	push_row(lo, row, pe);
}

void
textbuf_layout(const struct textbuf *tb, int width, struct textbuf_layout *lo)
{
	size_t ps = 0, i;

	if (width < 2)
		width = 2;
	lo->n = 0;
	lo->width = width;
	for (i = 0; i <= tb->len; i++) {
		if (i == tb->len || tb->cp[i] == '\n') {
			wrap_paragraph(tb, ps, i, width, lo);
			ps = i + 1;
		}
	}
}

void
textbuf_layout_free(struct textbuf_layout *lo)
{
	free(lo->v);
	lo->v = NULL;
	lo->n = lo->cap = 0;
}

size_t
textbuf_row_of(const struct textbuf_layout *lo, size_t pos)
{
	size_t lo_i = 0, hi = lo->n;

	/* The last row whose start is at or before pos. */
	while (hi - lo_i > 1) {
		size_t mid = lo_i + (hi - lo_i) / 2;
		if (lo->v[mid].start <= pos)
			lo_i = mid;
		else
			hi = mid;
	}
	return lo_i;
}

int
textbuf_col_of(const struct textbuf *tb, const struct textbuf_layout *lo, size_t r, size_t pos)
{
	size_t i;
	int col = 0;

	for (i = lo->v[r].start; i < pos && i < lo->v[r].end; i++)
		col += textbuf_cpwidth(tb->cp[i]);
	return col;
}

/* The position in row r nearest to column col without passing it. */
static size_t
pos_at(const struct textbuf *tb, const struct textbuf_layout *lo, size_t r, int col)
{
	size_t i = lo->v[r].start, end = lo->v[r].end;
	int c = 0, w;

	/* A soft-wrapped row's end is the next row's start: stop before it. */
	if (r + 1 < lo->n && lo->v[r + 1].start == end && end > i)
		end = char_start(tb, end - 1);
	while (i < end) {
		w = textbuf_cpwidth(tb->cp[i]);
		if (c + w > col)
			break;
		c += w;
		i = char_end(tb, i);
	}
	return i > lo->v[r].end ? lo->v[r].end : i;
}

void
textbuf_up(struct textbuf *tb, const struct textbuf_layout *lo)
{
	size_t r = textbuf_row_of(lo, tb->cur);

	if (r == 0) {
		tb->cur = 0;
		return;
	}
	tb->cur = pos_at(tb, lo, r - 1, textbuf_col_of(tb, lo, r, tb->cur));
}

void
textbuf_down(struct textbuf *tb, const struct textbuf_layout *lo)
{
	size_t r = textbuf_row_of(lo, tb->cur);

	if (r + 1 >= lo->n) {
		tb->cur = tb->len;
		return;
	}
	tb->cur = pos_at(tb, lo, r + 1, textbuf_col_of(tb, lo, r, tb->cur));
}

void
textbuf_home(struct textbuf *tb, const struct textbuf_layout *lo)
{
	tb->cur = lo->v[textbuf_row_of(lo, tb->cur)].start;
}

void
textbuf_end(struct textbuf *tb, const struct textbuf_layout *lo)
{
	size_t r = textbuf_row_of(lo, tb->cur);

	tb->cur = pos_at(tb, lo, r, 1 << 30);
}
