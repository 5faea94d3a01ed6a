/* screen-consent: the form's consent text (scrolled with PgUp/PgDn when it
 * is longer than the screen) and its tiers, most restrictive first, and
 * "I do not agree". Nothing is stored before a tier is chosen; declining
 * returns to the welcome screen. A tier cannot be chosen before the whole
 * text has been on screen: Enter on a tier first scrolls to the rest.
 *
 * In scribe mode the screen tells the scribe to read the text aloud, and
 * a tier chosen is confirmed ("did the teller agree to ...?") before the
 * story starts, with source scribe and the scribe's initials; the teller's
 * tier is recorded as a participant's is. */
#include <stdio.h>
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

/* Scribe mode: "did the teller agree to this tier?" where the list was. */
static void
confirm_draw(struct ui *u, int y, int rows)
{
	const char *items[2];
	char question[512];

	snprintf(question, sizeof question, tr("Did the teller agree to: %s?"),
	    form_text(&u->form->tiers[u->consent.tier].label, u->lang));
	items[0] = tr("Yes, the teller heard the text and agreed");
	items[1] = tr("No, choose again");
	ui_line(y, 2, COLS - 4, question, UA_TITLE);
	ui_list(y + 1, 2, COLS - 4, rows - 1, items, 2, u->sel, NULL, 1);
	ui_hint(tr("Up/Down: choose · Enter: confirm"));
}

static void
consent_draw(struct ui *u)
{
	struct consent_state *c = &u->consent;
	const char *items[32];
	int n = nitems(u), i, y, top = 2, list_rows;

	if (n > 32)
		n = 32;
	list_rows = n + 1;
	ui_header(u, NULL, tr("Consent"));
	if (u->scribe[0] != '\0') /* the scribe reads it to the teller */
		top += ui_text(
		    2, 2, COLS - 4, 1, tr("Scribe: read this text aloud to the teller."), UA_FOCUS);
	c->rows = LINES - 3 - top - list_rows;
	y = top +
	    ui_text_scroll(top, 2, COLS - 4, c->rows, form_text(&u->form->consent_text, u->lang),
	        UA_NORMAL, c->skip, &c->total);
	c->drawn = 1;
	if (c->skip + c->rows < c->total) {
		const char *more = tr("(PgDn: read more)");
		int mw = (int)utf8_count(more, strlen(more));

		if (mw > COLS - 4)
			mw = COLS - 4;
		ui_line(y, COLS - 2 - mw, mw, more, UA_FOCUS);
	}
	if (c->confirming) {
		confirm_draw(u, LINES - 2 - list_rows, list_rows);
		return;
	}
	for (i = 0; i < n - 1; i++)
		items[i] = form_text(&u->form->tiers[i].label, u->lang);
	items[n - 1] = u->scribe[0] != '\0' ? tr("The teller does not agree (go back)") :
	                                      tr("I do not agree (go back)");
	ui_list(LINES - 2 - list_rows, 2, COLS - 4, list_rows, items, n, u->sel, NULL, 1);
	ui_hint(tr("PgUp/PgDn: read · Up/Down: choose · Enter: confirm"));
}

/* The teller agreed to tier t: the story begins (nothing stored yet). */
static void
consent_given(struct ui *u, int t)
{
	const struct tier *tier = &u->form->tiers[t];

	u->consented = 1;
	if (u->scribe[0] != '\0')
		kiosk_story_begin_scribe(&u->st, u->scribe);
	else
		kiosk_story_begin(&u->st, SOURCE_KIOSK);
	answers_set_meta(
	    u->ans, u->lang, tier->id, u->form->nprompts == 1 ? u->form->prompts[0].id : NULL);
	if (u->form->nprompts > 1)
		ui_go(u, &screen_prompt);
	else if (u->form->nquestions > 0)
		ui_open_question(u, 0);
	else
		ui_go(u, &screen_review);
}

static void
confirm_key(struct ui *u, int fkey, wint_t ch)
{
	struct consent_state *c = &u->consent;

	if (ui_list_key(&u->sel, 2, fkey, ch) || !ui_is_enter(fkey, ch))
		return;
	if (u->sel == 0) {
		consent_given(u, c->tier);
		return;
	}
	c->confirming = 0;
	u->sel = c->tier;
}

static void
consent_key(struct ui *u, int fkey, wint_t ch)
{
	struct consent_state *c = &u->consent;

	if (fkey && (ch == KEY_NPAGE || ch == KEY_PPAGE)) {
		c->skip += ch == KEY_NPAGE ? c->rows - 1 : -(c->rows - 1);
		if (c->skip > c->total - c->rows)
			c->skip = c->total - c->rows;
		if (c->skip < 0)
			c->skip = 0;
		return;
	}
	if (c->confirming) {
		confirm_key(u, fkey, ch);
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
	if (u->scribe[0] != '\0') {
		c->confirming = 1;
		c->tier = u->sel;
		u->sel = 0;
		return;
	}
	consent_given(u, u->sel);
}

const struct screen screen_consent = {
	.name = "consent",
	.enter = consent_enter,
	.draw = consent_draw,
	.key = consent_key,
	.in_session = 1,
};
