/* serve's strict --listen: the table of addresses taken and refused, and
 * which ones reach beyond this machine. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "listen.h"

static void
test_taken(void **state)
{
	static const struct {
		const char *spec, *host;
		unsigned port;
		int loopback;
	} ok[] = {
		{ "127.0.0.1:8080", "127.0.0.1", 8080, 1 },
		{ "127.0.0.1:1", "127.0.0.1", 1, 1 },
		{ "127.0.0.1:65535", "127.0.0.1", 65535, 1 },
		{ "127.0.0.1:0", "127.0.0.1", 0, 1 }, /* any free port */
		{ "127.9.8.7:08080", "127.9.8.7", 8080, 1 },
		{ "[::1]:8080", "[::1]", 8080, 1 },
		{ "0.0.0.0:8080", "0.0.0.0", 8080, 0 },
		{ "[::]:8080", "[::]", 8080, 0 },
		{ "192.0.2.1:8080", "192.0.2.1", 8080, 0 },
		{ "[::ffff:127.0.0.1]:80", "[::ffff:127.0.0.1]", 80, 1 },
	};
	struct listen_addr la;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (listen_parse(ok[i].spec, &la, &e) != 0)
			fail_msg("%s refused: %s", ok[i].spec, e.msg);
		assert_string_equal(la.host, ok[i].host);
		assert_int_equal(la.port, ok[i].port);
		assert_int_equal(la.loopback, ok[i].loopback);
	}
}

static void
test_refused(void **state)
{
	static const struct {
		const char *spec, *why;
	} bad[] = {
		{ "127.0.0.1:70000", "from 1 to 65535" },
		{ "127.0.0.1:65536", "from 1 to 65535" },
		{ "127.0.0.1:123456", "from 1 to 65535" },
		{ ":65536", "names no host" },
		{ ":8080", "0.0.0.0:8080 for every network interface" },
		{ "127.0.0.1:", "names no port" },
		{ "127.0.0.1:80x", "from 1 to 65535" },
		{ "127.0.0.1:-1", "from 1 to 65535" },
		{ "127.0.0.1: 80", "from 1 to 65535" },
		{ "127.0.0.1", "HOST:PORT" },
		{ "", "HOST:PORT" },
		{ "::1:8080", "brackets" },
		{ "[::1]8080", "[ADDRESS]:PORT" },
		{ "[::1:8080", "[ADDRESS]:PORT" },
		{ "[]:8080", "brackets hold an IPv6 address" },
		{ "[127.0.0.1]:8080", "brackets hold an IPv6 address" },
		{ "no-such-host.invalid:8080", "cannot listen on" },
	};
	struct listen_addr la;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&e);
		if (listen_parse(bad[i].spec, &la, &e) != -1)
			fail_msg("%s taken", bad[i].spec);
		if (strstr(e.msg, bad[i].why) == NULL)
			fail_msg("%s: \"%s\" does not say \"%s\"", bad[i].spec, e.msg, bad[i].why);
	}
	assert_int_equal(listen_parse(NULL, &la, &e), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taken),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
