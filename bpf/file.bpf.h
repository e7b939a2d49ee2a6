/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef KN_BPF_FILE_H
#define KN_BPF_FILE_H
/* Files: create, rename, unlink, read/write (first per process and file),
 * write_close, chmod, chown, setxattr, mount. Per-syscall tracepoints. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kunai/wire.h"
#include "lib/maps.h"
#include "lib/sys.h"

#define FMODE_CREATED (1U << 20)
#define O_CREAT 0100
#define O_TRUNC 01000
#define KN_MNT_INTERNAL 0x4000
#define AT_REMOVEDIR 0x200
#define KN_EEXIST 17

/* ---- process_memory by open of /proc/PID/mem ------------------------ */

#define KN_PROC_SUPER_MAGIC 0x9fa0
#define KN_FMODE_READ 0x1
#define KN_FMODE_WRITE 0x2

/* f, just opened, is a task's memory (/proc/PID/mem, /proc/PID/task/TID/
 * mem): the event, with the task the file stands for (the kernel's proc
 * inode, whatever the caller named) and the access it was opened for. */
static __always_inline int proc_mem_open(struct kn_args *st, long ret, struct file *f)
{
	struct inode *ino = BPF_CORE_READ(f, f_inode);
	struct dentry *d;
	struct pid *pid;
	struct hlist_node *first;
	struct kn_sys *e;
	char name[4] = {};
	u32 mode;

	if (BPF_CORE_READ(ino, i_sb, s_magic) != KN_PROC_SUPER_MAGIC)
		return 0;
	d = BPF_CORE_READ(f, f_path.dentry);
	if (BPF_CORE_READ(d, d_name.len) != 3)
		return 0;
	bpf_probe_read_kernel(name, 3, BPF_CORE_READ(d, d_name.name));
	if (name[0] != 'm' || name[1] != 'e' || name[2] != 'm')
		return 0;
	e = sys_begin(KN_PROCESS_MEMORY, st, ret);
	if (!e)
		return 0;
	pid = BPF_CORE_READ((struct proc_inode *)((void *)ino - bpf_core_field_offset(struct proc_inode, vfs_inode)),
			    pid);
	first = pid ? BPF_CORE_READ(pid, tasks[0].first) : NULL;
	if (first) {
		struct task_struct *t =
			(struct task_struct *)((void *)first - bpf_core_field_offset(struct task_struct, pid_links));

		e->target.ids = BPF_CORE_READ(t, tgid) | ((u64)BPF_CORE_READ(t, pid) << 32);
		e->target.start = BPF_CORE_READ(t, group_leader, start_boottime);
		e->target.kind = KN_TARGET_TASK;
	}
	mode = BPF_CORE_READ(f, f_mode);
	e->target.access = (mode & KN_FMODE_READ ? 1 : 0) | (mode & KN_FMODE_WRITE ? 2 : 0);
	sys_put_file(e, &e->str[0], f);
	sys_emit(e);
	return 0;
}

/* ---- file_create, file_truncate by open ------------------------------ */

static __always_inline int open_exit(struct kn_args *st, long ret)
{
	struct open_how how = {};
	struct kn_sys *e;
	struct file *f;
	u64 flags;
	u32 fl = 0;
	int created;

	if (ret < 0)
		return 0;
	/* Only an open that may create or truncate is worth a look at its
	 * file. */
	switch (st->sc) {
	case KN_SC_OPEN: flags = st->args[1]; break;
	case KN_SC_OPENAT: flags = st->args[2]; break;
	case KN_SC_OPENAT2:
		bpf_probe_read_user(&how, sizeof(how.flags), (void *)st->args[2]);
		flags = how.flags;
		break;
	default: /* creat */ flags = O_CREAT | O_TRUNC;
	}
	if (!(flags & (O_CREAT | O_TRUNC))) {
		if (!kn_enabled(KN_PROCESS_MEMORY))
			return 0;
		f = used_file(KN_USED_INSTALL, 0, ret, &fl);
		return f ? proc_mem_open(st, ret, f) : 0;
	}
	/* the file the kernel opened (the object tier saw it installed; the
	 * fd may hold another by now) */
	f = used_file(KN_USED_INSTALL, 0, ret, &fl);
	if (!f)
		return 0;
	created = (BPF_CORE_READ(f, f_mode) & FMODE_CREATED) != 0;
	if (created && kn_enabled(KN_FILE_CREATE)) {
		e = sys_begin(KN_FILE_CREATE, st, ret);
		if (!e)
			return 0;
		sys_put_file(e, &e->str[0], f);
		e->str[0].flags |= fl;
		e->create.mode = file_mode(f);
		sys_emit(e);
	} else if (!created && (flags & O_TRUNC) && (file_mode(f) & KN_S_IFMT) == KN_S_IFREG &&
		   kn_enabled(KN_FILE_TRUNCATE)) {
		/* an existing file opened with O_TRUNC: emptied (`: > log`) */
		e = sys_begin(KN_FILE_TRUNCATE, st, ret);
		if (!e)
			return 0;
		sys_put_file(e, &e->str[0], f);
		e->str[0].flags |= fl;
		e->truncate.size = 0; /* the new size */
		sys_emit(e);
	}
	return 0;
}

SYS_EXIT(openat, KN_SC_OPENAT, 4, KN_FILE_CREATE, open_exit)
SYS_EXIT(open, KN_SC_OPEN, 3, KN_FILE_CREATE, open_exit)
SYS_EXIT(openat2, KN_SC_OPENAT2, 4, KN_FILE_CREATE, open_exit)
SYS_EXIT(creat, KN_SC_CREAT, 2, KN_FILE_CREATE, open_exit)

/* ---- file_truncate -------------------------------------------------- */

/* truncate(path, length), ftruncate(fd, length); 32-bit truncate64 and
 * ftruncate64 take the length in two registers. truncate.size: the new size.
 * Files of kernel-internal mounts (memfd, anonymous shared memory), sized
 * by ftruncate all the time, are left out. */
static __always_inline int truncate_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;
	struct file *f = NULL;
	u64 len = st->args[1];
	u32 fl = 0;

	if (st->sc == KN_SC_TRUNCATE64 || st->sc == KN_SC_FTRUNCATE64)
		len = (u32)st->args[1] | (st->args[2] << 32);
	if (st->sc == KN_SC_FTRUNCATE || st->sc == KN_SC_FTRUNCATE64) {
		/* the file the fd held at the entry: it may hold another now */
		f = used_file(KN_USED_ATTR, st->sc, (long)(int)st->args[0], &fl);
		if (f && (BPF_CORE_READ(f, f_path.mnt, mnt_flags) & KN_MNT_INTERNAL))
			return 0;
	}
	e = sys_begin(KN_FILE_TRUNCATE, st, ret);
	if (!e)
		return 0;
	if (st->sc == KN_SC_FTRUNCATE || st->sc == KN_SC_FTRUNCATE64) {
		sys_put_file(e, &e->str[0], f);
		e->str[0].flags |= fl;
	} else
		sys_put_at(e, 0, KN_AT_FDCWD, (const char *)st->args[0]);
	e->truncate.size = len;
	sys_emit(e);
	return 0;
}

SYS_EXIT_NAMED(truncate, KN_SC_TRUNCATE, 2, KN_FILE_TRUNCATE, truncate_exit, -1, 0, -1, -1)
SYS_EXIT(ftruncate, KN_SC_FTRUNCATE, 2, KN_FILE_TRUNCATE, truncate_exit)

/* The file an attribute change's fd argument holds at the call's entry,
 * for its exit to compare (used_file): another thread may rebind the fd
 * (dup2) while the call runs. */
static __always_inline int attr_fd_keep(u32 sc, long fd)
{
	used_keep(KN_USED_ATTR, sc, (int)fd, (int)fd >= 0 ? fd_file((int)fd) : NULL, 0);
	return 0;
}

#define ATTR_FD_KEEP(name, sc)                                    \
	SEC("tp/syscalls/sys_enter_" #name)                       \
	int kn_fdin_##name(struct trace_event_raw_sys_enter *ctx) \
	{                                                         \
		return attr_fd_keep(sc, ctx->args[0]);            \
	}

ATTR_FD_KEEP(ftruncate, KN_SC_FTRUNCATE)
ATTR_FD_KEEP(fchmod, KN_SC_FCHMOD)
ATTR_FD_KEEP(fchown, KN_SC_FCHOWN)
ATTR_FD_KEEP(fsetxattr, KN_SC_FSETXATTR)

static __always_inline int mknod_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;
	long dfd = KN_AT_FDCWD;
	const char *name;
	u64 mode;

	if (ret < 0)
		return 0;
	if (st->sc == KN_SC_MKNODAT) {
		dfd = (long)st->args[0];
		name = (const char *)st->args[1];
		mode = st->args[2];
	} else {
		name = (const char *)st->args[0];
		mode = st->args[1];
	}
	/* a regular file: S_IFREG, or no type at all */
	if ((mode & KN_S_IFMT) != 0 && (mode & KN_S_IFMT) != KN_S_IFREG)
		return 0;
	e = sys_begin(KN_FILE_CREATE, st, ret);
	if (!e)
		return 0;
	sys_put_at(e, 0, dfd, name);
	e->create.mode = mode;
	sys_emit(e);
	return 0;
}

SYS_EXIT_NAMED(mknod, KN_SC_MKNOD, 3, KN_FILE_CREATE, mknod_exit, -1, 0, -1, -1)
SYS_EXIT_NAMED(mknodat, KN_SC_MKNODAT, 4, KN_FILE_CREATE, mknod_exit, 0, 1, -1, -1)

/* ---- file_rename ---------------------------------------------------- */

static __always_inline int rename_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;

	e = sys_begin(KN_FILE_RENAME, st, ret);
	if (!e)
		return 0;
	if (st->sc == KN_SC_RENAME) {
		sys_put_at(e, 0, KN_AT_FDCWD, (const char *)st->args[0]);
		sys_put_at(e, 2, KN_AT_FDCWD, (const char *)st->args[1]);
	} else {
		sys_put_at(e, 0, (long)st->args[0], (const char *)st->args[1]);
		sys_put_at(e, 2, (long)st->args[2], (const char *)st->args[3]);
	}
	sys_emit(e);
	return 0;
}

SYS_EXIT_NAMED(rename, KN_SC_RENAME, 2, KN_FILE_RENAME, rename_exit, -1, 0, -1, 1)
SYS_EXIT_NAMED(renameat, KN_SC_RENAMEAT, 4, KN_FILE_RENAME, rename_exit, 0, 1, 2, 3)
SYS_EXIT_NAMED(renameat2, KN_SC_RENAMEAT2, 5, KN_FILE_RENAME, rename_exit, 0, 1, 2, 3)

/* ---- file_unlink ---------------------------------------------------- */

static __always_inline int unlink_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;

	/* unlinkat(AT_REMOVEDIR) is rmdir, not a file unlink */
	if (st->sc == KN_SC_UNLINKAT && (st->args[2] & AT_REMOVEDIR))
		return 0;

	e = sys_begin(KN_FILE_UNLINK, st, ret);
	if (!e)
		return 0;
	if (st->sc == KN_SC_UNLINK)
		sys_put_at(e, 0, KN_AT_FDCWD, (const char *)st->args[0]);
	else
		sys_put_at(e, 0, (long)st->args[0], (const char *)st->args[1]);
	sys_emit(e);
	return 0;
}

SYS_EXIT_NAMED(unlink, KN_SC_UNLINK, 1, KN_FILE_UNLINK, unlink_exit, -1, 0, -1, -1)
SYS_EXIT_NAMED(unlinkat, KN_SC_UNLINKAT, 3, KN_FILE_UNLINK, unlink_exit, 0, 1, -1, -1)

/* ---- file_link ------------------------------------------------------ */

/* A hard link (str[0..1]: the existing file, base + name) or a symbolic
 * one (str[1]: its target, the bytes the link holds, not a path of this
 * system); str[2..3]: the new link. link.flags: linkat's flags. */
static __always_inline int link_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;

	e = sys_begin(KN_FILE_LINK, st, ret);
	if (!e)
		return 0;
	switch (st->sc) {
	case KN_SC_LINK:
		sys_put_at(e, 0, KN_AT_FDCWD, (const char *)st->args[0]);
		sys_put_at(e, 2, KN_AT_FDCWD, (const char *)st->args[1]);
		break;
	case KN_SC_LINKAT:
		sys_put_at(e, 0, (long)(int)st->args[0], (const char *)st->args[1]);
		sys_put_at(e, 2, (long)(int)st->args[2], (const char *)st->args[3]);
		e->link.flags = st->args[4];
		break;
	case KN_SC_SYMLINK:
		sys_put_slot(e, &e->str[1], (const char *)st->args[0], 0);
		sys_put_at(e, 2, KN_AT_FDCWD, (const char *)st->args[1]);
		break;
	default: /* symlinkat */
		sys_put_slot(e, &e->str[1], (const char *)st->args[0], 0);
		sys_put_at(e, 2, (long)(int)st->args[1], (const char *)st->args[2]);
	}
	sys_emit(e);
	return 0;
}

SYS_FAMILY(link, link_exit)
SYS_EXIT_FAM_NAMED(link, KN_SC_LINK, 2, KN_FILE_LINK, KN_FAM_LINK, -1, 0, -1, 1)
SYS_EXIT_FAM_NAMED(linkat, KN_SC_LINKAT, 5, KN_FILE_LINK, KN_FAM_LINK, 0, 1, 2, 3)
SYS_EXIT_FAM_NAMED(symlink, KN_SC_SYMLINK, 2, KN_FILE_LINK, KN_FAM_LINK, -1, 0, -1, 1)
SYS_EXIT_FAM_NAMED(symlinkat, KN_SC_SYMLINKAT, 3, KN_FILE_LINK, KN_FAM_LINK, -1, 0, 1, 2)

/* ---- file_times ----------------------------------------------------- */

#define KN_UTIME_NOW ((1L << 30) - 1)
#define KN_UTIME_OMIT ((1L << 30) - 2)
#define KN_TIMES_UNCONFIRMED 1 /* args[5] of a file_times record */

/* The bytes of a utimes-family call's times argument: two timespecs
 * (utimensat), two timevals (utimes, futimesat), a utimbuf (utime); 32-bit
 * fields from a 32-bit caller (utimensat_time64 has 64-bit ones). */
static __always_inline u32 times_size(u32 sc, int ia32)
{
	if (sc == KN_SC_UTIMENSAT)
		return 32;
	if (sc == KN_SC_UTIMENSAT_TIME32)
		return 16;
	if (sc == KN_SC_UTIME)
		return ia32 ? 8 : 16;
	return ia32 ? 16 : 32;
}

/* Those bytes as (seconds, nanoseconds) of atime and mtime in e->times. */
static __always_inline void times_decode(struct kn_sys *e, const void *raw, u32 sc, int ia32)
{
	const s64 *w = raw;
	const s32 *h = raw;

	if (sc == KN_SC_UTIME) {
		e->times.atime_sec = ia32 ? h[0] : w[0];
		e->times.mtime_sec = ia32 ? h[1] : w[1];
		e->times.atime_nsec = e->times.mtime_nsec = 0;
		return;
	}
	if (sc == KN_SC_UTIMENSAT || (!ia32 && sc != KN_SC_UTIMENSAT_TIME32)) {
		e->times.atime_sec = w[0];
		e->times.atime_nsec = w[1];
		e->times.mtime_sec = w[2];
		e->times.mtime_nsec = w[3];
	} else {
		e->times.atime_sec = h[0];
		e->times.atime_nsec = h[1];
		e->times.mtime_sec = h[2];
		e->times.mtime_nsec = h[3];
	}
	if (sc != KN_SC_UTIMENSAT && sc != KN_SC_UTIMENSAT_TIME32) {
		/* microseconds */
		e->times.atime_nsec *= 1000;
		e->times.mtime_nsec *= 1000;
	}
}

/* utime(name, times), utimes(name, times), futimesat(dfd, name, times),
 * utimensat(dfd, name, times, flags), where a NULL name is the dfd's file
 * (futimens). The times: the kernel's copy (the object tier), else the
 * entry's copy checked against the caller's memory now (args[5]:
 * KN_TIMES_UNCONFIRMED when they differ or were not read at entry); no
 * times is "now" for both. */
static __always_inline int times_exit(struct kn_args *st, long ret)
{
	u64 id = bpf_get_current_pid_tgid();
	int ia32 = in_ia32_syscall();
	u32 sc = st->sc, size = times_size(sc, ia32) & 63;
	int at = sc == KN_SC_FUTIMESAT || sc == KN_SC_UTIMENSAT || sc == KN_SC_UTIMENSAT_TIME32;
	const void *name = (const void *)st->args[at ? 1 : 0];
	const void *times = (const void *)st->args[at ? 2 : 1];
	struct kn_names *nm;
	struct kn_sys *e;
	u64 now[4] = {};

	e = sys_begin(KN_FILE_TIMES, st, ret);
	if (!e)
		return 0;
	nm = bpf_map_lookup_elem(&kn_names, &id);
	if (nm && ((nm->sc ? nm->sc != sc : !ia32) || !nm->len[1]))
		nm = NULL;
	if (nm && (nm->resolved >> 8) & 1) {
		/* the kernel's timespec64s; none: now */
		if (nm->len[1] > 1)
			times_decode(e, nm->s[1], KN_SC_UTIMENSAT, 0);
		else
			e->times.atime_nsec = e->times.mtime_nsec = KN_UTIME_NOW;
	} else if (!times) {
		e->times.atime_nsec = e->times.mtime_nsec = KN_UTIME_NOW;
	} else {
		if (bpf_probe_read_user(now, size, times))
			e->args[5] |= KN_TIMES_UNCONFIRMED;
		if (nm && nm->len[1] == size + 1) {
			times_decode(e, nm->s[1], sc, ia32);
			const u64 *kept = (const u64 *)nm->s[1];

			if (kept[0] != now[0] || kept[1] != now[1] || kept[2] != now[2] || kept[3] != now[3])
				e->args[5] |= KN_TIMES_UNCONFIRMED;
		} else {
			times_decode(e, now, sc, ia32);
			e->args[5] |= KN_TIMES_UNCONFIRMED;
		}
	}
	if (at && !name) {
		u32 fl = 0;

		sys_put_file(e, &e->str[0], used_file(KN_USED_ATTR, sc, (long)(int)st->args[0], &fl));
		e->str[0].flags |= fl;
	} else
		sys_put_at(e, 0, at ? (long)(int)st->args[0] : KN_AT_FDCWD, name);
	sys_emit(e);
	return 0;
}

/* At entry: the name (slot 0) and the bytes of the times (slot 1). */
static __always_inline int times_keep(u32 sc, long dfd, u64 name, u64 times)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 size = times_size(sc, 0) & 63;
	struct kn_names *nm;

	sys_names_keep(sc, dfd, name, KN_AT_FDCWD, 0);
	/* no name: the dfd's file (futimens) */
	if (!name)
		attr_fd_keep(sc, dfd);
	nm = bpf_map_lookup_elem(&kn_names, &id);
	if (!nm || nm->sc != sc)
		return 0;
	__builtin_memset(nm->s[1], 0, 32);
	if (times && !bpf_probe_read_user(nm->s[1], size, (const void *)times))
		nm->len[1] = size + 1;
	return 0;
}

#define TIMES_EXIT(name, sc, nargs, at)                                                                      \
	SEC("tp/syscalls/sys_enter_" #name)                                                                  \
	int kn_name_##name(struct trace_event_raw_sys_enter *ctx)                                            \
	{                                                                                                    \
		return times_keep(sc, (at) ? (long)(int)ctx->args[0] : KN_AT_FDCWD, ctx->args[(at) ? 1 : 0], \
				  ctx->args[(at) ? 2 : 1]);                                                  \
	}                                                                                                    \
	SYS_EXIT_FAM_(name, sc, nargs, KN_FILE_TIMES, KN_FAM_TIMES, 1)

SYS_FAMILY(times, times_exit)
TIMES_EXIT(utime, KN_SC_UTIME, 2, 0)
TIMES_EXIT(utimes, KN_SC_UTIMES, 2, 0)
TIMES_EXIT(futimesat, KN_SC_FUTIMESAT, 3, 1)
TIMES_EXIT(utimensat, KN_SC_UTIMENSAT, 4, 1)

/* ---- file_flags ----------------------------------------------------- */

/* Inode flags set by ioctl: FS_IOC_SETFLAGS (chattr), its 32-bit form,
 * FS_IOC_FSSETXATTR. What changed is read from the inode itself, before
 * (at the entry) and after: the kernel's VFS flags (S_IMMUTABLE, S_APPEND,
 * S_SYNC, S_NOATIME, S_DIRSYNC), nothing from the caller's memory. */
#define KN_FS_IOC_SETFLAGS 0x40086602U
#define KN_FS_IOC32_SETFLAGS 0x40046602U
#define KN_FS_IOC_FSSETXATTR 0x401c5820U

/* The inode's flags at a flag-setting ioctl's entry, by thread (LRU: an
 * entry whose exit never came is the one to go; an exit that finds none
 * says what was before is unknown). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, u32);
} kn_iflags SEC(".maps");

static __always_inline int is_flags_ioctl(u32 cmd)
{
	return cmd == KN_FS_IOC_SETFLAGS || cmd == KN_FS_IOC32_SETFLAGS || cmd == KN_FS_IOC_FSSETXATTR;
}

SEC("tp/syscalls/sys_enter_ioctl")
int kn_enter_ioctl(struct trace_event_raw_sys_enter *ctx)
{
	u64 id;
	struct file *f;
	u32 fl;

	if (!is_flags_ioctl((u32)ctx->args[1]))
		return 0;
	id = bpf_get_current_pid_tgid();
	if (kn_is_self(id >> 32))
		return 0;
	f = fd_file((long)(int)ctx->args[0]);
	if (!f)
		return 0;
	fl = BPF_CORE_READ(f, f_inode, i_flags);
	bpf_map_update_elem(&kn_iflags, &id, &fl, BPF_ANY);
	return 0;
}

/* iflags: the flags before (before_known 1 when known), after, the
 * request. */
static __always_inline int ioctl_exit(struct kn_args *st, long ret)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_sys *e;
	struct file *f;
	u32 *before;

	if (!is_flags_ioctl((u32)st->args[1]))
		return 0;
	before = bpf_map_lookup_elem(&kn_iflags, &id);
	e = sys_begin(KN_FILE_FLAGS, st, ret);
	if (e) {
		f = fd_file((long)(int)st->args[0]);
		sys_put_file(e, &e->str[0], f);
		e->iflags.after = f ? BPF_CORE_READ(f, f_inode, i_flags) : 0;
		e->iflags.cmd = (u32)st->args[1];
		if (before) {
			e->iflags.before = *before;
			e->iflags.before_known = 1;
		}
		sys_emit(e);
	}
	if (before)
		bpf_map_delete_elem(&kn_iflags, &id);
	return 0;
}

SYS_EXIT(ioctl, KN_SC_IOCTL, 3, KN_FILE_FLAGS, ioctl_exit)

/* ---- chmod, chown, setxattr ----------------------------------------- */

/*
 * Attribute changes. str[0..1]: the file (base + name, or the fd's file in
 * str[0]); chmod.mode, or chown.uid and gid; str[2]: the attribute name.
 */
/* str[0]: the file of the call's fd argument (args[0]), as the entry saw
 * it (used_file) */
static __always_inline void attr_put_fd(struct kn_sys *e, struct kn_args *st)
{
	u32 fl = 0;

	sys_put_file(e, &e->str[0], used_file(KN_USED_ATTR, st->sc, (long)(int)st->args[0], &fl));
	e->str[0].flags |= fl;
}

static __always_inline int attr_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;
	u32 type;

	switch (st->sc) {
	case KN_SC_CHMOD:
	case KN_SC_FCHMOD:
	case KN_SC_FCHMODAT:
	case KN_SC_FCHMODAT2: type = KN_CHMOD; break;
	case KN_SC_CHOWN:
	case KN_SC_LCHOWN:
	case KN_SC_FCHOWN:
	case KN_SC_FCHOWNAT: type = KN_CHOWN; break;
	default: type = KN_SETXATTR;
	}
	e = sys_begin(type, st, ret);
	if (!e)
		return 0;
	switch (st->sc) {
	case KN_SC_CHMOD:
		sys_put_at(e, 0, KN_AT_FDCWD, (const char *)st->args[0]);
		e->chmod.mode = st->args[1];
		break;
	case KN_SC_FCHMOD:
		attr_put_fd(e, st);
		e->chmod.mode = st->args[1];
		break;
	case KN_SC_FCHMODAT:
	case KN_SC_FCHMODAT2:
		sys_put_at(e, 0, (long)st->args[0], (const char *)st->args[1]);
		e->chmod.mode = st->args[2];
		break;
	case KN_SC_CHOWN:
	case KN_SC_LCHOWN:
		sys_put_at(e, 0, KN_AT_FDCWD, (const char *)st->args[0]);
		e->chown.uid = st->args[1];
		e->chown.gid = st->args[2];
		break;
	case KN_SC_FCHOWN:
		attr_put_fd(e, st);
		e->chown.uid = st->args[1];
		e->chown.gid = st->args[2];
		break;
	case KN_SC_FCHOWNAT:
		sys_put_at(e, 0, (long)st->args[0], (const char *)st->args[1]);
		e->chown.uid = st->args[2];
		e->chown.gid = st->args[3];
		break;
	/* the attribute's name, as for paths: read at the entry (slot 1),
	 * checked now */
	case KN_SC_SETXATTR:
	case KN_SC_LSETXATTR:
		sys_put_at(e, 0, KN_AT_FDCWD, (const char *)st->args[0]);
		sys_put_slot(e, &e->str[2], (const char *)st->args[1], 1);
		break;
	case KN_SC_FSETXATTR:
		attr_put_fd(e, st);
		sys_put_slot(e, &e->str[2], (const char *)st->args[1], 1);
		break;
	case KN_SC_SETXATTRAT:
		sys_put_at(e, 0, (long)st->args[0], (const char *)st->args[1]);
		sys_put_slot(e, &e->str[2], (const char *)st->args[3], 1);
		break;
	}
	sys_emit(e);
	return 0;
}

SYS_FAMILY(attr, attr_exit)
SYS_EXIT_FAM_NAMED(chmod, KN_SC_CHMOD, 2, KN_CHMOD, KN_FAM_ATTR, -1, 0, -1, -1)
SYS_EXIT_FAM(fchmod, KN_SC_FCHMOD, 2, KN_CHMOD, KN_FAM_ATTR)
SYS_EXIT_FAM_NAMED(fchmodat, KN_SC_FCHMODAT, 3, KN_CHMOD, KN_FAM_ATTR, 0, 1, -1, -1)
SYS_EXIT_FAM_NAMED(fchmodat2, KN_SC_FCHMODAT2, 4, KN_CHMOD, KN_FAM_ATTR, 0, 1, -1, -1)
SYS_EXIT_FAM_NAMED(chown, KN_SC_CHOWN, 3, KN_CHOWN, KN_FAM_ATTR, -1, 0, -1, -1)
SYS_EXIT_FAM_NAMED(lchown, KN_SC_LCHOWN, 3, KN_CHOWN, KN_FAM_ATTR, -1, 0, -1, -1)
SYS_EXIT_FAM(fchown, KN_SC_FCHOWN, 3, KN_CHOWN, KN_FAM_ATTR)
SYS_EXIT_FAM_NAMED(fchownat, KN_SC_FCHOWNAT, 5, KN_CHOWN, KN_FAM_ATTR, 0, 1, -1, -1)
SYS_EXIT_FAM_NAMED(setxattr, KN_SC_SETXATTR, 5, KN_SETXATTR, KN_FAM_ATTR, -1, 0, -1, 1)
SYS_EXIT_FAM_NAMED(lsetxattr, KN_SC_LSETXATTR, 5, KN_SETXATTR, KN_FAM_ATTR, -1, 0, -1, 1)
SYS_EXIT_FAM_NAMED(fsetxattr, KN_SC_FSETXATTR, 5, KN_SETXATTR, KN_FAM_ATTR, -1, -1, -1, 1)
SYS_EXIT_FAM_NAMED(setxattrat, KN_SC_SETXATTRAT, 5, KN_SETXATTR, KN_FAM_ATTR, 0, 1, -1, 3)

/* ---- mount ---------------------------------------------------------- */

static __always_inline int mount_exit(struct kn_args *st, long ret)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_names *nm;
	struct kn_sys *e;

	e = sys_begin(KN_MOUNT, st, ret);
	if (!e)
		return 0;
	sys_put_at(e, 0, KN_AT_FDCWD, (const char *)st->args[1]); /* target */
	/* source and fs type: the kernel's copies where the object tier
	 * gave them, else the caller's memory now */
	nm = bpf_map_lookup_elem(&kn_names, &id);
	if (nm && (nm->sc == e->sc || (nm->sc == 0 && in_ia32_syscall())) && (nm->resolved & KN_NAMES_MOUNT_STRS)) {
		if (nm->len[1])
			sys_put_str(e, &e->str[2], nm->s[1], 0);
		if (nm->base[1])
			sys_put_str(e, &e->str[3], nm->s[1] + KN_MOUNT_STR, 0);
		e->mount.flags = st->args[3]; /* flags */
		sys_emit(e);
		return 0;
	}
	if (st->args[0])
		sys_put_str(e, &e->str[2], (const char *)st->args[0], 1); /* source */
	if (st->args[2])
		sys_put_str(e, &e->str[3], (const char *)st->args[2], 1); /* fs type */
	e->mount.flags = st->args[3]; /* flags */
	sys_emit(e);
	return 0;
}

SYS_EXIT_NAMED(mount, KN_SC_MOUNT, 5, KN_MOUNT, mount_exit, -1, 1, -1, -1)

/* ---- read, write, write_close --------------------------------------- */

struct rw_key {
	u64 start; /* the process's start time: a reused tgid is another process */
	u64 obj; /* the inode */
	/* The inode's number and generation: the memory of a freed inode
	 * serves the next one, which is another file (a file removed, one
	 * made: its first write must not pass for the old one's). */
	u64 ino;
	u32 gen;
	u32 tgid;
	u32 kind; /* 0 read, 1 write */
	u32 _pad;
};

/* First read/write per process and file; LRU keeps it bounded (an evicted
 * entry costs a repeated event, never a lost one). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct rw_key);
	__type(value, u8);
} kn_rw_seen SEC(".maps");

/* write_close: the open files a process wrote through, until it closes
 * them. A plain hash, never evicted: a file that finds no room is a
 * counted write_close loss. Every way a process closes a file removes its
 * entry with an event: close, dup2/dup3 over its fd, close_range, exec
 * (close-on-exec fds) and the exit of the last thread. A file closed where
 * no probe sees it (an io_uring close, a file table shared with another
 * process) is found missing at exit and counted lost; userland then
 * removes the entries of processes that are gone (kn_wc_procs). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* nothing held while off */
	__uint(max_entries, 65536);
	__type(key, struct kn_wc_key);
	__type(value, u8);
} kn_wc_open SEC(".maps");

/* How many files each process has in kn_wc_open: an exit or exec with none
 * costs one look-up. Removed at the exit of the process's last thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, struct kn_wc_proc_key);
	__type(value, u32);
} kn_wc_procs SEC(".maps");

/* The file was written through: track it till its close. */
static __always_inline void wc_track(u32 tgid, u64 start, struct file *f)
{
	struct kn_wc_proc_key pk = {.start = start, .tgid = tgid};
	struct kn_wc_key k = {.start = start, .file = (u64)f, .tgid = tgid};
	u32 zero = 0, *n;
	u8 one = 1;
	long err;

	if (bpf_map_lookup_elem(&kn_wc_open, &k))
		return;
	n = bpf_map_lookup_elem(&kn_wc_procs, &pk);
	if (!n) {
		bpf_map_update_elem(&kn_wc_procs, &pk, &zero, BPF_NOEXIST);
		n = bpf_map_lookup_elem(&kn_wc_procs, &pk);
		if (!n) {
			kn_loss_count(KN_WRITE_CLOSE); /* no room: its close is lost */
			return;
		}
	}
	err = bpf_map_update_elem(&kn_wc_open, &k, &one, BPF_NOEXIST);
	if (!err)
		__sync_fetch_and_add(n, 1);
	else if (err != -KN_EEXIST) /* EEXIST: another thread's, tracked */
		kn_loss_count(KN_WRITE_CLOSE);
}

/* The file at fd is being closed by the current process: its write_close,
 * if it was written through. 1 when it was. A global function: the scans
 * below call it in a loop. */
__noinline int wc_close(u64 file, u32 fd, u32 tgid, u64 start)
{
	struct kn_wc_proc_key pk = {.start = start, .tgid = tgid};
	struct kn_wc_key k = {.start = start, .file = file, .tgid = tgid};
	struct kn_sys *e;
	u32 *n;

	if (!file || bpf_map_delete_elem(&kn_wc_open, &k))
		return 0; /* not written through */
	n = bpf_map_lookup_elem(&kn_wc_procs, &pk);
	if (n)
		__sync_fetch_and_add(n, -1);
	e = sys_begin(KN_WRITE_CLOSE, NULL, 0);
	if (!e) {
		kn_loss_count(KN_WRITE_CLOSE);
		return 1;
	}
	e->sc = KN_SC_CLOSE;
	e->args[0] = fd;
	sys_put_file(e, &e->str[0], (struct file *)file);
	sys_emit(e);
	return 1;
}

/* The fds a scan looks at, from the lowest: a tracked file past them is
 * counted lost at exit. bpf_loop's callback is verified once; the bounded
 * loop of older kernels is verified step by step, hence its lower bound. */
#if KN_WALK_LOOP
#define WC_SCAN_FDS 65536
#else
#define WC_SCAN_FDS 256
#endif

struct wc_scan {
	u64 fds; /* struct file ** */
	u64 bits; /* the close-on-exec bitmap, or 0: every fd */
	u64 start;
	u32 tgid;
	u32 fd; /* the next fd to look at */
	u32 hi; /* one past the last */
	u32 want; /* tracked files of the process: none left, stop */
};

#if KN_WALK_LOOP
static long wc_scan_step(u64 i, struct wc_scan *c)
{
	struct file *f = NULL;
	unsigned long w = 0;
	u32 fd = c->fd;

	if (fd >= c->hi || !c->want)
		return 1;
	c->fd = fd + 1;
	if (c->bits) {
		bpf_probe_read_kernel(&w, sizeof(w), (unsigned long *)c->bits + fd / 64);
		if (!((w >> (fd & 63)) & 1))
			return 0;
	}
	bpf_probe_read_kernel(&f, sizeof(f), (struct file **)c->fds + fd);
	if (f && wc_close((u64)f, fd, c->tgid, c->start))
		c->want--;
	return 0;
}
#endif

/* Closes of many fds at once (exit, exec's close-on-exec, close_range):
 * the tracked files among fds [lo, hi) (only those marked close-on-exec
 * when cloexec), each with its write_close. Returns how many files the
 * process still tracks. (Scalar arguments only: 5.10 takes no pointer in
 * a global function.) */
__noinline int wc_close_scan(u32 lo, u32 hi, u32 cloexec)
{
	struct wc_scan c = {};
	struct kn_wc_proc_key pk = {};
	struct fdtable *fdt;
	u32 *n, max;

	c.tgid = bpf_get_current_pid_tgid() >> 32;
	c.start = kn_current_start();
	pk.start = c.start;
	pk.tgid = c.tgid;
	n = bpf_map_lookup_elem(&kn_wc_procs, &pk);
	if (!n || !*n)
		return 0;
	c.want = *n;
	fdt = BPF_CORE_READ(kn_current(), files, fdt);
	if (fdt) {
		max = BPF_CORE_READ(fdt, max_fds);
		c.fds = (u64)BPF_CORE_READ(fdt, fd);
		c.bits = cloexec ? (u64)BPF_CORE_READ(fdt, close_on_exec) : 0;
		c.fd = lo;
		c.hi = hi < max ? hi : max;
#if KN_WALK_LOOP
		bpf_loop(WC_SCAN_FDS, wc_scan_step, &c, 0);
#else
		/* the same steps, in a shape the verifier can bound */
		u32 found = 0;

		for (u32 i = 0; i < WC_SCAN_FDS; i++) {
			u32 fd = lo + i;
			struct file *f = NULL;
			unsigned long w = 0;

			if (fd >= c.hi || found >= c.want)
				break;
			if (c.bits) {
				bpf_probe_read_kernel(&w, sizeof(w), (unsigned long *)c.bits + fd / 64);
				if (!((w >> (fd & 63)) & 1))
					continue;
			}
			bpf_probe_read_kernel(&f, sizeof(f), (struct file **)c.fds + fd);
			if (f)
				found += wc_close((u64)f, fd, c.tgid, c.start);
		}
#endif
	}
	n = bpf_map_lookup_elem(&kn_wc_procs, &pk);
	return n ? *n : 0;
}

/*
 * Watched paths: what makes a read or write read_config or write_config.
 * One longest-prefix lookup of the path the kernel resolved (its first
 * KN_WATCH_KEY - 1 bytes and its NUL) in kn_watch, which userland fills
 * (src/sensor/watch.c): directories as prefixes ("/etc/"), files whole
 * with their NUL, wildcard patterns expanded to the directories they name.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct kn_watch_key);
	__type(value, u8);
} kn_watch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct kn_watch_key);
} kn_watch_buf SEC(".maps");

static __always_inline int is_config_path(struct kn_sys *e)
{
	u32 o = e->str[0].off & KN_SCRATCH_OFF_MASK, zero = 0;
	struct kn_watch_key *key = bpf_map_lookup_elem(&kn_watch_buf, &zero);

	if (!key)
		return 0;
	__builtin_memset(key, 0, sizeof(*key));
	key->prefixlen = KN_WATCH_KEY * 8;
	bpf_probe_read_kernel_str(key->data, KN_WATCH_KEY, (char *)e + o);
	return bpf_map_lookup_elem(&kn_watch, key) != NULL;
}

/* ---- send_data by write, writev, sendfile, splice ------------------ */

/* sockw_emit's sc: `kept` is the kernel's own file */
#define KN_SOCKW_KERNEL 0x80000000U

/* Data written to an inet socket, ret bytes of it (at least kn_send_min):
 * send_data, as sendto's. fds: the fd written to (low 32 bits) and the fd
 * sendfile or splice read (high). write: the buffer; writev: its first
 * iovec (a 32-bit caller's compat iovec); sendfile, splice: no buffer, the
 * file read from in str[0]. kept: the file the fd held at the call's
 * entry (the kernel wrote to it, or to what another thread rebound the fd
 * to: KN_SOCK_UNCONFIRMED when the fd names another now), or 0 when the
 * fd is read at the exit only (a 32-bit call: unconfirmed). */
__noinline int sockw_emit(u32 sc, u64 fds, u64 buf, u64 kept, long ret)
{
	long fd = (int)(u32)fds, in = (int)(u32)(fds >> 32);
	struct file *now, *f;
	struct kn_sys *e;
	struct sock *sk;

	if (ret <= 0 || (u64)ret < kn_send_min)
		return 0;
	/* the kernel's own file (io_uring's request): nothing to compare */
	now = sc & KN_SOCKW_KERNEL ? (struct file *)kept : fd_file(fd);
	sc &= ~KN_SOCKW_KERNEL;
	f = kept ? (struct file *)kept : now;
	sk = file_sock(f);
	/* the entry's socket gone since (the kernel wrote to the other) */
	if (!is_inet(sk) && f != now)
		sk = file_sock(now);
	if (!is_inet(sk))
		return 0;
	e = sys_begin(KN_SEND_DATA, NULL, ret);
	if (!e)
		return 0;
	e->sc = sc;
	e->args[0] = fd;
	if (kept ? f != now : in_ia32_syscall())
		e->sent.unconfirmed = KN_SOCK_UNCONFIRMED;
	sock_fill(&e->sock, sk);
	if (sc == KN_SC_WRITE) {
		sys_put_data(e, (const void *)buf, ret, 1);
	} else if (sc == KN_SC_WRITEV) {
		u64 base = 0, len = 0;

		if (in_ia32_syscall()) {
			u32 v[2] = {};

			bpf_probe_read_user(v, sizeof(v), (const void *)buf);
			base = v[0];
			len = v[1];
		} else {
			struct iovec iov = {};

			bpf_probe_read_user(&iov, sizeof(iov), (const void *)buf);
			base = (u64)iov.iov_base;
			len = iov.iov_len;
		}
		if (base)
			sys_put_data(e, (const void *)base, (u64)ret < len ? (u64)ret : len, 1);
	} else if (sc != KN_SC_IO_URING) {
		struct file *src = fd_file(in);
		struct inode *ino = src ? BPF_CORE_READ(src, f_inode) : NULL;

		/* an anonymous pipe has no path: its inode number (sent.pipe_ino,
		 * from_pipe 1), as /proc/PID/fd names it */
		if (ino && (BPF_CORE_READ(ino, i_mode) & KN_S_IFMT) == 0010000 &&
		    (BPF_CORE_READ(src, f_path.mnt, mnt_flags) & KN_MNT_INTERNAL)) {
			e->sent.pipe_ino = BPF_CORE_READ(ino, i_ino);
			e->sent.from_pipe = 1;
		} else {
			sys_put_file(e, &e->str[0], src);
		}
	}
	sys_emit(e);
	return 0;
}

/* At a write's entry: a write to an inet socket is kept for its exit. */
static __always_inline int sockw_keep(struct file *f, long fd, u32 sc, u64 buf, long in)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_args a = {};

	if (!kn_enabled(KN_SEND_DATA) || !is_inet(file_sock(f)))
		return 0;
	a.sc = sc;
	a.args[0] = fd;
	a.args[1] = buf;
	a.args[2] = in;
	a.args[3] = (u64)f;
	if (bpf_map_update_elem(&kn_sockw, &id, &a, BPF_ANY))
		kn_loss_count(KN_SEND_DATA);
	return 0;
}

/* At the exit of syscall sc: the write's send_data, with what it sent. A
 * write kept for another syscall (whose exit was not seen) is dropped. */
static __always_inline int sockw_exit(long ret, u32 sc)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_args *k = bpf_map_lookup_elem(&kn_sockw, &id);
	struct kn_args a;

	if (!k)
		return 0;
	__builtin_memcpy(&a, k, sizeof(a));
	bpf_map_delete_elem(&kn_sockw, &id);
	if (a.sc != sc)
		return 0;
	return sockw_emit(a.sc, (u32)a.args[0] | a.args[2] << 32, a.args[1], a.args[3], ret);
}

#define SOCKW_EXIT(name, sc)                                     \
	SEC("tp/syscalls/sys_exit_" #name)                       \
	int kn_sent_##name(struct trace_event_raw_sys_exit *ctx) \
	{                                                        \
		return sockw_exit(ctx->ret, sc);                 \
	}

SOCKW_EXIT(write, KN_SC_WRITE)
SOCKW_EXIT(writev, KN_SC_WRITEV)
SOCKW_EXIT(sendfile64, KN_SC_SENDFILE)
SOCKW_EXIT(splice, KN_SC_SPLICE)

/* The first read or write of a file by a process (read, write and their
 * configuration forms), write_close's tracking; at_entry: a write to an
 * inet socket is kept for send_data (buf: the write's buffer or iovec;
 * in: the fd sendfile or splice reads). */
static __always_inline int rw_file(struct file *f, long fd, int write, u32 sc, int at_entry, u64 buf, long in)
{
	u64 id = bpf_get_current_pid_tgid();
	struct rw_key k = {};
	struct inode *inode;
	struct kn_sys *e;
	u8 one = 1;
	u32 type;

	if (kn_is_self(id >> 32) || !f)
		return 0;
	inode = BPF_CORE_READ(f, f_inode);
	if ((BPF_CORE_READ(inode, i_mode) & KN_S_IFMT) != KN_S_IFREG) {
		if (write && at_entry && (BPF_CORE_READ(inode, i_mode) & KN_S_IFMT) == KN_S_IFSOCK)
			sockw_keep(f, fd, sc, buf, in);
		return 0;
	}
	k.tgid = id >> 32;
	k.start = kn_current_start();
	/* Look up before inserting: an LRU insert that fails on an existing
	 * key still takes (and may evict) a node first. */
	if (write && kn_enabled(KN_WRITE_CLOSE))
		wc_track(k.tgid, k.start, f);
	if (!kn_enabled(write ? KN_WRITE : KN_READ) && !kn_enabled(write ? KN_WRITE_CONFIG : KN_READ_CONFIG))
		return 0;
	k.obj = (u64)inode;
	k.ino = BPF_CORE_READ(inode, i_ino);
	k.gen = BPF_CORE_READ(inode, i_generation);
	k.kind = write;
	if (bpf_map_lookup_elem(&kn_rw_seen, &k))
		return 0; /* seen already */
	/* another thread's insert first: it reports; one that cannot be kept
	 * (no free node): report anyway, a repeat rather than a loss */
	if (bpf_map_update_elem(&kn_rw_seen, &k, &one, BPF_NOEXIST) == -KN_EEXIST)
		return 0;
	/* the path first: what it is decides whether it is sent at all (a
	 * read of a file not watched, with read off: the tasks are not read) */
	e = sys_begin_bare(write ? KN_WRITE : KN_READ, NULL, 0);
	if (!e)
		return 0;
	e->sc = sc;
	e->args[0] = fd;
	sys_put_file(e, &e->str[0], f);
	if (is_config_path(e))
		e->hdr.type = write ? KN_WRITE_CONFIG : KN_READ_CONFIG;
	type = e->hdr.type;
	if (!kn_enabled(type))
		return 0;
	sys_tasks_fill(e);
	sys_emit(e);
	return 0;
}

static __always_inline int rw_enter(long fd, int write, u32 sc, int at_entry, u64 buf, long in)
{
	if (kn_is_self(bpf_get_current_pid_tgid() >> 32))
		return 0;
	return rw_file(fd_file(fd), fd, write, sc, at_entry, buf, in);
}

/* The fd as the kernel takes it: an unsigned int (a 32-bit caller's
 * register may carry anything above; its calls: kn_exit_ia32). */
#define RW_ENTER(name, write, sc)                                                         \
	SEC("tp/syscalls/sys_enter_" #name)                                               \
	int kn_enter_##name(struct trace_event_raw_sys_enter *ctx)                        \
	{                                                                                 \
		return rw_enter((long)(u32)ctx->args[0], write, sc, 1, ctx->args[1], -1); \
	}

RW_ENTER(read, 0, KN_SC_READ)
RW_ENTER(pread64, 0, KN_SC_PREAD64)
RW_ENTER(readv, 0, KN_SC_READV)
RW_ENTER(preadv, 0, KN_SC_PREADV)
RW_ENTER(preadv2, 0, KN_SC_PREADV2)
RW_ENTER(write, 1, KN_SC_WRITE)
RW_ENTER(pwrite64, 1, KN_SC_PWRITE64)
RW_ENTER(writev, 1, KN_SC_WRITEV)
RW_ENTER(pwritev, 1, KN_SC_PWRITEV)
RW_ENTER(pwritev2, 1, KN_SC_PWRITEV2)

/* Data moved from one fd to another without read()/write() (cp and cat use
 * copy_file_range): the source is read, the destination written. */
static __always_inline int rw2_enter(long in, long out, u32 sc, int at_entry)
{
	rw_enter(in, 0, sc, at_entry, 0, -1);
	return rw_enter(out, 1, sc, at_entry, 0, in);
}

#define RW2_ENTER(name, in, out, sc)                                                          \
	SEC("tp/syscalls/sys_enter_" #name)                                                   \
	int kn_enter_##name(struct trace_event_raw_sys_enter *ctx)                            \
	{                                                                                     \
		return rw2_enter((long)(u32)ctx->args[in], (long)(u32)ctx->args[out], sc, 1); \
	}

RW2_ENTER(copy_file_range, 0, 2, KN_SC_COPY_FILE_RANGE)
RW2_ENTER(sendfile64, 1, 0, KN_SC_SENDFILE)
RW2_ENTER(splice, 0, 2, KN_SC_SPLICE)

static __always_inline int close_enter(long fd)
{
	u64 id = bpf_get_current_pid_tgid();

	if (kn_is_self(id >> 32))
		return 0;
	wc_close((u64)fd_file(fd), (u32)fd, id >> 32, kn_current_start());
	return 0;
}

SEC("tp/syscalls/sys_enter_close")
int kn_enter_close(struct trace_event_raw_sys_enter *ctx)
{
	return close_enter((long)(u32)ctx->args[0]);
}

/* dup2/dup3 over an open fd close its file first (when the old fd is
 * open: else the call fails and closes nothing). */
static __always_inline int dup_enter(long oldfd, long newfd)
{
	u64 id = bpf_get_current_pid_tgid();

	if (kn_is_self(id >> 32) || (u32)oldfd == (u32)newfd || !fd_file(oldfd))
		return 0;
	wc_close((u64)fd_file(newfd), (u32)newfd, id >> 32, kn_current_start());
	return 0;
}

SEC("tp/syscalls/sys_enter_dup2")
int kn_enter_dup2(struct trace_event_raw_sys_enter *ctx)
{
	return dup_enter((long)(u32)ctx->args[0], (long)(u32)ctx->args[1]);
}

SEC("tp/syscalls/sys_enter_dup3")
int kn_enter_dup3(struct trace_event_raw_sys_enter *ctx)
{
	return dup_enter((long)(u32)ctx->args[0], (long)(u32)ctx->args[1]);
}

#define KN_CLOSE_RANGE_CLOEXEC (1U << 2)

static __always_inline int close_range_enter(u32 lo, u32 hi, u32 flags)
{
	/* CLOSE_RANGE_CLOEXEC only marks the fds: exec closes them */
	if (kn_is_self(bpf_get_current_pid_tgid() >> 32) || (flags & KN_CLOSE_RANGE_CLOEXEC) || lo > hi)
		return 0;
	wc_close_scan(lo, hi == ~0U ? hi : hi + 1, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_close_range")
int kn_enter_close_range(struct trace_event_raw_sys_enter *ctx)
{
	return close_range_enter((u32)ctx->args[0], (u32)ctx->args[1], (u32)ctx->args[2]);
}

/* exec closes the close-on-exec fds; seen at its entry, the files still
 * there (an exec that then fails leaves them open, tracked no more till
 * their next write). */
static __always_inline int exec_enter(void)
{
	if (kn_is_self(bpf_get_current_pid_tgid() >> 32))
		return 0;
	wc_close_scan(0, ~0U, 1);
	return 0;
}

SEC("tp/syscalls/sys_enter_execve")
int kn_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter();
}

SEC("tp/syscalls/sys_enter_execveat")
int kn_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter();
}

/* The last thread's exit closes every fd (kn_sched_exit calls this before
 * its exit record, which must come after: the tracepoint runs before the
 * file table is let go). What the scan cannot find was closed unseen, or
 * sits past the scanned fds: counted lost. */
__noinline int wc_exit(u32 tgid)
{
	struct kn_wc_proc_key pk = {};
	u32 left = wc_close_scan(0, ~0U, 0);

	if (left)
		kn_loss_add(KN_WRITE_CLOSE, left);
	pk.start = kn_current_start();
	pk.tgid = tgid;
	bpf_map_delete_elem(&kn_wc_procs, &pk);
	return 0;
}

/* (its 32-bit form: kn_ia32_enter_close, ia32.bpf.h) */
#endif
