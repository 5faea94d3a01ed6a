/* screen-thanks: the story code and how to withdraw (in practice, that the
 * code is not real and nothing was saved); back to the welcome
 * screen after UI_THANKS_SECONDS or a key (ignored for the first two seconds
 * so a stray key press does not hide the code). */
#include <string.h>

#include "i18n.h"
#include "ui.h"
#include "utf8.h"
#include "xmalloc.h"

static void
thanks_draw(struct ui *u)
{
	int y = LINES / 2 - 5, x = (COLS - 20) / 2, pw;

	ui_header(u, NULL, NULL);
	if (u->practice) {
		/* No code: nothing was kept, so none could withdraw anything. */
		ui_text(y, 4, COLS - 8, 2, tr("Thank you! This was practice: nothing was saved."),
		    UA_TITLE);
		ui_line(y + 3, 4, COLS - 8, tr("Your story code is:"), UA_NORMAL);
		attrset(ui_attr(UA_MARKER));
		mvhline(y + 5, x, ' ', 20);
		attrset(A_NORMAL);
		pw = (int)utf8_count(tr("PRACTICE"), strlen(tr("PRACTICE")));
		pw = pw > 18 ? 18 : pw;
		ui_line(y + 5, x + (20 - pw) / 2, pw, tr("PRACTICE"), UA_MARKER);
		ui_text(y + 7, 4, COLS - 8, 4,
		    tr("This is not a real story code. At a real session the participant writes "
		       "their code down here, to withdraw their story later."),
		    UA_NORMAL);
		ui_hint(tr("Press any key to finish"));
		return;
	}
	ui_text(y, 4, COLS - 8, 2, tr("Thank you! Your story has been saved."), UA_TITLE);
	ui_line(y + 3, 4, COLS - 8, tr("Your story code is:"), UA_NORMAL);
	attrset(ui_attr(UA_MARKER));
	mvhline(y + 5, x, ' ', 20);
	mvaddstr(y + 5, x + 6, u->code);
	attrset(A_NORMAL);
	ui_text(y + 7, 4, COLS - 8, 4,
	    tr("Write it down and keep it. If you change your mind, give this code to the "
	       "organisers and your story will be withdrawn."),
	    UA_NORMAL);
	ui_hint(tr("Press any key to finish"));
}

static void
finish(struct ui *u)
{
	xwipe(u->code, sizeof u->code);
	ui_session_end(u, 0); /* nothing is held any more: just reset */
}

static void
thanks_key(struct ui *u, int fkey, wint_t ch)
{
	(void)fkey;
	(void)ch;
	if (ui_now() - u->entered_at >= 2)
		finish(u);
}

static void
thanks_tick(struct ui *u)
{
	if (ui_now() - u->entered_at >= UI_THANKS_SECONDS)
		finish(u);
}

const struct screen screen_thanks = {
	.name = "thanks",
	.draw = thanks_draw,
	.key = thanks_key,
	.tick = thanks_tick,
};
