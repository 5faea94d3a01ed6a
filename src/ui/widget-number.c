/* widget-number: a number field that accepts only digits, one leading minus
 * and one decimal point (a comma counts as the point; none for a question
 * asking for a whole number). Any other key is refused with the reason,
 * which the screen shows; so is leaving the field with a minus sign or a
 * point and no digit, which would otherwise be stored as no answer. */
#include <stdlib.h>
#include <stdio.h>

#include "i18n.h"
#include "ui.h"

static void
number_load(struct widget_state *w, const struct answers *a)
{
	const struct answer *an = answers_cget(a, w->q->id);
	char buf[64];

	w->tb = textbuf_new(0, 24);
	if (an != NULL && an->answered) {
		/* every digit of a whole number, never "1e+06" */
		snprintf(buf, sizeof buf, "%.15g", an->number);
		textbuf_set_utf8(w->tb, buf);
	}
}

static int
has_cp(const struct textbuf *tb, uint32_t c)
{
	size_t i;

	for (i = 0; i < tb->len; i++)
		if (tb->cp[i] == c)
			return 1;
	return 0;
}

/* Refuse a typed character: say why (translated) for the screen. */
static int
refuse(struct widget_state *w, const char *why)
{
	snprintf(w->refusal, sizeof w->refusal, "%s", why);
	return 0;
}

static int
number_key(struct widget_state *w, int fkey, wint_t ch)
{
	if (!fkey) {
		if (ch == 8 || ch == 127)
			return textbuf_backspace(w->tb) == 0;
		if (ch < 0x20)
			return -1;
		if (ch == ',')
			ch = '.';
		if (ch == '.' && w->q->integer)
			return refuse(
			    w, tr("Please type a whole number, without a decimal point."));
		if (ch != '-' && ch != '.' && (ch < '0' || ch > '9'))
			return refuse(w,
			    w->q->integer ?
			        tr("Please type digits only.") :
			        tr("Please type digits only (and a point for a decimal)."));
		if (ch == '-' && (w->tb->cur != 0 || has_cp(w->tb, '-')))
			return refuse(w, tr("A minus sign can only go at the start."));
		if (ch == '.' && has_cp(w->tb, '.'))
			return refuse(w, tr("The number already has a decimal point."));
		if (w->tb->max != 0 && w->tb->len >= w->tb->max)
			return refuse(w, tr("That number is too long."));
		return textbuf_insert(w->tb, (uint32_t)ch) == 0;
	}
	switch (ch) {
	case KEY_BACKSPACE:
		return textbuf_backspace(w->tb) == 0;
	case KEY_DC:
		return textbuf_delete(w->tb) == 0;
	case KEY_LEFT:
		textbuf_left(w->tb);
		return 0;
	case KEY_RIGHT:
		textbuf_right(w->tb);
		return 0;
	}
	return -1;
}

static void
number_draw(struct widget_state *w, const char *lang, int y, int x, int h, int wd)
{
	char *s;

	(void)lang;
	(void)h;
	(void)wd;
	s = textbuf_utf8(w->tb, NULL);
	attrset(ui_attr(UA_FRAME));
	mvaddch(y, x, '[');
	mvaddch(y, x + 26, ']');
	attrset(A_NORMAL);
	mvaddstr(y, x + 1, s);
	textbuf_utf8_free(s);
	move(y, x + 1 + (int)w->tb->cur);
	curs_set(1);
}

/* What the field holds: 1 a number (in *v), 0 nothing, -1 something that
 * is not a number (a minus sign or a point without a digit). */
static int
number_parse(const struct widget_state *w, double *v)
{
	char *s, *end;
	int r;

	s = textbuf_utf8(w->tb, NULL);
	*v = strtod(s, &end);
	r = s[0] == '\0' ? 0 : *end != '\0' || end == s ? -1 : 1;
	textbuf_utf8_free(s);
	return r;
}

static void
number_store(struct widget_state *w, struct answers *a)
{
	double v;

	if (number_parse(w, &v) == 1)
		answers_set_number(a, w->q->id, v);
	else
		answers_clear(a, w->q->id);
}

/* "-" or "." alone would be stored as no answer: say so instead. */
static int
number_unfinished(struct widget_state *w)
{
	double v;

	if (number_parse(w, &v) != -1)
		return 0;
	refuse(
	    w, tr("A minus sign or a point alone is not a number: type the digits, or delete it."));
	return 1;
}

const struct widget widget_number = {
	.load = number_load,
	.draw = number_draw,
	.key = number_key,
	.store = number_store,
	.hint = "Type a number · Enter: next · Shift-Tab: back · Ctrl-X: stop",
	.unfinished = number_unfinished,
};
