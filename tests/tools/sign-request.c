/* sign-request: the header of a signed request to the hub, as storykiosk-push
 * signs it (docs/protocol.md), for the end-to-end tests to send with curl
 * (curl -H @FILE): replayed, forged, tampered or trickled. Prints one
 * header line per field. Built only for the tests.
 *   sign-request (--data DIR | --new-key) --nonce NONCE [--path P] [--method M]
 *                [--body FILE | --digest-of FILE] [--type T] [--token TOKEN]
 *                [--keyid ID] [--tag T] [--alg A]
 * --body FILE: Content-Digest over FILE (sha-256); --digest-of FILE: the
 * same (the body sent may then be another). --token: an enrolment (adds
 * Enrollment-Token and Kiosk-Key). --new-key: a fresh identity no hub knows. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fsutil.h"
#include "httpsig.h"
#include "keys.h"
#include "xmalloc.h"

struct req {
	const char *method, *path, *type, *digest, *token, *key;
};

static const char *
component(void *ctx, const char *name)
{
	const struct req *r = ctx;

	if (strcmp(name, "@method") == 0)
		return r->method;
	if (strcmp(name, "@path") == 0)
		return r->path;
	if (strcmp(name, "content-type") == 0)
		return r->type;
	if (strcmp(name, "content-digest") == 0)
		return r->digest;
	if (strcmp(name, "enrollment-token") == 0)
		return r->token;
	if (strcmp(name, "kiosk-key") == 0)
		return r->key;
	return NULL;
}

static void
cover(struct httpsig *s, const char *name, const char *field, const char *value)
{
	if (value == NULL)
		return;
	httpsig_cover(s, name);
	printf("%s: %s\n", field, value);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "new-key", no_argument, NULL, 'n' },
		{ "nonce", required_argument, NULL, 'N' },
		{ "path", required_argument, NULL, 'p' },
		{ "method", required_argument, NULL, 'm' },
		{ "body", required_argument, NULL, 'b' },
		{ "digest-of", required_argument, NULL, 'b' },
		{ "type", required_argument, NULL, 't' },
		{ "token", required_argument, NULL, 'T' },
		{ "keyid", required_argument, NULL, 'k' },
		{ "tag", required_argument, NULL, 'g' },
		{ "alg", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct req r = { "POST", "/v1/bundles", NULL, NULL, NULL, NULL };
	const char *dir = NULL, *nonce = NULL, *body = NULL, *keyid = NULL;
	const char *tag = "storykiosk", *alg = "ed25519";
	struct kiosk_identity *id = NULL;
	struct httpsig s;
	char hex[KEY_ID_HEX], *path, *field, *digest = NULL, *key = NULL;
	char b64[sodium_base64_ENCODED_LEN(
	    crypto_sign_PUBLICKEYBYTES, sodium_base64_VARIANT_ORIGINAL)];
	unsigned char *data = NULL;
	size_t len = 0;
	int c, fresh = 0;
	struct err e;

	if (sodium_init() < 0)
		return 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			fresh = 1;
			break;
		case 'N':
			nonce = optarg;
			break;
		case 'p':
			r.path = optarg;
			break;
		case 'm':
			r.method = optarg;
			break;
		case 'b':
			body = optarg;
			break;
		case 't':
			r.type = optarg;
			break;
		case 'T':
			r.token = optarg;
			break;
		case 'k':
			keyid = optarg;
			break;
		case 'g':
			tag = optarg;
			break;
		case 'a':
			alg = optarg;
			break;
		default:
			return 2;
		}
	}
	if ((dir == NULL) == !fresh || nonce == NULL || optind != argc) {
		fprintf(stderr, "usage: sign-request (--data DIR | --new-key) --nonce NONCE ...\n");
		return 2;
	}
	if (fresh)
		id = keys_kiosk_generate();
	else {
		path = fsutil_join(dir, "kiosk.key");
		if (keys_kiosk_load(path, &id, &e) == -1) {
			fprintf(stderr, "sign-request: %s\n", e.msg);
			return 1;
		}
		free(path);
	}
	if (body != NULL) {
		if (fsutil_read_file(body, (size_t)1 << 30, &data, &len, &e) == -1) {
			fprintf(stderr, "sign-request: %s\n", e.msg);
			return 1;
		}
		digest = httpsig_digest_field(data, len);
		r.digest = digest;
	}
	if (r.token != NULL) {
		sodium_bin2base64(
		    b64, sizeof b64, id->pk, sizeof id->pk, sodium_base64_VARIANT_ORIGINAL);
		key = xasprintf(":%s:", b64);
		r.key = key;
	}
	keys_id_hex(id->id, hex);
	httpsig_init(&s, "kiosk");
	httpsig_cover(&s, "@method");
	httpsig_cover(&s, "@path");
	cover(&s, "content-type", "Content-Type", r.type);
	cover(&s, "content-digest", "Content-Digest", r.digest);
	cover(&s, "enrollment-token", "Enrollment-Token", r.token);
	cover(&s, "kiosk-key", "Kiosk-Key", r.key);
	httpsig_set_integer(&s, "created", (long long)time(NULL));
	httpsig_set_string(&s, "keyid", keyid != NULL ? keyid : hex);
	httpsig_set_string(&s, "nonce", nonce);
	httpsig_set_string(&s, "alg", alg);
	httpsig_set_string(&s, "tag", tag);
	if (httpsig_sign(&s, component, &r, id->sk, &e) == -1) {
		fprintf(stderr, "sign-request: %s\n", e.msg);
		return 1;
	}
	field = httpsig_input_field(&s);
	printf("Signature-Input: %s\n", field);
	free(field);
	field = httpsig_signature_field(&s);
	printf("Signature: %s\n", field);
	free(field);
	printf("Expect:\n");
	keys_kiosk_free(id);
	free(data);
	free(digest);
	free(key);
	return 0;
}
