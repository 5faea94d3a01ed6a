/* widget-text: a short one-line answer: the story editor's functions on a
 * single-line buffer (no newlines; the form's max length), in a bracketed
 * field that wraps to at most three rows. */
#include "ui.h"

static void
text_draw(struct widget_state *w, const char *lang, int y, int x, int h, int wd)
{
	(void)h;
	attrset(ui_attr(UA_FRAME));
	mvaddch(y, x, '[');
	mvaddch(y, x + wd - 1, ']');
	attrset(A_NORMAL);
	/* Three rows of wrapped text at most; the field scrolls. */
	widget_editor_draw(w, lang, y, x + 1, 3, wd - 2);
}

const struct widget widget_text = {
	.load = widget_editor_load,
	.draw = text_draw,
	.key = widget_editor_key,
	.store = widget_editor_store,
	.hint = "Type your answer · Enter: next · Shift-Tab: back · Ctrl-X: stop",
};
