/* clone3's flags rewritten by another thread while the call runs.
 * Usage: race_clone3 DIR N (DIR unused). For each i < N: clone3 with flags
 * 0 (a plain fork) while a second thread rewrites them to CLONE_FILES
 * after a delay from none to milliseconds; the child closes a probe fd and
 * exits, and whether the parent's probe was closed with it tells whether
 * the kernel took CLONE_FILES. Prints "i PID:SHARED" (SHARED 1 or 0). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "racer.h"

static struct clone_args args;

static void racer_rewrite(void)
{
	args.flags = CLONE_FILES;
}

int main(int argc, char **argv)
{
	int n = racer_dir_start(argc, argv);

	if (n < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		int probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
		long pid;

		if (probe < 0)
			return 1;
		memset(&args, 0, sizeof(args));
		args.exit_signal = SIGCHLD;
		racer_arm(i, 16);
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid == 0) {
			close(probe);
			_exit(0);
		}
		racer_wait();
		if (pid < 0)
			return errno == ENOSYS ? 77 : 1;
		if (waitpid((pid_t)pid, NULL, 0) != pid)
			return 1;
		printf("%d %ld:%d\n", i, pid, fcntl(probe, F_GETFD) < 0);
		close(probe);
	}
	racer_stop();
	return 0;
}
