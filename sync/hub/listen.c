/* listen: parse --listen HOST:PORT strictly and resolve it to one address. */
#include "listen.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define LISTEN_EXAMPLE "for example 127.0.0.1:8080, or [::1]:8080"

static int
parse_port(const char *spec, const char *p, unsigned *port, struct err *e)
{
	unsigned long v = 0;
	size_t n = strlen(p);

	if (n == 0)
		return err_set(e, "--listen \"%s\" names no port (%s)", spec, LISTEN_EXAMPLE);
	if (n > 5 || strspn(p, "0123456789") != n || (v = strtoul(p, NULL, 10)) > 65535)
		return err_set(
		    e, "--listen \"%s\": the port must be a number from 1 to 65535", spec);
	*port = (unsigned)v;
	return 0;
}

static int
is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		const unsigned char *b = in6->sin6_addr.s6_addr;

		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && b[12] == 127;
	}
	return 0;
}

int
listen_parse(const char *spec, struct listen_addr *out, struct err *e)
{
	struct addrinfo hints = { 0 }, *ai = NULL;
	const char *colon, *close;
	char *host = NULL, portstr[8], numeric[NI_MAXHOST];
	int rc, rv = -1;

	memset(out, 0, sizeof *out);
	if (spec == NULL || spec[0] == '\0')
		return err_set(e, "--listen takes HOST:PORT (%s)", LISTEN_EXAMPLE);
	if (spec[0] == '[') {
		if ((close = strchr(spec, ']')) == NULL || close[1] != ':')
			return err_set(
			    e, "--listen \"%s\": write an IPv6 address as [ADDRESS]:PORT", spec);
		host = xstrndup(spec + 1, (size_t)(close - spec - 1));
		colon = close + 1;
		if (host[0] == '\0' || strchr(host, ':') == NULL) {
			err_set(e, "--listen \"%s\": brackets hold an IPv6 address", spec);
			goto out;
		}
	} else {
		if ((colon = strrchr(spec, ':')) == NULL) {
			err_set(
			    e, "--listen takes HOST:PORT (%s), not \"%s\"", LISTEN_EXAMPLE, spec);
			goto out;
		}
		if (memchr(spec, ':', (size_t)(colon - spec)) != NULL) {
			err_set(e,
			    "--listen \"%s\": put an IPv6 address in brackets, as [::1]:8080",
			    spec);
			goto out;
		}
		host = xstrndup(spec, (size_t)(colon - spec));
		if (host[0] == '\0') {
			err_set(e,
			    "--listen \"%s\" names no host: write 127.0.0.1%s for this machine "
			    "only, or 0.0.0.0%s for every network interface",
			    spec, colon, colon);
			goto out;
		}
	}
	if (parse_port(spec, colon + 1, &out->port, e) == -1)
		goto out;
	snprintf(portstr, sizeof portstr, "%u", out->port);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, portstr, &hints, &ai)) != 0) {
		err_set(e, "cannot listen on %s: %s", spec, gai_strerror(rc));
		goto out;
	}
	if (ai->ai_addrlen > sizeof out->sa) {
		err_set(e, "cannot listen on %s: address too long", spec);
		goto out;
	}
	memcpy(&out->sa, ai->ai_addr, ai->ai_addrlen);
	out->len = ai->ai_addrlen;
	out->loopback = is_loopback(ai->ai_addr);
	if (getnameinfo(
	        ai->ai_addr, ai->ai_addrlen, numeric, sizeof numeric, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(numeric, sizeof numeric, "%s", host);
	snprintf(out->host, sizeof out->host, ai->ai_family == AF_INET6 ? "[%s]" : "%s", numeric);
	rv = 0;
out:
	if (ai != NULL)
		freeaddrinfo(ai);
	free(host);
	return rv;
}
