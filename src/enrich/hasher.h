/*
 * File opening and hashing off the event loop. The loop hands a request (the
 * file as the process that used it sees it, enrich/fileopen.h) to a small
 * pool of threads, which open it, look its identity up in a cache of results
 * and hash it on a miss; results come back through a queue and an eventfd
 * the loop polls. The job queue and the cache are bounded; nothing here ever
 * blocks the loop. An open that hangs (a FUSE or network file system that
 * does not answer) holds its thread: after HASHER_STUCK_NS that thread is
 * left to it and another takes its place, up to HASHER_THREADS_MAX threads
 * in all, so a file system that never answers cannot stop the hashing of
 * every other file; a stop does not wait for them either.
 */
#ifndef KN_HASHER_H
#define KN_HASHER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "enrich/fileopen.h"
#include "enrich/magic.h"
#include "util/hash.h"

#define HASHER_THREADS 4 /* threads serving the queue: a small file is not held behind big ones */
#define HASHER_THREADS_MAX 32 /* with those left in a job that hangs */
#define HASHER_STUCK_NS (3ULL * 1000000000ULL)
#define HASHER_STOP_NS (2ULL * 1000000000ULL) /* a stop waits at most this */
#define HASHER_QUEUE 1024
#define HASHER_CACHE 4096

/* What is known of a file: what it is, its digests, or why not. */
struct file_info {
	struct hashes h;
	char magic[FILE_MAGIC_MAX]; /* "" when the file could not be read */
	uint64_t size;
	const char *error; /* NULL, or a short reason (static string) */
};

/* A file's identity: equal keys, same content (size and times included). */
struct file_key {
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
};

struct hash_job {
	struct file_req *req; /* owned by the job until the thread is done */
	uint64_t tag; /* the caller's, given back with the result */
	struct file_info info; /* the result */
};

struct hasher_thread {
	pthread_t th;
	uint64_t job_ns; /* CLOCK_MONOTONIC start of its job; 0: waiting */
	bool live; /* created, not joined */
	bool left; /* stuck in its job: replaced, exits when the job ends */
	bool exited; /* returned (to be joined) */
};

struct hasher {
	struct hasher_thread th[HASHER_THREADS_MAX];
	unsigned serving; /* live threads not left behind */
	uint64_t stuck; /* jobs that outlasted HASHER_STUCK_NS */
	bool at_cap; /* a stuck thread could not be replaced (said once) */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_cond_t exit_cv; /* a thread exited (CLOCK_MONOTONIC) */
	struct hash_job todo[HASHER_QUEUE];
	unsigned todo_head, todo_len;
	struct hash_job done[HASHER_QUEUE];
	unsigned done_head, done_len;
	unsigned busy; /* jobs taken by a thread, not yet done */
	int efd; /* readable when done has results */
	bool stop;
	uint64_t max_size; /* larger files are not hashed */
	struct fileopen_self self; /* the sensor's view */
	/* fileopen_req, HASHER_STUCK_NS, HASHER_STOP_NS (tests change them) */
	int (*open)(const struct file_req *r, const struct fileopen_self *me, const char **why);
	uint64_t stuck_ns, stop_ns;
	struct cache_entry {
		struct file_key key;
		struct file_info info;
		uint64_t used; /* clock of the last use, 0: free */
	} * cache;
	uint64_t clock;
};

int hasher_start(struct hasher *h, uint64_t max_size);
/* Stop the threads: jobs in flight have HASHER_STOP_NS to finish; threads
 * still in one then are left to it, with the hasher: it must then stay
 * allocated (the process is about to exit). Results not taken are
 * dropped. The number of threads left. */
unsigned hasher_stop(struct hasher *h);
/* Now and then (the loop's timer): threads stuck in a job are replaced,
 * those that exited joined. */
void hasher_tick(struct hasher *h);
/* Identity of an open file. */
int file_key_of(int fd, struct file_key *k);
/* Queue a copy of r. -1 when the queue is full (or no memory). */
int hasher_submit(struct hasher *h, const struct file_req *r, uint64_t tag);
/* Take one finished job; false when there is none. */
bool hasher_take(struct hasher *h, struct hash_job *out);
/* Hash an open file now (what the threads do): what it is, digests, size. */
void file_hash_fd(int fd, uint64_t max_size, struct file_info *out);

#endif
