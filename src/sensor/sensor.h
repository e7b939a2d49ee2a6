#ifndef KN_SENSOR_H
#define KN_SENSOR_H

#include <stdbool.h>
#include <stdint.h>

#include "model/guuid.h"
#include "output/sink.h"

struct sensor_opts {
	const char *outputs[SINKS_MAX]; /* file outputs, besides stdout */
	int n_outputs;
	bool no_stdout;
	uint32_t ringbuf_mb; /* ring buffer size, MiB, power of two */
	uint64_t enabled; /* event types on (1 << enum kn_type) */
	uint32_t send_min; /* send_data: smallest send reported, bytes */
	uint32_t queue_mb; /* MiB an output may hold back before dropping lines */
	uint32_t hash_max_mb; /* files larger are not hashed; 0: no digests at all */
	int no_helpers; /* KN_HELPER_*: set aside though the kernel has them */
	const char *record; /* save the records there (util/records.h), or NULL */
	bool to_stderr; /* events to standard error (output.path: stderr) */
	char host_uuid[KN_UUID_STR]; /* info.host.uuid given by the configuration, or "" */
	char config_sha256[65]; /* of the configuration (config_sha256) */
	const char *const *watch; /* watched path patterns (NULL-terminated), NULL: the defaults */
	uint64_t max_eps_fs; /* file events per CPU per second before throttling; 0: none */
	int verbose;
};

/* Load, attach, run until SIGINT/SIGTERM, drain, detach. Returns the exit code. */
int sensor_run(const struct sensor_opts *o);
/* Preflight shared by every command that loads probes: root and BTF.
 * Prints one sentence and returns non-zero when the sensor cannot run. */
int sensor_preflight(void);

#endif
