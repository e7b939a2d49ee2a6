/*
 * The configuration file: one YAML document in Kunai's format (its keys,
 * size strings such as "10MB", durations such as "15m"), plus keys of our
 * own. Stricter than Kunai: an unknown key, a wrong type, a duplicate key
 * is an error naming the file, line, column and key; a file writable by
 * group or others, or not owned by root, is refused. What Kunai has and
 * the sensor does not do yet is refused when it would change what is
 * detected (rules, IoCs, YARA, harden), and said on standard error when
 * it would not (throttling, rotation).
 */
#ifndef KN_CONFIG_H
#define KN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/guuid.h"
#include "output/sink.h"
#include "sensor/watch.h"

#define CONFIG_DEFAULT_PATH "/etc/kunai/config.yaml"
#define CONFIG_MAX_BYTES (1u << 20)
#define CONFIG_NOTICES 8

struct kn_config {
	char host_uuid[KN_UUID_STR]; /* "" : the host's own */
	uint32_t max_buffered_events; /* Kunai's perf buffer: no effect here */
	int64_t max_eps_fs; /* -1: null (no throttling) */
	int64_t workers; /* -1: null */
	uint32_t send_data_min_len; /* null: the default */
	bool harden, force_load;
	/* output */
	char output_path[4096]; /* "/dev/stdout", "/dev/stderr" or a file */
	char output_paths[SINKS_MAX - 1][4096]; /* (ours) further files */
	int n_output_paths;
	uint64_t rotate_size, max_size; /* 0: null */
	char rotate_interval[64]; /* "": null */
	bool buffered;
	uint32_t output_queue_mb; /* (ours) */
	/* scanner */
	int n_rules, n_iocs, n_yara;
	uint32_t min_severity;
	bool show_positive_file_scan;
	/* events on (1 << enum kn_type) */
	uint64_t enabled;
	/* ours */
	uint32_t ring_buffer_mb;
	uint32_t hash_max_mb;
	/* watched path patterns, NULL-terminated (watched[0] NULL and
	 * watched_set: none) */
	bool watched_set;
	char watched_buf[WATCH_PATTERNS_MAX][2 * WATCH_PART];
	const char *watched[WATCH_PATTERNS_MAX + 1];
	/* what was accepted but does nothing yet, for standard error */
	const char *notices[CONFIG_NOTICES];
	int n_notices;
};

/* The defaults (what `kunai config --dump` prints). */
void config_default(struct kn_config *c);
/* Load path over the defaults. -1 with err: "FILE:LINE:COL: KEY: reason"
 * (or "FILE: reason"). check_owner: refuse a file not owned by root or
 * writable by others (off for unit tests run without root). */
int config_load(struct kn_config *c, const char *path, bool check_owner, char *err, size_t errlen);
/* Parse YAML text (name for the messages) over c: as config_load. */
int config_parse(struct kn_config *c, const char *name, const char *text, size_t len, char *err, size_t errlen);
/* The configuration as YAML with comments, the form --dump prints. */
char *config_dump(const struct kn_config *c);
/* sha256 (hex) of config_dump's text: the start event's config.sha256. */
void config_sha256(const struct kn_config *c, char out[65]);

#endif
