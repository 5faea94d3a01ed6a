/* ui: what the kiosk's main loop (ui.c), its screens (screen-*.c, a table of
 * functions each), widgets (widget-*.c) and the automatic push (ui-push.c)
 * share inside src/ui/; the program sees only ui-run.h. curses comes in
 * here, through ui-curses.h, and nowhere else in the tree (keyfilter and
 * i18n stay curses-free). Everything stored or sealed goes through kiosk.h,
 * everything beyond the kiosk through the program's actions (ui-run.h). */
#ifndef UI_H
#define UI_H

#include <stddef.h>
#include <wchar.h>

#include "answers.h"
#include "err.h"
#include "feedback.h"
#include "form.h"
#include "keyfilter.h"
#include "kiosk.h"
#include "textbuf.h"
#include "ui-curses.h"
#include "ui-run.h"

#define UI_MIN_COLS 60 /* smaller: "Please enlarge the window." */
#define UI_MIN_LINES 18
#define UI_AUTOSAVE_SECONDS 3 /* a changed draft is saved at least this often */
#define UI_TICK_MS 250        /* the timer tick between keys */
#define UI_THANKS_SECONDS 30  /* the thank-you screen's time on its own */
#define UI_PIN_MAX 64         /* the longest admin PIN that can be typed */

struct ui;

/* A screen: the functions the loop calls while it shows. key gets each key
 * the key filter let through: a curses key code (KEY_UP, ...; fkey = 1) or
 * a character (fkey = 0). */
struct screen {
	const char *name;
	void (*enter)(struct ui *u); /* optional, called by ui_go */
	void (*draw)(struct ui *u);
	void (*key)(struct ui *u, int fkey, wint_t ch);
	void (*tick)(struct ui *u); /* optional, on every timer tick */
	int in_session;             /* the idle timeout applies */
	/* Optional: a lone Esc (keyfilter_esc_alone), for the screens that
	 * take it; every other screen never sees Esc. */
	void (*escape)(struct ui *u);
};

extern const struct screen screen_welcome, screen_consent, screen_prompt, screen_story,
    screen_question, screen_review, screen_thanks, screen_admin, screen_pin, screen_timeout,
    screen_confirm, screen_feedback;

/* Colours and attributes, defined once (ui.c) with a monochrome fallback. */
enum ui_attr {
	UA_NORMAL,
	UA_TITLE,
	UA_FOCUS,
	UA_HINT,
	UA_ERROR,
	UA_MARKER,
	UA_FRAME,
	UA__COUNT
};

/* The state of the widget editing the current question (the story or a
 * follow-up; one question at a time). */
struct widget_state {
	const struct question *q;
	struct textbuf *tb;       /* text, number and the story editor */
	size_t top;               /* editor: first row shown */
	struct textbuf_layout lo; /* editor: the last layout */
	int ed_w, ed_h;           /* editor: size of the last draw */
	int sel;                  /* choice/multi: highlighted item */
	unsigned char *checked;   /* choice/multi: one flag per item ("Not
	                         * applicable" included) */
	int answered;             /* scale/triad: a value is set */
	int value;                /* scale: 0..100 */
	int tri_r, tri_s;         /* triad: row from the top corner, step along it */
	int tri_centre;           /* triad: at the exact centre (1/3 each), between
	                         * grid points; drawn at the nearest one */
	int untouched;            /* scale/triad: answered, marker never moved */
	char refusal[ERR_MAX];    /* why the last key was refused, translated, for
	                         * the screen to show ("" if it was not) */
};

/* A widget type: how a question of one type is edited. */
struct widget {
	/* Show the question's answer in a (w->q set, the rest zero). */
	void (*load)(struct widget_state *w, const struct answers *a);
	/* Draw from (y, x), h rows by wd columns. */
	void (*draw)(struct widget_state *w, const char *lang, int y, int x, int h, int wd);
	/* 1 if the key changed the value, 0 if not (a refused key also sets
	 * w->refusal), -1 if not a widget key. */
	int (*key)(struct widget_state *w, int fkey, wint_t ch);
	/* Put what the widget shows into a (clear the answer if it shows none). */
	void (*store)(struct widget_state *w, struct answers *a);
	const char *hint; /* untranslated msgid of the key hint */
	/* Optional: the key hint for this question (translated), used instead
	 * of .hint when set. */
	const char *(*hint_for)(const struct widget_state *w);
	/* Optional: 1 if what the widget shows cannot be stored as it is (a
	 * number field holding only "-"), with the reason in w->refusal; the
	 * question is then not left forwards. */
	int (*unfinished)(struct widget_state *w);
};

/* The editor's functions, shared with widget-text (the buffer is one-line
 * unless the question is a story). */
void widget_editor_load(struct widget_state *w, const struct answers *a);
void widget_editor_draw(struct widget_state *w, const char *lang, int y, int x, int h, int wd);
int widget_editor_key(struct widget_state *w, int fkey, wint_t ch);
void widget_editor_store(struct widget_state *w, struct answers *a);

extern const struct widget widget_editor, widget_text, widget_choice, widget_number, widget_scale,
    widget_triad;
/* The widget that edits questions of type t. */
const struct widget *widget_for(enum question_type t);
/* Free and wipe what w holds (the text buffer, the marks) and zero it. */
void widget_state_reset(struct widget_state *w);
/* Backspace or Delete on a scale or triad: -1 if (fkey, ch) is neither; 0
 * if there is nothing to empty, or the question is required (the key is
 * refused, with the reason in w->refusal); 1 if the caller empties the
 * answer (an optional question that has one). */
int widget_marker_backspace(struct widget_state *w, int fkey, wint_t ch);
/* The triad proportions (top, bottom-left, bottom-right) of the grid point
 * r rows from the top corner, s steps along its row. */
void widget_triad_props(int r, int s, double p[3]);
#define TRIAD_STEPS 10 /* rows of the triad's grid: steps of a tenth */

/* Automatic push (ui-push.c), through the program's actions. */
struct ui_push {
	int running;           /* a push started and not yet finished */
	unsigned failures;     /* in a row, for the backoff */
	uint64_t acked_before; /* stories acknowledged when the push started */
	double next_try;       /* earliest next automatic attempt */
	double next_look;      /* next look at the stories waiting */
	unsigned finished;     /* pushes finished so far (screens refresh on change) */
};

/* The screens' own state, in struct ui (never in file statics), each
 * cleared when its screen is entered. */

/* The admin screen (screen-admin.c). */
#define ADMIN_INFO_LINES 12
#define ADMIN_INFO_LEN 200
#define ADMIN_MAX_FORMS 32
#define ADMIN_MAX_ITEMS 16
struct admin_state {
	char info[ADMIN_INFO_LINES][ADMIN_INFO_LEN]; /* the lines about the kiosk */
	int ninfo;
	unsigned seen_push;         /* u->push.finished when info was read */
	int items[ADMIN_MAX_ITEMS]; /* the actions offered (screen-admin.c's
	                               * enum), in order: fewer in practice */
	int nitems;
	struct textbuf *dir_field;      /* non-NULL while the export directory is typed */
	struct textbuf *initials_field; /* non-NULL while a scribe's initials are typed */
	char *forms[ADMIN_MAX_FORMS];   /* paths of the forms offered (owned) */
	int nforms;
	int form_sel;               /* the highlighted form */
	int picking;                /* the list of forms shows */
	struct textbuf *pack_field; /* non-NULL while a feedback pack's path is typed */
};

/* The consent screen (screen-consent.c): where its text is scrolled to,
 * and in scribe mode the tier waiting for the scribe's confirmation. */
struct consent_state {
	int skip;       /* rows of the text scrolled off the top */
	int rows;       /* rows the text had on the last draw */
	int total;      /* rows the whole text takes at that width */
	int drawn;      /* drawn since entered: rows and total are known */
	int confirming; /* scribe mode: a tier is chosen, "did the teller
	                 * agree?" shows */
	int tier;       /* that tier (an index into the form's tiers) */
};

/* The feedback reader (screen-feedback.c): a book of sections (the note,
 * the figures, then each story), each one or more pages at the screen's
 * size. Cleared when the reader is entered and when a session ends. */
struct feedback_view {
	size_t *order; /* the stories in the reader's order (feedback_order) */
	int section;   /* the section shown */
	int page;      /* its page shown */
};

/* The review screen (screen-review.c). */
#define REVIEW_MAX 64
struct review_state {
	size_t shown[REVIEW_MAX]; /* the questions listed, as form indices */
	int nshown;
};

struct ui {
	struct kiosk *k;
	const struct form *form;
	int idle_timeout; /* seconds */
	int warn_seconds; /* countdown before the timeout applies */
	const struct screen *screen;
	const struct screen *back; /* where the warning / confirm returns */
	int running;               /* 0: the loop ends (the admin's quit) */
	struct keyfilter keys;     /* the keys a participant may send */

	/* The participant's session. */
	const char *lang;
	struct answers *ans;
	struct story st;
	int consented;
	int touched; /* something was typed or chosen after consent */
	int dirty;   /* changes not saved yet */
	double last_save, last_input, entered_at;
	size_t qi;                /* current question index in the form */
	int from_review;          /* editing one answer from the review */
	unsigned char *seen;      /* per question: shown when that edit began */
	int sel;                  /* list screens: highlighted item */
	char code[STORYCODE_LEN]; /* shown on the thank-you screen */
	struct widget_state w;
	char msg[ERR_MAX]; /* a message shown on the current screen */
	int full;          /* the last save was refused: the kiosk is full (the
	                    * participant is told, their answers kept) */

	/* Admin. */
	char *pin; /* xsecure_malloc'd, UI_PIN_MAX + 1 */
	size_t pinlen;
	int pin_fails; /* wrong PINs in a row: each doubles the wait */
	double pin_wait_until;
	char *export_dir;                  /* the last directory exported to, offered again */
	const char *demo_pin;              /* run --demo-pin (checked): shown on the welcome
	                         * screen; NULL outside demos */
	int practice;                      /* nothing is kept (ui_mode): no save, no
	                               * push, no export; the banner says so */
	char scribe[STORY_SCRIBE_MAX + 1]; /* scribe mode: the scribe's initials;
	                                    * "" when the teller types (kept
	                                    * across sessions until the admin
	                                    * turns it off) */
	struct form *owned_form;           /* a form chosen on the admin screen */
	const struct ui_actions *act;      /* export and push (ui-run.h) */
	struct ui_push push;

	/* The feedback pack shown to participants (NULL: none), read through
	 * the program's feedback_load action. */
	struct feedback *fb;
	char fb_problem[ERR_MAX]; /* why the pack in the data directory is not
	                           * shown ("" when it is, or there is none) */
	unsigned fb_seen_push;    /* u->push.finished when it was last read */
	char *pack_path;          /* the last pack path typed on the admin screen */

	/* The screens' own state. */
	struct admin_state admin;
	struct consent_state consent;
	struct review_state review;
	struct feedback_view fview;
};

/* Free what the admin screen holds (the forms offered, the directory being
 * typed) and clear its state: on entering it, and when the kiosk quits. */
void admin_state_clear(struct admin_state *a);

/* Read the feedback pack again through the program's action if it changed
 * (the welcome screen calls it; a push may have brought a new one). */
void ui_feedback_refresh(struct ui *u);
/* Take u->fb as the pack shown from now on (NULL: none), freeing the old. */
void ui_feedback_set(struct ui *u, struct feedback *fb);
/* Free and clear the reader's state. */
void feedback_view_clear(struct feedback_view *v);
/* A language code's name in that language ("sw": "Kiswahili"); the code
 * itself when unknown. */
const char *ui_lang_name(const char *code);

/* Automatic push. ui_push_init allows the first push at once. ui_push_tick
 * runs on every timer tick: it reaps a finished push (backing off after a
 * failure) and starts one only while the welcome screen shows and stories
 * wait. ui_push_now starts one at once (the admin's "push now"); 0 if
 * started, else -1 with the reason in u->msg. */
void ui_push_init(struct ui *u);
void ui_push_tick(struct ui *u);
int ui_push_now(struct ui *u);
/* Stop a push still running and free the state (the kiosk is quitting). */
void ui_push_end(struct ui *u);

/* Use form f from now on (the ui owns it); starts a fresh session. */
void ui_set_form(struct ui *u, struct form *f);
/* Switch to screen s: clears the message, restarts the screen's clock
 * (entered_at) and calls its enter. */
void ui_go(struct ui *u, const struct screen *s);
/* Seconds on the monotonic clock. */
double ui_now(void);
/* Save the draft now if anything changed (only after consent); a failure
 * is shown in u->msg. When the kiosk is full the answers stay in memory
 * (and changed: the save is tried again every UI_AUTOSAVE_SECONDS) and the
 * participant reads ui_full_message() in their language. */
void ui_autosave(struct ui *u);
/* What a participant reads when the kiosk cannot store more, translated:
 * "This kiosk is full. Please tell the organiser." */
const char *ui_full_message(void);
/* End the session without submitting (a submitted story is saved by the
 * review): keep = 1 saves what was typed as timed_out (when anything was),
 * keep = 0 deletes the draft. Wipes every buffer, clears the screen and
 * returns to the welcome screen; a failed save or delete is shown there. */
void ui_session_end(struct ui *u, int keep);
/* Open the next shown question after u->qi (clearing the answers of hidden
 * ones), or the review after the last. */
void ui_next_question(struct ui *u);
/* Open the shown question before u->qi, or the prompt screen when there is
 * none and the form has several prompts (else stay). */
void ui_prev_question(struct ui *u);
/* Open question qi on its screen, its widget loaded from the answers. */
void ui_open_question(struct ui *u, size_t qi);
/* Edit question qi from the review: afterwards every question the edit made
 * visible is asked, then the review returns. */
void ui_edit_question(struct ui *u, size_t qi);
/* Enter or Tab: store the answer and go on if it passes answers_check_one,
 * else stay and say why in the participant's language. */
void ui_question_leave(struct ui *u);
/* Shift-Tab: store the answer as it is and go back (to the review when the
 * question was opened from it). */
void ui_question_back(struct ui *u);
/* Hand a key to the current widget: marks the session changed when the
 * value did, and shows why a refused key was refused (until the next key).
 * Returns what the widget's key function returned. */
int ui_widget_key(struct ui *u, int fkey, wint_t ch);
/* The banner row (UI_BANNER_ROW) in practice and in scribe mode: drawn by
 * the loop over every screen, which leave that row empty. */
#define UI_BANNER_ROW 1
void ui_banner(struct ui *u);
/* Title, progress and a question's text; returns the first free row. */
int ui_question_frame(struct ui *u, const char *text, int optional);
/* Position of question qi among the shown ones (1-based) and how many. */
void ui_progress(struct ui *u, size_t qi, int *pos, int *total);

/* Drawing. */
/* The curses attributes of a, in colour or (without colours) monochrome. */
attr_t ui_attr(enum ui_attr a);
/* Draw UTF-8 text wrapped to width w from (y, x), at most maxrows rows;
 * unsafe characters are neutralised. Returns rows used. */
int ui_text(int y, int x, int w, int maxrows, const char *s, enum ui_attr a);
/* The same, skipping the first skip rows; *total (if not NULL) gets the
 * number of rows the whole text takes. */
int ui_text_scroll(
    int y, int x, int w, int maxrows, const char *s, enum ui_attr a, int skip, int *total);
/* Draw a single line, truncated to w cells. */
void ui_line(int y, int x, int w, const char *s, enum ui_attr a);
/* The title bar on row 0: title (NULL: the form's title) on the left,
 * right (may be NULL) on the right. */
void ui_header(struct ui *u, const char *title, const char *right);
/* The key line: items separated by " · " on the last row, or wrapped onto
 * the last two rows when one is too narrow. Returns the rows used. Screens
 * keep the last two rows (LINES - 2, LINES - 1) for it. */
int ui_hint(const char *hint);
/* u->msg, if any, on rows LINES - 4 and LINES - 3. */
void ui_message(struct ui *u);
/* A vertical list with one highlighted item, from row y, at most h rows;
 * each item wraps to at most item_rows rows. checked: NULL, or a flag per
 * item shown as [x] / [ ]. Returns rows used. */
int ui_list(int y, int x, int w, int h, const char *const *items, int n, int sel,
    const unsigned char *checked, int item_rows);
/* The same for a single choice: marked (a flag per item, at most one set)
 * shown as radio marks (*) / ( ). */
int ui_radio_list(int y, int x, int w, int h, const char *const *items, int n, int sel,
    const unsigned char *marked, int item_rows);
/* Move sel within 0..n-1 for Up/Down, Home/End and PgUp/PgDn; 1 if the key
 * was one of them. */
int ui_list_key(int *sel, int n, int fkey, wint_t ch);
/* 1 if the key is Enter (KEY_ENTER, CR or LF). */
int ui_is_enter(int fkey, wint_t ch);
/* Draw a code point array with addnwstr (wide and combining aware). */
void ui_draw_cps(int y, int x, int w, const uint32_t *cp, size_t n, enum ui_attr a);

#endif
