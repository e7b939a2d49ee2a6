/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef KN_BPF_IA32_H
#define KN_BPF_IA32_H
/*
 * 32-bit syscalls (int $0x80, sysenter, a 32-bit program) on x86-64: the
 * per-syscall tracepoints ignore them, so without these an `int $0x80`
 * unlink, chmod or kill leaves no event. kn_ia32_exit runs at the exit of
 * every syscall and returns at once unless the task is in a 32-bit one;
 * for a watched one it tail-calls the kn_compat_<name> program of the
 * 64-bit syscall, which runs the same handler (same event, same fields).
 * Their names are read at the exit only: unconfirmed, unless an object-tier
 * hook gave the path the kernel resolved (object.bpf.h).
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

/* kn_compat_<name> programs, by KN_SC_*. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, KN_SC_MAX);
	__type(key, u32);
	__type(value, u32);
} kn_ia32_exits SEC(".maps");

/* At the exit of every syscall (a raw tracepoint: no record is built, the
 * cheapest hook there is; one program, not two): the arguments are still
 * in the saved registers, the 32-bit way (ebx, ecx, edx, esi, edi, ebp). */
SEC("raw_tp/sys_exit")
int kn_ia32_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs;
	struct kn_ia32_sc *w;
	struct kn_args *a;
	u64 id;
	u32 nr;

	if (!in_ia32_syscall())
		return 0;
	regs = (struct pt_regs *)ctx->args[0];
	nr = (u32)BPF_CORE_READ(regs, orig_ax);
	id = bpf_get_current_pid_tgid();
	w = bpf_map_lookup_elem(&kn_ia32_sc, &nr);
	if (!w || !w->sc || !(a = ia32_args())) {
		/* names an object-tier hook kept for a call not watched */
		bpf_map_delete_elem(&kn_names, &id);
		return 0;
	}
	if (kn_is_self(id >> 32))
		return 0;
	a->sc = w->sc;
	a->args[0] = (u32)BPF_CORE_READ(regs, bx);
	a->args[1] = (u32)BPF_CORE_READ(regs, cx);
	a->args[2] = (u32)BPF_CORE_READ(regs, dx);
	a->args[3] = (u32)BPF_CORE_READ(regs, si);
	a->args[4] = (u32)BPF_CORE_READ(regs, di);
	a->args[5] = (u32)BPF_CORE_READ(regs, bp);
	bpf_tail_call(ctx, &kn_ia32_exits, w->sc);
	/* no program for it: its event is off */
	bpf_map_delete_elem(&kn_names, &id);
	return 0;
}

/* close must be seen before it runs (its file is gone at its exit): a
 * second program, on every syscall's entry, attached only where write_close
 * is on (it is off by default). */
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
