/* screen-prompt: the participant picks one of the form's story prompts. */
#include <string.h>

#include "i18n.h"
#include "ui.h"

static void
prompt_enter(struct ui *u)
{
	size_t i;

	u->sel = 0;
	for (i = 0; i < u->form->nprompts; i++)
		if (u->ans->prompt != NULL && strcmp(u->ans->prompt, u->form->prompts[i].id) == 0)
			u->sel = (int)i;
}

static void
prompt_draw(struct ui *u)
{
	const char *items[32];
	int n = (int)u->form->nprompts, i, y;

	if (n > 32)
		n = 32;
	ui_header(u, NULL, NULL);
	y = 2 + ui_text(2, 2, COLS - 4, 3, tr("Which story would you like to tell?"), UA_TITLE);
	for (i = 0; i < n; i++)
		items[i] = form_text(&u->form->prompts[i].text, u->lang);
	ui_list(y + 1, 2, COLS - 4, LINES - y - 4, items, n, u->sel, NULL, 3);
	ui_hint(tr("Up/Down: choose · Enter: confirm · Ctrl-X: stop"));
}

static void
prompt_key(struct ui *u, int fkey, wint_t ch)
{
	if (!fkey && ch == KEY_CTRL_X) {
		u->back = u->screen;
		ui_go(u, &screen_confirm);
		return;
	}
	if (ui_list_key(&u->sel, (int)u->form->nprompts, fkey, ch) || !ui_is_enter(fkey, ch))
		return;
	answers_set_meta(u->ans, u->lang, u->ans->consent, u->form->prompts[u->sel].id);
	if (u->form->nquestions > 0)
		ui_open_question(u, 0);
	else
		ui_go(u, &screen_review);
}

const struct screen screen_prompt = {
	.name = "prompt",
	.enter = prompt_enter,
	.draw = prompt_draw,
	.key = prompt_key,
	.in_session = 1,
};
