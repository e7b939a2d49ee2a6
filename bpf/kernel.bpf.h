/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Kernel changes: module loads, BPF program loads, socket filters. */
#ifndef KN_BPF_KERNEL_H
#define KN_BPF_KERNEL_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "kunai/wire.h"
#include "lib/maps.h"
#include "lib/sys.h"

#define KN_BPF_CMD_PROG_LOAD 5
#define KN_SOL_SOCKET 1
#define KN_SO_ATTACH_FILTER 26
#define KN_SO_ATTACH_BPF 50

/* The kernel's module list: the newest module is first. Absent (0) on a
 * kernel without modules. */
extern const void modules __ksym __weak;

/* The names entry of the module load this thread is in: made at the
 * syscall's entry (slot 0: the parameters as the caller gave them), or
 * here for a 32-bit call (sc 0); slot 1 gets the module's name. */
static __always_inline struct kn_names *module_names(u64 id)
{
	struct kn_names *nm = bpf_map_lookup_elem(&kn_names, &id);

	if (nm && (nm->sc == KN_SC_INIT_MODULE || nm->sc == KN_SC_FINIT_MODULE || (nm->sc == 0 && in_ia32_syscall())))
		return nm;
	if (!in_ia32_syscall())
		return NULL;
	nm = names_start_ia32(id);
	if (!nm)
		kn_count(KN_COUNT_NAMES_NOT_KEPT); /* no room */
	return nm;
}

/* The module a load made, as the kernel has it: its name (the module list's
 * head at the exit may be another load's). Absent on a kernel without
 * modules. */
SEC("tp_btf/module_load")
int BPF_PROG(kn_target_module, struct module *mod)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_names *nm;
	long r;

	if (kn_is_self(id >> 32))
		return 0;
	nm = module_names(id);
	if (!nm)
		return 0;
	r = bpf_probe_read_kernel_str(nm->s[1], sizeof(mod->name), mod->name);
	nm->len[1] = r > 0 ? r : 0;
	return 0;
}

static __always_inline int module_exit(struct kn_args *st, long ret)
{
	u64 id = bpf_get_current_pid_tgid();
	struct kn_names *nm = bpf_map_lookup_elem(&kn_names, &id);
	struct kn_sys *e;

	if (nm && nm->sc != st->sc && !(nm->sc == 0 && in_ia32_syscall()))
		nm = NULL;
	e = sys_begin(KN_INIT_MODULE, st, ret);
	if (!e)
		return 0;
	/* str[0]: parameters (the kernel's copy on the object tier, else the
	 * entry's, checked), str[1]: the module file, str[2]: the name */
	sys_put_slot(e, &e->str[0], (const char *)st->args[st->sc == KN_SC_INIT_MODULE ? 2 : 1], 0);
	if (st->sc == KN_SC_FINIT_MODULE) {
		/* the file the kernel read the module from */
		u32 fl = 0;

		sys_put_file(e, &e->str[1], used_file(KN_USED_MODULE, KN_SC_FINIT_MODULE, (long)st->args[0], &fl));
		e->str[1].flags |= fl;
	}
	if (nm && nm->len[1]) {
		sys_put_str(e, &e->str[2], nm->s[1], 0);
	} else if (ret == 0 && &modules) {
		struct list_head *first = NULL;

		bpf_probe_read_kernel(&first, sizeof(first), &modules);
		if (first) {
			struct module *m =
				(struct module *)((void *)first - bpf_core_field_offset(struct module, list));

			sys_put_str(e, &e->str[2], m->name, 0);
		}
	}
	sys_emit(e);
	return 0;
}

SYS_EXIT_NAMED(init_module, KN_SC_INIT_MODULE, 3, KN_INIT_MODULE, module_exit, -1, 2, -1, -1)
SYS_EXIT_NAMED(finit_module, KN_SC_FINIT_MODULE, 3, KN_INIT_MODULE, module_exit, -1, 1, -1, -1)

/* The file finit_module's fd holds at the call's entry, for its exit to
 * compare (used_file). */
SEC("tp/syscalls/sys_enter_finit_module")
int kn_fdin_finit_module(struct trace_event_raw_sys_enter *ctx)
{
	used_keep(KN_USED_MODULE, KN_SC_FINIT_MODULE, (int)ctx->args[0], fd_file(ctx->args[0]), 0);
	return 0;
}

/* ---- bpf_prog_load -------------------------------------------------- */

/* prog.id, type, tag; str[0]: name, [1]: attach function,
 * [2]: ksym. A failed load: type and name from the caller's attributes. */
static __always_inline int bpf_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;
	struct bpf_prog *prog;
	struct file *f;
	u32 fl = 0;

	if (st->args[0] != KN_BPF_CMD_PROG_LOAD)
		return 0;
	e = sys_begin(KN_BPF_PROG_LOAD, st, ret);
	if (!e)
		return 0;
	f = ret >= 0 ? used_file(KN_USED_INSTALL, 0, ret, &fl) : NULL;
	prog = f ? BPF_CORE_READ(f, private_data) : NULL;
	if (prog) {
		struct bpf_prog_aux *aux = BPF_CORE_READ(prog, aux);

		e->prog.id = BPF_CORE_READ(aux, id);
		e->prog.type = BPF_CORE_READ(prog, type);
		bpf_probe_read_kernel(&e->prog.tag, 8, &prog->tag);
		sys_put_str(e, &e->str[0], aux->name, 0);
		sys_put_str(e, &e->str[1], BPF_CORE_READ(aux, attach_func_name), 0);
		sys_put_str(e, &e->str[2], aux->ksym.name, 0);
	} else {
		union bpf_attr attr = {};

		bpf_probe_read_user(&attr, sizeof(attr.prog_name) + 64, (void *)st->args[1]);
		e->prog.type = attr.prog_type;
		sys_put_str(e, &e->str[0], (char *)st->args[1] + __builtin_offsetof(union bpf_attr, prog_name), 1);
	}
	sys_emit(e);
	return 0;
}

SYS_EXIT(bpf, KN_SC_BPF, 3, KN_BPF_PROG_LOAD, bpf_exit)

/* ---- bpf_socket_filter ---------------------------------------------- */

/* filter.len: classic filter length (instructions), prog_id: eBPF program id;
 * data: the classic filter's instructions. */
static __always_inline int setsockopt_exit(struct kn_args *st, long ret)
{
	struct kn_sys *e;
	struct file *f;

	if (st->args[1] != KN_SOL_SOCKET || (st->args[2] != KN_SO_ATTACH_FILTER && st->args[2] != KN_SO_ATTACH_BPF))
		return 0;
	e = sys_begin(KN_BPF_SOCKET_FILTER, st, ret);
	if (!e)
		return 0;
	f = fd_file((long)st->args[0]);
	sock_fill(&e->sock, file_sock(f));
	if (st->args[2] == KN_SO_ATTACH_FILTER) {
		struct sock_fprog fp = {};

		bpf_probe_read_user(&fp, sizeof(fp), (void *)st->args[3]);
		e->filter.len = fp.len;
		sys_put_data(e, fp.filter, (u64)fp.len * 8, 1);
	} else {
		int pfd = -1;
		struct file *pf;
		struct bpf_prog *prog;

		bpf_probe_read_user(&pfd, sizeof(pfd), (void *)st->args[3]);
		pf = fd_file(pfd);
		prog = pf ? BPF_CORE_READ(pf, private_data) : NULL;
		if (prog)
			e->filter.prog_id = BPF_CORE_READ(prog, aux, id);
	}
	sys_emit(e);
	return 0;
}

SYS_EXIT(setsockopt, KN_SC_SETSOCKOPT, 5, KN_BPF_SOCKET_FILTER, setsockopt_exit)

#endif
