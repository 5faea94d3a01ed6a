/* The committed vectors in tests/vectors/bundle/: each bundle-level vector
 * gives exactly its expected error (or verifies, with its record count), and
 * a rejected one never reaches the sink. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bundle.h"
#include "fsutil.h"
#include "xmalloc.h"

static char *
vector_path(const char *name)
{
	const char *top = getenv("TOP");

	return xasprintf("%s/tests/vectors/bundle/%s", top ? top : ".", name);
}

static int
count(const struct bundle_record *r, void *ctx, struct err *e)
{
	(void)r;
	(void)e;
	(*(int *)ctx)++;
	return 0;
}

static void
test_vectors(void **state)
{
	struct hub_pubkey *keys = NULL;
	size_t nkeys = 0, checked = 0, kinds_seen = 0;
	char *path, line[512];
	struct err e;
	FILE *fp;

	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	path = vector_path("hub.pub");
	if (keys_hub_pub_load(path, &keys, &nkeys, &e) == -1)
		fail_msg("%s", e.msg);
	free(path);
	path = vector_path("expected.txt");
	fp = fopen(path, "r");
	assert_non_null(fp);
	free(path);
	while (fgets(line, sizeof line, fp) != NULL) {
		char *name = line, *level, *want;
		unsigned char *buf;
		size_t len;
		int records = 0, rv;
		struct bundle_sink sink = { NULL, count, &records };

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || (level = strchr(name, '\t')) == NULL)
			continue;
		*level++ = '\0';
		if ((want = strchr(level, '\t')) == NULL)
			fail_msg("bad line in expected.txt: %s", name);
		*want++ = '\0';
		if (strcmp(level, "bundle") != 0)
			continue;
		path = vector_path(name);
		if (bundle_load_file(path, &buf, &len, &e) == -1)
			fail_msg("%s", e.msg);
		free(path);
		memset(&e, 0, sizeof e);
		rv = bundle_read(buf, len, keys[0].id, &sink, &e);
		if (strncmp(want, "ok ", 3) == 0) {
			if (rv != 0)
				fail_msg("%s: wanted success, got \"%s\"", name, e.msg);
			assert_int_equal(records, atoi(want + 3));
		} else {
			if (rv != -1)
				fail_msg("%s: accepted, wanted \"%s\"", name, want);
			if (strstr(e.msg, want) != e.msg)
				fail_msg("%s: wanted \"%s\", got \"%s\"", name, want, e.msg);
			assert_int_equal(records, 0);
			kinds_seen++;
		}
		free(buf);
		checked++;
	}
	fclose(fp);
	free(keys);
	/* a missing or emptied vector directory must not pass silently */
	assert_true(checked >= 15);
	assert_true(kinds_seen >= 13);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
