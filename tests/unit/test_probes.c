/* What the probes layer reads off a kernel: the program-to-type map, the
 * shape of io_uring_submit_sqe's arguments from BTF; and the user and
 * group files of the static build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/btf.h>

#include "sensor/probes.h"
#include "util/users.h"

#define T(x) (1ULL << (x))

static void test_stash_programs(void **state)
{
	bool core = true;

	/* an argument stash serves the types of its exit */
	assert_int_equal(probe_types("kn_stash_renameat2", &core), T(KN_FILE_RENAME));
	assert_false(core);
	assert_int_equal(probe_types("kn_stash_read_dns", NULL), T(KN_DNS_QUERY));
	assert_int_equal(probe_types("kn_stash_bogus", NULL), 0);
}

/* A BTF holding typedef btf_trace_io_uring_submit_sqe for a prototype of
 * (void *, args...); kinds: 'p' void *, 'r' struct io_kiocb *, 'b' bool,
 * '8' u8, 'q' u64, 'i' u32. */
static struct btf *uring_btf(const char *args)
{
	struct btf *btf = btf__new_empty();
	int i8 = btf__add_int(btf, "u8", 1, 0), i32 = btf__add_int(btf, "u32", 4, 0);
	int i64 = btf__add_int(btf, "u64", 8, 0), bl = btf__add_int(btf, "_Bool", 1, BTF_INT_BOOL);
	int vp = btf__add_ptr(btf, 0), req = btf__add_struct(btf, "io_kiocb", 8);
	int rp = btf__add_ptr(btf, req), proto, ptr;

	proto = btf__add_func_proto(btf, 0);
	btf__add_func_param(btf, "__data", vp);
	for (const char *a = args; *a; a++) {
		int id = *a == 'p' ? vp : *a == 'r' ? rp : *a == 'b' ? bl : *a == '8' ? i8 : *a == 'q' ? i64 : i32;

		btf__add_func_param(btf, "", id);
	}
	ptr = btf__add_ptr(btf, proto);
	btf__add_typedef(btf, "btf_trace_io_uring_submit_sqe", ptr);
	return btf;
}

static void test_uring_shapes(void **state)
{
	static const struct {
		const char *args;
		int shape;
	} cases[] = {
		{"p8qbb", 1}, /* early kernels: ring, opcode, user_data, force_nonblock, sq_thread */
		{"pp8qibb", 2}, /* later (and Debian's 5.10): ring, request, opcode, user_data, flags, ... */
		{"rb", 0}, /* 6.0 to 6.2: the request, force_nonblock */
		{"pbq", -1}, /* a bool is not an opcode */
		{"p8i", -1}, /* no u64 after the opcode */
		{"", -1},
	};

	assert_int_equal(probe_uring_shape(NULL), -1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct btf *btf = uring_btf(cases[i].args);

		assert_int_equal(probe_uring_shape(btf), cases[i].shape);
		btf__free(btf);
	}
	/* no such tracepoint */
	{
		struct btf *btf = btf__new_empty();

		btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
		assert_int_equal(probe_uring_shape(btf), -1);
		btf__free(btf);
	}
}

static void test_users_file(void **state)
{
	char path[] = "/tmp/kn-test-passwd-XXXXXX", name[64];
	int fd = mkstemp(path);
	static const char text[] = "# comment\n"
				   "root:x:0:0:root:/root:/bin/bash\n"
				   "broken line\n"
				   "+nis::1::\n"
				   "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
				   "tricky:x:12x:12::/:\n"
				   "big:x:4294967295:1::/:\n"
				   "a-very-long-name-that-does-not-fit-in-the-caller-buffer-at-all:x:7:7::/:\n";

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	assert_int_equal(users_file_lookup(path, 0, name, sizeof(name)), 0);
	assert_string_equal(name, "root");
	assert_int_equal(users_file_lookup(path, 1, name, sizeof(name)), 0);
	assert_string_equal(name, "daemon");
	assert_int_equal(users_file_lookup(path, 4294967295u, name, sizeof(name)), 0);
	assert_string_equal(name, "big");
	assert_int_equal(users_file_lookup(path, 12, name, sizeof(name)), -1);
	assert_int_equal(users_file_lookup(path, 7, name, 16), -1);
	assert_int_equal(users_file_lookup(path, 99, name, sizeof(name)), -1);
	unlink(path);
	assert_int_equal(users_file_lookup(path, 0, name, sizeof(name)), -1);
}

/* Look-ups never wait for the name service: the local files answer at
 * once, an id they lack is unknown until the resolver thread answers. */
static void test_users_cache(void **state)
{
	struct users us;
	struct timespec a, b;

	users_init(&us);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_string_equal(users_user(&us, 0), "root");
	assert_string_equal(users_group(&us, 0), "root");
	assert_null(users_user(&us, 3999999999u));
	assert_null(users_group(&us, 3999999999u));
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(b.tv_sec - a.tv_sec < 2);
	/* cached: the same answers */
	assert_string_equal(users_user(&us, 0), "root");
	assert_null(users_user(&us, 3999999999u));
	users_free(&us);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stash_programs),
		cmocka_unit_test(test_uring_shapes),
		cmocka_unit_test(test_users_file),
		cmocka_unit_test(test_users_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
