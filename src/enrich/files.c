#include "enrich/files.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int files_init(struct files *f, bool enabled, uint64_t max_size)
{
	memset(f, 0, sizeof(*f));
	f->enabled = enabled;
	if (!enabled)
		return 0;
	f->kcache = calloc(FILES_KCACHE, sizeof(*f->kcache));
	f->hasher = calloc(1, sizeof(*f->hasher));
	if (!f->kcache || !f->hasher)
		return -ENOMEM;
	return hasher_start(f->hasher, max_size);
}

void files_free(struct files *f)
{
	/* (a hasher with threads left in a hung open stays allocated: they
	 * use it till they return) */
	if (f->hasher && !hasher_stop(f->hasher)) {
		free(f->hasher);
		f->hasher = NULL;
	}
	free(f->kcache);
	f->kcache = NULL;
	for (unsigned i = 0; i < f->npending; i++) {
		ev_put(f->pending[i]->ev);
		for (int k = 0; k < f->pending[i]->nslots; k++)
			free(f->pending[i]->slot[k].path);
		free(f->pending[i]);
	}
	f->npending = 0;
}

int files_fd(const struct files *f)
{
	return f->enabled ? f->hasher->efd : -1;
}

/* Digests by what the kernel said of a file (checked requests only): its
 * path in a mount namespace, its size and change time. A later request
 * with the same is the same file (the change time, to the nanosecond,
 * moves with any change of it), answered on the loop without an open. */
static bool kkey_of(const struct file_req *r, struct kfile_key *k)
{
	uint64_t x = 0xcbf29ce484222325ULL;

	if (r->ctime_ns == -1)
		return false;
	for (const char *c = r->path; *c; c++)
		x = (x ^ (unsigned char)*c) * 0x100000001b3ULL;
	memset(k, 0, sizeof(*k));
	k->path_hash = x;
	k->size = r->size;
	k->ctime_ns = r->ctime_ns;
	k->mnt_ns = r->mnt_ns;
	return true;
}

static size_t kslot(const struct kfile_key *k)
{
	return (size_t)((k->path_hash ^ (uint64_t)k->ctime_ns) % (FILES_KCACHE / 4)) * 4;
}

/* The same key and the same whole path (the hash picks the bucket). */
static bool kmatch(const struct kcache_entry *c, const struct kfile_key *k, const char *path)
{
	return c->used && !memcmp(&c->key, k, sizeof(*k)) && !strcmp(c->path, path);
}

static bool kcache_get(struct files *f, const struct kfile_key *k, const char *path, struct file_info *out)
{
	size_t b = kslot(k);

	for (size_t i = b; i < b + 4; i++) {
		if (kmatch(&f->kcache[i], k, path)) {
			f->kcache[i].used = ++f->kclock;
			*out = f->kcache[i].info;
			return true;
		}
	}
	return false;
}

static void kcache_put(struct files *f, const struct kfile_key *k, const char *path, const struct file_info *info)
{
	size_t b = kslot(k), victim = b;

	if (info->error && strcmp(info->error, "too big to hash"))
		return;
	for (size_t i = b; i < b + 4; i++) {
		if (!f->kcache[i].used || kmatch(&f->kcache[i], k, path)) {
			victim = i;
			break;
		}
		if (f->kcache[i].used < f->kcache[victim].used)
			victim = i;
	}
	f->kcache[victim].key = *k;
	snprintf(f->kcache[victim].path, sizeof(f->kcache[victim].path), "%s", path);
	f->kcache[victim].info = *info;
	f->kcache[victim].used = ++f->kclock;
}

/* The file object's members from magic to error, as known now; the event
 * written out. */
static void complete(struct event *ev, const struct pending_slot *slots, int n, files_emit_fn emit, void *ctx)
{
	for (int i = 0; i < n; i++) {
		const struct file_info *fi = &slots[i].info;
		uint32_t k = slots[i].node;

		if (k + 6 >= ev->nlen)
			continue; /* cannot happen: the decoder made them */
		/* as Kunai: "" for what could not be had, error says why */
		ev_set_str(ev, k, fi->magic);
		ev_set_str(ev, k + 1, fi->error ? "" : fi->h.md5);
		ev_set_str(ev, k + 2, fi->error ? "" : fi->h.sha1);
		ev_set_str(ev, k + 3, fi->error ? "" : fi->h.sha256);
		ev_set_str(ev, k + 4, fi->error ? "" : fi->h.sha512);
		ev_set_u64(ev, k + 5, fi->size);
		ev_set_str(ev, k + 6, fi->error);
	}
	emit(ctx, ev);
}

void files_submit(struct files *f, struct event *ev, const struct file_req *reqs, int nreqs, files_emit_fn emit,
		  void *ctx)
{
	struct pending_slot slots[2];
	struct pending_event *p;
	size_t bytes = ev_footprint(ev);
	int waiting = 0;

	if (!f->enabled || !nreqs) {
		emit(ctx, ev);
		return;
	}
	if (nreqs > 2)
		nreqs = 2;
	memset(slots, 0, sizeof(slots));
	for (int i = 0; i < nreqs; i++) {
		slots[i].node = reqs[i].node;
		slots[i].kchecked = kkey_of(&reqs[i], &slots[i].kkey);
		if (slots[i].kchecked && kcache_get(f, &slots[i].kkey, reqs[i].path, &slots[i].info)) {
			slots[i].done = true;
			continue;
		}
		if (f->npending >= FILES_PENDING_MAX || f->pending_bytes + bytes > FILES_PENDING_BYTES ||
		    hasher_submit(f->hasher, &reqs[i], (f->next_id << 1) | (uint64_t)i)) {
			slots[i].info.error = "too many files waiting to be hashed";
			slots[i].done = true;
			f->overflow++;
			continue;
		}
		/* to cache its result by (the hasher has its own copy) */
		if (slots[i].kchecked && !(slots[i].path = strdup(reqs[i].path)))
			slots[i].kchecked = false;
		waiting++;
	}
	if (!waiting) {
		complete(ev, slots, nreqs, emit, ctx);
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	p->id = f->next_id++;
	p->deadline = mono_ns() + FILES_BUDGET_NS;
	p->ev = ev; /* it waits as it is: typed */
	p->bytes = bytes;
	p->nslots = nreqs;
	memcpy(p->slot, slots, sizeof(slots));
	f->pending[f->npending++] = p;
	f->pending_bytes += bytes;
}

static void pending_done(struct files *f, unsigned i, files_emit_fn emit, void *ctx)
{
	struct pending_event *p = f->pending[i];

	f->pending_bytes -= p->bytes;
	complete(p->ev, p->slot, p->nslots, emit, ctx);
	for (int k = 0; k < p->nslots; k++)
		free(p->slot[k].path);
	free(p);
	/* keep the order of the rest: events that wait go out oldest first */
	memmove(&f->pending[i], &f->pending[i + 1], (f->npending - i - 1) * sizeof(f->pending[0]));
	f->npending--;
}

void files_poll(struct files *f, bool expire, files_emit_fn emit, void *ctx)
{
	struct hash_job job;
	uint64_t cnt, now;

	if (!f->enabled)
		return;
	if (read(f->hasher->efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		return;
	while (hasher_take(f->hasher, &job)) {
		uint64_t id = job.tag >> 1;
		int s = (int)(job.tag & 1);

		for (unsigned i = 0; i < f->npending; i++) {
			struct pending_event *p = f->pending[i];
			bool all = true;

			if (p->id != id)
				continue;
			p->slot[s].info = job.info;
			p->slot[s].done = true;
			if (p->slot[s].kchecked && p->slot[s].path)
				kcache_put(f, &p->slot[s].kkey, p->slot[s].path, &job.info);
			for (int k = 0; k < p->nslots; k++)
				all = all && p->slot[k].done;
			if (all)
				pending_done(f, i, emit, ctx);
			break;
		}
	}
	if (!expire)
		return;
	hasher_tick(f->hasher);
	now = mono_ns();
	for (unsigned i = 0; i < f->npending;) {
		struct pending_event *p = f->pending[i];

		if (p->deadline > now) {
			i++;
			continue;
		}
		for (int k = 0; k < p->nslots; k++) {
			if (!p->slot[k].done) {
				p->slot[k].info.error = "not hashed in time";
				p->slot[k].done = true;
			}
		}
		f->timed_out++;
		pending_done(f, i, emit, ctx);
	}
}

void files_flush(struct files *f, int timeout_ms, files_emit_fn emit, void *ctx)
{
	uint64_t end = mono_ns() + (uint64_t)timeout_ms * 1000000ULL;

	while (f->enabled && f->npending && mono_ns() < end) {
		struct pollfd p = {f->hasher->efd, POLLIN, 0};

		poll(&p, 1, 50);
		files_poll(f, false, emit, ctx);
	}
	for (unsigned i = 0; i < f->npending; i++) {
		for (int k = 0; k < f->pending[i]->nslots; k++)
			f->pending[i]->deadline = 0;
	}
	files_poll(f, true, emit, ctx);
}
