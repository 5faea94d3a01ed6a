/* widget-table: which widget edits which question type, and the shared
 * widget state's reset (wipes the text buffer). */
#include <stdlib.h>
#include <string.h>

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
	textbuf_free(w->tb);            /* wipes the text */
	textbuf_layout_free(&w->lo);
	free(w->checked);
	memset(w, 0, sizeof *w);
}
