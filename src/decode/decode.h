/*
 * Decode: kernel records -> typed events (event/event.h), in Kunai's
 * shape, with the process model (model/) kept in step and what is at hand
 * filled in (user names, DNS names, digests already known). A file whose
 * digests are still to come leaves a request (enrich/files.h completes the
 * event). Serialize (serialize/json.h) writes the events out.
 */
#ifndef KN_DECODE_H
#define KN_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "decode/dns.h"
#include "enrich/fileopen.h"
#include "enrich/resolved.h"
#include "event/event.h"
#include "kunai/wire.h"
#include "model/proctable.h"
#include "sensor/host.h"
#include "util/strbuf.h"
#include "util/users.h"

/* A task section built and rendered (common.c write_task). */
#define TASK_CACHE 4
struct task_section {
	struct kn_task t;
	time_t at;
	struct ev_shared *sec; /* NULL till first used */
};

/* Events one record can give: one per DNS question and CNAME followed. */
#define DECODE_EVENTS_MAX DNS_EVENTS_MAX

struct decoder {
	struct host *host;
	struct proctable *pt;
	struct users users;
	uint64_t batch;
	uint64_t malformed; /* records that failed validation */
	struct strbuf cmd, anc, path, path2;
	struct dns_msg *dns; /* the DNS answer being reported */
	struct resolved resolved; /* names addresses were resolved from */
	struct task_section tasks[TASK_CACHE];
	unsigned tasks_next;
	bool hash_files; /* leave requests for file digests */
	/* the digests the event just decoded waits for (one event of a
	 * record has files: never a DNS answer) */
	int nreqs;
	struct file_req reqs[2];
};

void decoder_init(struct decoder *d, struct host *h, struct proctable *pt);
void decoder_free(struct decoder *d);
/* Decode one ring buffer record into events taken from the pool
 * (ev_new), at most DECODE_EVENTS_MAX, and update the process model.
 * Returns how many (0: nothing to report, as a DNS query rather than an
 * answer), or -1 when the record is malformed (counted). */
int decode_record(struct decoder *d, const void *rec, size_t size, struct event **out);

struct start_info {
	const char *version;
	const char *exe;
	const char *config_sha256; /* NULL: no configuration file */
};
/* The start event. */
struct event *decode_start(struct decoder *d, const struct start_info *si);
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
 * last report, per type in delta; file events throttled per type; lines outputs dropped in drops; what the
 * sensor could not do since the last report in sd (sensor_dropped). */
struct event *decode_loss(struct decoder *d, uint64_t read, uint64_t lost, double eps,
			  const uint64_t delta[KN_TYPE_MAX], const uint64_t throttled[KN_TYPE_MAX],
			  const struct output_drop *drops, int ndrops, const struct sensor_drops *sd);
/* The sensor itself as a task (for the events userland makes). */
void task_self(struct kn_task *t);

#endif
