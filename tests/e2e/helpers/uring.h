/* A minimal io_uring of raw syscalls (no liburing) for the helpers: one
 * operation at a time, submitted and waited for. */
#ifndef KN_E2E_URING_H
#define KN_E2E_URING_H

#include <errno.h>
#include <linux/io_uring.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ring {
	int fd;
	unsigned entries;
	struct io_uring_sqe *sqes;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail;
	struct io_uring_cqe *cqes;
};

/* 0; -77 when the kernel refuses io_uring; -1 on another failure. */
static inline int ring_setup(struct ring *r)
{
	struct io_uring_params p;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	r->fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return errno == ENOSYS || errno == EPERM ? -77 : -1;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe), PROT_READ | PROT_WRITE, MAP_SHARED,
		  r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		       IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -1;
	r->entries = p.cq_entries;
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* The sqe to fill for the next operation, cleared. */
static inline struct io_uring_sqe *ring_sqe(struct ring *r)
{
	memset(&r->sqes[0], 0, sizeof(r->sqes[0]));
	r->sqes[0].user_data = 0x4b554e4149; /* "KUNAI" */
	return &r->sqes[0];
}

/* Submit it, wait for it: its result in *res. 0, or -1. */
static inline int ring_run(struct ring *r, int *res)
{
	unsigned head;

	r->sq_array[*r->sq_tail & *r->sq_mask] = 0;
	__atomic_store_n(r->sq_tail, *r->sq_tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -1;
	head = *r->cq_head;
	if (__atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) == head)
		return -1;
	*res = r->cqes[head & (r->entries - 1)].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return 0;
}

#endif
