/* A name rewritten by another thread while the syscall that uses it runs.
 * Usage: race_unlink DIR N. For each i < N: makes DIR/victim_i, then unlinks
 * it while a second thread rewrites the name's buffer to DIR/ghost__i (a
 * file that never exists) after a delay from none to milliseconds. Prints
 * "i 0" when the unlink removed the victim, "i ERRNO" otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "racer.h"

static char buf[4096], ghost[4096];

static void racer_rewrite(void)
{
	memcpy(buf, ghost, strlen(ghost) + 1);
}

int main(int argc, char **argv)
{
	int n;

	n = racer_dir_start(argc, argv);
	if (n < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		int rc;

		snprintf(buf, sizeof(buf), "%s/victim_%04d", argv[1], i);
		snprintf(ghost, sizeof(ghost), "%s/ghost__%04d", argv[1], i);
		if (racer_touch(buf))
			return 1;
		racer_arm(i, 22);
		rc = unlink(buf) ? errno : 0;
		racer_wait();
		printf("%d %d\n", i, rc);
		/* a victim the unlink missed: removed by its own name */
		snprintf(buf, sizeof(buf), "%s/victim_%04d", argv[1], i);
		unlink(buf);
	}
	racer_stop();
	return 0;
}
