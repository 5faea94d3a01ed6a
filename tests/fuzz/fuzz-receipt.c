/* libFuzzer target for the receipt parser (receipt_verify), checked against
 * the hub key whose seed is fixed below, and against a zero key. The saved
 * corpus (tests/fuzz/corpus/receipt/) holds receipts signed with that key, so
 * mutations reach the fields behind the signature check as well as the
 * framing in front of it. Replayed by make check (tests/fuzz/replay.c). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct hub_pubkey hubs[2];
	static unsigned char kiosk_id[KEY_ID_BYTES];
	struct receipt r;
	struct err e;

	if (!ready) {
		unsigned char seed[32], sk[crypto_sign_SECRETKEYBYTES];
		unsigned char xsk[crypto_box_SECRETKEYBYTES];

		if (sodium_init() < 0)
			return 0;
		memset(hubs, 0, sizeof hubs);
		memset(seed, 'R', sizeof seed);
		crypto_sign_seed_keypair(hubs[1].sign_pk, sk, seed);
		crypto_box_seed_keypair(hubs[1].box_pk, xsk, seed);
		keys_hub_id(hubs[1].box_pk, hubs[1].sign_pk, hubs[1].id);
		sodium_memzero(sk, sizeof sk);
		sodium_memzero(xsk, sizeof xsk);
		ready = 1;
	}
	if (receipt_verify(data, size, hubs, 2, NULL, &r, &e) == 0)
		receipt_free(&r);
	if (receipt_verify(data, size, hubs, 2, kiosk_id, &r, &e) == 0)
		receipt_free(&r);
	return 0;
}
