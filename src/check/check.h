/*
 * `kunai check`: what this kernel lets the sensor see. Prints the kernel,
 * its BTF, its active LSMs and the features the probes were chosen by,
 * then loads every probe and, for each event type, whether it loaded,
 * attached and fired: the check performs the action behind each event
 * itself, in child processes (tests/vm and the end-to-end suite run it).
 */
#ifndef KN_CHECK_H
#define KN_CHECK_H

/* Returns the exit status: 0 when every event type this kernel can support
 * fired, 1 otherwise (or when the probes cannot be loaded at all).
 * no_helpers: KN_HELPER_* to set aside (the fallbacks older kernels use). */
int check_run(int verbose, int no_helpers);

/* The kernel's lines of the check alone (what it is, its helpers, whether
 * the object tier can be used), no probes loaded: 0, or 1 on an error. */
int check_kernel(int no_helpers);

#endif
