/* report-text: text into the report's HTML and SVG as inert characters.
 * Every string that reaches the page (a participant's text, a kiosk's
 * name, a form's label, an id) goes through here: first neutralised
 * exactly as the exports do (utf8_neutralise: invalid bytes, control,
 * bidirectional-override and invisible format characters become U+FFFD),
 * then HTML-escaped (& < > " '), so it is text in an element or in a quoted
 * attribute and never markup. */
#ifndef REPORT_TEXT_H
#define REPORT_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Write s (NULL: nothing) to fp, neutralised and escaped; newlines are kept
 * when keep_newlines, else they become spaces. */
void report_text_put(FILE *fp, const char *s, int keep_newlines);
/* The same for s[0..len). */
void report_text_putn(FILE *fp, const char *s, size_t len, int keep_newlines);
/* At most max characters of s, with "…" when cut (for chart labels). */
void report_text_put_short(FILE *fp, const char *s, size_t max);
/* printf, then the result as report_text_put writes it. */
void report_text_printf(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
