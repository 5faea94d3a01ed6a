/* story: the names of statuses and sources (on the wire and in both stores),
 * and the check of a scribe's initials: letters only, 1 to 4 of them, kept
 * in capitals; anything else refused with the reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "story.h"

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(story_source_name(SOURCE_KIOSK), "kiosk");
	assert_string_equal(story_source_name(SOURCE_PAPER), "paper");
	assert_string_equal(story_source_name(SOURCE_SCRIBE), "scribe");
	assert_int_equal(SOURCE_SCRIBE, 2); /* on the wire: never renumber */
	assert_string_equal(story_source_name(SOURCE__COUNT), "unknown");
	assert_string_equal(story_source_name(-1), "unknown");
	assert_string_equal(story_status_name(STATUS_TIMED_OUT), "timed_out");
}

static void
test_scribe_initials(void **state)
{
	static const char *const good[][2] = {
		{ "ab", "AB" },
		{ "A", "A" },
		{ "mKw", "MKW" },
		{ "ZzZz", "ZZZZ" },
	};
	static const char *const bad[] = { "", "ABCDE", "A B", "A.B", "1", "É", "AB\n", "A\033[2J",
		"-AB", "=A" };
	char out[STORY_SCRIBE_MAX + 1];
	struct err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(story_scribe_check(good[i][0], out, &e), 0);
		assert_string_equal(out, good[i][1]);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(out, 'X', sizeof out);
		if (story_scribe_check(bad[i], out, &e) != -1)
			fail_msg("\"%s\" was taken as initials", bad[i]);
		assert_string_equal(out, ""); /* nothing half-copied */
		assert_non_null(strstr(e.msg, "initials"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_scribe_initials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
