/* widget-table: which widget edits which question type, and what the
 * widgets share: the state's reset (wipes the text buffer) and Backspace on
 * a marker (scale, triad). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui.h"

const struct widget *
widget_for(enum question_type t)
{
	switch (t) {
	case Q_STORY:
		return &widget_editor;
	case Q_TEXT:
		return &widget_text;
	case Q_CHOICE:
	case Q_MULTI:
		return &widget_choice;
	case Q_NUMBER:
		return &widget_number;
	case Q_SCALE:
		return &widget_scale;
	case Q_TRIAD:
		return &widget_triad;
	}
	return &widget_text;
}

void
widget_state_reset(struct widget_state *w)
{
	textbuf_free(w->tb); /* wipes the text */
	textbuf_layout_free(&w->lo);
	free(w->checked);
	memset(w, 0, sizeof *w);
}

int
widget_marker_backspace(struct widget_state *w, int fkey, wint_t ch)
{
	if (fkey ? ch != KEY_BACKSPACE && ch != KEY_DC : ch != 8 && ch != 127)
		return -1;
	if (w->q->required) {
		snprintf(w->refusal, sizeof w->refusal, "%s",
		    tr("This question needs an answer: move the marker, or press Enter to keep it "
		       "in the middle."));
		return 0;
	}
	return w->answered ? 1 : 0;
}
