/* screen-admin: for the field worker, behind the PIN. Kiosk id, form,
 * counts by status, stories not yet exported, last export, free disk; return
 * to the welcome screen or quit the kiosk (allowed because the PIN was just
 * entered on this visit). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "fsutil.h"
#include "i18n.h"
#include "ui.h"

static char info[12][160];
static int ninfo;

static void
admin_enter(struct ui *u)
{
	struct store_counts c;
	struct err e;
	char *last = NULL;
	uint64_t bytes = 0;
	int i;

	u->sel = 0;
	ninfo = 0;
	snprintf(info[ninfo++], sizeof info[0], "%s %s (%s)", tr("Kiosk:"), u->k->name,
	    u->k->id_hex);
	snprintf(info[ninfo++], sizeof info[0], "%s %s, version %d", tr("Form:"), u->form->id,
	    u->form->version);
	if (store_counts(u->k->store, &c, &e) == 0) {
		for (i = 0; i < STATUS__COUNT; i++)
			snprintf(info[ninfo++], sizeof info[0], "  %-12s %" PRIu64,
			    store_status_name((enum story_status)i), c.by_status[i]);
		snprintf(info[ninfo++], sizeof info[0], "%s %" PRIu64,
		    tr("Not yet exported:"), c.unexported);
	} else
		snprintf(info[ninfo++], sizeof info[0], "%.150s", e.msg);
	if (store_meta_get(u->k->store, "last_export", &last, &e) != 0)
		last = NULL;
	snprintf(info[ninfo++], sizeof info[0], "%s %s", tr("Last export:"),
	    last != NULL ? last : tr("never"));
	free(last);
	if (fsutil_free_bytes(u->k->dir, &bytes, &e) == 0)
		snprintf(info[ninfo++], sizeof info[0], "%s %.1f MB", tr("Free disk:"),
		    (double)bytes / 1e6);
}

static void
admin_draw(struct ui *u)
{
	const char *items[2];
	int i;

	ui_header(u, tr("Administration"), NULL);
	for (i = 0; i < ninfo; i++)
		ui_line(2 + i, 3, COLS - 6, info[i], UA_NORMAL);
	items[0] = tr("Return to the welcome screen");
	items[1] = tr("Quit the kiosk");
	ui_list(3 + ninfo, 3, COLS - 6, 4, items, 2, u->sel, NULL, 1);
	ui_message(u);
	ui_hint(tr("Up/Down: choose · Enter: confirm"));
}

static void
admin_key(struct ui *u, int fkey, wint_t ch)
{
	if (ui_list_key(&u->sel, 2, fkey, ch) || !ui_is_enter(fkey, ch))
		return;
	if (u->sel == 1)
		u->running = 0;
	else
		ui_session_end(u, 0);
}

const struct screen screen_admin = {
	.name = "admin",
	.enter = admin_enter,
	.draw = admin_draw,
	.key = admin_key,
	.in_session = 1,
};
