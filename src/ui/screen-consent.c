/* screen-consent: the form's consent text (scrolled with PgUp/PgDn when it
 * is longer than the screen) and its tiers, most restrictive first, and
 * "I do not agree". Nothing is stored before a tier is chosen; declining
 * returns to the welcome screen. A tier cannot be chosen before the whole
 * text has been on screen: Enter on a tier first scrolls to the rest. */
#include <string.h>

#include "i18n.h"
#include "ui.h"
#include "utf8.h"

static void
consent_enter(struct ui *u)
{
	u->sel = 0;
	memset(&u->consent, 0, sizeof u->consent);
}

static int
nitems(struct ui *u)
{
	return (int)u->form->ntiers + 1;
}

static void
consent_draw(struct ui *u)
{
	struct consent_state *c = &u->consent;
	const char *items[32];
	int n = nitems(u), i, y, list_rows;

	if (n > 32)
		n = 32;
	list_rows = n + 1;
	c->rows = LINES - 5 - list_rows;
	ui_header(u, NULL, tr("Consent"));
	y = 2 +
	    ui_text_scroll(2, 2, COLS - 4, c->rows, form_text(&u->form->consent_text, u->lang),
	        UA_NORMAL, c->skip, &c->total);
	c->drawn = 1;
	if (c->skip + c->rows < c->total) {
		const char *more = tr("(PgDn: read more)");
		int mw = (int)utf8_count(more, strlen(more));

		if (mw > COLS - 4)
			mw = COLS - 4;
		ui_line(y, COLS - 2 - mw, mw, more, UA_FOCUS);
	}
	for (i = 0; i < n - 1; i++)
		items[i] = form_text(&u->form->tiers[i].label, u->lang);
	items[n - 1] = tr("I do not agree (go back)");
	ui_list(LINES - 2 - list_rows, 2, COLS - 4, list_rows, items, n, u->sel, NULL, 1);
	ui_hint(tr("PgUp/PgDn: read · Up/Down: choose · Enter: confirm"));
}

static void
consent_key(struct ui *u, int fkey, wint_t ch)
{
	struct consent_state *c = &u->consent;
	const struct tier *t;

	if (fkey && (ch == KEY_NPAGE || ch == KEY_PPAGE)) {
		c->skip += ch == KEY_NPAGE ? c->rows - 1 : -(c->rows - 1);
		if (c->skip > c->total - c->rows)
			c->skip = c->total - c->rows;
		if (c->skip < 0)
			c->skip = 0;
		return;
	}
	if (ui_list_key(&u->sel, nitems(u), fkey, ch) || !ui_is_enter(fkey, ch))
		return;
	if (u->sel >= (int)u->form->ntiers) {
		ui_session_end(u, 0);
		return;
	}
	/* Keys typed ahead reach this screen before its first draw: the text
	 * has not been on screen yet, so no tier can be chosen. */
	if (!c->drawn)
		return;
	if (c->skip + c->rows < c->total) {
		/* Unread text below: show it before a tier can be chosen. */
		c->skip = c->total - c->rows;
		return;
	}
	t = &u->form->tiers[u->sel];
	u->consented = 1;
	kiosk_story_begin(&u->st, SOURCE_KIOSK);
	answers_set_meta(
	    u->ans, u->lang, t->id, u->form->nprompts == 1 ? u->form->prompts[0].id : NULL);
	if (u->form->nprompts > 1)
		ui_go(u, &screen_prompt);
	else if (u->form->nquestions > 0)
		ui_open_question(u, 0);
	else
		ui_go(u, &screen_review);
}

const struct screen screen_consent = {
	.name = "consent",
	.enter = consent_enter,
	.draw = consent_draw,
	.key = consent_key,
	.in_session = 1,
};
