/* A growable byte buffer. Allocation failure aborts: the sensor cannot
 * report anything without memory, and a half-written event is worse. */
#ifndef KN_STRBUF_H
#define KN_STRBUF_H

#include <stddef.h>
#include <string.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_grow_slow(struct strbuf *sb, size_t extra);
/* Room for extra more bytes and a NUL. */
static inline void strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 > sb->cap)
		strbuf_grow_slow(sb, extra);
}
static inline void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = 0;
}
static inline void strbuf_addc(struct strbuf *sb, char c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = 0;
}
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keep at most `max` bytes of capacity after a reset (bounded memory). */
void strbuf_shrink(struct strbuf *sb, size_t max);

#endif
