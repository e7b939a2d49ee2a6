/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Task identity read from kernel structures. */
#ifndef KN_BPF_TASK_H
#define KN_BPF_TASK_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "kunai/wire.h"

static __always_inline u32 task_pid_ns_inum(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level;
	struct upid up = {};

	if (!pid)
		return 0;
	level = BPF_CORE_READ(pid, level);
	bpf_core_read(&up, sizeof(up), &pid->numbers[level & 31]);
	return BPF_CORE_READ(up.ns, ns.inum);
}

static __always_inline void task_fill(struct kn_task *t, struct task_struct *task)
{
	struct task_struct *leader;
	const struct cred *cred;
	struct nsproxy *ns;

	if (!task)
		return;
	leader = BPF_CORE_READ(task, group_leader);
	t->start_boottime = BPF_CORE_READ(leader, start_boottime);
	t->flags = BPF_CORE_READ(task, flags);
	t->pid = BPF_CORE_READ(task, pid);
	t->tgid = BPF_CORE_READ(task, tgid);
	t->ppid = BPF_CORE_READ(task, real_parent, tgid);
	cred = BPF_CORE_READ(task, real_cred);
	t->uid = BPF_CORE_READ(cred, uid.val);
	t->gid = BPF_CORE_READ(cred, gid.val);
	t->euid = BPF_CORE_READ(cred, euid.val);
	t->egid = BPF_CORE_READ(cred, egid.val);
	ns = BPF_CORE_READ(task, nsproxy);
	if (ns) {
		t->mnt_ns = BPF_CORE_READ(ns, mnt_ns, ns.inum);
		t->net_ns = BPF_CORE_READ(ns, net_ns, ns.inum);
		t->uts_ns = BPF_CORE_READ(ns, uts_ns, ns.inum);
		t->ipc_ns = BPF_CORE_READ(ns, ipc_ns, ns.inum);
		t->cgroup_ns = BPF_CORE_READ(ns, cgroup_ns, ns.inum);
	}
	t->pid_ns = task_pid_ns_inum(task);
	t->zombie = BPF_CORE_READ(task, exit_state) != 0;
	bpf_probe_read_kernel_str(t->comm, sizeof(t->comm), &task->comm);
}

/* The inode's change time moved: struct timespec64 i_ctime (to 6.5),
 * __i_ctime (6.6 to 6.10), i_ctime_sec and i_ctime_nsec (6.11 on). */
struct inode___ctime_v61 {
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));
struct inode___ctime_v66 {
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

static __always_inline void inode_ctime(struct inode *i, u64 *sec, u32 *nsec)
{
	if (bpf_core_field_exists(struct inode, i_ctime_sec)) {
		*sec = BPF_CORE_READ(i, i_ctime_sec);
		/* bit 31 flags multigrain timestamps (6.13 on): not time */
		*nsec = BPF_CORE_READ(i, i_ctime_nsec) & 0x3fffffff;
	} else if (bpf_core_field_exists(struct inode___ctime_v66, __i_ctime)) {
		struct inode___ctime_v66 *o = (void *)i;

		*sec = BPF_CORE_READ(o, __i_ctime.tv_sec);
		*nsec = BPF_CORE_READ(o, __i_ctime.tv_nsec);
	} else {
		struct inode___ctime_v61 *o = (void *)i;

		*sec = BPF_CORE_READ(o, i_ctime.tv_sec);
		*nsec = BPF_CORE_READ(o, i_ctime.tv_nsec);
	}
}

/* Fill the header for `task`; its parent is the task's real parent. */
static __always_inline void header_fill(struct kn_header *h, u32 type, struct task_struct *task)
{
	h->type = type;
	h->ktime = bpf_ktime_get_boot_ns();
	task_fill(&h->task, task);
	task_fill(&h->parent, BPF_CORE_READ(task, real_parent));
}

#endif
