/* What every decoder writes: the info section, task sections, file
 * objects, the process fields. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode/internal.h"
#include "event/types.h"
#include "model/guuid.h"
#include "serialize/json.h"

#define ANCESTORS_MAX 64

void decoder_init(struct decoder *e, struct host *h, struct proctable *pt)
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

void decoder_free(struct decoder *e)
{
	users_free(&e->users);
	strbuf_free(&e->cmd);
	strbuf_free(&e->anc);
	strbuf_free(&e->path);
	strbuf_free(&e->path2);
	free(e->dns);
	resolved_free(&e->resolved);
	for (int i = 0; i < TASK_CACHE; i++)
		ev_shared_put(e->tasks[i].sec);
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

static void render_task(struct decoder *e, struct event *ev, const struct kn_task *t)
{
	char guuid[KN_UUID_STR];
	const char *user = users_user(&e->users, t->uid), *group = users_group(&e->users, t->gid);

	ev_reset(ev);
	ev_strn(ev, "name", t->comm, strnlen(t->comm, sizeof(t->comm)));
	ev_u64(ev, "pid", t->pid);
	ev_u64(ev, "tgid", t->tgid);
	guuid_format(guuid, e->host->boot_key, t->start_boottime, t->tgid);
	ev_str(ev, "guuid", guuid);
	ev_u64(ev, "uid", t->uid);
	/* "?": an id without a name (yet) */
	ev_str(ev, "user", user ? user : "?");
	ev_u64(ev, "gid", t->gid);
	ev_str(ev, "group", group ? group : "?");
	ev_obj_begin(ev, "namespaces");
	ev_u64(ev, "mnt", t->mnt_ns);
	ev_u64(ev, "pid", t->pid_ns);
	ev_u64(ev, "net", t->net_ns);
	ev_u64(ev, "uts", t->uts_ns);
	ev_u64(ev, "ipc", t->ipc_ns);
	ev_u64(ev, "cgroup", t->cgroup_ns);
	ev_obj_end(ev);
	ev_hex(ev, "flags", t->flags);
	ev_bool(ev, "zombie", t->zombie != 0);
	json_event_render(ev);
}

/* A task section. The last few rendered are kept for a second (names
 * looked up again after): the events of one process in a row, and their
 * parent, render once. */
void write_task(struct decoder *e, struct event *ev, const char *key, const struct kn_task *t)
{
	time_t now = time(NULL);
	struct task_section *c;

	for (int i = 0; i < TASK_CACHE; i++) {
		c = &e->tasks[i];
		if (c->at == now && c->sec && !memcmp(&c->t, t, sizeof(*t))) {
			ev_attach(ev, key, c->sec);
			return;
		}
	}
	c = &e->tasks[e->tasks_next++ % TASK_CACHE];
	c->t = *t;
	c->at = now;
	c->sec = ev_shared_fresh(c->sec);
	render_task(e, &c->sec->ev, t);
	ev_attach(ev, key, c->sec);
}

void write_info(struct decoder *e, struct event *ev, uint32_t id, const char *name, uint64_t ktime,
		const struct kn_task *task, const struct kn_task *parent)
{
	char uuid[KN_UUID_STR], ts[40];

	ev->id = id;
	ev->name = name;
	ev->ktime = ktime;
	ev_obj_begin(ev, "info");
	ev_attach(ev, "host", e->host->section);
	ev_obj_begin(ev, "event");
	ev_str(ev, "source", "kunai");
	ev_u64(ev, "id", id);
	ev_str(ev, "name", name);
	uuid_random(uuid);
	ev_str(ev, "uuid", uuid);
	ev_u64(ev, "batch", e->batch);
	ev_obj_end(ev);
	write_task(e, ev, "task", task);
	write_task(e, ev, "parent_task", parent);
	host_utc_time(e->host, ktime, ts);
	ev_str(ev, "utc_time", ts);
	ev_obj_end(ev);
}

/* The start of a file object: its path and what the kernel said of it. */
static void file_begin(struct event *ev, const char *key, const char *path, size_t len, uint32_t flags)
{
	ev_obj_begin(ev, key);
	ev_strn(ev, "path", path, len);
	if (flags & KN_TRUNCATED)
		ev_bool(ev, "truncated", true);
	if (flags & KN_PATH_DELETED)
		ev_bool(ev, "deleted", true);
	/* the fd named the file at the call's entry and holds another at its
	 * exit (another thread rebound it: the kernel used one of the two),
	 * or was read at the exit only (a 32-bit call) */
	if (flags & KN_NAME_UNCONFIRMED)
		ev_bool(ev, "path_unconfirmed", true);
}

void write_file(struct event *ev, const char *key, const char *path, size_t len, uint32_t flags)
{
	file_begin(ev, key, path, len, flags);
	if (flags & KN_PATH_ERROR)
		ev_str(ev, "error", "path incomplete");
	ev_obj_end(ev);
}

void write_proc_fields(struct decoder *e, struct event *ev, const struct proc *p, uint32_t tgid)
{
	strbuf_reset(&e->anc);
	proctable_ancestors(e->pt, tgid, &e->anc, ANCESTORS_MAX);
	ev_strn(ev, "ancestors", e->anc.buf ? e->anc.buf : "", e->anc.len);
	/* "?": not known (a process the sensor never saw start) */
	ev_str(ev, "command_line", p && p->cmdline ? p->cmdline : "?");
	ev_obj_begin(ev, "exe");
	ev_str(ev, "path", p && p->exe ? p->exe : "?");
	ev_obj_end(ev);
}

void write_digests(struct event *ev, const struct hashes *h)
{
	ev_str(ev, "md5", h ? h->md5 : "?");
	ev_str(ev, "sha1", h ? h->sha1 : "?");
	ev_str(ev, "sha256", h ? h->sha256 : "?");
	ev_str(ev, "sha512", h ? h->sha512 : "?");
}

void write_file_hashed(struct decoder *e, struct event *ev, const char *key, const char *path, size_t len,
		       uint32_t flags, const struct kn_task *t, int by_exe, uint64_t ksize, int64_t kctime_ns)
{
	bool hashed = e->hash_files && !(flags & KN_PATH_ERROR) && e->nreqs < 2;
	struct file_req *r;
	uint32_t first;

	/* a whole file object either way: "?" for what is not computed (yet),
	 * the size the kernel gave */
	file_begin(ev, key, path, len, flags);
	first = ev_str(ev, "magic", "?");
	write_digests(ev, NULL);
	ev_u64(ev, "size", ksize);
	ev_str(ev, "error",
	       hashed			 ? NULL
	       : (flags & KN_PATH_ERROR) ? "path incomplete"
	       : !e->hash_files		 ? "not hashed (--hash-max-size 0)"
					 : "not hashed: too many files in one event");
	ev_obj_end(ev);
	if (!hashed)
		return;
	/* the digests to come fill magic .. error in place */
	r = &e->reqs[e->nreqs++];
	r->node = first;
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
}
