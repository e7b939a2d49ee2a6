/*
 * Watched paths: the files whose first read or write by a process is
 * read_config or write_config rather than read or write. The kernel side
 * (bpf/file.bpf.h) looks the path it resolved up in a longest-prefix map;
 * this fills it from patterns: a directory ("/etc/") is watched with what
 * is under it, a file whole, and a "*" component ("/home/<star>/.ssh/")
 * stands for each directory there at start. The files that symbolic links
 * directly in a watched directory point to are watched too.
 */
#ifndef KN_SENSOR_WATCH_H
#define KN_SENSOR_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kunai/wire.h"

#define WATCH_PART 64 /* bytes of a pattern's head or tail, with the NUL */
#define WATCH_PATTERNS_MAX 32

/* A pattern: a literal head; for a wildcard one, then one path component
 * and a literal tail. A last part ending in '/' matches what is under it,
 * else the path must end there. */
struct watch_pat {
	char head[WATCH_PART];
	char tail[WATCH_PART];
	bool wild;
	bool prefix;
};

/* The default patterns: NULL-terminated. */
extern const char *const watch_default[];

/* Compile one pattern: absolute; at most one '*', a whole component, not
 * the last. 0, or -1 with the reason in err. */
int watch_compile(const char *pattern, struct watch_pat *out, char *err, size_t errlen);

/* Whether path matches the compiled pattern. */
bool watch_match(const struct watch_pat *w, const char *path);

/* The paths to watch for pats, each passed to add(path, prefix, ctx):
 * literal patterns as they are, wildcard ones for each directory the '*'
 * stands for now, and the regular files that symbolic links directly in a
 * watched directory point to (resolved, not matched already). Paths of
 * KN_WATCH_KEY bytes or more are left out (counted in *skipped). Returns
 * how many were passed. */
int watch_paths(const struct watch_pat *pats, int n, void (*add)(const char *path, bool prefix, void *ctx), void *ctx,
		int *skipped);

#endif
