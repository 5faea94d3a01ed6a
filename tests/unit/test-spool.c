/* spool: a small body stays in memory, a large one (or any once the memory
 * budget is spent) goes to an unnamed file in the directory, and comes back
 * whole; the budgets refuse what does not fit (transient), and give the
 * room back when a body is freed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dirent.h>

#include "spool.h"
#include "testutil.h"
#include "xmalloc.h"

/* Files in dir (the unnamed ones are never there). */
static int
files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' || strncmp(de->d_name, ".storyhub", 9) == 0)
			n++;
	closedir(d);
	return n;
}

static void
write_pattern(struct spool *sp, size_t len, unsigned char seed)
{
	unsigned char chunk[1000];
	struct err e;

	for (size_t done = 0; done < len;) {
		size_t n = len - done < sizeof chunk ? len - done : sizeof chunk;

		for (size_t i = 0; i < n; i++)
			chunk[i] = (unsigned char)(seed + done + i);
		assert_int_equal(spool_write(sp, chunk, n, &e), 0);
		done += n;
	}
}

static void
check_pattern(struct spool *sp, size_t len, unsigned char seed)
{
	const unsigned char *p;
	size_t n;
	struct err e;

	assert_int_equal(spool_size(sp), len);
	assert_int_equal(spool_body(sp, &p, &n, &e), 0);
	assert_int_equal(n, len);
	for (size_t i = 0; i < len; i++)
		if (p[i] != (unsigned char)(seed + i))
			fail_msg("byte %zu differs", i);
}

static void
test_budgets(void **state)
{
	char *dir = testutil_tmpdir();
	struct spool_budget b;
	struct spool *small, *big, *chunked, *third, *refused = NULL;
	size_t mem;
	uint64_t disk;
	struct err e;

	(void)state;
	/* 100 KB a body in memory, 150 KB in all, 1 MB on disk */
	spool_budget_init(&b, dir, 100000, 150000, 1000000);
	assert_int_equal(spool_open(&b, 80000, &small, &e), 0);
	write_pattern(small, 80000, 1);
	assert_false(spool_on_disk(small));
	assert_int_equal(spool_open(&b, 300000, &big, &e), 0); /* past the per-body limit */
	write_pattern(big, 300000, 2);
	assert_true(spool_on_disk(big));
	assert_int_equal(files_in(dir), 0); /* unnamed */
	/* chunked: memory until the total budget is spent, then a file */
	assert_int_equal(spool_open(&b, -1, &chunked, &e), 0);
	write_pattern(chunked, 90000, 3);
	assert_true(spool_on_disk(chunked));
	spool_budget_used(&b, &mem, &disk);
	assert_true(mem <= 150000);
	assert_true(disk >= 390000);
	/* the disk budget: 1 MB; 300 + 90 KB held, 700 KB more refused */
	assert_int_equal(spool_open(&b, 700000, &refused, &e), -1);
	assert_true(e.transient);
	assert_non_null(strstr(e.msg, "too much at once"));
	assert_null(refused);
	assert_int_equal(spool_open(&b, 600000, &third, &e), 0);
	assert_int_equal(spool_write(third, "x", 1, &e), 0);
	check_pattern(small, 80000, 1);
	check_pattern(big, 300000, 2);
	check_pattern(chunked, 90000, 3);
	spool_free(small);
	spool_free(big);
	spool_free(chunked);
	spool_free(third);
	spool_free(NULL);
	spool_budget_used(&b, &mem, &disk);
	assert_int_equal(mem, 0);
	assert_true(disk == 0);
	spool_budget_free(&b);
	testutil_rmrf(dir);
	free(dir);
}

/* A directory that cannot take files: refused, transient. */
static void
test_no_room(void **state)
{
	struct spool_budget b;
	struct spool *sp = NULL;
	struct err e;

	(void)state;
	spool_budget_init(&b, "/nonexistent/dir", 1000, 1000, 0);
	assert_int_equal(spool_open(&b, 5000, &sp, &e), -1);
	assert_true(e.transient);
	assert_int_equal(spool_open(&b, 10, &sp, &e), 0);
	assert_int_equal(spool_write(sp, "0123456789", 10, &e), 0);
	assert_int_equal(spool_write(sp, "x", 1, &e), -1); /* would spill: no file */
	spool_free(sp);
	spool_budget_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budgets),
		cmocka_unit_test(test_no_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
