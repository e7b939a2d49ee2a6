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

/* str[0]: the mapped file; args: addr, len, prot, flags, fd, offset. */
static __always_inline int mmap_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;
	struct file *f;
	u32 fl = 0;

	if ((unsigned long)ret >= (unsigned long)-4095)
		return 0;
	/* (the kernel takes the fd's low 32 bits: a high bit set hides
	 * nothing) */
	if (!(st->args[2] & KN_PROT_EXEC) || (st->args[3] & KN_MAP_ANONYMOUS) || (int)st->args[4] < 0)
		return 0;
	e = sys_begin(KN_MMAP_EXEC, st, ret);
	if (!e)
		return 0;
	/* the file the kernel mapped: the fd may hold another by now */
	f = used_file(KN_USED_MMAP, KN_SC_MMAP, (long)st->args[4], &fl);
	sys_put_file(e, &e->str[0], f);
	e->str[0].flags |= fl;
	if (f) {
		/* what userland checks the file it hashes against */
		struct inode *ino = BPF_CORE_READ(f, f_inode);
		u32 nsec = 0;

		e->mapped.size = BPF_CORE_READ(ino, i_size);
		inode_ctime(ino, &e->mapped.ctime_sec, &nsec);
		e->mapped.ctime_nsec = nsec;
	}
	sys_emit(e);
	return 0;
}

SYS_EXIT(mmap, KN_SC_MMAP, 5, KN_MMAP_EXEC, mmap_exit)

/* The file an executable mapping's fd holds at the call's entry, for its
 * exit to compare (used_file): another thread may rebind the fd while the
 * call runs. */
SEC("tp/syscalls/sys_enter_mmap")
int kn_fdin_mmap(struct trace_event_raw_sys_enter *ctx)
{
	struct file *f = NULL;

	/* (the kernel takes the fd's low 32 bits) */
	if ((ctx->args[2] & KN_PROT_EXEC) && !(ctx->args[3] & KN_MAP_ANONYMOUS) && (int)ctx->args[4] >= 0)
		f = fd_file(ctx->args[4]);
	used_keep(KN_USED_MMAP, KN_SC_MMAP, (int)ctx->args[4], f, 0);
	return 0;
}

static __always_inline int mprotect_exit(struct kn_args *st, long ret)
{
	if (ret < 0 || !(st->args[2] & KN_PROT_EXEC))
		return 0;
	return sys_emit_args(KN_MPROTECT_EXEC, st, ret);
}

SYS_EXIT(mprotect, KN_SC_MPROTECT, 3, KN_MPROTECT_EXEC, mprotect_exit)
SYS_EXIT(pkey_mprotect, KN_SC_PKEY_MPROTECT, 4, KN_MPROTECT_EXEC, mprotect_exit)

#endif
