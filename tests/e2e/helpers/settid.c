/* Run a program as a process with the given pid (clone3 set_tid), to
 * reuse the pid of a process that exited. Usage: settid PID PROG [ARG...].
 * Prints nothing; exits with the program's status, 3 when the pid cannot
 * be had. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct clone_args ca;
	pid_t tid, pid;
	int status;

	if (argc < 3)
		return 2;
	tid = (pid_t)atoi(argv[1]);
	memset(&ca, 0, sizeof(ca));
	ca.exit_signal = SIGCHLD;
	ca.set_tid = (uint64_t)(uintptr_t)&tid;
	ca.set_tid_size = 1;
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		fprintf(stderr, "settid: clone3 with pid %d: %s\n", tid, strerror(errno));
		return 3;
	}
	if (pid == 0) {
		execv(argv[2], argv + 2);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
