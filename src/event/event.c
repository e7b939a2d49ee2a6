#include "event/event.h"

#include <stdlib.h>
#include <string.h>

#define EV_POOL_MAX 64 /* free events kept */
#define EV_KEEP_NODES 1024 /* an event given back keeps at most this much */
#define EV_KEEP_BYTES (64u << 10)

void ev_init(struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
	strbuf_init(&ev->b);
	ev_reset(ev);
}

static void release_held(struct event *ev)
{
	for (int i = 0; i < ev->nheld; i++)
		ev_shared_put(ev->held[i]);
	ev->nheld = 0;
}

void ev_free(struct event *ev)
{
	release_held(ev);
	free(ev->n);
	ev->n = NULL;
	ev->nlen = ev->ncap = 0;
	strbuf_free(&ev->b);
}

static uint32_t node_new(struct event *ev, enum ev_kind kind, const char *key, size_t klen)
{
	struct ev_node *n;

	if (ev->nlen == ev->ncap) {
		uint32_t cap = ev->ncap ? ev->ncap * 2 : 128;
		struct ev_node *m = realloc(ev->n, (size_t)cap * sizeof(*m));

		if (!m)
			abort(); /* as strbuf: no event is better than half of one */
		ev->n = m;
		ev->ncap = cap;
	}
	n = &ev->n[ev->nlen];
	memset(n, 0, sizeof(*n));
	n->kind = (uint8_t)kind;
	n->key = key;
	if (klen > UINT8_MAX)
		abort(); /* static keys are the catalogue's short names: a bug */
	n->klen = (uint8_t)klen;
	return ev->nlen++;
}

void ev_reset(struct event *ev)
{
	release_held(ev);
	ev->type = 0;
	ev->id = 0;
	ev->name = NULL;
	ev->ktime = 0;
	ev->nlen = 0;
	strbuf_reset(&ev->b);
	node_new(ev, EV_OBJ, NULL, 0);
	ev->open[0] = 0;
	ev->depth = 1;
}

size_t ev_footprint(const struct event *ev)
{
	return sizeof(*ev) + (size_t)ev->ncap * sizeof(struct ev_node) + ev->b.cap;
}

/* A new member of the open container. */
uint32_t ev_member(struct event *ev, enum ev_kind kind, const char *key, size_t klen)
{
	uint32_t i = node_new(ev, kind, key, klen);
	struct ev_node *parent = &ev->n[ev->open[ev->depth - 1]];

	if (parent->v.c.last)
		ev->n[parent->v.c.last].next = i;
	else
		parent->v.c.first = i;
	parent->v.c.last = i;
	return i;
}

uint32_t ev_bytes(struct event *ev, const void *s, size_t len)
{
	uint32_t off = (uint32_t)ev->b.len;

	if (len > UINT32_MAX - ev->b.len)
		abort();
	strbuf_add(&ev->b, s, len);
	return off;
}

uint32_t ev_open(struct event *ev, enum ev_kind kind, const char *key, size_t klen)
{
	uint32_t i = ev_member(ev, kind, key, klen);

	if (ev->depth >= EV_DEPTH_MAX)
		abort(); /* the decoders' shapes are fixed: a bug */
	ev->open[ev->depth++] = i;
	return i;
}

void ev_key_copy(struct event *ev, uint32_t node, const char *key, size_t len)
{
	uint32_t off = ev_bytes(ev, key, len);
	struct ev_node *n = &ev->n[node];

	n->key_copied = 1;
	n->key_off = off;
	n->key_len = (uint32_t)len;
}

void ev_set_strn(struct event *ev, uint32_t node, const void *s, size_t len)
{
	uint32_t off = ev_bytes(ev, s, len);
	struct ev_node *n;

	strbuf_addc(&ev->b, 0); /* a C string when it holds no NUL */
	n = &ev->n[node];

	n->kind = EV_STR;
	n->v.s.off = off;
	n->v.s.len = (uint32_t)len;
}

void ev_set_str(struct event *ev, uint32_t node, const char *s)
{
	if (s)
		ev_set_strn(ev, node, s, strlen(s));
	else
		ev->n[node].kind = EV_NULL;
}

void ev_set_u64(struct event *ev, uint32_t node, uint64_t v)
{
	ev->n[node].kind = EV_U64;
	ev->n[node].v.u = v;
}

uint32_t ev_graft(struct event *ev, const char *key, const struct event *src)
{
	uint32_t base, boff, at;
	const struct ev_node *root = &src->n[0];

	/* src's nodes after ours: indexes and offsets moved by base, boff */
	at = ev_member(ev, EV_OBJ, key, ev_klen(key));
	boff = ev_bytes(ev, src->b.buf ? src->b.buf : "", src->b.len);
	base = ev->nlen - 1; /* src's node k is ours base + k, k >= 1 */
	if (src->nlen > 1) {
		if (ev->nlen + src->nlen > ev->ncap) {
			uint32_t cap = ev->ncap;
			struct ev_node *m;

			while (cap < ev->nlen + src->nlen)
				cap *= 2;
			m = realloc(ev->n, (size_t)cap * sizeof(*m));
			if (!m)
				abort();
			ev->n = m;
			ev->ncap = cap;
		}
		memcpy(&ev->n[ev->nlen], &src->n[1], (size_t)(src->nlen - 1) * sizeof(*src->n));
		for (uint32_t k = ev->nlen; k < ev->nlen + src->nlen - 1; k++) {
			struct ev_node *n = &ev->n[k];

			if (n->next)
				n->next += base;
			if (n->key_copied)
				n->key_off += boff;
			if (n->kind == EV_STR)
				n->v.s.off += boff;
			if ((n->kind == EV_OBJ || n->kind == EV_ARR) && n->v.c.first) {
				n->v.c.first += base;
				n->v.c.last += base;
			}
			if (n->raw_len)
				n->raw_off += boff;
			if (n->shared) {
				/* a section in the section: held here too, or
				 * left out (sections hold none: cannot happen) */
				if (ev->nheld < EV_HELD_MAX) {
					n->v.ref->refs++;
					ev->held[ev->nheld++] = n->v.ref;
				} else {
					n->shared = 0;
					n->kind = EV_NULL;
				}
			}
		}
		ev->nlen += src->nlen - 1;
	}
	{
		struct ev_node *a = &ev->n[at];

		a->v.c.first = root->v.c.first ? root->v.c.first + base : 0;
		a->v.c.last = root->v.c.last ? root->v.c.last + base : 0;
		if (root->raw_len) {
			a->raw_off = root->raw_off + boff;
			a->raw_len = root->raw_len;
		}
	}
	return at;
}

struct ev_shared *ev_shared_fresh(struct ev_shared *old)
{
	if (old && old->refs == 1) {
		ev_reset(&old->ev);
		return old;
	}
	ev_shared_put(old);
	old = malloc(sizeof(*old));
	if (!old)
		abort();
	old->refs = 1;
	ev_init(&old->ev);
	return old;
}

void ev_shared_put(struct ev_shared *sh)
{
	if (sh && --sh->refs == 0) {
		ev_free(&sh->ev);
		free(sh);
	}
}

uint32_t ev_attach(struct event *ev, const char *key, struct ev_shared *sh)
{
	uint32_t i;

	if (ev->nheld == EV_HELD_MAX)
		return ev_graft(ev, key, &sh->ev);
	i = ev_member(ev, EV_OBJ, key, ev_klen(key));
	ev->n[i].shared = 1;
	ev->n[i].v.ref = sh;
	sh->refs++;
	ev->held[ev->nheld++] = sh;
	return i;
}

const char *ev_key(const struct event *ev, const struct ev_node *n, size_t *len)
{
	if (n->key_copied) {
		*len = n->key_len;
		return ev->b.buf + n->key_off;
	}
	*len = n->klen;
	return n->key;
}

const char *ev_sv(const struct event *ev, const struct ev_node *n, size_t *len)
{
	*len = n->v.s.len;
	return ev->b.buf + n->v.s.off; /* NUL-terminated (ev_set_strn) */
}

/* Into an attached section: its root. */
static void enter(struct ev_at *at)
{
	if (at->n->shared) {
		at->ev = &at->n->v.ref->ev;
		at->n = &at->ev->n[0];
	}
}

/* The member of the object at named by the len bytes of name. */
static bool child_named(struct ev_at *at, const char *name, size_t len)
{
	const struct event *ev = at->ev;

	enter(at);
	ev = at->ev;
	if (at->n->kind != EV_OBJ)
		return false;
	for (uint32_t k = at->n->v.c.first; k; k = ev->n[k].next) {
		size_t kl;
		const char *key = ev_key(ev, &ev->n[k], &kl);

		if (key && kl == len && !memcmp(key, name, len)) {
			at->n = &ev->n[k];
			return true;
		}
	}
	return false;
}

static bool child_at(struct ev_at *at, unsigned long idx)
{
	const struct event *ev = at->ev;

	if (at->n->kind != EV_ARR)
		return false;
	for (uint32_t k = at->n->v.c.first; k; k = ev->n[k].next) {
		if (idx-- == 0) {
			at->n = &ev->n[k];
			return true;
		}
	}
	return false;
}

bool ev_find(const struct event *ev, const char *path, struct ev_at *at)
{
	const char *p = path;

	if (!ev->nlen)
		return false;
	at->ev = ev;
	at->n = &ev->n[0];
	if (*p == '.')
		p++;
	if (!*p)
		return false;
	while (*p) {
		size_t len = strcspn(p, ".[");

		if (len) {
			if (!child_named(at, p, len))
				return false;
			p += len;
		}
		while (*p == '[') {
			char *end;
			unsigned long idx = strtoul(p + 1, &end, 10);

			if (end == p + 1 || *end != ']' || !child_at(at, idx))
				return false;
			p = end + 1;
		}
		if (*p == '.')
			p++;
		else if (*p)
			return false;
	}
	enter(at);
	return true;
}

const char *ev_get_str(const struct event *ev, const char *path)
{
	struct ev_at at;
	const char *s;
	size_t len;

	if (!ev_find(ev, path, &at) || at.n->kind != EV_STR)
		return NULL;
	s = ev_sv(at.ev, at.n, &len);
	return memchr(s, 0, len) ? NULL : s;
}

bool ev_get_u64(const struct event *ev, const char *path, uint64_t *out)
{
	struct ev_at at;

	if (!ev_find(ev, path, &at))
		return false;
	if (at.n->kind == EV_U64 || at.n->kind == EV_HEX)
		*out = at.n->v.u;
	else if (at.n->kind == EV_I64 && at.n->v.i >= 0)
		*out = (uint64_t)at.n->v.i;
	else
		return false;
	return true;
}

static struct event *pool[EV_POOL_MAX];
static int npool;

struct event *ev_new(void)
{
	struct event *ev;

	if (npool) {
		ev = pool[--npool];
		ev_reset(ev);
		return ev;
	}
	ev = malloc(sizeof(*ev));
	if (!ev)
		abort();
	ev_init(ev);
	return ev;
}

void ev_put(struct event *ev)
{
	if (!ev)
		return;
	if (npool == EV_POOL_MAX || ev->ncap > EV_KEEP_NODES || ev->b.cap > EV_KEEP_BYTES) {
		ev_free(ev);
		free(ev);
		return;
	}
	release_held(ev); /* sections are not kept alive by the pool */
	pool[npool++] = ev;
}
