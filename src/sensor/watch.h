/*
 * Watched paths: the files whose first read or write by a process is
 * read_config or write_config rather than read or write. Patterns are
 * matched by the kernel side (bpf/file.bpf.h) on the path the kernel
 * resolved; the files that symbolic links of watched directories point to
 * are watched by their exact path.
 */
#ifndef KN_SENSOR_WATCH_H
#define KN_SENSOR_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kunai/wire.h"

/* The default patterns: NULL-terminated. */
extern const char *const watch_default[];

/* Compile one pattern: absolute; at most one '*', a whole component
 * ("/home/<star>/.ssh/"); head and tail under KN_WATCH_PART bytes. 0, or
 * -1 with the reason in err. */
int watch_compile(const char *pattern, struct kn_watch_pat *out, char *err, size_t errlen);

/* Whether path matches the compiled pattern, as the kernel side decides. */
bool watch_match(const struct kn_watch_pat *w, const char *path);

/* The files that symbolic links directly in the watched directories of
 * pats (those without a wildcard) point to, as absolute resolved paths, not
 * already matched by a pattern and shorter than KN_WATCH_KEY: each passed
 * to add(path, ctx). Returns how many were found. */
int watch_link_targets(const struct kn_watch_pat *pats, int n, void (*add)(const char *path, void *ctx), void *ctx);

#endif
