/*
 * The process model: what the sensor knows of every live process (thread
 * group), keyed by tgid. Seeded from /proc, kept by clone/exec/exit events.
 * Entries of dead processes are freed; the table is capped, so memory stays
 * bounded however long the sensor runs.
 */
#ifndef KN_PROCTABLE_H
#define KN_PROCTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

struct proc {
	struct proc *next;
	uint32_t tgid;
	uint32_t ppid;
	uint64_t start; /* leader's start, ns since boot */
	char *exe; /* NULL when unknown */
	char *cmdline;
};

struct proctable {
	struct proc **buckets;
	size_t nbuckets;
	size_t count;
	size_t max;
	uint64_t refused; /* inserts refused because the table was full */
};

int proctable_init(struct proctable *pt, size_t nbuckets, size_t max);
void proctable_free(struct proctable *pt);
struct proc *proctable_get(struct proctable *pt, uint32_t tgid);
/* Insert or return the entry of tgid; an entry with another start time is
 * a dead process whose tgid was reused: it is reset. NULL when full. */
struct proc *proctable_upsert(struct proctable *pt, uint32_t tgid, uint32_t ppid, uint64_t start);
void proc_set_exec(struct proc *p, const char *exe, const char *cmdline);
/* A new process: its exe and command line are its parent's until it execs. */
struct proc *proctable_fork(struct proctable *pt, uint32_t child, uint32_t parent, uint64_t start);
void proctable_remove(struct proctable *pt, uint32_t tgid);
/* Exe paths of tgid's ancestors, oldest first, joined by '|' (parent last).
 * Unknown exes are written as "?"; the walk stops at pid 0, an unknown
 * process, a loop, or `max_depth`. Returns the number of ancestors. */
size_t proctable_ancestors(struct proctable *pt, uint32_t tgid, struct strbuf *out, size_t max_depth);
/* Call fn on every entry; entries for which it returns non-zero are removed. */
size_t proctable_sweep(struct proctable *pt, int (*dead)(const struct proc *, void *), void *arg);

/* /proc gives start times in USER_HZ ticks: start times are compared and
 * reported at that precision everywhere, so a process seeded from /proc and
 * the same process seen by the kernel side agree. */
#define KN_USER_HZ_NS 10000000ULL
static inline uint64_t proc_start_norm(uint64_t ns)
{
	return ns - ns % KN_USER_HZ_NS;
}
#endif
