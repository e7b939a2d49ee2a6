#include "model/guuid.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "model/proctable.h"

void guuid_format(char out[KN_UUID_STR], uint32_t boot_key, uint64_t start_ns, uint32_t tgid)
{
	uint64_t t = (start_ns / KN_USER_HZ_NS) & 0xffffffffffffULL;

	snprintf(out, KN_UUID_STR, "%08x-%04x-%04x-%04x-%04x%08x", boot_key, (unsigned)(t >> 32) & 0xffff,
		 (unsigned)(t >> 16) & 0xffff, (unsigned)t & 0xffff, 0, tgid);
}

uint32_t guuid_boot_key(const char *boot_id)
{
	uint32_t h = 2166136261u;

	for (; *boot_id; boot_id++) {
		h ^= (unsigned char)*boot_id;
		h *= 16777619u;
	}
	return h;
}

void uuid_random(char out[KN_UUID_STR])
{
	unsigned char b[16];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, KN_UUID_STR, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}
