/* utf8: strict UTF-8 handling (RFC 3629) and the list of code points that
 * could steer a terminal or hide text. */
#include "utf8.h"

#include <string.h>

#include "xmalloc.h"

int
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	int n, i;

	if (len == 0)
		return -1;
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return -1;
	if ((size_t)n > len)
		return -1;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return n;
}

size_t
utf8_encode(uint32_t cp, char *buf)
{
	unsigned char *b = (unsigned char *)buf;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp <= 0x10ffff) {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

int
utf8_valid(const char *s, size_t len)
{
	uint32_t cp;
	size_t i = 0;
	int n;

	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) == -1)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

int
utf8_is_unsafe(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f)
		return 1; /* C0 controls, DEL */
	if (cp >= 0x80 && cp < 0xa0)
		return 1; /* C1 controls (0x9b is CSI) */
	if (cp == 0x200b || cp == 0x200e || cp == 0x200f)
		return 1; /* zero-width space, LRM, RLM */
	if (cp >= 0x2028 && cp <= 0x202e)
		return 1; /* separators, bidi embeddings/overrides */
	if (cp >= 0x2060 && cp <= 0x206f)
		return 1; /* word joiner, bidi isolates, invisible operators */
	if (cp == 0xfeff)
		return 1; /* zero-width no-break space / BOM */
	if (cp >= 0xfff9 && cp <= 0xfffb)
		return 1; /* interlinear annotation controls */
	if (cp >= 0xe0000 && cp <= 0xe007f)
		return 1; /* tag characters */
	return 0;
}

size_t
utf8_count(const char *s, size_t len)
{
	uint32_t cp;
	size_t i = 0, count = 0;
	int n;

	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		i += n == -1 ? 1 : (size_t)n;
		count++;
	}
	return count;
}

char *
utf8_neutralise(const char *s, size_t len, int keep_newlines)
{
	/* Worst case: every byte becomes U+FFFD (3 bytes). */
	char *out = xcalloc(len + 1, 3), *o = out;
	uint32_t cp;
	size_t i = 0;
	int n;

	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (n == -1) {
			o += utf8_encode(0xfffd, o);
			i++;
			continue;
		}
		i += (size_t)n;
		if (cp == '\n' || cp == '\t')
			*o++ = keep_newlines ? (char)cp : ' ';
		else if (utf8_is_unsafe(cp))
			o += utf8_encode(0xfffd, o);
		else
			o += utf8_encode(cp, o);
	}
	*o = '\0';
	return out;
}

size_t
utf8_safe_prefix(const char *s, size_t len, int keep_newlines)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t i = 0;
	int n;

	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x7f) { /* printable ASCII: most text */
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == -1)
			return i;
		if (cp == '\n' || cp == '\t') {
			if (!keep_newlines)
				return i;
		} else if (utf8_is_unsafe(cp))
			return i;
		i += (size_t)n;
	}
	return len;
}

int
utf8_check_text(const char *s, size_t len, int multiline, size_t *offset)
{
	uint32_t cp;
	size_t i = 0;
	int n;

	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (n == -1 || (utf8_is_unsafe(cp) && !(multiline && cp == '\n'))) {
			*offset = i;
			return -1;
		}
		i += (size_t)n;
	}
	return 0;
}
