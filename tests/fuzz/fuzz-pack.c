/* libFuzzer target for the feedback pack reader (pack_read), checked
 * against the hub key of the committed vectors (seed 32 x 'P',
 * tests/vectors/gen-pack-vectors.c) and a zero key. The saved corpus
 * (tests/fuzz/corpus/pack/) starts from packs signed with that key, so
 * mutations reach the fields behind the signature as well as the framing
 * in front of it. Replayed by make check (tests/fuzz/replay.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct hub_pubkey hubs[2];
	struct feedback *fb;
	struct err e;

	if (!ready) {
		unsigned char seed[32], sk[crypto_sign_SECRETKEYBYTES];
		unsigned char xsk[crypto_box_SECRETKEYBYTES];

		if (sodium_init() < 0)
			return 0;
		memset(hubs, 0, sizeof hubs);
		memset(seed, 'P', sizeof seed);
		crypto_sign_seed_keypair(hubs[1].sign_pk, sk, seed);
		crypto_box_seed_keypair(hubs[1].box_pk, xsk, seed);
		keys_hub_id(hubs[1].box_pk, hubs[1].sign_pk, hubs[1].id);
		sodium_memzero(sk, sizeof sk);
		sodium_memzero(xsk, sizeof xsk);
		ready = 1;
	}
	if (pack_read(data, size, hubs, 2, &fb, &e) == 0) {
		size_t *order = feedback_order(fb, "sw");

		free(order);
		feedback_free(fb);
	}
	return 0;
}
