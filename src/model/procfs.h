/* Reading processes from /proc: the model's seed and its liveness check. */
#ifndef KN_PROCFS_H
#define KN_PROCFS_H

#include <stdint.h>

#include "model/proctable.h"

/* ppid and start time (ns since boot, tick precision) of /proc/PID. */
int procfs_stat(const char *procroot, uint32_t pid, uint32_t *ppid, uint64_t *start_ns);
/* Add every process under procroot to the table. Returns how many. */
size_t procfs_seed(struct proctable *pt, const char *procroot);
/* Drop entries whose process is gone (or whose tgid now names another). */
size_t procfs_sweep(struct proctable *pt, const char *procroot);

#endif
