/* A mount's file system type rewritten by another thread while the call
 * runs. Usage: race_mount DIR N. For each i < N: mounts a file system of
 * type "tmpfs" on the new directory DIR/f_i while a second thread rewrites
 * the type's buffer to "ramfs" after a delay from none to milliseconds,
 * then asks the mounted file system what it is and unmounts it. Prints
 * "i TYPE" (tmpfs or ramfs, as the kernel mounted it), or "i e ERRNO". */
#include <errno.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "racer.h"

#define TMPFS_MAGIC 0x01021994
#define RAMFS_MAGIC 0x858458f6

static char type[16];

static void racer_rewrite(void)
{
	memcpy(type, "ramfs", 6);
}

int main(int argc, char **argv)
{
	char path[4096];
	struct statfs st;
	int n = racer_dir_start(argc, argv);

	if (n < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		int rc;

		snprintf(path, sizeof(path), "%s/f_%04d", argv[1], i);
		if (mkdir(path, 0700))
			return 1;
		memcpy(type, "tmpfs", 6);
		racer_arm(i, 16);
		rc = mount("kn_race", path, type, 0, NULL) ? errno : 0;
		racer_wait();
		if (rc) {
			printf("%d e %d\n", i, rc);
			continue;
		}
		if (statfs(path, &st))
			return 1;
		printf("%d %s\n", i,
		       (unsigned long)st.f_type == TMPFS_MAGIC	 ? "tmpfs"
		       : (unsigned long)st.f_type == RAMFS_MAGIC ? "ramfs"
								 : "other");
		if (umount(path))
			return 1;
	}
	racer_stop();
	return 0;
}
