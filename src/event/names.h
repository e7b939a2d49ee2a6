/* The names events give numbers: one table each, as Kunai spells them
 * where Kunai has the field. */
#ifndef KN_NAMES_H
#define KN_NAMES_H

#include <stdint.h>

#define SIGNAME_MAX 24

/* A syscall of the wire's enum kn_sc ("unknown" past the table). */
const char *sc_name(uint32_t sc);
/* SIGHUP..SIGSYS, SIGRT0..SIGRT30, SIG(N). */
const char *signal_name(unsigned sig, char buf[SIGNAME_MAX]);
/* PR_*, or unknown(N) written in buf. */
const char *prctl_option(uint64_t opt, char buf[24]);
/* PTRACE_ATTACH, PTRACE_SEIZE, PTRACE_POKETEXT, PTRACE_POKEDATA, else
 * PTRACE_OTHER. */
const char *ptrace_request(uint64_t req);
/* socket_filter, kprobe... or unknown. */
const char *bpf_prog_type_name(uint64_t t);
/* IORING_OP_*, or "?". */
const char *uring_op_name(uint64_t op);

#endif
