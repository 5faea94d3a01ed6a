/* screen-welcome: the form's title and its languages. Moving over a language
 * already switches the hint line to it. When the kiosk has a feedback pack,
 * "Read stories from others" follows the languages (or the key R), in the
 * language last chosen. The hidden admin key (F12 or Ctrl-A)
 * opens the PIN screen; in a demo (run --demo-pin) a line says so, with the
 * PIN, since nothing else tells a newcomer how to leave. A preview (practice
 * with no data directory) has no PIN: the key opens the admin screen, and a
 * line says so. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "ui.h"

/* Languages named in themselves; unknown codes are shown as they are. */
static const struct {
	const char *code, *name;
} lang_names[] = {
	{ "en", "English" },
	{ "fr", "Français" },
	{ "sw", "Kiswahili" },
	{ "es", "Español" },
	{ "pt", "Português" },
	{ "ar", "العربية" },
	{ "am", "አማርኛ" },
	{ "ha", "Hausa" },
	{ "yo", "Yorùbá" },
	{ "zu", "isiZulu" },
	{ "de", "Deutsch" },
	{ "it", "Italiano" },
	{ "zh", "中文" },
	{ "hi", "हिन्दी" },
	{ "bn", "বাংলা" },
	{ "rw", "Ikinyarwanda" },
	{ "so", "Soomaali" },
};

const char *
ui_lang_name(const char *code)
{
	size_t i;

	for (i = 0; i < sizeof lang_names / sizeof lang_names[0]; i++)
		if (strcmp(lang_names[i].code, code) == 0)
			return lang_names[i].name;
	return code;
}

/* 1 if there is a pack with something to read. */
static int
readable(const struct ui *u)
{
	return u->fb != NULL && u->fb->nstories + u->fb->note.n + u->fb->nitems > 0;
}

/* The items: the languages, then "Read stories from others" when there is
 * a pack to read. */
static int
nitems(struct ui *u)
{
	int n = (int)u->form->nlanguages;

	if (n > 31)
		n = 31;
	return n + readable(u);
}

static void
welcome_enter(struct ui *u)
{
	u->sel = 0;
	ui_feedback_refresh(u);
}

/* A push may have brought a new pack: read it between participants. */
static void
welcome_tick(struct ui *u)
{
	if (u->push.finished == u->fb_seen_push)
		return;
	ui_feedback_refresh(u);
	if (u->sel >= nitems(u))
		u->sel = nitems(u) - 1;
}

static void
read_feedback(struct ui *u)
{
	if (readable(u))
		ui_go(u, &screen_feedback);
}

static void
welcome_draw(struct ui *u)
{
	const char *items[32];
	int n = nitems(u), i, y;

	ui_header(u, "", NULL); /* the title is shown large below */
	y = 3 + ui_text(3, 4, COLS - 8, 4, form_text(&u->form->title, u->lang), UA_TITLE);
	y += 1 +
	    ui_text(y + 1, 4, COLS - 8, 2, tr("Welcome! Please choose your language."), UA_NORMAL);
	if (u->demo_pin != NULL) {
		char demo[256];

		snprintf(demo, sizeof demo,
		    tr("Demo: F12 then PIN %s opens the admin screen (Quit is there)."),
		    u->demo_pin);
		y += 1 + ui_text(y + 1, 4, COLS - 8, 2, demo, UA_HINT);
	} else if (u->k == NULL)
		y += 1 +
		    ui_text(y + 1, 4, COLS - 8, 2,
		        tr("Preview: F12 opens the admin screen (no PIN); Quit is there."),
		        UA_HINT);
	for (i = 0; i < n; i++)
		items[i] = i < (int)u->form->nlanguages ? ui_lang_name(u->form->languages[i]) :
		                                          tr("Read stories from others");
	ui_list(y + 2, 6, COLS - 12, LINES - y - 5, items, n, u->sel, NULL, 1);
	ui_message(u);
	if (readable(u))
		ui_hint(
		    tr("Up/Down: choose a language · Enter: start · R: read stories from others"));
	else
		ui_hint(tr("Up/Down: choose a language · Enter: start"));
}

static void
welcome_key(struct ui *u, int fkey, wint_t ch)
{
	if ((fkey && ch == KEY_F(12)) || (!fkey && ch == KEY_CTRL_A)) {
		ui_go(u, u->k == NULL ? &screen_admin : &screen_pin);
		return;
	}
	if (ui_list_key(&u->sel, nitems(u), fkey, ch)) {
		if (u->sel < (int)u->form->nlanguages) {
			u->lang = u->form->languages[u->sel];
			i18n_set_language(u->lang);
		}
		return;
	}
	if ((!fkey && (ch == 'r' || ch == 'R')) ||
	    (ui_is_enter(fkey, ch) && u->sel >= (int)u->form->nlanguages)) {
		read_feedback(u);
		return;
	}
	if (ui_is_enter(fkey, ch) && u->form->nlanguages > 0) {
		struct kiosk_space sp;
		struct err e;

		u->lang = u->form->languages[u->sel];
		i18n_set_language(u->lang);
		/* No story can be stored: say so before anyone starts one (in
		 * practice nothing is stored anyway). */
		if (!u->practice && u->k != NULL && kiosk_space(u->k, &sp, &e) == 0 && sp.full) {
			snprintf(u->msg, sizeof u->msg, "%s", ui_full_message());
			return;
		}
		ui_go(u, &screen_consent);
	}
}

const struct screen screen_welcome = {
	.name = "welcome",
	.enter = welcome_enter,
	.draw = welcome_draw,
	.key = welcome_key,
	.tick = welcome_tick,
};
