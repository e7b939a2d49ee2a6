#ifndef KN_GUUID_H
#define KN_GUUID_H

#include <stdint.h>

#define KN_UUID_STR 37

/*
 * A process's guuid: stable for its whole life, the same for all its
 * threads, unique across reboots. Layout (UUID text form):
 *   BBBBBBBB-SSSS-SSSS-SSSS-SSSSTTTTTTTT
 * B: 32 bits of the boot id, S: the leader's start time in USER_HZ ticks
 * since boot (48 bits), T: the tgid.
 */
void guuid_format(char out[KN_UUID_STR], uint32_t boot_key, uint64_t start_ns, uint32_t tgid);
/* 32 bits derived from the boot id text (FNV-1a). */
uint32_t guuid_boot_key(const char *boot_id);
/* A random (version 4) UUID. */
void uuid_random(char out[KN_UUID_STR]);

#endif
