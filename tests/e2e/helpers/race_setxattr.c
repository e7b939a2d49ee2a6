/* An attribute name rewritten by another thread while setxattr runs.
 * Usage: race_setxattr DIR N. For each i < N: makes DIR/f_i and sets the
 * attribute trusted.kunai_a on it while a second thread rewrites the
 * name's buffer to trusted.kunai_b after a delay from none to
 * milliseconds. Prints "i a" or "i b", the name the kernel set, or
 * "i e ERRNO" when it set none. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "racer.h"

static char name[64];

static void racer_rewrite(void)
{
	name[sizeof("trusted.kunai_") - 1] = 'b';
}

int main(int argc, char **argv)
{
	char path[4096], v;
	int n;

	n = racer_dir_start(argc, argv);
	if (n < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		int rc;

		snprintf(path, sizeof(path), "%s/f_%04d", argv[1], i);
		if (racer_touch(path))
			return 1;
		strcpy(name, "trusted.kunai_a");
		racer_arm(i, 16);
		rc = setxattr(path, name, "v", 1, 0) ? errno : 0;
		racer_wait();
		if (rc)
			printf("%d e %d\n", i, rc);
		else
			printf("%d %c\n", i, getxattr(path, "trusted.kunai_a", &v, 1) == 1 ? 'a' : 'b');
	}
	racer_stop();
	return 0;
}
