/* keyfilter: which keys a participant may send to the kiosk. The main loop
 * (ui.c) hands it every key it reads, as a kind and a character, and does
 * what it answers. It knows nothing of curses: ui.c turns curses key codes
 * into a kind, and teaches curses the Home and End sequences listed here, so
 * the filter is unit-tested and fuzzed on its own (tests/unit/test-keyfilter.c,
 * tests/fuzz/fuzz-keyfilter.c). */
#ifndef KEYFILTER_H
#define KEYFILTER_H

#include <stddef.h>
#include <wchar.h>

/* The two control keys the kiosk acts on: Ctrl-A opens the admin PIN screen
 * (from the welcome screen), Ctrl-X stops (a session, a list, a field). */
enum {
	KEY_CTRL_A = 1,
	KEY_CTRL_X = 24,
};

/* Where the filter is in an escape sequence it is dropping. */
enum keyfilter_esc {
	KEYFILTER_ESC_NONE,      /* not in one: keys count */
	KEYFILTER_ESC_AFTER_ESC, /* Esc came: the next key is an Alt-key or
	                                 * starts a sequence */
	KEYFILTER_ESC_AFTER_CSI, /* Esc [: a final byte ends it, anything
	                                 * else is a parameter */
	KEYFILTER_ESC_IN_CSI,    /* Esc [ and parameters: until a final byte */
	KEYFILTER_ESC_AFTER_SS3, /* Esc O: one more key ends it */
};

/* An Esc starts a sequence only if its next key comes within this time;
 * after it the filter is out of any sequence again. */
#define KEYFILTER_ESC_SECONDS 0.2

struct keyfilter {
	enum keyfilter_esc esc;
	double esc_at; /* when the Esc came (seconds, any clock) */
};

/* What the loop read. */
enum keyfilter_kind {
	KEYFILTER_CHAR,     /* a character (get_wch returned OK) */
	KEYFILTER_FUNCTION, /* a function key the screens may use (arrows,
	                         * Home, F12 ...; get_wch returned KEY_CODE_YES) */
	KEYFILTER_EVENT,    /* not a key: a resize or a mouse event */
};

/* What the loop does with it. */
enum keyfilter_verdict {
	KEYFILTER_DROP,    /* nothing: the key neither types nor acts */
	KEYFILTER_PASS,    /* hand it to the screen as it came */
	KEYFILTER_BACKTAB, /* hand the screen Shift-Tab (a raw Esc [ Z, from a
	                         * terminal whose terminfo lacks kcbt) */
};

/* Start out of any escape sequence. */
void keyfilter_init(struct keyfilter *f);
/* Judge one key read at time now (seconds): events are dropped, function
 * keys pass; of characters, Esc and the rest of an Esc or Alt sequence are
 * dropped whole, and so are control characters other than Enter, Tab,
 * Backspace, Ctrl-A and Ctrl-X (Ctrl-C/Z/\/S/Q/D never reach a screen), code
 * points beyond Unicode or in the surrogate range, and unsafe ones
 * (utf8_is_unsafe: C1 controls, bidi overrides, ...). */
enum keyfilter_verdict
keyfilter_key(struct keyfilter *f, enum keyfilter_kind kind, wint_t ch, double now);

/* 1, once, when the last key was an Esc and none has followed it for
 * KEYFILTER_ESC_SECONDS by now: a lone Esc, not the start of a sequence or
 * an Alt-key (the loop asks on its timer tick, and hands it to a screen
 * that takes Esc). The filter is then out of the sequence. */
int keyfilter_esc_alone(struct keyfilter *f, double now);

/* The keys terminals send as escape sequences that the loop teaches curses. */
enum keyfilter_named {
	KEYFILTER_HOME,
	KEYFILTER_END,
};

struct keyfilter_seq {
	const char *seq; /* the bytes, starting with Esc */
	enum keyfilter_named key;
};

/* Home and End in every encoding (Esc [ 1 ~ and 4 ~: tmux and the Linux
 * console; Esc [ 7 ~ and 8 ~: rxvt; Esc [ H and F, Esc O H and F: xterm),
 * a static table of *n entries. */
const struct keyfilter_seq *keyfilter_home_end(size_t *n);

#endif
