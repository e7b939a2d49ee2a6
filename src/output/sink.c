#include "output/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

void sinks_init(struct sinks *ss, size_t queue_max)
{
	memset(ss, 0, sizeof(*ss));
	ss->queue_max = queue_max;
}

int sinks_add_fd(struct sinks *ss, int fd, const char *name)
{
	struct sink *s;
	int fl;

	if (ss->n >= SINKS_MAX)
		return -ENOSPC;
	s = &ss->s[ss->n++];
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->orig_flags = -1;
	strbuf_init(&s->queue);
	snprintf(s->name, sizeof(s->name), "%s", name);
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && !(fl & O_NONBLOCK) && !fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		s->orig_flags = fl;
	return 0;
}

/* Open an output file: created 0600, appended; an existing one must be a
 * regular file of ours with one name, and is made private. */
static int file_open(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open output %s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "output %s is not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	/* A file someone else made (say in /tmp) could be read by them; a
	 * second name could be a file we must not append to. */
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "output %s is owned by uid %u, not by this user: refusing it", path,
			 (unsigned)st.st_uid);
		close(fd);
		return -EPERM;
	}
	if (st.st_nlink != 1) {
		snprintf(err, errlen, "output %s has %lu names (hard links): refusing it", path,
			 (unsigned long)st.st_nlink);
		close(fd);
		return -EPERM;
	}
	if ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600)) {
		rc = -errno;
		snprintf(err, errlen, "cannot make output %s private (0600): %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	return fd;
}

int sinks_add_file(struct sinks *ss, const char *path, char *err, size_t errlen)
{
	int fd = file_open(path, err, errlen), rc;

	if (fd < 0)
		return fd;
	rc = sinks_add_fd(ss, fd, path);
	if (rc) {
		snprintf(err, errlen, "too many outputs (at most %d)", SINKS_MAX);
		close(fd);
		return rc;
	}
	ss->s[ss->n - 1].is_file = 1;
	return 0;
}

static void sink_failed(struct sink *s, int err)
{
	s->dead = 1;
	if (!s->reported) {
		fprintf(stderr, "kunai: writing to %s failed: %s; its lines are dropped and counted from now on\n",
			s->name, strerror(err));
		s->reported = 1;
	}
}

/* Write held-back bytes. Returns 0 when nothing is held back any more. */
static int sink_flush(struct sink *s)
{
	while (s->qoff < s->queue.len) {
		ssize_t n = write(s->fd, s->queue.buf + s->qoff, s->queue.len - s->qoff);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 1;
			sink_failed(s, errno);
			/* the lines it held are lost: counted (a line begun
			 * counts too) */
			for (size_t k = s->qoff; k < s->queue.len; k++)
				s->dropped += s->queue.buf[k] == '\n';
			s->qoff = s->queue.len;
			break;
		}
		s->qoff += (size_t)n;
	}
	strbuf_reset(&s->queue);
	strbuf_shrink(&s->queue, 1 << 20);
	s->qoff = 0;
	return 0;
}

/* Lines are gathered and written a batch at a time (sinks_flush, after
 * each ring-buffer batch): one write for many events. */
static void sink_write(struct sinks *ss, struct sink *s, const char *line, size_t len)
{
	size_t held;

	if (s->dead) {
		s->dropped++;
		return;
	}
	held = s->queue.len - s->qoff;
	if (held + len + 1 > ss->queue_max) {
		/* (what it holds back may go out now, making room) */
		if (sink_flush(s) || s->queue.len - s->qoff + len + 1 > ss->queue_max || s->dead) {
			s->dropped++;
			return;
		}
	}
	strbuf_grow(&s->queue, len + 1);
	memcpy(s->queue.buf + s->queue.len, line, len);
	s->queue.buf[s->queue.len + len] = '\n';
	s->queue.len += len + 1;
	s->queue.buf[s->queue.len] = 0;
	s->written++;
	if (s->queue.len - s->qoff >= SINK_BATCH_BYTES)
		sink_flush(s);
}

void sinks_write(struct sinks *ss, const char *line, size_t len)
{
	for (int i = 0; i < ss->n; i++)
		sink_write(ss, &ss->s[i], line, len);
}

int sinks_reopen(struct sinks *ss)
{
	int failed = 0;

	sinks_drain(ss, 1000);
	for (int i = 0; i < ss->n; i++) {
		struct sink *s = &ss->s[i];
		char err[512];
		int fd;

		if (!s->is_file)
			continue;
		fd = file_open(s->name, err, sizeof(err));
		if (fd < 0) {
			fprintf(stderr, "kunai: %s; still writing to the file opened before\n", err);
			failed++;
			continue;
		}
		close(s->fd);
		s->fd = fd;
		s->dead = 0;
		s->reported = 0;
	}
	return failed;
}

size_t sinks_flush(struct sinks *ss)
{
	size_t held = 0;

	for (int i = 0; i < ss->n; i++) {
		struct sink *s = &ss->s[i];

		if (s->qoff < s->queue.len && !s->dead)
			sink_flush(s);
		held += s->queue.len - s->qoff;
	}
	return held;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sinks_drain(struct sinks *ss, int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	while (sinks_flush(ss)) {
		struct pollfd p[SINKS_MAX];
		int n = 0;
		int64_t left = end - now_ms();

		if (left <= 0)
			break;
		for (int i = 0; i < ss->n; i++) {
			if (ss->s[i].qoff < ss->s[i].queue.len) {
				p[n].fd = ss->s[i].fd;
				p[n].events = POLLOUT;
				n++;
			}
		}
		if (poll(p, (nfds_t)n, (int)left) <= 0)
			break;
	}
	for (int i = 0; i < ss->n; i++) {
		struct sink *s = &ss->s[i];

		if (s->qoff < s->queue.len) {
			size_t lines = 0;

			for (size_t k = s->qoff; k < s->queue.len; k++)
				lines += s->queue.buf[k] == '\n';
			s->dropped += lines;
			fprintf(stderr, "kunai: %s did not take its last %zu lines\n", s->name, lines);
			strbuf_reset(&s->queue);
			s->qoff = 0;
		}
	}
}

void sinks_close(struct sinks *ss)
{
	for (int i = 0; i < ss->n; i++) {
		struct sink *s = &ss->s[i];

		if (s->orig_flags >= 0)
			fcntl(s->fd, F_SETFL, s->orig_flags);
		if (s->fd > 2)
			close(s->fd);
		strbuf_free(&s->queue);
	}
	ss->n = 0;
}
