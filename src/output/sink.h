/*
 * Outputs. Every event line goes to each sink whole or not at all. A sink
 * that cannot take a line now (a pipe nobody reads) never blocks the
 * sensor: its lines wait in a bounded queue, and when the queue is full
 * they are dropped and counted; the counts are reported.
 */
#ifndef KN_SINK_H
#define KN_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

#define SINKS_MAX 8
#define SINK_BATCH_BYTES (256 * 1024) /* lines gathered before a write at the latest */

struct sink {
	int fd;
	char name[256];
	int is_file; /* opened by path: reopened by sinks_reopen */
	int orig_flags; /* fd flags to restore, -1 when untouched */
	struct strbuf queue; /* whole lines not yet written, from qoff */
	size_t qoff;
	int dead; /* a write failed for good (EPIPE...): lines are dropped */
	uint64_t written;
	uint64_t dropped; /* lines dropped: queue full, or the sink dead */
	uint64_t dropped_reported;
	int reported; /* an error was reported on stderr */
};

struct sinks {
	struct sink s[SINKS_MAX];
	int n;
	size_t queue_max; /* bytes a sink may hold back */
};

void sinks_init(struct sinks *ss, size_t queue_max);
/* Add an fd (made non-blocking; restored by sinks_close). */
int sinks_add_fd(struct sinks *ss, int fd, const char *name);
/* Open (create 0600, append) a file output. A file that exists must be a
 * regular file; its mode is tightened to 0600. Returns 0 or -errno, with a
 * sentence in err. */
int sinks_add_file(struct sinks *ss, const char *path, char *err, size_t errlen);
/* Reopen the file outputs by their paths (after log rotation moved them).
 * Held-back lines are written to the old file first. A file that cannot
 * be reopened keeps the old one, with a message. Returns how many failed. */
int sinks_reopen(struct sinks *ss);
void sinks_write(struct sinks *ss, const char *line, size_t len);
/* Write what sinks hold back, as far as they take it now. Returns the
 * bytes still held back. */
size_t sinks_flush(struct sinks *ss);
/* At the end: wait up to timeout_ms for held-back lines to go out; what
 * remains is counted as dropped. */
void sinks_drain(struct sinks *ss, int timeout_ms);
void sinks_close(struct sinks *ss);

#endif
