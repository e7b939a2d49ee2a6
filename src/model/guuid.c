#include "model/guuid.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "model/proctable.h"

/* digits hex digits of v, zero-padded, at out; past them. */
static char *hex_fixed(char *out, uint64_t v, int digits)
{
	static const char x[] = "0123456789abcdef";

	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		out[i] = x[v & 15];
	return out + digits;
}

void guuid_format(char out[KN_UUID_STR], uint32_t boot_key, uint64_t start_ns, uint32_t tgid)
{
	uint64_t t = (start_ns / KN_USER_HZ_NS) & 0xffffffffffffULL;
	char *p = out;

	/* %08x-%04x-%04x-%04x-%04x%08x, by hand: on every event's path */
	p = hex_fixed(p, boot_key, 8);
	*p++ = '-';
	p = hex_fixed(p, (t >> 32) & 0xffff, 4);
	*p++ = '-';
	p = hex_fixed(p, (t >> 16) & 0xffff, 4);
	*p++ = '-';
	p = hex_fixed(p, t & 0xffff, 4);
	*p++ = '-';
	p = hex_fixed(p, 0, 4);
	p = hex_fixed(p, tgid, 8);
	*p = 0;
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
	for (int i = 0; i < 16; i++) {
		out = hex_fixed(out, b[i], 2);
		if (i == 3 || i == 5 || i == 7 || i == 9)
			*out++ = '-';
	}
	*out = 0;
}
