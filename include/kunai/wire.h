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
typedef __s64 s64;
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
	KN_PRCTL,
	KN_KILL,
	KN_PTRACE,
	KN_INIT_MODULE,
	KN_BPF_PROG_LOAD,
	KN_BPF_SOCKET_FILTER,
	KN_MPROTECT_EXEC,
	KN_MMAP_EXEC,
	KN_CONNECT,
	KN_DNS_QUERY,
	KN_SEND_DATA,
	KN_ACCEPT,
	KN_MOUNT,
	KN_READ,
	KN_READ_CONFIG,
	KN_WRITE,
	KN_WRITE_CONFIG,
	KN_FILE_RENAME,
	KN_FILE_UNLINK,
	KN_WRITE_CLOSE,
	KN_FILE_CREATE,
	KN_MEMFD_CREATE,
	KN_CHMOD,
	KN_CHOWN,
	KN_SETXATTR,
	KN_FILE_TRUNCATE,
	KN_FILE_LINK,
	KN_FILE_TIMES,
	KN_FILE_FLAGS,
	KN_PROCESS_MEMORY,
	KN_IO_URING_SQE,
	KN_TYPE_MAX,
};

/* The ring buffer of records (kn_events), sized by userland (16 MiB by
 * default). The sensor has the kernel side wake it once an eighth of it
 * waits, and polls every KN_POLL_MS anyway: a lone record waits that long
 * at most. */
#define KN_RING_BYTES (16 * 1024 * 1024)
#define KN_POLL_MS 20

/* File events throttled (kn_max_eps_fs, Kunai's max_eps_fs): per CPU and
 * per 1-second window, a process past two thirds of the limit, or all
 * processes past the limit, have their file events dropped, each counted
 * per type (kn_throttled); the first one dropped past a limit in a window
 * is said by an error record instead (struct kn_error). The types: */
#define KN_THROTTLED_TYPES                                                                                       \
	((1ULL << KN_READ) | (1ULL << KN_WRITE) | (1ULL << KN_FILE_RENAME) | (1ULL << KN_FILE_UNLINK) |          \
	 (1ULL << KN_WRITE_CLOSE) | (1ULL << KN_FILE_CREATE) | (1ULL << KN_CHMOD) | (1ULL << KN_CHOWN) |         \
	 (1ULL << KN_SETXATTR) | (1ULL << KN_FILE_TRUNCATE) | (1ULL << KN_FILE_LINK) | (1ULL << KN_FILE_TIMES) | \
	 (1ULL << KN_FILE_FLAGS))

/* The error record's type (outside enum kn_type: not an event one turns
 * off) and its codes, Kunai's. */
#define KN_REC_ERROR 0x100
enum kn_error_code {
	KN_ERR_THROTTLE_TASK = 1, /* a process's limit reached */
	KN_ERR_THROTTLE_GLOBAL = 2, /* the limit of all processes reached */
};

/* Counters of the kernel side that lose no event (kn_counts). */
enum kn_count {
	KN_COUNT_NAMES_NOT_KEPT = 0, /* names read at entry that found no room: unconfirmed */
	KN_COUNT_MAX,
};

/* Which syscall a kn_sys record comes from (its "syscall" field). */
enum kn_sc {
	KN_SC_NONE = 0,
	KN_SC_OPEN,
	KN_SC_OPENAT,
	KN_SC_OPENAT2,
	KN_SC_CREAT,
	KN_SC_MKNOD,
	KN_SC_MKNODAT,
	KN_SC_RENAME,
	KN_SC_RENAMEAT,
	KN_SC_RENAMEAT2,
	KN_SC_UNLINK,
	KN_SC_UNLINKAT,
	KN_SC_CHMOD,
	KN_SC_FCHMOD,
	KN_SC_FCHMODAT,
	KN_SC_FCHMODAT2,
	KN_SC_CHOWN,
	KN_SC_LCHOWN,
	KN_SC_FCHOWN,
	KN_SC_FCHOWNAT,
	KN_SC_SETXATTR,
	KN_SC_LSETXATTR,
	KN_SC_FSETXATTR,
	KN_SC_SETXATTRAT,
	KN_SC_MOUNT,
	KN_SC_READ,
	KN_SC_PREAD64,
	KN_SC_READV,
	KN_SC_PREADV,
	KN_SC_PREADV2,
	KN_SC_WRITE,
	KN_SC_PWRITE64,
	KN_SC_WRITEV,
	KN_SC_PWRITEV,
	KN_SC_PWRITEV2,
	KN_SC_CLOSE,
	KN_SC_CONNECT,
	KN_SC_ACCEPT,
	KN_SC_ACCEPT4,
	KN_SC_SENDTO,
	KN_SC_SENDMSG,
	KN_SC_RECVFROM,
	KN_SC_RECVMSG,
	KN_SC_RECVMMSG,
	KN_SC_INIT_MODULE,
	KN_SC_FINIT_MODULE,
	KN_SC_BPF,
	KN_SC_SETSOCKOPT,
	KN_SC_MMAP,
	KN_SC_MPROTECT,
	KN_SC_PKEY_MPROTECT,
	KN_SC_PRCTL,
	KN_SC_KILL,
	KN_SC_TKILL,
	KN_SC_TGKILL,
	KN_SC_PTRACE,
	KN_SC_MEMFD_CREATE,
	KN_SC_CLONE, /* clone, fork, vfork, clone3: stashed for the fork's flags */
	KN_SC_FORK,
	KN_SC_VFORK,
	KN_SC_CLONE3,
	KN_SC_PIDFD_SEND_SIGNAL,
	KN_SC_RT_SIGQUEUEINFO,
	KN_SC_RT_TGSIGQUEUEINFO,
	KN_SC_COPY_FILE_RANGE, /* data moved between two fds: read and write */
	KN_SC_SENDFILE,
	KN_SC_SPLICE,
	KN_SC_TRUNCATE,
	KN_SC_FTRUNCATE,
	KN_SC_TRUNCATE64, /* 32-bit calls: the length in two registers */
	KN_SC_FTRUNCATE64,
	KN_SC_LINK,
	KN_SC_LINKAT,
	KN_SC_SYMLINK,
	KN_SC_SYMLINKAT,
	KN_SC_UTIME,
	KN_SC_UTIMES,
	KN_SC_FUTIMESAT,
	KN_SC_UTIMENSAT,
	KN_SC_UTIMENSAT_TIME32, /* 32-bit utimensat with 32-bit timespecs */
	KN_SC_IOCTL,
	KN_SC_PROCESS_VM_READV,
	KN_SC_PROCESS_VM_WRITEV,
	KN_SC_IO_URING, /* an io_uring operation, at its completion */
	KN_SC_MAX,
};

/* The 32-bit socketcall's calls (SYS_CONNECT...) have the numbers
 * KN_IA32_SOCKETCALL + call in the 32-bit syscall table of the probes:
 * past the syscalls'. */
#define KN_IA32_SOCKETCALL 512

/* A watched path (read_config, write_config), a key of the kernel side's
 * longest-prefix map: a directory as a prefix of prefixlen bits ("/etc/"),
 * a file whole with its NUL. Paths are looked up by their first
 * KN_WATCH_KEY - 1 bytes. */
#define KN_WATCH_KEY 128

struct kn_watch_key {
	u32 prefixlen; /* bits */
	char data[KN_WATCH_KEY];
};

/* Families of syscall exits whose handler is one program (kn_fam_<name>,
 * verified once), tail-called by each syscall's exit program: the index
 * in kn_family, set by userland. */
enum kn_family {
	KN_FAM_LINK = 0, /* kn_fam_link: link, linkat, symlink, symlinkat */
	KN_FAM_TIMES, /* kn_fam_times: utime, utimes, futimesat, utimensat */
	KN_FAM_ATTR, /* kn_fam_attr: the chmod, chown and setxattr calls */
	KN_FAM_MAX,
};

/* Flags of a variable-length item. */
#define KN_TRUNCATED 0x1 /* cut at the kernel side's cap */
#define KN_PATH_ERROR 0x2 /* the walker could not read a component */
#define KN_PATH_DELETED 0x4 /* the file was unlinked */
/* A name read from the caller's memory that could not be confirmed: it
 * changed between the syscall's entry (what is reported) and its exit, or
 * was not read at the entry. */
#define KN_NAME_UNCONFIRMED 0x8

/* connect, accept and send_data records (flow.unconfirmed,
 * sent.unconfirmed): the peer address given could
 * not be confirmed (KN_DST_UNCONFIRMED); the fd named another socket at
 * the call's entry than at its exit, or was read at the exit only (a
 * 32-bit call): the kernel used one of the two (KN_SOCK_UNCONFIRMED). */
#define KN_DST_UNCONFIRMED 0x1
#define KN_SOCK_UNCONFIRMED 0x2

/* kill, ptrace and process_memory records: the target as the kernel
 * found it (kn_sys.target). */
enum kn_target_kind {
	KN_TARGET_GIVEN = 0, /* not found: the pid the caller gave */
	KN_TARGET_TASK, /* the task the kernel signalled or traced */
	KN_TARGET_PID, /* the global pid behind a pidfd (the task gone) */
};

/* write_close tracking (kn_wc_open, kn_wc_procs): userland removes the
 * entries of processes that are gone. */
struct kn_wc_key {
	u64 start; /* the process's start time */
	u64 file; /* the open file written through */
	u32 tgid;
	u32 _pad;
};

struct kn_wc_proc_key {
	u64 start;
	u32 tgid;
	u32 _pad;
};

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
	/* bprm->file's size and change time: userland checks the file it
	 * hashes against them (inode numbers differ across overlays) */
	u64 exe_size;
	u64 exe_ctime_sec;
	u32 exe_ctime_nsec;
	/* the task's root directory (its superblock's device, kernel
	 * encoding, and inode): a file named by path is opened in the
	 * sensor's own view only when that root is the sensor's */
	u32 root_dev;
	u64 root_ino;
	/* tail: exe, filename, cwd, argv */
};

/* error: hdr is the record's that was dropped (its task, its time). */
struct kn_error {
	struct kn_header hdr;
	u32 code; /* enum kn_error_code */
	u32 type; /* the enum kn_type dropped */
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

struct kn_addr {
	u16 family; /* AF_INET, AF_INET6, 0 when unknown */
	u16 port; /* host order */
	u32 _pad;
	u8 addr[16]; /* IPv4 in the first 4 bytes */
};

struct kn_sock {
	u16 family;
	u16 type;
	u16 proto;
	u16 state;
	struct kn_addr src; /* the local end */
	struct kn_addr dst; /* the remote end */
};

#define KN_SYS_STRS 4

/*
 * Every event but the process lifecycle: one layout, fields used as each
 * type documents in src/decode/<family>.c. Strings and payload in the tail.
 * For a path given by name, str[i] is the directory the kernel resolves it
 * against (dirfd's file or the cwd, walked in the kernel; empty when the
 * name is absolute) and str[i + 1] the name as the syscall received it.
 */
struct kn_sys {
	struct kn_header hdr;
	s64 ret; /* the syscall's return value */
	u64 args[6]; /* its numeric arguments */
	u32 sc; /* enum kn_sc */
	u32 _pad;
	struct kn_str str[KN_SYS_STRS];
	struct kn_str data; /* payload: DNS answer, sent bytes, BPF filter... */
	struct kn_sock sock;
	/* What else each type carries: one view per type, by name (extra is
	 * the raw words, for code common to several types). */
	union {
		u64 extra[4];
		struct {
			u64 mode; /* the new file's (type and permissions) */
		} create; /* file_create */
		struct {
			u64 size; /* the new length */
		} truncate; /* file_truncate */
		struct {
			u64 mode; /* as given */
		} chmod; /* chmod */
		struct {
			u64 uid, gid; /* as given (-1: left as it is) */
		} chown; /* chown */
		struct {
			u64 flags; /* linkat's */
		} link; /* file_link */
		struct {
			/* as set; nsec UTIME_NOW or UTIME_OMIT as given */
			u64 atime_sec, atime_nsec, mtime_sec, mtime_nsec;
		} times; /* file_times */
		struct {
			/* the inode's flags before (when before_known) and
			 * after; the ioctl's command */
			u64 before, after, cmd, before_known;
		} iflags; /* file_flags */
		struct {
			u64 flags; /* MS_* as given */
		} mount; /* mount */
		struct {
			/* connect: done (a non-blocking one: its outcome),
			 * started non-blocking; KN_*_UNCONFIRMED */
			u64 connected, non_blocking, unconfirmed;
		} flow; /* connect, accept */
		struct {
			/* sendfile, splice from a pipe: its inode, from_pipe 1;
			 * KN_*_UNCONFIRMED */
			u64 pipe_ino, from_pipe, unconfirmed;
		} sent; /* send_data */
		struct {
			u64 id, type, tag; /* tag: the kernel's 8 bytes */
		} prog; /* bpf_prog_load */
		struct {
			/* a classic filter's length (instructions), else the
			 * eBPF program's id */
			u64 len, prog_id;
		} filter; /* bpf_socket_filter */
		struct {
			/* the file's size and change time */
			u64 size, ctime_sec, ctime_nsec;
		} mapped; /* mmap_exec */
		struct {
			/* kind (enum kn_target_kind); ids: tgid | pid << 32
			 * (global); start: the target's start time (a task),
			 * else the caller's PID namespace level (a pid given
			 * to process_vm_*); access: 1 read, 2 write (process_memory) */
			u64 ids, start, kind, access;
		} target; /* kill, ptrace, process_memory */
		struct {
			u64 opcode, user_data;
		} uring; /* io_uring_sqe */
	};
};

#define KN_DATA_MAX 4096 /* payload bytes kept per event */

#define KN_EXEC_TAIL_MAX (3 * KN_PATH_MAX + KN_ARGV_MAX)

#endif
