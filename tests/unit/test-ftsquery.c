/* Unit tests for ftsquery: FTS5 searches turned into PostgreSQL tsquery
 * text, operand by operand, with FTS5's precedence (NOT, then AND, then OR),
 * and what FTS5 refuses (or this subset leaves out) refused with a message.
 * tests/e2e/pg-store.sh runs the same searches on both engines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ftsquery.h"

static void
expect(const char *query, const char *want)
{
	char *out = NULL;
	struct err e;

	if (ftsquery_to_tsquery(query, &out, &e) == -1)
		fail_msg("\"%s\" refused: %s", query, e.msg);
	if (strcmp(out, want) != 0)
		fail_msg("\"%s\": got %s, want %s", query, out, want);
	free(out);
}

static void
refused(const char *query, const char *why)
{
	char *out = NULL;
	struct err e;

	assert_int_equal(ftsquery_to_tsquery(query, &out, &e), -1);
	assert_null(out);
	if (strstr(e.msg, why) == NULL)
		fail_msg("\"%s\": %s (wanted \"%s\")", query, e.msg, why);
}

static void
test_operands(void **state)
{
	(void)state;
	expect("cafe", "(('cafe'))");
	expect("café", "(('café'))");
	expect("  spaced\t", "(('spaced'))");
	expect("fund*", "(('fund':*))");
	expect("\"water committee\"", "(('water committee'))");
	expect("\"pre fix\"*", "(('pre fix':*))");
	expect("\"say \"\"hi\"\"\"", "(('say \"hi\"'))");
	expect("\"it's a \\\\ path\"", "(('it''s a \\\\\\\\ path'))");
	expect("\"\"", "((''))");
	expect("بالعالم", "(('بالعالم'))");
	expect("snake_case x1", "(('snake_case') & ('x1'))");
}

static void
test_operators(void **state)
{
	(void)state;
	expect("a b", "(('a') & ('b'))");
	expect("a AND b", "(('a') & ('b'))");
	expect("a OR b", "(('a')) | (('b'))");
	expect("a NOT b", "(('a' & !'b'))");
	expect("a OR b c", "(('a')) | (('b') & ('c'))");
	expect("a NOT b OR c", "(('a' & !'b')) | (('c'))");
	expect("(a OR b) AND c", "((((('a')) | (('b')))) & ('c'))");
	expect("(a OR b) c NOT d", "((((('a')) | (('b')))) & ('c' & !'d'))");
	/* only capitals are operators, as in FTS5 */
	expect("a and b", "(('a') & ('and') & ('b'))");
	expect("ANDROID OR ORACLE", "(('ANDROID')) | (('ORACLE'))");
}

static void
test_refused(void **state)
{
	(void)state;
	refused("", "unexpected end");
	refused("   ", "unexpected end");
	refused("\"unbalanced", "unterminated string");
	refused("(open", "missing ')'");
	refused("x)", "unbalanced ')'");
	refused("a:b", "column filters");
	refused("a + b", "'+'");
	refused("NOT a", "syntax error");
	refused("a AND", "unexpected end");
	refused("a OR OR b", "syntax error");
	refused("a - b", "syntax error");
	refused("NEAR(a b)", "NEAR is not supported");
	refused("^a", "syntax error");
}

static void
test_nesting(void **state)
{
	char deep[2 * 80 + 2];

	(void)state;
	memset(deep, '(', 80);
	deep[80] = 'a';
	memset(deep + 81, ')', 80);
	deep[161] = '\0';
	refused(deep, "too deeply nested");
	memset(deep, '(', 20);
	deep[20] = 'a';
	memset(deep + 21, ')', 20);
	deep[41] = '\0';
	{
		char *out = NULL;
		struct err e;

		assert_int_equal(ftsquery_to_tsquery(deep, &out, &e), 0);
		assert_non_null(strstr(out, "'a'"));
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operands),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
