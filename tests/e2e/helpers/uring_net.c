/* Network calls made through io_uring alone (raw syscalls, no liburing):
 * a TCP listener L on 127.0.0.1 (made the usual way), then
 * IORING_OP_CONNECT of a socket C to L, IORING_OP_ACCEPT on L,
 * IORING_OP_SEND of 1000 random bytes on C, IORING_OP_WRITE of 1000 more
 * on C, and IORING_OP_CONNECT of a socket F to a port nobody listens on
 * (refused). Usage: uring_net CLOSED_PORT. Prints L's port and C's port.
 * Exit 77: the kernel refuses io_uring. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "inet.h"
#include "uring.h"

/* One operation on fd: its result. */
static int op(struct ring *r, int opcode, int fd, const void *addr, unsigned long len_or_off, int *res)
{
	struct io_uring_sqe *sqe = ring_sqe(r);

	sqe->opcode = opcode;
	sqe->fd = fd;
	sqe->addr = (unsigned long)addr;
	if (opcode == IORING_OP_CONNECT)
		sqe->off = len_or_off; /* the address's length */
	else
		sqe->len = len_or_off;
	return ring_run(r, res);
}

int main(int argc, char **argv)
{
	struct sockaddr_in la = loopback(0), ca, fa;
	static char data[1000];
	int l, c, f, res, rc;
	struct ring r;

	if (argc != 2)
		return 2;
	fa = loopback(atoi(argv[1]));
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&la, sizeof(la)) || listen(l, 4))
		return 1;
	ca = loopback(port_of(l));
	c = socket(AF_INET, SOCK_STREAM, 0);
	f = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || f < 0 || getrandom(data, sizeof(data), 0) != sizeof(data))
		return 1;
	rc = ring_setup(&r);
	if (rc)
		return rc == -77 ? 77 : 1;
	if (op(&r, IORING_OP_CONNECT, c, &ca, sizeof(ca), &res) || res != 0)
		return 3;
	if (op(&r, IORING_OP_ACCEPT, l, NULL, 0, &res) || res < 0)
		return 4;
	if (op(&r, IORING_OP_SEND, c, data, sizeof(data), &res) || res != sizeof(data))
		return 5;
	if (op(&r, IORING_OP_WRITE, c, data, sizeof(data), &res) || res != sizeof(data))
		return 6;
	if (op(&r, IORING_OP_CONNECT, f, &fa, sizeof(fa), &res) || res != -ECONNREFUSED)
		return 7;
	printf("%d %d\n", port_of(l), port_of(c));
	return 0;
}
