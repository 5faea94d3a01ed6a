/* ui-push: the running kiosk sends finished stories to the hub by itself.
 * The HTTP client is the storykiosk-push helper, started as a child process
 * (sync/pushspawn.c), so the screen never waits on the network and the
 * kiosk never loads libcurl. A push starts only while the welcome screen
 * shows (between participants, never while someone is typing); one that
 * fails, or leaves stories unacknowledged (the hub holds them in quarantine),
 * is retried after a backoff that doubles up to half an hour. The helper
 * records each attempt and its result in the store; the admin screen and
 * `storykiosk status` read them there. */
#include <stdio.h>
#include <stdlib.h>

#include "i18n.h"
#include "pushspawn.h"
#include "ui.h"
#include "xmalloc.h"

#define UI_PUSH_TIMEOUT 60              /* seconds for one whole push */
#define UI_PUSH_LOOK_SECONDS 2          /* how often the welcome screen checks for work */

/* Finished stories the hub has not acknowledged (0 when it cannot tell),
 * and those it has (*acked). */
static uint64_t
waiting(struct ui *u, uint64_t *acked)
{
	struct store_counts c;
	struct err e;

	if (store_counts(u->k->store, &c, &e) != 0)
		return 0;
	if (acked != NULL)
		*acked = c.acked;
	return c.unacked;
}

/* Start a push; the caller has just counted (push.acked_before). */
static int
start(struct ui *u, struct err *e)
{
	return pushspawn_start(u->push.helper, u->k->dir, u->push.url, UI_PUSH_TIMEOUT,
	    &u->push.pid, e);
}

void
ui_push_init(struct ui *u, const char *url)
{
	u->push.url = url != NULL ? xstrdup(url) : NULL;
	u->push.helper = url != NULL ? pushspawn_helper() : NULL;
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

	u->push.pid = 0;
	u->push.finished++;
	if (ok && (left == 0 || acked > u->push.acked_before)) {
		u->push.failures = 0;
		u->push.next_try = now;
	} else {
		if (u->push.failures < 64)
			u->push.failures++;
		u->push.next_try = now + (double)pushspawn_backoff(u->push.failures);
	}
}

void
ui_push_tick(struct ui *u)
{
	struct err e;
	double now = ui_now();
	int ok = 0, r;

	if (u->push.pid > 0) {
		r = pushspawn_poll(u->push.pid, &ok, &e);
		if (r != 0)
			finished(u, r == 1 && ok);
		return;
	}
	if (u->push.url == NULL || u->screen != &screen_welcome || now < u->push.next_try ||
	    now < u->push.next_look)
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

	if (u->push.url == NULL) {
		snprintf(u->msg, sizeof u->msg, "%s",
		    tr("No hub URL: start the kiosk with --push-url URL, or set one at init."));
		return -1;
	}
	if (u->push.pid > 0) {
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
	pushspawn_stop(u->push.pid);
	u->push.pid = 0;
	free(u->push.url);
	free(u->push.helper);
	u->push.url = u->push.helper = NULL;
}
