/* secret_read: a passphrase or PIN taken from the environment is wiped
 * there and the variable removed once read (a core, /proc/PID/environ or a
 * child process never sees it afterwards), also when a file was given
 * instead or the secret was refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "fsutil.h"
#include "secret.h"
#include "xmalloc.h"

static void
test_env_taken_and_removed(void **state)
{
	char *s = NULL, *v;
	size_t len;
	struct err e;

	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	assert_int_equal(setenv("STORYKIOSK_PIN", "2468", 1), 0);
	v = getenv("STORYKIOSK_PIN");
	assert_non_null(v);
	assert_int_equal(secret_read("STORYKIOSK_PIN", NULL, "PIN: ", 0, 4, &s, &len, &e), 0);
	assert_string_equal(s, "2468");
	assert_int_equal(len, 4);
	sodium_free(s);
	assert_null(getenv("STORYKIOSK_PIN"));
	/* the value was wiped where it was, not only unlinked (glibc keeps
	 * the strings setenv made) */
	assert_int_equal(v[0], '\0');
}

static void
test_env_removed_when_file_given(void **state)
{
	char dir[] = "/tmp/test-secret.XXXXXX", *path, *s = NULL;
	size_t len;
	struct err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = fsutil_join(dir, "pass");
	assert_int_equal(fsutil_write_atomic(path, "from the file\n", 14, 0600, 0, &e), 0);
	assert_int_equal(setenv("STORYHUB_PASSPHRASE", "from the environment", 1), 0);
	assert_int_equal(secret_read("STORYHUB_PASSPHRASE", path, "pass: ", 0, 0, &s, &len, &e), 0);
	assert_string_equal(s, "from the file");
	sodium_free(s);
	assert_null(getenv("STORYHUB_PASSPHRASE"));
	/* refused (too short): removed all the same */
	assert_int_equal(setenv("STORYKIOSK_PIN", "12", 1), 0);
	assert_int_equal(secret_read("STORYKIOSK_PIN", NULL, "PIN: ", 0, 4, &s, &len, &e), -1);
	assert_non_null(strstr(e.msg, "too short"));
	assert_null(getenv("STORYKIOSK_PIN"));
	unlink(path);
	rmdir(dir);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_taken_and_removed),
		cmocka_unit_test(test_env_removed_when_file_given),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
