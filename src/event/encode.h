/* Kernel records -> Kunai JSON lines, with the process model kept in step. */
#ifndef KN_ENCODE_H
#define KN_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "enrich/fileopen.h"
#include "enrich/resolved.h"
#include "event/dns.h"
#include "kunai/wire.h"
#include "model/proctable.h"
#include "sensor/host.h"
#include "util/strbuf.h"
#include "util/users.h"

/* A task section rendered (encode.c write_task). */
#define TASK_JSON_CACHE 4
struct task_json {
	struct kn_task t;
	time_t at;
	struct strbuf json;
};

struct encoder {
	struct host *host;
	struct proctable *pt;
	struct users users;
	uint64_t batch;
	uint64_t malformed; /* records that failed validation */
	struct strbuf cmd, anc, path, path2;
	struct dns_msg *dns; /* the DNS answer being reported */
	struct resolved resolved; /* names addresses were resolved from */
	struct task_json tasks[TASK_JSON_CACHE];
	unsigned tasks_next;
	bool hash_files; /* leave placeholders for file digests */
	int nreqs; /* file_reqs of the record just encoded */
	struct file_req reqs[2];
};

void encoder_init(struct encoder *e, struct host *h, struct proctable *pt);
void encoder_free(struct encoder *e);
/* Encode one ring buffer record as JSON lines (no final newline) into out
 * and update the process model. Returns 0, 1 when the record gives nothing
 * to report (a DNS query rather than an answer), -1 when malformed. */
int encode_record(struct encoder *e, const void *rec, size_t size, struct strbuf *out);

struct start_info {
	const char *version;
	const char *exe;
	const char *config_sha256; /* NULL: no configuration file */
};
void encode_start(struct encoder *e, const struct start_info *si, struct strbuf *out);
/* Lines an output dropped since the last report. */
struct output_drop {
	const char *name;
	uint64_t lines;
};
/* What the sensor itself could not do, as running totals: the loss event
 * reports what changed since the last one. */
struct sensor_drops {
	uint64_t malformed; /* records that failed validation */
	uint64_t proc_refused; /* processes the full process table could not take */
	uint64_t hash_full; /* files not hashed: too many waiting */
	uint64_t hash_late; /* events written before their digests came */
	uint64_t names_not_kept; /* syscall names the kernel side had no room to read at entry */
};
/* event_loss: `read` events read and `lost` lost in the kernel since the
 * last report, per type in delta; lines outputs dropped in drops; what the
 * sensor could not do since the last report in sd (sensor_dropped). */
void encode_loss(struct encoder *e, uint64_t read, uint64_t lost, double eps, const uint64_t delta[KN_TYPE_MAX],
		 const struct output_drop *drops, int ndrops, const struct sensor_drops *sd, struct strbuf *out);
/* The sensor itself as a task (for the events userland makes). */
void task_self(struct kn_task *t);

#endif
