/* A name rewritten by another thread while the syscall that uses it runs.
 * Usage: race_unlink DIR N. For each i < N: makes DIR/victim_i, then unlinks
 * it while a second thread rewrites the name's buffer to DIR/ghost__i (a
 * file that never exists) after a delay from none to milliseconds. Prints
 * "i 0" when the unlink removed the victim, "i ERRNO" otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[4096], ghost[4096];
static atomic_int go, done;
static int delay;

static void *racer(void *arg)
{
	for (;;) {
		while (!atomic_load(&go))
			;
		atomic_store(&go, 0);
		if (delay < 0)
			return NULL;
		for (volatile int k = 0; k < delay; k++)
			;
		memcpy(buf, ghost, strlen(ghost) + 1);
		atomic_store(&done, 1);
	}
}

int main(int argc, char **argv)
{
	pthread_t th;
	int n;

	if (argc != 3 || strlen(argv[1]) > 3000)
		return 2;
	n = atoi(argv[2]);
	if (pthread_create(&th, NULL, racer, NULL))
		return 1;
	for (int i = 0; i < n; i++) {
		int fd, rc;

		snprintf(buf, sizeof(buf), "%s/victim_%04d", argv[1], i);
		snprintf(ghost, sizeof(ghost), "%s/ghost__%04d", argv[1], i);
		fd = open(buf, O_CREAT | O_WRONLY, 0600);
		if (fd < 0)
			return 1;
		close(fd);
		/* from none to milliseconds (more under emulation): some land
		 * before the kernel reads the name, some after */
		delay = i % 2 ? (int)((i * 37u) % 3000u) : 1 << (i / 2 % 22);
		atomic_store(&done, 0);
		atomic_store(&go, 1);
		rc = unlink(buf) ? errno : 0;
		while (!atomic_load(&done))
			;
		printf("%d %d\n", i, rc);
		/* a victim the unlink missed: removed by its own name */
		snprintf(buf, sizeof(buf), "%s/victim_%04d", argv[1], i);
		unlink(buf);
	}
	delay = -1;
	atomic_store(&go, 1);
	pthread_join(th, NULL);
	return 0;
}
