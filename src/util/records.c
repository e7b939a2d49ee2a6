#include "util/records.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kunai/wire.h"

#define RECORDS_BUF (1u << 20)

#define RECORDS_HEADER 64 /* bytes: records start 8-byte aligned */

/* The header: the format and the layout's sizes, padded with spaces to
 * RECORDS_HEADER bytes, the last a newline. */
static int header(char *out, size_t len)
{
	int n = snprintf(out, len, "KUNAI-RECORDS 2 %zu %zu %zu %zu %d", sizeof(struct kn_header),
			 sizeof(struct kn_sys), sizeof(struct kn_exec), sizeof(struct kn_exit), (int)KN_TYPE_MAX);

	if (n < 0 || (size_t)n >= RECORDS_HEADER || len <= RECORDS_HEADER)
		return -1;
	memset(out + n, ' ', RECORDS_HEADER - 1 - (size_t)n);
	out[RECORDS_HEADER - 1] = '\n';
	out[RECORDS_HEADER] = 0;
	return RECORDS_HEADER;
}

int records_open(struct records_out *r, const char *path, char *why, size_t whylen)
{
	char h[RECORDS_HEADER + 1];
	struct stat st;
	int fd;

	memset(r, 0, sizeof(*r));
	/* never through a symlink, never blocked by a FIFO planted there */
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0) {
		/* (ENXIO: a FIFO without a reader, a socket) */
		snprintf(why, whylen, "%s: %s", path, errno == ENXIO ? "not a regular file" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	/* as the outputs (output/sink.c): another user's file, or a second
	 * name of another file, is not ours to replace */
	if (st.st_uid != geteuid() || st.st_nlink != 1) {
		if (st.st_uid != geteuid())
			snprintf(why, whylen, "%s: owned by uid %u, not by this user: refusing it", path,
				 (unsigned)st.st_uid);
		else
			snprintf(why, whylen, "%s: has %lu names (hard links): refusing it", path,
				 (unsigned long)st.st_nlink);
		close(fd);
		return -1;
	}
	if (ftruncate(fd, 0) || fchmod(fd, 0600) || fcntl(fd, F_SETFL, 0) || !(r->f = fdopen(fd, "w"))) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	setvbuf(r->f, NULL, _IOFBF, RECORDS_BUF);
	if (header(h, sizeof(h)) < 0 || fputs(h, r->f) == EOF) {
		snprintf(why, whylen, "%s: cannot write", path);
		fclose(r->f);
		r->f = NULL;
		return -1;
	}
	return 0;
}

void records_save(struct records_out *r, const void *rec, uint32_t size)
{
	static const unsigned char pad[8];
	unsigned char len[8] = {(unsigned char)size, (unsigned char)(size >> 8), (unsigned char)(size >> 16),
				(unsigned char)(size >> 24)};
	size_t npad = (8 - size % 8) % 8;

	if (!r->f || r->failed)
		return;
	if (fwrite(len, 8, 1, r->f) != 1 || fwrite(rec, size, 1, r->f) != 1 ||
	    (npad && fwrite(pad, npad, 1, r->f) != 1)) {
		r->failed = 1;
		fprintf(stderr, "kunai: --record: %s; recording stopped after %llu records\n", strerror(errno),
			(unsigned long long)r->saved);
		return;
	}
	r->saved++;
}

int records_close(struct records_out *r)
{
	int rc = 0;

	if (!r->f)
		return 0;
	if (fclose(r->f) || r->failed)
		rc = -1;
	r->f = NULL;
	return rc;
}

int records_load(struct records_in *r, const char *path, char *why, size_t whylen)
{
	char h[RECORDS_HEADER + 1];
	struct stat st;
	size_t hl;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(r, 0, sizeof(*r));
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s: %s", path, fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	r->buf = malloc((size_t)st.st_size + 1);
	if (!r->buf) {
		close(fd);
		snprintf(why, whylen, "%s: too big to load", path);
		return -1;
	}
	while (r->len < (size_t)st.st_size) {
		ssize_t n = read(fd, r->buf + r->len, (size_t)st.st_size - r->len);

		if (n <= 0)
			break;
		r->len += (size_t)n;
	}
	close(fd);
	hl = (size_t)header(h, sizeof(h));
	if (r->len < hl || memcmp(r->buf, h, hl)) {
		int n = RECORDS_HEADER - 1;

		while (n > 0 && h[n - 1] == ' ')
			n--;
		snprintf(why, whylen, "%s: not records of this build's layout (its header would be '%.*s')", path, n,
			 h);
		records_free(r);
		return -1;
	}
	r->first = r->at = hl;
	return 0;
}

const void *records_next(struct records_in *r, uint32_t *size)
{
	const unsigned char *p = r->buf + r->at;
	size_t step;
	uint32_t n;

	if (r->len - r->at < 8)
		return NULL;
	n = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	step = 8 + ((size_t)n + 7) / 8 * 8;
	if (n > r->len - r->at - 8)
		return NULL;
	r->at = step > r->len - r->at ? r->len : r->at + step;
	*size = n;
	return p + 8; /* 8-byte aligned: the buffer is, the header and steps too */
}

void records_rewind(struct records_in *r)
{
	r->at = r->first;
}

void records_free(struct records_in *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}
