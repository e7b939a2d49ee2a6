/*
 * The sensor's userland cost per event, alone: records as the kernel side
 * sends them (an exec, a fork, 6 executable mappings, 10 first reads, a
 * connect and an exit per round: a process starting), decoded, run
 * through the process model and written as JSON lines to an output, as
 * the event loop does; digests off (they are the hasher threads' work).
 * Prints the CPU time (user + system) per event in ns and the events per
 * second one core serializes.
 *
 *   build/bench/serialize [ROUNDS] [OUTPUT]    (default 20000, /dev/null)
 *
 * With --replay, the records a sensor saved (kunai run --record FILE)
 * instead, REPEAT times over (bench/replay.py records a workload):
 *
 *   build/bench/serialize --replay FILE [REPEAT] [OUTPUT]   (default 20)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "decode/decode.h"
#include "serialize/json.h"
#include "kunai/wire.h"
#include "model/proctable.h"
#include "output/sink.h"
#include "sensor/host.h"
#include "util/records.h"

#define EVENTS_PER_ROUND 20

static unsigned char rec[8192];

static void task(struct kn_task *t, uint32_t tgid, uint32_t ppid, const char *comm)
{
	memset(t, 0, sizeof(*t));
	t->start_boottime = 1000000000ULL * tgid;
	t->pid = t->tgid = tgid;
	t->ppid = ppid;
	t->uid = t->gid = t->euid = t->egid = 1000;
	t->mnt_ns = 4026531841u;
	t->pid_ns = 4026531836u;
	t->net_ns = 4026531840u;
	t->uts_ns = 4026531838u;
	t->ipc_ns = 4026531839u;
	t->cgroup_ns = 4026531835u;
	t->flags = 0x400000;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
}

static void header(struct kn_header *h, uint32_t type, uint32_t tgid, uint64_t ktime)
{
	h->type = type;
	h->ktime = ktime;
	task(&h->task, tgid, 900, "ls");
	task(&h->parent, 900, 1, "bash");
}

/* A string in the record's tail at *o. */
static void put(struct kn_str *s, size_t *o, const void *p, size_t n)
{
	s->off = (uint32_t)*o;
	s->len = (uint32_t)n;
	memcpy(rec + *o, p, n);
	rec[*o + n] = 0;
	*o += n + 1;
}

static size_t rec_exec(uint32_t tgid, uint64_t t)
{
	static const char argv[] = "ls\0-la\0--color=auto\0/var/log/journal";
	struct kn_exec *x = (struct kn_exec *)rec;
	size_t o = sizeof(*x);

	memset(x, 0, sizeof(*x));
	header(&x->hdr, KN_EXECVE, tgid, t);
	put(&x->exe, &o, "/usr/bin/ls", 11);
	put(&x->filename, &o, "/usr/bin/ls", 11);
	put(&x->cwd, &o, "/home/user/project", 18);
	put(&x->argv, &o, argv, sizeof(argv) - 1);
	x->argc = 4;
	x->exe_size = 151344;
	x->hdr.size = (uint32_t)o;
	return o;
}

static size_t rec_sys(uint32_t type, uint32_t sc, uint32_t tgid, uint64_t t, const char *path)
{
	struct kn_sys *x = (struct kn_sys *)rec;
	size_t o = sizeof(*x);

	memset(x, 0, sizeof(*x));
	header(&x->hdr, type, tgid, t);
	x->sc = sc;
	if (path)
		put(&x->str[0], &o, path, strlen(path));
	x->hdr.size = (uint32_t)o;
	return o;
}

/* One record as the loop takes it: decoded, each event written. */
static void take(struct decoder *dec, const void *r, size_t size, struct sinks *sinks, struct strbuf *line,
		 uint64_t *events, uint64_t *bytes)
{
	struct event *evs[DECODE_EVENTS_MAX];
	int ne = decode_record(dec, r, size, evs);

	for (int i = 0; i < ne; i++) {
		strbuf_reset(line);
		json_event(evs[i], line);
		ev_put(evs[i]);
		sinks_write(sinks, line->buf, line->len);
		(*events)++;
		*bytes += line->len + 1;
	}
}

static double cpu_ns(const struct rusage *a, const struct rusage *b)
{
	return ((double)(b->ru_utime.tv_sec - a->ru_utime.tv_sec) + (double)(b->ru_stime.tv_sec - a->ru_stime.tv_sec)) *
		       1e9 +
	       ((double)(b->ru_utime.tv_usec - a->ru_utime.tv_usec) +
		(double)(b->ru_stime.tv_usec - a->ru_stime.tv_usec)) *
		       1e3;
}

static void report(uint64_t events, uint64_t bytes, double ns)
{
	printf("%llu events, %.0f bytes each: %.0f ns of CPU per event, %.0f events/s on one core\n",
	       (unsigned long long)events, events ? (double)bytes / (double)events : 0.0,
	       events ? ns / (double)events : 0.0, ns > 0 ? (double)events * 1e9 / ns : 0.0);
}

static int open_output(struct sinks *sinks, const char *out)
{
	char err[256];

	sinks_init(sinks, 64 << 20);
	if (strcmp(out, "/dev/null") ? sinks_add_file(sinks, out, err, sizeof(err)) != 0
				     : sinks_add_fd(sinks, open(out, O_WRONLY | O_CLOEXEC), out) != 0) {
		fprintf(stderr, "serialize: cannot write to %s\n", out);
		return -1;
	}
	return 0;
}

/* What both runs take records through: the host, the process model, the
 * output, the decoder, a line. */
static int setup(struct host *h, struct proctable *pt, struct sinks *sinks, const char *out, struct decoder *dec,
		 struct strbuf *line)
{
	host_init(h);
	if (proctable_init(pt, 1 << 12, 1 << 16) || open_output(sinks, out))
		return -1;
	decoder_init(dec, h, pt);
	strbuf_init(line);
	return 0;
}

/* The saved records, repeat times: the process model sees the same
 * processes again each time, as after a pid wraps. */
static int replay(const char *path, long repeat, const char *out)
{
	struct records_in in;
	struct proctable pt;
	struct decoder dec;
	struct strbuf line;
	struct sinks sinks;
	struct rusage a, b;
	struct host h;
	uint64_t events = 0, bytes = 0, records = 0;
	const void *r;
	uint32_t size;
	char why[512];

	if (records_load(&in, path, why, sizeof(why))) {
		fprintf(stderr, "serialize: %s\n", why);
		return 2;
	}
	if (setup(&h, &pt, &sinks, out, &dec, &line))
		return 1;
	getrusage(RUSAGE_SELF, &a);
	for (long k = 0; k < repeat; k++) {
		records_rewind(&in);
		while ((r = records_next(&in, &size))) {
			take(&dec, r, size, &sinks, &line, &events, &bytes);
			records++;
		}
	}
	sinks_flush(&sinks);
	getrusage(RUSAGE_SELF, &b);
	printf("%llu records of %s, %ld times: ", (unsigned long long)records / (repeat ? (unsigned long)repeat : 1),
	       path, repeat);
	report(events, bytes, cpu_ns(&a, &b));
	sinks_close(&sinks);
	decoder_free(&dec);
	proctable_free(&pt);
	host_free(&h);
	strbuf_free(&line);
	records_free(&in);
	return events ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const char *libs[] = {
		"/usr/lib/x86_64-linux-gnu/libselinux.so.1", "/usr/lib/x86_64-linux-gnu/libc.so.6",
		"/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0", "/usr/lib/x86_64-linux-gnu/libcap.so.2",
		"/usr/lib/x86_64-linux-gnu/libacl.so.1",     "/usr/lib/x86_64-linux-gnu/libattr.so.1"};
	static const char *reads[] = {"/etc/ld.so.cache",
				      "/etc/passwd",
				      "/etc/group",
				      "/etc/nsswitch.conf",
				      "/proc/filesystems",
				      "/usr/lib/locale/locale-archive",
				      "/etc/localtime",
				      "/var/log/journal/a.journal",
				      "/home/user/project/notes.txt",
				      "/etc/hosts"};
	long rounds;
	const char *out = argc > 2 ? argv[2] : "/dev/null";
	struct proctable pt;
	struct decoder dec;
	struct strbuf line;
	struct sinks sinks;
	struct rusage a, b;
	struct host h;
	uint64_t t = 1000000000ULL, events = 0, bytes = 0;

	if (argc > 1 && !strcmp(argv[1], "--replay")) {
		if (argc < 3) {
			fprintf(stderr, "usage: serialize --replay FILE [REPEAT] [OUTPUT]\n");
			return 2;
		}
		return replay(argv[2], argc > 3 ? atol(argv[3]) : 20, argc > 4 ? argv[4] : "/dev/null");
	}
	rounds = argc > 1 ? atol(argv[1]) : 20000;
	if (setup(&h, &pt, &sinks, out, &dec, &line))
		return 1;
	getrusage(RUSAGE_SELF, &a);
	for (long r = 0; r < rounds; r++) {
		uint32_t tgid = 10000 + (uint32_t)(r % 20000);
		size_t sizes[EVENTS_PER_ROUND];
		int n = 0;

		for (int k = 0; k < EVENTS_PER_ROUND; k++) {
			size_t size;

			if (k == 0) {
				struct kn_clone *c = (struct kn_clone *)rec;

				memset(c, 0, sizeof(*c));
				header(&c->hdr, KN_CLONE, tgid, t);
				c->hdr.task.ppid = 900;
				c->flags = 0x1200011;
				size = c->hdr.size = sizeof(*c);
			} else if (k == 1) {
				size = rec_exec(tgid, t);
			} else if (k < 8) {
				size = rec_sys(KN_MMAP_EXEC, KN_SC_MMAP, tgid, t, libs[k - 2]);
			} else if (k < 18) {
				size = rec_sys(k < 11 ? KN_READ_CONFIG : KN_READ, KN_SC_READ, tgid, t, reads[k - 8]);
			} else if (k == 18) {
				struct kn_sys *x;

				size = rec_sys(KN_CONNECT, KN_SC_CONNECT, tgid, t, NULL);
				x = (struct kn_sys *)rec;
				x->sock = (struct kn_sock){.family = 2, .type = 1, .proto = 6, .state = 1};
				x->sock.src = (struct kn_addr){
					.family = 2, .port = 40000 + (uint16_t)(r % 20000), .addr = {10, 0, 0, 2}};
				x->sock.dst = (struct kn_addr){.family = 2, .port = 443, .addr = {93, 184, 215, 14}};
			} else {
				struct kn_exit *x = (struct kn_exit *)rec;

				memset(x, 0, sizeof(*x));
				header(&x->hdr, KN_EXIT_GROUP, tgid, t);
				x->group_dead = 1;
				size = x->hdr.size = sizeof(*x);
			}
			sizes[n++] = size;
			t += 1000;
			take(&dec, rec, size, &sinks, &line, &events, &bytes);
		}
		(void)sizes;
	}
	sinks_flush(&sinks);
	getrusage(RUSAGE_SELF, &b);
	report(events, bytes, cpu_ns(&a, &b));
	sinks_close(&sinks);
	decoder_free(&dec);
	strbuf_free(&line);
	return events == (uint64_t)rounds * EVENTS_PER_ROUND ? 0 : 1;
}
