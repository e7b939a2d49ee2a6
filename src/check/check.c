#include "check/check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "check/triggers.h"
#include "event/types.h"
#include "sensor/host.h"
#include "sensor/loss.h"
#include "sensor/probes.h"
#include "sensor/sensor.h"

#define TRIGGER_TIMEOUT_MS 20000
#define SETTLE_MS 3000 /* after the actions, for their last events */
#define PIDS_MAX 256
#define SECURITYFS "/sys/kernel/security"

struct check {
	struct probes probes;
	char name[16]; /* what the actions' process names itself first */
	uint64_t fired;
	int pids[PIDS_MAX]; /* the processes of the actions */
	int npids;
	char notes[KN_TYPE_MAX][200];
	bool cannot[KN_TYPE_MAX]; /* the kernel refuses the action itself */
};

static bool pid_ours(const struct check *c, uint32_t tgid)
{
	for (int i = 0; i < c->npids; i++) {
		if ((uint32_t)c->pids[i] == tgid)
			return true;
	}
	return false;
}

/* The prctl(PR_SET_NAME) the actions begin with: their process's id as the
 * kernel knows it. */
static bool is_our_prctl(const struct check *c, const void *data, size_t size)
{
	const struct kn_sys *x = data;
	size_t n = strlen(c->name);

	if (size < sizeof(*x) || x->hdr.type != KN_PRCTL || x->args[0] != 15 /* PR_SET_NAME */)
		return false;
	if (x->str[0].len != n || x->str[0].off > size || size - x->str[0].off < n)
		return false;
	return !memcmp((const char *)data + x->str[0].off, c->name, n);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct check *c = ctx;
	const struct kn_header *h = data;

	if (size < sizeof(*h) || h->type >= KN_TYPE_MAX)
		return 0;
	if (is_our_prctl(c, data, size) && !pid_ours(c, h->task.tgid) && c->npids < PIDS_MAX)
		c->pids[c->npids++] = (int)h->task.tgid;
	/* a child of one of ours is ours */
	if (h->type == KN_CLONE && pid_ours(c, h->parent.tgid) && !pid_ours(c, h->task.tgid) && c->npids < PIDS_MAX)
		c->pids[c->npids++] = (int)h->task.tgid;
	if (pid_ours(c, h->task.tgid))
		c->fired |= 1ULL << h->type;
	return 0;
}

/* What the actions wrote (non-blocking: a process of theirs that outlived
 * them may hold the pipe open). */
static void read_notes(struct check *c, int fd)
{
	char buf[8192], *line, *save = NULL;
	ssize_t n, len = 0;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (len < (ssize_t)sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	buf[len] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		int t;

		if (!tab)
			continue;
		t = kn_type_by_name(line, (size_t)(tab - line));
		if (t < 0 || c->notes[t][0])
			continue;
		tab++;
		c->cannot[t] = *tab == '-';
		snprintf(c->notes[t], sizeof(c->notes[t]), "%s", tab + (*tab == '-'));
	}
}

/* ---- what the kernel is ----------------------------------------------- */

/* The active LSMs, from securityfs (mounted for the read if need be). */
static void active_lsms(char *out, size_t cap)
{
	struct stat st;
	int mounted = 0;

	host_read_line(SECURITYFS "/lsm", out, cap);
	if (out[0])
		return;
	if (!stat(SECURITYFS, &st) &&
	    !mount("securityfs", SECURITYFS, "securityfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		mounted = 1;
	host_read_line(SECURITYFS "/lsm", out, cap);
	if (mounted)
		umount2(SECURITYFS, MNT_DETACH);
	if (!out[0])
		snprintf(out, cap, "unknown (no %s/lsm)", SECURITYFS);
}

static const char *helper_state(const struct kfeatures *f, bool usable, int bit)
{
	return usable ? "yes" : (f->set_aside & bit) ? "set aside (--no-helper)" : "no";
}

static void print_kernel(const struct kfeatures *f)
{
	struct utsname u;
	struct stat st;
	char lsm[512];

	uname(&u);
	printf("kernel     %s %s (%s)\n", u.release, u.machine, u.version);
	if (!stat("/sys/kernel/btf/vmlinux", &st))
		printf("btf        /sys/kernel/btf/vmlinux (%.1f MiB)\n", (double)st.st_size / (1 << 20));
	else
		printf("btf        none: /sys/kernel/btf/vmlinux is missing (CONFIG_DEBUG_INFO_BTF)\n");
	active_lsms(lsm, sizeof(lsm));
	printf("lsm        %s\n", lsm);
	printf("helpers    bpf_loop %s, bpf_task_pt_regs %s, bpf_get_current_task_btf %s\n",
	       helper_state(f, f->bpf_loop, KN_HELPER_LOOP), helper_state(f, f->task_pt_regs, KN_HELPER_TASK_PT_REGS),
	       helper_state(f, f->current_task_btf, KN_HELPER_TASK_BTF));
}

static const char *uring_hook(const struct probes *p, char *buf, size_t cap)
{
	static const char *const shapes[] = {"(the request first)", "(ring, opcode, user data)",
					     "(ring, request, opcode, user data)"};

	for (int i = 0; i < p->nprogs; i++) {
		const struct probe *g = &p->progs[i];

		if (g->state == PROBE_NO_HOOK || !(g->types & (1ULL << KN_IO_URING_SQE)))
			continue;
		if (!strcmp(g->name, "kn_io_uring_submit_req"))
			return "io_uring_submit_req";
		if (p->feat.uring_shape < 0 || p->feat.uring_shape > 2)
			return "io_uring_submit_sqe (arguments of an unknown shape)";
		snprintf(buf, cap, "io_uring_submit_sqe %s", shapes[p->feat.uring_shape]);
		return buf;
	}
	return "no submission tracepoint";
}

/* ---- the check -------------------------------------------------------- */

static int64_t now_ms(void)
{
	return (int64_t)(clock_ns(CLOCK_MONOTONIC) / 1000000);
}

/* A directory for the file actions to mount a private tmpfs on. */
static int make_workdir(char *out, size_t cap)
{
	static const char *const bases[] = {"/tmp", "/run", "/dev/shm", "/var/tmp"};

	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		snprintf(out, cap, "%s/kunai-check.XXXXXX", bases[i]);
		if (mkdtemp(out))
			return 0;
	}
	return -1;
}

/* PROC_PID_INIT_INO: the inode of the initial PID namespace. */
static bool in_initial_pid_ns(void)
{
	struct stat st;

	return !stat("/proc/self/ns/pid", &st) && st.st_ino == 0xEFFFFFFCu;
}

static int run_actions(struct check *c, struct ring_buffer *rb)
{
	char workdir[256];
	int pfd[2], st = 0, done = 0;
	int64_t deadline, settle = 0;
	pid_t pid;

	{
		uint32_t r = (uint32_t)getpid();

		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r ^= (uint32_t)now_ms();
		snprintf(c->name, sizeof(c->name), "kn-check-%06x", r & 0xffffff);
	}
	if (make_workdir(workdir, sizeof(workdir))) {
		fprintf(stderr, "kunai: no writable directory for the file actions (/tmp, /run...): %s\n",
			strerror(errno));
		return -1;
	}
	if (pipe2(pfd, O_CLOEXEC)) {
		rmdir(workdir);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rmdir(workdir);
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		setpgid(0, 0);
		_exit(triggers_run(c->name, workdir, pfd[1]));
	}
	/* its own process group: a timeout kills all of it */
	setpgid(pid, pid);
	close(pfd[1]);
	/* In the initial PID namespace, the kernel knows it by this id too;
	 * elsewhere its prctl event tells (on_record). */
	if (in_initial_pid_ns())
		c->pids[c->npids++] = pid;
	deadline = now_ms() + TRIGGER_TIMEOUT_MS;
	for (;;) {
		ring_buffer__poll(rb, 100);
		if (!done && waitpid(pid, &st, WNOHANG) == pid) {
			done = 1;
			settle = now_ms() + SETTLE_MS;
		}
		if (!done && now_ms() > deadline) {
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			fprintf(stderr, "kunai: the actions did not finish in %d s\n", TRIGGER_TIMEOUT_MS / 1000);
			done = 1;
			settle = now_ms();
		}
		if (done && (now_ms() >= settle || (c->fired & c->probes.attached) == c->probes.attached))
			break;
	}
	ring_buffer__consume(rb);
	read_notes(c, pfd[0]);
	close(pfd[0]);
	rmdir(workdir);
	return 0;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

/* Why type t has no attached program. */
static const char *why_not(const struct probes *p, int t, bool *no_hook)
{
	const struct probe *g = probes_failed(p, t);

	*no_hook = !g;
	if (g)
		return g->reason;
	return t == KN_INIT_MODULE ? "this kernel has none of its hooks (no loadable modules)"
				   : "this kernel has none of its hooks";
}

/* One row of the table (id 0: the header), without trailing blanks. */
static void print_row(const char *name, unsigned id, const char *tier, const char *loaded, const char *attached,
		      const char *fired, const char *note)
{
	char row[512], ids[12];
	size_t n;

	snprintf(ids, sizeof(ids), "%u", id);
	snprintf(row, sizeof(row), "%-18s %4s  %-18s %-6s  %-8s  %-5s  %s", name, id ? ids : "id", tier, loaded,
		 attached, fired, note);
	n = strlen(row);
	while (n && row[n - 1] == ' ')
		row[--n] = 0;
	puts(row);
}

static int print_table(struct check *c, const int64_t loss[KN_TYPE_MAX])
{
	int fired = 0, supported = 0, failed = 0, cannot = 0;
	const struct probes *p = &c->probes;

	putchar('\n');
	print_row("event", 0, "tier", "loaded", "attached", "fired", "note");
	for (int t = 0; t < KN_TYPE_MAX; t++) {
		const struct kn_type_info *ti = kn_type_info((uint32_t)t);
		bool attached = p->attached & (1ULL << t), loaded = attached, no_hook = false;
		const char *fired_s = "-", *note = "";
		char buf[300];

		for (int i = 0; i < p->nprogs; i++) {
			if ((p->progs[i].types & (1ULL << t)) && p->progs[i].state == PROBE_NO_ATTACH)
				loaded = true;
		}
		if (!attached) {
			note = why_not(p, t, &no_hook);
			if (no_hook)
				cannot++;
			else
				failed++;
		} else if (c->cannot[t] && !(c->fired & (1ULL << t))) {
			fired_s = "-";
			snprintf(buf, sizeof(buf), "cannot happen here: %s", c->notes[t]);
			note = buf;
			cannot++;
		} else {
			supported++;
			if (c->fired & (1ULL << t)) {
				fired_s = "yes";
				fired++;
				if (p->partial & (1ULL << t)) {
					note = why_not(p, t, &no_hook);
					failed++;
				}
			} else {
				fired_s = "no";
				failed++;
				if (loss[t] > 0)
					snprintf(buf, sizeof(buf), "%lld records lost in the kernel",
						 (long long)loss[t]);
				else if (c->notes[t][0])
					snprintf(buf, sizeof(buf), "%s", c->notes[t]);
				else
					snprintf(buf, sizeof(buf), "no event within %d s of the action",
						 SETTLE_MS / 1000);
				note = buf;
			}
		}
		print_row(ti->name, ti->id, probe_tier(p, t), yes_no(loaded), yes_no(attached), fired_s, note);
	}
	printf("\n%d of %d events this kernel supports fired; %d cannot happen on this kernel; %d failed.\n", fired,
	       supported, cannot, failed);
	return failed ? 1 : 0;
}

static void read_loss(struct check *c, int64_t loss[KN_TYPE_MAX])
{
	struct bpf_map *m = probes_map(&c->probes, "kn_loss");
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *vals = ncpus > 0 ? calloc((size_t)ncpus, sizeof(uint64_t)) : NULL;

	for (uint32_t t = 0; t < KN_TYPE_MAX; t++) {
		loss[t] = 0;
		if (!m || !vals || bpf_map_lookup_elem(bpf_map__fd(m), &t, vals))
			continue;
		loss[t] = (int64_t)loss_sum_percpu(vals, ncpus);
	}
	free(vals);
}

static void print_object(const struct kfeatures *f)
{
	if (f->fentry)
		printf("object     yes: paths, files, targets, peers and times from the kernel's own hooks (fentry)\n");
	else
		printf("object     no: %s\n", f->fentry_why);
}

int check_kernel(int no_helpers)
{
	struct kfeatures f;

	if (sensor_preflight())
		return 1;
	kfeatures_probe(&f, no_helpers);
	print_kernel(&f);
	print_object(&f);
	return 0;
}

int check_run(int verbose, int no_helpers)
{
	struct probes_opts po = {
		.enabled = kn_types_all(),
		.self_tgid = (uint32_t)getpid(),
		.send_min = 512,
		.ringbuf_mb = 16,
		.verbose = verbose,
		.quiet = true,
		.no_helpers = no_helpers,
	};
	struct ring_buffer *rb = NULL;
	int64_t loss[KN_TYPE_MAX];
	char uring[96];
	struct check *c;
	int rc = 1;

	printf("kunai %s check: what this kernel lets the sensor see\n\n", KUNAI_VERSION);
	if (sensor_preflight())
		return 1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	if (probes_start(&c->probes, &po)) {
		print_kernel(&c->probes.feat);
		goto out;
	}
	print_kernel(&c->probes.feat);
	printf("probes     %s; syscall arguments %s\n", c->probes.variant,
	       c->probes.feat.task_pt_regs ? "read at exit" : "stashed at entry");
	printf("io_uring   %s\n", uring_hook(&c->probes, uring, sizeof(uring)));
	print_object(&c->probes.feat);
	fflush(stdout);
	rb = ring_buffer__new(bpf_map__fd(probes_map(&c->probes, "kn_events")), on_record, c, NULL);
	if (!rb) {
		fprintf(stderr, "kunai: cannot read the ring buffer: %s\n", strerror(errno));
		goto out;
	}
	if (run_actions(c, rb))
		goto out;
	read_loss(c, loss);
	rc = print_table(c, loss);
out:
	ring_buffer__free(rb);
	probes_stop(&c->probes);
	free(c);
	return rc;
}
