/*
 * The typed event: what decode makes of a kernel record, what enrich
 * completes (digests), what rules match on and what serialize writes as
 * one JSON line. A tree of typed values in two flat buffers, nodes and
 * bytes: built in order as the line will read, reached by path
 * ("data.exe.path", "info.task.uid", "data.response[0]"), completed in
 * place, copied or freed whole. Nothing in it points into the kernel's
 * record: every string is copied into the event's bytes.
 *
 * Keys are static strings, the catalogue's field names, written as they
 * are: a name from outside (an output's) is given with ev_key_copy, which
 * copies it and has it escaped. A subtree may carry its JSON already rendered (the host and
 * task sections, rendered once and grafted into many events): serialize
 * writes those bytes, path access still walks its members.
 */
#ifndef KN_EVENT_H
#define KN_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

enum ev_kind {
	EV_NULL = 0,
	EV_BOOL,
	EV_U64,
	EV_I64,
	EV_HEX, /* an unsigned number written "0x..." (Kunai's flags, addresses) */
	EV_DOUBLE,
	EV_STR, /* bytes, any: serialize escapes them */
	EV_OBJ,
	EV_ARR,
};

#define EV_DEPTH_MAX 16
#define EV_NONE 0 /* no node (the root is node 0 and never a member) */
#define EV_HELD_MAX 6 /* sections one event holds; more are copied */

struct ev_shared;

struct ev_node {
	uint8_t kind; /* enum ev_kind */
	uint8_t key_copied; /* the key is in the bytes, at key_off */
	uint8_t shared; /* EV_OBJ: v.ref's root (ev_attach) */
	uint8_t klen; /* a static key's length */
	uint32_t next; /* the parent's next member, EV_NONE after the last */
	union {
		const char *key; /* NULL in an array */
		struct {
			uint32_t key_off, key_len;
		};
	};
	union {
		bool b;
		uint64_t u;
		int64_t i;
		double d;
		struct {
			uint32_t off, len; /* EV_STR: in the bytes */
		} s;
		struct {
			uint32_t first, last; /* EV_OBJ, EV_ARR: members */
		} c;
		struct ev_shared *ref; /* shared: a section held */
	} v;
	uint32_t raw_off, raw_len; /* EV_OBJ: its JSON, rendered (raw_len 0: none) */
};

struct event {
	uint32_t type; /* enum kn_type; the sensor's own events: KN_TYPE_MAX */
	uint32_t id; /* Kunai's event id */
	const char *name; /* Kunai's event name (static) */
	uint64_t ktime; /* when it happened (ns since boot) */
	struct ev_node *n;
	uint32_t nlen, ncap;
	struct strbuf b; /* string bytes, keys copied, rendered subtrees */
	uint32_t open[EV_DEPTH_MAX]; /* containers being built */
	int depth;
	struct ev_shared *held[EV_HELD_MAX]; /* sections attached */
	int nheld;
};

/* A section many events carry (info.host, a task section): built once,
 * rendered (json_event_render), attached to events by reference. The
 * loop's thread alone uses them. */
struct ev_shared {
	unsigned refs;
	struct event ev;
};

void ev_init(struct event *ev);
void ev_free(struct event *ev);
/* Empty, with the root object open. */
void ev_reset(struct event *ev);
/* Bytes held (for bounds on events kept waiting). */
size_t ev_footprint(const struct event *ev);

/* Members of the container being built (key NULL inside an array); each
 * returns its node. A static key's length is taken where the key is a
 * literal, at compile time (ev_klen inlined). */
uint32_t ev_member(struct event *ev, enum ev_kind kind, const char *key, size_t klen);
static inline size_t ev_klen(const char *key)
{
	return key ? __builtin_strlen(key) : 0;
}
uint32_t ev_open(struct event *ev, enum ev_kind kind, const char *key, size_t klen);
static inline uint32_t ev_obj_begin(struct event *ev, const char *key)
{
	return ev_open(ev, EV_OBJ, key, ev_klen(key));
}
static inline uint32_t ev_arr_begin(struct event *ev, const char *key)
{
	return ev_open(ev, EV_ARR, key, ev_klen(key));
}
static inline void ev_obj_end(struct event *ev)
{
	if (ev->depth > 1)
		ev->depth--;
}
static inline void ev_arr_end(struct event *ev)
{
	ev_obj_end(ev);
}
void ev_set_strn(struct event *ev, uint32_t node, const void *s, size_t len);
static inline uint32_t ev_strn(struct event *ev, const char *key, const void *s, size_t len)
{
	uint32_t i = ev_member(ev, EV_STR, key, ev_klen(key));

	ev_set_strn(ev, i, s, len);
	return i;
}
static inline uint32_t ev_null(struct event *ev, const char *key)
{
	return ev_member(ev, EV_NULL, key, ev_klen(key));
}
/* NULL s: a null */
static inline uint32_t ev_str(struct event *ev, const char *key, const char *s)
{
	return s ? ev_strn(ev, key, s, __builtin_strlen(s)) : ev_null(ev, key);
}
static inline uint32_t ev_u64(struct event *ev, const char *key, uint64_t v)
{
	uint32_t i = ev_member(ev, EV_U64, key, ev_klen(key));

	ev->n[i].v.u = v;
	return i;
}
static inline uint32_t ev_i64(struct event *ev, const char *key, int64_t v)
{
	uint32_t i = ev_member(ev, EV_I64, key, ev_klen(key));

	ev->n[i].v.i = v;
	return i;
}
static inline uint32_t ev_hex(struct event *ev, const char *key, uint64_t v)
{
	uint32_t i = ev_member(ev, EV_HEX, key, ev_klen(key));

	ev->n[i].v.u = v;
	return i;
}
static inline uint32_t ev_double(struct event *ev, const char *key, double v)
{
	uint32_t i = ev_member(ev, EV_DOUBLE, key, ev_klen(key));

	ev->n[i].v.d = v;
	return i;
}
static inline uint32_t ev_bool(struct event *ev, const char *key, bool v)
{
	uint32_t i = ev_member(ev, EV_BOOL, key, ev_klen(key));

	ev->n[i].v.b = v;
	return i;
}
/* Give node a key that is not static (copied into the event). */
void ev_key_copy(struct event *ev, uint32_t node, const char *key, size_t len);
/* A copy of src's root object as the member key (its rendered JSON too). */
uint32_t ev_graft(struct event *ev, const char *key, const struct event *src);

/* Bytes kept in the event (a rendered subtree): their offset. */
uint32_t ev_bytes(struct event *ev, const void *s, size_t len);

/* A fresh section, held once by the caller: old itself emptied when no
 * event holds it any more, else old let go of and a new one made. */
struct ev_shared *ev_shared_fresh(struct ev_shared *old);
void ev_shared_put(struct ev_shared *sh);
/* sh's root object as the member key, held by reference (copied when the
 * event holds EV_HELD_MAX already). */
uint32_t ev_attach(struct event *ev, const char *key, struct ev_shared *sh);

/* Change a value in place (an enrichment completing the event); and
 * ev_set_strn above. */
void ev_set_str(struct event *ev, uint32_t node, const char *s); /* NULL: null */
void ev_set_u64(struct event *ev, uint32_t node, uint64_t v);

/* A member found by path: the node and the event whose bytes it is in
 * (a section's, for what is under an attached section). */
struct ev_at {
	const struct event *ev;
	const struct ev_node *n;
};
/* The member at path, dot-separated keys with an optional leading dot
 * and [N] for an array's members; false when there is none. */
bool ev_find(const struct event *ev, const char *path, struct ev_at *at);
/* A member's key (NULL in an array) and its length. */
const char *ev_key(const struct event *ev, const struct ev_node *n, size_t *len);
/* A string's bytes, len of them, then a NUL; valid till the event changes. */
const char *ev_sv(const struct event *ev, const struct ev_node *n, size_t *len);
/* Shortcuts for rules and tests: the string at path as a C string
 * (NULL when absent, not a string or holding a NUL; valid till the event
 * changes), the number at path (false when absent or not one). */
const char *ev_get_str(const struct event *ev, const char *path);
bool ev_get_u64(const struct event *ev, const char *path, uint64_t *out);

/* A pool of events (the loop's: events waiting for digests come back to
 * it), so that decoding allocates nothing in the usual case. */
struct event *ev_new(void);
void ev_put(struct event *ev);

#endif
