/* File digests: hashing, the caches, the file objects of typed events
 * completed in place,
 * files that are not there or not regular (never a blocking open), and
 * files opened as the process that used them sees them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "enrich/files.h"
#include "enrich/fileopen.h"
#include "event/event.h"
#include "serialize/json.h"

static char dir[] = "/tmp/kn-unit-files-XXXXXX";

struct req_set {
	struct file_req reqs[2];
	int n;
	struct event *ev;
};

struct sink {
	char lines[8][2048];
	int n;
};

/* A complete event, as the sensor writes it. */
static void collect(void *ctx, struct event *ev)
{
	struct sink *k = ctx;
	struct strbuf line;

	strbuf_init(&line);
	json_event(ev, &line);
	ev_put(ev);
	assert_true(k->n < 8 && line.len < sizeof(k->lines[0]));
	memcpy(k->lines[k->n], line.buf, line.len);
	k->lines[k->n][line.len] = 0;
	k->n++;
	strbuf_free(&line);
}

static void make_file(const char *name, const char *content, char *path)
{
	FILE *f;

	sprintf(path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* An event with one file object waiting for the digests of path, as this
 * process sees it; its members as the decoder makes them. */
static void encoded(struct req_set *e, struct strbuf *line, const char *path)
{
	struct event *ev = ev_new();

	memset(e, 0, sizeof(*e));
	(void)line;
	e->ev = ev;
	ev_obj_begin(ev, "exe");
	ev_str(ev, "path", "p");
	e->n = 1;
	e->reqs[0].node = ev_str(ev, "magic", "?");
	ev_str(ev, "md5", "?");
	ev_str(ev, "sha1", "?");
	ev_str(ev, "sha256", "?");
	ev_str(ev, "sha512", "?");
	ev_u64(ev, "size", 0);
	ev_null(ev, "error");
	ev_obj_end(ev);
	ev_u64(ev, "x", 1);
	e->reqs[0].tgid = (uint32_t)getpid();
	{
		/* this process's own view, as the kernel would give it */
		struct fileopen_self me;

		fileopen_self(&me);
		e->reqs[0].mnt_ns = me.mnt_ns;
		e->reqs[0].root_dev = (uint32_t)(major(me.root_dev) << 20 | minor(me.root_dev));
		e->reqs[0].root_ino = me.root_ino;
	}
	e->reqs[0].ctime_ns = -1; /* by path, unchecked */
	snprintf(e->reqs[0].path, sizeof(e->reqs[0].path), "%s", path);
}

/* The kernel's view of the file at path: size and change time. */
static void checked(struct req_set *e, const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	e->reqs[0].size = (uint64_t)st.st_size;
	e->reqs[0].ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
}

#define ABC_HASHES                                                                                               \
	"\"magic\":\"ASCII text, with no line "                                                                  \
	"terminators\",\"md5\":\"900150983cd24fb0d6963f7d28e17f72\",\"sha1\":"                                   \
	"\"a9993e364706816aba3e25717850c26c9cd0d89d\","                                                          \
	"\"sha256\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\",\"sha512\":"            \
	"\"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d" \
	"4423643ce80e2a9ac94fa54ca49f\",\"size\":3,\"error\":null"

static void test_hash_fd(void **state)
{
	struct file_info fi;
	char path[256];
	FILE *f;

	make_file("abc", "abc", path);
	f = fopen(path, "r");
	file_hash_fd(fileno(f), 1 << 20, &fi);
	assert_null(fi.error);
	assert_int_equal(fi.size, 3);
	assert_string_equal(fi.h.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	file_hash_fd(fileno(f), 2, &fi);
	assert_string_equal(fi.error, "too big to hash");
	assert_int_equal(fi.size, 3);
	assert_string_equal(fi.h.sha256, "");
	/* what it is, even when too big to hash */
	assert_string_equal(fi.magic, "ASCII text, with no line terminators");
	fclose(f);
	/* an executable: the magic database's words, none of the ELF
	 * parser's (interpreter, build id; a PIE is a "shared object" then) */
	f = fopen("/proc/self/exe", "r");
	assert_non_null(f);
	file_hash_fd(fileno(f), 1ULL << 30, &fi);
	assert_null(fi.error);
	assert_string_equal(fi.magic, "ELF 64-bit LSB shared object, x86-64, version 1 (SYSV)");
	fclose(f);
	make_file("empty", "", path);
	f = fopen(path, "r");
	file_hash_fd(fileno(f), 1 << 20, &fi);
	assert_string_equal(fi.magic, "empty");
	fclose(f);
}

static void test_spliced_async_then_cached(void **state)
{
	struct files f;
	struct req_set e;
	struct strbuf line;
	struct sink k = {0};
	char path[256];

	make_file("abc2", "abc", path);
	strbuf_init(&line);
	assert_int_equal(files_init(&f, true, 1 << 20), 0);
	encoded(&e, &line, path);
	files_submit(&f, e.ev, e.reqs, e.n, collect, &k);
	assert_int_equal(k.n, 0); /* opened and hashed by the threads */
	files_flush(&f, 5000, collect, &k);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.lines[0], "{\"exe\":{\"path\":\"p\"," ABC_HASHES "},\"x\":1}");
	/* checked against the kernel's view: the first through the threads,
	 * the next from the loop's cache, at once */
	encoded(&e, &line, path);
	checked(&e, path);
	files_submit(&f, e.ev, e.reqs, e.n, collect, &k);
	assert_int_equal(k.n, 1);
	files_flush(&f, 5000, collect, &k);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.lines[1], k.lines[0]);
	encoded(&e, &line, path);
	checked(&e, path);
	files_submit(&f, e.ev, e.reqs, e.n, collect, &k);
	assert_int_equal(k.n, 3);
	assert_string_equal(k.lines[2], k.lines[0]);
	files_free(&f);
	strbuf_free(&line);
}

/* A file through the process's fd (/dev/fd/N is its, not the sensor's), and
 * a process that is gone in another mount namespace: no digests. */
static void test_task_view(void **state)
{
	struct files f;
	struct req_set e;
	struct strbuf line;
	struct sink k = {0};
	char path[256], other[256];
	int fd;

	make_file("mine", "abc", path);
	make_file("other", "xyz", other);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	strbuf_init(&line);
	assert_int_equal(files_init(&f, true, 1 << 20), 0);
	encoded(&e, &line, "/dev/fd/0");
	snprintf(e.reqs[0].path, sizeof(e.reqs[0].path), "/dev/fd/%d", fd);
	files_submit(&f, e.ev, e.reqs, e.n, collect, &k);
	files_flush(&f, 5000, collect, &k);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.lines[0], "{\"exe\":{\"path\":\"p\"," ABC_HASHES "},\"x\":1}");
	/* a pid whose start time is not the process's: never its files */
	encoded(&e, &line, other);
	e.reqs[0].start_ns = 1;
	e.reqs[0].mnt_ns = 1;
	files_submit(&f, e.ev, e.reqs, e.n, collect, &k);
	files_flush(&f, 5000, collect, &k);
	assert_int_equal(k.n, 2);
	assert_non_null(strstr(k.lines[1], "\"sha256\":\"\""));
	assert_non_null(strstr(k.lines[1], "\"error\":\"process gone: its files cannot be reached\""));
	/* gone, in the sensor's mount namespace but another root (a chroot):
	 * never the file at that path in the sensor's root */
	encoded(&e, &line, other);
	e.reqs[0].start_ns = 1;
	e.reqs[0].root_ino += 1;
	files_submit(&f, e.ev, e.reqs, e.n, collect, &k);
	files_flush(&f, 5000, collect, &k);
	assert_int_equal(k.n, 3);
	assert_non_null(strstr(k.lines[2], "\"error\":\"process gone: its files cannot be reached\""));
	/* and in the sensor's own view: the file at that path */
	encoded(&e, &line, other);
	e.reqs[0].start_ns = 1;
	files_submit(&f, e.ev, e.reqs, e.n, collect, &k);
	files_flush(&f, 5000, collect, &k);
	assert_int_equal(k.n, 4);
	assert_non_null(strstr(k.lines[3], "\"error\":null"));
	close(fd);
	files_free(&f);
	strbuf_free(&line);
}

static void test_not_there_or_not_regular(void **state)
{
	struct files f;
	struct req_set e;
	struct strbuf line;
	struct sink k = {0};
	char fifo[256];

	strbuf_init(&line);
	assert_int_equal(files_init(&f, true, 1 << 20), 0);
	encoded(&e, &line, "/nonexistent/kn-unit");
	files_submit(&f, e.ev, e.reqs, e.n, collect, &k);
	files_flush(&f, 5000, collect, &k);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.lines[0],
			    "{\"exe\":{\"path\":\"p\",\"magic\":\"\",\"md5\":\"\",\"sha1\":\"\",\"sha256\":\"\","
			    "\"sha512\":\"\",\"size\":0,\"error\":\"gone\"},\"x\":1}");
	/* a FIFO nobody writes: opening it to read would block */
	sprintf(fifo, "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	encoded(&e, &line, fifo);
	files_submit(&f, e.ev, e.reqs, e.n, collect, &k);
	files_flush(&f, 5000, collect, &k);
	assert_int_equal(k.n, 2);
	assert_non_null(strstr(k.lines[1], "\"error\":\"not a regular file\""));
	/* the kernel's file was replaced: no digests of another file */
	make_file("swapped", "abc", fifo);
	encoded(&e, &line, fifo);
	e.reqs[0].by_exe = 1;
	e.reqs[0].tgid = 0; /* no such process: by path, and the identity differs */
	e.reqs[0].size = 3;
	e.reqs[0].ctime_ns = 1;
	files_submit(&f, e.ev, e.reqs, e.n, collect, &k);
	files_flush(&f, 5000, collect, &k);
	assert_int_equal(k.n, 3);
	assert_non_null(strstr(k.lines[2], "\"error\":\"changed since the kernel saw it\""));
	files_free(&f);
	strbuf_free(&line);
}

static void test_disabled_passes_through(void **state)
{
	struct files f;
	struct req_set e;
	struct strbuf line;
	struct sink k = {0};

	strbuf_init(&line);
	assert_int_equal(files_init(&f, false, 0), 0);
	memset(&e, 0, sizeof(e));
	e.ev = ev_new();
	ev_u64(e.ev, "a", 1);
	files_submit(&f, e.ev, e.reqs, e.n, collect, &k);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.lines[0], "{\"a\":1}");
	assert_int_equal(files_fd(&f), -1);
	files_free(&f);
	strbuf_free(&line);
}

/* Opens of the files named "hang*" block until the test writes a byte
 * per open to this pipe (a FUSE file system that does not answer). */
static int hang_pipe[2];

static int open_or_hang(const struct file_req *r, const struct fileopen_self *me, const char **why)
{
	char c;

	if (!strstr(r->path, "/hang"))
		return fileopen_req(r, me, why);
	if (read(hang_pipe[0], &c, 1) != 1)
		return -1;
	*why = "released";
	return -1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Three opens that hang hold more than the threads there are: they are
 * left to themselves, new threads hash the next file at once, and the stop
 * does not wait for them. */
static struct files hung;

static void test_hung_opens(void **state)
{
	struct req_set e;
	struct strbuf line;
	struct sink k = {0};
	char path[256];
	uint64_t t0;

	assert_int_equal(pipe(hang_pipe), 0);
	strbuf_init(&line);
	assert_int_equal(files_init(&hung, true, 1 << 20), 0);
	hung.hasher->open = open_or_hang;
	hung.hasher->stuck_ns = 100 * 1000000ULL;
	hung.hasher->stop_ns = 300 * 1000000ULL;
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/hang%d", dir, i);
		encoded(&e, &line, path);
		files_submit(&hung, e.ev, e.reqs, e.n, collect, &k);
	}
	make_file("after_hang", "abc", path);
	encoded(&e, &line, path);
	files_submit(&hung, e.ev, e.reqs, e.n, collect, &k);
	t0 = now_ms();
	while (k.n < 1 && now_ms() - t0 < 4000) {
		usleep(20 * 1000);
		files_poll(&hung, true, collect, &k); /* the loop's timer */
	}
	assert_int_equal(k.n, 1);
	assert_string_equal(k.lines[0], "{\"exe\":{\"path\":\"p\"," ABC_HASHES "},\"x\":1}");
	assert_true(now_ms() - t0 < 2000);
	/* (the file may have been hashed before the third open was found stuck) */
	while (hung.hasher->stuck < 3 && now_ms() - t0 < 4000) {
		usleep(20 * 1000);
		files_poll(&hung, true, collect, &k);
	}
	assert_int_equal(hung.hasher->stuck, 3);
	assert_int_equal(hung.hasher->serving, HASHER_THREADS);
	t0 = now_ms();
	files_free(&hung);
	assert_true(now_ms() - t0 < 1000);
	/* the threads left behind end when their opens do */
	assert_int_equal(write(hang_pipe[1], "xxx", 3), 3);
	usleep(100 * 1000);
	close(hang_pipe[0]);
	close(hang_pipe[1]);
	strbuf_free(&line);
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_fd),
		cmocka_unit_test(test_spliced_async_then_cached),
		cmocka_unit_test(test_not_there_or_not_regular),
		cmocka_unit_test(test_task_view),
		cmocka_unit_test(test_disabled_passes_through),
		cmocka_unit_test(test_hung_opens),
	};

	return cmocka_run_group_tests_name("files", tests, setup, teardown);
}
