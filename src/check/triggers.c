#include "check/triggers.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/io_uring.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static void note(int fd, const char *type, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s\t", type);
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(fd, buf, (size_t)n) < 0)
		return;
}

/* An action this kernel or its policy refuses: the event cannot happen
 * here (marked by a leading '-'). */
static void cannot(int fd, const char *type, const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	note(fd, type, "-%s", buf);
}

/* Fork; the child runs fn and exits with its status. Returns the child's
 * wait status, or -1. */
static int in_child(int (*fn)(const char *, int), const char *arg, int notes)
{
	pid_t pid = fork();
	int st = 0;

	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg, notes));
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

static int devnull_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	return 0;
}

/* ---- processes ---------------------------------------------------------- */

static void *thread_main(void *arg)
{
	return arg;
}

/* exec of this very program: `kunai --version` */
static int do_exec(const char *path, int notes)
{
	devnull_stdio();
	execl(path, path, "--version", (char *)NULL);
	note(notes, "execve", "exec of %s failed: %s", path, strerror(errno));
	return 127;
}

static pid_t spawn_pauser(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void reap(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

static void trigger_processes(const char *exe, int notes)
{
	pthread_t th;
	pid_t pid;
	int st;

	/* a thread that ends: exit (the thread), clone */
	if (pthread_create(&th, NULL, thread_main, NULL) == 0)
		pthread_join(th, NULL);
	else
		note(notes, "exit", "pthread_create failed");
	/* exec, then exit_group */
	in_child(do_exec, exe, notes);
	/* kill: a real signal to a child */
	pid = spawn_pauser();
	if (pid > 0) {
		kill(pid, SIGTERM);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	/* ptrace: attach to a child (the event fires whether or not the
	 * kernel's policy lets the attach happen) */
	pid = spawn_pauser();
	if (pid > 0) {
		if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == 0) {
			waitpid(pid, &st, 0);
			ptrace(PTRACE_DETACH, pid, NULL, NULL);
		}
		reap(pid);
	}
	/* process_memory: this process's memory opened (/proc/self names it
	 * in a PID namespace of its own too) */
	st = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	if (st >= 0)
		close(st);
	else
		note(notes, "process_memory", "opening /proc/self/mem failed: %s", strerror(errno));
	/* memfd_create */
	st = (int)syscall(SYS_memfd_create, "kunai-check", 1 /* MFD_CLOEXEC */);
	if (st >= 0)
		close(st);
	else
		note(notes, "memfd_create", "memfd_create failed: %s", strerror(errno));
}

/* ---- memory and kernel ---------------------------------------------------- */

static void trigger_memory(const char *exe, int notes)
{
	void *p;
	int fd;

	fd = open(exe, O_RDONLY | O_CLOEXEC);
	p = fd >= 0 ? mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	if (p != MAP_FAILED)
		munmap(p, 4096);
	else
		note(notes, "mmap_exec", "mapping %s executable failed: %s", exe, strerror(errno));
	if (fd >= 0)
		close(fd);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		if (mprotect(p, 4096, PROT_READ | PROT_EXEC))
			note(notes, "mprotect_exec", "mprotect failed: %s", strerror(errno));
		munmap(p, 4096);
	}
}

static void trigger_kernel(int notes)
{
	struct bpf_insn insns[2] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	struct sock_filter ret0 = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog fprog = {1, &ret0};
	static const char license[] = "GPL";
	unsigned char image[64] = {0};
	union bpf_attr attr;
	int fd, s;

	/* a module image the kernel rejects (not ELF): the call is what counts */
	if (syscall(SYS_init_module, image, sizeof(image), "") == 0)
		note(notes, "init_module", "a garbage module image was accepted");
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insn_cnt = 2;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.license = (uint64_t)(uintptr_t)license;
	memcpy(attr.prog_name, "kunai_check", 12);
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd >= 0)
		close(fd);
	else
		note(notes, "bpf_prog_load", "loading a socket filter failed: %s", strerror(errno));
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0) {
		if (setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)))
			note(notes, "bpf_socket_filter", "SO_ATTACH_FILTER failed: %s", strerror(errno));
		close(s);
	}
}

/* One io_uring no-op, with raw syscalls. */
static void trigger_uring(int notes)
{
	struct io_uring_params p;
	struct io_uring_sqe *sqes;
	unsigned *sq_tail, *sq_array, *sq_mask;
	size_t sq_len;
	char *sq;
	int ring;

	memset(&p, 0, sizeof(p));
	ring = (int)syscall(__NR_io_uring_setup, 1, &p);
	if (ring < 0) {
		cannot(notes, "io_uring_sqe", "the kernel refuses io_uring (io_uring_setup: %s)", strerror(errno));
		return;
	}
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_SQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || sqes == MAP_FAILED) {
		note(notes, "io_uring_sqe", "mapping the io_uring rings failed: %s", strerror(errno));
		close(ring);
		return;
	}
	sq_tail = (unsigned *)(sq + p.sq_off.tail);
	sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	sq_array = (unsigned *)(sq + p.sq_off.array);
	memset(&sqes[0], 0, sizeof(sqes[0]));
	sqes[0].opcode = IORING_OP_NOP;
	sqes[0].user_data = 0x4b554e4149;
	sq_array[*sq_tail & *sq_mask] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		note(notes, "io_uring_sqe", "io_uring_enter failed: %s", strerror(errno));
	munmap(sqes, p.sq_entries * sizeof(*sqes));
	munmap(sq, sq_len);
	close(ring);
}

/* ---- network, in a private network namespace ----------------------------- */

static int loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (!rc) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return rc;
}

/* A DNS message: header, one question (kunai-check.test A IN), and for an
 * answer one A record 127.0.0.1 pointing back at the question's name. */
static size_t dns_message(unsigned char *m, int answer)
{
	static const unsigned char q[] = "\x0bkunai-check\x04test";
	static const unsigned char rr[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1};
	size_t n = 0;

	m[n++] = 0x4b;
	m[n++] = 0x4e;
	m[n++] = answer ? 0x81 : 0x01;
	m[n++] = answer ? 0x80 : 0x00;
	m[n++] = 0;
	m[n++] = 1; /* one question */
	m[n++] = 0;
	m[n++] = answer ? 1 : 0;
	memset(m + n, 0, 4);
	n += 4;
	memcpy(m + n, q, sizeof(q)); /* with its terminating zero label */
	n += sizeof(q);
	memcpy(m + n, "\0\1\0\1", 4);
	n += 4;
	if (answer) {
		memcpy(m + n, rr, sizeof(rr));
		n += sizeof(rr);
	}
	return n;
}

static int net_actions(const char *unused, int notes)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in dns = a, from;
	unsigned char msg[512], payload[600];
	socklen_t len = sizeof(a);
	int l, c, s, srv, cli;
	ssize_t n;

	if (unshare(CLONE_NEWNET)) {
		note(notes, "connect", "no private network namespace: %s", strerror(errno));
		return 1;
	}
	if (loopback_up()) {
		note(notes, "connect", "the loopback interface cannot be brought up: %s", strerror(errno));
		return 1;
	}
	/* connect and accept over TCP */
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &len) || connect(c, (struct sockaddr *)&a, sizeof(a))) {
		note(notes, "connect", "a TCP connection on the loopback failed: %s", strerror(errno));
	} else {
		s = accept(l, NULL, NULL);
		if (s < 0)
			note(notes, "accept", "accept failed: %s", strerror(errno));
		else
			close(s);
	}
	/* send_data: 600 bytes over UDP */
	memset(payload, 'k', sizeof(payload));
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	a.sin_port = htons(9);
	if (s < 0 || sendto(s, payload, sizeof(payload), 0, (struct sockaddr *)&a, sizeof(a)) < 0)
		note(notes, "send_data", "a UDP send failed: %s", strerror(errno));
	/* dns_query: an answer from port 53 */
	dns.sin_port = htons(53);
	srv = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cli = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	len = sizeof(from);
	if (srv < 0 || cli < 0 || bind(srv, (struct sockaddr *)&dns, sizeof(dns)) ||
	    sendto(cli, msg, dns_message(msg, 0), 0, (struct sockaddr *)&dns, sizeof(dns)) < 0 ||
	    recvfrom(srv, payload, sizeof(payload), 0, (struct sockaddr *)&from, &len) < 0 ||
	    sendto(srv, msg, dns_message(msg, 1), 0, (struct sockaddr *)&from, len) < 0) {
		note(notes, "dns_query", "a DNS exchange on the loopback failed: %s", strerror(errno));
		return 1;
	}
	len = sizeof(from);
	n = recvfrom(cli, payload, sizeof(payload), 0, (struct sockaddr *)&from, &len);
	if (n <= 0)
		note(notes, "dns_query", "no DNS answer: %s", strerror(errno));
	return 0;
}

/* ---- files, in a private mount namespace ---------------------------------- */

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	int rc = 0;

	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		rc = -1;
	if (close(fd))
		rc = -1;
	return rc;
}

static int read_file(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* read_config, write_config: a file under /etc. */
static void config_actions(const char *path, int notes)
{
	if (write_file(path, "kunai", 0600) || read_file(path))
		note(notes, "write_config", "writing %s failed: %s", path, strerror(errno));
}

/*
 * Files on a tmpfs in a private mount namespace, and a tmpfs over /etc
 * there: nothing of it is seen outside. Where no private namespace can be
 * had (a chroot, whose root is no mount point), in dir itself and in a
 * file of /etc made and removed at once; the mount event then comes from a
 * mount the kernel refuses (a file system type that does not exist).
 */
static int file_actions(const char *dir, int notes)
{
	char a[4096], b[4096], link[4096], script[4096], conf[64];
	static const char text[] = "#!/proc/self/exe --version\n";
	struct stat st;
	int made_etc = 0, rc = 0, private, fd;

	private = !unshare(CLONE_NEWNS) && !mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (private) {
		if (mount("kunai-check", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0700")) {
			note(notes, "mount", "mounting a tmpfs on %s failed: %s", dir, strerror(errno));
			return 1;
		}
	} else if (!mount("kunai-check", dir, "kunai-check-none", 0, NULL)) {
		note(notes, "mount", "a mount of a file system type that does not exist succeeded");
		umount2(dir, MNT_DETACH);
	}
	snprintf(a, sizeof(a), "%s/file", dir);
	snprintf(b, sizeof(b), "%s/renamed", dir);
	snprintf(script, sizeof(script), "%s/script", dir);
	/* file_create, write, write_close, read */
	if (write_file(a, "kunai", 0600) || read_file(a))
		note(notes, "file_create", "writing %s failed: %s", a, strerror(errno));
	if (truncate(a, 2))
		note(notes, "file_truncate", "truncate failed: %s", strerror(errno));
	if (utimensat(AT_FDCWD, a, NULL, 0))
		note(notes, "file_times", "utimensat failed: %s", strerror(errno));
	/* file_flags: the file's own flags set again (the call is what
	 * counts: a file system without inode flags refuses it) */
	fd = open(a, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		note(notes, "file_flags", "opening %s failed: %s", a, strerror(errno));
	} else {
		long fl = 0;

		ioctl(fd, FS_IOC_GETFLAGS, &fl);
		ioctl(fd, FS_IOC_SETFLAGS, &fl);
		close(fd);
	}
	/* file_link: a symlink (dangling, never followed) */
	snprintf(link, sizeof(link), "%s/link", dir);
	if (symlink("kunai-check-target", link))
		note(notes, "file_link", "symlink failed: %s", strerror(errno));
	else
		unlink(link);
	if (chmod(a, 0640))
		note(notes, "chmod", "chmod failed: %s", strerror(errno));
	if (chown(a, getuid(), getgid()))
		note(notes, "chown", "chown failed: %s", strerror(errno));
	/* the call is what counts: some file systems take no trusted.* */
	setxattr(a, "trusted.kunai-check", "1", 1, 0);
	if (rename(a, b))
		note(notes, "file_rename", "rename failed: %s", strerror(errno));
	if (unlink(b))
		note(notes, "file_unlink", "unlink failed: %s", strerror(errno));
	/* execve_script: this program as the interpreter; /proc/self/exe is
	 * resolved by the process that runs the script, this one's child */
	if (write_file(script, text, 0700)) {
		note(notes, "execve_script", "writing %s failed: %s", script, strerror(errno));
	} else {
		pid_t pid = fork();

		if (pid == 0) {
			devnull_stdio();
			execl(script, script, (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			while (waitpid(pid, &rc, 0) < 0 && errno == EINTR)
				;
		if (!WIFEXITED(rc) || WEXITSTATUS(rc) == 127)
			note(notes, "execve_script", "the script %s did not run (a file system mounted noexec?)",
			     script);
		unlink(script);
	}
	if (!private) {
		snprintf(conf, sizeof(conf), "/etc/.kunai-check-%d.conf", (int)getpid());
		config_actions(conf, notes);
		unlink(conf);
		return 0;
	}
	/* read_config, write_config: on a tmpfs that hides /etc here only */
	if (stat("/etc", &st)) {
		if (mkdir("/etc", 0755)) {
			note(notes, "write_config", "there is no /etc and it cannot be made: %s", strerror(errno));
			return 1;
		}
		made_etc = 1;
	}
	if (mount("kunai-check", "/etc", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")) {
		note(notes, "write_config", "mounting a tmpfs on /etc failed: %s", strerror(errno));
	} else {
		config_actions("/etc/kunai-check.conf", notes);
		umount2("/etc", MNT_DETACH);
	}
	if (made_etc)
		rmdir("/etc");
	return 0;
}

int triggers_run(const char *name, const char *workdir, int notes)
{
	char exe[4096];
	ssize_t n;

	/* first: prctl, whose event names this process to the check */
	if (prctl(PR_SET_NAME, name, 0, 0, 0))
		note(notes, "prctl", "prctl(PR_SET_NAME) failed: %s", strerror(errno));
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0) {
		note(notes, "execve", "/proc/self/exe cannot be read: %s", strerror(errno));
		return 1;
	}
	exe[n] = 0;
	trigger_processes(exe, notes);
	trigger_memory(exe, notes);
	trigger_kernel(notes);
	trigger_uring(notes);
	in_child(net_actions, NULL, notes);
	in_child(file_actions, workdir, notes);
	return 0;
}
