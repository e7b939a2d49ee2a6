/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef KN_BPF_PROCESS_H
#define KN_BPF_PROCESS_H
/* Process lifecycle: exec, fork, exit, on scheduler tracepoints (BTF-typed,
 * no tracefs needed, no syscall slow path). */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kunai/wire.h"
#include "lib/compat.h"
#include "lib/maps.h"
#include "lib/path.h"
#include "lib/sys.h"
#include "lib/task.h"

#define SIGNAL_GROUP_EXIT 0x00000004

#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_NEWCGROUP 0x02000000
#define CLONE_NEWUTS 0x04000000
#define CLONE_NEWIPC 0x08000000
#define CLONE_NEWUSER 0x10000000
#define CLONE_NEWPID 0x20000000
#define CLONE_NEWNET 0x40000000

/* Store a path item of a record at *off; advance *off past its NUL. */
static __always_inline void rec_put_path(char *rec, u32 *off, struct kn_str *s, struct dentry *d, struct vfsmount *m)
{
	u32 o = *off & KN_SCRATCH_OFF_MASK;

	s->off = o;
	s->len = path_resolve(rec + o, d, m, &s->flags);
	*off = o + s->len + 1;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(kn_sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *task = kn_current();
	unsigned long arg_start, arg_end;
	const char *filename, *interp;
	struct kn_exec *e;
	struct file *f;
	char *rec;
	u32 off, o;
	long n;
	u64 len;

	if (kn_is_self(bpf_get_current_pid_tgid() >> 32))
		return 0;
	rec = kn_scratch_get();
	if (!rec)
		return 0;
	e = (struct kn_exec *)rec;
	filename = BPF_CORE_READ(bprm, filename);
	interp = BPF_CORE_READ(bprm, interp);
	header_fill(&e->hdr, filename != interp ? KN_EXECVE_SCRIPT : KN_EXECVE, task);
	e->old_pid = old_pid;
	e->argc = BPF_CORE_READ(bprm, argc);

	off = sizeof(*e);
	f = BPF_CORE_READ(bprm, file);
	e->exe_size = BPF_CORE_READ(f, f_inode, i_size);
	inode_ctime(BPF_CORE_READ(f, f_inode), &e->exe_ctime_sec, &e->exe_ctime_nsec);
	e->root_dev = BPF_CORE_READ(task, fs, root.mnt, mnt_sb, s_dev);
	e->root_ino = BPF_CORE_READ(task, fs, root.dentry, d_inode, i_ino);
	rec_put_path(rec, &off, &e->exe, BPF_CORE_READ(f, f_path.dentry), BPF_CORE_READ(f, f_path.mnt));

	o = off & KN_SCRATCH_OFF_MASK;
	n = bpf_probe_read_kernel_str(rec + o, KN_PATH_MAX, filename);
	e->filename.off = o;
	e->filename.flags = 0;
	if (n < 1) {
		rec[o] = 0;
		n = 1;
		e->filename.flags = KN_PATH_ERROR;
	}
	e->filename.len = n - 1;
	off = o + n;

	rec_put_path(rec, &off, &e->cwd, BPF_CORE_READ(task, fs, pwd.dentry), BPF_CORE_READ(task, fs, pwd.mnt));

	/* argv as the new process sees it, from its mm. */
	arg_start = BPF_CORE_READ(task, mm, arg_start);
	arg_end = BPF_CORE_READ(task, mm, arg_end);
	o = off & KN_SCRATCH_OFF_MASK;
	e->argv.off = o;
	e->argv.flags = 0;
	len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (len > KN_ARGV_MAX) {
		len = KN_ARGV_MAX;
		e->argv.flags = KN_TRUNCATED;
	}
	if (len && bpf_probe_read_user(rec + o, len, (void *)arg_start)) {
		e->argv.flags |= KN_PATH_ERROR;
		len = 0;
	}
	e->argv.len = len;
	e->hdr.size = o + len;
	kn_emit(rec, e->hdr.size, e->hdr.type);
	return 0;
}

/* The flags the child's own state shows at the fork tracepoint
 * (clone_flags_observed; not CLONE_VFORK: vfork_done is set after it). */
#define KN_CLONE_OBSERVED                                                                                  \
	(CLONE_THREAD | CLONE_PARENT | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_NEWUSER | \
	 CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWPID)

static __always_inline u64 clone_flags_observed(struct task_struct *parent, struct task_struct *child)
{
	struct nsproxy *pn = BPF_CORE_READ(parent, nsproxy), *cn = BPF_CORE_READ(child, nsproxy);
	u64 flags = 0;
	struct mm_struct *mm = BPF_CORE_READ(child, mm);

	if (BPF_CORE_READ(child, tgid) == BPF_CORE_READ(parent, tgid))
		flags |= CLONE_THREAD;
	else if (BPF_CORE_READ(child, real_parent) == BPF_CORE_READ(parent, real_parent))
		flags |= CLONE_PARENT;
	if (mm && mm == BPF_CORE_READ(parent, mm))
		flags |= CLONE_VM;
	if (BPF_CORE_READ(child, fs) == BPF_CORE_READ(parent, fs))
		flags |= CLONE_FS;
	if (BPF_CORE_READ(child, files) == BPF_CORE_READ(parent, files))
		flags |= CLONE_FILES;
	if (BPF_CORE_READ(child, sighand) == BPF_CORE_READ(parent, sighand))
		flags |= CLONE_SIGHAND;
	if (BPF_CORE_READ(child, vfork_done))
		flags |= CLONE_VFORK;
	if (BPF_CORE_READ(child, real_cred, user_ns) != BPF_CORE_READ(parent, real_cred, user_ns))
		flags |= CLONE_NEWUSER;
	if (pn && cn) {
		if (BPF_CORE_READ(cn, mnt_ns) != BPF_CORE_READ(pn, mnt_ns))
			flags |= CLONE_NEWNS;
		if (BPF_CORE_READ(cn, uts_ns) != BPF_CORE_READ(pn, uts_ns))
			flags |= CLONE_NEWUTS;
		if (BPF_CORE_READ(cn, ipc_ns) != BPF_CORE_READ(pn, ipc_ns))
			flags |= CLONE_NEWIPC;
		if (BPF_CORE_READ(cn, net_ns) != BPF_CORE_READ(pn, net_ns))
			flags |= CLONE_NEWNET;
		if (BPF_CORE_READ(cn, cgroup_ns) != BPF_CORE_READ(pn, cgroup_ns))
			flags |= CLONE_NEWCGROUP;
	}
	/* (the namespace the parent's children get: not its own after an
	 * unshare(CLONE_NEWPID)) */
	if (task_pid_ns_inum(child) !=
	    (pn ? BPF_CORE_READ(pn, pid_ns_for_children, ns.inum) : task_pid_ns_inum(parent)))
		flags |= CLONE_NEWPID;
	return flags;
}

#define KN_PF_KTHREAD 0x00200000
#define KN_CSIGNAL 0xff

/* The flags of the clone syscall the parent is in, as the kernel took them
 * (the exit signal apart): 0; 1 when they were read from the caller's
 * memory (clone3's struct), which another thread may have rewritten since
 * the kernel copied it; -1 when the fork comes from no such syscall (a
 * kernel thread, an io_uring worker) or they cannot be had. Read from the
 * parent's syscall registers, or where the kernel lacks bpf_task_pt_regs,
 * from the arguments its kn_stash_<clone> program kept. */
static __always_inline int clone_flags_real(u64 *flags)
{
	u32 sc = KN_SC_NONE;
	u64 a0 = 0;

	if (BPF_CORE_READ(kn_current(), flags) & KN_PF_KTHREAD)
		return -1;
	if (kn_have_task_pt_regs) {
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
#if defined(__TARGET_ARCH_x86)
		long nr = regs->orig_ax;

		a0 = in_ia32_syscall() ? regs->bx : regs->di;
		if (in_ia32_syscall())
			sc = nr == 120	 ? KN_SC_CLONE
			     : nr == 2	 ? KN_SC_FORK
			     : nr == 190 ? KN_SC_VFORK
			     : nr == 435 ? KN_SC_CLONE3
					 : KN_SC_NONE;
		else
			sc = nr == 56	 ? KN_SC_CLONE
			     : nr == 57	 ? KN_SC_FORK
			     : nr == 58	 ? KN_SC_VFORK
			     : nr == 435 ? KN_SC_CLONE3
					 : KN_SC_NONE;
#elif defined(__TARGET_ARCH_arm64)
		long nr = regs->syscallno;

		a0 = regs->orig_x0;
		sc = nr == 220 ? KN_SC_CLONE : nr == 435 ? KN_SC_CLONE3 : KN_SC_NONE;
#endif
	} else {
		u64 id = bpf_get_current_pid_tgid();
		struct kn_args *st = bpf_map_lookup_elem(&kn_args_stash, &id);

		if (st && st->sc >= KN_SC_CLONE && st->sc <= KN_SC_CLONE3) {
			sc = st->sc;
			a0 = st->args[0];
			bpf_map_delete_elem(&kn_args_stash, &id);
		}
	}
	switch (sc) {
	case KN_SC_CLONE: *flags = (u32)a0 & ~KN_CSIGNAL; return 0;
	case KN_SC_FORK: *flags = 0; return 0;
	case KN_SC_VFORK: *flags = CLONE_VFORK | CLONE_VM; return 0;
	case KN_SC_CLONE3: /* struct clone_args: flags first, in the caller's memory */
		return a0 && !bpf_probe_read_user(flags, sizeof(*flags), (void *)a0) ? 1 : -1;
	default: return -1;
	}
}

/* Where arguments are not read at the fork: the clone syscalls' own. */
#define CLONE_STASH(name, sc)                                      \
	SEC("tp/syscalls/sys_enter_" #name)                        \
	int kn_stash_##name(struct trace_event_raw_sys_enter *ctx) \
	{                                                          \
		return sys_stash(ctx, sc, 1, KN_CLONE);            \
	}

CLONE_STASH(clone, KN_SC_CLONE)
CLONE_STASH(fork, KN_SC_FORK)
CLONE_STASH(vfork, KN_SC_VFORK)
CLONE_STASH(clone3, KN_SC_CLONE3)

SEC("tp_btf/sched_process_fork")
int BPF_PROG(kn_sched_fork, struct task_struct *parent, struct task_struct *child)
{
	struct kn_clone e = {};

	if (kn_is_self(BPF_CORE_READ(parent, tgid)))
		return 0;
	header_fill(&e.hdr, KN_CLONE, child);
	e.hdr.size = sizeof(e);
	/* what the kernel was asked for; else what the child shows, which
	 * also overrides flags read from the caller's memory where it can */
	switch (clone_flags_real(&e.flags)) {
	case 0: break;
	case 1: e.flags = (e.flags & ~KN_CLONE_OBSERVED) | clone_flags_observed(parent, child); break;
	default: e.flags = clone_flags_observed(parent, child);
	}
	kn_emit(&e, sizeof(e), KN_CLONE);
	return 0;
}

/* write_close: the files the exit closes (file.bpf.h) */
int wc_exit(u32 tgid);

SEC("tp_btf/sched_process_exit")
int BPF_PROG(kn_sched_exit, struct task_struct *p)
{
	struct signal_struct *sig;
	struct kn_exit *e;
	int group_dead;

	if (!kn_have_task_pt_regs) {
		/* the thread's stashed syscall arguments, if any, go with it */
		u64 id = bpf_get_current_pid_tgid();

		bpf_map_delete_elem(&kn_args_stash, &id);
	}
	{
		/* and names read at the entry of a syscall that never returned */
		u64 tid = bpf_get_current_pid_tgid();

		bpf_map_delete_elem(&kn_names, &tid);
		/* and a kill or ptrace target, a peer address, its call
		 * never reported */
		bpf_map_delete_elem(&kn_target, &tid);
		bpf_map_delete_elem(&kn_peer, &tid);
		bpf_map_delete_elem(&kn_sockw, &tid);
		bpf_map_delete_elem(&kn_fd_used, &tid);
	}
	if (kn_is_self(BPF_CORE_READ(p, tgid)))
		return 0;
	sig = BPF_CORE_READ(p, signal);
	/* The tracepoint runs after signal->live was decremented. */
	group_dead = BPF_CORE_READ(sig, live.counter) == 0;
	/* the files the exit closes first: their write_close comes before the
	 * exit, while the process is still known */
	if (group_dead && kn_enabled(KN_WRITE_CLOSE))
		wc_exit(BPF_CORE_READ(p, tgid));
	/* built in the per-CPU scratch (free again: the calls above are done
	 * with it), not on the stack, which the calls above need */
	e = kn_scratch_get();
	if (!e) {
		kn_loss_count(group_dead ? KN_EXIT_GROUP : KN_EXIT);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	header_fill(&e->hdr, group_dead ? KN_EXIT_GROUP : KN_EXIT, p);
	e->hdr.size = sizeof(*e);
	e->group_dead = group_dead;
	if (group_dead && (BPF_CORE_READ(sig, flags) & SIGNAL_GROUP_EXIT))
		e->code = BPF_CORE_READ(sig, group_exit_code);
	else
		e->code = BPF_CORE_READ(p, exit_code);
	kn_emit(e, sizeof(*e), e->hdr.type);
	return 0;
}
#endif
