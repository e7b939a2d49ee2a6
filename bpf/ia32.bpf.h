/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef KN_BPF_IA32_H
#define KN_BPF_IA32_H
/*
 * 32-bit syscalls (int $0x80, sysenter, a 32-bit program) on x86-64: the
 * per-syscall tracepoints ignore them, so without these an `int $0x80`
 * unlink, chmod or kill leaves no event. kn_ia32_exit runs at the exit of
 * every syscall and returns at once unless the task is in a 32-bit one;
 * a watched one goes on (a tail call) to the program of its family
 * (kn_ia32_path, _open, _trunc, _attr, _link, _times, _flags, _rw, _conn, _msg, _kernel, _task), which runs the 64-bit
 * syscall's handler: same event, same fields.
 * Names of 32-bit calls are read at their exit only: unconfirmed, unless
 * an object-tier hook gave the path the kernel resolved (object.bpf.h).
 *
 * kn_ia32_sc maps the 32-bit syscall number to what is watched of it (set
 * by userland from its table, src/sensor/ia32.c). The arguments are the
 * low 32 bits of the registers, as the kernel takes them.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "kunai/wire.h"
#include "lib/compat.h"
#include "lib/maps.h"
#include "lib/sys.h"
#include "file.bpf.h"
#include "kernel.bpf.h"
#include "memory.bpf.h"
#include "net.bpf.h"
#include "task.bpf.h"

#if defined(__TARGET_ARCH_x86)

/* 32-bit syscall numbers, then socketcall's calls from
 * KN_IA32_SOCKETCALL on (userland's table, src/sensor/ia32.c) */
#define KN_IA32_NR_MAX (KN_IA32_SOCKETCALL + 21)

struct kn_ia32_sc {
	u32 sc; /* KN_SC_*, 0 when not watched */
	u32 type; /* the event type it serves first */
	u32 uid16; /* chown16 and kin: 16-bit ids, 0xffff for "unchanged" */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KN_IA32_NR_MAX);
	__type(key, u32);
	__type(value, struct kn_ia32_sc);
} kn_ia32_sc SEC(".maps");

/* The arguments and result of the 32-bit call that is returning, for the
 * family program kn_ia32_exit tail-calls (same CPU, no sleep between: one
 * slot per CPU). */
struct kn_ia32_call {
	struct kn_args a;
	long ret;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct kn_ia32_call);
} kn_ia32_call SEC(".maps");

/* The family program of each watched call, by KN_SC_* (set by userland). */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, KN_SC_MAX);
	__type(key, u32);
	__type(value, u32);
} kn_ia32_family SEC(".maps");

/* socketcall (102), the multiplexer 32-bit programs of old use for every
 * socket call: ebx is the call, ecx points at its arguments (32-bit
 * words), which the kernel copied at the call's entry and which are read
 * here at its exit, exactly as many as the kernel read (more could fault
 * past the end of a mapping and hide the call). A watched call goes on as
 * its direct 32-bit syscall does; arguments that cannot be read any more
 * are a counted loss. */
#define KN_IA32_NR_SOCKETCALL 102
#define KN_SYS_CONNECT 3
#define KN_SYS_ACCEPT 5
#define KN_SYS_SEND 9
#define KN_SYS_RECV 10
#define KN_SYS_SENDTO 11
#define KN_SYS_RECVFROM 12
#define KN_SYS_SENDMSG 16
#define KN_SYS_ACCEPT4 18

static __always_inline void socketcall_exit(struct bpf_raw_tracepoint_args *ctx, struct pt_regs *regs, u64 id)
{
	u32 call = (u32)BPF_CORE_READ(regs, bx), zero = 0, nr, argv[6] = {};
	const void *uargs = (const void *)(u64)(u32)BPF_CORE_READ(regs, cx);
	struct kn_ia32_call *c;
	struct kn_ia32_sc *w;
	long err;

	switch (call) {
	case KN_SYS_CONNECT:
	case KN_SYS_ACCEPT:
	case KN_SYS_SENDMSG: err = bpf_probe_read_user(argv, 3 * sizeof(u32), uargs); break;
	case KN_SYS_SEND:
	case KN_SYS_RECV:
	case KN_SYS_ACCEPT4: err = bpf_probe_read_user(argv, 4 * sizeof(u32), uargs); break;
	case KN_SYS_SENDTO:
	case KN_SYS_RECVFROM: err = bpf_probe_read_user(argv, 6 * sizeof(u32), uargs); break;
	default: return;
	}
	nr = KN_IA32_SOCKETCALL + call;
	w = bpf_map_lookup_elem(&kn_ia32_sc, &nr);
	c = bpf_map_lookup_elem(&kn_ia32_call, &zero);
	if (!w || !w->sc || !c || kn_is_self(id >> 32))
		return;
	if (err) {
		kn_loss_count(w->type);
		return;
	}
	c->a.sc = w->sc;
	for (int i = 0; i < 6; i++)
		c->a.args[i] = argv[i];
	c->ret = (long)ctx->args[1];
	bpf_tail_call(ctx, &kn_ia32_family, w->sc);
}

/* At the exit of every syscall (a raw tracepoint: no trace record is
 * built, the cheapest hook there is). The arguments are still in the saved
 * registers, the 32-bit way: ebx, ecx, edx, esi, edi. */
SEC("raw_tp/sys_exit")
int kn_ia32_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct kn_ia32_call *c;
	struct pt_regs *regs;
	struct kn_ia32_sc *w;
	u32 nr, zero = 0;
	u64 id;

	if (!in_ia32_syscall())
		return 0;
	regs = (struct pt_regs *)ctx->args[0];
	nr = (u32)BPF_CORE_READ(regs, orig_ax);
	id = bpf_get_current_pid_tgid();
	w = bpf_map_lookup_elem(&kn_ia32_sc, &nr);
	c = bpf_map_lookup_elem(&kn_ia32_call, &zero);
	if (nr == KN_IA32_NR_SOCKETCALL) {
		socketcall_exit(ctx, regs, id);
	} else if (w && w->sc && c && !kn_is_self(id >> 32)) {
		c->a.sc = w->sc;
		c->a.args[0] = (u32)BPF_CORE_READ(regs, bx);
		c->a.args[1] = (u32)BPF_CORE_READ(regs, cx);
		c->a.args[2] = (u32)BPF_CORE_READ(regs, dx);
		c->a.args[3] = (u32)BPF_CORE_READ(regs, si);
		c->a.args[4] = (u32)BPF_CORE_READ(regs, di);
		c->a.args[5] = 0;
		if (w->uid16) {
			/* as the kernel widens them (low2highuid) */
			c->a.args[1] = (u16)c->a.args[1] == 0xffff ? 0xffffffff : (u16)c->a.args[1];
			c->a.args[2] = (u16)c->a.args[2] == 0xffff ? 0xffffffff : (u16)c->a.args[2];
		}
		c->ret = (long)ctx->args[1];
		bpf_tail_call(ctx, &kn_ia32_family, w->sc);
	}
	/* names and a file an object-tier hook kept for this call: taken */
	bpf_map_delete_elem(&kn_names, &id);
	bpf_map_delete_elem(&kn_fd_used, &id);
	return 0;
}

/* A family of 32-bit calls: their 64-bit handlers, one program per family
 * (the path walker verified once per family, each small enough for the
 * verifier of older kernels). */
#define IA32_FAMILY(fam, body)                                  \
	SEC("raw_tp/sys_exit")                                  \
	int kn_ia32_##fam(struct bpf_raw_tracepoint_args *ctx)  \
	{                                                       \
		u64 id = bpf_get_current_pid_tgid();            \
		struct kn_ia32_call *c;                         \
		struct kn_args a;                               \
		u32 zero = 0;                                   \
		long ret;                                       \
                                                                \
		c = bpf_map_lookup_elem(&kn_ia32_call, &zero);  \
		if (c) {                                        \
			__builtin_memcpy(&a, &c->a, sizeof(a)); \
			ret = c->ret;                           \
			body;                                   \
		}                                               \
		bpf_map_delete_elem(&kn_names, &id);            \
		bpf_map_delete_elem(&kn_fd_used, &id);          \
		return 0;                                       \
	}

IA32_FAMILY(path, {
	switch (a.sc) {
	case KN_SC_MKNOD:
	case KN_SC_MKNODAT: mknod_exit(&a, ret); break;
	case KN_SC_RENAME:
	case KN_SC_RENAMEAT:
	case KN_SC_RENAMEAT2: rename_exit(&a, ret); break;
	case KN_SC_UNLINK:
	case KN_SC_UNLINKAT: unlink_exit(&a, ret); break;
	default: mount_exit(&a, ret);
	}
})

/* (opens and truncates apart: one program with them all is more than the
 * 5.10 verifier takes) */
IA32_FAMILY(open, open_exit(&a, ret))

IA32_FAMILY(trunc, truncate_exit(&a, ret))

IA32_FAMILY(attr, attr_exit(&a, ret))

IA32_FAMILY(link, link_exit(&a, ret))

IA32_FAMILY(times, times_exit(&a, ret))

IA32_FAMILY(flags, ioctl_exit(&a, ret))

/* read/write: built at the call (the 64-bit ones at their entry); ret unused */
IA32_FAMILY(rw, {
	switch (a.sc) {
	case KN_SC_COPY_FILE_RANGE: rw2_enter((long)(u32)a.args[0], (long)(u32)a.args[2], a.sc, 0); break;
	case KN_SC_SPLICE:
		rw2_enter((long)(u32)a.args[0], (long)(u32)a.args[2], a.sc, 0);
		sockw_emit(a.sc, (u32)a.args[2] | a.args[0] << 32, 0, 0, ret);
		break;
	case KN_SC_SENDFILE:
		rw2_enter((long)(u32)a.args[1], (long)(u32)a.args[0], a.sc, 0);
		sockw_emit(a.sc, (u32)a.args[0] | a.args[1] << 32, 0, 0, ret);
		break;
	case KN_SC_WRITE:
	case KN_SC_WRITEV:
		sockw_emit(a.sc, (u32)a.args[0] | 0xffffffff00000000ULL, a.args[1], 0, ret); /* fall through */
	default: rw_enter((long)(u32)a.args[0], a.sc >= KN_SC_WRITE, a.sc, 0, 0, -1);
	}
})

IA32_FAMILY(conn, {
	if (a.sc == KN_SC_CONNECT)
		connect_exit(&a, ret);
	else
		accept_exit(&a, ret);
})

/* sendto, sendmsg, and recvfrom's DNS answers (recv_exit's other cases,
 * which no 32-bit call reaches, left out for the verifier of older
 * kernels) */
IA32_FAMILY(msg, {
	if (a.sc == KN_SC_SENDTO || a.sc == KN_SC_SENDMSG) {
		send_exit(&a, ret);
	} else if (ret > 0) {
		struct sock *sk = file_sock(fd_file(a.args[0]));

		if (is_inet(sk))
			dns_emit(&a, sk, (const void *)a.args[1], ret, (const void *)a.args[4]);
	}
})

IA32_FAMILY(kernel, {
	switch (a.sc) {
	case KN_SC_BPF: bpf_exit(&a, ret); break;
	case KN_SC_SETSOCKOPT: setsockopt_exit(&a, ret); break;
	default: module_exit(&a, ret);
	}
})

IA32_FAMILY(task, {
	switch (a.sc) {
	case KN_SC_MMAP: mmap_exit(&a, ret); break;
	case KN_SC_MPROTECT:
	case KN_SC_PKEY_MPROTECT: mprotect_exit(&a, ret); break;
	case KN_SC_PRCTL: prctl_exit(&a, ret); break;
	case KN_SC_PTRACE: ptrace_exit(&a, ret); break;
	case KN_SC_MEMFD_CREATE: memfd_create_exit(&a, ret); break;
	case KN_SC_PROCESS_VM_READV:
	case KN_SC_PROCESS_VM_WRITEV: process_vm_exit(&a, ret); break;
	default: kill_exit(&a, ret);
	}
})

/* Closes must be seen before they run (the file is gone at their exit): a
 * raw tracepoint program on every syscall's entry, attached only where
 * write_close is on (it is off by default). close, dup2/dup3 over an open
 * fd, close_range and exec's close-on-exec fds, as their 64-bit forms. */
SEC("raw_tp/sys_enter")
int kn_ia32_enter_close(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs;
	long nr = ctx->args[1];
	u32 bx, cx;

	if (!in_ia32_syscall())
		return 0;
	regs = (struct pt_regs *)ctx->args[0];
	bx = (u32)BPF_CORE_READ(regs, bx);
	cx = (u32)BPF_CORE_READ(regs, cx);
	switch (nr) {
	case 6: /* close */ return close_enter(bx);
	case 63: /* dup2 */
	case 330: /* dup3 */ return dup_enter(bx, cx);
	case 436: /* close_range */ return close_range_enter(bx, cx, (u32)BPF_CORE_READ(regs, dx));
	case 11: /* execve */
	case 358: /* execveat */ return exec_enter();
	}
	return 0;
}

#endif /* x86 */
#endif
