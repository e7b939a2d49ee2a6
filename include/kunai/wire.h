/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The wire format between the kernel side (bpf/) and userland (src/).
 * This header is the contract: both sides include it, nothing else is shared.
 *
 * Every record in the ring buffer starts with struct kn_header. Variable
 * data (paths, argv) follows the fixed part of the record; its lengths are
 * in the fixed part. Everything the kernel had to cut short carries a flag.
 */
#ifndef KUNAI_WIRE_H
#define KUNAI_WIRE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#endif

#define KN_COMM_LEN 16
#define KN_PATH_MAX 4096 /* bytes, including the terminating NUL */
#define KN_ARGV_MAX (128 * 1024) /* bytes of argv kept per exec */

/* Dense index of event types in the kernel; userland maps it to the
 * Kunai id and name (src/event/types.c). Loss counters are indexed by it. */
enum kn_type {
	KN_EXECVE = 0,
	KN_EXECVE_SCRIPT,
	KN_EXIT,
	KN_EXIT_GROUP,
	KN_CLONE,
	KN_TYPE_MAX,
};

/* Flags of a variable-length item. */
#define KN_TRUNCATED 0x1 /* cut at the kernel side's cap */
#define KN_PATH_ERROR 0x2 /* the walker could not read a component */
#define KN_PATH_DELETED 0x4 /* the file was unlinked */

struct kn_task {
	u64 start_boottime; /* ns since boot (incl. suspend) of the group leader */
	u64 flags; /* task->flags */
	u32 pid; /* thread id */
	u32 tgid; /* process id */
	u32 ppid; /* tgid of the real parent */
	u32 uid;
	u32 gid;
	u32 euid;
	u32 egid;
	u32 mnt_ns;
	u32 pid_ns;
	u32 net_ns;
	u32 uts_ns;
	u32 ipc_ns;
	u32 cgroup_ns;
	u32 zombie; /* exit_state != 0 */
	char comm[KN_COMM_LEN];
};

struct kn_header {
	u32 type; /* enum kn_type */
	u32 size; /* bytes of the whole record */
	u64 ktime; /* bpf_ktime_get_boot_ns() */
	struct kn_task task;
	struct kn_task parent;
};

/* A variable-length string item: where it is in the record's tail. */
struct kn_str {
	u32 off; /* from the start of the record */
	u32 len; /* bytes, without NUL */
	u32 flags; /* KN_TRUNCATED, KN_PATH_* */
	u32 _pad;
};

/* execve / execve_script: sched_process_exec. */
struct kn_exec {
	struct kn_header hdr;
	struct kn_str exe; /* bprm->file: the binary that runs (interpreter for a script) */
	struct kn_str filename; /* bprm->filename: what was asked for (the script) */
	struct kn_str cwd;
	struct kn_str argv; /* NUL-separated, from the new mm */
	u32 argc;
	u32 old_pid;
	/* tail: exe, filename, cwd, argv */
};

/* clone: sched_process_fork; hdr.task is the child, hdr.parent the parent. */
struct kn_clone {
	struct kn_header hdr;
	u64 flags; /* CLONE_* effects observed on the new task */
};

/* exit / exit_group: sched_process_exit. */
struct kn_exit {
	struct kn_header hdr;
	u32 code; /* wait status: (status << 8) | signal | 0x80 if core */
	u32 group_dead;
};

#define KN_EXEC_TAIL_MAX (3 * KN_PATH_MAX + KN_ARGV_MAX)

#endif
