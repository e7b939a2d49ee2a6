/* Loopback sockets for the network helpers. */
#ifndef KN_E2E_INET_H
#define KN_E2E_INET_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* 127.0.0.1:port */
static inline struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	return a;
}

/* The local port of socket fd, or -1. */
static inline int port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t n = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &n))
		return -1;
	return ntohs(a.sin_port);
}

#endif
