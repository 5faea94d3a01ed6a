/* widget-scale: a slider between two labelled poles (a "dyad"), 0-100,
 * moved with the arrow keys in steps of 5. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui.h"
#include "utf8.h"

#define SCALE_STEP 5

static void
scale_load(struct widget_state *w, const struct answers *a)
{
	const struct answer *an = answers_cget(a, w->q->id);

	w->value = 50;
	if (an != NULL && an->answered) {
		w->answered = 1;
		w->value = (int)(an->number + 0.5);
	}
}

static void
scale_draw(struct widget_state *w, const char *lang, int y, int x, int h, int wd)
{
	int bar = wd - 4, pos, half = (wd - 2) / 2, rw;
	const char *right;
	char buf[32];

	(void)h;
	ui_text(y, x, half, 2, form_text(&w->q->poles[0], lang), UA_TITLE);
	right = form_text(&w->q->poles[1], lang);
	rw = (int)utf8_count(right, strlen(right));
	if (rw > half)
		rw = half;
	ui_text(y, x + wd - rw, half, 2, right, UA_TITLE);
	attrset(ui_attr(UA_FRAME));
	mvaddch(y + 3, x, ACS_LTEE);
	mvhline(y + 3, x + 1, ACS_HLINE, bar + 1);
	mvaddch(y + 3, x + bar + 2, ACS_RTEE);
	attrset(A_NORMAL);
	if (w->answered) {
		pos = x + 1 + w->value * bar / 100;
		attrset(ui_attr(UA_MARKER));
		mvaddstr(y + 3, pos, "O");
		attrset(A_NORMAL);
		snprintf(buf, sizeof buf, "%d / 100", w->value);
		mvaddstr(y + 5, x + wd / 2 - 4, buf);
	} else
		ui_line(y + 5, x, wd, tr("Use Left and Right to place the marker."), UA_NORMAL);
}

static int
scale_key(struct widget_state *w, int fkey, wint_t ch)
{
	if (!fkey) {
		if (ch == 8 || ch == 127) {
			w->answered = 0;
			return 1;
		}
		if (ui_is_enter(fkey, ch) && !w->answered && w->q->required) {
			w->answered = 1;        /* accept the middle */
			return 1;
		}
		return -1;
	}
	switch (ch) {
	case KEY_LEFT:
		if (w->answered && w->value > 0)
			w->value -= SCALE_STEP;
		break;
	case KEY_RIGHT:
		if (w->answered && w->value < 100)
			w->value += SCALE_STEP;
		break;
	case KEY_HOME:
		w->value = 0;
		break;
	case KEY_END:
		w->value = 100;
		break;
	case KEY_BACKSPACE:
	case KEY_DC:
		w->answered = 0;
		return 1;
	case KEY_ENTER:
		if (!w->answered && w->q->required) {
			w->answered = 1;
			return 1;
		}
		return -1;
	default:
		return -1;
	}
	if (w->value < 0)
		w->value = 0;
	if (w->value > 100)
		w->value = 100;
	w->answered = 1;
	return 1;
}

static void
scale_store(struct widget_state *w, struct answers *a)
{
	if (w->answered)
		answers_set_number(a, w->q->id, w->value);
	else
		answers_clear(a, w->q->id);
}

const struct widget widget_scale = {
	.load = scale_load,
	.draw = scale_draw,
	.key = scale_key,
	.store = scale_store,
	.hint = "Left/Right: move · Backspace: no answer · Enter: next · Ctrl-X: stop",
};
