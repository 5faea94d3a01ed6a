/* storyhub serve: receive bundles from kiosks over HTTP. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcmd.h"
#include "hubstore.h"
#include "serve.h"

static const char usage[] =
    "usage: storyhub serve --store DB --key hub.key --listen HOST:PORT\n"
    "                     [--passphrase-file FILE] [--max-bytes N] [--timeout S]\n\n"
    "Receives bundles from kiosks ('storykiosk push') over plain HTTP:\n"
    "  POST /v1/bundles   one bundle (Content-Type: application/octet-stream),\n"
    "                     verified and imported exactly as 'storyhub import' does;\n"
    "                     200 with the signed receipt, 202 when the kiosk is not\n"
    "                     trusted yet (quarantined), 4xx with the reason otherwise\n"
    "  GET  /v1/health    200 \"ok\"\n"
    "The passphrase is asked once, at start. One line per request on standard\n"
    "error. SIGTERM or SIGINT stop it after the import in progress. For TLS put\n"
    "it behind a reverse proxy (docs/hub.md). Port 0 picks a free port; the\n"
    "address is printed as \"listening on http://HOST:PORT\". Creates the store\n"
    "DB (0600) when it does not exist, as import does.\n\n"
    "  --max-bytes N   largest bundle accepted (default 32 MiB); larger: 413\n"
    "  --timeout S     drop a connection silent for S seconds (default 30)\n";

static int
parse_size(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || v == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

int
hcmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "listen", required_argument, NULL, 'l' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "max-bytes", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *keyfile = NULL, *passfile = NULL, *listen = NULL;
	struct serve_opts so = { 0 };
	struct hub_seckey *key = NULL;
	struct hubstore *hs = NULL;
	struct serve *srv = NULL;
	uint64_t v;
	struct err e;
	int c, sig, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			db = optarg;
			break;
		case 'k':
			keyfile = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'p':
			passfile = optarg;
			break;
		case 'm':
			if (parse_size(optarg, 256u << 20, &v) == -1)
				return hcmd_fail("--max-bytes takes a number of bytes from 1 to %u",
				    256u << 20);
			so.max_bytes = (size_t)v;
			break;
		case 't':
			if (parse_size(optarg, 3600, &v) == -1)
				return hcmd_fail("--timeout takes seconds from 1 to 3600");
			so.timeout = (unsigned)v;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return hcmd_usage_error("serve");
		}
	}
	if (db == NULL || keyfile == NULL || listen == NULL || optind != argc)
		return hcmd_fail("serve needs --store DB --key hub.key --listen HOST:PORT; see "
		    "'storyhub serve --help'");
	/* Before any thread starts, so only serve_wait sees these signals. */
	serve_block_signals();
	if (hcmd_load_key(keyfile, passfile, &key, &e) == -1 ||
	    hubstore_open(db, HUBSTORE_CREATE, &hs, &e) == -1) {
		rv = hcmd_fail("%s", e.msg);
		goto out;
	}
	so.hs = hs;
	so.key = key;
	so.listen = listen;
	if (serve_start(&so, &srv, &e) == -1) {
		rv = hcmd_fail("%s", e.msg);
		goto out;
	}
	fprintf(stderr, "storyhub: listening on http://%s\n", serve_address(srv));
	fflush(stderr);
	sig = serve_wait();
	fprintf(stderr, "storyhub: %s: stopping after the request in progress\n",
	    strsignal(sig));
	serve_stop(srv);
	fprintf(stderr, "storyhub: stopped\n");
	rv = 0;
out:
	hubstore_close(hs);
	keys_hub_free(key);
	return rv;
}
