/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Path walker shared by every probe that reports a path. bpf_d_path is not
 * allowed in tracepoints, so: follow dentry->d_parent, cross mounts through
 * struct mount, stop at the task's root. The path is built backwards in a
 * per-CPU buffer; bpf_loop bounds the walk (KN_PATH_MAX / 2 components, the
 * most a KN_PATH_MAX path can hold, plus mount crossings). A path longer than
 * KN_PATH_MAX keeps its deepest components and is flagged KN_TRUNCATED.
 */
#ifndef KN_BPF_PATH_H
#define KN_BPF_PATH_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "kunai/wire.h"
#include "maps.h"

#define KN_NAME_MAX 255
#define KN_WALK_STEPS (KN_PATH_MAX / 2 + 64)

struct walk_ctx {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	u32 pos; /* the path starts at buf[pos]; buf[KN_PATH_MAX - 1] is NUL */
	u32 flags;
};

static __always_inline struct mount *real_mount(struct vfsmount *m)
{
	return (struct mount *)((void *)m - bpf_core_field_offset(struct mount, mnt));
}

/* Prepend "/name" at c->pos. Returns 0, or 1 when the buffer is full. */
static __always_inline int walk_prepend(struct walk_ctx *c, char *buf, struct dentry *d)
{
	struct qstr q = BPF_CORE_READ(d, d_name);
	u32 len = q.len;

	if (len > KN_NAME_MAX) {
		c->flags |= KN_PATH_ERROR;
		len = KN_NAME_MAX;
	}
	if (c->pos < len + 1) {
		c->flags |= KN_TRUNCATED;
		return 1;
	}
	c->pos -= len;
	if (bpf_probe_read_kernel(buf + (c->pos & (KN_PATH_MAX - 1)), len & KN_NAME_MAX, q.name))
		c->flags |= KN_PATH_ERROR;
	c->pos -= 1;
	buf[c->pos & (KN_PATH_MAX - 1)] = '/';
	return 0;
}

static long walk_step(u32 i, void *_ctx)
{
	struct walk_ctx *c = _ctx;
	struct dentry *d = c->dentry, *parent, *mnt_root;
	struct kn_pathbuf *pb;
	struct mount *mp, *m;
	struct vfsmount *vm;
	u32 zero = 0;

	if (d == c->root_dentry && c->vfsmnt == c->root_mnt)
		return 1;
	pb = bpf_map_lookup_elem(&kn_pathbuf, &zero);
	if (!pb || !d) {
		c->flags |= KN_PATH_ERROR;
		return 1;
	}
	vm = c->vfsmnt;
	m = c->mnt;
	mnt_root = BPF_CORE_READ(vm, mnt_root);
	parent = BPF_CORE_READ(d, d_parent);
	if (d == mnt_root) {
		mp = BPF_CORE_READ(m, mnt_parent);
		if (mp == m || !mp)
			return 1; /* the root of the mount tree */
		c->dentry = BPF_CORE_READ(m, mnt_mountpoint);
		c->mnt = mp;
		c->vfsmnt = (struct vfsmount *)((void *)mp + bpf_core_field_offset(struct mount, mnt));
		return 0;
	}
	if (d == parent) {
		/* A pseudo file (memfd, pipe...): its name is all there is. */
		walk_prepend(c, pb->data, d);
		return 1;
	}
	if (walk_prepend(c, pb->data, d))
		return 1;
	c->dentry = parent;
	return 0;
}

/*
 * Resolve (dentry, vfsmnt) relative to the current task's root and copy it
 * NUL-terminated to dst (at least KN_PATH_MAX bytes). Returns the length
 * without NUL and sets *flags.
 */
static __always_inline u32 path_resolve(char *dst, struct dentry *dentry, struct vfsmount *vfsmnt, u32 *flags)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct walk_ctx c = {};
	struct kn_pathbuf *pb;
	u32 zero = 0, len, n;

	*flags = 0;
	pb = bpf_map_lookup_elem(&kn_pathbuf, &zero);
	if (!pb || !dentry || !vfsmnt) {
		*flags = KN_PATH_ERROR;
		dst[0] = 0;
		return 0;
	}
	c.dentry = dentry;
	c.vfsmnt = vfsmnt;
	c.mnt = real_mount(vfsmnt);
	c.root_dentry = BPF_CORE_READ(task, fs, root.dentry);
	c.root_mnt = BPF_CORE_READ(task, fs, root.mnt);
	c.pos = KN_PATH_MAX - 1;
	pb->data[KN_PATH_MAX - 1] = 0;
	bpf_loop(KN_WALK_STEPS, walk_step, &c, 0);
	/* No name left in any directory: unlinked, or never linked (memfd). */
	if (BPF_CORE_READ(dentry, d_inode, i_nlink) == 0)
		c.flags |= KN_PATH_DELETED;
	if (c.pos >= KN_PATH_MAX - 1) {
		/* Nothing above the root: the path is "/". */
		dst[0] = '/';
		dst[1] = 0;
		*flags = c.flags;
		return 1;
	}
	len = KN_PATH_MAX - 1 - c.pos;
	n = len + 1;
	if (n > KN_PATH_MAX)
		n = KN_PATH_MAX;
	bpf_probe_read_kernel(dst, n, pb->data + (c.pos & (KN_PATH_MAX - 1)));
	*flags = c.flags;
	return len;
}

static __always_inline u32 path_resolve_file(char *dst, struct file *f, u32 *flags)
{
	return path_resolve(dst, BPF_CORE_READ(f, f_path.dentry), BPF_CORE_READ(f, f_path.mnt), flags);
}

#endif
