#include "model/procfs.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kunai/wire.h"
#include "util/argv.h"

static ssize_t read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return -1;
	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return (ssize_t)got;
}

int procfs_stat(const char *procroot, uint32_t pid, uint32_t *ppid, uint64_t *start_ns)
{
	char path[PATH_MAX], buf[1024], *p;
	unsigned long long start = 0;
	unsigned pp = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%u/stat", procroot, pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	/* comm may hold spaces and parentheses: fields restart after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	/* fields 3.. : state ppid pgrp session tty tpgid flags minflt cminflt
	 * majflt cmajflt utime stime cutime cstime priority nice threads
	 * itrealvalue starttime */
	if (sscanf(p + 2, "%*c %u %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &pp,
		   &start) != 2)
		return -1;
	*ppid = pp;
	*start_ns = (uint64_t)start * KN_USER_HZ_NS;
	return 0;
}

size_t procfs_seed(struct proctable *pt, const char *procroot)
{
	char path[PATH_MAX], exe[PATH_MAX], *area;
	struct strbuf cmd;
	struct dirent *de;
	size_t count = 0;
	DIR *d = opendir(procroot);

	if (!d)
		return 0;
	area = malloc(KN_ARGV_MAX);
	if (!area) {
		closedir(d);
		return 0;
	}
	strbuf_init(&cmd);
	while ((de = readdir(d))) {
		uint32_t pid, ppid;
		uint64_t start;
		struct proc *p;
		ssize_t n;
		char *end;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (uint32_t)strtoul(de->d_name, &end, 10);
		if (*end || procfs_stat(procroot, pid, &ppid, &start))
			continue;
		p = proctable_upsert(pt, pid, start, ppid, 0);
		if (!p)
			break;
		snprintf(path, sizeof(path), "%s/%u/exe", procroot, pid);
		n = readlink(path, exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = 0;
		snprintf(path, sizeof(path), "%s/%u/cmdline", procroot, pid);
		n = read_file(path, area, KN_ARGV_MAX);
		strbuf_reset(&cmd);
		if (n > 0)
			argv_to_cmdline(area, (size_t)n, &cmd);
		proc_set_exec(p, exe[0] ? exe : NULL, n > 0 ? cmd.buf : NULL);
		count++;
	}
	strbuf_free(&cmd);
	free(area);
	closedir(d);
	proctable_link(pt);
	return count;
}

static int proc_is_dead(const struct proc *p, void *arg)
{
	uint32_t ppid;
	uint64_t start;

	if (procfs_stat(arg, p->tgid, &ppid, &start))
		return 1;
	return p->start && start != p->start;
}

size_t procfs_sweep(struct proctable *pt, const char *procroot)
{
	return proctable_sweep(pt, proc_is_dead, (void *)procroot);
}
