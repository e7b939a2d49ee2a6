/* Socket calls made through the 32-bit socketcall multiplexer (int $0x80,
 * syscall 102) from a 64-bit process, each call's argument words placed at
 * the very end of a mapping (the next page is not mapped: a reader that
 * takes more words than the call has faults).
 * Usage: socketcall. A TCP listener L and a UDP receiver R on 127.0.0.1
 * (made the usual way), then through socketcall: SYS_CONNECT of a socket C
 * to L, SYS_ACCEPT on L, SYS_ACCEPT4 on L (after a socket C2 connected the
 * usual way), SYS_SEND of 1000 random bytes on C, SYS_SENDTO of 1000
 * random bytes from a UDP socket U to R, SYS_SENDMSG of 900 of them from U
 * to R (a 32-bit message header naming R), and the direct 32-bit sendmsg
 * (370) of 800 of them on C.
 * Prints: L's port, C's port, C2's port, R's port, U's port.
 * Exit 77: no 32-bit syscalls here. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "inet.h"

#define SYS_CONNECT 3
#define SYS_ACCEPT 5
#define SYS_SEND 9
#define SYS_SENDTO 11
#define SYS_SENDMSG 16
#define SYS_ACCEPT4 18

static char *page_end; /* the end of the mapped, writable memory */

static long sc32(long nr, unsigned long b, unsigned long c)
{
	long ret;

	/* (edx 0: a third argument's flags) */
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(b), "c"(c), "d"(0UL) : "memory");
	return ret;
}

/* socketcall(call, words): the words end where the mapping ends */
static long socketcall(int call, const unsigned int *words, int n)
{
	unsigned int *at = (unsigned int *)(page_end - n * sizeof(unsigned int));

	memcpy(at, words, n * sizeof(unsigned int));
	return sc32(102, call, (unsigned long)at);
}

static int bound(int type)
{
	struct sockaddr_in a = loopback(0);
	int fd = socket(AF_INET, type, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return fd;
}

int main(void)
{
	struct sockaddr_in *to;
	char *mem, *data;
	long c, c2, a, a2, l, r, u;

	/* 32-bit calls take 32-bit pointers: two pages, then one unmapped */
	mem = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (mem == MAP_FAILED || munmap(mem + 2 * 4096, 4096))
		return 1;
	page_end = mem + 2 * 4096;
	to = (struct sockaddr_in *)mem;
	data = mem + 1024;
	if (getrandom(data, 1000, 0) != 1000)
		return 1;
	l = bound(SOCK_STREAM);
	r = bound(SOCK_DGRAM);
	c = socket(AF_INET, SOCK_STREAM, 0);
	c2 = socket(AF_INET, SOCK_STREAM, 0);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	if (l < 0 || r < 0 || c < 0 || c2 < 0 || u < 0 || listen(l, 4))
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
		unsigned int w[6] = {u, (unsigned int)(unsigned long)data, 1000,
				     0, (unsigned int)(unsigned long)to,   sizeof(*to)};

		if (socketcall(SYS_SENDTO, w, 6) != 1000)
			return 1;
	}
	{
		/* compat_msghdr (name, namelen, iov, iovlen, control,
		 * controllen, flags) and one compat_iovec (base, len) */
		unsigned int *msg = (unsigned int *)(mem + 2048), *iov = msg + 8;
		unsigned int w[3] = {u, (unsigned int)(unsigned long)msg, 0};

		iov[0] = (unsigned int)(unsigned long)data;
		iov[1] = 900;
		msg[0] = (unsigned int)(unsigned long)to;
		msg[1] = sizeof(*to);
		msg[2] = (unsigned int)(unsigned long)iov;
		msg[3] = 1;
		msg[4] = msg[5] = msg[6] = 0;
		if (socketcall(SYS_SENDMSG, w, 3) != 900)
			return 1;
		iov[1] = 800;
		msg[0] = msg[1] = 0;
		if (sc32(370, c, (unsigned long)msg) != 800)
			return 1;
	}
	printf("%d %d %d %d %d\n", port_of(l), port_of(c), port_of(c2), port_of(r), port_of(u));
	return 0;
}
