/* Socket calls made through the 32-bit socketcall multiplexer (int $0x80,
 * syscall 102) from a 64-bit process, each call's argument words placed at
 * the very end of a mapping (the next page is not mapped: a reader that
 * takes more words than the call has faults).
 * Usage: socketcall [DNS1 DNS2]. A TCP listener L and a UDP receiver R on
 * 127.0.0.1 (made the usual way), then through socketcall: SYS_CONNECT of a
 * socket C to L, SYS_ACCEPT on L, SYS_ACCEPT4 on L (after a socket C2
 * connected the usual way), SYS_SEND of 1000 random bytes on C, SYS_SENDTO
 * of 1000 random bytes from a UDP socket U to R, SYS_SENDMSG of them from
 * a UDP socket U2 to R; and the 32-bit sendmsg syscall (370) of them from
 * a UDP socket U3 to R (32-bit message headers).
 * With DNS1 and DNS2 (DNS answers, in hex): a UDP server on 127.0.0.1:53
 * answers a client's datagram with DNS1, received by the 32-bit recvmsg
 * (372), then another's with DNS2, received by socketcall's SYS_RECVMSG.
 * Prints: L's port, C's port, C2's port, R's port, U's, U2's and U3's
 * ports, then "dns" (answers received), "nodns" (none asked) or "busy53"
 * (port 53 taken).
 * Exit 77: no 32-bit syscalls here. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define SYS_CONNECT 3
#define SYS_ACCEPT 5
#define SYS_SEND 9
#define SYS_SENDTO 11
#define SYS_SENDMSG 16
#define SYS_RECVMSG 17
#define SYS_ACCEPT4 18

/* The 32-bit ABI's message header and buffer. */
struct msghdr32 {
	unsigned int name;
	int namelen;
	unsigned int iov, iovlen, control, controllen, flags;
};

struct iovec32 {
	unsigned int base, len;
};

static char *page_end; /* the end of the mapped, writable memory */

static long sc32(long nr, unsigned long b, unsigned long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(b), "c"(c), "d"(0) : "memory");
	return ret;
}

/* A 32-bit message header at m for len bytes at buf (to: its address, or
 * where a receive puts the sender's). */
static unsigned int msg32(char *m, const void *to, const void *buf, unsigned int len)
{
	struct msghdr32 *h = (struct msghdr32 *)m;
	struct iovec32 *v = (struct iovec32 *)(m + 64);

	memset(h, 0, sizeof(*h));
	h->name = (unsigned int)(unsigned long)to;
	h->namelen = to ? sizeof(struct sockaddr_in) : 0;
	h->iov = (unsigned int)(unsigned long)v;
	h->iovlen = 1;
	v->base = (unsigned int)(unsigned long)buf;
	v->len = len;
	return (unsigned int)(unsigned long)h;
}

static int unhex(const char *x, char *out, int max)
{
	int n = 0;

	while (x[0] && x[1] && n < max) {
		unsigned int b;

		if (sscanf(x, "%2x", &b) != 1)
			return -1;
		out[n++] = (char)b;
		x += 2;
	}
	return n;
}

/* A datagram from a new client to the server d, answered with the n bytes
 * at ans: the client's fd, ready to receive it; -1 on error. */
static int asked(int d, const char *ans, int n)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	char q[512];
	int c = socket(AF_INET, SOCK_DGRAM, 0);

	if (c < 0 || sendto(c, "q", 1, 0, (struct sockaddr *)&a, sizeof(a)) != 1 ||
	    recvfrom(d, q, sizeof(q), 0, (struct sockaddr *)&from, &fl) < 0 ||
	    sendto(d, ans, n, 0, (struct sockaddr *)&from, fl) != n)
		return -1;
	return c;
}

/* socketcall(call, words): the words end where the mapping ends */
static long socketcall(int call, const unsigned int *words, int n)
{
	unsigned int *at = (unsigned int *)(page_end - n * sizeof(unsigned int));

	memcpy(at, words, n * sizeof(unsigned int));
	return sc32(102, call, (unsigned long)at);
}

static int port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t n = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &n))
		return -1;
	return ntohs(a.sin_port);
}

static int bound(int type)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, type, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_in *to;
	char *mem, *data, *hdr, *in, *from;
	const char *dns = "nodns";
	long c, c2, a, a2, l, r, u, u2, u3;

	/* 32-bit calls take 32-bit pointers: two pages, then one unmapped */
	mem = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (mem == MAP_FAILED || munmap(mem + 2 * 4096, 4096))
		return 1;
	page_end = mem + 2 * 4096;
	to = (struct sockaddr_in *)mem;
	data = mem + 1024;
	hdr = mem + 2048;
	in = mem + 4096;
	from = mem + 3072;
	if (getrandom(data, 1000, 0) != 1000)
		return 1;
	l = bound(SOCK_STREAM);
	r = bound(SOCK_DGRAM);
	c = socket(AF_INET, SOCK_STREAM, 0);
	c2 = socket(AF_INET, SOCK_STREAM, 0);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	u2 = socket(AF_INET, SOCK_DGRAM, 0);
	u3 = socket(AF_INET, SOCK_DGRAM, 0);
	if (l < 0 || r < 0 || c < 0 || c2 < 0 || u < 0 || u2 < 0 || u3 < 0 || listen(l, 4))
		return 1;
	to->sin_family = AF_INET;
	to->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to->sin_port = htons(port_of(l));
	{
		unsigned int w[3] = {c, (unsigned int)(unsigned long)to, sizeof(*to)};

		a = socketcall(SYS_CONNECT, w, 3);
		if (a == -38 /* ENOSYS */)
			return 77;
		if (a)
			return 1;
	}
	{
		unsigned int w[3] = {l, 0, 0};

		a = socketcall(SYS_ACCEPT, w, 3);
		if (a < 0)
			return 1;
	}
	if (connect(c2, (struct sockaddr *)to, sizeof(*to)))
		return 1;
	{
		unsigned int w[4] = {l, 0, 0, SOCK_CLOEXEC};

		a2 = socketcall(SYS_ACCEPT4, w, 4);
		if (a2 < 0)
			return 1;
	}
	{
		unsigned int w[4] = {c, (unsigned int)(unsigned long)data, 1000, 0};

		if (socketcall(SYS_SEND, w, 4) != 1000)
			return 1;
	}
	to->sin_port = htons(port_of(r));
	{
		unsigned int w[6] = {u, (unsigned int)(unsigned long)data, 1000, 0, (unsigned int)(unsigned long)to,
				     sizeof(*to)};

		if (socketcall(SYS_SENDTO, w, 6) != 1000)
			return 1;
	}
	{
		unsigned int w[3] = {u2, msg32(hdr, to, data, 1000), 0};

		if (socketcall(SYS_SENDMSG, w, 3) != 1000)
			return 1;
	}
	if (sc32(370, u3, msg32(hdr, to, data, 1000)) != 1000) /* sendmsg */
		return 1;
	if (argc == 3) {
		struct sockaddr_in a53 = {.sin_family = AF_INET, .sin_port = htons(53),
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		char ans[2][512];
		int n[2], d = socket(AF_INET, SOCK_DGRAM, 0), q;

		n[0] = unhex(argv[1], ans[0], 512);
		n[1] = unhex(argv[2], ans[1], 512);
		if (d < 0 || n[0] <= 0 || n[1] <= 0)
			return 1;
		if (bind(d, (struct sockaddr *)&a53, sizeof(a53))) {
			dns = "busy53";
		} else {
			q = asked(d, ans[0], n[0]);
			if (q < 0 || sc32(372, q, msg32(hdr, from, in, 512)) != n[0]) /* recvmsg */
				return 1;
			q = asked(d, ans[1], n[1]);
			{
				unsigned int w[3] = {q, msg32(hdr, from, in, 512), 0};

				if (q < 0 || socketcall(SYS_RECVMSG, w, 3) != n[1])
					return 1;
			}
			dns = "dns";
		}
	}
	printf("%d %d %d %d %d %d %d %s\n", port_of(l), port_of(c), port_of(c2), port_of(r), port_of(u), port_of(u2),
	       port_of(u3), dns);
	return 0;
}
