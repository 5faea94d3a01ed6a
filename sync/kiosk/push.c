/* push: the kiosk side of network sync. One bundle of every unacknowledged
 * finished story, built as export builds it, POSTed with libcurl, every
 * request signed with the kiosk's key over a nonce the hub just handed out
 * (RFC 9421, httpsig.c); an enrolment token waiting is redeemed first. The
 * stories are marked acknowledged only from a receipt that verifies against
 * the hub keys given at init and names this very bundle. */
#include "push.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "export.h"
#include "httpsig.h"
#include "pack.h"
#include "packstore.h"
#include "pushspawn.h"
#include "receipt.h"
#include "utf8.h"
#include "xmalloc.h"

#define REASON_MAX 400
#define NONCE_MAX 256
#define SIG_LABEL "kiosk"
#define SIG_TAG "storykiosk"

struct body {
	unsigned char *buf;
	size_t len, cap, max;
};

/* One push: the connection (kept between requests), the time left. */
struct session {
	struct kiosk *k;
	const struct push_opts *o;
	CURL *c;
	char *base;          /* the hub's URL without a trailing /v1/bundles or / */
	struct timespec end; /* the push's deadline */
	long timeout;
	struct push_result *res;
};

/* What a request signs (httpsig.h): its components by name. */
struct signed_request {
	const char *method, *path, *type, *digest, *token, *key;
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct body *b = ctx;
	size_t n = size * nmemb;

	if (b->len + n > b->max)
		return 0; /* too large to be a receipt: CURLE_WRITE_ERROR */
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		b->buf = xreallocarray(b->buf, cap, 1);
		b->cap = cap;
	}
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	return n;
}

/* The hub's short text answer, first line, safe to print. Caller frees. */
static char *
reason_of(const struct body *b)
{
	size_t n = 0;

	while (n < b->len && n < REASON_MAX && b->buf[n] != '\n' && b->buf[n] != '\r')
		n++;
	if (n == 0)
		return xstrdup("no reason given");
	return utf8_neutralise((const char *)b->buf, n, 0);
}

/* One line for a transfer that did not get an HTTP answer. */
static int
transfer_error(
    CURLcode rc, long oserr, const char *errbuf, const char *url, long timeout, struct err *e)
{
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return err_set(e,
		    "cannot find the hub's host (DNS failure: %s); check the URL "
		    "and that the network is up",
		    why);
	case CURLE_COULDNT_CONNECT:
		if (oserr == ECONNREFUSED)
			return err_set(e,
			    "connection refused by %s: is 'storyhub serve' running "
			    "there?",
			    url);
		if (oserr == ENETUNREACH || oserr == EHOSTUNREACH || oserr == ENETDOWN)
			return err_set(
			    e, "no network: cannot reach %s (%s)", url, strerror((int)oserr));
		return err_set(e, "cannot connect to %s (%s)", url, why);
	case CURLE_OPERATION_TIMEDOUT:
		return err_set(e,
		    "no complete answer from %s within %ld s (slow or broken "
		    "network, or the hub is stuck)",
		    url, timeout);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		return err_set(e,
		    "TLS failure talking to %s (%s): is the hub's certificate "
		    "valid for that name and trusted by this kiosk (--ca FILE)?",
		    url, why);
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return err_set(e,
		    "bad hub URL \"%s\": use http://HOST:PORT or https://HOST "
		    "(%s)",
		    url, why);
	case CURLE_WRITE_ERROR:
		return err_set(e, "the hub's answer is too large to be a receipt");
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return err_set(e, "the connection to %s broke during the upload (%s)", url, why);
	default:
		return err_set(e, "upload to %s failed: %s", url, why);
	}
}

static void
now_text(char out[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Seconds left before the push's deadline (at least 1 while any is). */
static long
left(const struct session *s)
{
	struct timespec now;
	long l;

	clock_gettime(CLOCK_MONOTONIC, &now);
	l = (long)(s->end.tv_sec - now.tv_sec);
	if (l <= 0 &&
	    (s->end.tv_sec > now.tv_sec ||
	        (s->end.tv_sec == now.tv_sec && s->end.tv_nsec > now.tv_nsec)))
		l = 1;
	return l;
}

static char *
hub_url(const struct session *s, const char *path)
{
	return xasprintf("%s%s", s->base, path);
}

/* The base URL: url without a trailing "/v1/bundles" or slashes. */
static char *
base_of(const char *url)
{
	static const char path[] = "/v1/bundles";
	size_t n = strlen(url);

	if (n >= sizeof path - 1 && strcmp(url + n - (sizeof path - 1), path) == 0)
		n -= sizeof path - 1;
	while (n > 0 && url[n - 1] == '/')
		n--;
	return xstrndup(url, n);
}

/* The path curl will send for url (as "@path" signs it). Caller frees. */
static char *
path_of(const char *url, struct err *e)
{
	CURLU *u = curl_url();
	char *part = NULL, *path = NULL;

	if (u == NULL) {
		err_set(e, "cannot start libcurl");
		return NULL;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &part, 0) != CURLUE_OK) {
		err_set(e, "bad hub URL \"%s\": use http://HOST:PORT or https://HOST", url);
	} else
		path = xstrdup(part[0] != '\0' ? part : "/");
	curl_free(part);
	curl_url_cleanup(u);
	return path;
}

/* A request on the session's connection: method, url, headers, body;
 * *status and the answer in b, and *retry_after (0 when none). */
static int
exchange(struct session *s, const char *method, const char *url, struct curl_slist *hdr,
    const unsigned char *body, size_t len, long *status, struct body *b, long *retry_after,
    struct err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	long timeout = left(s);
	curl_off_t ra = 0;
	CURLcode rc;

	if (timeout <= 0)
		return err_set(e,
		    "no complete answer from %s within %ld s (slow or broken network, "
		    "or the hub is stuck)",
		    url, s->timeout);
	b->len = 0;
	curl_easy_setopt(s->c, CURLOPT_URL, url);
	curl_easy_setopt(s->c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(s->c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(s->c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(s->c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(s->c, CURLOPT_CONNECTTIMEOUT,
	    timeout < PUSH_CONNECT_TIMEOUT ? timeout : (long)PUSH_CONNECT_TIMEOUT);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(s->c, CURLOPT_POST, 1L);
		curl_easy_setopt(s->c, CURLOPT_POSTFIELDS, (const char *)body);
		curl_easy_setopt(s->c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else
		curl_easy_setopt(s->c, CURLOPT_HTTPGET, 1L);
	rc = curl_easy_perform(s->c);
	if (rc != CURLE_OK) {
		long oserr = 0;

		curl_easy_getinfo(s->c, CURLINFO_OS_ERRNO, &oserr);
		return transfer_error(rc, oserr, errbuf, url, s->timeout, e);
	}
	curl_easy_getinfo(s->c, CURLINFO_RESPONSE_CODE, status);
	*retry_after = 0;
	if (curl_easy_getinfo(s->c, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		*retry_after = ra > PUSH_RETRY_MAX ? PUSH_RETRY_MAX : (long)ra;
	return 0;
}

/* A fresh nonce from the hub (GET /v1/nonce). */
static int
get_nonce(struct session *s, char out[NONCE_MAX], long *status, struct body *b, long *retry_after,
    struct err *e)
{
	char *url = hub_url(s, "/v1/nonce");
	size_t n = 0;
	int rv = -1;

	if (exchange(s, "GET", url, NULL, NULL, 0, status, b, retry_after, e) == -1)
		goto out;
	rv = 0;
	if (*status != 200)
		goto out; /* the caller reads the status */
	while (n < b->len && n < NONCE_MAX - 1 && b->buf[n] > ' ' && b->buf[n] < 0x7f)
		n++;
	if (n == 0 || (n < b->len && b->buf[n] != '\n')) {
		rv = err_set(
		    e, "%s did not answer with a nonce: is it a storyhub of this version?", url);
		goto out;
	}
	memcpy(out, b->buf, n);
	out[n] = '\0';
out:
	free(url);
	return rv;
}

static const char *
component(void *ctx, const char *name)
{
	const struct signed_request *r = ctx;

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

/* The headers of a signed request: its own fields, then Signature-Input and
 * Signature over every one of them with the nonce. */
static struct curl_slist *
sign(struct session *s, const struct signed_request *r, const char *nonce, struct err *e)
{
	static const char *const names[] = { "content-type", "content-digest", "enrollment-token",
		"kiosk-key" };
	static const char *const fields[] = { "Content-Type", "Content-Digest", "Enrollment-Token",
		"Kiosk-Key" };
	struct curl_slist *hdr = NULL;
	struct httpsig sig;
	char *line, *input, *signature;

	httpsig_init(&sig, SIG_LABEL);
	httpsig_cover(&sig, "@method");
	httpsig_cover(&sig, "@path");
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = component((void *)r, names[i]);

		if (v == NULL)
			continue;
		httpsig_cover(&sig, names[i]);
		line = xasprintf("%s: %s", fields[i], v);
		hdr = curl_slist_append(hdr, line);
		free(line);
	}
	httpsig_set_integer(&sig, "created", (long long)time(NULL));
	httpsig_set_string(&sig, "keyid", s->k->id_hex);
	httpsig_set_string(&sig, "nonce", nonce);
	httpsig_set_string(&sig, "alg", "ed25519");
	httpsig_set_string(&sig, "tag", SIG_TAG);
	if (httpsig_sign(&sig, component, (void *)r, s->k->identity->sk, e) == -1) {
		curl_slist_free_all(hdr);
		return NULL;
	}
	input = httpsig_input_field(&sig);
	signature = httpsig_signature_field(&sig);
	line = xasprintf("Signature-Input: %s", input);
	hdr = curl_slist_append(hdr, line);
	free(line);
	line = xasprintf("Signature: %s", signature);
	hdr = curl_slist_append(hdr, line);
	free(line);
	free(input);
	free(signature);
	hdr = curl_slist_append(hdr, "Expect:");
	return hdr;
}

/* Wait out a busy hub's Retry-After, if the push has the time; -1 with e
 * (transient) when it has not. */
static int
wait_busy(struct session *s, const struct body *b, long retry_after, struct err *e)
{
	char *why = reason_of(b);
	long wait = retry_after > 0 ? retry_after : PUSH_RETRY_DEFAULT;
	struct timespec ts = { wait, 0 };
	char note[ERR_MAX];
	struct err ignored;

	s->res->busy++;
	if (s->o->once || wait >= left(s)) {
		err_set(e, "hub busy, will retry: %s (HTTP 503)", why);
		e->transient = 1;
		free(why);
		return -1;
	}
	snprintf(note, sizeof note, "hub busy, will retry in %ld s: %.400s (HTTP 503)", wait, why);
	(void)store_meta_set(s->k->store, "last_push_result", note, &ignored);
	if (s->o->busy != NULL)
		s->o->busy(s->o->ctx, why, wait);
	free(why);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	return 0;
}

/* Send a signed request, again while the hub is busy: *status, b. */
static int
send_signed(struct session *s, const char *path, struct signed_request *r,
    const unsigned char *body, size_t len, long *status, struct body *b, struct err *e)
{
	char nonce[NONCE_MAX], *url = hub_url(s, path), *why;
	struct curl_slist *hdr = NULL;
	long retry_after = 0;
	int rv = -1;

	if ((r->path = path_of(url, e)) == NULL)
		goto out;
	for (;;) {
		if (get_nonce(s, nonce, status, b, &retry_after, e) == -1)
			goto out;
		if (*status == 200) {
			if ((hdr = sign(s, r, nonce, e)) == NULL)
				goto out;
			if (exchange(s, "POST", url, hdr, body, len, status, b, &retry_after, e) ==
			    -1)
				goto out;
			curl_slist_free_all(hdr);
			hdr = NULL;
		}
		if (*status != 503)
			break;
		if (wait_busy(s, b, retry_after, e) == -1)
			goto out;
	}
	if (*status == 404) {
		why = reason_of(b);
		rv = err_set(e,
		    "the hub at %s does not know %s (%s): is it a storyhub of this "
		    "version?",
		    s->base, path, why);
		free(why);
		goto out;
	}
	rv = 0;
out:
	curl_slist_free_all(hdr);
	free((char *)r->path);
	r->path = NULL;
	free(url);
	return rv;
}

/* Redeem the enrolment token: POST /v1/enroll with the token and the
 * kiosk's public key, signed by that key. */
static int
enroll(struct session *s, const char *token, struct err *e)
{
	struct signed_request r = { .method = "POST", .token = token };
	struct body b = { .max = RECEIPT_MAX_BYTES };
	char b64[sodium_base64_ENCODED_LEN(
	    crypto_sign_PUBLICKEYBYTES, sodium_base64_VARIANT_ORIGINAL)],
	    *key, *why = NULL, when[32];
	long status = 0;
	int rv = -1;

	sodium_bin2base64(b64, sizeof b64, s->k->identity->pk, sizeof s->k->identity->pk,
	    sodium_base64_VARIANT_ORIGINAL);
	key = xasprintf(":%s:", b64);
	r.key = key;
	if (send_signed(s, "/v1/enroll", &r, NULL, 0, &status, &b, e) == -1)
		goto out;
	why = reason_of(&b);
	if (status == 200) {
		now_text(when);
		snprintf(s->res->note, sizeof s->res->note, "%s", why);
		s->res->enrolled = 1;
		if (store_meta_set(s->k->store, PUSHSPAWN_META_TOKEN, "", e) == -1 ||
		    store_meta_set(s->k->store, PUSHSPAWN_META_ENROLLED, when, e) == -1)
			goto out;
		rv = 0;
	} else if (status == 403) {
		/* It can never work (unknown, spent, expired, or revoked): drop it,
		 * so that the next push goes on without it. */
		(void)store_meta_set(s->k->store, PUSHSPAWN_META_TOKEN, "", e);
		err_set(e,
		    "the hub refused the enrolment token (HTTP 403): %s; it is dropped: "
		    "ask the coordinator for a new one",
		    why);
	} else
		err_set(e, "the hub refused the enrolment (HTTP %ld): %s", status, why);
out:
	free(why);
	free(key);
	free(b.buf);
	return rv;
}

/* The hub's newest feedback pack, when newer than the kiosk's: verified
 * and taken as 'storykiosk feedback' takes one. Never fails the push: what
 * went wrong goes to res->pack_note. */
static void
fetch_pack(struct session *s, struct push_result *res)
{
	struct body body = { .max = PACK_MAX_BYTES };
	struct feedback *fb = NULL;
	uint64_t have = 0;
	long status = 0, retry_after;
	char *url = NULL, path[64];
	struct err e;

	if (packstore_seq(s->k, &have, &e) == -1)
		goto fail;
	snprintf(path, sizeof path, "/v1/pack?after=%llu", (unsigned long long)have);
	url = hub_url(s, path);
	if (exchange(s, "GET", url, NULL, NULL, 0, &status, &body, &retry_after, &e) == -1) {
		if (strstr(e.msg, "too large to be a receipt") != NULL)
			err_set(&e, "the hub's feedback pack is larger than %zu bytes", body.max);
		goto fail;
	}
	if (status == 204 || status == 404) /* none newer; none published */
		goto out;
	if (status != 200) {
		char *reason = reason_of(&body);

		err_set(&e, "the hub answered HTTP %ld: %s", status, reason);
		free(reason);
		goto fail;
	}
	if (packstore_install(s->k, body.buf, body.len, &fb, &e) == -1)
		goto fail;
	res->pack_seq = fb->seq;
	res->pack_stories = fb->nstories;
	goto out;
fail:
	snprintf(res->pack_note, sizeof res->pack_note, "%s", e.msg);
out:
	feedback_free(fb);
	free(body.buf);
	free(url);
}

/* Check the receipt: signed by one of the kiosk's hub keys, for this very
 * bundle. r is the caller's to free on success. */
static int
check_receipt(struct kiosk *k, const struct body *b, const unsigned char *bundle, size_t blen,
    uint64_t seq, struct receipt *r, struct err *e)
{
	unsigned char hash[BUNDLE_HASH_BYTES];

	if (receipt_verify(b->buf, b->len, k->hubs, k->nhubs, k->identity->id, r, e) == -1) {
		err_prefix(e, "the hub's receipt does not verify");
		return -1;
	}
	bundle_hash(bundle, blen, hash);
	if (r->bundle_seq != seq || sodium_memcmp(r->bundle_hash, hash, sizeof hash) != 0) {
		receipt_free(r);
		return err_set(e, "the hub's receipt is for another bundle (a replayed answer?)");
	}
	return 0;
}

/* What an attempt came to, as status and the admin screen show it. */
static void
result_text(const struct push_result *res, const struct err *failure, char *text, size_t size)
{
	if (failure != NULL && failure->transient)
		snprintf(text, size, "%s", failure->msg); /* "hub busy, will retry: ..." */
	else if (failure != NULL)
		snprintf(text, size, "failed: %s", failure->msg);
	else if (res->outcome == PUSH_NOTHING)
		snprintf(text, size, "nothing to push");
	else if (res->outcome == PUSH_ENROLLED)
		snprintf(text, size, "enrolled with the hub; nothing to push");
	else if (res->outcome == PUSH_ACKED)
		snprintf(text, size, "%zu of %zu acknowledged", res->acked, res->sent);
	else
		snprintf(text, size,
		    "%zu delivered, in quarantine until the "
		    "coordinator trusts this kiosk",
		    res->sent);
	if (failure == NULL && res->pack_seq > 0)
		snprintf(text + strlen(text), size - strlen(text), "; feedback pack %llu taken",
		    (unsigned long long)res->pack_seq);
}

/* Record what the last attempt came to when nothing else was (a failure,
 * nothing to push). Best effort: the push's own outcome stands even if
 * this cannot be saved. */
static void
note_result(struct kiosk *k, const struct push_result *res, const struct err *failure)
{
	char text[ERR_MAX + 16];
	struct err ignored;

	result_text(res, failure, text, sizeof text);
	(void)store_meta_set(k->store, "last_push_result", text, &ignored);
}

/* A delivery, in one transaction (one fsync): the stories sent marked
 * exported in this bundle, those the receipt lists acknowledged, the time
 * of the last success and the result. */
static int
record(struct kiosk *k, const struct export_bundle *b, const struct receipt *r,
    struct push_result *res, const char *when, struct err *e)
{
	const unsigned char(*ids)[STORE_ID_BYTES] = (const unsigned char(*)[STORE_ID_BYTES])b->ids;
	char text[ERR_MAX + 16];

	if (store_begin(k->store, e) == -1)
		return -1;
	if (store_mark_exported_in(k->store, ids, b->n, b->seq, NULL, e) == -1 ||
	    (r != NULL &&
	        store_mark_acked_in(k->store, (const unsigned char(*)[STORE_ID_BYTES])r->ids,
	            r->count, &res->acked, e) == -1) ||
	    (r != NULL && store_meta_set(k->store, "last_push", when, e) == -1))
		goto fail;
	result_text(res, NULL, text, sizeof text);
	if (store_meta_set(k->store, "last_push_result", text, e) == -1 ||
	    store_commit(k->store, e) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(k->store);
	res->acked = 0;
	return -1;
}

/* POST the bundle and act on the answer: ACKED with the receipt verified
 * into r (caller frees), or QUARANTINED. */
static int
deliver(struct session *s, const struct export_bundle *bd, struct receipt *r, struct err *e)
{
	struct signed_request req = { .method = "POST", .type = "application/octet-stream" };
	struct body b = { .max = RECEIPT_MAX_BYTES };
	char *digest = httpsig_digest_field(bd->buf, bd->len), *why = NULL;
	long status = 0;
	int rv = -1;

	req.digest = digest;
	if (send_signed(s, "/v1/bundles", &req, bd->buf, bd->len, &status, &b, e) == -1)
		goto out;
	if (status == 200) {
		if (check_receipt(s->k, &b, bd->buf, bd->len, bd->seq, r, e) == -1)
			goto out;
		s->res->outcome = PUSH_ACKED;
	} else if (status == 202) {
		why = reason_of(&b);
		snprintf(s->res->note, sizeof s->res->note, "%s", why);
		s->res->outcome = PUSH_QUARANTINED;
	} else {
		why = reason_of(&b);
		err_set(e, "the hub refused the bundle (HTTP %ld): %s", status, why);
		goto out;
	}
	rv = 0;
out:
	free(why);
	free(digest);
	free(b.buf);
	return rv;
}

static int
session_open(struct session *s, struct kiosk *k, const struct push_opts *o, struct push_result *res,
    struct err *e)
{
	memset(s, 0, sizeof *s);
	s->k = k;
	s->o = o;
	s->res = res;
	s->timeout = o->timeout > 0 ? o->timeout : PUSH_DEFAULT_TIMEOUT;
	clock_gettime(CLOCK_MONOTONIC, &s->end);
	s->end.tv_sec += s->timeout;
	s->base = base_of(o->url);
	if ((s->c = curl_easy_init()) == NULL)
		return err_set(e, "cannot start libcurl");
	curl_easy_setopt(s->c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->c, CURLOPT_USERAGENT, "storykiosk-push/2");
	curl_easy_setopt(s->c, CURLOPT_WRITEFUNCTION, on_body);
	if (o->ca != NULL)
		curl_easy_setopt(s->c, CURLOPT_CAINFO, o->ca);
	return 0;
}

static void
session_close(struct session *s)
{
	if (s->c != NULL)
		curl_easy_cleanup(s->c);
	free(s->base);
}

int
push_run(struct kiosk *k, const struct push_opts *o, struct push_result *res, struct err *e)
{
	struct export_bundle b = { 0 };
	struct session s = { 0 };
	struct receipt r;
	char when[32], *token = NULL;
	int rv = -1, have_receipt = 0, recorded = 0;

	memset(res, 0, sizeof *res);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return err_set(e, "cannot start libcurl");
	now_text(when);
	if (store_meta_set(k->store, "last_push_attempt", when, e) == -1 ||
	    store_meta_get(k->store, PUSHSPAWN_META_TOKEN, &token, e) == -1)
		goto out;
	/* The same bundle export writes, of what the hub has not acknowledged. */
	if (export_bundle_build(k, STORE_UNACKED, &b, e) == -1)
		goto out;
	if (session_open(&s, k, o, res, e) == -1)
		goto out;
	if (b.buf == NULL && (token == NULL || token[0] == '\0')) {
		res->outcome = PUSH_NOTHING;
		fetch_pack(&s, res);
		rv = 0;
		goto out;
	}
	if (token != NULL && token[0] != '\0' && enroll(&s, token, e) == -1)
		goto out;
	if (b.buf == NULL) {
		res->outcome = PUSH_ENROLLED;
		fetch_pack(&s, res);
		rv = 0;
		goto out;
	}
	res->bundle_seq = b.seq;
	res->sent = b.n;
	if (deliver(&s, &b, &r, e) == -1)
		goto out;
	have_receipt = res->outcome == PUSH_ACKED;
	if (record(k, &b, have_receipt ? &r : NULL, res, when, e) == -1)
		goto out;
	rv = 0;
	/* a pack taken is said in the result too (one more write, then only) */
	fetch_pack(&s, res);
	recorded = res->pack_seq == 0;
out:
	if (!recorded)
		note_result(k, res, rv == -1 ? e : NULL);
	if (have_receipt)
		receipt_free(&r);
	session_close(&s);
	export_bundle_free(&b);
	if (token != NULL) {
		sodium_memzero(token, strlen(token));
		free(token);
	}
	curl_global_cleanup();
	return rv;
}
