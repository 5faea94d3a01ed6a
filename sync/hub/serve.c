/* serve: the hub's HTTP receiver (and GET /v1/pack, the newest published
 * feedback pack). libmicrohttpd runs one internal polling
 * thread: uploads are gathered per connection as they stream (capped), and a
 * finished upload is imported right there, in that thread, so imports run one
 * after another and SQLite sees a single writer. */
#include "serve.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "import.h"
#include "utf8.h"
#include "xmalloc.h"

#define LOG_URL_MAX 80
/* Named differently across libmicrohttpd versions. */
#define HTTP_TOO_LARGE 413u
#define HTTP_UNPROCESSABLE 422u

struct serve {
	struct serve_opts o;
	struct MHD_Daemon *d;
	char address[NI_MAXHOST + 16];
};

/* One request, from its first byte to its log line. */
struct request {
	struct timespec start;
	char method[16];
	char *url; /* neutralised for the log */
	char peer[NI_MAXHOST];
	int accept; /* a bundle upload we are reading */
	int too_large;
	unsigned char *buf;
	size_t len, cap, received;
	unsigned status; /* 0 until a response is queued */
	char note[320];
};

static void
request_free(struct request *rq)
{
	if (rq == NULL)
		return;
	free(rq->buf);
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

/* Queue a response; text ends in a newline; note goes to the log line. */
static enum MHD_Result
reply(struct MHD_Connection *conn, struct request *rq, unsigned status, const char *type,
    const void *body, size_t len, const char *note)
{
	struct MHD_Response *resp;
	enum MHD_Result r;

	resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	r = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	rq->status = status;
	snprintf(rq->note, sizeof rq->note, "%s", note);
	return r;
}

static enum MHD_Result
reply_text(struct MHD_Connection *conn, struct request *rq, unsigned status, const char *msg)
{
	char *body = xasprintf("%s\n", msg);
	enum MHD_Result r;

	r = reply(conn, rq, status, "text/plain; charset=utf-8", body, strlen(body), msg);
	free(body);
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

static void
request_begin(struct request *rq, struct MHD_Connection *conn, const char *url, const char *method)
{
	const union MHD_ConnectionInfo *ci;
	size_t ulen = strlen(url);

	clock_gettime(CLOCK_MONOTONIC, &rq->start);
	snprintf(rq->method, sizeof rq->method, "%s", method);
	rq->url = utf8_neutralise(url, ulen > LOG_URL_MAX ? LOG_URL_MAX : ulen, 0);
	snprintf(rq->peer, sizeof rq->peer, "-");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL) {
		socklen_t sl = ci->client_addr->sa_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) :
		    sizeof(struct sockaddr_in);

		if (getnameinfo(ci->client_addr, sl, rq->peer, sizeof rq->peer, NULL, 0,
		        NI_NUMERICHOST) != 0)
			snprintf(rq->peer, sizeof rq->peer, "?");
	}
}

/* GET /v1/pack[?after=N]: the newest feedback pack published with
 * 'storyhub feedback --publish' (200, the pack's bytes, its sequence in
 * X-Pack-Sequence), or 204 when it is not newer than the kiosk's pack N,
 * or 404 when none is published. Public text: no kiosk key is asked. */
static enum MHD_Result
request_pack(struct serve *s, struct MHD_Connection *conn, struct request *rq, const char *method)
{
	const char *after = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "after");
	unsigned long long have = 0;
	unsigned char *data = NULL;
	struct MHD_Response *resp;
	char *end, seqtext[32];
	uint64_t seq;
	size_t len;
	int found;
	struct err e;
	enum MHD_Result r;

	if (strcmp(method, "GET") != 0)
		return reply_text(conn, rq, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET /v1/pack");
	if (after != NULL) {
		errno = 0;
		have = strtoull(after, &end, 10);
		if (errno != 0 || end == after || *end != '\0')
			return reply_text(conn, rq, MHD_HTTP_BAD_REQUEST,
			    "after= takes the sequence number of the kiosk's pack");
	}
	if (s->o.hs->ops->pack_newest(s->o.hs, &data, &len, &seq, &found, &e) == -1)
		return reply_text(conn, rq, MHD_HTTP_SERVICE_UNAVAILABLE, e.msg);
	if (!found)
		return reply_text(conn, rq, MHD_HTTP_NOT_FOUND, "no feedback pack is published");
	if (seq <= have) {
		free(data);
		return reply(conn, rq, MHD_HTTP_NO_CONTENT, "text/plain; charset=utf-8", "", 0,
		    "no newer feedback pack");
	}
	resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(data);
		return MHD_NO;
	}
	snprintf(seqtext, sizeof seqtext, "%llu", (unsigned long long)seq);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/octet-stream");
	MHD_add_response_header(resp, "X-Pack-Sequence", seqtext);
	r = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	rq->status = MHD_HTTP_OK;
	snprintf(rq->note, sizeof rq->note, "feedback pack %s (%zu bytes)", seqtext, len);
	return r;
}

/* The first call of a request: route it, check its headers. */
static enum MHD_Result
request_route(struct serve *s, struct MHD_Connection *conn, struct request *rq, const char *url,
    const char *method)
{
	const char *ct, *cl;

	if (strcmp(url, "/v1/health") == 0) {
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return reply_text(
			    conn, rq, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET /v1/health");
		return reply(conn, rq, MHD_HTTP_OK, "text/plain; charset=utf-8", "ok\n", 3, "ok");
	}
	if (strcmp(url, "/v1/pack") == 0)
		return request_pack(s, conn, rq, method);
	if (strcmp(url, "/v1/bundles") != 0)
		return reply_text(conn, rq, MHD_HTTP_NOT_FOUND,
		    "not found: this hub answers POST /v1/bundles, GET /v1/pack and GET "
		    "/v1/health");
	if (strcmp(method, "POST") != 0)
		return reply_text(conn, rq, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "use POST /v1/bundles with one bundle as the body");
	ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!is_octet_stream(ct))
		return reply_text(conn, rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		    "a bundle is sent as Content-Type: application/octet-stream");
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		char *end;
		unsigned long long n;

		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno != 0 || end == cl || *end != '\0' || n > s->o.max_bytes) {
			char msg[96];

			snprintf(msg, sizeof msg,
			    "bundle too large: this hub takes at most %zu "
			    "bytes per upload",
			    s->o.max_bytes);
			return reply_text(conn, rq, HTTP_TOO_LARGE, msg);
		}
	}
	rq->accept = 1;
	return MHD_YES;
}

/* Take a piece of the body, keeping at most max_bytes of it. */
static void
request_take(struct serve *s, struct request *rq, const char *data, size_t n)
{
	rq->received += n;
	if (rq->too_large)
		return;
	if (rq->len + n > s->o.max_bytes) {
		rq->too_large = 1;
		free(rq->buf);
		rq->buf = NULL;
		rq->len = rq->cap = 0;
		return;
	}
	if (rq->len + n > rq->cap) {
		size_t cap = rq->cap ? rq->cap : 64 * 1024;

		while (cap < rq->len + n)
			cap *= 2;
		if (cap > s->o.max_bytes)
			cap = s->o.max_bytes;
		rq->buf = xreallocarray(rq->buf, cap, 1);
		rq->cap = cap;
	}
	memcpy(rq->buf + rq->len, data, n);
	rq->len += n;
}

/* The whole body is here: import it exactly as 'storyhub import' does. */
static enum MHD_Result
request_import(struct serve *s, struct MHD_Connection *conn, struct request *rq)
{
	struct import_opts io = { .key = s->o.key, .receipts = 0 };
	struct import_stats st = { 0 };
	unsigned char *receipt = NULL;
	size_t rlen = 0;
	struct err e;
	enum MHD_Result r;
	char *summary;

	if (rq->too_large) {
		char msg[96];

		snprintf(msg, sizeof msg,
		    "bundle too large: this hub takes at most %zu bytes "
		    "per upload",
		    s->o.max_bytes);
		return reply_text(conn, rq, HTTP_TOO_LARGE, msg);
	}
	if (rq->len == 0)
		return reply_text(conn, rq, MHD_HTTP_BAD_REQUEST, "empty body: send one bundle");
	switch (import_buffer(s->o.hs, rq->buf, rq->len, NULL, &io, &st, &receipt, &rlen, &e)) {
	case IMPORT_DONE:
		summary = import_summary(&st);
		if (receipt == NULL)
			r = reply_text(conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
			    "imported, but no receipt could be made; push again");
		else
			r = reply(conn, rq, MHD_HTTP_OK, "application/octet-stream", receipt, rlen,
			    summary);
		free(summary);
		break;
	case IMPORT_QUARANTINED:
		r = reply_text(conn, rq, MHD_HTTP_ACCEPTED, e.msg);
		break;
	default:
		r = reply_text(conn, rq, HTTP_UNPROCESSABLE, e.msg);
		break;
	}
	free(receipt);
	free(rq->buf);
	rq->buf = NULL;
	rq->len = rq->cap = 0;
	return r;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct serve *s = cls;
	struct request *rq = *con_cls;

	(void)version;
	if (rq == NULL) {
		rq = xcalloc(1, sizeof *rq);
		*con_cls = rq;
		request_begin(rq, conn, url, method);
		return request_route(s, conn, rq, url, method);
	}
	if (!rq->accept || rq->status != 0) {
		*upload_data_size = 0; /* answered already: drop the rest */
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		request_take(s, rq, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return request_import(s, conn, rq);
}

/* One line per request, when it is over (answered, timed out or dropped). */
static void
on_completed(
    void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;
	char when[32], status[16];
	struct tm tm;
	time_t now = time(NULL);
	const char *note;

	(void)cls;
	(void)conn;
	if (rq == NULL)
		return;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
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
	case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
		note = rq->status ? rq->note : "dropped: the client went away (nothing imported)";
		break;
	default:
		note = rq->status ? rq->note : "dropped: connection error (nothing imported)";
		break;
	}
	fprintf(stderr, "%s %s %s %s %s %zu %.0fms %s\n", when, rq->peer, rq->method,
	    rq->url ? rq->url : "-", status, rq->received, elapsed_ms(&rq->start), note);
	fflush(stderr);
	request_free(rq);
	*con_cls = NULL;
}

/* Split HOST:PORT or [HOST]:PORT and resolve it to one socket address. */
static int
resolve(const char *listen, struct addrinfo **out, struct err *e)
{
	struct addrinfo hints = { 0 };
	char *host, *port, *colon;
	int rc;

	if (listen == NULL || (colon = strrchr(listen, ':')) == NULL || colon[1] == '\0')
		return err_set(e,
		    "--listen takes HOST:PORT (for example 127.0.0.1:8080), "
		    "not \"%s\"",
		    listen ? listen : "");
	host = xstrndup(listen, (size_t)(colon - listen));
	port = xstrdup(colon + 1);
	if (host[0] == '[' && strlen(host) >= 2 && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	rc = getaddrinfo(host[0] ? host : NULL, port, &hints, out);
	if (rc != 0)
		err_set(e, "cannot listen on %s: %s", listen, gai_strerror(rc));
	free(host);
	free(port);
	return rc == 0 ? 0 : -1;
}

int
serve_start(const struct serve_opts *o, struct serve **out, struct err *e)
{
	struct addrinfo *ai = NULL;
	struct serve *s;
	const union MHD_DaemonInfo *di;
	char host[NI_MAXHOST];
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;

	*out = NULL;
	if (resolve(o->listen, &ai, e) == -1)
		return -1;
	s = xcalloc(1, sizeof *s);
	s->o = *o;
	if (s->o.max_bytes == 0)
		s->o.max_bytes = SERVE_DEFAULT_MAX_BYTES;
	if (s->o.timeout == 0)
		s->o.timeout = SERVE_DEFAULT_TIMEOUT;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
	    ai->ai_addr, MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
	    MHD_OPTION_CONNECTION_TIMEOUT, s->o.timeout, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)SERVE_MAX_CONNECTIONS, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
	if (s->d == NULL) {
		err_set(e, "cannot listen on %s: %s (is another server using that port?)",
		    o->listen, errno ? strerror(errno) : "libmicrohttpd refused to start");
		freeaddrinfo(ai);
		free(s);
		return -1;
	}
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST) !=
	    0)
		snprintf(host, sizeof host, "?");
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(s->address, sizeof s->address, ai->ai_family == AF_INET6 ? "[%s]:%u" : "%s:%u",
	    host, di ? (unsigned)di->port : 0u);
	freeaddrinfo(ai);
	*out = s;
	return 0;
}

const char *
serve_address(const struct serve *s)
{
	return s->address;
}

void
serve_stop(struct serve *s)
{
	if (s == NULL)
		return;
	MHD_stop_daemon(s->d);
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
