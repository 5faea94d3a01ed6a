/* Unit tests for keyfilter (src/ui/keyfilter.c): which keys a participant
 * may send. Linked without curses: the filter sees kinds and characters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "keyfilter.h"

/* A fresh filter, a clock that moves 10 ms per key (inside an escape
 * sequence's window) unless a test moves it further. */
struct feed {
	struct keyfilter f;
	double now;
};

static void
feed_init(struct feed *fd)
{
	keyfilter_init(&fd->f);
	fd->now = 100.0;
}

static enum keyfilter_verdict
feed_char(struct feed *fd, wint_t ch)
{
	fd->now += 0.01;
	return keyfilter_key(&fd->f, KEYFILTER_CHAR, ch, fd->now);
}

/* Feed every byte of s as a character; 1 if every one was dropped. */
static int
all_dropped(struct feed *fd, const char *s)
{
	int dropped = 1;

	for (; *s != '\0'; s++)
		if (feed_char(fd, (unsigned char)*s) != KEYFILTER_DROP)
			dropped = 0;
	return dropped;
}

static void
test_printable_pass(void **state)
{
	static const wint_t chars[] = { 'a', 'Z', '0', ' ', '~', '[', 'O', 0xe9, 0x301, 0x4e2d,
		0x1f30d, 0x200d, 0x10fffd };
	struct feed fd;
	size_t i;

	(void)state;
	feed_init(&fd);
	for (i = 0; i < sizeof chars / sizeof chars[0]; i++)
		assert_int_equal(feed_char(&fd, chars[i]), KEYFILTER_PASS);
}

static void
test_kiosk_controls_pass(void **state)
{
	static const wint_t keys[] = { '\r', '\n', '\t', 8, 127, KEY_CTRL_A, KEY_CTRL_X };
	struct feed fd;
	size_t i;

	(void)state;
	assert_int_equal(KEY_CTRL_A, 1);
	assert_int_equal(KEY_CTRL_X, 24);
	feed_init(&fd);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_int_equal(feed_char(&fd, keys[i]), KEYFILTER_PASS);
}

/* Ctrl-C, Ctrl-Z, Ctrl-\, Ctrl-S, Ctrl-Q, Ctrl-D and the other controls. */
static void
test_other_controls_dropped(void **state)
{
	struct feed fd;
	wint_t ch;

	(void)state;
	feed_init(&fd);
	assert_int_equal(feed_char(&fd, 3), KEYFILTER_DROP);
	assert_int_equal(feed_char(&fd, 26), KEYFILTER_DROP);
	assert_int_equal(feed_char(&fd, 28), KEYFILTER_DROP);
	assert_int_equal(feed_char(&fd, 19), KEYFILTER_DROP);
	assert_int_equal(feed_char(&fd, 17), KEYFILTER_DROP);
	assert_int_equal(feed_char(&fd, 4), KEYFILTER_DROP);
	for (ch = 0; ch < 0x20; ch++) {
		if (ch == '\r' || ch == '\n' || ch == '\t' || ch == 8 || ch == KEY_CTRL_A ||
		    ch == KEY_CTRL_X || ch == 27)
			continue;
		assert_int_equal(feed_char(&fd, ch), KEYFILTER_DROP);
	}
	for (ch = 0x80; ch < 0xa0; ch++)
		assert_int_equal(feed_char(&fd, ch), KEYFILTER_DROP);
	/* nothing above was taken for the start of a sequence */
	assert_int_equal(feed_char(&fd, 'x'), KEYFILTER_PASS);
}

/* Code points no text may hold: beyond Unicode, surrogates, bidi
 * overrides and isolates, zero-width and tag characters. */
static void
test_unsafe_dropped(void **state)
{
	static const wint_t bad[] = { 0xd800, 0xdbff, 0xdc00, 0xdfff, 0x110000, 0x7fffffff,
		(wint_t)-1, 0x202a, 0x202e, 0x2066, 0x2069, 0x200b, 0x200e, 0x200f, 0xfeff, 0xe0041,
		0x2028 };
	struct feed fd;
	size_t i;

	(void)state;
	feed_init(&fd);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(feed_char(&fd, bad[i]), KEYFILTER_DROP);
}

/* Esc alone, and Alt-<key> (Esc then the key at once), type nothing. */
static void
test_esc_and_alt_dropped(void **state)
{
	struct feed fd;

	(void)state;
	feed_init(&fd);
	assert_int_equal(feed_char(&fd, 27), KEYFILTER_DROP);
	assert_int_equal(fd.f.esc, KEYFILTER_ESC_AFTER_ESC);
	assert_int_equal(feed_char(&fd, 'x'), KEYFILTER_DROP); /* Alt-x */
	assert_int_equal(fd.f.esc, KEYFILTER_ESC_NONE);
	assert_int_equal(feed_char(&fd, 'x'), KEYFILTER_PASS);
	assert_true(all_dropped(&fd, "\033q"));     /* Alt-q */
	assert_true(all_dropped(&fd, "\033\r"));    /* Alt-Enter */
	assert_true(all_dropped(&fd, "\033\030"));  /* Alt-Ctrl-X */
	assert_true(all_dropped(&fd, "\033\033x")); /* Esc, Alt-x */
	assert_int_equal(feed_char(&fd, 'y'), KEYFILTER_PASS);
}

/* An Esc long ago does not eat the next key. */
static void
test_esc_window(void **state)
{
	struct feed fd;

	(void)state;
	feed_init(&fd);
	assert_int_equal(feed_char(&fd, 27), KEYFILTER_DROP);
	fd.now += KEYFILTER_ESC_SECONDS + 0.05;
	assert_int_equal(feed_char(&fd, 'x'), KEYFILTER_PASS);
	/* a sequence cut by a pause: what comes after the pause counts */
	assert_true(all_dropped(&fd, "\033[1"));
	fd.now += 1.0;
	assert_int_equal(feed_char(&fd, '~'), KEYFILTER_PASS);
	/* the window counts from the Esc, not from the last key */
	assert_true(all_dropped(&fd, "\033[1;"));
	fd.now += KEYFILTER_ESC_SECONDS;
	assert_int_equal(feed_char(&fd, '5'), KEYFILTER_PASS);
}

/* Sequences curses did not turn into a key are dropped whole: CSI with
 * parameters, SS3, bracketed paste marks, function keys of other terminals. */
/* A lone Esc is told apart once its window has passed with no key after
 * it, and only once; an Esc that starts a sequence or an Alt-key never is. */
static void
test_esc_alone(void **state)
{
	struct feed fd;

	(void)state;
	feed_init(&fd);
	assert_int_equal(keyfilter_esc_alone(&fd.f, fd.now + 1), 0); /* no Esc yet */
	assert_int_equal(feed_char(&fd, 27), KEYFILTER_DROP);
	assert_int_equal(keyfilter_esc_alone(&fd.f, fd.now + KEYFILTER_ESC_SECONDS / 2), 0);
	assert_int_equal(keyfilter_esc_alone(&fd.f, fd.now + KEYFILTER_ESC_SECONDS + 0.01), 1);
	assert_int_equal(keyfilter_esc_alone(&fd.f, fd.now + 1), 0); /* once */
	/* after it, keys count at once */
	fd.now += 1;
	assert_int_equal(feed_char(&fd, 'a'), KEYFILTER_PASS);
	/* Esc [ A (a sequence) and Alt-x: no lone Esc */
	assert_true(all_dropped(&fd, "\033[A"));
	assert_int_equal(keyfilter_esc_alone(&fd.f, fd.now + 1), 0);
	assert_true(all_dropped(&fd, "\033x"));
	assert_int_equal(keyfilter_esc_alone(&fd.f, fd.now + 1), 0);
}

static void
test_sequences_dropped_whole(void **state)
{
	static const char *const seqs[] = { "\033[A", "\033[1;5C", "\033[200~", "\033[201~",
		"\033[15~", "\033[24;2~", "\033OP", "\033OA", "\033[?1049h", "\033[M",
		"\033[<0;10;5M" };
	struct feed fd;
	size_t i;

	(void)state;
	feed_init(&fd);
	for (i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		assert_true(all_dropped(&fd, seqs[i]));
		assert_int_equal(fd.f.esc, KEYFILTER_ESC_NONE);
		assert_int_equal(feed_char(&fd, 'k'), KEYFILTER_PASS);
	}
}

/* A raw Esc [ Z (terminfo without kcbt) is Shift-Tab; Esc [ 1 Z is not. */
static void
test_backtab(void **state)
{
	struct feed fd;

	(void)state;
	feed_init(&fd);
	assert_int_equal(feed_char(&fd, 27), KEYFILTER_DROP);
	assert_int_equal(feed_char(&fd, '['), KEYFILTER_DROP);
	assert_int_equal(feed_char(&fd, 'Z'), KEYFILTER_BACKTAB);
	assert_int_equal(fd.f.esc, KEYFILTER_ESC_NONE);
	assert_int_equal(feed_char(&fd, 'Z'), KEYFILTER_PASS);
	assert_true(all_dropped(&fd, "\033[1Z"));
	assert_true(all_dropped(&fd, "\033OZ"));
	assert_true(all_dropped(&fd, "\033Z"));
}

/* Function keys pass whatever state the filter is in; resizes and mouse
 * reports never reach a screen. */
static void
test_function_keys_and_events(void **state)
{
	struct feed fd;

	(void)state;
	feed_init(&fd);
	assert_int_equal(keyfilter_key(&fd.f, KEYFILTER_FUNCTION, 0x102, fd.now), KEYFILTER_PASS);
	assert_int_equal(keyfilter_key(&fd.f, KEYFILTER_EVENT, 0x19a, fd.now), KEYFILTER_DROP);
	assert_int_equal(keyfilter_key(&fd.f, KEYFILTER_EVENT, 'a', fd.now), KEYFILTER_DROP);
	assert_int_equal(feed_char(&fd, 27), KEYFILTER_DROP);
	assert_int_equal(keyfilter_key(&fd.f, KEYFILTER_FUNCTION, 27, fd.now), KEYFILTER_PASS);
	assert_int_equal(keyfilter_key(&fd.f, KEYFILTER_EVENT, 'x', fd.now), KEYFILTER_DROP);
}

/* Home and End: every encoding named in the issue, and each of them is
 * dropped whole when a terminal sends one curses was not taught. */
static void
test_home_end_table(void **state)
{
	static const struct {
		const char *seq;
		enum keyfilter_named key;
	} want[] = { { "\033[1~", KEYFILTER_HOME }, { "\033[4~", KEYFILTER_END },
		{ "\033[7~", KEYFILTER_HOME }, { "\033[8~", KEYFILTER_END },
		{ "\033[H", KEYFILTER_HOME }, { "\033[F", KEYFILTER_END },
		{ "\033OH", KEYFILTER_HOME }, { "\033OF", KEYFILTER_END } };
	const struct keyfilter_seq *seq;
	struct feed fd;
	size_t i, j, n, found;

	(void)state;
	seq = keyfilter_home_end(&n);
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		for (j = 0, found = 0; j < n; j++)
			if (strcmp(seq[j].seq, want[i].seq) == 0 && seq[j].key == want[i].key)
				found++;
		assert_int_equal(found, 1);
	}
	feed_init(&fd);
	for (j = 0; j < n; j++) {
		assert_true(all_dropped(&fd, seq[j].seq));
		assert_int_equal(feed_char(&fd, 'h'), KEYFILTER_PASS);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_printable_pass),
		cmocka_unit_test(test_kiosk_controls_pass),
		cmocka_unit_test(test_other_controls_dropped),
		cmocka_unit_test(test_unsafe_dropped), cmocka_unit_test(test_esc_and_alt_dropped),
		cmocka_unit_test(test_esc_window), cmocka_unit_test(test_esc_alone),
		cmocka_unit_test(test_sequences_dropped_whole), cmocka_unit_test(test_backtab),
		cmocka_unit_test(test_function_keys_and_events),
		cmocka_unit_test(test_home_end_table) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
