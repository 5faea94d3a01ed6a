/* screen-question: one follow-up question (text, choice, multi, number,
 * scale, triad) with its widget, and what every question screen (this one
 * and screen-story) does on leaving: store the answer, check it exactly as
 * `add` does, save the draft (a field changed), go on. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui.h"
#include "utf8.h"

/* Say in the participant's language what is wrong with an answer the core
 * refused; the core's own message (for scribes, naming question ids) is the
 * fallback for what a widget cannot produce anyway. */
static void
problem_message(struct ui *u, const struct question *q, const char *core)
{
	const struct answer *a = answers_cget(u->ans, q->id);
	const struct choice *c;
	size_t n, i;

	if (a == NULL || !a->answered) {
		snprintf(u->msg, sizeof u->msg, "%s", tr("Please answer this question."));
		return;
	}
	switch (q->type) {
	case Q_STORY:
	case Q_TEXT:
		n = utf8_count(a->text, strlen(a->text));
		if (q->has_min && (double)n < q->min) {
			snprintf(u->msg, sizeof u->msg, tr("Please write at least %d characters."),
			    (int)q->min);
			return;
		}
		if (q->has_max && (double)n > q->max) {
			snprintf(u->msg, sizeof u->msg, tr("Please write at most %d characters."),
			    (int)q->max);
			return;
		}
		break;
	case Q_MULTI:
		if (a->nids == 0) {
			snprintf(u->msg, sizeof u->msg, "%s", tr("Please choose at least one."));
			return;
		}
		for (i = 0; a->nids > 1 && i < a->nids; i++) {
			if ((c = question_choice(q, a->ids[i])) != NULL && c->exclusive) {
				snprintf(u->msg, sizeof u->msg,
				    tr("%s: choose this alone, or untick it."),
				    form_text(&c->label, u->lang));
				return;
			}
		}
		break;
	case Q_NUMBER:
		if (q->integer && a->number != floor(a->number)) {
			snprintf(u->msg, sizeof u->msg, "%s", tr("Please give a whole number."));
			return;
		}
		if (q->has_min && q->has_max) {
			snprintf(u->msg, sizeof u->msg, tr("Please give a number from %g to %g."),
			    q->min, q->max);
			return;
		}
		break;
	default:
		break;
	}
	snprintf(u->msg, sizeof u->msg, "%s", core);
}

/* Hand a key to the current question's widget (the question and story
 * screens): 1 if the value changed, 0 if not, -1 if not a widget key. A
 * refused key's reason is shown until the next key. */
int
ui_widget_key(struct ui *u, int fkey, wint_t ch)
{
	int shown = u->w.refusal[0] != '\0', r;

	u->w.refusal[0] = '\0';
	r = widget_for(u->w.q->type)->key(&u->w, fkey, ch);
	if (r == 1)
		u->dirty = u->touched = 1;
	if (u->w.refusal[0] != '\0')
		snprintf(u->msg, sizeof u->msg, "%s", u->w.refusal);
	else if (r == 1 || shown)
		u->msg[0] = '\0';
	return r;
}

/* Leave the current question forwards if its answer is acceptable. A field
 * the widget calls unfinished is refused like a key, its reason shown until
 * the next key. */
void
ui_question_leave(struct ui *u)
{
	const struct widget *wd = widget_for(u->w.q->type);
	struct err e;

	if (wd->unfinished != NULL && wd->unfinished(&u->w)) {
		snprintf(u->msg, sizeof u->msg, "%s", u->w.refusal);
		return;
	}
	wd->store(&u->w, u->ans);
	if (answers_check_one(u->form, u->ans, u->w.q, &e) != 0) {
		problem_message(u, u->w.q, e.msg);
		return;
	}
	ui_autosave(u);
	ui_next_question(u);
}

void
ui_question_back(struct ui *u)
{
	widget_for(u->w.q->type)->store(&u->w, u->ans);
	ui_autosave(u);
	if (u->from_review) {
		widget_state_reset(&u->w);
		ui_go(u, &screen_review);
	} else
		ui_prev_question(u);
}

/* Title, progress, the question's text; returns the first free row. */
int
ui_question_frame(struct ui *u, const char *text, int optional)
{
	char progress[64];
	int pos, total, y;

	ui_progress(u, u->qi, &pos, &total);
	snprintf(progress, sizeof progress, tr("Question %d of %d"), pos, total);
	ui_header(u, NULL, progress);
	y = 2 + ui_text(2, 2, COLS - 4, 4, text, UA_TITLE);
	if (optional)
		ui_line(y, 2, COLS - 4, tr("(optional)"), UA_NORMAL);
	return y + 1;
}

static void
question_draw(struct ui *u)
{
	const struct question *q = u->w.q;
	int y;

	y = ui_question_frame(u, form_text(&q->text, u->lang), !q->required);
	ui_message(u);
	ui_hint(widget_for(q->type)->hint_for != NULL ? widget_for(q->type)->hint_for(&u->w) :
	                                                tr(widget_for(q->type)->hint));
	widget_for(q->type)->draw(&u->w, u->lang, y, 3, LINES - 4 - y, COLS - 6);
}

static void
question_key(struct ui *u, int fkey, wint_t ch)
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
	if (ui_is_enter(fkey, ch))
		ui_question_leave(u);
}

const struct screen screen_question = {
	.name = "question",
	.draw = question_draw,
	.key = question_key,
	.in_session = 1,
};
