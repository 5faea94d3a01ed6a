/* serve: the hub's HTTP receiver (and GET /v1/pack, the newest published
 * feedback pack). libmicrohttpd's one network thread reads
 * requests, checks each request's signature from its header (hubauth.c),
 * keeps an upload's body within budget (spool.c) and answers; a finished
 * upload or an enrolment is handed to a worker (workq.c) while its
 * connection is suspended, and resumed with the answer. Workers verify and
 * open bundles side by side and take turns at the store's one write
 * connection (store_lock); the network thread reads the kiosks table on a
 * connection of its own, so health, nonces and the next kiosk's header are
 * answered while an import runs. */
#include "serve.h"

#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "enrol.h"
#include "fsutil.h"
#include "guard.h"
#include "hubauth.h"
#include "import.h"
#include "listen.h"
#include "nonce.h"
#include "spool.h"
#include "utf8.h"
#include "workq.h"
#include "xmalloc.h"

#define LOG_URL_MAX 80
#define CONNECTION_MEMORY ((size_t)64 << 10) /* libmicrohttpd's buffers, a connection */
#define TLS_FILE_MAX ((size_t)1 << 20)
/* Named differently across libmicrohttpd versions. */
#define HTTP_TOO_LARGE 413u
#define HTTP_UNPROCESSABLE 422u

struct serve {
	struct serve_opts o;
	struct MHD_Daemon *d;
	struct listen_addr la;
	char address[NI_MAXHOST + 16];
	struct hubstore *auth_hs;  /* the network thread's reads */
	struct hubstore *write_hs; /* the workers', one at a time */
	pthread_mutex_t auth_mu, write_mu;
	/* bodies mapped from their files by the workers: max_bytes together */
	pthread_mutex_t map_mu;
	pthread_cond_t map_cond;
	size_t mapped; /* under map_mu */
	struct nonces *nonces;
	struct spool_budget spool;
	struct guard *guard;
	struct workq *wq;
	/* The newest published pack's answer, one for every client that asks
	 * for it (libmicrohttpd counts who still sends it): however many fetch
	 * it, and however slowly they read, it is in memory once. Network
	 * thread only (and serve_stop once the daemon is gone). */
	struct MHD_Response *pack;
	uint64_t pack_seq;
	size_t pack_len;
	char *tls_cert, *tls_key; /* PEM text, kept while the daemon runs */
	size_t tls_key_len;
};

/* One TCP connection (libmicrohttpd's socket context). */
struct conn {
	struct guard_conn *g;
	char peer[NI_MAXHOST];
	struct timespec start;
	size_t requests; /* logged so far */
};

struct request;

/* A route: on the first call of a request (its header complete), start
 * answers it or accepts it for a body and a job. */
struct route {
	const char *method; /* "GET" also takes HEAD */
	const char *path;
	enum MHD_Result (*start)(struct request *rq);
	void (*job)(void *rq); /* run on a worker once the body is in; NULL: none */
};

/* One request, from its header to its log line. */
struct request {
	struct serve *s;
	struct MHD_Connection *mc;
	struct conn *c;
	const struct route *route;
	struct timespec start;
	char method[16];
	char *path; /* as received, for the signature's "@path" */
	char *url;  /* neutralised, for the log */
	char peer[NI_MAXHOST];
	int routed;    /* its route was started */
	int accept;    /* a body is being read for a job */
	int too_large; /* it passed max_bytes */
	struct spool *sp;
	struct err body_err; /* the spool failed */
	int body_failed;
	size_t received;
	unsigned char kiosk[KEY_ID_BYTES]; /* the signer, once authenticated */
	char kiosk_hex[KEY_ID_HEX];
	char *digest; /* Content-Digest */
	char *token;  /* enrolment */
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	/* set by the worker before it resumes the connection */
	int done;
	unsigned rstatus, retry_after;
	const char *rtype;
	unsigned char *rbody;
	size_t rlen;
	char rnote[ERR_MAX + 64];
	/* the answer queued */
	unsigned status;
	char note[ERR_MAX + 64];
};

static void
request_free(struct request *rq)
{
	if (rq == NULL)
		return;
	spool_free(rq->sp);
	free(rq->rbody);
	free(rq->digest);
	free(rq->token);
	free(rq->path);
	free(rq->url);
	free(rq);
}

static double
elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* The log's note: the sender first, once it is known. */
static void
set_note(struct request *rq, const char *note)
{
	if (rq->kiosk_hex[0] != '\0')
		snprintf(rq->note, sizeof rq->note, "kiosk %s: %s", rq->kiosk_hex, note);
	else
		snprintf(rq->note, sizeof rq->note, "%s", note);
}

/* A response is queued: from now on the guard watches how fast the client
 * reads it, and libmicrohttpd's own timeout, which counts only the moments
 * it can hand the socket more (after a third of the kernel's buffer, up to
 * megabytes, has drained), is off until the next request. */
static void
answering(struct request *rq)
{
	if (rq->c == NULL)
		return;
	guard_stage(rq->s->guard, rq->c->g, GUARD_SERVER);
	if (guard_watchable(rq->c->g))
		MHD_set_connection_option(rq->mc, MHD_CONNECTION_OPTION_TIMEOUT, 0u);
}

/* Queue a response; note goes to the log line. */
static enum MHD_Result
reply(struct request *rq, unsigned status, const char *type, const void *body, size_t len,
    unsigned retry_after, const char *note)
{
	struct MHD_Response *resp;
	enum MHD_Result r;
	char ra[16];

	resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (retry_after > 0) {
		snprintf(ra, sizeof ra, "%u", retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	r = MHD_queue_response(rq->mc, status, resp);
	MHD_destroy_response(resp);
	rq->status = status;
	set_note(rq, note);
	answering(rq);
	return r;
}

/* A short text answer (msg and a newline). */
static enum MHD_Result
reply_text(struct request *rq, unsigned status, const char *msg)
{
	char *body = xasprintf("%s\n", msg);
	enum MHD_Result r;

	r = reply(rq, status, "text/plain; charset=utf-8", body, strlen(body),
	    status == MHD_HTTP_SERVICE_UNAVAILABLE ? SERVE_RETRY_AFTER : 0, msg);
	free(body);
	return r;
}

static const char *
header(struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->mc, MHD_HEADER_KIND, name);
}

/* The request's components for its signature (httpsig.h). */
static const char *
component(void *ctx, const char *name)
{
	struct request *rq = ctx;

	if (strcmp(name, "@method") == 0)
		return rq->method;
	if (strcmp(name, "@path") == 0)
		return rq->path;
	if (strcmp(name, "@scheme") == 0)
		return serve_scheme(rq->s);
	if (strcmp(name, "@authority") == 0)
		return header(rq, MHD_HTTP_HEADER_HOST);
	if (name[0] == '@')
		return NULL; /* a derived component this hub does not offer */
	return header(rq, name);
}

/* The signature over the request's header, against the kiosk's key (or the
 * key an enrolment presents). Answers 401/403/503 itself and returns 0
 * then; 1 when the request may go on. */
static int
authenticate(
    struct request *rq, const char *const *required, const unsigned char *pk, enum MHD_Result *r)
{
	struct serve *s = rq->s;
	struct hubauth_request ar = { component, rq, required, pk };
	enum hubauth_verdict v;
	struct err e;

	pthread_mutex_lock(&s->auth_mu);
	v = hubauth_check(s->auth_hs, s->nonces, &ar, rq->kiosk, &e);
	pthread_mutex_unlock(&s->auth_mu);
	switch (v) {
	case HUBAUTH_OK:
		keys_id_hex(rq->kiosk, rq->kiosk_hex);
		return 1;
	case HUBAUTH_FORBIDDEN:
		*r = reply_text(rq, MHD_HTTP_FORBIDDEN, e.msg);
		return 0;
	case HUBAUTH_UNAVAILABLE: {
		static const char busy[] = "the hub is busy: push again in a few seconds\n";

		/* the kiosk hears it is busy; the log gets why */
		*r = reply(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", busy,
		    sizeof busy - 1, SERVE_RETRY_AFTER, e.msg);
		return 0;
	}
	default:
		*r = reply_text(rq, MHD_HTTP_UNAUTHORIZED, e.msg);
		return 0;
	}
}

static enum MHD_Result
route_health(struct request *rq)
{
	return reply(rq, MHD_HTTP_OK, "text/plain; charset=utf-8", "ok\n", 3, 0, "ok");
}

static enum MHD_Result
route_nonce(struct request *rq)
{
	char nonce[NONCE_TEXT + 1];
	size_t n;

	nonces_issue(rq->s->nonces, nonce);
	n = strlen(nonce);
	nonce[n] = '\n';
	return reply(rq, MHD_HTTP_OK, "text/plain; charset=utf-8", nonce, n + 1, 0, "nonce");
}

/* The answer for pack seq (its bytes, data, taken over): the one made for
 * the last request when seq is the same, else a new one. NULL when out of
 * memory. */
static struct MHD_Response *
pack_response(struct serve *s, unsigned char *data, size_t len, uint64_t seq)
{
	struct MHD_Response *resp;
	char seqtext[32];

	if (s->pack != NULL && s->pack_seq == seq) {
		free(data);
		return s->pack;
	}
	resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(data);
		return NULL;
	}
	snprintf(seqtext, sizeof seqtext, "%llu", (unsigned long long)seq);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/octet-stream");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Pack-Sequence", seqtext);
	/* the old one lives on while a client still receives it */
	if (s->pack != NULL)
		MHD_destroy_response(s->pack);
	s->pack = resp;
	s->pack_seq = seq;
	s->pack_len = len;
	return resp;
}

/* GET /v1/pack[?after=N]: the newest feedback pack published with
 * 'storyhub feedback --publish' (200, the pack's bytes, its sequence in
 * X-Pack-Sequence), or 204 when it is not newer than the kiosk's pack N,
 * or 404 when none is published. Public text: no kiosk key is asked. Its
 * sequence is read on the network thread's own connection (a read never
 * waits for a writer in WAL mode) for every request, so that a pack
 * published while the server runs goes out at once; the pack itself only
 * when it is not the one in memory already (pack_response). */
static enum MHD_Result
route_pack(struct request *rq)
{
	struct serve *s = rq->s;
	const char *after = MHD_lookup_connection_value(rq->mc, MHD_GET_ARGUMENT_KIND, "after");
	unsigned long long have = 0;
	unsigned char *data = NULL;
	struct MHD_Response *resp;
	char *end;
	uint64_t seq = 0;
	size_t len = 0;
	int found = 0, rc;
	struct err e;
	enum MHD_Result r;

	if (after != NULL) {
		errno = 0;
		have = strtoull(after, &end, 10);
		if (errno != 0 || end == after || *end != '\0')
			return reply_text(rq, MHD_HTTP_BAD_REQUEST,
			    "after= takes the sequence number of the kiosk's pack");
	}
	pthread_mutex_lock(&s->auth_mu);
	rc = s->auth_hs->ops->pack_newest(s->auth_hs, NULL, NULL, &seq, &found, &e);
	/* its bytes only when they are not in memory; it may have been
	 * replaced by a newer one meanwhile, which is sent then */
	if (rc == 0 && found && seq > have && (s->pack == NULL || s->pack_seq != seq))
		rc = s->auth_hs->ops->pack_newest(s->auth_hs, &data, &len, &seq, &found, &e);
	pthread_mutex_unlock(&s->auth_mu);
	if (rc == -1)
		return reply_text(rq, MHD_HTTP_SERVICE_UNAVAILABLE, e.msg);
	if (!found)
		return reply_text(rq, MHD_HTTP_NOT_FOUND, "no feedback pack is published");
	if (seq <= have) {
		free(data);
		return reply(rq, MHD_HTTP_NO_CONTENT, "text/plain; charset=utf-8", "", 0, 0,
		    "no newer feedback pack");
	}
	if (data == NULL)
		len = s->pack_len;
	if ((resp = pack_response(s, data, len, seq)) == NULL)
		return MHD_NO;
	r = MHD_queue_response(rq->mc, MHD_HTTP_OK, resp);
	rq->status = MHD_HTTP_OK;
	snprintf(rq->note, sizeof rq->note, "feedback pack %llu (%zu bytes)",
	    (unsigned long long)seq, len);
	answering(rq);
	return r;
}

static int
is_octet_stream(const char *ct)
{
	static const char want[] = "application/octet-stream";
	size_t n = sizeof want - 1;

	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

static enum MHD_Result
too_large(struct request *rq)
{
	char msg[96];

	snprintf(msg, sizeof msg, "bundle too large: this hub takes at most %zu bytes per upload",
	    rq->s->o.max_bytes);
	return reply_text(rq, HTTP_TOO_LARGE, msg);
}

static enum MHD_Result
route_bundles(struct request *rq)
{
	static const char *const required[] = { "content-digest", NULL };
	struct serve *s = rq->s;
	const char *cl;
	long long expected = -1;
	enum MHD_Result r = MHD_YES;
	struct err e;

	if (!authenticate(rq, required, NULL, &r))
		return r;
	if (httpsig_digest_parse(header(rq, "Content-Digest"), &e) == -1)
		return reply_text(rq, MHD_HTTP_BAD_REQUEST, e.msg);
	if (!is_octet_stream(header(rq, MHD_HTTP_HEADER_CONTENT_TYPE)))
		return reply_text(rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		    "a bundle is sent as Content-Type: application/octet-stream");
	if ((cl = header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH)) != NULL) {
		char *end;
		unsigned long long n;

		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno != 0 || end == cl || *end != '\0' ||
		    (n > s->o.max_bytes && n - s->o.max_bytes > s->o.max_bytes))
			return too_large(rq);
		if (n > s->o.max_bytes) {
			/* Up to twice the cap the body is read and dropped before
			 * the 413: closing on unread bytes resets the connection,
			 * and a client still sending sees the reset, not the
			 * answer. Beyond that it is refused at once. */
			rq->too_large = 1;
			rq->accept = 1;
			guard_stage(s->guard, rq->c->g, GUARD_BODY);
			return MHD_YES;
		}
		expected = (long long)n;
	}
	if (spool_open(&s->spool, expected, &rq->sp, &e) == -1)
		return reply_text(rq, MHD_HTTP_SERVICE_UNAVAILABLE, e.msg);
	rq->digest = xstrdup(header(rq, "Content-Digest"));
	rq->accept = 1;
	guard_stage(s->guard, rq->c->g, GUARD_BODY);
	return MHD_YES;
}

static enum MHD_Result
route_enroll(struct request *rq)
{
	static const char *const required[] = { "enrollment-token", "kiosk-key", NULL };
	const char *token = header(rq, "Enrollment-Token"), *key = header(rq, "Kiosk-Key");
	size_t n = 0, len;
	enum MHD_Result r = MHD_YES;

	if (token == NULL || key == NULL)
		return reply_text(
		    rq, MHD_HTTP_BAD_REQUEST, "an enrolment sends Enrollment-Token and Kiosk-Key");
	len = strlen(key);
	if (len < 2 || key[0] != ':' || key[len - 1] != ':' ||
	    sodium_base642bin(rq->pk, sizeof rq->pk, key + 1, len - 2, NULL, &n, NULL,
	        sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != sizeof rq->pk)
		return reply_text(rq, MHD_HTTP_BAD_REQUEST,
		    "Kiosk-Key must be the kiosk's Ed25519 public key as :BASE64:");
	if (!authenticate(rq, required, rq->pk, &r))
		return r;
	rq->token = xstrdup(token);
	rq->accept = 1;
	guard_stage(rq->s->guard, rq->c->g, GUARD_BODY);
	return MHD_YES;
}

/* The worker's answer, to be queued when the connection resumes. */
static void
result(struct request *rq, unsigned status, const char *type, unsigned char *body, size_t len,
    const char *note)
{
	rq->rstatus = status;
	rq->rtype = type;
	rq->rbody = body;
	rq->rlen = len;
	rq->retry_after = status == MHD_HTTP_SERVICE_UNAVAILABLE ? SERVE_RETRY_AFTER : 0;
	snprintf(rq->rnote, sizeof rq->rnote, "%s", note);
}

static void
result_text(struct request *rq, unsigned status, const char *msg)
{
	char *body = xasprintf("%s\n", msg);

	result(rq, status, "text/plain; charset=utf-8", (unsigned char *)body, strlen(body), msg);
}

/* A failure that may pass (e->transient): 503 with Retry-After. The kiosk
 * hears that the hub is busy; the store's own words go to the log only. */
static void
result_busy(struct request *rq, const struct err *e)
{
	static const char msg[] = "the hub is busy (its store is in use or its disk is full): "
	                          "push again in a few seconds";
	char *body = xasprintf("%s\n", msg);

	result(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", (unsigned char *)body,
	    strlen(body), e->msg);
}

/* Hand the connection back to the network thread. Nothing of rq may be
 * touched after: it may be answered and freed at once. */
static void
finish(struct request *rq)
{
	rq->done = 1;
	MHD_resume_connection(rq->mc);
}

static void
store_lock(void *ctx, int take)
{
	struct serve *s = ctx;

	if (take)
		pthread_mutex_lock(&s->write_mu);
	else
		pthread_mutex_unlock(&s->write_mu);
}

/* Room to map a body of len bytes from its file, where it waited because
 * it was big: the bodies mapped at once stay within max_bytes (one bundle
 * of the largest size, or several smaller), whatever the number of workers.
 * Waits while those mapped already leave no room; they finish without
 * waiting for anything, so the wait ends. */
static void
map_take(struct serve *s, size_t len)
{
	pthread_mutex_lock(&s->map_mu);
	while (s->mapped > 0 && s->mapped + len > s->o.max_bytes)
		pthread_cond_wait(&s->map_cond, &s->map_mu);
	s->mapped += len;
	pthread_mutex_unlock(&s->map_mu);
}

static void
map_give(struct serve *s, size_t len)
{
	pthread_mutex_lock(&s->map_mu);
	s->mapped -= len;
	pthread_cond_broadcast(&s->map_cond);
	pthread_mutex_unlock(&s->map_mu);
}

static void
job_bundle(void *arg)
{
	struct request *rq = arg;
	struct serve *s = rq->s;
	struct import_opts io = { 0 };
	struct import_stats st = { 0 };
	const unsigned char *body;
	unsigned char *receipt = NULL;
	size_t len, rlen = 0, mapped = 0;
	char *summary;
	struct err e;

	io.key = s->o.key;
	io.store_lock = store_lock;
	io.ctx = s;
	io.open_early = 1;
	io.kiosk = rq->kiosk;
	if (spool_on_disk(rq->sp)) {
		mapped = spool_size(rq->sp);
		map_take(s, mapped);
	}
	if (spool_body(rq->sp, &body, &len, &e) == -1) {
		result_text(rq, MHD_HTTP_SERVICE_UNAVAILABLE, e.msg);
		goto out;
	}
	if (len == 0) {
		result_text(rq, MHD_HTTP_BAD_REQUEST, "empty body: send one bundle");
		goto out;
	}
	if (httpsig_digest_check(rq->digest, body, len, &e) == -1) {
		result_text(rq, MHD_HTTP_BAD_REQUEST, e.msg);
		goto out;
	}
	switch (import_buffer(s->write_hs, body, len, NULL, &io, &st, &receipt, &rlen, &e)) {
	case IMPORT_DONE:
		if (receipt == NULL) {
			result_text(rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
			    "imported, but no receipt could be made; push again");
			break;
		}
		summary = import_summary(&st);
		result(rq, MHD_HTTP_OK, "application/octet-stream", receipt, rlen, summary);
		receipt = NULL;
		free(summary);
		break;
	case IMPORT_QUARANTINED:
		result_text(rq, MHD_HTTP_ACCEPTED, e.msg);
		break;
	default:
		if (e.transient)
			result_busy(rq, &e);
		else
			result_text(rq, HTTP_UNPROCESSABLE, e.msg);
		break;
	}
out:
	free(receipt);
	spool_free(rq->sp); /* its room goes back now */
	rq->sp = NULL;
	if (mapped > 0)
		map_give(s, mapped);
	finish(rq);
}

static void
job_enroll(void *arg)
{
	struct request *rq = arg;
	struct serve *s = rq->s;
	char note[ERR_MAX];
	struct err e;
	enum enrol_result r;

	pthread_mutex_lock(&s->write_mu);
	r = enrol_redeem(s->write_hs, rq->token, rq->pk, s->o.key, note, &e);
	pthread_mutex_unlock(&s->write_mu);
	switch (r) {
	case ENROL_DONE:
		result_text(rq, MHD_HTTP_OK, note);
		break;
	case ENROL_REFUSED:
	case ENROL_REVOKED:
		result_text(rq, MHD_HTTP_FORBIDDEN, e.msg);
		break;
	default:
		if (e.transient)
			result_busy(rq, &e);
		else
			result_text(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, e.msg);
		break;
	}
	finish(rq);
}

/* A job the server will not run (it is stopping). */
static void
job_cancel(void *arg)
{
	struct request *rq = arg;

	result_text(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "the hub is stopping: push again shortly");
	finish(rq);
}

static const struct route routes[] = {
	{ "GET", "/v1/health", route_health, NULL },          /* "ok" */
	{ "GET", "/v1/nonce", route_nonce, NULL },            /* for the next signature */
	{ "GET", "/v1/pack", route_pack, NULL },              /* public feedback pack */
	{ "POST", "/v1/enroll", route_enroll, job_enroll },   /* signed, no body */
	{ "POST", "/v1/bundles", route_bundles, job_bundle }, /* signed, a bundle */
	/* More GET routes for kiosks (through authenticate() when what they
	 * hand out is not public; no body) go here too. */
};

static const char help[] =
    "not found: this hub answers GET /v1/health, GET /v1/nonce, GET /v1/pack, "
    "POST /v1/enroll and POST /v1/bundles";

/* The first call of a request: find its route and start it. */
static enum MHD_Result
request_route(struct request *rq, const char *url, const char *method)
{
	const struct route *path = NULL;
	char msg[128];

	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *r = &routes[i];

		if (strcmp(url, r->path) != 0)
			continue;
		path = r;
		if (strcmp(method, r->method) == 0 ||
		    (strcmp(r->method, "GET") == 0 && strcmp(method, "HEAD") == 0)) {
			rq->route = r;
			return r->start(rq);
		}
	}
	if (path == NULL)
		return reply_text(rq, MHD_HTTP_NOT_FOUND, help);
	snprintf(msg, sizeof msg, "use %s %s%s", path->method, path->path,
	    strcmp(path->path, "/v1/bundles") == 0 ? " with one bundle as the body" : "");
	return reply_text(rq, MHD_HTTP_METHOD_NOT_ALLOWED, msg);
}

static void
request_begin(struct request *rq, struct MHD_Connection *mc, const char *url, const char *method)
{
	size_t ulen = strlen(url);

	clock_gettime(CLOCK_MONOTONIC, &rq->start);
	rq->mc = mc;
	snprintf(rq->method, sizeof rq->method, "%s", method);
	rq->path = xstrdup(url);
	rq->url = utf8_neutralise(url, ulen > LOG_URL_MAX ? LOG_URL_MAX : ulen, 0);
	snprintf(rq->peer, sizeof rq->peer, "%s", rq->c != NULL ? rq->c->peer : "-");
}

/* Take a piece of the body, keeping at most max_bytes of it. */
static void
request_take(struct request *rq, const char *data, size_t n)
{
	struct serve *s = rq->s;

	rq->received += n;
	guard_progress(s->guard, rq->c->g, n);
	if (rq->too_large || rq->body_failed)
		return;
	if (rq->received > s->o.max_bytes) {
		rq->too_large = 1;
		spool_free(rq->sp);
		rq->sp = NULL;
		return;
	}
	if (rq->sp != NULL && spool_write(rq->sp, data, n, &rq->body_err) == -1) {
		rq->body_failed = 1;
		spool_free(rq->sp);
		rq->sp = NULL;
	}
}

/* The whole body is here: answer what went wrong, or hand it to a worker
 * with the connection suspended until the worker is done. */
static enum MHD_Result
request_dispatch(struct request *rq)
{
	if (rq->too_large)
		return too_large(rq);
	if (rq->body_failed)
		return reply_text(rq,
		    rq->body_err.transient ? MHD_HTTP_SERVICE_UNAVAILABLE :
		                             MHD_HTTP_INTERNAL_SERVER_ERROR,
		    rq->body_err.msg);
	guard_stage(rq->s->guard, rq->c->g, GUARD_SERVER);
	/* suspended first: a fast worker may resume it at once */
	MHD_suspend_connection(rq->mc);
	if (workq_submit(rq->s->wq, rq->route->job, rq) == -1)
		job_cancel(rq);
	return MHD_YES;
}

/* A GET or HEAD that announces no body. libmicrohttpd closes the
 * connection after an answer queued in a request's first call (it cannot
 * know the body was read): such a request is answered in its second call,
 * so that a kiosk's nonce, upload and pack share one connection. A request
 * with a body is still routed in its first call: refused before any of the
 * body is read, its connection is closed, as it must be. */
static int
bodyless(struct request *rq)
{
	return (strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0) &&
	    header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH) == NULL &&
	    header(rq, MHD_HTTP_HEADER_TRANSFER_ENCODING) == NULL;
}

static struct conn *
conn_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct serve *s = cls;
	struct request *rq = *con_cls;

	(void)version;
	if (rq == NULL) {
		rq = xcalloc(1, sizeof *rq);
		rq->s = s;
		rq->c = conn_of(mc);
		*con_cls = rq;
		request_begin(rq, mc, url, method);
		if (rq->c == NULL)
			return reply_text(
			    rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "no connection state");
		guard_stage(s->guard, rq->c->g, GUARD_SERVER);
		if (bodyless(rq))
			return MHD_YES; /* answered in the next call */
		rq->routed = 1;
		return request_route(rq, url, method);
	}
	if (!rq->routed) {
		rq->routed = 1;
		return request_route(rq, url, method);
	}
	if (rq->done) {
		rq->done = 0;
		return reply(
		    rq, rq->rstatus, rq->rtype, rq->rbody, rq->rlen, rq->retry_after, rq->rnote);
	}
	if (!rq->accept || rq->status != 0) {
		*upload_data_size = 0; /* answered already: drop the rest */
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		request_take(rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->route->job == NULL)
		return reply_text(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "no job for this route");
	return request_dispatch(rq);
}

static void
log_line(const char *peer, const char *method, const char *url, const char *status, size_t received,
    double ms, const char *note)
{
	char when[32];
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s %s %s %s %zu %.0fms %s\n", when, peer, method, url, status, received,
	    ms, note);
	fflush(stderr);
}

/* One line per request, when it is over (answered, timed out, cut or dropped). */
static void
on_completed(
    void *cls, struct MHD_Connection *mc, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct serve *s = cls;
	struct request *rq = *con_cls;
	const char *note, *cut = NULL;
	char status[16];

	if (rq == NULL)
		return;
	if (rq->c != NULL) {
		cut = guard_cut(s->guard, rq->c->g);
		rq->c->requests++;
		guard_stage(s->guard, rq->c->g, GUARD_HEADER); /* the next one, if any */
		MHD_set_connection_option(mc, MHD_CONNECTION_OPTION_TIMEOUT, s->o.timeout);
	}
	if (rq->status != 0)
		snprintf(status, sizeof status, "%u", rq->status);
	else
		snprintf(status, sizeof status, "-");
	switch (toe) {
	case MHD_REQUEST_TERMINATED_COMPLETED_OK:
		note = rq->note;
		break;
	case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
		note = "dropped: the client was silent too long (nothing imported)";
		break;
	case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
		note = "dropped: server stopping (nothing imported)";
		break;
	default:
		note = cut != NULL ? cut :
		    rq->status     ? rq->note :
		                     "dropped: the client went away (nothing imported)";
		break;
	}
	log_line(rq->peer, rq->method, rq->url ? rq->url : "-", status, rq->received,
	    elapsed_ms(&rq->start), note);
	request_free(rq);
	*con_cls = NULL;
}

/* A connection opens (watched from now on) or closes (logged if it was cut
 * before any request of it was complete). */
static void
on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct serve *s = cls;
	struct conn *c = *socket_context;
	const union MHD_ConnectionInfo *ci;
	const char *cut;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		c = xcalloc(1, sizeof *c);
		clock_gettime(CLOCK_MONOTONIC, &c->start);
		snprintf(c->peer, sizeof c->peer, "-");
		ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci != NULL && ci->client_addr != NULL) {
			socklen_t sl = ci->client_addr->sa_family == AF_INET6 ?
			    sizeof(struct sockaddr_in6) :
			    sizeof(struct sockaddr_in);

			if (getnameinfo(ci->client_addr, sl, c->peer, sizeof c->peer, NULL, 0,
			        NI_NUMERICHOST) != 0)
				snprintf(c->peer, sizeof c->peer, "?");
		}
		ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		c->g = guard_add(s->guard, ci != NULL ? ci->connect_fd : -1);
		*socket_context = c;
		return;
	}
	if (c == NULL)
		return;
	cut = guard_cut(s->guard, c->g);
	if (cut != NULL && c->requests == 0)
		log_line(c->peer, "-", "-", "-", 0, elapsed_ms(&c->start), cut);
	guard_remove(s->guard, c->g);
	free(c);
	*socket_context = NULL;
}

/* Read a PEM file whole (fsutil ends it with a NUL) for the TLS options. */
static char *
read_pem(const char *path, const char *what, size_t *len, struct err *e)
{
	unsigned char *buf = NULL;
	size_t n = 0;

	if (fsutil_read_file(path, TLS_FILE_MAX, &buf, &n, e) == -1) {
		err_prefix(e, "%s", what);
		return NULL;
	}
	if (strstr((char *)buf, "-----BEGIN ") == NULL) {
		sodium_memzero(buf, n);
		free(buf);
		err_set(e, "%s %s is not a PEM file", what, path);
		return NULL;
	}
	*len = n;
	return (char *)buf;
}

static void
free_tls(struct serve *s)
{
	if (s->tls_key != NULL) {
		sodium_memzero(s->tls_key, s->tls_key_len);
		free(s->tls_key);
	}
	free(s->tls_cert);
	s->tls_key = s->tls_cert = NULL;
}

static int
load_tls(struct serve *s, struct err *e)
{
	size_t n;

	if (s->o.tls_cert == NULL && s->o.tls_key == NULL)
		return 0;
	if (s->o.tls_cert == NULL || s->o.tls_key == NULL)
		return err_set(e, "HTTPS needs both --tls-cert FILE and --tls-key FILE");
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return err_set(e,
		    "this libmicrohttpd was built without TLS: put the hub behind a "
		    "TLS reverse proxy instead (docs/hub.md)");
	if ((s->tls_cert = read_pem(s->o.tls_cert, "--tls-cert", &n, e)) == NULL ||
	    (s->tls_key = read_pem(s->o.tls_key, "--tls-key", &s->tls_key_len, e)) == NULL)
		return -1;
	return 0;
}

static size_t
default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 2 ? 2 : n > 4 ? 4 : (size_t)n;
}

static int
open_stores(struct serve *s, struct err *e)
{
	if (hubstore_open(s->o.store, HUBSTORE_EXISTING, &s->write_hs, e) == -1 ||
	    hubstore_open(s->o.store, HUBSTORE_EXISTING, &s->auth_hs, e) == -1)
		return -1;
	return 0;
}

int
serve_start(const struct serve_opts *o, struct serve **out, struct err *e)
{
	struct serve *s;
	struct MHD_OptionItem opt[16];
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME;
	size_t n = 0;

	*out = NULL;
	s = xcalloc(1, sizeof *s);
	s->o = *o;
	pthread_mutex_init(&s->auth_mu, NULL);
	pthread_mutex_init(&s->write_mu, NULL);
	pthread_mutex_init(&s->map_mu, NULL);
	pthread_cond_init(&s->map_cond, NULL);
	spool_budget_init(&s->spool, o->spool_dir ? o->spool_dir : ".", 0, 0, 0);
	if (s->o.max_bytes == 0)
		s->o.max_bytes = SERVE_DEFAULT_MAX_BYTES;
	if (s->o.timeout == 0)
		s->o.timeout = SERVE_DEFAULT_TIMEOUT;
	if (s->o.max_connections == 0)
		s->o.max_connections = SERVE_MAX_CONNECTIONS;
	if (s->o.max_per_address == 0)
		s->o.max_per_address = SERVE_MAX_PER_ADDRESS;
	if (s->o.workers == 0)
		s->o.workers = default_workers();
	if (listen_parse(o->listen, &s->la, e) == -1 || load_tls(s, e) == -1 ||
	    open_stores(s, e) == -1 || guard_start(s->o.timeout, &s->guard, e) == -1 ||
	    workq_start(s->o.workers, &s->wq, e) == -1)
		goto fail;
	s->nonces = nonces_create(0);
	if (s->la.sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (s->tls_cert != NULL) {
		flags |= MHD_USE_TLS;
		opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls_cert };
		opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key };
	}
	opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &s->la.sa };
	opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL };
	opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, s->o.timeout, NULL };
	opt[n++] =
	    (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, s->o.max_connections, NULL };
	opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		s->o.max_per_address, NULL };
	opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(intptr_t)CONNECTION_MEMORY, NULL };
	opt[n++] =
	    (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s };
	opt[n++] =
	    (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, s };
	opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	errno = 0;
	s->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, opt, MHD_OPTION_END);
	if (s->d == NULL) {
		err_set(e, "cannot listen on %s: %s%s", o->listen,
		    errno ? strerror(errno) : "libmicrohttpd refused to start",
		    errno == EADDRINUSE     ? " (is another server using that port?)" :
		        s->tls_cert != NULL ? " (check the TLS certificate and key)" :
		                              "");
		goto fail;
	}
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(s->address, sizeof s->address, "%s:%u", s->la.host, di ? (unsigned)di->port : 0u);
	*out = s;
	return 0;
fail:
	workq_stop(s->wq, NULL);
	guard_stop(s->guard);
	nonces_free(s->nonces);
	hubstore_close(s->auth_hs);
	hubstore_close(s->write_hs);
	free_tls(s);
	spool_budget_free(&s->spool);
	pthread_mutex_destroy(&s->auth_mu);
	pthread_mutex_destroy(&s->write_mu);
	pthread_mutex_destroy(&s->map_mu);
	pthread_cond_destroy(&s->map_cond);
	free(s);
	return -1;
}

const char *
serve_address(const struct serve *s)
{
	return s->address;
}

int
serve_exposed(const struct serve *s)
{
	return !s->la.loopback;
}

const char *
serve_scheme(const struct serve *s)
{
	return s->tls_cert != NULL ? "https" : "http";
}

void
serve_stop(struct serve *s)
{
	MHD_socket ls;

	if (s == NULL)
		return;
	ls = MHD_quiesce_daemon(s->d);
	/* imports under way finish; those waiting are answered 503 */
	workq_stop(s->wq, job_cancel);
	MHD_stop_daemon(s->d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	if (s->pack != NULL)
		MHD_destroy_response(s->pack);
	guard_stop(s->guard);
	nonces_free(s->nonces);
	hubstore_close(s->auth_hs);
	hubstore_close(s->write_hs);
	free_tls(s);
	spool_budget_free(&s->spool);
	pthread_mutex_destroy(&s->auth_mu);
	pthread_mutex_destroy(&s->write_mu);
	pthread_mutex_destroy(&s->map_mu);
	pthread_cond_destroy(&s->map_cond);
	free(s);
}

void
serve_block_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int
serve_wait(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	while (sigwait(&set, &sig) != 0)
		;
	return sig;
}
