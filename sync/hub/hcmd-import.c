/* storyhub import: verify and import bundles from a USB stick. */
#include <getopt.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fail.h"
#include "fsutil.h"
#include "hcmd.h"
#include "hubstore.h"
#include "import.h"
#include "xmalloc.h"

static const char usage[] =
    "usage: storyhub import --store DB --key hub.key [--passphrase-file FILE]\n"
    "                      [--no-receipt] [--quarantine-per-kiosk SIZE]\n"
    "                      [--quarantine-total SIZE] BUNDLE...\n\n"
    "Verifies each bundle whole (size, format, the kiosk's signature, addressed\n"
    "to this hub key) and imports its stories, one transaction per bundle.\n"
    "Bundles from kiosks not yet trusted are kept in quarantine until\n"
    "'storyhub kiosks trust ID'; revoked kiosks are refused. Importing again\n"
    "adds nothing. Writes BUNDLE.receipt (signed by the hub) next to each\n"
    "imported bundle, for 'storykiosk import-receipt', after removing the\n"
    "half-written receipts (*.receipt.tmp.*) an interrupted import left there.\n"
    "Ends with\n"
    "'N new, N duplicate, N quarantined, N rejected' (stories, except rejected\n"
    "bundles) and exits 1 if any bundle was rejected. Creates the store DB\n"
    "(0600) when it does not exist: import and serve are the only commands that\n"
    "do.\n\n"
    "  --quarantine-per-kiosk SIZE  room in quarantine for one unknown kiosk's\n"
    "                               bundles (default 64M)\n"
    "  --quarantine-total SIZE      room for every unknown kiosk's (default 512M);\n"
    "                               a bundle beyond either is rejected, saying so\n"
    "SIZE is bytes, or a number followed by K, M or G (KiB, MiB, GiB).\n";

/* Bytes, or N followed by K, M or G; from 1 byte to 1 TiB. */
static int
parse_size(const char *text, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	v = strtoull(text, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift != 0)
		end++;
	if (*end != '\0' || v == 0 || v > (1ull << (40 - shift)))
		return -1;
	*bytes = (uint64_t)v << shift;
	return 0;
}

static void
show_progress(void *ctx, size_t bundle, size_t done, size_t total)
{
	size_t nbundles = *(const size_t *)ctx;
	int width = 30, fill = total ? (int)(done * (size_t)width / total) : width;

	if (done != total && done % 64 != 0)
		return;
	fprintf(stderr, "\r[%-*.*s] %zu/%zu stories, bundle %zu/%zu", width, fill,
	    "##############################", done, total, bundle + 1, nbundles);
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* Remove the receipts a killed import left half-written (BUNDLE.receipt.
 * tmp.XXXXXX) in each directory a receipt goes to, before writing there. */
static void
clean_receipt_dirs(char *const *paths, size_t n)
{
	char **dirs = xcalloc(n ? n : 1, sizeof *dirs), *copy;
	size_t i, j, ndirs = 0;

	for (i = 0; i < n; i++) {
		copy = xstrdup(paths[i]);
		dirs[ndirs] = xstrdup(dirname(copy));
		free(copy);
		for (j = 0; j < ndirs && strcmp(dirs[j], dirs[ndirs]) != 0; j++)
			;
		if (j < ndirs) {
			free(dirs[ndirs]);
			continue;
		}
		fsutil_clean_stale(dirs[ndirs++], "*.receipt", NULL, NULL);
	}
	for (i = 0; i < ndirs; i++)
		free(dirs[i]);
	free(dirs);
}

static void
report(void *ctx, const char *path, enum import_outcome res, const struct err *e)
{
	(void)ctx;
	if (res == IMPORT_QUARANTINED)
		fail_say(stdout, "%s: %s", path, e->msg);
	else if (res == IMPORT_REJECTED)
		fail("%s: rejected: %s", path, e->msg);
}

int
hcmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		HCMD_OPTION_STORE,
		HCMD_OPTION_KEY,
		HCMD_OPTION_PASSFILE,
		{ "no-receipt", no_argument, NULL, 'n' },
		{ "quarantine-per-kiosk", required_argument, NULL, 'q' },
		{ "quarantine-total", required_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hcmd_opts hub = { 0 };
	struct import_stats st = { 0 };
	struct import_opts o = { .receipts = 1, .report = report };
	size_t nbundles;
	char *summary;
	struct err e;
	int c, rv = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (hcmd_opts_take(&hub, c, optarg))
			continue;
		switch (c) {
		case 'n':
			o.receipts = 0;
			break;
		case 'q':
			if (parse_size(optarg, &o.quarantine_kiosk_max) == -1)
				return fail(
				    "--quarantine-per-kiosk takes a size such as 64M (bytes, "
				    "or K, M, G after the number; at most 1024G)");
			break;
		case 'Q':
			if (parse_size(optarg, &o.quarantine_total_max) == -1)
				return fail("--quarantine-total takes a size such as 512M (bytes, "
				            "or K, M, G after the number; at most 1024G)");
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return fail_usage("import");
		}
	}
	if (hub.store == NULL || hub.key == NULL || optind == argc)
		return fail("import needs --store DB --key hub.key and at least one "
		            "bundle; see 'storyhub import --help'");
	if (hcmd_opts_open(&hub, HUBSTORE_CREATE, &e) == -1) {
		rv = fail("%s", e.msg);
		goto out;
	}
	o.key = hub.sk;
	nbundles = (size_t)(argc - optind);
	if (isatty(STDERR_FILENO)) {
		o.progress = show_progress;
		o.ctx = &nbundles;
	}
	if (o.receipts)
		clean_receipt_dirs(argv + optind, nbundles);
	import_files(hub.hs, argv + optind, nbundles, &o, &st);
	if (st.warning[0] != '\0')
		fail_warn("%s", st.warning);
	summary = import_summary(&st);
	fail_say(stdout, "%s", summary);
	free(summary);
	rv = st.rejected ? 1 : 0;
out:
	hcmd_opts_close(&hub);
	return rv;
}
