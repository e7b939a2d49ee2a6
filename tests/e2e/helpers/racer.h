/* The racing thread of the race_* helpers: once per racer_arm(), after a
 * delay from none to milliseconds (more under emulation), it calls
 * racer_rewrite(), which the helper defines, while the main thread makes
 * the syscall whose argument it rewrites; some rewrites land before the
 * kernel reads the argument, some after. */
#ifndef KN_E2E_RACER_H
#define KN_E2E_RACER_H

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void racer_rewrite(void);

static atomic_int racer_go, racer_done;
static int racer_delay;
static pthread_t racer_thread;

static void *racer_main(void *arg)
{
	(void)arg;
	for (;;) {
		while (!atomic_load(&racer_go))
			;
		atomic_store(&racer_go, 0);
		if (racer_delay < 0)
			return NULL;
		for (volatile int k = 0; k < racer_delay; k++)
			;
		racer_rewrite();
		atomic_store(&racer_done, 1);
	}
}

static int racer_start(void)
{
	return pthread_create(&racer_thread, NULL, racer_main, NULL);
}

/* The file helpers' start: arguments DIR N (DIR under 3000 bytes), the
 * racing thread started. N, or -1. */
static inline int racer_dir_start(int argc, char **argv)
{
	if (argc != 3 || strlen(argv[1]) > 3000 || racer_start())
		return -1;
	return atoi(argv[2]);
}

/* An empty file at path (made or kept). 0, or -1. */
static inline int racer_touch(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY, 0600);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Round i: its delay (odd rounds spread, even ones doubling up to 2^max_shift). */
static void racer_arm(int i, int max_shift)
{
	racer_delay = i % 2 ? (int)((i * 37u) % 3000u) : 1 << (i / 2 % max_shift);
	atomic_store(&racer_done, 0);
	atomic_store(&racer_go, 1);
}

/* The round's rewrite is done. */
static void racer_wait(void)
{
	while (!atomic_load(&racer_done))
		;
}

static void racer_stop(void)
{
	racer_delay = -1;
	atomic_store(&racer_go, 1);
	pthread_join(racer_thread, NULL);
}

#endif
