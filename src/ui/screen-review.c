/* screen-review: every shown answer in one list; Enter on one edits it (and
 * comes back here); the last item submits. The thank-you screen appears
 * only after kiosk_story_save(STATUS_SUBMITTED) has committed the story
 * (in practice at once: nothing is saved). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui.h"
#include "xmalloc.h"

/* The questions shown now (answers of hidden ones are cleared). */
static void
collect(struct ui *u)
{
	struct review_state *r = &u->review;
	size_t i;

	r->nshown = 0;
	for (i = 0; i < u->form->nquestions && r->nshown < REVIEW_MAX; i++) {
		const struct question *q = &u->form->questions[i];
		if (answers_shown(u->form, u->ans, q))
			r->shown[r->nshown++] = i;
		else
			answers_clear(u->ans, q->id);
	}
}

static void
review_enter(struct ui *u)
{
	memset(&u->review, 0, sizeof u->review);
	u->from_review = 0;
	collect(u);
	if (u->sel > u->review.nshown)
		u->sel = u->review.nshown;
}

/* "Question: answer" for the list. Caller frees. */
static char *
summary(struct ui *u, const struct question *q)
{
	const struct answer *a = answers_cget(u->ans, q->id);
	const char *qt = form_text(&q->text, u->lang);
	char *s, *v = NULL;
	size_t i;

	if (q->type == Q_STORY && u->ans->prompt != NULL && form_prompt(u->form, u->ans->prompt))
		qt = form_text(&form_prompt(u->form, u->ans->prompt)->text, u->lang);
	if (a == NULL || !a->answered)
		v = xstrdup(tr("(no answer)"));
	else
		switch (q->type) {
		case Q_STORY:
		case Q_TEXT:
			v = xstrdup(a->text);
			break;
		case Q_CHOICE:
			v = xstrdup(question_choice(q, a->text) ?
			        form_text(&question_choice(q, a->text)->label, u->lang) :
			        a->text);
			break;
		case Q_MULTI:
			v = xstrdup("");
			for (i = 0; i < a->nids; i++) {
				const struct choice *c = question_choice(q, a->ids[i]);
				s = xasprintf("%s%s%s", v, i ? ", " : "",
				    c ? form_text(&c->label, u->lang) : a->ids[i]);
				free(v);
				v = s;
			}
			break;
		case Q_NUMBER:
			v = xasprintf("%g", a->number);
			break;
		case Q_SCALE:
			v = xasprintf("%d / 100", (int)lround(a->number));
			break;
		case Q_TRIAD:
			v = xasprintf("%d%% / %d%% / %d%%", (int)lround(a->triad[0] * 100),
			    (int)lround(a->triad[1] * 100), (int)lround(a->triad[2] * 100));
			break;
		}
	s = xasprintf("%s → %s", qt, v);
	if (q->type == Q_STORY || q->type == Q_TEXT)
		textbuf_utf8_free(v); /* wipe the copy of the text */
	else
		free(v);
	return s;
}

static void
review_draw(struct ui *u)
{
	const struct review_state *r = &u->review;
	const char *items[REVIEW_MAX + 1];
	char *owned[REVIEW_MAX];
	int i, y;

	collect(u);
	ui_header(u, NULL, tr("Review"));
	y = 2 +
	    ui_text(2, 2, COLS - 4, 2,
	        tr("Check your answers. Choose one to change it, or submit your story."), UA_TITLE);
	for (i = 0; i < r->nshown; i++)
		items[i] = owned[i] = summary(u, &u->form->questions[r->shown[i]]);
	items[r->nshown] = tr("Submit my story");
	ui_list(y + 1, 2, COLS - 4, LINES - y - 5, items, r->nshown + 1, u->sel, NULL, 2);
	for (i = 0; i < r->nshown; i++)
		textbuf_utf8_free(owned[i]);
	ui_message(u);
	ui_hint(tr("Up/Down: choose · Enter: change or submit · Ctrl-X: stop"));
}

static void
submit(struct ui *u)
{
	struct err e;
	const char *lang = u->lang;

	if (answers_validate(u->form, u->ans, &e) != 0) {
		snprintf(u->msg, sizeof u->msg, "%s", e.msg);
		return;
	}
	/* In practice nothing is saved; the thank-you screen says the code is
	 * not real. */
	if (!u->practice &&
	    kiosk_story_save(u->k, &u->st, u->form, u->ans, STATUS_SUBMITTED, &e) != 0) {
		/* Full: the answers stay here, submitting again works once the
		 * organiser has made room. */
		if ((u->full = u->k->full))
			snprintf(u->msg, sizeof u->msg, "%s", ui_full_message());
		else
			snprintf(u->msg, sizeof u->msg, "%.200s %.300s",
			    tr("Sorry, your story could not be saved. Please call an organiser."),
			    e.msg);
		return;
	}
	u->full = 0;
	/* Committed: keep only the code, wipe everything the participant said. */
	memcpy(u->code, u->st.code, sizeof u->code);
	u->consented = 0;
	memset(&u->st, 0, sizeof u->st);
	answers_free(u->ans);
	u->ans = answers_new(u->form);
	u->lang = lang;
	ui_go(u, &screen_thanks);
}

static void
review_key(struct ui *u, int fkey, wint_t ch)
{
	if (!fkey && ch == KEY_CTRL_X) {
		u->back = u->screen;
		ui_go(u, &screen_confirm);
		return;
	}
	collect(u);
	if (ui_list_key(&u->sel, u->review.nshown + 1, fkey, ch) || !ui_is_enter(fkey, ch))
		return;
	if (u->sel >= u->review.nshown) {
		submit(u);
		return;
	}
	ui_edit_question(u, u->review.shown[u->sel]);
}

const struct screen screen_review = {
	.name = "review",
	.enter = review_enter,
	.draw = review_draw,
	.key = review_key,
	.in_session = 1,
};
