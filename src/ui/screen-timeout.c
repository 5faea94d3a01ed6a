/* screen-timeout: "Are you still there?" with a countdown. Any key returns
 * to where the participant was; at zero the form's `unsubmitted` setting is
 * applied (keep as timed_out, or discard) and the kiosk resets. Also the
 * cancel confirmation (screen_confirm). */
#include <stdio.h>

#include "i18n.h"
#include "ui.h"

static void
draw_box(int y, int x, int h, int w)
{
	int i;

	attrset(ui_attr(UA_FRAME));
	for (i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
	mvaddch(y, x, ACS_ULCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
}

static int
remaining(struct ui *u)
{
	int left = u->warn_seconds - (int)(ui_now() - u->entered_at);

	return left < 0 ? 0 : left;
}

static void
timeout_draw(struct ui *u)
{
	char buf[160];
	int y = LINES / 2 - 4, x = 6, w = COLS - 12;

	ui_header(u, NULL, NULL);
	draw_box(y, x, 8, w);
	ui_line(y + 2, x + 3, w - 6, tr("Are you still there?"), UA_TITLE);
	snprintf(buf, sizeof buf,
	    trn("Going back to the start in %d second.", "Going back to the start in %d seconds.",
	        (unsigned long)remaining(u)),
	    remaining(u));
	ui_line(y + 4, x + 3, w - 6, buf, UA_NORMAL);
	ui_line(y + 5, x + 3, w - 6, tr("Press any key to continue."), UA_NORMAL);
	ui_hint(tr("Press any key to continue."));
}

static void
timeout_key(struct ui *u, int fkey, wint_t ch)
{
	(void)fkey;
	(void)ch;
	u->screen = u->back; /* no enter: the widget keeps its state */
	u->back = NULL;
}

static void
timeout_tick(struct ui *u)
{
	if (remaining(u) <= 0)
		ui_session_end(u, u->form->unsubmitted_keep);
}

const struct screen screen_timeout = {
	.name = "timeout",
	.draw = timeout_draw,
	.key = timeout_key,
	.tick = timeout_tick,
};

static void
confirm_enter(struct ui *u)
{
	u->sel = 0;
}

static void
confirm_draw(struct ui *u)
{
	const char *items[2];
	int y = LINES / 2 - 5, x = 6, w = COLS - 12;

	items[0] = tr("No, go on with my story");
	items[1] = tr("Yes, delete my story and stop");
	ui_header(u, NULL, NULL);
	draw_box(y, x, 9, w);
	ui_text(y + 2, x + 3, w - 6, 2,
	    tr("Do you want to stop? Everything you wrote will be deleted."), UA_TITLE);
	ui_list(y + 5, x + 3, w - 6, 2, items, 2, u->sel, NULL, 1);
	ui_hint(tr("Up/Down: choose · Enter: confirm"));
}

static void
confirm_key(struct ui *u, int fkey, wint_t ch)
{
	if (ui_list_key(&u->sel, 2, fkey, ch) || !ui_is_enter(fkey, ch))
		return;
	if (u->sel == 1) {
		ui_session_end(u, 0);
		return;
	}
	u->screen = u->back;
	u->back = NULL;
}

const struct screen screen_confirm = {
	.name = "confirm",
	.enter = confirm_enter,
	.draw = confirm_draw,
	.key = confirm_key,
	.in_session = 1,
};
