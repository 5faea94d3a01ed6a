/* widget-choice: one choice (radio) or several (multi) from the form's list.
 * A question that is not required gets a "Not applicable" item. */
#include <string.h>

#include "i18n.h"
#include "ui.h"
#include "xmalloc.h"

static int
has_na(const struct widget_state *w)
{
	return w->q->type == Q_CHOICE && !w->q->required;
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

static int
nitems(const struct widget_state *w)
{
	return (int)w->q->nchoices + (has_na(w) ? 1 : 0);
}

static void
choice_draw(struct widget_state *w, const char *lang, int y, int x, int h, int wd)
{
	const char *items[64];
	int i, n = nitems(w);

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++)
		items[i] = (size_t)i < w->q->nchoices ?
		    form_text(&w->q->choices[i].label, lang) : tr("Not applicable");
	ui_list(y, x, wd, h, items, n, w->sel, w->checked, 2);
}

static void
pick(struct widget_state *w)
{
	if (w->q->type == Q_CHOICE) {
		memset(w->checked, 0, w->q->nchoices + 1);
		w->checked[w->sel] = 1;
	} else
		w->checked[w->sel] = !w->checked[w->sel];
}

static int
choice_key(struct widget_state *w, int fkey, wint_t ch)
{
	if (ui_list_key(&w->sel, nitems(w), fkey, ch))
		return 0;
	if (!fkey && ch == ' ') {
		pick(w);
		return 1;
	}
	/* Enter picks the highlighted choice (one choice) and the screen then
	 * moves on. */
	if (ui_is_enter(fkey, ch) && w->q->type == Q_CHOICE) {
		pick(w);
		return 1;
	}
	return -1;
}

static void
choice_store(struct widget_state *w, struct answers *a)
{
	const char *ids[64];
	size_t i, n = 0;

	for (i = 0; i < w->q->nchoices && n < 64; i++)
		if (w->checked[i])
			ids[n++] = w->q->choices[i].id;
	if (n == 0)
		answers_clear(a, w->q->id);
	else if (w->q->type == Q_CHOICE)
		answers_set_text(a, w->q->id, ids[0]);
	else
		answers_set_ids(a, w->q->id, ids, n);
}

const struct widget widget_choice = {
	.load = choice_load,
	.draw = choice_draw,
	.key = choice_key,
	.store = choice_store,
	.hint = "Up/Down: move · Space: tick · Enter: next · Shift-Tab: back · Ctrl-X: stop",
};
