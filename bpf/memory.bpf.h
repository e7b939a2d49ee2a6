/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Memory: files mapped executable, memory made executable. */
#ifndef KN_BPF_MEMORY_H
#define KN_BPF_MEMORY_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "kunai/wire.h"
#include "lib/maps.h"
#include "lib/sys.h"

#define KN_PROT_EXEC 0x4
#define KN_MAP_ANONYMOUS 0x20

SEC("tp/syscalls/sys_enter_mmap")
int kn_enter_mmap(struct trace_event_raw_sys_enter *ctx)
{
	if (!(ctx->args[2] & KN_PROT_EXEC) || (ctx->args[3] & KN_MAP_ANONYMOUS) || (long)ctx->args[4] < 0)
		return 0;
	return sys_stash(ctx, KN_SC_MMAP, 6);
}

/* str[0]: the mapped file; args: addr, len, prot, flags, fd, offset. */
SEC("tp/syscalls/sys_exit_mmap")
int kn_exit_mmap(struct trace_event_raw_sys_exit *ctx)
{
	struct kn_stash st;
	struct kn_sys *e;

	if (sys_unstash(&st) || (unsigned long)ctx->ret >= (unsigned long)-4095)
		return 0;
	e = sys_begin(KN_MMAP_EXEC, &st, ctx->ret);
	if (!e)
		return 0;
	sys_put_file(e, &e->str[0], fd_file((long)st.args[4]));
	sys_emit(e);
	return 0;
}

SEC("tp/syscalls/sys_enter_mprotect")
int kn_enter_mprotect(struct trace_event_raw_sys_enter *ctx)
{
	return (ctx->args[2] & KN_PROT_EXEC) ? sys_stash(ctx, KN_SC_MPROTECT, 3) : 0;
}

SEC("tp/syscalls/sys_enter_pkey_mprotect")
int kn_enter_pkey_mprotect(struct trace_event_raw_sys_enter *ctx)
{
	return (ctx->args[2] & KN_PROT_EXEC) ? sys_stash(ctx, KN_SC_PKEY_MPROTECT, 4) : 0;
}

static __always_inline int mprotect_exit(long ret)
{
	struct kn_stash st;
	struct kn_sys *e;

	if (sys_unstash(&st) || ret < 0)
		return 0;
	e = sys_begin(KN_MPROTECT_EXEC, &st, ret);
	if (e)
		sys_emit(e);
	return 0;
}

SYS_EXIT(mprotect, mprotect_exit)
SYS_EXIT(pkey_mprotect, mprotect_exit)

#endif
