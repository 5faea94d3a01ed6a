/* textbuf: the story editor's model, without curses. A buffer of Unicode
 * code points with a cursor, word-wrapped into rows by display width
 * (wcwidth: wide CJK and emoji take two cells, combining marks none). The
 * memory is wiped (sodium_memzero) whenever it is released. */
#ifndef TEXTBUF_H
#define TEXTBUF_H

#include <stddef.h>
#include <stdint.h>

struct textbuf {
	uint32_t *cp; /* code points; never holds unsafe ones */
	size_t len, cap;
	size_t cur;    /* cursor: an index in 0..len */
	size_t max;    /* most code points accepted; 0: no limit */
	int multiline; /* newlines allowed */
};

/* One display row: code points [start, end); a newline ending the row is not
 * included. */
struct textbuf_row {
	size_t start, end;
};

struct textbuf_layout {
	struct textbuf_row *v;
	size_t n, cap;
	int width;
};

/* A new empty buffer. Free with textbuf_free. */
struct textbuf *textbuf_new(int multiline, size_t max);
/* Wipe and free. NULL is a no-op. */
void textbuf_free(struct textbuf *tb);
/* Wipe the contents; the buffer stays usable. */
void textbuf_clear(struct textbuf *tb);

/* Insert one code point at the cursor. Returns 0, or -1 when refused (unsafe
 * or invalid code point, newline in a one-line buffer, buffer full). Tab
 * becomes a space and CR a newline. */
int textbuf_insert(struct textbuf *tb, uint32_t cp);
/* Insert UTF-8 text at the cursor, skipping invalid bytes and refused code
 * points. Returns how many code points went in. */
size_t textbuf_insert_utf8(struct textbuf *tb, const char *s, size_t len);
/* Replace the contents with UTF-8 text; the cursor goes to the end. */
void textbuf_set_utf8(struct textbuf *tb, const char *s);
/* The contents as a new NUL-terminated UTF-8 string (*len its length, may be
 * NULL). Free with textbuf_utf8_free, which wipes it. */
char *textbuf_utf8(const struct textbuf *tb, size_t *len);
void textbuf_utf8_free(char *s);

/* Delete before / after the cursor (a base character takes its combining
 * marks with it). 0 if something was deleted, -1 if there was nothing. */
int textbuf_backspace(struct textbuf *tb);
int textbuf_delete(struct textbuf *tb);
/* Move the cursor one character (base + combining marks). */
void textbuf_left(struct textbuf *tb);
void textbuf_right(struct textbuf *tb);

/* Display width of one code point (0 for combining marks, 2 for wide). */
int textbuf_cpwidth(uint32_t cp);

/* Lay the text out in rows of at most width cells, breaking after spaces
 * where possible. lo must be zeroed before first use; free with
 * textbuf_layout_free. Always yields at least one row. */
void textbuf_layout(const struct textbuf *tb, int width, struct textbuf_layout *lo);
void textbuf_layout_free(struct textbuf_layout *lo);
/* The row holding position pos. */
size_t textbuf_row_of(const struct textbuf_layout *lo, size_t pos);
/* The display column of position pos within row r. */
int textbuf_col_of(const struct textbuf *tb, const struct textbuf_layout *lo, size_t r, size_t pos);
/* Cursor moves that need a layout: up/down keep the column; home/end go to
 * the ends of the cursor's row. */
void textbuf_up(struct textbuf *tb, const struct textbuf_layout *lo);
void textbuf_down(struct textbuf *tb, const struct textbuf_layout *lo);
void textbuf_home(struct textbuf *tb, const struct textbuf_layout *lo);
void textbuf_end(struct textbuf *tb, const struct textbuf_layout *lo);

#endif
