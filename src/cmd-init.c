/* storykiosk init: give a kiosk its identity, the hub key(s) and an admin PIN. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fail.h"
#include "fsutil.h"
#include "kiosk.h"
#include "pushspawn.h"
#include "secret.h"
#include "token.h"
#include "xmalloc.h"

static const char usage[] =
    "usage: storykiosk init --data DIR --hub-key hub.pub [--hub-key second.pub ...]\n"
    "                       [--name NAME] [--pin-file FILE] [--push-url URL]\n"
    "                       [--enroll TOKEN] [--ca FILE] [--force]\n\n"
    "Sets up a kiosk data directory: creates the kiosk's signing identity,\n"
    "stores the coordinator's public hub key(s) that every story is sealed to,\n"
    "and sets the admin PIN (from --pin-file, STORYKIOSK_PIN, or asked for).\n"
    "Prints the kiosk id: give it to the coordinator so they can trust this kiosk.\n\n"
    "  --data DIR       the kiosk's data directory (created, mode 0700)\n"
    "  --hub-key FILE   a hub.pub made by 'storyhub keygen'; repeat for a second\n"
    "                   coordinator key that can also open every story\n"
    "  --name NAME      a name people recognise (e.g. \"Kisumu market stall\")\n"
    "  --pin-file FILE  read the admin PIN from the first line of FILE\n"
    "  --push-url URL   the hub ('storyhub serve') the running kiosk pushes to\n"
    "                   between participants whenever it finds a network\n"
    "  --enroll TOKEN   the one-time token from 'storyhub kiosks enroll': the first\n"
    "                   push enrols this kiosk with the hub (see 'storykiosk enroll')\n"
    "  --ca FILE        for an https:// hub: the CA certificate (PEM) to trust for\n"
    "                   it, copied into DIR as push-ca.pem\n"
    "  --force          replace an existing identity (old bundles stay valid)\n";

/* A CA certificate file for an https hub: PEM, a certificate in it. */
static int
read_ca(const char *path, char **pem, size_t *len, struct err *e)
{
	unsigned char *buf = NULL;

	if (fsutil_read_file(path, (size_t)1 << 20, &buf, len, e) == -1)
		return -1;
	if (strstr((const char *)buf, "-----BEGIN CERTIFICATE-----") == NULL) {
		free(buf);
		return err_set(
		    e, "%s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path);
	}
	*pem = (char *)buf;
	return 0;
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "hub-key", required_argument, NULL, 'k' },
		{ "name", required_argument, NULL, 'n' },
		{ "pin-file", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "push-url", required_argument, NULL, 'u' },
		{ "enroll", required_argument, NULL, 'E' },
		{ "ca", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kiosk_init_opts o = { 0 };
	const char **hubs = NULL, *pinfile = NULL, *enroll = NULL, *ca = NULL;
	char token[TOKEN_LEN], *ca_pem = NULL, *ca_path = NULL;
	size_t ca_len = 0;
	struct kiosk *k = NULL;
	struct err e;
	char *pin = NULL, fpr[KEY_FPR_LEN];
	size_t nhubs = 0, pinlen, i;
	int c, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.dir = optarg;
			break;
		case 'k':
			hubs = xreallocarray(hubs, nhubs + 1, sizeof *hubs);
			hubs[nhubs++] = optarg;
			break;
		case 'n':
			o.name = optarg;
			break;
		case 'p':
			pinfile = optarg;
			break;
		case 'f':
			o.force = 1;
			break;
		case 'u':
			o.push_url = optarg;
			break;
		case 'E':
			enroll = optarg;
			break;
		case 'C':
			ca = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			free(hubs);
			return 0;
		default:
			free(hubs);
			return fail_usage("init");
		}
	}
	if (o.dir == NULL || nhubs == 0 || optind != argc) {
		free(hubs);
		return fail("init needs --data DIR and at least one --hub-key FILE; "
		            "see 'storykiosk init --help'");
	}
	if (o.push_url != NULL && pushspawn_url_check(o.push_url, &e) == -1) {
		free(hubs);
		return fail("--push-url: %s", e.msg);
	}
	if (enroll != NULL && token_normalise(enroll, token) == -1) {
		free(hubs);
		return fail(
		    "--enroll: that is not an enrolment token, or it has a typo: 16 letters "
		    "and digits as 'storyhub kiosks enroll' printed them");
	}
	if (ca != NULL && read_ca(ca, &ca_pem, &ca_len, &e) == -1) {
		free(hubs);
		return fail("--ca: %s", e.msg);
	}
	if (secret_read("STORYKIOSK_PIN", pinfile, "Choose an admin PIN (4+ digits): ", 1, 4, &pin,
	        &pinlen, &e) == -1) {
		rv = fail("admin PIN: %s", e.msg);
		goto out;
	}
	o.hub_key_paths = hubs;
	o.nhub_keys = nhubs;
	o.pin = pin;
	o.pinlen = pinlen;
	if (kiosk_init(&o, &k, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (enroll != NULL && store_meta_set(k->store, PUSHSPAWN_META_TOKEN, token, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	if (ca_pem != NULL) {
		ca_path = fsutil_join(o.dir, PUSHSPAWN_CA_FILE);
		if (fsutil_write_atomic(ca_path, ca_pem, ca_len, 0644, 0, &e) == -1) {
			rv = fail("%s", e.msg);
			goto out;
		}
	}
	fail_say(stdout, "kiosk initialised in %s", o.dir);
	printf("kiosk id:   %s\n", k->id_hex);
	fail_say(stdout, "kiosk name: %s", k->name);
	for (i = 0; i < k->nhubs; i++) {
		keys_fingerprint(k->hubs[i].id, fpr);
		printf("hub key:    %s\n", fpr);
	}
	if (o.push_url != NULL)
		fail_say(stdout, "push to:    %s", o.push_url);
	if (ca_path != NULL)
		fail_say(stdout, "hub CA:     %s", ca_path);
	if (enroll != NULL)
		printf("enrolment:  token kept; the first push enrols this kiosk with the hub\n");
	else
		fail_say(stdout,
		    "To push over HTTP, enrol it with a token from the coordinator "
		    "('storyhub kiosks --store DB enroll'): storykiosk enroll --data %s TOKEN",
		    o.dir);
	printf("Tell the coordinator the kiosk id so they can trust it: "
	       "storyhub kiosks --store DB --key hub.key trust %s\n",
	    k->id_hex);
	rv = 0;
out:
	free(ca_pem);
	free(ca_path);
	if (pin != NULL)
		sodium_free(pin);
	kiosk_close(k);
	free(hubs);
	return rv;
}
