#include "sensor/probes.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "event/types.h"
#include "kunai/wire.h"

#define T(x) (1ULL << (x))

struct probe_rule {
	const char *name; /* program name, or syscall name for kn_enter_/kn_exit_ */
	uint64_t types;
	bool core;
};

static const struct probe_rule rules[] = {
	{"kn_sched_exec", T(KN_EXECVE) | T(KN_EXECVE_SCRIPT), true},
	{"kn_sched_fork", T(KN_CLONE), true},
	{"kn_sched_exit", T(KN_EXIT) | T(KN_EXIT_GROUP), true},
	{"openat", T(KN_FILE_CREATE), false},
	{"open", T(KN_FILE_CREATE), false},
	{"openat2", T(KN_FILE_CREATE), false},
	{"creat", T(KN_FILE_CREATE), false},
	{"mknod", T(KN_FILE_CREATE), false},
	{"mknodat", T(KN_FILE_CREATE), false},
	{"rename", T(KN_FILE_RENAME), false},
	{"renameat", T(KN_FILE_RENAME), false},
	{"renameat2", T(KN_FILE_RENAME), false},
	{"unlink", T(KN_FILE_UNLINK), false},
	{"unlinkat", T(KN_FILE_UNLINK), false},
	{"chmod", T(KN_CHMOD), false},
	{"fchmod", T(KN_CHMOD), false},
	{"fchmodat", T(KN_CHMOD), false},
	{"fchmodat2", T(KN_CHMOD), false},
	{"chown", T(KN_CHOWN), false},
	{"lchown", T(KN_CHOWN), false},
	{"fchown", T(KN_CHOWN), false},
	{"fchownat", T(KN_CHOWN), false},
	{"setxattr", T(KN_SETXATTR), false},
	{"lsetxattr", T(KN_SETXATTR), false},
	{"fsetxattr", T(KN_SETXATTR), false},
	{"setxattrat", T(KN_SETXATTR), false},
	{"mount", T(KN_MOUNT), false},
	{"read", T(KN_READ) | T(KN_READ_CONFIG), false},
	{"pread64", T(KN_READ) | T(KN_READ_CONFIG), false},
	{"readv", T(KN_READ) | T(KN_READ_CONFIG), false},
	{"preadv", T(KN_READ) | T(KN_READ_CONFIG), false},
	{"preadv2", T(KN_READ) | T(KN_READ_CONFIG), false},
	{"write", T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE), false},
	{"pwrite64", T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE), false},
	{"writev", T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE), false},
	{"pwritev", T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE), false},
	{"pwritev2", T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE), false},
	{"close", T(KN_WRITE_CLOSE), false},
	{"connect", T(KN_CONNECT), false},
	{"kn_inet_sock_set_state", T(KN_CONNECT), false},
	{"accept", T(KN_ACCEPT), false},
	{"accept4", T(KN_ACCEPT), false},
	{"sendto", T(KN_SEND_DATA), false},
	{"sendmsg", T(KN_SEND_DATA), false},
	{"recvfrom", T(KN_DNS_QUERY), false},
	{"recvmsg", T(KN_DNS_QUERY), false},
	{"recvmmsg", T(KN_DNS_QUERY), false},
	{"read_dns", T(KN_DNS_QUERY), false},
	{"init_module", T(KN_INIT_MODULE), false},
	{"finit_module", T(KN_INIT_MODULE), false},
	{"bpf", T(KN_BPF_PROG_LOAD), false},
	{"setsockopt", T(KN_BPF_SOCKET_FILTER), false},
	{"mmap", T(KN_MMAP_EXEC), false},
	{"mprotect", T(KN_MPROTECT_EXEC), false},
	{"pkey_mprotect", T(KN_MPROTECT_EXEC), false},
	{"prctl", T(KN_PRCTL), false},
	{"kill", T(KN_KILL), false},
	{"tkill", T(KN_KILL), false},
	{"tgkill", T(KN_KILL), false},
	{"ptrace", T(KN_PTRACE), false},
	{"memfd_create", T(KN_MEMFD_CREATE), false},
	{"kn_io_uring_submit_req", T(KN_IO_URING_SQE), false},
	{"kn_io_uring_submit_sqe", T(KN_IO_URING_SQE), false},
};

uint64_t probe_types(const char *prog_name, bool *core)
{
	const char *key = prog_name;

	if (!strncmp(key, "kn_enter_", 9))
		key += 9;
	else if (!strncmp(key, "kn_exit_", 8))
		key += 8;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (!strcmp(rules[i].name, key)) {
			if (core)
				*core = rules[i].core;
			return rules[i].types;
		}
	}
	if (core)
		*core = false;
	return 0;
}

bool probe_hook_exists(const char *sec, const struct btf *vmlinux_btf)
{
	char path[512];
	struct stat st;

	if (!strncmp(sec, "tp/", 3)) {
		snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s", sec + 3);
		return stat(path, &st) == 0;
	}
	if (!strncmp(sec, "tp_btf/", 7)) {
		snprintf(path, sizeof(path), "btf_trace_%s", sec + 7);
		return vmlinux_btf && btf__find_by_name_kind(vmlinux_btf, path, BTF_KIND_TYPEDEF) >= 0;
	}
	return true;
}

/* The syscall of a tp/syscalls/sys_{enter,exit}_NAME section, or NULL. */
static const char *sec_syscall(const char *sec)
{
	if (!strncmp(sec, "tp/syscalls/sys_enter_", 22))
		return sec + 22;
	if (!strncmp(sec, "tp/syscalls/sys_exit_", 21))
		return sec + 21;
	return NULL;
}

uint64_t probes_select(struct bpf_object *obj, uint64_t enabled, int verbose)
{
	struct btf *vbtf = btf__load_vmlinux_btf();
	uint64_t wanted = 0, loaded = 0;
	struct bpf_program *p;

	bpf_object__for_each_program (p, obj) {
		const char *sec = bpf_program__section_name(p), *sc = sec_syscall(sec);
		bool core = false, ok;
		uint64_t types = probe_types(bpf_program__name(p), &core);

		wanted |= types & enabled;
		if (!core && !(types & enabled)) {
			bpf_program__set_autoload(p, false);
			continue;
		}
		ok = probe_hook_exists(sec, vbtf);
		if (ok && sc) {
			/* an entry is worthless without its exit, and the reverse */
			char other[256];

			snprintf(other, sizeof(other), "tp/syscalls/sys_%s_%s",
				 !strncmp(sec, "tp/syscalls/sys_enter_", 22) ? "exit" : "enter", sc);
			ok = probe_hook_exists(other, vbtf);
		}
		if (!ok) {
			bpf_program__set_autoload(p, false);
			if (verbose)
				fprintf(stderr, "kunai: notice: this kernel has no hook %s; %s not loaded\n", sec,
					bpf_program__name(p));
			continue;
		}
		loaded |= types;
	}
	for (int t = 0; t < KN_TYPE_MAX; t++) {
		if ((wanted & T(t)) && !(loaded & T(t)))
			fprintf(stderr,
				"kunai: notice: %s events cannot happen on this kernel: it has none of their hooks%s\n",
				kn_type_info((uint32_t)t)->name,
				t == KN_INIT_MODULE ? " (a kernel without loadable modules)" : "");
	}
	btf__free(vbtf);
	return loaded;
}
