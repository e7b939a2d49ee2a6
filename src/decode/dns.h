/*
 * DNS answers, parsed from bytes a monitored process received: hostile
 * input. The parser never reads outside the buffer, follows at most
 * DNS_MAX_JUMPS compression pointers per name, and reports what it could
 * not parse instead of failing silently.
 */
#ifndef KN_DNS_H
#define KN_DNS_H

#include <stddef.h>
#include <stdint.h>

#define DNS_MAX_JUMPS 16
/* 255 octets of name, a byte that would end or split it written \DDD
 * (RFC 1035's presentation form: NUL, '.' inside a label, '\'), + NUL */
#define DNS_NAME_OCTETS 255
#define DNS_NAME_MAX (DNS_NAME_OCTETS * 4 + 1)
#define DNS_MAX_QUESTIONS 8
#define DNS_MAX_ANSWERS 32
#define DNS_ANSWER_MAX DNS_NAME_MAX

struct dns_question {
	char name[DNS_NAME_MAX];
	uint16_t qtype;
	uint16_t qclass;
};

struct dns_answer {
	char name[DNS_NAME_MAX]; /* the owner name */
	uint16_t type;
	uint32_t ttl;
	/* address; target name (CNAME, NS, PTR, MX, SRV...); TXT's strings
	 * joined with ';'; or "" (other types) */
	char value[DNS_ANSWER_MAX];
};

struct dns_msg {
	uint16_t id;
	uint16_t flags;
	uint8_t rcode;
	int is_response;
	int nquestions;
	int nanswers;
	struct dns_question q[DNS_MAX_QUESTIONS];
	struct dns_answer a[DNS_MAX_ANSWERS];
	const char *error; /* NULL, or why parsing stopped (what was parsed stays) */
};

/* Parse one message. stream: TCP (2-byte length first). Returns 0 when the
 * whole message parsed, -1 with m->error set otherwise. */
int dns_parse(const unsigned char *buf, size_t len, int stream, struct dns_msg *m);
/* Kunai's names: "A", "AAAA", "CNAME"... or "?". */
const char *dns_type_name(uint16_t type);

/* What one message reports, as Kunai does: per question, the answers its
 * name owns (a bit per index of m->a); then, for each CNAME among them
 * whose target owns answers too, one for the target (with the question's
 * type). */
struct dns_event {
	const char *query; /* in m */
	uint16_t qtype;
	uint32_t answers;
};
#define DNS_EVENTS_MAX (2 * DNS_MAX_QUESTIONS)
int dns_events(const struct dns_msg *m, struct dns_event ev[DNS_EVENTS_MAX]);

#endif
