/* Event types, --include/--exclude, the program-to-type map, hashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode/internal.h"
#include "event/types.h"
#include "model/guuid.h"
#include "model/proctable.h"
#include "serialize/json.h"
#include "sensor/host.h"
#include "sensor/probes.h"
#include "util/hash.h"

#define T(x) (1ULL << (x))

static void test_ids_and_names(void **state)
{
	assert_int_equal(kn_type_info(KN_EXECVE)->id, 1);
	assert_string_equal(kn_type_info(KN_FILE_CREATE)->name, "file_create");
	assert_int_equal(kn_type_info(KN_IO_URING_SQE)->id, 100);
	assert_null(kn_type_info(KN_TYPE_MAX));
	for (uint32_t t = 0; t < KN_TYPE_MAX; t++) {
		const struct kn_type_info *ti = kn_type_info(t);

		assert_non_null(ti);
		assert_int_equal(kn_type_by_name(ti->name, strlen(ti->name)), (int)t);
	}
}

static void test_defaults(void **state)
{
	uint64_t d = kn_types_default();

	assert_false(d & T(KN_READ));
	assert_false(d & T(KN_WRITE));
	assert_false(d & T(KN_WRITE_CLOSE));
	assert_true(d & T(KN_READ_CONFIG));
	assert_true(d & T(KN_EXECVE));
	assert_true(d & T(KN_DNS_QUERY));
}

static void test_include_exclude(void **state)
{
	uint64_t m = kn_types_default();
	char err[1024];

	assert_int_equal(kn_types_apply(&m, "read,write", 1, err, sizeof(err)), 0);
	assert_true(m & T(KN_READ));
	assert_true(m & T(KN_WRITE));
	assert_int_equal(kn_types_apply(&m, "execve,mmap_exec", 0, err, sizeof(err)), 0);
	assert_false(m & T(KN_EXECVE));
	assert_false(m & T(KN_MMAP_EXEC));
	assert_int_equal(kn_types_apply(&m, "all", 0, err, sizeof(err)), 0);
	assert_int_equal(m, 0);
	assert_int_equal(kn_types_apply(&m, "all", 1, err, sizeof(err)), 0);
	assert_int_equal(m, kn_types_all());
	assert_int_equal(kn_types_apply(&m, "execve,nope", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown event 'nope'"));
	assert_non_null(strstr(err, "file_create"));
	/* a prefix of a name is not the name */
	assert_int_equal(kn_types_apply(&m, "exec", 1, err, sizeof(err)), -1);
}

static void test_probe_map(void **state)
{
	bool core = false;

	/* an open creates a file, or empties one (O_TRUNC) */
	assert_int_equal(probe_types("kn_enter_openat", &core),
			 T(KN_FILE_CREATE) | T(KN_FILE_TRUNCATE) | T(KN_PROCESS_MEMORY));
	assert_int_equal(probe_types("kn_exit_ftruncate", NULL), T(KN_FILE_TRUNCATE));
	assert_int_equal(probe_types("kn_enter_copy_file_range", NULL),
			 T(KN_READ) | T(KN_READ_CONFIG) | T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE));
	assert_int_equal(probe_types("kn_enter_dup2", NULL), T(KN_WRITE_CLOSE));
	assert_int_equal(probe_types("kn_target_signal", NULL), T(KN_KILL));
	assert_int_equal(probe_types("kn_peer_sendmsg", NULL), T(KN_SEND_DATA));
	assert_false(core);
	assert_int_equal(probe_types("kn_exit_renameat2", NULL), T(KN_FILE_RENAME));
	assert_int_equal(probe_types("kn_name_symlinkat", NULL), T(KN_FILE_LINK));
	assert_int_equal(probe_types("kn_exit_utimensat", NULL), T(KN_FILE_TIMES));
	assert_int_equal(probe_types("kn_obj_utimes", NULL), T(KN_FILE_TIMES));
	assert_int_equal(probe_types("kn_ia32_link", NULL), T(KN_FILE_LINK));
	assert_int_equal(probe_types("kn_enter_ioctl", NULL), T(KN_FILE_FLAGS));
	assert_int_equal(probe_types("kn_exit_process_vm_writev", NULL), T(KN_PROCESS_MEMORY));
	assert_int_equal(probe_types("kn_obj_ptrace", NULL), T(KN_PTRACE) | T(KN_PROCESS_MEMORY));
	/* a write to a socket is send_data, kept at entry, reported at exit */
	assert_int_equal(probe_types("kn_enter_write", NULL),
			 T(KN_WRITE) | T(KN_WRITE_CONFIG) | T(KN_WRITE_CLOSE) | T(KN_SEND_DATA));
	assert_int_equal(probe_types("kn_sent_splice", NULL), T(KN_SEND_DATA));
	assert_int_equal(probe_types("kn_exit_read_dns", NULL), T(KN_DNS_QUERY));
	assert_int_equal(probe_types("kn_sched_exec", &core), T(KN_EXECVE) | T(KN_EXECVE_SCRIPT));
	assert_true(core);
	assert_int_equal(probe_types("kn_unknown", NULL), 0);
}

static void test_hashes(void **state)
{
	struct hashes h;
	unsigned char raw[20];
	char b64[32];

	assert_int_equal(hashes_compute("abc", 3, &h), 0);
	assert_string_equal(h.md5, "900150983cd24fb0d6963f7d28e17f72");
	assert_string_equal(h.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_string_equal(h.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(strlen(h.sha512), 128);
	assert_int_equal(sha1_raw("abc", 3, raw), 0);
	base64_encode(raw, 20, b64);
	assert_string_equal(b64, "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
	base64_encode((const unsigned char *)"ab", 2, b64);
	assert_string_equal(b64, "YWI=");
}

/* Kunai's signal names: the real-time ones counted from 34, the two the C
 * library keeps and those past 64 by number. */
static void test_signal_names(void **state)
{
	char buf[SIGNAME_MAX];

	(void)state;
	assert_string_equal(signal_name(1, buf), "SIGHUP");
	assert_string_equal(signal_name(6, buf), "SIGABRT");
	assert_string_equal(signal_name(29, buf), "SIGPOLL");
	assert_string_equal(signal_name(31, buf), "SIGSYS");
	assert_string_equal(signal_name(32, buf), "SIG(32)");
	assert_string_equal(signal_name(33, buf), "SIG(33)");
	assert_string_equal(signal_name(34, buf), "SIGRT0");
	assert_string_equal(signal_name(64, buf), "SIGRT30");
	assert_string_equal(signal_name(65, buf), "SIG(65)");
	assert_string_equal(signal_name(0, buf), "SIG(0)");
	/* the other tables: Kunai's spellings, their unknown forms */
	assert_string_equal(prctl_option(15, buf), "PR_SET_NAME");
	assert_string_equal(prctl_option(0x41555856, buf), "PR_GET_AUXV");
	assert_string_equal(prctl_option(32429, buf), "unknown(32429)");
	assert_string_equal(bpf_prog_type_name(1), "socket_filter");
	assert_string_equal(bpf_prog_type_name(31), "syscall");
	assert_string_equal(bpf_prog_type_name(32), "unknown");
	assert_string_equal(uring_op_name(18), "IORING_OP_OPENAT");
	assert_string_equal(uring_op_name(200), "?");
	assert_string_equal(ptrace_request(0x4206), "PTRACE_SEIZE");
	assert_string_equal(sc_name(KN_SC_FCHMOD), "fchmod");
}

/* The event time, formatted with the last second kept, is what the
 * formatter gives; uuids and guuids have their layout. */
static void test_time_and_ids(void **state)
{
	struct host h = {.boot_to_real = 1764000000LL * 1000000000LL};
	static const uint64_t t[] = {5,		 999999999,	 1000000000, 1000000001,
				     1000000001, 61999999999ULL, 5,	     86400000000123ULL};
	char a[40], b[40], u[KN_UUID_STR];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		host_utc_time(&h, t[i], a);
		time_format_utc((int64_t)t[i] + h.boot_to_real, b);
		assert_string_equal(a, b);
	}
	guuid_format(u, 0xdeadbeef, 0x123456789abULL * KN_USER_HZ_NS, 4242);
	assert_string_equal(u, "deadbeef-0123-4567-89ab-000000001092");
	uuid_random(u);
	assert_int_equal(strlen(u), 36);
	assert_true(u[8] == '-' && u[13] == '-' && u[18] == '-' && u[23] == '-' && u[14] == '4');
}

/* A task section: "?" for ids without a name; the same bytes when it
 * comes from the sections kept; its fields reached by path. */
static void test_task_section(void **state)
{
	struct host h;
	struct kn_task t = {.pid = 7, .tgid = 7, .uid = 3999999, .gid = 3999998, .mnt_ns = 5, .flags = 0x400000};
	struct proctable pt;
	struct decoder e;
	struct event ev;
	struct strbuf a, b;
	uint64_t v;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.boot_key = 0x11223344;
	h.section = ev_shared_fresh(NULL);
	assert_int_equal(proctable_init(&pt, 16, 64), 0);
	decoder_init(&e, &h, &pt);
	strcpy(t.comm, "x\"y");
	strbuf_init(&a);
	strbuf_init(&b);
	ev_init(&ev);
	write_task(&e, &ev, "task", &t);
	json_event(&ev, &a);
	ev_reset(&ev);
	write_task(&e, &ev, "task", &t);
	json_event(&ev, &b);
	assert_string_equal(a.buf, b.buf);
	assert_non_null(strstr(a.buf, "{\"task\":{\"name\":\"x\\\"y\",\"pid\":7,\"tgid\":7,"));
	assert_non_null(strstr(a.buf, "\"uid\":3999999,\"user\":\"?\",\"gid\":3999998,\"group\":\"?\""));
	assert_non_null(strstr(a.buf, "\"flags\":\"0x400000\",\"zombie\":false}}"));
	/* attached from the cache, reached by path like any member */
	assert_string_equal(ev_get_str(&ev, ".task.name"), "x\"y");
	assert_true(ev_get_u64(&ev, "task.namespaces.mnt", &v));
	assert_int_equal(v, 5);
	assert_true(ev_get_u64(&ev, "task.flags", &v));
	assert_int_equal(v, 0x400000);
	assert_string_equal(ev_get_str(&ev, "task.group"), "?");
	assert_null(ev_get_str(&ev, "task.nope"));
	assert_null(ev_get_str(&ev, "task.name.x"));
	/* another task: its own section */
	t.pid = 8;
	strbuf_reset(&b);
	ev_reset(&ev);
	write_task(&e, &ev, "task", &t);
	json_event(&ev, &b);
	assert_non_null(strstr(b.buf, "\"pid\":8,"));
	ev_free(&ev);
	decoder_free(&e);
	proctable_free(&pt);
	strbuf_free(&a);
	strbuf_free(&b);
	ev_shared_put(h.section);
}

static void test_entropy(void **state)
{
	unsigned char b[256];

	memset(b, 'a', sizeof(b));
	assert_true(shannon_entropy(b, sizeof(b)) == 0.0);
	for (int i = 0; i < 256; i++)
		b[i] = (unsigned char)i;
	assert_true(shannon_entropy(b, sizeof(b)) > 7.999 && shannon_entropy(b, sizeof(b)) < 8.001);
	assert_true(shannon_entropy(b, 0) == 0.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_and_names),	cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_include_exclude), cmocka_unit_test(test_probe_map),
		cmocka_unit_test(test_hashes),		cmocka_unit_test(test_entropy),
		cmocka_unit_test(test_signal_names),	cmocka_unit_test(test_time_and_ids),
		cmocka_unit_test(test_task_section),
	};

	return cmocka_run_group_tests_name("events", tests, NULL, NULL);
}
