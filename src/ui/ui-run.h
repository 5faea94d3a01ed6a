/* ui-run: the kiosk's screens as the kiosk program sees them. The program
 * hands ui_run the kiosk, the form and a table of actions that reach past the
 * kiosk (export to a USB stick, push to the hub, the feedback pack); the UI
 * calls them and knows nothing of bundles, packs' bytes, HTTP or child
 * processes. */
#ifndef UI_RUN_H
#define UI_RUN_H

#include <stddef.h>

#include "err.h"
#include "feedback.h"
#include "form.h"
#include "kiosk.h"

struct ui_actions {
	void *ctx; /* handed back to every action */
	/* Export every story not yet exported into dir: 0 with *stories written
	 * to *path (caller frees; NULL when there was nothing to export). */
	int (*export_to)(void *ctx, const char *dir, size_t *stories, char **path, struct err *e);
	/* The hub pushes go to, shown on the admin screen; NULL: no push (the
	 * push actions below are then never called). */
	const char *push_url;
	/* Start one push in the background; at most one runs at a time. */
	int (*push_start)(void *ctx, struct err *e);
	/* Without blocking: 0 still running, 1 finished with *ok set (1 success),
	 * -1 with e set when it cannot tell (counted as a failure). */
	int (*push_poll)(void *ctx, int *ok, struct err *e);
	/* Stop a push still running (the kiosk is quitting). */
	void (*push_stop)(void *ctx);
	/* Seconds to wait before the next automatic push after this many
	 * failures in a row. */
	long (*push_backoff)(unsigned failures);
	/* The feedback pack in use, verified (welcome's "Read stories from
	 * others"): 0 with *fb (NULL when there is none; the UI frees it with
	 * feedback_free), 1 when it has not changed since the last call that
	 * returned 0 (*fb untouched), -1 with e set when it does not verify
	 * (none is shown). NULL: the kiosk shows no pack. */
	int (*feedback_load)(void *ctx, struct feedback **fb, struct err *e);
	/* Verify the pack file at path and take it, as 'storykiosk feedback'
	 * does (the admin screen, from a USB stick): 0 with *fb its contents,
	 * or -1 with e set and the kiosk's pack unchanged. */
	int (*feedback_install)(void *ctx, const char *path, struct feedback **fb, struct err *e);
};

/* How the kiosk runs: what `storykiosk run` and `preview` were asked for. */
struct ui_mode {
	int idle_override;    /* seconds of inactivity before a session is wiped
	                       * (0: the form's setting) */
	const char *demo_pin; /* NULL, or the admin PIN (already checked) that a
	                       * demo's welcome screen shows */
	int practice;         /* practice (run --practice, preview): the whole
	                       * journey, "PRACTICE: nothing is kept" on every
	                       * screen, and nothing stored, sealed, pushed or
	                       * exported; the story code shown is not real */
	const char *scribe;   /* NULL, or the initials (story_scribe_check) of the
	                       * scribe the kiosk starts in scribe mode for (run
	                       * --assisted); the admin screen turns it on and off */
};

/* Run the kiosk until an admin quits or SIGTERM/SIGHUP comes (a draft is
 * saved first, unless practising). Returns the exit status: 0, or 1 when
 * the terminal cannot be started (said on stderr). k may be NULL only in
 * practice (a preview, with no data directory): the admin screen then
 * opens without a PIN, there being none. */
int ui_run(
    struct kiosk *k, const struct form *f, const struct ui_actions *act, const struct ui_mode *m);

#endif
