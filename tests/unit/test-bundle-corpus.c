/* Replays the saved libFuzzer corpus (tests/fuzz/corpus/bundle/) through the
 * bundle and receipt parsers, so make check (and make check SANITIZE=1)
 * catches a regression the fuzzer once explored. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bundle.h"
#include "fsutil.h"
#include "receipt.h"
#include "xmalloc.h"

static int
touch(const struct bundle_record *r, void *ctx, struct err *e)
{
	(void)e;
	for (size_t i = 0; i < r->sealed_len; i++)
		*(size_t *)ctx += r->sealed[i];
	return 0;
}

static void
test_corpus(void **state)
{
	const char *top = getenv("TOP");
	char *dir = xasprintf("%s/tests/fuzz/corpus/bundle", top ? top : ".");
	struct hub_pubkey hub;
	struct dirent *de;
	size_t files = 0, sum = 0;
	DIR *d;

	(void)state;
	assert_true(sodium_init() >= 0);
	memset(&hub, 0, sizeof hub);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		struct bundle_sink sink = { NULL, touch, &sum };
		unsigned char *buf;
		struct receipt r;
		size_t len;
		struct err e;
		char *path;

		if (de->d_name[0] == '.')
			continue;
		path = fsutil_join(dir, de->d_name);
		if (fsutil_read_file(path, BUNDLE_MAX_BYTES, &buf, &len, &e) == -1)
			fail_msg("%s", e.msg);
		/* exact-size copy so an over-read is caught under ASan */
		{
			unsigned char *exact = xmalloc(len ? len : 1);

			memcpy(exact, buf, len);
			bundle_read(exact, len, NULL, &sink, &e);
			if (receipt_verify(exact, len, &hub, 1, NULL, &r, &e) == 0)
				receipt_free(&r);
			free(exact);
		}
		free(buf);
		free(path);
		files++;
	}
	closedir(d);
	free(dir);
	assert_true(files >= 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
