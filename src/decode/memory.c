/* The data of memory events (bpf/memory.bpf.h): executable mappings. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decode/internal.h"

int decode_memory(struct decoder *enc, const struct kn_sys *x, size_t size, struct event *ev)
{
	const struct kn_header *h = &x->hdr;
	struct item it;

	switch (h->type) {
	case KN_MMAP_EXEC:
		if (item_get(x, size, sizeof(*x), &x->str[0], &it))
			return -1;
		write_file_hashed(enc, ev, "mapped", it.s, it.len, it.flags, &h->task, 0, x->mapped.size,
				  (int64_t)x->mapped.ctime_sec * 1000000000LL + (int64_t)x->mapped.ctime_nsec);
		ev_hex(ev, "addr", x->ret);
		break;
	case KN_MPROTECT_EXEC:
		ev_hex(ev, "addr", x->args[0]);
		ev_u64(ev, "len", x->args[1]);
		ev_hex(ev, "prot", x->args[2]);
		break;
	default: return 1;
	}
	return 0;
}
