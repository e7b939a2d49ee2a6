/* A growable byte buffer. Allocation failure aborts: the sensor cannot
 * report anything without memory, and a half-written event is worse. */
#ifndef KN_STRBUF_H
#define KN_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keep at most `max` bytes of capacity after a reset (bounded memory). */
void strbuf_shrink(struct strbuf *sb, size_t max);

#endif
