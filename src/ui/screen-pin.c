/* screen-pin: the admin PIN, typed masked. Each wrong PIN doubles a delay
 * (1, 2, 4 ... 60 s) during which keys are ignored. The PIN lives in
 * xsecure_malloc'd memory (u->pin) and is wiped after each try. */
#include <stdio.h>

#include "i18n.h"
#include "ui.h"
#include "xmalloc.h"

static void
pin_wipe(struct ui *u)
{
	xwipe(u->pin, UI_PIN_MAX + 1);
	u->pinlen = 0;
}

static void
pin_enter(struct ui *u)
{
	pin_wipe(u);
}

static void
pin_draw(struct ui *u)
{
	char buf[UI_PIN_MAX + 1], msg[128];
	size_t i;
	double wait = u->pin_wait_until - ui_now();

	ui_header(u, tr("Administration"), NULL);
	ui_line(4, 4, COLS - 8, tr("Enter the admin PIN:"), UA_TITLE);
	for (i = 0; i < u->pinlen && i < UI_PIN_MAX; i++)
		buf[i] = '*';
	buf[i] = '\0';
	attrset(ui_attr(UA_FOCUS));
	mvhline(6, 4, ' ', 30);
	mvaddstr(6, 4, buf);
	attrset(A_NORMAL);
	if (wait > 0) {
		snprintf(msg, sizeof msg,
		    trn("Wrong PIN. Wait %d second.", "Wrong PIN. Wait %d seconds.",
		        (unsigned long)wait + 1),
		    (int)wait + 1);
		ui_line(8, 4, COLS - 8, msg, UA_ERROR);
	} else
		ui_message(u);
	ui_hint(tr("Type the PIN · Enter: confirm · Ctrl-X: back"));
}

static void
pin_key(struct ui *u, int fkey, wint_t ch)
{
	struct err e;
	int delay;

	if (!fkey && ch == KEY_CTRL_X) {
		pin_wipe(u);
		ui_session_end(u, 0);
		return;
	}
	if (ui_now() < u->pin_wait_until)
		return;
	if (!fkey && (ch == 8 || ch == 127)) {
		if (u->pinlen > 0)
			u->pin[--u->pinlen] = '\0';
		return;
	}
	if (!ui_is_enter(fkey, ch)) {
		if (!fkey && ch > 0x20 && ch < 0x7f && u->pinlen < UI_PIN_MAX)
			u->pin[u->pinlen++] = (char)ch;
		return;
	}
	if (kiosk_pin_check(u->k, u->pin, u->pinlen, &e) == 0) {
		pin_wipe(u);
		u->pin_fails = 0;
		ui_go(u, &screen_admin);
		return;
	}
	pin_wipe(u);
	u->pin_fails++;
	delay = u->pin_fails >= 7 ? 60 : 1 << (u->pin_fails - 1);
	u->pin_wait_until = ui_now() + delay;
	snprintf(u->msg, sizeof u->msg, "%s", tr("Wrong PIN."));
}

const struct screen screen_pin = {
	.name = "pin",
	.enter = pin_enter,
	.draw = pin_draw,
	.key = pin_key,
	.in_session = 1,
};
