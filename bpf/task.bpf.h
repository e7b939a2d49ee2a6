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

/*
 * The target of a kill or a ptrace request, as the kernel found it: a pid
 * given in the caller's PID namespace, a pidfd, a pid about to be reused
 * all name one task, which these hooks see. Kept per thread from the hook
 * to the call's exit, which reports it (kill, ptrace events):
 *   signal_generate (tracepoint): the task a signal was sent to;
 *   the caller's tracees (ptrace, at its exit): the one with the pid given;
 *   on the object tier (object.bpf.h), security_task_kill and
 *   security_ptrace_access_check: also a target the kernel refused.
 * (The map, kn_target, is in lib/maps.h: a thread's exit drops its entry.)
 */
/* The watched call that reaches out to another task the current thread is
 * in: KN_SC_KILL..., KN_SC_PTRACE, or 0. */
static __always_inline u32 target_call(void)
{
	u32 sc = kn_current_call();

	return sc == KN_SC_CONNECT || sc == KN_SC_SENDTO || sc == KN_SC_SENDMSG ? 0 : sc;
}

/* t is the target of the running call (the last one: kill(-pgid) sends
 * to many, and userland reports the group the caller gave). */
static __always_inline void target_keep(struct task_struct *t)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_target_obj o = {};

	if (!t)
		return;
	task_fill(&o.task, t);
	bpf_map_update_elem(&kn_target, &id, &o, BPF_ANY);
}

/* The kept target into the record (and out of the map). 1 when there was. */
static __always_inline int target_take(struct kn_sys *e)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_target_obj *o = bpf_map_lookup_elem(&kn_target, &id);

	if (!o)
		return 0;
	if (e) {
		e->target.ids = o->task.tgid | ((u64)o->task.pid << 32);
		e->target.start = o->task.start_boottime;
		e->target.kind = KN_TARGET_TASK;
		/* the whole task section: name, ids, namespaces, flags */
		sys_put_data(e, &o->task, sizeof(o->task), 0);
	}
	bpf_map_delete_elem(&kn_target, &id);
	return 1;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(kn_target_signal, int sig, struct kernel_siginfo *info, struct task_struct *task)
{
	if (target_call())
		target_keep(task);
	return 0;
}

/* A pidfd's pid (global), where no signal went (signal 0, refused). */
static __always_inline u32 pidfd_pid(u64 fd)
{
	struct file *f = fd_file(fd);
	struct pid *pid;

	if (!f)
		return 0;
	pid = BPF_CORE_READ(f, private_data);
	return pid ? BPF_CORE_READ(pid, numbers[0].nr) : 0;
}

/* The signal argument's index. */
static __always_inline int kill_sig_arg(u32 sc)
{
	return sc == KN_SC_TGKILL || sc == KN_SC_RT_TGSIGQUEUEINFO ? 2 : 1;
}

/* args: pid, signal (tgkill, rt_tgsigqueueinfo: tgid, tid, signal;
 * pidfd_send_signal: pidfd, signal). Signal 0 only asks whether a process
 * exists: not a signal, not reported. */
static __always_inline int kill_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;

	if (!st->args[kill_sig_arg(st->sc) & 3]) {
		target_take(NULL);
		return 0;
	}
	e = sys_begin(KN_KILL, st, ret);
	if (!e) {
		target_take(NULL);
		return 0;
	}
	if (!target_take(e) && st->sc == KN_SC_PIDFD_SEND_SIGNAL) {
		e->target.ids = (u64)pidfd_pid(st->args[0]) << 32;
		e->target.kind = e->target.ids ? KN_TARGET_PID : KN_TARGET_GIVEN;
	}
	sys_emit(e);
	return 0;
}

SYS_EXIT(kill, KN_SC_KILL, 2, KN_KILL, kill_exit)
SYS_EXIT(tkill, KN_SC_TKILL, 2, KN_KILL, kill_exit)
SYS_EXIT(tgkill, KN_SC_TGKILL, 3, KN_KILL, kill_exit)
SYS_EXIT(pidfd_send_signal, KN_SC_PIDFD_SEND_SIGNAL, 2, KN_KILL, kill_exit)
SYS_EXIT(rt_sigqueueinfo, KN_SC_RT_SIGQUEUEINFO, 2, KN_KILL, kill_exit)
SYS_EXIT(rt_tgsigqueueinfo, KN_SC_RT_TGSIGQUEUEINFO, 3, KN_KILL, kill_exit)

/* ---- process_memory ------------------------------------------------- */

#define KN_MEM_READ 1
#define KN_MEM_WRITE 2

/* process_vm_readv/writev(pid, ...): the task the object tier kept (the
 * kernel's ptrace access check), else the pid given. target.access: access. */
static __always_inline int process_vm_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e = sys_begin(KN_PROCESS_MEMORY, st, ret);

	if (!e) {
		target_take(NULL);
		return 0;
	}
	/* not kept: the pid given, in the caller's PID namespace (target.start:
	 * its level; userland resolves only a pid of the first) */
	if (!target_take(e))
		e->target.start = BPF_CORE_READ(kn_current(), thread_pid, level);
	e->target.access = st->sc == KN_SC_PROCESS_VM_WRITEV ? KN_MEM_WRITE : KN_MEM_READ;
	sys_emit(e);
	return 0;
}

SYS_EXIT(process_vm_readv, KN_SC_PROCESS_VM_READV, 1, KN_PROCESS_MEMORY, process_vm_exit)
SYS_EXIT(process_vm_writev, KN_SC_PROCESS_VM_WRITEV, 1, KN_PROCESS_MEMORY, process_vm_exit)

/* The pid `nr` of a task in the PID namespace at `level`, 0 when it has
 * none there. */
static __always_inline u32 pid_at_level(struct task_struct *t, u32 level)
{
	struct pid *p = BPF_CORE_READ(t, thread_pid);
	u32 nr = 0;

	if (!p || level > BPF_CORE_READ(p, level))
		return 0;
	bpf_probe_read_kernel(&nr, sizeof(nr),
			      (void *)p + bpf_core_field_offset(struct pid, numbers) +
				      (level & 31) * bpf_core_type_size(struct upid) +
				      bpf_core_field_offset(struct upid, nr));
	return nr;
}

#define KN_TRACEES_MAX 32

/* A ptrace request's target: among the caller's tracees (an attach that
 * succeeded made it one), the one with the pid the caller gave, in the
 * caller's PID namespace. */
static __always_inline struct task_struct *tracee_find(u32 nspid)
{
	struct task_struct *cur = kn_current();
	struct list_head *head = (struct list_head *)((void *)cur + bpf_core_field_offset(struct task_struct, ptraced));
	struct list_head *pos = BPF_CORE_READ(cur, ptraced.next);
	u32 level = BPF_CORE_READ(cur, thread_pid, level);

	for (int i = 0; i < KN_TRACEES_MAX; i++) {
		struct task_struct *t;

		if (!pos || pos == head)
			break;
		t = (struct task_struct *)((void *)pos - bpf_core_field_offset(struct task_struct, ptrace_entry));
		if (pid_at_level(t, level) == nspid)
			return t;
		pos = BPF_CORE_READ(pos, next);
	}
	return NULL;
}

/* args: request, pid, addr, data; attach, seize and memory pokes only. */
static __always_inline int ptrace_exit(struct kn_args *st, long ret)
{
	long req = (long)st->args[0];
	struct task_struct *t;
	struct kn_sys *e;

	if (req != KN_PTRACE_ATTACH && req != KN_PTRACE_SEIZE && req != KN_PTRACE_POKETEXT &&
	    req != KN_PTRACE_POKEDATA) {
		target_take(NULL);
		return 0;
	}
	e = sys_begin(KN_PTRACE, st, ret);
	if (!e) {
		target_take(NULL);
		return 0;
	}
	/* a tracee with that pid is the target; else the object tier's
	 * (a refused attach) */
	t = tracee_find((u32)st->args[1]);
	if (t)
		target_keep(t);
	target_take(e);
	sys_emit(e);
	return 0;
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
 * (the user data follows it). uring.opcode, uring.user_data.
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
	e->uring.opcode = opcode & 0xff;
	e->uring.user_data = user_data;
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

/*
 * io_uring operations that open, read or write files, connect, accept or
 * send, at their completion (no syscall shows them): an open's
 * file_create (and process_memory), a transfer's read, write and their
 * configuration forms, connect, accept and send_data, as the syscalls'.
 * Where the request carries its cqe (5.19+), the tracepoint's second
 * argument is the request; before, nothing is reported here.
 */
#define KN_IORING_OP_READV 1
#define KN_IORING_OP_WRITEV 2
#define KN_IORING_OP_READ_FIXED 4
#define KN_IORING_OP_WRITE_FIXED 5
#define KN_IORING_OP_OPENAT 18
#define KN_IORING_OP_READ 22
#define KN_IORING_OP_WRITE 23
#define KN_IORING_OP_OPENAT2 28
#define KN_IORING_OP_SENDMSG 9
#define KN_IORING_OP_ACCEPT 13
#define KN_IORING_OP_CONNECT 16
#define KN_IORING_OP_SEND 26
#define KN_IORING_OP_SEND_ZC 47
#define KN_IORING_OP_SENDMSG_ZC 48

/* connect, accept and sends made through io_uring: the socket is the
 * request's file (the kernel's), a connect's peer the socket's where the
 * kernel set it, else the address the caller gave, read here from its
 * memory (dst_unconfirmed); sends carry no buffer of theirs here
 * (data_entropy null). A function of its own, verified once: inlined,
 * the completion program was more than 6.1's verifier takes. */
__noinline int uring_net(u64 reqp, u32 op, int res)
{
	struct io_kiocb *req = (struct io_kiocb *)reqp;
	struct file *f = BPF_CORE_READ(req, file);
	struct kn_args a = {.sc = KN_SC_IO_URING};
	struct sock *sk;
	struct kn_sys *e;

	if (op == KN_IORING_OP_ACCEPT) {
		/* the new fd; a direct descriptor's accept has none (res is its
		 * slot, or 0) */
		if (bpf_core_type_exists(struct io_accept) &&
		    bpf_core_field_exists(((struct io_accept *)0)->file_slot) &&
		    BPF_CORE_READ((struct io_accept *)req, file_slot))
			return 0;
		sk = res >= 0 && kn_enabled(KN_ACCEPT) ? file_sock(fd_file(res)) : NULL;
		if (!is_inet(sk))
			return 0;
		e = sys_begin(KN_ACCEPT, &a, res);
		if (!e)
			return 0;
		sock_fill(&e->sock, sk);
		sys_emit(e);
		return 0;
	}
	sk = file_sock(f);
	if (!is_inet(sk))
		return 0;
	if (op == KN_IORING_OP_CONNECT) {
		if (!kn_enabled(KN_CONNECT))
			return 0;
		e = sys_begin(KN_CONNECT, &a, res);
		if (!e)
			return 0;
		sock_fill(&e->sock, sk);
		if (res != 0 || !e->sock.dst.port) {
			struct io_connect *c = (struct io_connect *)req;

			if (bpf_core_type_exists(struct io_connect))
				addr_from_user(&e->sock.dst, BPF_CORE_READ(c, addr));
			e->flow.unconfirmed = KN_DST_UNCONFIRMED;
		}
		e->flow.connected = res == 0;
		sys_emit(e);
		return 0;
	}
	/* a send, or a write to the socket */
	if (res > 0 && kn_enabled(KN_SEND_DATA))
		sockw_emit(KN_SC_IO_URING | KN_SOCKW_KERNEL, ~0ULL, 0, (u64)f, res);
	return 0;
}

SEC("tp_btf/io_uring_complete")
int kn_io_uring_complete(u64 *ctx)
{
	struct io_kiocb *req = NULL;
	struct kn_args a = {};
	struct kn_sys *e;
	struct file *f;
	int res, write;
	u8 op;

	if (!bpf_core_field_exists(req->cqe) || kn_is_self(bpf_get_current_pid_tgid() >> 32))
		return 0;
	req = (struct io_kiocb *)KN_CTX_LOAD(ctx, 8);
	if (!req)
		return 0;
	op = BPF_CORE_READ(req, opcode);
	res = BPF_CORE_READ(req, cqe.res);
	a.sc = KN_SC_IO_URING;
	if (op == KN_IORING_OP_OPENAT || op == KN_IORING_OP_OPENAT2) {
		/* the new fd (a direct descriptor's open gives 0: no file of
		 * its own there, and one it made is no fd's) */
		f = res >= 0 ? fd_file(res) : NULL;
		if (!f)
			return 0;
		if ((BPF_CORE_READ(f, f_mode) & FMODE_CREATED) && kn_enabled(KN_FILE_CREATE)) {
			e = sys_begin(KN_FILE_CREATE, &a, res);
			if (!e)
				return 0;
			sys_put_file(e, &e->str[0], f);
			e->create.mode = file_mode(f);
			sys_emit(e);
		} else if (kn_enabled(KN_PROCESS_MEMORY)) {
			proc_mem_open(&a, res, f);
		}
		return 0;
	}
	write = op == KN_IORING_OP_WRITE || op == KN_IORING_OP_WRITEV || op == KN_IORING_OP_WRITE_FIXED;
	if (op == KN_IORING_OP_CONNECT || op == KN_IORING_OP_ACCEPT || op == KN_IORING_OP_SEND ||
	    op == KN_IORING_OP_SENDMSG || op == KN_IORING_OP_SEND_ZC || op == KN_IORING_OP_SENDMSG_ZC ||
	    (write && (file_mode(BPF_CORE_READ(req, file)) & KN_S_IFMT) == KN_S_IFSOCK))
		return uring_net((u64)req, op, res);
	if (res > 0 && (write || op == KN_IORING_OP_READ || op == KN_IORING_OP_READV || op == KN_IORING_OP_READ_FIXED))
		rw_file(BPF_CORE_READ(req, file), -1, write, KN_SC_IO_URING, 0, 0, -1);
	return 0;
}

#endif
