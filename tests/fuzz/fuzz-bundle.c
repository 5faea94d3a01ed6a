/* libFuzzer target for the bundle and receipt parsers. `make fuzz` builds it
 * (build/fuzz/fuzz-bundle, clang) and runs it on tests/fuzz/corpus/bundle.
 *
 * The saved corpus is replayed by tests/unit/test-bundle-corpus.c in make check.
 * Signatures make random inputs fail early; the corpus holds valid bundles so
 * the fuzzer mutates the framing behind the signature check as well. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bundle.h"
#include "receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
touch(const struct bundle_record *r, void *ctx, struct err *e)
{
	size_t *sum = ctx;

	(void)e;
	/* read every byte the reader hands out */
	for (size_t i = 0; i < r->sealed_len; i++)
		*sum += r->sealed[i];
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct hub_pubkey hub;
	size_t sum = 0;
	struct bundle_sink sink = { NULL, touch, &sum };
	struct receipt r;
	struct err e;

	if (!ready) {
		if (sodium_init() < 0)
			return 0;
		memset(&hub, 0, sizeof hub);
		ready = 1;
	}
	bundle_read(data, size, NULL, &sink, &e);
	if (receipt_verify(data, size, &hub, 1, NULL, &r, &e) == 0)
		receipt_free(&r);
	return 0;
}
