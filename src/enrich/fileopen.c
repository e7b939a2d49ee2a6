#include "enrich/fileopen.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

void fileopen_self(struct fileopen_self *me)
{
	struct stat st;

	memset(me, 0, sizeof(*me));
	if (!stat("/proc/self/ns/mnt", &st))
		me->mnt_ns = (uint32_t)st.st_ino;
	if (!stat("/", &st)) {
		me->root_dev = st.st_dev;
		me->root_ino = st.st_ino;
	}
}

/* The process shares the sensor's view: its mount namespace and its root
 * (a chroot in the same namespace is another view). */
static bool same_view(const struct file_req *r, const struct fileopen_self *me)
{
	/* the kernel's dev_t: major << 20 | minor */
	dev_t dev = makedev(r->root_dev >> 20, r->root_dev & 0xfffff);

	return me->mnt_ns && r->mnt_ns == me->mnt_ns && r->root_ino && r->root_ino == me->root_ino &&
	       (uint64_t)dev == me->root_dev;
}

int fileopen_fd_name(const char *path)
{
	static const char *const dirs[] = {"/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		size_t n = strlen(dirs[i]);
		char *end;
		long fd;

		if (strncmp(path, dirs[i], n) || path[n] < '0' || path[n] > '9')
			continue;
		errno = 0;
		fd = strtol(path + n, &end, 10);
		if (*end || errno || fd > 0x7fffffff)
			return -1;
		return (int)fd;
	}
	return -1;
}

/* An O_PATH fd made an fd to read, when it is a regular file (opening a
 * FIFO or a device to read could block or act). Closes p. */
static int reopen_regular(int p)
{
	char proc[64];
	struct stat st;
	int fd;

	if (fstat(p, &st) || !S_ISREG(st.st_mode)) {
		close(p);
		return -EINVAL;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", p);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	close(p);
	return fd < 0 ? -errno : fd;
}

/* A path in the sensor's own namespace. */
static int open_regular(const char *path)
{
	int p = open(path, O_PATH | O_CLOEXEC);

	return p < 0 ? -errno : reopen_regular(p);
}

/* The file the kernel used: same size, same change time (which no user can
 * set). Inode numbers would not do: overlays show others. */
static bool same_file(int fd, const struct file_req *r)
{
	struct stat st;

	return !fstat(fd, &st) && (uint64_t)st.st_size == r->size &&
	       (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec == r->ctime_ns;
}

/* The start time in /proc/PID/stat (clock ticks since boot), or 0. */
static uint64_t proc_start_ticks(int pdir)
{
	char buf[1024], *p;
	uint64_t ticks = 0;
	ssize_t n;
	int fd = openat(pdir, "stat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* after the command's closing parenthesis: field 3 on; 22 is the start */
	p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		ticks = strtoull(p + 1, NULL, 10);
	return ticks;
}

/* The process's /proc directory, when the pid is still the process's. */
static int proc_dir(const struct file_req *r)
{
	char path[32];
	long hz = sysconf(_SC_CLK_TCK);
	int d;

	snprintf(path, sizeof(path), "/proc/%u", r->tgid);
	d = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return -1;
	/* the directory fd stays the process's even if its pid is reused */
	if (r->start_ns && hz > 0 && 1000000000L % hz == 0 &&
	    proc_start_ticks(d) != r->start_ns / (uint64_t)(1000000000L / hz)) {
		close(d);
		return -1;
	}
	return d;
}

/* path as the process sees it: its fd for /dev/fd/N, else from its root,
 * where an absolute symbolic link stays inside that root. */
static int open_in_task(int pdir, const char *path)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int n = fileopen_fd_name(path), root, p;
	char sub[32];

	if (n >= 0) {
		snprintf(sub, sizeof(sub), "fd/%d", n);
		p = openat(pdir, sub, O_PATH | O_CLOEXEC);
		return p < 0 ? -errno : reopen_regular(p);
	}
	root = openat(pdir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -ESRCH;
	p = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
	if (p < 0 && errno == ENOSYS) /* before 5.6: through the root link */
		p = openat(root, path[0] == '/' ? path + 1 : path, O_PATH | O_CLOEXEC);
	if (p < 0)
		p = -errno;
	close(root);
	return p < 0 ? p : reopen_regular(p);
}

static const char *why_of(int err)
{
	return err == -EINVAL  ? "not a regular file"
	       : err == -ESRCH ? "process gone: its files cannot be reached"
			       : "gone";
}

int fileopen_req(const struct file_req *r, const struct fileopen_self *me, const char **why)
{
	bool checked = r->ctime_ns != -1;
	int pdir = proc_dir(r), fd = -ESRCH;

	if (pdir >= 0 && r->by_exe) {
		/* the kernel's own reference */
		fd = openat(pdir, "exe", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd >= 0 && (!checked || same_file(fd, r))) {
			close(pdir);
			return fd;
		}
		if (fd >= 0)
			close(fd);
	}
	if (pdir >= 0) {
		fd = open_in_task(pdir, r->path);
		close(pdir);
	}
	/* the process is gone: its view is the sensor's, or the kernel's size
	 * and change time check the file; else out of reach */
	if (fd == -ESRCH && fileopen_fd_name(r->path) < 0 && (same_view(r, me) || checked))
		fd = open_regular(r->path);
	if (fd < 0) {
		*why = why_of(fd);
		return -1;
	}
	if (checked && !same_file(fd, r)) {
		close(fd);
		*why = "changed since the kernel saw it";
		return -1;
	}
	return fd;
}
