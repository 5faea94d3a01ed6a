/* widget-editor: the story editor. Multi-line, word-wrapped by display
 * width, scrolling; its model is textbuf (core, unit-tested). widget-text
 * reuses it on a one-line buffer. A key past the form's maximum length is
 * refused with the reason (the screen shows it). */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui.h"

void
widget_editor_load(struct widget_state *w, const struct answers *a)
{
	const struct answer *an = answers_cget(a, w->q->id);
	size_t max = w->q->has_max && w->q->max > 0 ? (size_t)w->q->max : 0;

	w->tb = textbuf_new(w->q->type == Q_STORY, max);
	if (an != NULL && an->answered && an->text != NULL)
		textbuf_set_utf8(w->tb, an->text);
}

void
widget_editor_draw(struct widget_state *w, const char *lang, int y, int x, int h, int wd)
{
	size_t r, crow;
	int ccol, i;

	(void)lang;
	w->ed_w = wd;
	w->ed_h = h;
	textbuf_layout(w->tb, wd, &w->lo);
	crow = textbuf_row_of(&w->lo, w->tb->cur);
	if (crow < w->top)
		w->top = crow;
	if (crow >= w->top + (size_t)h)
		w->top = crow - (size_t)h + 1;
	for (i = 0; i < h; i++) {
		r = w->top + (size_t)i;
		if (r >= w->lo.n)
			break;
		ui_draw_cps(y + i, x, wd, w->tb->cp + w->lo.v[r].start,
		    w->lo.v[r].end - w->lo.v[r].start, UA_NORMAL);
	}
	ccol = textbuf_col_of(w->tb, &w->lo, crow, w->tb->cur);
	if (ccol >= wd)
		ccol = wd - 1;
	move(y + (int)(crow - w->top), x + ccol);
	curs_set(1);
}

/* Insert a typed character; at the maximum, say so instead. 1 if inserted. */
static int
insert(struct widget_state *w, uint32_t cp)
{
	int max = (int)w->tb->max;

	if (max != 0 && w->tb->len >= w->tb->max) {
		if (w->q->type == Q_STORY)
			snprintf(w->refusal, sizeof w->refusal,
			    trn("Your story has reached its limit of %d character: nothing more "
			        "can be added.",
			        "Your story has reached its limit of %d characters: nothing more "
			        "can be added.",
			        (unsigned long)max),
			    max);
		else
			snprintf(w->refusal, sizeof w->refusal,
			    trn("This answer can be at most %d character long.",
			        "This answer can be at most %d characters long.",
			        (unsigned long)max),
			    max);
		return 0;
	}
	return textbuf_insert(w->tb, cp) == 0;
}

static void
relayout(struct widget_state *w)
{
	textbuf_layout(w->tb, w->ed_w > 0 ? w->ed_w : 70, &w->lo);
}

int
widget_editor_key(struct widget_state *w, int fkey, wint_t ch)
{
	int i;

	if (!fkey) {
		switch (ch) {
		case 8:
		case 127:
			return textbuf_backspace(w->tb) == 0;
		case '\r':
		case '\n':
			if (!w->tb->multiline)
				return -1;
			return insert(w, '\n');
		case '\t':
			return -1;
		}
		if (ch < 0x20)
			return -1;
		return insert(w, (uint32_t)ch);
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
	case KEY_UP:
		relayout(w);
		textbuf_up(w->tb, &w->lo);
		return 0;
	case KEY_DOWN:
		relayout(w);
		textbuf_down(w->tb, &w->lo);
		return 0;
	case KEY_HOME:
		relayout(w);
		textbuf_home(w->tb, &w->lo);
		return 0;
	case KEY_END:
		relayout(w);
		textbuf_end(w->tb, &w->lo);
		return 0;
	case KEY_PPAGE:
	case KEY_NPAGE:
		relayout(w);
		for (i = 0; i < (w->ed_h > 1 ? w->ed_h - 1 : 1); i++) {
			if (ch == KEY_PPAGE)
				textbuf_up(w->tb, &w->lo);
			else
				textbuf_down(w->tb, &w->lo);
		}
		return 0;
	}
	return -1;
}

void
widget_editor_store(struct widget_state *w, struct answers *a)
{
	char *s;
	size_t len;

	if (w->tb == NULL)
		return;
	if (w->tb->len == 0) {
		answers_clear(a, w->q->id);
		return;
	}
	s = textbuf_utf8(w->tb, &len);
	answers_set_text(a, w->q->id, s);
	textbuf_utf8_free(s); /* wipes the copy */
}

const struct widget widget_editor = {
	.load = widget_editor_load,
	.draw = widget_editor_draw,
	.key = widget_editor_key,
	.store = widget_editor_store,
	.hint = "Type your story · Tab: next · Shift-Tab: back · Ctrl-X: stop",
};
