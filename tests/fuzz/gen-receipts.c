/* Writes receipts signed with the fixed hub key of fuzz-receipt.c (seed
 * 32 x 'R') into DIR, as seeds for tests/fuzz/corpus/receipt/: without them
 * the fuzzer never gets past the signature check.
 *   make && cc -std=c11 -D_DEFAULT_SOURCE -Isync/wire -Isrc/core -Isrc/base \
 *       tests/fuzz/gen-receipts.c build/plain/libwire.a build/plain/libcore.a \
 *       build/plain/libbase.a $(pkg-config --cflags --libs libsodium sqlite3 yaml-0.1 \
 *       jansson) -o gen && ./gen DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "receipt.h"
#include "xmalloc.h"

int
main(int argc, char **argv)
{
	static const size_t counts[] = { 0, 1, 3 };
	struct hub_seckey k;
	unsigned char seed[32];

	if (argc != 2 || sodium_init() < 0)
		return 2;
	memset(&k, 0, sizeof k);
	memset(seed, 'R', sizeof seed);
	crypto_sign_seed_keypair(k.pub.sign_pk, k.sign_sk, seed);
	crypto_box_seed_keypair(k.pub.box_pk, k.box_sk, seed);
	keys_hub_id(k.pub.box_pk, k.pub.sign_pk, k.pub.id);
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		struct receipt r;
		unsigned char *out;
		size_t len;
		struct err e;
		char *path;
		FILE *f;

		memset(&r, 0, sizeof r);
		memcpy(r.hub_id, k.pub.id, sizeof r.hub_id);
		r.bundle_seq = i + 1;
		r.created = 1700000000 + (int64_t)i;
		r.count = counts[i];
		r.ids = xmalloc(counts[i] ? counts[i] * BUNDLE_ID_BYTES : 1);
		for (size_t j = 0; j < counts[i]; j++)
			memset(r.ids[j], (int)(j + 1), BUNDLE_ID_BYTES);
		if (receipt_write(&r, &k, &out, &len, &e) == -1) {
			fprintf(stderr, "%s\n", e.msg);
			return 1;
		}
		path = xasprintf("%s/signed-%zu", argv[1], counts[i]);
		if ((f = fopen(path, "wb")) == NULL || fwrite(out, 1, len, f) != len ||
		    fclose(f) != 0)
			return 1;
		free(path);
		free(out);
		free(r.ids);
	}
	sodium_memzero(&k, sizeof k);
	return 0;
}
