/*
 * The names addresses were resolved from: every A and AAAA answer a
 * process received (dns_query), kept under that process and for the whole
 * host, so that a connection's peer gets the name it was looked up by
 * (dst.hostname). Looked up for the process first, then for the host.
 * Bounded: a fixed table, the least recently used entry of a small
 * neighbourhood replaced. Loopback answers are not kept.
 */
#ifndef KN_RESOLVED_H
#define KN_RESOLVED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESOLVED_SLOTS 4096 /* a power of two */
#define RESOLVED_PROBE 8
#define RESOLVED_NAME_MAX 256 /* longer names are not kept */

struct resolved_entry {
	uint64_t used; /* 0: free */
	uint32_t tgid; /* 0: the host's */
	uint8_t family; /* 4 or 6 */
	uint8_t addr[16];
	char name[RESOLVED_NAME_MAX];
};

struct resolved {
	struct resolved_entry *slots;
	uint64_t clock;
};

int resolved_init(struct resolved *r);
void resolved_free(struct resolved *r);
/* Answer text ip (an IPv4 or IPv6 address) for name, received by tgid. */
void resolved_put(struct resolved *r, uint32_t tgid, const char *ip, const char *name);
/* The name addr (4 or 16 bytes, family 4 or 6) was resolved from, for
 * tgid, else for the host; NULL when none. */
const char *resolved_get(struct resolved *r, uint32_t tgid, int family, const uint8_t *addr);

#endif
