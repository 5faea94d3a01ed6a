/* widget-triad: a marker inside a triangle with three labelled corners. The
 * marker sits on a grid of TRIAD_STEPS rows: row r from the top corner, step
 * s along the row; its proportions are (top, bottom-left, bottom-right) =
 * ((N-r)/N, (r-s)/N, s/N), which always sum to 1. One place is off the grid:
 * the exact centre, a third each, where a required triad starts (shown, and
 * stored, so; recorded as untouched until the marker moves) and from which
 * an optional triad's first arrow places the marker. It is drawn at the grid
 * point nearest to it on screen, and the first arrow moves onto the grid.
 * What is shown is what is stored: a required triad cannot be emptied, an
 * optional one is emptied by Backspace. */
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

/* The exact centre, drawn at the grid point (2N/3, N/3) rounded down: for
 * N = 10 the point straight above it, (6, 3). */
static void
triad_centre(struct widget_state *w)
{
	w->tri_centre = 1;
	w->tri_r = 2 * TRIAD_STEPS / 3;
	w->tri_s = TRIAD_STEPS / 3;
}

/* Keep the marker on the grid: row 0..N, step 0..row. */
static void
grid_clamp(struct widget_state *w)
{
	if (w->tri_r < 0)
		w->tri_r = 0;
	if (w->tri_r > TRIAD_STEPS)
		w->tri_r = TRIAD_STEPS;
	if (w->tri_s > w->tri_r)
		w->tri_s = w->tri_r;
	if (w->tri_s < 0)
		w->tri_s = 0;
}

static int
is_centre(const double p[3])
{
	return fabs(p[0] - 1.0 / 3) < 1e-9 && fabs(p[1] - 1.0 / 3) < 1e-9 &&
	    fabs(p[2] - 1.0 / 3) < 1e-9;
}

static void
triad_props(const struct widget_state *w, double p[3])
{
	if (w->tri_centre)
		p[0] = p[1] = p[2] = 1.0 / 3;
	else
		widget_triad_props(w->tri_r, w->tri_s, p);
}

static void
triad_load(struct widget_state *w, const struct answers *a)
{
	const struct answer *an = answers_cget(a, w->q->id);

	triad_centre(w);
	w->answered = w->untouched = 0;
	if (an != NULL && an->answered) {
		w->answered = 1;
		w->untouched = an->untouched;
		if (is_centre(an->triad))
			return;
		w->tri_centre = 0;
		w->tri_r = (int)lround((1.0 - an->triad[0]) * TRIAD_STEPS);
		w->tri_s = (int)lround(an->triad[2] * TRIAD_STEPS);
		grid_clamp(w);
	} else if (w->q->required) {
		w->answered = 1; /* shown at the centre: stored so if left */
		w->untouched = 1;
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
	ui_line(y + 3 + TRIAD_STEPS, x + wd - lw, lw, form_text(&w->q->corners[2], lang), UA_TITLE);
	if (w->answered) {
		attrset(ui_attr(UA_MARKER));
		mvaddch(y + 1 + w->tri_r, cx - 2 * w->tri_r + 4 * w->tri_s, 'X');
		attrset(A_NORMAL);
		triad_props(w, p);
		snprintf(buf, sizeof buf, "%d%% / %d%% / %d%%", (int)lround(p[0] * 100),
		    (int)lround(p[1] * 100), (int)lround(p[2] * 100));
		mvaddstr(y + 4 + TRIAD_STEPS, cx - 8, buf);
	} else
		ui_line(y + 4 + TRIAD_STEPS, x, wd, tr("Use the arrow keys to place the marker."),
		    UA_NORMAL);
}

/* From the centre (2N/3, N/3) to the nearest grid point in the arrow's
 * direction: Up raises the top corner's share, Left the bottom-left's,
 * Right the bottom-right's, Down lowers the top's. */
static void
leave_centre(struct widget_state *w, wint_t ch)
{
	double rc = 2.0 * TRIAD_STEPS / 3, sc = TRIAD_STEPS / 3.0;

	switch (ch) {
	case KEY_UP:
		w->tri_r = (int)ceil(rc) - 1;
		w->tri_s = (int)lround(sc);
		break;
	case KEY_DOWN:
		w->tri_r = (int)floor(rc) + 1;
		w->tri_s = (int)floor(sc);
		break;
	case KEY_LEFT:
		w->tri_r = (int)lround(rc);
		w->tri_s = (int)ceil(sc) - 1;
		break;
	default: /* KEY_RIGHT */
		w->tri_r = (int)lround(rc);
		w->tri_s = (int)floor(sc) + 1;
		break;
	}
	grid_clamp(w);
}

/* An arrow: 1 if the marker moved (or was placed), 0 at an edge. */
static int
triad_move(struct widget_state *w, wint_t ch)
{
	int r = w->tri_r, s = w->tri_s;

	if (!w->answered || w->tri_centre) {
		leave_centre(w, ch);
		w->tri_centre = 0;
		w->answered = 1;
		w->untouched = 0;
		return 1;
	}
	switch (ch) {
	case KEY_UP:
		if (r > 0) {
			r--;
			if (s > r)
				s = r;
		}
		break;
	case KEY_DOWN:
		if (r < TRIAD_STEPS)
			r++;
		break;
	case KEY_LEFT:
		if (s > 0)
			s--;
		break;
	default: /* KEY_RIGHT */
		if (s < r)
			s++;
		break;
	}
	if (r == w->tri_r && s == w->tri_s)
		return 0;
	w->tri_r = r;
	w->tri_s = s;
	w->untouched = 0;
	return 1;
}

/* Backspace on an optional triad: no answer, and the next arrow starts from
 * the centre again (a required one refuses it: widget_marker_backspace). */
static void
triad_empty(struct widget_state *w)
{
	triad_centre(w);
	w->answered = w->untouched = 0;
}

static int
triad_key(struct widget_state *w, int fkey, wint_t ch)
{
	switch (widget_marker_backspace(w, fkey, ch)) {
	case 0:
		return 0;
	case 1:
		triad_empty(w);
		return 1;
	}
	if (!fkey)
		return -1;
	switch (ch) {
	case KEY_UP:
	case KEY_DOWN:
	case KEY_LEFT:
	case KEY_RIGHT:
		return triad_move(w, ch);
	default:
		return -1;
	}
}

static void
triad_store(struct widget_state *w, struct answers *a)
{
	double p[3];

	if (!w->answered) {
		answers_clear(a, w->q->id);
		return;
	}
	triad_props(w, p);
	answers_set_triad(a, w->q->id, p);
	answers_set_untouched(a, w->q->id, w->untouched);
}

/* Backspace is offered only where it empties the answer. */
static const char *
triad_hint(const struct widget_state *w)
{
	if (w->q != NULL && !w->q->required)
		return tr("Arrows: move the X · Backspace: no answer · Enter: next · Shift-Tab: "
		          "back · Ctrl-X: stop");
	return tr("Arrows: move the X · Enter: next · Shift-Tab: back · Ctrl-X: stop");
}

const struct widget widget_triad = {
	.load = triad_load,
	.draw = triad_draw,
	.key = triad_key,
	.store = triad_store,
	.hint = "Arrows: move the X · Enter: next · Shift-Tab: back · Ctrl-X: stop",
	.hint_for = triad_hint,
};
