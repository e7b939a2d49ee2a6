/* kunai: command line entry point. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "event/types.h"
#include "sensor/probes.h"
#include "sensor/sensor.h"

static const char usage_text[] = "Usage: kunai [run] [OPTIONS]\n"
				 "       kunai check [-v] [--no-helper NAMES] [--kernel-only]\n"
				 "       kunai config --list-events\n"
				 "       kunai --help | --version\n"
				 "\n"
				 "Kunai is a security event sensor for Linux: eBPF probes report what\n"
				 "executes, forks and exits, which files and sockets it touches, what\n"
				 "changes the kernel, as JSON lines (one event per line).\n"
				 "\n"
				 "Commands:\n"
				 "  run                  load the probes and write events until SIGINT or\n"
				 "                       SIGTERM (the default command); needs root\n"
				 "  check                what this kernel lets the sensor see: the kernel,\n"
				 "                       its BTF and LSMs, then for every event whether\n"
				 "                       its probes load and attach and whether it fires\n"
				 "                       (the check does the action behind each event\n"
				 "                       itself, in child processes, on a private tmpfs\n"
				 "                       and network); exit 0 when every event this\n"
				 "                       kernel supports fired, 1 otherwise; -v: libbpf's\n"
				 "                       messages and the verifier's log; --kernel-only:\n"
				 "                       the kernel's lines alone (its helpers, whether\n"
				 "                       the object tier can be used), no probes loaded;\n"
				 "                       needs root\n"
				 "  config --list-events print every event: id, name, default on/off\n"
				 "\n"
				 "Options of run:\n"
				 "  -o, --output PATH    also write events to PATH (created 0600, appended;\n"
				 "                       may be given up to 7 times)\n"
				 "      --no-stdout      do not write events to standard output\n"
				 "      --ringbuf-size N kernel ring buffer size in MiB, a power of two\n"
				 "                       (default 16)\n"
				 "      --include NAMES  turn these events on (comma-separated names, or all)\n"
				 "      --exclude NAMES  turn these events off (applied after --include)\n"
				 "      --list-events    print every event with its id and default, and exit\n"
				 "      --send-data-min N  send_data: smallest send reported, in bytes\n"
				 "                       (default 512)\n"
				 "      --hash-max-size N  largest executable hashed, in MiB (default 256);\n"
				 "                       0: file objects without digests\n"
				 "      --output-queue N MiB an output that does not keep up (a full pipe)\n"
				 "                       may hold back; beyond, its lines are dropped and\n"
				 "                       counted in event_loss (default 16)\n"
				 "      --no-helper NAMES  behave as on a kernel without these BPF helpers\n"
				 "                       (bpf_loop, bpf_task_pt_regs,\n"
				 "                       bpf_get_current_task_btf): the fallbacks older\n"
				 "                       kernels use, to test them or to work around a\n"
				 "                       kernel's bug (also for check)\n"
				 "      --record PATH    also save every kernel record as it came, for\n"
				 "                       the userland benchmark to replay (bench/; created\n"
				 "                       0600, replaced; holds what the events hold)\n"
				 "  -v, --verbose        log more to standard error (twice: libbpf debug)\n"
				 "  -h, --help           show this help\n"
				 "  -V, --version        show the version\n"
				 "\n"
				 "Signals: SIGINT and SIGTERM stop (buffered events are written first);\n"
				 "SIGHUP reopens the --output files (after log rotation moved them).\n"
				 "\n"
				 "An event whose probes this kernel lacks or refuses is left out with one\n"
				 "notice on standard error naming the event and the reason.\n"
				 "\n"
				 "Exit status: 0 after a clean stop, 1 when the sensor cannot run (not root,\n"
				 "no BTF, the process probes refused, output not writable), 2 on a usage\n"
				 "error.\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "kunai: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n\n");
	usage(stderr);
	return 2;
}

/* A decimal number in [min, max]; 0, or -1 when it is not one. */
static int parse_u32(const char *arg, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!*arg || *arg == '-')
		return -1;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int list_events(void)
{
	uint32_t last = 0;

	printf("%-5s %-18s %s\n", "id", "name", "default");
	/* by id: the next larger id each time (a handful of types) */
	for (;;) {
		const struct kn_type_info *next = NULL;

		for (uint32_t t = 0; t < KN_TYPE_MAX; t++) {
			const struct kn_type_info *ti = kn_type_info(t);

			if (ti->id > last && (!next || ti->id < next->id))
				next = ti;
		}
		if (!next)
			break;
		printf("%-5u %-18s %s\n", next->id, next->name, next->default_on ? "on" : "off");
		last = next->id;
	}
	printf("%-5u %-18s %s\n", KN_ID_EVENT_LOSS, "event_loss", "always");
	printf("%-5u %-18s %s\n", KN_ID_START, "start", "always");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"no-stdout", no_argument, NULL, 'N'},
		{"ringbuf-size", required_argument, NULL, 'R'},
		{"verbose", no_argument, NULL, 'v'},
		{"include", required_argument, NULL, 'I'},
		{"exclude", required_argument, NULL, 'E'},
		{"list-events", no_argument, NULL, 'L'},
		{"send-data-min", required_argument, NULL, 'S'},
		{"output-queue", required_argument, NULL, 'Q'},
		{"hash-max-size", required_argument, NULL, 'H'},
		{"no-helper", required_argument, NULL, 'P'},
		{"record", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct sensor_opts o = {.ringbuf_mb = 16, .send_min = 512, .queue_mb = 16, .hash_max_mb = 256};
	const char *include = NULL, *exclude = NULL;
	char err[2048];
	int c;

	if (argc > 1 && argv[1][0] != '-') {
		if (!strcmp(argv[1], "config")) {
			if (argc == 3 && !strcmp(argv[2], "--list-events"))
				return list_events();
			return usage_error("config: expected --list-events, got '%s'", argc > 2 ? argv[2] : "nothing");
		}
		if (!strcmp(argv[1], "check")) {
			int verbose = 0, no_helpers = 0, kernel_only = 0;

			for (int i = 2; i < argc; i++) {
				if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
					verbose++;
				} else if (!strcmp(argv[i], "--kernel-only")) {
					kernel_only = 1;
				} else if (!strcmp(argv[i], "--no-helper") && i + 1 < argc) {
					no_helpers = helpers_parse(argv[++i], err, sizeof(err));
					if (no_helpers < 0)
						return usage_error("--no-helper: %s", err);
				} else {
					return usage_error("check: unexpected argument '%s'", argv[i]);
				}
			}
			return kernel_only ? check_kernel(no_helpers) : check_run(verbose, no_helpers);
		}
		if (strcmp(argv[1], "run"))
			return usage_error("unknown command '%s'", argv[1]);
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:vhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (o.n_outputs >= SINKS_MAX - 1)
				return usage_error("too many outputs (at most %s)", "7");
			o.outputs[o.n_outputs++] = optarg;
			break;
		case 'N': o.no_stdout = true; break;
		case 'r': o.record = optarg; break;
		case 'R':
			if (parse_u32(optarg, 1, 4096, &o.ringbuf_mb) || (o.ringbuf_mb & (o.ringbuf_mb - 1)))
				return usage_error(
					"--ringbuf-size: '%s' is not a power of two between 1 and 4096 (MiB)", optarg);
			break;
		case 'v': o.verbose++; break;
		case 'I': include = optarg; break;
		case 'E': exclude = optarg; break;
		case 'L': return list_events();
		case 'H':
			if (parse_u32(optarg, 0, 65536, &o.hash_max_mb))
				return usage_error("--hash-max-size: '%s' is not a size between 0 and 65536 (MiB)",
						   optarg);
			break;
		case 'Q':
			if (parse_u32(optarg, 1, 4096, &o.queue_mb))
				return usage_error("--output-queue: '%s' is not a size between 1 and 4096 (MiB)",
						   optarg);
			break;
		case 'S':
			if (parse_u32(optarg, 0, 1u << 30, &o.send_min))
				return usage_error("--send-data-min: '%s' is not a number of bytes", optarg);
			break;
		case 'P':
			o.no_helpers = helpers_parse(optarg, err, sizeof(err));
			if (o.no_helpers < 0)
				return usage_error("--no-helper: %s", err);
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("kunai %s\n", KUNAI_VERSION); return 0;
		case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o.no_stdout && !o.n_outputs)
		return usage_error("%s leaves no output: add --output PATH", "--no-stdout");
	o.enabled = kn_types_default();
	if ((include && kn_types_apply(&o.enabled, include, 1, err, sizeof(err))) ||
	    (exclude && kn_types_apply(&o.enabled, exclude, 0, err, sizeof(err))))
		return usage_error("%s", err);
	return sensor_run(&o);
}
