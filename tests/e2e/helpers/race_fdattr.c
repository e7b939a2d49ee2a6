/* An attribute change's fd rebound by another thread while the call runs.
 * Usage: race_fdattr DIR N (N <= 250). DIR/real and DIR/decoy are made;
 * for each i < N: fd 100 is DIR/real, and one of fchmod, fchown,
 * ftruncate, futimens and fsetxattr (round i % 5), with a value of its
 * own (mode 0400 + i, uid and gid 20000 + i, size 10000 + i, mtime
 * 100000 + i, attribute trusted.rI), runs while a second thread dup2s
 * DIR/decoy over fd 100 after a delay from none to milliseconds. Prints
 * "i CALL:VALUE:FILE", FILE the one that has the round's value afterwards
 * (real, decoy), or "i CALL:VALUE:e" when the call failed. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "racer.h"

#define FD 100

static int decoy;

static void racer_rewrite(void)
{
	dup2(decoy, FD);
}

/* Which of real and decoy has round i's value now. */
static const char *which(int i, int real)
{
	int fds[2] = {real, decoy};
	const char *names[2] = {"real", "decoy"};
	char attr[32];
	struct stat st;

	snprintf(attr, sizeof(attr), "trusted.r%d", i);
	for (int k = 0; k < 2; k++) {
		if (fstat(fds[k], &st))
			return "?";
		switch (i % 5) {
		case 0:
			if ((st.st_mode & 07777) == (mode_t)(0400 + i))
				return names[k];
			break;
		case 1:
			if (st.st_uid == (uid_t)(20000 + i) && st.st_gid == (gid_t)(20000 + i))
				return names[k];
			break;
		case 2:
			if (st.st_size == 10000 + i)
				return names[k];
			break;
		case 3:
			if (st.st_mtim.tv_sec == 100000 + i)
				return names[k];
			break;
		default:
			if (fgetxattr(fds[k], attr, NULL, 0) >= 0)
				return names[k];
		}
	}
	return "none";
}

int main(int argc, char **argv)
{
	static const char *const calls[] = {"fchmod", "fchown", "ftruncate", "futimens", "fsetxattr"};
	char path[4096], attr[32];
	int real, n = racer_dir_start(argc, argv);

	if (n < 0 || n > 250)
		return 2;
	snprintf(path, sizeof(path), "%s/real", argv[1]);
	real = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	snprintf(path, sizeof(path), "%s/decoy", argv[1]);
	decoy = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (real < 0 || decoy < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		struct timespec ts[2] = {{100000 + i, 0}, {100000 + i, 0}};
		int rc;

		snprintf(attr, sizeof(attr), "trusted.r%d", i);
		if (dup2(real, FD) != FD)
			return 1;
		racer_arm(i, 16);
		switch (i % 5) {
		case 0: rc = fchmod(FD, 0400 + i); break;
		case 1: rc = fchown(FD, 20000 + i, 20000 + i); break;
		case 2: rc = ftruncate(FD, 10000 + i); break;
		case 3: rc = futimens(FD, ts); break;
		default: rc = fsetxattr(FD, attr, "x", 1, 0);
		}
		racer_wait();
		printf("%d %s:%d:%s\n", i, calls[i % 5], i, rc ? "e" : which(i, real));
	}
	racer_stop();
	return 0;
}
