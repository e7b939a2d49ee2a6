/* Syscalls made the 32-bit way (int $0x80) from a 64-bit process, with
 * garbage above the low 32 bits of some registers (the kernel ignores it).
 * Usage: int80 FILE RENAMED. Creates FILE, writes to it, closes it, cuts it
 * to 1 byte (truncate64), sets its inode flags to none (FS_IOC32_SETFLAGS),
 * sets its times to 1000 and 2000 (utime), links it
 * as FILE.l and makes the symlink FILE.s to "i32_target", chmods it 04755,
 * renames it to RENAMED, unlinks RENAMED, then forks a child and SIGKILLs
 * it; prints the child's pid.
 * Exit 77: no 32-bit syscalls here. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define HIGH 0xdead00000000UL

static long sc32(long nr, unsigned long b, unsigned long c, unsigned long d)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(b), "c"(c), "d"(d) : "memory");
	return ret;
}

int main(int argc, char **argv)
{
	char *p, *q, *l, *sy;
	int *times;
	long fd;
	pid_t child;

	if (argc != 3 || strlen(argv[1]) > 1000 || strlen(argv[2]) > 1000)
		return 2;
	/* 32-bit syscalls take 32-bit pointers */
	p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	q = p + 2048;
	l = p + 4096;
	sy = p + 6144;
	times = (int *)(p + 8192);
	strcpy(p, argv[1]);
	strcpy(q, argv[2]);
	snprintf(l, 2048, "%s.l", argv[1]);
	snprintf(sy, 2048, "%s.s", argv[1]);
	strcpy(p + 8200, "i32_target");
	times[0] = 1000; /* the 32-bit utimbuf: actime, modtime */
	times[1] = 2000;
	fd = sc32(5, (unsigned long)p, 0101 /* O_WRONLY|O_CREAT */, 0644); /* open */
	if (fd == -38 /* ENOSYS */)
		return 77;
	if (fd < 0)
		return 1;
	if (sc32(4, (unsigned long)fd | HIGH, (unsigned long)q, 3) != 3) /* write */
		return 1;
	/* ioctl(FS_IOC32_SETFLAGS): refused where the file system has no
	 * inode flags, the event comes all the same */
	sc32(54, (unsigned long)fd, 0x40046602, (unsigned long)(p + 8300)); /* flags 0 (mmap zeroed) */
	if (sc32(6, (unsigned long)fd, 0, 0)) /* close */
		return 1;
	if (sc32(193, (unsigned long)p, 1, 0)) /* truncate64: length 1, in two registers */
		return 1;
	if (sc32(30, (unsigned long)p, (unsigned long)times, 0)) /* utime */
		return 1;
	if (sc32(9, (unsigned long)p, (unsigned long)l, 0)) /* link */
		return 1;
	if (sc32(83, (unsigned long)(p + 8200), (unsigned long)sy, 0)) /* symlink */
		return 1;
	if (sc32(15, (unsigned long)p | HIGH, 04755, 0)) /* chmod */
		return 1;
	if (sc32(38, (unsigned long)p, (unsigned long)q, 0)) /* rename */
		return 1;
	if (sc32(10, (unsigned long)q, 0, 0)) /* unlink */
		return 1;
	child = fork();
	if (child < 0)
		return 1;
	if (!child) {
		pause();
		_exit(0);
	}
	if (sc32(37, (unsigned long)child | HIGH, SIGKILL, 0)) /* kill */
		return 1;
	waitpid(child, NULL, 0);
	printf("%d\n", (int)child);
	return 0;
}
