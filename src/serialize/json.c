#include "serialize/json.h"

#include <stdio.h>
#include <string.h>

#include "event/event.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 if it is not valid. */
static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (n >= 2 && (s[1] & 0xc0) == 0x80) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0; /* overlong */
		if (c == 0xed && s[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0; /* overlong */
		if (c == 0xf4 && s[1] >= 0x90)
			return 0; /* above U+10FFFF */
		return 4;
	}
	return 0;
}

/* Bytes written as they are: printable ASCII but '"' and '\\'. */
static const unsigned char plain[256] = {
	[0x20] = 1,
	[0x21] = 1,
	[0x23 ... 0x5b] = 1,
	[0x5d ... 0x7e] = 1,
};

/* Bytes with a two-character escape: the letter after the backslash. */
static const char esc[256] = {
	['"'] = '"', ['\\'] = '\\', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't', ['\b'] = 'b', ['\f'] = 'f',
};

void json_escape(struct strbuf *out, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = data;
	size_t i = 0, n;

	strbuf_grow(out, len + 2);
	out->buf[out->len++] = '"';
	while (i < len) {
		unsigned char c;
		size_t run = i;

		/* a run of plain bytes in one copy */
		while (run < len && plain[s[run]])
			run++;
		if (run > i) {
			strbuf_grow(out, run - i);
			memcpy(out->buf + out->len, s + i, run - i);
			out->len += run - i;
			i = run;
			if (i == len)
				break;
		}
		c = s[i];
		if (esc[c]) {
			char e[2] = {'\\', esc[c]};

			strbuf_add(out, e, 2);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

			strbuf_add(out, e, 6);
			i++;
			continue;
		}
		n = utf8_valid_len(s + i, len - i);
		if (n) {
			strbuf_add(out, s + i, n);
			i += n;
			continue;
		}
		{
			char e[6] = {'\\', 'u', 'd', 'c', hex[c >> 4], hex[c & 15]};

			strbuf_add(out, e, 6);
			i++;
		}
	}
	strbuf_addc(out, '"');
}

void json_init(struct json *j, struct strbuf *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
}

/* "key": with key escaped when it is not plain */
static void put_key(struct strbuf *o, const char *key, size_t kl)
{
	for (size_t i = 0; i < kl; i++) {
		if (!plain[(unsigned char)key[i]]) {
			json_escape(o, key, kl);
			strbuf_addc(o, ':');
			return;
		}
	}
	strbuf_grow(o, kl + 3);
	o->buf[o->len++] = '"';
	memcpy(o->buf + o->len, key, kl);
	o->len += kl;
	o->buf[o->len++] = '"';
	o->buf[o->len++] = ':';
	o->buf[o->len] = 0;
}

static void json_member(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		strbuf_addc(j->out, ',');
	j->first[j->depth] = false;
	if (key)
		put_key(j->out, key, strlen(key));
}

/* v in decimal into the end of buf; the first digit's position. */
static char *u64_digits(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

/* The values, as JSON. */
static void put_u64(struct strbuf *o, uint64_t v)
{
	char buf[24], *p = u64_digits(buf + sizeof(buf), v);

	strbuf_add(o, p, (size_t)(buf + sizeof(buf) - p));
}

static void put_i64(struct strbuf *o, int64_t v)
{
	char buf[24], *p = u64_digits(buf + sizeof(buf), v < 0 ? 0 - (uint64_t)v : (uint64_t)v);

	if (v < 0)
		*--p = '-';
	strbuf_add(o, p, (size_t)(buf + sizeof(buf) - p));
}

/* "0x" and the lowercase hex digits, quoted */
static void put_hex(struct strbuf *o, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char buf[24];
	int n = sizeof(buf);

	buf[--n] = '"';
	do {
		buf[--n] = digits[v & 15];
		v >>= 4;
	} while (v);
	buf[--n] = 'x';
	buf[--n] = '0';
	buf[--n] = '"';
	strbuf_add(o, buf + n, sizeof(buf) - (size_t)n);
}

static void put_double(struct strbuf *o, double v)
{
	if (v != v || v > 1e308 || v < -1e308)
		strbuf_adds(o, "null");
	else
		strbuf_addf(o, "%.6g", v);
}

static void json_open(struct json *j, const char *key, char c)
{
	json_member(j, key);
	strbuf_addc(j->out, c);
	if (j->depth < JSON_DEPTH_MAX - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void json_close(struct json *j, char c)
{
	strbuf_addc(j->out, c);
	if (j->depth > 0)
		j->depth--;
}

void json_obj_begin(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void json_obj_end(struct json *j)
{
	json_close(j, '}');
}

void json_arr_begin(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void json_arr_end(struct json *j)
{
	json_close(j, ']');
}

void json_strn(struct json *j, const char *key, const void *s, size_t len)
{
	json_member(j, key);
	json_escape(j->out, s, len);
}

void json_str(struct json *j, const char *key, const char *s)
{
	if (!s) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, s, strlen(s));
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	json_member(j, key);
	put_u64(j->out, v);
}

void json_hex(struct json *j, const char *key, uint64_t v)
{
	json_member(j, key);
	put_hex(j->out, v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	json_member(j, key);
	put_i64(j->out, v);
}

void json_double(struct json *j, const char *key, double v)
{
	json_member(j, key);
	put_double(j->out, v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	json_member(j, key);
	strbuf_adds(j->out, v ? "true" : "false");
}

void json_null(struct json *j, const char *key)
{
	json_member(j, key);
	strbuf_adds(j->out, "null");
}

static void put_node(const struct event *ev, uint32_t i, struct strbuf *o)
{
	const struct ev_node *n = &ev->n[i];
	switch (n->kind) {
	case EV_BOOL: strbuf_adds(o, n->v.b ? "true" : "false"); return;
	case EV_U64: put_u64(o, n->v.u); return;
	case EV_I64: put_i64(o, n->v.i); return;
	case EV_HEX: put_hex(o, n->v.u); return;
	case EV_DOUBLE: put_double(o, n->v.d); return;
	case EV_STR: json_escape(o, ev->b.buf + n->v.s.off, n->v.s.len); return;
	case EV_OBJ:
	case EV_ARR: {
		bool obj = n->kind == EV_OBJ;

		if (n->shared) {
			put_node(&n->v.ref->ev, 0, o);
			return;
		}
		if (n->raw_len) {
			strbuf_add(o, ev->b.buf + n->raw_off, n->raw_len);
			return;
		}
		strbuf_addc(o, obj ? '{' : '[');
		for (uint32_t k = n->v.c.first; k; k = ev->n[k].next) {
			if (k != n->v.c.first)
				strbuf_addc(o, ',');
			if (obj && ev->n[k].key_copied) {
				put_key(o, ev->b.buf + ev->n[k].key_off, ev->n[k].key_len);
			} else if (obj) {
				/* a static key: a name of the catalogue, plain */
				const char *key = ev->n[k].key ? ev->n[k].key : "";
				size_t kl = ev->n[k].klen;

				strbuf_grow(o, kl + 3);
				o->buf[o->len++] = '"';
				memcpy(o->buf + o->len, key, kl);
				o->len += kl;
				o->buf[o->len++] = '"';
				o->buf[o->len++] = ':';
			}
			put_node(ev, k, o);
		}
		strbuf_addc(o, obj ? '}' : ']');
		return;
	}
	default: strbuf_adds(o, "null");
	}
}

void json_event(const struct event *ev, struct strbuf *out)
{
	if (ev->nlen)
		put_node(ev, 0, out);
}

void json_event_render(struct event *ev)
{
	struct strbuf tmp;

	if (!ev->nlen)
		return;
	ev->n[0].raw_len = 0;
	strbuf_init(&tmp);
	put_node(ev, 0, &tmp);
	ev->n[0].raw_off = ev_bytes(ev, tmp.buf, tmp.len);
	ev->n[0].raw_len = (uint32_t)tmp.len;
	strbuf_free(&tmp);
}
