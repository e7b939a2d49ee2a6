/* The configuration file: Kunai's sample accepted, our keys, the defaults
 * dumped and read back the same, and every error naming the file, line,
 * column and key; files that others could write refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "event/types.h"

static char err[1024];

static int parse(struct kn_config *c, const char *text)
{
	config_default(c);
	err[0] = 0;
	return config_parse(c, "t.yaml", text, strlen(text), err, sizeof(err));
}

static void fails(const char *text, const char *want)
{
	struct kn_config c;

	assert_int_equal(parse(&c, text), -1);
	assert_string_equal(err, want);
}

/* The default configuration Kunai's `config --dump` prints. */
static const char kunai_sample[] = "host_uuid: 7B1C3F8E-4b8f-5a5e-9d3c-2f1e0d9c8b7a\n"
				   "max_buffered_events: 1024\n"
				   "max_eps_fs: 2048\n"
				   "workers: null\n"
				   "send_data_min_len: null\n"
				   "harden: false\n"
				   "force_load: false\n"
				   "output:\n"
				   "  path: /dev/stdout\n"
				   "  rotate_size: null\n"
				   "  rotate_interval: null\n"
				   "  max_size: null\n"
				   "  buffered: false\n"
				   "scanner:\n"
				   "  rules: []\n"
				   "  iocs: []\n"
				   "  yara: []\n"
				   "  min_severity: 0\n"
				   "  show_positive_file_scan: true\n"
				   "events:\n"
				   "  execve:\n    enable: true\n"
				   "  exit:\n    enable: true\n"
				   "  read:\n    enable: false\n"
				   "  connect:\n    enable: true\n"
				   "  file_scan:\n    enable: true\n"
				   "  start:\n    enable: false\n";

static void test_kunai_sample(void **state)
{
	struct kn_config c;
	int exec = kn_type_by_name("execve", 6), conn = kn_type_by_name("connect", 7), rd = kn_type_by_name("read", 4),
	    unlink = kn_type_by_name("file_unlink", 11);

	(void)state;
	assert_int_equal(parse(&c, kunai_sample), 0);
	assert_string_equal(c.host_uuid, "7b1c3f8e-4b8f-5a5e-9d3c-2f1e0d9c8b7a");
	assert_int_equal(c.max_eps_fs, 2048);
	assert_int_equal(c.send_data_min_len, 512);
	assert_string_equal(c.output_path, "/dev/stdout");
	assert_true((c.enabled >> exec) & 1);
	assert_true((c.enabled >> conn) & 1);
	assert_false((c.enabled >> rd) & 1);
	/* as in Kunai: an event left out is off */
	assert_false((c.enabled >> unlink) & 1);
	assert_int_equal(c.n_notices, 0);
}

static void test_our_keys_and_sizes(void **state)
{
	struct kn_config c;

	(void)state;
	assert_int_equal(parse(&c, "ring_buffer_size: \"64MB\"\nhash_max_size: 1GB\nsend_data_min_len: 100\n"
				   "output:\n  path: stderr\n  paths: [/var/log/a.jsonl, \"/var/log/b.jsonl\"]\n"
				   "  queue_size: 2.5 GB\n  rotate_size: 10MB\n  rotate_interval: 1h 30m\n"),
			 0);
	assert_int_equal(c.ring_buffer_mb, 64);
	assert_int_equal(c.hash_max_mb, 1024);
	assert_int_equal(c.send_data_min_len, 100);
	assert_string_equal(c.output_path, "/dev/stderr");
	assert_int_equal(c.n_output_paths, 2);
	assert_string_equal(c.output_paths[1], "/var/log/b.jsonl");
	assert_int_equal(c.output_queue_mb, 2560);
	assert_int_equal(c.rotate_size, 10ULL << 20);
	assert_string_equal(c.rotate_interval, "1h 30m");
	/* what is accepted and not done is said */
	assert_int_equal(c.n_notices, 2);
	assert_string_equal(c.notices[0], "output.rotate_size: files are not rotated yet: rotate them (logrotate) and "
					  "send SIGHUP");
	assert_int_equal(parse(&c, "watched_paths: [/etc/, \"/home/*/.ssh/\"]\n"), 0);
	assert_true(c.watched_set);
	assert_string_equal(c.watched[1], "/home/*/.ssh/");
	assert_null(c.watched[2]);
	/* the defaults, as before any file */
	assert_int_equal(parse(&c, "{}"), 0);
	assert_int_equal(c.enabled, kn_types_default());
	assert_int_equal(c.ring_buffer_mb, 16);
}

static void test_errors_name_line_and_key(void **state)
{
	(void)state;
	fails("output:\n  path: /x\n  rotat_size: 1\n",
	      "t.yaml:3:3: output.rotat_size: unknown key (known here: path, rotate_size, rotate_interval, max_size, "
	      "buffered, paths, queue_size)");
	fails("harden: yes\n", "t.yaml:1:9: harden: expected true or false");
	fails("harden: \"false\"\n", "t.yaml:1:9: harden: expected true or false");
	fails("max_buffered_events: 70000\n",
	      "t.yaml:1:22: max_buffered_events: expected a whole number between 0 and 65535");
	fails("max_buffered_events: -1\n",
	      "t.yaml:1:22: max_buffered_events: expected a whole number between 0 and 65535");
	fails("send_data_min_len: 1\nsend_data_min_len: 2\n", "t.yaml:2:1: send_data_min_len: given twice");
	fails("output:\n  rotate_size: 1024\n", "t.yaml:2:16: output.rotate_size: expected a size such as \"512KB\", "
						"\"10MB\" or \"1.5GB\" (B, KB, MB, GB: "
						"powers of 1024)");
	fails("output:\n  rotate_size: 10TB\n", "t.yaml:2:16: output.rotate_size: expected a size such as \"512KB\", "
						"\"10MB\" or \"1.5GB\" (B, KB, MB, GB: "
						"powers of 1024)");
	fails("output:\n  rotate_interval: soon\n",
	      "t.yaml:2:20: output.rotate_interval: expected a duration such as \"15m\", \"1h 30m\" or \"2days\"");
	fails("output:\n  path: relative.log\n",
	      "t.yaml:2:9: output.path: expected stdout, stderr or an absolute path");
	fails("ring_buffer_size: 3MB\n",
	      "t.yaml:1:19: ring_buffer_size: expected a power of two between 1MB and 4096MB");
	fails("events:\n  exec:\n    enable: true\n",
	      "t.yaml:2:3: events.exec: unknown event (kunai config --list-events lists them)");
	fails("events:\n  execve:\n    enabled: true\n", "t.yaml:3:5: events.execve: unknown key (known here: enable)");
	fails("events:\n  execve: {}\n", "t.yaml:2:11: events.execve: enable is missing");
	fails("events:\n  execve: {enable: true}\n  execve: {enable: false}\n",
	      "t.yaml:3:3: events.execve: given twice");
	fails("harden: true\n",
	      "t.yaml:1:9: harden: hardening (refusing signals and ptrace aimed at the sensor) is not "
	      "supported yet: set it to false");
	fails("scanner:\n  rules: [/etc/kunai/rules]\n",
	      "t.yaml:2:10: scanner.rules: rule files are not supported yet: leave the list empty");
	fails("host_uuid: nope\n", "t.yaml:1:12: host_uuid: expected a UUID (8-4-4-4-12 hexadecimal digits)");
	fails("output: [1]\n", "t.yaml:1:9: output: expected a mapping");
	fails("watched_paths: [/etc/, relative/]\n", "t.yaml:1:24: watched_paths: not an absolute path");
	fails("a: [\n", "t.yaml:2:1: not YAML: did not find expected node content");
	fails("", "t.yaml: empty: no configuration in it");
	fails("{}\n---\n{}\n", "t.yaml:3:1: a second YAML document: one configuration per file");
}

/* What --dump prints reads back as the same configuration. */
static void test_dump_round_trip(void **state)
{
	struct kn_config c, d;
	char *a, *b, sa[65], sb[65];

	(void)state;
	assert_int_equal(parse(&c, kunai_sample), 0);
	c.n_output_paths = 1;
	snprintf(c.output_paths[0], sizeof(c.output_paths[0]), "/var/log/k \"q\".jsonl");
	a = config_dump(&c);
	assert_int_equal(parse(&d, a), 0);
	b = config_dump(&d);
	assert_string_equal(a, b);
	assert_string_equal(d.output_paths[0], "/var/log/k \"q\".jsonl");
	config_sha256(&c, sa);
	config_sha256(&d, sb);
	assert_string_equal(sa, sb);
	assert_int_equal(strlen(sa), 64);
	d.send_data_min_len++;
	config_sha256(&d, sb);
	assert_string_not_equal(sa, sb);
	free(a);
	free(b);
}

/* A file others could change, or not root's, is refused (as root);
 * the message names it. */
static void test_file_checks(void **state)
{
	char path[] = "/tmp/kn-unit-config-XXXXXX", want[1100];
	struct kn_config c;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "send_data_min_len: 7\n", 21), 21);
	close(fd);
	config_default(&c);
	assert_int_equal(chmod(path, 0600), 0);
	if (geteuid() == 0) {
		assert_int_equal(config_load(&c, path, true, err, sizeof(err)), 0);
		assert_int_equal(c.send_data_min_len, 7);
		assert_int_equal(chmod(path, 0620), 0);
		assert_int_equal(config_load(&c, path, true, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s: writable by its group (mode 0620): refusing it (chmod go-w)", path);
		assert_string_equal(err, want);
		assert_int_equal(chmod(path, 0602), 0);
		assert_int_equal(config_load(&c, path, true, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s: writable by others (mode 0602): refusing it (chmod go-w)", path);
		assert_string_equal(err, want);
		assert_int_equal(chmod(path, 0600), 0);
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(config_load(&c, path, true, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s: owned by uid 65534, not root: refusing it", path);
		assert_string_equal(err, want);
	}
	/* the checks aside: read */
	assert_int_equal(config_load(&c, path, false, err, sizeof(err)), 0);
	assert_int_equal(c.send_data_min_len, 7);
	unlink(path);
	assert_int_equal(config_load(&c, "/dev/null", false, err, sizeof(err)), -1);
	assert_string_equal(err, "/dev/null: not a regular file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kunai_sample),
		cmocka_unit_test(test_our_keys_and_sizes),
		cmocka_unit_test(test_errors_name_line_and_key),
		cmocka_unit_test(test_dump_round_trip),
		cmocka_unit_test(test_file_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
