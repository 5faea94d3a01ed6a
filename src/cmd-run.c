/* cmd-run: `storykiosk run --data DIR --form FILE`, the full-screen kiosk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "export.h"
#include "fail.h"
#include "form.h"
#include "fsutil.h"
#include "kiosk.h"
#include "packstore.h"
#include "pushspawn.h"
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

	return pushspawn_start(c->helper, c->k->dir, c->url, RUN_PUSH_TIMEOUT, &c->pid, e);
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
	fputs("usage: storykiosk run --data DIR --form FILE [--push-url URL] [--idle SECONDS]\n"
	      "                      [--demo-pin PIN]\n\n"
	      "Start the kiosk full-screen for participants. The form's languages,\n"
	      "consent text and questions are shown; each story is sealed to the hub\n"
	      "key(s) before it is stored in DIR. Drafts left by a crash or power cut\n"
	      "are marked interrupted at start. F12 or Ctrl-A on the welcome screen,\n"
	      "then the admin PIN, opens the admin screen (counts, export, push, quit).\n\n"
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
	      "\nSee docs/kiosk.md for every key.\n",
	    fp);
}

int
cmd_run(int argc, char **argv)
{
	const char *data = NULL, *formpath = NULL, *push_url = NULL, *env_url, *demo_pin = NULL;
	char *saved_url = NULL;
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
	struct err e;
	uint64_t n = 0;
	int i, idle = 0, rc = 1;
	char *end;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			data = argv[++i];
		else if (strcmp(argv[i], "--form") == 0 && i + 1 < argc)
			formpath = argv[++i];
		else if (strcmp(argv[i], "--push-url") == 0 && i + 1 < argc)
			push_url = argv[++i];
		else if (strcmp(argv[i], "--demo-pin") == 0 && i + 1 < argc)
			demo_pin = argv[++i];
		else if (strcmp(argv[i], "--idle") == 0 && i + 1 < argc) {
			idle = (int)strtol(argv[++i], &end, 10);
			if (*end != '\0' || idle <= 0)
				return fail_usage("run");
		} else
			return fail_usage("run");
	}
	if (data == NULL || formpath == NULL)
		return fail_usage("run");
	if (push_url != NULL && pushspawn_url_check(push_url, &e) == -1)
		return fail("--push-url: %s", e.msg);
	if (form_load(formpath, &f, &probs, &e) != 0) {
		form_problems_free(&probs);
		return fail("%s (check it with 'storykiosk check-form %s')", e.msg, formpath);
	}
	form_problems_free(&probs);
	if (kiosk_open(data, &k, &e) != 0) {
		rc = fail("%s", e.msg);
		goto out;
	}
	/* The PIN a demo shows must be the one that opens the admin screen. */
	if (demo_pin != NULL && kiosk_pin_check(k, demo_pin, strlen(demo_pin), &e) != 0) {
		rc = fail("--demo-pin: %s (give the admin PIN set by 'storykiosk init', or "
		          "leave --demo-pin out)",
		    e.msg);
		goto out;
	}
	if (store_mark_interrupted(k->store, &n, &e) != 0) {
		rc = fail("%s", e.msg);
		goto out;
	}
	/* The service's setting (storykiosk.conf), else init's. */
	if (push_url == NULL && (env_url = getenv("STORYKIOSK_PUSH_URL")) != NULL &&
	    env_url[0] != '\0') {
		if (pushspawn_url_check(env_url, &e) == -1) {
			rc = fail("STORYKIOSK_PUSH_URL: %s", e.msg);
			goto out;
		}
		push_url = env_url;
	}
	if (push_url == NULL) {
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
	rc = ui_run(k, f, idle, &act, demo_pin);
	free(ctx.helper);
out:
	free(saved_url);
	kiosk_close(k);
	form_free(f);
	return rc;
}
