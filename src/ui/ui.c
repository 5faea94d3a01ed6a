/* ui: the kiosk's main loop. It owns the terminal (raw, no echo, keypad,
 * signals ignored), reads wide characters with a short timeout so the idle
 * countdown and autosave run between keys, hands each key to the current
 * screen, and redraws once the input queue is drained (so a large paste
 * costs one redraw). The participant's session lives in struct ui; every
 * save goes through kiosk_story_save, and none happens in practice (the
 * three places that save check u->practice: autosave, the end of a session
 * and the review's submit). The UI wipes its own buffers with
 * xmalloc's xwipe and xsecure_free; it never calls libsodium itself. */
#include "ui.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "utf8.h"
#include "xmalloc.h"

/* Colours and attributes, defined once. mono is used when the terminal has
 * no colours (TERM=vt100): focus is reverse video. */
static const struct {
	short fg, bg;
	attr_t color_attr;
	attr_t mono;
} attr_table[UA__COUNT] = {
	[UA_NORMAL] = { -1, -1, 0, 0 },
	[UA_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD },
	[UA_FOCUS] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[UA_HINT] = { COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE },
	[UA_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[UA_MARKER] = { COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD },
	[UA_FRAME] = { COLOR_CYAN, -1, 0, 0 },
};

/* Whether the terminal has colours: the UI's global state, like the
 * terminal itself (set once by colours_init; ui_attr needs no struct ui). */
static int have_colour;

attr_t
ui_attr(enum ui_attr a)
{
	if (!have_colour)
		return attr_table[a].mono;
	if (a == UA_NORMAL)
		return A_NORMAL;
	return COLOR_PAIR((short)a) | attr_table[a].color_attr;
}

static void
colours_init(void)
{
	int i;

	have_colour = has_colors() && start_color() == OK;
	if (!have_colour)
		return;
	use_default_colors();
	for (i = 1; i < UA__COUNT; i++)
		init_pair((short)i, attr_table[i].fg, attr_table[i].bg);
}

double
ui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
ui_draw_cps(int y, int x, int w, const uint32_t *cp, size_t n, enum ui_attr a)
{
	wchar_t buf[512];
	size_t i, k = 0;
	int col = 0, cw;

	attrset(ui_attr(a));
	for (i = 0; i < n && k < sizeof buf / sizeof buf[0] - 1; i++) {
		if (cp[i] == '\n')
			break;
		cw = textbuf_cpwidth(cp[i]);
		if (col + cw > w)
			break;
		if (k == 0 && cw == 0)
			continue; /* a mark with no base: skip */
		buf[k++] = (wchar_t)cp[i];
		col += cw;
	}
	buf[k] = L'\0';
	if (k > 0)
		mvaddnwstr(y, x, buf, (int)k);
	attrset(A_NORMAL);
}

int
ui_text(int y, int x, int w, int maxrows, const char *s, enum ui_attr a)
{
	return ui_text_scroll(y, x, w, maxrows, s, a, 0, NULL);
}

int
ui_text_scroll(
    int y, int x, int w, int maxrows, const char *s, enum ui_attr a, int skip, int *total)
{
	struct textbuf *tb = textbuf_new(1, 0);
	struct textbuf_layout lo = { 0 };
	size_t r;
	int used = 0;

	if (s != NULL)
		textbuf_insert_utf8(tb, s, strlen(s));
	textbuf_layout(tb, w, &lo);
	if (total != NULL)
		*total = (int)lo.n;
	for (r = (size_t)(skip > 0 ? skip : 0); r < lo.n && used < maxrows; r++, used++) {
		if (y + used >= LINES)
			break;
		ui_draw_cps(y + used, x, w, tb->cp + lo.v[r].start, lo.v[r].end - lo.v[r].start, a);
	}
	textbuf_layout_free(&lo);
	textbuf_free(tb);
	return used;
}

void
ui_line(int y, int x, int w, const char *s, enum ui_attr a)
{
	struct textbuf *tb = textbuf_new(0, 0);

	if (s != NULL)
		textbuf_insert_utf8(tb, s, strlen(s));
	ui_draw_cps(y, x, w, tb->cp, tb->len, a);
	textbuf_free(tb);
}

void
ui_header(struct ui *u, const char *title, const char *right)
{
	int rw = 0;

	attrset(ui_attr(UA_TITLE));
	mvhline(0, 0, ' ', COLS);
	attrset(A_NORMAL);
	if (right != NULL) {
		rw = (int)utf8_count(right, strlen(right));
		ui_line(0, COLS - rw - 1, rw, right, UA_TITLE);
	}
	ui_line(0, 1, COLS - rw - 3, title != NULL ? title : form_text(&u->form->title, u->lang),
	    UA_TITLE);
}

/* The key line: items separated by " · ", on the last row, or on the last
 * two when one is too narrow (a French or Swahili hint is longer than the
 * English one). Items are never cut: when even two rows are too narrow, the
 * items before the last one are dropped from the right, so the key that
 * stops ("Ctrl-X: stop") always shows. */
#define HINT_SEP " · "
#define HINT_MAX_ITEMS 16

static int
text_width(const char *s, size_t n)
{
	struct textbuf *tb = textbuf_new(0, 0);
	size_t i;
	int w = 0;

	textbuf_insert_utf8(tb, s, n);
	for (i = 0; i < tb->len; i++)
		w += textbuf_cpwidth(tb->cp[i]);
	textbuf_free(tb);
	return w;
}

/* Draw items first..last (those with keep set) joined by HINT_SEP on row y. */
static void
hint_row(int y, const char *const *item, const size_t *len, const int *keep, int first, int last)
{
	char buf[512];
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = first; i <= last; i++) {
		if (!keep[i])
			continue;
		if (used > 0 && used + strlen(HINT_SEP) < sizeof buf) {
			memcpy(buf + used, HINT_SEP, strlen(HINT_SEP));
			used += strlen(HINT_SEP);
		}
		if (used + len[i] >= sizeof buf)
			break;
		memcpy(buf + used, item[i], len[i]);
		used += len[i];
	}
	buf[used] = '\0';
	attrset(ui_attr(UA_HINT));
	mvhline(y, 0, ' ', COLS);
	attrset(A_NORMAL);
	ui_line(y, 1, COLS - 2, buf, UA_HINT);
}

int
ui_hint(const char *hint)
{
	const char *item[HINT_MAX_ITEMS], *p = hint, *q;
	size_t len[HINT_MAX_ITEMS];
	int wd[HINT_MAX_ITEMS], keep[HINT_MAX_ITEMS];
	int n = 0, i, avail = COLS - 2, sepw = 3, row, split;

	while (n < HINT_MAX_ITEMS) {
		q = strstr(p, HINT_SEP);
		item[n] = p;
		len[n] = q != NULL ? (size_t)(q - p) : strlen(p);
		wd[n] = text_width(p, len[n]);
		keep[n] = 1;
		n++;
		if (q == NULL)
			break;
		p = q + strlen(HINT_SEP);
	}
	/* One row if it fits. */
	for (i = 0, row = -sepw; i < n; i++)
		row += sepw + wd[i];
	if (row <= avail) {
		hint_row(LINES - 1, item, len, keep, 0, n - 1);
		return 1;
	}
	/* Else fill the upper row, the rest below, dropping from the right of
	 * the lower row (but never its last item) until it fits. */
	for (split = 0, row = -sepw; split < n - 1 && row + sepw + wd[split] <= avail; split++)
		row += sepw + wd[split];
	if (split == 0)
		split = 1;
	for (;;) {
		for (i = split, row = -sepw; i < n; i++)
			if (keep[i])
				row += sepw + wd[i];
		if (row <= avail)
			break;
		for (i = n - 2; i >= split && !keep[i]; i--)
			;
		if (i < split)
			break; /* only the last item is left: ui_line cuts it */
		keep[i] = 0;
	}
	hint_row(LINES - 2, item, len, keep, 0, split - 1);
	hint_row(LINES - 1, item, len, keep, split, n - 1);
	return 2;
}

void
ui_message(struct ui *u)
{
	if (u->msg[0] != '\0')
		ui_text(LINES - 4, 2, COLS - 4, 2, u->msg, UA_ERROR);
}

void
ui_banner(struct ui *u)
{
	char text[256], scribe[128];
	int w;

	if (!u->practice && u->scribe[0] == '\0')
		return;
	scribe[0] = '\0';
	if (u->scribe[0] != '\0')
		snprintf(
		    scribe, sizeof scribe, tr("Scribe mode: %s types for the teller"), u->scribe);
	snprintf(text, sizeof text, "%s%s%s", u->practice ? tr("PRACTICE: nothing is kept") : "",
	    u->practice && scribe[0] != '\0' ? HINT_SEP : "", scribe);
	w = text_width(text, strlen(text));
	if (w > COLS - 2)
		w = COLS - 2;
	attrset(ui_attr(UA_MARKER));
	mvhline(UI_BANNER_ROW, 0, ' ', COLS);
	attrset(A_NORMAL);
	ui_line(UI_BANNER_ROW, (COLS - w) / 2, w, text, UA_MARKER);
}

/* ui_list, with checked items marked marks[1] and the others marks[0]. */
static int
list_marked(int y, int x, int w, int h, const char *const *items, int n, int sel,
    const unsigned char *checked, int item_rows, const char *const marks[2])
{
	int i, first = 0, used = 0, rows, ind = checked != NULL ? 6 : 2;

	/* Scroll so the highlighted item is on screen (items take up to
	 * item_rows rows each). */
	if (sel >= 0 && (sel + 1) * item_rows > h)
		first = sel - h / item_rows + 1;
	if (first < 0)
		first = 0;
	for (i = first; i < n && used < h; i++) {
		enum ui_attr a = i == sel ? UA_FOCUS : UA_NORMAL;

		if (i == sel) {
			attrset(ui_attr(UA_FOCUS));
			mvaddstr(y + used, x, "> ");
			attrset(A_NORMAL);
		}
		if (checked != NULL)
			mvaddstr(y + used, x + 2, marks[checked[i] != 0]);
		rows = ui_text(y + used, x + ind, w - ind - 1,
		    item_rows < h - used ? item_rows : h - used, items[i], a);
		used += rows > 0 ? rows : 1;
	}
	return used;
}

int
ui_list(int y, int x, int w, int h, const char *const *items, int n, int sel,
    const unsigned char *checked, int item_rows)
{
	static const char *const boxes[2] = { "[ ]", "[x]" };

	return list_marked(y, x, w, h, items, n, sel, checked, item_rows, boxes);
}

/* Radio marks in ASCII, "(*)" rather than the bullet U+2022: the bullet is
 * East Asian "ambiguous" width (two cells in some terminals and CJK
 * locales, which would shift the labels), and a Linux console font may
 * lack it; "(*)" draws the same everywhere, in colour or monochrome. */
int
ui_radio_list(int y, int x, int w, int h, const char *const *items, int n, int sel,
    const unsigned char *marked, int item_rows)
{
	static const char *const radios[2] = { "( )", "(*)" };

	return list_marked(y, x, w, h, items, n, sel, marked, item_rows, radios);
}

int
ui_is_enter(int fkey, wint_t ch)
{
	return fkey ? ch == KEY_ENTER : (ch == '\r' || ch == '\n');
}

int
ui_list_key(int *sel, int n, int fkey, wint_t ch)
{
	if (!fkey)
		return 0;
	switch (ch) {
	case KEY_UP:
		if (*sel > 0)
			(*sel)--;
		return 1;
	case KEY_DOWN:
		if (*sel < n - 1)
			(*sel)++;
		return 1;
	case KEY_HOME:
	case KEY_PPAGE:
		*sel = 0;
		return 1;
	case KEY_END:
	case KEY_NPAGE:
		*sel = n - 1;
		return 1;
	}
	return 0;
}

void
ui_go(struct ui *u, const struct screen *s)
{
	u->screen = s;
	u->msg[0] = '\0';
	u->entered_at = ui_now();
	if (s->enter != NULL)
		s->enter(u);
}

/* Copy what the current widget holds into the answers. */
static void
flush_widget(struct ui *u)
{
	if (u->w.q != NULL &&
	    (u->screen == &screen_story || u->screen == &screen_question ||
	        u->back == &screen_story || u->back == &screen_question))
		widget_for(u->w.q->type)->store(&u->w, u->ans);
}

const char *
ui_full_message(void)
{
	return tr("This kiosk is full. Please tell the organiser.");
}

void
ui_autosave(struct ui *u)
{
	struct err e;

	if (!u->consented || !u->dirty)
		return;
	if (u->practice) { /* nothing is kept, not even a draft */
		u->dirty = 0;
		u->last_save = ui_now();
		return;
	}
	flush_widget(u);
	u->last_save = ui_now();
	if (kiosk_story_save(u->k, &u->st, u->form, u->ans, STATUS_DRAFT, &e) == 0) {
		u->dirty = u->full = 0;
		return;
	}
	if (u->k->full) { /* kept changed: tried again at the next autosave */
		u->full = 1;
		snprintf(u->msg, sizeof u->msg, "%s", ui_full_message());
		return;
	}
	snprintf(u->msg, sizeof u->msg, "%s", e.msg);
	u->dirty = 0;
}

/* Forget everything about the participant: wipe buffers, fresh answers. */
static void
session_reset(struct ui *u)
{
	widget_state_reset(&u->w);
	answers_free(u->ans);
	u->ans = answers_new(u->form);
	free(u->seen);
	u->seen = xcalloc(u->form->nquestions + 1, 1);
	memset(&u->st, 0, sizeof u->st);
	u->consented = u->touched = u->dirty = u->full = 0;
	u->qi = 0;
	u->from_review = 0;
	u->sel = 0;
	u->msg[0] = '\0';
	u->lang = u->form->nlanguages > 0 ? u->form->languages[0] : "en";
	i18n_set_language(u->lang);
	u->back = NULL;
	feedback_view_clear(&u->fview);
}

void
ui_set_form(struct ui *u, struct form *f)
{
	u->form = f;
	session_reset(u); /* new answers for the new form */
	form_free(u->owned_form);
	u->owned_form = f;
}

void
ui_session_end(struct ui *u, int keep)
{
	struct err e;
	int failed = 0;

	err_clear(&e);
	if (u->practice)
		; /* nothing was stored: nothing to keep or delete */
	else if (u->consented && keep && (u->touched || u->st.stored)) {
		flush_widget(u);
		failed = kiosk_story_save(u->k, &u->st, u->form, u->ans, STATUS_TIMED_OUT, &e) != 0;
	} else if (u->st.stored)
		failed = kiosk_story_discard(u->k, &u->st, &e) != 0;
	session_reset(u);
	clear();
	clearok(curscr, TRUE);
	ui_go(u, &screen_welcome);
	/* The participant has gone: leave the reason for the field worker on
	 * the welcome screen rather than stopping the kiosk. */
	if (failed)
		snprintf(u->msg, sizeof u->msg, "%s", u->k->full ? ui_full_message() : e.msg);
}

void
ui_progress(struct ui *u, size_t qi, int *pos, int *total)
{
	size_t i;

	*pos = *total = 0;
	for (i = 0; i < u->form->nquestions; i++) {
		if (!answers_shown(u->form, u->ans, &u->form->questions[i]))
			continue;
		(*total)++;
		if (i <= qi)
			*pos = *total;
	}
}

void
ui_open_question(struct ui *u, size_t qi)
{
	const struct question *q = &u->form->questions[qi];

	widget_state_reset(&u->w);
	u->qi = qi;
	u->w.q = q;
	widget_for(q->type)->load(&u->w, u->ans);
	ui_go(u, q->type == Q_STORY ? &screen_story : &screen_question);
}

void
ui_next_question(struct ui *u)
{
	size_t i;

	for (i = u->qi + 1; i < u->form->nquestions; i++) {
		const struct question *q = &u->form->questions[i];

		if (!answers_shown(u->form, u->ans, q)) {
			answers_clear(u->ans, q->id);
			continue;
		}
		/* After an edit from the review, only the questions the edit
		 * has just made visible are asked; then back to the review. */
		if (u->from_review && u->seen[i])
			continue;
		ui_open_question(u, i);
		return;
	}
	widget_state_reset(&u->w);
	ui_go(u, &screen_review);
}

void
ui_edit_question(struct ui *u, size_t qi)
{
	size_t i;

	for (i = 0; i < u->form->nquestions; i++)
		u->seen[i] = (unsigned char)answers_shown(u->form, u->ans, &u->form->questions[i]);
	ui_open_question(u, qi);
	u->from_review = 1;
}

void
ui_prev_question(struct ui *u)
{
	size_t i = u->qi;

	while (i > 0) {
		i--;
		if (answers_shown(u->form, u->ans, &u->form->questions[i])) {
			ui_open_question(u, i);
			return;
		}
	}
	if (u->form->nprompts > 1) {
		widget_state_reset(&u->w);
		ui_go(u, &screen_prompt);
	}
}

/* Teach curses the Home and End sequences it does not know yet (terminfo
 * names one encoding of each; keyfilter.c lists them all). */
static void
define_home_end(void)
{
	const struct keyfilter_seq *seq;
	size_t i, n;

	seq = keyfilter_home_end(&n);
	for (i = 0; i < n; i++)
		if (key_defined(seq[i].seq) == 0)
			define_key(seq[i].seq, seq[i].key == KEYFILTER_HOME ? KEY_HOME : KEY_END);
}

static void
fatal_hook(void)
{
	if (!isendwin())
		endwin();
}

/* Hand a key to the screen if the key filter lets it through: curses' key
 * codes become the filter's kinds (a resize or a mouse report is no key). */
static void
handle_key(struct ui *u, int r, wint_t ch)
{
	enum keyfilter_kind kind = KEYFILTER_CHAR;
	int fkey = r == KEY_CODE_YES;

	if (fkey)
		kind = ch == KEY_RESIZE || ch == KEY_MOUSE ? KEYFILTER_EVENT : KEYFILTER_FUNCTION;
	switch (keyfilter_key(&u->keys, kind, ch, ui_now())) {
	case KEYFILTER_DROP:
		return;
	case KEYFILTER_BACKTAB:
		fkey = 1;
		ch = KEY_BTAB;
		break;
	case KEYFILTER_PASS:
		break;
	}
	u->last_input = ui_now();
	if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES)
		return;
	u->screen->key(u, fkey, ch);
}

static void
tick(struct ui *u)
{
	double now = ui_now();

	ui_push_tick(u);
	/* A lone Esc is known only once its window has passed, here. */
	if (keyfilter_esc_alone(&u->keys, now) && u->screen->escape != NULL &&
	    COLS >= UI_MIN_COLS && LINES >= UI_MIN_LINES) {
		u->last_input = now;
		u->screen->escape(u);
		return;
	}
	if (u->screen->in_session && now - u->last_input >= u->idle_timeout) {
		if (u->screen != &screen_confirm) /* confirm keeps its back */
			u->back = u->screen;
		ui_go(u, &screen_timeout);
		return;
	}
	if (u->dirty && now - u->last_save >= UI_AUTOSAVE_SECONDS)
		ui_autosave(u);
	if (u->screen->tick != NULL)
		u->screen->tick(u);
}

static void
draw(struct ui *u)
{
	erase();
	curs_set(0);
	/* A key clears the message; while the kiosk is full it comes back. */
	if (u->full && u->msg[0] == '\0' && u->screen->in_session)
		snprintf(u->msg, sizeof u->msg, "%s", ui_full_message());
	if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES) {
		ui_text(LINES / 2 > 0 ? LINES / 2 - 1 : 0, 1, COLS > 2 ? COLS - 2 : 1, 3,
		    tr("Please enlarge the window."), UA_ERROR);
	} else
		u->screen->draw(u);
	ui_banner(u);
	refresh();
}

/* Set by SIGTERM/SIGHUP (systemd stopping the kiosk, the console going
 * away): the loop then saves the draft and ends like the admin's quit. The
 * UI's global state: a signal handler can reach nothing else. */
static volatile sig_atomic_t stop_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

int
ui_run(struct kiosk *k, const struct form *f, const struct ui_actions *act, const struct ui_mode *m)
{
	/* In practice nothing leaves the kiosk: no push, no export. */
	static const struct ui_actions no_actions = { 0 };
	struct sigaction sa;
	struct ui u;
	wint_t ch;
	int r, n;

	if (k == NULL && !m->practice)
		fatal("ui_run: no kiosk outside practice");
	memset(&u, 0, sizeof u);
	u.k = k;
	u.form = f;
	u.idle_timeout = m->idle_override > 0 ? m->idle_override :
	    f->idle_timeout > 0               ? f->idle_timeout :
	                                        120;
	u.warn_seconds = u.idle_timeout < 30 ? u.idle_timeout : 30;
	u.pin = xsecure_malloc(UI_PIN_MAX + 1);
	u.demo_pin = m->demo_pin;
	u.practice = m->practice;
	if (m->scribe != NULL)
		snprintf(u.scribe, sizeof u.scribe, "%s", m->scribe);
	u.act = m->practice ? &no_actions : act;
	u.running = 1;
	keyfilter_init(&u.keys);

	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* No SA_RESTART: get_wch returns at once and the loop sees the flag. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	i18n_init();
	if (newterm(NULL, stdout, stdin) == NULL) {
		xsecure_free(u.pin);
		fprintf(stderr, "storykiosk: cannot start the terminal (is TERM set?)\n");
		return 1;
	}
	fatal_set_hook(fatal_hook);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	define_home_end();
	set_escdelay(25);
	colours_init();
	timeout(UI_TICK_MS);

	session_reset(&u);
	ui_push_init(&u);
	u.last_input = u.last_save = ui_now();
	ui_go(&u, &screen_welcome);
	while (u.running) {
		if (stop_requested) {
			/* The draft stays stored; the next start marks it interrupted. */
			if (u.dirty)
				ui_autosave(&u);
			break;
		}
		draw(&u);
		r = get_wch(&ch);
		if (r == ERR) {
			tick(&u);
			continue;
		}
		handle_key(&u, r, ch);
		/* Drain what is already queued (a paste) before redrawing. */
		timeout(0);
		for (n = 0; u.running && n < 65536; n++) {
			if ((r = get_wch(&ch)) == ERR)
				break;
			handle_key(&u, r, ch);
		}
		timeout(UI_TICK_MS);
		if (u.running && ui_now() - u.last_save >= UI_AUTOSAVE_SECONDS)
			tick(&u);
	}
	ui_push_end(&u);
	erase();
	refresh();
	endwin();
	fatal_set_hook(NULL);
	session_reset(&u);
	answers_free(u.ans);
	free(u.seen);
	widget_state_reset(&u.w);
	admin_state_clear(&u.admin);
	free(u.export_dir);
	free(u.pack_path);
	feedback_view_clear(&u.fview);
	feedback_free(u.fb);
	form_free(u.owned_form);
	xsecure_free(u.pin); /* wipes the PIN buffer */
	return 0;
}
