/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef KN_BPF_IA32_H
#define KN_BPF_IA32_H
/*
 * 32-bit syscalls (int $0x80, sysenter, a 32-bit program) on x86-64: the
 * per-syscall tracepoints ignore them, so without these an `int $0x80`
 * unlink, chmod or kill leaves no event. kn_ia32_exit runs at the exit of
 * every syscall and returns at once unless the task is in a 32-bit one;
 * for a watched one it runs the 64-bit syscall's handler: same event, same
 * fields.
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

#if KN_IA32

#define KN_IA32_NR_MAX 512

struct kn_ia32_sc {
	u32 sc; /* KN_SC_*, 0 when not watched */
	u32 type; /* the event type it serves first */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KN_IA32_NR_MAX);
	__type(key, u32);
	__type(value, struct kn_ia32_sc);
} kn_ia32_sc SEC(".maps");

/* The 64-bit handler of a watched 32-bit call, an ordinary switch: one
 * program holding them all verifies the path walker once, where a program
 * per syscall would verify it once each (start time on old kernels). */
static __always_inline int ia32_handle(struct kn_args *a, long ret)
{
	switch (a->sc) {
	case KN_SC_OPEN:
	case KN_SC_OPENAT:
	case KN_SC_OPENAT2:
	case KN_SC_CREAT: return open_exit(a, ret);
	case KN_SC_MKNOD:
	case KN_SC_MKNODAT: return mknod_exit(a, ret);
	case KN_SC_RENAME:
	case KN_SC_RENAMEAT:
	case KN_SC_RENAMEAT2: return rename_exit(a, ret);
	case KN_SC_UNLINK:
	case KN_SC_UNLINKAT: return unlink_exit(a, ret);
	case KN_SC_CHMOD:
	case KN_SC_FCHMOD:
	case KN_SC_FCHMODAT:
	case KN_SC_FCHMODAT2:
	case KN_SC_CHOWN:
	case KN_SC_LCHOWN:
	case KN_SC_FCHOWN:
	case KN_SC_FCHOWNAT:
	case KN_SC_SETXATTR:
	case KN_SC_LSETXATTR:
	case KN_SC_FSETXATTR:
	case KN_SC_SETXATTRAT: return attr_exit(a, ret);
	case KN_SC_MOUNT: return mount_exit(a, ret);
	case KN_SC_READ:
	case KN_SC_PREAD64:
	case KN_SC_READV:
	case KN_SC_PREADV:
	case KN_SC_PREADV2: return rw_enter((long)(u32)a->args[0], 0, a->sc);
	case KN_SC_WRITE:
	case KN_SC_PWRITE64:
	case KN_SC_WRITEV:
	case KN_SC_PWRITEV:
	case KN_SC_PWRITEV2: return rw_enter((long)(u32)a->args[0], 1, a->sc);
	case KN_SC_INIT_MODULE:
	case KN_SC_FINIT_MODULE: return module_exit(a, ret);
	case KN_SC_BPF: return bpf_exit(a, ret);
	case KN_SC_SETSOCKOPT: return setsockopt_exit(a, ret);
	case KN_SC_MMAP: return mmap_exit(a, ret);
	case KN_SC_MPROTECT:
	case KN_SC_PKEY_MPROTECT: return mprotect_exit(a, ret);
	case KN_SC_CONNECT: return connect_exit(a, ret);
	case KN_SC_ACCEPT4: return accept_exit(a, ret);
	case KN_SC_SENDTO: return send_exit(a, ret);
	case KN_SC_RECVFROM: return recv_exit(a, ret);
	case KN_SC_PRCTL: return prctl_exit(a, ret);
	case KN_SC_KILL:
	case KN_SC_TKILL:
	case KN_SC_TGKILL: return kill_exit(a, ret);
	case KN_SC_PTRACE: return ptrace_exit(a, ret);
	case KN_SC_MEMFD_CREATE: return memfd_create_exit(a, ret);
	default: return 0;
	}
}

/* At the exit of every syscall (a raw tracepoint: no trace record is
 * built, the cheapest hook there is). The arguments are still in the saved
 * registers, the 32-bit way: ebx, ecx, edx, esi, edi, ebp. */
SEC("raw_tp/sys_exit")
int kn_ia32_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs;
	struct kn_ia32_sc *w;
	struct kn_args a = {};
	u64 id;
	u32 nr;

	if (!in_ia32_syscall())
		return 0;
	regs = (struct pt_regs *)ctx->args[0];
	nr = (u32)BPF_CORE_READ(regs, orig_ax);
	id = bpf_get_current_pid_tgid();
	w = bpf_map_lookup_elem(&kn_ia32_sc, &nr);
	if (w && w->sc && !kn_is_self(id >> 32)) {
		a.sc = w->sc;
		a.args[0] = (u32)BPF_CORE_READ(regs, bx);
		a.args[1] = (u32)BPF_CORE_READ(regs, cx);
		a.args[2] = (u32)BPF_CORE_READ(regs, dx);
		a.args[3] = (u32)BPF_CORE_READ(regs, si);
		a.args[4] = (u32)BPF_CORE_READ(regs, di);
		ia32_handle(&a, (long)ctx->args[1]);
	}
	/* names an object-tier hook kept for this call: taken */
	bpf_map_delete_elem(&kn_names, &id);
	return 0;
}

/* close must be seen before it runs (its file is gone at its exit): a raw
 * tracepoint program on every syscall's entry, attached only where
 * write_close is on (it is off by default). */
SEC("raw_tp/sys_enter")
int kn_ia32_enter_close(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs;

	if (!in_ia32_syscall() || ctx->args[1] != 6 /* close */)
		return 0;
	regs = (struct pt_regs *)ctx->args[0];
	return close_enter((long)(u32)BPF_CORE_READ(regs, bx));
}

#endif /* KN_IA32 */
#endif
