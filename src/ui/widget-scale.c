/* widget-scale: a slider between two labelled poles (a "dyad"), 0-100,
 * moved with the arrow keys in steps of 5. What is shown is what is stored:
 * a required scale shows its marker in the middle from the start (and
 * records that it was accepted there untouched unless the participant moves
 * it); it cannot be emptied. An optional one starts with no answer, and its
 * first arrow places the marker one step from the middle; Backspace empties
 * it again. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui.h"
#include "utf8.h"

#define SCALE_STEP 5
#define SCALE_MIDDLE 50

static void
scale_load(struct widget_state *w, const struct answers *a)
{
	const struct answer *an = answers_cget(a, w->q->id);

	w->value = SCALE_MIDDLE;
	w->answered = w->untouched = 0;
	if (an != NULL && an->answered) {
		w->answered = 1;
		w->value = (int)(an->number + 0.5);
		w->untouched = an->untouched;
	} else if (w->q->required) {
		w->answered = 1; /* shown in the middle: stored so if left */
		w->untouched = 1;
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

/* Backspace on an optional scale: no answer (a required one refuses it and
 * keeps what it shows: widget_marker_backspace). */
static void
scale_empty(struct widget_state *w)
{
	w->answered = w->untouched = 0;
	w->value = SCALE_MIDDLE;
}

static int
scale_key(struct widget_state *w, int fkey, wint_t ch)
{
	int from = w->answered ? w->value : SCALE_MIDDLE, to;

	switch (widget_marker_backspace(w, fkey, ch)) {
	case 0:
		return 0;
	case 1:
		scale_empty(w);
		return 1;
	}
	if (!fkey)
		return -1;
	switch (ch) {
	case KEY_LEFT:
		to = from - SCALE_STEP;
		break;
	case KEY_RIGHT:
		to = from + SCALE_STEP;
		break;
	case KEY_HOME:
		to = 0;
		break;
	case KEY_END:
		to = 100;
		break;
	default:
		return -1;
	}
	if (to < 0)
		to = 0;
	if (to > 100)
		to = 100;
	if (w->answered && to == w->value)
		return 0; /* at the end already: nothing moved */
	w->value = to;
	w->answered = 1;
	w->untouched = 0;
	return 1;
}

static void
scale_store(struct widget_state *w, struct answers *a)
{
	if (w->answered) {
		answers_set_number(a, w->q->id, w->value);
		answers_set_untouched(a, w->q->id, w->untouched);
	} else
		answers_clear(a, w->q->id);
}

/* Backspace is offered only where it empties the answer. */
static const char *
scale_hint(const struct widget_state *w)
{
	if (w->q != NULL && !w->q->required)
		return tr("Left/Right: move · Backspace: no answer · Enter: next · Shift-Tab: back "
		          "· Ctrl-X: stop");
	return tr("Left/Right: move · Enter: next · Shift-Tab: back · Ctrl-X: stop");
}

const struct widget widget_scale = {
	.load = scale_load,
	.draw = scale_draw,
	.key = scale_key,
	.store = scale_store,
	.hint = "Left/Right: move · Enter: next · Shift-Tab: back · Ctrl-X: stop",
	.hint_for = scale_hint,
};
