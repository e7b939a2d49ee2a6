/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Path walker shared by every probe that reports a path. bpf_d_path is not
 * allowed in tracepoints, so: follow dentry->d_parent, cross mounts through
 * struct mount, stop at the task's root. The path is built backwards in a
 * per-CPU buffer. A path longer than KN_PATH_MAX, or deeper than the walk
 * may go, keeps its deepest components and is flagged KN_TRUNCATED.
 *
 * The walk is a global function: the verifier checks it once per program,
 * not once per call. Where the kernel has bpf_loop (KN_WALK_LOOP), it bounds
 * the walk at KN_PATH_MAX / 2 components (the most a KN_PATH_MAX path can
 * hold) plus mount crossings; elsewhere a bounded loop of
 * KN_WALK_STEPS_BOUNDED steps, what the verifier of older kernels accepts.
 */
#ifndef KN_BPF_PATH_H
#define KN_BPF_PATH_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "kunai/wire.h"
#include "compat.h"
#include "maps.h"

#define KN_NAME_MAX 255

#define KN_WALK_STEPS_LOOP (KN_PATH_MAX / 2 + 64)
#define KN_WALK_STEPS_BOUNDED 160

struct walk_ctx {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	u32 pos; /* the path starts at buf[pos]; buf[KN_PATH_MAX - 1] is NUL */
	u32 flags;
	u32 done; /* the walk reached the root */
};

/* The path is built backwards in data; the walk keeps its state in w:
 * values the verifier reads from a map are unknown to it, so the states of
 * one step's branches merge rather than multiply over the steps. */
struct kn_pathbuf {
	char data[2 * KN_PATH_MAX];
	struct walk_ctx w;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct kn_pathbuf);
} kn_pathbuf SEC(".maps");

static __always_inline struct mount *real_mount(struct vfsmount *m)
{
	return (struct mount *)((void *)m - bpf_core_field_offset(struct mount, mnt));
}

/* Prepend "/name" at c->pos. Returns 0, or 1 when the buffer is full. */
static __always_inline int walk_prepend(struct walk_ctx *c, char *buf, struct dentry *d)
{
	struct qstr q = BPF_CORE_READ(d, d_name);
	u32 len = q.len, pos = c->pos;

	if (len > KN_NAME_MAX) {
		c->flags |= KN_PATH_ERROR;
		len = KN_NAME_MAX;
	}
	if (pos < len + 1) {
		c->flags |= KN_TRUNCATED;
		return 1;
	}
	pos -= len;
	if (bpf_probe_read_kernel(buf + (pos & (KN_PATH_MAX - 1)), len & KN_NAME_MAX, q.name))
		c->flags |= KN_PATH_ERROR;
	pos -= 1;
	buf[pos & (KN_PATH_MAX - 1)] = '/';
	c->pos = pos;
	return 0;
}

/* One step up. Returns 1 when the walk is over. */
static __always_inline long walk_step(struct walk_ctx *c, char *buf)
{
	struct dentry *d = c->dentry, *parent, *mnt_root;
	struct mount *mp, *m;
	struct vfsmount *vm;

	if (d == c->root_dentry && c->vfsmnt == c->root_mnt) {
		c->done = 1;
		return 1;
	}
	if (!d) {
		c->flags |= KN_PATH_ERROR;
		c->done = 1; /* an error, not a path too deep */
		return 1;
	}
	vm = c->vfsmnt;
	m = c->mnt;
	mnt_root = BPF_CORE_READ(vm, mnt_root);
	parent = BPF_CORE_READ(d, d_parent);
	if (d == mnt_root) {
		mp = BPF_CORE_READ(m, mnt_parent);
		if (mp == m || !mp) {
			c->done = 1; /* the root of the mount tree */
			return 1;
		}
		c->dentry = BPF_CORE_READ(m, mnt_mountpoint);
		c->mnt = mp;
		c->vfsmnt = (struct vfsmount *)((void *)mp + bpf_core_field_offset(struct mount, mnt));
		return 0;
	}
	if (d == parent) {
		/* A pseudo file (memfd, pipe...): its name is all there is. */
		walk_prepend(c, buf, d);
		c->done = 1;
		return 1;
	}
	if (walk_prepend(c, buf, d))
		return 1;
	c->dentry = parent;
	return 0;
}

#if KN_WALK_LOOP
static long walk_loop_cb(u32 i, void *unused)
{
	struct kn_pathbuf *pb;
	u32 zero = 0;

	pb = bpf_map_lookup_elem(&kn_pathbuf, &zero);
	if (!pb)
		return 1;
	return walk_step(&pb->w, pb->data);
}
#endif

/*
 * Walk (dentry, vfsmnt) up to the current task's root into kn_pathbuf.
 * Returns the start of the path in the buffer (low 16 bits) and its
 * KN_TRUNCATED / KN_PATH_* flags (high 16 bits); -1 without a buffer.
 */
__noinline int kn_path_walk(u64 dentry, u64 vfsmnt)
{
	struct task_struct *task = kn_current();
	struct kn_pathbuf *pb;
	struct walk_ctx *c;
	u32 zero = 0;

	pb = bpf_map_lookup_elem(&kn_pathbuf, &zero);
	if (!pb || !dentry || !vfsmnt)
		return -1;
	c = &pb->w;
	c->dentry = (struct dentry *)dentry;
	c->vfsmnt = (struct vfsmount *)vfsmnt;
	c->mnt = real_mount(c->vfsmnt);
	c->root_dentry = BPF_CORE_READ(task, fs, root.dentry);
	c->root_mnt = BPF_CORE_READ(task, fs, root.mnt);
	c->pos = KN_PATH_MAX - 1;
	c->flags = 0;
	c->done = 0;
	pb->data[KN_PATH_MAX - 1] = 0;
#if KN_WALK_LOOP
	bpf_loop(KN_WALK_STEPS_LOOP, walk_loop_cb, NULL, 0);
#else
	for (int i = 0; i < KN_WALK_STEPS_BOUNDED; i++) {
		if (walk_step(c, pb->data))
			break;
	}
#endif
	if (!c->done)
		c->flags |= KN_TRUNCATED; /* deeper than the walk may go */
	/* No name left in any directory: unlinked, or never linked (memfd). */
	if (BPF_CORE_READ((struct dentry *)dentry, d_inode, i_nlink) == 0)
		c->flags |= KN_PATH_DELETED;
	return (int)((c->pos & 0xffff) | ((c->flags & 0xff) << 16));
}

/*
 * Resolve (dentry, vfsmnt) relative to the current task's root and copy it
 * NUL-terminated to dst (at least KN_PATH_MAX bytes). Returns the length
 * without NUL and sets *flags.
 */
static __always_inline u32 path_resolve(char *dst, struct dentry *dentry, struct vfsmount *vfsmnt, u32 *flags)
{
	struct kn_pathbuf *pb;
	u32 zero = 0, len, n, pos;
	int r;

	r = kn_path_walk((u64)dentry, (u64)vfsmnt);
	pb = bpf_map_lookup_elem(&kn_pathbuf, &zero);
	if (r < 0 || !pb) {
		*flags = KN_PATH_ERROR;
		dst[0] = 0;
		return 0;
	}
	pos = r & 0xffff;
	*flags = (u32)r >> 16;
	if (pos >= KN_PATH_MAX - 1) {
		/* Nothing above the root: the path is "/". */
		dst[0] = '/';
		dst[1] = 0;
		return 1;
	}
	/* bounded where the verifier sees it: a compiler may take the size
	 * from a copy of pos made before the test above, which older
	 * verifiers (6.1) do not narrow with it */
	pos &= KN_PATH_MAX - 1;
	barrier_var(pos);
	len = KN_PATH_MAX - 1 - pos;
	n = len + 1;
	if (n > KN_PATH_MAX)
		n = KN_PATH_MAX;
	bpf_probe_read_kernel(dst, n, pb->data + pos);
	return len;
}

static __always_inline u32 path_resolve_file(char *dst, struct file *f, u32 *flags)
{
	return path_resolve(dst, BPF_CORE_READ(f, f_path.dentry), BPF_CORE_READ(f, f_path.mnt), flags);
}

#endif
