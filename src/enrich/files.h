/*
 * Digests in the file objects of events. A typed event with file requests
 * (decode/decode.h) is completed at once when every file is in the cache
 * (the usual case), or waits as it is, bounded in number, bytes and time,
 * for the hashing threads; nothing here blocks the event loop. Events are
 * written when complete, so a waiting one may come after later events.
 */
#ifndef KN_FILES_H
#define KN_FILES_H

#include <stdbool.h>
#include <stdint.h>

#include "enrich/fileopen.h"
#include "enrich/hasher.h"
#include "event/event.h"
#include "util/strbuf.h"

#define FILES_PENDING_MAX 4096
#define FILES_PENDING_BYTES (64u << 20) /* events held back, in all */
#define FILES_BUDGET_NS (5ULL * 1000000000ULL) /* an event waits at most this */
#define FILES_KCACHE 1024 /* results by the kernel's view of a file */

/* A complete event, given to the caller (to ev_put when written). */
typedef void (*files_emit_fn)(void *ctx, struct event *ev);

struct kfile_key {
	uint64_t path_hash, size;
	int64_t ctime_ns;
	uint32_t mnt_ns, _pad;
};

struct pending_slot {
	uint32_t node; /* the file object's magic .. error members */
	bool done;
	bool kchecked; /* kkey holds the kernel's view: cache the result by it */
	struct kfile_key kkey;
	char *path; /* the whole path, with kkey (owned; NULL when not kchecked) */
	struct file_info info;
};

struct pending_event {
	uint64_t id;
	uint64_t deadline; /* CLOCK_MONOTONIC ns */
	struct event *ev;
	size_t bytes; /* its footprint, counted in pending_bytes */
	int nslots;
	struct pending_slot slot[2];
};

struct files {
	bool enabled;
	struct hasher *hasher; /* (on the heap: see files_free) */
	struct pending_event *pending[FILES_PENDING_MAX];
	unsigned npending;
	size_t pending_bytes;
	uint64_t next_id;
	uint64_t timed_out; /* events written before their digests came */
	uint64_t overflow; /* files not hashed: too many waiting */
	struct kcache_entry {
		struct kfile_key key;
		char path[KN_PATH_MAX];
		struct file_info info;
		uint64_t used; /* clock of the last use, 0: free */
	} * kcache;
	uint64_t kclock;
};

/* enabled false: file objects keep their path only. */
int files_init(struct files *f, bool enabled, uint64_t max_size);
void files_free(struct files *f);
/* The eventfd to poll for finished digests (-1 when disabled). */
int files_fd(const struct files *f);
/* Complete ev (decoded with the nreqs requests reqs, at most 2) now, or
 * keep it: emit is given it when it is complete. */
void files_submit(struct files *f, struct event *ev, const struct file_req *reqs, int nreqs, files_emit_fn emit,
		  void *ctx);
/* Take finished digests and write the events they complete; with expire,
 * also those whose budget ran out (their missing digests say why). */
void files_poll(struct files *f, bool expire, files_emit_fn emit, void *ctx);
/* At the end: wait up to timeout_ms for the digests, then write everything. */
void files_flush(struct files *f, int timeout_ms, files_emit_fn emit, void *ctx);

#endif
