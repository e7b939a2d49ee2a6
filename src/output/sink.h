/* Outputs: every event line goes to each sink, whole or not at all. */
#ifndef KN_SINK_H
#define KN_SINK_H

#include <stddef.h>
#include <stdint.h>

#define SINKS_MAX 8

struct sink {
	int fd;
	char name[256];
	uint64_t written;
	uint64_t errors;
	int reported; /* an error was reported on stderr */
};

struct sinks {
	struct sink s[SINKS_MAX];
	int n;
};

void sinks_init(struct sinks *ss);
int sinks_add_fd(struct sinks *ss, int fd, const char *name);
/* Open (create 0600, append) a file output. A file that exists must be a
 * regular file; its mode is tightened to 0600. Returns 0 or -errno, with a
 * sentence in err. */
int sinks_add_file(struct sinks *ss, const char *path, char *err, size_t errlen);
void sinks_write(struct sinks *ss, const char *line, size_t len);
void sinks_close(struct sinks *ss);

#endif
