/* Per-syscall cost: N calls of one kind, prints ns per call.
 * Usage: syscalls MODE N FILE
 *   getppid  a syscall the sensor does not watch
 *   pread    1-byte pread of FILE (the sensor watches reads)
 *   openclose  open and close FILE (watched: openat exit, close)
 *   firstread  open, read 1 byte of and close FILE.0 .. FILE.N-1 once each:
 *              the first read of a file by a process (watched: not /etc,
 *              so no event with the default configuration) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	long n;
	char c;
	int fd;

	if (argc != 4)
		return 2;
	n = atol(argv[2]);
	fd = open(argv[3], O_RDONLY);
	if (fd < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		if (!strcmp(argv[1], "firstread")) {
			char name[4096];
			int f;

			snprintf(name, sizeof(name), "%s.%ld", argv[3], i);
			f = open(name, O_RDONLY);
			if (f < 0 || read(f, &c, 1) != 1)
				return 1;
			close(f);
		} else if (!strcmp(argv[1], "getppid")) {
			syscall(SYS_getppid);
		} else if (!strcmp(argv[1], "pread")) {
			if (pread(fd, &c, 1, 0) != 1)
				return 1;
		} else {
			int f = open(argv[3], O_RDONLY);

			if (f < 0)
				return 1;
			close(f);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n);
	return 0;
}
