#include "decode/decode.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "decode/internal.h"
#include "event/types.h"
#include "model/guuid.h"
#include "model/procfs.h"
#include "util/argv.h"
#include "util/path.h"

#define ANCESTORS_MAX 64 /* as common.c */

static int decode_exec(struct decoder *e, const void *rec, size_t size, struct event *ev)
{
	const struct kn_exec *x = rec;
	const struct kn_header *h = &x->hdr;
	struct item exe, fname, cwd, argv;
	const struct kn_type_info *ti = kn_type_info(h->type);
	int script = h->type == KN_EXECVE_SCRIPT;
	const char *exe_path;
	size_t exe_len;
	uint32_t exe_flags;
	struct proc *p, *pp;
	int64_t kctime;

	if (size < sizeof(*x) || item_get(rec, size, sizeof(*x), &x->exe, &exe) ||
	    item_get(rec, size, sizeof(*x), &x->filename, &fname) || item_get(rec, size, sizeof(*x), &x->cwd, &cwd) ||
	    item_get(rec, size, sizeof(*x), &x->argv, &argv))
		return -1;

	strbuf_reset(&e->cmd);
	argv_to_cmdline(argv.s, argv.len, &e->cmd);
	if (script) {
		/* The script's path is the name exec was given, made absolute. */
		path_absolute(cwd.s, cwd.len, fname.s, fname.len, &e->path);
		exe_path = e->path.buf;
		exe_len = e->path.len;
		/* a name relative to a cut cwd is cut too */
		exe_flags = fname.flags | (fname.len && fname.s[0] != '/' ? cwd.flags : 0);
	} else {
		exe_path = exe.s;
		exe_len = exe.len;
		exe_flags = exe.flags;
	}

	p = proctable_upsert(e->pt, h->task.tgid, proc_start_norm(h->task.start_boottime), h->task.ppid,
			     proc_start_norm(h->parent.start_boottime));
	/* the parent it was forked from, though it may have been reparented */
	pp = p && p->parent ? p->parent : proctable_get(e->pt, h->task.ppid);

	ev_obj_begin(ev, "data");
	strbuf_reset(&e->anc);
	proctable_ancestors(e->pt, h->task.tgid, &e->anc, ANCESTORS_MAX);
	ev_strn(ev, "ancestors", e->anc.buf ? e->anc.buf : "", e->anc.len);
	ev_str(ev, "parent_exe", pp && pp->exe ? pp->exe : "?");
	ev_str(ev, "parent_command_line", pp && pp->cmdline ? pp->cmdline : "?");
	ev_strn(ev, "command_line", e->cmd.buf ? e->cmd.buf : "", e->cmd.len);
	if (argv.flags & KN_TRUNCATED)
		ev_bool(ev, "command_line_truncated", true);
	if (argv.flags & KN_PATH_ERROR)
		ev_str(ev, "command_line_error", "argv unreadable");
	ev_u64(ev, "argc", x->argc);
	/* The binary that runs is the kernel's /proc/PID/exe; a script is
	 * known by its path only (its file was released before the hook). */
	kctime = (int64_t)x->exe_ctime_sec * 1000000000LL + x->exe_ctime_nsec;
	if (script) {
		/* known by its path only: nothing to check it against */
		write_file_hashed(e, ev, "exe", exe_path, exe_len, exe_flags, &h->task, 0, 0, -1);
		write_file_hashed(e, ev, "interpreter", exe.s, exe.len, exe.flags, &h->task, 1, x->exe_size, kctime);
	} else {
		write_file_hashed(e, ev, "exe", exe_path, exe_len, exe_flags, &h->task, 1, x->exe_size, kctime);
	}
	for (int i = 0; i < e->nreqs; i++) {
		e->reqs[i].root_dev = x->root_dev;
		e->reqs[i].root_ino = x->root_ino;
	}
	ev_strn(ev, "cwd", cwd.s, cwd.len);
	if (cwd.flags & KN_TRUNCATED)
		ev_bool(ev, "cwd_truncated", true);
	if (cwd.flags & KN_PATH_ERROR)
		ev_str(ev, "cwd_error", "incomplete");
	ev_obj_end(ev);
	write_info(e, ev, ti->id, ti->name, h->ktime, &h->task, &h->parent);

	if (p) {
		/* exe_path may contain no NUL in the middle: paths cannot. */
		strbuf_reset(&e->path2);
		strbuf_add(&e->path2, exe_path, strnlen(exe_path, exe_len));
		proc_set_exec(p, e->path2.buf, e->cmd.buf ? e->cmd.buf : "");
	}
	return 0;
}

static int decode_clone(struct decoder *e, const void *rec, size_t size, struct event *ev)
{
	const struct kn_clone *c = rec;
	const struct kn_header *h = &c->hdr;
	const struct kn_type_info *ti = kn_type_info(h->type);
	struct proc *p;

	if (size < sizeof(*c))
		return -1;
	if (h->task.tgid != h->task.pid) /* a thread: its process is known */
		p = proctable_get(e->pt, h->task.tgid);
	else
		p = proctable_fork(e->pt, h->task.tgid, proc_start_norm(h->task.start_boottime), h->task.ppid,
				   proc_start_norm(h->parent.start_boottime));
	ev_obj_begin(ev, "data");
	write_proc_fields(e, ev, p, h->task.tgid);
	ev_hex(ev, "flags", c->flags);
	ev_obj_end(ev);
	write_info(e, ev, ti->id, ti->name, h->ktime, &h->task, &h->parent);
	return 0;
}

static int decode_exit(struct decoder *e, const void *rec, size_t size, struct event *ev)
{
	const struct kn_exit *x = rec;
	const struct kn_header *h = &x->hdr;
	const struct kn_type_info *ti = kn_type_info(h->type);
	unsigned sig = x->code & 0x7f;

	if (size < sizeof(*x))
		return -1;
	ev_obj_begin(ev, "data");
	write_proc_fields(e, ev, proctable_get(e->pt, h->task.tgid), h->task.tgid);
	ev_u64(ev, "error_code", (x->code >> 8) & 0xff);
	if (sig) {
		char sn[SIGNAME_MAX];

		ev_str(ev, "signal", signal_name(sig, sn));
		ev_bool(ev, "core_dumped", (x->code & 0x80) != 0);
	}
	ev_obj_end(ev);
	write_info(e, ev, ti->id, ti->name, h->ktime, &h->task, &h->parent);
	if (h->type == KN_EXIT_GROUP)
		proctable_exit(e->pt, h->task.tgid, proc_start_norm(h->task.start_boottime));
	return 0;
}

/* error: the kernel side throttled file events; the task whose event
 * went past the limit first. */
static int decode_error(struct decoder *e, const void *rec, size_t size, struct event *ev)
{
	const struct kn_error *x = rec;
	const struct kn_header *h = &x->hdr;

	if (size < sizeof(*x) || (x->code != KN_ERR_THROTTLE_TASK && x->code != KN_ERR_THROTTLE_GLOBAL))
		return -1;
	ev->type = KN_TYPE_MAX;
	ev_obj_begin(ev, "data");
	write_proc_fields(e, ev, proctable_get(e->pt, h->task.tgid), h->task.tgid);
	ev_u64(ev, "code", x->code);
	/* Kunai's words */
	ev_str(ev, "message",
	       x->code == KN_ERR_THROTTLE_TASK ? "throttle filesystem events, per task limit reached"
					       : "throttle filesystem events, global limit reached");
	ev_obj_end(ev);
	write_info(e, ev, KN_ID_ERROR, "error", h->ktime, &h->task, &h->parent);
	return 0;
}

int decode_record(struct decoder *e, const void *rec, size_t size, struct event **out)
{
	const struct kn_header *h = rec;
	struct event *ev;
	int rc;

	e->nreqs = 0;
	if (size >= sizeof(*h) && h->size == size && h->type == KN_REC_ERROR) {
		ev = ev_new();
		if (decode_error(e, rec, size, ev)) {
			ev_put(ev);
			e->malformed++;
			return -1;
		}
		out[0] = ev;
		return 1;
	}
	if (size < sizeof(*h) || h->size != size || !kn_type_info(h->type)) {
		e->malformed++;
		return -1;
	}
	switch (h->type) {
	case KN_EXECVE:
	case KN_EXECVE_SCRIPT:
	case KN_CLONE:
	case KN_EXIT:
	case KN_EXIT_GROUP:
		ev = ev_new();
		ev->type = h->type;
		rc = h->type == KN_CLONE			      ? decode_clone(e, rec, size, ev)
		     : h->type == KN_EXIT || h->type == KN_EXIT_GROUP ? decode_exit(e, rec, size, ev)
								      : decode_exec(e, rec, size, ev);
		if (rc) {
			ev_put(ev);
			rc = -1;
		} else {
			out[0] = ev;
			rc = 1;
		}
		break;
	default: rc = decode_sys(e, rec, size, out);
	}
	if (rc < 0) {
		e->nreqs = 0;
		e->malformed++;
	}
	return rc;
}

static uint32_t ns_inum(uint32_t pid, const char *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%u/ns/%s", pid, ns);
	return stat(path, &st) ? 0 : (uint32_t)st.st_ino;
}

static void task_ns_fill(struct kn_task *t)
{
	t->mnt_ns = ns_inum(t->pid, "mnt");
	t->pid_ns = ns_inum(t->pid, "pid");
	t->net_ns = ns_inum(t->pid, "net");
	t->uts_ns = ns_inum(t->pid, "uts");
	t->ipc_ns = ns_inum(t->pid, "ipc");
	t->cgroup_ns = ns_inum(t->pid, "cgroup");
}

void task_self(struct kn_task *t)
{
	uint32_t ppid = 0;
	uint64_t start = 0;
	FILE *f;

	memset(t, 0, sizeof(*t));
	t->pid = (uint32_t)getpid();
	t->tgid = t->pid;
	procfs_stat("/proc", t->pid, &ppid, &start);
	t->ppid = ppid;
	t->start_boottime = start;
	t->uid = getuid();
	t->gid = getgid();
	t->euid = geteuid();
	t->egid = getegid();
	task_ns_fill(t);
	f = fopen("/proc/self/comm", "re");
	if (f) {
		if (fgets(t->comm, sizeof(t->comm), f))
			t->comm[strcspn(t->comm, "\n")] = 0;
		fclose(f);
	}
}

static void parent_of_self(struct kn_task *p, const struct kn_task *self)
{
	uint64_t start = 0;
	uint32_t pp = 0;
	char path[64];
	FILE *f;

	memset(p, 0, sizeof(*p));
	p->pid = p->tgid = self->ppid;
	if (!procfs_stat("/proc", self->ppid, &pp, &start)) {
		p->ppid = pp;
		p->start_boottime = start;
	}
	task_ns_fill(p);
	snprintf(path, sizeof(path), "/proc/%u/comm", self->ppid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(p->comm, sizeof(p->comm), f))
			p->comm[strcspn(p->comm, "\n")] = 0;
		fclose(f);
	}
}

struct event *decode_start(struct decoder *e, const struct start_info *si)
{
	struct kn_task self, parent;
	uint64_t now = clock_ns(CLOCK_BOOTTIME);
	struct event *ev = ev_new();
	char boot[40];
	struct utsname u;

	task_self(&self);
	e->nreqs = 0;
	parent_of_self(&parent, &self);
	ev->type = KN_TYPE_MAX;
	ev_obj_begin(ev, "data");
	ev_obj_begin(ev, "system");
	ev_double(ev, "uptime", (double)now / 1e9);
	time_format_utc(e->host->boot_to_real, boot);
	ev_str(ev, "boot_time", boot);
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	ev_str(ev, "sysname", u.sysname);
	ev_str(ev, "release", u.release);
	ev_str(ev, "version", u.version);
	ev_str(ev, "machine", u.machine);
	ev_str(ev, "domainname", u.domainname);
	ev_str(ev, "nodename", u.nodename);
	ev_obj_end(ev);
	ev_obj_begin(ev, "kunai");
	ev_str(ev, "version", si->version);
	/* the running binary, through the kernel's reference to it */
	write_file_hashed(e, ev, "exe", si->exe, strlen(si->exe), 0, &self, 1, 0, -1);
	/* the configuration's digest; "?" without one */
	ev_obj_begin(ev, "config");
	ev_str(ev, "sha256", si->config_sha256 ? si->config_sha256 : "?");
	ev_obj_end(ev);
	ev_obj_end(ev);
	ev_obj_end(ev);
	write_info(e, ev, KN_ID_START, "start", now, &self, &parent);
	return ev;
}

struct event *decode_loss(struct decoder *e, uint64_t read, uint64_t lost, double eps,
			  const uint64_t delta[KN_TYPE_MAX], const uint64_t throttled[KN_TYPE_MAX],
			  const struct output_drop *drops, int ndrops, const struct sensor_drops *sd)
{
	struct kn_task self, parent;
	struct event *ev = ev_new();

	task_self(&self);
	parent_of_self(&parent, &self);
	ev->type = KN_TYPE_MAX;
	ev_obj_begin(ev, "data");
	ev_u64(ev, "read", read);
	ev_u64(ev, "lost", lost);
	ev_double(ev, "eps", eps);
	ev_obj_begin(ev, "lost_by_type");
	for (uint32_t t = 0; t < KN_TYPE_MAX; t++) {
		const struct kn_type_info *ti = kn_type_info(t);

		if (ti && delta[t])
			ev_u64(ev, ti->name, delta[t]);
	}
	ev_obj_end(ev);
	/* dropped by throttling (max_eps_fs), each error event said when */
	ev_obj_begin(ev, "throttled_by_type");
	for (uint32_t t = 0; t < KN_TYPE_MAX; t++) {
		const struct kn_type_info *ti = kn_type_info(t);

		if (ti && throttled[t])
			ev_u64(ev, ti->name, throttled[t]);
	}
	ev_obj_end(ev);
	ev_obj_begin(ev, "output_dropped");
	for (int i = 0; i < ndrops; i++) {
		/* (an output's name: the event keeps its own copy) */
		if (drops[i].lines)
			ev_key_copy(ev, ev_u64(ev, NULL, drops[i].lines), drops[i].name, strlen(drops[i].name));
	}
	ev_obj_end(ev);
	ev_obj_begin(ev, "sensor_dropped");
	if (sd->malformed)
		ev_u64(ev, "malformed_records", sd->malformed);
	if (sd->proc_refused)
		ev_u64(ev, "process_table_full", sd->proc_refused);
	if (sd->hash_full)
		ev_u64(ev, "files_not_hashed", sd->hash_full);
	if (sd->hash_late)
		ev_u64(ev, "digests_late", sd->hash_late);
	if (sd->names_not_kept)
		ev_u64(ev, "names_unchecked", sd->names_not_kept);
	ev_obj_end(ev);
	ev_obj_end(ev);
	write_info(e, ev, KN_ID_EVENT_LOSS, "event_loss", clock_ns(CLOCK_BOOTTIME), &self, &parent);
	return ev;
}
