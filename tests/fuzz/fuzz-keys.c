/* libFuzzer target for the key file parsers: hub.pub (keys_hub_pub_parse),
 * hub.key (keys_hub_sec_parse, with a fixed passphrase: Argon2id only runs
 * once the file's checksum is right, so random inputs stay fast) and the
 * kiosk identity (keys_kiosk_parse). Corpus: tests/fuzz/corpus/keys/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char pass[] = "correct horse battery staple";
	struct hub_pubkey *pubs = NULL;
	struct hub_seckey *sec = NULL;
	struct kiosk_identity *kid = NULL;
	const char *text = (const char *)data;
	size_t n = 0;
	struct err e;

	if (sodium_init() < 0)
		return 0;
	keys_hub_pub_parse("fuzz.pub", text, size, &pubs, &n, &e);
	free(pubs);
	if (keys_hub_sec_parse("fuzz.key", text, size, pass, sizeof pass - 1, &sec, &e) == 0)
		keys_hub_free(sec);
	if (keys_kiosk_parse("fuzz.kiosk", text, size, &kid, &e) == 0)
		keys_kiosk_free(kid);
	return 0;
}
