/* What the kernel says of a loaded BPF program, by id. */
#ifndef KN_BPFINFO_H
#define KN_BPFINFO_H

#include <stddef.h>
#include <stdint.h>

/* The program's translated instructions (malloc'd into *out). Returns NULL,
 * or why they could not be had ("gone": unloaded since). */
const char *bpf_prog_insns_by_id(uint32_t id, unsigned char **out, size_t *len);
void free_insns(unsigned char *insns);

#endif
