/* The typed event: building, path access, grafted subtrees, values
 * completed in place, and the one JSON line serialize writes of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "event/event.h"
#include "serialize/json.h"
#include "util/records.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *line_of(const struct event *ev, struct strbuf *out)
{
	strbuf_reset(out);
	json_event(ev, out);
	return out->buf;
}

static void test_build_and_serialize(void **state)
{
	struct event *ev = ev_new();
	struct strbuf out;
	uint32_t n;

	(void)state;
	strbuf_init(&out);
	ev_obj_begin(ev, "data");
	ev_strn(ev, "cmd", "a\"b\n\xff", 5);
	ev_u64(ev, "u", 18446744073709551615ULL);
	ev_i64(ev, "i", -42);
	ev_hex(ev, "h", 0x12);
	ev_double(ev, "d", 0.5);
	ev_bool(ev, "b", true);
	ev_null(ev, "z");
	ev_str(ev, "nul", NULL);
	ev_arr_begin(ev, "list");
	ev_str(ev, NULL, "x");
	ev_u64(ev, NULL, 2);
	ev_arr_end(ev);
	ev_obj_begin(ev, "empty");
	ev_obj_end(ev);
	/* a key from outside: copied, escaped */
	n = ev_u64(ev, NULL, 3);
	ev_key_copy(ev, n, "o\"ut", 4);
	ev_obj_end(ev);
	ev_str(ev, "after", "y");
	assert_string_equal(
		line_of(ev, &out),
		"{\"data\":{\"cmd\":\"a\\\"b\\n\\udcff\",\"u\":18446744073709551615,\"i\":-42,\"h\":\"0x12\","
		"\"d\":0.5,\"b\":true,\"z\":null,\"nul\":null,\"list\":[\"x\",2],\"empty\":{},"
		"\"o\\\"ut\":3},\"after\":\"y\"}");
	ev_put(ev);
	strbuf_free(&out);
}

static void test_paths(void **state)
{
	struct event *ev = ev_new();
	uint64_t v;
	size_t len;
	struct ev_at at;

	(void)state;
	ev_obj_begin(ev, "data");
	ev_obj_begin(ev, "exe");
	ev_str(ev, "path", "/usr/bin/x");
	ev_obj_end(ev);
	ev_arr_begin(ev, "response");
	ev_str(ev, NULL, "1.2.3.4");
	ev_str(ev, NULL, "5.6.7.8");
	ev_arr_end(ev);
	ev_i64(ev, "neg", -1);
	ev_strn(ev, "bin", "a\0b", 3);
	ev_obj_end(ev);
	assert_string_equal(ev_get_str(ev, ".data.exe.path"), "/usr/bin/x");
	assert_string_equal(ev_get_str(ev, "data.exe.path"), "/usr/bin/x");
	assert_string_equal(ev_get_str(ev, "data.response[1]"), "5.6.7.8");
	assert_null(ev_get_str(ev, "data.response[2]"));
	assert_null(ev_get_str(ev, "data.response[x]"));
	assert_null(ev_get_str(ev, "data.exe"));
	assert_null(ev_get_str(ev, "data.exe.path.more"));
	assert_null(ev_get_str(ev, "data.ex"));
	assert_null(ev_get_str(ev, ""));
	/* bytes with a NUL: no C string, the bytes all the same */
	assert_null(ev_get_str(ev, "data.bin"));
	assert_true(ev_find(ev, "data.bin", &at));
	assert_ptr_equal(at.ev, ev);
	assert_memory_equal(ev_sv(at.ev, at.n, &len), "a\0b", 3);
	assert_int_equal(len, 3);
	assert_false(ev_get_u64(ev, "data.neg", &v));
	assert_false(ev_get_u64(ev, "data.exe.path", &v));
	ev_put(ev);
}

/* A rendered subtree grafted into two events: written as rendered, its
 * members reached by path, each event independent of the source after. */
static void test_graft(void **state)
{
	struct event src, *a = ev_new(), *b = ev_new();
	struct strbuf out;
	uint64_t v;

	(void)state;
	strbuf_init(&out);
	ev_init(&src);
	ev_str(&src, "name", "host\"1");
	ev_arr_begin(&src, "ips");
	ev_str(&src, NULL, "10.0.0.1");
	ev_arr_end(&src);
	ev_u64(&src, "n", 7);
	json_event_render(&src);
	ev_str(a, "first", "x");
	ev_obj_begin(a, "info");
	ev_graft(a, "host", &src);
	ev_u64(a, "after", 1);
	ev_obj_end(a);
	ev_graft(b, "host", &src);
	ev_free(&src); /* the events have their own copies */
	assert_string_equal(line_of(a, &out),
			    "{\"first\":\"x\",\"info\":{\"host\":{\"name\":\"host\\\"1\",\"ips\":[\"10.0.0.1\"],"
			    "\"n\":7},\"after\":1}}");
	assert_string_equal(ev_get_str(a, "info.host.ips[0]"), "10.0.0.1");
	assert_string_equal(ev_get_str(a, "info.host.name"), "host\"1");
	assert_true(ev_get_u64(a, "info.after", &v));
	assert_int_equal(v, 1);
	assert_true(ev_get_u64(b, "host.n", &v));
	assert_int_equal(v, 7);
	assert_string_equal(line_of(b, &out), "{\"host\":{\"name\":\"host\\\"1\",\"ips\":[\"10.0.0.1\"],\"n\":7}}");
	ev_put(a);
	ev_put(b);
	strbuf_free(&out);
}

/* A section attached by reference: written as rendered, reached by path
 * into it, kept alive by the events that hold it when its maker moves on
 * to a fresh one, freed with the last. */
static void test_attach(void **state)
{
	struct ev_shared *sh = ev_shared_fresh(NULL), *old;
	struct event *a = ev_new(), *b = ev_new();
	struct strbuf out;
	struct ev_at at;

	(void)state;
	strbuf_init(&out);
	ev_str(&sh->ev, "name", "h1");
	ev_obj_begin(&sh->ev, "ns");
	ev_u64(&sh->ev, "mnt", 9);
	ev_obj_end(&sh->ev);
	json_event_render(&sh->ev);
	ev_obj_begin(a, "info");
	ev_attach(a, "host", sh);
	ev_obj_end(a);
	ev_attach(b, "task", sh);
	ev_attach(b, "parent", sh);
	assert_int_equal(sh->refs, 4);
	assert_true(ev_find(a, "info.host.ns.mnt", &at));
	assert_ptr_equal(at.ev, &sh->ev);
	assert_int_equal(at.n->v.u, 9);
	assert_true(ev_find(a, "info.host", &at));
	assert_int_equal(at.n->kind, EV_OBJ);
	assert_false(ev_find(a, "info.host.nope", &at));
	/* the maker moves on: a new section, the old one held by a and b */
	old = sh;
	sh = ev_shared_fresh(sh);
	assert_ptr_not_equal(sh, old);
	ev_str(&sh->ev, "name", "h2");
	json_event_render(&sh->ev);
	assert_string_equal(line_of(a, &out), "{\"info\":{\"host\":{\"name\":\"h1\",\"ns\":{\"mnt\":9}}}}");
	assert_string_equal(
		line_of(b, &out),
		"{\"task\":{\"name\":\"h1\",\"ns\":{\"mnt\":9}},\"parent\":{\"name\":\"h1\",\"ns\":{\"mnt\":9}}}");
	assert_int_equal(old->refs, 3);
	ev_put(a);
	assert_int_equal(old->refs, 2);
	/* b given back to the pool and taken again: emptied, holds nothing */
	ev_put(b);
	b = ev_new();
	assert_false(ev_find(b, "task", &at));
	/* held by nobody but its maker: made fresh in place */
	assert_ptr_equal(ev_shared_fresh(sh), sh);
	assert_string_equal(line_of(&sh->ev, &out), "{}");
	/* more sections than an event holds: copied */
	for (int i = 0; i < EV_HELD_MAX + 2; i++)
		ev_attach(b, "s", sh);
	assert_int_equal(sh->refs, 1 + EV_HELD_MAX);
	ev_put(b);
	assert_int_equal(sh->refs, 1);
	ev_shared_put(sh);
	strbuf_free(&out);
}

/* Values completed after the event was built (digests), in place. */
static void test_set_in_place(void **state)
{
	struct event *ev = ev_new();
	struct strbuf out;
	uint32_t m, s, e;

	(void)state;
	strbuf_init(&out);
	ev_obj_begin(ev, "exe");
	m = ev_str(ev, "magic", "?");
	s = ev_u64(ev, "size", 0);
	e = ev_null(ev, "error");
	ev_obj_end(ev);
	ev_set_str(ev, m, "ELF");
	ev_set_u64(ev, s, 12);
	ev_set_str(ev, e, "gone");
	assert_string_equal(line_of(ev, &out), "{\"exe\":{\"magic\":\"ELF\",\"size\":12,\"error\":\"gone\"}}");
	ev_set_str(ev, e, NULL);
	assert_string_equal(line_of(ev, &out), "{\"exe\":{\"magic\":\"ELF\",\"size\":12,\"error\":null}}");
	/* from the pool again: empty */
	ev_put(ev);
	ev = ev_new();
	assert_string_equal(line_of(ev, &out), "{}");
	{
		struct ev_at at;

		assert_false(ev_find(ev, "exe", &at));
	}
	ev_put(ev);
	strbuf_free(&out);
}

/* Records saved and read back in order, each 8-byte aligned; a file of
 * another layout refused; a cut last record ends the reading. */
static void test_records(void **state)
{
	char path[] = "/tmp/kn-unit-records-XXXXXX", why[512];
	unsigned char a[24] = {1, 2, 3}, b[5] = {9, 8, 7, 6, 5};
	struct records_out out;
	struct records_in in;
	const unsigned char *r;
	uint32_t size;
	FILE *f;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(records_open(&out, path, why, sizeof(why)), 0);
	records_save(&out, a, sizeof(a));
	records_save(&out, b, sizeof(b));
	records_save(&out, a, 3);
	assert_int_equal(records_close(&out), 0);
	assert_int_equal(records_load(&in, path, why, sizeof(why)), 0);
	for (int round = 0; round < 2; round++) {
		r = records_next(&in, &size);
		assert_non_null(r);
		assert_int_equal((uintptr_t)r % 8, 0);
		assert_int_equal(size, sizeof(a));
		assert_memory_equal(r, a, sizeof(a));
		r = records_next(&in, &size);
		assert_int_equal(size, sizeof(b));
		assert_int_equal((uintptr_t)r % 8, 0);
		assert_memory_equal(r, b, sizeof(b));
		r = records_next(&in, &size);
		assert_int_equal(size, 3);
		assert_null(records_next(&in, &size));
		records_rewind(&in);
	}
	records_free(&in);
	/* the last record cut short: the reading ends before it */
	assert_int_equal(truncate(path, 64 + 8 + 24 + 8 + 8 + 8 + 1), 0);
	assert_int_equal(records_load(&in, path, why, sizeof(why)), 0);
	assert_non_null(records_next(&in, &size));
	assert_non_null(records_next(&in, &size));
	assert_null(records_next(&in, &size));
	records_free(&in);
	/* another layout's header */
	f = fopen(path, "r+");
	assert_non_null(f);
	fputs("KUNAI-RECORDS 2 0", f);
	fclose(f);
	assert_int_equal(records_load(&in, path, why, sizeof(why)), -1);
	assert_non_null(strstr(why, ": not records of this build's layout (its header would be 'KUNAI-RECORDS 2 "));
	unlink(path);
	/* not a regular file */
	assert_int_equal(records_open(&out, "/dev/null", why, sizeof(why)), -1);
	assert_string_equal(why, "/dev/null: not a regular file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_serialize),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_graft),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_set_in_place),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
