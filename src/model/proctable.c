#include "model/proctable.h"

#include <stdlib.h>
#include <string.h>

int proctable_init(struct proctable *pt, size_t nbuckets, size_t max)
{
	memset(pt, 0, sizeof(*pt));
	pt->buckets = calloc(nbuckets, sizeof(*pt->buckets));
	if (!pt->buckets)
		return -1;
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
	memset(pt, 0, sizeof(*pt));
}

static size_t bucket_of(const struct proctable *pt, uint32_t tgid)
{
	return (tgid * 2654435761u) % pt->nbuckets;
}

struct proc *proctable_get(struct proctable *pt, uint32_t tgid)
{
	struct proc *p = pt->buckets[bucket_of(pt, tgid)];

	while (p && p->tgid != tgid)
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

struct proc *proctable_upsert(struct proctable *pt, uint32_t tgid, uint32_t ppid, uint64_t start)
{
	struct proc *p = proctable_get(pt, tgid);
	size_t b;

	if (p) {
		if (start && p->start && p->start != start) {
			/* Same tgid, other process: the old one's exit was missed. */
			proc_set_exec(p, NULL, NULL);
		}
		if (start)
			p->start = start;
		p->ppid = ppid;
		return p;
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

struct proc *proctable_fork(struct proctable *pt, uint32_t child, uint32_t parent, uint64_t start)
{
	struct proc *pp = proctable_get(pt, parent), *c;

	c = proctable_upsert(pt, child, parent, start);
	if (c && pp && pp != c)
		proc_set_exec(c, pp->exe, pp->cmdline);
	return c;
}

void proctable_remove(struct proctable *pt, uint32_t tgid)
{
	struct proc **pp = &pt->buckets[bucket_of(pt, tgid)];

	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->tgid == tgid) {
			struct proc *p = *pp;

			*pp = p->next;
			proc_free(p);
			pt->count--;
			return;
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
	for (uint32_t pid = p->ppid; pid && n < max_depth; pid = p->ppid) {
		p = proctable_get(pt, pid);
		if (!p)
			break;
		chain[n++] = p->exe ? p->exe : "?";
		if (p->ppid == pid)
			break;
	}
	for (size_t i = n; i > 0; i--) {
		strbuf_adds(out, chain[i - 1]);
		if (i > 1)
			strbuf_addc(out, '|');
	}
	return n;
}

size_t proctable_sweep(struct proctable *pt, int (*dead)(const struct proc *, void *), void *arg)
{
	size_t removed = 0;

	for (size_t i = 0; i < pt->nbuckets; i++) {
		struct proc **pp = &pt->buckets[i];

		while (*pp) {
			struct proc *p = *pp;

			if (dead(p, arg)) {
				*pp = p->next;
				proc_free(p);
				pt->count--;
				removed++;
			} else {
				pp = &p->next;
			}
		}
	}
	return removed;
}
