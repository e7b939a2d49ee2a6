/* DNS parser: answers, compression, TCP framing, and hostile packets
 * (truncated anywhere, compression loops, random bytes) that must never
 * crash or read outside the buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "enrich/resolved.h"
#include "decode/dns.h"

/* example.test A 10.1.2.3, answer name compressed to the question. */
/* clang-format off */
static const unsigned char answer[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0, 0x00, 0x01, 0x00, 0x01,
	/* example.test A 10.1.2.3, the name compressed to the question's */
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 10, 1, 2, 3,
	/* a CNAME answer whose target is "www" + pointer to example.test */
	0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x06, 3, 'w', 'w', 'w', 0xc0, 0x0c,
};
/* clang-format on */

static void test_answer(void **state)
{
	struct dns_msg m;

	assert_int_equal(dns_parse(answer, sizeof(answer), 0, &m), 0);
	assert_null(m.error);
	assert_int_equal(m.id, 0x1234);
	assert_true(m.is_response);
	assert_int_equal(m.nquestions, 1);
	assert_string_equal(m.q[0].name, "example.test");
	assert_int_equal(m.q[0].qtype, 1);
	assert_int_equal(m.nanswers, 2);
	assert_string_equal(m.a[0].name, "example.test");
	assert_string_equal(m.a[0].value, "10.1.2.3");
	assert_int_equal(m.a[0].ttl, 60);
	assert_int_equal(m.a[1].type, 5);
	assert_string_equal(m.a[1].value, "www.example.test");
}

static void test_tcp_framing(void **state)
{
	unsigned char buf[sizeof(answer) + 2];
	struct dns_msg m;

	buf[0] = 0;
	buf[1] = sizeof(answer);
	memcpy(buf + 2, answer, sizeof(answer));
	assert_int_equal(dns_parse(buf, sizeof(buf), 1, &m), 0);
	assert_string_equal(m.a[0].value, "10.1.2.3");
	/* compression offsets count from the message, not the length prefix */
	assert_string_equal(m.a[1].value, "www.example.test");
}

static void test_truncated_everywhere(void **state)
{
	struct dns_msg m;

	for (size_t len = 0; len < sizeof(answer); len++) {
		unsigned char *copy = malloc(len ? len : 1);

		memcpy(copy, answer, len);
		/* exact-size heap copy: a read past it is caught by ASan */
		assert_int_equal(dns_parse(copy, len, 0, &m), -1);
		assert_non_null(m.error);
		free(copy);
	}
}

static void test_compression_loop(void **state)
{
	/* a question name that points at itself */
	unsigned char loop[] = {0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1};
	/* two pointers pointing at each other */
	unsigned char pingpong[] = {0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0e, 0xc0, 0x0c, 0, 1, 0, 1};
	/* a pointer out of the message */
	unsigned char out[] = {0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0, 1, 0, 1};
	struct dns_msg m;

	assert_int_equal(dns_parse(loop, sizeof(loop), 0, &m), -1);
	assert_string_equal(m.error, "compression pointer loop");
	assert_int_equal(dns_parse(pingpong, sizeof(pingpong), 0, &m), -1);
	assert_string_equal(m.error, "compression pointer loop");
	assert_int_equal(dns_parse(out, sizeof(out), 0, &m), -1);
	assert_string_equal(m.error, "compression pointer out of the message");
}

static void test_bad_rdata(void **state)
{
	unsigned char bad[sizeof(answer)];
	struct dns_msg m;

	memcpy(bad, answer, sizeof(bad));
	bad[41] = 5; /* A record claims 5 bytes */
	assert_int_equal(dns_parse(bad, sizeof(bad), 0, &m), -1);
	assert_non_null(m.error);
}

static void test_long_name_rejected(void **state)
{
	unsigned char buf[12 + 5 * 64 + 1 + 4];
	size_t o = 12;
	struct dns_msg m;

	memset(buf, 0, 12);
	buf[5] = 1; /* one question */
	for (int i = 0; i < 5; i++) {
		buf[o++] = 63;
		memset(buf + o, 'a', 63);
		o += 63;
	}
	buf[o++] = 0;
	memset(buf + o, 0, 4);
	assert_int_equal(dns_parse(buf, sizeof(buf), 0, &m), -1);
	assert_string_equal(m.error, "name longer than 255 bytes");
}

/* A label with a NUL, a dot or a backslash inside: written \DDD, never
 * cut ("evil\0" must not pass for "evil"); 255 octets (the most a name
 * holds) are accepted. */
static void test_name_bytes_escaped(void **state)
{
	/* clang-format off */
	static const unsigned char q[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		6, 'e', 'v', 'i', 'l', 0, 'x', 4, 'a', '.', 'b', '\\', 4, 'g', 'o', 'o', 'd', 0, 0, 1, 0, 1,
	};
	/* clang-format on */
	unsigned char buf[12 + 4 * 64 + 1 + 4];
	size_t o = 12;
	struct dns_msg m;

	assert_int_equal(dns_parse(q, sizeof(q), 0, &m), 0);
	assert_string_equal(m.q[0].name, "evil\\000x.a\\046b\\092.good");
	memset(buf, 0, 12);
	buf[5] = 1;
	for (int i = 0; i < 4; i++) {
		buf[o++] = i < 3 ? 63 : 61;
		memset(buf + o, 'a', 63);
		o += i < 3 ? 63 : 61;
	}
	buf[o++] = 0;
	memset(buf + o, 0, 4);
	assert_int_equal(dns_parse(buf, o + 4, 0, &m), 0);
	assert_int_equal(strlen(m.q[0].name), 3 * 64 + 61);
}

/* A message builder for the tests below: names uncompressed. */
struct pkt {
	unsigned char b[1024];
	size_t n;
};

static void put_u16(struct pkt *p, unsigned v)
{
	p->b[p->n++] = (unsigned char)(v >> 8);
	p->b[p->n++] = (unsigned char)v;
}

static void put_name(struct pkt *p, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		p->b[p->n++] = (unsigned char)l;
		memcpy(p->b + p->n, name, l);
		p->n += l;
		name += l + (dot ? 1 : 0);
	}
	p->b[p->n++] = 0;
}

/* An answer record: owner, type, rdata. */
static void put_rr(struct pkt *p, const char *owner, unsigned type, const void *rd, size_t len)
{
	put_name(p, owner);
	put_u16(p, type);
	put_u16(p, 1);
	put_u16(p, 0);
	put_u16(p, 60);
	put_u16(p, (unsigned)len);
	memcpy(p->b + p->n, rd, len);
	p->n += len;
}

/* One question, alias.test (A), answered by a CNAME to real.test, an MX
 * and a TXT of alias.test, two A of real.test and an A of other.test that
 * no question asked about. */
static void build_chain(struct pkt *p)
{
	static const unsigned char real[] = {4, 'r', 'e', 'a', 'l', 4, 't', 'e', 's', 't', 0};
	static const unsigned char mx[] = {0, 10, 2, 'm', 'x', 4, 't', 'e', 's', 't', 0};
	static const unsigned char txt[] = {3, 'k', '=', 'v', 3, 'a', ';', 'b', 2, 'x', 0};
	static const unsigned char a1[] = {10, 7, 7, 7}, a2[] = {10, 7, 7, 8}, a3[] = {1, 1, 1, 1};

	memset(p, 0, sizeof(*p));
	put_u16(p, 0x4242);
	put_u16(p, 0x8180);
	put_u16(p, 1);
	put_u16(p, 6);
	put_u16(p, 0);
	put_u16(p, 0);
	put_name(p, "alias.test");
	put_u16(p, 1);
	put_u16(p, 1);
	put_rr(p, "alias.test", 5, real, sizeof(real));
	put_rr(p, "other.test", 1, a3, sizeof(a3));
	put_rr(p, "ALIAS.test", 15, mx, sizeof(mx));
	put_rr(p, "alias.test", 16, txt, sizeof(txt));
	put_rr(p, "real.test", 1, a1, sizeof(a1));
	put_rr(p, "real.test", 1, a2, sizeof(a2));
}

/* What one message reports, as Kunai does: the question's own answers
 * (names compared without case), then the CNAME target's, with the
 * question's type; an answer nobody asked about is in neither. */
static void test_events_per_question_and_cname(void **state)
{
	struct dns_event ev[DNS_EVENTS_MAX];
	struct dns_msg m;
	struct pkt p;

	build_chain(&p);
	assert_int_equal(dns_parse(p.b, p.n, 0, &m), 0);
	assert_string_equal(m.a[0].value, "real.test");
	assert_string_equal(m.a[2].value, "mx.test");
	/* TXT strings joined with ';', a ';' or NUL inside one escaped */
	assert_string_equal(m.a[3].value, "k=v;a\\059b;x\\000");
	assert_int_equal(dns_events(&m, ev), 2);
	assert_string_equal(ev[0].query, "alias.test");
	assert_int_equal(ev[0].qtype, 1);
	assert_int_equal(ev[0].answers, 1 << 0 | 1 << 2 | 1 << 3);
	assert_string_equal(ev[1].query, "real.test");
	assert_int_equal(ev[1].qtype, 1);
	assert_int_equal(ev[1].answers, 1 << 4 | 1 << 5);
	assert_string_equal(dns_type_name(1), "A");
	assert_string_equal(dns_type_name(21), "RouteThrough");
	assert_string_equal(dns_type_name(257), "CAA");
	assert_string_equal(dns_type_name(99), "?");
}

/* The names addresses were resolved from: the process's own first, then
 * the host's; loopback answers and overlong names not kept; IPv4 found
 * through an IPv4-mapped IPv6 address; the table bounded. */
static void test_resolved(void **state)
{
	static const uint8_t a4[4] = {10, 7, 7, 7}, lo[4] = {127, 0, 0, 5};
	uint8_t mapped[16] = {[10] = 0xff, [11] = 0xff, 10, 7, 7, 7}, v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 9};
	char longname[300];
	struct resolved r;

	assert_int_equal(resolved_init(&r), 0);
	assert_null(resolved_get(&r, 5, 4, a4));
	resolved_put(&r, 5, "10.7.7.7", "real.test");
	resolved_put(&r, 6, "10.7.7.7", "other.test");
	resolved_put(&r, 5, "127.0.0.5", "local.test");
	resolved_put(&r, 5, "2001:db8::9", "six.test");
	assert_string_equal(resolved_get(&r, 5, 4, a4), "real.test");
	assert_string_equal(resolved_get(&r, 6, 4, a4), "other.test");
	/* another process: the host's latest */
	assert_string_equal(resolved_get(&r, 7, 4, a4), "other.test");
	assert_string_equal(resolved_get(&r, 5, 6, mapped), "real.test");
	assert_string_equal(resolved_get(&r, 5, 6, v6), "six.test");
	assert_null(resolved_get(&r, 5, 4, lo));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	resolved_put(&r, 5, "10.9.9.9", longname);
	resolved_put(&r, 5, "not an address", "x.test");
	/* bounded: many more answers than slots, the table keeps working */
	for (unsigned i = 0; i < 4 * RESOLVED_SLOTS; i++) {
		char ip[32];

		snprintf(ip, sizeof(ip), "10.%u.%u.%u", i >> 16 & 255, i >> 8 & 255, i & 255);
		resolved_put(&r, 1000 + i % 50, ip, "flood.test");
	}
	resolved_put(&r, 5, "10.7.7.7", "again.test");
	assert_string_equal(resolved_get(&r, 5, 4, a4), "again.test");
	resolved_free(&r);
}

/* Random mutations of a valid answer, and random bytes: never a crash. */
static void test_fuzz(void **state)
{
	unsigned char buf[sizeof(answer)];
	struct dns_msg m;
	unsigned seed = 12345;

	for (int round = 0; round < 200000; round++) {
		size_t len = sizeof(buf);

		memcpy(buf, answer, sizeof(buf));
		for (int k = 0; k < 1 + round % 6; k++) {
			seed = seed * 1103515245 + 12345;
			buf[(seed >> 8) % sizeof(buf)] = (unsigned char)(seed >> 16);
		}
		if (round % 3 == 0)
			len = (seed >> 4) % (sizeof(buf) + 1);
		dns_parse(buf, len, round & 1, &m);
		assert_true(m.nquestions <= DNS_MAX_QUESTIONS && m.nanswers <= DNS_MAX_ANSWERS);
		for (int q = 0; q < m.nquestions; q++)
			assert_true(strlen(m.q[q].name) < DNS_NAME_MAX);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer),
		cmocka_unit_test(test_tcp_framing),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_compression_loop),
		cmocka_unit_test(test_bad_rdata),
		cmocka_unit_test(test_long_name_rejected),
		cmocka_unit_test(test_name_bytes_escaped),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_events_per_question_and_cname),
		cmocka_unit_test(test_resolved),
	};

	return cmocka_run_group_tests_name("dns", tests, NULL, NULL);
}
