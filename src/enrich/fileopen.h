/*
 * Opening the file an event names as the process that used it sees it:
 * through its /proc entry (its executable, its fds, its root and mount
 * namespace), pinned by a directory fd checked against the process's start
 * time, so a reused pid never lends another process's files. A file is
 * never opened through the sensor's own namespace or fd table unless the
 * process shares the sensor's mount namespace (and a /dev/fd/N name never
 * is). Runs on the hashing threads: an open may block (FUSE, NFS).
 */
#ifndef KN_FILEOPEN_H
#define KN_FILEOPEN_H

#include <stddef.h>
#include <stdint.h>

#include "kunai/wire.h"

/* A file whose digests an event waits for. */
struct file_req {
	/* the file object's members the digests fill, in the event: magic,
	 * md5, sha1, sha256, sha512, size, error (nodes node .. node + 6) */
	uint32_t node;
	uint32_t tgid; /* the process that used it */
	uint32_t mnt_ns; /* its mount namespace (inode number) */
	/* its root directory: device (kernel encoding) and inode, 0 when not
	 * known; the sensor's view is used only when they are the sensor's */
	uint32_t root_dev;
	uint64_t root_ino;
	uint64_t start_ns; /* its start time (ns since boot): the pid is its */
	int by_exe; /* the process's executable: /proc/TGID/exe first */
	/* what the kernel saw of the file, to check what is hashed (ctime_ns
	 * -1: nothing to check against) */
	uint64_t size;
	int64_t ctime_ns;
	char path[KN_PATH_MAX];
};

/* The sensor's own view: its mount namespace and root directory. */
struct fileopen_self {
	uint32_t mnt_ns; /* inode number; 0 when unknown */
	uint64_t root_dev, root_ino; /* st_dev and st_ino of "/" */
};
void fileopen_self(struct fileopen_self *me);
/* An fd open for reading on the file r names, or -1 with *why: "gone",
 * "not a regular file", "changed since the kernel saw it", "process gone:
 * its files cannot be reached". */
int fileopen_req(const struct file_req *r, const struct fileopen_self *me, const char **why);
/* "/dev/fd/N", "/proc/self/fd/N", "/proc/thread-self/fd/N": N, else -1. */
int fileopen_fd_name(const char *path);

#endif
