/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Syscall events on per-syscall tracepoints: the entry stashes the
 * arguments, the exit (which knows the result) builds a struct kn_sys in the
 * per-CPU scratch record and emits it. Objects the kernel resolved (the file
 * behind an fd, a socket's addresses) are read from kernel structures.
 */
#ifndef KN_BPF_SYS_H
#define KN_BPF_SYS_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kunai/wire.h"
#include "compat.h"
#include "maps.h"
#include "path.h"
#include "task.h"

#define KN_AT_FDCWD -100
#define KN_S_IFMT 00170000
#define KN_S_IFREG 0100000
#define KN_S_IFSOCK 0140000
#define KN_AF_INET 2
#define KN_AF_INET6 10

/* Plain (fault-safe) loads from the BTF pt_regs where the layout is known;
 * helper reads elsewhere. */
#if defined(__TARGET_ARCH_x86)
#define KN_SYSARG(r, n) ((n) == 0 ? (r)->di : (n) == 1 ? (r)->si : (n) == 2 ? (r)->dx : (n) == 3 ? (r)->r10 : (r)->r8)
#elif defined(__TARGET_ARCH_arm64)
#define KN_SYSARG(r, n) ((n) == 0 ? (r)->orig_x0 : (r)->regs[(n)])
#else
#define KN_SYSARG(r, n)                             \
	((n) == 0   ? PT_REGS_PARM1_CORE_SYSCALL(r) \
	 : (n) == 1 ? PT_REGS_PARM2_CORE_SYSCALL(r) \
	 : (n) == 2 ? PT_REGS_PARM3_CORE_SYSCALL(r) \
	 : (n) == 3 ? PT_REGS_PARM4_CORE_SYSCALL(r) \
		    : PT_REGS_PARM5_CORE_SYSCALL(r))
#endif

/* At a syscall's entry, where arguments cannot be read at its exit. Only
 * the syscall's nargs arguments (at most 5) are read: a tracepoint program
 * that reads past its event's record is refused at attach. A stash that
 * cannot be kept (the map full) is counted lost for type, the event the
 * syscall may give (an upper bound: its exit might not have reported). */
static __always_inline int sys_stash(struct trace_event_raw_sys_enter *ctx, u32 sc, int nargs, u32 type)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_args a = {};

	if (kn_is_self(id >> 32))
		return 0;
	a.sc = sc;
	if (nargs > 0)
		a.args[0] = ctx->args[0];
	if (nargs > 1)
		a.args[1] = ctx->args[1];
	if (nargs > 2)
		a.args[2] = ctx->args[2];
	if (nargs > 3)
		a.args[3] = ctx->args[3];
	if (nargs > 4)
		a.args[4] = ctx->args[4];
	if (bpf_map_update_elem(&kn_args_stash, &id, &a, BPF_ANY))
		kn_loss_count(type);
	return 0;
}

/* Stashed arguments of syscall `sc`, taken (the entry is removed).
 * 0, or -1 when none were stashed for it. */
static __always_inline int sys_args_stashed(struct kn_args *a, u32 sc)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_args *st = bpf_map_lookup_elem(&kn_args_stash, &id);
	int rc = -1;

	if (!st)
		return -1;
	if (st->sc == sc) {
		__builtin_memcpy(a, st, sizeof(*a));
		rc = 0;
	}
	bpf_map_delete_elem(&kn_args_stash, &id);
	return rc;
}

/* The arguments of the syscall `sc` that is returning. 0, or -1 when they
 * cannot be had (stashed by nobody: the probe came after the entry). */
static __always_inline int sys_args(struct kn_args *a, u32 sc)
{
	if (kn_have_task_pt_regs) {
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

		a->sc = sc;
		a->args[0] = KN_SYSARG(regs, 0);
		a->args[1] = KN_SYSARG(regs, 1);
		a->args[2] = KN_SYSARG(regs, 2);
		a->args[3] = KN_SYSARG(regs, 3);
		a->args[4] = KN_SYSARG(regs, 4);
		a->args[5] = 0; /* no syscall watched here needs its sixth */
		return 0;
	}
	return sys_args_stashed(a, sc);
}

#if defined(__TARGET_ARCH_x86)
#define KN_SYSCALL_NR(regs) ((regs)->orig_ax)
#elif defined(__TARGET_ARCH_arm64)
#define KN_SYSCALL_NR(regs) ((regs)->syscallno)
#endif

/* Which of the calls whose kernel objects the object tier and the target
 * hooks keep (kill family, ptrace, connect, sendto, sendmsg: KN_SC_*) the
 * current thread is in, or 0. Read from the syscall number the kernel
 * saved, or the arguments stashed at the call's entry. */
static __always_inline u32 kn_current_call(void)
{
#ifdef KN_SYSCALL_NR
	if (kn_have_task_pt_regs) {
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
		long nr = KN_SYSCALL_NR(regs);

#if defined(__TARGET_ARCH_x86)
		if (in_ia32_syscall()) {
			switch (nr) {
			case 26: return KN_SC_PTRACE;
			case 37: return KN_SC_KILL;
			case 178: return KN_SC_RT_SIGQUEUEINFO;
			case 238: return KN_SC_TKILL;
			case 270: return KN_SC_TGKILL;
			case 335: return KN_SC_RT_TGSIGQUEUEINFO;
			case 362: return KN_SC_CONNECT;
			case 369: return KN_SC_SENDTO;
			case 370: return KN_SC_SENDMSG;
			case 347: return KN_SC_PROCESS_VM_READV;
			case 348: return KN_SC_PROCESS_VM_WRITEV;
			case 424: return KN_SC_PIDFD_SEND_SIGNAL;
			case 102: /* socketcall: its call in ebx */
				switch ((u32)regs->bx) {
				case 3: return KN_SC_CONNECT;
				case 9: /* send */
				case 11: return KN_SC_SENDTO;
				case 16: return KN_SC_SENDMSG;
				}
			}
			return 0;
		}
		switch (nr) {
		case 42: return KN_SC_CONNECT;
		case 44: return KN_SC_SENDTO;
		case 46: return KN_SC_SENDMSG;
		case 62: return KN_SC_KILL;
		case 101: return KN_SC_PTRACE;
		case 129: return KN_SC_RT_SIGQUEUEINFO;
		case 200: return KN_SC_TKILL;
		case 234: return KN_SC_TGKILL;
		case 297: return KN_SC_RT_TGSIGQUEUEINFO;
		case 310: return KN_SC_PROCESS_VM_READV;
		case 311: return KN_SC_PROCESS_VM_WRITEV;
		case 424: return KN_SC_PIDFD_SEND_SIGNAL;
		}
#else
		switch (nr) {
		case 117: return KN_SC_PTRACE;
		case 129: return KN_SC_KILL;
		case 130: return KN_SC_TKILL;
		case 131: return KN_SC_TGKILL;
		case 138: return KN_SC_RT_SIGQUEUEINFO;
		case 203: return KN_SC_CONNECT;
		case 206: return KN_SC_SENDTO;
		case 211: return KN_SC_SENDMSG;
		case 240: return KN_SC_RT_TGSIGQUEUEINFO;
		case 270: return KN_SC_PROCESS_VM_READV;
		case 271: return KN_SC_PROCESS_VM_WRITEV;
		case 424: return KN_SC_PIDFD_SEND_SIGNAL;
		}
#endif
		return 0;
	}
#endif
	{
		u64 id = bpf_get_current_pid_tgid();
		struct kn_args *st = bpf_map_lookup_elem(&kn_args_stash, &id);
		u32 sc = st ? st->sc : 0;

		switch (sc) {
		case KN_SC_KILL:
		case KN_SC_TKILL:
		case KN_SC_TGKILL:
		case KN_SC_PTRACE:
		case KN_SC_PIDFD_SEND_SIGNAL:
		case KN_SC_RT_SIGQUEUEINFO:
		case KN_SC_RT_TGSIGQUEUEINFO:
		case KN_SC_PROCESS_VM_READV:
		case KN_SC_PROCESS_VM_WRITEV:
		case KN_SC_CONNECT:
		case KN_SC_SENDTO:
		case KN_SC_SENDMSG: return sc;
		}
		return 0;
	}
}

/* Whether the current thread is in a call whose new fd an event reports
 * (open, openat, openat2, creat, accept, accept4, bpf; 32-bit ones too,
 * socketcall's accepts among them): fd_install's record is kept only
 * then. */
static __always_inline int install_call(void)
{
#ifdef KN_SYSCALL_NR
	if (kn_have_task_pt_regs) {
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
		long nr = KN_SYSCALL_NR(regs);

#if defined(__TARGET_ARCH_x86)
		if (in_ia32_syscall())
			return nr == 5 || nr == 8 || nr == 295 || nr == 437 || nr == 364 || nr == 357 || nr == 102;
		return nr == 2 || nr == 85 || nr == 257 || nr == 437 || nr == 43 || nr == 288 || nr == 321;
#else
		return nr == 56 || nr == 437 || nr == 202 || nr == 242 || nr == 280;
#endif
	}
#endif
	{
		u64 id = bpf_get_current_pid_tgid();
		struct kn_args *st = bpf_map_lookup_elem(&kn_args_stash, &id);
		u32 sc = st ? st->sc : 0;

		return sc == KN_SC_OPEN || sc == KN_SC_OPENAT || sc == KN_SC_OPENAT2 || sc == KN_SC_CREAT ||
		       sc == KN_SC_ACCEPT || sc == KN_SC_ACCEPT4 || sc == KN_SC_BPF;
	}
}

/* The peer address a connect, sendto or sendmsg gave, per calling thread
 * till the call's exit (the caller's memory may say otherwise by then): as
 * the kernel copied it (object tier: kn_obj_connect, kn_obj_sendmsg), else
 * as read at the call's entry (kn_peer_* programs, net.bpf.h), which the
 * exit checks against the caller's memory. */
struct kn_peer_obj {
	struct sockaddr_in6 sa; /* (a sockaddr_in in its first bytes) */
	u32 user; /* read from the caller at entry, not the kernel's copy */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, struct kn_peer_obj);
} kn_peer SEC(".maps");

/* The address at addr (len bytes; kernel memory, or the caller's when
 * user) is the running call's. */
static __always_inline void peer_keep(const void *addr, int len, int user)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_peer_obj o = {};
	long err;

	if (!addr || len <= 0)
		return;
	if (len > (int)sizeof(o.sa))
		len = sizeof(o.sa);
	if (user)
		err = bpf_probe_read_user(&o.sa, len & 0x3f, addr);
	else
		err = bpf_probe_read_kernel(&o.sa, len & 0x3f, addr);
	if (err)
		return;
	o.user = user;
	bpf_map_update_elem(&kn_peer, &id, &o, BPF_ANY);
}

/* The file behind fd in the current task. With the BTF task pointer, the
 * walk to the fd table is plain (fault-safe) loads rather than helper
 * calls: this runs on every read and write. */
static __always_inline struct file *fd_file(u64 arg)
{
	/* the kernel takes an fd as an int or an unsigned int: the low 32
	 * bits, whatever a caller put above them */
	int fd = (int)arg;
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0)
		return NULL;
	if (kn_have_task_btf) {
		struct task_struct *t = bpf_get_current_task_btf();
		struct files_struct *files = t->files;
		struct fdtable *fdt;

		if (!files)
			return NULL;
		fdt = files->fdt;
		if (!fdt || (unsigned long)fd >= fdt->max_fds)
			return NULL;
		fds = fdt->fd;
	} else {
		struct fdtable *fdt = BPF_CORE_READ(kn_current(), files, fdt);

		if (!fdt || (unsigned long)fd >= BPF_CORE_READ(fdt, max_fds))
			return NULL;
		fds = BPF_CORE_READ(fdt, fd);
	}
	bpf_probe_read_kernel(&f, sizeof(f), (void *)((u64)fds + (u64)(fd & 0xffffff) * sizeof(f)));
	return f;
}

/* Record the file call sc (of `kind`) uses (fd < 0: the kernel's hook, fd
 * unknown); no file: the thread's record, another call's, is dropped. */
static __always_inline void used_keep(u32 kind, u32 sc, long fd, struct file *f, u32 kernel)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_fd_used u = {.file = (u64)f, .fd = fd, .kind = kind, .kernel = kernel, .sc = sc};

	if (kn_is_self(id >> 32))
		return;
	if (!f)
		bpf_map_delete_elem(&kn_fd_used, &id);
	else
		bpf_map_update_elem(&kn_fd_used, &id, &u, BPF_ANY);
}

/* The file a returning call sc (of `kind`) used through fd (its argument,
 * or the new fd it returns): the kernel's, where an object-tier hook saw
 * it; else the one the fd held at the call's entry; else the fd's file
 * now, unconfirmed for an fd argument. KN_NAME_UNCONFIRMED in *flags when
 * the fd holds another file by now (another thread rebound it: the kernel
 * used one of the two; an installed file may even be gone by then). The
 * record is taken. */
static __always_inline struct file *used_file(u32 kind, u32 sc, long fd, u32 *flags)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_fd_used *u = bpf_map_lookup_elem(&kn_fd_used, &id);
	struct file *now = fd_file(fd), *f = now;

	/* (a 32-bit call has no entry program: an entry's record is another
	 * call's) */
	if (u && u->kind == kind && (!u->sc || u->sc == sc) && (u->kernel || !in_ia32_syscall()) &&
	    (u->fd == (s64)(int)fd || (u->kernel && u->fd < 0))) {
		f = (struct file *)u->file;
		if (f != now && (!u->kernel || kind == KN_USED_INSTALL))
			*flags |= KN_NAME_UNCONFIRMED;
	} else if (kind != KN_USED_INSTALL) {
		/* not seen at the entry: a 32-bit call (no entry program), or
		 * the fd named no file the entry keeps (another thread made it
		 * one since), or the record was lost */
		*flags |= KN_NAME_UNCONFIRMED;
	}
	if (u)
		bpf_map_delete_elem(&kn_fd_used, &id);
	return f;
}

static __always_inline umode_t file_mode(struct file *f)
{
	return BPF_CORE_READ(f, f_inode, i_mode);
}

static __always_inline struct sock *file_sock(struct file *f)
{
	struct socket *so;

	if (!f || (file_mode(f) & KN_S_IFMT) != KN_S_IFSOCK)
		return NULL;
	so = BPF_CORE_READ(f, private_data);
	return so ? BPF_CORE_READ(so, sk) : NULL;
}

static __always_inline int is_inet(struct sock *sk)
{
	u16 f;

	if (!sk)
		return 0;
	f = BPF_CORE_READ(sk, __sk_common.skc_family);
	return f == KN_AF_INET || f == KN_AF_INET6;
}

/* Begin a kn_sys record whose tasks are filled only if it is sent
 * (sys_tasks_fill): one kept to decide what it is. */
static __always_inline struct kn_sys *sys_begin_bare(u32 type, struct kn_args *st, long ret)
{
	struct kn_sys *e = kn_scratch_get();

	if (!e)
		return NULL;
	e->hdr.type = type;
	e->hdr.ktime = bpf_ktime_get_boot_ns();
	e->ret = ret;
	e->sc = st ? st->sc : 0;
	e->_pad = 0;
	if (st) {
		e->args[0] = st->args[0];
		e->args[1] = st->args[1];
		e->args[2] = st->args[2];
		e->args[3] = st->args[3];
		e->args[4] = st->args[4];
		e->args[5] = st->args[5];
	} else {
		__builtin_memset(e->args, 0, sizeof(e->args));
	}
	__builtin_memset(e->str, 0, sizeof(e->str));
	__builtin_memset(&e->data, 0, sizeof(e->data));
	__builtin_memset(&e->sock, 0, sizeof(e->sock));
	__builtin_memset(e->extra, 0, sizeof(e->extra));
	e->hdr.size = sizeof(*e);
	return e;
}

/* The current task and its parent into a record begun bare. */
static __always_inline void sys_tasks_fill(struct kn_sys *e)
{
	struct task_struct *task = kn_current();

	task_fill(&e->hdr.task, task);
	task_fill(&e->hdr.parent, BPF_CORE_READ(task, real_parent));
}

/* Begin a kn_sys record for the current task. NULL when no scratch. */
static __always_inline struct kn_sys *sys_begin(u32 type, struct kn_args *st, long ret)
{
	struct kn_sys *e = sys_begin_bare(type, st, ret);

	if (e)
		sys_tasks_fill(e);
	return e;
}

/* Tail writers: each appends at e->hdr.size (the running end). */
static __always_inline void sys_put_path(struct kn_sys *e, struct kn_str *s, struct dentry *d, struct vfsmount *m)
{
	u32 o = e->hdr.size & KN_SCRATCH_OFF_MASK;

	s->off = o;
	s->len = path_resolve((char *)e + o, d, m, &s->flags);
	e->hdr.size = o + s->len + 1;
}

static __always_inline void sys_put_file(struct kn_sys *e, struct kn_str *s, struct file *f)
{
	if (!f) {
		s->flags = KN_PATH_ERROR;
		return;
	}
	sys_put_path(e, s, BPF_CORE_READ(f, f_path.dentry), BPF_CORE_READ(f, f_path.mnt));
}

static __always_inline void sys_put_str(struct kn_sys *e, struct kn_str *s, const void *p, int user)
{
	u32 o = e->hdr.size & KN_SCRATCH_OFF_MASK;
	long n;

	s->off = o;
	if (user)
		n = bpf_probe_read_user_str((char *)e + o, KN_PATH_MAX, p);
	else
		n = bpf_probe_read_kernel_str((char *)e + o, KN_PATH_MAX, p);
	if (n < 1) {
		((char *)e)[o] = 0;
		s->flags = KN_PATH_ERROR;
		n = 1;
	} else if (n == KN_PATH_MAX) {
		s->flags = KN_TRUNCATED;
	}
	s->len = n - 1;
	e->hdr.size = o + n;
}

/*
 * Names read at a syscall's entry (kn_name_<syscall> programs), before the
 * kernel copies them: a thread of the caller may rewrite its memory once the
 * kernel has the name, so the exit reports the entry's copy, and reads the
 * caller's memory again only to check it: a change is said
 * (KN_NAME_UNCONFIRMED), as is a name that was not read at entry. By thread;
 * taken at the exit, dropped at thread exit. Allocated per use.
 */
/* mount's source and type as the kernel copied them (object tier): in
 * names slot 1, KN_MOUNT_STR bytes each */
#define KN_NAMES_MOUNT_STRS (1U << 16)
#define KN_MOUNT_STR (KN_PATH_MAX / 2)

struct kn_names {
	u32 sc;
	u32 len[2]; /* bytes with the NUL; 0: not read */
	/* bit 0 of each byte: name i is the path the kernel resolved (the
	 * object tier, object.bpf.h), its walk's KN_* flags above */
	u32 resolved;
	/* what a relative name was relative to at entry: the cwd's dentry, or
	 * the dirfd's file (another thread may chdir or dup2 meanwhile) */
	u64 base[2];
	char s[2][KN_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, u64);
	__type(value, struct kn_names);
} kn_names SEC(".maps");

/* A 32-bit call's names entry, started by a hook inside the call (a
 * 32-bit call has no entry program): sc 0, nothing kept yet; taken at its
 * exit. NULL when the map has no room. */
static __always_inline struct kn_names *names_start_ia32(u64 id)
{
	struct kn_names *t = kn_scratch_get();

	if (!t)
		return NULL;
	t->sc = 0;
	t->len[0] = t->len[1] = 0;
	t->resolved = 0;
	t->base[0] = t->base[1] = 0;
	if (bpf_map_update_elem(&kn_names, &id, t, BPF_ANY))
		return NULL;
	return bpf_map_lookup_elem(&kn_names, &id);
}

/* The directory a name given with dfd is relative to, as an identity. */
static __always_inline u64 name_base(long dfd)
{
	if ((int)dfd == KN_AT_FDCWD)
		return (u64)BPF_CORE_READ(kn_current(), fs, pwd.dentry);
	return (u64)fd_file(dfd);
}

/* At entry: the names of syscall sc (user pointers n0, n1, 0 for none,
 * relative to d0, d1). */
static __always_inline int sys_names_keep(u32 sc, long d0, u64 n0, long d1, u64 n1)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_names *nm = kn_scratch_get();
	long r;

	if (kn_is_self(id >> 32) || !nm)
		return 0;
	nm->sc = sc;
	nm->len[0] = nm->len[1] = 0;
	nm->resolved = 0;
	nm->base[0] = nm->base[1] = 0;
	if (n0) {
		r = bpf_probe_read_user_str(nm->s[0], KN_PATH_MAX, (const void *)n0);
		nm->len[0] = r > 0 ? r : 0;
		nm->base[0] = name_base(d0);
	}
	if (n1) {
		r = bpf_probe_read_user_str(nm->s[1], KN_PATH_MAX, (const void *)n1);
		nm->len[1] = r > 0 ? r : 0;
		nm->base[1] = name_base(d1);
	}
	/* not kept (the map full): the exit says its names are unconfirmed,
	 * and the miss is counted */
	if (bpf_map_update_elem(&kn_names, &id, nm, BPF_ANY))
		kn_count(KN_COUNT_NAMES_NOT_KEPT);
	return 0;
}

/* 1 when the n bytes at offsets a and b of this CPU's scratch record are
 * equal, each followed by 8 zero bytes (words are compared whole). Global:
 * verified once per program, one path per word. */
__noinline int kn_scratch_equal(u32 a, u32 b, u32 n)
{
	char *s = kn_scratch_get();

	if (!s || n > KN_PATH_MAX)
		return 0;
	for (u32 at = 0; at < KN_PATH_MAX; at += 8) {
		if (at >= n)
			return 1;
		if (*(u64 *)(s + ((a + at) & KN_SCRATCH_OFF_MASK)) != *(u64 *)(s + ((b + at) & KN_SCRATCH_OFF_MASK)))
			return 0;
	}
	return 1;
}

/* 8 zero bytes at offset o of the record. */
static __always_inline void zero8(struct kn_sys *e, u32 o)
{
	*(u64 *)((char *)e + (o & KN_SCRATCH_OFF_MASK)) = 0;
}

/* The name a syscall received: the entry's copy when there is one (nm),
 * checked against the caller's memory now. */
static __always_inline void sys_put_name(struct kn_sys *e, struct kn_str *s, const char *uname, struct kn_names *nm,
					 int slot)
{
	u32 o, t;
	long n, m;

	if (!nm) {
		sys_put_str(e, s, uname, 1);
		s->flags |= KN_NAME_UNCONFIRMED;
		return;
	}
	o = e->hdr.size & KN_SCRATCH_OFF_MASK;
	s->off = o;
	n = bpf_probe_read_kernel_str((char *)e + o, KN_PATH_MAX, nm->s[slot & 1]);
	if (n < 1) {
		((char *)e)[o] = 0;
		n = 1;
	} else if (n == KN_PATH_MAX) {
		s->flags = KN_TRUNCATED;
	}
	s->len = n - 1;
	e->hdr.size = o + n;
	/* the caller's memory now, past the record's end (zero-padded both) */
	zero8(e, o + n);
	t = (o + n + 8) & KN_SCRATCH_OFF_MASK;
	m = bpf_probe_read_user_str((char *)e + t, KN_PATH_MAX, uname);
	if (m > 0)
		zero8(e, t + m);
	if (m != n || !kn_scratch_equal(o, t, (u32)n & (KN_PATH_MAX * 2 - 1)))
		s->flags |= KN_NAME_UNCONFIRMED;
}

/* A string (not a path) a syscall received as its name `slot`: the entry's
 * copy, checked against the caller's memory now. */
static __always_inline void sys_put_slot(struct kn_sys *e, struct kn_str *s, const char *uname, int slot)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_names *nm = bpf_map_lookup_elem(&kn_names, &id);

	/* sc 0: made by an object-tier hook for a 32-bit call */
	if (nm && ((nm->sc ? nm->sc != e->sc : !in_ia32_syscall()) || !nm->len[slot & 1]))
		nm = NULL;
	if (nm && ((nm->resolved >> ((slot & 1) * 8)) & 1)) {
		/* the kernel's copy (object.bpf.h): nothing to check */
		sys_put_str(e, s, nm->s[slot & 1], 0);
		s->flags |= (nm->resolved >> ((slot & 1) * 8 + 1)) & KN_TRUNCATED;
		return;
	}
	sys_put_name(e, s, uname, nm, slot);
}

/* A name as a syscall received it, with the directory it is relative to:
 * base = dirfd's file, or the cwd for AT_FDCWD; nothing for an absolute name.
 * slot: which of the syscall's names (0 or 1) it is. */
static __always_inline void sys_put_at_slot(struct kn_sys *e, int i, long dfd, const char *uname, int slot)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_names *nm = bpf_map_lookup_elem(&kn_names, &id);
	struct task_struct *task = kn_current();
	struct kn_str *base = &e->str[i & 3], *name = &e->str[(i + 1) & 3];
	char c = 0;

	/* sc 0: made by an object-tier hook for a 32-bit call (object.bpf.h),
	 * taken only by one */
	if (nm && ((nm->sc ? nm->sc != e->sc : !in_ia32_syscall()) || !nm->len[slot & 1]))
		nm = NULL;
	if (nm && ((nm->resolved >> ((slot & 1) * 8)) & 1)) {
		/* the path the kernel resolved: whole, nothing to check */
		u32 o = e->hdr.size & KN_SCRATCH_OFF_MASK;
		long n = bpf_probe_read_kernel_str((char *)e + o, KN_PATH_MAX, nm->s[slot & 1]);

		if (n < 1) {
			((char *)e)[o] = 0;
			n = 1;
		}
		name->off = o;
		name->len = n - 1;
		name->flags = (nm->resolved >> ((slot & 1) * 8 + 1)) & (KN_TRUNCATED | KN_PATH_ERROR);
		e->hdr.size = o + n;
		return;
	}
	/* absolute or relative: as the entry's copy says */
	if (nm)
		c = nm->s[slot & 1][0];
	else
		bpf_probe_read_user(&c, 1, uname);
	if (c != '/') {
		if ((int)dfd == KN_AT_FDCWD)
			sys_put_path(e, base, BPF_CORE_READ(task, fs, pwd.dentry), BPF_CORE_READ(task, fs, pwd.mnt));
		else
			sys_put_file(e, base, fd_file(dfd));
	}
	sys_put_name(e, name, uname, nm, slot);
	/* the directory changed since the entry: the name is another's */
	if (nm && c != '/' && name_base(dfd) != nm->base[slot & 1])
		name->flags |= KN_NAME_UNCONFIRMED;
}

static __always_inline void sys_put_at(struct kn_sys *e, int i, long dfd, const char *uname)
{
	sys_put_at_slot(e, i, dfd, uname, i >> 1);
}

/* Up to KN_DATA_MAX bytes of user memory as the payload. */
static __always_inline void sys_put_data(struct kn_sys *e, const void *p, u64 len, int user)
{
	u32 o = e->hdr.size & KN_SCRATCH_OFF_MASK;

	e->data.off = o;
	e->data.flags = 0;
	if (len > KN_DATA_MAX) {
		len = KN_DATA_MAX;
		e->data.flags = KN_TRUNCATED;
	}
	/* (changes nothing: the bound in the register the helper is given,
	 * where older verifiers lose the comparison's through a spill; the
	 * barrier keeps the compiler from dropping it as known) */
	barrier_var(len);
	len &= 2 * KN_DATA_MAX - 1;
	if (len && (user ? bpf_probe_read_user((char *)e + o, len, p) : bpf_probe_read_kernel((char *)e + o, len, p))) {
		e->data.flags |= KN_PATH_ERROR;
		len = 0;
	}
	e->data.len = len;
	e->hdr.size = o + len;
}

static __always_inline void addr_from_sock(struct kn_addr *a, struct sock *sk, int remote)
{
	u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);

	a->family = fam;
	if (remote)
		a->port = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	else
		a->port = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (fam == KN_AF_INET) {
		u32 ip = remote ? BPF_CORE_READ(sk, __sk_common.skc_daddr)
				: BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);

		__builtin_memcpy(a->addr, &ip, 4);
	} else if (fam == KN_AF_INET6) {
		if (remote)
			BPF_CORE_READ_INTO(&a->addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
		else
			BPF_CORE_READ_INTO(&a->addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
	}
}

static __always_inline void sock_fill(struct kn_sock *s, struct sock *sk)
{
	if (!sk)
		return;
	s->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	s->type = BPF_CORE_READ(sk, sk_type);
	s->proto = BPF_CORE_READ(sk, sk_protocol);
	s->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	addr_from_sock(&s->src, sk, 0);
	addr_from_sock(&s->dst, sk, 1);
}

/* A sockaddr the kernel wrote to, or read from, user memory. */
/* A sockaddr (inet or inet6, else the family alone) as a kn_addr. */
static __always_inline void addr_from_sa(struct kn_addr *a, const struct sockaddr_in6 *sa)
{
	a->family = sa->sin6_family;
	a->port = __builtin_bswap16(sa->sin6_port);
	if (sa->sin6_family == KN_AF_INET)
		__builtin_memcpy(a->addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	else if (sa->sin6_family == KN_AF_INET6)
		__builtin_memcpy(a->addr, &sa->sin6_addr, 16);
}

static __always_inline void addr_from_user(struct kn_addr *a, const void *uaddr)
{
	struct sockaddr_in6 sa = {};

	if (!uaddr || bpf_probe_read_user(&sa, sizeof(sa), uaddr))
		return;
	addr_from_sa(a, &sa);
}

/* The kept peer address of the running call into a: 1 the kernel's copy,
 * 2 read at the call's entry, 0 when none was kept; the entry goes. */
static __always_inline int peer_take(struct kn_addr *a)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_peer_obj *o = bpf_map_lookup_elem(&kn_peer, &id);
	int how;

	if (!o)
		return 0;
	addr_from_sa(a, &o->sa);
	how = o->user ? 2 : 1;
	bpf_map_delete_elem(&kn_peer, &id);
	return how;
}

/* The address the call gave, for its event: the kernel's copy; else the
 * copy read at its entry, unconfirmed (1) when the caller's memory says
 * otherwise now; else the caller's memory now, unconfirmed. */
static __always_inline int peer_given(struct kn_addr *dst, const struct kn_addr *kept, int how, const void *uaddr)
{
	struct kn_addr now = {};

	if (how == 1) {
		*dst = *kept;
		return 0;
	}
	addr_from_user(&now, uaddr);
	if (how == 2) {
		*dst = *kept;
		return now.family != kept->family || now.port != kept->port ||
		       *(u64 *)now.addr != *(const u64 *)kept->addr ||
		       *(u64 *)(now.addr + 8) != *(const u64 *)(kept->addr + 8);
	}
	*dst = now;
	return 1;
}

static __always_inline void sys_emit(struct kn_sys *e)
{
	kn_emit(e, e->hdr.size, e->hdr.type);
}

/* An event of the syscall's arguments and result alone. */
static __always_inline int sys_emit_args(u32 type, struct kn_args *st, long ret)
{
	struct kn_sys *e = sys_begin(type, st, ret);

	if (e)
		sys_emit(e);
	return 0;
}

/* A syscall's end: its names taken (named: it has a kn_name_ program). */
static __always_inline int sys_done(int rc, int named)
{
	if (named) {
		u64 id = bpf_get_current_pid_tgid();

		bpf_map_delete_elem(&kn_names, &id);
	}
	return rc;
}

/* Arguments of a name program: the user pointer at index i (-1: none) and
 * the dirfd at index i (-1: AT_FDCWD; an int, as the kernel takes it). */
#define KN_UARG(ctx, i) ((i) < 0 ? 0 : (ctx)->args[(i) < 0 ? 0 : (i)])
#define KN_DFD(ctx, i) ((i) < 0 ? (long)KN_AT_FDCWD : (long)(int)(ctx)->args[(i) < 0 ? 0 : (i)])

/* The exit of syscall `name` (which takes nargs arguments and may give an
 * event of type): handler(struct kn_args *, long ret); and the entry that
 * stashes its arguments where the exit cannot read them. Its 32-bit form:
 * kn_ia32_exit (ia32.bpf.h) runs the same handler. */
#define SYS_STASH(name, sc, nargs, type)                           \
	SEC("tp/syscalls/sys_enter_" #name)                        \
	int kn_stash_##name(struct trace_event_raw_sys_enter *ctx) \
	{                                                          \
		return sys_stash(ctx, sc, nargs, type);            \
	}

#define SYS_EXIT_(name, sc, nargs, type, handler, named)          \
	SYS_STASH(name, sc, nargs, type)                          \
	SEC("tp/syscalls/sys_exit_" #name)                        \
	int kn_exit_##name(struct trace_event_raw_sys_exit *ctx)  \
	{                                                         \
		struct kn_args a;                                 \
                                                                  \
		if (kn_is_self(bpf_get_current_pid_tgid() >> 32)) \
			return 0;                                 \
		if (sys_args(&a, sc))                             \
			return sys_done(0, named);                \
		return sys_done(handler(&a, ctx->ret), named);    \
	}

#define SYS_EXIT(name, sc, nargs, type, handler) SYS_EXIT_(name, sc, nargs, type, handler, 0)

/*
 * Families: syscalls whose exits share a handler big enough that verifying
 * it once per syscall costs seconds of start on older kernels. Each exit
 * program keeps the call's arguments and result in this CPU's kn_call slot
 * and tail-calls its family's program (kn_family, set by userland), which
 * runs the handler: one verification. The tail call runs at once, on the
 * same CPU: nothing else uses the slot between.
 */
struct kn_call {
	struct kn_args a;
	long ret;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct kn_call);
} kn_call SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, KN_FAM_MAX);
	__type(key, u32);
	__type(value, u32);
} kn_family SEC(".maps");

static __always_inline int sys_exit_fam(struct trace_event_raw_sys_exit *ctx, u32 sc, u32 fam, int named)
{
	struct kn_call *c;
	u32 zero = 0;

	if (kn_is_self(bpf_get_current_pid_tgid() >> 32))
		return 0;
	c = bpf_map_lookup_elem(&kn_call, &zero);
	if (!c || sys_args(&c->a, sc))
		return sys_done(0, named);
	c->ret = ctx->ret;
	bpf_tail_call(ctx, &kn_family, fam);
	/* no family program: nothing reported, the names dropped */
	return sys_done(0, named);
}

#define SYS_EXIT_FAM_(name, sc, nargs, type, fam, named)         \
	SYS_STASH(name, sc, nargs, type)                         \
	SEC("tp/syscalls/sys_exit_" #name)                       \
	int kn_exit_##name(struct trace_event_raw_sys_exit *ctx) \
	{                                                        \
		return sys_exit_fam(ctx, sc, fam, named);        \
	}

#define SYS_EXIT_FAM(name, sc, nargs, type, fam) SYS_EXIT_FAM_(name, sc, nargs, type, fam, 0)

#define SYS_EXIT_FAM_NAMED(name, sc, nargs, type, fam, d0, n0, d1, n1) \
	SYS_NAMES(name, sc, d0, n0, d1, n1)                            \
	SYS_EXIT_FAM_(name, sc, nargs, type, fam, 1)

/* A family's program: handler(struct kn_args *, long ret) for the call in
 * kn_call; its names dropped after. A syscall exit tracepoint program by
 * type (its section names one every kernel has), never attached: only
 * tail-called. */
#define SYS_FAMILY(fam, handler)                                \
	SEC("tp/syscalls/sys_exit_close")                       \
	int kn_fam_##fam(struct trace_event_raw_sys_exit *ctx)  \
	{                                                       \
		struct kn_call *c;                              \
		struct kn_args a;                               \
		u32 zero = 0;                                   \
                                                                \
		c = bpf_map_lookup_elem(&kn_call, &zero);       \
		if (c) {                                        \
			__builtin_memcpy(&a, &c->a, sizeof(a)); \
			handler(&a, c->ret);                    \
		}                                               \
		return sys_done(0, 1);                          \
	}

/* A syscall that takes names (arguments n0, n1: indexes, -1 for none,
 * relative to the dirfds at d0, d1, -1 for the cwd): they are read at its
 * entry too (kn_name_<name>). */
#define SYS_NAMES(name, sc, d0, n0, d1, n1)                                                                      \
	SEC("tp/syscalls/sys_enter_" #name)                                                                      \
	int kn_name_##name(struct trace_event_raw_sys_enter *ctx)                                                \
	{                                                                                                        \
		return sys_names_keep(sc, KN_DFD(ctx, d0), KN_UARG(ctx, n0), KN_DFD(ctx, d1), KN_UARG(ctx, n1)); \
	}

#define SYS_EXIT_NAMED(name, sc, nargs, type, handler, d0, n0, d1, n1) \
	SYS_NAMES(name, sc, d0, n0, d1, n1)                            \
	SYS_EXIT_(name, sc, nargs, type, handler, 1)

#endif
