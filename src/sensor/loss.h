/* Loss accounting: the kernel counts failed ring buffer writes per type;
 * userland turns the running totals into per-report deltas. */
#ifndef KN_LOSS_H
#define KN_LOSS_H

#include <stdint.h>

#include "kunai/wire.h"

struct loss {
	uint64_t seen[KN_TYPE_MAX]; /* kernel totals at the last update */
	uint64_t lost_total;
};

/* Take new kernel totals; write what was lost since the last update in
 * delta and return its sum. A total that went backwards (counter reset)
 * starts a new baseline and counts its whole value. */
uint64_t loss_update(struct loss *l, const uint64_t totals[KN_TYPE_MAX], uint64_t delta[KN_TYPE_MAX]);
/* Sum per-CPU values (as bpf_map_lookup_elem returns them for a per-CPU array). */
uint64_t loss_sum_percpu(const uint64_t *values, int ncpus);

#endif
