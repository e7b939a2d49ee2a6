#include "sensor/bpfinfo.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

const char *bpf_prog_insns_by_id(uint32_t id, unsigned char **out, size_t *len, int64_t *verified)
{
	struct bpf_prog_info info;
	uint32_t ilen = sizeof(info);
	unsigned char *buf;
	int fd;

	*out = NULL;
	*len = 0;
	if (verified)
		*verified = -1;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return errno == ENOENT ? "gone" : "not accessible";
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen) || !info.xlated_prog_len) {
		close(fd);
		return "no instructions";
	}
	/* (a kernel fills as much of the structure as it knows) */
	if (verified && ilen >= offsetof(struct bpf_prog_info, verified_insns) + sizeof(info.verified_insns))
		*verified = info.verified_insns;
	buf = malloc(info.xlated_prog_len);
	if (!buf) {
		close(fd);
		return "out of memory";
	}
	*len = info.xlated_prog_len;
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = (uint32_t)*len;
	info.xlated_prog_insns = (uint64_t)(uintptr_t)buf;
	ilen = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen)) {
		close(fd);
		free(buf);
		*len = 0;
		return "no instructions";
	}
	close(fd);
	*out = buf;
	return NULL;
}

void free_insns(unsigned char *insns)
{
	free(insns);
}
