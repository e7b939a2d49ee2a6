/* The data of kernel events (bpf/kernel.bpf.h): modules, BPF programs
 * and socket filters. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decode/internal.h"
#include "sensor/bpfinfo.h"

void write_hashes(struct event *ev, const unsigned char *data, size_t len, const char *err)
{
	struct hashes h;

	if (!err && hashes_compute(data, len, &h))
		err = "hashing failed";
	write_digests(ev, err ? NULL : &h);
	ev_str(ev, "error", err);
}

int decode_kernel(struct decoder *enc, const struct kn_sys *x, size_t size, struct event *ev)
{
	const struct kn_header *h = &x->hdr;
	struct item it, it2, data;
	char buf[64];

	if (item_get(x, size, sizeof(*x), &x->data, &data))
		return -1;
	switch (h->type) {
	case KN_INIT_MODULE: {
		const char *nm;
		size_t nl;

		if (item_get(x, size, sizeof(*x), &x->str[0], &it) || item_get(x, size, sizeof(*x), &x->str[1], &it2) ||
		    item_get(x, size, sizeof(*x), &x->str[2], &data))
			return -1;
		ev_str(ev, "syscall", sc_name(x->sc));
		nm = data.s;
		nl = data.len;
		if (!nl && it2.len) {
			/* not loaded: the name its file gives */
			const char *slash = memrchr(it2.s, '/', it2.len);

			nm = slash ? slash + 1 : it2.s;
			nl = it2.len - (size_t)(nm - it2.s);
			for (size_t k = 0; k < nl; k++) {
				if (nm[k] == '.') {
					nl = k;
					break;
				}
			}
		}
		if (nl)
			ev_strn(ev, "module_name", nm, nl);
		else
			ev_str(ev, "module_name", "?");
		ev_strn(ev, "args", it.s, it.len);
		/* the caller's memory changed since the entry's copy */
		if (x->str[0].flags & KN_NAME_UNCONFIRMED)
			ev_bool(ev, "args_unconfirmed", true);
		if (it2.len)
			write_file(ev, "file", it2.s, it2.len, it2.flags);
		ev_bool(ev, "loaded", x->ret == 0);
		break;
	}
	case KN_BPF_PROG_LOAD: {
		unsigned char *insns = NULL;
		int64_t verified = -1;
		size_t ilen = 0;
		const char *err = NULL;
		struct item ks;

		if (item_get(x, size, sizeof(*x), &x->str[0], &it) || item_get(x, size, sizeof(*x), &x->str[1], &it2) ||
		    item_get(x, size, sizeof(*x), &x->str[2], &ks))
			return -1;
		ev_u64(ev, "id", x->prog.id);
		ev_obj_begin(ev, "prog_type");
		ev_u64(ev, "id", x->prog.type);
		ev_str(ev, "name", bpf_prog_type_name(x->prog.type));
		ev_obj_end(ev);
		snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)__builtin_bswap64(x->prog.tag));
		/* (none for a program the kernel refused) */
		ev_str(ev, "tag", x->ret >= 0 ? buf : "?");
		ev_strn(ev, "attached_func", it2.s, it2.len);
		ev_strn(ev, "name", it.s, it.len);
		ev_strn(ev, "ksym", ks.s, ks.len);
		ev_obj_begin(ev, "bpf_prog");
		if (x->ret < 0)
			err = "not loaded";
		else
			err = bpf_prog_insns_by_id((uint32_t)x->prog.id, &insns, &ilen, &verified);
		write_hashes(ev, insns, ilen, err);
		ev_u64(ev, "size", ilen);
		ev_obj_end(ev);
		free_insns(insns);
		if (verified >= 0)
			ev_i64(ev, "verified_insns", verified);
		else
			ev_null(ev, "verified_insns");
		ev_bool(ev, "loaded", x->ret >= 0);
		break;
	}
	case KN_BPF_SOCKET_FILTER: {
		unsigned char *insns = NULL;
		size_t ilen = 0;
		const char *err = NULL;

		write_socket(ev, &x->sock);
		ev_obj_begin(ev, "filter");
		if (x->filter.prog_id) {
			err = bpf_prog_insns_by_id((uint32_t)x->filter.prog_id, &insns, &ilen, NULL);
			ev_u64(ev, "prog_id", x->filter.prog_id);
			write_hashes(ev, insns, ilen, err);
			ev_u64(ev, "len", ilen / 8);
			ev_u64(ev, "size", err ? 0 : ilen);
		} else {
			if (data.flags & KN_PATH_ERROR)
				err = "filter unreadable";
			else if (data.flags & KN_TRUNCATED)
				err = "filter longer than the kernel side keeps";
			write_hashes(ev, (const unsigned char *)data.s, data.len, err);
			ev_u64(ev, "len", x->filter.len);
			/* the bytes hashed */
			ev_u64(ev, "size", err ? 0 : data.len);
		}
		ev_obj_end(ev);
		free_insns(insns);
		ev_bool(ev, "attached", x->ret == 0);
		break;
	}
	default: return 1;
	}
	return 0;
}
