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

static uint32_t node_new(struct event *ev, enum ev_kind kind, const char *key)
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
	node_new(ev, EV_OBJ, NULL);
	ev->open[0] = 0;
	ev->depth = 1;
}

size_t ev_footprint(const struct event *ev)
{
	return sizeof(*ev) + (size_t)ev->ncap * sizeof(struct ev_node) + ev->b.cap;
}

/* A new member of the open container. */
static uint32_t member(struct event *ev, enum ev_kind kind, const char *key)
{
	uint32_t i = node_new(ev, kind, key);
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

static uint32_t open_container(struct event *ev, enum ev_kind kind, const char *key)
{
	uint32_t i = member(ev, kind, key);

	if (ev->depth >= EV_DEPTH_MAX)
		abort(); /* the decoders' shapes are fixed: a bug */
	ev->open[ev->depth++] = i;
	return i;
}

uint32_t ev_obj_begin(struct event *ev, const char *key)
{
	return open_container(ev, EV_OBJ, key);
}

uint32_t ev_arr_begin(struct event *ev, const char *key)
{
	return open_container(ev, EV_ARR, key);
}

void ev_obj_end(struct event *ev)
{
	if (ev->depth > 1)
		ev->depth--;
}

void ev_arr_end(struct event *ev)
{
	ev_obj_end(ev);
}

uint32_t ev_strn(struct event *ev, const char *key, const void *s, size_t len)
{
	uint32_t i = member(ev, EV_STR, key);

	ev_set_strn(ev, i, s, len);
	return i;
}

uint32_t ev_str(struct event *ev, const char *key, const char *s)
{
	return s ? ev_strn(ev, key, s, strlen(s)) : ev_null(ev, key);
}

uint32_t ev_u64(struct event *ev, const char *key, uint64_t v)
{
	uint32_t i = member(ev, EV_U64, key);

	ev->n[i].v.u = v;
	return i;
}

uint32_t ev_i64(struct event *ev, const char *key, int64_t v)
{
	uint32_t i = member(ev, EV_I64, key);

	ev->n[i].v.i = v;
	return i;
}

uint32_t ev_hex(struct event *ev, const char *key, uint64_t v)
{
	uint32_t i = member(ev, EV_HEX, key);

	ev->n[i].v.u = v;
	return i;
}

uint32_t ev_double(struct event *ev, const char *key, double v)
{
	uint32_t i = member(ev, EV_DOUBLE, key);

	ev->n[i].v.d = v;
	return i;
}

uint32_t ev_bool(struct event *ev, const char *key, bool v)
{
	uint32_t i = member(ev, EV_BOOL, key);

	ev->n[i].v.b = v;
	return i;
}

uint32_t ev_null(struct event *ev, const char *key)
{
	return member(ev, EV_NULL, key);
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
	at = member(ev, EV_OBJ, key);
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
	i = member(ev, EV_OBJ, key);
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
	*len = n->key ? strlen(n->key) : 0;
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
