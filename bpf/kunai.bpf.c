/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Every probe, one compilation unit: each family of hooks lives in its own
 * bpf/<family>.bpf.h; the shared maps and configuration in bpf/lib/.
 * (One object rather than objects linked by `bpftool gen object`: the
 * linker of Debian 12's libbpf mis-relocates maps used from subprograms
 * shared between objects.)
 */
#include "process.bpf.h"
#include "file.bpf.h"
#include "net.bpf.h"
#include "kernel.bpf.h"
#include "memory.bpf.h"
#include "task.bpf.h"
#include "ia32.bpf.h"
#include "object.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
