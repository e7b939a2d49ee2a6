/* An attribute name rewritten by another thread while setxattr runs.
 * Usage: race_setxattr DIR N. For each i < N: makes DIR/f_i and sets the
 * attribute trusted.kunai_a on it while a second thread rewrites the
 * name's buffer to trusted.kunai_b after a delay from none to
 * milliseconds. Prints "i a" or "i b", the name the kernel set, or
 * "i e ERRNO" when it set none. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

static char name[64];
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
		name[sizeof("trusted.kunai_") - 1] = 'b';
		atomic_store(&done, 1);
	}
}

int main(int argc, char **argv)
{
	char path[4096], v;
	pthread_t th;
	int n;

	if (argc != 3 || strlen(argv[1]) > 3000)
		return 2;
	n = atoi(argv[2]);
	if (pthread_create(&th, NULL, racer, NULL))
		return 1;
	for (int i = 0; i < n; i++) {
		int fd, rc;

		snprintf(path, sizeof(path), "%s/f_%04d", argv[1], i);
		fd = open(path, O_CREAT | O_WRONLY, 0600);
		if (fd < 0)
			return 1;
		close(fd);
		strcpy(name, "trusted.kunai_a");
		delay = i % 2 ? (int)((i * 37u) % 3000u) : 1 << (i / 2 % 16);
		atomic_store(&done, 0);
		atomic_store(&go, 1);
		rc = setxattr(path, name, "v", 1, 0) ? errno : 0;
		while (!atomic_load(&done))
			;
		if (rc)
			printf("%d e %d\n", i, rc);
		else
			printf("%d %c\n", i, getxattr(path, "trusted.kunai_a", &v, 1) == 1 ? 'a' : 'b');
	}
	delay = -1;
	atomic_store(&go, 1);
	pthread_join(th, NULL);
	return 0;
}
