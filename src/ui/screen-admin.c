/* screen-admin: for the field worker, behind the PIN. Kiosk id, form,
 * counts by status, stories not yet exported, last export, free disk, the
 * feedback pack shown; export
 * bundles to a directory (a USB stick) through the program's export action;
 * load a feedback pack from a path typed there (the feedback_install action);
 * change the form (another *.yaml next to the current one, until restart);
 * turn scribe mode on (the scribe's initials typed) or off; return to the
 * welcome screen, push to the hub now (ui-push.c), or quit the kiosk
 * (allowed because the PIN was just entered on this visit). The push lines
 * show the last attempt and its result, the last success and the stories
 * waiting for the hub. In practice there is no export and no push; in a
 * preview (no data directory) no kiosk either, and no PIN before it. */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fsutil.h"
#include "i18n.h"
#include "ui.h"
#include "utf8.h"
#include "xmalloc.h"

/* The actions, in the order offered (struct admin_state's items): push
 * stays next to last, quit last, where the field worker's keys find them. */
enum {
	ADMIN_RETURN,
	ADMIN_EXPORT,
	ADMIN_FORM,
	ADMIN_SCRIBE,
	ADMIN_PACK,
	ADMIN_PUSH,
	ADMIN_QUIT,
	ADMIN__COUNT
};

static void
forms_free(struct admin_state *a)
{
	int i;

	for (i = 0; i < a->nforms; i++)
		free(a->forms[i]);
	a->nforms = 0;
	a->picking = 0;
}

static void
dir_field_close(struct admin_state *a)
{
	textbuf_free(a->dir_field);
	a->dir_field = NULL;
}

static void
initials_field_close(struct admin_state *a)
{
	textbuf_free(a->initials_field);
	a->initials_field = NULL;
}

static void
pack_field_close(struct admin_state *a)
{
	textbuf_free(a->pack_field);
	a->pack_field = NULL;
}

void
admin_state_clear(struct admin_state *a)
{
	forms_free(a);
	dir_field_close(a);
	initials_field_close(a);
	pack_field_close(a);
	memset(a, 0, sizeof *a);
}

/* The actions this kiosk offers: in practice nothing is exported or pushed;
 * a feedback pack is taken only where the program can take one (not in
 * practice or a preview). */
static void
items_list(struct ui *u)
{
	struct admin_state *a = &u->admin;
	int i;

	a->nitems = 0;
	for (i = 0; i < ADMIN__COUNT; i++)
		if ((!u->practice || (i != ADMIN_EXPORT && i != ADMIN_PUSH)) &&
		    (i != ADMIN_PACK || u->act->feedback_install != NULL))
			a->items[a->nitems++] = i;
}

/* The *.yaml files in the current form's directory. */
static void
forms_list(struct ui *u)
{
	struct admin_state *a = &u->admin;
	const char *path = u->form->path != NULL ? u->form->path : ".";
	const char *slash = strrchr(path, '/');
	char *dir =
	    slash != NULL ? xstrndup(path, (size_t)(slash - path + (slash == path))) : xstrdup(".");
	struct dirent *de;
	DIR *d;
	size_t len;

	forms_free(a);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL && a->nforms < ADMIN_MAX_FORMS) {
			len = strlen(de->d_name);
			if (len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0)
				a->forms[a->nforms++] = fsutil_join(dir, de->d_name);
		}
		closedir(d);
	}
	free(dir);
	a->form_sel = 0;
	a->picking = 1;
}

static void
form_pick(struct ui *u)
{
	struct form_problems probs = { 0 };
	struct form *f = NULL;
	struct err e;

	if (form_load(u->admin.forms[u->admin.form_sel], &f, &probs, &e) != 0)
		snprintf(u->msg, sizeof u->msg, "%.500s", e.msg);
	else {
		ui_set_form(u, f);
		snprintf(u->msg, sizeof u->msg, "%s %.200s", tr("Form changed to"), f->id);
	}
	form_problems_free(&probs);
	forms_free(&u->admin);
}

/* The feedback pack line: its number, date and stories, or why none shows. */
static void
pack_info(struct ui *u, char *out, size_t size)
{
	char when[32] = "?";
	struct tm tm;
	time_t t;

	if (u->fb == NULL) {
		snprintf(out, size, "%s %.150s", tr("Feedback pack:"),
		    u->fb_problem[0] ? u->fb_problem : tr("none"));
		return;
	}
	t = (time_t)u->fb->created;
	if (gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%d", &tm);
	snprintf(out, size, "%s %" PRIu64 " (%s), ", tr("Feedback pack:"), u->fb->seq, when);
	snprintf(out + strlen(out), size - strlen(out),
	    trn("%zu story", "%zu stories", (unsigned long)u->fb->nstories), u->fb->nstories);
}

/* Read what the info lines show (again after an export or a push). */
static void
refresh_info(struct ui *u)
{
	struct admin_state *a = &u->admin;
	char(*info)[ADMIN_INFO_LEN] = a->info;
	struct store_counts c;
	struct err e;
	char *last = NULL, *push_ok = NULL, *push_try = NULL, *push_res = NULL;
	struct kiosk_space sp;
	size_t len;
	int i, have_counts;

	a->ninfo = 0;
	a->seen_push = u->push.finished;
	if (u->k == NULL) { /* a preview: no kiosk to tell of */
		snprintf(info[a->ninfo++], sizeof info[0], "%s",
		    tr("Preview: no data directory and no keys; nothing is kept."));
		snprintf(info[a->ninfo++], sizeof info[0], "%s %s, version %d", tr("Form:"),
		    u->form->id, u->form->version);
		return;
	}
	snprintf(
	    info[a->ninfo++], sizeof info[0], "%s %s (%s)", tr("Kiosk:"), u->k->name, u->k->id_hex);
	snprintf(info[a->ninfo++], sizeof info[0], "%s %s, version %d", tr("Form:"), u->form->id,
	    u->form->version);
	have_counts = kiosk_counts(u->k, &c, &e) == 0;
	if (have_counts) {
		len = 0;
		for (i = 0; i < STATUS__COUNT && len < sizeof info[0]; i++)
			len += (size_t)snprintf(info[a->ninfo] + len, sizeof info[0] - len,
			    "%s%s %" PRIu64, i > 0 ? " · " : "  ", story_status_name(i),
			    c.by_status[i]);
		a->ninfo++;
	} else
		snprintf(info[a->ninfo++], sizeof info[0], "%.150s", e.msg);
	if (kiosk_meta_get(u->k, "last_export", &last, &e) != 0)
		last = NULL;
	if (have_counts)
		snprintf(info[a->ninfo++], sizeof info[0], "%s %" PRIu64 " · %s %s",
		    tr("Not yet exported:"), c.unexported, tr("Last export:"),
		    last != NULL ? last : tr("never"));
	if (kiosk_space(u->k, &sp, &e) == 0) {
		char size[FSUTIL_SIZE_LEN], reserve[FSUTIL_SIZE_LEN];

		fsutil_format_size(sp.free, size);
		fsutil_format_size(sp.reserve, reserve);
		snprintf(info[a->ninfo++], sizeof info[0], "%s %s (%s %s)", tr("Free disk:"), size,
		    reserve, tr("kept for export, push and purge"));
		if (sp.full)
			snprintf(info[a->ninfo++], sizeof info[0], "%s",
			    tr("Full: new stories are refused. Export, then purge."));
	}
	snprintf(info[a->ninfo++], sizeof info[0], "%s %s", tr("Push to:"),
	    u->act->push_url != NULL ? u->act->push_url : tr("not set (USB export only)"));
	/* A setting that cannot be read shows as "never". */
	if (kiosk_meta_get(u->k, "last_push_attempt", &push_try, &e) != 0)
		push_try = NULL;
	if (kiosk_meta_get(u->k, "last_push_result", &push_res, &e) != 0)
		push_res = NULL;
	if (kiosk_meta_get(u->k, "last_push", &push_ok, &e) != 0)
		push_ok = NULL;
	if (u->push.running)
		snprintf(info[a->ninfo++], sizeof info[0], "%s %s", tr("Last push attempt:"),
		    tr("pushing now..."));
	else {
		/* The result may quote the hub's words: neutralised for the screen. */
		char *safe =
		    push_res != NULL ? utf8_neutralise(push_res, strlen(push_res), 0) : NULL;

		snprintf(info[a->ninfo++], sizeof info[0], "%s %s", tr("Last push attempt:"),
		    push_try != NULL ? push_try : tr("never"));
		if (safe != NULL)
			snprintf(info[a->ninfo++], sizeof info[0], "  %.150s", safe);
		free(safe);
	}
	if (have_counts)
		snprintf(info[a->ninfo++], sizeof info[0], "%s %" PRIu64 " · %s %s",
		    tr("Waiting for the hub:"), c.unacked, tr("Last success:"),
		    push_ok != NULL ? push_ok : tr("never"));
	if (!u->practice) /* practice shows no pack */
		pack_info(u, info[a->ninfo++], sizeof info[0]);
	free(last);
	free(push_ok);
	free(push_try);
	free(push_res);
}

/* A push finished while the admin screen shows: read the new figures. (A
 * push starts here only from "push now", which reads them itself.) */
static void
admin_tick(struct ui *u)
{
	if (u->push.finished == u->admin.seen_push)
		return;
	refresh_info(u);
	if (strcmp(u->msg, tr("Pushing to the hub in the background...")) == 0)
		u->msg[0] = '\0';
}

static void
admin_enter(struct ui *u)
{
	admin_state_clear(&u->admin);
	items_list(u);
	u->sel = 0;
	refresh_info(u);
}

/* A text field being typed, under its title, at row y. */
static void
field_draw(struct textbuf *tb, int y, const char *title)
{
	char *s = textbuf_utf8(tb, NULL);

	ui_line(y, 3, COLS - 6, title, UA_TITLE);
	attrset(ui_attr(UA_FOCUS));
	mvhline(y + 1, 3, ' ', COLS - 6);
	attrset(A_NORMAL);
	ui_line(y + 1, 3, COLS - 6, s, UA_FOCUS);
	textbuf_utf8_free(s);
}

static void
admin_draw(struct ui *u)
{
	const struct admin_state *a = &u->admin;
	const char *label[ADMIN__COUNT], *items[ADMIN_MAX_ITEMS];
	char scribe[128];
	/* A list or a field opened below the actions needs the rows the lines
	 * about the kiosk take on 80x24: they are left out meanwhile. */
	int i, y,
	    ninfo =
	        a->picking || a->dir_field || a->initials_field || a->pack_field ? -1 : a->ninfo;

	ui_header(u, tr("Administration"), NULL);
	for (i = 0; i < ninfo; i++)
		ui_line(2 + i, 3, COLS - 6, a->info[i], UA_NORMAL);
	if (u->scribe[0] != '\0')
		snprintf(scribe, sizeof scribe, tr("Turn scribe mode off (scribe: %s)"), u->scribe);
	label[ADMIN_RETURN] = tr("Return to the welcome screen");
	label[ADMIN_EXPORT] = tr("Export bundles to a directory (USB stick)");
	label[ADMIN_FORM] = tr("Change the form (until restart)");
	label[ADMIN_PUSH] = tr("Push to the hub now");
	label[ADMIN_SCRIBE] = u->scribe[0] != '\0' ?
	    scribe :
	    tr("Turn scribe mode on (a scribe types for the teller)");
	label[ADMIN_PACK] = tr("Load a feedback pack (USB stick)");
	label[ADMIN_QUIT] = tr("Quit the kiosk");
	for (i = 0; i < a->nitems; i++)
		items[i] = label[a->items[i]];
	y = 3 + ninfo;
	y += ui_list(y, 3, COLS - 6, a->nitems, items, a->nitems, u->sel, NULL, 1);
	if (a->picking) {
		const char *names[ADMIN_MAX_FORMS];

		for (i = 0; i < a->nforms; i++)
			names[i] =
			    strrchr(a->forms[i], '/') ? strrchr(a->forms[i], '/') + 1 : a->forms[i];
		ui_line(y + 1, 3, COLS - 6, tr("Choose a form:"), UA_TITLE);
		ui_list(y + 2, 3, COLS - 6, LINES - y - 6, names, a->nforms, a->form_sel, NULL, 1);
		ui_message(u);
		ui_hint(tr("Up/Down: choose · Enter: use this form · Ctrl-X: back"));
		return;
	}
	if (a->dir_field != NULL) {
		field_draw(a->dir_field, y + 1, tr("Directory to export to:"));
		ui_message(u);
		ui_hint(tr("Type the directory · Enter: export · Ctrl-X: back"));
		return;
	}
	if (a->initials_field != NULL) {
		field_draw(a->initials_field, y + 1, tr("The scribe's initials (1 to 4 letters):"));
		ui_message(u);
		ui_hint(tr("Type the initials · Enter: turn scribe mode on · Ctrl-X: back"));
		return;
	}
	if (a->pack_field != NULL) {
		field_draw(a->pack_field, y + 1, tr("Feedback pack file to load:"));
		ui_message(u);
		ui_hint(tr("Type the file's path · Enter: load · Ctrl-X: back"));
		return;
	}
	ui_message(u);
	ui_hint(tr("Up/Down: choose · Enter: confirm"));
}

static void
export_to(struct ui *u)
{
	struct err e;
	char *dir = textbuf_utf8(u->admin.dir_field, NULL), *path = NULL;
	size_t stories = 0;

	dir_field_close(&u->admin);
	if (u->act->export_to(u->act->ctx, dir, &stories, &path, &e) != 0)
		snprintf(u->msg, sizeof u->msg, "%.500s", e.msg);
	else if (path == NULL)
		snprintf(u->msg, sizeof u->msg, "%s",
		    tr("Nothing to export: every story is already exported."));
	else
		snprintf(u->msg, sizeof u->msg,
		    trn("Exported %zu story to %.400s", "Exported %zu stories to %.400s", stories),
		    stories, path);
	free(path);
	free(u->export_dir);
	u->export_dir = dir; /* offered again next time */
	refresh_info(u);
}

/* Typing into a one-line field: 1 if the key was for it. */
static int
field_key(struct textbuf *tb, int fkey, wint_t ch)
{
	if (fkey && ch == KEY_BACKSPACE)
		textbuf_backspace(tb);
	else if (!fkey && (ch == 8 || ch == 127))
		textbuf_backspace(tb);
	else if (!fkey && ch >= 0x20)
		textbuf_insert(tb, (uint32_t)ch);
	else
		return 0;
	return 1;
}

static void
dir_key(struct ui *u, int fkey, wint_t ch)
{
	if (!fkey && ch == KEY_CTRL_X) {
		dir_field_close(&u->admin);
		return;
	}
	if (ui_is_enter(fkey, ch)) {
		export_to(u);
		return;
	}
	field_key(u->admin.dir_field, fkey, ch);
}

/* Load the pack whose path was typed; the kiosk's pack stays as it was on
 * any refusal, and the message says why. */
static void
pack_load(struct ui *u)
{
	struct feedback *fb = NULL;
	struct err e;
	char *path = textbuf_utf8(u->admin.pack_field, NULL);

	pack_field_close(&u->admin);
	if (u->act->feedback_install(u->act->ctx, path, &fb, &e) != 0)
		snprintf(u->msg, sizeof u->msg, "%.500s", e.msg);
	else {
		snprintf(u->msg, sizeof u->msg,
		    trn("Feedback pack %llu loaded: %zu story.",
		        "Feedback pack %llu loaded: %zu stories.", (unsigned long)fb->nstories),
		    (unsigned long long)fb->seq, fb->nstories);
		u->fb_problem[0] = '\0';
		ui_feedback_set(u, fb);
	}
	free(u->pack_path);
	u->pack_path = path; /* offered again next time */
	refresh_info(u);
}

static void
pack_key(struct ui *u, int fkey, wint_t ch)
{
	if (!fkey && ch == KEY_CTRL_X)
		pack_field_close(&u->admin);
	else if (ui_is_enter(fkey, ch))
		pack_load(u);
	else
		field_key(u->admin.pack_field, fkey, ch);
}

/* Enter on the initials: scribe mode on from the next teller, who starts
 * on the welcome screen (the banner names the scribe); initials that are
 * not 1 to 4 letters are refused and stay to be corrected. */
static void
initials_key(struct ui *u, int fkey, wint_t ch)
{
	char initials[STORY_SCRIBE_MAX + 1], *typed;
	struct err e;
	int rv;

	if (!fkey && ch == KEY_CTRL_X) {
		initials_field_close(&u->admin);
		return;
	}
	if (!ui_is_enter(fkey, ch)) {
		if (field_key(u->admin.initials_field, fkey, ch))
			u->msg[0] = '\0';
		return;
	}
	typed = textbuf_utf8(u->admin.initials_field, NULL);
	rv = story_scribe_check(typed, initials, &e);
	textbuf_utf8_free(typed);
	if (rv != 0) {
		snprintf(u->msg, sizeof u->msg, "%s",
		    tr("Initials are 1 to 4 letters, A to Z, without spaces or dots."));
		return;
	}
	memcpy(u->scribe, initials, sizeof u->scribe);
	ui_session_end(u, 0);
}

static void
admin_key(struct ui *u, int fkey, wint_t ch)
{
	struct admin_state *a = &u->admin;

	if (a->dir_field != NULL) {
		dir_key(u, fkey, ch);
		return;
	}
	if (a->initials_field != NULL) {
		initials_key(u, fkey, ch);
		return;
	}
	if (a->pack_field != NULL) {
		pack_key(u, fkey, ch);
		return;
	}
	if (a->picking) {
		if (!fkey && ch == KEY_CTRL_X)
			forms_free(a);
		else if (!ui_list_key(&a->form_sel, a->nforms, fkey, ch) && ui_is_enter(fkey, ch) &&
		    a->nforms > 0) {
			form_pick(u);
			refresh_info(u);
		}
		return;
	}
	if (ui_list_key(&u->sel, a->nitems, fkey, ch) || !ui_is_enter(fkey, ch))
		return;
	u->msg[0] = '\0';
	switch (a->items[u->sel]) {
	case ADMIN_QUIT:
		u->running = 0;
		break;
	case ADMIN_FORM:
		forms_list(u);
		break;
	case ADMIN_PUSH:
		if (ui_push_now(u) == 0)
			refresh_info(u);
		break;
	case ADMIN_EXPORT:
		a->dir_field = textbuf_new(0, 1024);
		textbuf_set_utf8(
		    a->dir_field, u->export_dir != NULL ? u->export_dir : "/media/usb");
		break;
	case ADMIN_PACK:
		a->pack_field = textbuf_new(0, 1024);
		textbuf_set_utf8(
		    a->pack_field, u->pack_path != NULL ? u->pack_path : "/media/usb/");
		break;
	case ADMIN_SCRIBE:
		if (u->scribe[0] != '\0') { /* off: the teller types again */
			u->scribe[0] = '\0';
			ui_session_end(u, 0);
		} else
			a->initials_field = textbuf_new(0, 16);
		break;
	default:
		ui_session_end(u, 0);
	}
}

const struct screen screen_admin = {
	.name = "admin",
	.enter = admin_enter,
	.draw = admin_draw,
	.key = admin_key,
	.tick = admin_tick,
	.in_session = 1,
};
