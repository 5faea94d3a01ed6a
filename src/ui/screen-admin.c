/* screen-admin: for the field worker, behind the PIN. Kiosk id, form,
 * counts by status, stories not yet exported, last export, free disk; export
 * bundles to a directory (a USB stick) through the program's export action;
 * change the form (another *.yaml next to the current one, until restart);
 * return to the welcome screen, push to the hub now (ui-push.c), or quit the kiosk
 * (allowed because the PIN was just entered on this visit). The push lines
 * show the last attempt and its result, the last success and the stories
 * waiting for the hub. */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "i18n.h"
#include "ui.h"
#include "utf8.h"
#include "xmalloc.h"

enum {
	ADMIN_RETURN,
	ADMIN_EXPORT,
	ADMIN_FORM,
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

void
admin_state_clear(struct admin_state *a)
{
	forms_free(a);
	dir_field_close(a);
	memset(a, 0, sizeof *a);
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
	u->sel = 0;
	refresh_info(u);
}

static void
admin_draw(struct ui *u)
{
	const struct admin_state *a = &u->admin;
	const char *items[ADMIN__COUNT];
	int i, y;

	ui_header(u, tr("Administration"), NULL);
	for (i = 0; i < a->ninfo; i++)
		ui_line(2 + i, 3, COLS - 6, a->info[i], UA_NORMAL);
	items[ADMIN_RETURN] = tr("Return to the welcome screen");
	items[ADMIN_EXPORT] = tr("Export bundles to a directory (USB stick)");
	items[ADMIN_FORM] = tr("Change the form (until restart)");
	items[ADMIN_PUSH] = tr("Push to the hub now");
	items[ADMIN_QUIT] = tr("Quit the kiosk");
	y = 3 + a->ninfo;
	y += ui_list(y, 3, COLS - 6, ADMIN__COUNT, items, ADMIN__COUNT, u->sel, NULL, 1);
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
		char *s = textbuf_utf8(a->dir_field, NULL);

		ui_line(y + 1, 3, COLS - 6, tr("Directory to export to:"), UA_TITLE);
		attrset(ui_attr(UA_FOCUS));
		mvhline(y + 2, 3, ' ', COLS - 6);
		attrset(A_NORMAL);
		ui_line(y + 2, 3, COLS - 6, s, UA_FOCUS);
		textbuf_utf8_free(s);
		ui_message(u);
		ui_hint(tr("Type the directory · Enter: export · Ctrl-X: back"));
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

static void
dir_key(struct ui *u, int fkey, wint_t ch)
{
	struct textbuf *dir_field = u->admin.dir_field;

	if (!fkey && ch == KEY_CTRL_X) {
		dir_field_close(&u->admin);
		return;
	}
	if (ui_is_enter(fkey, ch)) {
		export_to(u);
		return;
	}
	if (fkey && ch == KEY_BACKSPACE)
		textbuf_backspace(dir_field);
	else if (!fkey && (ch == 8 || ch == 127))
		textbuf_backspace(dir_field);
	else if (!fkey && ch >= 0x20)
		textbuf_insert(dir_field, (uint32_t)ch);
}

static void
admin_key(struct ui *u, int fkey, wint_t ch)
{
	struct admin_state *a = &u->admin;

	if (a->dir_field != NULL) {
		dir_key(u, fkey, ch);
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
	if (ui_list_key(&u->sel, ADMIN__COUNT, fkey, ch) || !ui_is_enter(fkey, ch))
		return;
	u->msg[0] = '\0';
	switch (u->sel) {
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
