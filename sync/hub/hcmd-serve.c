/* storyhub serve: receive bundles from kiosks over HTTP. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
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
		HCMD_OPTION_STORE,
		HCMD_OPTION_KEY,
		{ "listen", required_argument, NULL, 'l' },
		HCMD_OPTION_PASSFILE,
		{ "max-bytes", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hcmd_opts hub = { 0 };
	const char *listen = NULL;
	struct serve_opts so = { 0 };
	struct serve *srv = NULL;
	uint64_t v;
	struct err e;
	int c, sig, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (hcmd_opts_take(&hub, c, optarg))
			continue;
		switch (c) {
		case 'l':
			listen = optarg;
			break;
		case 'm':
			if (parse_size(optarg, 256u << 20, &v) == -1)
				return fail(
				    "--max-bytes takes a number of bytes from 1 to %u", 256u << 20);
			so.max_bytes = (size_t)v;
			break;
		case 't':
			if (parse_size(optarg, 3600, &v) == -1)
				return fail("--timeout takes seconds from 1 to 3600");
			so.timeout = (unsigned)v;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage("serve");
		}
	}
	if (hub.store == NULL || hub.key == NULL || listen == NULL || optind != argc)
		return fail("serve needs --store DB --key hub.key --listen HOST:PORT; see "
		            "'storyhub serve --help'");
	/* Before any thread starts, so only serve_wait sees these signals. */
	serve_block_signals();
	if (hcmd_opts_open(&hub, HUBSTORE_CREATE, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	so.hs = hub.hs;
	so.key = hub.sk;
	so.listen = listen;
	if (serve_start(&so, &srv, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	fail_say(stderr, "storyhub: listening on http://%s", serve_address(srv));
	fflush(stderr);
	sig = serve_wait();
	fprintf(stderr, "storyhub: %s: stopping after the request in progress\n", strsignal(sig));
	serve_stop(srv);
	fprintf(stderr, "storyhub: stopped\n");
	rv = 0;
out:
	hcmd_opts_close(&hub);
	return rv;
}
