/*
 * The probes: which programs serve which event types, what this kernel can
 * run, and loading and attaching them.
 *
 * Choices are made by probing the running kernel, never by its version:
 * helpers (libbpf's helper probes), hooks (tracefs events, BTF tracepoint
 * types), argument shapes (the BTF prototypes of tracepoints). The object
 * with the bpf_loop path walker is loaded where the kernel has bpf_loop,
 * the one with a bounded walk elsewhere. A program the kernel refuses
 * (verifier) or cannot attach is left out with one notice naming the event
 * and the reason; the process lifecycle programs are mandatory.
 */
#ifndef KN_PROBES_H
#define KN_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kunai/wire.h"

struct bpf_object;
struct bpf_map;
struct bpf_link;
struct btf;

/* Helpers the probes use where the kernel has them (struct kfeatures),
 * and that --no-helper can set aside: the sensor then behaves as on a
 * kernel without them (for tests, or around a kernel's bug). */
enum {
	KN_HELPER_LOOP = 1 << 0, /* bpf_loop */
	KN_HELPER_TASK_PT_REGS = 1 << 1, /* bpf_task_pt_regs */
	KN_HELPER_TASK_BTF = 1 << 2, /* bpf_get_current_task_btf */
};
/* "bpf_loop,bpf_task_pt_regs,..." -> KN_HELPER_* mask; -1 on an unknown name
 * (err says which, and the valid ones). */
int helpers_parse(const char *list, char *err, size_t errlen);

/* What the running kernel offers the probes. */
struct kfeatures {
	bool bpf_loop; /* 5.17: deep path walks */
	bool task_pt_regs; /* 5.15: syscall arguments read at exit */
	bool current_task_btf; /* 5.11: plain loads from the task */
	bool tracepoint_progs; /* tracepoint programs (tp/ sections) */
	/* fentry programs load and attach: the object tier (object.bpf.h);
	 * else why not */
	bool fentry;
	char fentry_why[96];
	int set_aside; /* KN_HELPER_* the kernel has but --no-helper set aside */
	/* io_uring_submit_sqe's arguments: 0 the request first, 1 or 2 the
	 * index of the opcode (the user data next), -1 a shape not known */
	int uring_shape;
};

enum probe_state {
	PROBE_UNWANTED, /* none of its event types is on */
	PROBE_NOT_NEEDED, /* an argument stash where arguments are read at exit */
	PROBE_NO_HOOK, /* the kernel has no such tracepoint */
	PROBE_REFUSED, /* the kernel refused the program (verifier) */
	PROBE_NO_ATTACH, /* loaded, not attached */
	PROBE_ATTACHED,
};

struct probe {
	char name[64];
	char sec[96];
	uint64_t types; /* 1 << enum kn_type */
	bool core;
	enum probe_state state;
	char reason[192];
	struct bpf_link *link; /* while attached */
};

#define PROBES_MAX 256

struct probes {
	struct bpf_object *obj;
	const char *variant; /* which object: "bpf_loop walk" or "bounded walk" */
	bool walk_bounded; /* the bounded-walk object though the kernel has bpf_loop */
	struct kfeatures feat;
	struct probe progs[PROBES_MAX];
	int nprogs;
	uint64_t wanted; /* types asked for */
	uint64_t attached; /* types with at least one program attached */
	uint64_t partial; /* types with a program refused or not attached */
	bool tracefs_mounted;
};

struct probes_opts {
	uint64_t enabled; /* event types on */
	uint32_t self_tgid; /* the sensor: skipped in the kernel */
	uint32_t send_min;
	uint32_t ringbuf_mb;
	/* userland is woken when this many bytes of records wait (0: at
	 * each record) */
	uint64_t wakeup_bytes;
	uint64_t max_eps_fs; /* file events throttled past it (per CPU, per second); 0: none */
	/* watched path patterns (NULL-terminated; NULL: watch_default) */
	const char *const *watch;
	int verbose;
	bool quiet; /* no notices on standard error (kunai check prints a table) */
	int no_helpers; /* KN_HELPER_*: behave as if the kernel lacked them */
};

/* Event types (1 << enum kn_type) a program serves; 0 when unknown.
 * *core: the process model needs it whatever the user turned off. */
uint64_t probe_types(const char *prog_name, bool *core);
/* Whether the hook of section `sec` exists on this kernel (tracefs mounted
 * for tp/ sections; vmlinux_btf for tp_btf/). */
bool probe_hook_exists(const char *sec, const struct btf *vmlinux_btf);
/* The shape of io_uring_submit_sqe's arguments, from its BTF prototype:
 * 0 the request first, 1 or 2 the index of the opcode argument (the user
 * data follows), -1 another shape (or no such tracepoint). */
int probe_uring_shape(const struct btf *vmlinux_btf);
/* Probe the running kernel; helpers in no_helpers count as absent. */
void kfeatures_probe(struct kfeatures *f, int no_helpers);
/* The hook tier of an event type for display: "object" (paths from the
 * kernel's objects), "tracepoint", "syscall", "syscall+tracepoint". */
const char *probe_tier(const struct probes *p, int type);

/* Open, configure, load (leaving out what the kernel refuses) and attach.
 * 0, or -1 with a message on standard error. */
int probes_start(struct probes *p, const struct probes_opts *o);
struct bpf_map *probes_map(struct probes *p, const char *name);
/* The first program of type that the kernel refused or that did not
 * attach (its reason says why); NULL when none: every program of the type
 * is loaded, or its hooks are absent. */
const struct probe *probes_failed(const struct probes *p, int type);
/* Detach every program, the process lifecycle last (idempotent; may take
 * seconds: one RCU grace period per syscall tracepoint). */
void probes_detach(struct probes *p);
void probes_stop(struct probes *p);

#endif
