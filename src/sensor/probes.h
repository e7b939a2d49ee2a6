/*
 * Which programs serve which event types, and which of them this kernel
 * can run. A program none of whose types is on is not loaded. A program
 * whose hook the kernel lacks (a tracepoint it does not have) is not
 * loaded either, with a notice: its events cannot happen here.
 */
#ifndef KN_PROBES_H
#define KN_PROBES_H

#include <stdbool.h>
#include <stdint.h>

struct bpf_object;
struct btf;

/* Event types (1 << enum kn_type) a program serves; 0 when unknown.
 * *core: the process model needs it whatever the user turned off. */
uint64_t probe_types(const char *prog_name, bool *core);
/* Whether the hook of section `sec` exists on this kernel (tracefs mounted
 * for tp/ sections; vmlinux_btf for tp_btf/). */
bool probe_hook_exists(const char *sec, const struct btf *vmlinux_btf);
/* Set autoload on every program of obj for the enabled mask; print
 * notices for what this kernel cannot do. Returns the mask of types that
 * have at least one program loaded. */
uint64_t probes_select(struct bpf_object *obj, uint64_t enabled, int verbose);

#endif
