/* Writes "kunai" to a file with one io_uring IORING_OP_WRITE, using raw
 * syscalls (no liburing). With --close, writes it with write(2) instead
 * and closes the file with one IORING_OP_CLOSE (a close no syscall shows).
 * Exit 0 when the operation completed, 77 when the kernel refuses io_uring.
 * Usage: uring_write [--close] PATH */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct io_uring_params p;
	struct io_uring_sqe *sqes;
	unsigned *sq_tail, *sq_array, *sq_mask, *cq_head, *cq_tail;
	struct io_uring_cqe *cqes;
	char *sq, *cq;
	int ring, fd, close_op = argc == 3 && !strcmp(argv[1], "--close");
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
	memset(&p, 0, sizeof(p));
	ring = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0)
		return errno == ENOSYS || errno == EPERM ? 77 : 1;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE, MAP_SHARED, ring,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe), PROT_READ | PROT_WRITE, MAP_SHARED,
		  ring, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED, ring,
		    IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		return 1;
	sq_tail = (unsigned *)(sq + p.sq_off.tail);
	sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	sq_array = (unsigned *)(sq + p.sq_off.array);
	cq_head = (unsigned *)(cq + p.cq_off.head);
	cq_tail = (unsigned *)(cq + p.cq_off.tail);
	cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);

	memset(&sqes[0], 0, sizeof(sqes[0]));
	if (close_op) {
		if (write(fd, msg, sizeof(msg) - 1) != (ssize_t)sizeof(msg) - 1)
			return 1;
		sqes[0].opcode = IORING_OP_CLOSE;
		sqes[0].fd = fd;
		want = 0;
	} else {
		sqes[0].opcode = IORING_OP_WRITE;
		sqes[0].fd = fd;
		sqes[0].addr = (unsigned long)msg;
		sqes[0].len = sizeof(msg) - 1;
	}
	sqes[0].user_data = 0x4b554e4149; /* "KUNAI" */
	sq_array[*sq_tail & *sq_mask] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return 1;
	if (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head)
		return 1;
	return cqes[*cq_head & (p.cq_entries - 1)].res == want ? 0 : 1;
}
