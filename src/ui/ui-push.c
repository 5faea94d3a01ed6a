/* ui-push: the running kiosk sends finished stories to the hub by itself,
 * through the program's push actions (ui-run.h: the program starts the
 * storykiosk-push helper as a child process, so the screen never waits on the
 * network). A push starts only while the welcome screen shows (between
 * participants, never while someone is typing); one that fails, or leaves
 * stories unacknowledged (the hub holds them in quarantine), is retried after
 * the program's backoff. The helper records each attempt and its result in
 * the store; the admin screen and `storykiosk status` read them there. */
#include <stdio.h>
#include <stdlib.h>

#include "i18n.h"
#include "ui.h"

#define UI_PUSH_LOOK_SECONDS 2 /* how often the welcome screen checks for work */

/* Finished stories the hub has not acknowledged (0 when it cannot tell),
 * and those it has (*acked). */
static uint64_t
waiting(struct ui *u, uint64_t *acked)
{
	struct store_counts c;
	struct err e;

	if (kiosk_counts(u->k, &c, &e) != 0)
		return 0;
	if (acked != NULL)
		*acked = c.acked;
	return c.unacked;
}

static int
start(struct ui *u, struct err *e)
{
	if (u->act->push_start(u->act->ctx, e) != 0)
		return -1;
	u->push.running = 1;
	return 0;
}

void
ui_push_init(struct ui *u)
{
	u->push.next_try = u->push.next_look = ui_now();
}

/* A push ended. Success that acknowledged stories (or left none waiting)
 * resets the backoff, and stories finished meanwhile go next; failure, or a
 * delivery the hub holds in quarantine, waits longer each time. */
static void
finished(struct ui *u, int ok)
{
	double now = ui_now();
	uint64_t acked = 0, left = waiting(u, &acked);

	u->push.running = 0;
	u->push.finished++;
	if (ok && (left == 0 || acked > u->push.acked_before)) {
		u->push.failures = 0;
		u->push.next_try = now;
	} else {
		if (u->push.failures < 64)
			u->push.failures++;
		u->push.next_try = now + (double)u->act->push_backoff(u->push.failures);
	}
}

void
ui_push_tick(struct ui *u)
{
	struct err e;
	double now = ui_now();
	int ok = 0, r;

	if (u->act->push_url == NULL)
		return;
	if (u->push.running) {
		r = u->act->push_poll(u->act->ctx, &ok, &e);
		if (r != 0)
			finished(u, r == 1 && ok);
		return;
	}
	if (u->screen != &screen_welcome || now < u->push.next_try || now < u->push.next_look)
		return;
	u->push.next_look = now + UI_PUSH_LOOK_SECONDS;
	if (waiting(u, &u->push.acked_before) == 0)
		return;
	if (start(u, &e) != 0)
		finished(u, 0);
}

int
ui_push_now(struct ui *u)
{
	struct err e;

	if (u->act->push_url == NULL) {
		snprintf(u->msg, sizeof u->msg, "%s",
		    tr("No hub URL: start the kiosk with --push-url URL, or set one at init."));
		return -1;
	}
	if (u->push.running) {
		snprintf(u->msg, sizeof u->msg, "%s", tr("A push is already running."));
		return -1;
	}
	waiting(u, &u->push.acked_before);
	if (start(u, &e) != 0) {
		snprintf(u->msg, sizeof u->msg, "%.500s", e.msg);
		return -1;
	}
	snprintf(u->msg, sizeof u->msg, "%s", tr("Pushing to the hub in the background..."));
	return 0;
}

void
ui_push_end(struct ui *u)
{
	if (u->push.running && u->act->push_stop != NULL)
		u->act->push_stop(u->act->ctx);
	u->push.running = 0;
}
