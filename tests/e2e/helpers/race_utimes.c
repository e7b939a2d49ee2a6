/* Times rewritten by another thread while utimensat runs.
 * Usage: race_utimes DIR N. For each i < N: makes DIR/f_i and sets its
 * mtime to 1000 while a second thread rewrites the times' buffer to 2000
 * after a delay from none to milliseconds. Prints "i SECONDS", the mtime
 * the kernel set, or "i e ERRNO" when it set none. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "racer.h"

static struct timespec times[2];

static void racer_rewrite(void)
{
	times[1].tv_sec = 2000;
}

int main(int argc, char **argv)
{
	char path[4096];
	struct stat st;
	int n;

	n = racer_dir_start(argc, argv);
	if (n < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		int rc;

		snprintf(path, sizeof(path), "%s/f_%04d", argv[1], i);
		if (racer_touch(path))
			return 1;
		times[0].tv_sec = 1000;
		times[0].tv_nsec = 0;
		times[1].tv_sec = 1000;
		times[1].tv_nsec = 0;
		racer_arm(i, 16);
		rc = utimensat(AT_FDCWD, path, times, 0) ? errno : 0;
		racer_wait();
		if (rc)
			printf("%d e %d\n", i, rc);
		else if (stat(path, &st))
			return 1;
		else
			printf("%d %lld\n", i, (long long)st.st_mtime);
	}
	racer_stop();
	return 0;
}
