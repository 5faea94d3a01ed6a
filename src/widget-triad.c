/* widget-triad: a marker inside a triangle with three labelled corners. The
 * marker sits on a grid of TRIAD_STEPS rows: row r from the top corner, step
 * s along the row; its proportions are (top, bottom-left, bottom-right) =
 * ((N-r)/N, (r-s)/N, s/N), which always sum to 1. */
#include <math.h>
#include <stdio.h>

#include "i18n.h"
#include "ui.h"

void
widget_triad_props(int r, int s, double p[3])
{
	p[0] = (double)(TRIAD_STEPS - r) / TRIAD_STEPS;
	p[2] = (double)s / TRIAD_STEPS;
	p[1] = 1.0 - p[0] - p[2];
	if (p[1] < 0)
		p[1] = 0;
}

static void
triad_load(struct widget_state *w, const struct answers *a)
{
	const struct answer *an = answers_cget(a, w->q->id);

	w->tri_r = 6;
	w->tri_s = 3;
	if (an != NULL && an->answered) {
		w->answered = 1;
		w->tri_r = (int)lround((1.0 - an->triad[0]) * TRIAD_STEPS);
		w->tri_s = (int)lround(an->triad[2] * TRIAD_STEPS);
		if (w->tri_r < 0)
			w->tri_r = 0;
		if (w->tri_r > TRIAD_STEPS)
			w->tri_r = TRIAD_STEPS;
		if (w->tri_s > w->tri_r)
			w->tri_s = w->tri_r;
		if (w->tri_s < 0)
			w->tri_s = 0;
	}
}

static void
triad_draw(struct widget_state *w, const char *lang, int y, int x, int h, int wd)
{
	int cx = x + wd / 2, r, s, lw = wd / 3 - 1;
	double p[3];
	char buf[96];

	(void)h;
	ui_line(y, cx - lw / 2, lw, form_text(&w->q->corners[0], lang), UA_TITLE);
	for (r = 0; r <= TRIAD_STEPS; r++) {
		attrset(ui_attr(UA_FRAME));
		mvaddch(y + 1 + r, cx - 2 * r - 2, r == 0 ? ACS_ULCORNER : '/');
		mvaddch(y + 1 + r, cx + 2 * r + 2, r == 0 ? ACS_URCORNER : '\\');
		attrset(A_NORMAL);
		for (s = 0; s <= r; s++)
			mvaddch(y + 1 + r, cx - 2 * r + 4 * s, '.');
	}
	attrset(ui_attr(UA_FRAME));
	mvaddch(y + 2 + TRIAD_STEPS, cx - 2 * TRIAD_STEPS - 2, ACS_LLCORNER);
	mvhline(y + 2 + TRIAD_STEPS, cx - 2 * TRIAD_STEPS - 1, ACS_HLINE, 4 * TRIAD_STEPS + 3);
	mvaddch(y + 2 + TRIAD_STEPS, cx + 2 * TRIAD_STEPS + 2, ACS_LRCORNER);
	attrset(A_NORMAL);
	ui_line(y + 3 + TRIAD_STEPS, x, lw, form_text(&w->q->corners[1], lang), UA_TITLE);
	ui_line(y + 3 + TRIAD_STEPS, x + wd - lw, lw, form_text(&w->q->corners[2], lang),
	    UA_TITLE);
	if (w->answered) {
		attrset(ui_attr(UA_MARKER));
		mvaddch(y + 1 + w->tri_r, cx - 2 * w->tri_r + 4 * w->tri_s, 'X');
		attrset(A_NORMAL);
		widget_triad_props(w->tri_r, w->tri_s, p);
		snprintf(buf, sizeof buf, "%d%% / %d%% / %d%%", (int)lround(p[0] * 100),
		    (int)lround(p[1] * 100), (int)lround(p[2] * 100));
		mvaddstr(y + 4 + TRIAD_STEPS, cx - 8, buf);
	} else
		ui_line(y + 4 + TRIAD_STEPS, x, wd, tr("Use the arrow keys to place the marker."),
		    UA_NORMAL);
}

static int
triad_key(struct widget_state *w, int fkey, wint_t ch)
{
	if (!fkey) {
		if (ch == 8 || ch == 127) {
			w->answered = 0;
			return 1;
		}
		if (ui_is_enter(fkey, ch) && !w->answered && w->q->required) {
			w->answered = 1;        /* accept the centre */
			return 1;
		}
		return -1;
	}
	switch (ch) {
	case KEY_UP:
		if (w->answered && w->tri_r > 0) {
			w->tri_r--;
			if (w->tri_s > w->tri_r)
				w->tri_s = w->tri_r;
		}
		break;
	case KEY_DOWN:
		if (w->answered && w->tri_r < TRIAD_STEPS)
			w->tri_r++;
		break;
	case KEY_LEFT:
		if (w->answered && w->tri_s > 0)
			w->tri_s--;
		break;
	case KEY_RIGHT:
		if (w->answered && w->tri_s < w->tri_r)
			w->tri_s++;
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
	w->answered = 1;
	return 1;
}

static void
triad_store(struct widget_state *w, struct answers *a)
{
	double p[3];

	if (!w->answered) {
		answers_clear(a, w->q->id);
		return;
	}
	widget_triad_props(w->tri_r, w->tri_s, p);
	answers_set_triad(a, w->q->id, p);
}

const struct widget widget_triad = {
	.load = triad_load,
	.draw = triad_draw,
	.key = triad_key,
	.store = triad_store,
	.hint = "Arrows: move the X · Backspace: no answer · Enter: next · Ctrl-X: stop",
};
