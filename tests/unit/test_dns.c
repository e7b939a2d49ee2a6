/* DNS parser: answers, compression, TCP framing, and hostile packets
 * (truncated anywhere, compression loops, random bytes) that must never
 * crash or read outside the buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event/dns.h"

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
	};

	return cmocka_run_group_tests_name("dns", tests, NULL, NULL);
}
