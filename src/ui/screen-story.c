/* screen-story: the story editor screen: the chosen prompt above a large
 * editor, with a live character count. Enter is a new line; Tab continues.
 * Autosave happens in the main loop every few seconds while typing. */
#include <stdio.h>

#include "i18n.h"
#include "ui.h"

static void
story_draw(struct ui *u)
{
	const struct question *q = u->w.q;
	const struct prompt *p = u->ans->prompt ? form_prompt(u->form, u->ans->prompt) : NULL;
	const char *text = p != NULL ? form_text(&p->text, u->lang) : form_text(&q->text, u->lang);
	char count[128];
	int top, h, n = (int)u->w.tb->len;

	top = ui_question_frame(u, text, !q->required) - 1;
	h = LINES - top - 5;
	if (u->msg[0] != '\0' && h > 3)
		h -= 2; /* the message's rows (ui_message) below the count */
	attrset(ui_attr(UA_FRAME));
	mvhline(top, 1, ACS_HLINE, COLS - 2);
	mvhline(top + h + 1, 1, ACS_HLINE, COLS - 2);
	attrset(A_NORMAL);
	if (q->has_min && n < (int)q->min)
		snprintf(count, sizeof count, tr("%d characters (at least %d)"), n, (int)q->min);
	else if (q->has_max)
		snprintf(count, sizeof count, tr("%d characters (at most %d)"), n, (int)q->max);
	else
		snprintf(count, sizeof count, tr("%d characters"), n);
	ui_line(top + h + 2, 2, COLS - 4, count, UA_NORMAL);
	ui_message(u);
	ui_hint(tr(widget_editor.hint));
	widget_editor.draw(&u->w, u->lang, top + 1, 2, h, COLS - 4);
}

static void
story_key(struct ui *u, int fkey, wint_t ch)
{
	if (!fkey && ch == KEY_CTRL_X) {
		u->back = u->screen;
		ui_go(u, &screen_confirm);
		return;
	}
	if (fkey && ch == KEY_BTAB) {
		ui_question_back(u);
		return;
	}
	if (!fkey && ch == '\t') {
		ui_question_leave(u);
		return;
	}
	ui_widget_key(u, fkey, ch);
}

const struct screen screen_story = {
	.name = "story",
	.draw = story_draw,
	.key = story_key,
	.in_session = 1,
};
