#include "sensor/sensor.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "decode/decode.h"
#include "enrich/files.h"
#include "event/types.h"
#include "model/procfs.h"
#include "serialize/json.h"
#include "util/records.h"
#include "sensor/loss.h"
#include "sensor/probes.h"

#define SWEEP_EVERY 60 /* seconds */
#define PROCS_MAX (1u << 20)

struct sensor {
	const struct sensor_opts *opts;
	struct probes probes;
	struct ring_buffer *rb;
	struct sinks sinks;
	struct host host;
	struct proctable pt;
	struct decoder dec;
	struct files files;
	struct loss loss;
	struct loss throttled; /* file events dropped by throttling (kn_throttled) */
	struct strbuf line;
	struct records_out records; /* --record */
	int ncpus;
	uint64_t read_total, read_at_report, report_ns;
	uint64_t written;
	uint32_t batch_left; /* records this wake-up may still take */
	struct sensor_drops drops_reported; /* totals at the last event_loss */
	uint64_t names_total; /* kn_counts' names not kept, at the last look */
	bool wc_sweep_due; /* write_close losses seen: entries of gone processes */
};

/* Records consumed per wake-up before signals and timers get their turn:
 * under a storm the ring buffer never empties, and a stop must not wait. */
#define BATCH_MAX 4096
#define SINK_DRAIN_MS 2000 /* at stop, for outputs holding lines back */

int sensor_preflight(void)
{
	struct stat st;

	if (geteuid() != 0) {
		fprintf(stderr, "kunai: must run as root: it loads eBPF programs into the kernel.\n");
		return 1;
	}
	if (stat("/sys/kernel/btf/vmlinux", &st)) {
		fprintf(stderr, "kunai: this kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing): "
				"Kunai needs a kernel built with CONFIG_DEBUG_INFO_BTF=y.\n");
		return 1;
	}
	return 0;
}

static void emit_line(struct sensor *s)
{
	sinks_write(&s->sinks, s->line.buf, s->line.len);
	s->written++;
	strbuf_reset(&s->line);
	strbuf_shrink(&s->line, 1 << 20);
}

/* A complete event, from the decoder or from the file digests: written
 * as JSON, once, and given back to the pool. */
static void emit_event(void *ctx, struct event *ev)
{
	struct sensor *s = ctx;

	strbuf_reset(&s->line);
	json_event(ev, &s->line);
	ev_put(ev);
	emit_line(s);
}

static void handle_record(struct sensor *s, void *data, size_t size)
{
	const struct kn_header *h = data;
	struct event *evs[DECODE_EVENTS_MAX];
	uint64_t bit;
	int n;

	s->read_total++;
	records_save(&s->records, data, (uint32_t)size);
	if (size < sizeof(*h))
		return;
	/* (an error record is always reported) */
	bit = h->type < 64 ? 1ULL << h->type : h->type == KN_REC_ERROR ? ~0ULL : 0;
	/* The lifecycle (types up to KN_CLONE) always goes through the
	 * decoder, which keeps the process model, even when not reported. */
	if (!(s->opts->enabled & bit) && h->type > KN_CLONE)
		return;
	n = decode_record(&s->dec, data, size, evs);
	if (n < 0) {
		if (s->opts->verbose)
			fprintf(stderr, "kunai: malformed record of %zu bytes skipped\n", size);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (!(s->opts->enabled & bit))
			ev_put(evs[i]);
		else /* (only a record's single event has files) */
			files_submit(&s->files, evs[i], s->dec.reqs, i ? 0 : s->dec.nreqs, emit_event, s);
	}
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct sensor *s = ctx;

	handle_record(s, data, size);
	/* The record is consumed either way; a negative return only ends
	 * this round of consumption. */
	if (s->batch_left && --s->batch_left == 0)
		return -EAGAIN;
	return 0;
}

/* The kernel's running totals per type of a per-CPU counter map. */
static void percpu_totals(struct sensor *s, const char *map, uint64_t totals[KN_TYPE_MAX])
{
	uint64_t *vals = calloc((size_t)s->ncpus, sizeof(uint64_t));
	struct bpf_map *m = probes_map(&s->probes, map);

	memset(totals, 0, KN_TYPE_MAX * sizeof(totals[0]));
	if (!vals || !m) {
		free(vals);
		return;
	}
	for (uint32_t t = 0; t < KN_TYPE_MAX; t++) {
		if (!bpf_map_lookup_elem(bpf_map__fd(m), &t, vals))
			totals[t] = loss_sum_percpu(vals, s->ncpus);
	}
	free(vals);
}

static void loss_check(struct sensor *s)
{
	uint64_t totals[KN_TYPE_MAX], delta[KN_TYPE_MAX], tdelta[KN_TYPE_MAX], lost, throttled, now, read, dropped = 0;
	struct output_drop drops[SINKS_MAX];
	struct sensor_drops sd;
	double secs;

	percpu_totals(s, "kn_loss", totals);
	lost = loss_update(&s->loss, totals, delta);
	percpu_totals(s, "kn_throttled", totals);
	throttled = loss_update(&s->throttled, totals, tdelta);
	if (delta[KN_WRITE_CLOSE])
		s->wc_sweep_due = true;
	for (int i = 0; i < s->sinks.n; i++) {
		struct sink *k = &s->sinks.s[i];

		drops[i].name = k->name;
		drops[i].lines = k->dropped - k->dropped_reported;
		k->dropped_reported = k->dropped;
		dropped += drops[i].lines;
	}
	{
		uint64_t names = 0, *v = calloc((size_t)s->ncpus, sizeof(uint64_t));
		uint32_t k = KN_COUNT_NAMES_NOT_KEPT;
		struct bpf_map *m = probes_map(&s->probes, "kn_counts");

		if (v && m && !bpf_map_lookup_elem(bpf_map__fd(m), &k, v))
			names = loss_sum_percpu(v, s->ncpus);
		free(v);
		sd.names_not_kept = names - s->drops_reported.names_not_kept;
		s->names_total = names;
	}
	sd.malformed = s->dec.malformed - s->drops_reported.malformed;
	sd.proc_refused = s->pt.refused - s->drops_reported.proc_refused;
	sd.hash_full = s->files.overflow - s->drops_reported.hash_full;
	sd.hash_late = s->files.timed_out - s->drops_reported.hash_late;
	if (!lost && !throttled && !dropped && !sd.malformed && !sd.proc_refused && !sd.hash_full && !sd.hash_late &&
	    !sd.names_not_kept)
		return;
	s->drops_reported.names_not_kept = s->names_total;
	s->drops_reported.malformed = s->dec.malformed;
	s->drops_reported.proc_refused = s->pt.refused;
	s->drops_reported.hash_full = s->files.overflow;
	s->drops_reported.hash_late = s->files.timed_out;
	now = clock_ns(CLOCK_BOOTTIME);
	read = s->read_total - s->read_at_report;
	secs = (double)(now - s->report_ns) / 1e9;
	emit_event(s, decode_loss(&s->dec, read, lost, secs > 0 ? (double)(read + lost) / secs : 0, delta, tdelta,
				  drops, s->sinks.n, &sd));
	s->read_at_report = s->read_total;
	s->report_ns = now;
}

/* The files written through by processes that are gone, left in kn_wc_open
 * when their close went unseen (already counted lost at their exit): the
 * process's count entry went with its last thread, so an entry whose
 * process has none is removed. Keeps the map from filling over time. */
static void wc_sweep(struct sensor *s)
{
	struct bpf_map *open_m = probes_map(&s->probes, "kn_wc_open");
	struct bpf_map *procs_m = probes_map(&s->probes, "kn_wc_procs");
	struct kn_wc_key key, next, *gone = NULL;
	struct kn_wc_proc_key pk = {0};
	size_t n = 0, cap = 0;
	uint32_t count;
	void *prev = NULL;
	int ofd, pfd;

	s->wc_sweep_due = false;
	if (!open_m || !procs_m || !(s->opts->enabled & (1ULL << KN_WRITE_CLOSE)))
		return;
	ofd = bpf_map__fd(open_m);
	pfd = bpf_map__fd(procs_m);
	while (!bpf_map_get_next_key(ofd, prev, &next)) {
		key = next;
		prev = &key;
		pk.start = key.start;
		pk.tgid = key.tgid;
		if (!bpf_map_lookup_elem(pfd, &pk, &count))
			continue; /* its process is alive */
		if (n == cap) {
			size_t c = cap ? cap * 2 : 64;
			struct kn_wc_key *g = realloc(gone, c * sizeof(*g));

			if (!g)
				break;
			gone = g;
			cap = c;
		}
		gone[n++] = key;
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(ofd, &gone[i]);
	if (n && s->opts->verbose)
		fprintf(stderr, "kunai: write_close: %zu entries of gone processes removed\n", n);
	free(gone);
}

static int probes_load(struct sensor *s)
{
	const struct sensor_opts *o = s->opts;
	struct probes_opts po = {
		.enabled = o->enabled,
		.self_tgid = (uint32_t)getpid(),
		.send_min = o->send_min,
		.ringbuf_mb = o->ringbuf_mb,
		/* woken per batch: the loop polls every KN_POLL_MS anyway */
		.wakeup_bytes = ((uint64_t)o->ringbuf_mb << 20) / 8,
		.watch = o->watch,
		.max_eps_fs = o->max_eps_fs,
		.verbose = o->verbose,
		.no_helpers = o->no_helpers,
	};

	return probes_start(&s->probes, &po);
}

/* Detaching takes seconds (see probes_detach): it runs in a thread while
 * the loop goes on reading the ring buffer, so that a stop under load
 * loses nothing; the thread says it is done on an eventfd. */
struct detacher {
	struct sensor *s;
	int efd;
	pthread_t th;
	int started;
};

static void *detach_thread(void *arg)
{
	struct detacher *d = arg;
	uint64_t one = 1;

	probes_detach(&d->s->probes);
	if (write(d->efd, &one, sizeof(one)) < 0)
		return NULL;
	return NULL;
}

static void drain(struct sensor *s)
{
	/* Links are gone: what is in the ring buffer is all there will be. */
	s->batch_left = 0;
	while (ring_buffer__consume(s->rb) > 0)
		;
	loss_check(s);
}

static bool polled_ring(const struct epoll_event *evs, int n, int rbfd)
{
	for (int i = 0; i < n; i++) {
		if (evs[i].data.fd == rbfd)
			return true;
	}
	return false;
}

static int event_loop(struct sensor *s, int sfd, int tfd)
{
	struct epoll_event ev, evs[8];
	int ep = epoll_create1(EPOLL_CLOEXEC), rbfd = ring_buffer__epoll_fd(s->rb);
	struct detacher d = {s, eventfd(0, EFD_CLOEXEC), 0, 0};
	unsigned ticks = 0;
	int rc = 0;

	if (ep < 0 || d.efd < 0) {
		rc = -errno;
		goto out;
	}
	ev.events = EPOLLIN;
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	ev.data.fd = tfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	ev.data.fd = rbfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, rbfd, &ev);
	ev.data.fd = d.efd;
	epoll_ctl(ep, EPOLL_CTL_ADD, d.efd, &ev);
	if (files_fd(&s->files) >= 0) {
		ev.data.fd = files_fd(&s->files);
		epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev);
	}
	for (;;) {
		/* Outputs holding lines back are retried every few ms; records
		 * are taken every KN_POLL_MS, woken or not (the kernel side
		 * wakes the loop only for a full batch). */
		int n = epoll_wait(ep, evs, 8, sinks_flush(&s->sinks) ? 10 : KN_POLL_MS);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		if (n == 0 || !polled_ring(evs, n, rbfd)) {
			s->dec.batch++;
			s->batch_left = BATCH_MAX;
			ring_buffer__consume(s->rb);
		}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == rbfd) {
				s->dec.batch++;
				s->batch_left = BATCH_MAX;
				ring_buffer__consume(s->rb);
			} else if (fd == tfd) {
				uint64_t exp;

				if (read(tfd, &exp, sizeof(exp)) < 0)
					continue;
				loss_check(s);
				files_poll(&s->files, true, emit_event, s);
				if (++ticks % SWEEP_EVERY == 0) {
					host_refresh(&s->host);
					procfs_sweep(&s->pt, "/proc");
					wc_sweep(s);
				} else if (s->wc_sweep_due) {
					wc_sweep(s);
				}
			} else if (fd == sfd) {
				struct signalfd_siginfo si;

				if (read(sfd, &si, sizeof(si)) != sizeof(si))
					continue;
				if (si.ssi_signo == SIGHUP) {
					/* log rotation: the files were moved, reopen them */
					sinks_reopen(&s->sinks);
					continue;
				}
				if (s->opts->verbose)
					fprintf(stderr, "kunai: signal %u, stopping\n", si.ssi_signo);
				if (d.started)
					continue; /* stopping already */
				if (pthread_create(&d.th, NULL, detach_thread, &d)) {
					probes_detach(&s->probes); /* no thread: detach here */
					goto out;
				}
				d.started = 1;
			} else if (fd == d.efd) {
				goto out; /* detached: what is buffered is all there is */
			} else if (fd == files_fd(&s->files)) {
				files_poll(&s->files, false, emit_event, s);
			}
		}
	}
out:
	if (d.started)
		pthread_join(d.th, NULL);
	if (d.efd >= 0)
		close(d.efd);
	if (ep >= 0)
		close(ep);
	return rc;
}

int sensor_run(const struct sensor_opts *o)
{
	struct sensor s;
	struct itimerspec its = {{1, 0}, {1, 0}};
	struct start_info si = {.version = KUNAI_VERSION};
	char err[512], exe[4096];
	sigset_t mask;
	int sfd = -1, tfd = -1, rc = 1;
	ssize_t n;

	if (sensor_preflight())
		return 1;
	memset(&s, 0, sizeof(s));
	s.opts = o;
	s.ncpus = libbpf_num_possible_cpus();
	if (s.ncpus <= 0) {
		fprintf(stderr, "kunai: cannot count the CPUs: %s\n", strerror(-s.ncpus));
		return 1;
	}
	strbuf_init(&s.line);
	sinks_init(&s.sinks, (size_t)o->queue_mb << 20);
	if (!o->no_stdout)
		sinks_add_fd(&s.sinks, STDOUT_FILENO, "stdout");
	if (o->to_stderr)
		sinks_add_fd(&s.sinks, STDERR_FILENO, "stderr");
	for (int i = 0; i < o->n_outputs; i++) {
		if (sinks_add_file(&s.sinks, o->outputs[i], err, sizeof(err))) {
			fprintf(stderr, "kunai: %s\n", err);
			goto out;
		}
	}
	if (o->record && records_open(&s.records, o->record, err, sizeof(err))) {
		fprintf(stderr, "kunai: --record: %s\n", err);
		goto out;
	}

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (sfd < 0 || tfd < 0 || timerfd_settime(tfd, 0, &its, NULL)) {
		fprintf(stderr, "kunai: cannot set up signals and timers: %s\n", strerror(errno));
		goto out;
	}

	if (proctable_init(&s.pt, 65536, PROCS_MAX)) {
		fprintf(stderr, "kunai: out of memory\n");
		goto out;
	}
	host_init(&s.host);
	if (o->host_uuid[0]) {
		/* the configuration's */
		snprintf(s.host.uuid, sizeof(s.host.uuid), "%s", o->host_uuid);
		host_refresh(&s.host);
	}
	decoder_init(&s.dec, &s.host, &s.pt);
	s.dec.hash_files = o->hash_max_mb > 0;
	if (files_init(&s.files, s.dec.hash_files, (uint64_t)o->hash_max_mb << 20)) {
		fprintf(stderr, "kunai: cannot start the hashing threads\n");
		goto out;
	}
	if (probes_load(&s))
		goto out;
	/* Seed after attaching: a process that starts in between is seen by
	 * both, and the model takes the kernel's word for it. */
	procfs_seed(&s.pt, "/proc");
	s.rb = ring_buffer__new(bpf_map__fd(probes_map(&s.probes, "kn_events")), on_record, &s, NULL);
	if (!s.rb) {
		fprintf(stderr, "kunai: cannot read the ring buffer: %s\n", strerror(errno));
		goto out;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	si.exe = exe;
	si.config_sha256 = o->config_sha256[0] ? o->config_sha256 : NULL;
	/* the start line waits for its binary's digests as an execve does,
	 * on the hasher's threads */
	files_submit(&s.files, decode_start(&s.dec, &si), s.dec.reqs, s.dec.nreqs, emit_event, &s);
	s.report_ns = clock_ns(CLOCK_BOOTTIME);

	rc = event_loop(&s, sfd, tfd) ? 1 : 0;
	probes_detach(&s.probes);
	drain(&s);
	files_flush(&s.files, SINK_DRAIN_MS, emit_event, &s);
	sinks_drain(&s.sinks, SINK_DRAIN_MS);
	if (o->verbose)
		fprintf(stderr, "kunai: %llu events read, %llu lost, %llu malformed\n",
			(unsigned long long)s.read_total, (unsigned long long)s.loss.lost_total,
			(unsigned long long)s.dec.malformed);
out:
	if (records_close(&s.records) && rc == 0) {
		fprintf(stderr, "kunai: --record: the records were not all written\n");
		rc = 1;
	}
	probes_detach(&s.probes);
	ring_buffer__free(s.rb);
	probes_stop(&s.probes);
	files_free(&s.files);
	if (s.dec.host)
		decoder_free(&s.dec);
	if (s.pt.buckets)
		proctable_free(&s.pt);
	host_free(&s.host);
	sinks_close(&s.sinks);
	strbuf_free(&s.line);
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	return rc;
}
