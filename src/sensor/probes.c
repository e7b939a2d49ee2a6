#include "sensor/probes.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include "event/types.h"
#include "sensor/ia32.h"
#include "sensor/watch.h"
#include "kunai.skel.h"
#include "kunai_compat.skel.h"

#define T(x) (1ULL << (x))
/* The events of syscalls (their 32-bit forms go through kn_ia32_*). */
#define IA32_TYPES                                                                                                   \
	(T(KN_FILE_CREATE) | T(KN_FILE_TRUNCATE) | T(KN_FILE_LINK) | T(KN_FILE_TIMES) | T(KN_FILE_FLAGS) |           \
	 T(KN_FILE_RENAME) | T(KN_FILE_UNLINK) | T(KN_CHMOD) | T(KN_CHOWN) | T(KN_SETXATTR) | T(KN_MOUNT) |          \
	 T(KN_READ) | T(KN_READ_CONFIG) | T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE) | T(KN_CONNECT) |     \
	 T(KN_ACCEPT) | T(KN_SEND_DATA) | T(KN_DNS_QUERY) | T(KN_INIT_MODULE) | T(KN_BPF_PROG_LOAD) |                \
	 T(KN_BPF_SOCKET_FILTER) | T(KN_MMAP_EXEC) | T(KN_MPROTECT_EXEC) | T(KN_PRCTL) | T(KN_KILL) | T(KN_PTRACE) | \
	 T(KN_PROCESS_MEMORY) | T(KN_MEMFD_CREATE))
#define TRACEFS "/sys/kernel/tracing"

/* Which event types each program serves, by program name (kn_enter_NAME,
 * kn_exit_NAME, kn_stash_NAME and kn_name_NAME by NAME). core: the process
 * model needs it whatever the user turned off. */
struct probe_rule {
	const char *name;
	uint64_t types;
	bool core;
};

static const struct probe_rule rules[] = {
	{"kn_sched_exec", T(KN_EXECVE) | T(KN_EXECVE_SCRIPT), true},
	{"kn_sched_fork", T(KN_CLONE), true},
	{"kn_sched_exit", T(KN_EXIT) | T(KN_EXIT_GROUP), true},
	/* the clone syscalls' flags, stashed where the fork cannot read them */
	{"clone", T(KN_CLONE), false},
	{"fork", T(KN_CLONE), false},
	{"vfork", T(KN_CLONE), false},
	{"clone3", T(KN_CLONE), false},
	/* opens: a file created, an existing one emptied by O_TRUNC, a task's
	 * memory opened (/proc/PID/mem) */
	{"openat", T(KN_FILE_CREATE) | T(KN_FILE_TRUNCATE) | T(KN_PROCESS_MEMORY), false},
	{"open", T(KN_FILE_CREATE) | T(KN_FILE_TRUNCATE) | T(KN_PROCESS_MEMORY), false},
	{"openat2", T(KN_FILE_CREATE) | T(KN_FILE_TRUNCATE) | T(KN_PROCESS_MEMORY), false},
	{"creat", T(KN_FILE_CREATE) | T(KN_FILE_TRUNCATE) | T(KN_PROCESS_MEMORY), false},
	{"truncate", T(KN_FILE_TRUNCATE), false},
	{"ftruncate", T(KN_FILE_TRUNCATE), false},
	{"mknod", T(KN_FILE_CREATE), false},
	{"mknodat", T(KN_FILE_CREATE), false},
	{"rename", T(KN_FILE_RENAME), false},
	{"renameat", T(KN_FILE_RENAME), false},
	{"renameat2", T(KN_FILE_RENAME), false},
	{"unlink", T(KN_FILE_UNLINK), false},
	{"unlinkat", T(KN_FILE_UNLINK), false},
	{"link", T(KN_FILE_LINK), false},
	{"linkat", T(KN_FILE_LINK), false},
	{"symlink", T(KN_FILE_LINK), false},
	{"symlinkat", T(KN_FILE_LINK), false},
	{"utime", T(KN_FILE_TIMES), false},
	{"utimes", T(KN_FILE_TIMES), false},
	{"futimesat", T(KN_FILE_TIMES), false},
	{"utimensat", T(KN_FILE_TIMES), false},
	{"ioctl", T(KN_FILE_FLAGS), false},
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
	{"write", T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE) | T(KN_SEND_DATA), false},
	{"pwrite64", T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE), false},
	{"writev", T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE) | T(KN_SEND_DATA), false},
	{"pwritev", T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE), false},
	{"pwritev2", T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE), false},
	/* data moved between two fds: a read of one, a write of the other */
	{"copy_file_range", T(KN_READ) | T(KN_READ_CONFIG) | T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE),
	 false},
	{"sendfile64",
	 T(KN_READ) | T(KN_READ_CONFIG) | T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE) | T(KN_SEND_DATA),
	 false},
	{"splice",
	 T(KN_READ) | T(KN_READ_CONFIG) | T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE) | T(KN_SEND_DATA),
	 false},
	{"close", T(KN_WRITE_CLOSE), false},
	/* the closes that are not close(): dup2/dup3 over a written file's
	 * fd, close_range and exec (close-on-exec); the exit's, kn_sched_exit */
	{"dup2", T(KN_WRITE_CLOSE), false},
	{"dup3", T(KN_WRITE_CLOSE), false},
	{"close_range", T(KN_WRITE_CLOSE), false},
	{"execve", T(KN_WRITE_CLOSE), false},
	{"execveat", T(KN_WRITE_CLOSE), false},
	{"connect", T(KN_CONNECT), false},
	{"kn_inet_sock_set_state", T(KN_CONNECT), false},
	/* the peer address, read at the entry */
	{"kn_peer_connect", T(KN_CONNECT), false},
	{"kn_peer_sendto", T(KN_SEND_DATA), false},
	{"kn_peer_sendmsg", T(KN_SEND_DATA), false},
	/* the file an fd argument holds at the call's entry, for its exit to
	 * compare */
	{"kn_fdin_mmap", T(KN_MMAP_EXEC), false},
	{"kn_fdin_finit_module", T(KN_INIT_MODULE), false},
	{"kn_fdin_ftruncate", T(KN_FILE_TRUNCATE), false},
	{"kn_fdin_fchmod", T(KN_CHMOD), false},
	{"kn_fdin_fchown", T(KN_CHOWN), false},
	{"kn_fdin_fsetxattr", T(KN_SETXATTR), false},
	/* writes to sockets, kept at their entry (kn_enter_*) */
	{"kn_sent_write", T(KN_SEND_DATA), false},
	{"kn_sent_writev", T(KN_SEND_DATA), false},
	{"kn_sent_sendfile64", T(KN_SEND_DATA), false},
	{"kn_sent_splice", T(KN_SEND_DATA), false},
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
	{"pidfd_send_signal", T(KN_KILL), false},
	{"rt_sigqueueinfo", T(KN_KILL), false},
	{"rt_tgsigqueueinfo", T(KN_KILL), false},
	/* the task a signal went to, whatever pid or pidfd named it */
	{"kn_target_signal", T(KN_KILL), false},
	/* the module a load made: its name, the kernel's copy of its parameters */
	{"kn_target_module", T(KN_INIT_MODULE), false},
	{"ptrace", T(KN_PTRACE), false},
	{"process_vm_readv", T(KN_PROCESS_MEMORY), false},
	{"process_vm_writev", T(KN_PROCESS_MEMORY), false},
	{"memfd_create", T(KN_MEMFD_CREATE), false},
	{"kn_io_uring_submit_req", T(KN_IO_URING_SQE), false},
	{"kn_io_uring_submit_sqe", T(KN_IO_URING_SQE), false},
	/* the handlers of families of syscall exits, tail-called by them */
	{"kn_fam_link", T(KN_FILE_LINK), false},
	{"kn_fam_times", T(KN_FILE_TIMES), false},
	{"kn_fam_attr", T(KN_CHMOD) | T(KN_CHOWN) | T(KN_SETXATTR), false},
	/* io_uring opens, transfers, connects, accepts and sends, at their
	 * completion */
	{"kn_io_uring_complete",
	 T(KN_FILE_CREATE) | T(KN_PROCESS_MEMORY) | T(KN_READ) | T(KN_READ_CONFIG) | T(KN_WRITE) | T(KN_WRITE_CONFIG) |
		 T(KN_WRITE_CLOSE) | T(KN_CONNECT) | T(KN_ACCEPT) | T(KN_SEND_DATA),
	 false},
	/* the object tier: paths the kernel resolved, where fentry works */
	{"kn_obj_unlink", T(KN_FILE_UNLINK), false},
	{"kn_obj_rename", T(KN_FILE_RENAME), false},
	{"kn_obj_chmod", T(KN_CHMOD), false},
	{"kn_obj_chown", T(KN_CHOWN), false},
	{"kn_obj_mknod", T(KN_FILE_CREATE), false},
	{"kn_obj_mount", T(KN_MOUNT), false},
	{"kn_obj_modargs", T(KN_INIT_MODULE), false},
	{"kn_obj_truncate", T(KN_FILE_TRUNCATE), false},
	{"kn_obj_link", T(KN_FILE_LINK), false},
	{"kn_obj_symlink", T(KN_FILE_LINK), false},
	{"kn_obj_utimes", T(KN_FILE_TIMES), false},
	{"kn_obj_kill", T(KN_KILL), false},
	{"kn_obj_ptrace", T(KN_PTRACE) | T(KN_PROCESS_MEMORY), false},
	{"kn_obj_connect", T(KN_CONNECT), false},
	{"kn_obj_sendmsg", T(KN_SEND_DATA), false},
	{"kn_obj_install",
	 T(KN_FILE_CREATE) | T(KN_FILE_TRUNCATE) | T(KN_PROCESS_MEMORY) | T(KN_ACCEPT) | T(KN_BPF_PROG_LOAD), false},
	{"kn_obj_mmap", T(KN_MMAP_EXEC), false},
	{"kn_obj_modfile", T(KN_INIT_MODULE), false},
	/* 32-bit syscalls: on whenever one of their events is; the families
	 * are tail-called by kn_ia32_exit, never attached */
	{"kn_ia32_exit", IA32_TYPES, false},
	{"kn_ia32_path", T(KN_FILE_CREATE) | T(KN_FILE_RENAME) | T(KN_FILE_UNLINK) | T(KN_MOUNT), false},
	{"kn_ia32_open", T(KN_FILE_CREATE) | T(KN_FILE_TRUNCATE) | T(KN_PROCESS_MEMORY), false},
	{"kn_ia32_trunc", T(KN_FILE_TRUNCATE), false},
	{"kn_ia32_attr", T(KN_CHMOD) | T(KN_CHOWN) | T(KN_SETXATTR), false},
	{"kn_ia32_link", T(KN_FILE_LINK), false},
	{"kn_ia32_times", T(KN_FILE_TIMES), false},
	{"kn_ia32_flags", T(KN_FILE_FLAGS), false},
	{"kn_ia32_rw",
	 T(KN_READ) | T(KN_READ_CONFIG) | T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE) | T(KN_SEND_DATA),
	 false},
	{"kn_ia32_conn", T(KN_CONNECT) | T(KN_ACCEPT), false},
	{"kn_ia32_msg", T(KN_SEND_DATA) | T(KN_DNS_QUERY), false},
	{"kn_ia32_kernel", T(KN_INIT_MODULE) | T(KN_BPF_PROG_LOAD) | T(KN_BPF_SOCKET_FILTER), false},
	{"kn_ia32_task",
	 T(KN_MMAP_EXEC) | T(KN_MPROTECT_EXEC) | T(KN_PRCTL) | T(KN_KILL) | T(KN_PTRACE) | T(KN_PROCESS_MEMORY) |
		 T(KN_MEMFD_CREATE),
	 false},
	{"kn_ia32_enter_close", T(KN_WRITE_CLOSE), false},
};

static const char *const prefixes[] = {"kn_enter_", "kn_exit_", "kn_stash_", "kn_name_"};

static bool is_stash(const char *name)
{
	return !strncmp(name, "kn_stash_", 9);
}

/* The 32-bit syscalls' programs. */
static bool is_ia32(const char *name)
{
	return !strncmp(name, "kn_ia32_", 8);
}

/* A 32-bit family program: tail-called, never attached itself. */
static bool is_ia32_family(const char *name)
{
	return is_ia32(name) && strcmp(name, "kn_ia32_exit") && strcmp(name, "kn_ia32_enter_close");
}

/* A program only tail-called, never attached: a 32-bit family, or the
 * handler of a family of syscall exits (kn_fam_*). */
static bool is_family(const char *name)
{
	return is_ia32_family(name) || !strncmp(name, "kn_fam_", 7);
}

/* An object-tier program: it makes an event's paths the kernel's; without
 * it the event is the same, its names read from the caller. */
static bool is_object(const char *name)
{
	return !strncmp(name, "kn_obj_", 7);
}

/* Programs that serve others (argument stashes, the 32-bit path, names,
 * targets, peer addresses, the object tier): not what makes an event
 * happen. */
static bool is_aux(const char *name)
{
	if (is_object(name))
		return true;
	return is_stash(name) || is_ia32(name) || !strncmp(name, "kn_fam_", 7) || !strncmp(name, "kn_name_", 8) ||
	       !strncmp(name, "kn_target_", 10) || !strncmp(name, "kn_peer_", 8) || !strncmp(name, "kn_fdin_", 8);
}

uint64_t probe_types(const char *prog_name, bool *core)
{
	const char *key = prog_name;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(key, prefixes[i], n)) {
			key += n;
			break;
		}
	}
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
		snprintf(path, sizeof(path), TRACEFS "/events/%s", sec + 3);
		return stat(path, &st) == 0;
	}
	if (!strncmp(sec, "tp_btf/", 7)) {
		snprintf(path, sizeof(path), "btf_trace_%s", sec + 7);
		return vmlinux_btf && btf__find_by_name_kind(vmlinux_btf, path, BTF_KIND_TYPEDEF) >= 0;
	}
	if (!strncmp(sec, "fentry/", 7))
		return vmlinux_btf && btf__find_by_name_kind(vmlinux_btf, sec + 7, BTF_KIND_FUNC) >= 0;
	return true;
}

/* The type behind typedefs and qualifiers. */
static const struct btf_type *btf_resolve(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_const(t) || btf_is_volatile(t) || btf_is_restrict(t)))
		t = btf__type_by_id(btf, t->type);
	return t;
}

int probe_uring_shape(const struct btf *btf)
{
	const struct btf_type *t, *a;
	const struct btf_param *p;
	int id, n;

	if (!btf)
		return -1;
	id = btf__find_by_name_kind(btf, "btf_trace_io_uring_submit_sqe", BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, (uint32_t)id);
	t = t ? btf__type_by_id(btf, t->type) : NULL; /* pointer */
	t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;
	if (!t || !btf_is_func_proto(t))
		return -1;
	/* parameter 0 is the tracepoint's private data; the event's follow */
	p = btf_params(t);
	n = btf_vlen(t) - 1;
	if (n < 1)
		return -1;
	a = btf_resolve(btf, p[1].type);
	if (a && btf_is_ptr(a)) {
		const struct btf_type *s = btf_resolve(btf, a->type);

		if (s && btf_is_struct(s) && !strcmp(btf__name_by_offset(btf, s->name_off), "io_kiocb"))
			return 0;
	}
	/* the opcode: the first u8 (a bool is not one), the user data a u64 next */
	for (int i = 1; i + 1 <= n && i <= 2; i++) {
		const struct btf_type *op = btf_resolve(btf, p[i + 1].type);
		const struct btf_type *ud = i + 2 <= n ? btf_resolve(btf, p[i + 2].type) : NULL;

		if (op && btf_is_int(op) && op->size == 1 && !(btf_int_encoding(op) & BTF_INT_BOOL) && ud &&
		    btf_is_int(ud) && ud->size == 8)
			return i;
	}
	return -1;
}

static const struct {
	const char *name;
	int bit;
} helper_names[] = {
	{"bpf_loop", KN_HELPER_LOOP},
	{"bpf_task_pt_regs", KN_HELPER_TASK_PT_REGS},
	{"bpf_get_current_task_btf", KN_HELPER_TASK_BTF},
};

int helpers_parse(const char *list, char *err, size_t errlen)
{
	int mask = 0;

	while (*list) {
		size_t n = strcspn(list, ",");
		size_t i;

		for (i = 0; i < sizeof(helper_names) / sizeof(helper_names[0]); i++) {
			if (strlen(helper_names[i].name) == n && !strncmp(helper_names[i].name, list, n))
				break;
		}
		if (n && i == sizeof(helper_names) / sizeof(helper_names[0])) {
			snprintf(err, errlen,
				 "unknown helper '%.*s'; valid names: bpf_loop, bpf_task_pt_regs, "
				 "bpf_get_current_task_btf",
				 (int)n, list);
			return -1;
		}
		if (n)
			mask |= helper_names[i].bit;
		list += n;
		if (*list == ',')
			list++;
	}
	return mask;
}

/* A helper the kernel has for tracepoint programs, unless set aside. */
static bool helper_usable(struct kfeatures *f, enum bpf_func_id id, int bit, int no_helpers)
{
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, id, NULL) != 1)
		return false;
	if (no_helpers & bit) {
		f->set_aside |= bit;
		return false;
	}
	return true;
}

/* Whether an fentry program loads and attaches (a no-op on fn, for an
 * instant); else why not in why. */
static bool fentry_usable(const struct btf *vbtf, const char *fn, char *why, size_t whylen)
{
	struct bpf_insn insns[2] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int id = vbtf ? btf__find_by_name_kind(vbtf, fn, BTF_KIND_FUNC) : -1, fd, link;
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FENTRY);

	if (id < 0) {
		snprintf(why, whylen, "no %s in the kernel's BTF", fn);
		return false;
	}
	o.attach_btf_id = (uint32_t)id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "kn_fentry_probe", "GPL", insns, 2, &o);
	if (fd < 0) {
		snprintf(why, whylen, "the kernel refuses fentry programs (%s)", strerror(errno));
		return false;
	}
	link = bpf_raw_tracepoint_open(NULL, fd);
	if (link < 0)
		snprintf(why, whylen, "attaching an fentry program failed (%s)", strerror(errno));
	else
		close(link);
	close(fd);
	return link >= 0;
}

void kfeatures_probe(struct kfeatures *f, int no_helpers)
{
	struct btf *vbtf;

	memset(f, 0, sizeof(*f));
	f->bpf_loop = helper_usable(f, BPF_FUNC_loop, KN_HELPER_LOOP, no_helpers);
	f->task_pt_regs = helper_usable(f, BPF_FUNC_task_pt_regs, KN_HELPER_TASK_PT_REGS, no_helpers);
	f->current_task_btf = helper_usable(f, BPF_FUNC_get_current_task_btf, KN_HELPER_TASK_BTF, no_helpers);
	f->tracepoint_progs = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACEPOINT, NULL) == 1;
	vbtf = btf__load_vmlinux_btf();
	f->uring_shape = probe_uring_shape(libbpf_get_error(vbtf) ? NULL : vbtf);
	f->fentry = fentry_usable(libbpf_get_error(vbtf) ? NULL : vbtf, "security_path_unlink", f->fentry_why,
				  sizeof(f->fentry_why));
	btf__free(vbtf);
}

const char *probe_tier(const struct probes *p, int type)
{
	bool sys = false, tp = false;

	for (int i = 0; i < p->nprogs; i++) {
		const struct probe *g = &p->progs[i];

		if ((g->types & T(type)) && is_object(g->name) && g->state == PROBE_ATTACHED)
			return "object";
	}
	for (int i = 0; i < p->nprogs; i++) {
		const struct probe *g = &p->progs[i];

		if (!(g->types & T(type)) || is_aux(g->name))
			continue;
		if (!strncmp(g->sec, "tp/syscalls/", 12))
			sys = true;
		else
			tp = true;
	}
	return sys && tp ? "syscall+tracepoint" : sys ? "syscall" : tp ? "tracepoint" : "-";
}

/* ---- libbpf's messages ------------------------------------------------ */

/* libbpf's print callback has no context argument: what a load failure
 * says is kept here, for the one thread that loads. */
static struct {
	int verbose;
	char failed[64]; /* the program the kernel refused */
	char reason[192]; /* the verifier's last word on it */
} lbmsg;

static void keep_reason(const char *log)
{
	const char *line = log, *best = NULL;
	size_t best_len = 0;

	/* the last line that is not the verifier's statistics */
	while (*line) {
		size_t n = strcspn(line, "\n");

		if (n && strncmp(line, "processed ", 10) && strncmp(line, "verification time", 17) &&
		    strncmp(line, "stack depth", 11) && strncmp(line, "-- ", 3)) {
			best = line;
			best_len = n;
		}
		line += n;
		if (*line)
			line++;
	}
	if (best)
		snprintf(lbmsg.reason, sizeof(lbmsg.reason), "%.*s", (int)best_len, best);
}

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char small[8192], *msg = small, *big = NULL;
	const char *p;
	va_list again;
	int n;

	/* a verifier's log runs to megabytes: whole, or its last line (the
	 * reason) would be lost */
	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small)) {
		if (vasprintf(&big, fmt, again) >= 0)
			msg = big;
		else
			big = NULL;
	}
	va_end(again);
	if (level == LIBBPF_WARN && !strncmp(msg, "libbpf: prog '", 14)) {
		const char *name = msg + 14, *end = strchr(name, '\'');

		if (end && (p = strstr(end, "-- BEGIN PROG LOAD LOG --")))
			keep_reason(p + 25);
		if (end && strstr(end, "failed to load"))
			snprintf(lbmsg.failed, sizeof(lbmsg.failed), "%.*s", (int)(end - name), name);
	}
	if ((level == LIBBPF_DEBUG && lbmsg.verbose < 2) || (level != LIBBPF_WARN && lbmsg.verbose < 1) ||
	    /* a refused program is summed up in one notice; its log with -v */
	    (level == LIBBPF_WARN && lbmsg.verbose < 1)) {
		free(big);
		return 0;
	}
	fputs(msg, stderr);
	free(big);
	return 0;
}

/* ---- loading ----------------------------------------------------------- */

static int tracefs_ensure(void)
{
	struct stat st;

	if (!stat(TRACEFS "/events", &st))
		return 0;
	if (mount("tracefs", TRACEFS, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -errno;
	return 1;
}

/* Set a `const volatile` global of the object (its .rodata) by name. */
static int rodata_set(struct bpf_object *obj, const char *var, const void *val, size_t size)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, ".rodata");
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	const void *init;
	size_t msize;
	int id;

	if (!m || !btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	sec = id < 0 ? NULL : btf__type_by_id(btf, (uint32_t)id);
	init = bpf_map__initial_value(m, &msize);
	if (!sec || !init)
		return -ENOENT;
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++) {
		const struct btf_type *v = btf__type_by_id(btf, vs[i].type);
		char *copy;
		int err;

		if (!v || strcmp(btf__name_by_offset(btf, v->name_off), var))
			continue;
		if (vs[i].size != size || vs[i].offset + size > msize)
			return -EINVAL;
		copy = malloc(msize);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, init, msize);
		memcpy(copy + vs[i].offset, val, size);
		err = bpf_map__set_initial_value(m, copy, msize);
		free(copy);
		return err;
	}
	return -ENOENT;
}

/* Formatted through a copy: a reason may quote the probe's own fields. */
static void probe_reason(struct probe *g, const char *fmt, ...)
{
	char buf[sizeof(g->reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	memcpy(g->reason, buf, sizeof(buf));
}

struct bpf_map *probes_map(struct probes *p, const char *name)
{
	return p->obj ? bpf_object__find_map_by_name(p->obj, name) : NULL;
}

static struct probe *probe_by_name(struct probes *p, const char *name)
{
	for (int i = 0; i < p->nprogs; i++) {
		if (!strcmp(p->progs[i].name, name))
			return &p->progs[i];
	}
	return NULL;
}

/* The exit program of a stash, or the stash of an exit: they go together. */
static struct probe *probe_sibling(struct probes *p, const struct probe *g)
{
	char other[80];

	if (is_stash(g->name))
		snprintf(other, sizeof(other), "kn_exit_%s", g->name + 9);
	else if (!strncmp(g->name, "kn_exit_", 8))
		snprintf(other, sizeof(other), "kn_stash_%s", g->name + 8);
	else
		return NULL;
	return probe_by_name(p, other);
}

/* First pass over a freshly opened object: what each program is for and
 * whether this kernel has its hook. */
static int probes_classify(struct probes *p, const struct probes_opts *o, const struct btf *vbtf)
{
	struct bpf_program *prog;

	p->nprogs = 0;
	bpf_object__for_each_program (prog, p->obj) {
		struct probe *g;

		if (p->nprogs >= PROBES_MAX)
			return -1;
		g = &p->progs[p->nprogs++];
		memset(g, 0, sizeof(*g));
		snprintf(g->name, sizeof(g->name), "%s", bpf_program__name(prog));
		snprintf(g->sec, sizeof(g->sec), "%s", bpf_program__section_name(prog));
		g->types = probe_types(g->name, &g->core);
		if (!g->core && !(g->types & o->enabled))
			g->state = PROBE_UNWANTED;
		else if (is_stash(g->name) && p->feat.task_pt_regs)
			g->state = PROBE_NOT_NEEDED;
		else if (!probe_hook_exists(g->sec, vbtf) || (is_object(g->name) && !p->feat.fentry))
			g->state = PROBE_NO_HOOK;
		else if (!strncmp(g->sec, "tp/", 3) && !p->feat.tracepoint_progs) {
			g->state = PROBE_REFUSED;
			probe_reason(g, "this kernel runs no tracepoint programs");
		} else if (!strcmp(g->name, "kn_io_uring_submit_sqe") && p->feat.uring_shape < 0) {
			g->state = PROBE_REFUSED;
			probe_reason(g, "io_uring_submit_sqe has arguments of a shape this sensor does not know");
		} else
			g->state = PROBE_ATTACHED; /* to be loaded and attached */
	}
	/* an exit without its hook takes its stash along, and the reverse */
	for (int i = 0; i < p->nprogs; i++) {
		struct probe *g = &p->progs[i], *sib = probe_sibling(p, g);

		if (sib && g->state == PROBE_NO_HOOK && sib->state == PROBE_ATTACHED)
			sib->state = PROBE_NO_HOOK;
	}
	return 0;
}

static bool ia32_wanted(struct probes *p)
{
	struct probe *g = probe_by_name(p, "kn_ia32_exit");

	return g && g->state == PROBE_ATTACHED;
}

/* The family programs of syscall exits into kn_family (sys.h): an exit
 * whose family is not there reports nothing. */
static int family_install(struct probes *p)
{
	static const char *const fams[KN_FAM_MAX] = {
		[KN_FAM_LINK] = "kn_fam_link",
		[KN_FAM_TIMES] = "kn_fam_times",
		[KN_FAM_ATTR] = "kn_fam_attr",
	};
	struct bpf_map *m = probes_map(p, "kn_family");

	if (!m)
		return -ENOENT;
	for (uint32_t i = 0; i < KN_FAM_MAX; i++) {
		struct probe *g = probe_by_name(p, fams[i]);
		int fd;

		if (!g || g->state != PROBE_ATTACHED)
			continue;
		fd = bpf_program__fd(bpf_object__find_program_by_name(p->obj, fams[i]));
		if (fd < 0 || bpf_map__update_elem(m, &i, sizeof(i), &fd, sizeof(fd), BPF_ANY))
			return -errno;
	}
	return 0;
}

/* The 32-bit numbers of the syscalls whose 64-bit programs are loaded
 * (their events on, their hooks there) into kn_ia32_sc: kn_ia32_exit runs
 * their handlers; the others cost it one look-up. */
static int ia32_install(struct probes *p)
{
	struct bpf_map *nrs = probes_map(p, "kn_ia32_sc"), *fams = probes_map(p, "kn_ia32_family");
	const struct ia32_syscall *tab;
	size_t n;

	if (!nrs || !fams || !ia32_wanted(p))
		return 0;
	tab = ia32_syscalls(&n);
	for (size_t i = 0; i < n; i++) {
		struct {
			uint32_t sc, type, uid16;
		} w = {tab[i].sc, 0, (uint32_t)tab[i].uid16};
		struct probe *g, *f;
		char name[80], fam[40];
		int fd;

		snprintf(name, sizeof(name), "kn_enter_%s", tab[i].name);
		g = probe_by_name(p, name);
		if (!g) {
			snprintf(name, sizeof(name), "kn_exit_%s", tab[i].name);
			g = probe_by_name(p, name);
		}
		snprintf(fam, sizeof(fam), "kn_ia32_%s", tab[i].family);
		f = probe_by_name(p, fam);
		if (!g || g->state != PROBE_ATTACHED || !f || f->state != PROBE_ATTACHED)
			continue;
		fd = bpf_program__fd(bpf_object__find_program_by_name(p->obj, fam));
		if (fd < 0 || bpf_map__update_elem(fams, &w.sc, sizeof(w.sc), &fd, sizeof(fd), BPF_ANY))
			return -errno;
		for (int t = 0; t < KN_TYPE_MAX && !w.type; t++) {
			if (g->types & T(t))
				w.type = (uint32_t)t;
		}
		if (bpf_map__update_elem(nrs, &tab[i].nr, sizeof(tab[i].nr), &w, sizeof(w), BPF_ANY))
			return -errno;
	}
	return 0;
}

static void watch_add(const char *path, bool prefix, void *ctx)
{
	struct bpf_map *m = ctx;
	struct kn_watch_key key;
	uint8_t one = 1;

	memset(&key, 0, sizeof(key));
	snprintf(key.data, sizeof(key.data), "%s", path);
	/* a directory: what starts with it; a file: it whole, with its NUL */
	key.prefixlen = (uint32_t)(strlen(key.data) + (prefix ? 0 : 1)) * 8;
	if (bpf_map__update_elem(m, &key, sizeof(key), &one, sizeof(one), BPF_ANY))
		fprintf(stderr, "kunai: watching %s failed: %s\n", path, strerror(errno));
}

/* The watched paths into the kernel side's map (read_config,
 * write_config): the configuration's patterns, else the default ones,
 * expanded now. */
static int watch_install(struct probes *p, const char *const *patterns)
{
	struct watch_pat pats[WATCH_PATTERNS_MAX];
	struct bpf_map *m = probes_map(p, "kn_watch");
	const char *const *list = patterns ? patterns : watch_default;
	int n = 0, skipped;
	char err[128];

	if (!m)
		return -ENOENT;
	for (int i = 0; list[i] && n < WATCH_PATTERNS_MAX; i++) {
		if (watch_compile(list[i], &pats[n], err, sizeof(err)) == 0)
			n++;
		else
			fprintf(stderr, "kunai: watched path %s left out: %s\n", list[i], err);
	}
	watch_paths(pats, n, watch_add, m, &skipped);
	if (skipped)
		fprintf(stderr, "kunai: notice: %d watched paths of %d bytes or more left out\n", skipped,
			KN_WATCH_KEY);
	return 0;
}

static int probes_configure(struct probes *p, const struct probes_opts *o, int ncpus)
{
	uint32_t self = o->self_tgid;
	uint64_t mask = o->enabled;
	int err = 0;

	err = err ?: rodata_set(p->obj, "kn_self_tgid", &self, sizeof(self));
	err = err ?: rodata_set(p->obj, "kn_enabled_mask", &mask, sizeof(mask));
	err = err ?: rodata_set(p->obj, "kn_send_min", &o->send_min, sizeof(o->send_min));
	err = err ?: rodata_set(p->obj, "kn_wakeup_bytes", &o->wakeup_bytes, sizeof(o->wakeup_bytes));
	err = err ?: rodata_set(p->obj, "kn_max_eps_fs", &o->max_eps_fs, sizeof(o->max_eps_fs));
	err = err ?: rodata_set(p->obj, "kn_uring_shape", &p->feat.uring_shape, sizeof(int));
	{
		uint8_t btf = p->feat.current_task_btf, regs = p->feat.task_pt_regs;

		err = err ?: rodata_set(p->obj, "kn_have_task_btf", &btf, 1);
		err = err ?: rodata_set(p->obj, "kn_have_task_pt_regs", &regs, 1);
	}
	if (err)
		return err;
	err = err ?: bpf_map__set_max_entries(probes_map(p, "kn_scratch"), (uint32_t)ncpus);
	err = err ?: bpf_map__set_max_entries(probes_map(p, "kn_events"), o->ringbuf_mb << 20);
	/* no stash where arguments are read at exit */
	if (p->feat.task_pt_regs)
		err = err ?: bpf_map__set_max_entries(probes_map(p, "kn_args_stash"), 1);
	return err;
}

static int probes_open(struct probes *p)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "kunai");
	const void *bytes;
	size_t size;

	if (p->feat.bpf_loop && !p->walk_bounded) {
		bytes = kunai_bpf__elf_bytes(&size);
		p->variant = "bpf_loop path walk";
	} else {
		bytes = kunai_compat_bpf__elf_bytes(&size);
		p->variant = "bounded path walk (no bpf_loop)";
	}
	p->obj = bpf_object__open_mem(bytes, size, &opts);
	if (!p->obj) {
		fprintf(stderr, "kunai: opening the embedded probes failed: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static bool needs_tracefs(const struct probes *p)
{
	for (int i = 0; i < p->nprogs; i++) {
		if (p->progs[i].state != PROBE_UNWANTED && p->progs[i].state != PROBE_NOT_NEEDED &&
		    !strncmp(p->progs[i].sec, "tp/", 3))
			return true;
	}
	return false;
}

/* Load what is wanted; a program the kernel refuses is left out (with its
 * stash or exit sibling) and the object reloaded without it. */
static int probes_load(struct probes *p, const struct probes_opts *o, int ncpus)
{
	for (int attempt = 0; attempt <= PROBES_MAX; attempt++) {
		struct bpf_program *prog;
		struct probe *g;
		int i = 0, err;

		if (!p->obj && probes_open(p))
			return -1;
		err = probes_configure(p, o, ncpus);
		if (err) {
			fprintf(stderr, "kunai: configuring the probes failed: %s\n", strerror(-err));
			return -1;
		}
		bpf_object__for_each_program (prog, p->obj) {
			bool on = i < p->nprogs && p->progs[i].state == PROBE_ATTACHED;

			bpf_program__set_autoload(prog, on);
			i++;
		}
		lbmsg.failed[0] = lbmsg.reason[0] = 0;
		err = bpf_object__load(p->obj);
		if (!err)
			return 0;
		g = lbmsg.failed[0] ? probe_by_name(p, lbmsg.failed) : NULL;
		if (g && g->core && !p->walk_bounded && p->feat.bpf_loop) {
			/* the other object, with the walk older kernels use */
			if (!o->quiet)
				fprintf(stderr,
					"kunai: notice: the kernel refused %s with the bpf_loop path walk (%s); "
					"trying the bounded walk\n",
					g->name, lbmsg.reason[0] ? lbmsg.reason : strerror(-err));
			p->walk_bounded = true;
			bpf_object__close(p->obj);
			p->obj = NULL;
			continue;
		}
		if (!g || g->state != PROBE_ATTACHED || g->core) {
			if (g)
				fprintf(stderr,
					"kunai: loading the probes into the kernel failed: it refused %s (%s)\n",
					g->name, lbmsg.reason[0] ? lbmsg.reason : strerror(-err));
			else
				fprintf(stderr, "kunai: loading the probes into the kernel failed: %s\n",
					strerror(-err));
			if (!o->verbose)
				fputs("kunai: run with -v for the verifier's log\n", stderr);
			return -1;
		}
		g->state = PROBE_REFUSED;
		probe_reason(g, "the kernel refused %s: %s", g->name, lbmsg.reason[0] ? lbmsg.reason : strerror(-err));
		{
			struct probe *sib = probe_sibling(p, g);

			if (sib && sib->state == PROBE_ATTACHED) {
				sib->state = PROBE_REFUSED;
				probe_reason(sib, "%s", g->reason);
			}
		}
		bpf_object__close(p->obj);
		p->obj = NULL;
	}
	fprintf(stderr, "kunai: loading the probes into the kernel failed\n");
	return -1;
}

const struct probe *probes_failed(const struct probes *p, int type)
{
	for (int i = 0; i < p->nprogs; i++) {
		const struct probe *g = &p->progs[i];

		if ((g->types & T(type)) && !is_stash(g->name) && !is_object(g->name) &&
		    (g->state == PROBE_REFUSED || g->state == PROBE_NO_ATTACH))
			return g;
	}
	return NULL;
}

static void probes_report(struct probes *p, const struct probes_opts *o)
{
	for (int t = 0; t < KN_TYPE_MAX; t++) {
		const char *name = kn_type_info((uint32_t)t)->name;
		const struct probe *why = probes_failed(p, t);
		bool any = false, hookless = !why;

		if (!(p->wanted & T(t)))
			continue;
		for (int i = 0; i < p->nprogs; i++)
			any |= (p->progs[i].types & T(t)) && !is_aux(p->progs[i].name);
		if (o->quiet || !any)
			continue;
		if (!(p->attached & T(t)) && hookless)
			fprintf(stderr,
				"kunai: notice: %s events cannot happen on this kernel: it has none of their hooks%s\n",
				name, t == KN_INIT_MODULE ? " (a kernel without loadable modules)" : "");
		else if (!(p->attached & T(t)))
			fprintf(stderr, "kunai: notice: %s events are off: %s\n", name, why ? why->reason : "");
		else if (why)
			fprintf(stderr, "kunai: notice: %s events through %s are missed: %s\n", name, why->sec,
				why->reason);
	}
	/* an object-tier hook the kernel refused: its events keep what the
	 * tracepoint tier gives (names read from the caller, checked) */
	for (int i = 0; i < p->nprogs && !o->quiet; i++) {
		const struct probe *g = &p->progs[i];

		if (is_object(g->name) && (g->state == PROBE_REFUSED || g->state == PROBE_NO_ATTACH))
			fprintf(stderr,
				"kunai: notice: object-tier hook %s not used (%s): its events use the tracepoint "
				"tier\n",
				g->sec, g->reason);
	}
	if (o->verbose && !o->quiet) {
		for (int i = 0; i < p->nprogs; i++) {
			if (p->progs[i].state == PROBE_NO_HOOK)
				fprintf(stderr, "kunai: notice: this kernel has no hook %s; %s not loaded\n",
					p->progs[i].sec, p->progs[i].name);
		}
	}
}

int probes_start(struct probes *p, const struct probes_opts *o)
{
	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	struct bpf_program *prog;
	struct btf *vbtf;
	int ncpus, err, i = 0;

	memset(p, 0, sizeof(*p));
	/* Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK; later ones
	 * to the cgroup, where a refused raise is harmless */
	if (setrlimit(RLIMIT_MEMLOCK, &rl) && o->verbose)
		fprintf(stderr, "kunai: notice: raising RLIMIT_MEMLOCK failed (%s); continuing\n", strerror(errno));
	lbmsg.verbose = o->verbose;
	libbpf_set_print(libbpf_log);
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		fprintf(stderr, "kunai: cannot count the CPUs: %s\n", strerror(-ncpus));
		return -1;
	}
	kfeatures_probe(&p->feat, o->no_helpers);
	p->wanted = o->enabled;
	if (probes_open(p))
		return -1;
	/* tracefs first: whether a tp/ hook exists is read there */
	err = tracefs_ensure();
	if (err < 0) {
		fprintf(stderr, "kunai: tracefs is missing and mounting it at %s failed: %s\n", TRACEFS,
			strerror(-err));
		return -1;
	}
	p->tracefs_mounted = err == 1;
	vbtf = btf__load_vmlinux_btf();
	err = probes_classify(p, o, libbpf_get_error(vbtf) ? NULL : vbtf);
	btf__free(vbtf);
	if (err) {
		fprintf(stderr, "kunai: the embedded object has more than %d programs\n", PROBES_MAX);
		return -1;
	}
	if (p->tracefs_mounted && !needs_tracefs(p)) {
		umount2(TRACEFS, MNT_DETACH);
		p->tracefs_mounted = false;
	}
	if (probes_load(p, o, ncpus))
		return -1;
	err = ia32_install(p);
	if (err) {
		fprintf(stderr, "kunai: setting up the 32-bit syscall probes failed: %s\n", strerror(-err));
		return -1;
	}
	err = family_install(p);
	if (err) {
		fprintf(stderr, "kunai: setting up the syscall families failed: %s\n", strerror(-err));
		return -1;
	}
	err = watch_install(p, o->watch);
	if (err) {
		fprintf(stderr, "kunai: setting up the watched paths failed: %s\n", strerror(-err));
		return -1;
	}
	/* stashes first: an exit whose stash is not attached is worthless */
	for (int pass = 0; pass < 2; pass++) {
		i = 0;
		bpf_object__for_each_program (prog, p->obj) {
			struct probe *g = i < p->nprogs ? &p->progs[i++] : NULL, *sib;
			struct bpf_link *l;

			if (!g || g->state != PROBE_ATTACHED || is_stash(g->name) != (pass == 0) || is_family(g->name))
				continue;
			sib = probe_sibling(p, g);
			if (pass == 1 && sib && sib->state == PROBE_NO_ATTACH) {
				g->state = PROBE_NO_ATTACH;
				probe_reason(g, "%s", sib->reason);
				continue;
			}
			l = bpf_program__attach(prog);
			if (!l) {
				err = errno;
				if (g->core) {
					fprintf(stderr, "kunai: attaching %s (%s) failed: %s\n", g->name, g->sec,
						strerror(err));
					return -1;
				}
				g->state = PROBE_NO_ATTACH;
				probe_reason(g, "attaching %s failed: %s", g->sec, strerror(err));
				if (sib && sib->link) {
					/* a stash without its exit: nothing would take
					 * what it keeps */
					bpf_link__destroy(sib->link);
					sib->link = NULL;
					sib->state = PROBE_NO_ATTACH;
					probe_reason(sib, "%s", g->reason);
				}
				continue;
			}
			g->link = l;
		}
	}
	/* names read at an entry whose exit is not there would stay unread */
	for (i = 0; i < p->nprogs; i++) {
		struct probe *g = &p->progs[i], *x;
		char other[80];

		if (strncmp(g->name, "kn_name_", 8) || !g->link)
			continue;
		snprintf(other, sizeof(other), "kn_exit_%s", g->name + 8);
		x = probe_by_name(p, other);
		if (!x || !x->link) {
			bpf_link__destroy(g->link);
			g->link = NULL;
			g->state = PROBE_NO_ATTACH;
			probe_reason(g, "its exit %s is not attached", other);
		}
	}
	for (i = 0; i < p->nprogs; i++) {
		const struct probe *g = &p->progs[i];

		if (is_stash(g->name))
			continue;
		/* the 32-bit path serves what the syscall hooks give */
		if (g->state == PROBE_ATTACHED && !is_aux(g->name))
			p->attached |= g->types;
		else if ((g->state == PROBE_REFUSED || g->state == PROBE_NO_ATTACH) && !is_object(g->name))
			p->partial |= g->types;
	}
	p->attached &= p->wanted | T(KN_EXECVE) | T(KN_EXECVE_SCRIPT) | T(KN_CLONE) | T(KN_EXIT) | T(KN_EXIT_GROUP);
	p->partial &= p->wanted;
	probes_report(p, o);
	return 0;
}

void probes_detach(struct probes *p)
{
	/* the process lifecycle last: every event until then has its
	 * process's exec and fork behind it */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < p->nprogs; i++) {
			if (p->progs[i].core != (pass == 1))
				continue;
			bpf_link__destroy(p->progs[i].link);
			p->progs[i].link = NULL;
		}
	}
}

void probes_stop(struct probes *p)
{
	probes_detach(p);
	bpf_object__close(p->obj);
	p->obj = NULL;
	if (p->tracefs_mounted)
		umount2(TRACEFS, MNT_DETACH);
	p->tracefs_mounted = false;
}
