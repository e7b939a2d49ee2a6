#include "sensor/ia32.h"

#include "kunai/wire.h"

/* Numbers from the kernel's arch/x86/entry/syscalls/syscall_32.tbl.
 * The socketcall multiplexer (102) is read by kn_ia32_exit: its calls are
 * at KN_IA32_SOCKETCALL + call (the call numbers of linux/net.h).
 * Left out: old_mmap (90), and the calls whose 32-bit structures differ
 * (sendmsg, recvmsg, recvmmsg, setsockopt's sock_fprog, and socketcall's
 * forms of them; readv's iovec is not read). close (6) is seen at its
 * entry: kn_ia32_enter_close. */
static const struct ia32_syscall table[] = {
	{3, "read", KN_SC_READ, "rw", 0},
	{4, "write", KN_SC_WRITE, "rw", 0},
	{5, "open", KN_SC_OPEN, "open", 0},
	{8, "creat", KN_SC_CREAT, "open", 0},
	{9, "link", KN_SC_LINK, "link", 0},
	{10, "unlink", KN_SC_UNLINK, "path", 0},
	{14, "mknod", KN_SC_MKNOD, "path", 0},
	{15, "chmod", KN_SC_CHMOD, "attr", 0},
	{16, "lchown", KN_SC_LCHOWN, "attr", 1}, /* lchown16 */
	{21, "mount", KN_SC_MOUNT, "path", 0},
	{26, "ptrace", KN_SC_PTRACE, "task", 0},
	{30, "utime", KN_SC_UTIME, "times", 0}, /* utime32 */
	{37, "kill", KN_SC_KILL, "task", 0},
	{38, "rename", KN_SC_RENAME, "path", 0},
	{54, "ioctl", KN_SC_IOCTL, "flags", 0}, /* file_flags: read after the call only */
	{83, "symlink", KN_SC_SYMLINK, "link", 0},
	{92, "truncate", KN_SC_TRUNCATE, "trunc", 0},
	{93, "ftruncate", KN_SC_FTRUNCATE, "trunc", 0},
	{94, "fchmod", KN_SC_FCHMOD, "attr", 0},
	{95, "fchown", KN_SC_FCHOWN, "attr", 1}, /* fchown16 */
	{125, "mprotect", KN_SC_MPROTECT, "task", 0},
	{128, "init_module", KN_SC_INIT_MODULE, "kernel", 0},
	{145, "readv", KN_SC_READV, "rw", 0},
	{146, "writev", KN_SC_WRITEV, "rw", 0},
	{172, "prctl", KN_SC_PRCTL, "task", 0},
	{178, "rt_sigqueueinfo", KN_SC_RT_SIGQUEUEINFO, "task", 0},
	{180, "pread64", KN_SC_PREAD64, "rw", 0},
	{181, "pwrite64", KN_SC_PWRITE64, "rw", 0},
	{182, "chown", KN_SC_CHOWN, "attr", 1}, /* chown16 */
	{187, "sendfile64", KN_SC_SENDFILE, "rw", 0},
	{192, "mmap", KN_SC_MMAP, "task", 0}, /* mmap2: the same arguments, offset in pages */
	{193, "truncate", KN_SC_TRUNCATE64, "trunc", 0},
	{194, "ftruncate", KN_SC_FTRUNCATE64, "trunc", 0},
	{198, "lchown", KN_SC_LCHOWN, "attr", 0},
	{207, "fchown", KN_SC_FCHOWN, "attr", 0},
	{212, "chown", KN_SC_CHOWN, "attr", 0},
	{226, "setxattr", KN_SC_SETXATTR, "attr", 0},
	{227, "lsetxattr", KN_SC_LSETXATTR, "attr", 0},
	{228, "fsetxattr", KN_SC_FSETXATTR, "attr", 0},
	{238, "tkill", KN_SC_TKILL, "task", 0},
	{239, "sendfile64", KN_SC_SENDFILE, "rw", 0},
	{270, "tgkill", KN_SC_TGKILL, "task", 0},
	{271, "utimes", KN_SC_UTIMES, "times", 0}, /* utimes_time32 */
	{295, "openat", KN_SC_OPENAT, "open", 0},
	{297, "mknodat", KN_SC_MKNODAT, "path", 0},
	{298, "fchownat", KN_SC_FCHOWNAT, "attr", 0},
	{299, "futimesat", KN_SC_FUTIMESAT, "times", 0}, /* futimesat_time32 */
	{301, "unlinkat", KN_SC_UNLINKAT, "path", 0},
	{302, "renameat", KN_SC_RENAMEAT, "path", 0},
	{303, "linkat", KN_SC_LINKAT, "link", 0},
	{304, "symlinkat", KN_SC_SYMLINKAT, "link", 0},
	{306, "fchmodat", KN_SC_FCHMODAT, "attr", 0},
	{313, "splice", KN_SC_SPLICE, "rw", 0},
	{320, "utimensat", KN_SC_UTIMENSAT_TIME32, "times", 0}, /* utimensat_time32 */
	{333, "preadv", KN_SC_PREADV, "rw", 0},
	{334, "pwritev", KN_SC_PWRITEV, "rw", 0},
	{335, "rt_tgsigqueueinfo", KN_SC_RT_TGSIGQUEUEINFO, "task", 0},
	{347, "process_vm_readv", KN_SC_PROCESS_VM_READV, "task", 0},
	{348, "process_vm_writev", KN_SC_PROCESS_VM_WRITEV, "task", 0},
	{350, "finit_module", KN_SC_FINIT_MODULE, "kernel", 0},
	{353, "renameat2", KN_SC_RENAMEAT2, "path", 0},
	{356, "memfd_create", KN_SC_MEMFD_CREATE, "task", 0},
	{357, "bpf", KN_SC_BPF, "kernel", 0},
	{362, "connect", KN_SC_CONNECT, "conn", 0},
	{364, "accept4", KN_SC_ACCEPT4, "conn", 0},
	{369, "sendto", KN_SC_SENDTO, "msg", 0},
	{370, "sendmsg", KN_SC_SENDMSG, "msg", 0}, /* a compat_msghdr */
	{371, "recvfrom", KN_SC_RECVFROM, "msg", 0},
	{377, "copy_file_range", KN_SC_COPY_FILE_RANGE, "rw", 0},
	{378, "preadv2", KN_SC_PREADV2, "rw", 0},
	{379, "pwritev2", KN_SC_PWRITEV2, "rw", 0},
	{380, "pkey_mprotect", KN_SC_PKEY_MPROTECT, "task", 0},
	{412, "utimensat", KN_SC_UTIMENSAT, "times", 0}, /* utimensat_time64: 64-bit timespecs */
	{424, "pidfd_send_signal", KN_SC_PIDFD_SEND_SIGNAL, "task", 0},
	{437, "openat2", KN_SC_OPENAT2, "open", 0},
	{452, "fchmodat2", KN_SC_FCHMODAT2, "attr", 0},
	{463, "setxattrat", KN_SC_SETXATTRAT, "attr", 0},
	{KN_IA32_SOCKETCALL + 3, "connect", KN_SC_CONNECT, "conn", 0}, /* SYS_CONNECT */
	{KN_IA32_SOCKETCALL + 5, "accept", KN_SC_ACCEPT, "conn", 0}, /* SYS_ACCEPT */
	{KN_IA32_SOCKETCALL + 9, "sendto", KN_SC_SENDTO, "msg", 0}, /* SYS_SEND: no address */
	{KN_IA32_SOCKETCALL + 10, "recvfrom", KN_SC_RECVFROM, "msg", 0}, /* SYS_RECV: no address */
	{KN_IA32_SOCKETCALL + 11, "sendto", KN_SC_SENDTO, "msg", 0}, /* SYS_SENDTO */
	{KN_IA32_SOCKETCALL + 12, "recvfrom", KN_SC_RECVFROM, "msg", 0}, /* SYS_RECVFROM */
	{KN_IA32_SOCKETCALL + 16, "sendmsg", KN_SC_SENDMSG, "msg", 0}, /* SYS_SENDMSG */
	{KN_IA32_SOCKETCALL + 18, "accept4", KN_SC_ACCEPT4, "conn", 0}, /* SYS_ACCEPT4 */
};

const struct ia32_syscall *ia32_syscalls(size_t *n)
{
#if defined(__x86_64__)
	*n = sizeof(table) / sizeof(table[0]);
#else
	*n = 0;
#endif
	return table;
}
