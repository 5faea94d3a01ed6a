/* Kiosk-side export: bundles hold exactly the finished, unexported stories;
 * a missing, non-directory, read-only or full target fails with nothing
 * marked (and no number used up: nothing is written to the kiosk before the
 * bundle is on the stick); a bundle name taken on the stick is skipped;
 * receipts found in the target are verified and applied first; a big export
 * (signature hashed on its own thread) verifies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "bundle.h"
#include "export.h"
#include "fsutil.h"
#include "kiosk.h"
#include "receipt.h"
#include "testutil.h"
#include "xmalloc.h"

struct fixture {
	char *dir, *usb;
	struct hub_seckey *hub;
	struct kiosk *k;
	unsigned char ids[3][STORE_ID_BYTES];
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct kiosk_init_opts o = { 0 };
	char *pub, *pubpath, *kdir;
	const char *paths[1];
	unsigned char sealed[64], draft[STORE_ID_BYTES];
	uint64_t seq;
	struct err e;

	if (sodium_init() < 0)
		return -1;
	f->dir = testutil_tmpdir();
	f->hub = keys_hub_generate();
	pub = keys_hub_pub_format(&f->hub->pub);
	pubpath = fsutil_join(f->dir, "hub.pub");
	if (fsutil_write_atomic(pubpath, pub, strlen(pub), 0644, 0, &e) == -1)
		return -1;
	kdir = fsutil_join(f->dir, "kiosk");
	paths[0] = pubpath;
	o.dir = kdir;
	o.hub_key_paths = paths;
	o.nhub_keys = 1;
	o.name = "Test «kiosk»";
	o.pin = "2468";
	o.pinlen = 4;
	if (kiosk_init(&o, &f->k, &e) == -1) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	memset(sealed, 0x5a, sizeof sealed);
	for (int i = 0; i < 3; i++) {
		randombytes_buf(f->ids[i], STORE_ID_BYTES);
		if (store_story_create(f->k->store, f->ids[i], STATUS_SUBMITTED + i, SOURCE_PAPER,
		        sealed, sizeof sealed, &seq, &e) == -1) {
			fprintf(stderr, "%s\n", e.msg);
			return -1;
		}
	}
	randombytes_buf(draft, sizeof draft);
	if (store_story_create(f->k->store, draft, STATUS_DRAFT, SOURCE_KIOSK, sealed,
	        sizeof sealed, &seq, &e) == -1)
		return -1;
	f->usb = fsutil_join(f->dir, "usb");
	if (fsutil_mkdir(f->usb, 0755, &e) == -1)
		return -1;
	free(pub);
	free(pubpath);
	free(kdir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	kiosk_close(f->k);
	keys_hub_free(f->hub);
	testutil_rmrf(f->dir);
	free(f->dir);
	free(f->usb);
	free(f);
	return 0;
}

static uint64_t
unexported(struct fixture *f)
{
	struct store_counts c;
	struct err e;

	assert_int_equal(store_counts(f->k->store, &c, &e), 0);
	return c.unexported;
}

/* Entries in dir, "." and ".." aside. */
static int
entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_bad_targets_mark_nothing(void **state)
{
	struct fixture *f = *state;
	struct export_result res;
	char *missing = fsutil_join(f->dir, "no/such/dir"), *file = fsutil_join(f->dir, "hub.pub"),
	     *ro = fsutil_join(f->dir, "ro");
	struct err e;

	assert_int_equal(export_run(f->k, missing, 0, &res, &e), -1);
	assert_non_null(strstr(e.msg, "cannot export to"));
	assert_int_equal(export_run(f->k, file, 0, &res, &e), -1);
	assert_non_null(strstr(e.msg, "not a directory"));
	if (geteuid() != 0) { /* root writes anywhere */
		assert_int_equal(fsutil_mkdir(ro, 0500, &e), 0);
		assert_int_equal(export_run(f->k, ro, 0, &res, &e), -1);
		assert_non_null(strstr(e.msg, "nothing was marked exported"));
		chmod(ro, 0700);
	}
	{
		/* the write itself fails (as on a full stick, even for root): a
		 * file size limit. Nothing reaches the kiosk's database before
		 * the bundle is on the stick, so nothing is marked. */
		char *full = fsutil_join(f->dir, "full");
		struct rlimit was, small = { 256, 256 };
		void (*old)(int);

		assert_int_equal(fsutil_mkdir(full, 0755, &e), 0);
		assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
		small.rlim_max = was.rlim_max;
		old = signal(SIGXFSZ, SIG_IGN);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
		assert_int_equal(export_run(f->k, full, 0, &res, &e), -1);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
		signal(SIGXFSZ, old);
		if (strstr(e.msg, "nothing was marked exported") == NULL)
			fail_msg("%s", e.msg);
		assert_int_equal(entries(full), 0); /* no temp file left */
		free(full);
	}
	assert_int_equal(unexported(f), 3);
	free(missing);
	free(file);
	free(ro);
}

static int
on_record(const struct bundle_record *r, void *ctx, struct err *e)
{
	(void)e;
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static void
check_bundle(struct fixture *f, const char *path, int want)
{
	unsigned char *buf;
	size_t len;
	int n = 0;
	struct bundle_sink sink = { NULL, on_record, &n };
	struct err e;

	assert_int_equal(bundle_load_file(path, &buf, &len, &e), 0);
	if (bundle_read(buf, len, f->hub->pub.id, &sink, &e) == -1)
		fail_msg("%s", e.msg);
	assert_int_equal(n, want);
	free(buf);
}

static void
test_export(void **state)
{
	struct fixture *f = *state;
	struct export_result res;
	char *last = NULL, *name, *blocker;
	struct err e;

	/* A bundle an export wrote but could not record on the kiosk (its disk
	 * full) keeps its number on the stick, and the failed writes above
	 * used no number up: this export takes 2, the next free name. */
	name = bundle_file_name(f->k->identity->id, 1);
	blocker = fsutil_join(f->usb, name);
	assert_int_equal(fsutil_write_atomic(blocker, "x", 1, 0644, 0, &e), 0);
	free(blocker);
	free(name);
	assert_int_equal(export_run(f->k, f->usb, 0, &res, &e), 0);
	assert_non_null(res.path);
	assert_int_equal(res.stories, 3);
	assert_int_equal(res.bundle_seq, 2);
	name = bundle_file_name(f->k->identity->id, res.bundle_seq);
	assert_non_null(strstr(res.path, name));
	free(name);
	check_bundle(f, res.path, 3);
	export_result_free(&res);
	assert_int_equal(unexported(f), 0);
	assert_int_equal(store_meta_get(f->k->store, "last_export", &last, &e), 0);
	assert_non_null(last);
	free(last);

	assert_int_equal(export_run(f->k, f->usb, 0, &res, &e), 0);
	assert_null(res.path);
	assert_int_equal(export_run(f->k, f->usb, 1, &res, &e), 0);
	assert_int_equal(res.stories, 3);
	assert_int_equal(res.bundle_seq, 3);
	check_bundle(f, res.path, 3);
	export_result_free(&res);
}

/* An export big enough for the signature's hash to run on its own thread
 * while the stories are read, the bundle written up to its signature
 * meanwhile: the bundle verifies and holds every story. */
static void
test_big_export(void **state)
{
	struct fixture *f = *state;
	struct export_result res;
	unsigned char *sealed = xmalloc(2500), id[STORE_ID_BYTES];
	char *usb = fsutil_join(f->dir, "usb-big");
	uint64_t seq;
	struct err e;
	int i;

	for (i = 0; i < 300; i++) {
		randombytes_buf(sealed, 2500);
		randombytes_buf(id, sizeof id);
		assert_int_equal(store_story_create(f->k->store, id, STATUS_SUBMITTED, SOURCE_KIOSK,
		                     sealed, 1000 + (size_t)i * 5, &seq, &e),
		    0);
	}
	assert_int_equal(fsutil_mkdir(usb, 0755, &e), 0);
	assert_int_equal(export_run(f->k, usb, 0, &res, &e), 0);
	assert_int_equal(res.stories, 300);
	check_bundle(f, res.path, 300);
	assert_int_equal(entries(usb), 1);
	assert_int_equal(unexported(f), 0);
	export_result_free(&res);
	free(sealed);
	free(usb);
}

static void
write_receipt(struct fixture *f, const char *name, const unsigned char *kiosk_id,
    const struct hub_seckey *key)
{
	struct receipt r = { 0 };
	unsigned char *buf;
	size_t len;
	char *path = fsutil_join(f->usb, name);
	struct err e;

	memcpy(r.kiosk_id, kiosk_id, KEY_ID_BYTES);
	r.bundle_seq = 1;
	r.count = 2;
	r.ids = f->ids;
	assert_int_equal(receipt_write(&r, key, &buf, &len, &e), 0);
	assert_int_equal(fsutil_write_atomic(path, buf, len, 0644, 0, &e), 0);
	free(buf);
	free(path);
}

static void
test_receipts_then_purge(void **state)
{
	struct fixture *f = *state;
	struct hub_seckey *stranger = keys_hub_generate();
	unsigned char other_kiosk[KEY_ID_BYTES] = { 9 };
	struct export_result res;
	size_t listed, marked;
	uint64_t purged;
	char *path;
	struct err e;

	write_receipt(f, "other-kiosk.receipt", other_kiosk, f->hub);
	write_receipt(f, "stranger.receipt", f->k->identity->id, stranger);
	path = fsutil_join(f->usb, "stranger.receipt");
	assert_int_equal(export_receipt_apply(f->k, path, &listed, &marked, &e), -1);
	assert_non_null(strstr(e.msg, "does not know"));
	free(path);
	assert_int_equal(store_purge(f->k->store, &purged, &e), 0);
	assert_int_equal(purged, 0);

	write_receipt(f, "good.receipt", f->k->identity->id, f->hub);
	assert_int_equal(export_run(f->k, f->usb, 0, &res, &e), 0);
	assert_int_equal(res.receipts, 1);
	export_result_free(&res);
	assert_int_equal(store_purge(f->k->store, &purged, &e), 0);
	assert_int_equal(purged, 2); /* the receipt listed two of three */
	assert_int_equal(export_run(f->k, f->usb, 1, &res, &e), 0);
	assert_int_equal(res.stories, 1); /* the third is still held */
	export_result_free(&res);
	keys_hub_free(stranger);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_targets_mark_nothing), cmocka_unit_test(test_export),
		cmocka_unit_test(test_receipts_then_purge),
		cmocka_unit_test(test_big_export), /* last: it adds 300 stories */
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
