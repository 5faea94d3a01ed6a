/* listen: the address 'storyhub serve --listen' takes, read strictly:
 * HOST:PORT or [IPV6]:PORT, a port from 1 to 65535 (0 asks for any free
 * one, which the tests use), never an empty host (0.0.0.0:PORT says "every
 * interface" in so many words). Whether the address reaches beyond this
 * machine is told, so that serve can warn. */
#ifndef LISTEN_H
#define LISTEN_H

#include <netdb.h>
#include <sys/socket.h>

#include "err.h"

struct listen_addr {
	struct sockaddr_storage sa;
	socklen_t len;
	int loopback;              /* 1: only this machine can connect */
	char host[NI_MAXHOST + 2]; /* numeric, IPv6 in brackets */
	unsigned port;
};

/* Parse and resolve spec into out; -1 with e saying what is wrong with it. */
int listen_parse(const char *spec, struct listen_addr *out, struct err *e);

#endif
