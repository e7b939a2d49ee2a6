/* kunai: command line entry point. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check.h"
#include "config/config.h"
#include "event/types.h"
#include "sensor/probes.h"
#include "sensor/sensor.h"

static const char usage_text[] = "Usage: kunai [run] [-c FILE] [OPTIONS]\n"
				 "       kunai check [-v] [--no-helper NAMES] [--kernel-only]\n"
				 "       kunai config --list-events | --dump [-c FILE] | --validate FILE\n"
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
				 "  config --dump        print the whole configuration, with comments: the\n"
				 "                       defaults, or FILE's with the defaults filled in\n"
				 "  config --validate FILE  check FILE as run would (exit 0 when good, 1\n"
				 "                       with the file, line, key and reason when not)\n"
				 "\n"
				 "Options of run:\n"
				 "  -c, --config FILE    the configuration (YAML, Kunai's keys and ours: see\n"
				 "                       config --dump); default " CONFIG_DEFAULT_PATH "\n"
				 "                       when it exists. It must be root's and writable by\n"
				 "                       root alone. The options below override it\n"
				 "  -o, --output PATH    also write events to PATH (created 0600, appended;\n"
				 "                       may be given up to 7 times)\n"
				 "      --no-stdout      do not write events to standard output\n"
				 "      --ringbuf-size N kernel ring buffer size in MiB, a power of two\n"
				 "                       (default 16)\n"
				 "      --include NAMES  turn these events on (comma-separated names, or all)\n"
				 "      --exclude NAMES  turn these events off (applied after --include)\n"
				 "      --list-events    print every event with its id and default, and exit\n"
				 "      --max-eps-fs N   drop file events past N per CPU per second (a\n"
				 "                       process: past two thirds of N), each counted in\n"
				 "                       event_loss, an error event when a limit is\n"
				 "                       reached; 0: no throttling (the default)\n"
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

/* The configuration run uses: path's (-c), else CONFIG_DEFAULT_PATH's
 * when it exists, else the defaults. What it accepts but does not do is
 * said on standard error. 0, or -1 (said). */
static int config_for_run(struct kn_config *cfg, const char *path)
{
	char err[1024];

	config_default(cfg);
	if (!path && access(CONFIG_DEFAULT_PATH, F_OK) == 0)
		path = CONFIG_DEFAULT_PATH;
	if (!path)
		return 0;
	if (config_load(cfg, path, true, err, sizeof(err))) {
		fprintf(stderr, "kunai: %s\n", err);
		return -1;
	}
	for (int i = 0; i < cfg->n_notices; i++)
		fprintf(stderr, "kunai: %s: %s\n", path, cfg->notices[i]);
	return 0;
}

/* kunai config --list-events | --dump [-c FILE] | --validate FILE */
static int config_command(int argc, char **argv)
{
	struct kn_config cfg;
	char err[1024];

	if (argc == 3 && !strcmp(argv[2], "--list-events"))
		return list_events();
	if (argc >= 3 && !strcmp(argv[2], "--dump")) {
		char *text;

		if (argc == 5 && (!strcmp(argv[3], "-c") || !strcmp(argv[3], "--config"))) {
			config_default(&cfg);
			if (config_load(&cfg, argv[4], true, err, sizeof(err))) {
				fprintf(stderr, "kunai: %s\n", err);
				return 1;
			}
		} else if (argc == 3) {
			config_default(&cfg);
		} else {
			return usage_error("config --dump: expected nothing or -c FILE after it, got '%s'", argv[3]);
		}
		text = config_dump(&cfg);
		fputs(text, stdout);
		free(text);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[2], "--validate")) {
		config_default(&cfg);
		if (config_load(&cfg, argv[3], true, err, sizeof(err))) {
			fprintf(stderr, "kunai: %s\n", err);
			return 1;
		}
		for (int i = 0; i < cfg.n_notices; i++)
			fprintf(stderr, "kunai: %s: %s\n", argv[3], cfg.notices[i]);
		return 0;
	}
	return usage_error("config: expected --list-events, --dump [-c FILE] or --validate FILE, got '%s'",
			   argc > 2 ? argv[2] : "nothing");
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
		{"config", required_argument, NULL, 'c'},
		{"max-eps-fs", required_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct sensor_opts o = {0};
	const char *include = NULL, *exclude = NULL, *config = NULL, *cli_outputs[SINKS_MAX];
	/* what the command line gives, over the configuration's */
	uint32_t ringbuf_mb = 0, send_min = 0, queue_mb = 0, hash_max_mb = 0, max_eps = 0;
	bool set_send_min = false, set_hash = false, set_eps = false, no_stdout = false;
	int n_cli_outputs = 0;
	struct kn_config cfg;
	char err[2048];
	int c;

	if (argc > 1 && argv[1][0] != '-') {
		if (!strcmp(argv[1], "config"))
			return config_command(argc, argv);
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
	while ((c = getopt_long(argc, argv, ":o:c:vhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (n_cli_outputs >= SINKS_MAX - 1)
				return usage_error("too many outputs (at most %s)", "7");
			cli_outputs[n_cli_outputs++] = optarg;
			break;
		case 'c': config = optarg; break;
		case 'M':
			set_eps = true;
			if (parse_u32(optarg, 0, 1u << 30, &max_eps))
				return usage_error("--max-eps-fs: '%s' is not a number of events per second", optarg);
			break;
		case 'N': no_stdout = true; break;
		case 'r': o.record = optarg; break;
		case 'R':
			if (parse_u32(optarg, 1, 4096, &ringbuf_mb) || (ringbuf_mb & (ringbuf_mb - 1)))
				return usage_error(
					"--ringbuf-size: '%s' is not a power of two between 1 and 4096 (MiB)", optarg);
			break;
		case 'v': o.verbose++; break;
		case 'I': include = optarg; break;
		case 'E': exclude = optarg; break;
		case 'L': return list_events();
		case 'H':
			set_hash = true;
			if (parse_u32(optarg, 0, 65536, &hash_max_mb))
				return usage_error("--hash-max-size: '%s' is not a size between 0 and 65536 (MiB)",
						   optarg);
			break;
		case 'Q':
			if (parse_u32(optarg, 1, 4096, &queue_mb))
				return usage_error("--output-queue: '%s' is not a size between 1 and 4096 (MiB)",
						   optarg);
			break;
		case 'S':
			set_send_min = true;
			if (parse_u32(optarg, 0, 1u << 30, &send_min))
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
	if (config_for_run(&cfg, config))
		return 1;
	/* the configuration, then the command line over it */
	config_sha256(&cfg, o.config_sha256);
	o.ringbuf_mb = ringbuf_mb ? ringbuf_mb : cfg.ring_buffer_mb;
	o.send_min = set_send_min ? send_min : cfg.send_data_min_len;
	o.queue_mb = queue_mb ? queue_mb : cfg.output_queue_mb;
	o.hash_max_mb = set_hash ? hash_max_mb : cfg.hash_max_mb;
	o.max_eps_fs = set_eps ? max_eps : cfg.max_eps_fs > 0 ? (uint64_t)cfg.max_eps_fs : 0;
	snprintf(o.host_uuid, sizeof(o.host_uuid), "%s", cfg.host_uuid);
	if (!strcmp(cfg.output_path, "/dev/stdout")) {
		o.no_stdout = no_stdout;
	} else {
		o.no_stdout = true;
		if (!strcmp(cfg.output_path, "/dev/stderr"))
			o.to_stderr = !no_stdout;
		else
			o.outputs[o.n_outputs++] = cfg.output_path;
	}
	for (int i = 0; i < cfg.n_output_paths; i++)
		o.outputs[o.n_outputs++] = cfg.output_paths[i];
	for (int i = 0; i < n_cli_outputs; i++) {
		if (o.n_outputs >= SINKS_MAX - 1)
			return usage_error("too many outputs (at most %s, the configuration's included)", "7");
		o.outputs[o.n_outputs++] = cli_outputs[i];
	}
	if (o.no_stdout && !o.to_stderr && !o.n_outputs)
		return usage_error("%s leaves no output: add --output PATH", "--no-stdout");
	o.enabled = cfg.enabled;
	if (cfg.watched_set)
		o.watch = cfg.watched;
	if ((include && kn_types_apply(&o.enabled, include, 1, err, sizeof(err))) ||
	    (exclude && kn_types_apply(&o.enabled, exclude, 0, err, sizeof(err))))
		return usage_error("%s", err);
	return sensor_run(&o);
}
