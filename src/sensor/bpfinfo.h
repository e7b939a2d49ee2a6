/* What the kernel says of a loaded BPF program, by id. */
#ifndef KN_BPFINFO_H
#define KN_BPFINFO_H

#include <stddef.h>
#include <stdint.h>

/* The program's translated instructions (malloc'd into *out) and, when
 * verified is not NULL, how many instructions the verifier processed (-1:
 * this kernel does not say, before 5.16). Returns NULL, or why they could
 * not be had ("gone": unloaded since). */
const char *bpf_prog_insns_by_id(uint32_t id, unsigned char **out, size_t *len, int64_t *verified);
void free_insns(unsigned char *insns);

#endif
