/* An executable mapping's fd rebound by another thread while mmap runs.
 * Usage: race_mmap DIR N. DIR/real and DIR/decoy are made; for each
 * i < N: fd 100 is DIR/real, and mmap(PROT_READ|PROT_EXEC, MAP_POPULATE)
 * of it (2 MiB) runs while a second thread dup2s DIR/decoy over fd 100
 * after a delay from none to milliseconds (one rebind a round: the kernel
 * mapped one of the two). Prints "i real:ADDR" or "i decoy:ADDR", the file
 * the kernel mapped (the mapping's inode) and where, or "i e ERRNO". The
 * mappings stay till the end: each round's address is its own. */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "racer.h"

#define FD 100
/* mapped whole and populated: the call runs long after it took the fd */
#define SIZE (2 << 20)

static int decoy;

static void racer_rewrite(void)
{
	dup2(decoy, FD);
}

static int make(const char *dir, const char *name, char c, struct stat *st)
{
	char path[4096], buf[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	memset(buf, c, sizeof(buf));
	for (int k = 0; fd >= 0 && k < SIZE / (int)sizeof(buf); k++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			return -1;
	if (fd < 0 || fstat(fd, st))
		return -1;
	return fd;
}

int main(int argc, char **argv)
{
	struct stat rs, ds, ms;
	char path[4096];
	int real, n = racer_dir_start(argc, argv);

	if (n < 0)
		return 2;
	real = make(argv[1], "real", 'r', &rs);
	decoy = make(argv[1], "decoy", 'd', &ds);
	if (real < 0 || decoy < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		void *p;

		if (dup2(real, FD) != FD)
			return 1;
		racer_arm(i, 16);
		p = mmap(NULL, SIZE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_POPULATE, FD, 0);
		racer_wait();
		if (p == MAP_FAILED) {
			printf("%d e %d\n", i, errno);
			continue;
		}
		/* the mapping's own file, as the kernel keeps it */
		snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)p, (unsigned long)p + SIZE);
		if (stat(path, &ms))
			return 1;
		printf("%d %s:%lx\n", i,
		       ms.st_ino == rs.st_ino	? "real"
		       : ms.st_ino == ds.st_ino ? "decoy"
						: "other",
		       (unsigned long)p);
	}
	racer_stop();
	return 0;
}
