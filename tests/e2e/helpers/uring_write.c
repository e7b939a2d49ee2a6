/* Writes "kunai" to a file with one io_uring IORING_OP_WRITE, using raw
 * syscalls (no liburing). With --close, writes it with write(2) instead
 * and closes the file with one IORING_OP_CLOSE (a close no syscall shows).
 * Exit 0 when the operation completed, 77 when the kernel refuses io_uring.
 * Usage: uring_write [--close] PATH */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "uring.h"

int main(int argc, char **argv)
{
	struct io_uring_sqe *sqe;
	struct ring r;
	int fd, rc, res, close_op = argc == 3 && !strcmp(argv[1], "--close");
	static const char msg[] = "kunai";
	int want = sizeof(msg) - 1;

	if (close_op) {
		argv++;
		argc--;
	}
	if (argc != 2)
		return 2;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 1;
	rc = ring_setup(&r);
	if (rc)
		return rc == -77 ? 77 : 1;
	sqe = ring_sqe(&r);
	if (close_op) {
		if (write(fd, msg, sizeof(msg) - 1) != (ssize_t)sizeof(msg) - 1)
			return 1;
		sqe->opcode = IORING_OP_CLOSE;
		sqe->fd = fd;
		want = 0;
	} else {
		sqe->opcode = IORING_OP_WRITE;
		sqe->fd = fd;
		sqe->addr = (unsigned long)msg;
		sqe->len = sizeof(msg) - 1;
	}
	if (ring_run(&r, &res))
		return 1;
	return res == want ? 0 : 1;
}
