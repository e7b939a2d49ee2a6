#include "enrich/resolved.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

int resolved_init(struct resolved *r)
{
	r->clock = 0;
	r->slots = calloc(RESOLVED_SLOTS, sizeof(*r->slots));
	return r->slots ? 0 : -1;
}

void resolved_free(struct resolved *r)
{
	free(r->slots);
	r->slots = NULL;
}

static uint32_t slot_of(uint32_t tgid, int family, const uint8_t *addr)
{
	/* FNV-1a over the key */
	uint32_t h = 2166136261u;
	size_t n = family == 6 ? 16 : 4;

	for (int i = 0; i < 4; i++) {
		h ^= (tgid >> (8 * i)) & 0xff;
		h *= 16777619u;
	}
	for (size_t i = 0; i < n; i++) {
		h ^= addr[i];
		h *= 16777619u;
	}
	return h & (RESOLVED_SLOTS - 1);
}

static bool same(const struct resolved_entry *e, uint32_t tgid, int family, const uint8_t *addr)
{
	return e->used && e->tgid == tgid && e->family == family && !memcmp(e->addr, addr, family == 6 ? 16 : 4);
}

static void put(struct resolved *r, uint32_t tgid, int family, const uint8_t *addr, const char *name, size_t len)
{
	uint32_t s = slot_of(tgid, family, addr);
	struct resolved_entry *victim = NULL;

	for (int i = 0; i < RESOLVED_PROBE; i++) {
		struct resolved_entry *e = &r->slots[(s + i) & (RESOLVED_SLOTS - 1)];

		if (same(e, tgid, family, addr)) {
			victim = e;
			break;
		}
		if (!victim || e->used < victim->used)
			victim = e;
	}
	memset(victim, 0, sizeof(*victim));
	victim->used = ++r->clock;
	victim->tgid = tgid;
	victim->family = (uint8_t)family;
	memcpy(victim->addr, addr, family == 6 ? 16 : 4);
	memcpy(victim->name, name, len);
	victim->name[len] = 0;
}

static bool loopback(int family, const uint8_t *a)
{
	static const uint8_t v6[16] = {[15] = 1};
	static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};

	if (family == 4)
		return a[0] == 127;
	return !memcmp(a, v6, 16) || (!memcmp(a, mapped, 12) && a[12] == 127);
}

void resolved_put(struct resolved *r, uint32_t tgid, const char *ip, const char *name)
{
	uint8_t addr[16];
	int family;
	size_t len = strlen(name);

	if (!r->slots || !len || len >= RESOLVED_NAME_MAX)
		return;
	if (inet_pton(AF_INET, ip, addr) == 1)
		family = 4;
	else if (inet_pton(AF_INET6, ip, addr) == 1)
		family = 6;
	else
		return;
	if (loopback(family, addr))
		return;
	if (tgid)
		put(r, tgid, family, addr, name, len);
	put(r, 0, family, addr, name, len);
}

const char *resolved_get(struct resolved *r, uint32_t tgid, int family, const uint8_t *addr)
{
	static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};
	uint32_t keys[2] = {tgid, 0};

	if (!r->slots || (family != 4 && family != 6))
		return NULL;
	/* an IPv4 address as an IPv6 socket has it */
	if (family == 6 && !memcmp(addr, mapped, 12)) {
		family = 4;
		addr += 12;
	}
	for (int k = tgid ? 0 : 1; k < 2; k++) {
		uint32_t s = slot_of(keys[k], family, addr);

		for (int i = 0; i < RESOLVED_PROBE; i++) {
			struct resolved_entry *e = &r->slots[(s + i) & (RESOLVED_SLOTS - 1)];

			if (same(e, keys[k], family, addr)) {
				e->used = ++r->clock;
				return e->name;
			}
		}
	}
	return NULL;
}
