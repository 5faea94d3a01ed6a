/* push: the kiosk side of network sync. One bundle of every unacknowledged
 * finished story, built as export builds it, POSTed with libcurl; the
 * stories are marked acknowledged only from a receipt that verifies against
 * the hub keys given at init and names this very bundle. */
#include "push.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "export.h"
#include "pack.h"
#include "packstore.h"
#include "receipt.h"
#include "utf8.h"
#include "xmalloc.h"

#define REASON_MAX 400

struct body {
	unsigned char *buf;
	size_t len, cap, max;
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
		    "valid for that name and trusted by this kiosk?",
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

/* POST buf to url; *status the HTTP status, body the answer. */
static int
post(const char *url, const unsigned char *buf, size_t len, long timeout, long *status,
    struct body *body, struct err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL;
	CURL *c;
	CURLcode rc;
	int rv = -1;

	if ((c = curl_easy_init()) == NULL)
		return err_set(e, "cannot start libcurl");
	hdr = curl_slist_append(hdr, "Content-Type: application/octet-stream");
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)buf);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "storykiosk-push/1");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
	    timeout < PUSH_CONNECT_TIMEOUT ? timeout : (long)PUSH_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		long oserr = 0;

		curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &oserr);
		transfer_error(rc, oserr, errbuf, url, timeout, e);
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	rv = 0;
out:
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return rv;
}

/* Check the receipt and mark what it lists acknowledged. */
static int
accept_receipt(struct kiosk *k, const struct body *b, const unsigned char *bundle, size_t blen,
    uint64_t seq, struct push_result *res, struct err *e)
{
	unsigned char hash[BUNDLE_HASH_BYTES];
	struct receipt r;
	int rv = -1;

	if (receipt_verify(b->buf, b->len, k->hubs, k->nhubs, k->identity->id, &r, e) == -1) {
		err_prefix(e, "the hub's receipt does not verify");
		return -1;
	}
	bundle_hash(bundle, blen, hash);
	if (r.bundle_seq != seq || sodium_memcmp(r.bundle_hash, hash, sizeof hash) != 0) {
		err_set(e, "the hub's receipt is for another bundle (a replayed answer?)");
		goto out;
	}
	if (store_mark_acked(k->store, (const unsigned char(*)[STORE_ID_BYTES])r.ids, r.count,
	        &res->acked, e) == -1)
		goto out;
	rv = 0;
out:
	receipt_free(&r);
	return rv;
}

static char *
bundles_url(const char *url)
{
	size_t n = strlen(url);
	static const char path[] = "/v1/bundles";

	if (n >= sizeof path - 1 && strcmp(url + n - (sizeof path - 1), path) == 0)
		return xstrdup(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	return xasprintf("%.*s%s", (int)n, url, path);
}

/* GET url into body; *status the HTTP status. */
static int
get(const char *url, long timeout, long *status, struct body *body, struct err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *c;
	CURLcode rc;
	int rv = -1;

	if ((c = curl_easy_init()) == NULL)
		return err_set(e, "cannot start libcurl");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "storykiosk-push/1");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
	    timeout < PUSH_CONNECT_TIMEOUT ? timeout : (long)PUSH_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		long oserr = 0;

		curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &oserr);
		if (rc == CURLE_WRITE_ERROR)
			err_set(e, "the hub's feedback pack is larger than %zu bytes", body->max);
		else
			transfer_error(rc, oserr, errbuf, url, timeout, e);
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	rv = 0;
out:
	curl_easy_cleanup(c);
	return rv;
}

/* The hub's newest feedback pack, when newer than the kiosk's: verified
 * and taken as 'storykiosk feedback' takes one. Never fails the push: what
 * went wrong goes to res->pack_note. */
static void
fetch_pack(struct kiosk *k, const char *url, long timeout, struct push_result *res)
{
	struct body body = { .max = PACK_MAX_BYTES };
	struct feedback *fb = NULL;
	static const char path[] = "/v1/bundles";
	size_t n = strlen(url);
	uint64_t have = 0;
	long status = 0;
	char *full = NULL;
	struct err e;

	if (n >= sizeof path - 1 && strcmp(url + n - (sizeof path - 1), path) == 0)
		n -= sizeof path - 1;
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (packstore_seq(k, &have, &e) == -1)
		goto fail;
	full = xasprintf("%.*s/v1/pack?after=%llu", (int)n, url, (unsigned long long)have);
	if (get(full, timeout, &status, &body, &e) == -1)
		goto fail;
	if (status == 204 || status == 404) /* none newer; none published */
		goto out;
	if (status != 200) {
		char *reason = reason_of(&body);

		err_set(&e, "the hub answered HTTP %ld: %s", status, reason);
		free(reason);
		goto fail;
	}
	if (packstore_install(k, body.buf, body.len, &fb, &e) == -1)
		goto fail;
	res->pack_seq = fb->seq;
	res->pack_stories = fb->nstories;
	goto out;
fail:
	snprintf(res->pack_note, sizeof res->pack_note, "%s", e.msg);
out:
	feedback_free(fb);
	free(body.buf);
	free(full);
}

/* What the last attempt came to, for status and the admin screen. Best
 * effort: the push's own outcome stands even if this cannot be saved. */
static void
note_result(struct kiosk *k, const struct push_result *res, const char *failure)
{
	char text[ERR_MAX + 16];
	struct err ignored;

	if (failure != NULL)
		snprintf(text, sizeof text, "failed: %s", failure);
	else if (res->outcome == PUSH_NOTHING)
		snprintf(text, sizeof text, "nothing to push");
	else if (res->outcome == PUSH_ACKED)
		snprintf(text, sizeof text, "%zu of %zu acknowledged", res->acked, res->sent);
	else
		snprintf(text, sizeof text,
		    "%zu delivered, in quarantine until the "
		    "coordinator trusts this kiosk",
		    res->sent);
	if (failure == NULL && res->pack_seq > 0)
		snprintf(text + strlen(text), sizeof text - strlen(text),
		    "; feedback pack %llu taken", (unsigned long long)res->pack_seq);
	(void)store_meta_set(k->store, "last_push_result", text, &ignored);
}

int
push_run(struct kiosk *k, const char *url, long timeout, struct push_result *res, struct err *e)
{
	struct export_bundle b = { 0 };
	struct body body = { .max = RECEIPT_MAX_BYTES };
	long status = 0;
	char *full = NULL, *reason = NULL, when[32];
	int rv = -1;

	memset(res, 0, sizeof *res);
	if (timeout <= 0)
		timeout = PUSH_DEFAULT_TIMEOUT;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return err_set(e, "cannot start libcurl");
	now_text(when);
	if (store_meta_set(k->store, "last_push_attempt", when, e) == -1)
		goto out;
	/* The same bundle export writes, of what the hub has not acknowledged. */
	if (export_bundle_build(k, STORE_UNACKED, &b, e) == -1)
		goto out;
	if (b.buf == NULL) {
		res->outcome = PUSH_NOTHING;
		fetch_pack(k, url, timeout, res);
		rv = 0;
		goto out;
	}
	res->bundle_seq = b.seq;
	res->sent = b.n;
	full = bundles_url(url);
	if (post(full, b.buf, b.len, timeout, &status, &body, e) == -1)
		goto out;
	if (status == 200) {
		if (accept_receipt(k, &body, b.buf, b.len, res->bundle_seq, res, e) == -1)
			goto out;
		res->outcome = PUSH_ACKED;
	} else if (status == 202) {
		reason = reason_of(&body);
		snprintf(res->note, sizeof res->note, "%s", reason);
		res->outcome = PUSH_QUARANTINED;
	} else {
		reason = reason_of(&body);
		err_set(e, "the hub refused the bundle (HTTP %ld): %s", status, reason);
		goto out;
	}
	if (store_mark_exported(k->store, (const unsigned char(*)[STORE_ID_BYTES])b.ids, b.n,
	        res->bundle_seq, NULL, e) == -1)
		goto out;
	if (res->outcome == PUSH_ACKED && store_meta_set(k->store, "last_push", when, e) == -1)
		goto out;
	fetch_pack(k, url, timeout, res);
	rv = 0;
out:
	note_result(k, res, rv == -1 ? e->msg : NULL);
	export_bundle_free(&b);
	free(body.buf);
	free(full);
	free(reason);
	curl_global_cleanup();
	return rv;
}
