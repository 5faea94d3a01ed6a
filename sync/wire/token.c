/* token: enrolment tokens: fifteen random symbols and a check symbol. */
#include "token.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

#define TOKEN_SYMBOLS 16

static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
#define ALPHABET_SIZE (sizeof alphabet - 1)

/* The check symbol: a weighted sum mod 29 (a prime below the alphabet's
 * size), so one wrong symbol or two neighbours swapped change it (unless
 * the two symbols are 2 and Z, 29 apart). */
static char
check_symbol(const char *syms)
{
	unsigned sum = 0;

	for (unsigned i = 0; i < TOKEN_SYMBOLS - 1; i++)
		sum += (i + 1) * (unsigned)(strchr(alphabet, syms[i]) - alphabet);
	return alphabet[sum % 29];
}

static void
format(const char *syms, char out[TOKEN_LEN])
{
	int o = 0;

	for (int i = 0; i < TOKEN_SYMBOLS; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = '-';
		out[o++] = syms[i];
	}
	out[o] = '\0';
}

void
token_new(char out[TOKEN_LEN])
{
	char syms[TOKEN_SYMBOLS];

	for (int i = 0; i < TOKEN_SYMBOLS - 1; i++)
		syms[i] = alphabet[randombytes_uniform(ALPHABET_SIZE)];
	syms[TOKEN_SYMBOLS - 1] = check_symbol(syms);
	format(syms, out);
}

int
token_normalise(const char *in, char out[TOKEN_LEN])
{
	char syms[TOKEN_SYMBOLS], c;
	int n = 0;

	for (; *in != '\0'; in++) {
		c = (char)toupper((unsigned char)*in);
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (c == '\0' || strchr(alphabet, c) == NULL || n == TOKEN_SYMBOLS)
			return -1;
		syms[n++] = c;
	}
	if (n != TOKEN_SYMBOLS || check_symbol(syms) != syms[TOKEN_SYMBOLS - 1])
		return -1;
	format(syms, out);
	return 0;
}

void
token_hash(const char token[TOKEN_LEN], unsigned char out[TOKEN_HASH_BYTES])
{
	static const char domain[] = "storykiosk enrolment token v1";
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, TOKEN_HASH_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)domain, sizeof domain);
	crypto_generichash_update(&st, (const unsigned char *)token, strlen(token));
	crypto_generichash_final(&st, out, TOKEN_HASH_BYTES);
}
