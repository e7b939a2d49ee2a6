/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef KN_BPF_OBJECT_H
#define KN_BPF_OBJECT_H
/*
 * The object tier, where the kernel allows fentry: the kernel's security
 * hooks for path operations give the paths the kernel resolved (its
 * dentries and mounts); those for signals and ptrace, the task reached;
 * those for connect and send, the peer address the kernel copied. Each program replaces the name a syscall's entry
 * read from the caller's memory (kn_names) with that path; the syscall's
 * exit (its tracepoint, or its 32-bit form) reports it with the result.
 * Nothing of the name is then read from user memory at the exit: no
 * racing rewrite, no lexical "..", the directory the kernel used.
 * Userland loads these only where a probe of fentry succeeds.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kunai/wire.h"
#include "lib/compat.h"
#include "lib/maps.h"
#include "lib/path.h"
#include "lib/sys.h"
#include "kernel.bpf.h"

/* A hook argument as a plain value (the verifier types it as a kernel
 * object, which a global function such as the path walker does not take). */
static __always_inline void *plain(const void *p)
{
	void *v = NULL;

	bpf_probe_read_kernel(&v, sizeof(v), &p);
	return v;
}

/* The names of the running syscall, when it is one of sc1..sc3; a 32-bit
 * call has no entry program: its names start here (sc 0), taken at its
 * exit. */
static __always_inline struct kn_names *obj_names(u32 sc1, u32 sc2, u32 sc3)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_names *nm = bpf_map_lookup_elem(&kn_names, &id);

	if (!nm && in_ia32_syscall())
		nm = names_start_ia32(id);
	/* sc 0: started here for a 32-bit call (by this hook or another) */
	if (!nm || (nm->sc != sc1 && nm->sc != sc2 && nm->sc != sc3 && !(nm->sc == 0 && in_ia32_syscall())))
		return NULL;
	return nm;
}

/* Name `slot` (0 or 1) is the kernel's: its walk's flags above bit 0. */
static __always_inline void obj_resolved(struct kn_names *nm, int slot, u32 len, u32 flags)
{
	nm->len[slot & 1] = len + 1;
	nm->resolved &= ~(0xffU << ((slot & 1) * 8));
	nm->resolved |= (1U | ((flags & (KN_TRUNCATED | KN_PATH_ERROR)) << 1)) << ((slot & 1) * 8);
}

/* Name `slot` of the running syscall, when it is one of sc1..sc3, is the
 * path of (dentry, mnt). */
static __always_inline int obj_name(int slot, struct dentry *dentry, struct vfsmount *mnt, u32 sc1, u32 sc2, u32 sc3)
{
	struct kn_names *nm;
	u32 flags = 0, len;

	if (!dentry || !mnt)
		return 0;
	nm = obj_names(sc1, sc2, sc3);
	if (!nm)
		return 0;
	len = path_resolve(nm->s[slot & 1], dentry, mnt, &flags);
	obj_resolved(nm, slot, len, flags);
	return 0;
}

SEC("fentry/security_path_unlink")
int BPF_PROG(kn_obj_unlink, const struct path *dir, struct dentry *dentry)
{
	return obj_name(0, plain(dentry), BPF_CORE_READ(dir, mnt), KN_SC_UNLINK, KN_SC_UNLINKAT, KN_SC_UNLINKAT);
}

SEC("fentry/security_path_rename")
int BPF_PROG(kn_obj_rename, const struct path *old_dir, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry)
{
	obj_name(0, plain(old_dentry), BPF_CORE_READ(old_dir, mnt), KN_SC_RENAME, KN_SC_RENAMEAT, KN_SC_RENAMEAT2);
	return obj_name(1, plain(new_dentry), BPF_CORE_READ(new_dir, mnt), KN_SC_RENAME, KN_SC_RENAMEAT,
			KN_SC_RENAMEAT2);
}

SEC("fentry/security_path_chmod")
int BPF_PROG(kn_obj_chmod, const struct path *path)
{
	return obj_name(0, BPF_CORE_READ(path, dentry), BPF_CORE_READ(path, mnt), KN_SC_CHMOD, KN_SC_FCHMODAT,
			KN_SC_FCHMODAT2);
}

SEC("fentry/security_path_chown")
int BPF_PROG(kn_obj_chown, const struct path *path)
{
	return obj_name(0, BPF_CORE_READ(path, dentry), BPF_CORE_READ(path, mnt), KN_SC_CHOWN, KN_SC_LCHOWN,
			KN_SC_FCHOWNAT);
}

SEC("fentry/security_path_mknod")
int BPF_PROG(kn_obj_mknod, const struct path *dir, struct dentry *dentry)
{
	return obj_name(0, plain(dentry), BPF_CORE_READ(dir, mnt), KN_SC_MKNOD, KN_SC_MKNODAT, KN_SC_MKNODAT);
}

/* mount: the target, and the kernel's copies of the source and the file
 * system type (names slot 1: the source in its first half, the type in
 * its second; KN_NAMES_MOUNT_STRS, their lengths in len[1] and base[1]). */
SEC("fentry/security_sb_mount")
int BPF_PROG(kn_obj_mount, const char *dev_name, const struct path *path, const char *type)
{
	struct kn_names *nm = obj_names(KN_SC_MOUNT, KN_SC_MOUNT, KN_SC_MOUNT);
	long n;

	if (nm) {
		n = dev_name ? bpf_probe_read_kernel_str(nm->s[1], KN_MOUNT_STR, plain(dev_name)) : 0;
		nm->len[1] = n > 0 ? n : 0;
		n = type ? bpf_probe_read_kernel_str(nm->s[1] + KN_MOUNT_STR, KN_MOUNT_STR, plain(type)) : 0;
		nm->base[1] = n > 0 ? n : 0;
		nm->resolved |= KN_NAMES_MOUNT_STRS;
	}
	return obj_name(0, BPF_CORE_READ(path, dentry), BPF_CORE_READ(path, mnt), KN_SC_MOUNT, KN_SC_MOUNT,
			KN_SC_MOUNT);
}

SEC("fentry/security_path_truncate")
int BPF_PROG(kn_obj_truncate, const struct path *path)
{
	return obj_name(0, BPF_CORE_READ(path, dentry), BPF_CORE_READ(path, mnt), KN_SC_TRUNCATE, KN_SC_TRUNCATE64,
			KN_SC_TRUNCATE);
}

SEC("fentry/security_path_link")
int BPF_PROG(kn_obj_link, struct dentry *old_dentry, const struct path *new_dir, struct dentry *new_dentry)
{
	/* a hard link stays on its file's mount */
	obj_name(0, plain(old_dentry), BPF_CORE_READ(new_dir, mnt), KN_SC_LINK, KN_SC_LINKAT, KN_SC_LINKAT);
	return obj_name(1, plain(new_dentry), BPF_CORE_READ(new_dir, mnt), KN_SC_LINK, KN_SC_LINKAT, KN_SC_LINKAT);
}

SEC("fentry/security_path_symlink")
int BPF_PROG(kn_obj_symlink, const struct path *dir, struct dentry *dentry, const char *old_name)
{
	struct kn_names *nm = obj_names(KN_SC_SYMLINK, KN_SC_SYMLINKAT, KN_SC_SYMLINKAT);
	long n;

	if (!nm)
		return 0;
	/* the target: the kernel's copy of the caller's string */
	n = bpf_probe_read_kernel_str(nm->s[0], KN_PATH_MAX, plain(old_name));
	if (n > 0)
		obj_resolved(nm, 0, n - 1, n == KN_PATH_MAX ? KN_TRUNCATED : 0);
	return obj_name(1, plain(dentry), BPF_CORE_READ(dir, mnt), KN_SC_SYMLINK, KN_SC_SYMLINKAT, KN_SC_SYMLINKAT);
}

/* A module's parameters: the kernel's copy (the first string a module
 * load copies from its caller; parsing later cuts it up). */
SEC("fexit/strndup_user")
int BPF_PROG(kn_obj_modargs, const char *s, long n, char *ret)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_names *nm = bpf_map_lookup_elem(&kn_names, &id);
	long r;

	/* (a 32-bit load has no entry here: its parameters are read at its
	 * exit, unconfirmed) */
	if (!nm || (nm->sc != KN_SC_INIT_MODULE && nm->sc != KN_SC_FINIT_MODULE) || (nm->resolved & 1) || !ret ||
	    (unsigned long)ret >= (unsigned long)-4095)
		return 0;
	r = bpf_probe_read_kernel_str(nm->s[0], KN_PATH_MAX, plain(ret));
	if (r > 0)
		obj_resolved(nm, 0, r - 1, r == KN_PATH_MAX ? KN_TRUNCATED : 0);
	return 0;
}

/* utime, utimes, futimesat and utimensat: the file, and the times as the
 * kernel has them (timespec64s; none: now). */
SEC("fentry/vfs_utimes")
int BPF_PROG(kn_obj_utimes, const struct path *path, struct timespec64 *times)
{
	struct kn_names *nm = obj_names(KN_SC_UTIMES, KN_SC_UTIMENSAT, KN_SC_FUTIMESAT);

	if (!nm) {
		nm = obj_names(KN_SC_UTIME, KN_SC_UTIME, KN_SC_UTIMENSAT_TIME32);
		if (!nm)
			return 0;
	}
	/* utimensat(fd, NULL, ...) takes the fd's file: its exit reads it */
	if (nm->len[0] || nm->sc == 0)
		obj_name(0, BPF_CORE_READ(path, dentry), BPF_CORE_READ(path, mnt), nm->sc, nm->sc, nm->sc);
	/* the kernel's times (none: now); unread, the exit checks the
	 * caller's as without this hook */
	if (times) {
		u64 t[4];

		if (bpf_probe_read_kernel(t, sizeof(t), plain(times)))
			return 0;
		__builtin_memcpy(nm->s[1], t, sizeof(t));
	}
	nm->len[1] = times ? 33 : 1;
	nm->resolved |= 1U << 8;
	return 0;
}

/* The task a kill or ptrace call reaches, as the kernel found it, even
 * when the kernel refuses (the tracepoint tier sees only a signal sent or
 * a tracee made): kn_target, reported by the call's exit (task.bpf.h). */
SEC("fentry/security_task_kill")
int BPF_PROG(kn_obj_kill, struct task_struct *p)
{
	u32 sc = target_call();

	if (sc && sc != KN_SC_PTRACE && sc != KN_SC_PROCESS_VM_READV && sc != KN_SC_PROCESS_VM_WRITEV)
		target_keep(p);
	return 0;
}

SEC("fentry/security_ptrace_access_check")
int BPF_PROG(kn_obj_ptrace, struct task_struct *child)
{
	u32 sc = target_call();

	/* ptrace, and process_vm_readv/writev (which ask for ptrace access) */
	if (sc == KN_SC_PTRACE || sc == KN_SC_PROCESS_VM_READV || sc == KN_SC_PROCESS_VM_WRITEV)
		target_keep(child);
	return 0;
}

/* The address a connect, sendto or sendmsg gave, as the kernel copied it
 * (kn_peer, reported by the call's exit in net.bpf.h). */
SEC("fentry/security_socket_connect")
int BPF_PROG(kn_obj_connect, struct socket *sock, struct sockaddr *address, int addrlen)
{
	if (kn_current_call() == KN_SC_CONNECT) {
		peer_keep(plain(address), addrlen, 0);
		used_keep(KN_USED_SOCK, KN_SC_CONNECT, -1, BPF_CORE_READ(sock, file), 1);
	}
	return 0;
}

SEC("fentry/security_socket_sendmsg")
int BPF_PROG(kn_obj_sendmsg, struct socket *sock, struct msghdr *msg)
{
	u32 sc = kn_current_call();

	if (sc == KN_SC_SENDTO || sc == KN_SC_SENDMSG) {
		peer_keep(BPF_CORE_READ(msg, msg_name), BPF_CORE_READ(msg, msg_namelen), 0);
		used_keep(KN_USED_SOCK, sc, -1, BPF_CORE_READ(sock, file), 1);
	}
	return 0;
}

/* The file a call installed at a new fd (open, accept, bpf: their exits
 * report the fd they return, which another thread may rebind before the
 * exit reads it), mapped (mmap), or loaded a module from (finit_module):
 * the kernel's own, kept for the call's exit (sys.h used_file). */
SEC("fentry/fd_install")
int BPF_PROG(kn_obj_install, unsigned int fd, struct file *file)
{
	/* (only in the calls whose new fd is reported: every process
	 * installs fds all the time) */
	if (install_call())
		used_keep(KN_USED_INSTALL, 0, fd, plain(file), 1);
	return 0;
}

SEC("fentry/security_mmap_file")
int BPF_PROG(kn_obj_mmap, struct file *file, unsigned long prot)
{
	if (prot & 0x4) /* PROT_EXEC */
		used_keep(KN_USED_MMAP, KN_SC_MMAP, -1, plain(file), 1);
	return 0;
}

SEC("fentry/security_kernel_read_file")
int BPF_PROG(kn_obj_modfile, struct file *file, enum kernel_read_file_id id)
{
	if (id == bpf_core_enum_value(enum kernel_read_file_id, READING_MODULE))
		used_keep(KN_USED_MODULE, KN_SC_FINIT_MODULE, -1, plain(file), 1);
	return 0;
}

#endif
