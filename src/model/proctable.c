#include "model/proctable.h"

#include <stdlib.h>
#include <string.h>

int proctable_init(struct proctable *pt, size_t nbuckets, size_t max)
{
	memset(pt, 0, sizeof(*pt));
	pt->buckets = calloc(nbuckets, sizeof(*pt->buckets));
	pt->linger = calloc(PROCTABLE_LINGER, sizeof(*pt->linger));
	if (!pt->buckets || !pt->linger) {
		free(pt->buckets);
		free(pt->linger);
		return -1;
	}
	pt->nbuckets = nbuckets;
	pt->max = max;
	return 0;
}

static void proc_free(struct proc *p)
{
	free(p->exe);
	free(p->cmdline);
	free(p);
}

void proctable_free(struct proctable *pt)
{
	for (size_t i = 0; i < pt->nbuckets; i++) {
		struct proc *p = pt->buckets[i], *n;

		for (; p; p = n) {
			n = p->next;
			proc_free(p);
		}
	}
	free(pt->buckets);
	free(pt->linger);
	memset(pt, 0, sizeof(*pt));
}

static size_t bucket_of(const struct proctable *pt, uint32_t tgid)
{
	return (tgid * 2654435761u) % pt->nbuckets;
}

struct proc *proctable_get(struct proctable *pt, uint32_t tgid)
{
	struct proc *p = pt->buckets[bucket_of(pt, tgid)];

	while (p && (p->tgid != tgid || p->exited))
		p = p->next;
	return p;
}

struct proc *proctable_find(struct proctable *pt, uint32_t tgid, uint64_t start)
{
	struct proc *p;

	if (!start)
		return proctable_get(pt, tgid);
	p = pt->buckets[bucket_of(pt, tgid)];
	while (p && (p->tgid != tgid || p->start != start))
		p = p->next;
	return p;
}

static char *dup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		abort();
	return d;
}

/* Unlink p from its bucket and free it. */
static void unlink_free(struct proctable *pt, struct proc *p)
{
	struct proc **pp = &pt->buckets[bucket_of(pt, p->tgid)];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			proc_free(p);
			pt->count--;
			return;
		}
	}
}

/* Free p if it exited and nothing descends from it, then its parents that
 * were kept only for it. */
static void release(struct proctable *pt, struct proc *p)
{
	while (p && p->exited && !p->children && !p->lingering) {
		struct proc *parent = p->parent;

		if (p->kept)
			pt->kept--;
		unlink_free(pt, p);
		if (parent)
			parent->children--;
		p = parent;
	}
}

/* A kept entry keeps what ancestry needs: its exe, its command line cut to
 * KEPT_CMDLINE bytes (a chain of exited processes costs little). */
#define KEPT_CMDLINE 256

static void proc_exit(struct proctable *pt, struct proc *p)
{
	p->exited = true;
	if (p->children && pt->kept >= PROCTABLE_KEPT_MAX) {
		/* no room to keep it: its children lose it as parent */
		for (size_t i = 0; i < pt->nbuckets; i++) {
			for (struct proc *q = pt->buckets[i]; q; q = q->next) {
				if (q->parent == p) {
					q->parent = NULL;
					p->children--;
				}
			}
		}
		pt->unkept++;
	} else if (p->children) {
		p->kept = true;
		pt->kept++;
		if (p->cmdline && strlen(p->cmdline) > KEPT_CMDLINE)
			p->cmdline[KEPT_CMDLINE] = 0;
	}
	if (!p->children && !p->lingering) {
		/* a moment longer, in the ring; the one it pushes out goes */
		struct proc *old = pt->linger[pt->linger_pos];

		struct proc *parent = p->parent;

		pt->linger[pt->linger_pos] = p;
		pt->linger_pos = (pt->linger_pos + 1) % PROCTABLE_LINGER;
		p->lingering = true;
		/* its ancestry is no longer asked for: it holds no parent */
		p->parent = NULL;
		if (parent) {
			parent->children--;
			release(pt, parent);
		}
		if (p->cmdline && strlen(p->cmdline) > PROCTABLE_LINGER_CMDLINE)
			p->cmdline[PROCTABLE_LINGER_CMDLINE] = 0;
		if (old) {
			old->lingering = false;
			release(pt, old);
		}
		return;
	}
	release(pt, p);
}

static void set_parent(struct proc *p, struct proc *q)
{
	p->parent = q;
	q->children++;
}

/* p's parent is q: q is kept while p is. Never a loop (p may have children
 * already: a seeded entry). */
static void link_parent(struct proc *p, struct proc *q)
{
	for (struct proc *a = q; a; a = a->parent) {
		if (a == p)
			return;
	}
	set_parent(p, q);
}

struct proc *proctable_upsert(struct proctable *pt, uint32_t tgid, uint64_t start, uint32_t ppid, uint64_t pstart)
{
	struct proc *p = proctable_get(pt, tgid), *q;
	size_t b;

	if (p) {
		if (!start || !p->start || p->start == start) {
			if (start)
				p->start = start;
			return p;
		}
		/* same tgid, another process: the old one's exit was missed */
		proc_exit(pt, p);
	}
	if (pt->count >= pt->max) {
		pt->refused++;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	p->tgid = tgid;
	p->ppid = ppid;
	p->start = start;
	q = ppid && ppid != tgid ? proctable_find(pt, ppid, pstart) : NULL;
	if (q)
		set_parent(p, q); /* a new entry has no descendants: no loop */
	b = bucket_of(pt, tgid);
	p->next = pt->buckets[b];
	pt->buckets[b] = p;
	pt->count++;
	return p;
}

void proc_set_exec(struct proc *p, const char *exe, const char *cmdline)
{
	char *e = dup_or_null(exe), *c = dup_or_null(cmdline);

	free(p->exe);
	free(p->cmdline);
	p->exe = e;
	p->cmdline = c;
}

struct proc *proctable_fork(struct proctable *pt, uint32_t child, uint64_t start, uint32_t parent, uint64_t pstart)
{
	struct proc *c = proctable_upsert(pt, child, start, parent, pstart);

	if (c && c->parent && !c->exe)
		proc_set_exec(c, c->parent->exe, c->parent->cmdline);
	return c;
}

void proctable_exit(struct proctable *pt, uint32_t tgid, uint64_t start)
{
	struct proc *p = proctable_get(pt, tgid);

	/* the live one, when it is that process (an unknown start matches) */
	if (p && (!start || !p->start || p->start == start))
		proc_exit(pt, p);
}

void proctable_link(struct proctable *pt)
{
	for (size_t i = 0; i < pt->nbuckets; i++) {
		for (struct proc *p = pt->buckets[i]; p; p = p->next) {
			struct proc *q;

			if (p->parent || p->exited || !p->ppid || p->ppid == p->tgid)
				continue;
			q = proctable_get(pt, p->ppid);
			if (q && q->start <= p->start)
				link_parent(p, q);
		}
	}
}

size_t proctable_ancestors(struct proctable *pt, uint32_t tgid, struct strbuf *out, size_t max_depth)
{
	const char *chain[256];
	struct proc *p = proctable_get(pt, tgid);
	size_t n = 0;

	if (max_depth > sizeof(chain) / sizeof(chain[0]))
		max_depth = sizeof(chain) / sizeof(chain[0]);
	if (!p)
		return 0;
	for (p = p->parent; p && n < max_depth; p = p->parent)
		chain[n++] = p->exe ? p->exe : "?";
	for (size_t i = n; i > 0; i--) {
		strbuf_adds(out, chain[i - 1]);
		if (i > 1)
			strbuf_addc(out, '|');
	}
	return n;
}

size_t proctable_sweep(struct proctable *pt, int (*dead)(const struct proc *, void *), void *arg)
{
	size_t gone = 0;

	for (size_t i = 0; i < pt->nbuckets; i++) {
		struct proc *p = pt->buckets[i];

		while (p) {
			struct proc *next = p->next;

			/* a release frees p and maybe parents elsewhere: restart
			 * the bucket after one */
			if (!p->exited && dead(p, arg)) {
				proc_exit(pt, p);
				gone++;
				p = pt->buckets[i];
				continue;
			}
			p = next;
		}
	}
	return gone;
}

void proctable_linger_flush(struct proctable *pt)
{
	for (size_t i = 0; i < PROCTABLE_LINGER; i++) {
		struct proc *p = pt->linger[i];

		pt->linger[i] = NULL;
		if (p) {
			p->lingering = false;
			release(pt, p);
		}
	}
	pt->linger_pos = 0;
}

size_t proctable_kept(const struct proctable *pt)
{
	return pt->kept;
}
