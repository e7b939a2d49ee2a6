#include "sensor/ia32.h"

#include "kunai/wire.h"

/* Numbers from the kernel's arch/x86/entry/syscalls/syscall_32.tbl.
 * Left out: the socketcall multiplexer (102), old_mmap (90), and the calls
 * whose 32-bit structures differ (sendmsg, recvmsg, recvmmsg, readv's
 * iovec is not read). The 16-bit-id chown calls report their 16-bit ids.
 * close (6) is seen at its entry: kn_ia32_enter_close. */
static const struct ia32_syscall table[] = {
	{3, "read", KN_SC_READ, "rw"},
	{4, "write", KN_SC_WRITE, "rw"},
	{5, "open", KN_SC_OPEN, "path"},
	{8, "creat", KN_SC_CREAT, "path"},
	{10, "unlink", KN_SC_UNLINK, "path"},
	{14, "mknod", KN_SC_MKNOD, "path"},
	{15, "chmod", KN_SC_CHMOD, "attr"},
	{16, "lchown", KN_SC_LCHOWN, "attr"}, /* lchown16 */
	{21, "mount", KN_SC_MOUNT, "path"},
	{26, "ptrace", KN_SC_PTRACE, "task"},
	{37, "kill", KN_SC_KILL, "task"},
	{38, "rename", KN_SC_RENAME, "path"},
	{94, "fchmod", KN_SC_FCHMOD, "attr"},
	{95, "fchown", KN_SC_FCHOWN, "attr"}, /* fchown16 */
	{125, "mprotect", KN_SC_MPROTECT, "task"},
	{128, "init_module", KN_SC_INIT_MODULE, "kernel"},
	{145, "readv", KN_SC_READV, "rw"},
	{146, "writev", KN_SC_WRITEV, "rw"},
	{172, "prctl", KN_SC_PRCTL, "task"},
	{180, "pread64", KN_SC_PREAD64, "rw"},
	{181, "pwrite64", KN_SC_PWRITE64, "rw"},
	{182, "chown", KN_SC_CHOWN, "attr"}, /* chown16 */
	{192, "mmap", KN_SC_MMAP, "task"}, /* mmap2: the same arguments, offset in pages */
	{198, "lchown", KN_SC_LCHOWN, "attr"},
	{207, "fchown", KN_SC_FCHOWN, "attr"},
	{212, "chown", KN_SC_CHOWN, "attr"},
	{226, "setxattr", KN_SC_SETXATTR, "attr"},
	{227, "lsetxattr", KN_SC_LSETXATTR, "attr"},
	{228, "fsetxattr", KN_SC_FSETXATTR, "attr"},
	{238, "tkill", KN_SC_TKILL, "task"},
	{270, "tgkill", KN_SC_TGKILL, "task"},
	{295, "openat", KN_SC_OPENAT, "path"},
	{297, "mknodat", KN_SC_MKNODAT, "path"},
	{298, "fchownat", KN_SC_FCHOWNAT, "attr"},
	{301, "unlinkat", KN_SC_UNLINKAT, "path"},
	{302, "renameat", KN_SC_RENAMEAT, "path"},
	{306, "fchmodat", KN_SC_FCHMODAT, "attr"},
	{333, "preadv", KN_SC_PREADV, "rw"},
	{334, "pwritev", KN_SC_PWRITEV, "rw"},
	{350, "finit_module", KN_SC_FINIT_MODULE, "kernel"},
	{353, "renameat2", KN_SC_RENAMEAT2, "path"},
	{356, "memfd_create", KN_SC_MEMFD_CREATE, "task"},
	{357, "bpf", KN_SC_BPF, "kernel"},
	{362, "connect", KN_SC_CONNECT, "conn"},
	{364, "accept4", KN_SC_ACCEPT4, "conn"},
	{366, "setsockopt", KN_SC_SETSOCKOPT, "kernel"},
	{369, "sendto", KN_SC_SENDTO, "msg"},
	{371, "recvfrom", KN_SC_RECVFROM, "msg"},
	{378, "preadv2", KN_SC_PREADV2, "rw"},
	{379, "pwritev2", KN_SC_PWRITEV2, "rw"},
	{380, "pkey_mprotect", KN_SC_PKEY_MPROTECT, "task"},
	{437, "openat2", KN_SC_OPENAT2, "path"},
	{452, "fchmodat2", KN_SC_FCHMODAT2, "attr"},
	{463, "setxattrat", KN_SC_SETXATTRAT, "attr"},
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
