/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef KN_BPF_IA32_H
#define KN_BPF_IA32_H
/*
 * 32-bit syscalls (int $0x80, sysenter, a 32-bit program) on x86-64: the
 * per-syscall tracepoints ignore them, so without these an `int $0x80`
 * unlink, chmod or kill leaves no event. Both programs run on every
 * syscall and return at once unless the task is in a 32-bit one.
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

#if KN_IA32

#define KN_IA32_NR_MAX 512

struct kn_ia32_sc {
	u32 sc; /* KN_SC_*, 0 when not watched */
	u32 type; /* the event its loss is counted for */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KN_IA32_NR_MAX);
	__type(key, u32);
	__type(value, struct kn_ia32_sc);
} kn_ia32_sc SEC(".maps");

/* kn_compat_enter_<name> and kn_compat_<name> programs, by KN_SC_*. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, KN_SC_MAX);
	__type(key, u32);
	__type(value, u32);
} kn_ia32_enters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, KN_SC_MAX);
	__type(key, u32);
	__type(value, u32);
} kn_ia32_exits SEC(".maps");

SEC("tp/raw_syscalls/sys_enter")
int kn_ia32_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct kn_ia32_sc *w;
	struct kn_args a = {};
	u32 nr;
	u64 id;

	if (!in_ia32_syscall())
		return 0;
	nr = (u32)ctx->id;
	w = bpf_map_lookup_elem(&kn_ia32_sc, &nr);
	if (!w || !w->sc)
		return 0;
	id = bpf_get_current_pid_tgid();
	if (kn_is_self(id >> 32))
		return 0;
	a.sc = w->sc;
	a.args[0] = (u32)ctx->args[0];
	a.args[1] = (u32)ctx->args[1];
	a.args[2] = (u32)ctx->args[2];
	a.args[3] = (u32)ctx->args[3];
	a.args[4] = (u32)ctx->args[4];
	a.args[5] = (u32)ctx->args[5];
	if (bpf_map_update_elem(&kn_args_stash, &id, &a, BPF_ANY))
		kn_loss_count(w->type);
	/* what is done at entry (an event, names read): no return */
	bpf_tail_call(ctx, &kn_ia32_enters, a.sc);
	return 0;
}

SEC("tp/raw_syscalls/sys_exit")
int kn_ia32_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct kn_args *st;
	u64 id;

	if (!in_ia32_syscall())
		return 0;
	id = bpf_get_current_pid_tgid();
	st = bpf_map_lookup_elem(&kn_args_stash, &id);
	if (!st)
		return 0;
	bpf_tail_call(ctx, &kn_ia32_exits, st->sc);
	/* no program for it (its event is off) */
	bpf_map_delete_elem(&kn_args_stash, &id);
	return 0;
}

#endif /* KN_IA32 */
#endif
