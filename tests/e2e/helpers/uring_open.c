/* Files opened, written and read only through io_uring (raw syscalls, no
 * liburing): IORING_OP_OPENAT creates NEW, IORING_OP_WRITE writes "kunai"
 * to it, IORING_OP_READ reads READ (opened with open(2), never read(2)).
 * Exit 0 when all completed, 77 when the kernel refuses io_uring.
 * Usage: uring_open NEW READ */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "uring.h"

int main(int argc, char **argv)
{
	static const char msg[] = "kunai";
	struct io_uring_sqe *sqe;
	char buf[64];
	struct ring r;
	int rc, fd, rfd, res;

	if (argc != 3)
		return 2;
	rfd = open(argv[2], O_RDONLY);
	if (rfd < 0)
		return 1;
	rc = ring_setup(&r);
	if (rc)
		return rc == -77 ? 77 : 1;
	sqe = ring_sqe(&r);
	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (unsigned long)argv[1];
	sqe->open_flags = O_WRONLY | O_CREAT | O_EXCL;
	sqe->len = 0600;
	if (ring_run(&r, &fd) || fd < 0)
		return 1;
	sqe = ring_sqe(&r);
	sqe->opcode = IORING_OP_WRITE;
	sqe->fd = fd;
	sqe->addr = (unsigned long)msg;
	sqe->len = sizeof(msg) - 1;
	if (ring_run(&r, &res) || res != (int)sizeof(msg) - 1)
		return 1;
	sqe = ring_sqe(&r);
	sqe->opcode = IORING_OP_READ;
	sqe->fd = rfd;
	sqe->addr = (unsigned long)buf;
	sqe->len = sizeof(buf);
	if (ring_run(&r, &res) || res <= 0)
		return 1;
	return 0;
}
