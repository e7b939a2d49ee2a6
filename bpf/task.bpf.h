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

SYS_ENTER(prctl, KN_SC_PRCTL, 5)

/* args: option, arg2..arg5; str[0]: the name of PR_SET_NAME. */
SEC("tp/syscalls/sys_exit_prctl")
int kn_exit_prctl(struct trace_event_raw_sys_exit *ctx)
{
	struct kn_stash st;
	struct kn_sys *e;

	if (sys_unstash(&st))
		return 0;
	e = sys_begin(KN_PRCTL, &st, ctx->ret);
	if (!e)
		return 0;
	if (st.args[0] == KN_PR_SET_NAME)
		sys_put_str(e, &e->str[0], (const char *)st.args[1], 1);
	sys_emit(e);
	return 0;
}

/* kill(pid, 0) only asks whether a process exists: not a signal. */
SEC("tp/syscalls/sys_enter_kill")
int kn_enter_kill(struct trace_event_raw_sys_enter *ctx)
{
	return ctx->args[1] ? sys_stash(ctx, KN_SC_KILL, 2) : 0;
}

SEC("tp/syscalls/sys_enter_tkill")
int kn_enter_tkill(struct trace_event_raw_sys_enter *ctx)
{
	return ctx->args[1] ? sys_stash(ctx, KN_SC_TKILL, 2) : 0;
}

SEC("tp/syscalls/sys_enter_tgkill")
int kn_enter_tgkill(struct trace_event_raw_sys_enter *ctx)
{
	return ctx->args[2] ? sys_stash(ctx, KN_SC_TGKILL, 3) : 0;
}

static __always_inline int args_exit(u32 type, long ret)
{
	struct kn_stash st;
	struct kn_sys *e;

	if (sys_unstash(&st))
		return 0;
	e = sys_begin(type, &st, ret);
	if (e)
		sys_emit(e);
	return 0;
}

SEC("tp/syscalls/sys_exit_kill")
int kn_exit_kill(struct trace_event_raw_sys_exit *ctx)
{
	return args_exit(KN_KILL, ctx->ret);
}

SEC("tp/syscalls/sys_exit_tkill")
int kn_exit_tkill(struct trace_event_raw_sys_exit *ctx)
{
	return args_exit(KN_KILL, ctx->ret);
}

SEC("tp/syscalls/sys_exit_tgkill")
int kn_exit_tgkill(struct trace_event_raw_sys_exit *ctx)
{
	return args_exit(KN_KILL, ctx->ret);
}

SEC("tp/syscalls/sys_enter_ptrace")
int kn_enter_ptrace(struct trace_event_raw_sys_enter *ctx)
{
	long req = (long)ctx->args[0];

	if (req != KN_PTRACE_ATTACH && req != KN_PTRACE_SEIZE && req != KN_PTRACE_POKETEXT && req != KN_PTRACE_POKEDATA)
		return 0;
	return sys_stash(ctx, KN_SC_PTRACE, 4);
}

SEC("tp/syscalls/sys_exit_ptrace")
int kn_exit_ptrace(struct trace_event_raw_sys_exit *ctx)
{
	return args_exit(KN_PTRACE, ctx->ret);
}

SYS_ENTER(memfd_create, KN_SC_MEMFD_CREATE, 2)

SEC("tp/syscalls/sys_exit_memfd_create")
int kn_exit_memfd_create(struct trace_event_raw_sys_exit *ctx)
{
	struct kn_stash st;
	struct kn_sys *e;

	if (sys_unstash(&st))
		return 0;
	e = sys_begin(KN_MEMFD_CREATE, &st, ctx->ret);
	if (!e)
		return 0;
	sys_put_str(e, &e->str[0], (const char *)st.args[0], 1);
	sys_emit(e);
	return 0;
}

/* io_uring: the submission tracepoint is io_uring_submit_req since 6.3
 * (struct io_kiocb *req) and io_uring_submit_sqe before (opcode is its 5th
 * argument). Userland loads whichever the kernel has. extra[0]: opcode. */
static __always_inline void uring_emit(u64 opcode, u64 user_data)
{
	struct kn_sys *e;

	if (kn_is_self(bpf_get_current_pid_tgid() >> 32))
		return;
	e = sys_begin(KN_IO_URING_SQE, NULL, 0);
	if (!e)
		return;
	e->extra[0] = opcode;
	e->extra[1] = user_data;
	sys_emit(e);
}

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(kn_io_uring_submit_req, struct io_kiocb *req)
{
	uring_emit(BPF_CORE_READ(req, opcode), BPF_CORE_READ(req, cqe.user_data));
	return 0;
}

SEC("tp_btf/io_uring_submit_sqe")
int kn_io_uring_submit_sqe(u64 *ctx)
{
	/* (ctx, req, user_data, opcode, flags, force_nonblock, sq_thread) */
	uring_emit(ctx[3] & 0xff, ctx[2]);
	return 0;
}

#endif
