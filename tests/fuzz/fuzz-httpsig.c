/* libFuzzer target for the hub's reading of a request's signature fields
 * (httpsig.c: Signature-Input and Signature, RFC 9421; Content-Digest, RFC
 * 9530), which it parses from anyone before any check. The input is three
 * lines: Signature-Input, Signature, Content-Digest. What parses must
 * serialise to a field that parses to the same signature, and its base over
 * a fixed request must verify or be refused without a crash. Replayed by
 * make check (tests/fuzz/replay.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
component(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "@method") == 0)
		return "POST";
	if (strcmp(name, "@path") == 0)
		return "/v1/bundles";
	if (strcmp(name, "content-digest") == 0)
		return "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char *text = malloc(size + 1), *line[3] = { NULL, NULL, NULL }, *p, *input, *sig;
	struct httpsig s, again;
	struct err e;
	int n = 0;

	if (text == NULL || sodium_init() < 0) {
		free(text);
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	for (p = text; n < 3; n++) {
		line[n] = p;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		*p++ = '\0';
	}
	if (httpsig_parse(line[0], line[1], &s, &e) == 0) {
		input = httpsig_input_field(&s);
		sig = httpsig_signature_field(&s);
		if (httpsig_parse(input, sig, &again, &e) != 0 ||
		    memcmp(again.sig, s.sig, sizeof s.sig) != 0 || again.ncomp != s.ncomp ||
		    again.nparam != s.nparam)
			abort(); /* what we write, we must read back the same */
		(void)httpsig_verify(&s, component, NULL, pk, &e);
		free(input);
		free(sig);
	}
	if (httpsig_digest_parse(line[2], &e) == 0)
		(void)httpsig_digest_check(line[2], data, size, &e);
	free(text);
	return 0;
}
