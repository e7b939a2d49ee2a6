#include "enrich/hasher.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

int file_key_of(int fd, struct file_key *k)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	memset(k, 0, sizeof(*k));
	k->dev = st.st_dev;
	k->ino = st.st_ino;
	k->size = (uint64_t)st.st_size;
	k->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	k->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
	return 0;
}

static void hex(const unsigned char *d, unsigned n, char *out)
{
	static const char x[] = "0123456789abcdef";

	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = x[d[i] >> 4];
		out[2 * i + 1] = x[d[i] & 15];
	}
	out[2 * n] = 0;
}

/* Set when a hasher stops: a file being hashed then is given up between
 * two reads (the stop does not wait for it, nor does the exit after). */
static volatile int hashing_stopped;

void file_hash_fd(int fd, uint64_t max_size, struct file_info *out)
{
	const EVP_MD *mds[4] = {EVP_md5(), EVP_sha1(), EVP_sha256(), EVP_sha512()};
	char *dst[4] = {out->h.md5, out->h.sha1, out->h.sha256, out->h.sha512};
	EVP_MD_CTX *ctx[4] = {0};
	static const size_t chunk = 1 << 16;
	unsigned char *buf = NULL;
	uint64_t total = 0;
	struct stat st;
	int i;

	memset(out, 0, sizeof(*out));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		out->error = "not a regular file";
		return;
	}
	out->size = (uint64_t)st.st_size;
	buf = malloc(chunk);
	if (out->size > max_size) {
		/* what it is, from its first bytes, all the same */
		ssize_t n = buf ? pread(fd, buf, chunk, 0) : -1;

		if (n >= 0)
			file_magic(buf, (size_t)n, out->magic);
		out->error = "too big to hash";
		free(buf);
		return;
	}
	for (i = 0; i < 4; i++) {
		ctx[i] = EVP_MD_CTX_new();
		if (!ctx[i] || !EVP_DigestInit_ex(ctx[i], mds[i], NULL))
			goto fail;
	}
	if (!buf)
		goto fail;
	for (;;) {
		ssize_t n = pread(fd, buf, chunk, (off_t)total);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			out->error = "read failed";
			goto done;
		}
		if (n == 0) {
			if (!total)
				file_magic(buf, 0, out->magic);
			break;
		}
		if (hashing_stopped) {
			out->error = "not hashed: the sensor stopped";
			goto done;
		}
		if (!total)
			file_magic(buf, (size_t)n, out->magic);
		total += (uint64_t)n;
		if (total > max_size) {
			out->error = "too big to hash";
			goto done;
		}
		for (i = 0; i < 4; i++) {
			if (!EVP_DigestUpdate(ctx[i], buf, (size_t)n))
				goto fail;
		}
	}
	for (i = 0; i < 4; i++) {
		unsigned char d[EVP_MAX_MD_SIZE];
		unsigned dn = 0;

		if (!EVP_DigestFinal_ex(ctx[i], d, &dn))
			goto fail;
		hex(d, dn, dst[i]);
	}
	out->size = total;
	goto done;
fail:
	out->error = "hashing failed";
done:
	if (out->error)
		memset(&out->h, 0, sizeof(out->h));
	for (i = 0; i < 4; i++)
		EVP_MD_CTX_free(ctx[i]);
	free(buf);
}

static bool cache_get(struct hasher *h, const struct file_key *k, struct file_info *out);
static void cache_put(struct hasher *h, const struct file_key *k, const struct file_info *info);

/* One request: open (may block), then the cache, then the digests. Called
 * without the lock. */
static void job_run(struct hasher *h, struct hash_job *job)
{
	const char *why = NULL;
	struct file_key k;
	bool hit;
	int fd = h->open(job->req, &h->self, &why);

	memset(&job->info, 0, sizeof(job->info));
	if (fd < 0 || file_key_of(fd, &k)) {
		job->info.error = why ? why : "cannot read";
		if (fd >= 0)
			close(fd);
		return;
	}
	pthread_mutex_lock(&h->mu);
	hit = cache_get(h, &k, &job->info);
	pthread_mutex_unlock(&h->mu);
	if (!hit) {
		file_hash_fd(fd, h->max_size, &job->info);
		if (!job->info.error || !strcmp(job->info.error, "too big to hash")) {
			pthread_mutex_lock(&h->mu);
			cache_put(h, &k, &job->info);
			pthread_mutex_unlock(&h->mu);
		}
	}
	close(fd);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct worker_arg {
	struct hasher *h;
	struct hasher_thread *me;
};

static void *worker(void *arg)
{
	struct worker_arg wa = *(struct worker_arg *)arg;
	struct hasher *h = wa.h;
	struct hasher_thread *me = wa.me;
	uint64_t one = 1;

	free(arg);
	pthread_mutex_lock(&h->mu);
	for (;;) {
		struct hash_job job;

		while (!h->stop && !h->todo_len)
			pthread_cond_wait(&h->cv, &h->mu);
		if (h->stop)
			break;
		job = h->todo[h->todo_head];
		h->todo_head = (h->todo_head + 1) % HASHER_QUEUE;
		h->todo_len--;
		h->busy++;
		me->job_ns = mono_ns();
		pthread_mutex_unlock(&h->mu);
		job_run(h, &job);
		free(job.req);
		job.req = NULL;
		pthread_mutex_lock(&h->mu);
		me->job_ns = 0;
		h->busy--;
		/* done has room: a job only enters todo when todo + busy + done
		 * leave a place for its result */
		h->done[(h->done_head + h->done_len) % HASHER_QUEUE] = job;
		h->done_len++;
		if (write(h->efd, &one, sizeof(one)) < 0) {
			/* the counter cannot overflow in practice; the loop
			 * also drains done on its timer */
		}
		if (me->left)
			break; /* replaced while it was stuck */
	}
	me->exited = true;
	pthread_cond_broadcast(&h->exit_cv);
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* Under the lock: one more serving thread, in a free slot. */
static int spawn(struct hasher *h)
{
	struct worker_arg *wa;

	for (int i = 0; i < HASHER_THREADS_MAX; i++) {
		struct hasher_thread *t = &h->th[i];

		if (t->live)
			continue;
		wa = malloc(sizeof(*wa));
		if (!wa)
			return -ENOMEM;
		wa->h = h;
		wa->me = t;
		memset(t, 0, sizeof(*t));
		if (pthread_create(&t->th, NULL, worker, wa)) {
			free(wa);
			return -EAGAIN;
		}
		t->live = true;
		h->serving++;
		return 0;
	}
	return -ENOSPC;
}

/* Under the lock: join the threads that exited; the number still live. */
static unsigned reap(struct hasher *h)
{
	unsigned live = 0;

	for (int i = 0; i < HASHER_THREADS_MAX; i++) {
		struct hasher_thread *t = &h->th[i];

		if (t->live && t->exited) {
			/* it set exited under the lock, which it no longer
			 * holds: the join is at once */
			pthread_join(t->th, NULL);
			if (!t->left)
				h->serving--;
			memset(t, 0, sizeof(*t));
		} else if (t->live) {
			live++;
		}
	}
	return live;
}

void hasher_tick(struct hasher *h)
{
	uint64_t now;

	if (!h->cache)
		return;
	pthread_mutex_lock(&h->mu);
	now = mono_ns(); /* (after the lock: no job starts after it then) */
	reap(h);
	for (int i = 0; i < HASHER_THREADS_MAX; i++) {
		struct hasher_thread *t = &h->th[i];

		if (t->live && !t->left && t->job_ns && t->job_ns < now && now - t->job_ns > h->stuck_ns) {
			t->left = true;
			h->serving--;
			h->stuck++;
		}
	}
	while (h->serving < HASHER_THREADS) {
		int err = spawn(h);

		if (err) {
			if (!h->at_cap)
				fprintf(stderr,
					"kunai: warning: %u file opens or reads have not returned (a file system "
					"that does not answer?); files are hashed by the %u threads left: %s\n",
					HASHER_THREADS_MAX - h->serving, h->serving,
					err == -ENOSPC ? "no more threads" : strerror(-err));
			h->at_cap = true;
			break;
		}
	}
	if (h->serving >= HASHER_THREADS)
		h->at_cap = false;
	pthread_mutex_unlock(&h->mu);
}

int hasher_start(struct hasher *h, uint64_t max_size)
{
	pthread_condattr_t ca;

	memset(h, 0, sizeof(*h));
	hashing_stopped = 0;
	h->max_size = max_size;
	h->open = fileopen_req;
	h->stuck_ns = HASHER_STUCK_NS;
	h->stop_ns = HASHER_STOP_NS;
	fileopen_self(&h->self);
	h->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	h->cache = calloc(HASHER_CACHE, sizeof(*h->cache));
	if (h->efd < 0 || !h->cache)
		return -ENOMEM;
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->exit_cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_lock(&h->mu);
	while (h->serving < HASHER_THREADS && !spawn(h))
		;
	pthread_mutex_unlock(&h->mu);
	return h->serving ? 0 : -EAGAIN;
}

unsigned hasher_stop(struct hasher *h)
{
	uint64_t end;
	unsigned live;

	if (!h->cache)
		return 0;
	end = mono_ns() + h->stop_ns;
	hashing_stopped = 1;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_broadcast(&h->cv);
	while ((live = reap(h)) && mono_ns() < end) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 50 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->exit_cv, &h->mu, &ts);
	}
	pthread_mutex_unlock(&h->mu);
	if (live) {
		/* threads in an open or read that does not return: left to it,
		 * with what they use (the process exits next) */
		fprintf(stderr, "kunai: %u file opens or reads had not returned at the stop: not waited for\n", live);
		return live;
	}
	for (unsigned i = 0; i < h->todo_len; i++)
		free(h->todo[(h->todo_head + i) % HASHER_QUEUE].req);
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
	pthread_cond_destroy(&h->exit_cv);
	close(h->efd);
	free(h->cache);
	h->cache = NULL;
	return 0;
}

static size_t cache_slot(const struct file_key *k)
{
	uint64_t x = k->dev * 0x9e3779b97f4a7c15ULL ^ k->ino * 0xc2b2ae3d27d4eb4fULL ^ k->size ^ (uint64_t)k->mtime_ns ^
		     ((uint64_t)k->ctime_ns << 1);

	return (size_t)(x % (HASHER_CACHE / 4)) * 4; /* 4-way buckets */
}

/* Under the lock. */
static bool cache_get(struct hasher *h, const struct file_key *k, struct file_info *out)
{
	size_t b = cache_slot(k);

	for (size_t i = b; i < b + 4; i++) {
		if (h->cache[i].used && !memcmp(&h->cache[i].key, k, sizeof(*k))) {
			h->cache[i].used = ++h->clock;
			*out = h->cache[i].info;
			return true;
		}
	}
	return false;
}

/* Under the lock. */
static void cache_put(struct hasher *h, const struct file_key *k, const struct file_info *info)
{
	size_t b = cache_slot(k), victim = b;

	for (size_t i = b; i < b + 4; i++) {
		if (!h->cache[i].used || !memcmp(&h->cache[i].key, k, sizeof(*k))) {
			victim = i;
			break;
		}
		if (h->cache[i].used < h->cache[victim].used)
			victim = i;
	}
	h->cache[victim].key = *k;
	h->cache[victim].info = *info;
	h->cache[victim].used = ++h->clock;
}

int hasher_submit(struct hasher *h, const struct file_req *r, uint64_t tag)
{
	struct file_req *copy = malloc(sizeof(*copy));
	struct hash_job *j;

	if (!copy)
		return -1;
	*copy = *r;
	pthread_mutex_lock(&h->mu);
	if (h->todo_len + h->busy + h->done_len >= HASHER_QUEUE) {
		pthread_mutex_unlock(&h->mu);
		free(copy);
		return -1;
	}
	j = &h->todo[(h->todo_head + h->todo_len) % HASHER_QUEUE];
	memset(j, 0, sizeof(*j));
	j->req = copy;
	j->tag = tag;
	h->todo_len++;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	return 0;
}

bool hasher_take(struct hasher *h, struct hash_job *out)
{
	bool got = false;

	pthread_mutex_lock(&h->mu);
	if (h->done_len) {
		*out = h->done[h->done_head];
		h->done_head = (h->done_head + 1) % HASHER_QUEUE;
		h->done_len--;
		got = true;
	}
	pthread_mutex_unlock(&h->mu);
	return got;
}
