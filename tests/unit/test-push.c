/* push and serve in one process: a push to a hub that is not there (also
 * through the helper the running kiosk spawns, or a helper that is missing)
 * changes nothing and records why; a push to a running server is delivered
 * (quarantined: the kiosk is unknown) and acknowledges nothing; a kiosk with
 * nothing waiting sends nothing; bad listen addresses and push URLs are
 * refused; retry delays back off exponentially. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsutil.h"
#include "hubstore.h"
#include "kiosk.h"
#include "push.h"
#include "pushspawn.h"
#include "serve.h"
#include "testutil.h"
#include "xmalloc.h"

struct fixture {
	char *dir, *kdir;
	struct hub_seckey *hub;
	struct kiosk *k;
	unsigned char ids[3][STORE_ID_BYTES];
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	struct kiosk_init_opts o = { 0 };
	const char *paths[1];
	unsigned char sealed[64];
	char *pub, *pubpath;
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
	f->kdir = fsutil_join(f->dir, "kiosk");
	paths[0] = pubpath;
	o.dir = f->kdir;
	o.hub_key_paths = paths;
	o.nhub_keys = 1;
	o.pin = "2468";
	o.pinlen = 4;
	if (kiosk_init(&o, &f->k, &e) == -1) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	memset(sealed, 0x5a, sizeof sealed);
	for (int i = 0; i < 3; i++) {
		randombytes_buf(f->ids[i], STORE_ID_BYTES);
		if (store_story_create(f->k->store, f->ids[i], STATUS_SUBMITTED, SOURCE_PAPER,
		        sealed, sizeof sealed, &seq, &e) == -1)
			return -1;
	}
	free(pub);
	free(pubpath);
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
	free(f->kdir);
	free(f);
	return 0;
}

static uint64_t
unacked(struct kiosk *k)
{
	struct store_counts c;
	struct err e;

	assert_int_equal(store_counts(k->store, &c, &e), 0);
	return c.unacked;
}

static void
test_no_hub_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct push_result res;
	struct err e;

	/* Port 1 on loopback: nothing listens there. */
	assert_int_equal(push_run(f->k, "http://127.0.0.1:1", 5, &res, &e), -1);
	assert_non_null(strstr(e.msg, "connection refused"));
	assert_int_equal(unacked(f->k), 3);
	assert_int_equal(push_run(f->k, "gopher://127.0.0.1:1", 5, &res, &e), -1);
	assert_int_equal(unacked(f->k), 3);
}

/* The helper built beside the tests: BUILD/storykiosk-push; under an emulator
 * (make check ARCH=arm64) tests/run-all names a wrapper that runs it there,
 * since the kernel cannot exec an arm64 program itself. */
static char *
helper_path(void)
{
	char self[4096], *slash;
	const char *wrapper = getenv("TEST_PUSH_HELPER");
	ssize_t n;

	if (wrapper != NULL && *wrapper != '\0')
		return xstrdup(wrapper);
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	assert_true(n > 0);
	self[n] = '\0';
	for (int i = 0; i < 2; i++) {
		slash = strrchr(self, '/');
		assert_non_null(slash);
		*slash = '\0';
	}
	return xasprintf("%s/storykiosk-push", self);
}

/* Wait (bounded: 20 s) for a spawned push to end; returns its success. */
static int
wait_push(pid_t pid)
{
	struct err e;
	int ok = -1, r = 0;

	for (int i = 0; i < 400 && (r = pushspawn_poll(pid, &ok, &e)) == 0; i++)
		usleep(50 * 1000);
	assert_int_equal(r, 1);
	assert_int_equal(pushspawn_poll(pid, &ok, &e), -1); /* reaped already */
	return ok;
}

static char *
meta(struct kiosk *k, const char *key)
{
	struct err e;
	char *v = NULL;

	assert_int_equal(store_meta_get(k->store, key, &v, &e), 0);
	assert_non_null(v);
	return v;
}

static void
test_spawned_push(void **state)
{
	struct fixture *f = *state;
	char *helper = helper_path(), *res;
	struct err e;
	pid_t pid;

	assert_int_equal(pushspawn_start(helper, f->kdir, "http://127.0.0.1:1", 5, &pid, &e), 0);
	assert_int_equal(wait_push(pid), 0);
	assert_int_equal(unacked(f->k), 3);
	/* The helper left what happened where the admin screen reads it. */
	res = meta(f->k, "last_push_result");
	assert_non_null(strstr(res, "failed: "));
	assert_non_null(strstr(res, "connection refused"));
	free(res);
	free(helper);
}

static void
test_spawn_missing_helper(void **state)
{
	struct fixture *f = *state;
	struct err e;
	pid_t pid;

	assert_int_equal(pushspawn_start("/nonexistent/storykiosk-push", f->kdir,
	                     "http://127.0.0.1:1", 5, &pid, &e),
	    0);
	assert_int_equal(wait_push(pid), 0);
	assert_int_equal(unacked(f->k), 3);
	pushspawn_stop(0); /* nothing running: a no-op */
}

static void
test_url_check(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(pushspawn_url_check("http://127.0.0.1:8080", &e), 0);
	assert_int_equal(pushspawn_url_check("HTTPS://hub.example/v1/bundles", &e), 0);
	assert_int_equal(pushspawn_url_check("ftp://hub.example", &e), -1);
	assert_non_null(strstr(e.msg, "http://"));
	assert_int_equal(pushspawn_url_check("hub.example:8080", &e), -1);
	assert_int_equal(pushspawn_url_check("http://", &e), -1);
	assert_non_null(strstr(e.msg, "no host"));
	assert_int_equal(pushspawn_url_check("http://:8080", &e), -1);
	assert_int_equal(pushspawn_url_check("http://hub example", &e), -1);
	assert_int_equal(pushspawn_url_check("http://hub\n.example", &e), -1);
}

static void
test_push_to_server(void **state)
{
	struct fixture *f = *state;
	struct serve_opts so = { 0 };
	struct push_result res;
	struct hubstore *hs = NULL;
	struct serve *srv = NULL;
	char *db = fsutil_join(f->dir, "hub.db"), *url;
	struct err e;

	assert_int_equal(hubstore_open(db, HUBSTORE_CREATE, &hs, &e), 0);
	so.hs = hs;
	so.key = f->hub;
	so.listen = "127.0.0.1:0";
	assert_int_equal(serve_start(&so, &srv, &e), 0);
	assert_int_equal(strncmp(serve_address(srv), "127.0.0.1:", 10), 0);
	url = xasprintf("http://%s", serve_address(srv));
	assert_int_equal(push_run(f->k, url, 10, &res, &e), 0);
	assert_int_equal(res.outcome, PUSH_QUARANTINED);
	assert_int_equal(res.sent, 3);
	assert_non_null(strstr(res.note, "quarantined"));
	assert_int_equal(unacked(f->k), 3);

	/* The same through the helper, as the running kiosk starts it: delivered
	 * (success), still nothing acknowledged, and the result recorded. */
	{
		char *helper = helper_path(), *r;
		pid_t pid;

		assert_int_equal(pushspawn_start(helper, f->kdir, url, 10, &pid, &e), 0);
		assert_int_equal(wait_push(pid), 1);
		assert_int_equal(unacked(f->k), 3);
		r = meta(f->k, "last_push_result");
		assert_non_null(strstr(r, "3 delivered, in quarantine"));
		free(r);
		free(helper);
	}
	serve_stop(srv);
	hubstore_close(hs);
	free(url);
	free(db);
}

static void
test_nothing_to_push(void **state)
{
	struct fixture *f = *state;
	struct push_result res;
	size_t marked;
	struct err e;

	assert_int_equal(store_mark_acked(f->k->store,
	                     (const unsigned char(*)[STORE_ID_BYTES])f->ids, 3, &marked, &e),
	    0);
	assert_int_equal(push_run(f->k, "http://127.0.0.1:1", 5, &res, &e), 0);
	assert_int_equal(res.outcome, PUSH_NOTHING);
}

static void
test_bad_listen(void **state)
{
	struct fixture *f = *state;
	struct serve_opts so = { 0 };
	struct serve *srv = NULL;
	struct err e;

	so.key = f->hub;
	so.listen = "no port here";
	assert_int_equal(serve_start(&so, &srv, &e), -1);
	assert_null(srv);
	so.listen = "127.0.0.1:notaport";
	assert_int_equal(serve_start(&so, &srv, &e), -1);
	serve_stop(NULL);
}

static void
test_backoff(void **state)
{
	(void)state;
	assert_int_equal(pushspawn_backoff(0), 0);
	assert_int_equal(pushspawn_backoff(1), PUSH_BACKOFF_FIRST);
	assert_int_equal(pushspawn_backoff(2), 2 * PUSH_BACKOFF_FIRST);
	assert_int_equal(pushspawn_backoff(3), 4 * PUSH_BACKOFF_FIRST);
	assert_int_equal(pushspawn_backoff(20), PUSH_BACKOFF_MAX);
	assert_int_equal(pushspawn_backoff(~0u), PUSH_BACKOFF_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_hub_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spawned_push, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spawn_missing_helper, setup, teardown),
		cmocka_unit_test(test_url_check),
		cmocka_unit_test_setup_teardown(test_push_to_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_to_push, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_listen, setup, teardown),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
