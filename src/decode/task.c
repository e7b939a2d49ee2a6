/* The data of events between processes and of a process on itself
 * (bpf/task.bpf.h): signals, tracing, memory access, prctl, memfd,
 * io_uring. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decode/internal.h"

/* The target of a kill or ptrace: the task the kernel reached, where the
 * kernel side found it (any PID namespace, a pidfd); else the pid the
 * caller gave. kill(0), kill(-pgid) and kill(-1) reach a group: the pid
 * given says which. */
static void write_target(struct decoder *enc, struct event *ev, const struct kn_sys *x, size_t size, int32_t given,
			 int32_t given_tgid)
{
	struct proc *p = NULL;
	int32_t pid = given;
	struct kn_task t;
	struct item it;
	bool seen = false;

	if (given > 0 || x->sc != KN_SC_KILL) {
		if (x->target.kind == KN_TARGET_TASK) {
			pid = (int32_t)(x->target.ids >> 32);
			p = proctable_find(enc->pt, (uint32_t)x->target.ids, proc_start_norm(x->target.start));
		} else if (x->target.kind == KN_TARGET_PID) {
			pid = (int32_t)(x->target.ids >> 32);
			p = proctable_get(enc->pt, (uint32_t)pid);
		} else if (given_tgid > 0) {
			p = proctable_get(enc->pt, (uint32_t)given_tgid);
		}
	}
	/* the task as the kernel's hook saw it */
	if (x->target.kind == KN_TARGET_TASK && !item_get(x, size, sizeof(*x), &x->data, &it) && it.len == sizeof(t)) {
		memcpy(&t, it.s, sizeof(t));
		seen = true;
	}
	ev_obj_begin(ev, "target");
	ev_str(ev, "command_line", p && p->cmdline ? p->cmdline : "?");
	ev_obj_begin(ev, "exe");
	ev_str(ev, "path", p && p->exe ? p->exe : "?");
	ev_obj_end(ev);
	if (seen) {
		write_task(enc, ev, "task", &t);
	} else {
		/* no hook saw it (a refused call on the tracepoint tier, a
		 * group, a pidfd whose task is gone): the pid alone, the rest
		 * not known */
		ev_obj_begin(ev, "task");
		ev_str(ev, "name", "?");
		ev_i64(ev, "pid", pid);
		ev_i64(ev, "tgid", p ? (int64_t)p->tgid : pid);
		ev_str(ev, "guuid", "?");
		ev_null(ev, "uid");
		ev_str(ev, "user", "?");
		ev_null(ev, "gid");
		ev_str(ev, "group", "?");
		ev_null(ev, "namespaces");
		ev_null(ev, "flags");
		ev_bool(ev, "zombie", false);
		ev_obj_end(ev);
	}
	ev_obj_end(ev);
}

int decode_task(struct decoder *enc, const struct kn_sys *x, size_t size, struct event *ev)
{
	const struct kn_header *h = &x->hdr;
	struct strbuf *p = &enc->path;
	struct item it;
	uint32_t fl = 0;
	char buf[64];

	switch (h->type) {
	case KN_PRCTL:
		ev_str(ev, "option", prctl_option(x->args[0], buf));
		if (x->args[0] == 15 && !item_get(x, size, sizeof(*x), &x->str[0], &it))
			ev_strn(ev, "name", it.s, it.len);
		ev_hex(ev, "arg2", x->args[1]);
		ev_hex(ev, "arg3", x->args[2]);
		ev_hex(ev, "arg4", x->args[3]);
		ev_hex(ev, "arg5", x->args[4]);
		ev_bool(ev, "success", x->ret >= 0);
		break;
	case KN_KILL: {
		/* (tgkill, rt_tgsigqueueinfo: tgid, tid, signal; the others:
		 * target, signal) */
		bool tg = x->sc == KN_SC_TGKILL || x->sc == KN_SC_RT_TGSIGQUEUEINFO;
		unsigned sig = (unsigned)(tg ? x->args[2] : x->args[1]);
		char sn[SIGNAME_MAX];

		ev_str(ev, "syscall", sc_name(x->sc));
		ev_str(ev, "signal", signal_name(sig, sn));
		/* a pidfd is no pid: unresolved, it names nothing */
		if (x->sc == KN_SC_PIDFD_SEND_SIGNAL)
			write_target(enc, ev, x, size, 0, 0);
		else
			write_target(enc, ev, x, size, (int32_t)(tg ? x->args[1] : x->args[0]), (int32_t)x->args[0]);
		ev_bool(ev, "success", x->ret == 0);
		break;
	}
	case KN_PTRACE:
		/* the access the kernel checks (PTRACE_MODE_ATTACH_REALCREDS for
		 * an attach; none for a tracee's memory), and the request */
		ev_hex(ev, "mode", x->args[0] == 16 || x->args[0] == 0x4206 ? 0x12 : 0);
		ev_str(ev, "request", ptrace_request(x->args[0]));
		write_target(enc, ev, x, size, (int32_t)x->args[1], (int32_t)x->args[1]);
		ev_bool(ev, "success", x->ret >= 0);
		break;
	case KN_PROCESS_MEMORY: {
		bool by_vm = x->sc == KN_SC_PROCESS_VM_READV || x->sc == KN_SC_PROCESS_VM_WRITEV;
		static const char *const access[] = {"none", "read", "write", "read_write"};

		ev_str(ev, "how", by_vm ? sc_name(x->sc) : "proc_mem");
		ev_str(ev, "access", access[x->target.access & 3]);
		if (!by_vm) {
			/* the file opened: /proc/PID/mem as the caller's procfs names it */
			if (sys_path(enc, x, size, 0, p, &fl))
				return -1;
			write_path(ev, "path", p, fl);
			write_target(enc, ev, x, size, 0, 0);
		} else {
			/* a pid given in a child PID namespace names no process of ours */
			bool ours = x->target.kind != KN_TARGET_GIVEN || x->target.start == 0;

			write_target(enc, ev, x, size, (int32_t)x->args[0], ours ? (int32_t)x->args[0] : 0);
			if (x->ret >= 0)
				ev_i64(ev, "size", x->ret);
		}
		ev_bool(ev, "success", x->ret >= 0);
		break;
	}
	case KN_MEMFD_CREATE:
		if (item_get(x, size, sizeof(*x), &x->str[0], &it))
			return -1;
		ev_strn(ev, "name", it.s, it.len);
		ev_hex(ev, "flags", x->args[1]);
		ev_bool(ev, "success", x->ret >= 0);
		break;
	case KN_IO_URING_SQE:
		ev_obj_begin(ev, "op");
		ev_u64(ev, "code", x->uring.opcode);
		ev_str(ev, "name", uring_op_name(x->uring.opcode));
		ev_obj_end(ev);
		break;
	default: return 1;
	}
	return 0;
}
