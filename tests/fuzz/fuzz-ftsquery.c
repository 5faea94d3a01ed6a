/* libFuzzer target for the search translator (sync/hub/ftsquery.h): the
 * input is a search as a coordinator types it. Whatever comes in, it is
 * refused with a message, or the tsquery text it gives is well formed:
 * quoted operands (' doubled, \ escaped inside), each at most once followed
 * by :*, between the operators & | ! and balanced parentheses, with nothing
 * else outside quotes, so no input can reach to_tsquery as anything but
 * words. Corpus: tests/fuzz/corpus/ftsquery/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ftsquery.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 if t is tsquery text of the shape ftsquery promises. */
static int
well_formed(const char *t)
{
	int depth = 0;

	while (*t != '\0') {
		if (*t == '\'') {
			for (t++;; t++) {
				if (*t == '\0')
					return 0;
				if (*t == '\\' && t[1] == '\\') {
					t++;
					continue;
				}
				if (*t == '\'' && t[1] == '\'') {
					t++;
					continue;
				}
				if (*t == '\'')
					break;
				if (*t == '\\')
					return 0; /* a lone backslash would escape */
			}
			t++;
			if (t[0] == ':' && t[1] == '*')
				t += 2;
			continue;
		}
		if (*t == '(')
			depth++;
		else if (*t == ')') {
			if (--depth < 0)
				return 0;
		} else if (strchr("&|! ", *t) == NULL)
			return 0;
		t++;
	}
	return depth == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q = xstrndup((const char *)data, size), *out = NULL;
	struct err e;

	if (ftsquery_to_tsquery(q, &out, &e) == -1) {
		if (e.msg[0] == '\0' || out != NULL)
			abort();
	} else if (out == NULL || !well_formed(out))
		abort();
	free(out);
	free(q);
	return 0;
}
