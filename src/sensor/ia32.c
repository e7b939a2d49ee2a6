#include "sensor/ia32.h"

#include "kunai/wire.h"

/* Numbers from the kernel's arch/x86/entry/syscalls/syscall_32.tbl.
 * Left out: the socketcall multiplexer (102), old_mmap (90), and the calls
 * whose 32-bit structures differ (sendmsg, recvmsg, recvmmsg, readv's
 * iovec is not read). The 16-bit-id chown calls report their 16-bit ids.
 * close (6) is seen at its entry: kn_ia32_enter_close. */
static const struct ia32_syscall table[] = {
	{3, "read", KN_SC_READ},
	{4, "write", KN_SC_WRITE},
	{5, "open", KN_SC_OPEN},
	{8, "creat", KN_SC_CREAT},
	{10, "unlink", KN_SC_UNLINK},
	{14, "mknod", KN_SC_MKNOD},
	{15, "chmod", KN_SC_CHMOD},
	{16, "lchown", KN_SC_LCHOWN}, /* lchown16 */
	{21, "mount", KN_SC_MOUNT},
	{26, "ptrace", KN_SC_PTRACE},
	{37, "kill", KN_SC_KILL},
	{38, "rename", KN_SC_RENAME},
	{94, "fchmod", KN_SC_FCHMOD},
	{95, "fchown", KN_SC_FCHOWN}, /* fchown16 */
	{125, "mprotect", KN_SC_MPROTECT},
	{128, "init_module", KN_SC_INIT_MODULE},
	{145, "readv", KN_SC_READV},
	{146, "writev", KN_SC_WRITEV},
	{172, "prctl", KN_SC_PRCTL},
	{180, "pread64", KN_SC_PREAD64},
	{181, "pwrite64", KN_SC_PWRITE64},
	{182, "chown", KN_SC_CHOWN}, /* chown16 */
	{192, "mmap", KN_SC_MMAP}, /* mmap2: the same arguments, offset in pages */
	{198, "lchown", KN_SC_LCHOWN},
	{207, "fchown", KN_SC_FCHOWN},
	{212, "chown", KN_SC_CHOWN},
	{226, "setxattr", KN_SC_SETXATTR},
	{227, "lsetxattr", KN_SC_LSETXATTR},
	{228, "fsetxattr", KN_SC_FSETXATTR},
	{238, "tkill", KN_SC_TKILL},
	{270, "tgkill", KN_SC_TGKILL},
	{295, "openat", KN_SC_OPENAT},
	{297, "mknodat", KN_SC_MKNODAT},
	{298, "fchownat", KN_SC_FCHOWNAT},
	{301, "unlinkat", KN_SC_UNLINKAT},
	{302, "renameat", KN_SC_RENAMEAT},
	{306, "fchmodat", KN_SC_FCHMODAT},
	{333, "preadv", KN_SC_PREADV},
	{334, "pwritev", KN_SC_PWRITEV},
	{350, "finit_module", KN_SC_FINIT_MODULE},
	{353, "renameat2", KN_SC_RENAMEAT2},
	{356, "memfd_create", KN_SC_MEMFD_CREATE},
	{357, "bpf", KN_SC_BPF},
	{362, "connect", KN_SC_CONNECT},
	{364, "accept4", KN_SC_ACCEPT4},
	{366, "setsockopt", KN_SC_SETSOCKOPT},
	{369, "sendto", KN_SC_SENDTO},
	{371, "recvfrom", KN_SC_RECVFROM},
	{378, "preadv2", KN_SC_PREADV2},
	{379, "pwritev2", KN_SC_PWRITEV2},
	{380, "pkey_mprotect", KN_SC_PKEY_MPROTECT},
	{437, "openat2", KN_SC_OPENAT2},
	{452, "fchmodat2", KN_SC_FCHMODAT2},
	{463, "setxattrat", KN_SC_SETXATTRAT},
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
