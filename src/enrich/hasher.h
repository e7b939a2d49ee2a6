/*
 * File opening and hashing off the event loop. The loop hands a request (the
 * file as the process that used it sees it, enrich/fileopen.h) to a small
 * pool of threads, which open it, look its identity up in a cache of results
 * and hash it on a miss; results come back through a queue and an eventfd
 * the loop polls. The job queue and the cache are bounded; nothing here ever
 * blocks the loop (an open that hangs holds one thread).
 */
#ifndef KN_HASHER_H
#define KN_HASHER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "enrich/fileopen.h"
#include "util/hash.h"

#define HASHER_THREADS 2
#define HASHER_QUEUE 1024
#define HASHER_CACHE 4096

/* What is known of a file: its digests, or why not. */
struct file_info {
	struct hashes h;
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

struct hasher {
	pthread_t th[HASHER_THREADS];
	int nthreads;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hash_job todo[HASHER_QUEUE];
	unsigned todo_head, todo_len;
	struct hash_job done[HASHER_QUEUE];
	unsigned done_head, done_len;
	unsigned busy; /* jobs taken by a thread, not yet done */
	int efd; /* readable when done has results */
	bool stop;
	uint64_t max_size; /* larger files are not hashed */
	struct fileopen_self self; /* the sensor's view */
	struct cache_entry {
		struct file_key key;
		struct file_info info;
		uint64_t used; /* clock of the last use, 0: free */
	} * cache;
	uint64_t clock;
};

int hasher_start(struct hasher *h, uint64_t max_size);
/* Stop the threads (in-flight jobs finish); results not taken are dropped. */
void hasher_stop(struct hasher *h);
/* Identity of an open file. */
int file_key_of(int fd, struct file_key *k);
/* Queue a copy of r. -1 when the queue is full (or no memory). */
int hasher_submit(struct hasher *h, const struct file_req *r, uint64_t tag);
/* Take one finished job; false when there is none. */
bool hasher_take(struct hasher *h, struct hash_job *out);
/* Hash an open file now (what the threads do): digests and size. */
void file_hash_fd(int fd, uint64_t max_size, struct file_info *out);

#endif
