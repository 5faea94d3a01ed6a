/* libFuzzer target for the key filter (src/ui/keyfilter.h): the input is a
 * stream of keys as the kiosk's loop reads them. Each key is one op byte:
 * its low two bits the kind (0, 1 a character, 2 a function key, 3 an
 * event), bit 2 a pause longer than an escape sequence's window (else 10 ms
 * pass), and the rest what the key is: a byte read next (ops 0..15), a code
 * point from the next three bytes (16..27, beyond Unicode too), or one of
 * the Home/End sequences fed whole (28..31). Whatever comes in, no control
 * other than the kiosk's own, no Esc, no key right after an Esc, no
 * surrogate, out-of-range or unsafe code point may pass, every Home/End
 * sequence is dropped whole, and the filter never stays stuck: after a pause
 * a plain letter always passes. Corpus: tests/fuzz/corpus/keyfilter/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyfilter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
allowed_control(wint_t ch)
{
	return ch == '\r' || ch == '\n' || ch == '\t' || ch == 8 || ch == 127 || ch == KEY_CTRL_A ||
	    ch == KEY_CTRL_X;
}

/* Code points that must never reach a screen, said independently of the
 * filter's own test. */
static int
forbidden(wint_t ch)
{
	if (allowed_control(ch))
		return 0;
	return ch < 0x20 || (ch >= 0x7f && ch < 0xa0) || (ch >= 0xd800 && ch <= 0xdfff) ||
	    ch > 0x10ffff || (ch >= 0x202a && ch <= 0x202e) || (ch >= 0x2066 && ch <= 0x2069) ||
	    ch == 0x200b || ch == 0xfeff || (ch >= 0xe0000 && ch <= 0xe007f);
}

/* The filter is out of any sequence once a pause has passed. */
static void
check_not_stuck(const struct keyfilter *f, double now)
{
	struct keyfilter copy = *f;

	if (keyfilter_key(&copy, KEYFILTER_CHAR, 'a', now + 1.0) != KEYFILTER_PASS)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct keyfilter_seq *seq;
	enum keyfilter_verdict v;
	enum keyfilter_kind kind;
	struct keyfilter f;
	double now = 1000.0, esc_at = -1.0;
	size_t i = 0, nseq;
	const char *p;
	unsigned op, what;
	wint_t ch;

	seq = keyfilter_home_end(&nseq);
	keyfilter_init(&f);
	while (i < size) {
		op = data[i++];
		kind = (op & 3) == 3 ? KEYFILTER_EVENT :
		    (op & 3) == 2    ? KEYFILTER_FUNCTION :
		                       KEYFILTER_CHAR;
		now += (op & 4) ? KEYFILTER_ESC_SECONDS + 0.05 : 0.01;
		what = op >> 3;
		if (what >= 28) {
			/* a whole Home/End sequence curses was not taught */
			for (p = seq[(what - 28 + (op & 3) * 4) % nseq].seq; *p != '\0'; p++)
				if (keyfilter_key(&f, KEYFILTER_CHAR, (unsigned char)*p, now) !=
				    KEYFILTER_DROP)
					abort();
			esc_at = -1.0;
			check_not_stuck(&f, now);
			continue;
		}
		if (what < 16) {
			ch = i < size ? data[i++] : 0;
		} else {
			ch = 0;
			for (int k = 0; k < 3 && i < size; k++)
				ch = (ch << 8) | data[i++];
			ch |= (wint_t)(what - 16) << 24 & 0x7f000000u;
		}
		v = keyfilter_key(&f, kind, ch, now);
		if (f.esc != KEYFILTER_ESC_NONE && f.esc != KEYFILTER_ESC_AFTER_ESC &&
		    f.esc != KEYFILTER_ESC_AFTER_CSI && f.esc != KEYFILTER_ESC_IN_CSI &&
		    f.esc != KEYFILTER_ESC_AFTER_SS3)
			abort();
		switch (kind) {
		case KEYFILTER_EVENT:
			if (v != KEYFILTER_DROP)
				abort();
			break;
		case KEYFILTER_FUNCTION:
			if (v != KEYFILTER_PASS)
				abort();
			break;
		case KEYFILTER_CHAR:
			if (v == KEYFILTER_BACKTAB && ch != 'Z')
				abort();
			if (v == KEYFILTER_PASS && (ch == 27 || forbidden(ch)))
				abort();
			/* the key right after an Esc (an Alt-key) never passes */
			if (v != KEYFILTER_DROP && esc_at >= 0 &&
			    now - esc_at <= KEYFILTER_ESC_SECONDS)
				abort();
			esc_at = ch == 27 ? now : -1.0;
			break;
		}
		check_not_stuck(&f, now);
	}
	return 0;
}
