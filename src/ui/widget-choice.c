/* widget-choice: one choice (radio marks) or several (multi, tick boxes)
 * from the form's list. A question that is not required gets a "Not
 * applicable" item (one choice only), a radio item like the others: marking
 * it stores no answer.
 *
 * What is marked is what is stored, whatever the keys: Up/Down move the
 * highlight only; Space marks the highlighted item (one choice: and unmarks
 * the others; multi: ticks or unticks it); Enter confirms what is marked and
 * the screen moves on, except that a single choice with nothing marked yet
 * marks the highlighted item first. In a multi question an exclusive choice
 * (such as "Nothing got in the way") is ticked alone: ticking it unticks the
 * others, ticking another unticks it. */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui.h"
#include "xmalloc.h"

static int
has_na(const struct widget_state *w)
{
	return w->q->type == Q_CHOICE && !w->q->required;
}

static int
nitems(const struct widget_state *w)
{
	return (int)w->q->nchoices + (has_na(w) ? 1 : 0);
}

static void
choice_load(struct widget_state *w, const struct answers *a)
{
	const struct answer *an = answers_cget(a, w->q->id);
	size_t i, j;

	w->checked = xcalloc(w->q->nchoices + 1, 1);
	if (an == NULL || !an->answered)
		return;
	for (i = 0; i < w->q->nchoices; i++) {
		const char *id = w->q->choices[i].id;
		if (w->q->type == Q_CHOICE && an->text != NULL && strcmp(an->text, id) == 0) {
			w->checked[i] = 1;
			w->sel = (int)i;
		}
		for (j = 0; w->q->type == Q_MULTI && j < an->nids; j++)
			if (strcmp(an->ids[j], id) == 0)
				w->checked[i] = 1;
	}
}

static void
choice_draw(struct widget_state *w, const char *lang, int y, int x, int h, int wd)
{
	const char **items;
	int i, n = nitems(w);

	items = xcalloc((size_t)n + 1, sizeof *items);
	for (i = 0; i < n; i++)
		items[i] = (size_t)i < w->q->nchoices ? form_text(&w->q->choices[i].label, lang) :
		                                        tr("Not applicable");
	if (w->q->type == Q_CHOICE)
		ui_radio_list(y, x, wd, h, items, n, w->sel, w->checked, 2);
	else
		ui_list(y, x, wd, h, items, n, w->sel, w->checked, 2);
	free(items);
}

static int
marked_any(const struct widget_state *w)
{
	int i;

	for (i = 0; i < nitems(w); i++)
		if (w->checked[i])
			return 1;
	return 0;
}

/* Space on the highlighted item; 1 if what is marked changed. */
static int
mark(struct widget_state *w)
{
	const struct choice *c;
	size_t i;

	if (w->q->type == Q_CHOICE) {
		if (w->checked[w->sel])
			return 0;
		memset(w->checked, 0, w->q->nchoices + 1);
		w->checked[w->sel] = 1;
		return 1;
	}
	c = &w->q->choices[w->sel];
	w->checked[w->sel] = !w->checked[w->sel];
	for (i = 0; w->checked[w->sel] && i < w->q->nchoices; i++)
		if ((int)i != w->sel && (c->exclusive || w->q->choices[i].exclusive))
			w->checked[i] = 0;
	return 1;
}

static int
choice_key(struct widget_state *w, int fkey, wint_t ch)
{
	if (ui_list_key(&w->sel, nitems(w), fkey, ch))
		return 0;
	if (!fkey && ch == ' ')
		return mark(w);
	/* Enter confirms (the screen moves on); a single choice with nothing
	 * marked takes the highlighted item. */
	if (ui_is_enter(fkey, ch) && w->q->type == Q_CHOICE)
		return marked_any(w) ? 0 : mark(w);
	return -1;
}

static void
choice_store(struct widget_state *w, struct answers *a)
{
	const char **ids;
	size_t i, n = 0;

	ids = xcalloc(w->q->nchoices + 1, sizeof *ids);
	for (i = 0; i < w->q->nchoices; i++)
		if (w->checked[i])
			ids[n++] = w->q->choices[i].id;
	if (n == 0)
		answers_clear(a, w->q->id); /* nothing, or "Not applicable" */
	else if (w->q->type == Q_CHOICE)
		answers_set_text(a, w->q->id, ids[0]);
	else
		answers_set_ids(a, w->q->id, ids, n);
	free(ids);
}

/* One choice is chosen, several are ticked: each says its own key. */
static const char *
choice_hint(const struct widget_state *w)
{
	if (w->q->type == Q_CHOICE)
		return tr(
		    "Up/Down: move · Space: choose · Enter: next · Shift-Tab: back · Ctrl-X: stop");
	return tr(widget_choice.hint);
}

const struct widget widget_choice = {
	.load = choice_load,
	.draw = choice_draw,
	.key = choice_key,
	.store = choice_store,
	/* multi; choice_hint gives the single choice's */
	.hint = "Up/Down: move · Space: tick · Enter: next · Shift-Tab: back · Ctrl-X: stop",
	.hint_for = choice_hint,
};
