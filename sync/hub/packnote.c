/* packnote: parse the note file, a section per language. */
#include "packnote.h"

#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "fsutil.h"
#include "pack.h"
#include "utf8.h"
#include "xmalloc.h"

#define NOTE_FILE_MAX ((size_t)PACK_MAX_LANGS * (PACK_MAX_TEXT + 64))

/* "[lang]" alone on the line (spaces after it allowed): the language. */
static int
header_of(const char *line, size_t n, char *lang, size_t langsz)
{
	size_t end;

	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (n < 3 || line[0] != '[' || line[n - 1] != ']')
		return 0;
	end = n - 1;
	if (end - 1 >= langsz)
		return 0;
	memcpy(lang, line + 1, end - 1);
	lang[end - 1] = '\0';
	return strchr(lang, '[') == NULL && strchr(lang, ']') == NULL && strchr(lang, ' ') == NULL;
}

static int
blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* Close the section being read: its lines, blank ones around dropped. */
static int
section_end(const char *path, int line, const char *lang, char *text, size_t len,
    struct ltext *note, struct err *e)
{
	size_t start = 0, off;

	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	while (start < len && text[start] == '\n')
		start++;
	if (start == len)
		return err_set(e, "%s:%d: the [%s] section is empty", path, line, lang);
	if (len - start > PACK_MAX_TEXT)
		return err_set(e, "%s:%d: the [%s] section is %zu bytes (at most %d)", path, line,
		    lang, len - start, PACK_MAX_TEXT);
	text[len] = '\0';
	if (utf8_check_text(text + start, len - start, 1, &off) == -1)
		return err_set(e,
		    "%s: the [%s] section is not valid UTF-8, or holds a tab or control "
		    "character (byte %zu of the section)",
		    path, lang, off + 1);
	feedback_ltext_add(note, lang, text + start);
	return 0;
}

int
packnote_load(const char *path, const struct form *f, struct ltext *note, struct err *e)
{
	unsigned char *buf = NULL;
	size_t len;
	int rv;

	memset(note, 0, sizeof *note);
	if (fsutil_read_file(path, NOTE_FILE_MAX, &buf, &len, e) == -1)
		return err_prefix(e, "--note");
	rv = packnote_parse(path, (const char *)buf, len, f, note, e);
	free(buf);
	return rv;
}

int
packnote_parse(const char *path, const char *buf, size_t len, const struct form *f,
    struct ltext *note, struct err *e)
{
	char lang[32] = "", *text = NULL;
	const char *p, *end;
	size_t tlen = 0;
	int line = 0, in_section = 0, section_line = 0, rv = -1;

	memset(note, 0, sizeof *note);
	if (len > NOTE_FILE_MAX)
		return err_set(
		    e, "%s: too large (%zu bytes, at most %zu)", path, len, NOTE_FILE_MAX);
	p = buf;
	end = p + len;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;          /* a byte order mark, as some editors write */
	text = xmalloc(len + 2); /* every line and a newline */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t raw = nl ? n + 1 : n;
		char hdr[32];

		line++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (header_of(p, n, hdr, sizeof hdr)) {
			if (in_section &&
			    section_end(path, section_line, lang, text, tlen, note, e) == -1)
				goto out;
			if (!form_has_language(f, hdr)) {
				err_set(e, "%s:%d: [%s] is not one of the form's languages", path,
				    line, hdr);
				goto out;
			}
			for (size_t i = 0; i < note->n; i++)
				if (strcmp(note->lang[i], hdr) == 0) {
					err_set(e, "%s:%d: a second [%s] section", path, line, hdr);
					goto out;
				}
			snprintf(lang, sizeof lang, "%s", hdr);
			in_section = 1;
			section_line = line;
			tlen = 0;
		} else if (in_section) {
			memcpy(text + tlen, p, n);
			tlen += n;
			text[tlen++] = '\n';
		} else if (!blank(p, n) && p[0] != '#') {
			err_set(e,
			    "%s:%d: text before the first language header (start each "
			    "language's section with a line such as [%s])",
			    path, line, f->nlanguages > 0 ? f->languages[0] : "en");
			goto out;
		}
		p += raw;
	}
	if (in_section && section_end(path, section_line, lang, text, tlen, note, e) == -1)
		goto out;
	if (note->n == 0) {
		err_set(e, "%s: no section: start each language's note with a line such as [%s]",
		    path, f->nlanguages > 0 ? f->languages[0] : "en");
		goto out;
	}
	rv = 0;
out:
	if (rv == -1)
		feedback_ltext_free(note);
	free(text);
	return rv;
}
