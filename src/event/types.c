#include "event/types.h"

#include <stdio.h>
#include <string.h>

/* Ids and names of EVENTS.md; default: everything but read, write and
 * write_close (too noisy for most hosts). */
static const struct kn_type_info types[KN_TYPE_MAX] = {
	[KN_EXECVE] = {1, "execve", true},
	[KN_EXECVE_SCRIPT] = {2, "execve_script", true},
	[KN_EXIT] = {4, "exit", true},
	[KN_EXIT_GROUP] = {5, "exit_group", true},
	[KN_CLONE] = {6, "clone", true},
	[KN_PRCTL] = {7, "prctl", true},
	[KN_KILL] = {8, "kill", true},
	[KN_PTRACE] = {9, "ptrace", true},
	[KN_INIT_MODULE] = {20, "init_module", true},
	[KN_BPF_PROG_LOAD] = {21, "bpf_prog_load", true},
	[KN_BPF_SOCKET_FILTER] = {22, "bpf_socket_filter", true},
	[KN_MPROTECT_EXEC] = {40, "mprotect_exec", true},
	[KN_MMAP_EXEC] = {41, "mmap_exec", true},
	[KN_CONNECT] = {60, "connect", true},
	[KN_DNS_QUERY] = {61, "dns_query", true},
	[KN_SEND_DATA] = {62, "send_data", true},
	[KN_ACCEPT] = {63, "accept", true},
	[KN_MOUNT] = {80, "mount", true},
	[KN_READ] = {81, "read", false},
	[KN_READ_CONFIG] = {82, "read_config", true},
	[KN_WRITE] = {83, "write", false},
	[KN_WRITE_CONFIG] = {84, "write_config", true},
	[KN_FILE_RENAME] = {85, "file_rename", true},
	[KN_FILE_UNLINK] = {86, "file_unlink", true},
	[KN_WRITE_CLOSE] = {87, "write_close", false},
	[KN_FILE_CREATE] = {88, "file_create", true},
	[KN_MEMFD_CREATE] = {89, "memfd_create", true},
	[KN_CHMOD] = {90, "chmod", true},
	[KN_CHOWN] = {91, "chown", true},
	[KN_SETXATTR] = {92, "setxattr", true},
	[KN_FILE_TRUNCATE] = {93, "file_truncate", true},
	[KN_FILE_LINK] = {94, "file_link", true},
	[KN_FILE_TIMES] = {95, "file_times", true},
	[KN_FILE_FLAGS] = {96, "file_flags", true},
	[KN_PROCESS_MEMORY] = {97, "process_memory", true},
	[KN_IO_URING_SQE] = {100, "io_uring_sqe", true},
};

const struct kn_type_info *kn_type_info(uint32_t type)
{
	if (type >= KN_TYPE_MAX || !types[type].name)
		return 0;
	return &types[type];
}

int kn_type_by_name(const char *name, size_t len)
{
	for (int t = 0; t < KN_TYPE_MAX; t++) {
		if (types[t].name && strlen(types[t].name) == len && !strncmp(types[t].name, name, len))
			return t;
	}
	return -1;
}

uint64_t kn_types_default(void)
{
	uint64_t m = 0;

	for (int t = 0; t < KN_TYPE_MAX; t++) {
		if (types[t].default_on)
			m |= 1ULL << t;
	}
	return m;
}

uint64_t kn_types_all(void)
{
	return KN_TYPE_MAX >= 64 ? ~0ULL : (1ULL << KN_TYPE_MAX) - 1;
}

int kn_types_apply(uint64_t *mask, const char *list, int on, char *err, size_t errlen)
{
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");
		int t;

		if (n == 3 && !strncmp(p, "all", 3)) {
			*mask = on ? kn_types_all() : 0;
		} else if (n == 0) {
			/* empty item: "a,,b" */
		} else if ((t = kn_type_by_name(p, n)) >= 0) {
			if (on)
				*mask |= 1ULL << t;
			else
				*mask &= ~(1ULL << t);
		} else {
			size_t o = 0;

			o += (size_t)snprintf(err + o, errlen - o, "unknown event '%.*s'; valid names: all", (int)n, p);
			for (int k = 0; k < KN_TYPE_MAX && o < errlen; k++)
				o += (size_t)snprintf(err + o, errlen - o, ", %s", types[k].name);
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}
