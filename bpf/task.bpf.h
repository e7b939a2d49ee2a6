/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* What a process does to itself or others: prctl, kill, ptrace,
 * memfd_create, io_uring submissions. */
#ifndef KN_BPF_TASK_EVENTS_H
#define KN_BPF_TASK_EVENTS_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kunai/wire.h"
#include "lib/maps.h"
#include "lib/sys.h"

#define KN_PR_SET_NAME 15
#define KN_PTRACE_POKETEXT 4
#define KN_PTRACE_POKEDATA 5
#define KN_PTRACE_ATTACH 16
#define KN_PTRACE_SEIZE 0x4206

/* args: option, arg2..arg5; str[0]: the name of PR_SET_NAME. */
static __always_inline int prctl_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;

	e = sys_begin(KN_PRCTL, st, ret);
	if (!e)
		return 0;
	if (st->args[0] == KN_PR_SET_NAME)
		sys_put_str(e, &e->str[0], (const char *)st->args[1], 1);
	sys_emit(e);
	return 0;
}

SYS_EXIT(prctl, KN_SC_PRCTL, 5, KN_PRCTL, prctl_exit)

/* args: pid, signal (tgkill: tgid, tid, signal). kill(pid, 0) only asks
 * whether a process exists: not a signal, not reported. */
static __always_inline int kill_exit(struct kn_args *st, long ret)
{
	if (!st->args[st->sc == KN_SC_TGKILL ? 2 : 1])
		return 0;
	return sys_emit_args(KN_KILL, st, ret);
}

SYS_EXIT(kill, KN_SC_KILL, 2, KN_KILL, kill_exit)
SYS_EXIT(tkill, KN_SC_TKILL, 2, KN_KILL, kill_exit)
SYS_EXIT(tgkill, KN_SC_TGKILL, 3, KN_KILL, kill_exit)

/* args: request, pid, addr, data; attach, seize and memory pokes only. */
static __always_inline int ptrace_exit(struct kn_args *st, long ret)
{
	long req = (long)st->args[0];

	if (req != KN_PTRACE_ATTACH && req != KN_PTRACE_SEIZE && req != KN_PTRACE_POKETEXT && req != KN_PTRACE_POKEDATA)
		return 0;
	return sys_emit_args(KN_PTRACE, st, ret);
}

SYS_EXIT(ptrace, KN_SC_PTRACE, 4, KN_PTRACE, ptrace_exit)

/* str[0]: the name; args: name pointer, flags. */
static __always_inline int memfd_create_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;

	e = sys_begin(KN_MEMFD_CREATE, st, ret);
	if (!e)
		return 0;
	sys_put_str(e, &e->str[0], (const char *)st->args[0], 1);
	sys_emit(e);
	return 0;
}

SYS_EXIT(memfd_create, KN_SC_MEMFD_CREATE, 2, KN_MEMFD_CREATE, memfd_create_exit)

/*
 * io_uring submissions. The tracepoint is io_uring_submit_req since 6.3
 * (the request alone) and io_uring_submit_sqe before, whose arguments
 * changed shape: (ring, opcode, user_data, ...) in early kernels, (ring,
 * request, opcode, user_data, ...) later (also in distribution 5.10s),
 * (request, ...) from 6.0. Userland reads the shape from the kernel's BTF:
 * kn_uring_shape is KN_URING_REQ_FIRST, or the index of the opcode argument
 * (the user data follows it). extra[0]: opcode, extra[1]: user data.
 */
#define KN_URING_REQ_FIRST 0
const volatile int kn_uring_shape = KN_URING_REQ_FIRST;

/* The request's user data: in its cqe since 5.19, in the request before. */
struct io_kiocb___v510 {
	u64 user_data;
} __attribute__((preserve_access_index));

static __always_inline void uring_emit(u64 opcode, u64 user_data)
{
	struct kn_sys *e;

	if (kn_is_self(bpf_get_current_pid_tgid() >> 32))
		return;
	e = sys_begin(KN_IO_URING_SQE, NULL, 0);
	if (!e)
		return;
	e->extra[0] = opcode & 0xff;
	e->extra[1] = user_data;
	sys_emit(e);
}

static __always_inline void uring_emit_req(struct io_kiocb *req)
{
	u64 udata;

	if (bpf_core_field_exists(req->cqe))
		udata = BPF_CORE_READ(req, cqe.user_data);
	else
		udata = BPF_CORE_READ((struct io_kiocb___v510 *)req, user_data);
	uring_emit(BPF_CORE_READ(req, opcode), udata);
}

/* A tracepoint argument by constant offset: the verifier wants each context
 * load at a constant offset, checked against the tracepoint's arity (loads
 * in the branches of other shapes are dead code to it). */
#define KN_CTX_LOAD(ctx, off)                                                        \
	({                                                                           \
		u64 __v;                                                             \
		asm volatile("%0 = *(u64 *)(%1 + " #off ")" : "=r"(__v) : "r"(ctx)); \
		__v;                                                                 \
	})

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(kn_io_uring_submit_req, struct io_kiocb *req)
{
	uring_emit_req(req);
	return 0;
}

SEC("tp_btf/io_uring_submit_sqe")
int kn_io_uring_submit_sqe(u64 *ctx)
{
	if (kn_uring_shape == 1)
		uring_emit(KN_CTX_LOAD(ctx, 8), KN_CTX_LOAD(ctx, 16));
	else if (kn_uring_shape == 2)
		uring_emit(KN_CTX_LOAD(ctx, 16), KN_CTX_LOAD(ctx, 24));
	else
		uring_emit_req((struct io_kiocb *)KN_CTX_LOAD(ctx, 0));
	return 0;
}

#endif
