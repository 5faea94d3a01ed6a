/* cmd-run: `storykiosk run --data DIR --form FILE`, the full-screen kiosk,
 * also in practice (--practice: nothing kept; without --data it is a
 * preview, as `storykiosk preview` starts) and scribe mode (--assisted). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "export.h"
#include "fail.h"
#include "form.h"
#include "fsutil.h"
#include "kiosk.h"
#include "packstore.h"
#include "pushspawn.h"
#include "story.h"
#include "ui-run.h"

#define RUN_PUSH_TIMEOUT 60 /* seconds for one whole push */

/* What the screens may do past the kiosk (ui-run.h), done here with sync. */
struct run_ctx {
	struct kiosk *k;
	const char *url;
	char *helper; /* the storykiosk-push program */
	pid_t pid;    /* 0: no push running */
	/* The feedback pack file as last read (so an unchanged one is not
	 * verified again each time the welcome screen shows). */
	int pack_read;
	struct stat pack_st; /* st_ino 0: there was none */
};

/* 1 if the pack file is the one last read (or there is still none). */
static int
pack_same(struct run_ctx *c, struct stat *now)
{
	char *path = fsutil_join(c->k->dir, PACKSTORE_FILE);
	int have = stat(path, now) == 0;

	free(path);
	if (!have)
		memset(now, 0, sizeof *now);
	return c->pack_read && now->st_ino == c->pack_st.st_ino &&
	    now->st_dev == c->pack_st.st_dev && now->st_size == c->pack_st.st_size &&
	    now->st_mtim.tv_sec == c->pack_st.st_mtim.tv_sec &&
	    now->st_mtim.tv_nsec == c->pack_st.st_mtim.tv_nsec;
}

static int
run_feedback_load(void *ctx, struct feedback **fb, struct err *e)
{
	struct run_ctx *c = ctx;
	struct stat now;

	if (pack_same(c, &now))
		return 1;
	c->pack_read = 1;
	c->pack_st = now;
	return packstore_load(c->k, fb, e);
}

static int
run_feedback_install(void *ctx, const char *path, struct feedback **fb, struct err *e)
{
	struct run_ctx *c = ctx;
	struct stat now;

	if (packstore_install_file(c->k, path, fb, e) == -1)
		return -1;
	/* The UI has the new pack: the next load need not read it again. */
	pack_same(c, &now);
	c->pack_read = 1;
	c->pack_st = now;
	return 0;
}

static int
run_export(void *ctx, const char *dir, size_t *stories, char **path, struct err *e)
{
	struct run_ctx *c = ctx;
	struct export_result res = { 0 };

	if (export_run(c->k, dir, 0, &res, e) != 0)
		return -1;
	*stories = res.stories;
	*path = res.path; /* handed over */
	res.path = NULL;
	export_result_free(&res);
	return 0;
}

static int
run_push_start(void *ctx, struct err *e)
{
	struct run_ctx *c = ctx;

	/* NULL: the helper takes STORYKIOSK_PUSH_CA (storykiosk.conf) or init's CA */
	return pushspawn_start(c->helper, c->k->dir, c->url, NULL, RUN_PUSH_TIMEOUT, &c->pid, e);
}

static int
run_push_poll(void *ctx, int *ok, struct err *e)
{
	struct run_ctx *c = ctx;
	int r = pushspawn_poll(c->pid, ok, e);

	if (r != 0)
		c->pid = 0;
	return r;
}

static void
run_push_stop(void *ctx)
{
	struct run_ctx *c = ctx;

	pushspawn_stop(c->pid);
	c->pid = 0;
}

static void
usage(FILE *fp)
{
	fputs(
	    "usage: storykiosk run --data DIR --form FILE [--push-url URL] [--idle SECONDS]\n"
	    "                      [--demo-pin PIN] [--practice] [--assisted [--scribe INITIALS]]\n"
	    "       storykiosk run --practice --form FILE [--idle SECONDS] [--assisted ...]\n\n"
	    "Start the kiosk full-screen for participants. The form's languages,\n"
	    "consent text and questions are shown; each story is sealed to the hub\n"
	    "key(s) before it is stored in DIR. Drafts left by a crash or power cut\n"
	    "are marked interrupted at start. F12 or Ctrl-A on the welcome screen,\n"
	    "then the admin PIN, opens the admin screen (counts, export, push, scribe\n"
	    "mode, quit).\n\n"
	    "With a push URL (--push-url, else STORYKIOSK_PUSH_URL, else the one\n"
	    "given to 'storykiosk init --push-url'), finished stories go to the hub\n"
	    "by themselves: between participants, while the welcome screen shows, a\n"
	    "background process pushes them; after a failure it waits 30 s, then 1,\n"
	    "2, 4 ... up to 30 minutes before trying again (the admin screen's\n"
	    "\"Push to the hub now\" does not wait).\n\n"
	    "  --data DIR        the kiosk data directory (storykiosk init)\n"
	    "  --form FILE       the form (YAML), e.g. forms/partnership.yaml\n"
	    "  --push-url URL    the hub to push to (overrides init's --push-url)\n"
	    "  --idle SECONDS    override the form's idle timeout (testing)\n"
	    "  --demo-pin PIN    for demos only ('make demo'): the welcome screen shows\n"
	    "                    this admin PIN to everyone, and how to reach the admin\n"
	    "                    screen and Quit; it must be the kiosk's PIN, else the\n"
	    "                    kiosk does not start. Never use it at an event.\n"
	    "  --practice        practice: the whole journey with \"PRACTICE: nothing is\n"
	    "                    kept\" on every screen; nothing is stored, sealed,\n"
	    "                    pushed or exported, and the story code shown is not\n"
	    "                    real. With --data the admin PIN still guards the admin\n"
	    "                    screen; without it (as 'storykiosk preview') there is\n"
	    "                    no PIN: F12 opens the admin screen, where Quit is.\n"
	    "  --assisted        scribe mode from the start: a scribe reads the consent\n"
	    "                    text aloud, confirms the teller agreed, and types the\n"
	    "                    teller's story, stored with source \"scribe\" and the\n"
	    "                    scribe's initials (the admin screen turns it off)\n"
	    "  --scribe INITIALS the scribe's initials, 1 to 4 letters (implies\n"
	    "                    --assisted; without it --assisted asks for them on\n"
	    "                    the terminal)\n"
	    "\nSee docs/kiosk.md for every key.\n",
	    fp);
}

/* --assisted without --scribe: ask on the terminal before the screens start. */
static int
ask_initials(char out[STORY_SCRIBE_MAX + 1])
{
	char line[64];
	struct err e;
	size_t n;

	if (!isatty(STDIN_FILENO))
		return fail("--assisted: give the scribe's initials with --scribe INITIALS "
		            "(there is no terminal to ask on)");
	fputs("The scribe's initials (1 to 4 letters): ", stdout);
	fflush(stdout);
	if (fgets(line, sizeof line, stdin) == NULL)
		return fail("--assisted: no initials given (give them with --scribe INITIALS)");
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (story_scribe_check(line, out, &e) != 0)
		return fail("--assisted: %s", e.msg);
	return 0;
}

int
run_kiosk(const struct run_opts *o)
{
	const char *push_url = o->push_url, *env_url;
	char *saved_url = NULL, initials[STORY_SCRIBE_MAX + 1];
	struct form_problems probs = { 0 };
	struct form *f = NULL;
	struct kiosk *k = NULL;
	struct run_ctx ctx = { 0 };
	struct ui_actions act = { .export_to = run_export,
		.push_start = run_push_start,
		.push_poll = run_push_poll,
		.push_stop = run_push_stop,
		.push_backoff = pushspawn_backoff,
		.feedback_load = run_feedback_load,
		.feedback_install = run_feedback_install };
	struct ui_mode mode = {
		.idle_override = o->idle, .demo_pin = o->demo_pin, .practice = o->practice
	};
	struct err e;
	uint64_t n = 0;
	int rc = 1;

	if (o->practice && push_url != NULL)
		return fail("--push-url: nothing is pushed in practice (leave out --push-url or "
		            "--practice)");
	if (o->data == NULL && o->demo_pin != NULL)
		return fail(
		    "--demo-pin needs the kiosk data directory (--data DIR) whose PIN it is");
	if (push_url != NULL && pushspawn_url_check(push_url, &e) == -1)
		return fail("--push-url: %s", e.msg);
	if (o->scribe != NULL) {
		if (story_scribe_check(o->scribe, initials, &e) != 0)
			return fail("--scribe: %s", e.msg);
		mode.scribe = initials;
	} else if (o->assisted) {
		if (ask_initials(initials) != 0)
			return 1;
		mode.scribe = initials;
	}
	if (form_load(o->form, &f, &probs, &e) != 0) {
		form_problems_free(&probs);
		return fail("%s (check it with 'storykiosk check-form %s')", e.msg, o->form);
	}
	form_problems_free(&probs);
	if (o->data == NULL) { /* a preview: no kiosk, nothing to keep */
		rc = ui_run(NULL, f, &act, &mode);
		goto out;
	}
	if (kiosk_open(o->data, &k, &e) != 0) {
		rc = fail("%s", e.msg);
		goto out;
	}
	/* The PIN a demo shows must be the one that opens the admin screen. */
	if (o->demo_pin != NULL && kiosk_pin_check(k, o->demo_pin, strlen(o->demo_pin), &e) != 0) {
		rc = fail("--demo-pin: %s (give the admin PIN set by 'storykiosk init', or "
		          "leave --demo-pin out)",
		    e.msg);
		goto out;
	}
	/* Practice writes nothing, not even this mark (the next real run sets it). */
	if (!o->practice && store_mark_interrupted(k->store, &n, &e) != 0) {
		rc = fail("%s", e.msg);
		goto out;
	}
	/* The service's setting (storykiosk.conf), else init's; none in practice. */
	if (!o->practice && push_url == NULL && (env_url = getenv("STORYKIOSK_PUSH_URL")) != NULL &&
	    env_url[0] != '\0') {
		if (pushspawn_url_check(env_url, &e) == -1) {
			rc = fail("STORYKIOSK_PUSH_URL: %s", e.msg);
			goto out;
		}
		push_url = env_url;
	}
	if (!o->practice && push_url == NULL) {
		if (store_meta_get(k->store, "push_url", &saved_url, &e) != 0) {
			rc = fail("%s", e.msg);
			goto out;
		}
		push_url = saved_url;
	}
	ctx.k = k;
	ctx.url = push_url;
	ctx.helper = push_url != NULL ? pushspawn_helper() : NULL;
	act.ctx = &ctx;
	act.push_url = push_url;
	rc = ui_run(k, f, &act, &mode);
	free(ctx.helper);
out:
	free(saved_url);
	kiosk_close(k);
	form_free(f);
	return rc;
}

int
cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	int i;
	char *end;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			o.data = argv[++i];
		else if (strcmp(argv[i], "--form") == 0 && i + 1 < argc)
			o.form = argv[++i];
		else if (strcmp(argv[i], "--push-url") == 0 && i + 1 < argc)
			o.push_url = argv[++i];
		else if (strcmp(argv[i], "--demo-pin") == 0 && i + 1 < argc)
			o.demo_pin = argv[++i];
		else if (strcmp(argv[i], "--practice") == 0)
			o.practice = 1;
		else if (strcmp(argv[i], "--assisted") == 0)
			o.assisted = 1;
		else if (strcmp(argv[i], "--scribe") == 0 && i + 1 < argc) {
			o.scribe = argv[++i];
			o.assisted = 1;
		} else if (strcmp(argv[i], "--idle") == 0 && i + 1 < argc) {
			o.idle = (int)strtol(argv[++i], &end, 10);
			if (*end != '\0' || o.idle <= 0)
				return fail_usage("run");
		} else
			return fail_usage("run");
	}
	if (o.form == NULL || (o.data == NULL && !o.practice))
		return fail_usage("run");
	return run_kiosk(&o);
}
