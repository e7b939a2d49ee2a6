/* Exec storm: fork+exec a program N times, one after the other; prints the
 * elapsed seconds. Driven by bench/exec_storm.py. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

int main(int argc, char **argv)
{
	const char *prog = argc > 2 ? argv[2] : "/bin/true";
	long n = argc > 1 ? atol(argv[1]) : 2000;
	char *args[] = {(char *)prog, NULL};
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		pid_t pid;
		int st;

		if (posix_spawn(&pid, prog, NULL, NULL, args, environ)) {
			perror("posix_spawn");
			return 1;
		}
		waitpid(pid, &st, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.6f\n", (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
