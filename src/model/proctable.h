/*
 * The process model: what the sensor knows of every process (thread group),
 * keyed by (tgid, start time): a reused pid is another process. Seeded from
 * /proc, kept by clone/exec/exit events. Each process points to the parent
 * it was forked from (not the one it is reparented to), and a process that
 * exited stays while it has descendants in the table, so orphans, daemons
 * and double-forked processes keep their whole ancestry. The table is
 * capped (refusals counted), so memory stays bounded however long the
 * sensor runs.
 */
#ifndef KN_PROCTABLE_H
#define KN_PROCTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

struct proc {
	struct proc *next;
	uint32_t tgid;
	uint32_t ppid; /* the parent's tgid when this one was forked (or seeded) */
	uint64_t start; /* leader's start, ns since boot */
	/* The parent's entry: kept while this one is (its `children` counts
	 * this one). NULL when the parent was not known. */
	struct proc *parent;
	uint32_t children; /* entries whose parent this is */
	bool exited; /* kept for its descendants' ancestry */
	bool kept; /* counted in kept */
	bool lingering; /* exited a moment ago: in the linger ring */
	char *exe; /* NULL when unknown */
	char *cmdline;
};

struct proctable {
	struct proc **buckets;
	size_t nbuckets;
	size_t count;
	size_t max;
	uint64_t refused; /* inserts refused because the table was full */
	size_t kept; /* exited entries kept for their descendants */
	uint64_t unkept; /* exited entries not kept (kept at its cap): ancestry cut */
	/* The last PROCTABLE_LINGER processes that exited, kept a moment
	 * longer: an event reported after its target's exit (a kill whose
	 * signal killed it) still finds it by (tgid, start). */
	struct proc **linger;
	size_t linger_pos;
};

/* At most this many exited processes are kept for their descendants; past
 * it, an exiting process's children lose it as parent (counted). */
#define PROCTABLE_KEPT_MAX 65536
/* Exited processes kept a moment longer (their command lines cut to
 * LINGER_CMDLINE bytes): memory stays bounded. */
#define PROCTABLE_LINGER 1024
#define PROCTABLE_LINGER_CMDLINE 4096

int proctable_init(struct proctable *pt, size_t nbuckets, size_t max);
void proctable_free(struct proctable *pt);
/* The live (not exited) process tgid. */
struct proc *proctable_get(struct proctable *pt, uint32_t tgid);
/* The process (tgid, start), live or kept. start 0: the live one. */
struct proc *proctable_find(struct proctable *pt, uint32_t tgid, uint64_t start);
/* The live process tgid started at `start`, made if unknown with parent
 * (ppid, pstart) (pstart 0: the live ppid). A live entry of tgid with
 * another start time is a process whose exit was missed: it exits first.
 * NULL when the table is full. */
struct proc *proctable_upsert(struct proctable *pt, uint32_t tgid, uint64_t start, uint32_t ppid, uint64_t pstart);
void proc_set_exec(struct proc *p, const char *exe, const char *cmdline);
/* A new process: its exe and command line are its parent's until it execs. */
struct proc *proctable_fork(struct proctable *pt, uint32_t child, uint64_t start, uint32_t parent, uint64_t pstart);
/* The process (tgid, start) exited (start 0: the live tgid): freed, or kept
 * while it has descendants; parents kept only for it go with it. */
void proctable_exit(struct proctable *pt, uint32_t tgid, uint64_t start);
/* Link the entries whose parent was not known to their live parent (after
 * seeding: /proc lists children before parents when pids wrapped). */
void proctable_link(struct proctable *pt);
/* Exe paths of tgid's ancestors, oldest first, joined by '|' (parent last).
 * Unknown exes are written as "?"; the walk stops at an unknown parent, a
 * loop, or `max_depth`. Returns the number of ancestors. */
size_t proctable_ancestors(struct proctable *pt, uint32_t tgid, struct strbuf *out, size_t max_depth);
/* Call dead on every live entry; those for which it returns non-zero exit
 * (as proctable_exit). Returns how many. */
size_t proctable_sweep(struct proctable *pt, int (*dead)(const struct proc *, void *), void *arg);
/* Let go of the processes that linger after their exit (the ring). */
void proctable_linger_flush(struct proctable *pt);
/* Entries kept for their descendants, exited. */
size_t proctable_kept(const struct proctable *pt);

/* /proc gives start times in USER_HZ ticks: start times are compared and
 * reported at that precision everywhere, so a process seeded from /proc and
 * the same process seen by the kernel side agree. */
#define KN_USER_HZ_NS 10000000ULL
static inline uint64_t proc_start_norm(uint64_t ns)
{
	return ns - ns % KN_USER_HZ_NS;
}
#endif
