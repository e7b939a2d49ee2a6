/*
 * JSON writer. Strings are written from arbitrary bytes: control bytes are
 * escaped, valid UTF-8 passes through, and every byte that is not part of
 * valid UTF-8 is written as the lone surrogate \udcXX (XX = the byte), the
 * "surrogateescape" scheme of PEP 383. Valid UTF-8 never produces a
 * surrogate, so the original bytes are recovered exactly: in Python,
 * json.loads(line)[...].encode("utf-8", "surrogateescape").
 */
#ifndef KN_JSON_H
#define KN_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

#define JSON_DEPTH_MAX 32

struct json {
	struct strbuf *out;
	int depth;
	bool first[JSON_DEPTH_MAX]; /* no member written yet at this depth */
};

void json_escape(struct strbuf *out, const void *data, size_t len);

void json_init(struct json *j, struct strbuf *out);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
/* key is NULL inside arrays. */
void json_str(struct json *j, const char *key, const char *s);
void json_strn(struct json *j, const char *key, const void *s, size_t len);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
/* "0x" and the lowercase hex digits of v, unpadded ("0x0"): Kunai's flags,
 * addresses and raw arguments. */
void json_hex(struct json *j, const char *key, uint64_t v);
void json_double(struct json *j, const char *key, double v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

struct event;
/* A typed event as one JSON object (no newline), appended to out; members
 * in the order they were built, subtrees rendered already as they are. */
void json_event(const struct event *ev, struct strbuf *out);
/* Render ev's root object into ev itself: grafted into other events
 * (ev_graft), it is written as these bytes. */
void json_event_render(struct event *ev);

#endif
