/* storycode: short withdrawal codes. 30 symbols without 0/O, 1/I/L or U, so
 * a code read from a slip of paper is typed back correctly. */
#include "storycode.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

void
storycode_new(char out[STORYCODE_LEN])
{
	int i, o = 0;

	for (i = 0; i < 6; i++) {
		if (i == 3)
			out[o++] = '-';
		out[o++] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	}
	out[o] = '\0';
}

int
storycode_normalise(const char *in, char out[STORYCODE_LEN])
{
	int n = 0, o = 0;
	char c;

	for (; *in != '\0'; in++) {
		c = (char)toupper((unsigned char)*in);
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (strchr(alphabet, c) == NULL || n == 6)
			return -1;
		if (n == 3)
			out[o++] = '-';
		out[o++] = c;
		n++;
	}
	out[o] = '\0';
	return n == 6 ? 0 : -1;
}
