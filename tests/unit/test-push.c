/* push and serve in one process: a push to a hub that is not there (also
 * through the helper the running kiosk spawns, or a helper that is missing)
 * changes nothing and records why; a push to a running server from a kiosk
 * that is not enrolled is refused (401), and once the kiosk holds a token
 * the push enrols it (its records here are not sealed stories, so the
 * bundle itself is refused: nothing acknowledged); a kiosk with nothing
 * waiting sends nothing; bad listen addresses and push URLs are refused;
 * retry delays back off exponentially. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "enrol.h"
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

	struct push_opts po = { .url = "http://127.0.0.1:1", .timeout = 5 };

	/* Port 1 on loopback: nothing listens there. */
	assert_int_equal(push_run(f->k, &po, &res, &e), -1);
	assert_non_null(strstr(e.msg, "connection refused"));
	assert_false(e.transient);
	assert_int_equal(unacked(f->k), 3);
	po.url = "gopher://127.0.0.1:1";
	assert_int_equal(push_run(f->k, &po, &res, &e), -1);
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

	assert_int_equal(
	    pushspawn_start(helper, f->kdir, "http://127.0.0.1:1", NULL, 5, &pid, &e), 0);
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

	char *log = fsutil_join(f->kdir, PUSHSPAWN_LOG_FILE);
	unsigned char *text = NULL;
	size_t len;

	assert_int_equal(pushspawn_start("/nonexistent/storykiosk-push", f->kdir,
	                     "http://127.0.0.1:1", NULL, 5, &pid, &e),
	    0);
	assert_int_equal(wait_push(pid), 0);
	assert_int_equal(unacked(f->k), 3);
	/* The push log in the data directory says why. */
	assert_int_equal(fsutil_read_file(log, 65536, &text, &len, &e), 0);
	assert_non_null(strstr((char *)text, "push started"));
	assert_non_null(strstr((char *)text, "cannot run /nonexistent/storykiosk-push"));
	free(text);
	free(log);
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
	struct push_opts po = { 0 };
	struct push_result res;
	struct hubstore *hs = NULL;
	struct serve *srv = NULL;
	struct hub_kiosk hk;
	char *db = fsutil_join(f->dir, "hub.db"), *url, *v, token[TOKEN_LEN];
	int64_t expires;
	struct err e;
	int found;

	assert_int_equal(hubstore_open(db, HUBSTORE_CREATE, &hs, &e), 0);
	assert_int_equal(enrol_create(hs, "unit", 3600, token, &expires, &e), 0);
	so.store = db;
	so.key = f->hub;
	so.listen = "127.0.0.1:0";
	so.spool_dir = f->dir;
	assert_int_equal(serve_start(&so, &srv, &e), 0);
	assert_int_equal(strncmp(serve_address(srv), "127.0.0.1:", 10), 0);
	assert_false(serve_exposed(srv));
	url = xasprintf("http://%s", serve_address(srv));
	po.url = url;
	po.timeout = 10;

	/* Not enrolled: refused before the body is read; nothing written. */
	assert_int_equal(push_run(f->k, &po, &res, &e), -1);
	assert_non_null(strstr(e.msg, "HTTP 401"));
	assert_non_null(strstr(e.msg, "not enrolled"));
	assert_int_equal(unacked(f->k), 3);
	assert_int_equal(hs->ops->kiosk_get(hs, f->k->identity->id, &hk, &found, &e), 0);
	assert_false(found);

	/* With the token the push enrols the kiosk; the bundle is then opened
	 * and refused (its records are not sealed stories): nothing acked. */
	assert_int_equal(store_meta_set(f->k->store, PUSHSPAWN_META_TOKEN, token, &e), 0);
	assert_int_equal(push_run(f->k, &po, &res, &e), -1);
	assert_true(res.enrolled);
	assert_non_null(strstr(e.msg, "HTTP 422"));
	assert_int_equal(unacked(f->k), 3);
	assert_int_equal(hs->ops->kiosk_get(hs, f->k->identity->id, &hk, &found, &e), 0);
	assert_true(found);
	assert_int_equal(hk.status, HUB_KIOSK_TRUSTED);
	v = meta(f->k, PUSHSPAWN_META_TOKEN);
	assert_string_equal(v, ""); /* used */
	free(v);

	/* The same through the helper, as the running kiosk starts it: a
	 * failure, recorded. */
	{
		char *helper = helper_path(), *r;
		pid_t pid;

		assert_int_equal(pushspawn_start(helper, f->kdir, url, NULL, 10, &pid, &e), 0);
		assert_int_equal(wait_push(pid), 0);
		assert_int_equal(unacked(f->k), 3);
		r = meta(f->k, "last_push_result");
		assert_non_null(strstr(r, "HTTP 422"));
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
	struct push_opts po = { .url = "http://127.0.0.1:1", .timeout = 5 };
	size_t marked;
	struct err e;

	assert_int_equal(store_mark_acked(f->k->store,
	                     (const unsigned char(*)[STORE_ID_BYTES])f->ids, 3, &marked, &e),
	    0);
	assert_int_equal(push_run(f->k, &po, &res, &e), 0);
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
	so.listen = "127.0.0.1:8080"; /* a good address, a store that is not there */
	so.store = "/nonexistent/hub.db";
	assert_int_equal(serve_start(&so, &srv, &e), -1);
	assert_non_null(strstr(e.msg, "no store at"));
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
