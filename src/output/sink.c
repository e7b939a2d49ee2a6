#include "output/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

void sinks_init(struct sinks *ss)
{
	memset(ss, 0, sizeof(*ss));
}

int sinks_add_fd(struct sinks *ss, int fd, const char *name)
{
	struct sink *s;

	if (ss->n >= SINKS_MAX)
		return -ENOSPC;
	s = &ss->s[ss->n++];
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	snprintf(s->name, sizeof(s->name), "%s", name);
	return 0;
}

int sinks_add_file(struct sinks *ss, const char *path, char *err, size_t errlen)
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
	if ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600)) {
		rc = -errno;
		snprintf(err, errlen, "cannot make output %s private (0600): %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	rc = sinks_add_fd(ss, fd, path);
	if (rc) {
		snprintf(err, errlen, "too many outputs (at most %d)", SINKS_MAX);
		close(fd);
	}
	return rc;
}

static int write_all(int fd, const char *line, size_t len)
{
	struct iovec iov[2] = { { (void *)line, len }, { "\n", 1 } };
	int i = 0;

	while (i < 2) {
		ssize_t n = writev(fd, iov + i, 2 - i);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (i < 2 && (size_t)n >= iov[i].iov_len) {
			n -= (ssize_t)iov[i].iov_len;
			i++;
		}
		if (i < 2) {
			iov[i].iov_base = (char *)iov[i].iov_base + n;
			iov[i].iov_len -= (size_t)n;
		}
	}
	return 0;
}

void sinks_write(struct sinks *ss, const char *line, size_t len)
{
	for (int i = 0; i < ss->n; i++) {
		struct sink *s = &ss->s[i];
		int rc = write_all(s->fd, line, len);

		if (rc) {
			s->errors++;
			if (!s->reported) {
				fprintf(stderr, "kunai: writing to %s failed: %s (further failures counted)\n", s->name,
					strerror(-rc));
				s->reported = 1;
			}
		} else {
			s->written++;
		}
	}
}

void sinks_close(struct sinks *ss)
{
	for (int i = 0; i < ss->n; i++) {
		if (ss->s[i].fd > 2)
			close(ss->s[i].fd);
	}
	ss->n = 0;
}
