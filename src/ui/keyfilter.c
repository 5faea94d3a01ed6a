/* keyfilter: the keys a participant may send. The terminal is raw, so every
 * byte a keyboard (or someone at it) can produce arrives here first: Esc and
 * Alt-<key> (Esc, then the key) and escape sequences curses does not know
 * (Esc [ ... final byte, Esc O x) are dropped whole, so they neither type
 * anything nor act; control characters other than the few the kiosk uses and
 * unsafe code points are dropped too. No curses here: see keyfilter.h. */
#include "keyfilter.h"

#include <stdint.h>

#include "utf8.h"

#define CH_ESC 27
#define CH_BACKSPACE 8
#define CH_DELETE 127

void
keyfilter_init(struct keyfilter *f)
{
	f->esc = KEYFILTER_ESC_NONE;
	f->esc_at = 0;
}

/* A CSI sequence ends with a byte from '@' to '~'. */
static int
is_final(wint_t ch)
{
	return ch >= 0x40 && ch <= 0x7e;
}

/* Follow an escape sequence: KEYFILTER_DROP for Esc and every key of a
 * sequence, KEYFILTER_BACKTAB for Esc [ Z, KEYFILTER_PASS when ch is not
 * part of one. */
static enum keyfilter_verdict
follow_escape(struct keyfilter *f, wint_t ch, double now)
{
	if (f->esc != KEYFILTER_ESC_NONE && now - f->esc_at > KEYFILTER_ESC_SECONDS)
		f->esc = KEYFILTER_ESC_NONE;
	if (ch == CH_ESC) {
		f->esc = KEYFILTER_ESC_AFTER_ESC;
		f->esc_at = now;
		return KEYFILTER_DROP;
	}
	switch (f->esc) {
	case KEYFILTER_ESC_NONE:
		return KEYFILTER_PASS;
	case KEYFILTER_ESC_AFTER_ESC:
		f->esc = ch == '[' ? KEYFILTER_ESC_AFTER_CSI :
		    ch == 'O'      ? KEYFILTER_ESC_AFTER_SS3 :
		                     KEYFILTER_ESC_NONE;
		return KEYFILTER_DROP;
	case KEYFILTER_ESC_AFTER_CSI:
		f->esc = is_final(ch) ? KEYFILTER_ESC_NONE : KEYFILTER_ESC_IN_CSI;
		return ch == 'Z' ? KEYFILTER_BACKTAB : KEYFILTER_DROP;
	case KEYFILTER_ESC_IN_CSI:
		if (is_final(ch))
			f->esc = KEYFILTER_ESC_NONE;
		return KEYFILTER_DROP;
	case KEYFILTER_ESC_AFTER_SS3:
		f->esc = KEYFILTER_ESC_NONE;
		return KEYFILTER_DROP;
	}
	return KEYFILTER_DROP;
}

/* Characters a participant may send at all: printable ones, Enter, Tab,
 * Backspace and the two control keys the kiosk uses. */
static int
char_allowed(wint_t ch)
{
	switch (ch) {
	case '\r':
	case '\n':
	case '\t':
	case CH_BACKSPACE:
	case CH_DELETE:
	case KEY_CTRL_A:
	case KEY_CTRL_X:
		return 1;
	}
	if (ch < 0x20 || ch > 0x10ffff || (ch >= 0xd800 && ch <= 0xdfff))
		return 0;
	return !utf8_is_unsafe((uint32_t)ch);
}

enum keyfilter_verdict
keyfilter_key(struct keyfilter *f, enum keyfilter_kind kind, wint_t ch, double now)
{
	enum keyfilter_verdict v;

	switch (kind) {
	case KEYFILTER_EVENT:
		return KEYFILTER_DROP;
	case KEYFILTER_FUNCTION:
		return KEYFILTER_PASS;
	case KEYFILTER_CHAR:
		break;
	}
	if ((v = follow_escape(f, ch, now)) != KEYFILTER_PASS)
		return v;
	return char_allowed(ch) ? KEYFILTER_PASS : KEYFILTER_DROP;
}

int
keyfilter_esc_alone(struct keyfilter *f, double now)
{
	if (f->esc != KEYFILTER_ESC_AFTER_ESC || now - f->esc_at <= KEYFILTER_ESC_SECONDS)
		return 0;
	f->esc = KEYFILTER_ESC_NONE;
	return 1;
}

static const struct keyfilter_seq home_end[] = {
	{ "\033[1~", KEYFILTER_HOME },
	{ "\033[7~", KEYFILTER_HOME },
	{ "\033[H", KEYFILTER_HOME },
	{ "\033OH", KEYFILTER_HOME },
	{ "\033[4~", KEYFILTER_END },
	{ "\033[8~", KEYFILTER_END },
	{ "\033[F", KEYFILTER_END },
	{ "\033OF", KEYFILTER_END },
};

const struct keyfilter_seq *
keyfilter_home_end(size_t *n)
{
	*n = sizeof home_end / sizeof home_end[0];
	return home_end;
}
