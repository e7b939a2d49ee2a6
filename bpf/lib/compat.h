/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * What differs between kernels, in one place.
 *
 * Helpers: userland probes the running kernel for each (libbpf's helper
 * probes) and sets the kn_have_* flags below before load. They live in
 * .rodata, which the verifier reads as constants: it walks only the branch
 * this kernel can run and never sees a call to a helper it lacks.
 *   bpf_get_current_task_btf  5.11  plain (fault-safe) loads from the task
 *   bpf_task_pt_regs          5.15  syscall arguments read at exit; else
 *                                   stashed at entry (kn_stash_* programs,
 *                                   loaded by userland on the same answer)
 *   bpf_loop                  5.17  deep path walks; else a bounded loop.
 *     bpf_loop takes a callback, which kernels before 5.13 cannot even
 *     parse in dead code: the path walker is compiled twice, into two
 *     objects (KN_WALK_LOOP 1 and 0), and userland loads the one the
 *     kernel can run.
 * Struct fields that moved: flavour structs and bpf_core_field_exists, in
 * the helpers that read them (inode_ctime in task.h, uring_* in task.bpf.h).
 */
#ifndef KN_BPF_COMPAT_H
#define KN_BPF_COMPAT_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

/* Set by userland from its probes of the running kernel. */
const volatile u8 kn_have_task_btf = 0;
const volatile u8 kn_have_task_pt_regs = 0;

#ifndef KN_WALK_LOOP
#define KN_WALK_LOOP 1
#endif

/* The current task; CO-RE reads work on it on every kernel. */
static __always_inline struct task_struct *kn_current(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

/* The start time of the current process (its group leader). */
static __always_inline u64 kn_current_start(void)
{
	if (kn_have_task_btf)
		return bpf_get_current_task_btf()->group_leader->start_boottime;
	return BPF_CORE_READ(kn_current(), group_leader, start_boottime);
}

/* Whether the current task is in a 32-bit (ia32) syscall. */
#if defined(__TARGET_ARCH_x86)
#define KN_TS_COMPAT 0x0002 /* thread_info.status: a 32-bit syscall is running */
static __always_inline int in_ia32_syscall(void)
{
	if (kn_have_task_btf)
		return bpf_get_current_task_btf()->thread_info.status & KN_TS_COMPAT;
	return BPF_CORE_READ(kn_current(), thread_info.status) & KN_TS_COMPAT;
}
#else
static __always_inline int in_ia32_syscall(void)
{
	return 0;
}
#endif

#endif
