#include "event/encode.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "event/encode_internal.h"
#include "event/types.h"
#include "model/guuid.h"
#include "model/procfs.h"
#include "output/json.h"
#include "util/argv.h"
#include "util/path.h"

#define ANCESTORS_MAX 64

void encoder_init(struct encoder *e, struct host *h, struct proctable *pt)
{
	memset(e, 0, sizeof(*e));
	e->host = h;
	e->pt = pt;
	users_init(&e->users);
	strbuf_init(&e->cmd);
	strbuf_init(&e->anc);
	strbuf_init(&e->path);
	strbuf_init(&e->path2);
	e->dns = calloc(1, sizeof(*e->dns));
	if (!e->dns || resolved_init(&e->resolved))
		abort();
}

void encoder_free(struct encoder *e)
{
	users_free(&e->users);
	strbuf_free(&e->cmd);
	strbuf_free(&e->anc);
	strbuf_free(&e->path);
	strbuf_free(&e->path2);
	free(e->dns);
	resolved_free(&e->resolved);
	for (int i = 0; i < TASK_JSON_CACHE; i++)
		strbuf_free(&e->tasks[i].json);
}

int item_get(const void *rec, size_t size, size_t fixed, const struct kn_str *ks, struct item *it)
{
	it->s = "";
	it->len = 0;
	it->flags = ks->flags;
	if (ks->len == 0)
		return 0; /* empty, or never written */
	if (ks->off < fixed || ks->off > size || ks->len > size - ks->off)
		return -1;
	it->s = (const char *)rec + ks->off;
	it->len = ks->len;
	return 0;
}

static void render_task(struct encoder *e, struct json *j, const struct kn_task *t)
{
	char guuid[KN_UUID_STR];
	const char *user = users_user(&e->users, t->uid), *group = users_group(&e->users, t->gid);

	json_obj_begin(j, NULL);
	json_strn(j, "name", t->comm, strnlen(t->comm, sizeof(t->comm)));
	json_u64(j, "pid", t->pid);
	json_u64(j, "tgid", t->tgid);
	guuid_format(guuid, e->host->boot_key, t->start_boottime, t->tgid);
	json_str(j, "guuid", guuid);
	json_u64(j, "uid", t->uid);
	/* "?": an id without a name (yet) */
	json_str(j, "user", user ? user : "?");
	json_u64(j, "gid", t->gid);
	json_str(j, "group", group ? group : "?");
	json_obj_begin(j, "namespaces");
	json_u64(j, "mnt", t->mnt_ns);
	json_u64(j, "pid", t->pid_ns);
	json_u64(j, "net", t->net_ns);
	json_u64(j, "uts", t->uts_ns);
	json_u64(j, "ipc", t->ipc_ns);
	json_u64(j, "cgroup", t->cgroup_ns);
	json_obj_end(j);
	json_hex(j, "flags", t->flags);
	json_bool(j, "zombie", t->zombie != 0);
	json_obj_end(j);
}

/* A task section. The last few rendered are kept for a second (names
 * looked up again after): the events of one process in a row, and their
 * parent, render once. */
void write_task(struct encoder *e, struct json *j, const char *key, const struct kn_task *t)
{
	time_t now = time(NULL);
	struct task_json *c;
	struct json tj;

	for (int i = 0; i < TASK_JSON_CACHE; i++) {
		c = &e->tasks[i];
		if (c->at == now && c->json.len && !memcmp(&c->t, t, sizeof(*t))) {
			json_raw(j, key, c->json.buf);
			return;
		}
	}
	c = &e->tasks[e->tasks_next++ % TASK_JSON_CACHE];
	c->t = *t;
	c->at = now;
	strbuf_reset(&c->json);
	json_init(&tj, &c->json);
	render_task(e, &tj, t);
	json_raw(j, key, c->json.buf);
}

void write_info(struct encoder *e, struct json *j, uint32_t id, const char *name, uint64_t ktime,
		const struct kn_task *task, const struct kn_task *parent)
{
	char uuid[KN_UUID_STR], ts[40];

	json_obj_begin(j, "info");
	json_raw(j, "host", e->host->section.buf);
	json_obj_begin(j, "event");
	json_str(j, "source", "kunai");
	json_u64(j, "id", id);
	json_str(j, "name", name);
	uuid_random(uuid);
	json_str(j, "uuid", uuid);
	json_u64(j, "batch", e->batch);
	json_obj_end(j);
	write_task(e, j, "task", task);
	write_task(e, j, "parent_task", parent);
	host_utc_time(e->host, ktime, ts);
	json_str(j, "utc_time", ts);
	json_obj_end(j);
}

/* The start of a file object: its path and what the kernel said of it. */
static void file_begin(struct json *j, const char *key, const char *path, size_t len, uint32_t flags)
{
	json_obj_begin(j, key);
	json_strn(j, "path", path, len);
	if (flags & KN_TRUNCATED)
		json_bool(j, "truncated", true);
	if (flags & KN_PATH_DELETED)
		json_bool(j, "deleted", true);
	/* the fd named the file at the call's entry and holds another at its
	 * exit (another thread rebound it: the kernel used one of the two),
	 * or was read at the exit only (a 32-bit call) */
	if (flags & KN_NAME_UNCONFIRMED)
		json_bool(j, "path_unconfirmed", true);
}

void write_file(struct json *j, const char *key, const char *path, size_t len, uint32_t flags)
{
	file_begin(j, key, path, len, flags);
	if (flags & KN_PATH_ERROR)
		json_str(j, "error", "path incomplete");
	json_obj_end(j);
}

void write_proc_fields(struct encoder *e, struct json *j, const struct proc *p, uint32_t tgid)
{
	strbuf_reset(&e->anc);
	proctable_ancestors(e->pt, tgid, &e->anc, ANCESTORS_MAX);
	json_strn(j, "ancestors", e->anc.buf ? e->anc.buf : "", e->anc.len);
	/* "?": not known (a process the sensor never saw start) */
	json_str(j, "command_line", p && p->cmdline ? p->cmdline : "?");
	json_obj_begin(j, "exe");
	json_str(j, "path", p && p->exe ? p->exe : "?");
	json_obj_end(j);
}

void write_digests(struct json *j, const struct hashes *h)
{
	json_str(j, "md5", h ? h->md5 : "?");
	json_str(j, "sha1", h ? h->sha1 : "?");
	json_str(j, "sha256", h ? h->sha256 : "?");
	json_str(j, "sha512", h ? h->sha512 : "?");
}

void write_file_hashed(struct encoder *e, struct json *j, const char *key, const char *path, size_t len, uint32_t flags,
		       const struct kn_task *t, int by_exe, uint64_t ksize, int64_t kctime_ns)
{
	struct file_req *r;

	if (!e->hash_files || (flags & KN_PATH_ERROR) || e->nreqs >= 2) {
		/* a whole file object all the same, "?" for what is not
		 * computed, the size the kernel gave */
		file_begin(j, key, path, len, flags);
		json_str(j, "magic", "?");
		write_digests(j, NULL);
		json_u64(j, "size", ksize);
		json_str(j, "error",
			 (flags & KN_PATH_ERROR) ? "path incomplete"
			 : !e->hash_files	 ? "not hashed (--hash-max-size 0)"
						 : "not hashed: too many files in one event");
		json_obj_end(j);
		return;
	}
	file_begin(j, key, path, len, flags);
	r = &e->reqs[e->nreqs++];
	r->off = j->out->len;
	strbuf_adds(j->out, FILE_HASH_PLACEHOLDER);
	r->tgid = t->tgid;
	r->mnt_ns = t->mnt_ns;
	r->root_dev = 0; /* set by the exec event, which has them */
	r->root_ino = 0;
	r->start_ns = t->start_boottime;
	r->by_exe = by_exe;
	r->size = ksize;
	r->ctime_ns = kctime_ns;
	len = strnlen(path, len);
	if (len >= sizeof(r->path))
		len = sizeof(r->path) - 1;
	memcpy(r->path, path, len);
	r->path[len] = 0;
	json_obj_end(j);
}

static int encode_exec(struct encoder *e, const void *rec, size_t size, struct json *j)
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

	json_obj_begin(j, "data");
	strbuf_reset(&e->anc);
	proctable_ancestors(e->pt, h->task.tgid, &e->anc, ANCESTORS_MAX);
	json_strn(j, "ancestors", e->anc.buf ? e->anc.buf : "", e->anc.len);
	json_str(j, "parent_exe", pp && pp->exe ? pp->exe : "?");
	json_str(j, "parent_command_line", pp && pp->cmdline ? pp->cmdline : "?");
	json_strn(j, "command_line", e->cmd.buf ? e->cmd.buf : "", e->cmd.len);
	if (argv.flags & KN_TRUNCATED)
		json_bool(j, "command_line_truncated", true);
	if (argv.flags & KN_PATH_ERROR)
		json_str(j, "command_line_error", "argv unreadable");
	json_u64(j, "argc", x->argc);
	/* The binary that runs is the kernel's /proc/PID/exe; a script is
	 * known by its path only (its file was released before the hook). */
	kctime = (int64_t)x->exe_ctime_sec * 1000000000LL + x->exe_ctime_nsec;
	if (script) {
		/* known by its path only: nothing to check it against */
		write_file_hashed(e, j, "exe", exe_path, exe_len, exe_flags, &h->task, 0, 0, -1);
		write_file_hashed(e, j, "interpreter", exe.s, exe.len, exe.flags, &h->task, 1, x->exe_size, kctime);
	} else {
		write_file_hashed(e, j, "exe", exe_path, exe_len, exe_flags, &h->task, 1, x->exe_size, kctime);
	}
	for (int i = 0; i < e->nreqs; i++) {
		e->reqs[i].root_dev = x->root_dev;
		e->reqs[i].root_ino = x->root_ino;
	}
	json_strn(j, "cwd", cwd.s, cwd.len);
	if (cwd.flags & KN_TRUNCATED)
		json_bool(j, "cwd_truncated", true);
	if (cwd.flags & KN_PATH_ERROR)
		json_str(j, "cwd_error", "incomplete");
	json_obj_end(j);
	write_info(e, j, ti->id, ti->name, h->ktime, &h->task, &h->parent);

	if (p) {
		/* exe_path may contain no NUL in the middle: paths cannot. */
		strbuf_reset(&e->path2);
		strbuf_add(&e->path2, exe_path, strnlen(exe_path, exe_len));
		proc_set_exec(p, e->path2.buf, e->cmd.buf ? e->cmd.buf : "");
	}
	return 0;
}

static int encode_clone(struct encoder *e, const void *rec, size_t size, struct json *j)
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
	json_obj_begin(j, "data");
	write_proc_fields(e, j, p, h->task.tgid);
	json_hex(j, "flags", c->flags);
	json_obj_end(j);
	write_info(e, j, ti->id, ti->name, h->ktime, &h->task, &h->parent);
	return 0;
}

static int encode_exit(struct encoder *e, const void *rec, size_t size, struct json *j)
{
	const struct kn_exit *x = rec;
	const struct kn_header *h = &x->hdr;
	const struct kn_type_info *ti = kn_type_info(h->type);
	unsigned sig = x->code & 0x7f;

	if (size < sizeof(*x))
		return -1;
	json_obj_begin(j, "data");
	write_proc_fields(e, j, proctable_get(e->pt, h->task.tgid), h->task.tgid);
	json_u64(j, "error_code", (x->code >> 8) & 0xff);
	if (sig) {
		char sn[SIGNAME_MAX];

		json_str(j, "signal", signal_name(sig, sn));
		json_bool(j, "core_dumped", (x->code & 0x80) != 0);
	}
	json_obj_end(j);
	write_info(e, j, ti->id, ti->name, h->ktime, &h->task, &h->parent);
	if (h->type == KN_EXIT_GROUP)
		proctable_exit(e->pt, h->task.tgid, proc_start_norm(h->task.start_boottime));
	return 0;
}

int encode_record(struct encoder *e, const void *rec, size_t size, struct strbuf *out)
{
	const struct kn_header *h = rec;
	struct json j;
	size_t mark = out->len;
	int rc;

	e->nreqs = 0;
	if (size < sizeof(*h) || h->size != size || !kn_type_info(h->type)) {
		e->malformed++;
		return -1;
	}
	json_init(&j, out);
	json_obj_begin(&j, NULL);
	switch (h->type) {
	case KN_EXECVE:
	case KN_EXECVE_SCRIPT: rc = encode_exec(e, rec, size, &j); break;
	case KN_CLONE: rc = encode_clone(e, rec, size, &j); break;
	case KN_EXIT:
	case KN_EXIT_GROUP: rc = encode_exit(e, rec, size, &j); break;
	default: rc = encode_sys(e, rec, size, &j);
	}
	if (rc) {
		out->len = mark;
		if (out->buf)
			out->buf[mark] = 0;
		e->nreqs = 0;
		if (rc == -2)
			return 1; /* nothing to report */
		e->malformed++;
		return -1;
	}
	json_obj_end(&j);
	return 0;
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

void encode_start(struct encoder *e, const struct start_info *si, struct strbuf *out)
{
	struct kn_task self, parent;
	uint64_t now = clock_ns(CLOCK_BOOTTIME);
	char boot[40];
	struct utsname u;
	struct json j;

	task_self(&self);
	e->nreqs = 0;
	parent_of_self(&parent, &self);
	json_init(&j, out);
	json_obj_begin(&j, NULL);
	json_obj_begin(&j, "data");
	json_obj_begin(&j, "system");
	json_double(&j, "uptime", (double)now / 1e9);
	time_format_utc(e->host->boot_to_real, boot);
	json_str(&j, "boot_time", boot);
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	json_str(&j, "sysname", u.sysname);
	json_str(&j, "release", u.release);
	json_str(&j, "version", u.version);
	json_str(&j, "machine", u.machine);
	json_str(&j, "domainname", u.domainname);
	json_str(&j, "nodename", u.nodename);
	json_obj_end(&j);
	json_obj_begin(&j, "kunai");
	json_str(&j, "version", si->version);
	/* the running binary, through the kernel's reference to it */
	write_file_hashed(e, &j, "exe", si->exe, strlen(si->exe), 0, &self, 1, 0, -1);
	/* the configuration's digest; "?" without one */
	json_obj_begin(&j, "config");
	json_str(&j, "sha256", si->config_sha256 ? si->config_sha256 : "?");
	json_obj_end(&j);
	json_obj_end(&j);
	json_obj_end(&j);
	write_info(e, &j, KN_ID_START, "start", now, &self, &parent);
	json_obj_end(&j);
}

void encode_loss(struct encoder *e, uint64_t read, uint64_t lost, double eps, const uint64_t delta[KN_TYPE_MAX],
		 const struct output_drop *drops, int ndrops, const struct sensor_drops *sd, struct strbuf *out)
{
	struct kn_task self, parent;
	struct json j;

	task_self(&self);
	parent_of_self(&parent, &self);
	json_init(&j, out);
	json_obj_begin(&j, NULL);
	json_obj_begin(&j, "data");
	json_u64(&j, "read", read);
	json_u64(&j, "lost", lost);
	json_double(&j, "eps", eps);
	json_obj_begin(&j, "lost_by_type");
	for (uint32_t t = 0; t < KN_TYPE_MAX; t++) {
		const struct kn_type_info *ti = kn_type_info(t);

		if (ti && delta[t])
			json_u64(&j, ti->name, delta[t]);
	}
	json_obj_end(&j);
	json_obj_begin(&j, "output_dropped");
	for (int i = 0; i < ndrops; i++) {
		if (drops[i].lines)
			json_u64(&j, drops[i].name, drops[i].lines);
	}
	json_obj_end(&j);
	json_obj_begin(&j, "sensor_dropped");
	if (sd->malformed)
		json_u64(&j, "malformed_records", sd->malformed);
	if (sd->proc_refused)
		json_u64(&j, "process_table_full", sd->proc_refused);
	if (sd->hash_full)
		json_u64(&j, "files_not_hashed", sd->hash_full);
	if (sd->hash_late)
		json_u64(&j, "digests_late", sd->hash_late);
	if (sd->names_not_kept)
		json_u64(&j, "names_unchecked", sd->names_not_kept);
	json_obj_end(&j);
	json_obj_end(&j);
	write_info(e, &j, KN_ID_EVENT_LOSS, "event_loss", clock_ns(CLOCK_BOOTTIME), &self, &parent);
	json_obj_end(&j);
}
