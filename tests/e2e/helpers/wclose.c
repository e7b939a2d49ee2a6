/* Files written and then closed without close(): each way a process closes
 * a file implicitly, through the 64-bit syscalls or (with --int80) their
 * 32-bit forms. Usage: wclose [--int80] DIR EXEC
 *   DIR/dup2         written, its fd replaced by dup2
 *   DIR/dup3         written, its fd replaced by dup3
 *   DIR/close_range  written, closed by close_range(fd, ~0U, 0)
 *   DIR/cloexec      opened O_CLOEXEC, written: closed by the exec
 *   DIR/range_cloexec  written, marked by close_range(CLOSE_RANGE_CLOEXEC)
 *                    (by fcntl before 5.11): closed by the exec
 *   DIR/exit         written through fd 200: still open after the exec,
 *                    closed when EXEC exits
 * then execs EXEC (no arguments). Exit 77: no 32-bit syscalls here. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CLOSE_RANGE_CLOEXEC_FLAG (1U << 2)

static int int80;
static char *buf; /* below 4 GiB: 32-bit calls take 32-bit pointers */

enum call { OPEN, WRITE, CLOSE, DUP2, DUP3, CLOSE_RANGE, EXECVE, FCNTL };

static long call(enum call c, unsigned long a, unsigned long b, unsigned long d)
{
	/* the 32-bit numbers, then the 64-bit ones */
	static const long nr32[] = {5, 4, 6, 63, 330, 436, 11, 55};
	static const long nr64[] = {SYS_open, SYS_write,       SYS_close,  SYS_dup2,
				    SYS_dup3, SYS_close_range, SYS_execve, SYS_fcntl};
	long ret;

	if (!int80)
		return syscall(nr64[c], a, b, d);
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr32[c]), "b"(a), "c"(b), "d"(d) : "memory");
	return ret;
}

/* Opens DIR/NAME for writing and writes to it: the fd. */
static long written(const char *dir, const char *name, int flags)
{
	long fd;

	snprintf(buf, 1024, "%s/%s", dir, name);
	fd = call(OPEN, (unsigned long)buf, O_WRONLY | O_CREAT | O_TRUNC | flags, 0600);
	if (fd < 0)
		return fd;
	if (call(WRITE, (unsigned long)fd, (unsigned long)buf, 1) != 1)
		return -1;
	return fd;
}

int main(int argc, char **argv)
{
	long a, b, null, fd;
	char **args;

	if (argc == 4 && !strcmp(argv[1], "--int80")) {
		int80 = 1;
		argv++;
		argc--;
	}
	if (argc != 3 || strlen(argv[1]) > 900 || strlen(argv[2]) > 900)
		return 2;
	buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	null = open("/dev/null", O_RDONLY);
	if (null < 0)
		return 1;
	a = written(argv[1], "dup2", 0);
	if (a == -38 /* ENOSYS: no 32-bit syscalls */)
		return 77;
	if (a < 0 || call(DUP2, (unsigned long)null, (unsigned long)a, 0) != a)
		return 1;
	b = written(argv[1], "dup3", 0);
	if (b < 0 || call(DUP3, (unsigned long)null, (unsigned long)b, 0) != b)
		return 1;
	/* the highest fd this far: close_range closes it and everything above */
	fd = written(argv[1], "close_range", 0);
	if (fd < 0 || call(CLOSE_RANGE, (unsigned long)fd, ~0U, 0))
		return 1;
	if (written(argv[1], "cloexec", O_CLOEXEC) < 0)
		return 1;
	fd = written(argv[1], "range_cloexec", 0);
	if (fd < 0)
		return 1;
	/* CLOSE_RANGE_CLOEXEC is 5.11's: before, the flag set by fcntl */
	if (call(CLOSE_RANGE, (unsigned long)fd, (unsigned long)fd, CLOSE_RANGE_CLOEXEC_FLAG) &&
	    call(FCNTL, (unsigned long)fd, F_SETFD, FD_CLOEXEC))
		return 1;
	/* written through fd 200 only: the exit must find it past the first
	 * words of the fd table (within the 256 fds scanned where the kernel
	 * lacks bpf_loop) */
	snprintf(buf, 1024, "%s/exit", argv[1]);
	fd = call(OPEN, (unsigned long)buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || call(DUP2, (unsigned long)fd, 200, 0) != 200 || call(CLOSE, (unsigned long)fd, 0, 0))
		return 1;
	if (call(WRITE, 200, (unsigned long)buf, 1) != 1)
		return 1;
	/* exec: argv and envp as 32-bit pointer arrays for the 32-bit call */
	strcpy(buf, argv[2]);
	args = (char **)(buf + 1024);
	if (int80) {
		unsigned int *a32 = (unsigned int *)args;

		a32[0] = (unsigned int)(unsigned long)buf;
		a32[1] = 0;
	} else {
		args[0] = buf;
		args[1] = NULL;
	}
	call(EXECVE, (unsigned long)buf, (unsigned long)args,
	     (unsigned long)(int80 ? (char *)args + 4 : (char *)(args + 1)));
	return 1;
}
