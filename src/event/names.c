#include "event/names.h"

#include <stdio.h>

#include "kunai/wire.h"

static const char *sc_names[KN_SC_MAX] = {
	[KN_SC_OPEN] = "open",
	[KN_SC_OPENAT] = "openat",
	[KN_SC_OPENAT2] = "openat2",
	[KN_SC_CREAT] = "creat",
	[KN_SC_MKNOD] = "mknod",
	[KN_SC_MKNODAT] = "mknodat",
	[KN_SC_RENAME] = "rename",
	[KN_SC_RENAMEAT] = "renameat",
	[KN_SC_RENAMEAT2] = "renameat2",
	[KN_SC_UNLINK] = "unlink",
	[KN_SC_UNLINKAT] = "unlinkat",
	[KN_SC_CHMOD] = "chmod",
	[KN_SC_FCHMOD] = "fchmod",
	[KN_SC_FCHMODAT] = "fchmodat",
	[KN_SC_FCHMODAT2] = "fchmodat2",
	[KN_SC_CHOWN] = "chown",
	[KN_SC_LCHOWN] = "lchown",
	[KN_SC_FCHOWN] = "fchown",
	[KN_SC_FCHOWNAT] = "fchownat",
	[KN_SC_SETXATTR] = "setxattr",
	[KN_SC_LSETXATTR] = "lsetxattr",
	[KN_SC_FSETXATTR] = "fsetxattr",
	[KN_SC_SETXATTRAT] = "setxattrat",
	[KN_SC_MOUNT] = "mount",
	[KN_SC_READ] = "read",
	[KN_SC_PREAD64] = "pread64",
	[KN_SC_READV] = "readv",
	[KN_SC_PREADV] = "preadv",
	[KN_SC_PREADV2] = "preadv2",
	[KN_SC_WRITE] = "write",
	[KN_SC_PWRITE64] = "pwrite64",
	[KN_SC_WRITEV] = "writev",
	[KN_SC_PWRITEV] = "pwritev",
	[KN_SC_PWRITEV2] = "pwritev2",
	[KN_SC_CLOSE] = "close",
	[KN_SC_CONNECT] = "connect",
	[KN_SC_ACCEPT] = "accept",
	[KN_SC_ACCEPT4] = "accept4",
	[KN_SC_SENDTO] = "sendto",
	[KN_SC_SENDMSG] = "sendmsg",
	[KN_SC_RECVFROM] = "recvfrom",
	[KN_SC_RECVMSG] = "recvmsg",
	[KN_SC_RECVMMSG] = "recvmmsg",
	[KN_SC_INIT_MODULE] = "init_module",
	[KN_SC_FINIT_MODULE] = "finit_module",
	[KN_SC_BPF] = "bpf",
	[KN_SC_SETSOCKOPT] = "setsockopt",
	[KN_SC_MMAP] = "mmap",
	[KN_SC_MPROTECT] = "mprotect",
	[KN_SC_PKEY_MPROTECT] = "pkey_mprotect",
	[KN_SC_PRCTL] = "prctl",
	[KN_SC_KILL] = "kill",
	[KN_SC_TKILL] = "tkill",
	[KN_SC_TGKILL] = "tgkill",
	[KN_SC_PIDFD_SEND_SIGNAL] = "pidfd_send_signal",
	[KN_SC_RT_SIGQUEUEINFO] = "rt_sigqueueinfo",
	[KN_SC_RT_TGSIGQUEUEINFO] = "rt_tgsigqueueinfo",
	[KN_SC_COPY_FILE_RANGE] = "copy_file_range",
	[KN_SC_SENDFILE] = "sendfile",
	[KN_SC_SPLICE] = "splice",
	[KN_SC_TRUNCATE] = "truncate",
	[KN_SC_FTRUNCATE] = "ftruncate",
	[KN_SC_TRUNCATE64] = "truncate64",
	[KN_SC_FTRUNCATE64] = "ftruncate64",
	[KN_SC_LINK] = "link",
	[KN_SC_LINKAT] = "linkat",
	[KN_SC_SYMLINK] = "symlink",
	[KN_SC_SYMLINKAT] = "symlinkat",
	[KN_SC_UTIME] = "utime",
	[KN_SC_UTIMES] = "utimes",
	[KN_SC_FUTIMESAT] = "futimesat",
	[KN_SC_UTIMENSAT] = "utimensat",
	[KN_SC_UTIMENSAT_TIME32] = "utimensat",
	[KN_SC_IOCTL] = "ioctl",
	[KN_SC_PROCESS_VM_READV] = "process_vm_readv",
	[KN_SC_PROCESS_VM_WRITEV] = "process_vm_writev",
	[KN_SC_IO_URING] = "io_uring",
	[KN_SC_PTRACE] = "ptrace",
	[KN_SC_MEMFD_CREATE] = "memfd_create",
};

const char *sc_name(uint32_t sc)
{
	return sc < KN_SC_MAX && sc_names[sc] ? sc_names[sc] : "unknown";
}

/* Kunai's names (PR_*), "unknown(N)" for the others. */
const char *prctl_option(uint64_t opt, char buf[24])
{
	static const char *names[] = {
		[1] = "PR_SET_PDEATHSIG",
		[2] = "PR_GET_PDEATHSIG",
		[3] = "PR_GET_DUMPABLE",
		[4] = "PR_SET_DUMPABLE",
		[5] = "PR_GET_UNALIGN",
		[6] = "PR_SET_UNALIGN",
		[7] = "PR_GET_KEEPCAPS",
		[8] = "PR_SET_KEEPCAPS",
		[9] = "PR_GET_FPEMU",
		[10] = "PR_SET_FPEMU",
		[11] = "PR_GET_FPEXC",
		[12] = "PR_SET_FPEXC",
		[13] = "PR_GET_TIMING",
		[14] = "PR_SET_TIMING",
		[15] = "PR_SET_NAME",
		[16] = "PR_GET_NAME",
		[19] = "PR_GET_ENDIAN",
		[20] = "PR_SET_ENDIAN",
		[21] = "PR_GET_SECCOMP",
		[22] = "PR_SET_SECCOMP",
		[23] = "PR_CAPBSET_READ",
		[24] = "PR_CAPBSET_DROP",
		[25] = "PR_GET_TSC",
		[26] = "PR_SET_TSC",
		[27] = "PR_GET_SECUREBITS",
		[28] = "PR_SET_SECUREBITS",
		[29] = "PR_SET_TIMERSLACK",
		[30] = "PR_GET_TIMERSLACK",
		[31] = "PR_TASK_PERF_EVENTS_DISABLE",
		[32] = "PR_TASK_PERF_EVENTS_ENABLE",
		[33] = "PR_MCE_KILL",
		[34] = "PR_MCE_KILL_GET",
		[35] = "PR_SET_MM",
		[36] = "PR_SET_CHILD_SUBREAPER",
		[37] = "PR_GET_CHILD_SUBREAPER",
		[38] = "PR_SET_NO_NEW_PRIVS",
		[39] = "PR_GET_NO_NEW_PRIVS",
		[40] = "PR_GET_TID_ADDRESS",
		[41] = "PR_SET_THP_DISABLE",
		[42] = "PR_GET_THP_DISABLE",
		[43] = "PR_MPX_ENABLE_MANAGEMENT",
		[44] = "PR_MPX_DISABLE_MANAGEMENT",
		[45] = "PR_SET_FP_MODE",
		[46] = "PR_GET_FP_MODE",
		[47] = "PR_CAP_AMBIENT",
		[50] = "PR_SVE_SET_VL",
		[51] = "PR_SVE_GET_VL",
		[52] = "PR_GET_SPECULATION_CTRL",
		[53] = "PR_SET_SPECULATION_CTRL",
		[54] = "PR_PAC_RESET_KEYS",
		[55] = "PR_SET_TAGGED_ADDR_CTRL",
		[56] = "PR_GET_TAGGED_ADDR_CTRL",
		[57] = "PR_SET_IO_FLUSHER",
		[58] = "PR_GET_IO_FLUSHER",
		[59] = "PR_SET_SYSCALL_USER_DISPATCH",
		[60] = "PR_PAC_SET_ENABLED_KEYS",
		[61] = "PR_PAC_GET_ENABLED_KEYS",
		[62] = "PR_SCHED_CORE",
		[63] = "PR_SME_SET_VL",
		[64] = "PR_SME_GET_VL",
		[65] = "PR_SET_MDWE",
		[66] = "PR_GET_MDWE",
		[67] = "PR_SET_MEMORY_MERGE",
		[68] = "PR_GET_MEMORY_MERGE",
		[69] = "PR_RISCV_V_SET_CONTROL",
		[70] = "PR_RISCV_V_GET_CONTROL",
	};

	if (opt == 0x41555856)
		return "PR_GET_AUXV";
	if (opt == 0x53564d41)
		return "PR_SET_VMA";
	if (opt == 0x59616d61)
		return "PR_SET_PTRACER";
	if (opt < sizeof(names) / sizeof(names[0]) && names[opt])
		return names[opt];
	snprintf(buf, 24, "unknown(%llu)", (unsigned long long)opt);
	return buf;
}

const char *ptrace_request(uint64_t req)
{
	switch (req) {
	case 4: return "PTRACE_POKETEXT";
	case 5: return "PTRACE_POKEDATA";
	case 16: return "PTRACE_ATTACH";
	case 0x4206: return "PTRACE_SEIZE";
	}
	return "PTRACE_OTHER";
}

/* Kunai's names: the kernel's, lowercase, without BPF_PROG_TYPE_; "unknown"
 * past syscall (31). */
const char *bpf_prog_type_name(uint64_t t)
{
	static const char *names[] = {
		"unspec",
		"socket_filter",
		"kprobe",
		"sched_cls",
		"sched_act",
		"tracepoint",
		"xdp",
		"perf_event",
		"cgroup_skb",
		"cgroup_sock",
		"lwt_in",
		"lwt_out",
		"lwt_xmit",
		"sock_ops",
		"sk_skb",
		"cgroup_device",
		"sk_msg",
		"raw_tracepoint",
		"cgroup_sock_addr",
		"lwt_seg6local",
		"lirc_mode2",
		"sk_reuseport",
		"flow_dissector",
		"cgroup_sysctl",
		"raw_tracepoint_writable",
		"cgroup_sockopt",
		"tracing",
		"struct_ops",
		"ext",
		"lsm",
		"sk_lookup",
		"syscall",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

const char *uring_op_name(uint64_t op)
{
	static const char *names[] = {
		"IORING_OP_NOP",
		"IORING_OP_READV",
		"IORING_OP_WRITEV",
		"IORING_OP_FSYNC",
		"IORING_OP_READ_FIXED",
		"IORING_OP_WRITE_FIXED",
		"IORING_OP_POLL_ADD",
		"IORING_OP_POLL_REMOVE",
		"IORING_OP_SYNC_FILE_RANGE",
		"IORING_OP_SENDMSG",
		"IORING_OP_RECVMSG",
		"IORING_OP_TIMEOUT",
		"IORING_OP_TIMEOUT_REMOVE",
		"IORING_OP_ACCEPT",
		"IORING_OP_ASYNC_CANCEL",
		"IORING_OP_LINK_TIMEOUT",
		"IORING_OP_CONNECT",
		"IORING_OP_FALLOCATE",
		"IORING_OP_OPENAT",
		"IORING_OP_CLOSE",
		"IORING_OP_FILES_UPDATE",
		"IORING_OP_STATX",
		"IORING_OP_READ",
		"IORING_OP_WRITE",
		"IORING_OP_FADVISE",
		"IORING_OP_MADVISE",
		"IORING_OP_SEND",
		"IORING_OP_RECV",
		"IORING_OP_OPENAT2",
		"IORING_OP_EPOLL_CTL",
		"IORING_OP_SPLICE",
		"IORING_OP_PROVIDE_BUFFERS",
		"IORING_OP_REMOVE_BUFFERS",
		"IORING_OP_TEE",
		"IORING_OP_SHUTDOWN",
		"IORING_OP_RENAMEAT",
		"IORING_OP_UNLINKAT",
		"IORING_OP_MKDIRAT",
		"IORING_OP_SYMLINKAT",
		"IORING_OP_LINKAT",
		"IORING_OP_MSG_RING",
		"IORING_OP_FSETXATTR",
		"IORING_OP_SETXATTR",
		"IORING_OP_FGETXATTR",
		"IORING_OP_GETXATTR",
		"IORING_OP_SOCKET",
		"IORING_OP_URING_CMD",
		"IORING_OP_SEND_ZC",
		"IORING_OP_SENDMSG_ZC",
		"IORING_OP_READ_MULTISHOT",
		"IORING_OP_WAITID",
		"IORING_OP_FUTEX_WAIT",
		"IORING_OP_FUTEX_WAKE",
		"IORING_OP_FUTEX_WAITV",
		"IORING_OP_FIXED_FD_INSTALL",
		"IORING_OP_FTRUNCATE",
		"IORING_OP_BIND",
		"IORING_OP_LISTEN",
		"IORING_OP_RECV_ZC",
		"IORING_OP_EPOLL_WAIT",
		"IORING_OP_READV_FIXED",
		"IORING_OP_WRITEV_FIXED",
		"IORING_OP_PIPE",
	};

	return op < sizeof(names) / sizeof(names[0]) ? names[op] : "?";
}

/* Kunai's names: SIGHUP..SIGSYS, SIGRT0 (34)..SIGRT30 (64), SIG(N) for the
 * others (32 and 33, which the C library keeps for itself; past 64). */
const char *signal_name(unsigned sig, char buf[SIGNAME_MAX])
{
	static const char *const names[32] = {
		[1] = "SIGHUP",	    [2] = "SIGINT",   [3] = "SIGQUIT",	 [4] = "SIGILL",   [5] = "SIGTRAP",
		[6] = "SIGABRT",    [7] = "SIGBUS",   [8] = "SIGFPE",	 [9] = "SIGKILL",  [10] = "SIGUSR1",
		[11] = "SIGSEGV",   [12] = "SIGUSR2", [13] = "SIGPIPE",	 [14] = "SIGALRM", [15] = "SIGTERM",
		[16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT",	 [19] = "SIGSTOP", [20] = "SIGTSTP",
		[21] = "SIGTTIN",   [22] = "SIGTTOU", [23] = "SIGURG",	 [24] = "SIGXCPU", [25] = "SIGXFSZ",
		[26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGPOLL", [30] = "SIGPWR",
		[31] = "SIGSYS",
	};

	if (sig < 32 && names[sig])
		return names[sig];
	if (sig >= 34 && sig <= 64)
		snprintf(buf, SIGNAME_MAX, "SIGRT%u", sig - 34);
	else
		snprintf(buf, SIGNAME_MAX, "SIG(%u)", sig);
	return buf;
}
