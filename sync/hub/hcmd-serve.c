/* storyhub serve: receive bundles from kiosks over HTTP or HTTPS. */
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "hcmd.h"
#include "hubstore.h"
#include "listen.h"
#include "serve.h"
#include "xmalloc.h"

static const char usage[] =
    "usage: storyhub serve --store DB --key hub.key --listen HOST:PORT\n"
    "                     [--passphrase-file FILE] [--tls-cert FILE --tls-key FILE]\n"
    "                     [--max-bytes N] [--timeout S] [--max-connections N]\n"
    "                     [--max-per-address N]\n\n"
    "Receives bundles from enrolled kiosks ('storykiosk push') over HTTP, or\n"
    "HTTPS with --tls-cert and --tls-key. Every request but health, nonce and\n"
    "pack is signed by the kiosk's key (HTTP Message Signatures,\n"
    "docs/protocol.md) and checked before its body is read:\n"
    "  POST /v1/bundles   one bundle, verified and imported exactly as 'storyhub\n"
    "                     import' does; 200 with the signed receipt; 401 when the\n"
    "                     request is not signed by an enrolled kiosk, 403 revoked,\n"
    "                     4xx with the reason, 503 with Retry-After when the\n"
    "                     store is busy or the hub short of room (push again)\n"
    "  POST /v1/enroll    a kiosk redeems its one-time token ('storyhub kiosks\n"
    "                     enroll') and binds its key\n"
    "  GET  /v1/nonce     a fresh nonce for the next signed request\n"
    "  GET  /v1/pack      the newest feedback pack published ('storyhub feedback\n"
    "                     --publish'): public, not signed\n"
    "  GET  /v1/health    200 \"ok\"\n"
    "The passphrase is asked once, at start. One line per request on standard\n"
    "error. SIGTERM or SIGINT stop it after the imports in progress. HOST:PORT is\n"
    "strict: a port from 1 to 65535 (0 picks a free one), IPv6 as [::1]:PORT, and\n"
    "0.0.0.0:PORT for every interface (a warning says the hub is then reachable\n"
    "from the network). The address is printed as \"listening on\n"
    "http(s)://HOST:PORT\". Creates the store DB (0600) when it does not exist.\n\n"
    "  --tls-cert FILE        HTTPS: the certificate chain (PEM)\n"
    "  --tls-key FILE         HTTPS: its private key (PEM, not encrypted)\n"
    "  --max-bytes N          largest bundle accepted (default 32 MiB); larger: 413\n"
    "  --timeout S            cut a connection whose request header is not complete\n"
    "                         within S seconds, or whose upload brings, or whose\n"
    "                         reading of an answer takes, less than 8 KiB in S\n"
    "                         seconds (default 30)\n"
    "  --max-connections N    connections at once in all (default 256)\n"
    "  --max-per-address N    connections at once from one address (default 32)\n";

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

/* Where big uploads wait: beside a SQLite store (the same disk), else the
 * temporary directory. Caller frees. */
static char *
spool_dir(const char *store)
{
	char *copy, *dir;
	const char *tmp = getenv("TMPDIR");

	if (strstr(store, "://") != NULL)
		return xstrdup(tmp != NULL && tmp[0] != '\0' ? tmp : "/var/tmp");
	copy = xstrdup(store);
	dir = xstrdup(dirname(copy));
	free(copy);
	return dir;
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
		{ "max-connections", required_argument, NULL, 'c' },
		{ "max-per-address", required_argument, NULL, 'a' },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hcmd_opts hub = { 0 };
	const char *listen = NULL;
	struct serve_opts so = { 0 };
	struct serve *srv = NULL;
	struct listen_addr la;
	char *dir = NULL;
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
		case 'c':
			if (parse_size(optarg, 4096, &v) == -1)
				return fail("--max-connections takes a number from 1 to 4096");
			so.max_connections = (unsigned)v;
			break;
		case 'a':
			if (parse_size(optarg, 4096, &v) == -1)
				return fail("--max-per-address takes a number from 1 to 4096");
			so.max_per_address = (unsigned)v;
			break;
		case 'C':
			so.tls_cert = optarg;
			break;
		case 'K':
			so.tls_key = optarg;
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
	if ((so.tls_cert == NULL) != (so.tls_key == NULL))
		return fail("HTTPS needs both --tls-cert FILE and --tls-key FILE");
	/* A bad address is refused before the passphrase is asked. */
	if (listen_parse(listen, &la, &e) == -1)
		return fail("%s", e.msg);
	if (!la.loopback)
		fprintf(stderr,
		    "storyhub: warning: --listen %s reaches beyond this machine: other machines "
		    "can connect; %s\n",
		    listen,
		    so.tls_cert != NULL ?
		        "only enrolled kiosks can push, over TLS" :
		        "only enrolled kiosks can push, but without TLS (--tls-cert, --tls-key) "
		        "enrolment tokens and metadata cross the network in the clear");
	/* Before any thread starts, so only serve_wait sees these signals. */
	serve_block_signals();
	if (hcmd_opts_open(&hub, HUBSTORE_CREATE, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	/* The server opens connections of its own. */
	hubstore_close(hub.hs);
	hub.hs = NULL;
	dir = spool_dir(hub.store);
	so.store = hub.store;
	so.key = hub.sk;
	so.listen = listen;
	so.spool_dir = dir;
	if (serve_start(&so, &srv, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	fail_say(stderr, "storyhub: listening on %s://%s", serve_scheme(srv), serve_address(srv));
	fflush(stderr);
	sig = serve_wait();
	fprintf(stderr, "storyhub: %s: stopping after the requests in progress\n", strsignal(sig));
	serve_stop(srv);
	fprintf(stderr, "storyhub: stopped\n");
	rv = 0;
out:
	free(dir);
	hcmd_opts_close(&hub);
	return rv;
}
