/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Maps and configuration shared by every probe family. */
#ifndef KN_BPF_MAPS_H
#define KN_BPF_MAPS_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "kunai/wire.h"

/* Scratch record: fixed part + paths (offsets < 16 KiB) + argv. */
#define KN_SCRATCH_OFF_MASK (32768 - 1)
#define KN_SCRATCH_SIZE (32768 + KN_ARGV_MAX + KN_PATH_MAX)

/* One ring buffer for every event; its size is set by userland before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, KN_RING_BYTES);
} kn_events SEC(".maps");

/* Failed ring buffer writes, per CPU and per enum kn_type. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KN_TYPE_MAX);
	__type(key, u32);
	__type(value, u64);
} kn_loss SEC(".maps");

/* Large records are built here, one slot per CPU (a per-CPU array value
 * cannot exceed 32 KiB). max_entries is set to the number of CPUs. */
struct kn_scratch {
	char data[KN_SCRATCH_SIZE];
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct kn_scratch);
} kn_scratch SEC(".maps");

/* A syscall's arguments as the kernel acted on them: read at its exit from
 * the task's saved user registers (bpf_task_pt_regs), one program per
 * syscall; where the kernel lacks that helper, stashed at its entry by a
 * kn_stash_<syscall> program (loaded only there) and taken at its exit. */
struct kn_args {
	u64 args[6];
	u32 sc;
	u32 _pad;
};

/* Stashed arguments, by thread (pid_tgid). Taken by the syscall's exit,
 * dropped when the thread exits: nothing lingers. Sized (and allocated)
 * only where arguments are stashed. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, u64);
	__type(value, struct kn_args);
} kn_args_stash SEC(".maps");

/* A write to an inet socket by write, writev, sendfile or splice, from its
 * entry to its exit, which reports send_data (file.bpf.h): args[0] the
 * socket's fd, [1] the buffer (write) or iovec (writev), [2] the fd read
 * from (sendfile, splice). By thread; a thread's exit drops its entry. One
 * that cannot be kept (4096 threads in such a write) is counted lost. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, struct kn_args);
} kn_sockw SEC(".maps");

/* The file a call used, per calling thread, from the hook that saw it to
 * the call's exit: the file the kernel installed at a new fd, mapped, or
 * loaded a module from (object tier, `kernel` set), or the file an fd
 * argument held at the call's entry. Another thread may rebind the fd
 * (dup2) before the exit reads it: the exit compares (sys.h used_file).
 * A record is the thread's current call's: the entry programs replace or
 * remove it, the exits take it (the 32-bit ones drop it), and it names
 * its call (sc); an LRU besides. */
enum kn_used_kind {
	KN_USED_INSTALL = 1, /* the fd a call returns: open, accept, bpf */
	KN_USED_MMAP, /* mmap's fd argument */
	KN_USED_MODULE, /* finit_module's fd argument */
	KN_USED_SOCK, /* the socket of connect, sendto, sendmsg */
	KN_USED_ATTR, /* the fd argument of fchmod, fchown, fsetxattr, ftruncate, futimens */
};

struct kn_fd_used {
	u64 file;
	s64 fd; /* -1: the kernel's hook does not know it */
	u32 kind; /* enum kn_used_kind */
	u32 kernel; /* the kernel's own (object tier) */
	u32 sc; /* the call's KN_SC_*, 0: any (matched by fd) */
	u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, u64);
	__type(value, struct kn_fd_used);
} kn_fd_used SEC(".maps");

/* The task a kill or ptrace call reached, per calling thread, from the
 * hook that saw it to the call's exit (task.bpf.h). */
struct kn_target_obj {
	struct kn_task task; /* as the hook saw it */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, struct kn_target_obj);
} kn_target SEC(".maps");

/* Set by userland between open and load. */
const volatile u32 kn_self_tgid = 0;

static __always_inline void *kn_scratch_get(void)
{
	u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&kn_scratch, &cpu);
}

/* What the probes could not do that loses no event, per CPU (KN_COUNT_*):
 * reported in event_loss.sensor_dropped. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KN_COUNT_MAX);
	__type(key, u32);
	__type(value, u64);
} kn_counts SEC(".maps");

static __always_inline void kn_count(u32 what)
{
	u64 *n = bpf_map_lookup_elem(&kn_counts, &what);

	if (n)
		*n += 1;
}

static __always_inline void kn_loss_add(u32 type, u64 count)
{
	u64 *n = bpf_map_lookup_elem(&kn_loss, &type);

	if (n)
		*n += count;
}

static __always_inline void kn_loss_count(u32 type)
{
	kn_loss_add(type, 1);
}

/* Userland is woken once this many bytes wait (set by userland: the
 * sensor, an eighth of the ring; 0, every record); below, it takes them at
 * its next poll, KN_POLL_MS at most later: a storm costs a wake-up per
 * batch, not one per record. */
const volatile u64 kn_wakeup_bytes = 0;

static __always_inline u64 kn_wakeup_flag(u64 size)
{
	return bpf_ringbuf_query(&kn_events, BPF_RB_AVAIL_DATA) + size >= kn_wakeup_bytes ? BPF_RB_FORCE_WAKEUP
											  : BPF_RB_NO_WAKEUP;
}

/* Throttling of file events (wire.h KN_THROTTLED_TYPES): the limit of all
 * processes per CPU per second, a process's being two thirds of it; 0 (the
 * default): none. Set by userland. */
const volatile u64 kn_max_eps_fs = 0;

struct kn_window {
	u64 second; /* the window: seconds since boot */
	u64 count; /* file events in it */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct kn_window);
} kn_thr_all SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, u32);
	__type(value, struct kn_window);
} kn_thr_proc SEC(".maps");

/* Records throttled, per CPU and per enum kn_type: reported in event_loss. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KN_TYPE_MAX);
	__type(key, u32);
	__type(value, u64);
} kn_throttled SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct kn_error);
} kn_error_buf SEC(".maps");

/* The window of w, restarted when its second is over. */
static __always_inline void kn_window_at(struct kn_window *w, u64 sec)
{
	if (w->second != sec) {
		w->second = sec;
		w->count = 0;
	}
}

/* Whether the file record rec (of type) is to be dropped: counted, and
 * the first past a limit in its window said by an error record that takes
 * rec's header (its task, its time). */
static __always_inline int kn_throttle(const struct kn_header *rec, u32 type)
{
	u64 sec, plim = kn_max_eps_fs * 2 / 3;
	u32 zero = 0, tgid, code = 0;
	struct kn_window *all, *proc;
	struct kn_error *x;
	u64 *n;

	if (!kn_max_eps_fs || !((KN_THROTTLED_TYPES >> (type & 63)) & 1))
		return 0;
	all = bpf_map_lookup_elem(&kn_thr_all, &zero);
	if (!all)
		return 0;
	sec = bpf_ktime_get_boot_ns() / 1000000000ULL;
	tgid = bpf_get_current_pid_tgid() >> 32;
	proc = bpf_map_lookup_elem(&kn_thr_proc, &tgid);
	if (!proc) {
		struct kn_window fresh = {sec, 0};

		bpf_map_update_elem(&kn_thr_proc, &tgid, &fresh, BPF_ANY);
		proc = bpf_map_lookup_elem(&kn_thr_proc, &tgid);
		if (!proc)
			return 0;
	}
	kn_window_at(all, sec);
	kn_window_at(proc, sec);
	all->count++;
	proc->count++;
	if (proc->count > plim)
		code = proc->count == plim + 1 ? KN_ERR_THROTTLE_TASK : 3;
	else if (all->count > kn_max_eps_fs)
		code = all->count == kn_max_eps_fs + 1 ? KN_ERR_THROTTLE_GLOBAL : 3;
	if (!code)
		return 0;
	n = bpf_map_lookup_elem(&kn_throttled, &type);
	if (n)
		*n += 1;
	if (code == 3)
		return 1;
	x = bpf_map_lookup_elem(&kn_error_buf, &zero);
	if (!x) {
		kn_loss_count(type); /* (its error record: counted with it) */
		return 1;
	}
	x->hdr = *rec; /* (8-byte words: records are aligned) */
	x->hdr.type = KN_REC_ERROR;
	x->hdr.size = sizeof(*x);
	x->code = code;
	x->type = type;
	if (bpf_ringbuf_output(&kn_events, x, sizeof(*x), kn_wakeup_flag(sizeof(*x))))
		kn_loss_count(type);
	return 1;
}

/* Emit a record of `size` bytes; a failed write is counted, never silent. */
static __always_inline void kn_emit(void *rec, u64 size, u32 type)
{
	u64 flags;

	if (kn_throttle((const struct kn_header *)rec, type))
		return;
	flags = kn_wakeup_flag(size);
	if (size > KN_SCRATCH_SIZE)
		size = KN_SCRATCH_SIZE;
	/* the bound where 5.10's verifier sees it: in the register passed */
	barrier_var(size);
	if (bpf_ringbuf_output(&kn_events, rec, size, flags))
		kn_loss_count(type);
}

static __always_inline int kn_is_self(u32 tgid)
{
	return tgid == kn_self_tgid;
}

/* Event types that are on (bit per enum kn_type): programs shared by
 * several types (read / read_config...) check it. */
const volatile u64 kn_enabled_mask = ~0ULL;
/* send_data: smallest send reported, in bytes. */
const volatile u32 kn_send_min = 512;

static __always_inline int kn_enabled(u32 type)
{
	return (kn_enabled_mask >> (type & 63)) & 1;
}

#endif
