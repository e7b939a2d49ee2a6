/*
 * 32-bit (ia32) syscalls on x86-64: which of them the probes watch, as the
 * 64-bit syscall whose handler serves them (bpf/ia32.bpf.h).
 */
#ifndef KN_IA32_H
#define KN_IA32_H

#include <stddef.h>
#include <stdint.h>

struct ia32_syscall {
	uint32_t nr; /* the 32-bit syscall number */
	const char *name; /* the 64-bit syscall that serves it (its programs' name) */
	uint32_t sc; /* KN_SC_* */
	const char *family; /* the program that runs its handler: kn_ia32_<family> */
	int uid16; /* takes 16-bit ids (0xffff: unchanged, as the kernel reads it) */
};

/* The table; *n its length (0 where the probes have no 32-bit hooks). */
const struct ia32_syscall *ia32_syscalls(size_t *n);

#endif
