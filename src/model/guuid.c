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

/* Random bytes come from the kernel 4 KiB at a time: one getrandom per 256
 * events rather than one per event, on the path of every event. Called
 * from the event loop only: not thread-safe. */
static void random_bytes(unsigned char *b, size_t n)
{
	static unsigned char pool[4096];
	static size_t left;

	while (n) {
		size_t take;

		if (!left) {
			size_t got = 0;

			while (got < sizeof(pool)) {
				ssize_t r = getrandom(pool + got, sizeof(pool) - got, 0);

				if (r <= 0)
					break;
				got += (size_t)r;
			}
			left = got;
			if (!left)
				return;
		}
		take = n < left ? n : left;
		memcpy(b, pool + sizeof(pool) - left, take);
		memset(pool + sizeof(pool) - left, 0, take);
		left -= take;
		b += take;
		n -= take;
	}
}

void uuid_random(char out[KN_UUID_STR])
{
	unsigned char b[16] = {0};

	random_bytes(b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, KN_UUID_STR, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}
